# The two commands of the README: `make run` and `make test`.
# Both create .venv on first use and install the project into it. pip does not byte-compile
# what it installs (2.1 GB with the test extras: 17 s on both cores here); Python writes the
# bytecode of each module the first time a process imports it (about 5 s for what the tests
# import), and every later process loads it. PYTHONDONTWRITEBYTECODE (set on this machine and
# CI) would stop those writes and make every process compile sim, numba, pandas... from
# source, so the commands below run without it.
unexport PYTHONDONTWRITEBYTECODE
PIP_INSTALL = $(BIN)/python -m pip install --quiet --no-compile
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast app readme-examples mutants sweep bench validate browser clean-numba-cache clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# runtime + the joblib launcher (local parallel sweeps)
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[joblib]'
	@touch $@

# + pytest, the Ray and SLURM (submitit) launchers and the benchmark's peers the tests exercise
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[test,joblib,ray,slurm,bench,app]'
	@touch $@ $(VENV)/.installed-run $(VENV)/.installed-app

# + the what-if page (Solara and its assets)
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[joblib,app]'
	@touch $@ $(VENV)/.installed-run

# numba's on-disk cache is keyed on each kernel's own file: the kernels that call the rule
# (sim/rules.py) or the random draws (sim/rng.py) must be recompiled when those change
$(VENV)/.numba-helpers: sim/rules.py sim/rng.py | $(BIN)/python
	@find sim -name '*.nbi' -delete -o -name '*.nbc' -delete
	@touch $@

## Simulate the built-in default scenario (extra Hydra overrides: make run ARGS="run.replicates=5")
run: $(VENV)/.installed-run $(VENV)/.numba-helpers
	$(BIN)/python -m sim.run $(ARGS)

## The what-if page on http://127.0.0.1:8765/ (python -m sim.app; ARGS="--port 9000" to move it)
app: $(VENV)/.installed-app $(VENV)/.numba-helpers
	$(BIN)/python -m sim.app $(ARGS)

## Rerun the README's quoted examples and rewrite them (the test checks they still match)
readme-examples: $(VENV)/.installed-run $(VENV)/.numba-helpers
	$(BIN)/python experiments/readme_examples/update.py $(ARGS)

## Run the test suite (numba's on-disk cache is cleared first: it is keyed on the kernel file only)
## on every core (pytest-xdist; slow tests start first, idle workers steal queued ones)
test: $(VENV)/.installed-test clean-numba-cache browser
	$(BIN)/python -m pytest -q -n auto --dist worksteal $(ARGS)

## The edit loop: every test not marked slow (no sweeps, launchers, validation suite, benchmark
## script or browser), numba's cache kept warm; under 2 minutes on the 2-core machine
test-fast: $(VENV)/.installed-test $(VENV)/.numba-helpers
	$(BIN)/python -m pytest -q -n auto --dist worksteal -m "not slow" $(ARGS)

## Plant each listed formula bug in kernel and reference alike; the safety-net tests must catch every one
mutants: $(VENV)/.installed-test
	$(BIN)/python experiments/mutants/mutants.py $(ARGS)

## Benchmark against CyNetDiff, NDlib and a naive Mesa model (prints tables; takes minutes)
bench: $(VENV)/.installed-run $(VENV)/.numba-helpers
	$(BIN)/python -m pip install --quiet -e '.[joblib,bench]'
	$(BIN)/python experiments/bench/bench.py $(ARGS)

## Validation against published results (writes experiments/validation/: validation.md, .csv, figures)
validate: $(VENV)/.installed-run $(VENV)/.numba-helpers
	$(BIN)/python -m pip install --quiet -e '.[joblib,bench]'
	$(BIN)/python -m sim.validate --data ../shared/data/networks $(ARGS)

## Debian's Chromium (the report and what-if page tests open them in a headless browser) and
## poppler's pdftotext (the report tests read the PDF's text); needs root/apt
browser:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and poppler-utils for the report and page tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }

## The ready-made sweep (targeted vs mass over message x target x timing) on all local cores
sweep: $(VENV)/.installed-run $(VENV)/.numba-helpers
	$(BIN)/python -m sim.run -m sweep=mix hydra/launcher=joblib $(ARGS)

clean-numba-cache:
	@find sim -name '*.nbi' -delete -o -name '*.nbc' -delete

clean: clean-numba-cache
	rm -rf $(VENV) outputs multirun

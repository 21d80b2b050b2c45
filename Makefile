# The two commands of the README: `make run` and `make test`.
# Both create .venv on first use and install the project into it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.influsim-installed

.PHONY: run test clean-numba-cache clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## Simulate the built-in default scenario (extra Hydra overrides: make run ARGS="run.replicates=5")
run: $(STAMP)
	$(BIN)/python -m sim.run $(ARGS)

## Run the test suite (numba's on-disk cache is cleared first: it is keyed on the kernel file only)
test: $(STAMP) clean-numba-cache
	$(BIN)/python -m pytest -q $(ARGS)

clean-numba-cache:
	@find sim -name '*.nbi' -delete -o -name '*.nbc' -delete

clean: clean-numba-cache
	rm -rf $(VENV) outputs multirun

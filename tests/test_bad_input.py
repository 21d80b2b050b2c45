"""Every bad input ends with exit code 2 and one line naming the key or file, in one
interpreter through each entry point's own `main` (sim.run, sim.score, sim.report,
sim.collect). The catalogue is tests/bad_inputs.py (also used by experiments/fuzz)."""
import os
import subprocess
import sys

import pytest

import sim.calibrate
import sim.collect
import sim.explore
import sim.forecast
import sim.optimize
import sim.report
import sim.run
import sim.score

from . import bad_inputs
from .conftest import ROOT

ENTRIES = {"run": sim.run, "score": sim.score, "report": sim.report, "collect": sim.collect,
           "calibrate": sim.calibrate, "forecast": sim.forecast, "optimize": sim.optimize, "explore": sim.explore}


def one_error_line(stderr: str, expected: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-3000:]
    assert lines[0].startswith("influsim: error:") and expected in lines[0], lines[0]
    assert "Traceback" not in stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return bad_inputs.make_files(tmp_path_factory.mktemp("inputs"))


def test_the_catalogue_is_large_and_covers_every_entry_point():
    cases = bad_inputs.CASES
    assert len({tuple(c[2]) + (c[1],) for c in cases}) == len(cases) >= 120     # distinct
    assert {c[1] for c in cases} == set(ENTRIES)
    assert {"value", "type", "size", "silent", "comparison", "messages", "hydra", "file", "folder"} <= {
        c[0] for c in cases}


@pytest.mark.parametrize("case", bad_inputs.CASES, ids=lambda c: f"{c[1]}:{' '.join(c[2])[:60]}")
def test_bad_input_exits_2_with_one_line(case, files, tmp_path, monkeypatch, capsys):
    argv = bad_inputs.argv_of(case, files, tmp_path / "out")
    monkeypatch.setattr(sys, "argv", [f"sim.{case[1]}"])
    with pytest.raises(SystemExit) as stop:
        ENTRIES[case[1]].main(argv)
    assert stop.value.code == 2, capsys.readouterr().err[-2000:]
    one_error_line(capsys.readouterr().err, case[3])
    assert not (tmp_path / "out" / "summary.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("args", [["population.consumers=10000000000"], ["run.hours=1000000000"],
                                  ["run.replicates=100000000"], ["score.rr_sets=10000000000"],
                                  ["network.follows_mean=1000000000"]])
def test_huge_sizes_are_refused_without_allocating(args, tmp_path):
    """A fresh process: refused having allocated little (what it allocates, not a time, is
    asserted: timings belong in benchmarks). Measured as the peak of
    what Python and numpy allocated from the call on (tracemalloc, started after the imports,
    which it would slow threefold) and the anonymous resident memory at the
    end (RssAnon): the process's total peak RSS also counts the pages of the shared libraries
    it maps, which depends on the page cache (215 MB here, 315 MB in a freshly installed
    virtualenv), not on what the run allocated."""
    code = ("import sys, time, tracemalloc; from sim.run import main; tracemalloc.start(); t = time.perf_counter()\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
            "    anon = [l for l in open('/proc/self/status') if l.startswith('RssAnon')][0].split()[1]\n"
            "    print(e.code, time.perf_counter() - t, tracemalloc.get_traced_memory()[1] // 1024, anon)")
    proc = subprocess.run([sys.executable, "-c", code, *args, f"hydra.run.dir={tmp_path}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    exit_code, seconds, peak_kb, anon_kb = proc.stdout.split()
    assert exit_code == "2" and "memory" in proc.stderr, proc.stderr
    assert int(peak_kb) < 100 * 1024 and int(anon_kb) < 300 * 1024, (seconds, peak_kb, anon_kb)


def test_a_huge_ad_budget_is_capped_with_a_note():
    from sim import Config, simulate
    cfg = Config()
    cfg.population.consumers, cfg.run.replicates, cfg.run.hours = 2000, 2, 72
    cfg.campaign.kind, cfg.campaign.budget, cfg.campaign.cpm = "mass", 1e9, 10.0
    result = simulate(cfg, progress=lambda line: None)        # capped: served, not a billion impressions
    servable = 2000 * cfg.campaign.mass_hours                       # one impression per consumer per ad hour
    assert (result.final("impressions") <= servable).all() and (result.final("impressions") > 0.9 * servable).all()
    assert (result.final("spent") <= servable * cfg.campaign.cpm / 1000 + 1e-9).all()
    assert any("capped" in note and f"{servable:,}" in note for note in result.notes)


def test_a_run_refused_by_the_guard_runs_when_allowed(monkeypatch):
    """The guard compares with the memory available: with a tiny machine a normal run is
    refused, and run.allow_large=true lets it through."""
    from sim import guard
    from sim.checks import validate
    from sim.config import Config
    from sim.errors import ConfigError
    monkeypatch.setattr(guard, "available_memory", lambda: 1e6)
    cfg = Config()
    with pytest.raises(ConfigError, match="more than the 0.0 GB available"):
        validate(cfg)
    cfg.run.allow_large = True
    validate(cfg)


@pytest.mark.slow
@pytest.mark.parametrize("module, args, expected", [
    ("sim.run", ["+population.consumer=5"], "population.consumer"),
    ("sim.score", ["score.rr_sets=0"], "score.rr_sets"),
    ("sim.score", ["+population.consumer=5"], "population.consumer"),
    ("sim.report", ["/nonexistent/folder"], "/nonexistent/folder"),
    ("sim.collect", ["/nonexistent/folder"], "/nonexistent/folder"),
])
def test_each_entry_point_in_a_fresh_process(module, args, expected, tmp_path):
    """The same rule end to end, where nothing was imported before (each entry point registers
    what it needs itself); `--help` works on every one of them."""
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stderr[-2000:]
    one_error_line(proc.stderr, expected)
    helped = subprocess.run([sys.executable, "-m", module, "--help"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert helped.returncode == 0 and "Traceback" not in helped.stderr and len(helped.stdout) > 100

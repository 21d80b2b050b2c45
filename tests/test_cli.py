"""The command line: output files, determinism across thread counts, bad input -> exit 2."""
import json
import sys

import numpy as np
import pandas as pd
import pytest

from sim.results import simulate, summary, write_atomic
from sim.run import main

from .conftest import run_cli, small_config

SMALL = ["population=small", "run.replicates=3", "run.hours=48"]
QUIET = ["run.plot=false", "run.report=false", "run.influencers=false"]     # the summary only


def _summary_without_timing(path):
    data = json.loads(path.read_text())
    data.pop("seconds")
    return data


def test_run_writes_complete_outputs(tmp_path):
    out = tmp_path / "run"
    proc = run_cli(*SMALL, f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    assert f"results in {out}" in proc.stdout
    summary_ = json.loads((out / "summary.json").read_text())
    series = pd.read_parquet(out / "timeseries.parquet")
    png = (out / "diffusion.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert set(series.message) == {"launch", "all"}
    series = series[series.message == "all"]
    assert len(series) == 3 * 48 and set(series.replicate) == {0, 1, 2}
    final = series[series.hour == 47]
    for metric, column in [("reach", "reach"), ("useful_reach", "useful_reach"),
                           ("relays", "relayed"), ("adoptions", "adopted")]:
        m = summary_["metrics"][metric]
        assert m["mean"] == pytest.approx(final[column].mean())
        assert m["ci95"][0] <= m["mean"] <= m["ci95"][1]
    assert summary_["metrics"]["reach"]["mean"] > 0
    # per-hour mean and interval in summary.json are those of the stored series
    by_hour = series.groupby("hour")
    for curve, column in [("reach", "reach"), ("useful_reach", "useful_reach"),
                          ("adopters", "adopted"), ("relayers", "relayed")]:
        stored = summary_["hourly"][curve]
        assert np.allclose(stored["mean"], by_hour[column].mean().to_numpy())
        assert np.all(np.array(stored["ci95_low"]) <= np.array(stored["mean"]) + 1e-9)
    assert (series.groupby("replicate").reach.diff().dropna() >= 0).all()   # cumulative
    assert not list(out.glob(".*.tmp"))                                      # no leftovers


@pytest.mark.slow
def test_same_seed_same_summary_whatever_the_thread_count(tmp_path):
    runs = {}
    for threads in ("1", "2"):
        out = tmp_path / f"t{threads}"
        proc = run_cli(*SMALL, *QUIET, f"hydra.run.dir={out}", env={"NUMBA_NUM_THREADS": threads})
        assert proc.returncode == 0, proc.stderr
        runs[threads] = _summary_without_timing(out / "summary.json")
    assert runs["1"] == runs["2"]
    other = tmp_path / "seed1"
    assert run_cli(*SMALL, *QUIET, "run.seed=1", f"hydra.run.dir={other}").returncode == 0
    assert _summary_without_timing(other / "summary.json")["metrics"] != runs["1"]["metrics"]


def test_replicates_are_reproducible_and_distinct():
    cfg = small_config(consumers=500, hours=36, replicates=4)
    a, b = simulate(cfg), simulate(cfg)
    assert np.array_equal(a.curves, b.curves) and np.array_equal(a.flows, b.flows)
    finals = a.final("reach")
    assert len(set(finals.tolist())) > 1          # replicates use different streams
    s = summary(a)
    assert s["metrics"]["reach"]["n"] == 4


def test_diffusion_plot_draws_the_stored_curves(tmp_path):
    from sim.results import MAIN_CURVES, diffusion_figure, hourly_curves, timeseries
    result = simulate(small_config(consumers=400, hours=30, replicates=3))
    _, drawn = diffusion_figure({"run": timeseries(result)}, result)
    stored = hourly_curves(result)
    assert {key.split(":")[0] for key in drawn} == set(MAIN_CURVES.values())
    for label, column in MAIN_CURVES.items():
        assert np.allclose(drawn[f"{column}:run"], stored[label]["mean"])
    assert max(drawn["reach:run"]) > 0


def test_write_atomic_leaves_nothing_when_interrupted(tmp_path):
    target = tmp_path / "summary.json"

    def crash(tmp):
        with open(tmp, "w") as fh:
            fh.write("{half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    write_atomic(target, lambda tmp: open(tmp, "w").write("{}"))
    assert target.read_text() == "{}"


BAD_EDGES = "# comment\n0 1\n1 2\n2 x\n"
BAD_INPUTS = [
    (["message.interest=1.5"], "message.interest"),
    (["run.replicates=0"], "run.replicates"),
    (["diffusion.relay_max.consumer=-0.1"], "diffusion.relay_max.consumer"),
    (["run.mode=turbo"], "run.mode"),
    (["message.topics=[1,0]"], "message.topics"),
    (["target.segments=[9]"], "target.segments[0]"),
    (["campaign.kind=mass", "campaign.cpm=0"], "campaign.cpm"),
    (["campaign.strategy=psychic"], "campaign.strategy"),
    (["timing.launch_hour=24"], "timing.launch_hour"),
    (["campaign.kind=custom", "campaign.seed_agents=[99999999]"], "campaign.seed_agents"),
    (["network=edgelist"], "network.path"),
    (["network=edgelist", "network.path=/nonexistent/edges.txt"], "/nonexistent/edges.txt"),
    (["network=edgelist", "network.path={bad}"], "line 4"),
    (["network=nosuchgraph"], "network/nosuchgraph"),
    (["run.sed=3"], "sed"),
    (["run.replicates=many"], "replicates"),
]


def one_error_line(stderr: str, expected: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("influsim: error:") and expected in lines[0], lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("args, expected", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(tmp_path, args, expected, monkeypatch, capsys):
    """In one interpreter, through the command line's own entry point (sim.run.main)."""
    bad = tmp_path / "bad_edges.txt"
    bad.write_text(BAD_EDGES)
    args = [a.replace("{bad}", str(bad)) for a in args]
    monkeypatch.setattr(sys, "argv", ["sim.run"])
    with pytest.raises(SystemExit) as stop:
        main([*args, "population=small", "run.report=false", f"hydra.run.dir={tmp_path / 'out'}"])
    assert stop.value.code == 2
    one_error_line(capsys.readouterr().err, expected)
    assert not (tmp_path / "out" / "summary.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("args, expected", [BAD_INPUTS[0], BAD_INPUTS[12]])
def test_bad_input_exits_2_from_a_fresh_interpreter(tmp_path, args, expected):
    """The same, end to end: a new process, its exit code and its whole standard error."""
    bad = tmp_path / "bad_edges.txt"
    bad.write_text(BAD_EDGES)
    args = [a.replace("{bad}", str(bad)) for a in args]
    proc = run_cli(*args, "population=small", f"hydra.run.dir={tmp_path / 'out'}")
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    one_error_line(proc.stderr, expected)

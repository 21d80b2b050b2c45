"""Bad input to `python -m sim.report` and `python -m sim.collect`: exit code 2 and one line
naming the path, never a traceback; --help; --partial and the done.json rule.

Each case of CASES is (case_id, entry, make_argv, expected): `make_argv(tmp_path)` builds
what it needs under tmp_path, where the test has copied a genuine small run folder to
`tmp_path / "run"` (complete: it holds done.json)."""
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.collect
import sim.report
from sim.jobs import write_done
from sim.metrics import FINALS
from sim.run import run_scenario

from .conftest import compose_config

ENTRIES = {"report": sim.report.main, "collect": sim.collect.main}
CASES = []


def case(case_id: str, entry: str, expected: str):
    def register(make_argv):
        CASES.append((case_id, entry, make_argv, expected))
        return make_argv
    return register


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("made") / "run"
    run_scenario(compose_config("population=small", "run.replicates=2", "run.hours=24", "run.influencers=false",
                                "run.report=false"), folder)
    write_done(folder, [], [], 0.0)
    return folder


@pytest.fixture
def workdir(run_folder, tmp_path) -> Path:
    shutil.copytree(run_folder, tmp_path / "run")
    return tmp_path


# ---------------------------------------------------------------- builders
def cut(path: Path, keep: float = 0.5) -> None:
    """Truncate a file to a share of its bytes, never at a line end."""
    data = path.read_bytes()
    end = int(len(data) * keep)
    while data[end - 1:end] == b"\n":
        end -= 1
    path.write_bytes(data[:end])


def make_sweep(tmp_path: Path, jobs: int = 2, collect: bool = True) -> Path:
    """A sweep over run.seed made of copies of the run folder (a job: .hydra/overrides.yaml + results)."""
    sweep = tmp_path / "sweep"
    for seed in range(jobs):
        job = sweep / f"run.seed={seed}"
        shutil.copytree(tmp_path / "run", job)
        (job / ".hydra").mkdir()
        (job / ".hydra" / "overrides.yaml").write_text(f"- run.seed={seed}\n")
    if collect:
        sim.collect.collect(sweep)
    return sweep


def make_comparison(tmp_path: Path, scenarios=("a", "b"), folders=("a", "b")) -> Path:
    """A comparison folder: comparison.csv (as sim.compare writes it), summary.json, done.json and
    one scenario folder (a copy of the run) per name in `folders`."""
    folder = tmp_path / "cmp"
    folder.mkdir()
    for name in folders:
        shutil.copytree(tmp_path / "run", folder / name)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    rows = []
    for k, name in enumerate(scenarios):
        row = {"scenario": name, "rank_useful_reach": k + 1, "kind": "mass" if k else "targeted",
               "strategy": "", "budget": 300.0, "replicates": 2}
        for m in FINALS:
            v = summary["metrics"][m]
            row.update({f"{m}_mean": v["mean"], f"{m}_ci95_low": v["ci95"][0], f"{m}_ci95_high": v["ci95"][1]})
        rows.append(row)
    pd.DataFrame(rows).to_csv(folder / "comparison.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"budget": 300.0, "replicates": 2, "seed": 0}))
    write_done(folder, [], [], 0.0)
    return folder


# ---------------------------------------------------------------- sim.report
@case("report-unknown-option", "report", "unrecognized arguments: --bogus")
def _(t):
    return ["--bogus", str(t / "run")]


@case("report-no-folder-given", "report", "the following arguments are required: folder")
def _(t):
    return []


@case("report-missing-folder", "report", "nowhere: no such folder")
def _(t):
    return [str(t / "nowhere")]


@case("report-path-is-a-file", "report", "summary.json: not a folder")
def _(t):
    return [str(t / "run" / "summary.json")]


@case("report-folder-of-another-kind", "report", "empty: not a run, comparison or sweep folder")
def _(t):
    (t / "empty").mkdir()
    (t / "empty" / "notes.txt").write_text("hello\n")
    return [str(t / "empty")]


@case("report-run-without-done-json", "report", "run has no done.json: the run did not finish (or was killed); "
      "rerun it, or pass --partial to report what is there")
def _(t):
    (t / "run" / "done.json").unlink()
    return [str(t / "run")]


@case("report-done-json-truncated", "report", "run/done.json: not valid JSON (truncated?)")
def _(t):
    cut(t / "run" / "done.json")
    return [str(t / "run")]


@case("report-summary-truncated", "report", "run/summary.json: not valid JSON (truncated?)")
def _(t):
    cut(t / "run" / "summary.json")
    return [str(t / "run")]


@case("report-summary-of-another-program", "report", "run/summary.json: missing or malformed entry")
def _(t):
    (t / "run" / "summary.json").write_text('{"metrics": {"reach": 3}}')
    return [str(t / "run")]


@case("report-partial-run-without-summary", "report", "run/summary.json: missing (the run stopped")
def _(t):
    (t / "run" / "summary.json").unlink()
    (t / "run" / "done.json").unlink()
    return [str(t / "run"), "--partial"]


@case("report-timeseries-truncated", "report", "run/timeseries.parquet: not a readable parquet file (truncated?)")
def _(t):
    cut(t / "run" / "timeseries.parquet", 0.7)
    return [str(t / "run")]


@case("report-timeseries-without-a-column", "report", "run/timeseries.parquet: no column useful_reach")
def _(t):
    path = t / "run" / "timeseries.parquet"
    pd.read_parquet(path).drop(columns="useful_reach").to_parquet(path)
    return [str(t / "run")]


@case("report-attribution-cut-mid-row", "report", "run/attribution.csv: cut mid-row")
def _(t):
    cut(t / "run" / "attribution.csv", 0.6)
    return [str(t / "run")]


@case("report-attribution-row-with-extra-fields", "report", "run/attribution.csv: line 3 has 11 fields, the header 10")
def _(t):
    path = t / "run" / "attribution.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",7\n"
    path.write_text("".join(lines))
    return [str(t / "run")]


@case("report-influencers-cut-mid-row", "report", "run/influencers.csv: cut mid-row")
def _(t):
    (t / "run" / "influencers.csv").write_text("rank,agent,kind,influence,followers\n1,17,blogger,40.5,3")
    return [str(t / "run")]


@case("report-comparison-csv-cut-mid-row", "report", "cmp/comparison.csv: cut mid-row")
def _(t):
    cut(make_comparison(t) / "comparison.csv", 0.7)
    return [str(t / "cmp")]


@case("report-comparison-scenario-folder-missing", "report", "cmp/ghost/timeseries.parquet: missing")
def _(t):
    return [str(make_comparison(t, scenarios=("a", "ghost"), folders=("a",)))]


@case("report-comparison-without-done-json", "report", "cmp has no done.json")
def _(t):
    (make_comparison(t) / "done.json").unlink()
    return [str(t / "cmp")]


@case("report-sweep-csv-cut-mid-row", "report", "sweep/sweep.csv: cut mid-row")
def _(t):
    cut(make_sweep(t, jobs=3) / "sweep.csv", 0.8)
    return [str(t / "sweep")]


@case("report-sweep-csv-lost-rows", "report", "sweep/sweep.csv: lists 2 of the 3 finished job folders as done "
      "(truncated or stale); rebuild it with python -m sim.collect")
def _(t):
    path = make_sweep(t, jobs=3) / "sweep.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))            # cut exactly at a line end: only the count tells
    return [str(t / "sweep")]


@case("report-sweep-without-sweep-csv", "report", "sweep/sweep.csv: missing, but the folder holds 2 sweep job "
      "folders; build it with python -m sim.collect")
def _(t):
    make_sweep(t, collect=False)
    return [str(t / "sweep")]


@case("report-sweep-csv-unknown-status", "report", "sweep/sweep.csv: unknown job status dnoe")
def _(t):
    path = make_sweep(t) / "sweep.csv"
    path.write_text(path.read_text().replace(",done,", ",dnoe,", 1))
    return [str(t / "sweep")]


@case("report-sweep-job-timeseries-truncated", "report",
      "run.seed=1/timeseries.parquet: not a readable parquet file (truncated?)")
def _(t):
    cut(make_sweep(t) / "run.seed=1" / "timeseries.parquet", 0.5)
    return [str(t / "sweep")]


# ---------------------------------------------------------------- sim.collect
@case("collect-unknown-option", "collect", "unrecognized arguments: --bogus")
def _(t):
    return [str(t / "run"), "--bogus"]


@case("collect-no-folder-given", "collect", "the following arguments are required: folder")
def _(t):
    return []


@case("collect-missing-folder", "collect", "nowhere: no such folder")
def _(t):
    return [str(t / "nowhere")]


@case("collect-path-is-a-file", "collect", "run/timeseries.parquet: not a folder")
def _(t):
    return [str(t / "run" / "timeseries.parquet")]


@case("collect-run-folder-is-not-a-sweep", "collect", "run: not a sweep folder (it holds a single run")
def _(t):
    return [str(t / "run")]


@case("collect-empty-folder-is-not-a-sweep", "collect", "empty: not a sweep folder: no job folders")
def _(t):
    (t / "empty").mkdir()
    return [str(t / "empty")]


@case("collect-job-summary-truncated", "collect", "run.seed=1/summary.json: not valid JSON (truncated?)")
def _(t):
    cut(make_sweep(t, collect=False) / "run.seed=1" / "summary.json")
    return [str(t / "sweep")]


@case("collect-job-done-json-truncated", "collect", "run.seed=0/done.json: not valid JSON (truncated?)")
def _(t):
    cut(make_sweep(t, collect=False) / "run.seed=0" / "done.json")
    return [str(t / "sweep")]


@case("collect-job-error-json-truncated", "collect", "run.seed=1/error.json: not valid JSON (truncated?)")
def _(t):
    job = make_sweep(t, collect=False) / "run.seed=1"
    (job / "done.json").unlink()
    (job / "error.json").write_text('{"error": "ValueError: bad", "overri')
    return [str(t / "sweep")]


@case("collect-job-overrides-not-yaml", "collect", "run.seed=0/.hydra/overrides.yaml: not valid YAML")
def _(t):
    (make_sweep(t, collect=False) / "run.seed=0" / ".hydra" / "overrides.yaml").write_text("- [run.seed=0\n")
    return [str(t / "sweep")]


@case("collect-done-job-without-summary", "collect", "run.seed=1/summary.json: missing")
def _(t):
    (make_sweep(t, collect=False) / "run.seed=1" / "summary.json").unlink()
    return [str(t / "sweep")]


def test_enough_distinct_cases():
    assert len(CASES) >= 20 and len({c[0] for c in CASES}) == len(CASES)
    assert {c[1] for c in CASES} == {"report", "collect"}


@pytest.mark.parametrize("case_id,entry,make_argv,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_code_2(case_id, entry, make_argv, expected, workdir, capsys):
    argv = make_argv(workdir)
    with pytest.raises(SystemExit) as ended:
        ENTRIES[entry](argv)
    err = capsys.readouterr().err
    assert ended.value.code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("influsim: error: ") and expected in lines[0], lines[0]
    assert "Traceback" not in err
    assert not (workdir / "run" / "report.html").exists()          # nothing was reported


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_what_the_command_takes(entry, flag, capsys):
    with pytest.raises(SystemExit) as ended:
        ENTRIES[entry]([flag])
    out = capsys.readouterr().out
    assert ended.value.code == 0
    assert out.startswith(f"usage: python -m sim.{entry}") and "folder" in out
    assert ("--partial" in out) == (entry == "report")


def test_partial_report_of_an_unfinished_run_says_so(workdir, capsys):
    run = workdir / "run"
    sim.report.main([str(run)])                                   # complete: an ordinary report
    complete = capsys.readouterr().out.splitlines()[0]
    assert complete.startswith("Campaign 'default' reached ") and "EUR" in complete
    assert "class='warning'" not in (run / "report.html").read_text()
    (run / "done.json").unlink()
    sim.report.main([str(run), "--partial"])
    partial = capsys.readouterr().out.splitlines()[0]
    assert partial == "PARTIAL: the folder is incomplete (no done.json). " + complete
    page = (run / "report.html").read_text()
    assert "id='warning'>This folder is incomplete: it has no done.json" in page
    assert "id='headline'>PARTIAL: the folder is incomplete" in page


def test_collect_then_report_on_a_sweep_over_seeds_names_no_seed(workdir, capsys):
    """Jobs that differ only in run.seed are other worlds: the headline averages them, names none."""
    sweep = make_sweep(workdir, jobs=3, collect=False)
    sim.collect.main([str(sweep)])
    assert "3 rows (3 done)" in capsys.readouterr().out
    table = pd.read_csv(sweep / "sweep.csv")
    assert sorted(table["run.seed"]) == [0, 1, 2]
    sim.report.main([str(sweep)])
    headline = capsys.readouterr().out.splitlines()[0]
    assert headline.startswith("Only the world varied (run.seed)") and "best" not in headline
    series = pd.read_parquet(workdir / "run" / "timeseries.parquet")
    last = series[(series.message == "all") & (series.hour == series.hour.max())]
    assert f"useful reach {last.useful_reach.mean():,.0f} on average over 3 worlds" in headline


def test_collect_keeps_a_job_without_done_json_incomplete(workdir):
    sweep = make_sweep(workdir, jobs=2, collect=False)
    (sweep / "run.seed=1" / "done.json").unlink()
    table = sim.collect.collect(sweep)
    assert dict(zip(table.job, table.status)) == {"run.seed=0": "done", "run.seed=1": "incomplete"}
    assert np.isnan(table.set_index("job").loc["run.seed=1", "useful_reach_mean"])

"""Sweeps: resume after a kill, failures recorded, collect, launchers agree (basic, joblib,
Ray on a local loopback cluster, submitit's local executor)."""
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim.run import CONFIG_DIR, stable_sweep_dir

from .conftest import ROOT, made_once, run_cli

pytestmark = pytest.mark.slow        # sweeps start interpreters and launchers (make test runs them)

SMALL = ["population=small", "run.replicates=2", "run.hours=24", "run.plot=false"]
METRICS = ["reach", "useful_reach", "relays", "adoptions", "spent", "cascade_depth_max"]


def metric_columns(table: pd.DataFrame) -> pd.DataFrame:
    cols = [f"{m}_{s}" for m in METRICS for s in ("mean", "ci95_low", "ci95_high")]
    return table.sort_values("job").reset_index(drop=True)[["job", "status", *cols]]


def snapshot(job_dir: Path) -> dict:
    return {str(p.relative_to(job_dir)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(job_dir.rglob("*")) if p.is_file()}


def done_dirs(sweep_dir: Path) -> list[Path]:
    return sorted(p.parent for p in sweep_dir.glob("*/done.json"))


def test_interrupted_sweep_resumes_without_recomputing(tmp_path):
    sweep_dir = tmp_path / "sweep"
    args = [*SMALL, "run.hours=48", "run.replicates=30", "run.seed=0,1,2,3,4,5,6,7",   # 0.3 s a job: killed mid-sweep
            "run.report=false", f"hydra.sweep.dir={sweep_dir}"]                             # jobs and table only
    proc = subprocess.Popen([sys.executable, "-m", "sim.run", "-m", *args], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while len(done_dirs(sweep_dir)) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)               # the parent dies mid-sweep
    proc.wait()
    finished = done_dirs(sweep_dir)
    assert 2 <= len(finished) < 8, len(finished)
    before = {d.name: snapshot(d) for d in finished}
    time.sleep(0.05)
    rerun = run_cli("-m", *args)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{len(finished)} already complete" in rerun.stdout + rerun.stderr
    for d in finished:                                 # not recomputed: same files, times and bytes
        assert snapshot(d) == before[d.name]
    table = pd.read_csv(sweep_dir / "sweep.csv")
    assert len(table) == 8 and (table.status == "done").all()
    assert sorted(table["run.seed"]) == list(range(8))
    assert "[sweep] 8/8 jobs complete" in (sweep_dir / "progress.log").read_text()


def test_a_failing_job_is_recorded_and_the_others_finish(tmp_path):
    """A job that fails while running (a sponsored agent the world does not have: only the
    built world can tell) is recorded; a bad value is refused before any job starts."""
    sweep_dir = tmp_path / "sweep"
    args = [*SMALL, "campaign.kind=custom", "campaign.seed_agents=[0],[99999999]", "run.seed=0,1", "run.report=false",
            f"hydra.sweep.dir={sweep_dir}"]
    proc = run_cli("-m", *args)
    assert proc.returncode == 1
    assert "2 of 4 jobs failed" in proc.stderr
    table = pd.read_csv(sweep_dir / "sweep.csv")
    assert len(table) == 4
    failed = table[table.status == "failed"]
    assert set(failed["campaign.seed_agents"]) == {"[99999999]"}
    assert failed.error.str.contains("campaign.seed_agents: agent 99999999 does not exist").all()
    assert table[table.status == "done"].reach_mean.gt(0).all()
    good = [d for d in done_dirs(sweep_dir)]
    before = {d.name: snapshot(d) for d in good}
    again = run_cli("-m", *args)                       # reruns only the failed ones
    assert again.returncode == 1 and "2 already complete, 2 to run" in again.stdout + again.stderr
    assert {d.name: snapshot(d) for d in good} == before


def test_collect_rebuilds_the_table(tmp_path):
    sweep_dir = tmp_path / "sweep"
    assert run_cli("-m", *SMALL, "campaign=mass,owned", "run.report=false", f"hydra.sweep.dir={sweep_dir}").returncode == 0
    original = pd.read_csv(sweep_dir / "sweep.csv")
    long = pd.read_parquet(sweep_dir / "sweep.parquet")
    assert len(original) == 2 and len(long) == 2 * len({m for m in long.metric})
    (sweep_dir / "sweep.csv").unlink()
    (sweep_dir / "sweep.parquet").unlink()
    proc = subprocess.run([sys.executable, "-m", "sim.collect", str(sweep_dir)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "2 rows (2 done)" in proc.stdout
    pd.testing.assert_frame_equal(pd.read_csv(sweep_dir / "sweep.csv"), original)
    pd.testing.assert_frame_equal(pd.read_parquet(sweep_dir / "sweep.parquet"), long)
    bad = subprocess.run([sys.executable, "-m", "sim.collect", str(tmp_path / "nope")], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr == f"influsim: error: {tmp_path / 'nope'}: no such folder\n"


LAUNCHER_SWEEP = [*SMALL, "campaign=mass,targeted", "run.seed=0,1", "run.report=false"]    # rows only


def launcher_rows(sweep_dir: Path, *launcher: str) -> pd.DataFrame:
    """The metric rows of LAUNCHER_SWEEP run on `launcher` (Hydra's basic one: none given)."""
    proc = run_cli("-m", *LAUNCHER_SWEEP, *launcher, f"hydra.sweep.dir={sweep_dir}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return metric_columns(pd.read_csv(sweep_dir / "sweep.csv"))


def local_rows(tmp_path_factory) -> pd.DataFrame:
    """LAUNCHER_SWEEP's rows on the basic launcher, one sweep per test session (the Ray test
    compares with them too)."""
    folder = made_once(tmp_path_factory, "launcher_sweep_basic", lambda folder: launcher_rows(folder))
    return metric_columns(pd.read_csv(folder / "sweep.csv"))


def test_identical_rows_whatever_the_launcher_and_workers(tmp_path, tmp_path_factory):
    basic = local_rows(tmp_path_factory)
    assert len(basic) == 4 and (basic.status == "done").all()
    for name, launcher in [("joblib1", ["hydra/launcher=joblib", "hydra.launcher.n_jobs=1"]),
                           ("joblib2", ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]),
                           ("submitit", ["hydra/launcher=slurm_local"])]:
        pd.testing.assert_frame_equal(launcher_rows(tmp_path / name, *launcher), basic, obj=name)


def test_sweep_folder_is_named_after_the_command():
    a = stable_sweep_dir(["-m", "sweep=mix", "hydra/launcher=joblib"])
    b = stable_sweep_dir(["-m", "hydra/launcher=ray_cluster", "sweep=mix"])
    assert a[-1] == b[-1] == "hydra.sweep.dir='multirun/sweep=mix'"
    assert stable_sweep_dir(["-m", "x=1", "hydra.sweep.dir=/elsewhere"])[-1] == "hydra.sweep.dir=/elsewhere"
    long = stable_sweep_dir(["-m"] + [f"message.interest={v / 100}" for v in range(30)])[-1]
    assert len(long) < 120


def test_mix_sweep_covers_message_target_timing_for_targeted_and_mass():
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="config", overrides=["sweep=mix"], return_hydra_config=True)
    params = cfg.hydra.sweeper.params
    assert set(params) >= {"campaign", "message", "target", "timing"}
    assert set(params.campaign.split(",")) == {"mass", "targeted"}
    assert cfg.hydra.sweeper._target_.endswith("InflusimSweeper")

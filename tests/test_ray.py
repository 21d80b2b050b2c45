"""Ray runs give the rows of local runs: a sweep on Hydra's Ray launcher, `sim.explore` on
a running cluster and on a Ray the command starts itself. One test, so one head node
(about 10 s to start and stop) serves both entry points."""
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from .conftest import ROOT, run_cli
from .test_explore import SMALL_EXPLORE

RAY_EXPLORE = (*SMALL_EXPLORE, "population.consumers=300", "run.days=1")     # 36 points, 5 chunks, 2 s
from .test_sweep import LAUNCHER_SWEEP, local_rows, metric_columns

pytestmark = pytest.mark.slow


@pytest.fixture
def ray_cluster(tmp_path):
    """A Ray head node on loopback only, started and stopped by the test."""
    ray = Path(sys.executable).parent / "ray"
    if not ray.exists():
        pytest.skip("ray is not installed (pip install -e '.[ray]')")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")         # Ray's socket paths must stay short
    try:
        start = subprocess.run([str(ray), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                                "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
                                f"--temp-dir={temp}"], env=env, capture_output=True, text=True)
        assert start.returncode == 0, start.stderr[-2000:]
        said = re.sub(r"\x1b\[[0-9;]*m", "", start.stdout + start.stderr)
        assert "Local node IP: 127.0.0.1" in said          # nothing but loopback
        yield f"127.0.0.1:{port}", env
    finally:            # `ray stop` waits about 6 s for the killed processes: let it, while the next test runs
        subprocess.Popen(f"{shlex.quote(str(ray))} stop --force; rm -rf {shlex.quote(temp)}", shell=True, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def test_ray_gives_the_local_rows_for_a_sweep_and_an_exploration(tmp_path, tmp_path_factory, ray_cluster):
    address, env = ray_cluster
    sweep_on_ray_gives_the_local_rows(tmp_path / "sweep", address, env, local_rows(tmp_path_factory))
    explore_on_ray_gives_the_in_process_rows(tmp_path / "explore", address, env)


def sweep_on_ray_gives_the_local_rows(tmp_path: Path, address: str, env: dict, local: pd.DataFrame) -> None:
    """The launcher test's sweep on the Ray cluster: the rows of Hydra's basic launcher."""
    on_ray = run_cli("-m", *LAUNCHER_SWEEP, "hydra/launcher=ray_cluster", f"hydra.launcher.ray.init.address={address}",
                     f"hydra.sweep.dir={tmp_path / 'ray_sweep'}", env=env)
    assert on_ray.returncode == 0, on_ray.stderr[-3000:]
    ray_table = metric_columns(pd.read_csv(tmp_path / "ray_sweep" / "sweep.csv"))
    assert len(ray_table) == 4 and (ray_table.status == "done").all()
    pd.testing.assert_frame_equal(ray_table, local)


def explore_on_ray_gives_the_in_process_rows(tmp_path: Path, address: str, env: dict) -> None:
    """Local processes too; a Ray the command starts itself leaves no ~/.ray/auth_token."""
    tables = {}
    home = tmp_path / "home"
    home.mkdir(parents=True)
    for name, extra in (("here", []), ("joblib", ["explore.workers=2"]),
                        ("ray", ["explore.backend=ray", f"explore.ray_address={address}"]),
                        ("own_ray", ["explore.backend=ray"])):
        done = subprocess.run([sys.executable, "-m", "sim.explore", *RAY_EXPLORE, *extra,
                               f"hydra.run.dir={tmp_path / name}"], cwd=ROOT, capture_output=True, text=True,
                              env={**env, "HOME": str(home)} if name == "own_ray" else env, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        tables[name] = pd.read_csv(tmp_path / name / "explore.csv")
        assert "chunk 5/5 done (0 failed)" in done.stdout + done.stderr
    pd.testing.assert_frame_equal(tables["joblib"], tables["here"])
    pd.testing.assert_frame_equal(tables["ray"], tables["here"])
    pd.testing.assert_frame_equal(tables["own_ray"], tables["here"])
    assert not (home / ".ray").exists()

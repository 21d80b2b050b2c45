import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from sim.config import Config
from sim.run import CONFIG_DIR, to_config

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "networks"


def small_config(consumers=300, bloggers=5, hours=48, replicates=2, seed=0) -> Config:
    cfg = Config()
    cfg.population.consumers = consumers
    cfg.population.bloggers = bloggers
    cfg.run.hours = hours
    cfg.run.replicates = replicates
    cfg.run.seed = seed
    return cfg


def compose_config(*overrides) -> Config:
    """The command line's configuration path: Hydra's compose, then the typed, validated Config."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def run_cli(*args, env=None, timeout=300):
    """Run `python -m sim.run ARGS` in a fresh interpreter; returns CompletedProcess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "sim.run", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def shared_networks():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not available")
    return SHARED


def made_once(tmp_path_factory, name: str, make) -> Path:
    """A folder `make(folder)` fills once per test session, shared by the test workers
    (pytest-xdist): the first to ask makes it under a file lock, the others wait for it.
    Tests may read it or rewrite its reports (atomic renames), not change its results."""
    root = tmp_path_factory.getbasetemp()
    root = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root       # the workers' common folder
    folder = root / "made_once" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder.parent / f"{name}.done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            (folder.parent / f"{name}.done").touch()
    return folder


# report kind -> the command that makes a finished folder of it on the small world (3 days, 3 replicates)
REPORT_KINDS = {"run": ["-m", "sim.run"], "comparison": ["-m", "sim.run", "experiment=targeted_vs_mass"],
                "mix": ["-m", "sim.run", "experiment=teaser_launch"],
                "sweep": ["-m", "sim.run", "-m", "campaign=mass,targeted", "message=launch,hard_sell"],
                "budget_sweep": ["-m", "sim.run", "-m", "campaign=mass,targeted", "campaign.budget=10000,30000"]}
REPORT_SMALL = ["population=small", "run.days=3", "run.replicates=3"]


class ReportFolders:
    """kind -> its folder (REPORT_KINDS), made the first time any test of the session asks."""

    def __init__(self, tmp_path_factory):
        self.factory = tmp_path_factory

    def __getitem__(self, kind: str) -> Path:
        def make(folder):
            argv = REPORT_KINDS[kind]
            where = f"hydra.sweep.dir={folder}" if "-m" in argv[2:] else f"hydra.run.dir={folder}"
            done = subprocess.run([sys.executable, *argv, *REPORT_SMALL, where], cwd=ROOT, capture_output=True,
                                  text=True, timeout=900)
            assert done.returncode == 0, done.stderr[-2000:]
        return made_once(self.factory, f"report_{kind}", make)


@pytest.fixture(scope="session")
def report_folders(tmp_path_factory) -> ReportFolders:
    return ReportFolders(tmp_path_factory)


def kill_at(argv: list[str], marker: str) -> list[str]:
    """Run `argv` and kill it at the first output line containing `marker`; its lines so far."""
    first = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in first.stdout:
        seen.append(line)
        if marker in line:
            first.kill()
            break
    first.wait(timeout=60)
    return seen


# the model's kernels on a hand-built world || the world generator's, the influence ranking's and the IC kernel
WARM_UP = [["-m", "tests.warm_kernels", "model"], ["-m", "tests.warm_kernels", "world"]]


def pytest_sessionstart(session):
    """With workers (make test: pytest-xdist), compile the kernels once before they start,
    in two processes: the workers and every process a test starts then load them from
    numba's cache instead of each compiling them again."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if list((ROOT / "sim" / "__pycache__").glob("kernels.advance_hours*.nbi")):
        return                                   # warm already (make test-fast keeps the cache)
    jobs = [subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True) for args in WARM_UP]
    for job in jobs:
        _, err = job.communicate()
        assert job.returncode == 0, f"warming numba's cache failed: {err[-2000:]}"


def pytest_collection_modifyitems(config, items):
    """Slow tests first (in their file order): with parallel workers (make test: pytest-xdist,
    work stealing) the long ones start at once instead of leaving one worker busy at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)

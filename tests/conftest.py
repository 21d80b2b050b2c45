import os
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


# the model and campaign kernels on a hand-built world || the world generator, influence ranking and IC kernel
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

"""Parameter sweeps: helpers of the Hydra sweeper that resumes, survives failures, shows
progress and collects every job into one table (the sweeper class itself is in
sim/plugin_root/hydra_plugins/influsim_sweeper, where Hydra looks for plugins).

`hydra/sweeper=influsim` (the default) expands sweeps like Hydra's basic sweeper, then:
- skips jobs whose folder already holds a complete result (`done.json`), so rerunning
  an interrupted or partly failed sweep with the same command runs only what is missing;
- warms numba's on-disk cache in the parent, so no worker spends seconds compiling;
- keeps going when a job fails (its error lands in the job's `error.json`), and when a
  whole batch of workers dies (out of memory), recording those jobs as failed;
- prints progress from the parent as job folders complete (done/total, failed, elapsed,
  remaining), one plain line at a time, also appended to `<sweep dir>/progress.log`;
- ends by writing `sweep.csv` and `sweep.parquet` (`sim.collect`), also after failures.
Launchers are Hydra's: basic (in process), joblib (local cores), ray, submitit (SLURM).
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

from .jobs import DONE, ERROR

log = logging.getLogger("sim.sweep")

# Hydra only accepts plugins from the `hydra_plugins` namespace package; ours lives in
# sim/plugin_root/hydra_plugins/influsim_sweeper, made visible by putting its root on the path.
_PLUGIN_ROOT = str(Path(__file__).resolve().parent / "plugin_root")
if _PLUGIN_ROOT not in sys.path:
    sys.path.append(_PLUGIN_ROOT)
import hydra_plugins.influsim_sweeper  # noqa: E402,F401  (registers hydra/sweeper=influsim)


def warm_numba_cache() -> float:
    """Compile (or load) every kernel once, on a tiny model, so workers find them cached."""
    start = time.perf_counter()
    from .config import Config
    from .results import simulate
    cfg = Config()
    cfg.population.consumers, cfg.population.bloggers = 60, 3
    cfg.run.replicates, cfg.run.hours = 1, 3
    cfg.campaign.kind, cfg.campaign.budget, cfg.campaign.strategy = "hybrid", 20.0, "greedy"
    cfg.score.rr_sets = 50
    simulate(cfg, progress=lambda message: None)
    return time.perf_counter() - start


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress(threading.Thread):
    """Counts finished job folders every `every` seconds and prints a line when it changes."""

    def __init__(self, sweep_dir: Path, job_dirs: list[Path], total: int, skipped: int, every=2.0):
        super().__init__(daemon=True)
        self.dirs, self.total, self.skipped, self.every = job_dirs, total, skipped, every
        self.logfile = sweep_dir / "progress.log"
        self.start_time = time.perf_counter()
        self.stop_event = threading.Event()
        self.last = None

    def counts(self):
        done = sum(1 for d in self.dirs if (d / DONE).exists())
        failed = sum(1 for d in self.dirs if not (d / DONE).exists() and (d / ERROR).exists())
        return done, failed

    def report(self, force=False):
        done, failed = self.counts()
        if not force and (done, failed) == self.last:
            return
        self.last = (done, failed)
        elapsed = time.perf_counter() - self.start_time
        finished = done + failed
        left = len(self.dirs) - finished
        eta = f"~{_clock(elapsed / finished * left)} to go" if finished and left else (
            "finished" if not left else "estimating")
        line = (f"[sweep] {done + self.skipped}/{self.total} jobs complete ({self.skipped} from earlier runs), "
                f"{failed} failed, {_clock(elapsed)} elapsed, {eta}")
        log.info(line)
        with open(self.logfile, "a") as fh:
            fh.write(time.strftime("%Y-%m-%d %H:%M:%S ") + line + "\n")

    def run(self):
        while not self.stop_event.wait(self.every):
            self.report()

    def stop(self):
        self.stop_event.set()
        self.join()
        self.report(force=True)



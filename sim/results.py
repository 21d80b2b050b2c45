"""Replicates, their summary (mean and 95% interval) and the output files.

`simulate(cfg)` runs `run.replicates` replicates on one world and returns the hourly
counts (replicates x hours x kernel counts). `summary()` and `timeseries()` turn them
into `summary.json` and `timeseries.parquet`; `write_outputs` writes those files
atomically (temp file, then rename), so a half-written file never looks complete.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from . import kernels as K
from .config import Config
from .model import InfluenceModel
from .population import KIND_NAMES

log = logging.getLogger("sim")


@dataclass
class RunResult:
    cfg: Config
    hourly: np.ndarray          # int64[replicates, hours, K.N_OUT]: new counts per hour
    kind_sizes: dict            # agents per kind
    target_size: int            # consumers in the target segments
    seconds: float

    @property
    def replicates(self) -> int:
        return self.hourly.shape[0]

    @property
    def hours(self) -> int:
        return self.hourly.shape[1]

    def cumulative(self) -> np.ndarray:
        return np.cumsum(self.hourly, axis=1)


def simulate(cfg: Config, model: InfluenceModel | None = None,
             progress: Callable[[str], None] | None = None) -> RunResult:
    """Run every replicate of `cfg` (each on its own random stream) on one world."""
    progress = progress or log.info
    start = time.perf_counter()
    own = model is None
    model = model or InfluenceModel(cfg)
    progress(f"world built: {model.population.size:,} agents, {model.network.edges:,} follow links "
             f"({time.perf_counter() - start:.1f} s)")
    reps, hours = cfg.run.replicates, cfg.run.hours
    hourly = np.zeros((reps, hours, K.N_OUT), dtype=np.int64)
    first_done = None
    for r in range(reps):
        model.reset(r)
        hourly[r] = model.run(hours)
        done, now = r + 1, time.perf_counter()
        first_done = first_done or now          # the first replicate includes JIT compilation
        if done == reps or done == 1 or done % max(1, reps // 5) == 0:
            per = (now - first_done) / (done - 1) if done > 1 else now - start
            progress(f"replicate {done}/{reps} done, {now - start:.1f} s elapsed, "
                     f"~{per * (reps - done):.0f} s to go")
    pop = model.population
    sizes = {name: pop.count(k) for k, name in enumerate(KIND_NAMES)}
    result = RunResult(cfg, hourly, sizes, int(model.useful.sum()), time.perf_counter() - start)
    if own:
        model.release()
    return result


def interval(values: np.ndarray) -> dict:
    """Mean, standard deviation and 95% confidence interval of the mean (Student t)."""
    values = np.asarray(values, dtype=np.float64)
    n, mean = values.size, float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else 0.0
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)) if n > 1 else 0.0
    low = mean - half if values.min() < 0 else max(0.0, mean - half)   # counts are never negative
    return {"mean": mean, "ci95": [low, mean + half], "sd": sd, "n": n}


def interval_curve(values: np.ndarray):
    """Per-column mean and 95% interval of the mean, for curves (replicates x hours)."""
    n = values.shape[0]
    mean = values.mean(axis=0)
    if n < 2:
        return mean, mean, mean
    half = stats.t.ppf(0.975, n - 1) * values.std(axis=0, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def final_metrics(result: RunResult) -> dict[str, np.ndarray]:
    """Per-replicate final values of every headline metric."""
    h, cum = result.hourly, result.cumulative()[:, -1, :]
    aware = cum[:, K.NEW_AWARE:K.NEW_AWARE + 3]
    new_aware = h[:, :, K.NEW_AWARE:K.NEW_AWARE + 3].sum(axis=2)
    return {
        "reach": aware[:, :2].sum(axis=1),                          # consumers and bloggers
        "useful_reach": cum[:, K.NEW_USEFUL],
        "relays": cum[:, K.NEW_RELAY:K.NEW_RELAY + 3].sum(axis=1),
        "adoptions": cum[:, K.NEW_ADOPT:K.NEW_ADOPT + 3].sum(axis=1),
        "useful_adoptions": cum[:, K.NEW_USEFUL_ADOPT],
        "seeded": cum[:, K.NEW_SEEDED],
        "impressions": cum[:, K.IMPRESSIONS],
        "exposures": cum[:, K.EXPOSURES],
        "posts": cum[:, K.POSTS],
        "peak_hour": new_aware.argmax(axis=1),
    }


def summary(result: RunResult) -> dict:
    cfg, cum = result.cfg, result.cumulative()[:, -1, :]
    metrics = {name: interval(v) for name, v in final_metrics(result).items()}
    by_kind = {
        name: {
            "agents": result.kind_sizes[name],
            "aware": interval(cum[:, K.NEW_AWARE + k]),
            "relayed": interval(cum[:, K.NEW_RELAY + k]),
            "adopted": interval(cum[:, K.NEW_ADOPT + k]),
        } for k, name in enumerate(KIND_NAMES)
    }
    target = result.target_size
    return {
        "scenario": {"campaign": cfg.campaign.name, "message": cfg.message.name,
                     "population": cfg.population.name, "network": cfg.network.kind},
        "replicates": result.replicates,
        "hours": result.hours,
        "seed": cfg.run.seed,
        "agents": int(sum(result.kind_sizes.values())),
        "target_consumers": target,
        "metrics": metrics,
        "useful_reach_share": interval(cum[:, K.NEW_USEFUL] / max(target, 1)),
        "by_kind": by_kind,
        "hourly": hourly_curves(result),
        "seconds": round(result.seconds, 3),
        "config": asdict(cfg),
    }


def hourly_curves(result: RunResult) -> dict:
    """Mean and 95% interval per hour of the cumulative curves drawn in diffusion.png."""
    from .plots import diffusion_curves
    curves = {"hour": list(range(result.hours))}
    for name, values in diffusion_curves(result).items():
        mean, low, high = interval_curve(values)
        curves[name] = {"mean": mean.tolist(), "ci95_low": np.maximum(low, 0).tolist(),
                        "ci95_high": high.tolist()}
    return curves


def timeseries(result: RunResult) -> pd.DataFrame:
    """Long table: one row per replicate and hour, cumulative counts (and posts per hour)."""
    reps, hours = result.replicates, result.hours
    cum = result.cumulative()
    cols = {"replicate": np.repeat(np.arange(reps), hours), "hour": np.tile(np.arange(hours), reps)}

    def flat(a):
        return a.reshape(-1)

    cols["aware"] = flat(cum[:, :, K.NEW_AWARE:K.NEW_AWARE + 2].sum(axis=2))
    cols["useful_reach"] = flat(cum[:, :, K.NEW_USEFUL])
    cols["relayed"] = flat(cum[:, :, K.NEW_RELAY:K.NEW_RELAY + 3].sum(axis=2))
    cols["adopted"] = flat(cum[:, :, K.NEW_ADOPT:K.NEW_ADOPT + 3].sum(axis=2))
    cols["useful_adopted"] = flat(cum[:, :, K.NEW_USEFUL_ADOPT])
    for k, name in enumerate(KIND_NAMES):
        cols[f"aware_{name}"] = flat(cum[:, :, K.NEW_AWARE + k])
        cols[f"relayed_{name}"] = flat(cum[:, :, K.NEW_RELAY + k])
        cols[f"adopted_{name}"] = flat(cum[:, :, K.NEW_ADOPT + k])
    cols["seeded"] = flat(cum[:, :, K.NEW_SEEDED])
    cols["impressions"] = flat(cum[:, :, K.IMPRESSIONS])
    cols["exposures"] = flat(cum[:, :, K.EXPOSURES])
    cols["posts_this_hour"] = flat(result.hourly[:, :, K.POSTS])
    return pd.DataFrame(cols)


def write_atomic(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call `write(tmp_path)`, then rename onto `path` (atomic on one filesystem)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_outputs(result: RunResult, outdir: str | Path, plot: bool = True) -> dict[str, Path]:
    """Write summary.json, timeseries.parquet and (optionally) diffusion.png into outdir."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = {}
    data = timeseries(result)
    files["timeseries"] = write_atomic(outdir / "timeseries.parquet",
                                       lambda tmp: data.to_parquet(tmp, index=False))
    if plot:
        from .plots import plot_diffusion
        files["diffusion"] = write_atomic(outdir / "diffusion.png",
                                          lambda tmp: plot_diffusion(result, tmp))
    text = json.dumps(summary(result), indent=2)
    # summary.json last: its presence marks a complete result
    files["summary"] = write_atomic(outdir / "summary.json", lambda tmp: Path(tmp).write_text(text))
    return files

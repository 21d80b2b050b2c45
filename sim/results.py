"""Replicates, their summary (mean and 95% interval) and the output files.

`simulate(cfg)` runs `run.replicates` replicates on one world and keeps, per replicate,
the curves, flows and final metrics of `sim.metrics` (per message and in total).
`summary()` and `timeseries()` turn them into `summary.json` and `timeseries.parquet`;
`write_outputs` writes those files atomically (temp file, then rename), so a
half-written file never looks complete.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import numba
import numpy as np
import pandas as pd

from . import calendar
from .campaign import budget_of, plan_of
from .config import Config
from .intervals import interval, interval_curve
from .kinds import KIND_NAMES
from .metrics import CURVES, FINALS, FLOWS, TIER_STATS, attribution_table, replicate_metrics, tier_stats
from .tiers import TIERS, band
from .model import InfluenceModel

log = logging.getLogger("sim")
TOTAL = "all"


@dataclass
class RunResult:
    cfg: Config
    messages: list[str]         # message names; index len(messages) is the total
    curves: np.ndarray          # float64[replicates, messages+1, hours, len(CURVES)] cumulative, in people
    flows: np.ndarray           # float64[replicates, messages+1, hours, len(FLOWS)]
    finals: dict                # name -> float64[replicates, messages+1]
    attribution: pd.DataFrame | None   # who relayed to whom in replicate 0 (None: not asked for)
    kind_sizes: dict
    target_size: float          # people in the target (population.scale per consumer agent)
    seconds: float
    notes: list[str] = field(default_factory=list)
    start: datetime = datetime(2027, 3, 1, 8)      # local time of hour 0 (timing.start)
    tiers: np.ndarray | None = None   # [replicates, tiers, len(TIER_STATS)] (sim.metrics.tier_stats)

    @property
    def replicates(self) -> int:
        return self.curves.shape[0]

    @property
    def hours(self) -> int:
        return self.curves.shape[2]

    def curve(self, name: str, message: int | None = None) -> np.ndarray:
        """replicates x hours: a cumulative curve of one message (None: the total)."""
        m = len(self.messages) if message is None else message
        if name in CURVES:
            return self.curves[:, m, :, CURVES.index(name)]
        return self.flows[:, m, :, FLOWS.index(name)]

    def final(self, name: str, message: int | None = None) -> np.ndarray:
        return self.finals[name][:, len(self.messages) if message is None else message]


def simulate(cfg: Config, model: InfluenceModel | None = None, world=None, cache=None,
             progress: Callable[[str], None] | None = None, attribution: bool = True) -> RunResult:
    """Run every replicate of `cfg` (each on its own random stream) on one world. Without
    `attribution`, the result has no who-relayed-to-whom table (loops that read only the
    curves: a quarter of a small run's time)."""
    progress = progress or log.info
    start = time.perf_counter()
    own = model is None
    model = model or InfluenceModel(cfg, world=world, cache=cache)
    progress(f"simulating {cfg.run.replicates} replicates x {model.horizon} hours on {model.population.size:,} "
             f"agents and {model.network.edges:,} follow links")
    for note in model.notes:
        log.warning(note)
    reps, hours, n_msg = cfg.run.replicates, model.horizon, len(model.messages)
    curves = np.zeros((reps, n_msg + 1, hours, len(CURVES)), np.float64)
    flows = np.zeros((reps, n_msg + 1, hours, len(FLOWS)), np.float64)
    finals = {name: np.zeros((reps, n_msg + 1)) for name in FINALS}
    tiers = np.zeros((reps, len(TIERS), len(TIER_STATS)))
    tables = []
    threads = max(1, min(reps, cfg.run.threads or numba.get_num_threads()))
    # Replicates are independent (each has its own random stream), so they run in
    # threads, one model (state arrays) per thread; the kernel releases the GIL.
    models = [model] + [model.replica() for _ in range(threads - 1)]
    lock, done, first = threading.Lock(), [0], [time.perf_counter()]

    stop = threading.Event()        # set on Ctrl-C / SIGTERM: threads end after their current replicate

    def work(worker: int):
        mdl = models[worker]
        for r in range(worker, reps, threads):
            if stop.is_set():
                return
            mdl.reset(r)
            hourly = mdl.run(hours)
            curves[r], flows[r], fin = replicate_metrics(mdl, hourly, cfg.run.influencer_k)
            for name in FINALS:
                finals[name][r] = fin[name]
            tiers[r] = tier_stats(mdl)
            if r == 0 and attribution:
                tables.append(attribution_table(mdl))
            with lock:
                done[0] += 1
                now = time.perf_counter()
                if done[0] == 1:
                    progress(f"replicate 1/{reps} done, {now - start:.1f} s elapsed "
                             "(the first one includes compiling the kernel on a cold cache)")
                    first[0] = now
                elif done[0] == reps or done[0] % max(1, reps // 5) == 0:
                    per = (now - first[0]) / (done[0] - 1)
                    progress(f"replicate {done[0]}/{reps} done, {now - start:.1f} s elapsed, "
                             f"~{per * (reps - done[0]):.0f} s to go")

    if threads == 1:
        work(0)
    else:
        pool = ThreadPoolExecutor(threads)
        try:
            for future in [pool.submit(work, w) for w in range(threads)]:
                future.result()
        except BaseException:
            stop.set()
            raise
        finally:
            pool.shutdown(wait=True)
    for extra in models[1:]:
        extra.release()
    pop = model.population
    sizes = {name: pop.count(k) for k, name in enumerate(KIND_NAMES)}
    result = RunResult(cfg, [m.name for m in model.messages], curves, flows, finals, (tables or [None])[0],
                       sizes, float(model.people[model.useful.astype(bool)].sum()), time.perf_counter() - start, list(model.notes), model.start,
                       tiers)
    if own:
        model.release()
    return result


def message_metrics(result: RunResult, message: int | None = None) -> dict:
    return {name: interval(result.final(name, message)) for name in FINALS}


MAIN_CURVES = {"reach": "reach", "useful_reach": "useful_reach", "adopters": "adopted", "relayers": "relayed"}


def _or_none(values: np.ndarray) -> list:
    """JSON values: NaN (no interval, one replicate) as null."""
    return [None if np.isnan(v) else v for v in values.tolist()]


def hourly_curves(result: RunResult, message: int | None = None) -> dict:
    """Mean and 95% interval per hour of the main cumulative curves (drawn in diffusion.png)."""
    curves = {"hour": list(range(result.hours))}
    for label, name in MAIN_CURVES.items():
        mean, low, high = interval_curve(result.curve(name, message))
        curves[label] = {"mean": mean.tolist(), "ci95_low": _or_none(low), "ci95_high": _or_none(high)}
    return curves


def tier_table(result: RunResult) -> pd.DataFrame:
    """Per influencer tier: accounts, posts, engagements and engagement rate (engagements per
    follower per post), sponsored accounts and spend: means over replicates, 95% intervals."""
    rows = []
    for t, tier in enumerate(TIERS):
        stats = {name: result.tiers[:, t, k] for k, name in enumerate(TIER_STATS)}
        views = stats["follower_views"]
        rate = np.where(views > 0, stats["engagements"] / np.where(views > 0, views, 1.0), np.nan)
        row = {"tier": tier, "band": band(t)}
        for name in ("accounts_posting", "posts", "engagements", "sponsored", "spent_sponsored"):
            row[name] = float(stats[name].mean())
        iv = interval(rate[np.isfinite(rate)]) if np.isfinite(rate).any() else {"mean": np.nan, "ci95": [np.nan] * 2}
        row.update({"engagement_rate": iv["mean"], "engagement_rate_ci95_low": iv["ci95"][0],
                    "engagement_rate_ci95_high": iv["ci95"][1]})
        rows.append(row)
    return pd.DataFrame(rows)


def summary(result: RunResult) -> dict:
    cfg = result.cfg
    plan = plan_of(cfg)
    total = len(result.messages)
    by_kind = {
        name: {"agents": result.kind_sizes[name],
               **{what: interval(result.curves[:, total, -1, CURVES.index(f"{what}_{name}")])
                  for what in ("aware", "relayed", "adopted")}}
        for name in KIND_NAMES
    }
    return {
        "scenario": {"campaign": cfg.campaign.name, "kind": cfg.campaign.kind,
                     "strategy": cfg.campaign.strategy if plan.uses_strategy else None,
                     "messages": result.messages, "target": cfg.target.name, "timing": cfg.timing.name,
                     "population": cfg.population.name, "network": cfg.network.kind},
        "budget": budget_of(cfg.campaign) if plan.budgeted else None,
        "replicates": result.replicates,
        "hours": result.hours,
        "seed": cfg.run.seed,
        "agents": int(sum(result.kind_sizes.values())),
        "target_people": result.target_size,
        "market_people": float(result.kind_sizes["consumer"] * cfg.population.scale),
        "start": result.start.strftime("%Y-%m-%d %H:%M"),
        "influencer_k": cfg.run.influencer_k,
        "notes": result.notes,
        "metrics": message_metrics(result),
        "messages": {name: message_metrics(result, m) for m, name in enumerate(result.messages)},
        "useful_reach_share": interval(result.final("useful_reach") / max(result.target_size, 1)),
        "by_kind": by_kind,
        "tiers": json.loads(tier_table(result).to_json(orient="records")),
        "hourly": hourly_curves(result),
        "seconds": round(result.seconds, 3),
        "config": asdict(cfg),
    }


def timeseries(result: RunResult) -> pd.DataFrame:
    """Long table: one row per replicate, message ('all' = total) and hour, with the hour's
    local date and time (`time`)."""
    reps, hours = result.replicates, result.hours
    names = result.messages + [TOTAL]
    times = np.tile(calendar.local_times(result.start, hours).to_numpy(), reps)
    frames = []
    for m, name in enumerate(names):
        cols = {"replicate": np.repeat(np.arange(reps), hours), "message": name,
                "hour": np.tile(np.arange(hours), reps), "time": times}
        for c, curve in enumerate(CURVES):
            cols[curve] = result.curves[:, m, :, c].reshape(-1)
        for f, flow in enumerate(FLOWS):
            cols[flow] = result.flows[:, m, :, f].reshape(-1)
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def daily(series: pd.DataFrame) -> pd.DataFrame:
    """Per replicate, message and local date: the cumulative curves at the day's last hour and
    the flows summed over the day (impressions, exposures, missed posts and posts that day)."""
    frame = series.assign(date=series.time.dt.date)
    keys = ["replicate", "message", "date"]
    last = frame.groupby(keys)[list(CURVES)].last()
    sums = frame.assign(**{f: frame.groupby(["replicate", "message"])[f].diff().fillna(frame[f])
                           for f in FLOWS if f != "posts_this_hour"}).groupby(keys)[list(FLOWS)].sum()
    out = last.join(sums.rename(columns={"posts_this_hour": "posts", "impressions": "impressions_that_day",
                                         "exposures": "exposures_that_day", "missed_posts": "missed_that_day"}))
    return out.reset_index()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()      # what open() would give a new file (0644 under umask 022)


def write_atomic(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call `write(tmp_path)`, then rename onto `path` (atomic on one filesystem); the file
    gets the mode the umask gives new files (the temp file alone would be 0600)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_json(path, data) -> Path:
    text = json.dumps(data, indent=2, allow_nan=False, default=_plain)
    return write_atomic(path, lambda tmp: Path(tmp).write_text(text))


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def diffusion_figure(series: dict[str, pd.DataFrame], result: RunResult, extra: str = ""):
    """The diffusion curves of these scenarios' time series (sim.figures.diffusion)."""
    from . import figures
    title = "How the message spreads" + (", per strategy" if len(series) > 1 else "")
    return figures.diffusion(series, figures.source_line(result.replicates, result.cfg.run.seed, extra), title)


def write_figure(path, figure, drawn) -> Path:
    import matplotlib.pyplot as plt
    try:
        return write_atomic(path, lambda tmp: figure.savefig(tmp, format="png"))
    finally:
        plt.close(figure)


def write_outputs(result: RunResult, outdir: str | Path, plot: bool = True) -> dict[str, Path]:
    """Write timeseries.parquet, attribution.csv, diffusion.png and, last, summary.json."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = {}
    data = timeseries(result)
    files["timeseries"] = write_atomic(outdir / "timeseries.parquet",
                                       lambda tmp: data.to_parquet(tmp, index=False))
    per_day = daily(data)
    files["daily"] = write_atomic(outdir / "daily.parquet", lambda tmp: per_day.to_parquet(tmp, index=False))
    files["attribution"] = write_atomic(outdir / "attribution.csv",
                                        lambda tmp: result.attribution.to_csv(tmp, index=False))
    tiers = tier_table(result)
    files["tiers"] = write_atomic(outdir / "tiers.csv", lambda tmp: tiers.to_csv(tmp, index=False))
    if plot:
        files["diffusion"] = write_figure(outdir / "diffusion.png", *diffusion_figure({result.cfg.campaign.name: data},
                                                                                         result))
    # summary.json last: its presence marks a complete result
    files["summary"] = write_json(outdir / "summary.json", summary(result))
    return files

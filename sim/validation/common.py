"""What every validation case shares: result rows, Monte Carlo criteria and model runs.

A case is a function `run(settings) -> CaseResult`. Its rows compare one measured
number (with a 95% Monte Carlo interval) against a published or analytical value under
a stated tolerance; `passed` is None for rows that only inform (e.g. one configuration
of several whose share is the actual check).
"""
from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numba
import numpy as np

from ..config import Config, online_all_day
from ..model import InfluenceModel
from ..network import Network, load_edgelist
from ..population import build_world

Tamper = Callable[[InfluenceModel], None]


@dataclass
class Settings:
    fast: bool = False                 # smaller populations and fewer replicates (the test-suite subset)
    data: Path | None = None           # folder with SNAP's edge lists (None or missing: cases needing them skip)
    tamper: Tamper | None = None       # called on every InfluenceModel right after it is built (tests break the model)
    market: Config | None = None       # the default market (configs/, composed by sim.validate): cases 8-12
    priors: Callable | None = None     # case 12: replaces the calibration's priors (tests: priors excluding the truth)
    campaigns: int | None = None       # case 12: campaigns calibrated, instead of 12 (fast) or 30 (tests: fewer)
    cascades: int | None = None        # case 13: cascades forecast, instead of 10 (fast) or 50 (tests: fewer)

    def graph_path(self, name: str) -> Path | None:
        path = self.data / name if self.data is not None else None
        return path if path is not None and path.is_file() else None

    def require(self, case: "CaseResult", *names: str) -> bool:
        """True if every named SNAP file is present; otherwise mark the case skipped (never a pass)."""
        missing = [name for name in names if self.graph_path(name) is None]
        if missing:
            case.skipped = f"data not found: {', '.join(missing)} in {self.data}"
        return not missing


@dataclass
class Row:
    case: int
    name: str                          # what is compared
    source: str                        # the published or analytical reference
    expected: float
    measured: float
    low: float                         # 95% Monte Carlo interval of `measured`
    high: float
    tolerance: str                     # the pass criterion, in words
    passed: bool | None                # None: informative only, not a check
    parameters: str = ""

    @property
    def status(self) -> str:
        return {True: "PASS", False: "FAIL", None: "info"}[self.passed]


@dataclass
class CaseResult:
    number: int
    title: str
    source: str                        # full reference: authors, year, title, venue
    short: str = ""                    # e.g. "Bass (1969), Management Science"
    rows: list[Row] = field(default_factory=list)
    figure: Any = None                 # matplotlib figure overlaying simulation and reference
    notes: str = ""                    # parameters and reading of the case (markdown)
    skipped: str | None = None         # why the case could not run
    seconds: float = 0.0

    @property
    def checks(self) -> list[Row]:
        return [r for r in self.rows if r.passed is not None]

    @property
    def status(self) -> str:
        if self.skipped:
            return "SKIP"
        return "PASS" if self.checks and all(r.passed for r in self.checks) else "FAIL"

    def add(self, name, expected, measured, se, tolerance, passed, parameters="", low=None, high=None):
        """Append a row; the interval defaults to measured +- 1.96 SE."""
        low = measured - 1.96 * se if low is None else low
        high = measured + 1.96 * se if high is None else high
        self.rows.append(Row(self.number, name, self.source, float(expected), float(measured), float(low),
                             float(high), tolerance, None if passed is None else bool(passed), parameters))


# ---------------------------------------------------------------- Monte Carlo helpers
def mean_se(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    se = values.std(ddof=1) / math.sqrt(values.size) if values.size > 1 else 0.0
    return float(values.mean()), float(se)


def within(measured: float, expected: float, se: float, k: float = 4.0, slack: float = 0.0) -> bool:
    """|measured - expected| <= k SE + slack (slack: model discretisation or finite size, stated per case)."""
    return abs(measured - expected) <= k * se + slack


def ratio_se(num, den) -> tuple[float, float]:
    """mean(num) / mean(den) and its delta-method standard error (paired samples)."""
    num, den = np.asarray(num, np.float64), np.asarray(den, np.float64)
    ratio = num.mean() / den.mean()
    return float(ratio), float(((num - ratio * den) / den.mean()).std(ddof=1) / math.sqrt(num.size))


# ---------------------------------------------------------------- worlds and configurations
def quiet_config(hours: int, replicates: int, seed: int = 0) -> Config:
    """A Config with the campaign emptied (cases add their own actions) and no side outputs."""
    cfg = Config()
    cfg.run.hours, cfg.run.replicates, cfg.run.seed = hours, replicates, seed
    cfg.run.influencers = cfg.run.report = cfg.run.plot = False
    c = cfg.campaign
    c.kind, c.brand_post_hours, c.seed_top_bloggers, c.mass_reach = "custom", [], 0, 0.0
    return cfg


def independent_cascade_config(cfg: Config, p: float) -> Config:
    """The model's independent-cascade special case (README, "Special cases"): every exposure
    relays with p, everyone is always online, a post is seen once in the next hour."""
    d = cfg.diffusion
    d.relay_max.consumer = d.relay_max.blogger = d.relay_max.brand = p
    d.weight_interest = d.weight_relevance = d.weight_novelty = d.weight_trust = 0.0
    d.attention_window, d.talk_hours, d.attention_limit = 1, 1, 0
    cfg.population.activity_mean = cfg.population.blogger_activity = 1.0
    online_all_day(cfg.population)
    return cfg


def world_on_graph(cfg: Config, net: Network):
    """Consumers only (no bloggers, no brand) living on a given follower graph."""
    cfg.population.consumers, cfg.population.bloggers, cfg.population.brands = net.n, 0, 0
    cfg.network.kind = "mixed"                      # build the population only; the graph is ours
    pop, _ = build_world(cfg)
    return pop, net


def er_digraph(n: int, c: float, seed: int) -> Network:
    """Directed Erdos-Renyi graph: each ordered pair linked with probability c / (n - 1), so
    every agent has Poisson(c) followers and Poisson(c) followees (duplicates, a share c/2n, dropped)."""
    rng = np.random.default_rng([seed, 0xE7])
    m = rng.binomial(n * (n - 1), c / (n - 1))
    src = rng.integers(0, n, m)
    dst = (src + rng.integers(1, n, m)) % n          # never a self-link
    return Network.from_edges(n, src, dst)


def snap_graph(path: Path, directed: bool) -> Network:
    """A SNAP edge list, "a b" read as "a follows b" (b's posts reach a); undirected: both ways."""
    net, _, _ = load_edgelist(path, directed=directed, edge_meaning="follows")
    return net


# ---------------------------------------------------------------- running the model
def run_model(cfg: Config, world, measure: Callable[[InfluenceModel, np.ndarray], dict],
              actions: Callable[[], list] | None = None, tamper: Tamper | None = None,
              replicates: int | None = None) -> dict[str, np.ndarray]:
    """Run replicates 0..R-1 of `cfg` on `world` in parallel threads (one model each, the
    kernel releases the GIL) and stack what `measure(model, hourly)` returns per replicate.

    `actions()` makes a fresh campaign plan per model (None: the plan from `cfg`);
    `tamper(model)` is applied to every model built, so a deliberately broken model is
    broken in every thread.
    """
    reps = int(replicates or cfg.run.replicates)
    world = world if world is not None else build_world(cfg)
    threads = max(1, min(reps, numba.get_num_threads()))
    models = []
    for _ in range(threads):
        model = InfluenceModel(cfg, world=world, actions=actions() if actions else None)
        if tamper is not None:
            tamper(model)
        models.append(model)
    rows: list[dict | None] = [None] * reps

    def work(w: int):
        model = models[w]
        for r in range(w, reps, threads):
            model.reset(r)
            rows[r] = measure(model, model.run())

    try:
        if threads == 1:
            work(0)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(work, range(threads)))
    finally:
        for model in models:
            model.release()
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def activated(model: InfluenceModel, m: int = 0) -> int:
    """Agents who relayed or were seeded: the independent cascade's activated set."""
    st = model.state
    return int(np.count_nonzero((st.relay_at[m] >= 0) | (st.seeded_at[m] >= 0)))


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start

"""The resource guard: refuse, before allocating anything, a run that cannot fit in memory.

`memory_parts(cfg)` estimates the bytes each part of a run needs (the world, the
per-thread diffusion state, the results of every replicate and hour, the influence
estimator's sets) from the validated configuration; `check_resources(cfg)` refuses with
a ConfigError naming the key behind the largest part, the estimate and the memory this
machine has available. `run.allow_large=true` skips the check for users who know better.
The estimate errs on the generous side; it is a guard against typos (a billion
consumers, a billion hours), not a capacity planner.
"""
from __future__ import annotations

import os
from pathlib import Path

from .calendar import horizon
from .config import Config, message_names
from .errors import ConfigError

HEADROOM = 0.8           # refuse above this share of the memory available
RESULT_COLUMNS = 27      # curves and flows kept per replicate, message and hour (sim.metrics)


def available_memory() -> float:
    """Bytes of memory available now (MemAvailable in /proc/meminfo; else free pages)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except OSError:
        pass
    return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def _size(cfg: Config) -> tuple[float, float]:
    """Agents and follow links the world will have (an edge-list file: from its size)."""
    p, net = cfg.population, cfg.network
    if net.kind == "edgelist":
        try:
            lines = Path(net.path).stat().st_size / 6.0          # at least "1 2\n"-like lines
        except OSError:
            lines = 0.0
        links = lines * (1 if net.directed else 2) + p.brands * lines
        return 2.0 * lines + p.brands, links
    n = float(p.consumers) + p.bloggers + p.brands
    if net.kind != "generated":
        return n, 0.0
    links = (float(p.consumers) * net.follows_mean + p.bloggers * net.blogger_audience_share * p.consumers
             + p.brands * (net.brand_fan_share * p.consumers + p.bloggers) + p.bloggers * net.bloggers_follow)
    return n, links


def memory_parts(cfg: Config) -> dict[str, tuple[str, float]]:
    """Estimated bytes per part of a run, with the config key that drives it."""
    p, r = cfg.population, cfg.run
    hours = horizon(cfg)
    n, links = _size(cfg)
    messages = len(message_names(cfg))
    threads = max(1, min(r.replicates, r.threads or os.cpu_count() or 1))
    window = cfg.diffusion.attention_window
    return {
        "agents' interests": ("population.topics", n * p.topics * 8.0 * 3),
        "segment profiles": ("population.segments", float(p.segments) * p.topics * 8.0),
        "agents": ("population.consumers", n * 200.0 + threads * messages * n * 130.0),
        "follow links": ("population.consumers x network.follows_mean", links * (40.0 + threads * messages)),
        "feed buckets": ("diffusion.attention_window", threads * (window + 1.0) * 1024 * 40),
        "results": ("run.replicates x run.hours",
                    float(r.replicates) * (messages + 1) * hours * RESULT_COLUMNS * 8.0 * 3
                    + threads * float(hours) * messages * 16 * 8.0),
        "influence estimator": ("score.rr_sets", float(cfg.score.rr_sets) * 40.0),
    }


def check_resources(cfg: Config, available: float | None = None) -> None:
    """Refuse (ConfigError) a run whose estimated memory exceeds what this machine has."""
    parts = memory_parts(cfg)
    total = sum(size for _, size in parts.values())
    available = available_memory() if available is None else available
    if total <= HEADROOM * available:
        return
    part, (key, size) = max(parts.items(), key=lambda item: item[1][1])
    raise ConfigError(key, f"the run would need about {_gb(total)} of memory ({part}: {_gb(size)}), more than the "
                      f"{_gb(available)} available; run.allow_large=true runs it anyway")


def _gb(size: float) -> str:
    return f"{size / 1e9:,.1f} GB" if size < 1e12 else f"{size / 1e12:,.0f} TB"

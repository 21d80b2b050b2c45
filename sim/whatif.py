"""The engine of the what-if page (`python -m sim.app`): a scenario is a few controls a
strategist moves (the message, the plan's euros per channel, the strategy, the launch
hour, the target); each change reruns a handful of replicates on a world built once, and
two scenarios are compared on the same random streams. No web code here, so the page's
numbers can be checked from plain Python.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path



@dataclass
class Control:
    key: str                 # dotted configuration key
    label: str               # what the page shows
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05


SLIDERS = [
    Control("message.interest", "Message interest (0 dull - 1 gripping)"),
    Control("message.novelty", "Novelty at launch (0 old news - 1 new)"),
    Control("message.promotional", "Promotional tone (0 neutral - 1 hard sell)"),
    Control("campaign.channels.ads", "Ads (EUR)", 0, 50_000, 1_000),
    Control("campaign.channels.sponsored.nano", "Sponsored posts, nano influencers (EUR)", 0, 30_000, 1_000),
    Control("campaign.channels.sponsored.micro", "Sponsored posts, micro influencers (EUR)", 0, 30_000, 1_000),
    Control("campaign.channels.sponsored.macro", "Sponsored posts, macro influencers (EUR)", 0, 30_000, 1_000),
    Control("campaign.channels.boosted", "Boosted brand posts (EUR)", 0, 30_000, 1_000),
    Control("timing.launch_hour", "Launch hour", 0, 23, 1),
]
STRATEGIES = ["followers", "relevance", "influence", "greedy"]
TARGETS = {"core (segments 0-1)": [0, 1], "broad (segments 0-3)": [0, 1, 2, 3]}


def scenario_of(cfg) -> dict:
    """The controls' values in a configuration (the page's starting point)."""
    from .inference import _field
    values = {}
    for c in SLIDERS:
        node, attr = _field(cfg, c.key, "app")
        values[c.key] = getattr(node, attr)
    values["campaign.strategy"] = cfg.campaign.strategy
    values["target.segments"] = list(cfg.target.segments)
    return values


def configured(cfg, values: dict, replicates: int):
    """A copy of `cfg` running the scenario `values`, a channels plan with `replicates` replicates."""
    from .inference import set_values
    c = set_values(cfg, values)
    c.campaign.kind = "channels"
    c.run.replicates = replicates
    return c


class WhatIf:
    """Worlds built once per base configuration; each scenario reruns its replicates on it."""

    def __init__(self, cfg, replicates: int = 12):
        from .population import build_world
        self.cfg, self.replicates = copy.deepcopy(cfg), replicates
        self.world, self.cache = build_world(self.cfg), {}

    def run(self, values: dict):
        from .results import simulate
        return simulate(configured(self.cfg, values, self.replicates), world=self.world, cache=self.cache,
                        progress=lambda line: None)

    def compare(self, a: dict, b: dict, metric: str = "useful_reach"):
        """(result A, result B, difference, sentence): B - A on the same random streams."""
        from .headlines import t_interval, winner_sentence
        from .optimizing import better
        ra, rb = self.run(a), self.run(b)
        mean, low, high, _ = t_interval(rb.final(metric) - ra.final(metric))
        diff, text = winner_sentence(mean, low, high, ("plan B", "plan A"), better(metric) > 0,
                                     f"{metric.replace('_', ' ')}: B - A")
        return ra, rb, diff, text


def headline(result) -> str:
    from .headlines import run_headline
    from .results import summary
    return run_headline(summary(result))


def save(values: dict, folder: str | Path, name: str = "") -> Path:
    """The scenario as a plan file `python -m sim.run plan=FILE` accepts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"scenario_{datetime.now():%Y%m%d_%H%M%S}.yaml")
    lines = [f"# saved by the what-if page (python -m sim.app) on {datetime.now():%Y-%m-%d %H:%M}",
             "# run it with: python -m sim.run plan=<this file> (add the same population=/replicates as the page)"]
    from .inference import plan_lines
    path.write_text("\n".join(lines + plan_lines(values)) + "\n")
    return path


def full_report(plan_file: str | Path, world: tuple[str, ...], replicates: int) -> Path:
    """Run the saved scenario exactly as a user would (`python -m sim.run plan=FILE <world> ...`) into
    a folder beside the file, which gets its report.html; returns that report's path."""
    import subprocess
    import sys
    plan_file = Path(plan_file).resolve()
    folder = plan_file.with_suffix("")
    done = subprocess.run([sys.executable, "-m", "sim.run", f"plan={plan_file}", *world,
                           f"run.replicates={replicates}", f"hydra.run.dir={folder}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError((done.stderr.strip().splitlines() or ["sim.run failed"])[-1])
    return folder / "report.html"

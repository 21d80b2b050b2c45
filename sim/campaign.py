"""Campaign actions: objects the model applies every hour (`apply(model, t)`).

Each action tells the model what happens this hour through three calls:
`model.post(agents)` (one-off posts), `model.seed(agents)` (agents start talking as
if they had relayed: sponsored posts) and `model.show_ads(reach)` (paid impressions).
New kinds of action only need `initialize` and `apply`.
"""
from __future__ import annotations

import numpy as np

from .config import CampaignConfig, ConfigError
from .population import BLOGGER, BRAND


class Action:
    def initialize(self, model) -> None:
        """Resolve agents, check against the world; called once when the model is built."""

    def apply(self, model, t: int) -> None:
        raise NotImplementedError


class BrandPosts(Action):
    """The brand's own accounts post the message at the given hours."""

    def __init__(self, hours):
        self.hours = set(int(h) for h in hours)
        self.brands = np.empty(0, dtype=np.int32)

    def initialize(self, model):
        self.brands = np.flatnonzero(model.population.kind == BRAND).astype(np.int32)

    def apply(self, model, t):
        if t in self.hours and self.brands.size:
            model.post(self.brands)


class SeedAgents(Action):
    """Chosen agents post at `hour` and keep talking like relayers (sponsored posts)."""

    def __init__(self, agents, hour: int):
        self.agents = np.asarray(agents, dtype=np.int32)
        self.hour = int(hour)

    def initialize(self, model):
        n = model.population.size
        bad = self.agents[(self.agents < 0) | (self.agents >= n)]
        if bad.size:
            raise ConfigError("campaign.seed_agents", f"agent {int(bad[0])} does not exist "
                              f"(the population has agents 0..{n - 1})")

    def apply(self, model, t):
        if t == self.hour and self.agents.size:
            model.seed(self.agents)


class MassAds(Action):
    """Paid impressions: each online consumer sees the ad with probability `reach` per hour."""

    def __init__(self, reach: float, start: int, hours: int):
        self.reach, self.start, self.hours = float(reach), int(start), int(hours)

    def apply(self, model, t):
        if self.reach > 0 and self.start <= t < self.start + self.hours:
            model.show_ads(self.reach)


def top_bloggers(model, count: int) -> np.ndarray:
    """The `count` bloggers with the most followers (ties: lower index first)."""
    bloggers = np.flatnonzero(model.population.kind == BLOGGER)
    followers = model.network.follower_counts[bloggers]
    return bloggers[np.lexsort((bloggers, -followers))][:count]


def actions_from_config(cfg: CampaignConfig, model) -> list[Action]:
    seeds = list(cfg.seed_agents)
    if cfg.seed_top_bloggers:
        seeds += [int(b) for b in top_bloggers(model, cfg.seed_top_bloggers) if b not in seeds]
    return [BrandPosts(cfg.brand_post_hours), SeedAgents(seeds, cfg.seed_hour),
            MassAds(cfg.mass_reach, cfg.mass_start_hour, cfg.mass_hours)]

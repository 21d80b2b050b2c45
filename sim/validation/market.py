"""What the market cases (8-11) share: the default market, its campaign emptied, and
consumers posting the message at chosen hours (organic posts when the disclosure
penalty is off)."""
from __future__ import annotations

import copy

import numpy as np

from ..actions import SeedAgents
from ..config import Config
from ..kinds import CONSUMER
from .common import CaseResult, Settings

NEEDS_MARKET = ("needs the default market's configuration (configs/): run it through python -m sim.validate, "
                "which composes it")


def market_config(settings: Settings, case: CaseResult, hours: int, replicates: int, seed: int = 0):
    """A copy of the default market with no campaign and no side outputs (None: skipped)."""
    if settings.market is None:
        case.skipped = NEEDS_MARKET
        return None
    cfg: Config = copy.deepcopy(settings.market)
    cfg.run.hours, cfg.run.replicates, cfg.run.seed = hours, replicates, seed
    cfg.run.influencers = cfg.run.report = cfg.run.plot = False
    c = cfg.campaign
    c.kind, c.brand_post_hours, c.seed_agents, c.seed_top_bloggers, c.mass_reach = "custom", [], [], 0, 0.0
    cfg.messages, c.message_mix = {}, []
    return cfg


def consumers_posting(population, count: int, hours: int, seed: int):
    """A plan maker: `count` consumers drawn at random, each posting the message at an hour
    drawn in 0..hours-1 (fresh draws per model, from `seed`)."""
    rng = np.random.default_rng([seed, 0x0C])
    consumers = np.flatnonzero(population.kind == CONSUMER)

    def actions():
        who = rng.choice(consumers, count, replace=False)
        when = rng.integers(0, hours, count)
        return [SeedAgents(who[when == h], int(h)) for h in np.unique(when)]
    return actions


def trees(state, m: int = 0):
    """The relay trees grown from each seed: (size, depth) per seed and the depth of every
    adopter (seeds at 0). A relayer belongs to the tree of the seed its parent chain reaches."""
    seeded = state.seeded_at[m] >= 0
    relayed = (state.relay_at[m] >= 0) & ~seeded
    depth = np.where(seeded, 0, np.where(relayed, state.relay_depth[m], -1))
    root = np.where(seeded, np.arange(seeded.size), -1)
    parent = state.relay_parent[m]
    for d in range(1, int(depth.max(initial=0)) + 1):
        at = np.flatnonzero(depth == d)
        root[at] = np.where(parent[at] >= 0, root[np.maximum(parent[at], 0)], -1)
    seeds = np.flatnonzero(seeded)
    members = root >= 0
    size = np.bincount(root[members], minlength=seeded.size)[seeds]
    deepest = np.zeros(seeded.size, np.int64)
    np.maximum.at(deepest, root[members], depth[members])
    return size, deepest[seeds], depth[members]

"""Seeding strategies: who to sponsor first (`campaign.strategy`), one registry entry each.

A strategy ranks the candidates (`campaign.pool`) best first; the campaign buys
sponsored posts in that order while the budget lasts. It is a function
`rank(model, candidates, message, budget) -> ranked candidates`, registered with
`@STRATEGIES.register("name")`; validation and the command line read the names from
the registry, so a new strategy needs nothing else (see README, "Extending").
"""
from __future__ import annotations

import hashlib

import numpy as np

from .influence import rr_sets
from .kinds import BLOGGER, pools
from .registry import Registry

STRATEGIES: Registry = Registry("seeding strategy")


def best_first(candidates: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Candidates by decreasing score, ties by lower index."""
    return candidates[np.lexsort((candidates, -score))]


@STRATEGIES.register("random")
def by_chance(model, candidates, message, budget):
    """A random order (seeded by run.seed and the message)."""
    return np.random.default_rng([model.cfg.run.seed, 0xC0FFEE, message]).permutation(candidates)


@STRATEGIES.register("followers")
def by_followers(model, candidates, message, budget):
    """Most followers first."""
    return best_first(candidates, model.network.follower_counts[candidates].astype(np.float64))


@STRATEGIES.register("relevance")
def by_relevant_audience(model, candidates, message, budget):
    """Most relevance summed over followers inside the target."""
    useful = model.useful.astype(bool)
    key = ("relevant audience", tuple(model.messages[message].topics), tuple(model.cfg.target.segments))
    score = model._cached(key, lambda: model.network.sum_over_followers(np.where(useful, model.relevance[message],
                                                                                 0.0)))
    # the order of these candidates too, once per world: loops that build a model per parameter
    # set (calibration, forecasts) rank the same tiers every time (a fifth of a model's making)
    these = hashlib.blake2b(candidates.tobytes(), digest_size=16).digest()
    return model._cached(key + ("ranked", these), lambda: best_first(candidates, score[candidates]))


@STRATEGIES.register("influence")
def by_influence(model, candidates, message, budget):
    """Highest influence score on its own (expected useful contacts caused, sim.influence)."""
    return best_first(candidates, rr_sets(model, message).scores()[candidates])


@STRATEGIES.register("greedy")
def by_greedy_coverage(model, candidates, message, budget):
    """The greedy budgeted set first (non-overlapping audiences), then by influence."""
    rr = rr_sets(model, message)
    picks = rr.greedy(candidates, model.seed_costs, budget)
    rest = best_first(candidates, rr.scores()[candidates])
    return np.concatenate([picks, rest[~np.isin(rest, picks)]])


def candidates(model, pool: str) -> np.ndarray:
    """Agents of the pool's kinds (`campaign.pool`: all sponsorable kinds, or one)."""
    return np.flatnonzero(np.isin(model.population.kind, pools()[pool])).astype(np.int64)


def rank_candidates(model, strategy: str, pool: str, m: int = 0, budget: float = 0.0) -> np.ndarray:
    """Candidates for sponsored posts, best first, by the registered `strategy`."""
    return rank_these(model, strategy, candidates(model, pool), m, budget)


def rank_these(model, strategy: str, these: np.ndarray, m: int = 0, budget: float = 0.0) -> np.ndarray:
    """These agents, best first, by the registered `strategy`."""
    return STRATEGIES.get(strategy, "campaign.strategy")(model, np.asarray(these, dtype=np.int64), m, budget)


def top_bloggers(model, count: int) -> np.ndarray:
    """The `count` bloggers with the most followers (ties: lower index first)."""
    bloggers = np.flatnonzero(model.population.kind == BLOGGER)
    return best_first(bloggers, model.network.follower_counts[bloggers].astype(np.float64))[:count]

"""A running post's cascade in the model: the observed reshares placed on the world, the
model continued from there, and synthetic reshare logs made by the model itself.

The forecast (`sim.forecast`) counts accounts, as a reshare log does, so its world has
one account per agent (population.scale 1). A post's author is the agent whose follower
count is nearest the log's (row 0); each reshare, in time order, is the not yet placed
agent nearest its follower count among the readers of its parent when the log names a
placed parent, else among the readers of every account placed so far, else anywhere
(nearest on a log scale, lowest index on ties). Until the forecast hour H nobody relays
on their own (`RelaysHeld`): the observed reshares are posted at their hours
(`ObservedReshares`); from H on the model's own relay rule runs. The post is made in
model hour 0 and read from hour 1: the first H hours after it are model hours 1..H.
"""
from __future__ import annotations

import numpy as np

from . import kernels as K
from .actions import Action
from .kinds import BRAND


class ObservedReshares(Action):
    """The log's reshares, each posted by its placed agent in its hour (and counted as a relay)."""

    def __init__(self, agents: np.ndarray, hours: np.ndarray, message: int = 0):
        self.agents, self.hours, self.message = np.asarray(agents, np.int64), np.asarray(hours, np.int64), message

    def active_hours(self, model):
        return self.hours

    def apply(self, model, t):
        now = self.agents[self.hours == t]
        if now.size:
            model.state.relay_at[self.message, now] = t
            model.post(now, self.message)


class PostBy(Action):
    """One account posts the message at hour `hour` (the observed post itself)."""
    scheduled = True

    def __init__(self, agent: int, hour: int = 0, message: int = 0):
        self.agent, self.hour, self.message = int(agent), int(hour), message

    def apply(self, model, t):
        if t == self.hour:
            model.post([self.agent], self.message)


class RelaysHeld(Action):
    """No agent relays on its own before hour `until` (the observed reshares stand for them);
    from then on every kind's relay cap is the configuration's again."""

    def __init__(self, until: int):
        self.until = int(until)

    def _fill(self, model, relay_max):
        pop = model.population
        K.fill_static(model.relevance, pop.scepticism, pop.kind, model.useful, relay_max, model.rules.w_relevance,
                      model.state.static)

    def active_hours(self, model):
        return [self.until]

    def reset(self, model):
        if self.until > 0:
            self._fill(model, np.zeros_like(model.rules.relay_max))

    def apply(self, model, t):
        if t == self.until and t > 0:
            self._fill(model, model.rules.relay_max)


def _nearest(candidates: np.ndarray, followers: np.ndarray, count: float) -> int:
    gap = np.abs(np.log1p(followers[candidates]) - np.log1p(max(count, 0.0)))
    return int(candidates[np.lexsort((candidates, gap))[0]])


def place(model, log) -> tuple[int, np.ndarray]:
    """(author agent, agent of each reshare): the log's accounts on the world (module doc)."""
    followers, net = model.followers, model.network
    allowed = model.population.kind != BRAND
    everyone = np.flatnonzero(allowed)
    author = _nearest(everyone, followers, float(log.followers[0]))
    used = np.zeros(model.population.size, bool)
    used[author] = True
    reached = np.zeros(model.population.size, bool)
    reached[net.followers(author)] = True
    by_handle = {log.handles[0]: author} if log.handles[0] else {}
    agents = np.empty(log.reshares, np.int64)
    for k in range(1, log.seconds.size):
        parent = by_handle.get(log.parents[k]) if log.parents[k] else None
        pool = np.empty(0, np.int64)
        if parent is not None:
            pool = net.followers(parent)
            pool = pool[~used[pool] & allowed[pool]]
        if not pool.size:
            pool = np.flatnonzero(reached & ~used & allowed)
        if not pool.size:
            pool = np.flatnonzero(~used & allowed)
        if not pool.size:
            raise ValueError(f"the world has fewer accounts than the log has reshares ({log.reshares:,})")
        a = _nearest(pool, followers, float(log.followers[k]))
        agents[k - 1] = a
        used[a] = True
        reached[net.followers(a)] = True
        if log.handles[k]:
            by_handle[log.handles[k]] = a
    return author, agents


def observed_hours(log) -> np.ndarray:
    """The model hour of each reshare: the post is made in model hour 0 and read from hour 1
    on, so model hour h >= 1 is the h-th hour after the post (seconds [3600 (h - 1), 3600 h))."""
    return (log.seconds[1:] // 3600).astype(np.int64) + 1


def cumulative_by_hour(hours: np.ndarray, until: int) -> np.ndarray:
    """Reshares made by the end of each hour 0..until-1."""
    return np.cumsum(np.bincount(hours[(hours >= 0) & (hours < until)], minlength=until))[:until]


def synthetic_log(model, author: int, replicate: int, seed: int):
    """The reshare log of one simulated cascade of `author`'s post (the model's own actions
    must be [PostBy(author)]): a uniform second within the relay's hour after the post
    (`observed_hours` inverted), the relayer's followers, handles @a<agent> and the parent's."""
    from .observed import EventLog
    model.reset(replicate)
    model.run()
    relay = model.state.relay_at[0]
    who = np.flatnonzero(relay >= 0)
    rng = np.random.default_rng([seed, replicate])
    seconds = np.maximum(relay[who] - 1, 0) * 3600.0 + rng.uniform(1.0, 3599.0, who.size)
    order = np.argsort(seconds, kind="stable")
    who, seconds = who[order], seconds[order]
    parent = model.state.relay_parent[0, who]
    handles = ["@a%d" % author] + ["@a%d" % a for a in who]
    parents = [""] + ["@a%d" % p if p >= 0 else "" for p in parent]
    followers = np.round(model.followers[np.concatenate([[author], who])]).astype(np.int64)
    return EventLog(np.concatenate([[0.0], seconds]), followers, handles, parents, "synthetic")

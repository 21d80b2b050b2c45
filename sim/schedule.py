"""Which hours a model can run in one kernel call: the plan of the actions that depend on
the hour alone (`Action.scheduled`) is recorded ahead, once per model; the other actions
name the hours they may act in (`Action.active_hours`), and only those hours go through
Python, step by step. Recorded plans are the very calls the actions make when applied live,
so a run is bit-identical either way."""
from __future__ import annotations

import numpy as np

from . import kernels as K


def recorded(model) -> K.Schedule:
    """The scheduled actions' plan for hours 0 .. horizon - 1 (recorded on first use)."""
    return _plan(model)[0]


def quiet_until(model, end: int) -> int:
    """The first hour from model.hour (at most `end`) that needs Python: an unscheduled
    action's hour, or the end of the recorded plan."""
    schedule, breaks = _plan(model)
    if breaks is None:                   # an action that may act in any hour
        return model.hour
    stop = min(end, schedule.ad_reach.shape[0])
    later = breaks[breaks >= model.hour]
    return int(min(stop, later[0])) if later.size else max(stop, model.hour)


def _plan(model):
    ids = tuple(id(a) for a in model.actions)
    if model._schedule is None or model._schedule[0] != ids:
        model._schedule = (ids, _record(model), _breaks(model))
    return model._schedule[1:]


def _breaks(model) -> np.ndarray | None:
    hours = []
    for action in model.actions:
        if not action.scheduled:
            active = action.active_hours(model)
            if active is None:
                return None
            hours.extend(int(h) for h in active)
    return np.unique(np.asarray(hours, dtype=np.int64))


def _record(model) -> K.Schedule:
    """Apply the scheduled actions hour by hour to empty plans and keep what they asked for."""
    hours, n_msg = model.horizon, len(model.messages)
    reach, count = np.zeros((hours, n_msg)), np.zeros((hours, n_msg), dtype=np.int64)
    seeds, posts, costs, starts = [], [], [], {"seed": [0], "post": [0], "cost": [0]}
    names = ("spent", "ad_reach", "ad_count", "_seeds", "_posts", "_costs")
    live = {name: getattr(model, name, None) for name in names}      # put back afterwards
    model.spent = np.zeros(n_msg)
    scheduled = [a for a in model.actions if a.scheduled]
    try:
        for t in range(hours):
            model._seeds, model._posts, model._costs = [], [], []
            model.ad_reach, model.ad_count = reach[t], count[t]        # show_ads writes into the plan
            for action in scheduled:
                action.apply(model, t)
            seeds += model._seeds
            posts += model._posts
            costs += model._costs
            for name, rows in (("seed", seeds), ("post", posts), ("cost", costs)):
                starts[name].append(len(rows))
    finally:
        for name, value in live.items():
            setattr(model, name, value)
    seeds = np.asarray(seeds, dtype=np.int64).reshape(-1, 2)
    posts = np.asarray(posts, dtype=np.int64).reshape(-1, 2)
    cost_message = np.asarray([m for m, _ in costs], dtype=np.int64)
    cost = np.asarray([c for _, c in costs], dtype=np.float64)
    start = {name: np.asarray(s, dtype=np.int64) for name, s in starts.items()}
    return K.Schedule(reach, count, start["seed"], seeds[:, 0].copy(), seeds[:, 1].copy(), start["post"],
                      posts[:, 0].copy(), posts[:, 1].copy(), start["cost"], cost_message, cost)

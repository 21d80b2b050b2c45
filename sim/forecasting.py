"""Forecast a running post from its first H hours (`python -m sim.forecast`).

1. Learn: draw `forecast.draws` parameter sets from the priors (`forecast.params`), let
   the post (its author placed on the world, `sim.cascade`) spread for H hours under each,
   and keep the `forecast.accept` sets whose hourly running totals of reshares are
   nearest the log's (rejection ABC; distance: mean squared difference of log(1 + total)).
2. Continue: `forecast.replicates` runs, replicate k with kept set k mod accept on its own
   random stream, in which the observed reshares are posted at their hours, nobody else
   relays before H, and the model runs on to the horizon.
3. What if: the same runs (same parameter sets and random streams: common random
   numbers) with extra budget for ads after H (`forecast.add_budget` euros over
   `forecast.boost_hours`) or a wave of sponsored posts at H (`forecast.add_wave` euros,
   the accounts with most followers first); each is compared with the plan as it is by
   the paired difference of final reshares.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .actions import AdImpressions, SponsoredPosts
from .cascade import ObservedReshares, PostBy, RelaysHeld, cumulative_by_hour, observed_hours, place
from .formats import counted
from .inference import Retuned
from .kinds import BRAND
from .model import InfluenceModel

OUTCOMES = ("reshares", "reach", "adoptions")


@dataclass
class Continuations:
    """Running totals per variant, outcome: replicates x hours; euros spent per replicate."""
    hours: int
    curves: dict = field(default_factory=dict)        # variant -> outcome -> array
    spent: dict = field(default_factory=dict)         # variant -> array

    def final(self, variant: str, outcome: str = "reshares") -> np.ndarray:
        return self.curves[variant][outcome][:, -1]


def _model(cfg, world, cache, actions, spare) -> InfluenceModel:
    """A model per parameter set and plan, on the state arrays of the one before (`spare`)."""
    return InfluenceModel(cfg, world=world, actions=actions, cache=cache, state=spare)


def _done(model):
    """Release a model done with; its state arrays, for the next."""
    model.release()
    return model.state


def _cumulative(at: np.ndarray, hours: int) -> np.ndarray:
    return cumulative_by_hour(at[at >= 0].astype(np.int64), hours)


def learn(cfg, world, cache, author: int, observed: np.ndarray, priors, draws: int, accept: int,
          progress=lambda line: None) -> tuple[list[dict], np.ndarray]:
    """The `accept` prior draws whose model hours 0..H (H = len(observed) - 1) are nearest the log,
    and all the draws' distances."""
    rng = np.random.default_rng([cfg.run.seed, 0xF0CA57])
    hours = observed.size
    sets, distances, retuned, spare = [], np.empty(draws), Retuned(cfg), None
    for j in range(draws):
        values = {p.name: float(rng.uniform(p.low, p.high)) for p in priors}
        model = _model(retuned(values), world, cache, [PostBy(author)], spare)
        try:
            model.reset(1_000_000 + j)
            model.run(hours)
            simulated = _cumulative(model.state.relay_at[0], hours)
        finally:
            spare = _done(model)
        distances[j] = np.mean((np.log1p(simulated) - np.log1p(observed)) ** 2)
        sets.append(values)
        if (j + 1) % max(1, draws // 4) == 0:
            progress(f"learning from the first {counted(hours - 1, 'hour')} after the post: {j + 1:,}/{draws:,} draws")
    best = np.argsort(distances, kind="stable")[:accept]
    return [sets[j] for j in best], distances


def variants(fc, model, hour: int) -> dict:
    """name -> extra actions of each what-if (the plan as it is: none)."""
    out = {"as planned": []}
    if fc.add_budget > 0:
        per_hour = fc.add_budget / model.cfg.campaign.cpm * 1000.0 / model.people_per_impression / fc.boost_hours
        out[f"add EUR {fc.add_budget:,.0f} of ads"] = [AdImpressions({hour + h: int(round(per_hour))
                                                                      for h in range(fc.boost_hours)})]
    if fc.add_wave > 0:
        candidates = np.flatnonzero(model.population.kind != BRAND)
        ranking = candidates[np.lexsort((candidates, -model.followers[candidates]))]
        out[f"add a EUR {fc.add_wave:,.0f} wave"] = [SponsoredPosts(ranking, fc.add_wave, [hour])]
    return out


def continue_runs(cfg, world, cache, placed, hour: int, sets: list[dict], replicates: int, plans: dict,
                  progress=lambda line: None) -> Continuations:
    """Every plan's continuation of the observed cascade, replicate k with parameter set
    k mod len(sets) and random stream k (common to the plans)."""
    author, agents, hours_of = placed
    out, retuned, spare = None, Retuned(cfg), None
    for k in range(replicates):
        c = retuned(sets[k % len(sets)])
        for name, extra in plans.items():
            actions = [PostBy(author), ObservedReshares(agents, hours_of), RelaysHeld(hour)] + list(extra)
            model = _model(c, world, cache, actions, spare)
            try:
                model.reset(k)
                model.run()
                st = model.state
                if out is None:
                    out = Continuations(model.horizon)
                curves = out.curves.setdefault(name, {o: np.zeros((replicates, model.horizon)) for o in OUTCOMES})
                for outcome, at in zip(OUTCOMES, (st.relay_at[0], st.aware_at[0], st.adopt_at[0])):
                    curves[outcome][k] = _cumulative(at, model.horizon)
                out.spent.setdefault(name, np.zeros(replicates))[k] = float(model.spent.sum())
            finally:
                spare = _done(model)
        if (k + 1) % max(1, replicates // 4) == 0:
            progress(f"continuing the cascade: {k + 1:,}/{replicates:,} replicates x {len(plans)} plan(s)")
    return out


def placed_log(model, log, hour: int):
    """(author, agents, hours) of the log's reshares before `hour` on the model's world."""
    author, agents = place(model, log)
    hours_of = observed_hours(log)
    keep = hours_of < hour
    return author, agents[keep], hours_of[keep]


def observed_running(log, hour: int) -> np.ndarray:
    return cumulative_by_hour(observed_hours(log), hour)


def spread(values: np.ndarray) -> dict:
    """Median, 80% and 95% intervals (percentiles of the replicates) of a final outcome."""
    q = np.percentile(np.asarray(values, np.float64), [2.5, 10, 50, 90, 97.5])
    return {"median": float(q[2]), "interval_80": [float(q[1]), float(q[3])],
            "interval_95": [float(q[0]), float(q[4])], "mean": float(np.mean(values))}


def paired(variant: np.ndarray, base: np.ndarray) -> dict:
    """The mean paired difference (same parameter set and random stream) and its 95% interval."""
    from .headlines import t_interval
    mean, low, high, _ = t_interval(np.asarray(variant, np.float64) - np.asarray(base, np.float64))
    verdict = ("more reshares" if low > 0 else "fewer reshares" if high < 0
               else "not distinguishable from the plan as it is")
    return {"mean": mean, "ci95": [low, high], "verdict": verdict}

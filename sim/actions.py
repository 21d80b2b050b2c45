"""Campaign actions: what a campaign does, hour by hour.

Actions are objects the model applies every hour (`apply(model, t)`); `initialize`
runs once when the model is built and `reset` before every replicate. They act
through three calls: `model.post(agents, m)` (one-off posts), `model.seed(agents, m,
cost)` (sponsored agents start talking like relayers) and `model.show_ads(reach,
count, m)` (paid impressions, each costing cpm/1000). `sim.campaign` turns a
configuration into a plan of these actions.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .errors import ConfigError
from .kinds import BRAND


class Action:
    """Something the campaign does: `apply(model, t)` every hour.

    `scheduled = True` promises that apply's calls depend on the hour alone (not on the
    diffusion state, the replicate or earlier calls): the model then records them ahead and
    runs the hours between other actions' `active_hours` in one kernel call (`sim.schedule`).
    """
    message: int = 0
    scheduled: bool = False

    def active_hours(self, model):
        """The hours in which an unscheduled action may do anything (None: any hour)."""
        return None

    def initialize(self, model) -> None:
        """Resolve agents and schedules against the world; called once."""

    def reset(self, model) -> None:
        """Forget what was done in the previous replicate."""

    def apply(self, model, t: int) -> None:
        raise NotImplementedError


class BrandPosts(Action):
    """The brand's own accounts post the message at the given hours (free, owned media)."""
    scheduled = True

    def __init__(self, hours, message: int = 0):
        self.hours, self.message = set(int(h) for h in hours), message
        self.brands = np.empty(0, dtype=np.int32)

    def initialize(self, model):
        self.brands = np.flatnonzero(model.population.kind == BRAND).astype(np.int32)
        if self.hours and not self.brands.size:
            model.notes.append("the plan has brand posts but the population has no brand account")

    def apply(self, model, t):
        if t in self.hours and self.brands.size:
            model.post(self.brands, self.message)


class SeedAgents(Action):
    """Fixed agents post at `hour` and keep talking like relayers (custom plans)."""
    scheduled = True

    def __init__(self, agents, hour: int, message: int = 0):
        self.agents, self.hour, self.message = np.asarray(agents, dtype=np.int64), int(hour), message

    def initialize(self, model):
        n = model.population.size
        bad = self.agents[(self.agents < 0) | (self.agents >= n)]
        if bad.size:
            raise ConfigError("campaign.seed_agents", f"agent {int(bad[0])} does not exist "
                              f"(the population has agents 0..{n - 1})")

    def apply(self, model, t):
        if t == self.hour and self.agents.size:
            model.seed(self.agents, self.message, float(model.seed_costs[self.agents].sum()))


class SponsoredPosts(Action):
    """Sponsored posts bought under a budget from a ranked list of candidates.

    One wave per entry of `wave_hours`; each wave may spend the budget left divided by
    the waves left. With `skip_reached`, agents already relaying the message on their own
    are passed over (staggered seeding pays only for new activations, as in Jankowski et
    al. 2017); an agent who saw it but did not pass it on can still be sponsored.
    """

    def __init__(self, ranking, budget: float, wave_hours, message: int = 0, skip_reached=False):
        self.ranking = np.asarray(ranking, dtype=np.int64)
        self.budget, self.wave_hours = float(budget), sorted(int(h) for h in wave_hours)
        self.message, self.skip_reached = message, skip_reached

    def initialize(self, model):
        costs = model.seed_costs[self.ranking]
        self.cheapest = float(costs.min()) if costs.size else np.inf
        if self.budget > 0 and (not costs.size or costs.min() > self.budget):
            cheapest = f"the cheapest candidate costs {costs.min():,.2f}" if costs.size else "no candidates"
            model.notes.append(f"budget {self.budget:,.2f} for sponsored posts buys none: {cheapest}; "
                               "nothing spent on them")

    def reset(self, model):
        self.left = self.budget

    def active_hours(self, model):
        return self.wave_hours

    def apply(self, model, t):
        if t not in self.wave_hours:
            return
        waves_left = len(self.wave_hours) - self.wave_hours.index(t)
        allowance = self.left / waves_left
        st, m = model.state, self.message
        chosen, spent = greedy_buy(self.ranking, model.seed_costs, st.seeded_at[m], st.relay_at[m], self.skip_reached,
                                   allowance, self.cheapest)
        if chosen.size:
            model.seed(chosen, m, spent)
            self.left -= spent


@njit(cache=True)
def greedy_buy(ranking, costs, seeded_at, relay_at, skip_reached, allowance, cheapest):
    """Down the ranking, buy every account not yet seeded (nor relaying, with skip_reached)
    whose cost still fits the allowance; stop when not even the cheapest could. Returns the
    accounts bought and what they cost."""
    chosen = np.empty(ranking.size, np.int64)
    count, spent = 0, 0.0
    for j in ranking:
        if allowance - spent < cheapest:      # nothing else can fit
            break
        if seeded_at[j] >= 0 or (skip_reached and relay_at[j] >= 0):
            continue
        if spent + costs[j] <= allowance:
            chosen[count] = j
            count += 1
            spent += costs[j]
    return chosen[:count], spent


class AdReach(Action):
    """Each online consumer sees the ad with probability `reach` in each listed hour."""
    scheduled = True

    def __init__(self, reach: float, hours, message: int = 0):
        self.reach, self.hours, self.message = float(reach), set(int(h) for h in hours), message

    def apply(self, model, t):
        if self.reach > 0 and t in self.hours:
            model.show_ads(reach=self.reach, message=self.message)


class AdImpressions(Action):
    """Paid impressions to consumers drawn at random: `per_hour[t]` impressions in hour t."""
    scheduled = True

    def __init__(self, per_hour: dict[int, int], message: int = 0):
        self.per_hour, self.message = per_hour, message

    def apply(self, model, t):
        count = self.per_hour.get(t, 0)
        if count:
            model.show_ads(count=count, message=self.message)

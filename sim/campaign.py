"""Campaigns: a budget, a cost model and a plan of actions over time.

Actions are objects the model applies every hour (`apply(model, t)`); `initialize`
runs once when the model is built and `reset` before every replicate. They act
through three calls: `model.post(agents, m)` (one-off posts), `model.seed(agents, m,
cost)` (sponsored agents start talking like relayers) and `model.show_ads(reach,
count, m)` (paid impressions, each costing cpm/1000).

`actions_from_config` turns `campaign`, `timing` and the message mix into actions:
mass (ad impressions), targeted (sponsored posts chosen by a strategy), hybrid (both,
budget split), owned (brand posts only, free) or custom (an explicit plan). Every
budgeted plan spends at most its budget; `model.spent` reports what it did spend.
"""
from __future__ import annotations

import numpy as np

from .config import ConfigError, message_names
from .population import BLOGGER, BRAND, CONSUMER


class Action:
    message: int = 0

    def initialize(self, model) -> None:
        """Resolve agents and schedules against the world; called once."""

    def reset(self, model) -> None:
        """Forget what was done in the previous replicate."""

    def apply(self, model, t: int) -> None:
        raise NotImplementedError


class BrandPosts(Action):
    """The brand's own accounts post the message at the given hours (free, owned media)."""

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

    def apply(self, model, t):
        if t not in self.wave_hours:
            return
        waves_left = len(self.wave_hours) - self.wave_hours.index(t)
        allowance = self.left / waves_left
        st, m, costs = model.state, self.message, model.seed_costs
        chosen, spent = [], 0.0
        for j in self.ranking:
            if allowance - spent < self.cheapest:     # nothing else can fit
                break
            if st.seeded_at[m, j] >= 0 or (self.skip_reached and st.relay_at[m, j] >= 0):
                continue
            if spent + costs[j] <= allowance:
                chosen.append(int(j))
                spent += costs[j]
        if chosen:
            model.seed(chosen, m, spent)
            self.left -= spent


class AdReach(Action):
    """Each online consumer sees the ad with probability `reach` in each listed hour."""

    def __init__(self, reach: float, hours, message: int = 0):
        self.reach, self.hours, self.message = float(reach), set(int(h) for h in hours), message

    def apply(self, model, t):
        if self.reach > 0 and t in self.hours:
            model.show_ads(reach=self.reach, message=self.message)


class AdImpressions(Action):
    """Paid impressions to consumers drawn at random: `per_hour[t]` impressions in hour t."""

    def __init__(self, per_hour: dict[int, int], message: int = 0):
        self.per_hour, self.message = per_hour, message

    def apply(self, model, t):
        count = self.per_hour.get(t, 0)
        if count:
            model.show_ads(count=count, message=self.message)


# ---------------------------------------------------------------- plans
def launch_step(cfg) -> int:
    """The hour (step) the campaign starts: timing.launch_day and timing.launch_hour."""
    return cfg.timing.launch_day * 24 + (cfg.timing.launch_hour - cfg.run.start_hour) % 24


def hour_of_day(model, t: int) -> int:
    return (model.cfg.run.start_hour + t) % 24


def peak_hours(model) -> np.ndarray:
    """Hours of the day when the target audience is most online (>= 80% of its best hour)."""
    pop = model.population
    target = model.useful.astype(bool) if model.useful.any() else pop.kind == CONSUMER
    online = pop.daily_profile * pop.activity[target].sum()
    return np.flatnonzero(online >= 0.8 * online.max())


def start_hour(model, delay: int) -> int:
    """First hour of a message's actions: launch + delay, moved to the next peak hour if timing=peak."""
    t = model.launch + delay
    if model.cfg.timing.mode == "peak":
        best = int(np.argmax(model.population.daily_profile))
        while hour_of_day(model, t) != best:
            t += 1
    return t


def ad_schedule(model, impressions: int, start: int) -> dict[int, int]:
    """Spread impressions over the ad hours in proportion to how many consumers are online."""
    c = model.cfg.campaign
    hours = np.arange(start + c.mass_start_hour, start + c.mass_start_hour + c.mass_hours)
    hours = hours[hours < model.cfg.run.hours]
    if model.cfg.timing.mode == "peak":
        hours = hours[np.isin([hour_of_day(model, t) for t in hours], peak_hours(model))]
    if impressions <= 0 or hours.size == 0:
        return {}
    weight = np.array([model.population.daily_profile[hour_of_day(model, t)] for t in hours]) + 1e-9
    share = impressions * weight / weight.sum()
    count = np.floor(share).astype(np.int64)
    extra = impressions - count.sum()                   # largest remainders get one more
    count[np.argsort(-(share - count), kind="stable")[:extra]] += 1
    return {int(t): int(k) for t, k in zip(hours, count) if k > 0}


def candidates(model, pool: str) -> np.ndarray:
    kind = model.population.kind
    allowed = {"all": (CONSUMER, BLOGGER), "bloggers": (BLOGGER,), "consumers": (CONSUMER,)}[pool]
    return np.flatnonzero(np.isin(kind, allowed)).astype(np.int64)


def rank_candidates(model, strategy: str, pool: str, m: int = 0, budget: float = 0.0) -> np.ndarray:
    """Candidates for sponsored posts, best first, by `strategy`."""
    from .influence import rr_sets
    cand = candidates(model, pool)
    net, useful = model.network, model.useful.astype(bool)
    if strategy == "random":
        return np.random.default_rng([model.cfg.run.seed, 0xC0FFEE, m]).permutation(cand)
    if strategy == "followers":
        score = net.follower_counts[cand].astype(np.float64)
    elif strategy == "relevance":           # relevance of the audience inside the target
        score = net.sum_over_followers(np.where(useful, model.relevance[m], 0.0))[cand]
    else:
        rr = rr_sets(model, m)
        score = rr.scores()[cand]
        if strategy == "greedy":
            picks = rr.greedy(cand, model.seed_costs, budget)
            rest = cand[np.lexsort((cand, -score))]
            return np.concatenate([picks, rest[~np.isin(rest, picks)]])
    return cand[np.lexsort((cand, -score))]            # best score first, ties: lower index


def message_slots(model):
    """(message index, budget share, delay) for each message of the campaign."""
    names = message_names(model.cfg)
    mix = model.cfg.campaign.message_mix
    if not mix:
        return [(0, 1.0, 0)]
    return [(names.index(slot.message), slot.budget_share, slot.delay_hours) for slot in mix]


def actions_from_config(model) -> list[Action]:
    c, timing = model.cfg.campaign, model.cfg.timing
    actions: list[Action] = []
    for m, share, delay in message_slots(model):
        start = start_hour(model, delay)
        budget = c.budget * share
        if c.kind == "custom":
            seeds = list(c.seed_agents)
            if c.seed_top_bloggers:
                seeds += [int(b) for b in top_bloggers(model, c.seed_top_bloggers) if b not in seeds]
            actions += [BrandPosts([start + h for h in c.brand_post_hours], m),
                        SeedAgents(seeds, start + c.seed_hour, m),
                        AdReach(c.mass_reach, range(start + c.mass_start_hour,
                                                    start + c.mass_start_hour + c.mass_hours), m)]
            continue
        if c.kind == "owned":
            actions.append(BrandPosts([start + h for h in c.owned_post_hours], m))
            continue
        seed_budget = {"targeted": budget, "hybrid": budget * c.targeted_share}.get(c.kind, 0.0)
        ad_budget = budget - seed_budget
        if c.kind in ("targeted", "hybrid"):
            waves = timing.waves if timing.mode == "staggered" else 1
            ranking = rank_candidates(model, c.strategy, c.pool, m, seed_budget / waves)
            wave_hours = [start + w * timing.wave_gap_hours for w in range(waves)]
            actions.append(SponsoredPosts(ranking, seed_budget, wave_hours, m,
                                          skip_reached=timing.mode == "staggered"))
        if c.kind in ("mass", "hybrid"):
            impressions = int(np.floor(ad_budget * 1000.0 / c.cpm + 1e-9))
            if ad_budget > 0 and impressions == 0:
                model.notes.append(f"ad budget {ad_budget:,.2f} is below the price of one impression "
                                   f"({c.cpm / 1000:,.4f}); nothing spent on ads")
            actions.append(AdImpressions(ad_schedule(model, impressions, start), m))
    return actions


def top_bloggers(model, count: int) -> np.ndarray:
    """The `count` bloggers with the most followers (ties: lower index first)."""
    bloggers = np.flatnonzero(model.population.kind == BLOGGER)
    followers = model.network.follower_counts[bloggers]
    return bloggers[np.lexsort((bloggers, -followers))][:count]

"""Campaign plans: a budget, a cost model and a timing turned into actions (`sim.actions`).

`campaign.kind` picks a plan from the `PLANS` registry: channels (euros per channel: ads,
sponsored posts per influencer tier, boosted brand posts), mass (ad impressions),
targeted (sponsored posts chosen by a seeding strategy), hybrid (both, budget split),
owned (brand posts only, free) or custom (an explicit plan). mass, targeted and hybrid
are shorthands for channel mixes. A plan is a function
`build(model, message, budget, start) -> list of actions` with flags saying whether it
spends a budget, uses a seeding strategy and buys ads. Every budgeted plan spends at
most its budget; `model.spent` reports what it did spend.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import calendar, market
from .actions import AdImpressions, AdReach, BrandPosts, SeedAgents, SponsoredPosts
from .config import message_names
from .kinds import CONSUMER
from .registry import Registry
from .seeding import candidates, rank_candidates, rank_these, top_bloggers
from .tiers import TIERS


@dataclass(frozen=True)
class Plan:
    build: Callable          # (model, message, budget, start hour) -> list of actions
    budgeted: bool           # spends campaign.budget (reported in summaries and tables)
    uses_strategy: bool      # sponsors agents chosen by campaign.strategy
    buys_ads: bool           # pays campaign.cpm per thousand impressions


PLANS: Registry = Registry("campaign plan")


def plan_of(cfg) -> Plan:
    return PLANS.get(cfg.campaign.kind, "campaign.kind")


# ---------------------------------------------------------------- timing
def launch_step(cfg) -> int:
    """The hour (step) the campaign starts: timing.launch_day days after timing.start, at
    local hour timing.launch_hour."""
    return cfg.timing.launch_day * 24 + (cfg.timing.launch_hour - calendar.start_of(cfg).hour) % 24


def hour_of_day(model, t: int) -> int:
    return calendar.hour_of_day(model.start, t)


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


def ad_hours(model, start: int, hours=None) -> np.ndarray:
    """The hours ads run: `mass_hours` from start + `mass_start_hour`, or the given `hours`
    (timing=peak: peak hours only)."""
    c = model.cfg.campaign
    if hours is None and c.ad_days:
        hours = calendar.hours_of_days(model.cfg, c.ad_days, "campaign.ad_days")
    if hours is None:
        hours = np.arange(start + c.mass_start_hour, start + c.mass_start_hour + c.mass_hours)
    hours = np.asarray(hours, dtype=np.int64)
    hours = hours[hours < model.horizon]
    if model.cfg.timing.mode == "peak":
        hours = hours[np.isin([hour_of_day(model, t) for t in hours], peak_hours(model))]
    return hours


def ad_schedule(model, impressions: int, start: int, hours=None) -> dict[int, int]:
    """Spread impressions over the ad hours in proportion to how many consumers are online."""
    hours = ad_hours(model, start, hours)
    if impressions <= 0 or hours.size == 0:
        return {}
    weight = np.array([model.online_share(t) for t in hours]) + 1e-9
    share = impressions * weight / weight.sum()
    count = np.floor(share).astype(np.int64)
    extra = impressions - count.sum()                   # largest remainders get one more
    count[np.argsort(-(share - count), kind="stable")[:extra]] += 1
    return {int(t): int(k) for t, k in zip(hours, count) if k > 0}


# ---------------------------------------------------------------- plans
def custom_plan(model, m, budget, start):
    """An explicit plan: brand posts, fixed seeds (+ top bloggers), ads by reach."""
    c = model.cfg.campaign
    seeds = list(c.seed_agents)
    if c.seed_top_bloggers:
        seeds += [int(b) for b in top_bloggers(model, c.seed_top_bloggers) if b not in seeds]
    return [BrandPosts([start + h for h in c.brand_post_hours], m),
            SeedAgents(seeds, start + c.seed_hour, m),
            AdReach(c.mass_reach, range(start + c.mass_start_hour, start + c.mass_start_hour + c.mass_hours), m)]


def owned_post_hours(model, start) -> list[int]:
    """Hours of the brand's own posts: `owned_post_times` (local date-times) if given, else
    `owned_post_hours` from the launch."""
    c = model.cfg.campaign
    if c.owned_post_times:
        return [calendar.hour_at(model.cfg, t, f"campaign.owned_post_times[{k}]") for k, t in enumerate(c.owned_post_times)]
    return [start + h for h in c.owned_post_hours]


def owned_plan(model, m, budget, start):
    """The brand's own posts at `owned_post_hours` or `owned_post_times` (free)."""
    return [BrandPosts(owned_post_hours(model, start), m)]


def sponsored_posts(model, m, budget, start):
    """Sponsored posts bought in the strategy's order, in one wave or (timing=staggered) several."""
    c, timing = model.cfg.campaign, model.cfg.timing
    waves = timing.waves if timing.mode == "staggered" else 1
    ranking = rank_candidates(model, c.strategy, c.pool, m, budget / waves)
    wave_hours = [start + w * timing.wave_gap_hours for w in range(waves)]
    return [SponsoredPosts(ranking, budget, wave_hours, m, skip_reached=timing.mode == "staggered")]


def ad_impressions(model, m, budget, start, hours=None):
    """floor(budget x 1000 / cpm) real impressions (1 in population.scale simulated) spread
    over the ad hours, at most one per person per ad hour (a frequency cap: more could not
    be served, nor paid)."""
    cpm, k = model.cfg.campaign.cpm, model.people_per_impression
    impressions = market.simulated_impressions(budget, cpm, k)
    if budget > 0 and impressions == 0:
        to = f" to the {k:,g} people one simulated consumer stands for" if k != 1 else ""
        model.notes.append(f"ad budget {budget:,.2f} is below the price of one impression{to} "
                           f"({k * cpm / 1000:,.4f}); nothing spent on ads")
    servable = model.consumers.size * ad_hours(model, start, hours).size
    if impressions > servable:
        model.notes.append(f"ad budget {budget:,.2f} buys {impressions * k:,.0f} impressions, more than the "
                           f"{servable * k:,.0f} that can be served (one per person per ad hour): capped, "
                           f"{servable * k * cpm / 1000:,.2f} spent")
        impressions = servable
    return [AdImpressions(ad_schedule(model, impressions, start, hours), m)]


def sponsored_by_tier(model, m, budgets, start):
    """For each tier with a budget, sponsored posts bought from that tier's accounts only."""
    c, timing = model.cfg.campaign, model.cfg.timing
    waves = timing.waves if timing.mode == "staggered" else 1
    wave_hours = [start + w * timing.wave_gap_hours for w in range(waves)]
    pool = candidates(model, c.pool)
    actions = []
    for t, budget in enumerate(budgets):
        if budget <= 0:
            continue
        in_tier = pool[model.tier[pool] == t]
        if in_tier.size == 0:
            model.notes.append(f"{budget:,.2f} for {TIERS[t]} influencers buys nothing: no account of the "
                               f"pool '{c.pool}' is in that tier")
            continue
        ranking = rank_these(model, c.strategy, in_tier, m, budget / waves)
        actions.append(SponsoredPosts(ranking, budget, wave_hours, m, skip_reached=timing.mode == "staggered"))
    return actions


def boosted_posts(model, m, budget, start):
    """The brand's own posts at `owned_post_hours`, each boosted by paid impressions over the
    next `channels.boost_hours` hours (in the model, a boosted post is an ad shown then)."""
    c = model.cfg.campaign
    posts = owned_post_hours(model, start)
    hours = sorted({t for h in posts for t in range(h, h + c.channels.boost_hours)})
    return [BrandPosts(posts, m)] + (ad_impressions(model, m, budget, start, hours) if budget > 0 else [])


def channels_total(c) -> float:
    """The budget of a channels plan: its euros for every channel."""
    ch = c.channels
    return float(ch.ads + sum(ch.sponsored.as_list()) + ch.boosted)


def channels_plan(model, m, budget, start):
    """Euros per channel (`campaign.channels`), scaled to this message's part of the budget."""
    c = model.cfg.campaign
    total = channels_total(c)
    part = budget / total if total > 0 else 0.0
    ch = c.channels
    return (ad_impressions(model, m, ch.ads * part, start)
            + sponsored_by_tier(model, m, [x * part for x in ch.sponsored.as_list()], start)
            + boosted_posts(model, m, ch.boosted * part, start))


def hybrid_plan(model, m, budget, start):
    """`targeted_share` of the budget on sponsored posts, the rest on ads."""
    seeds = budget * model.cfg.campaign.targeted_share
    return sponsored_posts(model, m, seeds, start) + ad_impressions(model, m, budget - seeds, start)


PLANS.register("channels", Plan(channels_plan, budgeted=True, uses_strategy=True, buys_ads=True))
PLANS.register("custom", Plan(custom_plan, budgeted=False, uses_strategy=False, buys_ads=False))
PLANS.register("mass", Plan(ad_impressions, budgeted=True, uses_strategy=False, buys_ads=True))
PLANS.register("targeted", Plan(sponsored_posts, budgeted=True, uses_strategy=True, buys_ads=False))
PLANS.register("hybrid", Plan(hybrid_plan, budgeted=True, uses_strategy=True, buys_ads=True))
PLANS.register("owned", Plan(owned_plan, budgeted=False, uses_strategy=False, buys_ads=False))


def message_slots(model):
    """(message index, budget share, delay) for each message of the campaign."""
    names = message_names(model.cfg)
    mix = model.cfg.campaign.message_mix
    if not mix:
        return [(0, 1.0, 0)]
    return [(names.index(slot.message), slot.budget_share, slot.delay_hours) for slot in mix]


def budget_of(c) -> float:
    """Euros the campaign may spend: its channels' total for kind=channels, else campaign.budget."""
    return channels_total(c) if c.kind == "channels" else float(c.budget)


def actions_from_config(model) -> list:
    """The campaign's plan for each of its messages, as actions."""
    plan = plan_of(model.cfg)
    budget = budget_of(model.cfg.campaign)
    return [action for m, share, delay in message_slots(model)
            for action in plan.build(model, m, budget * share, start_hour(model, delay))]

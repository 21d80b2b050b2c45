"""Validation of a configuration: every value the model relies on, before any work starts.

`validate(cfg)` raises `ConfigError` naming the first bad key. Allowed names (plans,
seeding strategies, pools, kinds) are read from their registries.
"""
from __future__ import annotations

import math
from typing import Any

from .calendar import horizon, hour_at, hours_of_days, start_of
from .campaign import PLANS, channels_total, launch_step
from .config import MIN_CPM, CampaignConfig, Config, campaign_with, message_names
from .errors import ConfigError
from .kinds import KIND_NAMES, pools
from .guard import check_resources
from .seeding import STRATEGIES
from .tiers import TIERS


def _number(key: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ConfigError(key, f"must be a finite number, got {v!r}")
    return float(v)


def _prob(key: str, v: Any) -> None:
    if not 0.0 <= _number(key, v) <= 1.0:
        raise ConfigError(key, f"must be a probability in [0, 1], got {v!r}")


def _positive(key: str, v: Any) -> None:
    if _number(key, v) <= 0:
        raise ConfigError(key, f"must be > 0, got {v!r}")


def _int(key: str, v: Any, low: int) -> None:
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise ConfigError(key, f"must be an integer >= {low}, got {v!r}")


def _int_list(key: str, v: Any, numbers: bool = False) -> list:
    if not isinstance(v, (list, tuple)):
        raise ConfigError(key, f"must be a list of {'numbers' if numbers else 'integers'}, got {v!r}")
    return list(v)


def _list(key: str, v: Any) -> list:
    if not isinstance(v, (list, tuple)):
        raise ConfigError(key, f"must be a list, got {v!r}")
    return list(v)


def _choice(key: str, v: Any, options: tuple[str, ...]) -> None:
    if v not in options:
        raise ConfigError(key, f"must be one of {', '.join(options)}; got {v!r}")


def _weights(key: str, v: Any, length: int) -> None:
    _int_list(key, v, numbers=True)
    if len(v) != length:
        raise ConfigError(key, f"needs {length:,} values (one per topic: population.topics = {length:,}), got {len(v)}")
    for k, w in enumerate(v):
        if _number(f"{key}[{k}]", w) < 0:
            raise ConfigError(f"{key}[{k}]", f"must be >= 0, got {w!r}")
    if sum(v) <= 0:
        raise ConfigError(key, "needs at least one positive weight")


def validate(cfg: Config) -> Config:
    """Check every value the model relies on; raise ConfigError naming the first bad key."""
    _population(cfg.population)
    _network(cfg.network)
    if cfg.network.kind == "followers" and not cfg.accounts:
        raise ConfigError("accounts", "is required with network=followers: accounts=FILE names the bloggers and "
                          "brand accounts among the export's handles (see README, 'Your own accounts')")
    if cfg.accounts and cfg.network.kind != "followers":
        raise ConfigError("accounts", f"names accounts of a follower export: use it with network=followers "
                          f"network.path=FILE (network is {cfg.network.kind})")
    _message("message", cfg.message, cfg.population.topics)
    _diffusion(cfg.diffusion)
    _target(cfg)
    _validate_campaign("campaign", cfg.campaign, cfg)
    _timing(cfg)
    if cfg.network.contact_rate + cfg.campaign.mass_reach > 1.0:
        raise ConfigError("network.contact_rate", "plus campaign.mass_reach must not exceed 1 "
                          "(an hour of attention goes to an ad or to a chat, not both)")
    for name, extra in cfg.messages.items():
        _message(f"messages.{name}", extra, cfg.population.topics)
    for name, overrides in cfg.comparison.items():
        if not isinstance(overrides, dict):
            raise ConfigError(f"comparison.{name}", "must be a mapping of campaign keys to values")
        unknown = set(overrides) - set(CampaignConfig.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"comparison.{name}.{sorted(unknown)[0]}", "is not a campaign key")
        _validate_campaign(f"comparison.{name}", campaign_with(cfg.campaign, overrides, f"comparison.{name}"), cfg)
    _int("score.rr_sets", cfg.score.rr_sets, 1)
    _int("score.top", cfg.score.top, 1)
    _int("calibrate.population_size", cfg.calibrate.population_size, 2)
    if cfg.calibrate.population_size > 100_000:
        raise ConfigError("calibrate.population_size", f"is {cfg.calibrate.population_size:,} particles per "
                          "generation, more than 100,000: a typo? (hundreds are usual)")
    _int("calibrate.generations", cfg.calibrate.generations, 1)
    if not isinstance(cfg.calibrate.params, dict):
        raise ConfigError("calibrate.params", "must map configuration keys to priors [low, high]")
    _forecast(cfg.forecast)
    _optimize(cfg.optimize)
    _explore(cfg.explore)
    _run(cfg.run)
    _within_the_run(cfg)
    if not cfg.run.allow_large:
        check_resources(cfg)
    return cfg


def _forecast(f) -> None:
    _int("forecast.at_hours", f.at_hours, 1)
    _int("forecast.draws", f.draws, 1)
    _int("forecast.accept", f.accept, 1)
    if f.accept > f.draws:
        raise ConfigError("forecast.accept", f"is {f.accept:,}, more than the {f.draws:,} draws (forecast.draws)")
    _int("forecast.replicates", f.replicates, 2)
    _int("forecast.boost_hours", f.boost_hours, 1)
    for key in ("add_budget", "add_wave"):
        if _number(f"forecast.{key}", getattr(f, key)) < 0:
            raise ConfigError(f"forecast.{key}", f"must be euros >= 0, got {getattr(f, key)!r}")
    if not isinstance(f.params, dict):
        raise ConfigError("forecast.params", "must map configuration keys to priors [low, high]")


def _optimize(o) -> None:
    from .metrics import FINALS
    _int("optimize.trials", o.trials, 1)
    _int("optimize.replicates", o.replicates, 2)
    _int("optimize.top", o.top, 2)
    _int("optimize.confirm_replicates", o.confirm_replicates, 2)
    _int("optimize.seed", o.seed, 0)
    _choice("optimize.sampler", o.sampler, ("tpe", "random"))
    _choice("optimize.objective", o.objective, FINALS)
    if not isinstance(o.levers, dict) or not isinstance(o.against, dict) or not isinstance(o.choices, dict):
        raise ConfigError("optimize.levers", "must map configuration keys to ranges [low, high]")
    from .metrics import STATISTICS
    _choice("optimize.statistic", o.statistic, STATISTICS)
    _int("optimize.draws", o.draws, 1)
    _int("optimize.workers", o.workers, 1)
    _int("optimize.worker", o.worker, 0)
    if not isinstance(o.uncertain, dict):
        raise ConfigError("optimize.uncertain", "must map configuration keys to ranges [low, high]")
    if isinstance(o.objectives, str) or len(set(o.objectives)) != len(o.objectives):
        raise ConfigError("optimize.objectives", f"must be a list of distinct metrics, got {o.objectives!r}")
    for k, metric in enumerate(o.objectives):
        _choice(f"optimize.objectives[{k}]", metric, FINALS)
    if o.statistic == "regret" and not o.against:
        raise ConfigError("optimize.statistic", "regret is measured against the hand-written plans of "
                          "optimize.against, which is empty")


def _explore(e) -> None:
    from .metrics import FINALS
    _int("explore.base", e.base, 2)
    if e.base & (e.base - 1):
        raise ConfigError("explore.base", f"must be a power of 2 (Sobol points), got {e.base}")
    _int("explore.replicates", e.replicates, 1)
    _choice("explore.metric", e.metric, FINALS)
    _int("explore.chunk", e.chunk, 1)
    _int("explore.workers", e.workers, 1)
    _choice("explore.backend", e.backend, ("local", "ray"))
    if not isinstance(e.factors, dict) or not isinstance(e.plans, dict):
        raise ConfigError("explore.factors", "must map configuration keys to ranges [low, high]")


def _population(p) -> None:
    if _number("population.scale", p.scale) < 1:
        raise ConfigError("population.scale", f"must be >= 1 (people each simulated consumer stands for), "
                          f"got {p.scale!r}")
    _int("population.consumers", p.consumers, 1)
    _int("population.bloggers", p.bloggers, 0)
    _int("population.brands", p.brands, 0)
    _int("population.topics", p.topics, 1)
    _int("population.segments", p.segments, 1)
    for key in ("segment_focus", "scepticism_mean", "activity_mean", "blogger_activity", "brand_activity"):
        _prob(f"population.{key}", getattr(p, key))
    _positive("population.scepticism_concentration", p.scepticism_concentration)
    _positive("population.activity_concentration", p.activity_concentration)
    if _number("population.activity_mean", p.activity_mean) == 0:
        raise ConfigError("population.activity_mean", "is 0: consumers would never be online")
    for key in ("daily_profile", "weekend_profile"):
        _profile(f"population.{key}", getattr(p, key), allow_none=key == "weekend_profile")
    if p.segments > p.consumers:
        raise ConfigError("population.segments", f"is {p.segments:,}, more than the {p.consumers:,} consumers")
    _weights("population.brand_topics", p.brand_topics, p.topics)


def _network(n) -> None:
    _choice("network.kind", n.kind, ("generated", "edgelist", "followers", "mixed"))
    if n.kind == "generated":
        _positive("network.follows_mean", n.follows_mean)
        _prob("network.homophily", n.homophily)
        _positive("network.popularity_alpha", n.popularity_alpha)
        _prob("network.blogger_audience_share", n.blogger_audience_share)
        _positive("network.blogger_audience_alpha", n.blogger_audience_alpha)
        _int("network.bloggers_follow", n.bloggers_follow, 0)
    if n.kind in ("edgelist", "followers") and not n.path:
        raise ConfigError("network.path", f"is required with network={n.kind} (network.path=FILE)")
    _choice("network.edge_meaning", n.edge_meaning, ("follows", "reaches"))
    _choice("network.blogger_rule", n.blogger_rule, ("top_followers", "random"))
    if _number("network.topic_affinity", n.topic_affinity) < 0:
        raise ConfigError("network.topic_affinity", f"must be >= 0, got {n.topic_affinity!r}")
    _prob("network.brand_fan_share", n.brand_fan_share)
    _prob("network.contact_rate", n.contact_rate)


def _message(key: str, m, topics: int) -> None:
    _weights(f"{key}.topics", m.topics, topics)
    for name in ("interest", "novelty", "wearout", "promotional"):
        _prob(f"{key}.{name}", getattr(m, name))
    if m.half_life_hours is not None:
        _positive(f"{key}.half_life_hours", m.half_life_hours)
    _choice(f"{key}.decay", m.decay, ("exponential", "power_law"))
    _positive(f"{key}.reaction_exponent", m.reaction_exponent)
    _positive(f"{key}.reaction_onset_minutes", m.reaction_onset_minutes)


def _diffusion(d) -> None:
    for group in ("relay_max", "credibility"):
        for kind in KIND_NAMES:
            _prob(f"diffusion.{group}.{kind}", getattr(getattr(d, group), kind))
    for key in ("weight_interest", "weight_relevance", "weight_novelty", "weight_trust"):
        if _number(f"diffusion.{key}", getattr(d, key)) < 0:
            raise ConfigError(f"diffusion.{key}", f"must be >= 0, got {getattr(d, key)!r}")
    _int("diffusion.attention_window", d.attention_window, 1)
    _int("diffusion.talk_hours", d.talk_hours, 0)
    _int("diffusion.attention_limit", d.attention_limit, 0)
    _prob("diffusion.ad_notice", d.ad_notice)
    _prob("diffusion.adoption_prob", d.adoption_prob)
    _prob("diffusion.engagement", d.engagement)
    _prob("diffusion.disclosure_penalty", d.disclosure_penalty)
    for tier in TIERS:
        _prob(f"diffusion.tier_trust.{tier}", getattr(d.tier_trust, tier))
    _int("diffusion.adoption_min_sources", d.adoption_min_sources, 1)


def _target(cfg) -> None:
    segments = _int_list("target.segments", cfg.target.segments)
    if not segments:
        raise ConfigError("target.segments", "is empty: name at least one segment (useful contacts live there)")
    for k, seg in enumerate(segments):
        _int(f"target.segments[{k}]", seg, 0)


def _timing(cfg) -> None:
    t = cfg.timing
    start_of(cfg)
    _choice("timing.mode", t.mode, ("burst", "staggered", "peak"))
    _int("timing.launch_day", t.launch_day, 0)
    _int("timing.launch_hour", t.launch_hour, 0)
    if t.launch_hour > 23:
        raise ConfigError("timing.launch_hour", f"must be an hour of the day 0..23, got {t.launch_hour}")
    _int("timing.waves", t.waves, 1)
    _int("timing.wave_gap_hours", t.wave_gap_hours, 1)


def _profile(key: str, values, allow_none: bool) -> None:
    """24 hourly chances, not all 0."""
    if values is None and allow_none:
        return
    _int_list(key, values, numbers=True)
    if len(values) != 24:
        raise ConfigError(key, f"needs 24 hourly values, got {len(values)}")
    for h, v in enumerate(values):
        _prob(f"{key}[{h}]", v)
    if max(values) == 0:
        raise ConfigError(key, "is 0 at every hour: nobody would ever be online")


def _within_the_run(cfg) -> None:
    """Values that only make sense inside the simulated hours."""
    hours = horizon(cfg)
    if cfg.timing.waves > 1 and cfg.timing.waves > hours:
        raise ConfigError("timing.waves", f"is {cfg.timing.waves:,}, more waves than the run's {hours:,} hours")
    if cfg.diffusion.attention_window > max(hours, 24 * 7):      # a feed that outlives the run and a week
        raise ConfigError("diffusion.attention_window", f"is {cfg.diffusion.attention_window:,} hours, longer than "
                          f"the run ({hours:,} hours) and than a week")
    start = launch_step(cfg)
    if start >= hours:
        raise ConfigError("timing.launch_day", f"makes the campaign start at hour {start:,}, after the run's "
                          f"{hours:,} hours (run.days, run.hours)")


def _run(r) -> None:
    _int("run.seed", r.seed, 0)
    _int("run.replicates", r.replicates, 1)
    _int("run.days", r.days, 1)
    if r.hours is not None:
        _int("run.hours", r.hours, 1)
    _choice("run.mode", r.mode, ("fast", "reference"))
    _int("run.influencer_k", r.influencer_k, 1)
    _int("run.threads", r.threads, 0)
    if not isinstance(r.allow_large, bool):
        raise ConfigError("run.allow_large", f"must be true or false, got {r.allow_large!r}")


def _channels(key: str, c: CampaignConfig) -> None:
    """Euros per channel: finite, >= 0, and something to spend when campaign.kind=channels."""
    ch = c.channels
    for name, value in [("ads", ch.ads), ("boosted", ch.boosted)] + [
            (f"sponsored.{tier}", getattr(ch.sponsored, tier)) for tier in TIERS]:
        if _number(f"{key}.{name}", value) < 0:
            raise ConfigError(f"{key}.{name}", f"must be >= 0 euros, got {value!r}")
    _int(f"{key}.boost_hours", ch.boost_hours, 1)
    if c.kind == "channels" and channels_total(c) <= 0:
        raise ConfigError(key, "puts 0 euros in every channel: give ads, sponsored.<tier> or boosted a budget")


def _validate_campaign(key: str, c: CampaignConfig, cfg: Config) -> None:
    plan = PLANS.get(c.kind, f"{key}.kind")
    for name in ("budget", "cpm"):
        if _number(f"{key}.{name}", getattr(c, name)) < 0:
            raise ConfigError(f"{key}.{name}", f"must be >= 0, got {getattr(c, name)!r}")
    if c.cpm < MIN_CPM and plan.buys_ads:
        raise ConfigError(f"{key}.cpm", f"must be at least {MIN_CPM} euros per 1,000 paid impressions, got {c.cpm!r}")
    for group in ("seed_fee_fixed", "seed_fee_per_follower"):
        for kind in KIND_NAMES:
            v = getattr(getattr(c, group), kind)
            if _number(f"{key}.{group}.{kind}", v) < 0:
                raise ConfigError(f"{key}.{group}.{kind}", f"must be >= 0, got {v!r}")
    _channels(f"{key}.channels", c)
    for k, moment in enumerate(_list(f"{key}.owned_post_times", c.owned_post_times)):
        hour_at(cfg, moment, f"{key}.owned_post_times[{k}]")
    hours_of_days(cfg, _list(f"{key}.ad_days", c.ad_days), f"{key}.ad_days")
    if c.seed_agents and c.kind != "custom":
        raise ConfigError(f"{key}.seed_agents", f"lists agents to seed, which only campaign.kind=custom does (this "
                          f"campaign is '{c.kind}'): add campaign.kind=custom, or drop the list")
    STRATEGIES.get(c.strategy, f"{key}.strategy")
    _choice(f"{key}.pool", c.pool, tuple(pools()))
    _prob(f"{key}.targeted_share", c.targeted_share)
    for name in ("owned_post_hours", "brand_post_hours", "seed_agents"):
        for k, h in enumerate(_int_list(f"{key}.{name}", getattr(c, name))):
            _int(f"{key}.{name}[{k}]", h, 0)
    for name in ("mass_hours", "mass_start_hour", "seed_top_bloggers", "seed_hour"):
        _int(f"{key}.{name}", getattr(c, name), 0)
    _prob(f"{key}.mass_reach", c.mass_reach)
    known = set(message_names(cfg))
    total = 0.0
    for k, slot in enumerate(c.message_mix):
        if slot.message not in known:
            raise ConfigError(f"{key}.message_mix[{k}].message",
                              f"unknown message {slot.message!r} (known: {', '.join(sorted(known))})")
        _prob(f"{key}.message_mix[{k}].budget_share", slot.budget_share)
        _int(f"{key}.message_mix[{k}].delay_hours", slot.delay_hours, 0)
        total += slot.budget_share
    if total > 1.0 + 1e-9:
        raise ConfigError(f"{key}.message_mix", f"budget shares add up to {total:g}, more than 1")

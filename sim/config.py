"""Typed configuration (plain dataclasses) and its validation.

The same dataclasses are the Hydra schemas (registered in `sim.run`) and the way to
configure a model from Python or a notebook: `Config()` is the default scenario.
`validate(cfg)` runs before any work and raises `ConfigError` naming the key.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

KINDS = ("consumer", "blogger", "brand")

# Evening-peaked daily online profile (multiplies each agent's activity level), hours 0..23.
DEFAULT_DAILY_PROFILE = [
    0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.50, 0.60, 0.60, 0.60, 0.70,
    0.80, 0.70, 0.60, 0.60, 0.70, 0.80, 0.90, 1.00, 1.00, 0.90, 0.60, 0.30,
]
DEFAULT_TOPICS = [1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]


class ConfigError(ValueError):
    """A configuration value is wrong; `key` is its dotted name."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


@dataclass
class KindValues:
    """One value per agent kind."""
    consumer: float = 0.0
    blogger: float = 0.0
    brand: float = 0.0

    def as_list(self) -> list[float]:
        return [self.consumer, self.blogger, self.brand]


@dataclass
class PopulationConfig:
    name: str = "default"
    consumers: int = 20_000
    bloggers: int = 40
    brands: int = 1
    topics: int = 8
    segments: int = 6
    segment_focus: float = 0.7          # share of a consumer's interests taken from its segment's profile
    scepticism_mean: float = 0.5
    scepticism_concentration: float = 6.0   # Beta(mean*c, (1-mean)*c)
    activity_mean: float = 0.3          # consumer's chance of being online at the daily peak
    activity_concentration: float = 4.0
    blogger_activity: float = 0.8
    brand_activity: float = 1.0
    daily_profile: list[float] = field(default_factory=lambda: list(DEFAULT_DAILY_PROFILE))
    brand_topics: list[float] = field(default_factory=lambda: list(DEFAULT_TOPICS))


@dataclass
class NetworkConfig:
    kind: str = "generated"             # generated | edgelist | mixed
    # generated follower graph
    follows_mean: float = 20.0          # consumers a consumer follows, on average
    homophily: float = 0.8              # share of those follows inside the consumer's own segment
    popularity_alpha: float = 2.0       # Pareto tail of consumer popularity: heavy-tailed follower counts
    blogger_audience_share: float = 0.04    # mean share of consumers following one blogger
    blogger_audience_alpha: float = 1.5     # Pareto tail of blogger audience sizes
    topic_affinity: float = 3.0         # how strongly followers pick bloggers/brands matching their interests
    brand_fan_share: float = 0.05       # share of consumers following each brand account
    bloggers_follow: int = 5            # other bloggers each blogger follows
    # SNAP-style edge list (network=edgelist network.path=FILE)
    path: Optional[str] = None
    directed: bool = True
    edge_meaning: str = "follows"       # follows: line "a b" = a follows b; reaches: a's posts reach b
    labels: Optional[str] = None        # optional "node label" file, labels become segments
    blogger_rule: str = "top_followers"  # which loaded nodes become bloggers: top_followers | random
    # fully mixed population (network=mixed)
    contact_rate: float = 0.0           # chance per online hour of a chat with a uniformly random agent


@dataclass
class MessageConfig:
    name: str = "launch"
    topics: list[float] = field(default_factory=lambda: list(DEFAULT_TOPICS))
    interest: float = 0.6               # intrinsic appeal, [0, 1]
    novelty: float = 1.0                # novelty at launch, [0, 1]
    half_life_hours: Optional[float] = 24.0  # novelty halves every this many hours; null = no decay
    wearout: float = 0.8                # novelty multiplier per earlier exposure of the same agent
    promotional: float = 0.3            # promotional tone, [0, 1]


@dataclass
class DiffusionConfig:
    relay_max: KindValues = field(default_factory=lambda: KindValues(0.25, 0.5, 0.0))
    credibility: KindValues = field(default_factory=lambda: KindValues(0.8, 0.9, 0.5))
    weight_interest: float = 1.0
    weight_relevance: float = 1.0
    weight_novelty: float = 1.0
    weight_trust: float = 1.0
    attention_window: int = 3           # hours a post stays visible in a follower's feed
    talk_hours: int = 1                 # hours a relayer keeps posting (1 = one post; 0 = until the end)
    attention_limit: int = 5            # feed posts an agent reads per online hour (0 = no limit)
    ad_notice: float = 0.5              # chance a delivered ad impression is noticed
    adoption_prob: float = 0.3          # chance one exposure convinces, times its appeal
    adoption_min_sources: int = 1       # social reinforcement: distinct sources needed before adopting
    relayers_adopt: bool = True         # relaying implies a favourable opinion


@dataclass
class TargetConfig:
    name: str = "core"
    segments: list[int] = field(default_factory=lambda: [0, 1])   # useful contacts live here


@dataclass
class TimingConfig:
    name: str = "burst"
    mode: str = "burst"                 # burst | staggered | peak
    launch_day: int = 0                 # day of the run the campaign starts (0 = first)
    launch_hour: int = 8                # hour of the day it starts
    waves: int = 3                      # staggered: sponsored posts in this many waves ...
    wave_gap_hours: int = 24            # ... this many hours apart, skipping agents already aware


@dataclass
class MessageSlot:
    message: str = "launch"             # message.name, or a key of `messages`
    budget_share: float = 1.0           # share of the budget spent on this message
    delay_hours: int = 0                # hours after launch this message's actions start


@dataclass
class CampaignConfig:
    name: str = "default"
    kind: str = "custom"                # custom | mass | targeted | hybrid | owned
    budget: float = 0.0                 # euros; mass, targeted and hybrid spend at most this
    cpm: float = 10.0                   # price of 1,000 ad impressions
    seed_fee_fixed: KindValues = field(default_factory=lambda: KindValues(5.0, 10.0, 0.0))
    seed_fee_per_follower: KindValues = field(default_factory=lambda: KindValues(0.02, 0.02, 0.0))
    strategy: str = "followers"         # targeted seeds: random | followers | relevance | influence | greedy
    pool: str = "all"                   # who can be sponsored: all | bloggers | consumers
    targeted_share: float = 0.5         # hybrid: share of the budget for sponsored posts
    owned_post_hours: list[int] = field(default_factory=lambda: [0, 24, 48])   # owned: brand posts
    mass_hours: int = 48                # hours over which ads run (from mass_start_hour)
    mass_start_hour: int = 0
    message_mix: list[MessageSlot] = field(default_factory=list)   # empty: the main message only
    # kind=custom: an explicit plan (hours relative to the launch)
    brand_post_hours: list[int] = field(default_factory=lambda: [0])
    seed_agents: list[int] = field(default_factory=list)    # explicit agent indices to seed
    seed_top_bloggers: int = 5                              # also seed the N bloggers with most followers
    seed_hour: int = 2
    mass_reach: float = 0.01            # chance an online consumer is shown the ad in an ad hour


@dataclass
class ScoreConfig:
    rr_sets: int = 20_000               # reverse-reachable sets sampled for influence scores
    top: int = 1000                     # rows written to influencers.csv


@dataclass
class RunConfig:
    seed: int = 0
    replicates: int = 20
    hours: int = 168
    start_hour: int = 8                 # hour of the day at step 0
    mode: str = "fast"                  # fast (numba kernel) | reference (plain-Python agent steps)
    plot: bool = True
    influencer_k: int = 3               # "agents who relayed to at least k others"
    influencers: bool = True            # write influencers.csv (top 100 by influence) with the results
    report: bool = True                 # write report.html / report.pdf after a run or comparison
    threads: int = 0                    # replicates run in parallel threads (0 = numba's thread count)


@dataclass
class Config:
    population: PopulationConfig = field(default_factory=PopulationConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    message: MessageConfig = field(default_factory=MessageConfig)
    diffusion: DiffusionConfig = field(default_factory=DiffusionConfig)
    campaign: CampaignConfig = field(default_factory=CampaignConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    timing: TimingConfig = field(default_factory=TimingConfig)
    run: RunConfig = field(default_factory=RunConfig)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    messages: dict[str, MessageConfig] = field(default_factory=dict)   # extra messages of a mix
    comparison: dict[str, dict[str, Any]] = field(default_factory=dict)  # scenario -> campaign overrides


# ---------------------------------------------------------------- validation
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


def _choice(key: str, v: Any, options: tuple[str, ...]) -> None:
    if v not in options:
        raise ConfigError(key, f"must be one of {', '.join(options)}; got {v!r}")


def _weights(key: str, v: Any, length: int) -> None:
    if len(v) != length:
        raise ConfigError(key, f"needs {length} values (one per topic), got {len(v)}")
    for k, w in enumerate(v):
        if _number(f"{key}[{k}]", w) < 0:
            raise ConfigError(f"{key}[{k}]", f"must be >= 0, got {w!r}")
    if sum(v) <= 0:
        raise ConfigError(key, "needs at least one positive weight")


def validate(cfg: Config) -> Config:
    """Check every value the model relies on; raise ConfigError naming the first bad key."""
    p, n, m, d, c, r = cfg.population, cfg.network, cfg.message, cfg.diffusion, cfg.campaign, cfg.run
    _int("population.consumers", p.consumers, 1)
    _int("population.bloggers", p.bloggers, 0)
    _int("population.brands", p.brands, 0)
    _int("population.topics", p.topics, 1)
    _int("population.segments", p.segments, 1)
    for key in ("segment_focus", "scepticism_mean", "activity_mean", "blogger_activity", "brand_activity"):
        _prob(f"population.{key}", getattr(p, key))
    _positive("population.scepticism_concentration", p.scepticism_concentration)
    _positive("population.activity_concentration", p.activity_concentration)
    if len(p.daily_profile) != 24:
        raise ConfigError("population.daily_profile", f"needs 24 hourly values, got {len(p.daily_profile)}")
    for h, v in enumerate(p.daily_profile):
        _prob(f"population.daily_profile[{h}]", v)
    _weights("population.brand_topics", p.brand_topics, p.topics)

    _choice("network.kind", n.kind, ("generated", "edgelist", "mixed"))
    if n.kind == "generated":
        _positive("network.follows_mean", n.follows_mean)
        _prob("network.homophily", n.homophily)
        _positive("network.popularity_alpha", n.popularity_alpha)
        _prob("network.blogger_audience_share", n.blogger_audience_share)
        _positive("network.blogger_audience_alpha", n.blogger_audience_alpha)
        _int("network.bloggers_follow", n.bloggers_follow, 0)
    if n.kind == "edgelist" and not n.path:
        raise ConfigError("network.path", "is required with network=edgelist (network.path=FILE)")
    _choice("network.edge_meaning", n.edge_meaning, ("follows", "reaches"))
    _choice("network.blogger_rule", n.blogger_rule, ("top_followers", "random"))
    if _number("network.topic_affinity", n.topic_affinity) < 0:
        raise ConfigError("network.topic_affinity", f"must be >= 0, got {n.topic_affinity!r}")
    _prob("network.brand_fan_share", n.brand_fan_share)
    _prob("network.contact_rate", n.contact_rate)

    _weights("message.topics", m.topics, p.topics)
    for key in ("interest", "novelty", "wearout", "promotional"):
        _prob(f"message.{key}", getattr(m, key))
    if m.half_life_hours is not None:
        _positive("message.half_life_hours", m.half_life_hours)

    for group in ("relay_max", "credibility"):
        for kind in KINDS:
            _prob(f"diffusion.{group}.{kind}", getattr(getattr(d, group), kind))
    for key in ("weight_interest", "weight_relevance", "weight_novelty", "weight_trust"):
        if _number(f"diffusion.{key}", getattr(d, key)) < 0:
            raise ConfigError(f"diffusion.{key}", f"must be >= 0, got {getattr(d, key)!r}")
    _int("diffusion.attention_window", d.attention_window, 1)
    _int("diffusion.talk_hours", d.talk_hours, 0)
    _int("diffusion.attention_limit", d.attention_limit, 0)
    _prob("diffusion.ad_notice", d.ad_notice)
    _prob("diffusion.adoption_prob", d.adoption_prob)
    _int("diffusion.adoption_min_sources", d.adoption_min_sources, 1)

    for k, seg in enumerate(cfg.target.segments):
        _int(f"target.segments[{k}]", seg, 0)
    _validate_campaign("campaign", c, cfg)
    _choice("timing.mode", cfg.timing.mode, ("burst", "staggered", "peak"))
    _int("timing.launch_day", cfg.timing.launch_day, 0)
    _int("timing.launch_hour", cfg.timing.launch_hour, 0)
    if cfg.timing.launch_hour > 23:
        raise ConfigError("timing.launch_hour", f"must be an hour of the day 0..23, got {cfg.timing.launch_hour}")
    _int("timing.waves", cfg.timing.waves, 1)
    _int("timing.wave_gap_hours", cfg.timing.wave_gap_hours, 1)
    if n.contact_rate + c.mass_reach > 1.0:
        raise ConfigError("network.contact_rate", "plus campaign.mass_reach must not exceed 1 "
                          "(an hour of attention goes to an ad or to a chat, not both)")
    for name, extra in cfg.messages.items():
        _weights(f"messages.{name}.topics", extra.topics, p.topics)
        for key in ("interest", "novelty", "wearout", "promotional"):
            _prob(f"messages.{name}.{key}", getattr(extra, key))
        if extra.half_life_hours is not None:
            _positive(f"messages.{name}.half_life_hours", extra.half_life_hours)
    for name, overrides in cfg.comparison.items():
        if not isinstance(overrides, dict):
            raise ConfigError(f"comparison.{name}", "must be a mapping of campaign keys to values")
        unknown = set(overrides) - set(CampaignConfig.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"comparison.{name}.{sorted(unknown)[0]}", "is not a campaign key")
        _validate_campaign(f"comparison.{name}", campaign_with(c, overrides), cfg)
    _int("score.rr_sets", cfg.score.rr_sets, 1)
    _int("score.top", cfg.score.top, 1)

    _int("run.seed", r.seed, 0)
    _int("run.replicates", r.replicates, 1)
    _int("run.hours", r.hours, 1)
    _int("run.start_hour", r.start_hour, 0)
    if r.start_hour > 23:
        raise ConfigError("run.start_hour", f"must be an hour of the day 0..23, got {r.start_hour}")
    _choice("run.mode", r.mode, ("fast", "reference"))
    _int("run.influencer_k", r.influencer_k, 1)
    _int("run.threads", r.threads, 0)
    return cfg


def campaign_with(base: CampaignConfig, overrides: dict) -> CampaignConfig:
    """A copy of `base` with some keys replaced (comparison scenarios)."""
    import copy
    from dataclasses import replace
    values = copy.deepcopy(dict(overrides))
    for key in ("seed_fee_fixed", "seed_fee_per_follower"):
        if isinstance(values.get(key), dict):
            values[key] = KindValues(**{**base.__dict__[key].__dict__, **values[key]})
    if "message_mix" in values:
        values["message_mix"] = [MessageSlot(**x) if isinstance(x, dict) else x for x in values["message_mix"]]
    return replace(copy.deepcopy(base), **values)


def message_names(cfg: Config) -> list[str]:
    return [cfg.message.name] + [k for k in cfg.messages if k != cfg.message.name]


def message_configs(cfg: Config) -> list[MessageConfig]:
    """The campaign's messages in model order: `message` first, then the extra `messages`."""
    return [cfg.message] + [mc for name, mc in cfg.messages.items() if name != cfg.message.name]


def _validate_campaign(key: str, c: CampaignConfig, cfg: Config) -> None:
    _choice(f"{key}.kind", c.kind, ("custom", "mass", "targeted", "hybrid", "owned"))
    for name in ("budget", "cpm"):
        if _number(f"{key}.{name}", getattr(c, name)) < 0:
            raise ConfigError(f"{key}.{name}", f"must be >= 0, got {getattr(c, name)!r}")
    if c.cpm <= 0 and c.kind in ("mass", "hybrid"):
        raise ConfigError(f"{key}.cpm", "must be > 0 for paid impressions")
    for group in ("seed_fee_fixed", "seed_fee_per_follower"):
        for kind in KINDS:
            v = getattr(getattr(c, group), kind)
            if _number(f"{key}.{group}.{kind}", v) < 0:
                raise ConfigError(f"{key}.{group}.{kind}", f"must be >= 0, got {v!r}")
    _choice(f"{key}.strategy", c.strategy, ("random", "followers", "relevance", "influence", "greedy"))
    _choice(f"{key}.pool", c.pool, ("all", "bloggers", "consumers"))
    _prob(f"{key}.targeted_share", c.targeted_share)
    for name in ("owned_post_hours", "brand_post_hours", "seed_agents"):
        for k, h in enumerate(getattr(c, name)):
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

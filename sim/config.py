"""Typed configuration: plain dataclasses.

The same dataclasses are the Hydra schemas (registered in `sim.run`) and the way to
configure a model from Python or a notebook: `Config()` is the default scenario.
`sim.checks.validate(cfg)` checks every value before any work starts.
"""
from __future__ import annotations

import copy
import dataclasses
import difflib
import typing
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any, Optional

from .errors import ConfigError
from .kinds import KIND_NAMES, KINDS
from .tiers import TIERS

# Evening-peaked daily online profile (multiplies each agent's activity level), hours 0..23.
DEFAULT_DAILY_PROFILE = [
    0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.50, 0.60, 0.60, 0.60, 0.70,
    0.80, 0.70, 0.60, 0.60, 0.70, 0.80, 0.90, 1.00, 1.00, 0.90, 0.60, 0.30,
]
# Saturdays and Sundays: the same day, about two hours later (people wake up and go to bed
# later at weekends: Golder and Macy 2011, Science 333:1878, from the hourly rhythm of tweets;
# Leone et al. 2018, Current Biology 28:3668, "Twitter social jet lag"). The shape of the
# weekday profile itself is an assumption (evening peak), not a published curve.
DEFAULT_WEEKEND_PROFILE = DEFAULT_DAILY_PROFILE[-2:] + DEFAULT_DAILY_PROFILE[:-2]
DEFAULT_TOPICS = [1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
MIN_CPM = 0.01      # euros per 1,000 impressions: anything cheaper can only be a typo (real CPMs are euros)


def _kind_values_as_list(self) -> list[float]:
    return [getattr(self, name) for name in KIND_NAMES]


def _kind_defaults(cls, attribute: str):
    """The registry's default of `attribute` for every kind (sim.kinds)."""
    return cls(**{k.name: getattr(k, attribute) for k in KINDS})


# One value per agent kind, a field per kind of the registry (sim.kinds).
KindValues = make_dataclass("KindValues", [(name, float, 0.0) for name in KIND_NAMES], namespace={
    "as_list": _kind_values_as_list, "defaults": classmethod(_kind_defaults),
    "__doc__": "One value per agent kind (the kinds of sim.kinds)."})
KindValues.__module__ = __name__


def _tier_values_as_list(self) -> list[float]:
    return [getattr(self, name) for name in TIERS]


# One value per influencer tier (sim.tiers): nano, micro, macro, mega.
TierValues = make_dataclass("TierValues", [(name, float, 0.0) for name in TIERS], namespace={
    "as_list": _tier_values_as_list, "__doc__": "One value per influencer tier (nano, micro, macro, mega)."})
TierValues.__module__ = __name__


@dataclass
class PopulationConfig:
    name: str = "default"
    scale: float = 1.0                  # people of the real market each simulated consumer stands for
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
    daily_profile: list[float] = field(default_factory=lambda: list(DEFAULT_DAILY_PROFILE))      # Monday-Friday
    weekend_profile: Optional[list[float]] = field(default_factory=lambda: list(DEFAULT_WEEKEND_PROFILE))  # null: as weekdays
    brand_topics: list[float] = field(default_factory=lambda: list(DEFAULT_TOPICS))


@dataclass
class NetworkConfig:
    kind: str = "generated"             # generated | edgelist | followers | mixed
    # generated follower graph
    follows_mean: float = 20.0          # consumers a consumer follows, on average
    homophily: float = 0.8              # share of those follows inside the consumer's own segment
    popularity_alpha: float = 2.0       # Pareto tail of consumer popularity: heavy-tailed follower counts
    blogger_audience_share: float = 0.04    # mean share of consumers following one blogger
    blogger_audience_alpha: float = 1.5     # Pareto tail of blogger audience sizes
    topic_affinity: float = 3.0         # how strongly followers pick bloggers/brands matching their interests
    brand_fan_share: float = 0.05       # share of consumers following each brand account
    bloggers_follow: int = 5            # other bloggers each blogger follows
    # SNAP-style edge list (network=edgelist network.path=FILE), or a follower export of
    # handles (network=followers network.path=follows.csv[.gz], with accounts=accounts.csv)
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
    # How long after a post its followers react to it. exponential: each reads it the first
    # hour it is online (within diffusion.attention_window). power_law: no earlier than a
    # reaction delay drawn from the human reaction-time kernel of SEISMIC (Zhao et al. 2015,
    # KDD): constant density up to `reaction_onset_minutes`, then a power law of exponent
    # 1 + `reaction_exponent` (theta = 0.2314843 and s0 = 300 s: SEISMIC's published defaults).
    decay: str = "exponential"
    reaction_exponent: float = 0.2314843
    reaction_onset_minutes: float = 5.0


@dataclass
class DiffusionConfig:
    relay_max: KindValues = field(default_factory=lambda: KindValues.defaults("relay_max"))    # of the relaying agent
    credibility: KindValues = field(default_factory=lambda: KindValues.defaults("credibility"))  # of the source
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
    engagement: float = 0.0             # chance a read post gets a like or a comment, times its appeal
    disclosure_penalty: float = 0.0     # sponsored posts carry #ad: readers trust their author this much less
    # trust in a consumer's or blogger's posts, times this factor of its tier (real followers, sim.tiers)
    tier_trust: TierValues = field(default_factory=lambda: TierValues(1.0, 1.0, 1.0, 1.0))


@dataclass
class TargetConfig:
    name: str = "core"
    segments: list[int] = field(default_factory=lambda: [0, 1])   # useful contacts live here


@dataclass
class TimingConfig:
    name: str = "burst"
    start: str = "2027-03-01 08:00"     # local date and hour of the first simulated hour (a Monday)
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
class ChannelsConfig:
    """campaign.kind=channels: euros per channel (the budget is their total)."""
    ads: float = 0.0                    # paid impressions (campaign.cpm per 1,000) over the ad hours
    sponsored: TierValues = field(default_factory=TierValues)   # sponsored posts, per tier of the account
    boosted: float = 0.0                # paid impressions of the brand's own posts (campaign.owned_post_hours)
    boost_hours: int = 24               # each owned post is boosted for this many hours


@dataclass
class CampaignConfig:
    name: str = "default"
    kind: str = "custom"                # custom | mass | targeted | hybrid | owned
    budget: float = 0.0                 # euros; mass, targeted and hybrid spend at most this
    # price of 1,000 ad impressions (at least MIN_CPM): Meta ads in Germany, $14.06 CPM
    # (Superads, Meta ads benchmarks, Nov 2024 - Aug 2025), dollars taken at parity with euros
    cpm: float = 14.0
    seed_fee_fixed: KindValues = field(default_factory=lambda: KindValues.defaults("fee_fixed"))
    seed_fee_per_follower: KindValues = field(default_factory=lambda: KindValues.defaults("fee_per_follower"))
    strategy: str = "followers"         # targeted seeds: random | followers | relevance | influence | greedy
    pool: str = "all"                   # who can be sponsored: all | bloggers | consumers
    targeted_share: float = 0.5         # hybrid: share of the budget for sponsored posts
    owned_post_hours: list[int] = field(default_factory=lambda: [0, 24, 48])   # owned: brand posts
    # on named days instead (local time, see timing.start): the brand's own posts (owned and
    # channels plans) at these date-times, e.g. ["2027-03-01 18:00"], replacing owned_post_hours;
    # ads (mass, hybrid and channels plans) on every hour of these dates, e.g. ["2027-03-02"],
    # replacing mass_start_hour and mass_hours
    owned_post_times: list[str] = field(default_factory=list)
    ad_days: list[str] = field(default_factory=list)
    mass_hours: int = 48                # hours over which ads run (from mass_start_hour)
    mass_start_hour: int = 0
    message_mix: list[MessageSlot] = field(default_factory=list)   # empty: the main message only
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)   # kind=channels
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
class CalibrateConfig:
    """python -m sim.calibrate: uniform priors and the ABC-SMC budget (configs/calibrate/)."""
    name: str = "default"
    params: dict[str, Any] = field(default_factory=dict)   # dotted key -> [low, high]
    population_size: int = 100          # particles per generation
    generations: int = 5                # ABC-SMC populations (a rerun continues to this many)


@dataclass
class ForecastConfig:
    """python -m sim.forecast: the observed hours, what is learnt from them and the what-ifs
    (configs/forecast/)."""
    name: str = "default"
    at_hours: int = 3                   # hours of the reshare log the forecast conditions on
    baseline: bool = False              # also print SEISMIC's forecast (Zhao et al. 2015)
    params: dict[str, Any] = field(default_factory=dict)   # dotted key -> [low, high], learnt from those hours
    draws: int = 400                    # parameter sets drawn from the priors ...
    accept: int = 40                    # ... of which the nearest to the first hours are kept
    replicates: int = 200               # continuations of the cascade (per plan)
    add_budget: float = 0.0             # what-if: euros of ads (campaign.cpm) over boost_hours from at_hours
    boost_hours: int = 24
    add_wave: float = 0.0               # what-if: euros of sponsored posts at at_hours, most followers first


@dataclass
class OptimizeConfig:
    """python -m sim.optimize: the levers, the objective and the search (configs/optimize/)."""
    name: str = "default"
    levers: dict[str, Any] = field(default_factory=dict)   # dotted key -> [low, high]
    choices: dict[str, Any] = field(default_factory=dict)  # dotted text key -> [options] (e.g. campaign.strategy)
    objective: str = "useful_reach"     # a final metric (sim.metrics.FINALS); costs and times are minimised
    trials: int = 200
    replicates: int = 10                # per trial, the same random streams for every plan
    sampler: str = "tpe"                # tpe | random
    seed: int = 0                       # the sampler's seed
    top: int = 5                        # best plans confirmed with confirm_replicates
    confirm_replicates: int = 40
    against: dict[str, dict[str, Any]] = field(default_factory=dict)   # hand-written plans (campaign overrides)
    objectives: list[str] = field(default_factory=list)   # several metrics: a Pareto front (NSGA-II)
    statistic: str = "mean"             # over the draws of the unknowns: mean | p10 | regret (sim.robust)
    uncertain: dict[str, Any] = field(default_factory=dict)  # unknowns: dotted key -> [low, high]
    posterior: str = ""                 # or a calibration's posterior.parquet (or its folder)
    draws: int = 8                      # K draws of the unknowns per plan (with uncertain or posterior)
    workers: int = 1                    # local processes filling the study together
    worker: int = 0                     # > 0: a helper on a shared optimize.journal (searches, no confirmation)
    journal: str = ""                   # the study's journal file ("" = study.journal in the run folder)


@dataclass
class ExploreConfig:
    """python -m sim.explore: uncertain factors, two plans, the design (configs/explore/)."""
    name: str = "targeted_vs_mass"
    factors: dict[str, Any] = field(default_factory=dict)  # dotted key -> [low, high]
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)   # two plans: campaign overrides
    metric: str = "useful_reach"
    base: int = 32                      # Sobol base sample: base x (factors + 2) design points (a power of 2)
    replicates: int = 4
    dummy: bool = True                  # add a factor nothing reads (its total index should be 0)
    chunk: int = 16                     # design points per job (a rerun skips finished chunks)
    workers: int = 1                    # local processes (joblib); with backend=ray, Ray decides
    backend: str = "local"              # local | ray
    ray_address: str = ""               # "" starts Ray on this machine; HOST:PORT or auto joins a cluster


@dataclass
class RunConfig:
    seed: int = 0
    replicates: int = 20
    days: int = 14                      # campaign horizon in days
    hours: Optional[int] = None         # horizon in hours instead (short runs, tests); null: 24 x days
    mode: str = "fast"                  # fast (numba kernel) | reference (plain-Python agent steps)
    plot: bool = True
    influencer_k: int = 3               # "agents who relayed to at least k others"
    influencers: bool = True            # write influencers.csv (top 100 by influence) with the results
    report: bool = True                 # write report.html / report.pdf after a run or comparison
    threads: int = 0                    # replicates run in parallel threads (0 = numba's thread count)
    allow_large: bool = False           # run even if the memory estimate exceeds the memory available
    overwrite: bool = False             # replace a finished run in hydra.run.dir (otherwise refused)


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
    calibrate: CalibrateConfig = field(default_factory=CalibrateConfig)
    forecast: ForecastConfig = field(default_factory=ForecastConfig)
    optimize: OptimizeConfig = field(default_factory=OptimizeConfig)
    explore: ExploreConfig = field(default_factory=ExploreConfig)
    messages: dict[str, MessageConfig] = field(default_factory=dict)   # extra messages of a mix
    accounts: Optional[str] = None      # accounts.csv naming bloggers and brands (network=followers, sim.accounts)
    observed: Optional[str] = None      # observed data (sim.calibrate: an analytics export; sim.forecast: a reshare log)
    calibration: Optional[str] = None   # calibrated.yaml written by sim.calibrate: its values replace these keys
    plan: Optional[str] = None          # best_plan.yaml written by sim.optimize: its values replace these keys
    comparison: dict[str, dict[str, Any]] = field(default_factory=dict)  # scenario -> campaign overrides


def online_all_day(population: PopulationConfig) -> PopulationConfig:
    """Everyone's online profile is 1 at every hour of every day (special cases, validation)."""
    population.daily_profile, population.weekend_profile = [1.0] * 24, None
    return population


def campaign_with(base: CampaignConfig, overrides: dict, key: str = "comparison") -> CampaignConfig:
    """A copy of `base` with some keys replaced (comparison scenarios); `key` names the
    scenario in errors. Per-kind tables and message-mix slots are checked key by key."""
    values = copy.deepcopy(dict(overrides))
    for name in ("seed_fee_fixed", "seed_fee_per_follower"):
        if name in values:
            values[name] = _kind_values(f"{key}.{name}", getattr(base, name), values[name])
    if "channels" in values:
        values["channels"] = _channels(f"{key}.channels", base.channels, values["channels"])
    if "message_mix" in values:
        if not isinstance(values["message_mix"], list):
            raise ConfigError(f"{key}.message_mix", "must be a list of {message, budget_share, delay_hours} slots")
        values["message_mix"] = [_slot(f"{key}.message_mix[{k}]", x) for k, x in enumerate(values["message_mix"])]
    return replace(copy.deepcopy(base), **values)


def _table(key: str, cls, base, value, what: str, shape: str):
    """`value` (a table of overrides) checked key by key and merged over `base`, as `cls`."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise ConfigError(key, f"must be a table of {shape}, got {value!r}")
    check_keys(value, cls, f"{key}.", what=what)
    return cls(**{**dataclasses.asdict(base), **value})


def _kind_values(key: str, base, value):
    return _table(key, KindValues, base, value, "a kind of agent", f"one value per kind ({', '.join(KIND_NAMES)})")


def _channels(key: str, base, value):
    if isinstance(value, dict) and "sponsored" in value:
        value = {**value, "sponsored": _table(f"{key}.sponsored", TierValues, base.sponsored, value["sponsored"],
                                              "an influencer tier", f"euros per tier ({', '.join(TIERS)})")}
    merged = _table(key, ChannelsConfig, base, value, "a channel", "euros per channel (ads, sponsored, boosted)")
    if isinstance(merged.sponsored, dict):                  # not overridden: asdict() flattened the base's
        merged.sponsored = TierValues(**merged.sponsored)
    return merged


def _slot(key: str, value):
    if isinstance(value, MessageSlot):
        return value
    if not isinstance(value, dict):
        raise ConfigError(key, f"must be a {{message, budget_share, delay_hours}} slot, got {value!r}")
    check_keys(value, MessageSlot, f"{key}.")
    return MessageSlot(**value)


def check_keys(data: dict, schema=None, prefix: str = "", what: str = "") -> None:
    """Raise ConfigError naming the first key of `data` (and of its nested tables) that the
    dataclass `schema` (default: Config) does not have: a typo is an error, not a silent
    default. Entries of `messages` are checked against MessageConfig; `comparison` entries
    are checked by validation (they are campaign overrides)."""
    schema = schema or Config
    hints = typing.get_type_hints(schema)
    for name, value in data.items():
        if name not in hints:
            close = difflib.get_close_matches(str(name), list(hints), n=1)
            where = prefix.rstrip(".") or "the configuration"
            raise ConfigError(f"{prefix}{name}", f"is not {what or 'a key of ' + where}"
                              + (f"; did you mean {close[0]}?" if close else f" (keys: {', '.join(hints)})"))
        if dataclasses.is_dataclass(hints[name]) and isinstance(value, dict):
            check_keys(value, hints[name], f"{prefix}{name}.")
        elif schema is Config and name == "messages" and isinstance(value, dict):
            for message, entry in value.items():
                if isinstance(entry, dict):
                    check_keys(entry, MessageConfig, f"messages.{message}.")


def message_names(cfg: Config) -> list[str]:
    return [cfg.message.name] + [k for k in cfg.messages if k != cfg.message.name]


def message_configs(cfg: Config) -> list[MessageConfig]:
    """The campaign's messages in model order: `message` first, then the extra `messages`."""
    return [cfg.message] + [mc for name, mc in cfg.messages.items() if name != cfg.message.name]

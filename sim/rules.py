"""The relay and adoption rule (README, "Relaying and adoption"), written once.

Small `@njit` functions used by the hour kernel (`sim.kernels`) and by the influence
estimator (`sim.influence`), and `Rules`, the record of every behavioural parameter
they read, built once per model from the configuration. The plain-Python reference
(`sim.reference`) does not call these functions: it evaluates the README's formulas on
its own, so a mistake here shows up as a difference between the two (and the
behavioural tests measure each factor against its closed form).
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import njit

from .kinds import KIND_NAMES


@njit(cache=True)
def source_tone(fully_promotional, promotional):
    """How promotional a post sounds: the message's tone, or 1 for brand accounts and ads."""
    return 1.0 if fully_promotional else promotional


@njit(cache=True)
def trust(credibility, scepticism, tone):
    """Trust in a source: its credibility, discounted by scepticism times promotional tone."""
    return credibility * (1.0 - scepticism * tone)


@njit(cache=True)
def disclosed_credibility(credibility, seeded_at, post_hour, penalty):
    """A sponsored post (its author was seeded by the post's hour) carries its #ad
    disclosure: readers trust its author `penalty` less."""
    if 0 <= seeded_at <= post_hour:
        return credibility * (1.0 - penalty)
    return credibility


@njit(cache=True)
def weighted(factor, weight):
    """A factor of the relay rule raised to its weight (1: the factor itself, exactly)."""
    return factor if weight == 1.0 else factor ** weight


@njit(cache=True)
def appeal(interest_w, relevance_w, trust_w):
    """How attractive one exposure is: conjunctive, near zero if any (weighted) factor is."""
    return interest_w * relevance_w * trust_w


@njit(cache=True)
def novelty_now(novelty, decay, age, wearout, exposures):
    """Novelty at `age` hours after launch for an agent with `exposures` earlier exposures."""
    return novelty * math.exp(-decay * age) * wearout ** float(exposures)


@njit(cache=True)
def relay_chance(relay_cap, appeal_, novelty_w):
    """P(relay) of one exposure: the receiver's cap x appeal x weighted novelty."""
    return relay_cap * appeal_ * novelty_w


@njit(cache=True)
def adoption_chance(adoption_prob, appeal_):
    """P(convinced) of one exposure (novelty plays no part in being convinced)."""
    return adoption_prob * appeal_


@njit(cache=True)
def engagement_chance(engagement, appeal_):
    """P(a like or a comment) of one exposure: a lighter reaction than a relay, novelty aside."""
    return engagement * appeal_


def reaction_table(decay: str, exponent: float, onset_minutes: float, window: int) -> np.ndarray:
    """table[d] = P(a follower's reaction delay to a post < d + 1 hours), d = 0..window-1.

    exponential: no delay (the follower reads the post the first hour it is online: 1s).
    power_law: the human reaction-time kernel of SEISMIC (Zhao et al. 2015), a density
    constant up to s0 = onset and proportional to (t / s0)^-(1 + theta) after, so
    P(delay < t) = theta t / ((1 + theta) s0) up to s0 and 1 - (t / s0)^-theta / (1 + theta) beyond.
    """
    if decay == "exponential":
        return np.ones(window)
    theta, s0 = float(exponent), float(onset_minutes) / 60.0
    t = np.arange(1, window + 1, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore"):
        tail = 1.0 - (t / s0) ** -theta / (1.0 + theta)
    return np.where(t <= s0, theta * t / ((1.0 + theta) * s0), tail)


# Every behavioural parameter, as the kernel and the estimator read it. Per message:
# interest, novelty, decay (per hour, ln 2 / half-life), wearout, tone (promotional),
# reaction (the reaction-delay table of `reaction_table`, one row per message).
# Per kind: relay_max (of the receiving agent), credibility (of the source), people (of
# the real market one agent stands for: engagements are counted in people).
Rules = namedtuple("Rules", [
    "interest", "novelty", "decay", "wearout", "tone", "reaction",
    "relay_max", "credibility", "people",
    "w_interest", "w_relevance", "w_novelty", "w_trust",
    "adoption_prob", "adoption_min_sources", "relayers_adopt", "engagement", "disclosure",
    "attention_window", "attention_limit", "talk_hours", "ad_notice", "ad_credibility", "contact_rate",
])


def rules_from_config(diffusion, messages, contact_rate: float, people: np.ndarray) -> Rules:
    """The record of `diffusion` (a DiffusionConfig) for `messages` (sim.message.Message);
    `people`: per kind, the people one agent stands for (sim.market)."""
    d = diffusion

    def per_message(attr):
        return np.array([getattr(m, attr) for m in messages], dtype=np.float64)
    return Rules(
        interest=per_message("interest"), novelty=per_message("novelty"), decay=per_message("decay"),
        wearout=per_message("wearout"), tone=per_message("promotional"),
        reaction=np.stack([reaction_table(m.reaction, m.reaction_exponent, m.reaction_onset_minutes,
                                          int(d.attention_window)) for m in messages]),
        relay_max=np.array([getattr(d.relay_max, k) for k in KIND_NAMES], dtype=np.float64),
        credibility=np.array([getattr(d.credibility, k) for k in KIND_NAMES], dtype=np.float64),
        people=np.asarray(people, dtype=np.float64),
        w_interest=float(d.weight_interest), w_relevance=float(d.weight_relevance),
        w_novelty=float(d.weight_novelty), w_trust=float(d.weight_trust),
        adoption_prob=float(d.adoption_prob), adoption_min_sources=int(d.adoption_min_sources),
        relayers_adopt=bool(d.relayers_adopt), engagement=float(d.engagement),
        disclosure=float(d.disclosure_penalty), attention_window=int(d.attention_window),
        attention_limit=int(d.attention_limit), talk_hours=int(d.talk_hours), ad_notice=float(d.ad_notice),
        ad_credibility=float(d.credibility.brand), contact_rate=float(contact_rate))

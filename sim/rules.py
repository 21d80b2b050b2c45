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


# Every behavioural parameter, as the kernel and the estimator read it. Per message:
# interest, novelty, decay (per hour, ln 2 / half-life), wearout, tone (promotional).
# Per kind: relay_max (of the receiving agent), credibility (of the source).
Rules = namedtuple("Rules", [
    "interest", "novelty", "decay", "wearout", "tone",
    "relay_max", "credibility",
    "w_interest", "w_relevance", "w_novelty", "w_trust",
    "adoption_prob", "adoption_min_sources", "relayers_adopt",
    "attention_window", "attention_limit", "talk_hours", "ad_notice", "ad_credibility", "contact_rate",
])


def rules_from_config(diffusion, messages, contact_rate: float) -> Rules:
    """The record of `diffusion` (a DiffusionConfig) for `messages` (sim.message.Message)."""
    d = diffusion

    def per_message(attr):
        return np.array([getattr(m, attr) for m in messages], dtype=np.float64)
    return Rules(
        interest=per_message("interest"), novelty=per_message("novelty"), decay=per_message("decay"),
        wearout=per_message("wearout"), tone=per_message("promotional"),
        relay_max=np.array([getattr(d.relay_max, k) for k in KIND_NAMES], dtype=np.float64),
        credibility=np.array([getattr(d.credibility, k) for k in KIND_NAMES], dtype=np.float64),
        w_interest=float(d.weight_interest), w_relevance=float(d.weight_relevance),
        w_novelty=float(d.weight_novelty), w_trust=float(d.weight_trust),
        adoption_prob=float(d.adoption_prob), adoption_min_sources=int(d.adoption_min_sources),
        relayers_adopt=bool(d.relayers_adopt), attention_window=int(d.attention_window),
        attention_limit=int(d.attention_limit), talk_hours=int(d.talk_hours), ad_notice=float(d.ad_notice),
        ad_credibility=float(d.credibility.brand), contact_rate=float(contact_rate))

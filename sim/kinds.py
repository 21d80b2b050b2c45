"""The registry of agent kinds: everything the code needs to know about a kind, in one place.

A kind's id is its value in `population.kind`; its name is its key in the per-kind
config tables (`diffusion.relay_max.<name>`, `campaign.seed_fee_fixed.<name>`, ...),
whose defaults are read from here. Metrics, figures and the kernel's per-kind counts
are sized by `len(KINDS)`, so a new kind is one entry below (plus its Mesa class in
`sim/agents.py` and, for a generated world, where its agents come from).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Kind:
    name: str                 # config key and label ("consumer")
    id: int                   # value in population.kind
    agent_class: str          # Mesa class in sim.agents
    colour: str               # figures (Okabe-Ito)
    relay_max: float          # default cap on the relay probability of an agent of this kind
    credibility: float        # default trust in this kind as a source
    fee_fixed: float          # default fee of one sponsored post (euros) ...
    fee_per_follower: float   # ... plus this per follower
    fully_promotional: bool   # its posts count as fully promotional (tone 1), whatever the message
    sponsorable: bool         # can be sponsored (campaign.pool=all)
    in_reach: bool            # counts in the reach metric


KINDS: tuple[Kind, ...] = (
    # sponsored-post fees: 10 euros + 0.01 per follower, the "$100 per 10,000 followers" rule
    # of thumb with the $10 bottom of nano rates (Shopify, "Influencer pricing", 2023), $ = EUR
    Kind("consumer", 0, "Consumer", "#0072B2", relay_max=0.1, credibility=0.8, fee_fixed=10.0,
         fee_per_follower=0.01, fully_promotional=False, sponsorable=True, in_reach=True),
    Kind("blogger", 1, "Blogger", "#E69F00", relay_max=0.5, credibility=0.9, fee_fixed=10.0,
         fee_per_follower=0.01, fully_promotional=False, sponsorable=True, in_reach=True),
    Kind("brand", 2, "BrandAccount", "#D55E00", relay_max=0.0, credibility=0.5, fee_fixed=0.0,
         fee_per_follower=0.0, fully_promotional=True, sponsorable=False, in_reach=False),
)
assert [k.id for k in KINDS] == list(range(len(KINDS))), "kind ids must be 0..len(KINDS)-1 in order"

N_KINDS = len(KINDS)
KIND_NAMES = tuple(k.name for k in KINDS)
BY_NAME = {k.name: k for k in KINDS}
CONSUMER, BLOGGER, BRAND = (BY_NAME[name].id for name in ("consumer", "blogger", "brand"))


def per_kind(attribute: str, dtype=np.float64) -> np.ndarray:
    """One value of a Kind attribute per kind id, e.g. per_kind("fully_promotional", bool)."""
    return np.array([getattr(k, attribute) for k in KINDS], dtype=dtype)


def pools() -> dict[str, tuple[int, ...]]:
    """Who can be sponsored (campaign.pool): every sponsorable kind, or one of them ("bloggers")."""
    sponsorable = tuple(k.id for k in KINDS if k.sponsorable)
    return {"all": sponsorable, **{f"{KINDS[i].name}s": (i,) for i in sponsorable}}

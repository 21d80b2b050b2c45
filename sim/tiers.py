"""Influencer tiers: follower-count bands on the real platform (nano, micro, macro, mega).

Bands as in Iconosquare's Influencer Marketing Report (2020): nano up to 10,000 followers,
micro 10,000 to 100,000, macro 100,000 to 1 million, mega 1 million and more. An account's
tier sets the channel budget that can sponsor it (`campaign.channels.sponsored.<tier>`),
the trust its followers give it (`diffusion.tier_trust`, calibrated to published
engagement rates) and the rows of `tiers.csv`.
"""
from __future__ import annotations

import numpy as np

TIERS = ("nano", "micro", "macro", "mega")
LOWER_BOUNDS = (0, 10_000, 100_000, 1_000_000)       # followers (Iconosquare 2020)


def tier_of(followers) -> np.ndarray:
    """Tier index (0 nano .. 3 mega) of each follower count (real-platform followers)."""
    return np.searchsorted(np.asarray(LOWER_BOUNDS[1:], dtype=np.float64), np.asarray(followers, dtype=np.float64),
                           side="right").astype(np.int8)


def band(tier: int) -> str:
    """'10,000-100,000 followers' for micro."""
    low = LOWER_BOUNDS[tier]
    if tier + 1 < len(TIERS):
        return f"{low:,}-{LOWER_BOUNDS[tier + 1]:,} followers"
    return f"{low:,}+ followers"

"""Numbers and names for people who read reports: no scientific notation, thousands
separators, metric names in words with their units. One place, used by the HTML and the
PDF report alike."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

# metric (or column) -> words with the unit
LABELS = {
    "reach": "reach (people)", "useful_reach": "useful reach (people in the target)",
    "relays": "relays (posts)", "adoptions": "adoptions (people)",
    "useful_adoptions": "useful adoptions (people in the target)", "seeded": "seeded accounts",
    "impressions": "paid impressions", "exposures": "exposures (posts seen)", "missed_posts": "posts missed",
    "posts": "posts", "engagements": "likes and comments", "spent": "spent (EUR)",
    "frequency": "frequency (exposures per person reached)", "share_rate": "share rate (relays per exposure)",
    "cost_per_engagement": "cost per like or comment (EUR)", "cost_per_adoption": "cost per adoption (EUR)",
    "useful_reach_per_euro": "useful reach per euro (people)",
    "amplification_per_seed": "relays per seeded account",
    "amplification_per_1000_impressions": "relays per 1,000 paid impressions",
    "cost_per_useful_contact": "cost per useful contact (EUR)", "time_to_half_reach": "hours to half the reach",
    "peak_hour": "busiest hour (hours after launch)", "cascade_depth_max": "deepest relay chain (steps)",
    "cascade_depth_mean": "mean relay chain depth (steps)", "organic_relay_share": "organic share of relays",
    "largest_relay_tree": "largest relay tree (relays)", "agents_relaying_to_k": "accounts relaying to k people",
    "metric": "metric", "mean": "mean", "ci95_low": "95% interval from", "ci95_high": "95% interval to",
    "followers_in_target": "followers in the target", "cost": "cost (EUR)",
    "influence_per_euro": "influence per euro", "accounts_posting": "accounts posting",
    "engagement_rate": "engagement rate (per follower per post)",
    "engagement_rate_ci95_low": "engagement rate: 95% from", "engagement_rate_ci95_high": "engagement rate: 95% to",
    "spent_sponsored": "spent on sponsored posts (EUR)", "sponsored": "sponsored accounts",
    "relayed": "relayers (people)", "adopted": "adopters (people)",
}


def counted(n, noun: str) -> str:
    """'1 replicate', '3 replicates', '1,200 trials': a count and its noun in the right
    number (a count that is not a number, such as '?', takes the plural)."""
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
    return f"{n} {noun}s"


def label(name) -> str:
    """A metric's or column's name in words (names without a label: underscores become spaces)."""
    if not isinstance(name, str):
        return str(name)
    for suffix, words in (("_mean", ""), ("_ci95_low", ": 95% from"), ("_ci95_high", ": 95% to")):
        if name.endswith(suffix) and name[: -len(suffix)] in LABELS:
            return LABELS[name[: -len(suffix)]] + words
    return LABELS.get(name, name.replace("_", " "))


def number(v) -> str:
    """A number as people read it: 1,234,567; 12.35; 0.0042; never 1.2e+03."""
    if v is None or isinstance(v, bool):
        return str(v)
    v = float(v)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "infinite" if v > 0 else "-infinite"
    a = abs(v)
    if a >= 100 or v == int(v) and a < 1e15:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    decimals = min(8, 1 - math.floor(math.log10(a)))          # two significant digits
    return f"{v:.{decimals}f}"


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text: columns and metric names in words, numbers formatted."""
    def cell(v):
        if isinstance(v, (float, int, np.floating, np.integer)) and not isinstance(v, bool):
            return number(v)
        return label(v) if isinstance(v, str) and v in LABELS else ("" if v is None else str(v))
    out = table.map(cell) if hasattr(table, "map") else table.applymap(cell)
    out.columns = [label(c) for c in table.columns]
    return out

"""Make the synthetic example pair: accounts.csv and follows.csv.gz.

A made-up cooking market: 3,000 consumers (@fan0001 ...), 24 food bloggers from nano to
mega by their real-platform follower counts, and the brand's own account @brand. Consumers
follow each other (mostly inside their own circle) and follow bloggers in proportion to the
square root of the bloggers' real audiences; a few bloggers follow each other. Some rows of
accounts.csv leave followers, topics, fees or tiers empty to show the documented defaults.

    python experiments/example_market/make_example.py     # rewrites the two files beside it

Every handle and number is invented; the script is deterministic (seed 2027).
"""
from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CONSUMERS = 3_000
CIRCLES = 6                  # consumers follow mostly inside their own circle
FOLLOWS_MEAN = 12            # consumers a consumer follows, on average
IN_CIRCLE = 0.8
# handle, real followers, topics, fee per post in euros ('' = the fee model's default), tier
BLOGGERS = [
    ("@anna_cooks", 4_800, "0", "", ""), ("@vegan_vic", 7_100, "1", "60", ""),
    ("@bread_ben", 2_300, "0;2", "", ""), ("@soup_sara", 9_400, "3", "", ""),
    ("@chef_lou", 6_000, "", "", ""), ("@spice_sam", 3_900, "4", "45", ""),
    ("@home_baker", 14_500, "2", "", ""), ("@green_gus", 22_000, "1", "260", ""),
    ("@pasta_paola", 38_000, "0", "", ""), ("@quick_meals", 51_000, "5", "", ""),
    ("@kitchen_kim", 64_000, "0;5", "700", ""), ("@fit_food_fay", 27_000, "6", "", ""),
    ("@street_eats", 83_000, "7", "", ""), ("@brunch_bea", 17_500, "3", "", ""),
    ("@budget_bites", 45_000, "5", "", ""), ("@dessert_dan", 11_000, "2", "", "micro"),
    ("@mama_recipes", 140_000, "0", "", ""), ("@grill_master", 260_000, "7", "2600", ""),
    ("@veggie_world", 410_000, "1", "", ""), ("@cooking_daily", 730_000, "0;3", "", ""),
    ("@foodie_max", 190_000, "4", "", ""), ("@plate_art", 95_000, "6", "", "macro"),
    ("@tv_chef_tom", 1_600_000, "0", "", ""), ("@world_kitchen", 3_200_000, "", "25000", ""),
]
BRAND = "@brand"
BRAND_FAN_SHARE = 0.08


def follows(rng: np.random.Generator) -> list[tuple[str, str]]:
    """(follower, followed) rows: consumer-consumer, consumer-blogger, blogger-blogger, fans-brand."""
    fans = [f"@fan{i:04d}" for i in range(1, CONSUMERS + 1)]
    circle = rng.integers(0, CIRCLES, CONSUMERS)
    popularity = rng.pareto(2.0, CONSUMERS) + 1.0
    rows = []
    for i in range(CONSUMERS):
        k = rng.poisson(FOLLOWS_MEAN)
        inside = np.flatnonzero(circle == circle[i])
        pool = np.where(rng.random(k) < IN_CIRCLE, rng.choice(inside, k, p=popularity[inside] / popularity[inside].sum()),
                        rng.choice(CONSUMERS, k, p=popularity / popularity.sum()))
        rows += [(fans[i], fans[j]) for j in pool if j != i]
    audience = np.sqrt([b[1] for b in BLOGGERS])
    share = 0.03 * audience / audience.mean()                   # share of consumers following each blogger
    for b, s in zip(BLOGGERS, share):
        rows += [(fans[i], b[0]) for i in np.flatnonzero(rng.random(CONSUMERS) < min(s, 0.5))]
    for b in BLOGGERS:
        rows += [(b[0], BLOGGERS[j][0]) for j in rng.choice(len(BLOGGERS), 3, replace=False) if BLOGGERS[j] != b]
    rows += [(fans[i], BRAND) for i in np.flatnonzero(rng.random(CONSUMERS) < BRAND_FAN_SHARE)]
    rows += [(BRAND, b[0]) for b in BLOGGERS[:5]]
    return rows


def write(folder: Path = HERE) -> tuple[Path, Path]:
    rng = np.random.default_rng(2027)
    accounts = folder / "accounts.csv"
    with accounts.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["handle", "kind", "followers", "topics", "fee_per_post", "tier"])
        out.writerow([BRAND, "brand", 52_000, "", "", ""])
        for handle, followers, topics, fee, tier in BLOGGERS:
            out.writerow([handle, "blogger", followers, topics, fee, tier])
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(["follower", "followed"])
    out.writerows(follows(rng))
    export = folder / "follows.csv.gz"
    export.write_bytes(gzip.compress(text.getvalue().encode(), mtime=0))
    return accounts, export


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path} "
              f"({path.stat().st_size:,} bytes)")

"""Where does the #ad disclosure penalty flip targeted-vs-mass? (README, "Disclosure")

On the default market (configs/) at its EUR 50,000 budget, for disclosure penalties from
0 to 0.9: mass (ads only), targeted (sponsored posts only, greedy seeding) and the
default channels plan, paired on the same worlds and random numbers. For each penalty,
the paired difference targeted - mass in useful reach (people in the target reached) with
its 95% interval, and the verdict: a winner only when the interval excludes zero.

    .venv/bin/python experiments/disclosure/sweep.py [--replicates 20] [--out DIR]

Writes disclosure_sweep.csv and disclosure_sweep.png beside this script (or in --out).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hydra import compose, initialize_config_dir  # noqa: E402

from sim.headlines import t_interval  # noqa: E402
from sim.population import build_world  # noqa: E402
from sim.results import simulate  # noqa: E402
from sim.run import CONFIG_DIR, to_config  # noqa: E402

# people in the target reached, and those who adopted (trust matters to being convinced, not to seeing a post)
METRICS = {"useful_reach": "people in the target reached", "useful_adoptions": "people in the target who adopted"}
PENALTIES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
PLANS = {"mass": ["campaign=mass"], "targeted": ["campaign=targeted", "campaign.strategy=greedy"],
         "channels": []}


def config(*overrides):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def verdict(low: float, high: float) -> str:
    if low > 0:
        return "targeted wins"
    if high < 0:
        return "mass wins"
    return "not distinguishable"


def sweep(replicates: int) -> pd.DataFrame:
    common = [f"run.replicates={replicates}", "run.report=false", "run.influencers=false", "run.plot=false"]
    world = build_world(config(*common))
    rows = []
    for k, penalty in enumerate(PENALTIES, start=1):
        results = {}
        for plan, overrides in PLANS.items():
            cfg = config(*common, *overrides, f"diffusion.disclosure_penalty={penalty}")
            results[plan] = simulate(cfg, world=world, progress=lambda line: None)
        for metric in METRICS:
            finals = {plan: r.final(metric) for plan, r in results.items()}
            m, low, high, _ = t_interval(finals["targeted"] - finals["mass"])
            cm, clow, chigh, _ = t_interval(finals["channels"] - finals["mass"])
            rows.append({"disclosure_penalty": penalty, "metric": metric,
                         **{plan: float(v.mean()) for plan, v in finals.items()},
                         "targeted_minus_mass": m, "ci95_low": low, "ci95_high": high, "verdict": verdict(low, high),
                         "channels_minus_mass": cm, "channels_ci95_low": clow, "channels_ci95_high": chigh,
                         "channels_verdict": verdict(clow, chigh).replace("targeted", "channels")})
            print(f"[disclosure] {k}/{len(PENALTIES)} penalty {penalty:.1f}, {metric}: targeted - mass {m:,.0f} "
                  f"[{low:,.0f}, {high:,.0f}] ({rows[-1]['verdict']})", flush=True)
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, replicates: int, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.figures import OKABE_ITO
    fig, axes = plt.subplots(1, len(METRICS), figsize=(12, 4.8), dpi=110)
    for ax, (metric, words) in zip(axes, METRICS.items()):
        part = table[table.metric == metric]
        x = part.disclosure_penalty
        for column, low, high, label, colour in (
                ("targeted_minus_mass", "ci95_low", "ci95_high", "targeted (greedy) - mass", OKABE_ITO[0]),
                ("channels_minus_mass", "channels_ci95_low", "channels_ci95_high", "channels plan - mass",
                 OKABE_ITO[2])):
            ax.plot(x, part[column] / 1000, "o-", color=colour, label=label)
            ax.fill_between(x, part[low] / 1000, part[high] / 1000, color=colour, alpha=0.25)
        ax.axhline(0, color="black", lw=0.8)
        flips = part[part.verdict != "targeted wins"]
        if len(flips):
            ax.axvline(flips.disclosure_penalty.iloc[0], color=OKABE_ITO[5], ls="--",
                       label=f"targeted no longer wins from {flips.disclosure_penalty.iloc[0]:g}")
        ax.set(xlabel="Disclosure penalty (trust lost by a post marked #ad)",
               ylabel=f"Extra {words}\n(thousands, vs ads only)", title=words.capitalize())
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Targeted vs mass at EUR 50,000 as the #ad penalty grows (default market, {replicates} paired "
                 "replicates, 95% intervals; default penalty 0.1 is an assumption)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=20)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    table = sweep(args.replicates)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "disclosure_sweep.csv", index=False, float_format="%.6g")
    figure(table, args.replicates, args.out / "disclosure_sweep.png")
    print(f"[disclosure] wrote {args.out / 'disclosure_sweep.csv'} and disclosure_sweep.png in "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does the optimizer beat random search? (issue 15)

For each of 5 seeds, `sim.optimize`'s TPE search and random search get the same number
of trials (so the same number of simulations) over the default levers
(configs/optimize/default.yaml) on the default world; each one's best plan is then
re-simulated on the same 40 fresh replicates (common random numbers) and the two are
compared by the paired difference of useful reach.

    .venv/bin/python experiments/optimize_vs_random/compare.py [--trials 60] [--replicates 5] [--small]

Prints a table and the count of seeds where TPE's best plan is at least as good (by the
mean over the 40 replicates); the criterion of issue 15 is at least 4 of 5.
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def compare(trials: int, replicates: int, small: bool, seeds=range(5), confirm: int = 40):
    from sim.campaign import budget_of
    from sim.command_line import composed
    from sim.optimizing import Search, check_choices, check_levers, evaluate, paired_verdict, run_study, top_plans
    from sim.population import build_world
    cfg = composed(*(["population=small"] if small else []), "run.report=false", "run.influencers=false")
    cfg.optimize.trials, cfg.optimize.replicates = trials, replicates
    levers = check_levers(cfg, cfg.optimize.levers)
    budget = budget_of(cfg.campaign)
    world, cache = build_world(cfg), {}
    fresh = copy.deepcopy(cfg)
    fresh.run.seed = cfg.run.seed + 1000                  # confirmation streams the searches never saw
    rows = []
    for seed in seeds:
        best = {}
        for sampler in ("tpe", "random"):
            c = copy.deepcopy(cfg)
            c.optimize.sampler, c.optimize.seed = sampler, seed
            search = Search(c, world, levers, budget, check_choices(c, c.optimize.choices), cache=cache)
            study = run_study(search, None)
            values = top_plans(study, 1)[0]["values"]
            best[sampler] = evaluate(fresh, world, cache, values, cfg.optimize.objective, confirm)
        diff, text = paired_verdict(best["tpe"], best["random"], cfg.optimize.objective, ("TPE", "random search"))
        rows.append((seed, best["tpe"].mean(), best["random"].mean(), diff, text))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--replicates", type=int, default=5)
    ap.add_argument("--small", action="store_true", help="population=small (what the test does)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    rows = compare(args.trials, args.replicates, args.small)
    print(f"TPE against random search, {args.trials} trials x {args.replicates} replicates each, best plans "
          "re-simulated on 40 fresh common replicates (useful reach)")
    print("| seed | TPE's best | random's best | paired difference (95% interval) | verdict |")
    print("|------|------------|---------------|----------------------------------|---------|")
    for seed, tpe, rnd, diff, text in rows:
        print(f"| {seed} | {tpe:,.0f} | {rnd:,.0f} | {diff['mean']:+,.0f} ({diff['ci95'][0]:+,.0f} to "
              f"{diff['ci95'][1]:+,.0f}) | {text.split(' (')[0]} |")
    wins = sum(tpe >= rnd for _, tpe, rnd, _, _ in rows)
    print(f"TPE's best at least as good as random search's in {wins} of {len(rows)} seeds "
          f"({time.perf_counter() - start:.0f} s)")
    return 0 if wins >= 4 else 1


if __name__ == "__main__":
    sys.exit(main())

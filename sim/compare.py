"""Campaign comparisons: several campaign variants on one world, at the same budget.

Every scenario runs on the same population and network with the same random streams
(common random numbers), so the differences between rows are the strategies', not
noise. Writes one folder per scenario, `comparison.csv` (one row per scenario, every
metric's mean and 95% interval), `comparison.png` and a top-level `summary.json`.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .campaign import budget_of, plan_of
from .config import Config, campaign_with
from .intervals import interval
from .metrics import FINALS
from .population import build_world
from .results import diffusion_figure, simulate, timeseries, write_atomic, write_figure, write_json, write_outputs

log = logging.getLogger("sim")


def scenario_configs(cfg: Config) -> dict[str, Config]:
    out = {}
    for name, overrides in cfg.comparison.items():
        campaign = campaign_with(cfg.campaign, {"name": name, **dict(overrides)})
        out[name] = replace(cfg, campaign=campaign, comparison={})
    return out


def comparison_table(results: dict) -> pd.DataFrame:
    rows = []
    for name, result in results.items():
        c, plan = result.cfg.campaign, plan_of(result.cfg)
        row = {"scenario": name, "kind": c.kind,
               "strategy": c.strategy if plan.uses_strategy else "",
               "budget": budget_of(c) if plan.budgeted else 0.0,
               "replicates": result.replicates}
        for metric in FINALS:
            iv = interval(result.final(metric))
            row[f"{metric}_mean"] = iv["mean"]
            row[f"{metric}_ci95_low"] = iv["ci95"][0]
            row[f"{metric}_ci95_high"] = iv["ci95"][1]
        rows.append(row)
    table = pd.DataFrame(rows)
    table.insert(1, "rank_useful_reach", table["useful_reach_mean"].rank(ascending=False, method="min").astype(int))
    return table


def run_comparison(cfg: Config, outdir: str | Path) -> dict:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    world, cache = build_world(cfg), {}
    results, files = {}, {}
    configs = scenario_configs(cfg)
    for k, (name, scfg) in enumerate(configs.items(), start=1):
        log.info(f"scenario {k}/{len(configs)}: {name}")
        results[name] = simulate(scfg, world=world, cache=cache, progress=log.debug)
        write_outputs(results[name], outdir / name, plot=cfg.run.plot)
        r = results[name]
        log.info(f"  {name}: useful reach {r.final('useful_reach').mean():,.0f}, "
                 f"spent {r.final('spent').mean():,.2f}")
    table = comparison_table(results)
    files["comparison"] = write_atomic(outdir / "comparison.csv", lambda tmp: table.to_csv(tmp, index=False))
    if cfg.run.plot:
        series = {name: timeseries(result) for name, result in results.items()}
        files["chart"] = write_figure(outdir / "comparison.png", *diffusion_figure(
            series, next(iter(results.values())), " Scenarios share random streams (paired)."))
    best = table.sort_values("useful_reach_mean", ascending=False).iloc[0]
    summary = {"comparison": json.loads(table.to_json(orient="records")), "best_useful_reach": best["scenario"],
               "budget": budget_of(cfg.campaign), "replicates": cfg.run.replicates, "seed": cfg.run.seed}
    files["summary"] = write_json(outdir / "summary.json", summary)
    return {"table": table, "results": results, "files": files, "summary": summary}

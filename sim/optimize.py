"""Command line: `python -m sim.optimize [optimize=default] [optimize.trials=200] [overrides]`.

Searches the plan's levers (`optimize.levers`, `sim.optimizing`) for the best value of
`optimize.objective` under the campaign's budget with Optuna (TPE, or random search),
then confirms the best `optimize.top` plans and the hand-written plans of
`optimize.against` on `optimize.confirm_replicates` common random streams. Writes into the
run folder: `study.journal` (Optuna's; rerunning the same command continues it),
`best_plan.yaml` (`python -m sim.run plan=best_plan.yaml` runs it), `optimize.json`,
`trials.csv` and `report.html` / `report.pdf` with the search history and the plans.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .command_line import CONFIG_DIR, fail, launch, to_config
from .errors import ConfigError, DataError

log = logging.getLogger("sim")


def cheapest_option(cfg, world, levers) -> float:
    """Euros of the cheapest thing a levered channel can buy: one paid impression (which
    reaches population.scale people), or one sponsored post."""
    from .kinds import BRAND
    from .model import InfluenceModel
    prices = []
    if any(lv.share and not lv.name.endswith(tuple(f"sponsored.{t}" for t in ("nano", "micro", "macro", "mega")))
           for lv in levers):
        prices.append(cfg.campaign.cpm / 1000.0 * cfg.population.scale)
    if any(".sponsored." in lv.name for lv in levers if lv.share):
        model = InfluenceModel(cfg, world=world, actions=[])
        costs = model.seed_costs[model.population.kind != BRAND]
        model.release()
        prices.append(float(costs[costs > 0].min()) if (costs > 0).any() else 0.0)
    return min(prices) if prices else 0.0


def confirm(cfg, world, cache, plans: list[dict], budget: float) -> dict:
    """name -> the objective per replicate on confirm_replicates common streams the search
    never saw (run.seed + 1000: a plan chosen for its luck on the search's streams gets no
    credit for it)."""
    import copy

    from .optimizing import evaluate, scenario
    from .results import simulate
    o = cfg.optimize
    cfg = copy.deepcopy(cfg)
    cfg.run.seed += 1000
    out = {f"plan {k + 1} (trial {p['trial']})": evaluate(cfg, world, cache, p["values"], o.objective,
                                                           o.confirm_replicates) for k, p in enumerate(plans)}
    for name, overrides in o.against.items():
        c = scenario(cfg, overrides, budget)
        c.run.replicates = o.confirm_replicates
        out[name] = simulate(c, world=world, cache=cache, progress=lambda line: None).final(o.objective)
    return out


def summarise(cfg, plans, finals, budget) -> dict:
    from .intervals import interval
    from .optimizing import better, paired_verdict
    o = cfg.optimize
    sign = better(o.objective)
    found = [name for name in finals if name.startswith("plan ")]
    ranked = sorted(found, key=lambda n: -sign * finals[n].mean())
    best, runner = ranked[0], ranked[1] if len(ranked) > 1 else None
    hand = sorted(o.against, key=lambda n: -sign * finals[n].mean())
    out = {"objective": o.objective, "budget_eur": budget, "trials": o.trials, "replicates": o.replicates,
           "confirm_replicates": o.confirm_replicates,
           "plans": [{"name": n, **interval(finals[n]),
                      "values": plans[found.index(n)]["values"] if n in found else dict(o.against[n])}
                     for n in ranked + hand],
           "best": best}
    if runner:
        out["best_vs_runner_up"], out["runner_up_sentence"] = paired_verdict(finals[best], finals[runner],
                                                                             o.objective, (best, runner))
    if hand:
        out["best_hand_written"] = hand[0]
        out["best_vs_hand_written"], out["hand_written_sentence"] = paired_verdict(
            finals[best], finals[hand[0]], o.objective, (f"the optimizer's {best}", hand[0]))
    return out


def write_outputs(outdir: Path, cfg, study, summary: dict) -> None:
    best = next(p for p in summary["plans"] if p["name"] == summary["best"])
    lines = [f"# written by python -m sim.optimize on {datetime.now():%Y-%m-%d %H:%M}: the best plan for "
             f"{summary['objective']} at EUR {summary['budget_eur']:,.0f}",
             "# use with python -m sim.run plan=<this file>"]
    lines += [f"{k}: {v:.6g}" if isinstance(v, float) else f"{k}: {v}" for k, v in best["values"].items()]
    (outdir / "best_plan.yaml").write_text("\n".join(lines) + "\n")
    (outdir / "optimize.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
    study.trials_dataframe().to_csv(outdir / "trials.csv", index=False)


def figures(study, s: dict) -> list:
    """(name, title, caption, figure): the search history and the confirmed plans."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .figures import OKABE_ITO
    from .optimizing import better
    frame = study.trials_dataframe()
    frame = frame[frame.state == "COMPLETE"]
    fig, ax = plt.subplots(figsize=(7.5, 4))
    ax.plot(frame.number, frame.value, "o", ms=3, color=OKABE_ITO[0], alpha=0.6, label="a trial's plan")
    running = frame.value.cummax() if better(s["objective"]) > 0 else frame.value.cummin()
    ax.plot(frame.number, running, color=OKABE_ITO[1], label="best so far")
    ax.set(xlabel="trial", ylabel=f"{s['objective']} (mean of {s['replicates']} replicates)",
           title=f"Search history ({len(frame)} trials)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = [("search", "How the search went", "Each trial's plan (its mean over the search's replicates) and the "
            "best so far.", fig)]
    plans = s["plans"]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(plans) + 1.2))
    y = np.arange(len(plans))[::-1]
    means = np.array([p["mean"] for p in plans])
    errors = np.array([[p["mean"] - p["ci95"][0], p["ci95"][1] - p["mean"]] for p in plans]).T
    colours = [OKABE_ITO[0] if p["name"].startswith("plan ") else OKABE_ITO[2] for p in plans]
    ax.barh(y, means, xerr=errors, color=colours, capsize=3)
    ax.set_yticks(y, [p["name"] for p in plans], fontsize=8)
    ax.set(xlabel=f"{s['objective']} (mean and 95% interval, {s['confirm_replicates']} common replicates)",
           title="Plans found (blue) and hand-written (green) at the same budget")
    fig.tight_layout()
    out.append(("plans", "The best plans found against the hand-written ones", "Each plan on the same random "
                "streams; a winner is named in the headline only when the paired difference's interval excludes 0.",
                fig))
    return out


def write_report(outdir: Path, study, s: dict) -> None:
    from .report import Report, hydra_files, write_report as write_page
    table = pd.DataFrame([{"plan": p["name"], "mean": p["mean"], "95% from": p["ci95"][0], "95% to": p["ci95"][1],
                           **{k.removeprefix("campaign.channels."): v for k, v in p["values"].items()
                              if isinstance(v, (int, float))}} for p in s["plans"]])
    rep = Report(outdir, "optimization", headline=" ".join(headline(s)), figures=figures(study, s), table=table,
                 table_title=f"Plans ({s['objective']}; euros per channel for the plans found)")
    rep.config, rep.command = hydra_files(outdir, entry="sim.optimize")
    write_page(rep)


def headline(s: dict) -> list[str]:
    best = next(p for p in s["plans"] if p["name"] == s["best"])
    money = ", ".join(f"{k.removeprefix('campaign.channels.')} EUR {v:,.0f}" if k.startswith("campaign.channels.")
                      else f"{k} {v}" if isinstance(v, str) else f"{k} {v:g}" for k, v in best["values"].items() if v)
    out = [f"Best plan for {s['objective']} at EUR {s['budget_eur']:,.0f} ({s['trials']} trials x {s['replicates']} "
           f"replicates): {money}: {best['mean']:,.0f} (95% interval {best['ci95'][0]:,.0f} to {best['ci95'][1]:,.0f}, "
           f"{s['confirm_replicates']} replicates)."]
    if "runner_up_sentence" in s:
        out.append(f"Against the runner-up: {s['runner_up_sentence']}.")
    if "hand_written_sentence" in s:
        hand = next(p for p in s["plans"] if p["name"] == s["best_hand_written"])
        out.append(f"Best hand-written plan: {hand['name']}, {hand['mean']:,.0f} (95% interval {hand['ci95'][0]:,.0f} to "
                   f"{hand['ci95'][1]:,.0f}); {s['hand_written_sentence']}.")
    return out


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .campaign import budget_of
    from .optimizing import check_choices, check_levers, run_study, top_plans
    from .population import build_world
    start = time.perf_counter()
    try:
        cfg = to_config(dcfg)
        levers = check_levers(cfg, cfg.optimize.levers)
        choices = check_choices(cfg, cfg.optimize.choices)
        budget = budget_of(cfg.campaign)
        world, cache = build_world(cfg), {}
        cheapest = cheapest_option(cfg, world, levers)
        if budget <= 0 or budget < cheapest:
            raise ConfigError("campaign.channels", f"the budget EUR {budget:,.2f} (the channels' total) is below the "
                              f"cheapest option of the levers, EUR {cheapest:,.2f}")
        outdir = Path(HydraConfig.get().runtime.output_dir)
        log.info(f"optimizing {cfg.optimize.objective} at EUR {budget:,.0f} over {', '.join([lv.name for lv in levers] + list(choices))}: "
                 f"{cfg.optimize.trials} trials x {cfg.optimize.replicates} replicates ({cfg.optimize.sampler})")
        study = run_study(cfg, world, cache, levers, budget, str(outdir / "study.journal"), log=log.info,
                          choices=choices)
    except (ConfigError, DataError) as err:
        fail(str(err))
    plans = top_plans(study, cfg.optimize.top)
    log.info(f"confirming the best {len(plans)} plans and {len(cfg.optimize.against)} hand-written ones on "
             f"{cfg.optimize.confirm_replicates} replicates")
    summary = summarise(cfg, plans, confirm(cfg, world, cache, plans, budget), budget)
    write_outputs(outdir, cfg, study, summary)
    write_report(outdir, study, summary)
    print("\n".join(headline(summary)))
    print(f"influsim: optimized in {time.perf_counter() - start:.0f} s: {outdir / 'best_plan.yaml'}, optimize.json, "
          "trials.csv, study.journal, report.html")


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.optimize [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()

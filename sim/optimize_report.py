"""What `python -m sim.optimize` says: the confirmed plans ranked with intervals, verdicts
that name a winner only when the paired interval excludes zero, and its files and figures.

Without unknowns and with the mean, a plan's interval and a verdict are Student t
intervals over the common replicates (`headlines.t_interval`). With draws of the
unknowns, or a robust statistic, they are paired bootstrap intervals over draws and
replicates (`sim.robust`).
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .formats import counted
from .inference import plan_lines


def _label(o, metric: str) -> str:
    return metric if o.statistic == "mean" else f"{o.statistic} of {metric}"


def score_metrics(o, found: dict, robust: bool) -> dict:
    """metric -> (statistic per plan, bootstrap per plan or None)."""
    from .optimizing import better, objectives_of
    from .robust import bootstrap, observed
    out = {}
    for m in objectives_of(o):
        outs = {n: found[n][m] for n in found}
        out[m] = (observed(outs, o.statistic, better(m)),
                  bootstrap(outs, o.statistic, better(m), seed=o.seed) if robust else None)
    return out


def plan_entry(o, name, values, found, scores, robust) -> dict:
    from .intervals import interval
    from .optimizing import objectives_of
    by = {}
    for m in objectives_of(o):
        point, boot = scores[m]
        value_ci = [float(x) for x in np.percentile(boot[name], [2.5, 97.5])] if robust else \
            interval(found[name][m].ravel())["ci95"]
        by[m] = {**interval(found[name][m].ravel()), "value": point[name], "value_ci95": value_ci}
    first = by[objectives_of(o)[0]]
    return {"name": name, "mean": first["mean"], "ci95": first["ci95"], "value": first["value"],
            "value_ci95": first["value_ci95"], "values": values, "by_metric": by}


def verdict(o, found, scores, metric, a, b, names, robust):
    from .optimizing import better, paired_verdict
    from .robust import robust_verdict
    if not robust:
        return paired_verdict(found[a][metric].ravel(), found[b][metric].ravel(), metric, names)
    point, boot = scores[metric]
    return robust_verdict(boot, point, a, b, o.statistic, better(metric), metric, names)


def summarise(cfg, plans, found: dict, budget: float, unknowns=None) -> dict:
    """The plans found (`plans`) and the hand-written ones, each with its outcomes `found`
    (name -> metric -> draws x replicates), ranked, with verdicts."""
    from .optimizing import better, objectives_of
    from .robust import direction
    o = cfg.optimize
    metrics = objectives_of(o)
    robust = unknowns is not None or o.statistic != "mean"
    scores = score_metrics(o, found, robust)
    point = scores[metrics[0]][0]
    sign = direction(o.statistic, better(metrics[0]))
    mine = [n for n in found if n.startswith("plan ")]
    ranked = sorted(mine, key=lambda n: -sign * point[n])
    hand = sorted(o.against, key=lambda n: -sign * point[n])
    out = {"objective": metrics[0], "objectives": metrics, "statistic": o.statistic, "budget_eur": budget,
           "trials": o.trials, "replicates": o.replicates, "confirm_replicates": o.confirm_replicates,
           "draws": len(unknowns) if unknowns else 1, "unknowns": unknowns.source if unknowns else None,
           "plans": [plan_entry(o, n, plans[mine.index(n)]["values"] if n in mine else dict(o.against[n]),
                                found, scores, robust) for n in ranked + hand],
           "best": ranked[0]}
    best = ranked[0]
    if len(metrics) > 1:
        out["front_sentences"] = dominations(o, found, scores, ranked, hand, robust)
        return out
    if len(ranked) > 1:
        out["best_vs_runner_up"], out["runner_up_sentence"] = verdict(o, found, scores, metrics[0], best, ranked[1],
                                                                      (best, ranked[1]), robust)
    if hand:
        out["best_hand_written"] = hand[0]
        out["best_vs_hand_written"], out["hand_written_sentence"] = verdict(
            o, found, scores, metrics[0], best, hand[0], (f"the optimizer's {best}", hand[0]), robust)
    return out


def dominations(o, found, scores, mine, hand, robust) -> list[str]:
    """For each plan of the front, the hand-written plans it beats on every objective (each
    paired interval excluding zero in its favour)."""
    from .optimizing import objectives_of
    out = []
    for n in mine:
        beaten = [h for h in hand if all(verdict(o, found, scores, m, n, h, (n, h), robust)[1].startswith(f"{n} is better")
                                         for m in objectives_of(o))]
        out.append(f"{n} beats {', '.join(beaten)} on every objective" if beaten
                   else f"{n} beats no hand-written plan on every objective")
    return out


def _num(x: float) -> str:
    """Counts as whole numbers, euros per thing with cents."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def headline(s: dict) -> list[str]:
    best = next(p for p in s["plans"] if p["name"] == s["best"])
    money = ", ".join(f"{k.removeprefix('campaign.channels.')} EUR {v:,.0f}" if k.startswith("campaign.channels.")
                      else f"{k} {v}" if isinstance(v, str) else f"{k} {v:g}" for k, v in best["values"].items() if v)
    what = s["objective"] if s["statistic"] == "mean" else f"the {s['statistic']} of {s['objective']}"
    over = f" over {s['unknowns']}" if s["unknowns"] else ""
    reps = counted(s['confirm_replicates'], 'replicate') + (f" x {s['draws']} draws" if s["draws"] > 1 else "")
    if len(s["objectives"]) > 1:
        lines = [f"Pareto front of {' and '.join(s['objectives'])} at EUR {s['budget_eur']:,.0f}{over} ("
                 f"{counted(s['trials'], 'trial')}): {counted(sum(p['name'].startswith('plan ') for p in s['plans']), 'plan')} "
                 f"confirmed on {reps}:"]
        for p in s["plans"]:
            numbers = "; ".join(f"{m} {_num(b['value'])} (95% interval {_num(b['value_ci95'][0])} to "
                                f"{_num(b['value_ci95'][1])})" for m, b in p["by_metric"].items())
            lines.append(f"  {p['name']}: {numbers}")
        return lines + [f"  {line}." for line in s["front_sentences"]]
    out = [f"Best plan for {what} at EUR {s['budget_eur']:,.0f}{over} ({counted(s['trials'], 'trial')} x "
           f"{counted(s['replicates'], 'replicate')}): {money}: {best['value']:,.0f} (95% interval {best['value_ci95'][0]:,.0f} to "
           f"{best['value_ci95'][1]:,.0f}, {reps})."]
    if "runner_up_sentence" in s:
        out.append(f"Against the runner-up: {s['runner_up_sentence']}.")
    if "hand_written_sentence" in s:
        hand = next(p for p in s["plans"] if p["name"] == s["best_hand_written"])
        out.append(f"Best hand-written plan: {hand['name']}, {hand['value']:,.0f} (95% interval "
                   f"{hand['value_ci95'][0]:,.0f} to {hand['value_ci95'][1]:,.0f}); {s['hand_written_sentence']}.")
    return out


def write_outputs(outdir: Path, study, summary: dict) -> None:
    """best_plan.yaml (and plans/plan_K.yaml for a Pareto front), optimize.json, trials.csv."""
    best = next(p for p in summary["plans"] if p["name"] == summary["best"])
    head = [f"# written by python -m sim.optimize on {datetime.now():%Y-%m-%d %H:%M}: the best plan for "
            f"{summary['objective']} at EUR {summary['budget_eur']:,.0f}", "# use with python -m sim.run plan=<this file>"]
    (outdir / "best_plan.yaml").write_text("\n".join(head + plan_lines(best["values"])) + "\n")
    if len(summary["objectives"]) > 1:
        (outdir / "plans").mkdir(exist_ok=True)
        for p in summary["plans"]:
            if p["name"].startswith("plan "):
                name = p["name"].split(" (")[0].replace(" ", "_")
                note = [f"# {p['name']} of the Pareto front of {' and '.join(summary['objectives'])}: "
                        + "; ".join(f"{m} {b['value']:,.4g}" for m, b in p["by_metric"].items())]
                (outdir / "plans" / f"{name}.yaml").write_text("\n".join(note + plan_lines(p["values"])) + "\n")
    (outdir / "optimize.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
    study.trials_dataframe().to_csv(outdir / "trials.csv", index=False)


def write_report(outdir: Path, study, s: dict) -> None:
    from .optimize_figures import figures
    from .report import Report, hydra_files, write_report as write_page
    rows = []
    for p in s["plans"]:
        row = {"plan": p["name"]}
        for m, b in p["by_metric"].items():
            label = m if s["statistic"] == "mean" else f"{s['statistic']} of {m}"
            row.update({label: b["value"], f"{label}: 95% from": b["value_ci95"][0], f"{label}: 95% to": b["value_ci95"][1]})
        row.update({k.removeprefix("campaign.channels."): v for k, v in p["values"].items() if isinstance(v, (int, float))})
        rows.append(row)
    rep = Report(outdir, "optimization", headline=" ".join(headline(s)), figures=figures(study, s),
                 table=pd.DataFrame(rows), table_title="Plans (euros per channel for the plans found)")
    rep.config, rep.command = hydra_files(outdir, entry="sim.optimize")
    write_page(rep)

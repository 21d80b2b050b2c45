"""Figures of `python -m sim.optimize`: the search history, the confirmed plans and, with
several objectives, the Pareto front."""
from __future__ import annotations

import numpy as np

from .figures import axis_number


def _stat(s: dict, metric: str) -> str:
    return metric if s["statistic"] == "mean" else f"{s['statistic']} of {metric}"


def search_history(plt, study, s: dict):
    from .figures import OKABE_ITO
    from .optimizing import better
    from .robust import direction
    frame = study.trials_dataframe()
    frame = frame[frame.state == "COMPLETE"]
    column = "value" if "value" in frame else "values_0"
    fig, ax = plt.subplots(figsize=(7.5, 4))
    ax.plot(frame.number, frame[column], "o", ms=3, color=OKABE_ITO[0], alpha=0.6, label="a trial's plan")
    up = direction(s["statistic"], better(s["objective"])) > 0
    ax.plot(frame.number, frame[column].cummax() if up else frame[column].cummin(), color=OKABE_ITO[1],
            label="best so far")
    draws = f" x {s['draws']} draws" if s["draws"] > 1 else ""
    ax.set(xlabel="trial", ylabel=f"{_stat(s, s['objective'])}\n({s['replicates']} replicates{draws})",
           title=f"Search history ({len(frame)} trials)")
    ax.yaxis.set_major_formatter(axis_number)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plans_bars(plt, s: dict):
    from .figures import OKABE_ITO
    plans = s["plans"]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(plans) + 1.4))
    y = np.arange(len(plans))[::-1]
    values = np.array([p["value"] for p in plans])
    errors = np.array([[p["value"] - p["value_ci95"][0], p["value_ci95"][1] - p["value"]] for p in plans]).T
    colours = [OKABE_ITO[0] if p["name"].startswith("plan ") else OKABE_ITO[2] for p in plans]
    ax.barh(y, values, xerr=np.maximum(errors, 0), color=colours, capsize=3)
    ax.set_yticks(y, [p["name"] for p in plans], fontsize=8)
    draws = f" x {s['draws']} draws" if s["draws"] > 1 else ""
    ax.set(xlabel=f"{_stat(s, s['objective'])} (95% interval, {s['confirm_replicates']} common replicates{draws})",
           title="Plans found (blue) and hand-written (green) at the same budget")
    ax.xaxis.set_major_formatter(axis_number)
    fig.tight_layout()
    return fig


def pareto(plt, study, s: dict):
    """All trials of the search in the first two objectives, the front's, and the confirmed plans."""
    from .figures import OKABE_ITO
    x, y = s["objectives"][:2]
    frame = study.trials_dataframe()
    frame = frame[frame.state == "COMPLETE"]
    front = {t.number for t in study.best_trials}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    on = frame.number.isin(front)
    left.plot(frame.values_0[~on], frame.values_1[~on], "o", ms=3, color="0.7", label="a trial's plan")
    left.plot(frame.values_0[on], frame.values_1[on], "o", ms=5, color=OKABE_ITO[0], label="on the Pareto front")
    left.set(xlabel=_stat(s, x), ylabel=_stat(s, y), title=f"Search ({len(frame)} trials, {s['replicates']} replicates)")
    left.legend(fontsize=8)
    shown, far = near_the_front(s, x, y)
    for p in shown:
        bx, by = p["by_metric"][x], p["by_metric"][y]
        colour = OKABE_ITO[0] if p["name"].startswith("plan ") else OKABE_ITO[2]
        right.errorbar(bx["value"], by["value"], color=colour, fmt="o", capsize=2,
                       xerr=[[bx["value"] - bx["value_ci95"][0]], [bx["value_ci95"][1] - bx["value"]]],
                       yerr=[[by["value"] - by["value_ci95"][0]], [by["value_ci95"][1] - by["value"]]])
        right.annotate(p["name"].split(" (")[0], (bx["value"], by["value"]), fontsize=7, xytext=(3, 3),
                       textcoords="offset points")
    right.set(xlabel=_stat(s, x), ylabel=_stat(s, y),
              title=f"Front (blue) and hand-written (green), {s['confirm_replicates']} new replicates")
    if far:
        right.text(0.01, 0.01, f"far off the front, not drawn: {', '.join(far)}", transform=right.transAxes,
                   fontsize=7, va="bottom")
    for ax in (left, right):
        ax.xaxis.set_major_formatter(axis_number)
    fig.tight_layout()
    return fig


def near_the_front(s: dict, x: str, y: str) -> tuple[list, list]:
    """(plans to draw, names left out): hand-written plans more than twice the front's
    spread away from it on either axis would squeeze the front into a corner."""
    front = [p for p in s["plans"] if p["name"].startswith("plan ")]
    keep, far = list(front), []
    for p in s["plans"]:
        if p in front:
            continue
        inside = True
        for m in (x, y):
            values = [q["by_metric"][m]["value"] for q in front]
            span = max(max(values) - min(values), 0.02 * max(abs(v) for v in values), 1e-9)
            inside &= min(values) - 2 * span <= p["by_metric"][m]["value"] <= max(values) + 2 * span
        (keep if inside else far).append(p if inside else p["name"])
    return keep, far


def figures(study, s: dict) -> list:
    """(name, title, caption, figure) for the report."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if len(s["objectives"]) > 1:
        return [("pareto", "The Pareto front", "Left: every plan the search tried, the front's in blue. Right: the "
                 "front's plans (the best optimize.top on the first objective) and the hand-written ones on fresh common random "
                 "streams, with 95% intervals; a plan "
                 "beats another only where both intervals of the paired differences exclude 0 (headline).",
                 pareto(plt, study, s)),
                ("plans", "The front's plans against the hand-written ones, on the first objective", "", plans_bars(plt, s))]
    return [("search", "How the search went", "Each trial's plan (its value over the search's replicates) and the "
             "best so far.", search_history(plt, study, s)),
            ("plans", "The best plans found against the hand-written ones", "Each plan on the same random streams; a "
             "winner is named in the headline only when the paired difference's interval excludes 0.", plans_bars(plt, s))]

"""Headlines that name a winner only when the data support it.

Pure functions on per-replicate finals (arrays and tables), so they can be tested on
constructed data: a comparison's leader against mass ads as a paired ratio, a sweep's two
leading combinations as a paired difference, budgets as returns per extra 100 euros. The
rule: a winner is named only when the 95% interval of the paired difference, as printed,
excludes no difference; seeds (other worlds), replicates and budgets are never winners.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .formats import counted
from .intervals import NO_INTERVAL, NO_INTERVALS, t975

NOT_CHOICES = ("run.seed", "run.replicates")      # other worlds and more draws: averaged over, never won
BUDGET = "campaign.budget"                        # reported as returns per extra euro, never won


def _fmt(v, digits=0):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:,.{digits}f}"


def t_interval(values) -> tuple[float, float, float, int]:
    """Mean of `values` and its 95% Student t interval (nan bounds with fewer than two values)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(values.mean())
    if values.size < 2:
        return m, math.nan, math.nan, 1
    half = float(t975(values.size - 1) * values.std(ddof=1) / math.sqrt(values.size))
    return m, m - half, m + half, int(values.size)


def winner_sentence(mean: float, low: float, high: float, names: tuple[str, str], more_is_better: bool,
                    label: str) -> tuple[dict, str]:
    """The difference first - second with its 95% interval, and a sentence that names a
    winner only when the interval excludes zero (the project's rule for every verdict)."""
    first, second = names
    numbers = f"{label} {mean:+,.1f}, 95% interval {low:+,.1f} to {high:+,.1f}"
    if low > 0 or high < 0:
        text = f"{first if (low > 0) == more_is_better else second} is better ({numbers})"
    else:
        text = f"{first} and {second} are not distinguishable ({numbers})"
    return {"mean": mean, "ci95": [low, high]}, text


def paired_ratio(a: np.ndarray, b: np.ndarray):
    """Geometric-mean ratio a/b over paired replicates (same random streams) and its 95% interval
    (nan bounds with one pair); None without a pair where both are positive."""
    ok = (a > 0) & (b > 0)
    logs = np.log(a[ok] / b[ok])
    if logs.size == 0:
        return None
    m, low, high, _ = t_interval(logs)
    return math.exp(m), math.exp(low), math.exp(high)


def decimals(low: float, high: float) -> int:
    """Decimals that show an interval of this width with two significant digits (0 to 3)."""
    width = abs(high - low)
    if not np.isfinite(width) or width == 0 or width >= 10:
        return 0
    return int(min(3, max(0, 1 - math.floor(math.log10(width)))))


def shown(v: float, digits: int) -> str:
    """`v` as printed (no '-0')."""
    return f"{float(f'{v:.{digits}f}') + 0.0:,.{digits}f}"


def excludes(low: float, high: float, null: float, digits: int) -> bool:
    """True if the interval, as printed with `digits` decimals, lies wholly above or below `null`:
    a headline never calls a difference a win when its printed interval touches no difference."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return False
    return float(f"{low:.{digits}f}") > null or float(f"{high:.{digits}f}") < null


def _interval_text(low: float, high: float, digits: int, n: int) -> str:
    if n >= 2:
        return f"95% interval {shown(low, digits)} to {shown(high, digits)}"
    return "no jobs to pair" if n == 0 else NO_INTERVAL


def ratio_excludes_one(ratio) -> bool:
    return ratio is not None and excludes(ratio[1], ratio[2], 1.0, 2)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def comparison_headline(finals: dict[str, np.ndarray], kinds: dict[str, str], budget: float) -> str:
    """Scenario finals (per replicate, paired) -> the comparison's headline on useful reach: the leader
    against mass ads (or the runner-up) as a paired ratio; a winner only if its interval excludes 1."""
    means = {k: float(np.mean(v)) for k, v in finals.items()}
    ranked = sorted(finals, key=lambda k: -means[k])
    best = ranked[0]
    if len(ranked) == 1:
        return f"One scenario, '{best}': {means[best]:,.0f} useful contacts at a {budget:,.0f} budget."
    mass = [k for k in ranked if kinds.get(k) == "mass"]
    other = mass[0] if mass and kinds.get(best) != "mass" else ranked[1]
    label = {k: "mass impressions" if k == other and kinds.get(k) == "mass" else f"'{k}'" for k in ranked}
    ratio = paired_ratio(finals[best], finals[other])
    counts = f"{means[best]:,.0f} against {means[other]:,.0f} useful contacts"
    if ratio is None:
        return (f"'{best}' has the largest useful reach ({means[best]:,.0f}); no paired ratio to "
                f"{label[other]} (no replicate where both reached anyone).")
    interval = (f"95% interval {ratio[1]:.2f}x to {ratio[2]:.2f}x" if np.isfinite(ratio[1])
                else NO_INTERVAL)
    if ratio_excludes_one(ratio) and ratio[0] > 1:
        ties = [label[k] for k in ranked[1:] if k != other and not ratio_excludes_one(
            paired_ratio(finals[best], finals[k]))]
        return (f"'{best}' reaches {ratio[0]:.2f}x as many of the target as {label[other]} at the same "
                f"{budget:,.0f} budget ({interval}): {counts}."
                + (f" {_names(ties)} {'is' if len(ties) == 1 else 'are'} not distinguishable from it."
                   if ties else ""))
    leading = [best] + [k for k in ranked[1:] if k == other or not ratio_excludes_one(
        paired_ratio(finals[best], finals[k]))]
    return (f"{_names([label[k] for k in leading])} are not distinguishable on useful reach at the same "
            f"{budget:,.0f} budget: '{best}' against {label[other]} ratio {ratio[0]:.2f}x, {interval} ({counts}).")


def _key(row, columns) -> tuple:
    return tuple(None if pd.isna(row[c]) else row[c] for c in columns)


def unit_differences(finals: dict, a: pd.DataFrame, b: pd.DataFrame, match: list[str],
                     scale: float = 1.0) -> np.ndarray:
    """Paired differences scale x (b - a) between the jobs of `a` and `b` that agree on `match`.
    Replicate r of one pairs with replicate r of the other; a unit is (run.seed, replicate), the
    world and random streams they share, and the differences of one unit (over the other
    settings) are averaged first, so each unit counts once. One value per unit."""
    partner = {_key(row, match): row.job for _, row in b.iterrows()}
    units: dict[tuple, list[float]] = {}
    for _, row in a.iterrows():
        other = partner.get(_key(row, match))
        if other is None:
            continue
        fa, fb = np.asarray(finals[row.job], dtype=float), np.asarray(finals[other], dtype=float)
        seed = row["run.seed"] if "run.seed" in row.index else None
        for r in range(min(fa.size, fb.size)):
            units.setdefault((seed, r), []).append(scale * (fb[r] - fa[r]))
    return np.array([np.mean(v) for v in units.values()], dtype=float)


def _setting(columns, key) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(columns, key))


def rank_combinations(jobs: pd.DataFrame, finals: dict, choices: list[str]) -> list[tuple[tuple, float, list]]:
    """(choice values, mean over its jobs and replicates, job ids) per combination, best first."""
    if not choices:
        return [((), float(np.mean([np.mean(finals[j]) for j in jobs.job])), list(jobs.job))]
    out = []
    for key, group in jobs.groupby(choices, dropna=False, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        out.append((key, float(np.mean([np.mean(finals[j]) for j in group.job])), list(group.job)))
    return sorted(out, key=lambda item: -item[1])


def budget_returns(jobs: pd.DataFrame, finals: dict, axes: list[str]):
    """Per step between consecutive budget levels: (from, to, per euros, (mean, low, high, units)) of
    the extra metric per `per` extra euros, paired over jobs that agree on every other axis."""
    levels = sorted(jobs[BUDGET].dropna().unique())
    steps = np.diff(levels)
    per = float(10 ** math.floor(math.log10(steps.min()))) if len(steps) else 1.0
    match = [a for a in axes if a != BUDGET]
    out = []
    for low, high in zip(levels, levels[1:]):
        diffs = unit_differences(finals, jobs[jobs[BUDGET] == low], jobs[jobs[BUDGET] == high], match,
                                 scale=per / (high - low))
        out.append((float(low), float(high), per, t_interval(diffs)))
    return out


def _money(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def sweep_headline(jobs: pd.DataFrame, finals: dict, axes: list[str], metric: str = "useful_reach",
                   unfinished: int = 0) -> str:
    """The sweep's headline from its finished jobs (`jobs`: a `job` column and the swept `axes`) and
    their per-replicate finals (`finals[job]`). Seeds and replicates are averaged over; a swept budget
    is reported as returns per extra euro; of the other combinations, the top two are compared by
    a paired difference and the first is named the best only if its 95% interval excludes 0."""
    label = metric.replace("_", " ")
    choices = [a for a in axes if a not in NOT_CHOICES and a != BUDGET]
    over = []
    if "run.seed" in axes:
        over.append(f"{jobs['run.seed'].nunique()} worlds (run.seed)")
    if BUDGET in axes:
        over.append(f"{jobs[BUDGET].nunique()} budgets")
    over_text = f" over {' and '.join(over)}" if over else ""
    ranking = rank_combinations(jobs, finals, choices)
    parts = []
    if len(ranking) >= 2:
        (key_a, mean_a, jobs_a), (key_b, mean_b, jobs_b) = ranking[:2]
        a, b = _setting(choices, key_a), _setting(choices, key_b)
        match = [x for x in axes if x not in choices]
        mean, low, high, n = t_interval(unit_differences(finals, jobs[jobs.job.isin(jobs_b)],
                                                         jobs[jobs.job.isin(jobs_a)], match))
        d = decimals(low, high)
        if n == 0:
            parts.append(f"On {label}, {a} ({mean_a:,.0f} on average{over_text}) and {b} ({mean_b:,.0f}) cannot "
                         "be compared: none of their jobs share a seed and the other settings.")
        elif excludes(low, high, 0.0, d) and mean > 0:
            parts.append(f"On {label}, {a} is best: {mean_a:,.0f} on average{over_text}, ahead of {b} "
                         f"({mean_b:,.0f}) by {shown(mean, d)} (95% interval {shown(low, d)} to {shown(high, d)}, "
                         f"paired over {counted(n, 'replicate')}).")
        else:
            paired = f", paired over {counted(n, 'replicate')}" if n >= 2 else ""
            parts.append(f"On {label}, {a} and {b} are not distinguishable (difference {shown(mean, d)}, "
                         f"{_interval_text(low, high, d, n)}{paired}; {mean_a:,.0f} against "
                         f"{mean_b:,.0f} on average{over_text}).")
    if BUDGET in axes:
        steps = budget_returns(jobs, finals, axes)
        per = steps[0][2]
        texts = []
        for k, (low_b, high_b, _, (mean, low, high, n)) in enumerate(steps):
            d = decimals(low, high)
            flat = "" if excludes(low, high, 0.0, d) else ", not distinguishable from no change"
            texts.append(f"{shown(mean, d) if n else 'n/a'}{f' to {label}' if k == 0 else ''} between "
                         f"{_money(low_b)} and {_money(high_b)} ({_interval_text(low, high, d, n)}{flat})")
        others = [x for x in axes if x != BUDGET]
        worlds = f"{jobs['run.seed'].nunique()} worlds (run.seed)" if "run.seed" in others else ""
        parts.append(f"Budget: each extra {_money(per)} euros added " + "; ".join(texts)
                     + (f", averaged over {worlds}." if others == ["run.seed"] else ", averaged over the other "
                        f"settings{' and ' + worlds if worlds else ''}." if others else "."))
    if len(ranking) < 2 and BUDGET not in axes:
        job_means = [float(np.mean(finals[j])) for j in jobs.job]
        if "run.seed" in axes:
            parts.append(f"Only the world varied (run.seed): {label} {np.mean(job_means):,.0f} on average{over_text}, "
                         f"from {min(job_means):,.0f} to {max(job_means):,.0f} by world; seeds are other worlds, "
                         "not choices.")
        else:
            m, low, high, _ = t_interval(np.concatenate([np.asarray(finals[j], dtype=float) for j in jobs.job]))
            parts.append(f"One combination: {label} {m:,.0f} (95% interval {_fmt(low)} to {_fmt(high)}).")
    if unfinished:
        parts.append(f"{counted(unfinished, 'job')} failed or did not finish (see the table).")
    return " ".join(parts)


# ---------------------------------------------------------------- the three kinds of folder


def run_headline(s: dict) -> str:
    """One run's answer in people and euros, from its summary.json: who was reached in the
    target, over which dates and market, what it cost and per what."""
    m, share = s["metrics"], s["useful_reach_share"]
    useful, spent = m["useful_reach"], m["spent"]["mean"]
    target = s.get("target_people", s.get("target_consumers", 0))
    when = ""
    if s.get("start"):
        start = pd.Timestamp(s["start"])
        days = s["hours"] / 24
        when = f" over {days:g} day{'' if days == 1 else 's'} from {start.strftime('%a %d %b %Y %H:%M')}"
    market = f", in a market of {_fmt(s['market_people'])} people" if s.get("market_people") else ""
    costs = [(m[k]["mean"], what) for k, what in (("cost_per_useful_contact", "per useful contact"),
                                                   ("cost_per_adoption", "per adoption"),
                                                   ("cost_per_engagement", "per engagement")) if k in m]
    costs = [f"EUR {_fmt(v, 2 if v >= 0.1 else 3)} {what}" for v, what in costs if v is not None and v == v]
    budget = s.get("budget")
    of_budget = f" of its EUR {_fmt(budget)}" if budget else ""
    sponsored = sum(t.get("spent_sponsored") or 0.0 for t in s.get("tiers", []))
    split = (f" (sponsored posts EUR {_fmt(sponsored)}, paid impressions EUR {_fmt(spent - sponsored)})"
             if sponsored > 0 and spent - sponsored > 0.5 else "")
    spread = _interval_text(useful["ci95"][0], useful["ci95"][1], 0, useful.get("n", s.get("replicates", 2)))
    return (f"Campaign '{s['scenario']['campaign']}' reached {_fmt(useful['mean'])} of the {_fmt(target)} people "
            f"in its target ({100 * share['mean']:.0f}%; {spread}){when}{market}; {_fmt(m['adoptions']['mean'])} "
            f"people adopted"
            + (f" and {_fmt(m['engagements']['mean'])} liked or commented" if "engagements" in m else "")
            + f". It spent EUR {_fmt(spent)}{of_budget}{split}" + (f": {', '.join(costs)}." if spent > 0 and costs
                                                                   else "."))

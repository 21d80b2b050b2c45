"""`python -m sim.report <folder>`: a one-page report for a run, a comparison or a sweep.

Writes into the folder `report.html` (self-contained: figures embedded, no network),
`report.pdf` (the same content as printable pages) and every figure as PNG and SVG
(`fig_*.png`, `fig_*.svg`). It opens with the answer in one sentence and its
uncertainty, then the figures, a table of the numbers behind them, and the exact
configuration and command. Every number is read from the result files; figures whose
data does not exist are listed with the reason.

The headline names a winner only when a paired 95% interval excludes no difference (the
scenarios of a comparison, and sweep jobs with the same run.seed, share the world and the
random streams, so replicate r of one pairs with replicate r of the other); otherwise it
names the leading options as not distinguishable. Seeds (other worlds), replicates and
budgets are never winners: a swept budget is reported as returns per extra euro.
The statistics are the pure functions under "headlines", which take arrays and tables.
"""
from __future__ import annotations

import base64
import html
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import figures as F
from .headlines import (BUDGET, NO_INTERVALS, NOT_CHOICES, comparison_headline, rank_combinations, run_headline,
                        sweep_headline)
from .collect import (CommandLine, check_folder, exit_on_user_error, job_dirs_in, malformed, read_json,
                      read_parquet, read_sweep_table, read_table, read_yaml)
from .errors import DataError
from .formats import counted
from .jobs import DONE

log = logging.getLogger("sim")

SERIES_COLUMNS = ("replicate", "message", "hour", "reach", "useful_reach", "relayed", "adopted")
ATTRIBUTION_COLUMNS = ("message", "source", "source_kind", "agent", "agent_kind")
INFLUENCER_COLUMNS = ("rank", "agent", "kind", "influence", "followers")
COMPARISON_COLUMNS = ("scenario", "kind", "strategy", "spent_mean", "useful_reach_mean", "useful_reach_ci95_low",
                      "useful_reach_ci95_high", "reach_mean", "adoptions_mean", "useful_adoptions_mean",
                      "cost_per_useful_contact_mean", "cost_per_useful_contact_ci95_low",
                      "cost_per_useful_contact_ci95_high", "relays_mean")
KPIS = ("useful_reach_per_euro", "cost_per_adoption", "cost_per_engagement")
KPI_COLUMNS = tuple(f"{k}_{p}" for k in KPIS for p in ("mean", "ci95_low", "ci95_high"))
TOP_INFLUENCER_COLUMNS = ("rank", "name", "kind", "tier", "followers", "followers_in_target", "cost", "influence",
                          "influence_per_euro")
TIER_COLUMNS = ("tier", "band", "accounts_posting", "posts", "engagements", "engagement_rate",
                "engagement_rate_ci95_low", "engagement_rate_ci95_high", "sponsored", "spent_sponsored")
# sweep metrics whose per-replicate finals timeseries.parquet holds (message 'all', last hour)
PAIRED_COLUMN = {"reach": "reach", "useful_reach": "useful_reach", "adoptions": "adopted",
                 "useful_adoptions": "useful_adopted"}


@dataclass
class Report:
    folder: Path
    kind: str                           # run | comparison | sweep
    headline: str = ""
    warning: str = ""                   # shown above everything (an incomplete folder)
    figures: list = field(default_factory=list)      # (name, title, caption, matplotlib figure)
    missing: list = field(default_factory=list)      # (title, reason)
    table: pd.DataFrame | None = None
    table_title: str = ""
    tables: list = field(default_factory=list)       # further (title, table) after the main one
    config: str = ""
    command: str = ""
    drawn: dict = field(default_factory=dict)
    scope: str = ""                     # which plan, message and replicates the figures show
    scopes: dict = field(default_factory=dict)      # figure name -> its own scope (else `scope`)


def folder_kind(folder: Path) -> str:
    check_folder(folder)
    if (folder / "sweep.csv").exists():
        return "sweep"
    jobs = job_dirs_in(folder)
    if jobs:
        raise DataError(f"{folder / 'sweep.csv'}: missing, but the folder holds {len(jobs)} sweep job folders; "
                        f"build it with python -m sim.collect {folder}")
    if (folder / "comparison.csv").exists():
        return "comparison"
    if any((folder / name).exists() for name in ("summary.json", "timeseries.parquet", DONE, ".hydra")):
        return "run"                     # (.hydra alone: a run or comparison killed before writing results)
    raise DataError(f"{folder}: not a run, comparison or sweep folder (no summary.json, comparison.csv or "
                    "sweep.csv)")


def completeness(folder: Path, kind: str, partial: bool | None) -> str:
    """'' for a complete folder, else the warning of a partial report; refuses an incomplete run or
    comparison unless `partial`. `partial=None`: the caller vouches for the folder (sim.run reports
    its own run just before writing done.json), so done.json is not required."""
    if kind == "sweep":                  # jobs carry their own done.json; sweep.csv says which finished
        return ""
    if (folder / DONE).exists():
        read_json(folder / DONE)         # a corrupt marker is refused, not trusted
        return ""
    if partial is None:
        return ""
    if not partial:
        raise DataError(f"{folder} has no done.json: the run did not finish (or was killed); rerun it, or pass "
                        "--partial to report what is there")
    return (f"This folder is incomplete: it has no {DONE}, so the run did not finish or was killed. The report "
            "shows the files that were written before it stopped.")


def hydra_files(folder: Path, fallback: dict | None = None, entry: str = "sim.run"):
    """The composed config and command (`python -m <entry> ...`) Hydra saved; for runs made
    from Python, the config stored in summary.json."""
    config = (folder / ".hydra" / "config.yaml")
    overrides = folder / ".hydra" / "overrides.yaml"
    if config.exists():
        ov = read_yaml(overrides) if overrides.exists() else []
        return config.read_text(), f"python -m {entry} " + " ".join(str(o) for o in ov or [])
    return (yaml.safe_dump(fallback, sort_keys=False) if fallback else "",
            "(run from Python: sim.run.run_scenario; the configuration below is complete)")


def read_series(path: Path) -> pd.DataFrame:
    series = read_parquet(path, SERIES_COLUMNS)
    if not (series.message == "all").any():
        raise DataError(f"{path}: no rows for message 'all' (truncated?)")
    return series


def final_values(series: pd.DataFrame, column: str) -> np.ndarray:
    total = series[series.message == "all"]
    last = total[total.hour == total.hour.max()].sort_values("replicate")
    return last[column].to_numpy(dtype=float)


# ---------------------------------------------------------------- headlines (pure: arrays and tables)
def _network_and_ranking(rep: Report, folder: Path, source: str, ranking_folder: Path | None = None):
    attribution = folder / "attribution.csv"
    relays = read_table(attribution, ATTRIBUTION_COLUMNS) if attribution.exists() else None
    if relays is None or not len(relays):
        rep.missing.append(("Influence network", "no relays in attribution.csv (nobody passed the message on)"
                            if attribution.exists() else "no attribution.csv in this folder"))
    for k, (message, edges) in enumerate(relays.groupby("message", sort=False) if relays is not None else []):
        name, title = ("network", "Influence network") if k == 0 else (f"network_{message}",
                                                                       f"Influence network of '{message}'")
        if reason := F.unreadable_network(edges):
            rep.missing.append((title, reason))
            continue
        fig, drawn = F.influence_network(edges, source)
        rep.figures.append((name, title, f"Who relayed message '{message}' to whom in replicate 0: each dot an "
                            "account, coloured by kind and sized by the relays it caused; rows are relay hops.",
                            fig))
        rep.drawn[name] = drawn
    ranking = (ranking_folder or folder) / "influencers.csv"
    if ranking.exists():
        ranked = read_table(ranking, INFLUENCER_COLUMNS)
        if reason := F.no_followers(ranked):
            rep.missing.append(("Influencer ranking", reason))
        else:
            fig, drawn = F.influencer_ranking(ranked, source)
            rep.figures.append(("influencers", "Influencer ranking", "Top accounts by influence score (expected "
                                "useful contacts caused, greedy order) next to their follower counts.", fig))
            rep.drawn["influencers"] = drawn
        shown = [c for c in TOP_INFLUENCER_COLUMNS if c in ranked.columns]
        rep.tables.append(("Top 15 accounts by influence score (followers on the platform, sponsoring cost in "
                           "euros, expected useful contacts caused)", ranked[shown].head(15)))
    else:
        rep.missing.append(("Influencer ranking", "no influencers.csv (written by runs with run.influencers=true "
                            "and by python -m sim.score)"))


def run_report(folder: Path) -> Report:
    rep = Report(folder, "run")
    path = folder / "summary.json"
    if not path.exists():
        raise DataError(f"{path}: missing (the run stopped before writing its results): nothing to report")
    s = read_json(path)
    series = read_series(folder / "timeseries.parquet")
    with malformed(path):
        m = s["metrics"]
        campaign = s["scenario"]["campaign"]
        rep.headline = run_headline(s)
        source = F.source_line(s["replicates"], s["seed"])
        several = s["replicates"] >= 2                  # one replicate: no interval, not a zero-width one
        rows = [(name, v["mean"], *(v["ci95"] if several else (np.nan, np.nan))) for name, v in m.items()]
        rep.scope = f"Plan '{campaign}'; {_messages(s)}; {counted(s['replicates'], 'replicate')}"
    fig, drawn = F.diffusion({campaign: series}, source, "How the message spreads")
    rep.figures.append(("diffusion", "Diffusion curves", "Mean over replicates with 95% bands: who is aware, "
                        "aware inside the target, and has adopted, hour by hour.", fig))
    rep.drawn["diffusion"] = drawn
    _per_message(rep, series, source)
    rep.missing += [("Targeted vs mass", "a single campaign: run an experiment such as "
                     "experiment=targeted_vs_mass to compare strategies"),
                    ("Sweep heatmap", "not a sweep"), ("Budget curve", "not a sweep over campaign.budget")]
    _network_and_ranking(rep, folder, source)
    rep.table = pd.DataFrame(rows, columns=["metric", "mean", "ci95_low", "ci95_high"])
    rep.table_title = ("Metrics (mean and 95% interval over replicates; people and euros)" if several else
                       f"Metrics ({NO_INTERVALS}; people and euros)")
    _tiers(rep, folder)
    rep.config, rep.command = hydra_files(folder, s.get("config"))
    return rep


def _per_message(rep: Report, series: pd.DataFrame, source: str) -> None:
    """A message mix: each message's curves and final numbers (a person aware of two
    messages counts once in the total, once under each message)."""
    messages = [m for m in series.message.unique() if m != "all"]
    if len(messages) < 2:
        return
    by_message = {m: series[series.message == m].assign(message="all") for m in messages}
    fig, drawn = F.diffusion(by_message, source, "Each message of the mix")
    rep.figures.append(("messages", "Per message", "Mean over replicates with 95% bands, one line per message; "
                        "a person reached by two messages counts under each.", fig))
    rep.drawn["messages"] = drawn
    last = series[series.hour == series.hour.max()]
    finals = last.groupby("message", sort=False)[["reach", "useful_reach", "relayed", "adopted"]].mean()
    rep.tables.append(("Each message's final numbers (people; mean over replicates; the total counts a person "
                       "once)", finals.loc[messages + ["all"]].reset_index()))


def _messages(summary: dict) -> str:
    names = summary.get("scenario", {}).get("messages") or []
    return ("message " if len(names) == 1 else "messages ") + " + ".join(f"'{n}'" for n in names) if names \
        else "one message"


def _tiers(rep: Report, folder: Path) -> None:
    """The engagement rate by influencer tier, when the run wrote tiers.csv."""
    path = folder / "tiers.csv"
    if path.exists():
        rep.tables.append(("Engagement by influencer tier (engagements per follower per post; sponsored "
                           "accounts and their cost)", read_table(path, TIER_COLUMNS)[list(TIER_COLUMNS)]))


def comparison_report(folder: Path) -> Report:
    rep = Report(folder, "comparison")
    table = read_table(folder / "comparison.csv", COMPARISON_COLUMNS + KPI_COLUMNS)
    if table.empty:
        raise DataError(f"{folder / 'comparison.csv'}: no scenario rows (truncated?)")
    path = folder / "summary.json"
    summary = read_json(path)
    with malformed(path):
        budget, replicates, seed = float(summary["budget"]), int(summary["replicates"]), summary["seed"]
    table["scenario"] = table.scenario.astype(str)
    series = {name: read_series(folder / name / "timeseries.parquet") for name in table.scenario}
    ranked = table.sort_values("useful_reach_mean", ascending=False)
    best = ranked.iloc[0]
    rep.headline = comparison_headline({name: final_values(frame, "useful_reach") for name, frame in series.items()},
                                       dict(zip(table.scenario, table.kind)), budget)
    source = F.source_line(replicates, seed, " Scenarios share random streams (paired).")
    best_summary = read_json(folder / best.scenario / "summary.json")
    rep.scope = (f"{counted(len(table), 'plan')} at EUR {budget:,.0f}; {_messages(best_summary)}; "
                 f"{counted(replicates, 'replicate')} each")
    rep.scopes = {k: f"Plan '{best.scenario}' (the most useful reach); {_messages(best_summary)}; "
                     f"{counted(replicates, 'replicate')}" for k in ("network", "influencers")}
    fig, drawn = F.diffusion(series, source, "How the message spreads, per strategy")
    rep.figures.append(("diffusion", "Diffusion curves", "Mean over replicates with 95% bands, one line per "
                        "strategy.", fig))
    rep.drawn["diffusion"] = drawn
    fig, drawn = F.strategy_bars(table, source, budget)
    rep.figures.append(("strategies", "Targeted vs mass", "Useful reach, useful reach per euro, cost per adoption "
                        "and cost per engagement per plan at the same budget, with 95% intervals.", fig))
    rep.drawn["strategies"] = drawn
    rep.missing += [("Sweep heatmap", "not a sweep"), ("Budget curve", "not a sweep over campaign.budget")]
    _network_and_ranking(rep, folder / best.scenario, source, ranking_folder=folder)
    rep.table = ranked[list(COMPARISON_COLUMNS[:10]) + ["cost_per_useful_contact_mean"] + list(KPI_COLUMNS)]
    rep.table_title = "Strategies ranked by useful reach (means; 95% interval of useful reach)"
    first = best_summary.get("config")
    rep.config, rep.command = hydra_files(folder, first)
    return rep


def _swept(table: pd.DataFrame) -> list[str]:
    fixed = {"job", "status", "error", "scenario"}
    return [c for c in table.columns if c not in fixed and not c.endswith(("_mean", "_ci95_low", "_ci95_high"))
            and table[c].nunique(dropna=True) > 1]


def sweep_finals(folder: Path, done: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, dict, bool]:
    """Per finished row of sweep.csv, the per-replicate finals of `metric` read from its job's
    timeseries.parquet; rows of comparison jobs get the id job/scenario. Returns (jobs with a
    unique `job` id, finals by id, whether rows are scenarios of comparison jobs)."""
    if metric not in PAIRED_COLUMN:
        raise DataError(f"metric {metric}: the sweep headline needs per-replicate finals, kept for "
                        f"{', '.join(PAIRED_COLUMN)}")
    jobs, finals, scenarios = done.copy(), {}, False
    ids = []
    for row in done.itertuples(index=False):
        job_dir = folder / str(row.job)
        if (job_dir / "comparison.csv").exists():
            scenarios = True
            job_dir, ident = job_dir / str(row.scenario), f"{row.job}/{row.scenario}"
        else:
            ident = str(row.job)
        finals[ident] = final_values(read_series(job_dir / "timeseries.parquet"), PAIRED_COLUMN[metric])
        ids.append(ident)
    jobs["job"] = ids
    return jobs, finals, scenarios


def sweep_report(folder: Path, metric: str = "useful_reach") -> Report:
    rep = Report(folder, "sweep")
    table = read_sweep_table(folder, metric)
    done = table[table.status == "done"]
    failed = table[table.status != "done"]
    params = _swept(done)
    best = None
    if done.empty:
        rep.headline = f"No job of this sweep completed ({len(failed)} failed or incomplete)."
    else:
        jobs, finals, scenarios = sweep_finals(folder, done, metric)
        axes = params + (["scenario"] if scenarios and jobs.scenario.nunique() > 1 else [])
        rep.headline = sweep_headline(jobs, finals, axes, metric, unfinished=len(failed))
        choices = [a for a in axes if a not in NOT_CHOICES and a != BUDGET]
        leading = rank_combinations(jobs, finals, choices)[0][2]   # its job with the highest mean is drawn
        best = max(jobs.job, key=lambda j: (j in leading, float(np.mean(finals[j]))))
    multirun = folder / "multirun.yaml"
    cfg = (read_yaml(multirun) if multirun.exists() else {}) or {}
    reps_ = cfg.get("run", {}).get("replicates", "?") if isinstance(cfg, dict) else "?"
    source = F.source_line(reps_, "per job (run.seed)")
    rep.scope = (f"Sweep of {counted(len(done), 'finished job')} over {', '.join(params) or 'nothing'}; "
                 f"{counted(reps_, 'replicate')} per job")
    if best is not None:
        rep.scopes = {k: f"Leading combination: {best}; {counted(reps_, 'replicate')}" for k in ("diffusion", "network",
                                                                                       "influencers")}
    # axes for the strategist's choices; seeds (other worlds) are averaged over unless nothing else varies
    choices = [p for p in params if p not in NOT_CHOICES]
    grid_params = sorted(choices, key=lambda p: -done[p].nunique()) + ([p for p in params if p == "run.seed"]
                                                                      if len(choices) < 2 else [])
    if len(grid_params) >= 2:
        x, y = grid_params[0], grid_params[1]
        facet = grid_params[2] if len(grid_params) >= 3 else None
        fig, drawn = F.sweep_heatmap(done, metric, x, y, facet, source)
        rep.figures.append(("heatmap", "Sweep heatmap", f"Mean {metric.replace('_', ' ')} for each {x} x {y}"
                            + (f", one panel per {facet}" if facet else "") + "; other parameters averaged; "
                            "highest mean outlined (see the headline for what is distinguishable).", fig))
        rep.drawn["heatmap"] = drawn
    else:
        rep.missing.append(("Sweep heatmap", "fewer than two parameters took several values"))
    if BUDGET in params:
        group = next((p for p in ("campaign", "campaign.strategy", "campaign.kind") if p in params), None)
        fig, drawn = F.budget_curve(done, BUDGET, group or "scenario", metric, source)
        rep.figures.append(("budget", "Budget curve", f"{metric.replace('_', ' ').capitalize()} against budget, "
                            "one line per strategy (95% intervals).", fig))
        rep.drawn["budget"] = drawn
    else:
        rep.missing.append(("Budget curve", "the sweep did not vary campaign.budget"))
    if best is not None:
        best_dir = folder / best
        fig, drawn = F.diffusion({best: read_series(best_dir / "timeseries.parquet")}, source,
                                 "How the message spreads in the leading combination")
        rep.figures.insert(0, ("diffusion", "Diffusion curves", "The leading combination's curves (its job with "
                               f"the highest {metric.replace('_', ' ')}): mean over replicates with 95% bands.", fig))
        rep.drawn["diffusion"] = drawn
        if "campaign" in params:
            bars = done.groupby("campaign")[[c for c in done.columns if c.endswith(("_mean", "_ci95_low",
                                                                                    "_ci95_high"))]].mean()
            bars = bars.reset_index().rename(columns={"campaign": "scenario"})
            budgets = done[BUDGET].dropna().unique() if BUDGET in done else []
            fig, drawn = F.strategy_bars(bars, source + " Averaged over the other parameters.",
                                         float(budgets[0]) if len(budgets) == 1 else None)
            rep.figures.insert(1, ("strategies", "Targeted vs mass", "Per campaign, averaged over the other swept "
                                   "parameters.", fig))
            rep.drawn["strategies"] = drawn
        else:
            rep.missing.append(("Targeted vs mass", "the sweep did not vary the campaign"))
        _network_and_ranking(rep, best_dir, source)
    rep.table = done.sort_values(f"{metric}_mean", ascending=False)[
        params + [f"{metric}_mean", f"{metric}_ci95_low", f"{metric}_ci95_high", "spent_mean"]].head(30)
    rep.table_title = f"Combinations ranked by {metric.replace('_', ' ')} (top 30)"
    task = cfg.get("hydra", {}).get("overrides", {}).get("task", []) if isinstance(cfg, dict) else []
    rep.config = multirun.read_text() if multirun.exists() else ""
    rep.command = "python -m sim.run -m " + " ".join(str(t) for t in task)
    return rep


# ---------------------------------------------------------------- writing
def _table_html(table: pd.DataFrame) -> str:
    from .formats import readable
    text = readable(table)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in text.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>"
                   for row in text.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


CONFIG_LINES_PER_PAGE = 100


def _pdf_tables(pdf, plt, tables) -> None:
    """One landscape page per table (30 rows), numbers and names in words (sim.formats)."""
    import textwrap

    from .formats import readable
    for title, table in tables:
        page = plt.figure(figsize=(11.69, 8.27))
        page.text(0.03, 0.96, "\n".join(textwrap.wrap(title, 120)), fontsize=12, weight="bold", va="top",
                  parse_math=False)
        text = readable(table.head(30)).to_string(index=False)
        width = max(len(line) for line in text.splitlines())
        page.text(0.03, 0.86, text, family="monospace", fontsize=min(7.0, 7.0 * 190 / max(width, 1)), va="top",
                  parse_math=False)
        pdf.savefig(page)
        plt.close(page)


def _pdf_configuration(pdf, plt, config: str) -> None:
    """The whole configuration, as many portrait pages as it takes (an appendix)."""
    lines = config.splitlines()
    pages = max(1, -(-len(lines) // CONFIG_LINES_PER_PAGE))
    for k in range(pages):
        page = plt.figure(figsize=(8.27, 11.69))
        page.text(0.05, 0.97, f"Appendix: configuration (page {k + 1} of {pages})", fontsize=12, weight="bold",
                  va="top")
        chunk = lines[k * CONFIG_LINES_PER_PAGE:(k + 1) * CONFIG_LINES_PER_PAGE]
        page.text(0.05, 0.945, "\n".join(chunk), family="monospace", fontsize=6.5, va="top", parse_math=False)
        pdf.savefig(page)
        plt.close(page)


STYLE_CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1500px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}.headline{font-size:1.5em;line-height:1.4;background:#eef5fb;border-left:8px solid #0072B2;
padding:.6em 1em}figure{margin:2em 0}img{width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:1.05em;
color:#444}table{border-collapse:collapse;font-size:.95em}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:right}th{background:#f3f3f3}pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.85em}
.missing{color:#7a4b00}.warning{font-size:1.2em;background:#fdecea;border-left:8px solid #D55E00;padding:.6em 1em}"""

CHECK_IMAGES = ("<script>window.addEventListener('load',function(){var i=Array.prototype.slice.call(document.images);"
                "document.body.setAttribute('data-images',i.length);document.body.setAttribute('data-broken',"
                "i.filter(function(x){return !(x.complete&&x.naturalWidth>0);}).length);});</script>")


def write_report(rep: Report) -> dict[str, Path]:
    from matplotlib.backends.backend_pdf import PdfPages
    import matplotlib.pyplot as plt
    from .results import write_atomic
    folder = rep.folder
    files, blocks = {}, []
    pdf_path = folder / "report.pdf"

    def pdf_writer(tmp):
        with PdfPages(tmp) as pdf:
            cover = plt.figure(figsize=(11.69, 8.27))
            cover.text(0.05, 0.92, f"influsim report: {folder.name}", fontsize=20, weight="bold", parse_math=False)
            import textwrap
            warning = [""] + textwrap.wrap(f"WARNING: {rep.warning}", 95) if rep.warning else []
            cover.text(0.05, 0.80, "\n".join(textwrap.wrap(rep.headline, 95) + warning), fontsize=14, va="top",
                       parse_math=False)
            lines = [f"- {t}: {c}" for _, t, c, _ in rep.figures] + [f"- missing: {t} ({r})" for t, r in rep.missing]
            cover.text(0.05, 0.55, "\n".join(textwrap.shorten(x, 150) for x in lines), fontsize=10, va="top",
                       parse_math=False)
            cover.text(0.05, 0.08, "Command: " + textwrap.shorten(rep.command, 150), fontsize=9, parse_math=False)
            pdf.savefig(cover)
            plt.close(cover)
            for _, _, _, fig in rep.figures:
                pdf.savefig(fig)
            _pdf_tables(pdf, plt, ([(rep.table_title, rep.table)] if rep.table is not None else []) + rep.tables)
            if rep.config:
                _pdf_configuration(pdf, plt, rep.config)

    for name, _, _, fig in rep.figures:
        F.name_scope(fig, rep.scopes.get(name, rep.scopes.get(name.split("_")[0], rep.scope)))   # network_<msg>
        F.keep_inside(fig)
    drawn_now = {f"fig_{name}.{ext}" for name, *_ in rep.figures for ext in ("png", "svg")}
    for stale in folder.glob("fig_*.*"):          # a figure an earlier report drew and this one leaves out
        if stale.suffix in (".png", ".svg") and stale.name not in drawn_now:
            stale.unlink()
    for name, title, caption, fig in rep.figures:
        png, svg = folder / f"fig_{name}.png", folder / f"fig_{name}.svg"
        write_atomic(png, lambda tmp, fig=fig: fig.savefig(tmp, format="png"))
        write_atomic(svg, lambda tmp, fig=fig: fig.savefig(tmp, format="svg"))
        files[name] = png
        data = base64.b64encode(png.read_bytes()).decode()
        blocks.append(f"<figure><h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' "
                      f"src='data:image/png;base64,{data}'><figcaption>{html.escape(caption)}</figcaption></figure>")
    files["pdf"] = write_atomic(pdf_path, pdf_writer)
    for _, _, _, fig in rep.figures:
        plt.close(fig)
    missing = "".join(f"<li><b>{html.escape(t)}</b>: {html.escape(r)}</li>" for t, r in rep.missing)
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>influsim report: "
            f"{html.escape(folder.name)}</title><style>{STYLE_CSS}</style></head><body>"
            f"<h1>influsim report: {html.escape(rep.kind)} <code>{html.escape(folder.name)}</code></h1>"
            + (f"<p class='warning' id='warning'>{html.escape(rep.warning)}</p>" if rep.warning else "")
            + f"<p class='headline' id='headline'>{html.escape(rep.headline)}</p>" + "".join(blocks)
            + (f"<h2>Figures not drawn</h2><ul class='missing'>{missing}</ul>" if missing else "")
            + (f"<h2>{html.escape(rep.table_title)}</h2>{_table_html(rep.table)}" if rep.table is not None else "")
            + "".join(f"<h2>{html.escape(title)}</h2>{_table_html(table)}" for title, table in rep.tables)
            + f"<h2>Command</h2><pre>{html.escape(rep.command)}</pre>"
            + f"<details id='configuration'><summary><h2 style='display:inline'>Appendix: configuration</h2> "
            f"(click to open)</summary><pre>{html.escape(rep.config)}</pre></details>{CHECK_IMAGES}</body></html>")
    files["html"] = write_atomic(folder / "report.html", lambda tmp: Path(tmp).write_text(page))
    return files


def build_report(folder: str | Path, partial: bool | None = None) -> tuple[Report, dict[str, Path]]:
    """Report a run, comparison or sweep folder. A run or comparison without done.json is refused
    (DataError) with `partial=False`, reported with a "PARTIAL:" headline and a warning with
    `partial=True`; `partial=None` (Python callers that know the folder is complete, such as sim.run
    reporting its own run before it writes done.json) does not ask for done.json."""
    folder = Path(folder)
    kind = folder_kind(folder)
    warning = completeness(folder, kind, partial)
    rep = {"run": run_report, "comparison": comparison_report, "sweep": sweep_report}[kind](folder)
    if warning:
        rep.warning = warning
        rep.headline = f"PARTIAL: the folder is incomplete (no {DONE}). " + rep.headline
    return rep, write_report(rep)


USAGE = ("Write report.html, report.pdf and the figures (fig_*.png, fig_*.svg) of a run, comparison or sweep "
         "folder. A run or comparison folder must hold done.json (written when it finished).")


def main(argv=None) -> None:
    parser = CommandLine("python -m sim.report", USAGE)
    parser.add_argument("folder", type=Path, help="a run, comparison (experiment) or sweep folder")
    parser.add_argument("--partial", action="store_true",
                        help="report a run or comparison folder without done.json (killed or unfinished); the "
                             "headline then starts with PARTIAL")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    rep, files = exit_on_user_error(build_report, args.folder, args.partial)
    print(rep.headline)
    print(f"influsim: report in {files['html']} (and report.pdf, {len(rep.figures)} figure"
          f"{'' if len(rep.figures) == 1 else 's'} as PNG and SVG)")


if __name__ == "__main__":
    main()

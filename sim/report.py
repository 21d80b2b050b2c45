"""`python -m sim.report <folder>`: a one-page report for a run, a comparison or a sweep.

Writes into the folder `report.html` (self-contained: figures embedded, no network),
`report.pdf` (the same content as printable pages) and every figure as PNG and SVG
(`fig_*.png`, `fig_*.svg`). It opens with the answer in one sentence and its
uncertainty, then the figures, a table of the numbers behind them, and the exact
configuration and command. Every number is read from the result files; figures whose
data does not exist are listed with the reason.
"""
from __future__ import annotations

import base64
import html
import json
import logging
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from . import figures as F

log = logging.getLogger("sim")


@dataclass
class Report:
    folder: Path
    kind: str                           # run | comparison | sweep
    headline: str = ""
    figures: list = field(default_factory=list)      # (name, title, caption, matplotlib figure)
    missing: list = field(default_factory=list)      # (title, reason)
    table: pd.DataFrame | None = None
    table_title: str = ""
    config: str = ""
    command: str = ""
    drawn: dict = field(default_factory=dict)


def folder_kind(folder: Path) -> str:
    if (folder / "sweep.csv").exists():
        return "sweep"
    if (folder / "comparison.csv").exists():
        return "comparison"
    if (folder / "summary.json").exists() and (folder / "timeseries.parquet").exists():
        return "run"
    raise FileNotFoundError(f"{folder} holds no run (summary.json + timeseries.parquet), comparison "
                            "(comparison.csv) or sweep (sweep.csv)")


def _fmt(v, digits=0):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:,.{digits}f}"


def _hydra_files(folder: Path, fallback: dict | None = None):
    """The composed config and command Hydra saved; for runs made from Python, the config
    stored in summary.json."""
    config = (folder / ".hydra" / "config.yaml")
    overrides = folder / ".hydra" / "overrides.yaml"
    if config.exists():
        ov = yaml.safe_load(overrides.read_text()) if overrides.exists() else []
        return config.read_text(), "python -m sim.run " + " ".join(str(o) for o in ov or [])
    return (yaml.safe_dump(fallback, sort_keys=False) if fallback else "",
            "(run from Python: sim.run.run_scenario; the configuration below is complete)")


def paired_ratio(a: np.ndarray, b: np.ndarray):
    """Geometric-mean ratio a/b over paired replicates (same random streams) and its 95% interval."""
    ok = (a > 0) & (b > 0)
    logs = np.log(a[ok] / b[ok])
    if logs.size == 0:
        return None
    m = logs.mean()
    if logs.size < 2:
        return math.exp(m), math.exp(m), math.exp(m)
    half = stats.t.ppf(0.975, logs.size - 1) * logs.std(ddof=1) / math.sqrt(logs.size)
    return math.exp(m), math.exp(m - half), math.exp(m + half)


def final_values(series: pd.DataFrame, column: str) -> np.ndarray:
    total = series[series.message == "all"]
    last = total[total.hour == total.hour.max()].sort_values("replicate")
    return last[column].to_numpy(dtype=float)


# ---------------------------------------------------------------- the three kinds of folder
def _network_and_ranking(rep: Report, folder: Path, source: str, ranking_folder: Path | None = None):
    attribution = folder / "attribution.csv"
    if attribution.exists() and len(pd.read_csv(attribution)):
        fig, drawn = F.influence_network(pd.read_csv(attribution), {}, source)
        rep.figures.append(("network", "Influence network", "Who relayed to whom in replicate 0: each dot an "
                            "agent, coloured by kind and sized by the relays it caused; rows are relay hops.", fig))
        rep.drawn["network"] = drawn
    else:
        rep.missing.append(("Influence network", "no relays in attribution.csv (nobody passed the message on)"
                            if attribution.exists() else "no attribution.csv in this folder"))
    ranking = (ranking_folder or folder) / "influencers.csv"
    if ranking.exists():
        fig, drawn = F.influencer_ranking(pd.read_csv(ranking), source)
        rep.figures.append(("influencers", "Influencer ranking", "Top agents by influence score (expected useful "
                            "contacts caused, greedy order) next to their follower counts.", fig))
        rep.drawn["influencers"] = drawn
    else:
        rep.missing.append(("Influencer ranking", "no influencers.csv (written by runs with run.influencers=true "
                            "and by python -m sim.score)"))


def run_report(folder: Path) -> Report:
    rep = Report(folder, "run")
    s = json.loads((folder / "summary.json").read_text())
    series = pd.read_parquet(folder / "timeseries.parquet")
    m = s["metrics"]
    useful, share = m["useful_reach"], s["useful_reach_share"]
    cost = m["cost_per_useful_contact"]["mean"]
    spent = m["spent"]["mean"]
    rep.headline = (f"Campaign '{s['scenario']['campaign']}' made {_fmt(useful['mean'])} consumers in the target "
                    f"aware (95% interval {_fmt(useful['ci95'][0])} to {_fmt(useful['ci95'][1])}), "
                    f"{100 * share['mean']:.0f}% of the target's {s['target_consumers']:,}, and "
                    f"{_fmt(m['adoptions']['mean'])} agents adopted; it spent {_fmt(spent, 2)}"
                    + (f" ({_fmt(cost, 3)} per useful contact)." if cost else "."))
    source = F.source_line(s["replicates"], s["seed"])
    fig, drawn = F.diffusion({s["scenario"]["campaign"]: series}, source, "How the message spreads")
    rep.figures.append(("diffusion", "Diffusion curves", "Mean over replicates with 95% bands: who is aware, "
                        "aware inside the target, and has adopted, hour by hour.", fig))
    rep.drawn["diffusion"] = drawn
    rep.missing += [("Targeted vs mass", "a single campaign: run an experiment such as "
                     "experiment=targeted_vs_mass to compare strategies"),
                    ("Sweep heatmap", "not a sweep"), ("Budget curve", "not a sweep over campaign.budget")]
    _network_and_ranking(rep, folder, source)
    rows = [(name, v["mean"], v["ci95"][0], v["ci95"][1]) for name, v in m.items()]
    rep.table = pd.DataFrame(rows, columns=["metric", "mean", "ci95_low", "ci95_high"])
    rep.table_title = "Metrics (mean and 95% interval over replicates)"
    rep.config, rep.command = _hydra_files(folder, s.get("config"))
    return rep


def comparison_report(folder: Path) -> Report:
    rep = Report(folder, "comparison")
    table = pd.read_csv(folder / "comparison.csv")
    summary = json.loads((folder / "summary.json").read_text())
    series = {name: pd.read_parquet(folder / name / "timeseries.parquet") for name in table.scenario}
    ranked = table.sort_values("useful_reach_mean", ascending=False)
    best = ranked.iloc[0]
    other = table[table.kind == "mass"].iloc[0] if (table.kind == "mass").any() and best.kind != "mass" \
        else ranked.iloc[1]
    ratio = paired_ratio(final_values(series[best.scenario], "useful_reach"),
                         final_values(series[other.scenario], "useful_reach"))
    budget = summary["budget"]
    what = "mass impressions" if other.kind == "mass" else f"'{other.scenario}'"
    if ratio and (ratio[1] > 1.0 or ratio[2] < 1.0):
        rep.headline = (f"'{best.scenario}' reaches {ratio[0]:.2f}x as many of the target as {what} at the same "
                        f"{budget:,.0f} budget (95% interval {ratio[1]:.2f}x to {ratio[2]:.2f}x): "
                        f"{best.useful_reach_mean:,.0f} against {other.useful_reach_mean:,.0f} useful contacts.")
    elif ratio:      # the interval includes 1: no winner is named
        rep.headline = (f"'{best.scenario}' and {what} are not distinguishable on useful reach at the same "
                        f"{budget:,.0f} budget: ratio {ratio[0]:.2f}x, 95% interval {ratio[1]:.2f}x to "
                        f"{ratio[2]:.2f}x ({best.useful_reach_mean:,.0f} against {other.useful_reach_mean:,.0f} "
                        "useful contacts).")
    else:
        rep.headline = f"'{best.scenario}' has the largest useful reach ({best.useful_reach_mean:,.0f})."
    source = F.source_line(int(summary["replicates"]), summary["seed"], " Scenarios share random streams (paired).")
    fig, drawn = F.diffusion(series, source, "How the message spreads, per strategy")
    rep.figures.append(("diffusion", "Diffusion curves", "Mean over replicates with 95% bands, one line per "
                        "strategy.", fig))
    rep.drawn["diffusion"] = drawn
    fig, drawn = F.strategy_bars(table, source, budget)
    rep.figures.append(("strategies", "Targeted vs mass", "Useful reach, cost per useful contact and "
                        "amplification per strategy at the same budget, with 95% intervals.", fig))
    rep.drawn["strategies"] = drawn
    rep.missing += [("Sweep heatmap", "not a sweep"), ("Budget curve", "not a sweep over campaign.budget")]
    _network_and_ranking(rep, folder / best.scenario, source, ranking_folder=folder)
    cols = ["scenario", "kind", "strategy", "spent_mean", "useful_reach_mean", "useful_reach_ci95_low",
            "useful_reach_ci95_high", "reach_mean", "adoptions_mean", "useful_adoptions_mean",
            "cost_per_useful_contact_mean", "relays_mean"]
    rep.table = ranked[cols]
    rep.table_title = "Strategies ranked by useful reach (means; 95% interval of useful reach)"
    first = json.loads((folder / best.scenario / "summary.json").read_text()).get("config")
    rep.config, rep.command = _hydra_files(folder, first)
    return rep


def _swept(table: pd.DataFrame) -> list[str]:
    fixed = {"job", "status", "error", "scenario"}
    return [c for c in table.columns if c not in fixed and not c.endswith(("_mean", "_ci95_low", "_ci95_high"))
            and table[c].nunique(dropna=True) > 1]


def sweep_report(folder: Path, metric: str = "useful_reach") -> Report:
    rep = Report(folder, "sweep")
    table = pd.read_csv(folder / "sweep.csv")
    done = table[table.status == "done"]
    failed = table[table.status != "done"]
    params = _swept(done)
    if done.empty:
        rep.headline = f"No job of this sweep completed ({len(failed)} failed or incomplete)."
    else:
        best = done.sort_values(f"{metric}_mean", ascending=False).iloc[0]
        worst = done.sort_values(f"{metric}_mean").iloc[0]
        setting = ", ".join(f"{p}={best[p]}" for p in params) or best.job
        rep.headline = (f"Best of {len(done)} combinations for {metric.replace('_', ' ')}: {setting}, "
                        f"{best[f'{metric}_mean']:,.0f} (95% interval {best[f'{metric}_ci95_low']:,.0f} to "
                        f"{best[f'{metric}_ci95_high']:,.0f}), against {worst[f'{metric}_mean']:,.0f} for the "
                        f"worst" + (f"; {len(failed)} jobs failed." if len(failed) else "."))
    multirun = folder / "multirun.yaml"
    cfg = yaml.safe_load(multirun.read_text()) if multirun.exists() else {}
    reps_ = cfg.get("run", {}).get("replicates", "?")
    source = F.source_line(reps_, "per job (run.seed)")
    # axes for the strategist's choices; seeds (other worlds) are averaged over unless nothing else varies
    choices = [p for p in params if p != "run.seed"]
    grid_params = sorted(choices, key=lambda p: -done[p].nunique()) + ([p for p in params if p == "run.seed"]
                                                                      if len(choices) < 2 else [])
    if len(grid_params) >= 2:
        x, y = grid_params[0], grid_params[1]
        facet = grid_params[2] if len(grid_params) >= 3 else None
        fig, drawn = F.sweep_heatmap(done, metric, x, y, facet, source)
        rep.figures.append(("heatmap", "Sweep heatmap", f"Mean {metric.replace('_', ' ')} for each {x} x {y}"
                            + (f", one panel per {facet}" if facet else "") + "; other parameters averaged; best "
                            "cell outlined.", fig))
        rep.drawn["heatmap"] = drawn
    else:
        rep.missing.append(("Sweep heatmap", "fewer than two parameters took several values"))
    if "campaign.budget" in params:
        group = next((p for p in ("campaign", "campaign.strategy", "campaign.kind") if p in params), None)
        fig, drawn = F.budget_curve(done, "campaign.budget", group or "scenario", metric, source)
        rep.figures.append(("budget", "Budget curve", f"{metric.replace('_', ' ').capitalize()} against budget, "
                            "one line per strategy (95% intervals).", fig))
        rep.drawn["budget"] = drawn
    else:
        rep.missing.append(("Budget curve", "the sweep did not vary campaign.budget"))
    if not done.empty:
        best_dir = folder / best.job
        if (best_dir / "timeseries.parquet").exists():
            fig, drawn = F.diffusion({best.job: pd.read_parquet(best_dir / "timeseries.parquet")}, source,
                                     "How the message spreads in the best combination")
            rep.figures.insert(0, ("diffusion", "Diffusion curves", "The best combination's curves: mean over "
                                   "replicates with 95% bands.", fig))
            rep.drawn["diffusion"] = drawn
        if "campaign" in params:
            bars = done.groupby("campaign")[[c for c in done.columns if c.endswith(("_mean", "_ci95_low",
                                                                                    "_ci95_high"))]].mean()
            bars = bars.reset_index().rename(columns={"campaign": "scenario"})
            fig, drawn = F.strategy_bars(bars, source + " Averaged over the other parameters.",
                                         float(done.get("campaign.budget", pd.Series([np.nan])).mean())
                                         if "campaign.budget" in done else float("nan"))
            rep.figures.insert(1, ("strategies", "Targeted vs mass", "Per campaign, averaged over the other swept "
                                   "parameters.", fig))
            rep.drawn["strategies"] = drawn
        else:
            rep.missing.append(("Targeted vs mass", "the sweep did not vary the campaign"))
        _network_and_ranking(rep, best_dir, source)
    rep.table = done.sort_values(f"{metric}_mean", ascending=False)[
        params + [f"{metric}_mean", f"{metric}_ci95_low", f"{metric}_ci95_high", "spent_mean"]].head(30)
    rep.table_title = f"Combinations ranked by {metric.replace('_', ' ')} (top 30)"
    task = cfg.get("hydra", {}).get("overrides", {}).get("task", [])
    rep.config = multirun.read_text() if multirun.exists() else ""
    rep.command = "python -m sim.run -m " + " ".join(str(t) for t in task)
    return rep


# ---------------------------------------------------------------- writing
def _table_html(table: pd.DataFrame) -> str:
    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "n/a" if math.isnan(v) else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}")
        return html.escape(str(v))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in table.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE_CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1500px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}.headline{font-size:1.5em;line-height:1.4;background:#eef5fb;border-left:8px solid #0072B2;
padding:.6em 1em}figure{margin:2em 0}img{width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:1.05em;
color:#444}table{border-collapse:collapse;font-size:.95em}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:right}th{background:#f3f3f3}pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.85em}
.missing{color:#7a4b00}"""

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
            cover.text(0.05, 0.80, "\n".join(textwrap.wrap(rep.headline, 95)), fontsize=14, va="top", parse_math=False)
            lines = [f"- {t}: {c}" for _, t, c, _ in rep.figures] + [f"- missing: {t} ({r})" for t, r in rep.missing]
            cover.text(0.05, 0.55, "\n".join(textwrap.shorten(x, 150) for x in lines), fontsize=10, va="top",
                       parse_math=False)
            cover.text(0.05, 0.08, "Command: " + textwrap.shorten(rep.command, 150), fontsize=9, parse_math=False)
            pdf.savefig(cover)
            plt.close(cover)
            for _, _, _, fig in rep.figures:
                pdf.savefig(fig)
            if rep.table is not None:
                page = plt.figure(figsize=(11.69, 8.27))
                page.text(0.05, 0.95, rep.table_title, fontsize=14, weight="bold", va="top")
                page.text(0.03, 0.88, rep.table.head(30).to_string(index=False, float_format=lambda v: f"{v:,.3g}"),
                          family="monospace", fontsize=6.5, va="top", parse_math=False)
                pdf.savefig(page)
                plt.close(page)
            if rep.config:
                page = plt.figure(figsize=(8.27, 11.69))
                page.text(0.05, 0.97, "Configuration", fontsize=14, weight="bold", va="top")
                page.text(0.05, 0.94, "\n".join(rep.config.splitlines()[:110]), family="monospace", fontsize=6,
                          va="top", parse_math=False)
                pdf.savefig(page)
                plt.close(page)

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
            f"<p class='headline' id='headline'>{html.escape(rep.headline)}</p>" + "".join(blocks)
            + (f"<h2>Figures not drawn</h2><ul class='missing'>{missing}</ul>" if missing else "")
            + (f"<h2>{html.escape(rep.table_title)}</h2>{_table_html(rep.table)}" if rep.table is not None else "")
            + f"<h2>Command</h2><pre>{html.escape(rep.command)}</pre>"
            + f"<h2>Configuration</h2><pre>{html.escape(rep.config)}</pre>{CHECK_IMAGES}</body></html>")
    files["html"] = write_atomic(folder / "report.html", lambda tmp: Path(tmp).write_text(page))
    return files


def build_report(folder: str | Path) -> tuple[Report, dict[str, Path]]:
    folder = Path(folder)
    kind = folder_kind(folder)
    rep = {"run": run_report, "comparison": comparison_report, "sweep": sweep_report}[kind](folder)
    return rep, write_report(rep)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m sim.report <run, experiment or sweep folder>", file=sys.stderr)
        sys.exit(2)
    try:
        rep, files = build_report(argv[0])
    except FileNotFoundError as err:
        print(f"influsim: error: {err}", file=sys.stderr)
        sys.exit(2)
    print(rep.headline)
    print(f"influsim: report in {files['html']} (and report.pdf, {len(rep.figures)} figures as PNG and SVG)")


if __name__ == "__main__":
    main()

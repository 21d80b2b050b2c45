"""Every figure influsim draws, from result data only, in one projector-friendly style:
large fonts, colour-blind-safe colours (Okabe-Ito), units and a source line.

Each function takes data as stored in a result folder and returns `(figure, drawn)`:
the matplotlib figure (the caller saves it: `diffusion.png` in a run folder, PNG, SVG
and a PDF page in the report) and the numbers it drew, so tests can check a figure
against the stored data.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .formats import counted  # noqa: E402
from .intervals import NO_INTERVALS, interval_curve  # noqa: E402
from .kinds import KINDS  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE = {"font.size": 14, "axes.titlesize": 17, "axes.labelsize": 15, "legend.fontsize": 13,
         "xtick.labelsize": 13, "ytick.labelsize": 13, "axes.spines.top": False,
         "axes.spines.right": False}
KIND_COLOURS = {**{k.name: k.colour for k in KINDS}, "ad": OKABE_ITO[7]}
# one colour per plan, the same in every figure: Okabe-Ito without its yellow, which is
# nearly invisible as a line on white (contrast 1.3:1); plans beyond seven change the dash
PLAN_COLOURS = [c for c in OKABE_ITO if c != "#F0E442"]
PLAN_DASHES = ["-", "--", ":", "-."]
MAX_RELAYS_DRAWN = 400          # a relay tree with more nodes is a tangle, not a figure
CURVE_LABELS = {"reach": "Aware (reach)", "useful_reach": "Useful reach (aware in target)",
                "adopted": "Adopters", "relayed": "Relayers"}


def axis_number(v, _=None) -> str:
    """Tick labels: thousands separators for people and euros; small values as they are."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


def source_line(replicates, seed, extra: str = "") -> str:
    return f"Source: influsim result files; {counted(replicates, 'replicate')}, seed {seed}.{extra}"


def per_replicate(series: pd.DataFrame, column: str) -> np.ndarray:
    """replicates x hours array of one timeseries column (message 'all')."""
    total = series[series.message == "all"] if "message" in series else series
    return total.pivot(index="replicate", columns="hour", values=column).to_numpy(dtype=float)


def _finish(fig, source: str):
    fig.text(0.01, 0.01, source, fontsize=11, color="#444444")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return fig


HOUR_TICKS = [(1, "1 h"), (3, "3 h"), (6, "6 h"), (12, "12 h"), (24, "day 1"), (48, "day 2"), (96, "day 4"),
              (168, "week 1"), (336, "week 2"), (720, "month 1")]


def hours_axis(ax, hours: int, start=None) -> None:
    """Hours since the run's start on a log scale: the first 12 to 48 hours, where a
    campaign's curves move, get most of the width; a flat second week gets little."""
    ax.set_xscale("log")
    ticks = [(h, label) for h, label in HOUR_TICKS if h <= hours]
    ax.set_xticks([h for h, _ in ticks], [label for _, label in ticks])
    ax.minorticks_off()
    ax.set_xlim(1, hours)
    when = f"\nhour 0 = {pd.Timestamp(start).strftime('%a %d %b %Y %H:%M')}" if start is not None else ""
    ax.set_xlabel(f"Time since the start (log scale){when}")


def plan_colour(k: int) -> str:
    return PLAN_COLOURS[k % len(PLAN_COLOURS)]


def plan_dash(k: int) -> str:
    return PLAN_DASHES[(k // len(PLAN_COLOURS)) % len(PLAN_DASHES)]


def diffusion(series: dict[str, pd.DataFrame], source: str, title: str):
    """Aware, useful reach, adopters and relayers over time, one line (and 95% band) per
    scenario: `diffusion.png` of a run, `comparison.png` of a comparison, the report's figure.
    Several scenarios: the legend lists them by final useful reach, with its value, so lines
    drawn on top of each other can still be told apart."""
    drawn = {}
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2, 2, figsize=(16, 10), dpi=100, sharex=True)
        for ax, column in zip(axes.ravel(), CURVE_LABELS):
            for k, (name, frame) in enumerate(series.items()):
                values = per_replicate(frame, column)
                mean, low, high = interval_curve(values)
                x = np.arange(1, mean.size + 1)                 # each hour's end, in hours since the start
                ax.plot(x, mean, color=plan_colour(k), lw=2.4, label=name, ls=plan_dash(k))
                ax.fill_between(x, low, high, color=plan_colour(k), alpha=0.2, lw=0)
                drawn[f"{column}:{name}"] = mean
            ax.set_title(CURVE_LABELS[column])
            ax.set_ylabel("People (cumulative)")
            ax.yaxis.set_major_formatter(axis_number)
            first = next(iter(series.values()))
            hours_axis(ax, x.size, first.time.min() if "time" in first else None)
            if ax in axes[0]:
                ax.set_xlabel("")                               # the bottom row says it once per column
            ax.grid(alpha=0.3)
        if len(series) > 1:                                  # beside the panels, never over a line
            ranked_legend(axes[0, 1], {name: drawn[f"useful_reach:{name}"][-1] for name in series})
        fig.suptitle(title, fontsize=19)
    return _finish(fig, source), drawn


def ranked_legend(ax, finals: dict) -> None:
    """The legend beside the axes, highest final value first, each entry with its value."""
    handles = dict(zip(*reversed(ax.get_legend_handles_labels())))
    order = sorted(finals, key=lambda name: -finals[name])
    ax.legend([handles[n] for n in order], [f"{n}: {finals[n]:,.0f}" for n in order], title="final useful reach (mean)",
              loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, alignment="left")


STRATEGY_PANELS = [("useful_reach", "Useful reach", "people in the target", "{:,.0f}"),
                   ("useful_reach_per_euro", "Useful reach per euro", "people in the target per euro", "{:,.2f}"),
                   ("cost_per_adoption", "Cost per adoption (CPA)", "euros per person adopting", "{:,.2f}"),
                   ("cost_per_engagement", "Cost per engagement", "euros per like or comment", "{:,.3f}")]


def _bar_label(mean: float, fmt: str, unpaid: bool) -> str:
    """What a bar says: its value; for a per-euro figure of a plan that spent nothing, why
    there is none (an owned post's cost per adoption is not 0.00, the best of all)."""
    if unpaid:
        return "  no paid spend (EUR 0)"
    return "  n/a" if np.isnan(mean) else "  " + fmt.format(mean)


def strategy_bars(table: pd.DataFrame, source: str, budget: float):
    """Useful reach, useful reach per euro, cost per adoption and cost per engagement per
    strategy, with 95% intervals (a missing KPI column is drawn as n/a; a plan that spent
    nothing has no per-euro bars)."""
    panels = STRATEGY_PANELS
    drawn = {}
    t = table.copy()
    for metric, *_ in panels:
        for part in ("mean", "ci95_low", "ci95_high"):
            if f"{metric}_{part}" not in t:
                t[f"{metric}_{part}"] = np.nan
    spent = t["spent_mean"].to_numpy(dtype=float) if "spent_mean" in t else np.full(len(t), np.nan)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(panels), figsize=(24, 7), dpi=100)
        y, intervals = np.arange(len(t)), False
        for ax, (metric, title, unit, fmt) in zip(axes, panels):
            mean, low, high = (t[f"{metric}_{part}"].to_numpy(dtype=float)
                               for part in ("mean", "ci95_low", "ci95_high"))
            unpaid = (spent == 0) & (metric != "useful_reach")          # every panel but the first is per euro
            mean, low, high = (np.where(unpaid, np.nan, v) for v in (mean, low, high))
            ax.barh(y, np.nan_to_num(mean), color=[plan_colour(k) for k in range(len(t))], alpha=0.85)
            whisker = np.isfinite(low) & np.isfinite(high)                 # none for one replicate
            err = np.vstack([mean - low, high - mean])[:, whisker]
            ax.errorbar(mean[whisker], y[whisker], xerr=err, fmt="none", ecolor="black", capsize=4, lw=1.5)
            intervals |= whisker.any()
            for yi, m, h, u in zip(y, mean, high, unpaid):
                ax.text(0 if np.isnan(m) else np.nanmax([m, h]), yi, _bar_label(m, fmt, u),
                        va="center", fontsize=12)
            ax.set_xlim(0, 1.25 * np.nanmax(np.concatenate([high, mean, [1e-9]])))     # high is NaN: one replicate
            ax.xaxis.set_major_formatter(axis_number)
            ax.set_yticks(y, list(t.scenario))
            ax.invert_yaxis()
            ax.set_title(title)
            ax.set_xlabel(unit)
            ax.grid(axis="x", alpha=0.3)
            drawn[metric] = mean
            if ax is not axes[0]:
                ax.set_yticklabels([])
        money = (f"at the same budget (EUR {budget:,.0f})" if budget is not None and np.isfinite(budget)
                 else "averaged over the sweep's budgets and other parameters")
        what = "whiskers = 95% interval" if intervals else NO_INTERVALS
        fig.suptitle(f"Plans {money}: bars = mean, {what}", fontsize=19)
    return _finish(fig, source), drawn


def sweep_heatmap(table: pd.DataFrame, metric: str, x: str, y: str, facet: str | None, source: str):
    """A metric over two swept parameters (mean over the others); the highest mean outlined (a
    description, not a verdict: the report's headline says what is distinguishable)."""
    col = f"{metric}_mean"
    facets = sorted(table[facet].dropna().unique(), key=str) if facet else [None]
    drawn = {}
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(facets), figsize=(7.5 * len(facets) + 2, 7.5), dpi=100, squeeze=False)
        grids = {f: (table if f is None else table[table[facet] == f]).pivot_table(
            index=y, columns=x, values=col, aggfunc="mean") for f in facets}
        best_value = max(np.nanmax(g.to_numpy(dtype=float)) for g in grids.values())
        # the scale starts at zero, as a bar would: a 5% difference is a shade, not purple against yellow
        vmin = min(0.0, min(np.nanmin(g.to_numpy(dtype=float)) for g in grids.values()))
        vmax = best_value
        for ax, f in zip(axes[0], facets):
            grid = grids[f]
            values = grid.to_numpy(dtype=float)
            image = ax.imshow(values, cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
            ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns], rotation=20)
            ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
            ax.set_xlabel(x)
            ax.set_ylabel(y)
            if facet:
                ax.set_title(f"{facet} = {f}")
            for (i, j), v in np.ndenumerate(values):
                ax.text(j, i, f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}", ha="center", va="center",
                        color="white" if v < (vmin + vmax) / 2 else "black", fontsize=13)
            i, j = np.unravel_index(np.nanargmax(values), values.shape)
            best_here = np.isclose(values[i, j], best_value)
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=5 if best_here else 2,
                                       ec="#D55E00" if best_here else "white"))
            drawn[str(f)] = grid
        fig.subplots_adjust(left=0.1, right=0.86, bottom=0.22, top=0.76, wspace=0.35)
        bar = fig.colorbar(image, cax=fig.add_axes([0.89, 0.22, 0.015, 0.54]), label=metric.replace("_", " ") + " (mean; scale from 0)")
        bar.ax.yaxis.set_major_formatter(axis_number)
        fig.suptitle(f"{metric.replace('_', ' ').capitalize()} across the sweep\n(mean over other parameters; "
                     "highest mean outlined in orange)", fontsize=17)
        fig.text(0.01, 0.01, source, fontsize=11, color="#444444")
    return fig, drawn


def budget_curve(table: pd.DataFrame, budget: str, group: str, metric: str, source: str):
    """A metric against budget, one line (with 95% intervals) per strategy."""
    drawn = {}
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(12, 7), dpi=100)
        for k, (name, part) in enumerate(table.groupby(group)):
            part = part.groupby(budget)[[f"{metric}_mean", f"{metric}_ci95_low", f"{metric}_ci95_high"]].mean()
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.plot(part.index, part[f"{metric}_mean"], "o-", color=colour, lw=2.4, label=str(name))
            ax.fill_between(part.index, part[f"{metric}_ci95_low"], part[f"{metric}_ci95_high"],
                            color=colour, alpha=0.2, lw=0)
            drawn[str(name)] = part[f"{metric}_mean"]
        ax.set_xlabel("Budget (euros)")
        ax.set_ylabel(metric.replace("_", " ") + " (people)")
        ax.set_title(f"{metric.replace('_', ' ').capitalize()} against budget")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
    return _finish(fig, source), drawn


def tree_layout(edges: pd.DataFrame):
    """Layered positions for a forest: y = depth, x = order of leaves under each root."""
    children: dict[int, list[int]] = {}
    for src, dst in zip(edges.source, edges.agent):
        children.setdefault(int(src), []).append(int(dst))
    targets = set(int(a) for a in edges.agent)
    roots = [r for r in children if r not in targets]
    pos, next_x = {}, [0.0]

    def place(node, depth):
        kids = children.get(node, [])
        if not kids:
            pos[node] = (next_x[0], -depth)
            next_x[0] += 1
            return pos[node][0]
        xs = [place(k, depth + 1) for k in kids]
        pos[node] = (sum(xs) / len(xs), -depth)
        return pos[node][0]

    for root in sorted(roots, key=lambda r: -len(children.get(r, []))):
        place(root, 0)
        next_x[0] += 1
    return pos


def unreadable_network(edges: pd.DataFrame) -> str:
    """Why a relay tree is left out of a report ('' when it can be drawn): beyond a few
    hundred relays its dots and lines merge into a tangle that says nothing."""
    if len(edges) > MAX_RELAYS_DRAWN:
        return (f"{len(edges):,} relays in replicate 0, too many to draw readably (at most {MAX_RELAYS_DRAWN}); "
                "who relayed to whom is listed in attribution.csv")
    return ""


def influence_network(edges: pd.DataFrame, source: str):
    """Who relayed one message to whom in replicate 0: accounts coloured by kind, sized by
    the relays they caused, one row per relay hop."""
    edges = edges.copy()
    message = str(edges.message.iloc[0])
    ads = edges.source < 0                       # each ad-caused relay hangs from its own "ad" node
    edges.loc[ads, "source"] = -(np.flatnonzero(ads.to_numpy()) + 10)
    pos = tree_layout(edges)
    caused = edges.groupby("source").size()
    drawn = {"caused": caused, "edges": len(edges)}
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(16, 9), dpi=100)
        for src, dst in zip(edges.source, edges.agent):
            (x0, y0), (x1, y1) = pos[int(src)], pos[int(dst)]
            ax.plot([x0, x1], [y0, y1], color="#999999", lw=0.6, zorder=1)
        nodes = list(pos)
        kind_of = {**{int(a): k for a, k in zip(edges.agent, edges.agent_kind)},
                   **{int(s): (k if s >= 0 else "ad") for s, k in zip(edges.source, edges.source_kind)}}
        for kind, colour in KIND_COLOURS.items():
            group = [v for v in nodes if kind_of.get(v) == kind]
            if not group:
                continue
            ax.scatter([pos[v][0] for v in group], [pos[v][1] for v in group],
                       s=[20 + 25 * caused.get(v, 0) for v in group], color=colour, label=kind,
                       edgecolor="white", lw=0.5, zorder=2)
        depths = sorted({int(y) for _, y in pos.values()})
        ax.set_yticks(depths, [str(-d) for d in depths])
        ax.set_ylabel("Relay hops from the campaign's own posts")
        ax.set_xticks([])
        ax.set_title(f"Influence network of message '{message}': who relayed to whom "
                     f"(replicate 0, {len(edges):,} relaying accounts)")
        ax.legend(title="account kind (size = relays caused)", frameon=False, loc="lower right")
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    return _finish(fig, source), drawn


def account_label(row: dict) -> str:
    """'#3 @anna_cooks (micro blogger)' for a named account; a synthetic one has no handle,
    so it is described by what a planner buys: '#3 micro blogger, 21,480 followers'."""
    kind = " ".join(str(row[k]) for k in ("tier", "kind") if isinstance(row.get(k), str) and row.get(k))
    name = str(row.get("name") or "")
    if name and name != f"agent {row['agent']}":
        return f"#{row['rank']} {name} ({kind})"
    return f"#{row['rank']} {kind}, {row['followers']:,.0f} followers"


def no_followers(influencers: pd.DataFrame) -> str:
    """Why an influencer figure is left out ('' when it is meaningful): in a world without a
    follower network (everyone meets everyone) nobody has an audience to sponsor."""
    if len(influencers) and not (influencers.followers > 0).any():
        return ("no account has followers (a fully mixed world, network 'mixed'): there is no audience to "
                "sponsor; the scores are in influencers.csv")
    return ""


def influencer_ranking(influencers: pd.DataFrame, source: str, top: int = 15):
    """Top agents by influence score, next to their follower counts."""
    t = influencers.head(top)
    drawn = {"agent": t.agent.tolist(), "influence": t.influence.to_numpy(), "followers": t.followers.to_numpy()}
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(16, 8), dpi=100, sharey=True)
        y = np.arange(len(t))
        labels = [account_label(row) for row in t.to_dict("records")]
        colours = [KIND_COLOURS.get(k, OKABE_ITO[7]) for k in t.kind]
        left.barh(y, t.influence, color=colours)
        left.set_yticks(y, labels)
        left.invert_yaxis()
        left.set_title("Influence: expected useful contacts caused")
        left.set_xlabel("people in the target")
        right.barh(y, t.followers, color=colours, alpha=0.6)
        right.set_title("Followers")
        right.set_xlabel("followers on the platform")
        for ax in (left, right):
            ax.grid(axis="x", alpha=0.3)
            ax.xaxis.set_major_formatter(axis_number)
        fig.suptitle("Who to sponsor, in greedy order (each adds the most new useful contacts), not by followers",
                     fontsize=17)
    return _finish(fig, source), drawn


def name_scope(fig, scope: str) -> None:
    """Say in the figure which plan, message and replicates it shows: a line under its
    overall title (or under its only axes' title)."""
    if not scope:
        return
    if fig._suptitle is not None and fig._suptitle.get_text():
        fig._suptitle.set_text(f"{fig._suptitle.get_text()}\n{scope}")
    elif len(fig.axes) == 1:
        ax = fig.axes[0]
        ax.set_title(f"{ax.get_title()}\n{scope}" if ax.get_title() else scope)
    else:
        fig.suptitle(scope, fontsize=14)


def keep_inside(fig, pad: float = 0.15) -> None:
    """Grow the figure (and move everything in it) until every text drawn lies inside it:
    titles, labels and legends are never cut at the edge."""
    fig.set_layout_engine("none")
    fig.draw_without_rendering()                                  # positions and ticks, no pixels
    box = fig.get_tightbbox(fig.canvas.get_renderer())           # inches
    width, height = fig.get_size_inches()
    left, bottom = max(0.0, pad - box.x0), max(0.0, pad - box.y0)
    right, top = max(0.0, box.x1 - width + pad), max(0.0, box.y1 - height + pad)
    if not any((left, bottom, right, top)):
        return
    new_w, new_h = width + left + right, height + bottom + top
    for ax in fig.axes:
        p = ax.get_position()
        ax.set_position([(p.x0 * width + left) / new_w, (p.y0 * height + bottom) / new_h,
                         p.width * width / new_w, p.height * height / new_h])
    for text in fig.texts + ([fig._suptitle] if fig._suptitle is not None else []):
        x, y = text.get_position()
        text.set_position(((x * width + left) / new_w, (y * height + bottom) / new_h))
    fig.set_size_inches(new_w, new_h)

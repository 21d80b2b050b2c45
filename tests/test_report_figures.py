"""Every report figure says which plan, message and replicates it shows, and no title,
label, tick label or legend is cut at the figure's edge (issue 16), for each report kind."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from .conftest import REPORT_KINDS, ROOT

def in_view(labels, limits, axis: int) -> list:
    """Tick labels at ticks inside the axis's view (matplotlib keeps, but does not draw, the others)."""
    low, high = sorted(limits)
    span = (high - low) * 1e-9
    return [t for t in labels if low - span <= t.get_position()[axis] <= high + span]


def drawn_texts(fig):
    """The texts a reader sees: figure texts, titles, axis labels, tick labels in view, legends."""
    fig.canvas.draw()
    texts = list(fig.texts) + ([fig._suptitle] if fig._suptitle is not None else [])
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        texts += in_view(ax.get_xticklabels(), ax.get_xlim(), 0) + in_view(ax.get_yticklabels(), ax.get_ylim(), 1)
        if ax.get_legend() is not None:
            texts += list(ax.get_legend().get_texts())
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def outside(fig) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)                        # the report closed its figures; draw them again off-screen
    texts = drawn_texts(fig)
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    out = []
    for t in texts:
        box = t.get_window_extent(renderer)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            out.append(t.get_text()[:60])
    return out


def titles(fig) -> str:
    parts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    return " | ".join(parts + [ax.get_title() for ax in fig.axes if ax.get_title()])


def expected_scopes(kind, folder) -> dict:
    """figure name -> a phrase its title must hold, read from the folder's files (not the report's code)."""
    if kind in ("run", "mix"):
        s = json.loads((folder / "summary.json").read_text())
        messages = " + ".join(f"'{m}'" for m in s["scenario"]["messages"])
        phrase = f"Plan '{s['scenario']['campaign']}'; message{'s' if len(s['scenario']['messages']) > 1 else ''} " \
                 f"{messages}; {s['replicates']} replicates"
        return {"*": phrase}
    if kind == "comparison":
        table = pd.read_csv(folder / "comparison.csv")
        best = table.sort_values("useful_reach_mean", ascending=False).scenario.iloc[0]
        return {"*": f"{len(table)} plans at EUR 50,000", "network": f"Plan '{best}' (the most useful reach)",
                "influencers": f"Plan '{best}' (the most useful reach)"}
    jobs = pd.read_csv(folder / "sweep.csv")
    done = jobs[jobs.status == "done"]
    return {"*": f"Sweep of {done.job.nunique()} finished jobs", **{k: "Leading combination: " for k in
                                                                   ("diffusion", "network", "influencers")}}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(REPORT_KINDS))
def test_each_figure_names_what_it_shows_and_nothing_is_cut(report_folders, kind):
    import matplotlib
    matplotlib.use("Agg")
    from sim.report import build_report
    rep, _ = build_report(report_folders[kind])
    assert len(rep.figures) >= 3
    scopes = expected_scopes(kind, report_folders[kind])
    for name, _, _, fig in rep.figures:
        assert scopes.get(name, scopes["*"]) in titles(fig), (name, titles(fig))
        assert outside(fig) == [], (name, outside(fig))
    if kind.endswith("sweep"):
        leading = next(titles(f) for n, _, _, f in rep.figures if n == "diffusion").split("Leading combination: ")[1]
        assert (report_folders[kind] / leading.split(";")[0]).is_dir()          # it names a real job of the sweep


def contrast_with_white(colour) -> float:
    """WCAG contrast ratio of a colour against white (relative luminance, sRGB)."""
    from matplotlib.colors import to_rgb
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def figure(rep, name):
    return next(f for n, _, _, f in rep.figures if n == name)


@pytest.mark.slow
def test_comparison_lines_are_visible_and_listed_by_final_useful_reach(report_folders):
    """Lines drawn on top of each other stay readable through the legend, which lists the
    plans by comparison.csv's useful reach, with its value; no line is pale yellow on white."""
    from sim.report import build_report
    rep, _ = build_report(report_folders["comparison"])
    table = pd.read_csv(report_folders["comparison"] / "comparison.csv").sort_values("useful_reach_mean", ascending=False)
    fig = figure(rep, "diffusion")
    legend = next(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)
    assert [t.get_text() for t in legend.get_texts()] == [f"{s}: {v:,.0f}" for s, v in
                                                          zip(table.scenario, table.useful_reach_mean)]
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    assert len(lines) == 4 * len(table)
    assert min(contrast_with_white(line.get_color()) for line in lines) >= 2.0      # Okabe-Ito yellow: 1.3
    styles = {(line.get_color(), line.get_linestyle()) for line in fig.axes[0].get_lines()}
    assert len(styles) == len(table)                   # no two plans drawn alike


@pytest.mark.slow
def test_a_plan_that_spent_nothing_has_no_cost_bars(report_folders):
    """An owned post's cost per adoption is not 0.00 (which reads as the best): the per-euro
    panels say it spent nothing; plans that spent show their values."""
    from sim.report import build_report
    rep, _ = build_report(report_folders["comparison"])
    table = pd.read_csv(report_folders["comparison"] / "comparison.csv")
    assert (table.spent_mean == 0).any() and (table.spent_mean > 0).any()
    fig = figure(rep, "strategies")
    formats = {"useful_reach_per_euro": "{:,.2f}", "cost_per_adoption": "{:,.2f}", "cost_per_engagement": "{:,.3f}"}
    for ax, (metric, fmt) in zip(fig.axes[1:], formats.items()):
        said = {round(t.get_position()[1]): t.get_text().strip() for t in ax.texts}
        for k, row in enumerate(table.to_dict("records")):
            wanted = "no paid spend (EUR 0)" if row["spent_mean"] == 0 else fmt.format(row[f"{metric}_mean"])
            assert said[k] == wanted, (metric, row["scenario"])
            assert np.isnan(rep.drawn["strategies"][metric][k]) == (row["spent_mean"] == 0)    # no bar drawn


@pytest.mark.slow
def test_a_message_mix_has_each_message_s_curves_and_numbers(report_folders):
    from sim.report import build_report
    rep, _ = build_report(report_folders["mix"])
    series = pd.read_parquet(report_folders["mix"] / "timeseries.parquet")
    last = series[series.hour == series.hour.max()]
    expected = last.pivot_table(index="message", values="useful_reach", aggfunc="mean")["useful_reach"]
    messages = [m for m in series.message.unique() if m != "all"]
    assert len(messages) == 2
    for m in messages:
        assert rep.drawn["messages"][f"useful_reach:{m}"][-1] == pytest.approx(expected[m])
    title, table = next((t, tb) for t, tb in rep.tables if t.startswith("Each message"))
    assert table.set_index("message").useful_reach.to_dict() == pytest.approx(expected.to_dict())
    networks = [n for n, *_ in rep.figures if n.startswith("network")]
    attribution = pd.read_csv(report_folders["mix"] / "attribution.csv")
    assert len(networks) == attribution.message.nunique()            # one relay tree per message
    for name in networks:
        message = "launch" if name == "network" else name.split("_", 1)[1]
        assert f"message '{message}'" in titles(figure(rep, name))


@pytest.mark.slow
def test_the_heatmap_colour_scale_starts_at_zero(report_folders):
    """A 5% difference is a shade of one colour, not dark purple against bright yellow."""
    from sim.report import build_report
    rep, _ = build_report(report_folders["sweep"])
    image = figure(rep, "heatmap").axes[0].get_images()[0]
    low, high = image.get_clim()
    table = pd.read_csv(report_folders["sweep"] / "sweep.csv")
    assert low == 0 and high == pytest.approx(table.useful_reach_mean.max())


@pytest.mark.slow
def test_figures_that_mean_nothing_for_a_run_are_left_out_with_the_reason(tmp_path):
    """Bass's fully mixed world: nobody has followers and replicate 0 has 10,000 relays, so
    the influencer figure and the relay tree are left out, saying why; a figure file an
    earlier report drew for the folder is removed, not left stale."""
    from sim.report import build_report
    done = subprocess.run([sys.executable, "-m", "sim.run", "experiment=bass", "run.replicates=2", "run.report=false",
                           f"hydra.run.dir={tmp_path}"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (tmp_path / "fig_network.png").write_bytes(b"stale")
    rep, _ = build_report(tmp_path)
    relays = len(pd.read_csv(tmp_path / "attribution.csv"))
    assert relays > 400 and (pd.read_csv(tmp_path / "influencers.csv").followers == 0).all()
    reasons = dict(rep.missing)
    assert f"{relays:,} relays in replicate 0, too many to draw readably" in reasons["Influence network"]
    assert "no account has followers" in reasons["Influencer ranking"]
    assert [n for n, *_ in rep.figures] == ["diffusion"] and not (tmp_path / "fig_network.png").exists()

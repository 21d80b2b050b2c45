"""Every report figure says which plan, message and replicates it shows, and no title,
label, tick label or legend is cut at the figure's edge (issue 16), for each report kind."""
import json
import subprocess
import sys

import pandas as pd
import pytest

from .conftest import ROOT

SMALL = ["population=small", "run.days=3", "run.replicates=3"]
KINDS = {"run": ["-m", "sim.run"], "comparison": ["-m", "sim.run", "experiment=targeted_vs_mass"],
         "mix": ["-m", "sim.run", "experiment=teaser_launch"],
         "sweep": ["-m", "sim.run", "-m", "campaign=mass,targeted", "message=launch,hard_sell"],
         "budget_sweep": ["-m", "sim.run", "-m", "campaign=mass,targeted", "campaign.budget=10000,30000"]}


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("kinds")
    out = {}
    for kind, argv in KINDS.items():
        folder = base / kind
        where = f"hydra.sweep.dir={folder}" if "-m" in argv[2:] else f"hydra.run.dir={folder}"
        done = subprocess.run([sys.executable, *argv, *SMALL, where], cwd=ROOT, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        out[kind] = folder
    return out


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
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_figure_names_what_it_shows_and_nothing_is_cut(folders, kind):
    import matplotlib
    matplotlib.use("Agg")
    from sim.report import build_report
    rep, _ = build_report(folders[kind])
    assert len(rep.figures) >= 3
    scopes = expected_scopes(kind, folders[kind])
    for name, _, _, fig in rep.figures:
        assert scopes.get(name, scopes["*"]) in titles(fig), (name, titles(fig))
        assert outside(fig) == [], (name, outside(fig))
    if kind.endswith("sweep"):
        leading = next(titles(f) for n, _, _, f in rep.figures if n == "diffusion").split("Leading combination: ")[1]
        assert (folders[kind] / leading.split(";")[0]).is_dir()          # it names a real job of the sweep

"""The meeting room's what-if page: `make app` or `python -m sim.app [--port 8765] [--host 127.0.0.1]`.

Built with Solara, the web framework Mesa's own SolaraViz is made of (SolaraViz steps one
model at a time; this page reruns a dozen replicates per change, so it uses Solara's
components directly). Controls for the message, the target, the world and two plans A
and B side by side; each change reruns `REPLICATES` replicates of both plans on common
random numbers and redraws the useful-reach curves, the headlines, the paired difference
and the relay tree of one replicate. "Save plan A" writes a plan file `sim.run` accepts.
The page binds to 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

import solara

from .whatif import SLIDERS, STRATEGIES, TARGETS, WhatIf, full_report, headline, save, scenario_of

REPLICATES = 12
EXAMPLE_MARKET = Path(__file__).resolve().parents[1] / "experiments" / "example_market"
# the market a plan is tried in: Hydra overrides of `make run`'s configuration
WORLDS = {"default market (2,000,000 people)": ("population=default",),
          "small market (test size)": ("population=small",)}
if (EXAMPLE_MARKET / "accounts.csv").exists():        # a brand's own accounts and follower export, loaded
    WORLDS["example brand's market (its accounts and follower export)"] = (
        f"accounts={EXAMPLE_MARKET / 'accounts.csv'}", "network=followers",
        f"network.path={EXAMPLE_MARKET / 'follows.csv.gz'}")
PLAN_KEYS = [c.key for c in SLIDERS if c.key.startswith(("campaign.", "timing."))] + ["campaign.strategy"]
SHARED_KEYS = [c.key for c in SLIDERS if c.key.startswith("message.")] + ["target.segments"]
SAVE_DIR = Path(os.environ.get("INFLUSIM_APP_DIR", "outputs/app"))

_engines: dict = {}


@functools.cache
def base_config(world: tuple[str, ...]):
    """The configuration of `make run` in that market (Hydra composes it once; callers copy it)."""
    from .command_line import composed
    return composed(*world, "run.report=false")


def engine(world: tuple[str, ...]) -> WhatIf:
    """The world of that name, built once per process, on first use."""
    if world not in _engines:
        _engines[world] = WhatIf(base_config(world), REPLICATES)
    return _engines[world]


def start_values(world: tuple[str, ...]) -> dict:
    return scenario_of(base_config(world))


world_name = solara.reactive(next(iter(WORLDS)))
shared = solara.reactive(start_values(next(iter(WORLDS.values()))))
plan_a = solara.reactive({k: v for k, v in shared.value.items() if k in PLAN_KEYS})
plan_b = solara.reactive({**plan_a.value, "campaign.channels.ads": 0.0,
                          "campaign.channels.sponsored.micro": plan_a.value["campaign.channels.sponsored.micro"] + 20_000})
saved = solara.reactive("")


def _set(state, key, value):
    state.value = {**state.value, key: value}


@solara.component
def PlanControls(title: str, state):
    with solara.Card(title):
        for c in SLIDERS:
            if c.key in PLAN_KEYS:
                if c.step >= 1:
                    solara.SliderInt(f"{c.label}: {state.value[c.key]:,.0f}", value=int(state.value[c.key]), min=int(c.low), max=int(c.high),
                                     step=int(c.step), on_value=lambda v, k=c.key: _set(state, k, v))
                else:
                    solara.SliderFloat(f"{c.label}: {state.value[c.key]:,.0f}", value=float(state.value[c.key]), min=c.low, max=c.high, step=c.step,
                                       on_value=lambda v, k=c.key: _set(state, k, v))
        solara.Select("How sponsored accounts are chosen", values=STRATEGIES, value=state.value["campaign.strategy"],
                      on_value=lambda v: _set(state, "campaign.strategy", v))
        spent = sum(v for k, v in state.value.items() if k.startswith("campaign.channels."))
        solara.Text(f"Budget: EUR {spent:,.0f}")


@solara.component
def MessageControls():
    with solara.Card("Message, target and market"):
        for c in SLIDERS:
            if c.key in SHARED_KEYS:
                solara.SliderFloat(f"{c.label}: {shared.value[c.key]:.2f}", value=float(shared.value[c.key]), min=c.low, max=c.high, step=c.step,
                                   on_value=lambda v, k=c.key: _set(shared, k, v))
        target = next((n for n, seg in TARGETS.items() if seg == list(shared.value["target.segments"])),
                      next(iter(TARGETS)))
        solara.Select("Target", values=list(TARGETS), value=target,
                      on_value=lambda v: _set(shared, "target.segments", TARGETS[v]))
        solara.Select("Market", values=list(WORLDS), value=world_name.value, on_value=world_name.set)


@solara.component
def Results():
    from .app_figures import reach_figure, relay_tree_figure
    what = engine(WORLDS[world_name.value])
    a = {**shared.value, **plan_a.value}
    b = {**shared.value, **plan_b.value}
    ra, rb, diff, sentence = solara.use_memo(lambda: what.compare(a, b), dependencies=[repr(a), repr(b),
                                                                                        world_name.value])
    with solara.Div(classes=["headline-a"]):
        solara.Markdown(f"**Plan A.** {headline(ra)}")
    solara.Markdown(f"**Plan B.** {headline(rb)}")
    with solara.Div(classes=["difference"]):
        solara.Markdown(f"**A against B ({REPLICATES} common replicates):** {sentence}.")
    solara.FigureMatplotlib(reach_figure(ra, rb, REPLICATES), format="png")
    solara.FigureMatplotlib(relay_tree_figure(ra), format="png")
    with solara.Row():
        solara.Button("Save plan A as a scenario file", on_click=lambda: save_and_report(a, WORLDS[world_name.value]))
    if saved.value:
        with solara.Div(classes=["saved"]):
            solara.Markdown(f"Saved `{saved.value}`: run it with `python -m sim.run plan={saved.value} "
                            f"{' '.join(WORLDS[world_name.value])} run.replicates={REPLICATES}`")
    ReportLink()


def save_and_report(values: dict, world: tuple[str, ...]) -> None:
    saved.set(str(save(values, SAVE_DIR)))
    write_full_report(saved.value, world)


@solara.lab.task
def write_full_report(plan_file: str, world: tuple[str, ...]) -> str:
    return str(full_report(plan_file, world, REPLICATES))


@solara.component
def ReportLink():
    """Where the saved scenario's full report stands: being written, failed, or a link to it."""
    if write_full_report.pending:
        solara.Text(f"Writing its full report (python -m sim.run, {REPLICATES} replicates)...")
    elif write_full_report.error:
        solara.Error(f"The full report failed: {write_full_report.exception}")
    elif write_full_report.finished and write_full_report.value:
        with solara.Div(classes=["report-link"]):
            solara.Link("/report", children=[solara.Button("Open its full report")])
        solara.Text(f"(also on disk: {write_full_report.value} and report.pdf beside it)")


@solara.component
def FullReport():
    """The saved scenario's report.html, as sim.run wrote it, inside the page."""
    solara.Link("/", children=[solara.Button("Back to the what-if page")])
    path = write_full_report.value if write_full_report.finished else None
    if not path:
        solara.Markdown("No report yet: save a plan on the what-if page first.")
        return
    solara.HTML(tag="iframe", classes=["full-report"], style="width: 100%; height: 85vh; border: 0",
                attributes={"srcdoc": Path(path).read_text()})


@solara.component
def Page():
    solara.Title("influsim: what if")
    with solara.Columns([1, 2]):
        with solara.Column():
            MessageControls()
            PlanControls("Plan A", plan_a)
            PlanControls("Plan B", plan_b)
        with solara.Column():
            Results()


@solara.component
def Layout(children=[]):
    """No navigation bar (Solara's default one needs a newer ipyvuetify): the pages link to each other."""
    solara.Column(children=children)


routes = [solara.Route(path="/", component=Page, label="What if", layout=Layout),
          solara.Route(path="report", component=FullReport, label="Full report")]


def main(argv: list[str] | None = None) -> None:
    """Serve the page (solara's server) on 127.0.0.1 unless --host says otherwise."""
    ap = argparse.ArgumentParser(prog="python -m sim.app", description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args(argv)
    print(f"influsim: the what-if page is at http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    os.execv(sys.executable, [sys.executable, "-m", "solara", "run", "sim.app", "--host", args.host,
                              "--port", str(args.port), "--production", "--no-open"])


if __name__ == "__main__":
    main()

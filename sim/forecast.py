"""Command line: `python -m sim.forecast observed=reshares.csv forecast.at_hours=3 [forecast.baseline=true]`.

Forecasts a running post's final reshares, reach and adoptions from the first
`forecast.at_hours` hours of its reshare log (`sim.forecasting`: learn from those hours,
continue the observed cascade on the world, price the what-ifs on the same random
numbers), with SEISMIC's point forecast (`sim.seismic`) beside it. Writes into the run
folder `forecast.json` (README, "Calibrate and forecast"), `forecast_runs.parquet` (one row
per replicate and plan) and `report.html` / `report.pdf` with `fig_forecast.png`.
"""
from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .command_line import CONFIG_DIR, fail, launch, to_config
from .errors import ConfigError, DataError
from .formats import counted

log = logging.getLogger("sim")


def one_account_per_agent(cfg):
    """A reshare log counts accounts: the forecast's world has one account per agent."""
    if cfg.population.scale != 1:
        log.info(f"population.scale {cfg.population.scale:g} -> 1: a reshare log counts accounts, so the forecast "
                 "simulates one account per agent")
        cfg.population.scale = 1.0
    return cfg


def baseline_of(events, at_seconds: float) -> dict:
    from .seismic import forecast
    f = forecast(events.seconds, events.followers, at_seconds)
    return {"method": "SEISMIC (Zhao et al. 2015, KDD)", "final_reshares": None if math.isinf(f.final) else f.final,
            "infectiousness": f.infectiousness, "supercritical": math.isinf(f.final)}


def run_forecast(cfg, events, outdir: Path) -> dict:
    """Learn, continue, price the what-ifs; write forecast_runs.parquet and the figure; the summary."""
    from . import forecasting as F
    from .calendar import horizon
    from .inference import check_priors
    from .model import InfluenceModel
    from .population import build_world
    fc, hours = cfg.forecast, cfg.forecast.at_hours
    priors = check_priors(cfg, fc.params, "forecast.params")
    seen = events.until(hours)
    world, cache = build_world(cfg), {}
    base = InfluenceModel(cfg, world=world, cache=cache, actions=[])
    try:
        placed = F.placed_log(base, seen, hours + 1)
        plans = F.variants(fc, base, hours + 1)
    except ValueError as err:
        raise DataError(f"{events.path}: {err}") from None
    finally:
        base.release()
    observed = F.observed_running(seen, hours + 1)
    log.info(f"{events.path}: {seen.reshares:,} reshares in the first {counted(hours, 'hour')}, placed on "
             f"{world[0].size:,} accounts; learning {', '.join(p.name for p in priors)} from {fc.draws:,} draws")
    sets, _ = F.learn(cfg, world, cache, placed[0], observed, priors, fc.draws, fc.accept, progress=log.info)
    runs = F.continue_runs(cfg, world, cache, placed, hours + 1, sets, fc.replicates, plans, progress=log.info)
    table = _runs_table(runs, sets)
    table.to_parquet(outdir / "forecast_runs.parquet", index=False)
    summary = _summary(cfg, events, seen, runs, sets, priors, horizon(cfg))
    _report(outdir, summary, _figure(runs, observed, summary))
    return summary


def _runs_table(runs, sets) -> pd.DataFrame:
    frames = []
    for plan, curves in runs.curves.items():
        n = curves["reshares"].shape[0]
        frame = pd.DataFrame({"plan": plan, "replicate": np.arange(n), "spent_eur": runs.spent[plan]})
        for outcome, values in curves.items():
            frame[f"final_{outcome}"] = values[:, -1]
        for name in sets[0]:
            frame[name] = [sets[k % len(sets)][name] for k in range(n)]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _summary(cfg, events, seen, runs, sets, priors, hours) -> dict:
    from . import forecasting as F
    from .inference import weighted_interval
    first = next(iter(runs.curves))
    out = {"observed": events.path, "at_hours": cfg.forecast.at_hours, "observed_reshares_at_hours": seen.reshares,
           "horizon_hours": hours, "replicates": cfg.forecast.replicates, "plan": first,
           **{f"final_{o}": F.spread(runs.final(first, o)) for o in F.OUTCOMES},
           "baseline": baseline_of(events, cfg.forecast.at_hours * 3600.0),
           "learnt": {p.name: dict(zip(("low", "high"), weighted_interval([s[p.name] for s in sets],
                                                                          np.ones(len(sets)), 0.9)))
                      for p in priors},
           "what_if": []}
    for plan in list(runs.curves)[1:]:
        out["what_if"].append({"plan": plan, "spent_eur": float(runs.spent[plan].mean()),
                               "final_reshares": F.spread(runs.final(plan)),
                               "difference": F.paired(runs.final(plan), runs.final(first))})
    return out


def _figure(runs, observed: np.ndarray, summary: dict):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .figures import OKABE_ITO
    first = next(iter(runs.curves))
    sims = runs.curves[first]["reshares"]
    x = np.arange(sims.shape[1])
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for (lo, hi), alpha in (((2.5, 97.5), 0.15), ((10, 90), 0.3)):
        ax.fill_between(x[1:], *np.percentile(sims[:, 1:], [lo, hi], axis=0), color=OKABE_ITO[0], alpha=alpha,
                        label=f"{first}: {hi - lo:g}% of {sims.shape[0]} runs")
    ax.plot(x[1:], np.median(sims[:, 1:], axis=0), color=OKABE_ITO[0], label=f"{first}: median")
    for k, plan in enumerate(list(runs.curves)[1:]):
        ax.plot(x[1:], np.median(runs.curves[plan]["reshares"][:, 1:], axis=0), color=OKABE_ITO[k + 1], ls="--",
                label=f"{plan}: median")
    ax.plot(np.arange(1, observed.size), observed[1:], "o", color="black", ms=4,
            label=f"observed (first {counted(summary['at_hours'], 'hour')})")
    b = summary["baseline"]["final_reshares"]
    if b is not None:
        ax.axhline(b, color="grey", ls=":", label=f"SEISMIC final size {b:,.0f}")
    ax.set(xscale="log", xlabel="hours after the post", ylabel="reshares (running total)",
           title=f"Forecast of {Path(summary['observed']).name} from its first {counted(summary['at_hours'], 'hour')}")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def _report(outdir: Path, s: dict, fig) -> None:
    """report.html / report.pdf: the forecast, the what-ifs, the figure."""
    from .report import Report, hydra_files, write_report
    rows = [(s["plan"], np.nan, s["final_reshares"]["median"], *s["final_reshares"]["interval_80"],
             *s["final_reshares"]["interval_95"], np.nan, np.nan, np.nan)]
    for w in s["what_if"]:
        f, d = w["final_reshares"], w["difference"]
        rows.append((w["plan"], w["spent_eur"], f["median"], *f["interval_80"], *f["interval_95"], d["mean"],
                     *d["ci95"]))
    table = pd.DataFrame(rows, columns=["plan", "extra EUR spent", "median reshares", "80% from", "80% to", "95% from",
                                        "95% to", "paired difference", "difference 95% from", "difference 95% to"])
    lines = report_lines(s, True)
    rep = Report(outdir, "forecast", headline=" ".join(x.strip() for x in lines[:3]), table=table,
                 table_title="Final reshares per plan (percentiles of the runs; paired differences on the same "
                             "parameter sets and random numbers)",
                 figures=[("forecast", "Reshares: observed and forecast", f"Running total of reshares: the log's "
                           f"first {counted(s['at_hours'], 'hour')} (dots) and {counted(s['replicates'], 'continuation')} per plan "
                           "(median, 80% and 95% bands of the plan as it is; medians of the what-ifs).", fig)])
    rep.config, rep.command = hydra_files(outdir, entry="sim.forecast")
    write_report(rep)


def _interval_text(s: dict) -> str:
    return (f"{s['median']:,.0f} (80% interval {s['interval_80'][0]:,.0f} to {s['interval_80'][1]:,.0f}; "
            f"95% interval {s['interval_95'][0]:,.0f} to {s['interval_95'][1]:,.0f})")


def report_lines(s: dict, baseline: bool) -> list[str]:
    """What the command prints: influsim's forecast, SEISMIC's beside it, the what-ifs."""
    lines = [f"Forecast from the first {counted(s['at_hours'], 'hour')} of {s['observed']} ({s['observed_reshares_at_hours']:,} "
             f"reshares so far), at {s['horizon_hours']:,} hours after the post, over {counted(s['replicates'], 'run')}:",
             f"  influsim: {_interval_text(s['final_reshares'])} reshares; reach {_interval_text(s['final_reach'])} "
             f"people; adoptions {_interval_text(s['final_adoptions'])}"]
    if baseline:
        b = s["baseline"]
        value = "no finite size (supercritical: the process would not stop)" if b["supercritical"] \
            else f"{b['final_reshares']:,.0f} reshares (point forecast)"
        lines.append(f"  baseline, {b['method']}: {value}")
    for w in s["what_if"]:
        d = w["difference"]
        lines.append(f"  what if we {w['plan']} (EUR {w['spent_eur']:,.0f} spent): {_interval_text(w['final_reshares'])}"
                     f" reshares; paired difference {d['mean']:+,.1f} (95% interval {d['ci95'][0]:+,.1f} to "
                     f"{d['ci95'][1]:+,.1f}): {d['verdict']}")
    return lines


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .observed import read_event_log
    start = time.perf_counter()
    try:
        cfg = one_account_per_agent(to_config(dcfg))
        if not cfg.observed:
            raise ConfigError("observed", "is required: observed=reshares.csv, the post's reshare log")
        events = read_event_log(cfg.observed)
        outdir = Path(HydraConfig.get().runtime.output_dir)
        summary = run_forecast(cfg, events, outdir)
    except (ConfigError, DataError) as err:
        fail(str(err))
    (outdir / "forecast.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("\n".join(report_lines(summary, cfg.forecast.baseline)))
    print(f"influsim: forecast in {time.perf_counter() - start:.0f} s: {outdir / 'forecast.json'}, "
          "forecast_runs.parquet, report.html (fig_forecast.png)")


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.forecast [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()

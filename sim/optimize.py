"""Command line: `python -m sim.optimize [optimize=default|robust|pareto] [overrides]`.

Searches the plan's levers (`optimize.levers`, `sim.optimizing`) for the best value of
`optimize.objective` (or the Pareto front of `optimize.objectives`) under the campaign's
budget with Optuna (TPE, NSGA-II, or random search), each plan judged over the draws of
the unknowns (`optimize.uncertain` / `optimize.posterior`, `sim.robust`) by
`optimize.statistic`; then confirms the best `optimize.top` plans and the hand-written
plans of `optimize.against` on `optimize.confirm_replicates` common random streams.
Writes into the run folder: `study.journal` (Optuna's; rerunning the same command
continues it; `optimize.workers` local processes or `optimize.worker` helpers can share
it), `best_plan.yaml` (`python -m sim.run plan=best_plan.yaml` runs it; `plans/` for a
front), `optimize.json`, `trials.csv` and `report.html` / `report.pdf` (`sim.optimize_report`).
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import hydra
import numpy as np
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .command_line import CONFIG_DIR, fail, launch, to_config
from .errors import ConfigError, DataError

log = logging.getLogger("sim")


def cheapest_option(cfg, world, levers) -> float:
    """Euros of the cheapest thing a levered channel can buy: one paid impression (which
    reaches population.scale people), or one sponsored post."""
    from .kinds import BRAND
    from .model import InfluenceModel
    prices = []
    if any(lv.share and not lv.name.endswith(tuple(f"sponsored.{t}" for t in ("nano", "micro", "macro", "mega")))
           for lv in levers):
        prices.append(cfg.campaign.cpm / 1000.0 * cfg.population.scale)
    if any(".sponsored." in lv.name for lv in levers if lv.share):
        model = InfluenceModel(cfg, world=world, actions=[])
        costs = model.seed_costs[model.population.kind != BRAND]
        model.release()
        prices.append(float(costs[costs > 0].min()) if (costs > 0).any() else 0.0)
    return min(prices) if prices else 0.0


def prepare(cfg):
    """(search, cheapest option's euros): the checked levers, the world, the unknowns."""
    from .campaign import budget_of
    from .optimizing import Search, check_choices, check_levers
    from .population import build_world
    from .robust import draw_unknowns
    o = cfg.optimize
    levers = check_levers(cfg, o.levers, o.choices)
    choices = check_choices(cfg, o.choices)
    unknowns = draw_unknowns(cfg, o.uncertain, o.posterior, o.draws, o.seed)
    clash = sorted({lv.name for lv in levers} & set(unknowns.names if unknowns else []))
    if clash:
        raise ConfigError("optimize.uncertain", f"{clash[0]} is a lever, so it cannot also be an unknown")
    search = Search(cfg, build_world(cfg), levers, budget_of(cfg.campaign), choices, unknowns, cache={})
    return search, cheapest_option(cfg, search.world, levers)


def hand_written_best(search) -> dict:
    """metric -> per draw, the best mean of the hand-written plans on the search's streams
    (the reference of regret during the search)."""
    from .optimizing import better, objectives_of, outcomes, scenario
    from .robust import per_draw_reference
    o, metrics = search.cfg.optimize, objectives_of(search.cfg.optimize)
    found = [outcomes(scenario(search.cfg, overrides, search.budget), search.world, search.cache, search.unknowns,
                      metrics, o.replicates) for overrides in o.against.values()]
    return {m: per_draw_reference(np.stack([f[m].mean(axis=1) for f in found]), better(m)) for m in metrics}


def confirm(search, plans: list[dict]) -> dict:
    """name -> metric -> draws x replicates, on confirm_replicates common streams the
    search never saw (run.seed + 1000: a plan chosen for its luck on the search's streams
    gets no credit for it), for the plans found and the hand-written plans of `optimize.against`."""
    import copy

    from .inference import set_values
    from .optimizing import objectives_of, outcomes, scenario
    o = search.cfg.optimize
    cfg = copy.deepcopy(search.cfg)
    cfg.run.seed += 1000
    metrics, s = objectives_of(o), search

    def run(c):
        return outcomes(c, s.world, s.cache, s.unknowns, metrics, o.confirm_replicates)
    out = {f"plan {k + 1} (trial {p['trial']})": run(set_values(cfg, p["values"])) for k, p in enumerate(plans)}
    out.update({name: run(scenario(cfg, overrides, s.budget)) for name, overrides in o.against.items()})
    return out


_READY = None       # in a local helper process: released once its world is built (search_in_parallel waits)


def _remember(ready) -> None:
    global _READY
    _READY = ready


def helper(cfg, journal: str, worker: int) -> int:
    """A helper process: fills the study of `journal` with trials until it has enough."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .optimizing import completed, run_study
    search, _ = prepare(cfg)
    if cfg.optimize.statistic == "regret":
        search.reference = hand_written_best(search)
    if _READY is not None:
        _READY.release()
    return completed(run_study(search, journal, worker=worker))


def search_in_parallel(search, journal: str, log_line):
    """Run the study with `optimize.workers` local processes (this one included) on one journal."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .optimizing import run_study
    o = search.cfg.optimize
    if o.workers == 1:
        return run_study(search, journal, log=log_line, worker=o.worker)
    search.cfg.run.threads = max(1, (os.cpu_count() or 1) // o.workers)
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Semaphore(0)
    with ProcessPoolExecutor(o.workers - 1, mp_context=spawn, initializer=_remember, initargs=(ready,)) as pool:
        helpers = [pool.submit(helper, search.cfg, journal, w) for w in range(1, o.workers)]
        # start together (the helpers' start-up, a few seconds, would otherwise let this process
        # run a short study alone); a helper that failed is reported by its result below
        for _ in helpers:
            while not ready.acquire(timeout=1.0) and not any(h.done() for h in helpers):
                pass
        study = run_study(search, journal, log=log_line)
        for h in helpers:
            h.result()
    return study


def finished(outdir: Path, files, start: float) -> None:
    """done.json: in a sweep (several helpers on one journal, launched by Hydra), the job counts as done."""
    from .jobs import write_done
    write_done(outdir, files, HydraConfig.get().overrides.task, time.perf_counter() - start, metrics=False)


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .optimize_report import headline, summarise, write_outputs, write_report
    from .optimizing import objectives_of, top_plans
    start = time.perf_counter()
    try:
        cfg = to_config(dcfg)
        o = cfg.optimize
        search, cheapest = prepare(cfg)
        if search.budget <= 0 or search.budget < cheapest:
            raise ConfigError("campaign.channels", f"the budget EUR {search.budget:,.2f} (the channels' total) is below "
                              f"the cheapest option of the levers, EUR {cheapest:,.2f}")
        if o.worker and not o.journal:
            raise ConfigError("optimize.worker", "a helper needs optimize.journal, the study file it shares")
        outdir = Path(HydraConfig.get().runtime.output_dir)
        journal = o.journal or str(outdir / "study.journal")
        levers = [lv.name for lv in search.levers] + list(search.choices)
        log.info(f"optimizing {' and '.join(objectives_of(o))} ({o.statistic}) at EUR {search.budget:,.0f} over "
                 f"{', '.join(levers)}: {o.trials} trials x {o.replicates} replicates ({o.sampler}"
                 f"{f', {o.workers} workers' if o.workers > 1 else ''})")
        if search.unknowns:
            log.info(f"each plan meets {search.unknowns.source}")
        if o.statistic == "regret":
            search.reference = hand_written_best(search)
        study = search_in_parallel(search, journal, log.info)
    except (ConfigError, DataError) as err:
        fail(str(err))
    if o.worker:
        finished(outdir, [], start)
        print(f"influsim: helper {o.worker} done; {journal} holds the study")
        return
    plans = top_plans(study, o.top)
    log.info(f"confirming {len(plans)} plans found and {len(o.against)} hand-written ones on {o.confirm_replicates} "
             "replicates" + (f" x {len(search.unknowns)} draws" if search.unknowns else ""))
    summary = summarise(cfg, plans, confirm(search, plans), search.budget, search.unknowns)
    write_outputs(outdir, study, summary)
    write_report(outdir, study, summary)
    finished(outdir, [outdir / name for name in ("best_plan.yaml", "optimize.json", "trials.csv", "report.html")], start)
    print("\n".join(headline(summary)))
    print(f"influsim: optimized in {time.perf_counter() - start:.0f} s: {outdir / 'best_plan.yaml'}, optimize.json, "
          "trials.csv, study.journal, report.html")


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.optimize [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()

"""Benchmark: simulations per second of the loops that run many short simulations in one
process (issue 14), on the default world (configs/) built once, kernels compiled once:

- calibration: one call of `sim.inference.abc_model` per particle, as `sim.calibrate`
  runs it (a model per particle on the shared world, one replicate, the whole campaign);
- replicates in threads: `sim.results.simulate` with 60 replicates on numba's threads;
- forecast: `sim.forecasting.learn` (prior draws over the first 3 hours) and
  `continue_runs` (continuations of a post's cascade to the horizon), at one account per
  agent as `sim.forecast` runs them.

    python experiments/bench/inference_loop.py [--tiny]     # also printed by make bench

Prints a table; asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _rate(fn, count: int) -> tuple[float, float]:
    fn(2)                                                     # compile and warm up
    start = time.perf_counter()
    fn(count)
    seconds = time.perf_counter() - start
    return seconds, count / seconds


def calibration_loop(cfg, world, count):
    from sim.inference import abc_model, check_priors
    priors = check_priors(cfg, cfg.calibrate.params)
    model = abc_model(cfg, world, priors, [cfg.run.days * 24 - 1], ["shares", "adoptions"])
    rng = np.random.default_rng(1)

    def calls(n):
        for _ in range(n):
            model({p.label: rng.uniform(p.low, p.high) for p in priors})
    return _rate(calls, count)


def threaded_replicates(cfg, world, count):
    import copy

    from sim.results import simulate

    def run(n):
        c = copy.deepcopy(cfg)
        c.run.replicates = n
        simulate(c, world=world, progress=lambda line: None)
    return _rate(run, count)


def forecast_loops(cfg, count):
    import copy

    from sim.cascade import PostBy, synthetic_log
    from sim.forecasting import continue_runs, learn, observed_running, placed_log
    from sim.inference import check_priors, set_parameters
    from sim.kinds import BLOGGER
    from sim.model import InfluenceModel
    from sim.population import build_world
    c = copy.deepcopy(cfg)
    c.population.scale = 1.0
    world, cache = build_world(c), {}
    bloggers = np.flatnonzero(world[0].kind == BLOGGER)
    author = int(bloggers[np.argmax(world[1].follower_counts[bloggers])])
    truth = set_parameters(c, {"message.interest": 0.8, "diffusion.relay_max.consumer": 0.2})
    model = InfluenceModel(truth, world=world, cache=cache, actions=[PostBy(author)])
    seen = synthetic_log(model, author, 1, 1).until(3)
    placed = placed_log(model, seen, 4)
    model.release()
    priors = check_priors(c, c.forecast.params, "forecast.params")
    observed = observed_running(seen, 4)
    sets, _ = learn(c, world, cache, author, observed, priors, 10, 5)
    first = _rate(lambda n: learn(c, world, cache, author, observed, priors, n, 1), count)
    then = _rate(lambda n: continue_runs(c, world, cache, placed, 4, sets, n, {"as planned": []}), count)
    return first, then


def table(tiny: bool = False) -> None:
    from sim.command_line import composed
    from sim.population import build_world
    cfg = composed(*(["population=small"] if tiny else []), "run.report=false", "run.influencers=false",
                   "run.plot=false")
    world = build_world(cfg)
    n = 10 if tiny else 60
    rows = [("calibration (abc_model, one per particle)", n, *calibration_loop(cfg, world, n)),
            (f"replicates in {numba.get_num_threads()} threads (simulate)", n, *threaded_replicates(cfg, world, n))]
    (t1, r1), (t2, r2) = forecast_loops(cfg, n * 4)
    rows += [("forecast: learning draws (3 hours each)", n * 4, t1, r1),
             ("forecast: continuations to the horizon", n * 4, t2, r2)]
    consumers = cfg.population.consumers
    print(f"Inference loops on the default world ({consumers:,} consumers, {cfg.run.days} days hourly; forecast at "
          "one account per agent), in process, kernels compiled once")
    print("| loop | simulations | seconds | simulations/s |")
    print("|------|-------------|---------|---------------|")
    for name, count, seconds, rate in rows:
        print(f"| {name} | {count:,} | {seconds:.2f} | {rate:,.1f} |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tiny", action="store_true", help="the small population (what the tests do)")
    table(ap.parse_args().tiny)

"""Compile numba's kernels into its on-disk cache before the test workers start (conftest).

Two halves, run in two processes at once (19 s here, against 29 s for a run of the small world
beside the influence ranking, which both built the world):
  python -m tests.warm_kernels model   # the model's hour, the default plan's actions and the run's
                                       # metrics, on a hand-built world (no world generator)
  python -m tests.warm_kernels world   # the world generator, the influence ranking, the IC kernel
"""
import sys

import numpy as np


def _sorted_csr(n, source, follower):
    """What `sim.worldgen.follower_csr` returns, by numpy sorts: the world half compiles that
    kernel; compiling it here too cost this half 6.7 s (for distinct links without self-follows)."""
    order = np.lexsort((follower, source))
    indptr = np.zeros(n + 1, np.int64)
    indptr[1:] = np.cumsum(np.bincount(source, minlength=n))
    indices = follower[order].astype(np.int32)
    by_follower = np.lexsort((source[order], indices))          # out-CSR edge ids, by follower then source
    in_indptr = np.zeros(n + 1, np.int64)
    in_indptr[1:] = np.cumsum(np.bincount(indices, minlength=n))
    return indptr, indices, in_indptr, source[order][by_follower].astype(np.int32), by_follower.astype(np.int64)


def model_kernels() -> None:
    from unittest import mock

    from sim.model import InfluenceModel
    from sim.results import simulate

    from sim.config import Config

    from .tiny import BLOGGER, BRAND, CONSUMER, tiny_model
    cfg = Config()                                       # the default plan: posts, sponsored posts, ads
    cfg.run.hours, cfg.run.replicates, cfg.run.threads = 48, 2, 1
    cfg.target.segments = [0]                            # the hand-built world has one segment
    kinds = [BRAND, BLOGGER, BLOGGER] + [CONSUMER] * 200
    edges = [(s, f) for s in range(3) for f in range(3, 203)] + [(f, f + 1) for f in range(3, 202)]
    with mock.patch("sim.network.follower_csr", _sorted_csr):
        world = tiny_model(cfg, kinds, edges, actions=[])
    simulate(cfg, model=InfluenceModel(cfg, world=(world.population, world.network)), progress=lambda line: None)


def world_kernels() -> None:
    from sim.command_line import composed
    from sim.ic import independent_cascade
    from sim.influencers import influence_table
    influence_table(composed("population=small"), top=5, rows=5)
    independent_cascade(np.array([0, 1, 1]), np.array([1], dtype=np.int32), [0], 0.5, 2)


if __name__ == "__main__":
    {"model": model_kernels, "world": world_kernels}[sys.argv[1]]()

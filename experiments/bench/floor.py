"""The floor of one exposure: what the full model cannot avoid per exposure, on arrays of
the sizes the model really uses, in the order the model meets them (random readers and
follow links), measured on this machine in the same run as the model.

One exposure, at the least, reads its follower's activity and draws whether it is online
(delivery), reads and writes the reader's state record (`kernels.HOT`, 64 bytes) and reads
its constants (`kernels.STATIC`, 32 bytes), marks the follow link as a source (one byte per
link) and draws the three decisions the rules need (relay, adoption, a like or comment).
Everything else the model does per exposure (inbox routing, attention, credit, commit,
the hours an offline follower is not yet online) is above this floor.

    python experiments/bench/floor.py          # prints the floor at 100,000 and 1,000,000 agents
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sim import kernels as K  # noqa: E402
from sim.rng import draw_from, draw_prefix  # noqa: E402

EXPOSURES = 2_000_000        # sampled exposures per timing


@njit(cache=True)
def _exposures(readers, links, activity, hot, static, seen_edge, prefix):
    """The unavoidable work of each (reader, link) exposure; returns a checksum."""
    total = 0
    for k in range(readers.size):
        i, e = readers[k], links[k]
        if draw_from(prefix, i, 0, 0) < activity[i]:          # online (delivery)
            total += 1
        h, a = hot[0, i], static[0, i]
        h.views += 1
        seen_edge[0, e] = 1
        total += draw_from(prefix, i, e, 1) < a.relay_cap     # relay
        total += draw_from(prefix, i, e, 2) < a.relevance_w   # adoption
        total += draw_from(prefix, i, e, 3) < a.scepticism    # engagement
    return total


def floor_ns(agents: int, links: int, repeat: int = 3, seed: int = 5) -> float:
    """Median ns per exposure over `repeat` timings, on arrays for `agents` agents and `links` follow links."""
    gen = np.random.default_rng(seed)
    activity = gen.random(agents)
    hot, static = np.zeros((1, agents), K.HOT), np.zeros((1, agents), K.STATIC)
    static["relay_cap"], static["relevance_w"], static["scepticism"] = gen.random((3, 1, agents))
    seen_edge = np.zeros((1, links), np.uint8)
    readers, edges = gen.integers(0, agents, EXPOSURES), gen.integers(0, links, EXPOSURES)
    prefix = draw_prefix(np.uint64(11), 1, 0)
    _exposures(readers[:10], edges[:10], activity, hot, static, seen_edge, prefix)      # compiled / loaded
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        _exposures(readers, edges, activity, hot, static, seen_edge, prefix)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / EXPOSURES * 1e9


if __name__ == "__main__":
    print("| agents | follow links | floor ns/exposure |")
    for n in (100_000, 1_000_000):
        print(f"| {n:>9,} | {10 * n:>12,} | {floor_ns(n, 10 * n):17.1f} |")

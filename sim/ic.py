"""The independent-cascade special case, as a dedicated fast kernel.

When every exposure relays with the same probability p, everyone is online, a post is
seen in the next hour and each relayer posts once, the model is the independent cascade
(README, "Special cases"; tested against exact expectations). `independent_cascade`
runs that case directly, for large graphs and many replicates:
- only the frontier is visited; each reached node tries its out-links by geometric
  jumps (one draw per success, not per link);
- "already reached" marks are per-thread one-byte stamps, cleared only every 255
  cascades (small enough to stay in cache);
- replicates run in parallel (`prange`), each on its own counter-based stream, so the
  result does not depend on the number of threads.
"""
from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from .rng import _M64, draw_from, draw_prefix, stream_keys

IC_PURPOSE = 10


@njit(cache=True, parallel=True)
def _cascades(indptr, indices, seeds, p, keys, sizes, links, workers, marks, fronts, stamps):
    reps = keys.size
    log_q = math.log1p(-p) if p < 1.0 else -1.0
    for w in prange(workers):          # worker w runs replicates w, w + workers, ...
        mark = marks[w]
        front = fronts[w]
        for r in range(w, reps, workers):
            stamp = stamps[w] + 1
            if stamp > 255:            # one-byte stamps: clear the marks every 255 cascades
                mark[:] = 0
                stamp = 1
            stamps[w] = stamp
            _one_cascade(indptr, indices, seeds, p, log_q, keys[r], np.uint8(stamp), mark, front, sizes,
                         links, r)


@njit(cache=True)
def _one_cascade(indptr, indices, seeds, p, log_q, key, stamp, mark, front, sizes, links, r):
    """One cascade: breadth-first over the frontier, out-links tried by geometric jumps."""
    nf = 0
    for s in seeds:
        if mark[s] != stamp:
            mark[s] = stamp
            front[0, nf] = s
            nf += 1
    size, examined, cur = nf, 0, 0
    while nf > 0:
        ng = 0
        for a in range(nf):
            j = front[cur, a]
            start = indptr[j]
            degree = indptr[j + 1] - start
            examined += degree
            if p <= 0.0 or degree == 0:
                continue
            prefix = draw_prefix(key, IC_PURPOSE, j)      # = draw(key, IC_PURPOSE, j, k, 0, 0)
            pos, k = -1, 0
            while True:                 # the next successful link is a geometric jump away
                if p >= 1.0:
                    pos += 1
                else:
                    u = draw_from(prefix, k, 0, 0)
                    k += 1
                    pos += int(math.log1p(-u) / log_q) + 1
                if pos >= degree:
                    break
                i = indices[start + pos]
                if mark[i] != stamp:
                    mark[i] = stamp
                    front[1 - cur, ng] = i
                    ng += 1
        cur = 1 - cur
        nf = ng
        size += ng
    sizes[r] = size
    links[r] = examined


_WORKSPACE: dict = {}


def _workspace(n: int, workers: int):
    """Marks and frontiers kept between calls. Marks are one-byte stamps (a cascade's
    number modulo 255), so they are cleared only every 255 cascades and stay small
    enough for the cache (1 MB per thread at a million nodes)."""
    ws = _WORKSPACE.get((n, workers))
    if ws is None:
        _WORKSPACE.clear()
        ws = _WORKSPACE[(n, workers)] = {"marks": np.zeros((workers, n), np.uint8),
                                        "fronts": np.empty((workers, 2, n), np.int32),
                                        "stamps": np.zeros(workers, np.int64)}
    return ws


def independent_cascade(indptr, indices, seeds, p: float, replicates: int, seed: int = 0):
    """Final cascade sizes (replicates,) and links examined (out-links of reached nodes)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability, got {p}")
    indptr = np.asarray(indptr, np.int64)
    keys = stream_keys(np.uint64(seed & _M64), replicates)
    sizes = np.zeros(replicates, np.int64)
    links = np.zeros(replicates, np.int64)
    workers = max(1, min(numba.get_num_threads(), replicates))
    ws = _workspace(indptr.size - 1, workers)
    _cascades(indptr, np.asarray(indices, np.int32), np.asarray(seeds, np.int64), float(p), keys, sizes, links,
              workers, ws["marks"], ws["fronts"], ws["stamps"])
    return sizes, links

"""Numba kernels for building a world: sampling by cumulative weights and the follower
graph's CSR arrays. Each returns exactly what the NumPy code it replaces returned (the
random draws stay NumPy's, on the named streams), only faster for a million agents."""
from __future__ import annotations

import numpy as np
import numba
from numba import njit, prange


@njit(cache=True)
def guide_table(cum):
    """guide[b]: the first index past the b-th of len(cum) equal slices of [0, cum[-1]]."""
    n = cum.size
    guide = np.empty(n + 1, np.int64)
    total = cum[-1] if n else 0.0
    i = 0
    for b in range(n + 1):
        edge = total * (b / n) if n else 0.0
        while i < n and cum[i] <= edge:
            i += 1
        guide[b] = i
    return guide


@njit(cache=True, inline="always")
def guided_search(cum, guide, v):
    """np.searchsorted(cum, v, side="right") from the guide's slice of v: a few steps."""
    n = cum.size
    if n == 0:
        return 0
    total = cum[-1]
    b = min(max(int(v / total * n), 0), n) if total > 0 else 0
    i = guide[b]
    while i > 0 and cum[i - 1] > v:          # the slice's rounding put v before its guide
        i -= 1
    while i < n and cum[i] <= v:
        i += 1
    return i


@njit(cache=True)
def picks_so_far(cum, draws, chosen, size):
    """np.unique(np.concatenate([chosen, np.minimum(np.searchsorted(cum, draws, side="right"),
    size - 1)])): the sorted distinct candidates picked so far."""
    picked = np.empty(chosen.size + draws.size, np.int64)
    picked[:chosen.size] = chosen
    at = 0
    for k, v in enumerate(np.sort(draws)):   # in increasing order, each search starts at the last
        step = 1
        while at + step < cum.size and cum[at + step - 1] <= v:
            step *= 2                        # gallop, then bisect the last stride
        at = at + np.searchsorted(cum[at:min(at + step, cum.size)], v, side="right")
        picked[chosen.size + k] = min(at, size - 1)
    if 16 * picked.size < size:              # few picks: sort them
        picked.sort()
        kept = 0
        for k in range(picked.size):
            if kept == 0 or picked[k] != picked[kept - 1]:
                picked[kept] = picked[k]
                kept += 1
        return picked[:kept]
    mark = np.zeros(size, np.bool_)          # many: mark them and read the marks in order
    for c in picked:
        mark[c] = True
    return np.flatnonzero(mark)


@njit(cache=True)
def link_groups(inside, follower, segment, segments):
    """Group of each consumer link (0: outside its follower's segment; 1 + k: inside
    segments[k], the sorted segment ids), its place among its group's links (0, 1, ... in
    link order) and the count of links in each group."""
    where = np.full(segments.max() + 1 if segments.size else 1, -1, np.int64)
    for k in range(segments.size):
        where[segments[k]] = k
    group = np.empty(follower.size, np.int64)
    rank = np.empty(follower.size, np.int64)
    counts = np.zeros(1 + segments.size, np.int64)
    for e in range(follower.size):
        g = 1 + where[segment[follower[e]]] if inside[e] else 0
        group[e] = g
        rank[e] = counts[g]
        counts[g] += 1
    return group, rank, counts


@njit(cache=True, parallel=True)
def followees_by_group(group, rank, draws, draw_start, cum, cum_start, pool, pool_start):
    """Edge e of group g takes draw draw_start[g] + rank[e] and picks from pool g (slices of
    the concatenated arrays) by cumulative weight (np.searchsorted(cum, draw * cum[-1], side="right"), the last
    member at most)."""
    groups = cum_start.size - 1
    guides = np.empty(cum.size + groups, np.int64)
    guide_start = np.empty(groups + 1, np.int64)
    guide_start[0] = 0
    for g in range(groups):
        a, b = cum_start[g], cum_start[g + 1]
        guide_start[g + 1] = guide_start[g] + (b - a) + 1
        guides[guide_start[g]:guide_start[g + 1]] = guide_table(cum[a:b])
    out = np.empty(group.size, np.int64)
    for e in prange(group.size):
        g = group[e]
        c = cum[cum_start[g]:cum_start[g + 1]]
        v = draws[draw_start[g] + rank[e]] * c[-1]
        i = guided_search(c, guides[guide_start[g]:guide_start[g + 1]], v)
        out[e] = pool[pool_start[g] + min(i, c.size - 1)]
    return out


@njit(cache=True)
def fan_weights(closeness, affinity, running):
    """Weights clip(closeness, 0, 1) ** affinity + 1e-9 (a whole affinity >= 0, the power as
    the products ((w * w) * w) np.prod([w] * affinity, axis=0) makes) or, with `running`,
    their running sum (np.cumsum's sequential order), in one pass."""
    out = np.empty(closeness.size)
    total = 0.0
    for i in range(closeness.size):
        c = min(max(closeness[i], 0.0), 1.0)
        x = 1.0
        if affinity > 0:
            x = c
            for _ in range(affinity - 1):
                x = x * c
        x = x + 1e-9
        total += x
        out[i] = total if running else x
    return out


def follower_csr(n, source, follower):
    """See `_follower_csr` (on numba's threads)."""
    return _follower_csr(n, source, follower, numba.get_num_threads())


@njit(cache=True, parallel=True)
def _follower_csr(n, source, follower, threads):
    """Out-CSR (followers of each source, ascending, without duplicates or self-follows)
    and in-CSR (sources each agent follows, ascending, with the out-CSR edge id), as sorting
    the codes source * n + follower would give. Counting sorts, each thread on its own
    slice of the links (its own counters), so buckets keep the links' order."""
    edges = source.size
    slices = np.empty(threads + 1, np.int64)
    for t in range(threads + 1):
        slices[t] = edges * t // threads
    at = np.zeros((threads, n + 1), np.int64)
    for t in prange(threads):
        for k in range(slices[t], slices[t + 1]):
            if source[k] != follower[k]:
                at[t, source[k]] += 1
    count = _starts(at, n)
    bucket = np.empty(count[n], np.int64)
    for t in prange(threads):
        for k in range(slices[t], slices[t + 1]):
            if source[k] != follower[k]:
                bucket[at[t, source[k]]] = follower[k]
                at[t, source[k]] += 1
    kept = np.zeros(n + 1, np.int64)
    for j in prange(n):                       # sort each source's followers, drop repeats
        kept[j + 1] = _sorted_distinct(bucket, count[j], count[j + 1])
    for j in range(n):
        kept[j + 1] += kept[j]
    indices = np.empty(kept[n], np.int32)
    for j in prange(n):
        start = count[j]
        for k in range(kept[j + 1] - kept[j]):
            indices[kept[j] + k] = bucket[start + k]
    # in-CSR: thread t takes the sources of its slice of the links, in order
    first = np.searchsorted(kept, np.arange(threads + 1) * indices.size // threads)
    first[0], first[threads] = 0, n
    at[:, :] = 0
    for t in prange(threads):
        for e in range(kept[first[t]], kept[first[t + 1]]):
            at[t, indices[e]] += 1
    in_indptr = _starts(at, n)
    in_indices = np.empty(indices.size, np.int32)
    in_edge = np.empty(indices.size, np.int64)
    for t in prange(threads):
        for j in range(first[t], first[t + 1]):
            for e in range(kept[j], kept[j + 1]):
                i = indices[e]
                in_indices[at[t, i]] = j
                in_edge[at[t, i]] = e
                at[t, i] += 1
    return kept, indices, in_indptr, in_indices, in_edge


@njit(cache=True)
def _sorted_distinct(bucket, a, b):
    """Sort bucket[a:b] in place (by insertion when small: no allocation) and move its
    distinct values to the front; returns how many there are."""
    if b <= a:
        return 0
    if b - a <= 32:
        for k in range(a + 1, b):
            x, q = bucket[k], k - 1
            while q >= a and bucket[q] > x:
                bucket[q + 1] = bucket[q]
                q -= 1
            bucket[q + 1] = x
    else:
        bucket[a:b] = np.sort(bucket[a:b])
    u = a + 1
    for k in range(a + 1, b):
        if bucket[k] != bucket[u - 1]:
            bucket[u] = bucket[k]
            u += 1
    return u - a


@njit(cache=True)
def _starts(at, n):
    """Per-thread counts at[t, j] -> each thread's first slot for j (in place), and the CSR
    pointer of every j (threads in order within j)."""
    ptr = np.zeros(n + 1, np.int64)
    run = 0
    for j in range(n):
        ptr[j] = run
        for t in range(at.shape[0]):
            c = at[t, j]
            at[t, j] = run
            run += c
    ptr[n] = run
    return ptr


@njit(cache=True, parallel=True)
def gather(values, indices, out):
    """out[k] = values[indices[k]] (np.take without converting int32 indices to a new
    int64 array first: 3x faster on a million accounts' 10 million follow links)."""
    for k in prange(indices.size):
        out[k] = values[indices[k]]

"""The numba world-building kernels (sim.worldgen) give exactly what the NumPy code they
replaced gives, on random inputs with the awkward cases (ties, zero weights, values on the
boundaries, self-follows, duplicates, empty groups)."""
import numpy as np
import pytest

from sim.worldgen import fan_weights, follower_csr, followees_by_group, link_groups, picks_so_far


def csr_by_sorting(n, source, follower):
    """The reference: sort the codes source * n + follower, drop repeats and self-follows."""
    code = source * n + follower
    code = np.unique(code[source != follower])
    src, dst = code // n, code % n
    indptr = np.concatenate(([0], np.cumsum(np.bincount(src, minlength=n))))
    order = np.lexsort((src, dst))                     # by follower, then source
    in_indptr = np.concatenate(([0], np.cumsum(np.bincount(dst, minlength=n))))
    return indptr, dst.astype(np.int32), in_indptr, src[order].astype(np.int32), order


@pytest.mark.parametrize("seed", range(4))
def test_follower_csr_equals_sorting_the_codes(seed):
    gen = np.random.default_rng(seed)
    n = int(gen.integers(1, 300))
    m = int(gen.integers(0, 3000))
    source, follower = gen.integers(0, n, m), gen.integers(0, n, m)
    source[: m // 3] = follower[: m // 3]               # self-follows
    source = np.concatenate([source, source[:50], np.zeros(80, np.int64)])       # repeats, a hub of 80
    follower = np.concatenate([follower, follower[:50], gen.integers(0, n, 80)])
    got = follower_csr(n, source, follower)
    for name, a, b in zip(("indptr", "indices", "in_indptr", "in_indices", "in_edge"), got,
                          csr_by_sorting(n, source, follower)):
        assert np.array_equal(a, b), name
        assert a.dtype == b.dtype or name == "in_edge", name


def test_fan_weights_equal_numpy():
    gen = np.random.default_rng(3)
    closeness = np.concatenate([gen.normal(0.5, 0.6, 5000), [0.0, 1.0, -0.0, 2.0, -1.0]])
    for affinity in (0, 1, 3, 5):
        w = np.clip(closeness, 0.0, 1.0)
        w = (np.prod([w] * affinity, axis=0) if affinity else np.ones_like(w)) + 1e-9
        got_w, got_cum = fan_weights(closeness, affinity, False), fan_weights(closeness, affinity, True)
        assert np.array_equal(got_w, w) and np.array_equal(got_cum, np.cumsum(w)), affinity


def test_picks_so_far_equal_unique_of_searchsorted():
    gen = np.random.default_rng(4)
    weights = gen.random(400) * (gen.random(400) < 0.7)          # zero weights: repeated cum values
    cum = np.cumsum(weights)
    chosen = np.unique(gen.integers(0, 400, 30))
    draws = np.concatenate([gen.random(300) * cum[-1], cum[:20], [0.0, cum[-1]]])   # on the boundaries
    expected = np.unique(np.concatenate([chosen, np.minimum(np.searchsorted(cum, draws, side="right"), 399)]))
    assert np.array_equal(picks_so_far(cum, draws, chosen, 400), expected)
    few = draws[:5]                                                 # every draw counts
    assert np.array_equal(picks_so_far(cum, few, chosen[:0], 400),
                          np.unique(np.minimum(np.searchsorted(cum, few, side="right"), 399)))


@pytest.mark.parametrize("seed", range(3))
def test_followees_by_group_equal_a_searchsorted_per_group(seed):
    gen = np.random.default_rng(seed)
    groups = 4
    group = gen.integers(0, groups, 5000)
    group[group == 2] = 1                                   # an empty group
    pools = [np.sort(gen.choice(10_000, size, replace=False)) for size in (700, 64, 40, 1)]
    cums = [np.cumsum(gen.random(p.size) * (gen.random(p.size) < 0.8) + 1e-9) for p in pools]
    cums[1] = np.cumsum([1.0] * 32 + [3.0] * 32)            # whole weights summing to 128: draws k/128
    counts = np.bincount(group, minlength=groups)           # land exactly on cumulative weights
    draws = [gen.random(c) for c in counts]
    draws[1][:8] = np.array([0, 1, 2, 5, 7, 31, 35, 128]) / 128.0
    expected = np.empty(group.size, np.int64)
    for g in range(groups):
        picked = np.searchsorted(cums[g], draws[g] * cums[g][-1], side="right")
        expected[group == g] = pools[g][np.minimum(picked, pools[g].size - 1)]
    start = [np.concatenate(([0], np.cumsum([a.size for a in arrays]))) for arrays in (draws, cums, pools)]
    segment = np.arange(groups - 1) * 7 + 3                # link_groups on links whose follower i has
    got_group, rank, got_counts = link_groups(group > 0, np.maximum(group - 1, 0), segment, segment)   # segment 7(g-1)+3
    assert np.array_equal(got_group, group) and np.array_equal(got_counts, counts)
    got = followees_by_group(group, rank, np.concatenate(draws), start[0],
                             np.concatenate(cums), start[1], np.concatenate(pools), start[2])
    assert np.array_equal(got, expected)


def test_an_accounts_followers_summed_as_numpy_does_and_as_a_loop_says():
    """Network.sum_over_followers (its gather in numba): exactly np.add.reduceat of the
    followers' values gathered by NumPy, and a plain loop over each account's followers
    within rounding; accounts without followers give 0 (the hub of 80 and a run of them)."""
    from sim.network import Network
    gen = np.random.default_rng(11)
    n = 300
    source, follower = gen.integers(0, n, 4000), gen.integers(0, n, 4000)
    source[source >= 280] = 0                                # accounts 280.. have no followers
    net = Network.from_edges(n, np.concatenate([source, np.zeros(80, np.int64)]),
                             np.concatenate([follower, gen.integers(0, n, 80)]))
    values = gen.random(n) * 1e3
    got = net.sum_over_followers(values)
    gathered = np.append(values[net.indices], 0.0)
    assert np.array_equal(got, np.add.reduceat(gathered, net.indptr[:-1]) * (np.diff(net.indptr) > 0))
    loop = [sum(values[i] for i in net.indices[net.indptr[j]:net.indptr[j + 1]]) for j in range(n)]
    assert np.allclose(got, loop, rtol=1e-12, atol=0) and (got[280:] == 0).all() and got[0] > 0

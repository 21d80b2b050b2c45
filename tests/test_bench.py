"""The benchmark script runs (on a tiny graph); it prints speeds and asserts none of them."""
import subprocess
import sys

import numpy as np
import pytest

from sim.ic import independent_cascade
from sim.network import Network

from .conftest import ROOT
from .test_special_cases import EDGES, N_NODES, exact_activation


@pytest.mark.slow
def test_bench_script_runs_on_a_tiny_graph():
    pytest.importorskip("cynetdiff")
    proc = subprocess.run([sys.executable, "experiments/bench/bench.py", "--tiny", "--reps", "10"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "| CyNetDiff" in proc.stdout and "naive Mesa" in proc.stdout and "ns/exposure" in proc.stdout
    assert "warm-cache start" in proc.stdout
    loops = [line for line in proc.stdout.splitlines() if line.startswith(("| calibration", "| forecast"))]
    assert len(loops) == 3 and all(float(line.split("|")[-2].replace(",", "")) > 0 for line in loops)


def test_ic_kernel_matches_the_exact_expectation_and_ignores_thread_count():
    import numba
    src, dst = np.array(EDGES).T
    net = Network.from_edges(N_NODES, src, dst)
    sizes, links = independent_cascade(net.indptr, net.indices, [0], 0.4, 40_000, seed=5)
    exact = exact_activation(EDGES, N_NODES, 0, 0.4).sum()
    assert abs(sizes.mean() - exact) < 4 * sizes.std() / np.sqrt(sizes.size)
    assert links.min() >= 2                               # node 0's two out-links at least
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = independent_cascade(net.indptr, net.indices, [0], 0.4, 500, seed=5)[0]
        numba.set_num_threads(before)
        many = independent_cascade(net.indptr, net.indices, [0], 0.4, 500, seed=5)[0]
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one, many) and np.array_equal(one, sizes[:500])
    full, _ = independent_cascade(net.indptr, net.indices, [0], 1.0, 3)
    assert (full == 7).all()                              # p = 1 reaches everything reachable

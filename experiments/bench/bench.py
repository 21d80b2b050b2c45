"""Benchmark: this project's independent-cascade kernel and full model against CyNetDiff,
NDlib and a naive Mesa model, on the same Barabasi-Albert graphs, seeds and p.

    make bench                     # 100k and 1M graphs (CyNetDiff, NDlib from the `bench` extra)
    python experiments/bench/bench.py --tiny     # a 2,000-node smoke run (what the tests do)

Mean cascade sizes are checked to agree (within Monte Carlo error) before any speed is
printed. Throughput is links examined per second: the out-links of every reached node,
as CyNetDiff counts them. The last tables: simulations per second of the inference loops
(experiments/bench/inference_loop.py). Prints tables; asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import array
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import floor_ns  # noqa: E402
from sim.ic import independent_cascade  # noqa: E402
from sim.network import Network  # noqa: E402


@njit(cache=True)
def _barabasi_albert(n, m, seed):
    """Preferential attachment: each new node links to m distinct earlier nodes (prob. ~ degree)."""
    np.random.seed(seed)
    src = np.empty((n - m) * m, np.int64)
    dst = np.empty((n - m) * m, np.int64)
    repeated = np.empty(2 * (n - m) * m + m, np.int64)
    rlen = 0
    targets = np.arange(m)
    e = 0
    for v in range(m, n):
        for t in targets:
            src[e], dst[e] = v, t
            e += 1
            repeated[rlen] = t
            repeated[rlen + 1] = v
            rlen += 2
        k = 0
        while k < m:
            x = repeated[np.random.randint(0, rlen)]
            fresh = True
            for q in range(k):
                if targets[q] == x:
                    fresh = False
            if fresh:
                targets[k] = x
                k += 1
    return src, dst


def ba_graph(n: int, m: int = 5, seed: int = 1) -> Network:
    """Barabasi-Albert graph with every link in both directions (about 2 m n directed links)."""
    src, dst = _barabasi_albert(n, m, seed)
    return Network.from_edges(n, np.concatenate([src, dst]), np.concatenate([dst, src]))


def seeds_for(net: Network, k: int = 10, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).choice(net.n, size=k, replace=False)


def timed(fn, repeat: int = 3):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


# ---------------------------------------------------------------- the contenders
def ours(net, seeds, p, reps, threads):
    numba.set_num_threads(threads)
    independent_cascade(net.indptr, net.indices, seeds, p, 2, seed=99)       # compiled / loaded
    t, (sizes, links) = timed(lambda: independent_cascade(net.indptr, net.indices, seeds, p, reps, seed=0))
    return t, sizes, links


def cynetdiff(net, seeds, p, reps):
    from cynetdiff.models import IndependentCascadeModel
    degree = np.diff(net.indptr)

    def make():
        return IndependentCascadeModel(array.array("I", net.indptr.astype(np.uint32)),
                                       array.array("I", net.indices.astype(np.uint32)),
                                       activation_prob=p, rng=np.random.default_rng(0))

    def run(model, count_links=False):
        sizes, links = np.zeros(reps, np.int64), np.zeros(reps, np.int64)
        for r in range(reps):
            model.reset_model()
            model.set_seeds(set(int(s) for s in seeds))
            model.advance_until_completion()
            sizes[r] = model.get_num_activated_nodes()
            if count_links:                          # untimed rerun of the same cascades
                links[r] = degree[np.fromiter(model.get_activated_nodes(), dtype=np.int64)].sum()
        return sizes, links

    model = make()                                   # built outside the clock, like our CSR arrays
    t, (sizes, _) = timed(lambda: run(model), repeat=1)
    again, links = run(make(), count_links=True)     # same seed, same cascades
    assert np.array_equal(again, sizes)
    return t, sizes, links


def ndlib(net, seeds, p, reps):
    import networkx as nx
    import ndlib.models.ModelConfig as mc
    import ndlib.models.epidemics as ep
    graph = nx.DiGraph()
    graph.add_nodes_from(range(net.n))
    graph.add_edges_from((j, int(i)) for j in range(net.n) for i in net.followers(j))
    degree = np.diff(net.indptr)

    def run():
        sizes, links = np.zeros(reps, np.int64), np.zeros(reps, np.int64)
        for r in range(reps):
            model = ep.IndependentCascadesModel(graph, seed=r)
            config = mc.Configuration()
            config.add_model_initial_configuration("Infected", [int(s) for s in seeds])
            for e in graph.edges():
                config.add_edge_configuration("threshold", e, p)
            model.set_initial_status(config)
            reached = set(int(s) for s in seeds)
            while True:
                it = model.iteration(node_status=True)
                if it["node_count"].get(1, 0) == 0:
                    break
                reached |= {v for v, status in it["status"].items() if status in (1, 2)}
            sizes[r] = len(reached)
            links[r] = degree[list(reached)].sum()
        return sizes, links

    t, (sizes, links) = timed(run, repeat=1)
    return t, sizes, links


def naive_mesa(net, seeds, p, reps):
    import mesa

    class Person(mesa.Agent):
        def __init__(self, model):
            super().__init__(model)
            self.active, self.fresh = False, False

    class Cascade(mesa.Model):
        def __init__(self, seed):
            super().__init__(seed=seed)
            self.people = [Person(self) for _ in range(net.n)]
            for s in seeds:
                self.people[s].active = self.people[s].fresh = True

        def step(self):
            fresh = [i for i, a in enumerate(self.people) if a.fresh]
            for i in fresh:
                self.people[i].fresh = False
                for j in net.followers(i):
                    other = self.people[j]
                    if not other.active and self.random.random() < p:
                        other.active = other.fresh = True
            return bool(fresh)

    degree = np.diff(net.indptr)

    def run():
        sizes, links = np.zeros(reps, np.int64), np.zeros(reps, np.int64)
        for r in range(reps):
            model = Cascade(seed=r)
            while model.step() is not False and any(a.fresh for a in model.people):
                pass
            active = [i for i, a in enumerate(model.people) if a.active]
            sizes[r], links[r] = len(active), degree[active].sum()
            mesa.Agent._ids.pop(model, None)
        return sizes, links

    t, (sizes, links) = timed(run, repeat=1)
    return t, sizes, links


def full_model(net, seeds, p, reps, threads, ic_case=False):
    """The whole model (online hours, interest, relevance, novelty, trust, attention) on the
    same graph: seconds per exposure, against the IC kernel's seconds per link."""
    from sim.config import Config
    from sim.model import InfluenceModel
    from sim.population import build_world
    from sim.results import simulate
    cfg = Config()
    cfg.population.consumers, cfg.population.bloggers, cfg.population.brands = net.n, 0, 0
    cfg.network.kind = "mixed"                                # population only; the graph is ours
    cfg.run.replicates, cfg.run.hours, cfg.run.threads = reps, 72, threads
    cfg.campaign.brand_post_hours, cfg.campaign.seed_top_bloggers, cfg.campaign.mass_reach = [], 0, 0.0
    many = np.random.default_rng(3).choice(net.n, size=min(net.n // 10, 1000), replace=False)
    cfg.campaign.seed_agents, cfg.campaign.seed_hour = [int(s) for s in many], 0   # enough exposures to time
    cfg.network.contact_rate = 0.0
    cfg.diffusion.relay_max.consumer = 1.0                    # all factors on
    cfg.run.influencers = cfg.run.report = False
    if ic_case:                  # the same kernel, every factor fixed: the independent cascade
        d = cfg.diffusion
        d.relay_max.consumer = d.relay_max.blogger = d.relay_max.brand = p
        d.weight_interest = d.weight_relevance = d.weight_novelty = d.weight_trust = 0.0
        d.attention_window, d.talk_hours, d.attention_limit = 1, 1, 0
        cfg.population.activity_mean = 1.0
        cfg.population.daily_profile, cfg.population.weekend_profile = [1.0] * 24, None
    pop, _ = build_world(cfg)
    model = InfluenceModel(cfg, world=(pop, net))
    simulate(cfg, model=model, progress=lambda s: None)       # compiled / loaded
    t, result = timed(lambda: simulate(cfg, model=model, progress=lambda s: None), repeat=1)
    model.release()
    return t, result.final("reach"), result.final("exposures")


# ---------------------------------------------------------------- tables
def agree(a: np.ndarray, b: np.ndarray) -> bool:
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size) if a.size > 1 and b.size > 1 else 0
    return abs(a.mean() - b.mean()) <= 4 * se + 1e-9 + 0.01 * max(a.mean(), b.mean())


def start_times() -> tuple[float, float]:
    """JIT compile (cold cache) and warm-cache start (import + first call) of a new process."""
    code = ("import time; t=time.perf_counter(); import numpy as np; from sim.ic import independent_cascade; "
            "independent_cascade(np.array([0,1,1]), np.array([1],dtype=np.int32), [0], 0.5, 2); "
            "print(time.perf_counter()-t)")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(ROOT / ".bench-numba-cache")}
    subprocess.run(["rm", "-rf", env["NUMBA_CACHE_DIR"]])
    cold = float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                                text=True).stdout.strip() or "nan")
    warm = float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                                text=True).stdout.strip() or "nan")
    subprocess.run(["rm", "-rf", env["NUMBA_CACHE_DIR"]])
    return cold, warm


def row(graph, p, tool, threads, t, sizes, links, reps, base=None):
    per = t / reps
    rate = links.mean() / per / 1e6 if links.mean() > 0 else float("nan")
    ratio = f"{rate / base:6.2f}x" if base else "      "
    return (f"| {graph:>5} | {p:<4} | {tool:<22} | {threads:>2} | {per * 1e3:10.3f} | {rate:9.1f} | {ratio} "
            f"| {sizes.mean():10.1f} +- {sizes.std(ddof=1) / math.sqrt(sizes.size) if sizes.size > 1 else 0:6.1f} |"), rate


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tiny", action="store_true", help="2,000-node smoke run")
    ap.add_argument("--reps", type=int, default=None)
    args = ap.parse_args(argv)
    cores = os.cpu_count() or 1
    graphs = [("2k", 2_000)] if args.tiny else [("100k", 100_000), ("1M", 1_000_000)]
    small = ("2k", 2_000) if args.tiny else ("10k", 10_000)
    reps = args.reps or (20 if args.tiny else 100)
    have_cyn = _has("cynetdiff")
    print("| graph | p    | tool                   | th | ms/cascade | M links/s | vs CyN  | mean size         |")
    print("|-------|------|------------------------|----|------------|-----------|---------|-------------------|")
    rows_failed = []
    for name, n in graphs + [small]:
        net = ba_graph(n)
        seeds = seeds_for(net)
        for p in (0.05, 0.01):
            results = {}
            # p = 0.01 cascades stay tiny (about 11 nodes): 20x more of them, so that call
            # overheads do not decide the comparison
            many = reps if p >= 0.05 else 20 * reps
            results["ours 1 thread"] = (1, *ours(net, seeds, p, many, 1))
            results[f"ours {cores} threads"] = (cores, *ours(net, seeds, p, many, cores))
            if have_cyn:
                results["CyNetDiff"] = (1, *cynetdiff(net, seeds, p, many))
            if (name, n) == small:
                if _has("ndlib"):
                    results["NDlib"] = (1, *ndlib(net, seeds, p, max(3, reps // 20)))
                results["naive Mesa"] = (1, *naive_mesa(net, seeds, p, max(3, reps // 20)))
            reference = results["ours 1 thread"][2]
            for tool, (_, _, sizes, _) in results.items():
                if not agree(sizes, reference):
                    rows_failed.append((name, p, tool, sizes.mean(), reference.mean()))
            base = None
            if "CyNetDiff" in results:
                th, t, sizes, links = results["CyNetDiff"]
                base = links.mean() / (t / len(sizes)) / 1e6
            for tool, (th, t, sizes, links) in results.items():
                line, _ = row(name, p, tool, th, t, sizes, links, len(sizes), base)
                if not rows_failed:
                    print(line)
        del net
    if rows_failed:
        print("cascade sizes disagree, no speeds printed:", rows_failed)
        return 1
    print()
    print("Full model (all factors on) per exposure, against the floor (experiments/bench/floor.py: the")
    print("memory reads and draws one exposure cannot avoid, on arrays of the same sizes, measured now), the")
    print("same kernel in the independent-cascade configuration (p = 0.05, everyone online, 1-hour window)")
    print("and the special-case IC kernel")
    print("| graph | threads | full: s/replicate | exposures | ns/exposure | floor ns/exposure | x floor "
          "| IC config ns/exposure | ratio | IC kernel ns/link | ratio |")
    for name, n in graphs:
        net = ba_graph(n)
        seeds = seeds_for(net)
        t_ic, _, links = ours(net, seeds, 0.05, reps, cores)
        ic_ns = t_ic / reps / links.mean() * 1e9
        t, _, exposures = full_model(net, seeds, 0.05, 4 if args.tiny else 8, cores)
        per = t / exposures.size
        ns = per / max(exposures.mean(), 1) * 1e9
        floor = floor_ns(net.n, net.edges)
        t2, _, exposures2 = full_model(net, seeds, 0.05, 4 if args.tiny else 8, cores, ic_case=True)
        ns2 = t2 / exposures2.size / max(exposures2.mean(), 1) * 1e9
        print(f"| {name:>5} | {cores:>7} | {per:17.3f} | {exposures.mean():9,.0f} | {ns:11.1f} | {floor:17.1f} "
              f"| {ns / floor:6.1f}x | {ns2:21.1f} | {ns / ns2:4.1f}x | {ic_ns:17.2f} | {ns / ic_ns:5.0f}x |")
        del net
    print()
    print("Scaling of the full model: time per replicate against exposures")
    print("| agents | exposures/replicate | s/replicate | ns/exposure |")
    for n in ([1_000, 2_000, 4_000] if args.tiny else [10_000, 100_000, 1_000_000]):
        net = ba_graph(n)
        t, _, exposures = full_model(net, seeds_for(net), 0.05, 4, cores)
        per = t / exposures.size
        print(f"| {n:>9,} | {exposures.mean():19,.0f} | {per:11.3f} | {per / max(exposures.mean(), 1) * 1e9:11.1f} |")
    print()
    import inference_loop
    inference_loop.table(args.tiny)
    cold, warm = start_times()
    print()
    print(f"JIT compile of the IC kernel, cold cache (import + compile + first call): {cold:.2f} s; "
          f"warm-cache start of a new process (import + first call): {warm:.2f} s")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


def _has(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    sys.exit(main())

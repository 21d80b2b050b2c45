"""Case 3: agreement with peer implementations of the independent cascade.

The same SNAP graphs, seed sets and link probabilities are given to this project's IC
kernel, to the full hourly model in its independent-cascade configuration and to
CyNetDiff and NDlib (the `bench` extra); their mean cascade sizes must agree within
Monte Carlo error (two-sample z test).
"""
from __future__ import annotations

import array
import math

import numpy as np

from ..campaign import SeedAgents
from ..ic import independent_cascade
from .common import (CaseResult, Settings, activated, independent_cascade_config, mean_se, quiet_config,
                     run_model, snap_graph, world_on_graph)

SOURCE = ("Robson, E. W., Reddy, D. and Umrawal, A. K. (2024). CyNetDiff: a Python library for accelerated "
          "implementation of network diffusion models. arXiv:2404.17059; Rossetti, G. et al. (2018). NDlib: a "
          "Python library to model and analyze diffusion processes over complex networks. Int. J. Data Sci. "
          "Anal. 5(1)")
GRAPHS = (("Wiki-Vote.txt", True), ("facebook_combined.txt", False))
PROBABILITIES = (0.01, 0.05)
K = 4.0              # |difference| <= 4 standard errors of the difference


def _available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def cynetdiff_sizes(net, seeds, p, reps):
    from cynetdiff.models import IndependentCascadeModel
    model = IndependentCascadeModel(array.array("I", net.indptr.astype(np.uint32)),
                                    array.array("I", net.indices.astype(np.uint32)),
                                    activation_prob=p, rng=np.random.default_rng(0))
    sizes = np.zeros(reps)
    for r in range(reps):
        model.reset_model()
        model.set_seeds({int(s) for s in seeds})
        model.advance_until_completion()
        sizes[r] = model.get_num_activated_nodes()
    return sizes


def ndlib_sizes(net, seeds, p, reps):
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc
    import networkx as nx
    graph = nx.DiGraph()
    graph.add_nodes_from(range(net.n))
    graph.add_edges_from(zip(np.repeat(np.arange(net.n), np.diff(net.indptr)).tolist(), net.indices.tolist()))
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", [int(s) for s in seeds])
    for edge in graph.edges():
        config.add_edge_configuration("threshold", edge, p)
    sizes = np.zeros(reps)
    for r in range(reps):
        model = ep.IndependentCascadesModel(graph, seed=r)
        model.set_initial_status(config)
        while model.iteration(node_status=False)["node_count"].get(1, 0) > 0:
            pass
        sizes[r] = sum(1 for status in model.status.values() if status != 0)
    return sizes


def run(settings: Settings) -> CaseResult:
    case = CaseResult(3, "Agreement with CyNetDiff and NDlib", SOURCE,
                      "Robson et al. (2024), arXiv; Rossetti et al. (2018), IJDSA")
    paths = [(settings.graph_path(name), name, directed) for name, directed in GRAPHS]
    missing = [name for path, name, _ in paths if path is None]
    if missing:
        case.skipped = f"data not found: {', '.join(missing)} in {settings.data}"
        return case
    peers = {name: fn for name, fn, module in (("CyNetDiff", cynetdiff_sizes, "cynetdiff"),
                                               ("NDlib", ndlib_sizes, "ndlib")) if _available(module)}
    if not peers:
        case.skipped = "neither cynetdiff nor ndlib is importable (pip install -e '.[bench]')"
        return case
    reps = {"kernel": 500, "model": 100, "CyNetDiff": 500, "NDlib": 20} if settings.fast else \
        {"kernel": 4000, "model": 400, "CyNetDiff": 2000, "NDlib": 80}
    if settings.fast:
        peers.pop("NDlib", None) if "CyNetDiff" in peers else None
    drawn, seed_sets = [], []
    for path, name, directed in paths:
        net = snap_graph(path, directed)
        has_followers = np.flatnonzero(np.diff(net.indptr) > 0)
        seeds = np.sort(np.random.default_rng(7).choice(has_followers, 10, replace=False))
        seed_sets.append(f"{name.split('.')[0]} {seeds.tolist()}")
        for p in PROBABILITIES:
            ours = {"IC kernel": independent_cascade(net.indptr, net.indices, seeds, p, reps["kernel"], seed=5)[0]}
            cfg = independent_cascade_config(quiet_config(hours=60, replicates=reps["model"], seed=5), p)
            world = world_on_graph(cfg, net)
            ours["full model"] = run_model(cfg, world, lambda model, hourly: {"size": activated(model)},
                                           actions=lambda seeds=seeds: [SeedAgents(seeds, 0)],
                                           tamper=settings.tamper)["size"]
            theirs = {peer: fn(net, seeds, p, reps[peer]) for peer, fn in peers.items()}
            params = f"{name.split('.')[0]}, p={p}"
            for mine, sizes in ours.items():
                for peer, other in theirs.items():
                    m, se = mean_se(sizes)
                    o, ose = mean_se(other)
                    case.add(f"{name} p={p}: {mine} vs {peer}, mean cascade size", o, m, se,
                             f"|difference| <= {K:g} SE of the difference",
                             abs(m - o) <= K * math.hypot(se, ose),
                             f"{params}: {len(sizes)} vs {len(other)} cascades")
            drawn.append((name, p, ours, theirs))
    case.figure = _figure(drawn)
    case.notes = (
        "SNAP graphs: Wiki-Vote (directed; a line \"a b\", a voted on b, is read as a follows b, so b's posts "
        "reach a: the loader's default) and facebook_combined (undirected: every friendship both ways). "
        f"Seeds: 10 agents with at least one follower, drawn once with numpy seed 7 (ids after renumbering: "
        f"{'; '.join(seed_sets)}). Each follow link passes "
        "the message once with probability p. Ours: the IC kernel (`sim.ic`) and the full hourly model in its "
        "independent-cascade configuration (everyone online, one-hour feed window, each relayer posts once); "
        "cascade size = seeds + relayers. Peers get the same CSR arrays (CyNetDiff) or the same directed "
        "networkx graph (NDlib, fewer cascades: it is about 1,000 times slower"
        + ("; left out of the fast subset" if settings.fast else "") + "). Criterion: two-sample z test, "
        f"|mean_ours - mean_peer| <= {K:g} sqrt(SE_ours^2 + SE_peer^2).")
    return case


def _figure(drawn):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, axes = plt.subplots(1, len(drawn), figsize=(3.4 * len(drawn), 4.6), dpi=100)
    for ax, (name, p, ours, theirs) in zip(np.atleast_1d(axes), drawn):
        labels, means, halves = [], [], []
        for label, sizes in {**ours, **theirs}.items():
            m, se = mean_se(sizes)
            labels.append(label)
            means.append(m)
            halves.append(1.96 * se)
        x = np.arange(len(labels))
        colours = [OKABE_ITO[k] for k in range(len(labels))]
        ax.bar(x, means, yerr=halves, color=colours, capsize=4)
        ax.set_xticks(x, labels, rotation=35, ha="right", fontsize=8)
        ax.set_title(f"{name.split('.')[0]}, p={p}", fontsize=10)
        ax.set_ylabel("Mean cascade size (agents), 95% interval")
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig

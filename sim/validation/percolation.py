"""Case 2: the independent cascade is bond percolation.

On a directed Erdos-Renyi graph where each agent has Poisson(c) followers and each
follow link passes the message with probability T, the share S reached by a large
outbreak from one random seed solves S = 1 - exp(-c T S) (the giant out-component of
the percolated graph; by symmetry a large outbreak also happens with probability S).
Below the threshold c T < 1 there is no large outbreak and a cascade reaches on
average 1 / (1 - c T) agents (a branching process).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from ..actions import Action
from ..ic import independent_cascade
from .common import (CaseResult, Settings, activated, er_digraph, independent_cascade_config, mean_se,
                     quiet_config, run_model, within, world_on_graph)

SOURCE = ("Newman, M. E. J. (2002). Spread of epidemic disease on networks. Physical Review E 66, 016128; "
          "Erdos, P. and Renyi, A. (1960). On the evolution of random graphs. Publ. Math. Inst. Hung. Acad. Sci. 5")
MEAN_FOLLOWERS = 4.0
PASS_PROBABILITIES = (0.15, 0.2, 0.3, 0.5, 0.75)     # c T = 0.6, 0.8, 1.2, 2, 3
LARGE = 0.05                                          # a "large outbreak" reaches over 5% of the agents
FINITE_N = 0.01                                       # finite-size slack on shares (n = 20,000 or more)


def giant_share(ct: float) -> float:
    """Solution of S = 1 - exp(-c T S) (0 below the threshold)."""
    return 0.0 if ct <= 1.0 else brentq(lambda s: s - 1.0 + math.exp(-ct * s), 1e-12, 1.0)


class RandomSeed(Action):
    """Sponsors one uniformly random agent at hour 0, a different one each replicate."""

    def reset(self, model):
        self.agent = int(np.random.default_rng([model.cfg.run.seed, 0x5EED, model.replicate])
                         .integers(model.population.size))

    def active_hours(self, model):
        return [0]

    def apply(self, model, t):
        if t == 0:
            model.seed([self.agent])


def _check_supercritical(case, label, sizes, n, ct, params):
    """Share of large outbreaks and share they reach. `sizes` is graphs x cascades: standard
    errors are taken over independent graphs, so they include the graph-to-graph variation
    that the ensemble formula averages over."""
    s = giant_share(ct)
    large = sizes > LARGE * n
    share, se = mean_se(large.mean(axis=1))
    case.add(f"{label}: share of large outbreaks, cT={ct:g}", s, share, se,
             f"|share - S| <= 4 SE + {FINITE_N}", within(share, s, se, slack=FINITE_N), params)
    if large.sum(axis=1).min() == 0:
        case.add(f"{label}: share reached by a large outbreak, cT={ct:g}", s, np.nan, 0.0,
                 "needs large outbreaks on every graph", False, params)
        return
    reached, se = mean_se(np.nanmean(np.where(large, sizes / n, np.nan), axis=1))
    case.add(f"{label}: share reached by a large outbreak, cT={ct:g}", s, reached, se,
             f"|share - S| <= 4 SE + {FINITE_N}", within(reached, s, se, slack=FINITE_N), params)


def _kernel_cascades(graphs, n, t, seeds_per_graph, per_seed):
    """Cascade sizes (graphs x cascades) from random single seeds, with the IC kernel."""
    out = []
    for g, net in enumerate(graphs):
        rng = np.random.default_rng([g, round(t * 1000)])
        out.append(np.concatenate([independent_cascade(net.indptr, net.indices, [s], t, per_seed,
                                                       seed=1000 * g + k)[0]
                                   for k, s in enumerate(rng.integers(0, n, seeds_per_graph))]))
    return np.array(out, dtype=np.float64)


def run(settings: Settings) -> CaseResult:
    case = CaseResult(2, "Independent cascade = bond percolation", SOURCE,
                      "Newman (2002), Phys. Rev. E; Erdos and Renyi (1960)")
    c = MEAN_FOLLOWERS
    n, n_graphs = (20_000, 5) if settings.fast else (50_000, 10)
    seeds_per_graph, per_seed = 10, 10
    graphs = [er_digraph(n, c, seed=g) for g in range(n_graphs)]
    measured = {}
    for t in PASS_PROBABILITIES:
        ct = c * t
        sizes = _kernel_cascades(graphs, n, t, seeds_per_graph, per_seed)
        measured[t] = (sizes, n)
        params = (f"IC kernel, {n_graphs} directed ER graphs n={n:,}, c={c:g}, T={t}; per graph "
                  f"{per_seed} cascades from each of {seeds_per_graph} random seeds")
        if ct < 1:
            mean, se = mean_se(sizes.mean(axis=1))
            case.add(f"IC kernel: mean cascade size (agents), cT={ct:g}", 1 / (1 - ct), mean, se,
                     "|mean - 1/(1-cT)| <= 4 SE + 3% (finite n)",
                     within(mean, 1 / (1 - ct), se, slack=0.03 / (1 - ct)), params)
            big = int((sizes > LARGE * n).sum())
            case.add(f"IC kernel: large outbreaks (> {LARGE:.0%} of agents), cT={ct:g}", 0, big, 0.0,
                     "none", big == 0, params, low=0, high=big)
        else:
            _check_supercritical(case, "IC kernel", sizes, n, ct, params)
    # the same law through the full hourly model in its independent-cascade configuration
    t = 0.5
    n_full, n_graphs, reps = (5_000, 6, 30) if settings.fast else (10_000, 10, 50)
    sizes = []
    for g in range(n_graphs):
        cfg = independent_cascade_config(quiet_config(hours=80, replicates=reps, seed=g), t)
        world = world_on_graph(cfg, er_digraph(n_full, c, seed=100 + g))
        sizes.append(run_model(cfg, world, lambda model, hourly: {"size": activated(model)},
                               actions=lambda: [RandomSeed()], tamper=settings.tamper)["size"])
    sizes = np.array(sizes, dtype=np.float64)
    _check_supercritical(case, "full model", sizes, n_full, c * t,
                         f"full model (IC configuration), {n_graphs} directed ER graphs n={n_full:,}, c={c:g}, "
                         f"T={t}, {reps} replicates per graph from one random seed each")
    measured[("full", t)] = (sizes, n_full)
    case.figure = _figure(measured, c)
    case.notes = (
        f"Directed Erdos-Renyi graphs: each ordered pair of agents is a follow link with probability "
        f"c/(n-1), c = {c:g} (every agent has Poisson(c) followers). Each cascade starts from one uniformly "
        f"random agent; T is the independent cascade's link probability. A large outbreak is one reaching "
        f"over {LARGE:.0%} of the agents. Expected values: S solving S = 1 - exp(-cTS) for the share of large "
        "outbreaks and for the share they reach (giant in- and out-components of the percolated graph have "
        "the same size); 1/(1-cT) for the mean size below the threshold. Standard errors are over "
        "independent graphs (the formula is an average over graphs). Slack: finite n "
        f"({FINITE_N} on shares, 3% on sub-threshold means). The IC kernel (`sim.ic`) runs the sweep over T; "
        f"the full hourly model in its independent-cascade configuration is checked at T = {t} on "
        f"n = {n_full:,}.")
    return case


def _figure(measured, c):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, ax = plt.subplots(figsize=(7.5, 5), dpi=100)
    ct = np.linspace(0.0, 3.2, 200)
    ax.plot(ct, [giant_share(x) for x in ct], "-", color="black", lw=1.5, label="S = 1 - exp(-cTS)")
    for key, (sizes, size_n) in measured.items():
        full = isinstance(key, tuple)
        x = c * (key[1] if full else key)
        large = sizes > LARGE * size_n
        colour, marker = (OKABE_ITO[1], "s") if full else (OKABE_ITO[0], "o")
        ax.plot(x, large.mean(), marker, color=colour, mfc="none", ms=9)
        ax.plot(x, (sizes[large] / size_n).mean() if large.any() else sizes.mean() / size_n, marker,
                color=colour, ms=6)
    ax.plot([], [], "o", color=OKABE_ITO[0], label="IC kernel: share reached by large outbreaks (filled), "
                                                  "share of large outbreaks (open)")
    ax.plot([], [], "s", color=OKABE_ITO[1], label="full model in the IC configuration")
    ax.axvline(1.0, color="grey", ls=":", lw=1)
    ax.set(xlabel="c T (mean followers x link probability)", ylabel="Share",
           title="Independent cascade on directed Erdos-Renyi graphs vs bond percolation")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig

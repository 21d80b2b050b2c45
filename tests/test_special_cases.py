"""Special cases the model must reduce to: independent cascade and the Bass curve."""
import itertools

import numpy as np

from sim.config import online_all_day
from sim.model import InfluenceModel
from sim.network import Network
from sim.population import build_world
from sim.results import simulate

from .conftest import compose_config, small_config

# A small directed graph (source -> follower) with a cycle, a diamond and a dead end.
EDGES = [(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 1), (2, 5), (5, 6), (6, 4), (1, 6)]
N_NODES = 7


def exact_activation(edges, n, seed, p):
    """P(node activated) under the independent cascade, by enumerating live-edge graphs."""
    prob = np.zeros(n)
    for live in itertools.product((0, 1), repeat=len(edges)):
        weight = np.prod([p if x else 1 - p for x in live])
        reached, frontier = {seed}, [seed]
        while frontier:
            j = frontier.pop()
            for (a, b), x in zip(edges, live):
                if x and a == j and b not in reached:
                    reached.add(b)
                    frontier.append(b)
        for v in reached:
            prob[v] += weight
    return prob


def ic_config(p, n):
    cfg = small_config(consumers=n, bloggers=0, hours=N_NODES + 2, replicates=1)
    cfg.population.brands = 0
    cfg.population.activity_mean = 1.0
    online_all_day(cfg.population)
    d = cfg.diffusion
    d.relay_max.consumer = d.relay_max.blogger = d.relay_max.brand = p
    d.weight_interest = d.weight_relevance = d.weight_novelty = d.weight_trust = 0.0
    d.attention_window, d.talk_hours, d.attention_limit = 1, 1, 0
    c = cfg.campaign
    c.brand_post_hours, c.seed_top_bloggers, c.mass_reach = [], 0, 0.0
    c.seed_agents, c.seed_hour = [0], 0
    return cfg


def test_independent_cascade_matches_exact_small_graph_expectation():
    p, reps = 0.4, 20_000
    cfg = ic_config(p, N_NODES)
    pop, _ = build_world(cfg)
    src, dst = np.array(EDGES).T
    model = InfluenceModel(cfg, world=(pop, Network.from_edges(N_NODES, src, dst)))
    active = np.zeros((reps, N_NODES), dtype=bool)
    for r in range(reps):
        model.reset(r)
        model.run()
        active[r] = (model.state.relay_at[0] >= 0) | (model.state.seeded_at[0] >= 0)
    model.release()
    exact = exact_activation(EDGES, N_NODES, seed=0, p=p)
    measured = active.mean(axis=0)
    se = np.sqrt(exact * (1 - exact) / reps) + 1e-12
    assert measured[0] == 1.0
    assert np.all(np.abs(measured - exact) <= 4.5 * se + 1e-9), (measured, exact)
    spread = active.sum(axis=1)
    assert abs(spread.mean() - exact.sum()) <= 4.5 * spread.std() / np.sqrt(reps)
    # and the test is sharp enough to see a wrong p
    assert np.abs(measured - exact_activation(EDGES, N_NODES, 0, p + 0.05)).max() > 4.5 * se.max()


def test_independent_cascade_each_edge_is_tried_once():
    """With p = 1 everyone reachable is reached, exactly one hop per hour."""
    cfg = ic_config(1.0, N_NODES)
    pop, _ = build_world(cfg)
    src, dst = np.array(EDGES).T
    model = InfluenceModel(cfg, world=(pop, Network.from_edges(N_NODES, src, dst)))
    model.run()
    hops = {0: 0, 1: 1, 2: 1, 3: 2, 5: 2, 6: 2, 4: 3}   # shortest path lengths from node 0
    for v, h in hops.items():
        first = model.state.seeded_at[0, v] if v == 0 else model.state.relay_at[0, v]
        assert first == h, (v, first, h)
    model.release()


def bass_recursion(p, q, hours):
    f = [0.0]
    for _ in range(hours):
        f.append(f[-1] + (p + q * f[-1]) * (1 - f[-1]))
    return np.array(f[1:])



def test_bass_special_case_follows_the_discrete_recursion():
    cfg = compose_config("experiment=bass", "run.replicates=20")
    n, p, q = cfg.population.consumers, cfg.campaign.mass_reach, cfg.network.contact_rate
    assert n >= 10_000 and (p, q) == (0.03, 0.38)
    result = simulate(cfg)
    adopted = result.curve("adopted") / n                           # replicates x hours
    expected = bass_recursion(p, q, cfg.run.hours)
    mean = adopted.mean(axis=0)
    se = adopted.std(axis=0, ddof=1) / np.sqrt(adopted.shape[0])
    assert np.all(np.abs(mean - expected) <= 4 * se + 2e-3), np.abs(mean - expected).max()
    # the peak of new adoptions falls where the recursion puts it
    assert abs(int(np.argmax(np.diff(mean, prepend=0))) - int(np.argmax(np.diff(expected, prepend=0)))) <= 1
    # and the check can fail: the curve with independent channels (hazard p + qF - pqF) is off
    off = [0.0]
    for _ in range(cfg.run.hours):
        off.append(off[-1] + (1 - (1 - p) * (1 - q * off[-1])) * (1 - off[-1]))
    assert np.abs(np.array(off[1:]) - mean).max() > 4 * se.max() + 2e-3

"""Influence scores and seed selection from reverse-reachable (RR) sets.

An agent's influence is the number of useful contacts (aware consumers in the target)
it is expected to cause if it posts the message: Klout-like, but counting useful
contacts and the relays they trigger, not raw followers.

Estimator (Borgs et al. 2014; Tang et al. 2014): the model is approximated by an
independent cascade on the follower graph. For a follow link j -> i,
`see = 1 - (1 - activity_i * mean(profile))^(window + talk - 1)` is the chance i sees
one of j's posts and `relay` is the model's relay probability for that exposure at
launch (no decay, no wear-out); with message.decay=power_law, `see` is also multiplied
by the chance the reaction delay ends within the window. An RR set starts at a uniformly
drawn target consumer r and walks the links backwards: the accounts r follows enter with
probability `see` (r only has to see them), further accounts with probability
`see * relay` (the intermediate agent has to relay). A sponsored post carries its
disclosure, so an account enters the set *as a seed* of a longer path only when the
same draw is below `see * relay` computed with its disclosed credibility (it can still
be passed through, undisclosed, as a relayer of someone else's sponsored post). The
expected useful contacts caused by a set S is then |target| x P(S meets a random RR
set), estimated from `score.rr_sets` sets.

`greedy_seeds` picks seeds under a budget by greedy maximum coverage of the RR sets,
lazily updated, in two passes (coverage gain per euro, and plain coverage gain among
affordable agents) and keeps the better (CELF, Leskovec et al. 2007): at least
(1 - 1/e)/2 of the best budget-feasible coverage, and (1 - 1/e) when all seeds cost
the same (Nemhauser et al. 1978).
"""
from __future__ import annotations

import heapq

import numpy as np
from numba import njit

from .rng import INFLUENCE, draw, stream_key
from .rules import appeal, novelty_now, relay_chance, source_tone, trust, weighted


def link_probabilities(model, m: int = 0):
    """Per in-CSR link (i follows j): chance i sees j's post, chance i then relays it, and
    the same chance when j's post is sponsored (disclosed)."""
    pop, net, rules = model.population, model.network, model.rules
    hours = rules.attention_window + (min(rules.talk_hours, 24) if rules.talk_hours > 0 else 24) - 1
    p_online = np.clip(pop.activity * model.world.online_share[:model.horizon].mean(), 0.0, 1.0)
    sees = (1.0 - (1.0 - p_online) ** hours) * rules.reaction[m, -1]          # per follower, then per link
    relay = [np.clip(relay_at_launch(net.in_indptr, net.in_indices, m, pop.kind, credibility, pop.scepticism,
                                     model.relevance[m], model.world.fully_promotional, rules), 0.0, 1.0)
             for credibility in (model.credibility, model.credibility * (1.0 - rules.disclosure))]
    return per_link(net.in_indptr, sees), relay[0], relay[1]


@njit(cache=True)
def per_link(in_indptr, values):
    """values[i] on each of i's in-CSR links (np.repeat by follow counts, without the index array)."""
    out = np.empty(in_indptr[-1])
    for i in range(in_indptr.size - 1):
        out[in_indptr[i]:in_indptr[i + 1]] = values[i]
    return out


@njit(cache=True)
def relay_at_launch(in_indptr, in_indices, m, kind, credibility, scepticism, relevance, fully_promotional, rules):
    """The relay rule (sim.rules) for a first exposure at launch, per in-CSR link i <- j."""
    interest_w = weighted(rules.interest[m], rules.w_interest)
    novelty_w = weighted(novelty_now(rules.novelty[m], rules.decay[m], 0.0, rules.wearout[m], 0), rules.w_novelty)
    out = np.empty(in_indices.size)
    for i in range(in_indptr.size - 1):
        relevance_w, relay_max = weighted(relevance[i], rules.w_relevance), rules.relay_max[kind[i]]   # the follower's
        for k in range(in_indptr[i], in_indptr[i + 1]):
            j = in_indices[k]
            tone = source_tone(fully_promotional[kind[j]], rules.tone[m])
            ap = appeal(interest_w, relevance_w, weighted(trust(credibility[j], scepticism[i], tone), rules.w_trust))
            out[k] = relay_chance(relay_max, ap, novelty_w)
    return out


@njit(cache=True)
def _sample_rr_sets(key, roots, n_sets, n, in_indptr, in_indices, see, relay, relay_sponsored):
    """RR sets as CSR (indptr, nodes); the first node of each set is its root. `queue`
    holds the agents passed through (they would relay), `members` the set: the agents
    whose own sponsored post would reach the root."""
    indptr = np.zeros(n_sets + 1, np.int64)
    nodes = np.empty(max(16, 4 * n_sets), np.int64)
    mark = np.full(n, -1, np.int64)
    member = np.full(n, -1, np.int64)
    queue = np.empty(n, np.int64)
    members = np.empty(n, np.int64)
    size = 0
    for r in range(n_sets):
        root = roots[int(draw(key, INFLUENCE, r, 0, 0, 0) * roots.size)]
        head, tail, count = 0, 1, 1
        queue[0] = members[0] = root
        mark[root] = member[root] = r
        while head < tail:
            x = queue[head]
            for k in range(in_indptr[x], in_indptr[x + 1]):
                j = in_indices[k]
                if mark[j] == r and member[j] == r:
                    continue
                u = draw(key, INFLUENCE, r, k + 1, 1, 0)
                if member[j] != r and u < (see[k] if head == 0 else see[k] * relay_sponsored[k]):
                    member[j] = r
                    members[count] = j
                    count += 1
                if mark[j] != r and u < (see[k] if head == 0 else see[k] * relay[k]):
                    mark[j] = r
                    queue[tail] = j
                    tail += 1
            head += 1
        if size + count > nodes.size:
            grown = np.empty(max(2 * nodes.size, size + count), np.int64)
            grown[:size] = nodes[:size]
            nodes = grown
        nodes[size:size + count] = members[:count]
        size += count
        indptr[r + 1] = size
    return indptr, nodes[:size].copy()


@njit(cache=True)
def _sets_of_nodes(indptr, nodes, n):
    """Transpose: for each agent, the RR sets it belongs to (CSR)."""
    counts = np.zeros(n + 1, np.int64)
    for x in nodes:
        counts[x + 1] += 1
    starts = np.cumsum(counts)
    fill = starts[:-1].copy()
    sets = np.empty(nodes.size, np.int64)
    for r in range(indptr.size - 1):
        for k in range(indptr[r], indptr[r + 1]):
            x = nodes[k]
            sets[fill[x]] = r
            fill[x] += 1
    return starts, sets


@njit(cache=True)
def _cover_value(gain, cost, per_euro):
    """What one more pick is worth: contacts, or contacts per euro (a free one: all but infinite)."""
    if per_euro:
        return gain / cost if cost > 0 else gain * 1e18
    return float(gain)


@njit(cache=True)
def _greedy_cover(indptr, nodes, node_start, node_sets, candidates, costs, budget, per_euro):
    """Greedy maximum coverage of RR sets under a budget; returns (picks, their gains, sets covered).

    Each step picks the affordable candidate of highest value (ties: earliest in `candidates`).
    Lazily (CELF): values only fall as sets get covered, so candidates wait in a heap under
    their last value and only the top one is re-valued; when its value is still current it
    is the best. Same picks as scanning every candidate each step, without the scan."""
    n = node_start.size - 1
    gain = np.zeros(n, np.int64)
    for j in candidates:
        gain[j] = node_start[j + 1] - node_start[j]
    covered = np.zeros(indptr.size - 1, np.bool_)
    picks = np.empty(candidates.size, np.int64)
    gains = np.empty(candidates.size, np.int64)
    n_picks, total, left = 0, 0, budget
    heap = [(-_cover_value(gain[j], costs[j], per_euro), np.int64(k), np.int64(j))
            for k, j in enumerate(candidates) if gain[j] > 0]
    heapq.heapify(heap)
    while len(heap) > 0:
        stale, k, j = heapq.heappop(heap)
        if gain[j] <= 0 or costs[j] > left:           # worthless or unaffordable from now on
            continue
        value = _cover_value(gain[j], costs[j], per_euro)
        if value != -stale:
            heapq.heappush(heap, (-value, k, j))
            continue
        picks[n_picks] = j
        gains[n_picks] = gain[j]
        n_picks += 1
        left -= costs[j]
        total += gain[j]
        for q in range(node_start[j], node_start[j + 1]):
            r = node_sets[q]
            if not covered[r]:
                covered[r] = True
                for x in range(indptr[r], indptr[r + 1]):
                    gain[nodes[x]] -= 1
    return picks[:n_picks], gains[:n_picks], total


class RRSets:
    """Sampled RR sets for one message and target; scores and greedy selection on them."""

    def __init__(self, model, m: int = 0, n_sets: int | None = None):
        self.n = model.population.size
        self.n_sets = int(n_sets or model.cfg.score.rr_sets)
        roots = np.flatnonzero(model.useful).astype(np.int64)
        self.target_size = float(model.people[roots].sum())     # people in the target
        see, relay, relay_sponsored = link_probabilities(model, m)
        net = model.network
        key = np.uint64(stream_key(model.cfg.run.seed, 1_000_003 + m))
        if roots.size == 0:
            self.indptr, self.nodes = np.zeros(self.n_sets + 1, np.int64), np.empty(0, np.int64)
        else:
            self.indptr, self.nodes = _sample_rr_sets(key, roots, self.n_sets, self.n, net.in_indptr,
                                                      net.in_indices.astype(np.int64), see, relay, relay_sponsored)
        self.node_start, self.node_sets = _sets_of_nodes(self.indptr, self.nodes, self.n)

    def scores(self) -> np.ndarray:
        """Expected useful contacts caused by each agent posting alone."""
        return np.diff(self.node_start) * (self.target_size / self.n_sets)

    def spread(self, seeds) -> float:
        """Expected useful contacts caused by a seed set (RR estimate)."""
        hit = np.zeros(self.n_sets, dtype=bool)
        for j in np.asarray(seeds, dtype=np.int64):
            hit[self.node_sets[self.node_start[j]:self.node_start[j + 1]]] = True
        return hit.sum() * self.target_size / self.n_sets

    def greedy(self, candidates, costs, budget: float, with_gains: bool = False):
        """Seeds by greedy coverage under `budget` (better of per-euro and plain passes);
        with `with_gains`, also each pick's marginal expected useful contacts."""
        cand = np.asarray(candidates, dtype=np.int64)
        costs = np.asarray(costs, dtype=np.float64)
        runs = [_greedy_cover(self.indptr, self.nodes, self.node_start, self.node_sets, cand, costs,
                              float(budget), per_euro) for per_euro in (True, False)]
        picks, gains, _ = max(runs, key=lambda run: run[2])
        if with_gains:
            return picks, gains * (self.target_size / self.n_sets)
        return picks


def rr_sets(model, m: int = 0) -> RRSets:
    """RR sets for message m, cached on the model's shared cache (same world, same rules)."""
    key = ("rr", m, model.cfg.score.rr_sets, tuple(model.cfg.target.segments))
    if key not in model.cache:
        model.cache[key] = RRSets(model, m)
    return model.cache[key]


__all__ = ["RRSets", "rr_sets", "link_probabilities", "relay_at_launch"]

"""Campaign strategy: budgets, common random numbers, timing, greedy selection, scores."""
import copy
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from sim.actions import SponsoredPosts
from sim.compare import run_comparison
from sim.calendar import start_of
from sim.config import Config, online_all_day
from sim.influence import RRSets, _greedy_cover, rr_sets
from sim.metrics import FINALS
from sim.model import InfluenceModel
from sim.network import Network
from sim.population import build_world
from sim.results import simulate
from sim.influencers import influence_table
from sim.seeding import candidates

from .conftest import compose_config, small_config

QUIET = dict(progress=lambda message: None)



def test_common_random_numbers_identical_before_a_later_action():
    hour = 30
    base = small_config(consumers=3000, bloggers=15, hours=72, replicates=4)
    later = copy.deepcopy(base)
    later.campaign.brand_post_hours = [0, hour]        # the only difference: one more post at hour 30
    world = build_world(base)
    a, b = simulate(base, world=world, **QUIET), simulate(later, world=world, **QUIET)
    assert np.array_equal(a.curves[:, :, :hour], b.curves[:, :, :hour])
    assert np.array_equal(a.flows[:, :, :hour], b.flows[:, :, :hour])
    assert not np.array_equal(a.curves[:, :, hour:], b.curves[:, :, hour:])   # and then they part


@pytest.mark.parametrize("kind", ["mass", "targeted", "hybrid"])
@pytest.mark.parametrize("timing", ["burst", "staggered", "peak"])
def test_budget_is_never_exceeded(kind, timing):
    cfg = compose_config("population=small", f"campaign={kind}", f"timing={timing}",
                         "run.replicates=2", "run.hours=96")
    world, cache = build_world(cfg), {}
    strategies = ["random", "followers", "relevance", "influence", "greedy"] if kind != "mass" else ["-"]
    probe = InfluenceModel(cfg, world=world, cache=cache)
    cheapest = probe.seed_costs[candidates(probe, "all")].min()
    probe.release()
    for strategy, budget in itertools.product(strategies, [0.004, 3.0, 40.0, 150.0]):
        c = copy.deepcopy(cfg)
        c.campaign.budget = budget
        if strategy != "-":
            c.campaign.strategy = strategy
        result = simulate(c, world=world, cache=cache, **QUIET)
        spent = result.final("spent")
        assert np.all(spent <= budget + 1e-9), (strategy, budget, spent)
        if budget < cheapest and kind == "targeted":        # not even one seed: nothing spent, said so
            assert np.all(spent == 0) and any("buys none" in note for note in result.notes)
        if budget == 0.004 and kind == "mass":               # below one impression
            assert np.all(spent == 0) and any("below the price of one impression" in n for n in result.notes)
        if budget == 150.0:
            assert np.all(spent > 0.5 * budget)              # and a real budget is used
    assert cheapest > 3.0                                    # so the small budgets did test "too small"


def test_timing_matters_peak_hour_beats_trough():
    """The same plan, launched at the audience's peak hour or at its trough (default population)."""
    reach = {}
    for name, hour in [("peak", 19), ("trough", 3)]:
        cfg = compose_config("campaign=targeted", "campaign.budget=5000", "campaign.strategy=followers",
                             "diffusion.attention_window=3", "message.decay=exponential",   # a short feed
                             f"timing.launch_hour={hour}",
                             "run.replicates=10", "run.hours=72")
        result = simulate(cfg, **QUIET)
        launch = (hour - start_of(cfg).hour) % 24
        reach[name] = result.curve("reach")[:, launch + 23]          # first 24 h after launch
    assert np.argmax(Config().population.daily_profile) in (19, 20)
    print({name: float(v.mean()) for name, v in reach.items()})
    assert reach["peak"].mean() > 1.5 * reach["trough"].mean(), reach
    assert reach["peak"].min() > reach["trough"].max()


def test_staggered_waves_skip_agents_already_relaying():
    cfg = compose_config("population=small", "campaign=targeted", "timing=staggered",
                         "campaign.strategy=followers", "run.replicates=1", "run.hours=96")
    model = InfluenceModel(cfg)
    model.run()
    seeded = model.state.seeded_at[0]
    assert len(set(seeded[seeded >= 0].tolist())) == cfg.timing.waves
    # a later wave passes over an account already relaying, not one that merely saw the post
    [plan] = [a for a in model.actions if isinstance(a, SponsoredPosts)]
    model.reset(0)
    first, second = (int(j) for j in plan.ranking[:2])
    model.state.relay_at[0, first] = 0
    model.state.aware_at[0, second] = 0
    model._seeds = []
    plan.apply(model, plan.wave_hours[1])
    chosen = {j for _, j in model._seeds}
    assert first not in chosen and second in chosen
    model.release()


# ---------------------------------------------------------------- greedy selection
def _coverage(rr, seeds):
    hit = np.zeros(rr.n_sets, dtype=bool)
    for j in seeds:
        hit[rr.node_sets[rr.node_start[j]:rr.node_start[j + 1]]] = True
    return hit.sum()


def _tiny_model(n, edges, seed, q=0.35):
    cfg = small_config(consumers=n, bloggers=0, hours=10, replicates=1, seed=seed)
    cfg.population.brands = 0
    cfg.population.activity_mean = 1.0
    online_all_day(cfg.population)
    cfg.population.segments = 2
    cfg.target.segments = [0]
    d = cfg.diffusion
    d.relay_max.consumer = q
    d.weight_interest = d.weight_relevance = d.weight_novelty = d.weight_trust = 0.0
    d.attention_window, d.talk_hours, d.attention_limit = 1, 1, 0
    cfg.score.rr_sets = 60_000
    pop, _ = build_world(cfg)
    src, dst = np.array(edges).T
    return InfluenceModel(cfg, world=(pop, Network.from_edges(n, src, dst)))


def _exact_useful(model, seeds, q):
    """Exact expected useful contacts in the IC approximation (see = 1, relay = q)."""
    net, useful = model.network, model.useful.astype(bool)
    edges = [(j, int(i)) for j in range(net.n) for i in net.followers(j)]
    total = 0.0
    for live in itertools.product((0, 1), repeat=len(edges)):
        w = math.prod(q if x else 1 - q for x in live)
        posters, frontier = set(seeds), list(seeds)
        while frontier:
            j = frontier.pop()
            for (a, b), x in zip(edges, live):
                if a == j and x and b not in posters:
                    posters.add(b)
                    frontier.append(b)
        aware = set(posters) | {int(i) for j in posters for i in net.followers(j)}
        total += w * sum(useful[i] for i in aware)
    return total


@pytest.mark.parametrize("graph_seed", [0, 1, 2])
def test_greedy_reaches_1_minus_1_over_e_of_brute_force_optimum(graph_seed):
    gen = np.random.default_rng(graph_seed)
    n = 9
    edges = sorted({(int(a), int(b)) for a, b in gen.integers(0, n, (14, 2)) if a != b})[:11]
    q, k = 0.35, 2
    model = _tiny_model(n, edges, graph_seed, q)
    rr = rr_sets(model, 0)
    cand = candidates(model, "all")
    greedy = rr.greedy(cand, np.ones(n), float(k))
    assert len(greedy) == k
    exact = {s: _exact_useful(model, s, q) for s in itertools.combinations(range(n), k)}
    best = max(exact.values())
    assert best > 0
    assert _exact_useful(model, tuple(greedy), q) >= (1 - 1 / math.e) * best
    # on the RR coverage objective itself greedy is exactly what it promises
    cover = {s: _coverage(rr, s) for s in itertools.combinations(range(n), k)}
    assert _coverage(rr, greedy) >= (1 - 1 / math.e) * max(cover.values())
    # the RR estimate is the exact expectation, within Monte Carlo error
    s = tuple(greedy)
    est = rr.spread(s)
    sd = model.useful.sum() * math.sqrt(0.25 / rr.n_sets)
    assert abs(est - exact[tuple(sorted(s))]) < 5 * sd + 1e-9
    model.release()


def test_budgeted_greedy_guarantee_on_rr_sets():
    """With unequal costs the better of the two greedy passes keeps (1 - 1/e)/2 of the optimum."""
    gen = np.random.default_rng(4)
    edges = {(int(a), int(b)) for a, b in gen.integers(0, 14, (40, 2)) if a != b}
    model = _tiny_model(14, sorted(edges), 4, q=0.3)
    rr = RRSets(model, 0, n_sets=5000)
    costs = gen.uniform(1, 5, 14)
    cand = np.arange(14)
    for budget in (3.0, 6.0, 9.0):
        picks, _, covered = max((_greedy_cover(rr.indptr, rr.nodes, rr.node_start, rr.node_sets, cand, costs,
                                               budget, per_euro) for per_euro in (True, False)),
                                key=lambda run: run[2])
        assert costs[picks].sum() <= budget
        best = 0
        for size in range(1, 6):
            for s in itertools.combinations(range(14), size):
                if costs[list(s)].sum() <= budget:
                    best = max(best, _coverage(rr, s))
        assert covered == _coverage(rr, picks)
        assert covered >= (1 - 1 / math.e) / 2 * best
    model.release()


def _greedy_by_scanning(sets, candidates, costs, budget, per_euro):
    """The plain greedy: every step scans all candidates for the best affordable value
    (ties: the earliest candidate), on sets given as Python sets."""
    covered, picks, left = set(), [], budget
    while True:
        best, best_value = None, 0.0
        for j in candidates:
            if j in picks or costs[j] > left:
                continue
            g = sum(1 for r, members in enumerate(sets) if r not in covered and j in members)
            value = (g / costs[j] if costs[j] > 0 else g * 1e18) if per_euro else float(g)
            if g > 0 and value > best_value:
                best, best_value = j, value
        if best is None:
            return picks
        picks.append(best)
        left -= costs[best]
        covered |= {r for r, members in enumerate(sets) if best in members}


@pytest.mark.parametrize("seed", range(6))
def test_lazy_greedy_picks_what_scanning_every_candidate_picks(seed):
    """The heap (CELF) version of the greedy cover against the plain scan, with ties (whole
    costs, few sets), free candidates and candidates in a shuffled order."""
    gen = np.random.default_rng(seed)
    n, n_sets = 30, 60
    sets = [set(gen.choice(n, int(gen.integers(1, 5)), replace=False).tolist()) for _ in range(n_sets)]
    indptr = np.concatenate(([0], np.cumsum([len(x) for x in sets])))
    nodes = np.array([j for x in sets for j in sorted(x)], np.int64)
    node_start = np.concatenate(([0], np.cumsum(np.bincount(nodes, minlength=n))))
    node_sets = np.array([r for j in range(n) for r, x in enumerate(sets) if j in x], np.int64)
    costs = gen.integers(0, 4, n).astype(np.float64)           # some free, many equal
    cand = gen.permutation(n)[:25].astype(np.int64)
    for budget, per_euro in ((5.0, True), (5.0, False), (12.0, True), (1e9, False)):
        picks, _, _ = _greedy_cover(indptr, nodes, node_start, node_sets, cand, costs, budget, per_euro)
        assert picks.tolist() == _greedy_by_scanning(sets, cand.tolist(), costs, budget, per_euro)


# ---------------------------------------------------------------- influence scores
def test_score_top10_beats_top10_by_followers_on_facebook(shared_networks):
    cfg = compose_config("network=edgelist", f"network.path={shared_networks / 'facebook_combined.txt'}",
                         "network.directed=false", "run.replicates=20")
    world = build_world(cfg)
    model = InfluenceModel(cfg, world=world)
    table = influence_table(cfg, model)
    assert list(table["rank"][:3]) == [1, 2, 3] and table.marginal_influence.iloc[0] > 0
    top_score = table.agent.head(10).tolist()
    top_followers = table.sort_values(["followers", "agent"], ascending=[False, True]).agent.head(10).tolist()
    useful = {}
    for name, seeds in [("score", top_score), ("followers", top_followers)]:
        c = copy.deepcopy(cfg)
        c.campaign.kind = "custom"
        c.campaign.seed_agents, c.campaign.seed_top_bloggers, c.campaign.seed_hour = seeds, 0, 0
        c.campaign.brand_post_hours, c.campaign.mass_reach = [], 0.0
        useful[name] = simulate(c, world=world, **QUIET).final("useful_reach")
    se = math.hypot(useful["score"].std(ddof=1), useful["followers"].std(ddof=1)) / math.sqrt(20)
    print(f"simulated useful reach: score top 10 {useful['score'].mean():.1f}, "
          f"followers top 10 {useful['followers'].mean():.1f}")
    assert useful["score"].mean() - useful["followers"].mean() > 3 * se
    model.release()


# ---------------------------------------------------------------- comparisons and outputs
def test_targeted_vs_mass_writes_one_row_per_strategy(tmp_path):
    cfg = compose_config("experiment=targeted_vs_mass", "population=small", "run.replicates=3", "run.hours=72")
    out = run_comparison(cfg, tmp_path)
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert list(table.scenario) == list(cfg.comparison)
    for metric in FINALS:
        assert {f"{metric}_mean", f"{metric}_ci95_low", f"{metric}_ci95_high"} <= set(table.columns)
    paid = table[table.kind != "owned"]
    assert (paid.spent_ci95_high <= cfg.campaign.budget + 1e-9).all() and (paid.spent_mean > 0).all()
    assert table.loc[table.kind == "owned", "spent_mean"].iloc[0] == 0
    for name in cfg.comparison:
        assert (tmp_path / name / "summary.json").exists() and (tmp_path / name / "attribution.csv").exists()
    assert (tmp_path / "comparison.png").stat().st_size > 30_000
    row = table.set_index("scenario").loc["targeted_greedy"]
    assert row.useful_reach_mean == pytest.approx(out["results"]["targeted_greedy"].final("useful_reach").mean())


def test_message_mix_reports_each_message_and_the_total():
    cfg = compose_config("experiment=teaser_launch", "population=small", "run.replicates=3", "run.hours=96",
                         "diffusion.attention_limit=1")
    result = simulate(cfg, **QUIET)
    assert result.messages == ["launch", "teaser"]
    teaser, launch = result.final("reach", 1), result.final("reach", 0)
    total = result.final("reach")
    assert np.all(total >= np.maximum(teaser, launch)) and np.all(total <= teaser + launch)
    assert np.all(result.final("relays") == result.final("relays", 0) + result.final("relays", 1))
    assert result.final("missed_posts").sum() > 0                   # attention was contested
    teaser_first = result.curve("reach", 1)[:, 20].mean()
    launch_first = result.curve("reach", 0)[:, 20].mean()
    assert teaser_first > 0 and launch_first == 0                   # the launch post comes a day later
    assert np.all(result.final("spent") <= cfg.campaign.budget + 1e-9)


def test_attribution_and_cascade_metrics_agree():
    cfg = small_config(consumers=2000, bloggers=10, hours=72, replicates=2)
    cfg.diffusion.relay_max.consumer = 0.5
    model = InfluenceModel(cfg)
    result = simulate(cfg, model=model, **QUIET)
    table = result.attribution
    model.reset(0)
    model.run()
    st = model.state
    assert len(table) == (st.relay_at[0] >= 0).sum() == result.final("relays")[0]
    parents = table[table.source >= 0]
    assert (parents.depth.to_numpy() == st.relay_depth[0, parents.source.to_numpy()] + 1).all()
    assert (table[table.source == -2].depth == 1).all()
    assert result.final("cascade_depth_max")[0] >= table.depth.max()
    caused = table[table.source >= 0].groupby("source").size()
    assert result.final("agents_relaying_to_k")[0] == (caused >= cfg.run.influencer_k).sum()
    assert 0 <= result.final("organic_relay_share")[0] <= 1
    assert result.final("largest_relay_tree")[0] <= result.final("relays")[0] + result.final("seeded")[0] + 1
    model.release()


def test_targeted_advantage_over_mass_shrinks_as_the_disclosure_penalty_grows():
    """Sponsored posts carry #ad, ads do not come from a sponsored author: a larger penalty
    leaves mass reach untouched (same random numbers) and lowers what the same sponsored
    accounts achieve, so targeted's lead shrinks step by step."""
    base = ["population=small", "campaign.budget=20000", "campaign.strategy=followers", "run.replicates=12",
            "run.days=3"]
    world = build_world(compose_config(*base))
    lead, mass_reach = [], []
    for penalty in (0.0, 0.4, 0.8):
        finals = {}
        for kind in ("targeted", "mass"):
            cfg = compose_config(*base, f"campaign={kind}", f"diffusion.disclosure_penalty={penalty}")
            finals[kind] = simulate(cfg, world=world, **QUIET).final("useful_reach")
        lead.append(finals["targeted"] - finals["mass"])
        mass_reach.append(finals["mass"])
    assert all(np.array_equal(mass_reach[0], m) for m in mass_reach)          # ads carry no #ad
    steps = [b - a for a, b in zip(lead, lead[1:])]
    for step in steps:                                   # paired: same worlds, seeds and draws
        assert step.mean() < -3 * step.std(ddof=1) / np.sqrt(step.size), [float(s.mean()) for s in steps]


def test_posts_and_ad_flights_on_named_days():
    """Brand posts at local date-times and ads on named dates land on the hours the calendar
    gives (start Monday 2027-03-01 08:00: Tuesday 18:00 is hour 34, Thursday 09:00 hour 73;
    Wednesday 3 March is hours 40-63), whatever owned_post_hours and mass_hours say."""
    from sim import kernels as K
    from sim.kinds import BRAND
    cfg = compose_config("population=small", "campaign=hybrid", "campaign.budget=20000", "run.replicates=1",
                         "run.days=5", 'campaign.owned_post_times=["2027-03-02 18:00","2027-03-04 09:00"]',
                         "campaign.ad_days=[2027-03-03]", "campaign.owned_post_hours=[0]", "campaign.mass_hours=2")
    assert str(cfg.timing.start) == "2027-03-01 08:00"
    model = InfluenceModel(cfg)
    model.run()
    impressions = np.array(model.history)[:, 0, K.IMPRESSIONS]
    assert set(np.flatnonzero(impressions)) <= set(range(40, 64)) and impressions[40:64].sum() > 0
    owned = compose_config("population=small", "campaign=owned", "run.replicates=1", "run.days=5",
                           'campaign.owned_post_times=["2027-03-02 18:00","2027-03-04 09:00"]')
    model = InfluenceModel(owned)
    model.run()
    assert np.flatnonzero(np.array(model.history)[:, 0, K.POSTED + BRAND]).tolist() == [34, 73]

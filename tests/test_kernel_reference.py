"""The numba kernel and the plain-Python reference (agents' step/advance) agree exactly,
hour by hour, on random small graphs and a spread of rule settings."""
import numpy as np
import pytest

from sim import kernels as K
from sim import rng
from sim.kinds import N_KINDS
from sim.config import MessageConfig, MessageSlot
from sim.model import InfluenceModel
from sim.network import Network
from sim.population import build_world

from .conftest import small_config

SETTINGS = [
    # (window, talk_hours, activity, min_sources, relayers_adopt, mass_reach, contact_rate,
    #  half_life, attention_limit, second message, budgeted hybrid,
    #  engagement, disclosure penalty, message.decay, population.scale)
    (1, 1, 1.0, 1, True, 0.0, 0.0, None, 0, False, False, 0.0, 0.0, "exponential", 1.0),   # IC-like
    (6, 1, 0.3, 1, True, 0.02, 0.0, 24.0, 5, False, False, 0.3, 0.2, "exponential", 1.0),  # the old default
    (24, 1, 0.5, 1, True, 0.01, 0.0, None, 4, False, False, 0.3, 0.2, "power_law", 1.0),  # reaction times
    (3, 3, 0.5, 2, False, 0.05, 0.0, 6.0, 2, False, False, 0.5, 0.25, "exponential", 1.0),  # tight attention
    (4, 0, 0.6, 1, True, 0.01, 0.0, 12.0, 0, True, False, 0.2, 0.0, "power_law", 30.0),   # talk to the end
    (2, 2, 0.8, 1, True, 0.03, 0.3, None, 3, True, False, 0.4, 0.3, "exponential", 1.0),  # mixed chats
    (5, 2, 0.5, 1, True, 0.0, 0.0, 24.0, 1, True, True, 0.3, 0.4, "power_law", 2500.0),   # ads + sponsored
]


def random_world(cfg, seed, density):
    """The generated population, re-wired with a random directed graph."""
    pop, _ = build_world(cfg)
    gen = np.random.default_rng(seed)
    n = pop.size
    m = int(density * n)
    net = Network.from_edges(n, gen.integers(0, n, m), gen.integers(0, n, m))
    return pop, net


def case_world(case, graph_seed):
    """The configuration and world of SETTINGS[case] on random graph `graph_seed`."""
    (window, talk, activity, min_src, relayers_adopt, reach, contact, half_life, limit, two,
     budgeted, engagement, disclosure, decay, scale) = SETTINGS[case]
    cfg = small_config(consumers=120 + 40 * graph_seed, bloggers=4, hours=30, seed=graph_seed)
    d = cfg.diffusion
    d.attention_window, d.talk_hours, d.attention_limit = window, talk, limit
    d.adoption_min_sources, d.relayers_adopt = min_src, relayers_adopt
    d.relay_max.consumer, d.relay_max.blogger = 0.6, 0.9
    d.adoption_prob, d.weight_relevance, d.ad_notice = 0.5, 0.5, 0.7
    cfg.message.interest = 0.9
    cfg.population.activity_mean = activity
    cfg.message.half_life_hours = half_life
    d.engagement, d.disclosure_penalty, cfg.message.decay, cfg.population.scale = engagement, disclosure, decay, scale
    d.tier_trust.micro, d.tier_trust.macro = 0.6, 0.4      # accounts of 10,000+ followers (scale 2,500)
    c = cfg.campaign
    c.mass_reach, c.mass_hours = reach, 10
    c.brand_post_hours, c.seed_agents = [0, 5], [3, 7]
    cfg.network.contact_rate = contact
    if two:
        cfg.messages = {"teaser": MessageConfig(name="teaser", interest=0.8, promotional=0.1,
                                                topics=[0.2, 1.0, 0, 0, 0, 0, 0, 0])}
        c.message_mix = [MessageSlot("teaser", 0.4, 0), MessageSlot("launch", 0.6, 4)]
    if budgeted:
        c.kind, c.budget, c.strategy, c.cpm = "hybrid", 60.0 * scale, "greedy", 20.0     # euros: scaled market
        c.seed_agents = []                                  # a budgeted plan seeds by its strategy only
    return cfg, random_world(cfg, graph_seed, density=6.0)


@pytest.mark.parametrize("case", range(len(SETTINGS)))
@pytest.mark.parametrize("graph_seed", [1, 2])
def test_kernel_equals_reference_hour_by_hour(case, graph_seed):
    cfg, world = case_world(case, graph_seed)
    limit, engagement, scale = SETTINGS[case][8], SETTINGS[case][11], SETTINGS[case][14]
    fast = InfluenceModel(cfg, world=world, mode="fast")
    ref = InfluenceModel(cfg, world=world, mode="reference")
    if scale > 1000:
        assert (fast.tier >= 1).sum() >= 3                  # bloggers of 10,000+ real followers, trusted less
    for replicate in (0, 1):
        fast.reset(replicate)
        ref.reset(replicate)
        for hour in range(cfg.run.hours):
            fast.step()
            ref.step()
            assert np.array_equal(fast.out, ref.out), f"hour {hour}: counts differ"
            assert np.array_equal(fast.state.snapshot(), ref.state.snapshot()), f"hour {hour}: state differs"
            assert np.array_equal(fast.state.seen_edge, ref.state.seen_edge)
        assert np.array_equal(fast.spent, ref.spent)
        # the comparison must not be vacuous: the messages went somewhere
        for m in range(len(fast.messages)):
            assert (fast.state.relay_at[m] >= 0).sum() > 0
            assert (fast.state.aware_at[m] >= 0).sum() > 10
        if 0 < limit <= 2:
            assert np.array(fast.history)[:, :, K.MISSED:K.MISSED + N_KINDS].sum() > 0    # attention did bind
        if engagement:
            assert fast.state.engagements.sum() > 0                   # likes and comments were given
    fast.release()
    ref.release()


@pytest.mark.parametrize("case", range(len(SETTINGS)))
def test_whole_runs_in_few_kernel_calls_equal_the_reference(case):
    """`run` takes the hours between actions that need Python in one kernel call each
    (sim.schedule); past the recorded plan it steps. Counts, states and spend equal the
    reference's, hour by hour, over the horizon and 6 hours beyond it."""
    cfg, world = case_world(case, 1)
    fast = InfluenceModel(cfg, world=world, mode="fast")
    ref = InfluenceModel(cfg, world=world, mode="reference")
    steps = []
    plain_step = fast.step
    fast.step = lambda: (steps.append(fast.hour), plain_step())
    hours = fast.horizon + 6
    for replicate in (0, 1):
        steps.clear()
        fast.reset(replicate)
        ref.reset(replicate)
        ran, expected = fast.run(hours), ref.run(hours)
        assert len(steps) < hours - 6, "the hours were stepped one by one, not run in one call"
        assert np.array_equal(ran, expected), "hourly counts differ"
        assert np.array_equal(fast.state.snapshot(), ref.state.snapshot())
        assert np.array_equal(fast.state.seen_edge, ref.state.seen_edge)
        assert np.array_equal(fast.spent, ref.spent)
        assert (ref.state.relay_at >= 0).sum() > 0 and fast.hour == ref.hour == hours
    fast.release()
    ref.release()


def test_counted_ads_reach_the_same_consumers_when_they_are_not_the_first_agents():
    """The kernel skips the consumer lookup when consumers are agents first .. last; with a
    blogger among them (a loaded world's kinds are spread), counted ads still equal the reference."""
    cfg, (pop, net) = case_world(6, 1)                    # a budgeted hybrid: counted ads
    consumers = np.flatnonzero(pop.kind == 0)
    blogger = int(np.flatnonzero(pop.kind == 1)[0])
    pop.kind[[consumers[10], blogger]] = pop.kind[[blogger, consumers[10]]]
    fast = InfluenceModel(cfg, world=(pop, net), mode="fast")
    ref = InfluenceModel(cfg, world=(pop, net), mode="reference")
    assert np.diff(fast.consumers).max() > 1
    for replicate in (0, 1):
        fast.reset(replicate)
        ref.reset(replicate)
        ran, expected = fast.run(), ref.run()
        assert ran[:, :, K.IMPRESSIONS].sum() > 0
        assert np.array_equal(ran, expected) and np.array_equal(fast.state.snapshot(), ref.state.snapshot())
    fast.release()
    ref.release()


def test_reference_detects_a_changed_rule():
    """Sanity check of the test itself: a different relay cap in the kernel's parameter record
    (the reference reads the configuration, not that record) makes the runs differ."""
    cfg = small_config(consumers=200, hours=24)
    cfg.diffusion.relay_max.consumer = 0.9
    cfg.diffusion.weight_relevance, cfg.message.interest = 0.5, 0.9
    cfg.campaign.seed_agents = list(range(0, 60, 3))
    world = random_world(cfg, 3, density=6.0)
    fast = InfluenceModel(cfg, world=world, mode="fast")
    ref = InfluenceModel(cfg, world=world, mode="reference")
    fast.rules.relay_max[0] = 0.3
    fast.reset(0)
    fast.run(24)
    ref.run(24)
    assert (ref.state.relay_at >= 0).sum() > 5
    assert not np.array_equal(fast.state.snapshot(), ref.state.snapshot())


def test_counter_based_draws_agree_between_python_and_numba():
    gen = np.random.default_rng(5)
    for _ in range(200):
        seed, rep = int(gen.integers(0, 2**31)), int(gen.integers(0, 1000))
        key = rng.stream_key(seed, rep)
        args = [int(x) for x in gen.integers(0, 2**40, 4)]
        purpose = int(gen.integers(1, 60))
        assert rng.draw_py(key, purpose, *args) == rng.draw(np.uint64(key), purpose, *args)
        assert rng.stream_keys(np.uint64(seed), rep + 1)[rep] == key     # the batch version used by sim.ic


def test_draws_are_uniform_and_streams_independent():
    key0, key1 = rng.stream_key(0, 0), rng.stream_key(0, 1)
    u0 = np.array([rng.draw_py(key0, rng.ONLINE, s, 7) for s in range(4000)])
    u1 = np.array([rng.draw_py(key1, rng.ONLINE, s, 7) for s in range(4000)])
    assert abs(u0.mean() - 0.5) < 0.02 and abs(u1.mean() - 0.5) < 0.02
    assert abs(np.corrcoef(u0, u1)[0, 1]) < 0.05
    assert ((u0 >= 0) & (u0 < 1)).all()

"""The influence estimator's relay probability per follow link is the kernel's, for random rules,
for an ordinary post and for a sponsored (disclosed) one."""
import numpy as np
import pytest
from numba import njit

from sim import kernels as K
from sim.config import MessageConfig
from sim.influence import link_probabilities
from sim.kinds import KIND_NAMES
from sim.model import InfluenceModel
from sim.rules import relay_chance

from .conftest import small_config
from .test_kernel_reference import random_world


@njit
def kernel_relay_chances(m, followers, sources, static, hour, kind, credibility, fully_promotional):
    """What `sim.kernels._expose` compares a relay draw with, for a first exposure at launch."""
    out = np.empty(followers.size)
    for k in range(followers.size):
        i, j = followers[k], sources[k]
        a, c = static[m, i], hour[m]
        out[k] = relay_chance(a.relay_cap, K.exposure_appeal(a, c, fully_promotional[kind[j]], credibility[j]),
                              K.exposure_novelty(c, 0, 0.0))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_estimator_relay_probability_at_launch_equals_the_kernels(seed):
    gen = np.random.default_rng(seed)
    cfg = small_config(consumers=120, bloggers=6, seed=seed)
    d = cfg.diffusion
    for kind in KIND_NAMES:
        setattr(d.relay_max, kind, float(gen.uniform(0, 1)))
        setattr(d.credibility, kind, float(gen.uniform(0, 1)))
    d.weight_interest, d.weight_relevance, d.weight_novelty, d.weight_trust = gen.uniform(0, 2, 4)
    d.disclosure_penalty = float(gen.uniform(0.1, 0.9))
    for mc in (cfg.message, MessageConfig(name="second")):
        mc.topics = list(gen.uniform(0, 1, 8))
        mc.interest, mc.novelty, mc.wearout, mc.promotional = gen.uniform(0, 1, 4)
        mc.half_life_hours = float(gen.uniform(1, 48))
    cfg.messages = {"second": mc}
    model = InfluenceModel(cfg, world=random_world(cfg, seed, density=5.0))
    pop, net = model.population, model.network
    followers = np.repeat(np.arange(pop.size), np.diff(net.in_indptr))
    launch = 7
    hour = K.hour_constants(launch, np.uint64(model.key), model.rules, np.full(2, launch))   # message age 0
    for m in range(2):
        _, estimated, sponsored = link_probabilities(model, m)
        kernel = kernel_relay_chances(m, followers, net.in_indices, model.state.static, hour, pop.kind,
                                      model.credibility, model.world.fully_promotional)
        assert kernel.size > 300 and kernel.std() > 0
        assert np.array_equal(estimated, np.clip(kernel, 0.0, 1.0)), m
        disclosed = np.array([K.disclosed_credibility(c, 0, 0, d.disclosure_penalty) for c in model.credibility])
        kernel = kernel_relay_chances(m, followers, net.in_indices, model.state.static, hour, pop.kind,
                                      disclosed, model.world.fully_promotional)
        assert np.array_equal(sponsored, np.clip(kernel, 0.0, 1.0)), m
        assert (sponsored < estimated).sum() > 300
    model.release()


def test_a_followers_value_is_put_on_each_of_its_links_as_numpy_repeat_does():
    """`see` per in-CSR link: the follower's chance on each link it has (none for an account
    that follows nobody), against np.repeat by the follow counts."""
    from sim.influence import per_link
    gen = np.random.default_rng(3)
    counts = gen.integers(0, 5, 200)
    counts[[0, 7, 199]] = 0                                       # empty rows, first and last too
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    values = gen.random(200)
    assert np.array_equal(per_link(indptr, values), np.repeat(values, counts))

"""Named random streams for the world: changing one population setting redraws only what
depends on it, so scenarios over population settings are common-random-number comparisons."""
import copy

import numpy as np
import pytest

from sim.kinds import CONSUMER
from sim.population import build_world

from .conftest import small_config


def attributes(cfg):
    """Every attribute of every agent, and who follows whom, split by kind of link."""
    pop, net = build_world(cfg)
    src = np.repeat(np.arange(net.n), net.follower_counts)
    consumer_link = (pop.kind[src] == CONSUMER) & (pop.kind[net.indices] == CONSUMER)
    links = src.astype(np.int64) * net.n + net.indices
    return {"kind": pop.kind, "segment": pop.segment, "interests": pop.interests, "scepticism": pop.scepticism,
            "activity": pop.activity, "credibility": pop.credibility,
            "consumer follows": links[consumer_link], "audiences": links[~consumer_link],
            "audience sizes": net.follower_counts[pop.kind != CONSUMER]}


CHANGES = {   # key, new value, what it may change (what depends on it)
    "scepticism_mean": ("population", 0.8, {"scepticism"}),
    "activity_mean": ("population", 0.6, {"activity"}),
    "segment_focus": ("population", 0.3, {"interests", "audiences"}),   # fans are picked by interests
    "follows_mean": ("network", 12.0, {"consumer follows"}),
    "homophily": ("network", 0.3, {"consumer follows"}),
}


@pytest.mark.parametrize("key", list(CHANGES))
def test_changing_one_setting_leaves_every_other_attribute_identical(key):
    group, value, changes = CHANGES[key]
    base = small_config(consumers=3000, bloggers=12)
    other = copy.deepcopy(base)
    setattr(getattr(other, group), key, value)
    a, b = attributes(base), attributes(other)
    for name in a:
        same = a[name].shape == b[name].shape and np.array_equal(a[name], b[name])
        assert same == (name not in changes), f"{key} changed -> {name} {'identical' if same else 'changed'}"


def test_a_different_seed_redraws_everything():
    a, b = attributes(small_config(consumers=3000, bloggers=12)), attributes(small_config(3000, 12, seed=1))
    for name in ("segment", "interests", "scepticism", "activity", "consumer follows", "audiences"):
        assert not np.array_equal(a[name], b[name]) if a[name].shape == b[name].shape else True, name

"""World building: the edge-list loader, the generator, configs and the Mesa agents' views."""
from pathlib import Path

import mesa
import numpy as np
import pytest

from sim.config import ConfigError
from sim.model import InfluenceModel
from sim.network import DataError, Network, load_edgelist
from sim.kinds import BLOGGER, BRAND, CONSUMER
from sim.population import build_world
from sim.results import simulate
from sim.run import CONFIG_DIR

from .conftest import compose_config, small_config


def test_network_csr_both_directions():
    net = Network.from_edges(4, [0, 0, 1, 2, 2, 3], [1, 2, 2, 3, 3, 3])   # dup and self-loop dropped
    assert net.edges == 4
    assert list(net.followers(0)) == [1, 2] and list(net.followers(2)) == [3]
    assert list(net.followees(2)) == [0, 1] and list(net.followees(3)) == [2]
    for i in range(4):   # in_edge points at the same edge in the out-CSR
        for k in range(net.in_indptr[i], net.in_indptr[i + 1]):
            e = net.in_edge[k]
            assert net.indices[e] == i
            assert net.indptr[net.in_indices[k]] <= e < net.indptr[net.in_indices[k] + 1]


def test_edgelist_semantics(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("# a comment\n10 20\n\n20   30\n# end\n")
    net, ids, seg = load_edgelist(f, directed=True, edge_meaning="follows")
    assert list(ids) == [10, 20, 30] and seg is None
    assert list(net.followers(1)) == [0]        # 10 follows 20: 20's posts reach 10
    net, _, _ = load_edgelist(f, directed=True, edge_meaning="reaches")
    assert list(net.followers(0)) == [1]        # 10's posts reach 20
    net, _, _ = load_edgelist(f, directed=False)
    assert net.edges == 4
    labels = tmp_path / "l.txt"
    labels.write_text("10 7\n30 3\n")
    net, ids, seg = load_edgelist(f, labels=labels)
    assert list(ids) == [10, 20, 30] and list(seg) == [1, 2, 0]          # 20 unlabelled -> extra segment
    labels.write_text("10 7\n30 3\n40 3\n")                             # 40 is not in the edge list
    with pytest.raises(DataError, match="line 3: node 40 is not in the edge list"):
        load_edgelist(f, labels=labels)
    labels.write_text("10 7\n30 3\n10 3\n")                             # 10 labelled twice
    with pytest.raises(DataError, match="line 3: node 10 is labelled again"):
        load_edgelist(f, labels=labels)


@pytest.mark.parametrize("text, where", [("0 1\n1 2 3\n", "line 2"), ("0 1\n-1 2\n", "line 2"),
                                         ("# only comments\n", "no data"), ("0 1\n1 b\n", "line 2")])
def test_edgelist_errors_name_file_and_line(tmp_path, text, where):
    f = tmp_path / "bad.txt"
    f.write_text(text)
    with pytest.raises(DataError, match=where):
        load_edgelist(f)


def test_generated_world_has_the_promised_shape():
    cfg = small_config(consumers=4000, bloggers=20)
    pop, net = build_world(cfg)
    assert pop.count(CONSUMER) == 4000 and pop.count(BLOGGER) == 20 and pop.count(BRAND) == 1
    followers = net.follower_counts
    consumers = np.flatnonzero(pop.kind == CONSUMER)
    bloggers = np.flatnonzero(pop.kind == BLOGGER)
    # heavy tail: the most followed consumers have many times the median
    assert followers[consumers].max() > 8 * np.median(followers[consumers])
    # bloggers have large followings
    assert np.median(followers[bloggers]) > 5 * np.median(followers[consumers])
    # homophily: most consumer follows stay inside the segment
    src = np.repeat(np.arange(pop.size), followers)
    cc = (pop.kind[src] == CONSUMER) & (pop.kind[net.indices] == CONSUMER)
    same = pop.segment[src[cc]] == pop.segment[net.indices[cc]]
    assert same.mean() > 0.7
    # blogger followers share the blogger's main topic more than average consumers do
    b = bloggers[0]
    topic = np.argmax(pop.interests[b])
    assert pop.interests[net.followers(b), topic].mean() > pop.interests[consumers, topic].mean()
    assert np.allclose(pop.interests.sum(axis=1), 1.0)


def test_email_eu_core_with_department_labels_runs(shared_networks):
    cfg = small_config(hours=72, replicates=3)
    cfg.network.kind = "edgelist"
    cfg.network.path = str(shared_networks / "email-Eu-core.txt")
    cfg.network.labels = str(shared_networks / "email-Eu-core-department-labels.txt")
    cfg.network.edge_meaning = "reaches"
    cfg.population.bloggers = 10
    cfg.target.segments = [4, 14]
    model = InfluenceModel(cfg)
    pop, net = model.population, model.network
    raw = np.loadtxt(shared_networks / "email-Eu-core.txt", dtype=np.int64)
    expected_edges = len({(a, b) for a, b in raw if a != b})
    brand_fans = net.follower_counts[pop.kind == BRAND].sum()
    assert pop.size == 1005 + 1 and pop.n_segments == 42
    assert net.edges == expected_edges + brand_fans
    assert pop.count(BLOGGER) == 10
    top10 = np.sort(net.follower_counts[:1005])[-10:]
    assert np.array_equal(np.sort(net.follower_counts[pop.kind == BLOGGER]), top10)
    result = simulate(cfg, model=model)
    assert result.final("reach").mean() > 10      # the message reached consumers
    model.release()


def test_agents_are_views_onto_the_arrays():
    cfg = small_config(consumers=200)
    model = InfluenceModel(cfg)
    model.run(5)
    assert len(mesa.Model.agents.fget(model)) == 0          # a fast run makes no agent objects
    agents = list(model.agents)                             # asking for them makes them all
    assert len(agents) == model.population.size
    kinds = {type(a).__name__ for a in agents}
    assert kinds == {"Consumer", "Blogger", "BrandAccount"}
    assert len(model.agents_by_type[type(agents[0])]) == model.population.count(0)
    model.reset(0)
    a = next(x for x in agents if type(x).__name__ == "Consumer")
    a.scepticism = 0.123
    assert model.population.scepticism[a.index] == 0.123
    model.run(24)
    assert [x.aware for x in agents] == list(model.state.aware_at[0] >= 0)
    assert sum(x.exposures for x in agents) == model.state.exposures.sum() > 0
    model.release()


def test_every_config_option_composes_and_validates():
    root = Path(CONFIG_DIR)
    groups = ["population", "network", "message", "diffusion", "campaign", "run", "experiment", "calibrate"]
    for group in groups:
        for option in sorted((root / group).glob("*.yaml")):
            overrides = [f"{group}={option.stem}"]
            if option.stem == "edgelist":
                overrides.append("network.path=edges.txt")
            if option.stem == "followers":
                overrides += ["network.path=follows.csv.gz", "accounts=accounts.csv"]
            cfg = compose_config(*overrides)
            assert cfg.run.replicates >= 1
    with pytest.raises(ConfigError, match="message.wearout"):
        compose_config("message.wearout=2")


def test_million_population_config():
    cfg = compose_config("population=million")
    assert cfg.population.consumers == 1_000_000 and cfg.population.name == "million"
    expected_links = (cfg.population.consumers * cfg.network.follows_mean
                      + cfg.population.bloggers * cfg.network.blogger_audience_share * cfg.population.consumers)
    assert 9e6 < expected_links < 11e6                          # "about ten million follow links"

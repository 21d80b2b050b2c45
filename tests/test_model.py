"""The model's surface: parallel replicates run the model they were given; registries extend it."""
import numpy as np
import pytest

from sim.actions import Action
from sim.errors import ConfigError
from sim.model import InfluenceModel
from sim.results import simulate
from sim.seeding import STRATEGIES, best_first

from .conftest import compose_config, small_config


class OneRandomSeed(Action):
    """A custom plan: one agent, drawn per replicate, sponsored at hour 0."""

    def reset(self, model):
        self.agent = int(np.random.default_rng([11, model.replicate]).integers(model.population.size))

    def apply(self, model, t):
        if t == 0:
            model.seed([self.agent])


@pytest.mark.parametrize("threads", [1, 2])
def test_simulate_runs_the_given_models_actions_in_every_thread(threads):
    cfg = small_config(consumers=400, hours=24, replicates=4)
    cfg.run.threads = threads
    model = InfluenceModel(cfg, actions=[OneRandomSeed()])
    model.rules.relay_max[:] = 0.0                   # an edited parameter record applies everywhere too
    model.reset(0)
    result = simulate(cfg, model=model, progress=lambda line: None)
    assert (result.final("seeded") == 1).all()       # not the config's plan (5 bloggers) in other threads
    assert (result.final("relays") == 0).all()
    model.release()


@pytest.fixture
def fewest_followers():
    """A seeding strategy defined here, registered for the test only."""
    @STRATEGIES.register("fewest_followers")
    def rank(model, candidates, message, budget):
        return best_first(candidates, -model.network.follower_counts[candidates].astype(np.float64))
    yield "fewest_followers"
    STRATEGIES.unregister("fewest_followers")


def test_a_registered_strategy_runs_from_the_command_line_config(fewest_followers):
    cfg = compose_config("population=small", "population.scale=1", "campaign=targeted",
                         f"campaign.strategy={fewest_followers}",
                         "campaign.budget=60", "run.replicates=2", "run.hours=24")
    model = InfluenceModel(cfg)
    result = simulate(cfg, model=model, progress=lambda line: None)
    seeded = np.flatnonzero(model.state.seeded_at[0] >= 0)
    # expected: sponsorable agents by fewest followers (then index), bought while the budget lasts
    kind, followers = model.population.kind, model.network.follower_counts
    fees = cfg.campaign.seed_fee_fixed, cfg.campaign.seed_fee_per_follower
    bought, left = [], cfg.campaign.budget
    for j in sorted(np.flatnonzero(kind < 2), key=lambda j: (followers[j], j)):
        kind_name = ("consumer", "blogger")[kind[j]]
        cost = getattr(fees[0], kind_name) + getattr(fees[1], kind_name) * followers[j]
        if cost <= left:
            bought.append(j)
            left -= cost
    assert sorted(seeded.tolist()) == sorted(bought) and len(bought) >= 5
    assert (result.final("seeded") == len(bought)).all()
    model.release()


def test_validation_reads_the_strategy_names_from_the_registry(fewest_followers):
    with pytest.raises(ConfigError, match="fewest_followers") as err:
        compose_config("campaign=targeted", "campaign.strategy=psychic")
    assert all(name in str(err.value) for name in STRATEGIES.names())


def test_a_model_on_reused_state_arrays_runs_as_a_fresh_one():
    """`InfluenceModel(state=...)` takes the state arrays of a model done with (calibration and
    forecast loops): same results as a fresh model, whatever the old model left in them; a
    state of another shape (more messages) is not taken."""
    small = ("population.consumers=400", "population.bloggers=5", "run.hours=48", "run.replicates=2")
    loud = compose_config(*small, "message.interest=1.0", "diffusion.relay_max.consumer=0.6")
    quiet = compose_config(*small, "run.seed=3")                   # the default market: ads, likes, tiers
    first = InfluenceModel(loud)
    simulate(loud, model=first, progress=lambda line: None)
    world = (first.population, first.network)
    fresh = simulate(quiet, model=InfluenceModel(quiet, world=world), progress=lambda line: None)
    reused_model = InfluenceModel(quiet, world=world, state=first.state)
    assert reused_model.state is first.state
    reused = simulate(quiet, model=reused_model, progress=lambda line: None)
    for name in ("curves", "flows", "tiers"):
        np.testing.assert_array_equal(getattr(reused, name), getattr(fresh, name))
    for name in fresh.finals:
        np.testing.assert_array_equal(reused.finals[name], fresh.finals[name])
    assert fresh.final("reach").max() > 0 and fresh.tiers[:, :, 3].sum() > 0          # likes and comments
    two = compose_config("experiment=teaser_launch", *small[:2])
    assert InfluenceModel(quiet, world=world, state=InfluenceModel(two).state).state.hot.shape[0] == 1


def test_what_models_of_one_world_share_is_keyed_on_every_setting_it_depends_on():
    """Models of one world share the arrays derived from it (`cache`): a model whose target,
    fees, scale or messages differ from the one before gets its own, as a fresh model does."""
    base = ("population.consumers=400", "population.bloggers=8", "run.hours=24")
    first = compose_config(*base)
    shared = InfluenceModel(first)
    world, cache = (shared.population, shared.network), shared.cache
    for change in (["target.segments=[1]"], ["campaign.seed_fee_fixed.blogger=999"],
                   ["campaign.seed_fee_per_follower.consumer=0.5"], ["population.scale=7"],
                   ["experiment=teaser_launch"]):
        cfg = compose_config(*base, *change)
        reused, fresh = InfluenceModel(cfg, world=world, cache=cache), InfluenceModel(cfg, world=world)
        for name in ("relevance", "useful", "consumers", "people", "followers", "tier", "seed_costs", "credibility"):
            np.testing.assert_array_equal(getattr(reused, name), getattr(fresh, name), err_msg=f"{change}: {name}")
        assert any(not np.array_equal(getattr(reused, name), getattr(shared, name))
                   for name in ("relevance", "useful", "people", "seed_costs")), change

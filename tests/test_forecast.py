"""Forecasting a running post (issue 14): the reshare log and the model's hours agree, the
log's accounts are placed by parent and follower count, the observed cascade is held
exactly until H and then continues, the plans share their random numbers, learning moves
towards the data, and `python -m sim.forecast` writes a forecast consistent with its runs."""
import json
import logging

import numpy as np
import pandas as pd
import pytest

from sim.cascade import ObservedReshares, PostBy, RelaysHeld, observed_hours, place, synthetic_log
from sim.forecasting import continue_runs, learn, observed_running, placed_log
from sim.inference import check_priors, set_parameters
from sim.kinds import BLOGGER
from sim.model import InfluenceModel
from sim.observed import EventLog, read_event_log
from sim.population import build_world

from .conftest import ROOT, compose_config
from .tiny import CONSUMER, behaviour_config, tiny_model

EXAMPLE = ROOT / "experiments" / "example_observed"
VIRAL = {"message.interest": 0.9, "diffusion.relay_max.consumer": 0.3}


@pytest.fixture(scope="module")
def world():
    cfg = compose_config("population.scale=1", "run.days=3", "run.replicates=1")
    w = build_world(cfg)
    bloggers = np.flatnonzero(w[0].kind == BLOGGER)
    author = int(bloggers[np.argmax(w[1].follower_counts[bloggers])])
    return cfg, w, {}, author


def cascade(world, values, replicate):
    cfg, w, cache, author = world
    model = InfluenceModel(set_parameters(cfg, values), world=w, cache=cache, actions=[PostBy(author)])
    log = synthetic_log(model, author, replicate, 1)
    relay_at = model.state.relay_at[0].copy()
    model.release()
    return log, relay_at


def test_a_simulated_log_maps_back_to_the_hours_the_model_relayed_in(world):
    log, relay_at = cascade(world, VIRAL, 3)
    assert log.reshares > 20
    assert np.all(np.diff(log.seconds) >= 0) and log.seconds[0] == 0
    np.testing.assert_array_equal(np.sort(observed_hours(log)), np.sort(relay_at[relay_at >= 0]))
    # the post is made in model hour 0 and read from hour 1: a relay of hour h happened h - 1 to h hours after it
    h = observed_hours(log)
    assert np.all((log.seconds[1:] >= (h - 1) * 3600) & (log.seconds[1:] < h * 3600))


def test_accounts_are_placed_by_parent_then_by_follower_count():
    # agent 0 (blogger) is read by 1..5; agent 3 by 6 and 7; agent 4 by 6; agent 8 by 9..11 and reads nobody
    # placed. Follower counts: 0: 5, 3: 2, 4: 1, 8: 3, others 0.
    edges = [(0, r) for r in range(1, 6)] + [(3, 6), (3, 7), (4, 6)] + [(8, r) for r in (9, 10, 11)]
    kinds = [BLOGGER] + [CONSUMER] * 11
    model = tiny_model(behaviour_config(), kinds, edges)
    log = EventLog(np.array([0.0, 10, 20, 30, 40]), np.array([5, 2, 0, 1, 3]),
                   ["@a", "@b", "@c", "", ""], ["", "@a", "@b", "", "@nobody"], "tiny")
    author, agents = place(model, log)
    assert author == 0                       # the only account with 5 followers
    assert agents[0] == 3                    # a reader of @a (agent 0) with 2 followers
    assert agents[1] == 6                    # a reader of @b (agent 3), 0 followers, lowest index of 6 and 7
    assert agents[2] == 4                    # no parent: among readers of those placed, nearest 1 follower
    # unknown parent: among readers of those placed (1, 2, 5, 7 left, 0 followers each: a tie, lowest index),
    # not agent 8 although its 3 followers match: it follows none of the accounts placed
    assert agents[3] == 1
    model.release()


def test_the_observed_cascade_is_held_exactly_until_H_then_continues(world):
    cfg, w, cache, author = world
    log, _ = cascade(world, VIRAL, 5)
    hours = 3
    seen = log.until(hours)
    model = InfluenceModel(set_parameters(cfg, VIRAL), world=w, cache=cache, actions=[])
    author, agents, at = placed_log(model, seen, hours + 1)
    model.release()
    model = InfluenceModel(set_parameters(cfg, VIRAL), world=w, cache=cache,
                           actions=[PostBy(author), ObservedReshares(agents, at), RelaysHeld(hours + 1)])
    model.reset(0)
    model.run(hours + 1)
    relay_at = model.state.relay_at[0]
    relayers = np.flatnonzero(relay_at >= 0)
    np.testing.assert_array_equal(np.sort(relayers), np.sort(agents))          # nobody else relayed before H
    np.testing.assert_array_equal(relay_at[agents], at)                         # each at its observed hour
    np.testing.assert_array_equal(observed_running(seen, hours + 1),
                                  np.cumsum(np.bincount(at, minlength=hours + 1)))
    model.run(48)
    later = np.flatnonzero(relay_at >= 0)
    assert later.size > agents.size + 10                                        # the model relays on its own after H
    assert relay_at[later].min() >= 1 and np.all(relay_at[np.setdiff1d(later, agents)] > hours)
    model.release()


def test_plans_share_their_random_numbers(world):
    cfg, w, cache, author = world
    log, _ = cascade(world, VIRAL, 5)
    seen = log.until(2)
    base = InfluenceModel(cfg, world=w, cache=cache, actions=[])
    placed = placed_log(base, seen, 3)
    base.release()
    sets = [VIRAL, {"message.interest": 0.4, "diffusion.relay_max.consumer": 0.1}]
    runs = continue_runs(cfg, w, cache, placed, 3, sets, 4, {"first": [], "second": []})
    for outcome in ("reshares", "reach", "adoptions"):
        np.testing.assert_array_equal(runs.curves["first"][outcome], runs.curves["second"][outcome])
    finals = runs.final("first")
    assert finals[0] != finals[1] or finals[2] != finals[3]                    # replicates differ from each other


def test_learning_moves_towards_the_data(world):
    cfg, w, cache, author = world
    priors = check_priors(cfg, {"message.interest": [0.05, 1.0]}, "forecast.params")
    loud, _ = cascade(world, {"message.interest": 1.0, "diffusion.relay_max.consumer": 0.3}, 8)
    silent = EventLog(np.array([0.0, 20000.0]), np.array([int(w[1].follower_counts[author]), 3]), ["", ""], ["", ""],
                      "silent")                                                  # nobody reshared in 5 hours
    means = {}
    for name, log in (("loud", loud.until(4)), ("silent", silent.until(5))):
        sets, distances = learn(cfg, w, cache, author, observed_running(log, 5), priors, 60, 8)
        means[name] = np.mean([s["message.interest"] for s in sets])
        assert np.sort(distances)[7] <= np.sort(distances)[8]
    assert means["loud"] > 0.6 > 0.45 > means["silent"], means


def test_the_committed_reshare_log_is_what_the_script_makes(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE / "make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.write_reshares(tmp_path)
    assert made.read_text() == (EXAMPLE / "reshares.csv").read_text()


def test_the_forecast_command_writes_a_file_consistent_with_its_runs(tmp_path, capsys):
    import sim.forecast
    logging.getLogger("sim").setLevel(logging.WARNING)
    out = tmp_path / "run"
    log_path = EXAMPLE / "reshares.csv"
    sim.forecast.main([f"observed={log_path}", "forecast.at_hours=3", "forecast.baseline=true", "forecast.draws=40",
                       "forecast.accept=5", "forecast.replicates=12", "run.days=3", f"hydra.run.dir={out}"])
    printed = capsys.readouterr().out
    assert "influsim:" in printed and "80% interval" in printed and "95% interval" in printed
    assert "baseline, SEISMIC" in printed and "what if we add" in printed
    assert "Forecast from the first 3 hours of" in printed and "over 12 runs:" in printed
    summary = json.loads((out / "forecast.json").read_text())
    raw = pd.read_csv(log_path)
    assert summary["observed_reshares_at_hours"] == int((raw.time <= 3 * 3600).sum()) - 1
    runs = pd.read_parquet(out / "forecast_runs.parquet")
    planned = runs[runs.plan == "as planned"].final_reshares
    assert len(planned) == 12 and set(runs.plan) == {"as planned"} | {w["plan"] for w in summary["what_if"]}
    f = summary["final_reshares"]
    assert f["median"] == pytest.approx(planned.median())
    assert f["interval_80"] == pytest.approx(list(planned.quantile([0.1, 0.9])))
    assert f["interval_95"][0] <= f["interval_80"][0] <= f["median"] <= f["interval_80"][1] <= f["interval_95"][1]
    assert planned.min() >= summary["observed_reshares_at_hours"]              # the observed reshares are kept
    assert summary["baseline"]["final_reshares"] > summary["observed_reshares_at_hours"]
    assert (out / "fig_forecast.png").stat().st_size > 10_000
    page = (out / "report.html").read_text()
    assert "influsim:" in page and "SEISMIC" in page and page.count("<img") == 1 and "paired difference" in page
    read_event_log(log_path)                                                    # the example is a valid log

"""Calibration (issue 14, the inference core): priors are checked; on a campaign simulated
with a known message interest, ABC-SMC's 90% posterior interval holds the truth and is
narrower than the prior; an interrupted history is continued, not restarted."""
import logging

import numpy as np
import pytest

from sim.calibrate import check_priors, distance, run_abc, set_parameters
from sim.errors import ConfigError
from sim.metrics import CURVES, FLOWS
from sim.observed import AnalyticsExport
from sim.results import simulate

from .conftest import compose_config

logging.getLogger("ABC").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def campaign():
    cfg = compose_config("population=small", "run.days=2", "run.replicates=1", "run.report=false",
                         "run.influencers=false")
    truth = set_parameters(cfg, {"message.interest": 0.5})
    truth.run.seed = 77
    r = simulate(truth, progress=lambda line: None)
    every = len(r.messages)
    counts = {"impressions": r.flows[0, every, :, FLOWS.index("impressions")],
              "shares": np.diff(r.curves[0, every, :, CURVES.index("relayed")], prepend=0),
              "adoptions": np.diff(r.curves[0, every, :, CURVES.index("adopted")], prepend=0)}
    return cfg, AnalyticsExport("hour", list(range(48)), counts, "synthetic")


def weighted_interval(history, label, level=0.9):
    frame, w = history.get_distribution(m=0, t=history.max_t)
    x = frame[label].to_numpy()
    order = np.argsort(x)
    cumulative = np.cumsum(w[order])
    tail = (1 - level) / 2
    return x[order][np.searchsorted(cumulative, tail)], x[order][np.searchsorted(cumulative, 1 - tail)]


def test_the_posterior_holds_the_true_interest_and_a_killed_history_resumes(campaign, tmp_path):
    cfg, export = campaign
    priors = check_priors(cfg, {"message.interest": [0.1, 1.0]})
    db = str(tmp_path / "history.db")
    first = run_abc(cfg, export, priors, db, 60, 2)
    assert first.max_t == 1
    sims = first.total_nr_simulations
    history = run_abc(cfg, export, priors, db, 60, 4)              # the same command again, more generations
    assert history.max_t == 3 and history.total_nr_simulations > sims
    assert len(history.all_runs()) == 1                             # continued, not a second run
    low, high = weighted_interval(history, "message__interest")
    assert low <= 0.5 <= high and high - low < 0.5 * (1.0 - 0.1)


def test_distance_is_zero_on_the_observation_and_scales_by_each_metric():
    observed = {"a": np.array([1.0, 2.0, np.nan, 4.0]), "b": np.array([100.0, 200.0, 300.0, 400.0])}
    assert distance({"a": np.array([1.0, 2.0, 9.0, 4.0]), "b": observed["b"].copy()}, observed) == 0.0
    off = distance({"a": np.array([1.0, 2.0, 3.0, 8.0]), "b": observed["b"] * 2}, observed)
    assert off == pytest.approx(((4 / 4) ** 2 / 3 + np.mean((observed["b"] / 400) ** 2)) / 2)


@pytest.mark.parametrize("params,expected", [
    ({}, "calibrate.params: is empty"),
    ({"message.interest": [0.8, 0.2]}, "calibrate.params.message.interest: needs low < high"),
    ({"message.interest": [0.5, 0.5]}, "needs low < high"),
    ({"message.interest": [0.1, 1.5]}, "the prior's end 1.5 is not a valid value"),
    ({"message.intrest": [0.1, 0.9]}, "calibrate.params.message.intrest: is not a numeric key"),
    ({"message.nosuch.x": [0.1, 0.9]}, "'nosuch' unknown"),
    ({"run.seed": [0, 9]}, "is not a parameter the calibration can vary"),
    ({"message.name": [0, 1]}, "is not a numeric key"),
    ({"message.interest": [0.1]}, "must be a prior [low, high]"),
    ({"message.interest": ["a", 1]}, "must be a prior [low, high] of numbers"),
])
def test_bad_priors_are_refused_naming_the_key(campaign, params, expected):
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        check_priors(campaign[0], params)

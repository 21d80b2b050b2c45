"""Calibration (issue 14, the inference core): priors are checked; on a campaign simulated
with a known message interest, ABC-SMC's 90% posterior interval holds the truth and is
narrower than the prior; an interrupted history is continued, not restarted."""
import logging

import numpy as np
import pytest

from sim.inference import check_priors, distance, run_abc, set_parameters
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
    counts = {"impressions": np.diff(r.flows[0, every, :, FLOWS.index("impressions")], prepend=0),
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


def test_the_same_command_calibrates_to_the_same_posterior(campaign, tmp_path):
    """pyabc draws its particles from NumPy's global generator; seeded by run.seed, two runs
    of the same calibration give the same particles and weights, another seed others."""
    import copy
    cfg, export = campaign
    priors = check_priors(cfg, {"message.interest": [0.1, 1.0]})
    tables = []
    for k, seed in enumerate((0, 0, 1)):
        c = copy.deepcopy(cfg)
        c.run.seed = seed
        np.random.seed(1000 + k)                                    # whatever state the process was in
        history = run_abc(c, export, priors, str(tmp_path / f"h{k}.db"), 30, 2)
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        tables.append((frame["message__interest"].to_numpy(), weights))
    assert all(np.array_equal(a, b) for a, b in zip(tables[0], tables[1]))
    assert not np.array_equal(tables[0][0], tables[2][0])


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


SMALL = ["population=small", "run.days=2", "calibrate=quick"]


def hourly_export(path):
    """An hourly export of the small market (interest 0.5, seed 77), written as a user would."""
    cfg = compose_config("population=small", "run.days=2", "run.replicates=1")
    truth = set_parameters(cfg, {"message.interest": 0.5})
    truth.run.seed = 77
    r = simulate(truth, progress=lambda line: None)
    every = len(r.messages)
    shares = np.diff(r.curves[0, every, :, CURVES.index("relayed")], prepend=0)
    adoptions = np.diff(r.curves[0, every, :, CURVES.index("adopted")], prepend=0)
    path.write_text("hour,shares,adoptions\n" + "".join(f"{h},{s:.0f},{a:.0f}\n" for h, (s, a) in
                                                         enumerate(zip(shares, adoptions))))
    return path


@pytest.mark.slow
def test_the_command_writes_its_outputs_and_a_killed_run_resumes(tmp_path):
    import subprocess
    import sys

    import pandas as pd
    import yaml

    from .conftest import ROOT, kill_at
    observed = hourly_export(tmp_path / "analytics.csv")
    out = tmp_path / "cal"
    argv = [sys.executable, "-m", "sim.calibrate", f"observed={observed}", *SMALL, "calibrate.generations=6",
            f"hydra.run.dir={out}"]
    seen = kill_at(argv, "generation 2/6")                          # killed once two generations are stored
    assert any("generation 2/6" in line for line in seen) and not (out / "calibrated.yaml").exists()
    again = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    log = again.stdout + again.stderr
    resumed = [line for line in log.splitlines() if "resuming" in line]
    assert resumed and "of 6 generations already done" in resumed[0] and "generation 1/6" not in log
    import pyabc
    history = pyabc.History("sqlite:///" + str(out / "history.db"))
    assert history.max_t == 5 and len(history.all_runs()) == 1
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["message.interest", "diffusion.adoption_prob", "weight"]
    assert posterior.weight.sum() == pytest.approx(1.0) and len(posterior) == 30
    values = yaml.safe_load((out / "calibrated.yaml").read_text())
    assert set(values) == {"message.interest", "diffusion.adoption_prob"}
    assert values["message.interest"] == pytest.approx(float((posterior["message.interest"] * posterior.weight).sum()),
                                                       rel=1e-5)
    for name in ("fig_posterior.png", "fig_pairs.png", "fig_predictive.png"):
        assert (out / name).stat().st_size > 10_000
    page = (out / "report.html").read_text()
    assert "posterior predictive band holds" in page and "message.interest" in page and page.count("<img") == 3
    cfg = compose_config(f"calibration={out / 'calibrated.yaml'}")            # sim.run accepts it as is
    assert cfg.message.interest == pytest.approx(values["message.interest"], rel=1e-5)


def test_band_coverage_counts_the_observed_points_inside_the_95_percent_band():
    from sim.calibrate import band_coverage
    draws = np.tile(np.arange(1001.0)[:, None], (1, 4))                  # 1,001 draws 0..1000 at each of 4 periods
    export = AnalyticsExport("hour", [0, 1, 2, 3], {"shares": np.array([10.0, 30.0, np.nan, 5.0])}, "x")
    # running totals 10, 40, nan, 45: the band is [25, 975] at every period, so 40 and 45 are in, 10 is out
    assert band_coverage(export, {"shares": draws}) == (2, 3)


def test_a_retuned_copy_equals_a_fresh_copy_set_by_hand_and_leaves_the_original():
    """Each call gives the configuration a deep copy with those keys set would (by hand here),
    keys an earlier call set and this one does not back at the original's values, integer
    keys rounded; the original is never touched."""
    import copy

    from sim.config import Config
    from sim.inference import Retuned
    cfg = Config()
    original = copy.deepcopy(cfg)
    retuned = Retuned(cfg)
    calls = [{"message.interest": 0.3, "diffusion.adoption_prob": 0.2, "population.consumers": 1234.6},
             {"message.interest": 0.7},
             {"diffusion.adoption_prob": 0.05, "population.consumers": 99.2}]
    for values in calls:
        expected = copy.deepcopy(original)
        expected.message.interest = values.get("message.interest", original.message.interest)
        expected.diffusion.adoption_prob = values.get("diffusion.adoption_prob", original.diffusion.adoption_prob)
        expected.population.consumers = round(values.get("population.consumers", original.population.consumers))
        got = retuned(values)
        assert got == expected and isinstance(got.population.consumers, int)
        assert cfg == original
    assert set_parameters(cfg, calls[0]) == retuned(calls[0])


def test_a_run_without_the_attribution_table_has_the_same_curves(campaign):
    cfg, _ = campaign
    with_table = simulate(cfg, progress=lambda line: None)
    without = simulate(cfg, progress=lambda line: None, attribution=False)
    assert without.attribution is None and len(with_table.attribution) > 0
    np.testing.assert_array_equal(without.curves, with_table.curves)
    np.testing.assert_array_equal(without.flows, with_table.flows)


def test_a_particle_gives_the_same_totals_whatever_particle_ran_before(campaign):
    """abc_model reuses one model's state arrays for the next particle: what a particle ran
    (here a loud one or a quiet one) must not leak into the next."""
    from sim.inference import abc_model
    from sim.population import build_world
    cfg, _ = campaign
    world = build_world(cfg)
    priors = check_priors(cfg, {"message.interest": [0.05, 1.0], "diffusion.relay_max.consumer": [0.01, 0.5]})
    particle = {"message__interest": 0.4, "diffusion__relay_max__consumer": 0.2}
    second = []
    for first in ({"message__interest": 1.0, "diffusion__relay_max__consumer": 0.5},
                  {"message__interest": 0.05, "diffusion__relay_max__consumer": 0.01}):
        model = abc_model(cfg, world, priors, list(range(0, 48, 6)), ["shares", "adoptions", "impressions"])
        model(first)
        second.append(model(particle))
    for metric in second[0]:
        np.testing.assert_array_equal(second[0][metric], second[1][metric])
    assert second[0]["shares"][-1] > 0

"""Plans under uncertainty (issue 15): the draws of the unknowns, the robust statistics
against hand computations, and verdicts that name a winner only when the data support it."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.config import Config
from sim.errors import ConfigError, DataError
from sim.robust import bootstrap, draw_unknowns, observed, robust_verdict

from .conftest import ROOT


def test_p10_and_regret_equal_their_hand_computations():
    # two plans, 4 draws of the unknowns x 2 replicates; per-draw means written out by hand
    a = np.array([[10, 12], [20, 22], [30, 34], [5, 7]], float)      # means 11, 21, 32, 6
    b = np.array([[14, 14], [18, 18], [25, 25], [9, 9]], float)      # means 14, 18, 25, 9
    assert observed({"a": a, "b": b}, "mean", +1) == pytest.approx({"a": 17.5, "b": 16.5})
    # 10th percentile of 4 values, linear: 6 + 0.3 * (11 - 6) = 7.5; of b: 9 + 0.3 * (14 - 9) = 10.5
    assert observed({"a": a, "b": b}, "p10", +1) == pytest.approx({"a": 7.5, "b": 10.5})
    # a cost (less is better): the 90th percentile, the bad end: a 21 + 0.7 * (32 - 21) = 28.7
    assert observed({"a": a}, "p10", -1)["a"] == pytest.approx(28.7)
    # regret: best per draw is (14, 21, 32, 9); a falls short by (3, 0, 0, 3) -> 3; b by (0, 3, 7, 0) -> 7
    assert observed({"a": a, "b": b}, "regret", +1) == pytest.approx({"a": 3.0, "b": 7.0})
    # for a cost the best per draw is the lowest: (11, 18, 25, 6); a is above by (0, 3, 7, 0) -> 7
    assert observed({"a": a, "b": b}, "regret", -1) == pytest.approx({"a": 7.0, "b": 3.0})
    # a fixed reference (the hand-written plans' best during the search)
    ref = np.array([15.0, 15.0, 15.0, 15.0])
    assert observed({"a": a}, "regret", +1, ref)["a"] == pytest.approx(9.0)


def test_the_bootstrap_names_a_winner_only_when_the_data_support_it():
    rng = np.random.default_rng(3)
    draws = rng.normal(1000, 300, (8, 1))                       # the unknowns move both plans alike
    base = draws + rng.normal(0, 20, (8, 30))
    ahead = base + 15 + rng.normal(0, 2, (8, 30))               # a small, steady lead at every draw
    level = base + rng.normal(0, 2, (8, 30))
    for stat in ("mean", "p10", "regret"):
        found = {"A": ahead, "B": base, "C": level}
        point, boot = observed(found, stat, +1), bootstrap(found, stat, +1, resamples=500)
        diff, text = robust_verdict(boot, point, "A", "B", stat, +1, "reach")
        assert text.startswith("A is better"), (stat, text)
        diff, text = robust_verdict(boot, point, "C", "B", stat, +1, "reach")
        assert "not distinguishable" in text and diff["ci95"][0] <= 0 <= diff["ci95"][1], (stat, text)
    # the mean's bootstrap interval agrees with the t interval of the paired difference (a large-sample check)
    d = (ahead - base).ravel()
    half = 1.96 * d.std(ddof=1) / np.sqrt(d.size)
    boot = bootstrap({"A": ahead, "B": base}, "mean", +1, resamples=2000)
    low, high = np.percentile(boot["A"] - boot["B"], [2.5, 97.5])
    # resampling draws too makes the bootstrap a little wider than the within-draw t interval, never narrower
    assert d.mean() - 3 * half < low < d.mean() - 0.8 * half and d.mean() + 0.8 * half < high < d.mean() + 3 * half


def test_latin_hypercube_draws_cover_every_range_once_per_stratum():
    unknowns = draw_unknowns(Config(), {"message.interest": [0.2, 0.6], "campaign.cpm": [5, 25]}, "", 10, seed=1)
    assert unknowns.names == ["message.interest", "campaign.cpm"] and unknowns.draws.shape == (10, 2)
    for column, (low, high) in zip(unknowns.draws.T, ([0.2, 0.6], [5, 25])):
        strata = np.floor((column - low) / (high - low) * 10).astype(int)
        assert sorted(strata) == list(range(10))                 # one draw in each tenth of the range
    again = draw_unknowns(Config(), {"message.interest": [0.2, 0.6], "campaign.cpm": [5, 25]}, "", 10, seed=1)
    assert np.array_equal(unknowns.draws, again.draws)
    assert draw_unknowns(Config(), {}, "", 10, seed=1) is None


def test_posterior_draws_follow_the_weights(tmp_path):
    table = pd.DataFrame({"message.interest": [0.1, 0.5, 0.9], "diffusion.adoption_prob": [0.2, 0.3, 0.4],
                          "weight": [0.0, 0.75, 0.25]})
    table.to_parquet(tmp_path / "posterior.parquet")
    unknowns = draw_unknowns(Config(), {}, str(tmp_path), 4000, seed=0)    # the folder works too
    picked = unknowns.draws[:, 0]
    assert not (picked == 0.1).any()                                       # weight 0 is never drawn
    assert abs((picked == 0.5).mean() - 0.75) < 3 * np.sqrt(0.75 * 0.25 / 4000)
    assert np.array_equal(unknowns.draws[picked == 0.9][:, 1], np.full((picked == 0.9).sum(), 0.4))   # rows kept whole
    table.rename(columns={"message.interest": "message.intrest"}).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(DataError, match="message.intrest"):
        draw_unknowns(Config(), {}, str(tmp_path / "bad.parquet"), 4, seed=0)


def test_regret_needs_hand_written_plans():
    from sim.checks import validate
    cfg = Config()
    cfg.optimize.statistic, cfg.optimize.against = "regret", {}
    with pytest.raises(ConfigError, match="optimize.statistic: regret"):
        validate(cfg)


def _pareto(points: np.ndarray, signs) -> set:
    """Indices of the non-dominated rows, by brute force (signs: +1 maximise, -1 minimise)."""
    p = points * np.asarray(signs)
    return {i for i in range(len(p)) if not any((p[j] >= p[i]).all() and (p[j] > p[i]).any() for j in range(len(p)))}


@pytest.mark.slow
def test_two_objectives_give_the_pareto_front_and_two_workers_share_the_study(tmp_path):
    out = tmp_path / "front"
    argv = [sys.executable, "-m", "sim.optimize", "population=small", "run.days=14", "optimize.trials=60",
            "optimize.replicates=3", "optimize.confirm_replicates=4", "optimize.top=60", "optimize.workers=2",
            "optimize.objectives=[useful_reach,cost_per_adoption]", f"hydra.run.dir={out}"]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    trials = pd.read_csv(out / "trials.csv")
    trials = trials[trials.state == "COMPLETE"]
    assert len(trials) >= 60
    workers = trials.user_attrs_worker.value_counts()
    assert set(workers.index) == {0, 1}, workers                    # both processes ran trials
    front = _pareto(trials[["values_0", "values_1"]].to_numpy(), (+1, -1))
    front_values = {tuple(np.round(trials.iloc[i][["values_0", "values_1"]].to_numpy(float), 6)) for i in front}
    summary = json.loads((out / "optimize.json").read_text())
    found = [p for p in summary["plans"] if p["name"].startswith("plan ")]
    numbers = {int(p["name"].split("trial ")[1].rstrip(")")) for p in found}
    chosen = trials[trials.number.isin(numbers)]
    # every confirmed plan is on the brute-force front, and every distinct front point was confirmed
    assert {tuple(np.round(r, 6)) for r in chosen[["values_0", "values_1"]].to_numpy(float)} == front_values
    assert len(list((out / "plans").glob("plan_*.yaml"))) == len(found)
    assert (out / "fig_pareto.png").exists() and "Pareto front of useful_reach and cost_per_adoption" in done.stdout


def test_unknowns_that_shape_the_world_get_their_own_world():
    from sim.optimizing import outcomes
    from sim.population import build_world
    from sim.results import simulate
    from sim.robust import Unknowns

    from .conftest import compose_config
    cfg = compose_config("population=small", "run.days=3")
    unknowns = Unknowns(["population.scepticism_mean"], np.array([[0.05], [0.95]]), "two draws")
    found = outcomes(cfg, build_world(cfg), {}, unknowns, ["useful_reach"], 3)["useful_reach"]
    for k, value in enumerate((0.05, 0.95)):
        c = compose_config("population=small", "run.days=3", f"population.scepticism_mean={value}", "run.replicates=3")
        assert np.array_equal(found[k], simulate(c, progress=lambda line: None).final("useful_reach"))
    assert found[0].mean() > found[1].mean() and set(unknowns.worlds) == {0, 1}

"""Honest headlines on constructed data: a winner is named only when the paired 95% interval
excludes no difference (as printed); seeds, replicates and budgets are never winners. The
expected intervals are derived here with numpy and scipy, not through sim.report."""
import json
import math
import zlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.headlines import comparison_headline, sweep_headline

REPLICATES = 10


def ci(values) -> tuple[float, float, float]:
    """Mean and 95% interval of the mean, straight from scipy's one-sample t test."""
    values = np.asarray(values, dtype=float)
    low, high = stats.ttest_1samp(values, 0.0).confidence_interval(0.95)
    return float(values.mean()), float(low), float(high)


def standard(n: int, seed: int) -> np.ndarray:
    """n numbers with mean exactly 0 and sd exactly 1 (so an interval's width is set by the test)."""
    z = np.random.default_rng(seed).normal(size=n)
    return (z - z.mean()) / z.std(ddof=1)


def ratio_text(a, b) -> str:
    m, low, high = ci(np.log(np.asarray(a) / np.asarray(b)))
    return f"ratio {math.exp(m):.2f}x, 95% interval {math.exp(low):.2f}x to {math.exp(high):.2f}x"


# ---------------------------------------------------------------- comparisons
BASE = 3000 + 400 * standard(REPLICATES, 1)        # the replicates' shared luck (common random numbers)


def test_identical_scenarios_up_to_noise_are_not_distinguishable():
    mass = BASE.copy()
    hybrid = BASE * (1 + 0.01 * standard(REPLICATES, 2)) + 5          # a hair above on average
    headline = comparison_headline({"hybrid": hybrid, "mass": mass}, {"hybrid": "hybrid", "mass": "mass"}, 300)
    assert headline.startswith("'hybrid' and mass impressions are not distinguishable on useful reach at the "
                               "same 300 budget")
    assert ratio_text(hybrid, mass) in headline
    assert "reaches" not in headline


def test_clearly_separated_scenarios_name_the_winner():
    mass = BASE.copy()
    hybrid = BASE * 1.2 * (1 + 0.01 * standard(REPLICATES, 3))
    headline = comparison_headline({"mass": mass, "hybrid": hybrid}, {"hybrid": "hybrid", "mass": "mass"}, 300)
    m, low, high = ci(np.log(hybrid / mass))
    assert math.exp(low) > 1.05
    assert headline.startswith(f"'hybrid' reaches {math.exp(m):.2f}x as many of the target as mass impressions "
                               f"at the same 300 budget (95% interval {math.exp(low):.2f}x to "
                               f"{math.exp(high):.2f}x): {hybrid.mean():,.0f} against {mass.mean():,.0f}")
    assert "not distinguishable" not in headline


def test_an_interval_printed_as_touching_one_is_never_a_win():
    """Exactly, the interval lies above 1; printed to two decimals it reads 1.00x to 1.01x."""
    n = 20
    logs = math.log(1.0075) + 0.0096 * standard(n, 4)
    mass = np.full(n, 2000.0) + 300 * standard(n, 5)
    hybrid = mass * np.exp(logs)
    _, low, high = ci(logs)
    assert math.exp(low) > 1.0 and f"{math.exp(low):.2f}x to {math.exp(high):.2f}x" == "1.00x to 1.01x"
    headline = comparison_headline({"hybrid": hybrid, "mass": mass}, {"hybrid": "hybrid", "mass": "mass"}, 300)
    assert "not distinguishable" in headline and "reaches" not in headline
    assert "95% interval 1.00x to 1.01x" in headline


def test_the_leading_options_are_named_and_a_clear_loser_is_not():
    mass = BASE.copy()
    greedy = BASE * (1 + 0.01 * standard(REPLICATES, 6)) + 10
    hybrid = BASE * (1 + 0.01 * standard(REPLICATES, 7)) + 20
    random = BASE * 0.3
    finals = {"mass": mass, "targeted_greedy": greedy, "hybrid": hybrid, "targeted_random": random}
    kinds = {"mass": "mass", "targeted_greedy": "targeted", "hybrid": "hybrid", "targeted_random": "targeted"}
    headline = comparison_headline(finals, kinds, 500)
    assert headline.startswith("'hybrid', 'targeted_greedy' and mass impressions are not distinguishable")
    assert ratio_text(hybrid, mass) in headline
    assert "targeted_random" not in headline


def test_a_winner_over_mass_with_a_tied_runner_up_says_so():
    mass = BASE.copy()
    hybrid = BASE * 1.3 * (1 + 0.01 * standard(REPLICATES, 8))
    greedy = hybrid * (1 + 0.01 * standard(REPLICATES, 9))
    headline = comparison_headline({"mass": mass, "hybrid": hybrid, "greedy": greedy},
                                   {"mass": "mass", "hybrid": "hybrid", "greedy": "targeted"}, 300)
    leader = "hybrid" if hybrid.mean() > greedy.mean() else "greedy"
    assert headline.startswith(f"'{leader}' reaches")
    other = "greedy" if leader == "hybrid" else "hybrid"
    assert headline.endswith(f"'{other}' is not distinguishable from it.")


# ---------------------------------------------------------------- sweeps
def sweep_jobs(axes: dict, final) -> tuple[pd.DataFrame, dict]:
    """Every combination of `axes` as a job; `final(row) -> per-replicate finals`."""
    grid = pd.MultiIndex.from_product(list(axes.values()), names=list(axes)).to_frame(index=False)
    grid.insert(0, "job", [",".join(f"{k}={v}" for k, v in row.items()) for _, row in grid.iterrows()])
    return grid, {row.job: np.asarray(final(row), dtype=float) for _, row in grid.iterrows()}


WORLD = {0: 1000.0, 1: 5000.0, 2: 1500.0}                             # world 1 is by far the best
LUCK = {seed: 200 * standard(REPLICATES, 10 + seed) for seed in WORLD}   # shared by the jobs of a world


def test_a_sweep_where_a_seed_is_best_but_the_choices_tie_names_no_seed():
    noise = {(c, s): 12 * standard(REPLICATES, 20 + 3 * s + i) + 0.7 * i for i, c in enumerate("ab") for s in WORLD}
    jobs, finals = sweep_jobs({"campaign": ["a", "b"], "run.seed": list(WORLD)},
                              lambda r: WORLD[r["run.seed"]] + LUCK[r["run.seed"]] + noise[(r.campaign, r["run.seed"])])
    headline = sweep_headline(jobs, finals, ["campaign", "run.seed"])
    first, second = sorted("ab", key=lambda c: -np.mean([finals[f"campaign={c},run.seed={s}"] for s in WORLD]))
    units = np.concatenate([finals[f"campaign={first},run.seed={s}"] - finals[f"campaign={second},run.seed={s}"]
                            for s in WORLD])
    m, low, high = ci(units)
    assert high - low >= 10 and low < 0 < high
    assert headline.startswith(f"On useful reach, campaign={first} and campaign={second} are not distinguishable "
                               f"(difference {m:,.0f}, 95% interval {low:,.0f} to {high:,.0f}, paired over "
                               f"{units.size} replicates;")
    assert "over 3 worlds (run.seed)" in headline
    assert "run.seed=" not in headline and "best" not in headline


def test_a_sweep_with_a_clearly_better_choice_names_it():
    jobs, finals = sweep_jobs({"campaign": ["mass", "targeted"], "timing": ["burst", "peak"], "run.seed": [0, 1]},
                              lambda r: WORLD[r["run.seed"]] + LUCK[r["run.seed"]]
                              + (120 if (r.campaign, r.timing) == ("targeted", "peak") else 0)
                              + (60 if r.timing == "burst" else 0)
                              + 15 * standard(REPLICATES, zlib.crc32(r.job.encode())))
    headline = sweep_headline(jobs, finals, ["campaign", "timing", "run.seed"])
    best = ["campaign=targeted,timing=peak,run.seed=0", "campaign=targeted,timing=peak,run.seed=1"]
    second = max(([f"campaign={c},timing=burst,run.seed={s}" for s in (0, 1)] for c in ("mass", "targeted")),
                 key=lambda pair: np.mean([finals[j] for j in pair]))     # the runner-up: mass or targeted, burst
    units = np.concatenate([finals[b] - finals[s] for b, s in zip(best, second)])
    m, low, high = ci(units)
    assert low > 20 and high - low >= 10
    name = second[0].rsplit(",", 1)[0].replace(",", ", ")
    assert headline.startswith(f"On useful reach, campaign=targeted, timing=peak is best: "
                               f"{np.mean([finals[j] for j in best]):,.0f} on average over 2 worlds (run.seed), "
                               f"ahead of {name} ({np.mean([finals[j] for j in second]):,.0f}) by {m:,.0f} "
                               f"(95% interval {low:,.0f} to {high:,.0f}, paired over {units.size} replicates).")


def test_a_budget_sweep_speaks_of_returns_per_extra_euro():
    gain = {100: 0.0, 300: 400.0, 1000: 400.7}                          # flat above 300
    jobs, finals = sweep_jobs({"campaign.budget": [100, 300, 1000], "run.seed": [0, 1]},
                              lambda r: WORLD[r["run.seed"]] + LUCK[r["run.seed"]] + gain[r["campaign.budget"]]
                              + 20 * standard(REPLICATES, 40 + r["campaign.budget"] + r["run.seed"]))
    headline = sweep_headline(jobs, finals, ["campaign.budget", "run.seed"])
    steps = []
    for low_b, high_b in [(100, 300), (300, 1000)]:
        units = np.concatenate([(finals[f"campaign.budget={high_b},run.seed={s}"]
                                 - finals[f"campaign.budget={low_b},run.seed={s}"]) * 100 / (high_b - low_b)
                                for s in (0, 1)])
        steps.append(ci(units))
    (m1, l1, h1), (m2, l2, h2) = steps
    assert h1 - l1 >= 10 and l1 > 0 and 1 <= h2 - l2 < 10 and l2 < 0 < h2
    assert headline.startswith(f"Budget: each extra 100 euros added {m1:,.0f} to useful reach between 100 and 300 "
                               f"(95% interval {l1:,.0f} to {h1:,.0f}); {m2:,.1f} between 300 and 1,000 (95% "
                               f"interval {l2:,.1f} to {h2:,.1f}, not distinguishable from no change), averaged over 2 "
                               "worlds (run.seed).")
    assert "best" not in headline and "campaign.budget=" not in headline


def test_choices_under_a_budget_sweep_are_paired_per_world_and_replicate():
    """Two strategies at three budgets: the strategy difference of one (world, replicate) is averaged
    over the budgets before the interval, so the budget levels are not counted as independent."""
    gain = {100: 0.0, 300: 300.0, 1000: 600.0}
    edge = {100: 30.0, 300: 0.0, 1000: 15.0}
    jobs, finals = sweep_jobs({"campaign": ["mass", "targeted"], "campaign.budget": [100, 300, 1000],
                               "run.seed": [0, 1]},
                              lambda r: WORLD[r["run.seed"]] + LUCK[r["run.seed"]] + gain[r["campaign.budget"]]
                              + (edge[r["campaign.budget"]] if r.campaign == "targeted" else 0)
                              + 5 * standard(REPLICATES, 60 + r["campaign.budget"] + r["run.seed"]
                                             + (7 if r.campaign == "mass" else 0)))
    headline = sweep_headline(jobs, finals, ["campaign", "campaign.budget", "run.seed"])
    units = np.concatenate([np.mean([finals[f"campaign=targeted,campaign.budget={b},run.seed={s}"]
                                     - finals[f"campaign=mass,campaign.budget={b},run.seed={s}"]
                                     for b in (100, 300, 1000)], axis=0) for s in (0, 1)])
    assert units.size == 2 * REPLICATES
    m, low, high = ci(units)
    d = 0 if high - low >= 10 else 1
    assert f"by {m:,.{d}f} (95% interval {low:,.{d}f} to {high:,.{d}f}, paired over 20 replicates)" in headline
    assert headline.startswith("On useful reach, campaign=targeted is best") and "over 2 worlds (run.seed) and " \
        "3 budgets" in headline
    assert "Budget: each extra 100 euros added" in headline and "campaign.budget=1000" not in headline


@pytest.mark.parametrize("unfinished", [0, 3])
def test_unfinished_jobs_are_mentioned(unfinished):
    jobs, finals = sweep_jobs({"run.seed": [0, 1, 2]}, lambda r: WORLD[r["run.seed"]] + LUCK[r["run.seed"]])
    headline = sweep_headline(jobs, finals, ["run.seed"], unfinished=unfinished)
    means = [np.mean(finals[j]) for j in jobs.job]
    assert headline.startswith(f"Only the world varied (run.seed): useful reach {np.mean(means):,.0f} on average "
                               f"over 3 worlds (run.seed), from {min(means):,.0f} to {max(means):,.0f} by world")
    assert ("3 jobs failed or did not finish" in headline) == bool(unfinished)


def test_a_run_headline_counts_its_days_in_words():
    """'over 1 day', never 'over 1 days' (a one-day run); whole and half days as written."""
    from sim.headlines import run_headline
    from sim.results import simulate, summary

    from .conftest import small_config
    s = summary(simulate(small_config(consumers=200, hours=24), progress=lambda line: None))
    for hours, words in ((24, " over 1 day from "), (48, " over 2 days from "), (36, " over 1.5 days from ")):
        s["hours"] = hours
        assert words in run_headline(s)


def test_one_replicate_gives_no_interval_rather_than_a_zero_width_one():
    """A single replicate cannot say how much the answer moves between runs: the headline and
    the run's log line say so instead of printing an interval from the value to itself."""
    from sim.headlines import run_headline
    from sim.results import simulate, summary
    from sim.run import _headline

    from .conftest import small_config
    one, two = (summary(simulate(small_config(consumers=300, hours=24, replicates=r), progress=lambda line: None))
                for r in (1, 2))
    assert "one replicate: too few for an interval" in run_headline(one) and "95% interval" not in run_headline(one)
    assert "95% interval" in run_headline(two) and "too few" not in run_headline(two)
    assert "one replicate: too few for intervals" in _headline(one) and "[" not in _headline(one)
    assert "(mean [95% interval], 2 replicates)" in _headline(two)


def test_one_replicate_comparisons_and_sweeps_say_so_and_print_no_nan():
    """With one replicate nothing can be told apart: the headlines say why, with no 'nan'
    bounds and no 'paired over 1 replicates'."""
    tie = comparison_headline({"hybrid": np.array([800.0]), "mass": np.array([700.0])},
                              {"hybrid": "hybrid", "mass": "mass"}, 300)
    assert "not distinguishable" in tie and "one replicate: too few for an interval" in tie and "nan" not in tie
    jobs, finals = sweep_jobs({"campaign": ["a", "b"]}, lambda r: [800.0 if r.campaign == "a" else 700.0])
    headline = sweep_headline(jobs, finals, ["campaign"])
    assert headline.startswith("On useful reach, campaign=a and campaign=b are not distinguishable (difference 100, "
                               "one replicate: too few for an interval; 800 against 700 on average")
    assert "paired over" not in headline and "nan" not in headline


def test_a_one_replicate_comparison_lists_means_without_intervals(tmp_path):
    """The comparison's ranking in the log: means only for one replicate (the README quotes the
    bracketed intervals of a many-replicate one, checked by the README-examples test)."""
    from sim.run import run_scenario

    from .conftest import compose_config
    cfg = compose_config("experiment=targeted_vs_mass", "population.consumers=300", "run.hours=24",
                         "run.replicates=1", "run.report=false", "run.influencers=false")
    lines = run_scenario(cfg, tmp_path)["headline"].splitlines()
    assert lines[0] == "scenarios by useful reach:" and len(lines) == 1 + len(cfg.comparison)
    assert all(": useful reach " in line and "[" not in line and ", spent " in line for line in lines[1:])
    # the files and the strategy figure: no interval from a value to itself either
    table = pd.read_csv(tmp_path / "comparison.csv")
    bounds = [c for c in table.columns if c.endswith(("_ci95_low", "_ci95_high"))]
    assert len(bounds) > 20 and table[bounds].isna().all().all() and table["useful_reach_mean"].notna().all()
    one = json.loads((tmp_path / "mass" / "summary.json").read_text())
    assert one["metrics"]["useful_reach"]["ci95"] == [None, None] and one["metrics"]["useful_reach"]["mean"] > 0
    assert set(one["hourly"]["useful_reach"]["ci95_high"]) == {None}
    from sim.jobs import write_done
    from sim.report import build_report
    write_done(tmp_path, [], [], 0.0)
    rep, _ = build_report(tmp_path, partial=False)
    figure = next(fig for name, _, _, fig in rep.figures if name == "strategies")
    assert "one replicate: too few for intervals" in figure._suptitle.get_text()
    assert figure.get_size_inches()[0] < 40                   # the bars' labels fit (no axis sized on NaN bounds)

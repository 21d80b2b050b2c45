"""Exploring uncertainty (issue 15): the Sobol pipeline recovers the Ishigami function's
known indices, and PRIM finds a box planted in synthetic data."""
import numpy as np
import pandas as pd

from sim.exploring import Factor, discover, sobol_design, sobol_indices



def ishigami_indices(a=7.0, b=0.1):
    """Closed-form first-order and total indices (Ishigami and Homma 1990; Sobol' and Levitan 1999)."""
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = 8 * b ** 2 * np.pi ** 8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_indices_of_the_ishigami_function_hold_the_closed_form():
    factors = [Factor(name, -np.pi, np.pi) for name in ("x1", "x2", "x3")]
    x = sobol_design(factors, 1024, seed=1)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    table = sobol_indices(factors, y, seed=1)
    first, total = ishigami_indices()
    assert np.all((table.first_order_low <= first) & (first <= table.first_order_high)), table
    assert np.all((table.total_low <= total) & (total <= table.total_high)), table
    assert np.allclose(table.first_order, first, atol=0.06) and np.allclose(table.total, total, atol=0.06), table
    assert table.total_low[0] > table.first_order_high[0]          # x1 acts through its interaction with x3


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(0, 1, (1000, 4)), columns=list("abcd"))
    event = ((x.a > 0.6) & (x.c < 0.3)).to_numpy() | (rng.uniform(size=1000) < 0.02)     # 2% noise elsewhere
    rule = discover(x, event)
    assert set(rule.limits) == {"a", "c"}                          # b and d are left free
    assert abs(rule.limits["a"][0] - 0.6) < 0.05 and rule.limits["a"][1] == x.a.max()
    assert rule.limits["c"][0] == x.c.min() and abs(rule.limits["c"][1] - 0.3) < 0.1
    assert rule.coverage > 0.8 and rule.density >= 0.8
    inside = np.ones(len(x), bool)
    for name, (low, high) in rule.limits.items():
        inside &= (x[name] >= low).to_numpy() & (x[name] <= high).to_numpy()
    assert rule.cases == inside.sum()
    assert rule.density == np.round(event[inside].mean(), 12) or abs(rule.density - event[inside].mean()) < 1e-9
    assert abs(rule.coverage - event[inside].sum() / event.sum()) < 1e-9


def test_an_event_at_every_or_no_design_point_holds_anywhere_or_nowhere():
    """PRIM needs both outcomes; one plan beating the other at every point explored is a
    plain answer, not an error."""
    x = pd.DataFrame(np.random.default_rng(0).uniform(0, 1, (50, 3)), columns=list("abc"))
    always, never = discover(x, np.ones(50, bool)), discover(x, np.zeros(50, bool))
    assert (always.limits, always.coverage, always.density, always.cases) == ({}, 1.0, 1.0, 50)
    assert always.text().startswith("anywhere")
    assert (never.limits, never.cases) == ({}, 0) and never.text().startswith("nowhere")


def test_a_tie_is_neither_plan_s_win():
    """Plans that tie everywhere: neither beats the other anywhere (ties used to count as the
    second plan's wins); without ties the two events are complements."""
    from sim.explore import plan_rules
    x = pd.DataFrame(np.random.default_rng(2).uniform(0, 1, (40, 2)), columns=["a", "b"])
    tied = plan_rules(x, np.zeros(40), "targeted", "mass")
    assert [r.cases for r in tied.values()] == [0, 0]
    mixed = plan_rules(x, np.where(x.a > 0.5, 1.0, -1.0), "targeted", "mass")
    assert mixed[("targeted", "mass")].limits["a"][0] > 0.4 and mixed[("mass", "targeted")].limits["a"][1] < 0.6


def test_no_prim_box_is_drawn_for_a_plan_that_never_wins():
    """The scenario figure draws the first plan's box only where it wins somewhere (an empty
    rule's limits would otherwise draw a box over the whole range)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from sim.explore import figures
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"a": rng.uniform(0, 1, 40), "b": rng.uniform(0, 1, 40)})
    indices = pd.DataFrame({"factor": ["a", "b"], "total": [0.6, 0.3], "total_low": [0.5, 0.2],
                            "total_high": [0.7, 0.4], "first_order": [0.5, 0.2], "first_order_low": [0.4, 0.1],
                            "first_order_high": [0.6, 0.3]})
    for difference, boxes in ((-1.0 - table.a, 0), (1.0 + table.a, 1)):       # never / always wins
        table["difference"] = difference
        wins = (table.difference > 0).to_numpy()
        rules = {("targeted", "mass"): discover(table[["a", "b"]], wins),
                 ("mass", "targeted"): discover(table[["a", "b"]], ~wins)}
        drawn = dict((name, fig) for name, _, _, fig in figures(table, indices, rules, ("targeted", "mass"), "reach"))
        assert sum(isinstance(p, Rectangle) for p in drawn["scenarios"].axes[0].patches) == boxes
        plt.close("all")


def test_the_explore_command_answers_when_one_plan_wins_everywhere(tmp_path, capsys):
    """A small market where targeted beats mass at every design point (it crashed in PRIM)."""
    import sim.explore
    out = tmp_path / "explore"
    sim.explore.main([*SMALL_EXPLORE, "run.days=1", "population.consumers=300", f"hydra.run.dir={out}"])
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "explore.csv")
    assert (table.difference > 0).all()
    assert (out / "rule.txt").read_text().splitlines() == [
        f"targeted beats mass when anywhere (coverage 100%, density 100%, {len(table)} cases)",
        "mass beats targeted when nowhere in the explored ranges (at none of the design points)"]
    assert "targeted beats mass at 100%" in printed and (out / "report.html").exists()


def test_the_explore_command_ranks_factors_and_writes_both_rules(tmp_path, capsys):
    import sim.explore
    out = tmp_path / "explore"
    sim.explore.main(["population=small", "run.days=3", "explore.base=4", "explore.replicates=2",
                      f"hydra.run.dir={out}"])
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "explore.csv")
    assert len(table) == 4 * (7 + 2)                                      # Saltelli: base x (factors + 2)
    assert np.allclose(table.difference, table.targeted - table.mass)
    sensitivity = pd.read_csv(out / "sensitivity.csv")
    dummy = sensitivity[sensitivity.factor == "dummy (no effect)"].iloc[0]
    assert dummy.total_low <= 0 <= dummy.total_high                       # the control: no effect
    assert list(sensitivity.total) == sorted(sensitivity.total, reverse=True)
    rules = (out / "rule.txt").read_text().splitlines()
    assert rules[0].startswith("targeted beats mass when") and rules[1].startswith("mass beats targeted when")
    assert "coverage" in printed and "density" in printed
    page = (out / "report.html").read_text()
    assert page.count("<img") == 2 and "Which unknowns matter" in page


SMALL_EXPLORE = ("explore=targeted_vs_mass", "population=small", "run.days=3", "explore.base=4", "explore.replicates=2",
                 "explore.chunk=8")


def test_a_failed_chunk_is_recorded_and_a_rerun_does_only_it(tmp_path, monkeypatch):
    import json

    import sim.design_runs as runs
    from sim.exploring import sobol_design

    from .conftest import compose_config
    cfg = compose_config(*SMALL_EXPLORE)
    from sim.explore import factors_of
    factors = factors_of(cfg)
    design = sobol_design(factors, cfg.explore.base, seed=0)
    whole, failed = runs.run_chunks(cfg, factors, design, tmp_path / "once")
    assert not failed and len(whole) == len(design) == 36
    real, calls = runs.design_rows, []

    def second_chunk_fails(c, f, points):
        calls.append(len(points))
        if len(calls) == 2:
            raise RuntimeError("node lost")
        return real(c, f, points)
    monkeypatch.setattr(runs, "design_rows", second_chunk_fails)
    table, failed = runs.run_chunks(cfg, factors, design, tmp_path / "twice")
    assert table is None and failed == {1: "RuntimeError: node lost"}
    error = json.loads((tmp_path / "twice" / "points" / "chunk_0001" / "error.json").read_text())
    assert error["error"] == "RuntimeError: node lost" and error["overrides"] == ["points 8 to 15"]
    assert sorted(p.name for p in (tmp_path / "twice" / "points").glob("*.parquet")) == [
        "chunk_0000.parquet", "chunk_0002.parquet", "chunk_0003.parquet", "chunk_0004.parquet"]
    calls.clear()
    lines = []
    table, failed = runs.run_chunks(cfg, factors, design, tmp_path / "twice", progress=lines.append)
    assert calls == [8] and not failed                           # only the failed chunk ran again
    assert "resuming" in lines[0] and "4 of 5 chunks already done" in lines[0]
    pd.testing.assert_frame_equal(table, whole)                  # same rows as the run that never failed


def test_a_factor_that_shapes_the_world_gets_its_own_world():
    from sim.config import campaign_with
    from sim.design_runs import design_rows
    from sim.inference import set_parameters
    from sim.results import simulate

    from .conftest import compose_config
    cfg = compose_config(*SMALL_EXPLORE)
    factors = [Factor("population.scepticism_mean", 0.05, 0.95)]
    rows = design_rows(cfg, factors, np.array([[0.05], [0.95]]))
    for k, value in enumerate((0.05, 0.95)):
        c = set_parameters(cfg, {"population.scepticism_mean": value})
        c.campaign = campaign_with(c.campaign, {"budget": 50_000.0, **cfg.explore.plans["mass"]}, "plan")
        c.run.replicates = cfg.explore.replicates
        alone = simulate(c, progress=lambda line: None).final("useful_reach").mean()    # builds its own world
        assert rows["mass"][k] == alone
    assert rows["mass"][0] > rows["mass"][1]                    # less sceptical people relay more

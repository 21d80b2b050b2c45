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

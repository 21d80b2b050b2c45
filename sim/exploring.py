"""Which unknowns matter, and when does one plan beat another (`sim.explore`, issue 15).

Two well-kept tools do the statistics; this module only adapts them:

- global sensitivity (SALib): a Sobol design (Saltelli's scheme with scrambled Sobol'
  points) over the uncertain factors' ranges, and the first-order and total indices with
  their bootstrap 95% intervals;
- scenario discovery (the EMA Workbench's PRIM, Friedman and Fisher 1999): the box of
  factor ranges where an event ("plan A beats plan B") is most concentrated, read as a
  rule with its coverage (share of all the event's cases inside the box) and density
  (share of the box's cases that are the event).
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .formats import counted


@dataclass
class Factor:
    name: str                      # dotted configuration key (or any name, for plain functions)
    low: float
    high: float


def sobol_design(factors: list[Factor], base: int, seed: int = 0) -> np.ndarray:
    """Saltelli's design for first-order and total indices: base x (D + 2) points."""
    from SALib.sample import sobol
    return sobol.sample(_problem(factors), base, calc_second_order=False, seed=seed)


def sobol_indices(factors: list[Factor], outputs: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total (ST) indices with 95% bootstrap intervals, one row per factor."""
    from SALib.analyze import sobol
    state = np.random.get_state()
    np.random.seed(seed)                     # SALib 1.6's bootstrap also draws from numpy's global stream
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sobol.analyze(_problem(factors), np.asarray(outputs, np.float64), calc_second_order=False,
                               conf_level=0.95, num_resamples=500, seed=seed)
    np.random.set_state(state)
    return pd.DataFrame({"factor": [f.name for f in factors],
                         "first_order": result["S1"], "first_order_low": result["S1"] - result["S1_conf"],
                         "first_order_high": result["S1"] + result["S1_conf"],
                         "total": result["ST"], "total_low": result["ST"] - result["ST_conf"],
                         "total_high": result["ST"] + result["ST_conf"]})


def _problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


@dataclass
class Rule:
    limits: dict                   # factor -> (low, high) of the box (only the restricted factors)
    coverage: float
    density: float
    cases: int                     # cases inside the box

    def text(self) -> str:
        if self.cases == 0:
            return "nowhere in the explored ranges (at none of the design points)"
        parts = [f"{low:.3g} <= {name} <= {high:.3g}" for name, (low, high) in self.limits.items()]
        return (" and ".join(parts) or "anywhere") + (f" (coverage {self.coverage:.0%}, density {self.density:.0%}, "
                                                     f"{counted(self.cases, 'case')})")


def discover(x: pd.DataFrame, event: np.ndarray, threshold: float = 0.8) -> Rule:
    """PRIM's box for the event: along its peeling trajectory, the box with the highest
    coverage among those whose density reaches `threshold` (the last box if none does).
    An event at every design point holds anywhere, one at none nowhere (PRIM needs both
    outcomes: one plan may well beat the other everywhere explored)."""
    event = np.asarray(event, bool)
    if event.all() or not event.any():
        cases = int(event.sum())
        return Rule({}, float(event.all()), float(event.all()), cases)
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        model = prim.Prim(x.reset_index(drop=True), event, threshold=threshold)
        box = model.find_box()
    trajectory = box.peeling_trajectory
    ok = trajectory[trajectory["density"] >= threshold]
    row = ok.loc[ok["coverage"].idxmax()] if len(ok) else trajectory.iloc[-1]
    box.select(int(row.name))
    limits = box.box_lims[int(row.name)]
    full = x.agg(["min", "max"])
    restricted = {name: (float(limits[name][0]), float(limits[name][1])) for name in x.columns
                  if limits[name][0] > full[name]["min"] or limits[name][1] < full[name]["max"]}
    return Rule(restricted, float(row["coverage"]), float(row["density"]), int(round(row["mass"] * len(x))))

"""Intervals for Monte Carlo results: the mean over replicates and its 95% interval."""
from __future__ import annotations

import math

import numpy as np
from scipy.special import stdtrit

NO_INTERVAL = "one replicate: too few for an interval"     # said instead of an interval from a value to itself
NO_INTERVALS = "one replicate: too few for intervals"


def t975(df):
    """Student t's 97.5% quantile (`scipy.stats.t.ppf(0.975, df)`, the same function and
    values; importing scipy.stats would add 0.3 s to every command's start)."""
    return stdtrit(df, 0.975)


def interval(values) -> dict:
    """Mean, sd and 95% confidence interval of the mean (Student t) over finite values."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return {"mean": None, "ci95": [None, None], "sd": None, "n": 0}
    mean = float(values.mean())
    if n == 1:              # one value has no spread to estimate: no interval, not a zero-width one
        return {"mean": mean, "ci95": [None, None], "sd": None, "n": 1}
    sd = float(values.std(ddof=1))
    half = float(t975(n - 1) * sd / math.sqrt(n))
    low = mean - half if values.min() < 0 else max(0.0, mean - half)   # counts are never negative
    return {"mean": mean, "ci95": [low, mean + half], "sd": sd, "n": n}


def interval_curve(values: np.ndarray):
    """Per-column mean and 95% interval of the mean, for curves (replicates x hours); one
    replicate has no interval (NaN bounds: no band is drawn)."""
    n = values.shape[0]
    mean = values.mean(axis=0)
    if n < 2:
        return mean, np.full_like(mean, np.nan), np.full_like(mean, np.nan)
    half = t975(n - 1) * values.std(axis=0, ddof=1) / np.sqrt(n)
    return mean, np.maximum(mean - half, 0.0), mean + half

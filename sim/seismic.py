"""SEISMIC, the point-process baseline of `sim.forecast` (Zhao, Erdogdu, He, Rajaraman and
Leskovec 2015, "SEISMIC: A self-exciting point process model for predicting tweet
popularity", KDD), written from the paper.

A post and its reshares form a self-exciting process: reshare i (the post is i = 0), made
at t_i by an account with n_i followers, raises the rate of further reshares by
p n_i phi(t - t_i), where p is the post's infectiousness and phi the human reaction-time
kernel: constant c up to s0 = 300 s, then c (s / s0)^-(1 + theta), theta = 0.2314843,
c such that phi integrates to 1. From the history up to t:

- infectiousness (the paper's estimator with a constant weight over the history, i.e.
  the maximum-likelihood p of the process):  p_t = R_t / sum_i n_i Phi(t - t_i),
  R_t the reshares so far and Phi the integral of phi;
- final size (the paper's eq. 10 with its correction factors alpha = gamma = 1):
  R_inf = R_t + p_t sum_i n_i (1 - Phi(t - t_i)) / (1 - p_t n*), n* the mean follower
  count of a resharer; infinite when p_t n* >= 1 (the process would not stop).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

THETA = 0.2314843                  # the paper's power-law exponent (SEISMIC's published default)
S0 = 300.0                         # seconds of constant reaction density
C = 1.0 / (S0 * (1.0 + 1.0 / THETA))


def kernel(s) -> np.ndarray:
    """phi(s): the density of the reaction delay s (seconds)."""
    s = np.asarray(s, dtype=np.float64)
    return np.where(s < 0, 0.0, np.where(s <= S0, C, C * (np.maximum(s, S0) / S0) ** -(1.0 + THETA)))


def kernel_integral(t) -> np.ndarray:
    """Phi(t) = integral of phi from 0 to t: the share of reactions made within t seconds."""
    t = np.asarray(t, dtype=np.float64)
    late = C * S0 + C * S0 / THETA * (1.0 - (np.maximum(t, S0) / S0) ** -THETA)
    return np.where(t <= 0, 0.0, np.where(t <= S0, C * t, late))


@dataclass
class Forecast:
    at_seconds: float
    observed: int                  # reshares up to then
    infectiousness: float
    n_star: float
    final: float                   # predicted final number of reshares (inf: supercritical)


def forecast(seconds: np.ndarray, followers: np.ndarray, at_seconds: float, n_star: float | None = None) -> Forecast:
    """SEISMIC's forecast of a post's final reshare count from its history up to `at_seconds`
    (row 0 is the post: time 0 and its author's followers)."""
    seen = np.asarray(seconds, np.float64) <= at_seconds
    t, n = np.asarray(seconds, np.float64)[seen], np.asarray(followers, np.float64)[seen]
    reshares = int(t.size - 1)
    share = kernel_integral(at_seconds - t)
    exposure = float((n * share).sum())
    p = reshares / exposure if exposure > 0 else 0.0
    if n_star is None:
        n_star = float(n[1:].mean()) if reshares > 0 else float(n[0])
    pending = float((n * (1.0 - share)).sum())
    branching = p * n_star
    final = reshares + p * pending / (1.0 - branching) if branching < 1.0 else math.inf
    return Forecast(float(at_seconds), reshares, p, n_star, final)

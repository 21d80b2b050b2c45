"""The SEISMIC baseline against independent derivations: its kernel integrates (numerically)
to what the closed form says, and on cascades simulated from the self-exciting process
itself (a branching simulator written here, delays drawn by inverting the kernel's CDF)
the estimator recovers the infectiousness and forecasts final sizes better than the
count so far."""
import math

import numpy as np
import pytest
from scipy import integrate

from sim import seismic

THETA, S0 = 0.2314843, 300.0            # the paper's values, typed again here


def test_kernel_is_a_density_and_its_integral_is_the_closed_form():
    total = integrate.quad(seismic.kernel, 0, S0)[0] + integrate.quad(seismic.kernel, S0, np.inf, limit=500)[0]
    assert total == pytest.approx(1.0, abs=1e-6)
    for t in (10.0, 299.0, 300.0, 301.0, 3600.0, 86400.0):
        numeric = integrate.quad(seismic.kernel, 0, t, points=[S0] if t > S0 else None, limit=200)[0]
        assert float(seismic.kernel_integral(t)) == pytest.approx(numeric, rel=1e-7)
    # the paper's shape: P(delay < t) = 1 - (t / s0)^-theta / (1 + theta) beyond s0
    assert float(seismic.kernel_integral(7200.0)) == pytest.approx(1 - (7200 / S0) ** -THETA / (1 + THETA))


def delays(rng, size):
    """Inverse of the kernel's CDF: F(s) = theta s / ((1 + theta) s0) up to s0, then
    1 - (s / s0)^-theta / (1 + theta)."""
    u = rng.random(size)
    head = THETA / (1 + THETA)
    return np.where(u <= head, u * (1 + THETA) * S0 / THETA, S0 * ((1 - u) * (1 + THETA)) ** (-1 / THETA))


def cascade(rng, p, n0, mean_followers):
    times, followers = [0.0], [n0]
    k = 0
    while k < len(times):
        children = rng.poisson(p * followers[k])
        times += list(times[k] + delays(rng, children))
        followers += list(rng.geometric(1 / mean_followers, children))
        k += 1
    order = np.argsort(times, kind="stable")
    return np.asarray(times)[order], np.asarray(followers)[order]


@pytest.fixture(scope="module")
def cascades():
    rng = np.random.default_rng(2015)
    return [cascade(rng, 0.004, 5000, 100) for _ in range(1500)]


def test_the_simulator_matches_the_branching_mean(cascades):
    finals = np.array([t.size - 1 for t, _ in cascades])
    expected = 0.004 * 5000 / (1 - 0.004 * 100)                  # p n0 / (1 - p E[n])
    assert abs(finals.mean() - expected) <= 4 * finals.std(ddof=1) / math.sqrt(finals.size)


def test_infectiousness_is_recovered(cascades):
    reshares = exposure = 0.0
    for t, n in cascades:
        f = seismic.forecast(t, n, at_seconds=48 * 3600.0)
        reshares += f.observed
        exposure += f.observed / f.infectiousness if f.infectiousness > 0 else 0.0
    assert reshares / exposure == pytest.approx(0.004, rel=0.05)


@pytest.mark.parametrize("hours", [1, 3])
def test_forecasts_beat_the_count_so_far(cascades, hours):
    errors, naive = [], []
    for t, n in cascades:
        final = t.size - 1
        if final == 0:
            continue
        f = seismic.forecast(t, n, at_seconds=hours * 3600.0)
        if math.isfinite(f.final):
            errors.append(abs(f.final - final) / final)
        naive.append(abs(f.observed - final) / final)
    assert len(errors) > 0.9 * len(naive)
    assert np.median(errors) < 0.8 * np.median(naive)


def test_a_supercritical_history_forecasts_no_end():
    t = np.array([0.0, 10.0, 20.0, 30.0])
    f = seismic.forecast(t, np.array([10, 5000, 5000, 5000]), at_seconds=60.0)
    assert f.infectiousness * f.n_star >= 1 and math.isinf(f.final)

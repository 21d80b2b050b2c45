"""Case 13: forecasting a running post beats the point-process baseline.

Cascades are simulated by the model itself (the default market at one account per agent,
as `sim.forecast` runs it): a post by a blogger drawn at random, message interest and
the consumers' relay cap drawn from the forecast's priors, kept when the post gets at
least 3 reshares in its first hour: a selection on what every forecast sees (one on the
final size would bias the cascades against the priors the forecast starts from). Each cascade's reshare log is cut at H = 1, 3 and 6 hours and
forecast by influsim (`sim.forecasting`: learn from the first H hours, continue the
observed cascade) and by SEISMIC (Zhao et al. 2015). Criteria of issue 14: the median
absolute percentage error of the final size is no larger for influsim than for SEISMIC
at every H; the coverage of influsim's 80% interval is reported against the central
95% range of a binomial(n, 0.8) count.
"""
from __future__ import annotations

import copy
import math

import numpy as np
from scipy import stats

from .common import CaseResult, Settings

SOURCE = ("Zhao, Q., Erdogdu, M. A., He, H. Y., Rajaraman, A. and Leskovec, J. (2015). SEISMIC: a self-exciting "
          "point process model for predicting tweet popularity. KDD 2015, 1513-1522 (the baseline, sim.seismic)")
HOURS = (1, 3, 6)
PRIORS = {"message.interest": [0.05, 1.0], "diffusion.relay_max.consumer": [0.02, 0.3]}
MIN_EARLY = 3                  # reshares in the first hour after the post


def _setup(settings: Settings):
    cfg = copy.deepcopy(settings.market)
    cfg.population.scale = 1.0
    cfg.run.days, cfg.run.hours = 7, None
    n, draws, accept, replicates = (10, 150, 15, 30) if settings.fast else (50, 400, 40, 100)
    cfg.forecast.draws, cfg.forecast.accept, cfg.forecast.replicates = draws, accept, replicates
    return cfg, settings.cascades or n


def cascades(cfg, world, cache, n: int, priors):
    """n synthetic reshare logs (truths from the priors, a random blogger's post, >= MIN_EARLY
    reshares in its first hour)."""
    from ..cascade import PostBy, synthetic_log
    from ..inference import set_parameters
    from ..kinds import BLOGGER
    from ..model import InfluenceModel
    rng = np.random.default_rng(13)
    bloggers = np.flatnonzero(world[0].kind == BLOGGER)
    out, tries = [], 0
    while len(out) < n:
        tries += 1
        truth = {p.name: float(rng.uniform(p.low, p.high)) for p in priors}
        author = int(rng.choice(bloggers))
        model = InfluenceModel(set_parameters(cfg, truth), world=world, cache=cache, actions=[PostBy(author)])
        try:
            log = synthetic_log(model, author, 7000 + tries, 13)
        finally:
            model.release()
        if np.count_nonzero(log.seconds[1:] < 3600.0) >= MIN_EARLY:
            out.append(log)
    return out, tries


def forecast_both(cfg, world, cache, log, hours: int, priors, seed: int):
    """(influsim's final reshares per run, SEISMIC's point forecast) from the first `hours`."""
    from .. import forecasting as F
    from ..model import InfluenceModel
    from ..seismic import forecast
    seen = log.until(hours)
    c = copy.deepcopy(cfg)
    c.run.seed = seed
    base = InfluenceModel(c, world=world, cache=cache, actions=[])
    placed = F.placed_log(base, seen, hours + 1)
    base.release()
    fc = c.forecast
    sets, _ = F.learn(c, world, cache, placed[0], F.observed_running(seen, hours + 1), priors, fc.draws, fc.accept)
    runs = F.continue_runs(c, world, cache, placed, hours + 1, sets, fc.replicates, {"as planned": []})
    return runs.final("as planned"), forecast(log.seconds, log.followers, hours * 3600.0).final


def run(settings: Settings) -> CaseResult:
    from ..inference import check_priors
    from ..population import build_world
    case = CaseResult(13, "Forecasts of a running post beat SEISMIC", SOURCE, "Zhao et al. (2015), SEISMIC")
    if settings.market is None:
        from .market import NEEDS_MARKET
        case.skipped = NEEDS_MARKET
        return case
    cfg, n = _setup(settings)
    priors = check_priors(cfg, PRIORS, "forecast.params")
    world, cache = build_world(cfg), {}
    logs, tries = cascades(cfg, world, cache, n, priors)
    errors = {h: {"influsim": [], "SEISMIC": []} for h in HOURS}
    covered = {h: 0 for h in HOURS}
    for k, log in enumerate(logs):
        truth = log.reshares
        for h in HOURS:
            runs, seismic = forecast_both(cfg, world, cache, log, h, priors, 100 + k)
            errors[h]["influsim"].append(abs(np.median(runs) - truth) / truth)
            errors[h]["SEISMIC"].append(abs(seismic - truth) / truth if math.isfinite(seismic) else math.inf)
            low, high = np.percentile(runs, [10, 90])
            covered[h] += low <= truth <= high
    lo, hi = stats.binom.ppf(0.025, n, 0.8) / n, stats.binom.ppf(0.975, n, 0.8) / n
    sizes = [log.reshares for log in logs]
    params = (f"{n} cascades of {min(sizes):,} to {max(sizes):,} reshares ({tries} simulated, kept those with >= "
              f"{MIN_EARLY} reshares in the first hour) on the default market at "
              f"one account per agent, 7 days; truths from the priors {PRIORS}; influsim: {cfg.forecast.draws} draws, "
              f"{cfg.forecast.accept} kept, {cfg.forecast.replicates} continuations")
    for h in HOURS:
        ours, theirs = np.median(errors[h]["influsim"]), np.median(errors[h]["SEISMIC"])
        case.add(f"H={h}: median absolute % error of the final size, influsim (SEISMIC {theirs:.1%})", theirs, ours,
                 0.0, "influsim's error <= SEISMIC's", bool(ours <= theirs), params, low=ours, high=ours)
    for h in HOURS:
        share = covered[h] / n
        case.add(f"H={h}: share of cascades inside influsim's 80% interval", 0.8, share, 0.0,
                 f"central 95% range of binomial({n}, 0.8): {lo:.2f}-{hi:.2f}", bool(lo <= share <= hi), params,
                 low=share, high=share)
    case.figure = _figure(errors)
    case.notes = (f"{params}. The absolute percentage error is |forecast - final| / final, the forecast being "
                  "influsim's median over its continuations and SEISMIC's point forecast (infinite when the fitted "
                  "process is supercritical; a post without reshares yet gets a forecast of 0).")
    return case


def _figure(errors):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    width = 0.38
    for k, who in enumerate(("influsim", "SEISMIC")):
        values = [np.median(errors[h][who]) for h in HOURS]
        ax.bar(np.arange(len(HOURS)) + (k - 0.5) * width, values, width, color=OKABE_ITO[k], label=who)
    ax.set_xticks(range(len(HOURS)), [f"H = {h} h" for h in HOURS])
    ax.set(ylabel="median absolute % error of the final size", title="Forecast accuracy on synthetic cascades")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig

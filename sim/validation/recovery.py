"""Case 12: calibration recovers known parameters (simulation-based calibration).

A calibration is trustworthy if its 90% posterior intervals hold the truth about 90% of
the time. Campaigns are simulated from parameters drawn from the priors (the small
market, two days, hourly shares, adoptions and impressions), each is calibrated by
ABC-SMC (`sim.inference`, priors `calibrate=quick`: message interest and adoption chance),
and the share of campaigns whose 90% interval holds the true value is counted per
parameter. The criterion of issue 14: 80-97% with 30 campaigns; the fast subset (12
campaigns) uses the central 95% range of a binomial(12, 0.9) count instead.
"""
from __future__ import annotations

import copy
import os
import tempfile

import numpy as np
from scipy import stats

from .common import CaseResult, Settings

SOURCE = ("Talts, S., Betancourt, M., Simpson, D., Vehtari, A. and Gelman, A. (2018). Validating Bayesian "
          "inference algorithms with simulation-based calibration. arXiv:1804.06788 (coverage of posterior "
          "intervals over draws from the prior)")


def synthetic_export(cfg, truth: dict, seed: int):
    from ..inference import set_parameters
    from ..metrics import CURVES, FLOWS
    from ..observed import AnalyticsExport
    from ..results import simulate
    c = set_parameters(cfg, truth)
    c.run.seed = seed
    r = simulate(c, progress=lambda line: None)
    every = len(r.messages)
    counts = {"impressions": np.diff(r.flows[0, every, :, FLOWS.index("impressions")], prepend=0),
              "shares": np.diff(r.curves[0, every, :, CURVES.index("relayed")], prepend=0),
              "adoptions": np.diff(r.curves[0, every, :, CURVES.index("adopted")], prepend=0)}
    return AnalyticsExport("hour", list(range(r.hours)), counts, f"synthetic campaign (seed {seed})")


def interval90(history, label):
    from ..inference import weighted_interval
    frame, w = history.get_distribution(m=0, t=history.max_t)
    return weighted_interval(frame[label].to_numpy(), w)


def run(settings: Settings) -> CaseResult:
    from ..inference import check_priors, run_abc
    case = CaseResult(12, "Calibration recovers known parameters", SOURCE, "Talts et al. (2018), SBC")
    if settings.market is None:
        from .market import NEEDS_MARKET
        case.skipped = NEEDS_MARKET
        return case
    n, particles, generations = (12, 40, 3) if settings.fast else (30, 60, 4)
    n = settings.campaigns or n
    cfg = copy.deepcopy(settings.market)
    cfg.population.consumers, cfg.population.bloggers = 2000, 10           # population=small
    cfg.run.days, cfg.run.hours, cfg.run.replicates = 2, None, 1
    cfg.run.influencers = cfg.run.report = cfg.run.plot = False
    cfg.campaign.channels.sponsored.macro = 0.0            # the small market has no macro account
    priors = check_priors(cfg, {"message.interest": [0.1, 1.0], "diffusion.adoption_prob": [0.05, 0.6]})
    fitted = settings.priors(priors) if settings.priors else priors            # tests: deliberately wrong priors
    rng = np.random.default_rng(12)
    hits = {p.name: 0 for p in priors}
    with tempfile.TemporaryDirectory() as folder:
        for k in range(n):
            truth = {p.name: float(rng.uniform(p.low, p.high)) for p in priors}
            export = synthetic_export(cfg, truth, 5000 + k)
            np.random.seed(k)                              # pyabc samples from numpy's global stream
            history = run_abc(cfg, export, fitted, os.path.join(folder, f"h{k}.db"), particles, generations)
            for p in fitted:
                low, high = interval90(history, p.label)
                hits[p.name] += low <= truth[p.name] <= high
    if settings.fast:
        lo, hi = stats.binom.ppf(0.025, n, 0.9) / n, stats.binom.ppf(0.975, n, 0.9) / n
        rule = f"inside the central 95% range of binomial({n}, 0.9): {lo:.2f}-{hi:.2f}"
    else:
        lo, hi, rule = 0.80, 0.97, "80-97% (issue 14)"
    params = (f"{n} campaigns on the small market (2,000 consumers, 2 days, hourly), truths drawn from the priors, "
              f"ABC-SMC {particles} particles x {generations} generations")
    for p in priors:
        share = hits[p.name] / n
        case.add(f"share of campaigns whose 90% interval holds the true {p.name}", 0.9, share, 0.0, rule,
                 lo <= share <= hi, params, low=share, high=share)
    case.figure = _figure(case.rows)
    case.notes = (f"{params}. Each campaign's observed data are one simulated replicate (its own seed); the "
                  "calibration knows the plan and the market and frees two parameters with uniform priors "
                  "(message.interest [0.1, 1], diffusion.adoption_prob [0.05, 0.6]). A 90% interval is the 5th to "
                  "95th weighted percentile of the last generation's particles.")
    return case


def _figure(rows):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.bar(range(len(rows)), [r.measured for r in rows], color=OKABE_ITO[0], label="share holding the truth")
    ax.axhline(0.9, color=OKABE_ITO[1], ls="--", label="nominal 90%")
    ax.set_xticks(range(len(rows)), [r.name.rsplit(" ", 1)[1] for r in rows])
    ax.set(ylim=(0, 1.05), ylabel="coverage of the 90% interval", title="Calibration coverage")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig

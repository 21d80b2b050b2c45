"""Case 9: engagement rate by influencer tier (HypeAuditor, 2026).

Likes and comments per follower per post fall with the size of the account: on
Instagram, 1.78% for nano (under 10,000 followers), 0.54% for micro (10,000-100,000) and
0.33% for mega accounts (over 1 million). No macro figure was found; the geometric mean
of micro and mega (0.42%) stands in for it and is labelled so. The default market's
campaign (its EUR 50,000 plan) runs as configured and the engagement rate of every tier
that posted is compared. A calibration check: diffusion.engagement and
diffusion.tier_trust were chosen so that it passes; it fails if tiers are assigned on
simulated instead of real follower counts or if the tier trust factor is ignored.
"""
from __future__ import annotations

import math

import numpy as np

from ..metrics import TIER_STATS, tier_stats
from ..tiers import TIERS, band
from .common import CaseResult, Settings, mean_se, run_model

SOURCE = ("HypeAuditor (2026), State of Influencer Marketing: Instagram engagement rates by follower tier, as "
          "reported by eMarketer (2026): nano 1.78%, micro 0.54%, mega 0.33%")
PUBLISHED = {"nano": 0.0178, "micro": 0.0054, "macro": math.sqrt(0.0054 * 0.0033), "mega": 0.0033}
INTERPOLATED = {"macro"}
TOLERANCE = 0.15           # relative, plus 4 Monte Carlo SE


def measure(model, hourly):
    stats = tier_stats(model)
    views, engaged = stats[:, TIER_STATS.index("follower_views")], stats[:, TIER_STATS.index("engagements")]
    return {"rate": np.where(views > 0, engaged / np.maximum(views, 1e-300), np.nan), "views": views}


def run(settings: Settings) -> CaseResult:
    case = CaseResult(9, "Engagement rate falls with the influencer tier", SOURCE, "HypeAuditor (2026), via eMarketer")
    if settings.market is None:
        from .market import NEEDS_MARKET
        case.skipped = NEEDS_MARKET
        return case
    import copy
    cfg = copy.deepcopy(settings.market)
    reps = 4 if settings.fast else 12
    cfg.run.replicates, cfg.run.seed = reps, 9
    cfg.run.influencers = cfg.run.report = cfg.run.plot = False
    out = run_model(cfg, None, measure, tamper=settings.tamper)
    params = (f"the default market and campaign ({cfg.campaign.kind}), {cfg.run.days} days, {reps} replicates, "
              f"diffusion.engagement={cfg.diffusion.engagement}, tier_trust={cfg.diffusion.tier_trust.as_list()}")
    measured = {}
    for t, tier in enumerate(TIERS):
        rates = out["rate"][:, t]
        expected = PUBLISHED[tier]
        label = f"engagement rate per follower per post, {tier} ({band(t)})"
        if np.isnan(rates).any():
            case.add(label + ": no account of this tier posted in the default market", expected, float("nan"), 0.0,
                     "informative", None, params)
            continue
        m, se = mean_se(rates)
        measured[tier] = m
        note = " (published value interpolated: geometric mean of micro and mega)" if tier in INTERPOLATED else ""
        case.add(label + note, expected, m, se, f"within {TOLERANCE:.0%} of the published value + 4 SE",
                 abs(m - expected) <= TOLERANCE * expected + 4 * se, params)
    order = [measured[t] for t in TIERS if t in measured]
    case.add("engagement rate falls from each tier to the next larger one", 1.0,
             float(all(a > b for a, b in zip(order, order[1:]))), 0.0, "strictly decreasing", len(order) >= 3 and all(
                 a > b for a, b in zip(order, order[1:])), params)
    case.figure = _figure(measured, out["rate"])
    case.notes = (
        "The default market (configs/) with its default plan: ads, sponsored posts bought per tier, boosted brand "
        "posts, and the consumers who relay. Tiers are bands of real-platform followers (population.scale people "
        "per simulated follower). Engagement rate of a tier = likes and comments its accounts' posts got / (posts x "
        "followers), in people, per replicate. The published rates come from a vendor's panel of Instagram "
        "accounts, not from a peer-reviewed study; the macro value is interpolated. This case checks the "
        "calibration of diffusion.engagement (0.11) and diffusion.tier_trust; it is not an independent test of "
        "the model's behaviour.")
    return case


def _figure(measured, rates):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    x = np.arange(len(TIERS))
    ax.bar(x - 0.2, [100 * PUBLISHED[t] for t in TIERS], 0.4, color=OKABE_ITO[1],
           label="published (macro: interpolated)")
    sim_means = [100 * measured.get(t, np.nan) for t in TIERS]
    errs = [196 * np.nanstd(rates[:, k], ddof=1) / np.sqrt(rates.shape[0]) if t in measured else 0
            for k, t in enumerate(TIERS)]
    ax.bar(x + 0.2, np.nan_to_num(sim_means), 0.4, yerr=errs, color=OKABE_ITO[0], label="model (95% interval)")
    ax.set_xticks(x, [f"{t}\n{band(k)}" for k, t in enumerate(TIERS)], fontsize=8)
    ax.set(ylabel="Engagement rate (% of followers per post)", title="Engagement by influencer tier")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig

"""Case 7: novelty decay (Wu and Huberman 2007).

Collective attention to a new item fades as its novelty decays. With a message's
novelty half-life set to h, the chance that an exposure makes someone relay must halve
every h hours. Measured per exposure of an agent who has not relayed yet, which removes
the audience's saturation: the relay rate at message age a is relays in hour a divided
by exposures in hour a of agents still able to relay.
"""
from __future__ import annotations

import math

import numpy as np

from .. import kernels as K
from ..kinds import N_KINDS
from ..config import online_all_day
from .common import CaseResult, Settings, quiet_config, run_model

SOURCE = ("Wu, F. and Huberman, B. A. (2007). Novelty and collective attention. "
          "Proceedings of the National Academy of Sciences 104(45), 17599-17601")
RELAY_MAX = 0.02
AD_REACH = 0.2
WEAROUTS = (0.9, 0.7)      # novelty factor per earlier exposure, fitted in a second experiment


def novelty_config(half_life, consumers: int, hours: int, replicates: int, wearout: float = 1.0,
                   reach: float = AD_REACH):
    """Everyone online every hour; each hour a paid ad reaches each consumer with probability
    `reach` (a steady stream of exposures); only novelty varies the relay chance."""
    cfg = quiet_config(hours, replicates, seed=7)
    pop = cfg.population
    pop.consumers, pop.bloggers, pop.brands = consumers, 0, 0
    pop.activity_mean = 1.0
    online_all_day(pop)
    cfg.network.kind, cfg.network.contact_rate = "mixed", 0.0
    m = cfg.message
    m.novelty, m.half_life_hours, m.wearout = 1.0, half_life, wearout
    d = cfg.diffusion
    d.relay_max.consumer = RELAY_MAX
    d.weight_interest = d.weight_relevance = d.weight_trust = 0.0
    d.weight_novelty, d.ad_notice, d.attention_limit = 1.0, 1.0, 0
    c = cfg.campaign
    c.mass_reach, c.mass_start_hour, c.mass_hours = reach, 0, hours
    return cfg


def relay_rate(relays, exposures, eligible_share):
    """Pooled over replicates: relays per exposure of a not-yet-relayed agent, by age; and counts."""
    r = relays.sum(axis=0)
    e = (exposures * eligible_share).sum(axis=0)
    return r / np.maximum(e, 1e-12), r


def fit_half_life(rate, counts):
    """Weighted least squares of log(rate) on age (or on earlier exposures; weights = relays:
    Poisson counts); returns the half-life and its SE, the fitted rate at 0 and its SE, the
    slope and its SE."""
    age = np.arange(rate.size, dtype=np.float64)
    ok = counts > 0
    x, y, w = age[ok], np.log(rate[ok]), counts[ok].astype(np.float64)
    xm, ym = np.average(x, weights=w), np.average(y, weights=w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = np.sum(w * (x - xm) * (y - ym)) / sxx
    intercept = ym - slope * xm
    resid = y - intercept - slope * x
    dispersion = max(1.0, np.sum(w * resid ** 2) / max(x.size - 2, 1))   # over-dispersion, if any
    slope_se = math.sqrt(dispersion / sxx)
    intercept_se = math.sqrt(dispersion * (1.0 / w.sum() + xm ** 2 / sxx))
    half = -math.log(2.0) / slope
    start = math.exp(intercept)
    return half, abs(half / slope) * slope_se, start, start * intercept_se, slope, slope_se


def relays_per_hour(n, hours):
    """measure(): relays per hour, exposures per hour, and the share of agents not yet relayed."""
    def measure(model, hourly):
        at = model.state.relay_at[0]
        relays = np.bincount(at[at >= 0], minlength=hours)[:hours]
        before = np.concatenate([[0], np.cumsum(relays)[:-1]])
        return {"relays": relays, "exposures": hourly[:, 0, K.EXPOSED:K.EXPOSED + N_KINDS].sum(axis=1), "eligible": 1.0 - before / n}
    return measure


def fit_wearout(case, settings, n, reps, drawn):
    """Every consumer sees the ad every hour, so at message age a it has a earlier exposures;
    without decay the relay rate per exposure is relay_max x wearout^a."""
    hours = 16
    for w in WEAROUTS:
        cfg = novelty_config(None, n, hours, reps, wearout=w, reach=1.0)
        out = run_model(cfg, None, relays_per_hour(n, hours), tamper=settings.tamper)
        rate, counts = relay_rate(out["relays"], out["exposures"], out["eligible"])
        *_, slope, slope_se = fit_half_life(rate, counts)
        drawn[f"wear-out {w:g}"] = (rate, counts, w)
        case.add(f"fitted wear-out per earlier exposure, wearout={w:g}", w, float(np.exp(slope)),
                 float(np.exp(slope) * slope_se), "|fit - wearout| <= 4 SE",
                 abs(np.exp(slope) - w) <= 4 * np.exp(slope) * slope_se,
                 f"N={n:,}, the ad shown to every consumer every hour, no decay, relay_max={RELAY_MAX}, "
                 f"0-{hours - 1} earlier exposures, {reps} replicates")


def run(settings: Settings) -> CaseResult:
    case = CaseResult(7, "Novelty decay: relay rate halves every half-life", SOURCE,
                      "Wu and Huberman (2007), PNAS")
    n, reps = (10_000, 6) if settings.fast else (20_000, 16)
    half_lives = (6.0, 24.0) if settings.fast else (6.0, 12.0, 24.0)
    drawn = {}
    for h in half_lives:
        hours = int(3 * h)
        cfg = novelty_config(h, n, hours, reps)

        out = run_model(cfg, None, relays_per_hour(n, hours), tamper=settings.tamper)
        rate, counts = relay_rate(out["relays"], out["exposures"], out["eligible"])
        half, se, start, start_se, slope, _ = fit_half_life(rate, counts)
        drawn[h] = (rate, counts, start, slope)
        params = (f"N={n:,}, ads reach {AD_REACH:.0%} of consumers per hour, relay_max={RELAY_MAX}, no "
                  f"wear-out, ages 0-{hours - 1} h, {reps} replicates")
        case.add(f"fitted half-life of the relay rate, h={h:g} h", h, half, se, "|fit - h| <= 4 SE",
                 abs(half - h) <= 4 * se, params)
        case.add(f"relay rate per exposure at launch (fit), h={h:g} h", RELAY_MAX, start, start_se,
                 "|fit - relay_max| <= 4 SE", abs(start - RELAY_MAX) <= 4 * start_se, params)
    wear = {}
    fit_wearout(case, settings, n, reps, wear)
    case.figure = _figure(drawn, wear)
    case.notes = (
        f"A fully mixed population of {n:,} consumers without follow links or chats, everyone online every "
        f"hour; from launch a paid ad reaches each consumer with probability {AD_REACH} per hour (every ad "
        "noticed): a steady stream of exposures, so the relay rate changes only through the message's "
        "novelty. Relay chance per exposure = relay_max x novelty(age)^weight_novelty with "
        f"relay_max = {RELAY_MAX}, weight_novelty = 1, every other weight 0, no wear-out (novelty depends "
        f"on the message's age only). Half-lives h = {', '.join(f'{h:g}' for h in half_lives)} hours, "
        "observed over 3h hours. The rate at age a = relays in hour a / (exposures in hour a x share of "
        "agents not yet relayed); the half-life is -ln 2 / slope of a weighted least-squares fit of "
        "log(rate) on age (weights: relay counts, Poisson). Criterion: 4 standard errors of the fit. Wear-out: "
        "in a second experiment every consumer sees the ad every hour (so at age a it has a earlier exposures) "
        f"and novelty does not decay; with wearout w in {WEAROUTS} the relay rate per exposure must fall by w per "
        "earlier exposure (exp of the fitted slope of log(rate) on earlier exposures, within 4 SE).")
    return case


def _figure(drawn, wear):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 5), dpi=100)
    for k, (h, (rate, counts, start, slope)) in enumerate(drawn.items()):
        age = np.arange(rate.size)
        colour = OKABE_ITO[k]
        half = 1.96 * rate / np.sqrt(np.maximum(counts, 1))
        ax.errorbar(age, rate, yerr=half, fmt="o", ms=3, color=colour, alpha=0.8, label=f"simulated, h={h:g} h")
        ax.plot(age, RELAY_MAX * 2.0 ** (-age / h), "-", color=colour, lw=1.5,
                label=f"reference relay_max x 2^(-age/{h:g})")
    for k, (label, (rate, counts, w)) in enumerate(wear.items()):
        earlier = np.arange(rate.size)
        colour = OKABE_ITO[4 + k]
        ax2.errorbar(earlier, rate, yerr=1.96 * rate / np.sqrt(np.maximum(counts, 1)), fmt="o", ms=3, color=colour,
                     alpha=0.8, label=f"simulated, {label}")
        ax2.plot(earlier, RELAY_MAX * w ** earlier, "-", color=colour, lw=1.5, label=f"reference relay_max x {w:g}^n")
    ax.set(xlabel="Message age (hours since launch)", ylabel="Relays per exposure (not-yet-relayed agents)",
           title="Relay rate decays with the novelty half-life")
    ax2.set(xlabel="Earlier exposures n of the same agent", ylabel="Relays per exposure (not-yet-relayed agents)",
            title="... and wears out with every exposure")
    for a in (ax, ax2):
        a.set_yscale("log")
        a.legend(fontsize=8)
        a.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig

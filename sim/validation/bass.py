"""Case 1: the Bass (1969) diffusion curve.

Paid ads reaching each consumer with probability p per hour are Bass's innovation
(external influence); chats with uniformly random agents at rate q, adopters talking
about the product, are imitation (word of mouth in a fully mixed population). An
unaware consumer's hourly hazard is then exactly p + q F, so the adopted share must
follow the discrete Bass recursion F(t+1) = F(t) + (p + q F(t)) (1 - F(t)).
"""
from __future__ import annotations

import math

import numpy as np

from ..config import online_all_day
from .common import CaseResult, Settings, mean_se, quiet_config, run_model

SOURCE = ("Bass, F. M. (1969). A new product growth model for consumer durables. "
          "Management Science 15(5), 215-227")
PAIRS = ((0.03, 0.38), (0.01, 0.5), (0.05, 0.2))
SLACK = 0.001        # finite population: the mean of the stochastic process vs the mean-field recursion


def bass_recursion(p: float, q: float, hours: int) -> np.ndarray:
    """Adopted share after hours 1..hours."""
    f = [0.0]
    for _ in range(hours):
        f.append(f[-1] + (p + q * f[-1]) * (1.0 - f[-1]))
    return np.array(f[1:])


def bass_config(p: float, q: float, consumers: int, hours: int, replicates: int):
    """configs/experiment/bass.yaml in Python: mixed population, ads = p, chats = q."""
    cfg = quiet_config(hours, replicates)
    pop = cfg.population
    pop.consumers, pop.bloggers, pop.brands = consumers, 0, 0
    pop.activity_mean = 1.0
    online_all_day(pop)
    cfg.network.kind, cfg.network.contact_rate = "mixed", q
    d = cfg.diffusion
    d.relay_max.consumer = d.relay_max.blogger = 1.0
    d.weight_interest = d.weight_relevance = d.weight_novelty = d.weight_trust = 0.0
    d.adoption_prob, d.talk_hours, d.attention_window, d.ad_notice, d.attention_limit = 1.0, 0, 1, 1.0, 0
    c = cfg.campaign
    c.mass_reach, c.mass_start_hour, c.mass_hours = p, 0, 100_000
    cfg.target.segments = [0]
    return cfg


def run(settings: Settings) -> CaseResult:
    case = CaseResult(1, "Bass diffusion curve", SOURCE, "Bass (1969), Management Science")
    n, reps = (5_000, 12) if settings.fast else (20_000, 40)
    curves = {}
    for p, q in PAIRS:
        expected = bass_recursion(p, q, 200)
        hours = int(np.argmax(expected >= 0.995)) + 1
        expected = expected[:hours]
        cfg = bass_config(p, q, n, hours, reps)

        def adopted_share(model, hourly, hours=hours):
            at = model.state.adopt_at[0]
            return {"F": np.cumsum(np.bincount(at[at >= 0], minlength=hours)[:hours]) / n}

        share = run_model(cfg, None, adopted_share, tamper=settings.tamper)["F"]     # replicates x hours
        curves[(p, q)] = (share, expected)
        params = f"p={p}, q={q}, N={n:,}, {reps} replicates, {hours} h"
        mean = share.mean(axis=0)
        se = share.std(axis=0, ddof=1) / math.sqrt(reps)
        gap = np.abs(mean - expected)
        worst = int(np.argmax(gap - 4 * se))
        case.add(f"adoption curve, largest gap F_sim - F_Bass (p={p}, q={q})", 0.0, mean[worst] - expected[worst],
                 se[worst],
                 f"every hour |F_sim - F_Bass| <= 4 SE + {SLACK}", bool(np.all(gap <= 4 * se + SLACK)), params)
        # peak of new adoptions: hour (1-based) and share adopting in that hour
        new = np.diff(share, axis=1, prepend=0.0)
        new_expected = np.diff(expected, prepend=0.0)
        peak_expected = int(np.argmax(new_expected)) + 1
        peak = int(np.argmax(new.mean(axis=0))) + 1
        boot = np.random.default_rng([round(p * 1000), round(q * 1000)]).integers(0, reps, (400, reps))
        peaks = np.argmax(new[boot].mean(axis=1), axis=1) + 1
        case.add(f"peak hour of new adoptions (p={p}, q={q})", peak_expected, peak, 0.0,
                 "within 1 hour (hourly steps)", abs(peak - peak_expected) <= 1, params,
                 low=np.percentile(peaks, 2.5), high=np.percentile(peaks, 97.5))
        rate, rate_se = mean_se(new[:, peak_expected - 1])
        case.add(f"peak adoption rate, share per hour (p={p}, q={q})", new_expected[peak_expected - 1], rate,
                 rate_se, f"at the recursion's peak hour, |rate - rate_Bass| <= 4 SE + {SLACK}",
                 abs(rate - new_expected[peak_expected - 1]) <= 4 * rate_se + SLACK, params)
    case.figure = _figure(curves)
    case.notes = (
        f"Fully mixed population of {n:,} consumers, everyone online every hour; paid ads reach each "
        "consumer with probability p per hour (every ad noticed, every exposure convinces: innovation); "
        "each hour a consumer chats with a uniformly random agent with probability q and hears it if that "
        "agent has adopted and talks (imitation; adopters talk until the end). "
        f"{reps} replicates per (p, q). Reference: the discrete Bass recursion "
        "F(t+1) = F(t) + (p + q F(t))(1 - F(t)), exact for hourly steps (the continuous-time peak "
        "t* = ln(q/p)/(p+q) is drawn for orientation only). Slack "
        f"{SLACK}: the mean of a finite stochastic population vs the mean-field recursion.")
    return case


def _figure(curves):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), dpi=100)
    for k, ((p, q), (share, expected)) in enumerate(curves.items()):
        colour = OKABE_ITO[k]
        hours = np.arange(1, expected.size + 1)
        new = np.diff(share, axis=1, prepend=0.0)
        for ax, sim, ref in ((axes[0], share, expected), (axes[1], new, np.diff(expected, prepend=0.0))):
            mean = sim.mean(axis=0)
            half = 1.96 * sim.std(axis=0, ddof=1) / math.sqrt(sim.shape[0])
            ax.fill_between(hours, mean - half, mean + half, color=colour, alpha=0.3, lw=0)
            ax.plot(hours, mean, "o", color=colour, ms=3.5, label=f"simulated p={p}, q={q}")
            ax.plot(hours, ref, "-", color=colour, lw=1.5, label=f"Bass recursion p={p}, q={q}")
        axes[1].axvline(math.log(q / p) / (p + q), color=colour, ls=":", lw=1)
    axes[0].set(xlabel="Hour", ylabel="Adopted share F(t)", title="Cumulative adoption")
    axes[1].set(xlabel="Hour", ylabel="New adopters per hour (share)",
                title="Adoption rate (dotted: continuous-time peak)")
    axes[0].legend(fontsize=7)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig

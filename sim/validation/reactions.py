"""Case 10: reshare timing follows the human reaction-time kernel (Zhao et al. 2015).

SEISMIC models how long a follower takes to reshare a post after it appears: a density
constant for the first s0 = 5 minutes, then a power law of exponent 1 + theta, theta =
0.2314843 (fitted on Twitter in the paper). With message.decay=power_law, the model's
followers must relay after delays with that distribution. Measured with everyone online,
no attention limit and no novelty decay, so that the delay between a post and its
followers' relays is the reaction delay itself; the reference is the paper's kernel,
integrated here in closed form, restricted to the feed's attention window.
"""
from __future__ import annotations

import numpy as np

from ..config import online_all_day
from .common import CaseResult, Settings, run_model
from .market import consumers_posting, market_config

SOURCE = ("Zhao, Q., Erdogdu, M. A., He, H. Y., Rajaraman, A. and Leskovec, J. (2015). SEISMIC: A self-exciting "
          "point process model for predicting tweet popularity. Proceedings of the 21st ACM SIGKDD (KDD '15), "
          "1513-1522 (human reaction-time kernel, theta = 0.2314843, s0 = 300 s)")
THETA, S0_HOURS = 0.2314843, 300.0 / 3600.0
CHECK_HOURS = (1, 2, 4, 8, 16)


def seismic_cdf(t_hours):
    """P(reaction delay < t) of SEISMIC's kernel phi(s) = c for s <= s0, c (s/s0)^-(1+theta)
    after, normalised: c s0 + c s0 / theta = 1."""
    t = np.asarray(t_hours, dtype=np.float64)
    c = 1.0 / (S0_HOURS * (1.0 + 1.0 / THETA))
    early = c * t
    late = c * S0_HOURS + c * S0_HOURS / THETA * (1.0 - (np.maximum(t, S0_HOURS) / S0_HOURS) ** -THETA)
    return np.where(t <= S0_HOURS, early, late)


def expected_shares(window: int) -> np.ndarray:
    """P(relayed within d hours | relayed within the window), d = 1..window."""
    cdf = seismic_cdf(np.arange(1, window + 1))
    return cdf / cdf[-1]


def measure_delays(window: int):
    def measure(model, hourly):
        st = model.state
        child = np.flatnonzero((st.relay_at[0] >= 0) & (st.relay_depth[0] == 1))
        parent = st.relay_parent[0, child]
        delay = st.relay_at[0, child] - st.seeded_at[0, parent] - 1     # a post reaches feeds the next hour
        return {"delays": np.bincount(np.clip(delay, 0, window), minlength=window + 1)}
    return measure


def run(settings: Settings) -> CaseResult:
    case = CaseResult(10, "Reshare delays follow SEISMIC's reaction-time kernel", SOURCE,
                      "Zhao et al. (2015), KDD")
    reps, posts = (4, 400) if settings.fast else (12, 800)
    cfg = market_config(settings, case, 24 * 3, reps, seed=10)
    if cfg is None:
        return case
    online_all_day(cfg.population)
    cfg.population.activity_mean = cfg.population.blogger_activity = 1.0
    d, m = cfg.diffusion, cfg.message
    d.attention_limit, d.disclosure_penalty, m.half_life_hours, m.wearout = 0, 0.0, None, 1.0
    window = d.attention_window
    from ..population import build_world
    world = build_world(cfg)
    out = run_model(cfg, world, measure_delays(window), actions=consumers_posting(world[0], posts, 1, 10),
                    tamper=settings.tamper)
    counts = out["delays"][:, :window]               # delays 0..window-1 hours after the post's hour
    expected = expected_shares(window)
    params = (f"default market, everyone online, {posts} posts at launch per replicate, {reps} replicates, "
              f"attention window {window} h, message.decay={cfg.message.decay}")
    for h in CHECK_HOURS:
        pooled = counts[:, :h].sum() / max(counts.sum(), 1)
        se = float(np.sqrt(pooled * (1 - pooled) / max(counts.sum(), 1)))
        case.add(f"share of relays within {h} h of the post (of those within {window} h)", expected[h - 1], pooled,
                 se, "|measured - kernel| <= 4 SE + 0.01", abs(pooled - expected[h - 1]) <= 4 * se + 0.01, params)
    case.figure = _figure(counts.sum(axis=0), expected)
    case.notes = (
        "The default market with everyone online every hour, no attention limit, no novelty decay and no wear-out "
        "(a relay's chance does not depend on when the post is read); consumers post at launch without #ad. For "
        "every relay one hop from a post, the delay is its hour minus the hour the post reached the feeds (the "
        "hour after it was made). SEISMIC's kernel is "
        "phi(s) = c for s <= s0 and c (s / s0)^-(1 + theta) after; its CDF is integrated here in closed form and "
        "conditioned on a delay shorter than the feed's attention window (diffusion.attention_window hours): "
        "posts older than that are gone from the feed. With message.decay=exponential every follower reacts within "
        "the first hour and the case fails.")
    return case


def _figure(counts, expected):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    hours = np.arange(1, counts.size + 1)
    share = np.cumsum(counts) / max(counts.sum(), 1)
    ax.plot(hours, share, "o", color=OKABE_ITO[0], label="model: relays within d hours")
    ax.plot(hours, expected, "-", color=OKABE_ITO[1], label="SEISMIC kernel (closed form, within the window)")
    ax.set(xscale="log", xlabel="Hours after the post (d)", ylabel="Share of relays within d hours",
           title="Reaction delays: model against SEISMIC's power law", ylim=(0, 1.02))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig

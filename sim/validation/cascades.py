"""Case 8: organic cascade structure (Goel, Watts and Goldstein 2012).

In seven online domains, most cascades stop at their seed and chains of referrals are
rare: 70-95% of cascades have size one, 1-4% of cascade trees extend beyond one degree
of the seed, and 1-6% of adoptions happen beyond one degree (the ranges over the seven
domains, as summarised by Goel 2011). The model's organic cascades on the default market
must fall in each range: consumers post the message in its first hours (no #ad: the
disclosure penalty is off), a relay is an adoption, a tree is what grew from one post.
"""
from __future__ import annotations

import numpy as np

from .common import CaseResult, Settings, mean_se, run_model
from .market import consumers_posting, market_config, trees

SOURCE = ("Goel, S., Watts, D. J. and Goldstein, D. G. (2012). The structure of online diffusion networks. "
          "Proceedings of the 13th ACM Conference on Electronic Commerce (EC '12), 623-638; ranges over its seven "
          "domains as summarised in Goel, S. (2011), 'The structure of online diffusion networks', Messy Matters")
# (what, published range over the seven domains)
RANGES = {"size_one": ("share of cascades of size one (nobody relayed the post)", 0.70, 0.95),
          "beyond": ("share of cascade trees that extend beyond one degree of the seed", 0.01, 0.04),
          "adoptions_beyond": ("share of adoptions two or more hops from the seed", 0.01, 0.06)}
POST_HOURS = 12          # the posts are made in the message's first 12 hours (08:00-20:00), while it is new


def measure(model, hourly):
    size, deepest, depth = trees(model.state)
    return {"size_one": float(np.mean(size == 1)), "beyond": float(np.mean(deepest >= 2)),
            "adoptions_beyond": float(np.mean(depth >= 2)), "mean_size": float(size.mean()),
            "largest": float(size.max()), "sizes": np.bincount(np.minimum(size, 20), minlength=21)}


def run(settings: Settings) -> CaseResult:
    case = CaseResult(8, "Organic cascades mostly stop at the seed", SOURCE, "Goel, Watts and Goldstein (2012), EC")
    reps, posts = (4, 150) if settings.fast else (16, 200)
    hours = 24 * 4
    cfg = market_config(settings, case, hours, reps, seed=8)
    if cfg is None:
        return case
    cfg.diffusion.disclosure_penalty = 0.0            # organic posts carry no #ad
    from ..population import build_world
    world = build_world(cfg)
    out = run_model(cfg, world, measure, actions=consumers_posting(world[0], posts, POST_HOURS, 8),
                    tamper=settings.tamper)
    params = (f"default market ({cfg.population.consumers:,} consumers), {posts} organic posts by random consumers "
              f"at random hours of the first {POST_HOURS} hours per replicate, {reps} replicates, relay_max.consumer="
              f"{cfg.diffusion.relay_max.consumer}, message.decay={cfg.message.decay}")
    for key, (what, low, high) in RANGES.items():
        m, se = mean_se(out[key])
        case.add(what, (low + high) / 2, m, se, f"mean inside the published range {low:.0%}-{high:.0%}",
                 low <= m <= high, params)
    for key, what in (("mean_size", "mean cascade size (seed included)"), ("largest", "largest cascade")):
        m, se = mean_se(out[key])
        case.add(what, float("nan"), m, se, "informative", None, params)
    case.figure = _figure(out["sizes"].sum(axis=0), {k: mean_se(out[k])[0] for k in RANGES})
    case.notes = (
        f"The default market (configs/, with its calibrated relay caps and SEISMIC reaction delays); the campaign "
        f"is emptied and {posts} consumers drawn at random post the message, each at a random hour of the message's "
        f"first {POST_HOURS} hours (novelty decays with the message's age), without the #ad disclosure (organic posts). A cascade is the relay tree grown from one "
        "post (relayers are attributed to the post their first relayed exposure came from); its size counts the "
        "seed. The published numbers are ranges over seven domains (Yahoo! Kindness, Zync, Secretary game, Twitter "
        "news stories and videos, Friend Sense, Yahoo! Voice): the check is that the model's mean falls inside "
        "each range. It is a calibration check: relay_max.consumer = 0.1 was chosen so that it does.")
    return case


def _figure(sizes, shares):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), dpi=100)
    share = sizes / max(sizes.sum(), 1)
    ax.bar(np.arange(1, 21), share[1:21], color=OKABE_ITO[0])
    ax.axhspan(RANGES["size_one"][1], RANGES["size_one"][2], xmax=0.08, color=OKABE_ITO[1], alpha=0.3,
               label="published share of size one (70-95%)")
    ax.set(yscale="log", xlabel="Cascade size (seed included; 20 = 20 or more)", ylabel="Share of cascades",
           title="Organic cascades: sizes")
    ax.legend(fontsize=8)
    names = list(RANGES)
    for k, key in enumerate(names):
        _, low, high = RANGES[key]
        ax2.plot([k, k], [low, high], lw=10, color=OKABE_ITO[1], alpha=0.4, solid_capstyle="butt",
                 label="published range" if k == 0 else None)
        ax2.plot(k, shares[key], "o", color=OKABE_ITO[0], label="model" if k == 0 else None)
    ax2.set_xticks(range(len(names)), ["size one", "trees beyond\none degree", "adoptions beyond\none degree"])
    ax2.set(yscale="log", ylabel="Share", title="... against Goel, Watts and Goldstein (2012)")
    ax2.legend(fontsize=8)
    for a in (ax, ax2):
        a.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig

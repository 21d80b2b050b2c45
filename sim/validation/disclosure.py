"""Case 11: the #ad disclosure lowers trust in sponsored posts as configured.

Experiments and a meta-analysis find that disclosing a post as sponsored lowers trust in
it and in its author (Eisend et al. 2020), without a magnitude this model could take as
a default. The case checks that the mechanism does what the README states: the same
posts by the same accounts, sponsored (#ad) or not, on the same random numbers, are
relayed (1 - penalty)^weight_trust times as often one hop away, for the default penalty
and a strong one.
"""
from __future__ import annotations

import copy

from .common import CaseResult, Settings, ratio_se, run_model
from .market import consumers_posting, market_config

SOURCE = ("Eisend, M., van Reijmersdal, E. A., Boerman, S. C. and Tarrahi, F. (2020). A meta-analysis of the "
          "effects of disclosing sponsored content. Journal of Advertising 49(3), 344-366 (direction of the "
          "effect); the magnitude is the model's own formula (README, 'Disclosure')")
PENALTIES = (None, 0.5)            # None: the default market's own penalty


def first_hop(model, hourly):
    st = model.state
    return {"relays": int(((st.relay_at[0] >= 0) & (st.relay_depth[0] == 1)).sum())}


def run(settings: Settings) -> CaseResult:
    case = CaseResult(11, "Disclosed (#ad) posts are trusted less, as configured", SOURCE,
                      "Eisend et al. (2020), J. Advertising")
    reps, posts = (4, 400) if settings.fast else (12, 800)
    base = market_config(settings, case, 24 * 3, reps, seed=11)
    if base is None:
        return case
    base.diffusion.attention_limit = 0               # the same exposures whatever the relays
    from ..population import build_world
    world = build_world(base)
    organic = copy.deepcopy(base)
    organic.diffusion.disclosure_penalty = 0.0
    # a fresh plan maker with the same seed: every model (thread) gets the same posts in both runs
    undisclosed = run_model(organic, world, first_hop, actions=consumers_posting(world[0], posts, 12, 11),
                            tamper=settings.tamper)["relays"]
    weight = base.diffusion.weight_trust
    for penalty in PENALTIES:
        cfg = copy.deepcopy(base)
        if penalty is not None:
            cfg.diffusion.disclosure_penalty = penalty
        p = cfg.diffusion.disclosure_penalty
        disclosed = run_model(cfg, world, first_hop, actions=consumers_posting(world[0], posts, 12, 11),
                              tamper=settings.tamper)["relays"]
        ratio, se = ratio_se(disclosed, undisclosed)
        expected = (1.0 - p) ** weight
        case.add(f"first-hop relays of #ad posts / the same posts undisclosed, penalty {p:g}", expected, ratio, se,
                 "|ratio - (1 - penalty)^weight_trust| <= 4 SE + 0.01", abs(ratio - expected) <= 4 * se + 0.01,
                 f"default market, {posts} posts by random consumers in the first 12 h, {reps} replicates, "
                 f"weight_trust={weight:g}, attention limit off")
    case.figure = _figure(case.rows)
    case.notes = (
        "Consumers drawn at random post the message in its first 12 hours, once as sponsored posts (their authors "
        "are seeded, so the posts carry #ad and readers trust the author diffusion.disclosure_penalty less) and "
        "once undisclosed (penalty 0), on the same worlds, posts and random streams. The relay chance is "
        "proportional to trust^weight_trust, so first-hop relays must shrink by (1 - penalty)^weight_trust. The "
        "published literature gives the direction (disclosure lowers trust and brand attitudes: Eisend et al. "
        "2020; Liu and Zhao 2025) but no magnitude: the default penalty 0.1 is an assumption (README, "
        "'Disclosure'), and this case checks the mechanism, not the value.")
    return case


def _figure(rows):
    import matplotlib.pyplot as plt

    from ..figures import OKABE_ITO
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    x = range(len(rows))
    ax.bar([k - 0.2 for k in x], [r.expected for r in rows], 0.4, color=OKABE_ITO[1],
           label="(1 - penalty)^weight_trust")
    ax.bar([k + 0.2 for k in x], [r.measured for r in rows], 0.4, color=OKABE_ITO[0],
           yerr=[(r.high - r.low) / 2 for r in rows], label="model: #ad / undisclosed first-hop relays (95%)")
    ax.set_xticks(list(x), [r.name.rsplit("penalty ", 1)[1] for r in rows])
    ax.set(xlabel="Disclosure penalty", ylabel="Relays of #ad posts / undisclosed", ylim=(0, 1.1),
           title="The #ad disclosure discounts trust as configured")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig

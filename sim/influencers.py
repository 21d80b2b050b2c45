"""The influencer table: every agent who could be sponsored, ranked by influence (Klout-like:
expected useful contacts caused, from reverse-reachable sets, `sim.influence`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .influence import rr_sets
from .kinds import KIND_NAMES
from .metrics import agent_names
from .model import InfluenceModel
from .seeding import candidates
from .tiers import TIERS


def influence_table(cfg, model=None, top: int | None = None, rows: int | None = None) -> pd.DataFrame:
    """Consumers and bloggers ranked for message 0 and the campaign's target.

    The ranking is greedy: each agent adds the most expected useful contacts that the
    agents ranked above it do not already bring (`marginal_influence`), so any top-k of
    the table is a good set to sponsor together; `influence` is the agent on its own.
    Past the first `top` (default `score.top`) greedy picks, or once nobody adds anything,
    the rest follow by `influence`. `rows`: only the first rows (the table's head, without
    making a million rows to keep a hundred).
    """
    own = model is None
    model = model or InfluenceModel(cfg)
    rr = rr_sets(model, 0)
    pop, net = model.population, model.network
    cand = candidates(model, "all")
    useful = model.useful.astype(bool)
    in_target = net.sum_over_followers(useful * model.people) / model.people      # real followers in the target
    audience_rel = net.sum_over_followers(np.where(useful, model.relevance[0], 0.0))
    influence = rr.scores()
    picks, gains = rr.greedy(cand, np.ones(pop.size), float(top or cfg.score.top), with_gains=True)
    rest = cand[~np.isin(cand, picks)]
    rest = rest[np.lexsort((rest, -influence[rest]))]
    order = np.concatenate([picks, rest])[:rows]
    marginal = np.concatenate([gains, np.zeros(rest.size)])[:rows]
    node_ids = pop.node_ids if pop.node_ids is not None else np.arange(pop.size)
    node_ids = np.append(node_ids, -np.ones(max(0, pop.size - node_ids.size), dtype=np.int64))
    table = pd.DataFrame({
        "rank": np.arange(1, order.size + 1),
        "agent": order,
        "name": agent_names(model, order),   # handle (network=followers), else "agent <index>"
        "node_id": node_ids[order],          # id in the edge-list file (-1: added brand account)
        "kind": np.asarray(KIND_NAMES)[pop.kind[order]],
        "tier": np.asarray(TIERS)[model.tier[order]],
        "segment": pop.segment[order],
        "followers": np.round(model.followers[order]).astype(np.int64),    # real-platform followers
        "followers_in_target": np.round(in_target[order]).astype(np.int64),
        "audience_relevance": np.round(audience_rel[order] / np.maximum(in_target[order], 1), 4),
        "cost": np.round(model.seed_costs[order], 2),
        "influence": np.round(influence[order], 3),
        "marginal_influence": np.round(marginal, 3),
    })
    table["influence_per_euro"] = np.round(table.influence / table.cost.where(table.cost > 0), 4)
    if own:
        model.release()
    return table

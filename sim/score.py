"""Command line: `python -m sim.score [overrides]` ranks agents by influence.

Influence (Klout-like) = expected useful contacts caused: aware consumers in the
target reached through an agent's post and the relays it triggers, estimated from
reverse-reachable sets (`sim.influence`). Writes `influencers.csv` into the output
folder and prints the top 10 next to their follower counts and costs.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .config import Config, ConfigError
from .network import DataError
from .run import CONFIG_DIR, fail, precheck, to_config

log = logging.getLogger("sim")


def influence_table(cfg: Config, model=None) -> pd.DataFrame:
    """Consumers and bloggers ranked for message 0 and the campaign's target.

    The ranking is greedy: each agent adds the most expected useful contacts that the
    agents ranked above it do not already bring (`marginal_influence`), so any top-k of
    the table is a good set to sponsor together; `influence` is the agent on its own.
    Past the `score.top` greedy picks (or once nobody adds anything) the rest follow by
    `influence`.
    """
    from .campaign import candidates
    from .influence import rr_sets
    from .model import InfluenceModel
    own = model is None
    model = model or InfluenceModel(cfg)
    rr = rr_sets(model, 0)
    pop, net = model.population, model.network
    cand = candidates(model, "all")
    useful = model.useful.astype(bool)
    followers = net.follower_counts
    starts = net.indptr[:-1]
    in_target = np.add.reduceat(np.append(useful[net.indices], False).astype(np.int64), starts) * (followers > 0)
    rel = np.where(useful, model.relevance[0], 0.0)
    audience_rel = np.add.reduceat(np.append(rel[net.indices], 0.0), starts) * (followers > 0)
    influence = rr.scores()
    picks, gains = rr.greedy(cand, np.ones(pop.size), float(cfg.score.top), with_gains=True)
    rest = cand[~np.isin(cand, picks)]
    rest = rest[np.lexsort((rest, -influence[rest]))]
    order = np.concatenate([picks, rest])
    marginal = np.concatenate([gains, np.zeros(rest.size)])
    node_ids = pop.node_ids if pop.node_ids is not None else np.arange(pop.size)
    node_ids = np.append(node_ids, -np.ones(max(0, pop.size - node_ids.size), dtype=np.int64))
    table = pd.DataFrame({
        "rank": np.arange(1, order.size + 1),
        "agent": order,
        "node_id": node_ids[order],          # id in the edge-list file (-1: added brand account)
        "kind": np.asarray(["consumer", "blogger", "brand"])[pop.kind[order]],
        "segment": pop.segment[order],
        "followers": followers[order],
        "followers_in_target": in_target[order],
        "audience_relevance": np.round(audience_rel[order] / np.maximum(in_target[order], 1), 4),
        "cost": np.round(model.seed_costs[order], 2),
        "influence": np.round(influence[order], 3),
        "marginal_influence": np.round(marginal, 3),
    })
    table["influence_per_euro"] = np.round(table.influence / table.cost.where(table.cost > 0), 4)
    if own:
        model.release()
    return table


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .results import write_atomic
    try:
        cfg = to_config(dcfg)
        start = time.perf_counter()
        table = influence_table(cfg)
    except (ConfigError, DataError) as err:
        fail(str(err))
    outdir = Path(HydraConfig.get().runtime.output_dir)
    top = table.head(cfg.score.top)
    path = write_atomic(outdir / "influencers.csv", lambda tmp: top.to_csv(tmp, index=False))
    log.info(f"scored {len(table):,} agents from {cfg.score.rr_sets:,} RR sets in "
             f"{time.perf_counter() - start:.1f} s")
    print(table.head(10).to_string(index=False))
    print(f"influsim: influencers in {path}")


def main() -> None:
    precheck(sys.argv[1:])
    _task()


if __name__ == "__main__":
    main()

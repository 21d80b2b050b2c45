"""Command line: `python -m sim.score [overrides]` ranks agents by influence.

Influence (Klout-like) = expected useful contacts caused: aware consumers in the
target reached through an agent's post and the relays it triggers, estimated from
reverse-reachable sets (`sim.influence`). Writes `influencers.csv` into the output
folder and prints the top 10 next to their follower counts and costs.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .errors import ConfigError, DataError
from .influencers import influence_table
from .command_line import CONFIG_DIR, fail, launch, to_config

log = logging.getLogger("sim")


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


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.score [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()

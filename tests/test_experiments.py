"""Every experiment in configs/experiment runs end to end through the command line's function."""
import json
from pathlib import Path

import pytest

from sim.run import CONFIG_DIR, run_scenario

from .conftest import compose_config

EXPERIMENTS = sorted(p.stem for p in (Path(CONFIG_DIR) / "experiment").glob("*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_runs(name, tmp_path):
    cfg = compose_config(f"experiment={name}", "population.consumers=1500", "run.replicates=2", "run.hours=48")
    out = run_scenario(cfg, tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert out["headline"]
    if cfg.comparison:
        assert len(summary["comparison"]) == len(cfg.comparison)
    else:
        assert summary["metrics"]["reach"]["mean"] > 0

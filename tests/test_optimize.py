"""Optimizing a plan (issue 15): the budget is split exactly, winners are named only when
the paired interval excludes zero, and a killed study resumes from its journal."""
import json
import subprocess
import sys

import numpy as np
import pytest

from sim.optimizing import Lever, paired_verdict, plan_values

from .conftest import ROOT, kill_at


def test_the_budget_is_split_by_the_weights_and_other_channels_get_nothing():
    levers = [Lever("campaign.channels.ads", 0, 1, False), Lever("campaign.channels.sponsored.micro", 0, 1, False),
              Lever("timing.launch_hour", 0, 23, True)]
    values = plan_values(levers, {"campaign.channels.ads": 0.3, "campaign.channels.sponsored.micro": 0.1,
                                  "timing.launch_hour": 17.6}, 40_000.0)
    assert values["campaign.channels.ads"] == pytest.approx(30_000.0)          # 0.3 / 0.4 of the budget
    assert values["campaign.channels.sponsored.micro"] == pytest.approx(10_000.0)
    assert values["campaign.channels.boosted"] == 0.0 and values["campaign.channels.sponsored.nano"] == 0.0
    assert values["timing.launch_hour"] == 18
    spent = sum(v for k, v in values.items() if k.startswith("campaign.channels."))
    assert spent == pytest.approx(40_000.0)
    zero = plan_values(levers[:2], {"campaign.channels.ads": 0.0, "campaign.channels.sponsored.micro": 0.0}, 100.0)
    assert zero["campaign.channels.ads"] == zero["campaign.channels.sponsored.micro"] == 50.0


def test_a_winner_is_named_only_when_the_paired_interval_excludes_zero():
    rng = np.random.default_rng(4)
    base = rng.normal(1000, 100, 40)                       # large spread shared by both (common random numbers)
    ahead = base + 5 + rng.normal(0, 1, 40)                # a small but consistent lead
    level = base + rng.normal(0, 1, 40)
    diff, text = paired_verdict(ahead, base, "useful_reach", ("A", "B"))
    assert diff["ci95"][0] > 0 and text.startswith("A is better")
    diff, text = paired_verdict(level, base, "useful_reach", ("A", "B"))
    assert diff["ci95"][0] < 0 < diff["ci95"][1] and "not distinguishable" in text
    _, text = paired_verdict(ahead, base, "cost_per_adoption", ("A", "B"))      # a cost: less is better
    assert text.startswith("B is better")
    d = ahead - base                                                            # the interval, by hand
    half = 2.0226909 * d.std(ddof=1) / np.sqrt(40)                              # t(0.975, 39)
    assert paired_verdict(ahead, base, "reach", ("A", "B"))[0]["ci95"] == pytest.approx([d.mean() - half,
                                                                                          d.mean() + half], rel=1e-6)


def test_an_empty_search_space_is_refused():
    from sim.config import Config
    from sim.errors import ConfigError
    from sim.optimizing import check_levers
    with pytest.raises(ConfigError, match="optimize.levers: is empty"):
        check_levers(Config(), {})
    with pytest.raises(ConfigError, match="optimize.levers: is empty"):
        check_levers(Config(), {}, {})
    assert check_levers(Config(), {}, {"campaign.strategy": ["followers", "greedy"]}) == []   # choices alone: a search


@pytest.mark.slow
def test_a_killed_study_resumes_from_its_journal(tmp_path):
    out = tmp_path / "opt"
    argv = [sys.executable, "-m", "sim.optimize", "population=small", "run.days=3", "optimize.trials=20",
            "optimize.replicates=2", "optimize.confirm_replicates=4", "optimize.top=2",
            f"hydra.run.dir={out}"]
    seen = kill_at(argv, "trial 6/20")                     # killed once 6 trials are in the journal
    assert any("trial 6/20" in line for line in seen) and not (out / "best_plan.yaml").exists()
    again = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    log = again.stdout + again.stderr
    resumed = [line for line in log.splitlines() if "resuming" in line]
    assert resumed and "of 20 trials already done" in resumed[0] and "trial 2/20" not in log
    import pandas as pd
    trials = pd.read_csv(out / "trials.csv")
    assert (trials.state == "COMPLETE").sum() == 20
    summary = json.loads((out / "optimize.json").read_text())
    assert summary["best_hand_written"] in {"channels", "mass", "targeted_followers", "targeted_relevance",
                                            "targeted_greedy", "hybrid", "owned"} and (out / "report.html").exists()
    plan = (out / "best_plan.yaml").read_text()
    assert "campaign.channels.ads" in plan and "timing.launch_hour" in plan


def test_a_lock_left_by_a_killed_run_is_broken_well_before_optunas_30_seconds(tmp_path, monkeypatch):
    """A run killed while appending to its journal leaves `study.journal.lock` behind; Optuna
    waits its grace period (30 s by default) before breaking it, so every such resume stalled
    half a minute. On a simulated clock (Optuna's lock reads time.monotonic and sleeps with
    time.sleep; no wall time is measured), the study opens with the stale lock broken after
    less waiting than Optuna's default (5 s expected)."""
    import os
    import types

    from optuna.storages.journal import _file

    from sim.optimizing import open_study

    from .conftest import compose_config
    clock = types.SimpleNamespace(now=0.0)
    monkeypatch.setattr(_file, "time", types.SimpleNamespace(
        monotonic=lambda: clock.now, sleep=lambda s: setattr(clock, "now", clock.now + s)))
    journal = tmp_path / "study.journal"
    journal.touch()
    os.symlink(journal, str(journal) + ".lock")                 # what the killed process left
    open_study(compose_config("optimize=default").optimize, str(journal))
    assert 0 < clock.now < 30 and not os.path.lexists(str(journal) + ".lock")


def test_sim_run_accepts_a_best_plan_file_with_text_keys(tmp_path):
    from .conftest import compose_config
    plan = tmp_path / "best_plan.yaml"
    plan.write_text("campaign.channels.ads: 12345.5\ncampaign.strategy: greedy\ntiming.launch_hour: 19\n")
    cfg = compose_config(f"plan={plan}")
    assert (cfg.campaign.channels.ads, cfg.campaign.strategy, cfg.timing.launch_hour) == (12345.5, "greedy", 19)
    calibration = tmp_path / "calibrated.yaml"
    calibration.write_text("campaign.strategy: greedy\n")                    # a calibration holds numbers only
    from sim.errors import DataError
    with pytest.raises(DataError, match="must be a number"):
        compose_config(f"calibration={calibration}")


@pytest.mark.slow
def test_helpers_launched_as_a_sweep_share_one_study(tmp_path):
    """The cluster route: Hydra's launcher starts the main command and a helper on one journal."""
    import pandas as pd
    journal = tmp_path / "study.journal"
    argv = [sys.executable, "-m", "sim.optimize", "-m", "hydra/launcher=joblib", "population=small", "run.days=7",
            "optimize.trials=40", "optimize.replicates=2", "optimize.confirm_replicates=4", "optimize.top=2",
            f"optimize.journal={journal}", "optimize.worker=0,1", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    sweep = pd.read_csv(tmp_path / "sweep" / "sweep.csv")
    assert (sweep.status == "done").all() and sorted(sweep["optimize.worker"]) == [0, 1]
    main = next(p for p in (tmp_path / "sweep").iterdir() if "worker=0" in p.name)
    trials = pd.read_csv(main / "trials.csv")
    assert (trials.state == "COMPLETE").sum() >= 40 and set(trials.user_attrs_worker) == {0, 1}
    assert (main / "best_plan.yaml").exists() and "helper 1 done" in done.stdout

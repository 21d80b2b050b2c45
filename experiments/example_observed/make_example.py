"""Make the synthetic observed data of the README's "Calibrate and forecast", simulated by
influsim itself with known parameters so calibration and forecast can be checked against
the truth: a campaign's daily analytics export (analytics.csv) and one post's reshare log
(reshares.csv).

    .venv/bin/python experiments/example_observed/make_example.py     # rewrites the file beside it

The campaign is the default market and plan (configs/); the truth, written in the file's
first comment line, is message.interest 0.45, message.half_life_hours 18,
diffusion.relay_max.consumer 0.12 and diffusion.adoption_prob 0.25; one replicate on the
default world (the world of run.seed 0, which the calibration builds too) with the random
stream of run.seed 2027, so that the truth is a point of the model the calibration fits.
A row is a calendar date (local midnight to midnight, as analytics tools count), so the
first covers the campaign's hours from 08:00; the last, partial date is left out.

The reshare log is a post by the blogger with most followers in the default world at one
account per agent (population.scale=1, as sim.forecast simulates it), with the truth
RESHARE_TRUTH; the first replicate from 2027 on whose cascade has at least 100 reshares.
"""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from sim.command_line import composed  # noqa: E402
from sim.inference import set_parameters  # noqa: E402
from sim.metrics import CURVES, FLOWS  # noqa: E402
from sim.results import simulate  # noqa: E402

RESHARE_TRUTH = {"message.interest": 0.8, "diffusion.relay_max.consumer": 0.2}
TRUTH = {"message.interest": 0.45, "message.half_life_hours": 18.0, "diffusion.relay_max.consumer": 0.12,
         "diffusion.adoption_prob": 0.25}


def write(folder: Path = HERE) -> Path:
    from sim.population import build_world
    world = build_world(composed())                 # the default world, which a calibration simulates on
    cfg = set_parameters(composed("run.replicates=1", "run.seed=2027"), TRUTH)
    result = simulate(cfg, world=world, progress=lambda line: None)
    every = len(result.messages)
    hourly = {m: np.diff(result.flows[0, every, :, FLOWS.index(m)], prepend=0.0) for m in ("impressions", "engagements")}
    for metric, column in (("reach", "reach"), ("shares", "relayed"), ("adoptions", "adopted")):
        hourly[metric] = np.diff(result.curves[0, every, :, CURVES.index(column)], prepend=0.0)
    moments = [result.start + timedelta(hours=h) for h in range(result.hours)]
    dates = sorted({m.date() for m in moments if m.date() < (moments[-1] + timedelta(hours=1)).date()})
    path = folder / "analytics.csv"
    lines = ["date,impressions,reach,engagements,shares,adoptions"]
    for date in dates:
        hours = [h for h, m in enumerate(moments) if m.date() == date]
        cells = [f"{hourly[m][hours].sum():.0f}" for m in ("impressions", "reach", "engagements", "shares",
                                                            "adoptions")]
        lines.append(",".join([date.isoformat()] + cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_reshares(folder: Path = HERE) -> Path:
    from sim.cascade import PostBy, synthetic_log
    from sim.kinds import BLOGGER
    from sim.model import InfluenceModel
    from sim.population import build_world
    cfg = set_parameters(composed("population.scale=1"), RESHARE_TRUTH)
    world = build_world(cfg)
    bloggers = np.flatnonzero(world[0].kind == BLOGGER)
    author = int(bloggers[np.argmax(world[1].follower_counts[bloggers])])
    model = InfluenceModel(cfg, world=world, actions=[PostBy(author)])
    replicate = 2027
    while (log := synthetic_log(model, author, replicate, 2027)).reshares < 100:
        replicate += 1
    path = folder / "reshares.csv"
    lines = ["time,followers,handle,parent"] + [f"{s:.0f},{n},{h},{p}" for s, n, h, p in
                                                 zip(log.seconds, log.followers, log.handles, log.parents)]
    path.write_text("\n".join(lines) + "\n")
    return path


if __name__ == "__main__":
    print(f"wrote {write()}")
    print(f"wrote {write_reshares()}")

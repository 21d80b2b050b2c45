"""Make the synthetic observed data of the README's "Calibrate and forecast", simulated by
influsim itself with known parameters so calibration and forecast can be checked against
the truth: a campaign's daily analytics export (analytics.csv) and one post's reshare log
(reshares.csv).

    .venv/bin/python experiments/example_observed/make_example.py     # rewrites the file beside it

The campaign is the default market and plan (configs/); the truth, written in the file's
first comment line, is message.interest 0.45, message.half_life_hours 18,
diffusion.relay_max.consumer 0.12 and diffusion.adoption_prob 0.25; one replicate, seed 2027.

The reshare log is a post by the blogger with most followers in the default world at one
account per agent (population.scale=1, as sim.forecast simulates it), with the truth
RESHARE_TRUTH; the first replicate from 2027 on whose cascade has at least 100 reshares.
"""
from __future__ import annotations

import sys
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
    cfg = set_parameters(composed("run.replicates=1", "run.seed=2027"), TRUTH)
    result = simulate(cfg, progress=lambda line: None)
    every = len(result.messages)
    hourly = {m: np.diff(result.flows[0, every, :, FLOWS.index(m)], prepend=0.0) for m in ("impressions", "engagements")}
    for metric, column in (("reach", "reach"), ("shares", "relayed"), ("adoptions", "adopted")):
        hourly[metric] = np.diff(result.curves[0, every, :, CURVES.index(column)], prepend=0.0)
    days = result.hours // 24
    path = folder / "analytics.csv"
    lines = ["date,impressions,reach,engagements,shares,adoptions"]
    for d in range(days):
        day = (result.start.date().toordinal() + d)
        date = type(result.start.date()).fromordinal(day).isoformat()
        cells = [f"{hourly[m][24 * d:24 * d + 24].sum():.0f}" for m in ("impressions", "reach", "engagements",
                                                                         "shares", "adoptions")]
        lines.append(",".join([date] + cells))
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

"""Make the synthetic observed data of the README's "Calibrate and forecast": a campaign's
daily analytics export (analytics.csv) simulated by influsim itself with known parameters,
so a calibration can be checked against the truth.

    .venv/bin/python experiments/example_observed/make_example.py     # rewrites the file beside it

The campaign is the default market and plan (configs/); the truth, written in the file's
first comment line, is message.interest 0.45, message.half_life_hours 18,
diffusion.relay_max.consumer 0.12 and diffusion.adoption_prob 0.25; one replicate, seed 2027.
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


if __name__ == "__main__":
    print(f"wrote {write()}")

"""Markers of a job folder: `done.json` (complete result) and `error.json` (failed).

A job is complete only once every result file was written atomically and `done.json`
was written after them; a rerun of the sweep skips complete jobs and retries the rest.
"""
from __future__ import annotations

import time
import traceback
from pathlib import Path

DONE = "done.json"
ERROR = "error.json"


def is_complete(job_dir: str | Path) -> bool:
    return (Path(job_dir) / DONE).exists()


def write_done(job_dir: str | Path, files, overrides, seconds: float, metrics: bool = True) -> None:
    """`metrics=False`: a job with no summary.json to collect (sim.optimize's main command and helpers)."""
    from .results import write_json
    write_json(Path(job_dir) / DONE, {"files": sorted(Path(f).name for f in files), "overrides": list(overrides),
                                      "seconds": round(seconds, 3), "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                                      **({} if metrics else {"metrics": False})})


def write_error(job_dir: str | Path, err: BaseException, overrides, keep_existing: bool = False) -> None:
    from .results import write_json
    job_dir = Path(job_dir)
    if keep_existing and (job_dir / ERROR).exists():
        return
    job_dir.mkdir(parents=True, exist_ok=True)
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    write_json(job_dir / ERROR, {
        "error": f"{type(err).__name__}: {text}",
        "overrides": list(overrides),
        "traceback": "".join(traceback.format_exception(type(err), err, err.__traceback__))[-4000:],
        "failed": time.strftime("%Y-%m-%d %H:%M:%S"),
    })

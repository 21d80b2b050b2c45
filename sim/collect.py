"""Collect a sweep: `python -m sim.collect <sweep_dir>` rebuilds `sweep.csv` and `sweep.parquet`.

`sweep.csv` has one row per job (per scenario, for comparison jobs): the job folder,
its status (`done`, `failed`, `incomplete`), its error, every overridden parameter as a
column, and each metric's `_mean`, `_ci95_low`, `_ci95_high`. `sweep.parquet` holds the
same numbers in long form: one row per job (scenario) and metric.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .jobs import DONE, ERROR
from .metrics import FINALS
from .results import write_atomic


def _value(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _params(job_dir: Path) -> dict:
    path = job_dir / ".hydra" / "overrides.yaml"
    if path.exists():
        overrides = yaml.safe_load(path.read_text()) or []
    elif (job_dir / ERROR).exists():
        overrides = json.loads((job_dir / ERROR).read_text()).get("overrides", [])
    else:
        overrides = []
    out = {}
    for item in overrides:
        key, _, value = str(item).partition("=")
        out[key.lstrip("+~")] = _value(value)
    return out


def job_dirs_in(sweep_dir: Path) -> list[Path]:
    return sorted(p for p in sweep_dir.iterdir()
                  if p.is_dir() and ((p / ".hydra" / "overrides.yaml").exists() or (p / ERROR).exists()))


def _rows(job_dir: Path, sweep_dir: Path):
    base = {"job": str(job_dir.relative_to(sweep_dir)), "status": "incomplete", "error": ""}
    params = _params(job_dir)
    if (job_dir / DONE).exists():
        base["status"] = "done"
        summary = json.loads((job_dir / "summary.json").read_text())
        if "comparison" in summary:
            for row in summary["comparison"]:
                metrics = {m: (row.get(f"{m}_mean"), row.get(f"{m}_ci95_low"), row.get(f"{m}_ci95_high"))
                           for m in FINALS}
                yield {**base, **params, "scenario": row["scenario"]}, metrics
        else:
            metrics = {m: (v["mean"], v["ci95"][0], v["ci95"][1]) for m, v in summary["metrics"].items()}
            yield {**base, **params, "scenario": summary["scenario"]["campaign"]}, metrics
        return
    if (job_dir / ERROR).exists():
        base["status"] = "failed"
        base["error"] = json.loads((job_dir / ERROR).read_text())["error"]
    yield {**base, **params, "scenario": ""}, {}


def collect(sweep_dir: str | Path, job_dirs=None) -> pd.DataFrame:
    """Merge the sweep's jobs into sweep.csv (wide) and sweep.parquet (long); return the wide table."""
    sweep_dir = Path(sweep_dir)
    dirs = job_dirs if job_dirs is not None else job_dirs_in(sweep_dir)
    wide, long = [], []
    for job_dir in dirs:
        for ident, metrics in _rows(Path(job_dir), sweep_dir):
            row = dict(ident)
            for m in FINALS:
                mean, low, high = metrics.get(m, (None, None, None))
                row[f"{m}_mean"], row[f"{m}_ci95_low"], row[f"{m}_ci95_high"] = mean, low, high
                if metrics:
                    long.append({**ident, "metric": m, "mean": mean, "ci95_low": low, "ci95_high": high})
            if not metrics:
                long.append({**ident, "metric": None, "mean": np.nan, "ci95_low": np.nan, "ci95_high": np.nan})
            wide.append(row)
    table = pd.DataFrame(wide)
    tidy = pd.DataFrame(long)
    params = {key for job_dir in dirs for key in _params(Path(job_dir))}
    for frame in (table, tidy):          # a parameter mixing numbers and names is kept as text
        for col in params & set(frame.columns):
            values = frame[col].dropna()
            if values.map(type).nunique() > 1:
                frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str) or pd.isna(v) else str(v))
    write_atomic(sweep_dir / "sweep.csv", lambda tmp: table.to_csv(tmp, index=False))
    write_atomic(sweep_dir / "sweep.parquet", lambda tmp: tidy.to_parquet(tmp, index=False))
    return table


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m sim.collect <sweep_dir>", file=sys.stderr)
        sys.exit(2)
    table = collect(argv[0])
    counts = table.status.value_counts().to_dict() if len(table) else {}
    print(f"influsim: {len(table)} rows ({', '.join(f'{v} {k}' for k, v in counts.items())}) in "
          f"{Path(argv[0]) / 'sweep.csv'} and sweep.parquet")


if __name__ == "__main__":
    main()

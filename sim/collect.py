"""Collect a sweep: `python -m sim.collect <sweep_dir>` rebuilds `sweep.csv` and `sweep.parquet`.

`sweep.csv` has one row per job (per scenario, for comparison jobs): the job folder,
its status (`done`, `failed`, `incomplete`), its error, every overridden parameter as a
column, and each metric's `_mean`, `_ci95_low`, `_ci95_high`. `sweep.parquet` holds the
same numbers in long form: one row per job (scenario) and metric.

A job is `done` only if its folder holds `done.json` (written last); a folder that is not
a sweep (no job folders) and a truncated or corrupt job file are refused with one line
naming the path. The readers below (JSON, YAML, CSV, parquet) are shared with `sim.report`.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import ConfigError, DataError, output_problem
from .jobs import DONE, ERROR
from .metrics import FINALS
from .results import write_atomic

STATUSES = ("done", "failed", "incomplete")


# ---------------------------------------------------------------- command line and readers
class CommandLine(argparse.ArgumentParser):
    """argparse with influsim's convention: a usage error is one line on stderr, exit code 2."""

    def __init__(self, prog: str, description: str):
        super().__init__(prog=prog, description=description, allow_abbrev=False)

    def error(self, message):
        self.exit(2, f"influsim: error: {self.prog}: {message} ({self.format_usage().strip()})\n")


def exit_on_user_error(run, *args):
    """Call `run(*args)`; a ConfigError or DataError ends the command with one line and exit code 2."""
    try:
        return run(*args)
    except (ConfigError, DataError) as err:
        print(f"influsim: error: {err}", file=sys.stderr)
        sys.exit(2)
    except OSError as err:               # the results cannot be written there (full disk, read-only ...)
        if output_problem(err) is None:
            raise
        print(f"influsim: error: {output_problem(err)}", file=sys.stderr)
        sys.exit(2)


def check_folder(folder: Path) -> Path:
    if not folder.exists():
        raise DataError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder (give the folder that holds the results)")
    return folder


@contextmanager
def malformed(path: Path):
    """Turn a missing key or a wrong type met while reading `path`'s content into a DataError naming it."""
    try:
        yield
    except (KeyError, IndexError, TypeError, ValueError) as err:
        if isinstance(err, (ConfigError, DataError)):
            raise
        raise DataError(f"{path}: missing or malformed entry {err} (incomplete, or not written by influsim)") \
            from None


def _text(path: Path) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        raise DataError(f"{path}: missing") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text file (corrupt?)") from None
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror})") from None


def read_json(path: Path) -> dict:
    try:
        data = json.loads(_text(path))
    except json.JSONDecodeError:
        raise DataError(f"{path}: not valid JSON (truncated?)") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: not valid JSON for influsim (expected an object)")
    return data


def read_yaml(path: Path):
    try:
        return yaml.safe_load(_text(path))
    except yaml.YAMLError:
        raise DataError(f"{path}: not valid YAML (truncated?)") from None


def _need_columns(path: Path, frame: pd.DataFrame, columns, hint: str = "") -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: no column {', '.join(missing)} (not written by influsim?){hint}")
    return frame


def read_table(path: Path, columns=(), hint: str = "") -> pd.DataFrame:
    """A CSV written by influsim, refused (naming the file and line) if it is cut mid-row or
    a row does not have the header's number of fields."""
    text = _text(path)
    if not text.strip():
        raise DataError(f"{path}: empty (truncated?){hint}")
    if not text.endswith("\n"):
        raise DataError(f"{path}: cut mid-row (the last line has no line end: truncated?){hint}")
    try:
        rows = csv.reader(io.StringIO(text))
        header = next(rows)
        for line, row in enumerate(rows, start=2):
            if row and len(row) != len(header):
                raise DataError(f"{path}: line {line} has {len(row)} fields, the header {len(header)} "
                                f"(truncated or corrupt){hint}")
        frame = pd.read_csv(io.StringIO(text))
    except (csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"{path}: not a readable CSV table ({str(err).splitlines()[0]}){hint}") from None
    return _need_columns(path, frame, columns, hint)


def read_parquet(path: Path, columns=()) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: missing")
    try:
        frame = pd.read_parquet(path)
    except Exception:        # pyarrow raises several kinds (ArrowInvalid, OSError, ...) for a bad file
        raise DataError(f"{path}: not a readable parquet file (truncated?)") from None
    return _need_columns(path, frame, columns)


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
        overrides = read_yaml(path) or []
    elif (job_dir / ERROR).exists():
        path = job_dir / ERROR
        overrides = read_json(path).get("overrides", [])
    else:
        overrides = []
    if not isinstance(overrides, list):
        raise DataError(f"{path}: expected a list of overrides")
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
        done = read_json(job_dir / DONE)                # a corrupt marker is refused, not trusted
        base["status"] = "done"
        path = job_dir / "summary.json"
        if done.get("metrics", True) is False:          # sim.optimize's jobs: no metrics to collect
            yield {**base, **params, "scenario": ""}, {}
            return
        summary = read_json(path)
        with malformed(path):
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
        with malformed(job_dir / ERROR):
            base["error"] = str(read_json(job_dir / ERROR)["error"])
    yield {**base, **params, "scenario": ""}, {}


def collect(sweep_dir: str | Path, job_dirs=None) -> pd.DataFrame:
    """Merge the sweep's jobs into sweep.csv (wide) and sweep.parquet (long); return the wide table.
    Without `job_dirs`, every job folder of `sweep_dir`; none is a DataError (not a sweep)."""
    sweep_dir = check_folder(Path(sweep_dir))
    dirs = job_dirs if job_dirs is not None else job_dirs_in(sweep_dir)
    if not len(dirs):
        what = " (it holds a single run or comparison)" if (sweep_dir / "summary.json").exists() else ""
        raise DataError(f"{sweep_dir}: not a sweep folder{what}: no job folders (with .hydra/overrides.yaml "
                        "or error.json) to collect")
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


def read_sweep_table(sweep_dir: Path, metric: str = "useful_reach") -> pd.DataFrame:
    """`sweep.csv`, refused if it is cut mid-row, has a bad status, or does not list the finished
    job folders (truncated or stale): the fix is always to rebuild it with sim.collect."""
    path = sweep_dir / "sweep.csv"
    hint = f"; rebuild it with python -m sim.collect {sweep_dir}"
    table = read_table(path, ("job", "status", "scenario", f"{metric}_mean", f"{metric}_ci95_low",
                              f"{metric}_ci95_high", "spent_mean"), hint)
    bad = sorted(set(table.status.astype(str)) - set(STATUSES))
    if bad:
        raise DataError(f"{path}: unknown job status {', '.join(bad)} (corrupt?){hint}")
    finished = {p.name for p in job_dirs_in(sweep_dir) if (p / DONE).exists()}
    listed = set(table.job[table.status == "done"].astype(str))
    if finished != listed:
        raise DataError(f"{path}: lists {len(listed & finished)} of the {len(finished)} finished job folders as "
                        f"done{f' and {len(listed - finished)} that are not' if listed - finished else ''} "
                        f"(truncated or stale){hint}")
    return table


USAGE = "Rebuild sweep.csv and sweep.parquet from the job folders of a sweep (python -m sim.run -m ...)."


def main(argv=None) -> None:
    parser = CommandLine("python -m sim.collect", USAGE)
    parser.add_argument("folder", type=Path, help="the sweep folder (multirun/...), holding one folder per job")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    table = exit_on_user_error(collect, args.folder)
    counts = table.status.value_counts().to_dict()
    print(f"influsim: {len(table)} rows ({', '.join(f'{v} {k}' for k, v in counts.items())}) in "
          f"{args.folder / 'sweep.csv'} and sweep.parquet")


if __name__ == "__main__":
    main()

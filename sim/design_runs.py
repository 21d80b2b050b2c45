"""Run a design's points in chunks, on the sweep machinery's terms: in this process, in
local processes (joblib) or on a Ray cluster; each chunk's rows are written atomically
to `points/chunk_K.parquet`, so a rerun of the same command skips finished chunks; a
chunk that fails leaves `points/chunk_K/error.json` (sim.jobs) and the others go on.

Each point is simulated for every plan with common random numbers. Factors that shape
the world (`population.`, `network.`, ...: population.WORLD_KEYS) make a new world at
every point; otherwise one world per process serves every point.
"""
from __future__ import annotations

import hashlib
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError

DUMMY = "dummy (no effect)"
_WORLD: dict = {}                  # one world per process: {fingerprint of the configuration: (world, cache)}


def world_of(cfg, values: dict):
    """(world, cache) for a point: rebuilt if the point's factors shape the world."""
    from .inference import set_parameters
    from .population import build_world, shapes_world
    if shapes_world(values):
        return build_world(set_parameters(cfg, values)), {}
    key = hashlib.sha1(pickle.dumps(cfg)).hexdigest()
    if key not in _WORLD:
        _WORLD.clear()
        _WORLD[key] = (build_world(cfg), {})
    return _WORLD[key]


def design_rows(cfg, factors, points: np.ndarray) -> pd.DataFrame:
    """One row per point: its factor values and each plan's mean of the metric."""
    from .campaign import budget_of
    from .config import campaign_with
    from .inference import set_parameters
    from .results import simulate
    e, budget, rows = cfg.explore, budget_of(cfg.campaign), []
    for point in points:
        values = {f.name: float(v) for f, v in zip(factors, point) if f.name != DUMMY}
        world, cache = world_of(cfg, values)
        row = dict(zip([f.name for f in factors], (float(v) for v in point)))
        for name, overrides in e.plans.items():
            c = set_parameters(cfg, values)
            c.campaign = campaign_with(c.campaign, {"budget": budget, **overrides}, f"explore.plans.{name}")
            c.run.replicates = e.replicates
            row[name] = float(simulate(c, world=world, cache=cache, progress=lambda line: None).final(e.metric).mean())
        rows.append(row)
    return pd.DataFrame(rows)


def chunk_file(folder: Path, k: int) -> Path:
    return folder / "points" / f"chunk_{k:04d}.parquet"


def _guarded(cfg, factors, k: int, points):
    """(k, rows), or (k, the exception): a failed chunk is recorded and the others go on."""
    try:
        return k, design_rows(cfg, factors, points)
    except Exception as err:   # noqa: BLE001 - recorded in the chunk's error.json
        return k, err


def _finished(cfg, factors, todo: dict):
    """(k, rows or the exception) as chunks finish, on the configured backend."""
    e = cfg.explore
    if e.backend == "ray":
        yield from _on_ray(cfg, factors, todo)
    elif e.workers > 1:
        from joblib import Parallel, delayed
        yield from Parallel(n_jobs=e.workers, return_as="generator_unordered")(
            delayed(_guarded)(cfg, factors, k, points) for k, points in todo.items())
    else:
        for k, points in todo.items():
            yield _guarded(cfg, factors, k, points)


def private_token() -> None:
    """A Ray started here uses token authentication (Ray 2.60's default) with a token of this
    process's own: Ray would otherwise write ~/.ray/auth_token, and that file then breaks
    later connections to clusters that run without tokens."""
    import os
    import secrets
    if os.environ.setdefault("RAY_AUTH_MODE", "token") == "token" and "RAY_AUTH_TOKEN" not in os.environ:
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)


def _on_ray(cfg, factors, todo: dict):
    if not cfg.explore.ray_address:
        private_token()              # before Ray reads its settings at import
    try:
        import ray
    except ImportError:
        raise ConfigError("explore.backend", "ray needs Ray: pip install -e '.[ray]'") from None
    address = cfg.explore.ray_address
    if address:
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
    else:
        ray.init(ignore_reinit_error=True, log_to_driver=False, include_dashboard=False)
    task = ray.remote(design_rows)
    pending = {task.remote(cfg, factors, points): k for k, points in todo.items()}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        k = pending.pop(done[0])
        try:
            yield k, ray.get(done[0])
        except Exception as err:       # noqa: BLE001
            yield k, err


def run_chunks(cfg, factors, design: np.ndarray, folder: Path, progress=lambda line: None):
    """The design's rows (in design order) and the failed chunks' one-line errors."""
    from .jobs import write_error
    from .results import write_atomic
    (folder / "points").mkdir(parents=True, exist_ok=True)
    size = cfg.explore.chunk
    chunks = {k: design[k * size:(k + 1) * size] for k in range((len(design) + size - 1) // size)}
    todo = {k: pts for k, pts in chunks.items() if not chunk_file(folder, k).exists()}
    if len(todo) < len(chunks):
        progress(f"resuming {folder}: {len(chunks) - len(todo)} of {len(chunks)} chunks already done")
    start, failed, finished = time.perf_counter(), {}, 0
    for k, rows in _finished(cfg, factors, todo):
        finished += 1
        if isinstance(rows, BaseException):
            write_error(folder / "points" / f"chunk_{k:04d}", rows, [f"points {k * size} to {k * size + len(chunks[k]) - 1}"])
            failed[k] = f"{type(rows).__name__}: {str(rows).strip().splitlines()[0] if str(rows).strip() else ''}"
        else:
            write_atomic(chunk_file(folder, k), lambda tmp, rows=rows: rows.to_parquet(tmp, index=False))
        if finished == len(todo) or finished % max(1, len(todo) // 10) == 0:
            elapsed = time.perf_counter() - start
            progress(f"chunk {finished}/{len(todo)} done ({len(failed)} failed), {elapsed:.0f} s elapsed, "
                     f"~{elapsed / finished * (len(todo) - finished):.0f} s to go")
    if failed:
        return None, failed
    return pd.concat([pd.read_parquet(chunk_file(folder, k)) for k in chunks], ignore_index=True), {}

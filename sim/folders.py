"""Result folders: one writer at a time, never a mix of two runs, nothing half-written left.

- `claim(folder)`: a lock file (`.influsim.lock`, holding the writer's pid) for as long
  as a run or a sweep writes there; a second writer is refused while the first is alive
  (a lock left by a killed process is taken over).
- `check_run_folder(folder, overwrite)`: a folder holding a finished run (`done.json`)
  is refused unless `run.overwrite=true`; `clear_results(folder)` then removes every result
  file of the earlier run (finished or not), so the folder holds one run's files only.
- Temp files of atomic writes (`.<name>.*.tmp`) left by a killed process are removed.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from .errors import OutputError
from .jobs import DONE, ERROR

LOCK = ".influsim.lock"
RESULT_FILES = ("summary.json", "timeseries.parquet", "attribution.csv", "diffusion.png", "influencers.csv",
                "comparison.csv", "comparison.png", "report.html", "report.pdf", DONE, ERROR)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def claim(folder: Path, what: str = "run"):
    """Hold `folder`'s lock while writing; OutputError if a live process holds it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK
    for attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
            break
        except FileExistsError:
            pid = _holder(lock)
            if pid is not None and pid != os.getpid() and _alive(pid) or attempt:
                raise OutputError(f"{folder} is being written by another influsim {what} (pid {pid}); wait for it "
                                  "to finish, or choose another folder") from None
            lock.unlink(missing_ok=True)            # left by a process that no longer runs
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{os.getpid()}\n")
    try:
        remove_temp_files(folder)
        yield folder
    finally:
        remove_temp_files(folder)
        if _holder(lock) == os.getpid():
            lock.unlink(missing_ok=True)


def busy(folder: Path) -> int | None:
    """The pid of a live process writing into `folder`, if any."""
    pid = _holder(Path(folder) / LOCK)
    return pid if pid is not None and pid != os.getpid() and _alive(pid) else None


def remove_temp_files(folder: Path) -> None:
    for path in Path(folder).glob(".*.tmp"):
        path.unlink(missing_ok=True)


def check_run_folder(folder: Path, overwrite: bool) -> None:
    """Refuse a folder that another process is writing, or that holds a finished run."""
    folder = Path(folder)
    pid = busy(folder)
    if pid is not None:
        raise OutputError(f"{folder} is being written by another influsim run (pid {pid}); wait for it to finish, "
                          "or choose another hydra.run.dir")
    if (folder / DONE).exists() and not overwrite:
        raise OutputError(f"{folder} already holds a finished run; choose another hydra.run.dir, or pass "
                          "run.overwrite=true to replace it")


def clear_results(folder: Path) -> None:
    """Remove an earlier run's result files (and scenario folders), keeping Hydra's .hydra/."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name in RESULT_FILES or path.name.startswith("fig_"):
            path.unlink(missing_ok=True)
        elif path.is_dir() and path.name != ".hydra" and (path / "summary.json").exists():
            shutil.rmtree(path)                     # a scenario of an earlier comparison
    remove_temp_files(folder)

"""Numba's on-disk cache, checked before use: a truncated or corrupt cache file (a killed
write, a full disk) would otherwise make every later run fail while loading a kernel.
`repair()` reads each index (.nbi) and data (.nbc) file as numba will, without running
it (the pickle opcodes only), and clears the entries with a broken file, so those
kernels are compiled again."""
from __future__ import annotations

import io
import logging
import os
import pickletools
import re
from pathlib import Path

log = logging.getLogger("sim")
SOURCES = Path(__file__).resolve().parent
_sound: dict[Path, tuple[int, int]] = {}      # files this process read and found whole: (size, mtime_ns)


def cache_files() -> list[Path]:
    root = os.environ.get("NUMBA_CACHE_DIR")
    folder = Path(root) if root else SOURCES
    return sorted(p for pattern in ("*.nbi", "*.nbc") for p in folder.rglob(pattern))


def _readable(path: Path) -> bool:
    """An index is two pickles (numba's version, then the overloads); a data file is one."""
    try:
        stream = io.BytesIO(path.read_bytes())
        for _ in range(2 if path.suffix == ".nbi" else 1):
            for _ in pickletools.genops(stream):
                pass
        return stream.read(1) == b""
    except Exception:        # any parse error: the file is not what numba wrote
        return False


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
        return st.st_size, st.st_mtime_ns
    except OSError:             # gone since it was listed (numba replaces its files)
        return None


def _entry(path: Path) -> str:
    """A cached function's entry: its index `name.py311.nbi` and data files `name.py311.<k>.nbc`."""
    match = re.match(r"(.*\.py\d+)\.", path.name)
    return str(path.parent / (match.group(1) if match else path.stem))


def repair() -> list[Path]:
    """Remove every cache entry (index and data files of one function) with an unreadable
    file; returns the broken files. Entries are self-contained (a caller's entry holds the
    code of what it calls), so the others stay and only those functions compile again.
    A file this process already read whole is not read again while its size and time are
    unchanged (a process running many commands, as the tests do, read 7 MB each time: 20 ms)."""
    files = cache_files()
    stamps = {p: _stamp(p) for p in files}
    broken = [p for p in files if stamps[p] is not None and _sound.get(p) != stamps[p] and not _readable(p)]
    _sound.update((p, stamps[p]) for p in files if stamps[p] is not None and p not in broken)
    if broken:
        entries = {_entry(p) for p in broken}
        gone = [p for p in files if _entry(p) in entries]
        log.warning(f"numba's cache file {broken[0]} is corrupt ({len(broken)} broken): its cache entries "
                    f"cleared ({len(gone)} files), those kernels will be compiled again")
        for path in gone:
            path.unlink(missing_ok=True)
    return broken

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


def _entry(path: Path) -> str:
    """A cached function's entry: its index `name.py311.nbi` and data files `name.py311.<k>.nbc`."""
    match = re.match(r"(.*\.py\d+)\.", path.name)
    return str(path.parent / (match.group(1) if match else path.stem))


def repair() -> list[Path]:
    """Remove every cache entry (index and data files of one function) with an unreadable
    file; returns the broken files. Entries are self-contained (a caller's entry holds the
    code of what it calls), so the others stay and only those functions compile again."""
    files = cache_files()
    broken = [p for p in files if not _readable(p)]
    if broken:
        entries = {_entry(p) for p in broken}
        gone = [p for p in files if _entry(p) in entries]
        log.warning(f"numba's cache file {broken[0]} is corrupt ({len(broken)} broken): its cache entries "
                    f"cleared ({len(gone)} files), those kernels will be compiled again")
        for path in gone:
            path.unlink(missing_ok=True)
    return broken

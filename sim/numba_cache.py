"""Numba's on-disk cache, checked before use: a truncated or corrupt cache file (a killed
write, a full disk) would otherwise make every later run fail while loading a kernel.
`repair()` reads each index (.nbi) and data (.nbc) file as numba will, without running
it (the pickle opcodes only), and clears the whole cache if any file is broken, so the
kernels are compiled again."""
from __future__ import annotations

import io
import logging
import os
import pickletools
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


def repair() -> list[Path]:
    """Clear numba's cache if any of its files is unreadable; returns the broken files."""
    files = cache_files()
    broken = [p for p in files if not _readable(p)]
    if broken:
        log.warning(f"numba's cache file {broken[0]} is corrupt ({len(broken)} broken): cache cleared, "
                    "the kernels will be compiled again")
        for path in files:
            path.unlink(missing_ok=True)
    return broken

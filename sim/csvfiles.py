"""Reading the CSV files users bring (accounts, follower exports, observed data): gzip or
plain UTF-8 text, a header checked against the known columns, every row's cell count
checked, numbers checked; every problem a DataError naming the file and line."""
from __future__ import annotations

import csv
import gzip
import io
import math
import zlib
from pathlib import Path

from .errors import DataError


def open_text(path: Path, what: str):
    """The file as text (gzip when it ends in .gz), or a DataError naming it."""
    if path.is_dir():
        raise DataError(f"{what} file {path} is a folder, not a file")
    if not path.is_file():
        raise DataError(f"{what} file not found: {path}")
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return io.StringIO(raw.decode("utf-8-sig"))
    except (OSError, EOFError, zlib.error) as err:
        reason = getattr(err, "strerror", None) or err
        raise DataError(f"{what} file {path} cannot be read: {reason} (a truncated or corrupt gzip file?)"
                        if path.suffix == ".gz" else f"{what} file {path} cannot be read: {reason}") from None
    except UnicodeDecodeError as err:
        raise DataError(f"{what} file {path} is not UTF-8 text ({err.reason} at byte {err.start})") from None


def rows(path: Path, what: str, columns: tuple[str, ...], required: tuple[str, ...]):
    """(line number, {column: text}) for every data row; checks the header and cell counts."""
    reader = csv.reader(open_text(path, what))
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise DataError(f"{what} file {path} is empty (expected a header: {','.join(columns)})")
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        problem = (f"unknown column {unknown[0]!r}" if unknown else f"no column {missing[0]!r}" if missing
                   else "a column named twice")
        raise DataError(f"{what} file {path}, line 1: {problem} (columns: {', '.join(columns)}; "
                        f"required: {', '.join(required)})")
    count = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataError(f"{what} file {path}, line {reader.line_num}: {len(row)} cells, expected "
                            f"{len(header)} ({','.join(header)})")
        count += 1
        yield reader.line_num, {h: cell.strip() for h, cell in zip(header, row)}
    if count == 0:
        raise DataError(f"{what} file {path} has a header but no rows")


def number(text: str, where: str, name: str, integer: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (integer and value != int(value)):
        kind = "a whole number" if integer else "a number"
        raise DataError(f"{where}: {name} must be {kind} >= 0, got {text!r}")
    return value

"""The directed follower graph, stored as CSR arrays, and the SNAP edge-list loader.

Convention: an edge j -> i means "i follows j": j's posts reach i's feed. The kernel
pushes a post along `followers(j)` (out-CSR: `indptr`, `indices`); the reference model
pulls a feed along `followees(i)` (in-CSR: `in_indptr`, `in_indices`, with `in_edge`
giving the out-CSR edge id, so both see the same edge).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError
from .worldgen import follower_csr, gather

MAX_ID = 2**63 - 1          # ids are read as 64-bit integers


@dataclass
class Network:
    n: int
    indptr: np.ndarray      # int64[n+1]: followers of j are indices[indptr[j]:indptr[j+1]]
    indices: np.ndarray     # int32[E]
    in_indptr: np.ndarray   # int64[n+1]: accounts i follows are in_indices[in_indptr[i]:in_indptr[i+1]]
    in_indices: np.ndarray  # int32[E]
    in_edge: np.ndarray     # int64[E]: out-CSR id of each in-CSR edge

    @classmethod
    def from_edges(cls, n: int, source: np.ndarray, follower: np.ndarray) -> "Network":
        """Build from edges `source -> follower`; drops self-follows and duplicates. (Contiguous
        copies when needed: one compiled signature of the CSR kernel for every caller.)"""
        source = np.ascontiguousarray(source, dtype=np.int64)
        follower = np.ascontiguousarray(follower, dtype=np.int64)
        return cls(n, *follower_csr(n, source, follower))

    @property
    def edges(self) -> int:
        return int(self.indices.size)

    @property
    def follower_counts(self) -> np.ndarray:
        return np.diff(self.indptr)

    def sum_over_followers(self, values: np.ndarray) -> np.ndarray:
        """For every account, the sum of `values` (one per agent) over its followers."""
        gathered = np.empty(self.indices.size + 1)             # the followers' values, then a 0
        gather(np.asarray(values, dtype=np.float64), self.indices, gathered[:-1])
        gathered[-1] = 0.0
        return np.add.reduceat(gathered, self.indptr[:-1]) * (self.follower_counts > 0)

    def followers(self, j: int) -> np.ndarray:
        return self.indices[self.indptr[j]:self.indptr[j + 1]]

    def followees(self, i: int) -> np.ndarray:
        return self.in_indices[self.in_indptr[i]:self.in_indptr[i + 1]]


# ---------------------------------------------------------------- SNAP edge lists
def _bad_line(path: Path, columns: int):
    """Find the first malformed line (slow path, only after the fast parser failed)."""
    with open(path, "r", errors="replace") as fh:
        for lineno, line in enumerate(fh, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            parts = text.split()
            if len(parts) != columns or not all(p.isdigit() for p in parts) or any(int(p) > MAX_ID for p in parts):
                return lineno, text
    return None


def read_int_table(path: str | Path, columns: int, what: str) -> np.ndarray:
    """Read a whitespace-separated table of non-negative integers, '#' comments allowed."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{what} file {path} is a folder, not a file")
    if not path.is_file():
        raise DataError(f"{what} file not found: {path}")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as err:
        raise DataError(f"{what} file {path} cannot be read: {err.strerror or err}") from None
    try:
        import pandas as pd
        table = pd.read_csv(path, sep=r"\s+", comment="#", header=None, dtype=np.int64,
                            engine="c").to_numpy()
        ok = table.ndim == 2 and table.shape[1] == columns and (table >= 0).all()
    except Exception:       # the parser's own message has no line number; find it ourselves
        table, ok = None, False
    if not ok:
        bad = _bad_line(path, columns)
        if bad is None:
            if table is not None and table.size == 0 or table is None:
                raise DataError(f"{what} file {path} has no data lines")
            raise DataError(f"{what} file {path}: expected {columns} integer columns")
        lineno, text = bad
        raise DataError(f"{what} file {path}, line {lineno}: expected {columns} non-negative "
                        f"integer ids (at most {MAX_ID}) separated by spaces, got {text[:60]!r}")
    if table.shape[0] == 0:
        raise DataError(f"{what} file {path} has no data lines")
    return table


def _line_of(path, node_id: int, occurrence: int = 1) -> int:
    """Line number of the `occurrence`-th data line starting with `node_id`."""
    seen = 0
    with open(path, "r", errors="replace") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.split()
            if parts and not parts[0].startswith("#") and parts[0] == str(node_id):
                seen += 1
                if seen == occurrence:
                    return lineno
    return 0


def _check_labels(path, labelled: np.ndarray, node_ids: np.ndarray) -> None:
    """Every labelled node is in the edge list, and labelled once."""
    absent = labelled[~np.isin(labelled, node_ids)]
    if absent.size:
        raise DataError(f"labels file {path}, line {_line_of(path, int(absent[0]))}: node {int(absent[0])} is not "
                        f"in the edge list ({absent.size:,} of {labelled.size:,} labelled nodes are not)")
    ids, counts = np.unique(labelled, return_counts=True)
    if (counts > 1).any():
        twice = int(ids[np.argmax(counts > 1)])
        raise DataError(f"labels file {path}, line {_line_of(path, twice, 2)}: node {twice} is labelled again "
                        f"({int((counts > 1).sum()):,} nodes have several labels)")


def load_edgelist(path: str | Path, directed: bool = True, edge_meaning: str = "follows",
                  labels: str | Path | None = None):
    """Load a SNAP-style edge list. Returns (network, node_ids, segment_of_node or None).

    Node ids are remapped to 0..n-1 in sorted order (`node_ids[k]` is the file's id of
    agent k). With `labels`, each labelled node's label becomes its segment (labels are
    renumbered 0..L-1 in sorted order; unlabelled nodes get segment L).
    """
    edges = read_int_table(path, 2, "edge list")
    label_table = read_int_table(labels, 2, "labels") if labels else None
    node_ids = np.unique(edges.ravel())
    if label_table is not None:
        _check_labels(labels, label_table[:, 0], node_ids)
    a = np.searchsorted(node_ids, edges[:, 0])
    b = np.searchsorted(node_ids, edges[:, 1])
    # "a b" with edge_meaning=follows: a follows b, so b's posts reach a.
    source, follower = (b, a) if edge_meaning == "follows" else (a, b)
    if not directed:
        source, follower = np.concatenate([source, follower]), np.concatenate([follower, source])
    net = Network.from_edges(node_ids.size, source, follower)
    segments = None
    if label_table is not None:
        uniq = np.unique(label_table[:, 1])
        segments = np.full(node_ids.size, uniq.size, dtype=np.int32)
        segments[np.searchsorted(node_ids, label_table[:, 0])] = np.searchsorted(uniq, label_table[:, 1])
    return net, node_ids, segments

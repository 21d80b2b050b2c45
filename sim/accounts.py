"""Business inputs: the accounts file and the follower export (`network=followers`).

accounts.csv names the accounts a brand works with, one row each:

    handle,kind,followers,topics,fee_per_post,tier
    @anna_cooks,blogger,48200,0;2,450,
    @brand,brand,,,,

`handle` and `kind` (blogger, brand or consumer) are required; the rest may be left empty:
`followers` (real-platform count; default: the people following it in the export),
`topics` (topic numbers 0..population.topics-1 separated by ';'; default: one topic drawn
at random for a blogger, population.brand_topics for a brand), `fee_per_post` (euros;
default: the fee model campaign.seed_fee_fixed + seed_fee_per_follower x followers) and
`tier` (nano, micro, macro or mega; default: the band of `followers`, sim.tiers).

follows.csv(.gz) is a follower export, one row per follow link, header `follower,followed`
(handles as strings). Every handle becomes an agent; handles the accounts file does not
name are consumers. Duplicated rows and self-follows are counted and reported, never
dropped silently; a problem in either file stops the run with the file and line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .csvfiles import number, rows as table_rows
from .errors import DataError
from .kinds import BY_NAME, KIND_NAMES
from .tiers import TIERS

ACCOUNT_COLUMNS = ("handle", "kind", "followers", "topics", "fee_per_post", "tier")
REQUIRED = ("handle", "kind")


@dataclass
class Accounts:
    handle: list[str]
    kind: np.ndarray            # int8 kind ids
    followers: np.ndarray       # float64, nan = not given
    topics: list                # per account: list of topic numbers, or None
    fee: np.ndarray             # float64 euros per sponsored post, nan = not given
    tier: np.ndarray            # int8 tier index, -1 = not given
    line: list[int]             # line of each account in the file
    path: str

    def __len__(self) -> int:
        return len(self.handle)


def _topics(text: str, where: str, n_topics: int) -> list[int]:
    topics = []
    for part in text.replace("|", ";").split(";"):
        part = part.strip()
        if not part.isdigit() or int(part) >= n_topics:
            raise DataError(f"{where}: topics must be topic numbers 0..{n_topics - 1} separated by ';', got {text!r}")
        topics.append(int(part))
    return topics


def read_accounts(path: str | Path, n_topics: int) -> Accounts:
    """The accounts file, every cell checked (errors name the file and line)."""
    path = Path(path)
    rows = {"handle": [], "kind": [], "followers": [], "topics": [], "fee": [], "tier": [], "line": []}
    first_line: dict[str, int] = {}
    for line, cells in table_rows(path, "accounts", ACCOUNT_COLUMNS, REQUIRED):
        where = f"accounts file {path}, line {line}"
        handle, kind = cells["handle"], cells["kind"].lower()
        if not handle:
            raise DataError(f"{where}: the handle is empty")
        if handle in first_line:
            raise DataError(f"{where}: handle {handle!r} is already on line {first_line[handle]} "
                            "(each account once)")
        if kind not in BY_NAME:
            raise DataError(f"{where}: kind must be one of {', '.join(KIND_NAMES)}, got {cells['kind']!r}")
        tier = cells.get("tier", "").lower()
        if tier and tier not in TIERS:
            raise DataError(f"{where}: tier must be one of {', '.join(TIERS)} (or empty), got {cells['tier']!r}")
        first_line[handle] = line
        rows["handle"].append(handle)
        rows["kind"].append(BY_NAME[kind].id)
        rows["followers"].append(number(cells["followers"], where, "followers", integer=True)
                                 if cells.get("followers") else math.nan)
        rows["topics"].append(_topics(cells["topics"], where, n_topics) if cells.get("topics") else None)
        rows["fee"].append(number(cells["fee_per_post"], where, "fee_per_post") if cells.get("fee_per_post")
                           else math.nan)
        rows["tier"].append(TIERS.index(tier) if tier else -1)
        rows["line"].append(line)
    return Accounts(rows["handle"], np.asarray(rows["kind"], np.int8), np.asarray(rows["followers"], np.float64),
                    rows["topics"], np.asarray(rows["fee"], np.float64), np.asarray(rows["tier"], np.int8),
                    rows["line"], str(path))


@dataclass
class Follows:
    handles: np.ndarray         # every handle, sorted (agent k is handles[k])
    follower: np.ndarray        # int64 agent ids, one per kept follow link
    followed: np.ndarray
    duplicates: int             # repeated rows (kept once)
    self_follows: int           # rows where an account follows itself (dropped)


def read_follows(path: str | Path) -> Follows:
    """The follower export: `follower,followed` handles, one link per row."""
    path = Path(path)
    pairs, lines = [], []
    for line, cells in table_rows(path, "follower export", ("follower", "followed"), ("follower", "followed")):
        if not cells["follower"] or not cells["followed"]:
            raise DataError(f"follower export {path}, line {line}: a handle is empty")
        pairs.append((cells["follower"], cells["followed"]))
    follower_h = np.asarray([a for a, _ in pairs], dtype=object)
    followed_h = np.asarray([b for _, b in pairs], dtype=object)
    handles = np.unique(np.concatenate([follower_h, followed_h]).astype(str))
    a = np.searchsorted(handles, follower_h.astype(str))
    b = np.searchsorted(handles, followed_h.astype(str))
    self_follow = a == b
    code = np.unique(a[~self_follow] * handles.size + b[~self_follow])
    duplicates = int((~self_follow).sum() - code.size)
    return Follows(handles, code // handles.size, code % handles.size, duplicates, int(self_follow.sum()))


def match_accounts(accounts: Accounts, follows: Follows, follows_path: str) -> np.ndarray:
    """Agent id of each named account; every one must appear in the export."""
    index = np.searchsorted(follows.handles, np.asarray(accounts.handle, dtype=str))
    index = np.minimum(index, follows.handles.size - 1)
    found = follows.handles[index] == np.asarray(accounts.handle, dtype=str)
    if not found.all():
        k = int(np.argmin(found))
        raise DataError(f"accounts file {accounts.path}, line {accounts.line[k]}: handle {accounts.handle[k]!r} "
                        f"is not in the follower export {follows_path} ({int((~found).sum()):,} of "
                        f"{len(accounts):,} accounts are not)")
    return index.astype(np.int64)

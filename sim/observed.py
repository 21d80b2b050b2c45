"""Observed data a brand brings to calibrate and forecast: a post's reshare log and a
campaign's analytics export (README, "Calibrate and forecast").

Event log (`observed=reshares.csv`), one row per reshare of one post, the post itself
first; the shape researchers publish retweet cascades in:

    time,followers,handle,parent
    0,48200,@anna_cooks,
    35,210,@fan0012,@anna_cooks

`time` is seconds after the post (row 0: 0) or a date-time (2027-03-01 08:00:35; row 0:
the post's), sorted; `followers` the resharer's follower count (row 0: the author's);
`handle` and `parent` (who it was reshared from) are optional.

Analytics export (`observed=analytics.csv`), one row per hour or day of a campaign, the
counts of that period (not running totals); any of the metric columns, an empty cell
meaning "not measured":

    hour,impressions,reach,engagements,shares,adoptions      (hour: hours since timing.start)
    date,impressions,...                                     (date: 2027-03-01, one row per day)
    time,impressions,...                                     (time: 2027-03-01 08:00, one row per hour)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from .csvfiles import number, rows
from .errors import ConfigError, DataError

EVENT_COLUMNS = ("time", "followers", "handle", "parent")
METRICS = ("impressions", "reach", "engagements", "shares", "adoptions")
PERIODS = {"hour": "hour", "time": "hour", "date": "day"}      # index column -> period
MOMENT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


@dataclass
class EventLog:
    seconds: np.ndarray          # float64, seconds after the post; [0] = 0 (the post)
    followers: np.ndarray        # int64 follower counts; [0] = the author's
    handles: list[str]           # '' where not given
    parents: list[str]
    path: str

    @property
    def reshares(self) -> int:
        return self.seconds.size - 1

    def until(self, hours: float, key: str = "forecast.at_hours") -> "EventLog":
        """The post and the reshares seen in its first `hours` hours (the log must reach that far)."""
        last = float(self.seconds[-1]) / 3600.0
        if not (math.isfinite(hours) and hours > 0):
            raise ConfigError(key, f"must be a number of hours > 0, got {hours!r}")
        if hours > last:
            raise ConfigError(key, f"is {hours:g} hours, beyond the data: the last reshare in {self.path} is at "
                              f"{last:.2f} hours")
        keep = self.seconds <= hours * 3600.0
        return EventLog(self.seconds[keep], self.followers[keep],
                        [h for h, k in zip(self.handles, keep) if k], [p for p, k in zip(self.parents, keep) if k],
                        self.path)


def _moment(text: str) -> datetime | None:
    for fmt in MOMENT_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def read_event_log(path: str | Path) -> EventLog:
    """A reshare log: sorted times from the post (0 s), follower counts; errors name file and line."""
    path = Path(path)
    seconds, followers, handles, parents = [], [], [], []
    origin = None
    for line, cells in rows(path, "event log", EVENT_COLUMNS, ("time", "followers")):
        where = f"event log {path}, line {line}"
        text = cells["time"]
        moment = _moment(text)
        if moment is not None:
            if seconds and origin is None:
                raise DataError(f"{where}: time {text!r} is a date-time, the rows above give seconds (use one form)")
            origin = origin or moment
            value = (moment - origin).total_seconds()
        elif origin is not None:
            raise DataError(f"{where}: time {text!r} is not a date-time like the rows above (use one form)")
        else:
            value = number(text, where, "time (seconds after the post, or a date-time)")
        if not seconds and value != 0:
            raise DataError(f"{where}: the first row is the post itself, at time 0; got {text!r}")
        if seconds and value < seconds[-1]:
            raise DataError(f"{where}: time {text!r} is before the row above (rows must be sorted by time)")
        seconds.append(value)
        followers.append(int(number(cells["followers"], where, "followers", integer=True)))
        handles.append(cells.get("handle", ""))
        parents.append(cells.get("parent", ""))
    return EventLog(np.asarray(seconds, np.float64), np.asarray(followers, np.int64), handles, parents, str(path))


@dataclass
class AnalyticsExport:
    period: str                  # "hour" or "day"
    index: list                  # hours since timing.start (int) or local moments (datetime)
    counts: dict                 # metric -> float64 array per period (nan: not measured)
    path: str


def _period_index(cells: dict, column: str, where: str):
    text = cells[column]
    if column == "hour":
        return int(number(text, where, "hour (hours since timing.start)", integer=True))
    moment = _moment(text) if column == "time" else None
    if column == "date":
        try:
            moment = datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            moment = None
    if moment is None or moment.minute or moment.second:
        form = "a date like 2027-03-01" if column == "date" else "an hour like 2027-03-01 08:00"
        raise DataError(f"{where}: {column} must be {form}, got {text!r}")
    return moment


def read_analytics(path: str | Path) -> AnalyticsExport:
    """A campaign's analytics export: per-period counts by hour or day; errors name file and line."""
    path = Path(path)
    columns = tuple(PERIODS) + METRICS
    index, counts, column = [], {m: [] for m in METRICS}, None
    for line, cells in rows(path, "analytics export", columns, ()):
        where = f"analytics export {path}, line {line}"
        if column is None:
            given = [c for c in PERIODS if c in cells]
            if len(given) != 1 or not any(m in cells for m in METRICS):
                raise DataError(f"analytics export {path}, line 1: needs one of the columns hour, date or time and "
                                f"at least one of {', '.join(METRICS)}")
            column = given[0]
        at = _period_index(cells, column, where)
        if index and at <= index[-1]:
            raise DataError(f"{where}: {column} {cells[column]!r} is not after the row above (rows must be sorted, "
                            "each period once)")
        index.append(at)
        for m in METRICS:
            text = cells.get(m, "")
            counts[m].append(number(text, where, m) if text else math.nan)
    measured = {m: np.asarray(v, np.float64) for m, v in counts.items() if not np.isnan(v).all()}
    return AnalyticsExport(PERIODS[column], index, measured, str(path))

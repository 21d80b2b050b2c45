"""The campaign's calendar: simulated hour s is the local time `timing.start` + s hours.

People are online with their activity x the daily profile of that local hour, the
weekday profile Monday to Friday and the weekend profile on Saturday and Sunday. The
horizon is `run.days` days (`run.hours`, when set, overrides it). Outputs carry the
local date and time of every hour, and per-day totals.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from .errors import ConfigError

FORMAT = "%Y-%m-%d %H:%M"
WEEKEND = (5, 6)                 # Saturday, Sunday (datetime.weekday)


def start_of(cfg) -> datetime:
    """timing.start ("YYYY-MM-DD HH:MM", local time) as a datetime; ConfigError if it does not parse."""
    text = str(cfg.timing.start).strip()
    try:
        start = datetime.strptime(text, FORMAT)
    except ValueError:
        raise ConfigError("timing.start", f"must be a local date and hour like 2027-03-01 08:00, got {text!r}") \
            from None
    if start.minute:
        raise ConfigError("timing.start", f"must start on the hour (steps are hours), got {text!r}")
    return start


def hour_at(cfg, text: str, key: str) -> int:
    """Simulated hour of a local date-time ("YYYY-MM-DD HH:MM", on the hour) inside the run."""
    try:
        moment = datetime.strptime(str(text).strip(), FORMAT)
    except ValueError:
        raise ConfigError(key, f"must be a local date and hour like 2027-03-02 18:00, got {text!r}") from None
    hours = (moment - start_of(cfg)) / timedelta(hours=1)
    if moment.minute or not 0 <= hours < horizon(cfg):
        raise ConfigError(key, f"is {text!r}: it must be on the hour and inside the run, from "
                          f"{start_of(cfg):{FORMAT}} for {horizon(cfg):,} hours")
    return int(hours)


def hours_of_days(cfg, days, key: str) -> np.ndarray:
    """Every simulated hour of the given local dates ("YYYY-MM-DD"), within the run."""
    out = []
    for k, text in enumerate(days):
        try:
            day = datetime.strptime(str(text).strip(), "%Y-%m-%d")
        except ValueError:
            raise ConfigError(f"{key}[{k}]", f"must be a date like 2027-03-02, got {text!r}") from None
        first = int((day - start_of(cfg)) / timedelta(hours=1))
        hours = [h for h in range(first, first + 24) if 0 <= h < horizon(cfg)]
        if not hours:
            raise ConfigError(f"{key}[{k}]", f"is {text!r}, a day outside the run (from {start_of(cfg):{FORMAT}} "
                              f"for {horizon(cfg):,} hours)")
        out += hours
    return np.unique(np.asarray(out, dtype=np.int64))


def horizon(cfg) -> int:
    """Simulated hours: run.hours if set, else 24 x run.days."""
    return int(cfg.run.hours) if cfg.run.hours is not None else 24 * int(cfg.run.days)


def profiles(population_cfg) -> tuple[np.ndarray, np.ndarray]:
    """(weekday, weekend) online profiles by local hour; no weekend profile: as on weekdays."""
    weekday = np.asarray(population_cfg.daily_profile, dtype=np.float64)
    weekend = population_cfg.weekend_profile
    return weekday, (weekday if weekend is None else np.asarray(weekend, dtype=np.float64))


def hourly_share(start: datetime, weekday: np.ndarray, weekend: np.ndarray, hours: int) -> np.ndarray:
    """The online profile of each simulated hour 0..hours-1 (weekday or weekend, local hour)."""
    times = local_times(start, hours)
    is_weekend = np.isin(times.day_of_week, WEEKEND)
    return np.where(is_weekend, weekend[times.hour], weekday[times.hour]).astype(np.float64)


def local_times(start: datetime, hours: int) -> pd.DatetimeIndex:
    """Local date and time of each simulated hour."""
    return pd.date_range(start, periods=hours, freq="h")


def hour_of_day(start: datetime, s: int) -> int:
    return (start + timedelta(hours=int(s))).hour


def label(moment: datetime) -> str:
    """'Mon 1 Mar 2027 08:00'."""
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"

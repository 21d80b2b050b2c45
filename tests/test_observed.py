"""Observed data: the reshare log and the analytics export are read exactly, and every
malformed row is refused with the file and line."""
import math

import pytest

from sim.errors import ConfigError, DataError
from sim.observed import read_analytics, read_event_log

LOG = "time,followers,handle,parent\n0,48200,@anna,\n35,210,@fan1,@anna\n35,90,@fan2,@anna\n3600,1500,@fan3,@fan1\n7250,12,@fan4,@fan3\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_event_log_in_seconds_and_in_date_times_is_the_same(tmp_path):
    log = read_event_log(write(tmp_path, "log.csv", LOG))
    assert log.seconds.tolist() == [0, 35, 35, 3600, 7250] and log.followers.tolist() == [48200, 210, 90, 1500, 12]
    assert log.reshares == 4 and log.parents[3] == "@fan1" and log.handles[0] == "@anna"
    stamped = "time,followers\n2027-03-01 08:00:00,48200\n2027-03-01 08:00:35,210\n2027-03-01T08:00:35,90\n" \
              "2027-03-01 09:00:00,1500\n2027-03-01 10:00:50,12\n"
    same = read_event_log(write(tmp_path, "stamped.csv", stamped))
    assert same.seconds.tolist() == log.seconds.tolist() and same.followers.tolist() == log.followers.tolist()


def test_the_log_up_to_an_hour_and_beyond_the_data(tmp_path):
    log = read_event_log(write(tmp_path, "log.csv", LOG))
    assert log.until(1).seconds.tolist() == [0, 35, 35, 3600] and log.until(1).handles[-1] == "@fan3"
    assert log.until(0.5).reshares == 2
    with pytest.raises(ConfigError, match=r"forecast.at_hours: is 3 hours, beyond the data: the last reshare .* 2.01 hours"):
        log.until(3)
    with pytest.raises(ConfigError, match="forecast.at_hours"):
        log.until(0)


@pytest.mark.parametrize("text,expected", [
    ("time,followers\n0,10\n50,3\n40,2\n", "line 4: time '40' is before the row above"),
    ("time,followers\n0,10\n-5,3\n", "line 3: time (seconds after the post, or a date-time) must be a number >= 0"),
    ("time,followers\n10,10\n50,3\n", "line 2: the first row is the post itself, at time 0"),
    ("time,handle\n0,@a\n", "line 1: no column 'followers'"),
    ("time,followers\n0,10\n5,many\n", "line 3: followers must be a whole number >= 0, got 'many'"),
    ("time,followers\n0,10\n5,2.5\n", "line 3: followers must be a whole number"),
    ("time,followers\n0,10\n2027-03-01 08:00:00,3\n", "line 3: time '2027-03-01 08:00:00' is a date-time, the rows above"),
    ("time,followers\n2027-03-01 08:00:00,10\n35,3\n", "line 3: time '35' is not a date-time"),
    ("time,followers,likes\n0,10,3\n", "line 1: unknown column 'likes'"),
    ("time,followers\n", "has a header but no rows"),
])
def test_bad_event_logs_name_the_line(tmp_path, text, expected):
    with pytest.raises(DataError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        read_event_log(write(tmp_path, "bad.csv", text))


def test_analytics_by_hour_and_by_day(tmp_path):
    hourly = read_analytics(write(tmp_path, "h.csv", "hour,impressions,shares\n0,1000,3\n1,,5\n2,800,0\n"))
    assert hourly.period == "hour" and hourly.index == [0, 1, 2] and set(hourly.counts) == {"impressions", "shares"}
    assert hourly.counts["shares"].tolist() == [3, 5, 0] and math.isnan(hourly.counts["impressions"][1])
    daily = read_analytics(write(tmp_path, "d.csv", "date,reach,adoptions\n2027-03-01,5000,40\n2027-03-02,2000,12\n"))
    assert daily.period == "day" and daily.index[1].day == 2 and daily.counts["adoptions"].tolist() == [40, 12]
    timed = read_analytics(write(tmp_path, "t.csv", "time,engagements\n2027-03-01 08:00,4\n2027-03-01 09:00,7\n"))
    assert timed.period == "hour" and timed.index[1].hour == 9


@pytest.mark.parametrize("text,expected", [
    ("hour,impressions\n0,10\n0,3\n", "line 3: hour '0' is not after the row above"),
    ("date,reach\n2027-03-01,10\n2027-02-30,3\n", "line 3: date must be a date like 2027-03-01, got '2027-02-30'"),
    ("time,reach\n2027-03-01 08:30,10\n", "line 2: time must be an hour like 2027-03-01 08:00"),
    ("hour,reach\n0,-4\n", "line 2: reach must be a number >= 0"),
    ("hour,date,reach\n0,2027-03-01,4\n", "line 1: needs one of the columns hour, date or time"),
    ("hour\n0\n", "line 1: needs one of the columns hour, date or time and at least one of"),
    ("hour,clicks\n0,4\n", "line 1: unknown column 'clicks'"),
])
def test_bad_analytics_exports_name_the_line(tmp_path, text, expected):
    with pytest.raises(DataError, match=expected):
        read_analytics(write(tmp_path, "bad.csv", text))

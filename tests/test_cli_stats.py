"""``ome-events stats`` as a real subprocess: every count checked against counts made here
from the sample files (json module, README file order)."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.helpers.cli import KST_DIR, KST_EVENTS, OME_EVENTS, UTC_DIR, UTC_EVENTS
from tests.helpers.lines import SAMPLES

from ome_events import parse_line
from ome_events.cli.stats import Stats, bar

PATIENCE = 120.0


def stats(*args: str, tz: str = "UTC") -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [OME_EVENTS, "stats", *args],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
        env={**environment, "TZ": tz},
    )


def stats_json(*args: str, tz: str = "UTC") -> dict[str, Any]:
    result = stats(*args, "--json", tz=tz)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def when(obj: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(obj["time"])


class TestCounts:
    """The counts of --json."""

    def test_by_level_category_type_cause_source(self) -> None:
        """Each breakdown equals a Counter over the raw objects."""
        document = stats_json(str(UTC_DIR))
        assert document["events"] == len(UTC_EVENTS)
        for key, field in [
            ("levels", "level"),
            ("categories", "category"),
            ("types", "type"),
            ("causes", "cause"),
            ("sources", "sourceId"),
        ]:
            expected = Counter(o[field] for o in UTC_EVENTS if field in o)
            assert document[key] == dict(expected), key
        assert document["bad_lines"] == 0

    def test_first_and_last(self) -> None:
        """The earliest and latest times (times can step back a little: not first/last line)."""
        document = stats_json(str(UTC_DIR), "--utc")
        times = sorted(when(o) for o in UTC_EVENTS)
        assert datetime.fromisoformat(document["first"]) == times[0]
        assert datetime.fromisoformat(document["last"]) == times[-1]

    def test_hourly_buckets(self) -> None:
        """--every 1h: one bucket per hour from the first to the last, empty hours included."""
        document = stats_json(str(UTC_DIR), "--every", "1h", "--level", "info")
        assert document["every"] == "1h"
        per_hour: Counter[datetime] = Counter()
        warnings: Counter[datetime] = Counter()
        errors: Counter[datetime] = Counter()
        for obj in UTC_EVENTS:
            hour = when(obj).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
            per_hour[hour] += 1
            warnings[hour] += obj["level"] == "Warning"
            errors[hour] += obj["level"] == "Error"
        hours = [min(per_hour) + timedelta(hours=n) for n in range(len(document["buckets"]))]
        assert hours[-1] == max(per_hour)
        assert document["buckets"] == [
            {
                "start": hour.isoformat(),
                "events": per_hour[hour],
                "warnings": warnings[hour],
                "errors": errors[hour],
            }
            for hour in hours
        ]

    def test_days_start_at_local_midnight(self) -> None:
        """--every 1d buckets are local days (here Seoul), with the local offset."""
        document = stats_json(str(KST_DIR), "--every", "1d", tz="Asia/Seoul")
        per_day = Counter(o["time"][:10] for o in KST_EVENTS)  # the log is in Seoul time
        assert [(b["start"], b["events"]) for b in document["buckets"]] == [
            (f"{day}T00:00:00+09:00", count) for day, count in sorted(per_day.items())
        ]

    def test_auto_bucket_size(self) -> None:
        """Without --every, the smallest usual step giving at most 60 buckets."""
        document = stats_json(str(UTC_DIR))
        span = max(map(when, UTC_EVENTS)) - min(map(when, UTC_EVENTS))
        assert span > timedelta(hours=60)  # so 1h would give too many
        assert document["every"] == "2h"
        assert sum(b["events"] for b in document["buckets"]) == len(UTC_EVENTS)
        assert len(document["buckets"]) <= 60

    def test_seconds_buckets(self) -> None:
        """A step that is not whole minutes (90s) still counts every event once."""
        document = stats_json(str(KST_DIR), "--every", "90s", "--category", "server")
        assert document["every"] == "90s"
        assert sum(b["events"] for b in document["buckets"]) == sum(
            o["category"] == "ServerEvent" for o in KST_EVENTS
        )

    def test_filters_apply(self) -> None:
        """The same filters as tail and export."""
        document = stats_json(str(UTC_DIR), "--level", "warning", "--app", "app")
        selected = [
            o
            for o in UTC_EVENTS
            if o["level"] != "Info" and o["sourceId"].startswith("#default#app/")
        ]
        assert document["events"] == len(selected)
        assert document["types"] == dict(Counter(o["type"] for o in selected))

    def test_bad_lines_are_counted(self) -> None:
        """Bad lines are skipped and their number reported."""
        expected = json.loads((SAMPLES / "bad-lines" / "expected.json").read_text())
        document = stats_json(str(SAMPLES / "bad-lines"))
        assert document["events"] == expected["good_lines"]
        assert document["bad_lines"] == len(expected["bad_lines"])

    def test_no_events(self) -> None:
        """A filter that matches nothing gives zero counts, not an error."""
        document = stats_json(str(UTC_DIR), "--type", "HLSDumpStopped", "--level", "error")
        assert document["events"] == 0
        assert document["buckets"] == []


class TestTables:
    """The default output: tables with histogram bars."""

    def test_tables_hold_the_counts(self) -> None:
        """Totals, the level rows and their bars, and the time buckets."""
        result = stats(str(UTC_DIR), "--every", "1d")
        assert result.returncode == 0
        out = result.stdout
        assert out.startswith(f"{len(UTC_EVENTS)} events from 2025-03-25 06:58:12.104 to ")
        levels = Counter(o["level"] for o in UTC_EVENTS)
        lines = out.splitlines()
        info = next(line for line in lines if line.startswith("INFO "))
        assert f" {levels['Info']} " in info
        assert "█" in info
        error = next(line for line in lines if line.startswith("ERROR "))
        assert f" {levels['Error']} " in error
        for day in ("2025-03-25", "2025-03-26", "2025-03-27"):
            row = next(line for line in lines if line.startswith(f"{day} 00:00"))
            assert f" {sum(o['time'].startswith(day) for o in UTC_EVENTS)} " in row
        assert "\x1b" not in out  # a pipe gets no colour

    def test_colour_on_request(self) -> None:
        """--color always colours the tables."""
        result = stats(str(UTC_DIR), "--color", "always")
        assert "\x1b[" in result.stdout

    def test_no_progress_bar_when_stderr_is_not_a_terminal(self) -> None:
        """The progress bar is for people: a pipe or file on stderr gets nothing."""
        result = stats(str(UTC_DIR))
        assert result.stderr == ""

    def test_forced_progress_leaves_stdout_alone(self) -> None:
        """--progress draws on stderr only; the JSON on stdout is unchanged."""
        plain = stats_json(str(UTC_DIR))
        forced = stats(str(UTC_DIR), "--json", "--progress")
        assert json.loads(forced.stdout) == plain


class TestUsage:
    """Bad options."""

    @pytest.mark.parametrize("every", ["0s", "1.5s", "soon"])
    def test_bad_every(self, every: str) -> None:
        """--every must be a duration of whole seconds, at least one."""
        result = stats(str(UTC_DIR), "--every", every)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "largest", "expected"),
    [(8, 8, "████"), (4, 8, "██"), (1, 8, "▌"), (0, 8, ""), (1, 10_000, "▏"), (3, 0, "")],
)
def test_bar(value: int, largest: int, expected: str) -> None:
    """Bars are proportional in eighths of a cell; any non-zero count shows."""
    assert bar(value, largest, width=4) == expected


# Zones with daylight saving, half-hour and 45-minute offsets, a 30-minute DST shift, and
# local mean times with seconds in their offsets (before 1912 in Paris, 1880 in London).
_ZONES = [
    "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
    "Europe/Paris", "Europe/London", "Pacific/Chatham", "America/St_Johns",
]  # fmt: skip


def _plain_slot(time: datetime, zone: Any, base: int) -> int:
    """The time bucket of an event, the plain way: convert its time to the zone."""
    offset = time.astimezone(zone).utcoffset()
    seconds = time.timestamp() + (offset.total_seconds() if offset is not None else 0)
    return int(seconds // base)


@settings(max_examples=300, deadline=None)
# Paris left its local mean time (+0:09:21) at 23:50:39 UTC, Monrovia its -0:44:30 at
# 00:44:30 UTC: inside a minute, so that minute's offset cannot be kept.
@example(
    zone_name="Europe/Paris",
    dateutil_zone=False,
    base=60,
    times=[datetime(1911, 3, 10, 23, 50, s, tzinfo=UTC) for s in (20, 50, 10, 59)],
)
@example(
    zone_name="Africa/Monrovia", dateutil_zone=True, base=90,
    times=[datetime(1972, 1, 7, 0, 44, s, tzinfo=UTC) for s in (0, 29, 31, 59)],
)  # fmt: skip
@given(
    zone_name=st.sampled_from(_ZONES),
    dateutil_zone=st.booleans(),
    base=st.sampled_from([60, 90, 3600]),
    # Instants around the zones' transitions are likely: whole hours and half hours of
    # March, April, October and November, a few seconds either side, and any instant.
    times=st.lists(
        st.one_of(
            st.builds(
                lambda year, month, day, hour, minute, second: datetime(
                    year, month, day, hour, minute, tzinfo=UTC
                ) + timedelta(seconds=second),
                st.integers(1900, 2100), st.sampled_from([3, 4, 10, 11]),
                st.integers(1, 28), st.integers(0, 23), st.sampled_from([0, 15, 30, 45]),
                st.integers(-3, 3),
            ),
            st.datetimes(
                min_value=datetime(1900, 1, 2), max_value=datetime(8999, 12, 30),
                timezones=st.just(UTC),
            ),
        ),
        min_size=1, max_size=30,
    ),
)  # fmt: skip
def test_time_buckets_match_the_plain_conversion(
    zone_name: str, dateutil_zone: bool, base: int, times: list[datetime]
) -> None:
    """Counting keeps each UTC minute's zone offset: every event still lands in the bucket
    that converting its own time gives, across DST changes and odd historical offsets."""
    zone = dateutil_tz.gettz(zone_name) if dateutil_zone else ZoneInfo(zone_name)
    stats = Stats(zone, base=base)
    expected: Counter[int] = Counter()
    for time in times:
        head = '{"time":"' + time.isoformat() + '","level":"Info","category":"StreamEvent",'
        line = head + '"type":"StreamCreated","sourceId":"#default#app/s","summary":"x"}'
        stats.add(parse_line(line))
        expected[_plain_slot(time, zone, base)] += 1
    assert {key: counts[0] for key, counts in stats.slots.items()} == dict(expected)

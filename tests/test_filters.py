"""Choosing events: the EventFilter predicate, paging with newest(), and the shared CLI filter
options (run through ``ome-events tail --json`` as a real subprocess).

Expected selections are computed here from the sample files themselves (decoded with the
standard json module, in the file order the samples' README gives), not with ome_events.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.lines import SAMPLES, event_line

from ome_events import Level, parse_line, read_events
from ome_events.filters import EventFilter, newest

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")

# The files of each sample server, oldest events first (sample_logs/README.md).
FILE_ORDER = {
    "server-utc": ["events.log.20250325.gz", "events.log.20250326", "events.log"],
    "server-kst": ["events.log.20250327", "events.log"],
}

Raw = dict[str, Any]


def raw_objects(server: str) -> list[Raw]:
    """Every event object of a sample server, in order, decoded with the json module."""
    objects = []
    for name in FILE_ORDER[server]:
        data = (SAMPLES / server / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        objects += [json.loads(line) for line in data.splitlines() if line.strip()]
    return objects


def when(obj: Raw) -> datetime:
    return datetime.fromisoformat(obj["time"])


def source_part(obj: Raw, part: str) -> str | None:
    """vhost, app or stream of a '#vhost#app/stream' source ID, parsed here by hand."""
    source = obj["sourceId"]
    if not source.startswith("#"):
        return source if part == "vhost" and obj["category"] == "HostEvent" else None
    vhost, _, rest = source[1:].partition("#")
    app, _, stream = rest.partition("/")
    return {"vhost": vhost, "app": app, "stream": stream or None}[part]


def tail_json(*args: str, env: dict[str, str] | None = None) -> list[Raw]:
    """``ome-events tail --json -n all ARGS``: the objects it printed."""
    result = subprocess.run(
        [OME_EVENTS, "tail", "--json", "-n", "all", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "TZ": "UTC", **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def chosen(objects: list[Raw], test: Callable[[Raw], bool]) -> list[Raw]:
    selection = [obj for obj in objects if test(obj)]
    assert selection, "a filter test needs a non-empty expected selection"
    return selection


UTC_EVENTS = raw_objects("server-utc")
UTC_DIR = str(SAMPLES / "server-utc")


@pytest.fixture(scope="module")
def events() -> list[Any]:
    """The server-utc sample, read by ome_events."""
    return list(read_events(UTC_DIR))


class TestEventFilterLibrary:
    """EventFilter as a predicate in Python."""

    def test_no_criteria_matches_everything(self, events: list[Any]) -> None:
        """EventFilter() keeps every event and says so."""
        everything = EventFilter()
        assert everything.matches_all
        assert all(everything(event) for event in events)
        assert list(everything.apply(events)) == events

    def test_min_level_keeps_that_level_and_worse(self, events: list[Any]) -> None:
        """min_level=Warning keeps warnings and errors, nothing else."""
        kept = [e for e in events if EventFilter(min_level=Level.WARNING)(e)]
        expected = chosen(UTC_EVENTS, lambda o: o["level"] in ("Warning", "Error"))
        assert [e.raw for e in kept] == expected

    def test_unknown_severe_levels_rank_above_error(self) -> None:
        """An unknown level named like a severity (Critical) passes an Error floor."""
        event = parse_line(event_line(level="Critical"))
        assert EventFilter(min_level=Level.ERROR)(event)
        assert not EventFilter(min_level=Level.ERROR)(parse_line(event_line(level="Info")))

    @pytest.mark.parametrize("name", ["rest", "RestApiEvent", "restapievent", "api"])
    def test_category_by_full_or_short_name(self, events: list[Any], name: str) -> None:
        """Categories match by their full or short name, in any case."""
        kept = [e.raw for e in events if EventFilter(categories=(name,))(e)]
        assert kept == chosen(UTC_EVENTS, lambda o: o["category"] == "RestApiEvent")

    def test_types_any_case_and_globs(self, events: list[Any]) -> None:
        """Types match in any case, with '-' or '_' ignored, and as globs."""
        by_name = EventFilter(types=("stream-created", "STREAMDELETED"))
        kept = [e.raw for e in events if by_name(e)]
        assert kept == chosen(UTC_EVENTS, lambda o: o["type"] in ("StreamCreated", "StreamDeleted"))
        by_glob = EventFilter(types=("*failed",))
        kept = [e.raw for e in events if by_glob(e)]
        assert kept == chosen(UTC_EVENTS, lambda o: o["type"].endswith("Failed"))

    def test_cause_star_means_any_cause(self, events: list[Any]) -> None:
        """causes=('*',) keeps exactly the events that have a cause."""
        kept = [e.raw for e in events if EventFilter(causes=("*",))(e)]
        assert kept == chosen(UTC_EVENTS, lambda o: "cause" in o)

    def test_unknown_names_are_matched_literally(self) -> None:
        """A type or category OME does not document (yet) can still be selected."""
        line = event_line(category="ClusterEvent", type="NodeJoined", source="node-3")
        event = parse_line(line)
        assert EventFilter(categories=("ClusterEvent",), types=("nodejoined",))(event)
        assert not EventFilter(categories=("stream",))(event)

    def test_source_parts_and_globs(self, events: list[Any]) -> None:
        """vhosts/apps/streams match the parts of the source ID; sources glob the whole ID."""
        cams = EventFilter(apps=("app",), streams=("cam?",))
        kept = [e.raw for e in events if cams(e)]
        expected = chosen(
            UTC_EVENTS,
            lambda o: (
                source_part(o, "app") == "app"
                and re.fullmatch(r"cam.", source_part(o, "stream") or "") is not None
            ),
        )
        assert kept == expected
        by_glob = EventFilter(sources=("#default#live/*",))
        kept = [e.raw for e in events if by_glob(e)]
        assert kept == chosen(UTC_EVENTS, lambda o: o["sourceId"].startswith("#default#live/"))

    def test_server_events_have_no_app(self, events: list[Any]) -> None:
        """An app filter never matches server or REST API events (their source has no app)."""
        assert not any(
            EventFilter(apps=("*",))(e) for e in events if e.category.short in ("server", "rest")
        )

    def test_grep_searches_the_summary(self, events: list[Any]) -> None:
        """grep is a regular expression searched in the summary; a string is compiled."""
        kept = [e.raw for e in events if EventFilter(grep=r"Status: [45]\d\d")(e)]
        assert kept == chosen(UTC_EVENTS, lambda o: re.search(r"Status: [45]\d\d", o["summary"]))

    def test_since_inclusive_until_exclusive(self, events: list[Any]) -> None:
        """since keeps events at that instant; until drops them."""
        first_warning = next(e for e in events if e.level >= Level.WARNING)
        at = first_warning.time
        assert EventFilter(since=at)(first_warning)
        assert not EventFilter(until=at)(first_warning)
        assert EventFilter(until=at + timedelta(milliseconds=1))(first_warning)

    def test_times_compare_as_instants(self) -> None:
        """A bound in another zone compares by instant, not by wall clock."""
        event = parse_line(event_line("2025-03-26T10:00:00.000+00:00"))
        kst = timezone(timedelta(hours=9))
        assert EventFilter(since=datetime(2025, 3, 26, 19, 0, tzinfo=kst))(event)
        assert not EventFilter(since=datetime(2025, 3, 26, 19, 1, tzinfo=kst))(event)

    def test_naive_bounds_are_refused(self) -> None:
        """since/until must be timezone-aware (a naive time is ambiguous)."""
        with pytest.raises(ValueError, match="timezone-aware"):
            EventFilter(since=datetime(2025, 3, 26))

    def test_criteria_combine_with_and(self, events: list[Any]) -> None:
        """Every criterion given must match."""
        combined = EventFilter(
            min_level=Level.WARNING,
            categories=("stream",),
            streams=("cam1",),
            since=datetime(2025, 3, 26, 10, 3, tzinfo=UTC),
        )
        kept = [e.raw for e in events if combined(e)]
        expected = chosen(
            UTC_EVENTS,
            lambda o: (
                o["level"] in ("Warning", "Error")
                and o["category"] == "StreamEvent"
                and source_part(o, "stream") == "cam1"
                and when(o) >= datetime(2025, 3, 26, 10, 3, tzinfo=UTC)
            ),
        )
        assert kept == expected
        assert len(expected) < len(chosen(UTC_EVENTS, lambda o: source_part(o, "stream") == "cam1"))


class TestNewest:
    """newest(): paging back from the end, order kept."""

    @pytest.mark.parametrize(
        ("limit", "offset", "expected"),
        [
            (3, 0, [7, 8, 9]),
            (3, 3, [4, 5, 6]),
            (3, 8, [0, 1]),
            (3, 10, []),
            (0, 0, []),
            (None, 0, list(range(10))),
            (None, 4, [0, 1, 2, 3, 4, 5]),
            (20, 0, list(range(10))),
        ],
    )
    def test_pages(self, limit: int | None, offset: int, expected: list[int]) -> None:
        """limit items before the offset newest, oldest first."""
        assert list(newest(range(10), limit, offset)) == expected

    def test_negative_values_are_refused(self) -> None:
        """A negative limit or offset is a ValueError."""
        with pytest.raises(ValueError, match="negative"):
            newest(range(3), -1)
        with pytest.raises(ValueError, match="negative"):
            newest(range(3), 1, -1)

    def test_streams_without_paging(self) -> None:
        """With neither limit nor offset the items stream through (an endless input works)."""

        def endless() -> Any:
            number = 0
            while True:
                yield number
                number += 1

        pages = newest(endless())
        assert [next(pages) for _ in range(3)] == [0, 1, 2]


class TestFilterOptions:
    """The filter options of the command line, each against an independent selection."""

    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            (["--level", "warn"], lambda o: o["level"] in ("Warning", "Error")),
            (["--level", "ERROR"], lambda o: o["level"] == "Error"),
            (["--category", "access"], lambda o: o["category"] == "AccessControlEvent"),
            (
                ["--category", "server,host", "--category", "app"],
                lambda o: o["category"] in ("ServerEvent", "HostEvent", "AppEvent"),
            ),
            (["--type", "stream*"], lambda o: o["type"].startswith("Stream")),
            (["--type", "recordingstopped"], lambda o: o["type"] == "RecordingStopped"),
            (["--cause", "BFrameDetected"], lambda o: o.get("cause") == "BFrameDetected"),
            (["--cause", "*"], lambda o: "cause" in o),
            (["--source", "#default#live/*"], lambda o: o["sourceId"].startswith("#default#live/")),
            (["--vhost", "default"], lambda o: source_part(o, "vhost") == "default"),
            (["--app", "live"], lambda o: source_part(o, "app") == "live"),
            (["--stream", "cam1,cam2"], lambda o: source_part(o, "stream") in ("cam1", "cam2")),
            (["--grep", "Status: 5\\d\\d"], lambda o: re.search("Status: 5..", o["summary"])),
            (["--grep", "policy expired", "-i"], lambda o: "Policy expired" in o["summary"]),
        ],
    )
    def test_option_selects_what_it_says(self, args: list[str], expected: Any) -> None:
        """Each option keeps exactly the events the README-level definition keeps."""
        assert tail_json(UTC_DIR, *args) == chosen(UTC_EVENTS, expected)

    def test_options_combine(self) -> None:
        """Different options must all match."""
        got = tail_json(UTC_DIR, "--app", "app", "--level", "warning", "--category", "stream")
        expected = chosen(
            UTC_EVENTS,
            lambda o: (
                source_part(o, "app") == "app"
                and o["level"] != "Info"
                and o["category"] == "StreamEvent"
            ),
        )
        assert got == expected

    def test_since_until_cross_rotated_files(self) -> None:
        """A range over midnight reads the end of the .gz day and the start of the next file."""
        got = tail_json(UTC_DIR, "--since", "2025-03-25 23:00", "--until", "2025-03-26 01:00")
        low = datetime(2025, 3, 25, 23, tzinfo=UTC)
        high = datetime(2025, 3, 26, 1, tzinfo=UTC)
        expected = chosen(UTC_EVENTS, lambda o: low <= when(o) < high)
        assert got == expected
        assert {when(o).day for o in got} == {25, 26}

    def test_times_are_local_unless_utc(self) -> None:
        """--since/--until are read in the local zone (TZ), or in UTC with --utc."""
        window = ["--since", "2025-03-26 19:00", "--until", "2025-03-26 20:00"]
        kst = tail_json(UTC_DIR, *window, env={"TZ": "Asia/Seoul"})
        low = datetime(2025, 3, 26, 10, tzinfo=UTC)  # 19:00 in Seoul
        assert kst == chosen(UTC_EVENTS, lambda o: low <= when(o) < low + timedelta(hours=1))
        utc = tail_json(UTC_DIR, *window, "--utc", env={"TZ": "Asia/Seoul"})
        low = datetime(2025, 3, 26, 19, tzinfo=UTC)
        assert utc == chosen(UTC_EVENTS, lambda o: low <= when(o) < low + timedelta(hours=1))

    def test_relative_and_word_times(self) -> None:
        """'today', 'yesterday' and '-2h' are relative to now: the 2025 samples are all older."""
        assert tail_json(UTC_DIR, "--since", "yesterday") == []
        assert tail_json(UTC_DIR, "--since", "-2h") == []
        assert tail_json(UTC_DIR, "--until", "today") == UTC_EVENTS

    def test_offset_and_limit_page_back_from_the_end(self) -> None:
        """--offset skips the newest matches, -n/--limit keeps that many before them."""
        warnings = chosen(UTC_EVENTS, lambda o: o["level"] != "Info")
        got = tail_json(UTC_DIR, "--level", "warning", "--limit", "5", "--offset", "5")
        assert got == warnings[-10:-5]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--level", "loud"], "unknown level"),
            (["--since", "the day before"], "--since"),
            (["--since", "2025-03-27", "--until", "2025-03-26"], "not before --until"),
            (["--grep", "("], "not a valid regular expression"),
            (["--offset", "-1"], "must not be negative"),
            (["-n", "some"], "expected a number"),
        ],
    )
    def test_bad_values_are_usage_errors(self, args: list[str], message: str) -> None:
        """A bad option value gives usage and a message on stderr, status 2, no traceback."""
        result = subprocess.run(
            [OME_EVENTS, "tail", UTC_DIR, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr

    def test_unknown_type_is_a_warning_not_an_error(self) -> None:
        """A --type OME does not document is matched as written, with a note on stderr."""
        result = subprocess.run(
            [OME_EVENTS, "tail", UTC_DIR, "--type", "NodeJoined"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0
        assert result.stdout == ""
        assert "not a documented type" in result.stderr

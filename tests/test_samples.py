"""The sample logs: generated deterministically, every line parses or is reported."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from tests.helpers.lines import SAMPLES

from ome_events import Category, Cause, EventType, ParseError, read_events

SERVERS = [SAMPLES / "server-utc", SAMPLES / "server-kst", SAMPLES / "server-oss"]
ENTERPRISE = SERVERS[:2]
# The Analytics log's types that OME defines but does not write today (see ome-facts.md).
NOT_EMITTED = {
    "StreamOriginLinkUpdated",
    "SessionConnected",
    "SessionDisconnected",
    "ApiCalled",
    "PushStarted",
    "PushStopped",
    "Info",
    "Error",
}


ANALYTICS_ONLY = {Category.SESSION, Category.NOTIFICATION, Category.STATISTICS}
# The plain server log's own category and types (formats/serverlog.py).
SERVER_LOG_ONLY = {Category.SERVER_LOG}
SERVER_LOG_TYPES = {
    EventType(name)
    for name in ("ProviderStatistics", "StreamNotFound", "HttpError", "RestApiError",
                 "TranscoderError", "PushFailed", "RecordingFailed", "ServerTerminated",
                 "HttpExchange")
}  # fmt: skip
ANALYTICS_TYPES = {
    EventType(name)
    for name in (
        *NOT_EMITTED,
        "StreamOutputsUpdated",
        "ServerStat",
    )
}


class TestSamples:
    """What the samples hold."""

    @pytest.mark.parametrize("folder", SERVERS, ids=lambda p: p.name)
    def test_every_line_parses_strictly(self, folder: Path) -> None:
        """The server logs are clean: every line is a known, well-typed event."""
        reader = read_events(folder, strict=True)
        events = list(reader)
        assert len(events) > 200
        times = [e.time for e in events]
        # In order, but for the few milliseconds OME's threads step back.
        assert all(b - a > -timedelta(seconds=1) for a, b in itertools.pairwise(times))

    def test_every_category_type_and_cause_appears(self) -> None:
        """Together the samples cover the whole specification, and the Analytics log's
        types that OME writes."""
        events = [e for folder in ENTERPRISE for e in read_events(folder)]
        enterprise = {t for t in EventType if t.category not in ANALYTICS_ONLY}
        assert {e.category for e in events} == set(Category) - ANALYTICS_ONLY - SERVER_LOG_ONLY
        assert {e.type for e in events} == enterprise - ANALYTICS_TYPES - SERVER_LOG_TYPES
        assert {e.cause for e in events} - {None} == set(Cause)
        analytics = list(read_events(SAMPLES / "server-oss"))
        assert {e.format for e in analytics} == {"analytics"}
        assert {e.type.value for e in analytics} == (
            {"ServerStarted", "HostCreated", "AppCreated", "StreamCreated", "StreamDeleted"}
            | {"StreamOutputsUpdated", "ServerStat"}
        )
        assert ANALYTICS_TYPES - {EventType(t) for t in NOT_EMITTED} <= {e.type for e in analytics}

    def test_snapshots_type_cleanly(self) -> None:
        """Every snapshot types without a type issue (impossible counters are expected)."""
        for folder in SERVERS:
            for event in read_events(folder):
                snapshot = event.snapshot
                if snapshot is not None:
                    assert [i for i in snapshot.issues if i.kind == "type"] == [], event.origin

    def test_bad_lines_are_reported_with_their_numbers(self) -> None:
        """bad-lines/events.log: exactly the expected lines fail, all others are read."""
        expected = json.loads((SAMPLES / "bad-lines" / "expected.json").read_text())
        reader = read_events(SAMPLES / "bad-lines" / "events.log", errors="collect")
        events = list(reader)
        assert [e.line for e in reader.errors] == expected["bad_lines"]
        assert len(events) == expected["good_lines"]
        for error in reader.errors:
            assert isinstance(error, ParseError)
            assert error.file is not None and error.file.endswith("events.log")
            assert error.offset is not None and error.expected

    def test_unknown_values_in_bad_lines_are_kept(self) -> None:
        """The odd but valid lines of bad-lines/ keep their unknown names."""
        events = list(read_events(SAMPLES / "bad-lines", errors="skip"))
        assert "ClusterEvent" in {e.category for e in events}
        assert "Critical" in {e.level for e in events}
        assert "FutureCause" in {e.cause for e in events}

    def test_generator_is_deterministic(self, tmp_path: Path) -> None:
        """Running generate.py again writes byte-identical files."""
        subprocess.run(
            [sys.executable, str(SAMPLES / "generate.py"), "--out", str(tmp_path)],
            check=True,
            capture_output=True,
        )
        generator = SAMPLES / "generator"
        committed = sorted(
            p.relative_to(SAMPLES)
            for p in SAMPLES.rglob("*")
            if p.is_file() and p.parent != SAMPLES and generator not in p.parents
        )
        produced = sorted(
            p.relative_to(tmp_path)
            for p in tmp_path.rglob("*")
            if p.is_file() and p.parent != tmp_path
        )
        assert produced == committed
        for relative in committed:
            assert (tmp_path / relative).read_bytes() == (SAMPLES / relative).read_bytes(), relative

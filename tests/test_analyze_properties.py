"""Properties of the analysis: the order and grouping of the input do not change the findings,
and the state stays bounded on endless input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.analyze import (
    SERVER,
    abnormal,
    created,
    deleted,
    events,
    line,
    prepared,
)
from tests.helpers.lines import SAMPLES
from tests.strategies import jitter_lists, synthetic_logs

import ome_events
from ome_events import Event
from ome_events.analyze import Analysis, Finding, analyze


def _load(directory: str) -> list[Event]:
    return list(ome_events.read_events(SAMPLES / directory))


UTC_EVENTS = _load("server-utc")
KST_EVENTS = _load("server-kst")


def as_json(findings: Any) -> list[dict[str, Any]]:
    return sorted((f.to_json() for f in findings), key=lambda d: (d["first"], d["kind"],
                                                                  d["subject"]["id"]))  # fmt: skip


def shuffled(items: list[Event], jitters: list[int]) -> list[Event]:
    """The events in an order where each one may overtake others of the previous second:
    sorted by their time plus a jitter of 0-999 ms."""
    keyed = [
        (event.time + timedelta(milliseconds=jitters[index % len(jitters)]), index, event)
        for index, event in enumerate(items)
    ]
    return [event for *_, event in sorted(keyed, key=lambda item: (item[0], item[1]))]


def incrementally(items: list[Event], cuts: set[int]) -> list[Finding]:
    """Feed one event at a time, looking at pending() at the cut points."""
    analysis = Analysis()
    out: list[Finding] = []
    for index, event in enumerate(items):
        out += analysis.feed(event)
        if index in cuts:
            analysis.pending()  # looking must not change anything
    return out + analysis.finish()


class TestOrderDoesNotMatter:
    """A slightly shuffled order (within a second) gives the same findings."""

    @settings(max_examples=25)
    @given(jitters=jitter_lists)
    def test_utc_samples(self, jitters: list[int]) -> None:
        """Shuffling the UTC samples within a second changes no finding."""
        expected = as_json(analyze(UTC_EVENTS).findings)
        assert as_json(analyze(shuffled(UTC_EVENTS, jitters)).findings) == expected

    @settings(max_examples=10)
    @given(jitters=jitter_lists)
    def test_kst_samples(self, jitters: list[int]) -> None:
        """... and the KST samples too."""
        expected = as_json(analyze(KST_EVENTS).findings)
        assert as_json(analyze(shuffled(KST_EVENTS, jitters)).findings) == expected

    @settings(max_examples=200)
    @given(lines=synthetic_logs(), jitters=jitter_lists)
    def test_synthetic_logs(self, lines: list[bytes], jitters: list[int]) -> None:
        """... and any synthetic log."""
        items = events(lines)
        expected = as_json(analyze(items).findings)
        assert as_json(analyze(shuffled(items, jitters)).findings) == expected


class TestOneGoOrOneByOne:
    """Feeding events one by one, looking in between, gives what one pass gives."""

    @settings(max_examples=15)
    @given(cuts=st.sets(st.integers(min_value=0, max_value=len(UTC_EVENTS) - 1), max_size=20))
    def test_utc_samples(self, cuts: set[int]) -> None:
        """The findings returned along the way plus at the end are the report's."""
        expected = as_json(analyze(UTC_EVENTS).findings)
        assert as_json(incrementally(UTC_EVENTS, cuts)) == expected

    @settings(max_examples=100)
    @given(lines=synthetic_logs(), cuts=st.sets(st.integers(min_value=0, max_value=200)))
    def test_synthetic_logs(self, lines: list[bytes], cuts: set[int]) -> None:
        """... for any synthetic log."""
        items = events(lines)
        assert as_json(incrementally(items, cuts)) == as_json(analyze(items).findings)

    def test_findings_are_never_repeated(self) -> None:
        """Each finding is returned once: by feed() when certain, or by finish()."""
        findings = incrementally(UTC_EVENTS, set())
        keys = [(f.kind, f.subject.id, f.first) for f in findings]
        assert len(keys) == len(set(keys))


class TestBoundedState:
    """Memory stays bounded on endless input: state is per active stream and expires."""

    @pytest.mark.slow
    def test_many_streams_over_a_long_time(self) -> None:
        """30,000 sessions of 10,000 stream names, with REST calls and warnings: the open
        state never grows with the length of the log."""
        analysis = Analysis()
        largest = {"incidents": 0, "sessions": 0, "requests": 0, "runs": 0}
        seconds = 0.0
        for index in range(30_000):
            stream = f"#default#app/s{index % 10_000}"
            seconds += 2
            batch = [
                created(seconds, index, stream),
                prepared(seconds + 0.1, index, stream),
                line(seconds + 0.2, "RestApiRequested", SERVER,
                     "REST API requested. Method: GET, Path: /v1/x, Version: HTTP/1.1,"
                     f" RemoteAddress: 192.0.2.1:5, RequestID: r{index}"),
                line(seconds + 0.3, "RestApiResponded", SERVER,
                     f"REST API responded. Status: 404, RequestID: r{index}", level="Error"),
                abnormal(seconds + 0.4, "BFrameDetected", stream),
                deleted(seconds + 1.5, index, stream),
            ]  # fmt: skip
            for event in events(batch):
                analysis.feed(event)
            if index % 1000 == 999:
                largest["incidents"] = max(
                    largest["incidents"], len(analysis.per_server[None].book)
                )
                largest["sessions"] = max(largest["sessions"], len(analysis.active_sessions()))
                largest["requests"] = max(
                    largest["requests"], analysis.per_server[None].restapi.waiting
                )
                largest["runs"] = max(largest["runs"], analysis.per_server[None].outputs.running)
        analysis.finish()
        # An incident lives an hour of log time after its last symptom (1800 sessions at one
        # every 2 s), sessions and requests only a few seconds.
        assert largest["incidents"] <= 2 * 1800 + 10
        assert largest["sessions"] <= 5
        assert largest["requests"] <= 5
        assert largest["runs"] == 0

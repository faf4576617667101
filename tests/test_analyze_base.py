"""The analyzers' shared machinery: the reorder buffer, the incident book, findings as JSON.

This module also holds the small helpers the other ``test_analyze_*`` modules use to write
events the way OME does.
"""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from tests.helpers.analyze import (
    CAM,
    SERVER,
    T0,
    abnormal,
    created,
    events,
    line,
    prepared,
    run,
    session,
    stream_snapshot,
    video,
)

from ome_events import Event, parse_line
from ome_events.analyze import (
    Analysis,
    Evidence,
    Finding,
    IncidentBook,
    IncidentSpec,
    ReorderBuffer,
    Severity,
    Subject,
    SubjectKind,
    analyze,
)
from ome_events.model import SourceId


def _event(seconds: float, type: str = "StreamCreated") -> Event:
    return parse_line(line(seconds, type, summary="Stream created. Id: 1"))


class TestReorderBuffer:
    """Events come out sorted by time, once nothing can overtake them any more."""

    def test_holds_events_within_the_window(self) -> None:
        """Nothing is released while every event is within the window of the latest."""
        buffer = ReorderBuffer(timedelta(seconds=2))
        assert buffer.push(_event(0)) == []
        assert buffer.push(_event(1.5)) == []
        assert len(buffer) == 2

    def test_releases_in_time_order(self) -> None:
        """A late event is put back in its place."""
        buffer = ReorderBuffer(timedelta(seconds=2))
        out: list[Event] = []
        for seconds in (0, 1.0, 0.5, 3, 2.5, 10, 20):
            out += buffer.push(_event(seconds))
        out += buffer.drain()
        times = [e.time for e in out]
        assert times == sorted(times)
        assert len(out) == 7

    def test_same_millisecond_follows_the_lifecycle(self) -> None:
        """Created, prepared and deleted at the same millisecond come out in that order."""
        buffer = ReorderBuffer(timedelta(seconds=2))
        for kind in ("StreamDeleted", "StreamPrepared", "StreamCreated"):
            buffer.push(_event(1, kind))
        assert [e.type for e in buffer.drain()] == [
            "StreamCreated",
            "StreamPrepared",
            "StreamDeleted",
        ]

    def test_drain_empties(self) -> None:
        """drain() releases everything held."""
        buffer = ReorderBuffer()
        buffer.push(_event(0))
        assert len(buffer.drain()) == 1
        assert len(buffer) == 0


def _spec(gap: timedelta | None = timedelta(minutes=1), min_count: int = 1) -> IncidentSpec:
    return IncidentSpec(
        "thing",
        Severity.WARNING,
        lambda incident: f"{incident.count} things",
        "do something",
        gap=gap,
        min_count=min_count,
    )


class TestIncidentBook:
    """Symptoms of one kind and subject are grouped while they keep coming."""

    subject = Subject.from_source(SourceId.parse(CAM))

    def test_symptoms_within_the_gap_are_one_finding(self) -> None:
        """Three symptoms 30 s apart with a 1 min gap make one finding counting three."""
        book = IncidentBook()
        for seconds in (0, 30, 60):
            book.add(_spec(), "k", self.subject, T0 + timedelta(seconds=seconds))
        book.close_all()
        [finding] = book.outbox
        assert finding.count == 3
        assert finding.first == T0
        assert finding.last == T0 + timedelta(seconds=60)
        assert finding.message == "3 things"

    def test_a_longer_gap_starts_a_new_incident(self) -> None:
        """A symptom more than the gap after the last one closes the incident."""
        book = IncidentBook()
        book.add(_spec(), "k", self.subject, T0)
        book.add(_spec(), "k", self.subject, T0 + timedelta(seconds=61))
        assert len(book.outbox) == 1  # the first one is certain now
        book.close_all()
        assert [f.count for f in book.outbox] == [1, 1]

    def test_sweep_closes_expired_incidents(self) -> None:
        """The clock passing the gap closes an incident without a new symptom."""
        book = IncidentBook()
        book.add(_spec(), "k", self.subject, T0)
        book.sweep(T0 + timedelta(seconds=59))
        assert book.outbox == []
        book.sweep(T0 + timedelta(seconds=61))
        assert len(book.outbox) == 1
        assert len(book) == 0

    def test_below_min_count_gives_nothing(self) -> None:
        """An incident with fewer symptoms than the threshold is dropped."""
        book = IncidentBook()
        book.add(_spec(min_count=3), "k", self.subject, T0)
        book.add(_spec(min_count=3), "k", self.subject, T0 + timedelta(seconds=1))
        book.close_all()
        assert book.outbox == []

    def test_same_event_counts_once(self) -> None:
        """Two detectors reporting the same event add one to the count."""
        book = IncidentBook()
        event = _event(0)
        book.add(_spec(), "k", self.subject, T0, event=event)
        book.add(_spec(), "k", self.subject, T0, event=event)
        book.close_all()
        assert book.outbox[0].count == 1

    def test_evidence_is_bounded(self) -> None:
        """At most evidence_limit events are cited, however many symptoms."""
        book = IncidentBook(evidence_limit=5)
        for seconds in range(50):
            book.add(_spec(), "k", self.subject, T0 + timedelta(seconds=seconds),
                     event=_event(seconds))  # fmt: skip
        book.close_all()
        assert book.outbox[0].count == 50
        assert len(book.outbox[0].evidence) == 5

    def test_pending_shows_open_incidents(self) -> None:
        """pending() previews open incidents without closing them."""
        book = IncidentBook()
        book.add(_spec(), "k", self.subject, T0)
        assert [f.kind for f in book.pending()] == ["thing"]
        assert len(book) == 1


class TestSeverity:
    """Severities are ordered."""

    def test_order(self) -> None:
        """error > warning > info."""
        assert Severity.ERROR > Severity.WARNING > Severity.INFO
        assert max([Severity.INFO, Severity.ERROR, Severity.WARNING]) is Severity.ERROR

    def test_compares_only_with_severities(self) -> None:
        """Comparing with something else is a TypeError, not a silent answer."""
        with pytest.raises(TypeError):
            _ = Severity.INFO < 3  # type: ignore[operator]


class TestFindingJson:
    """Findings and reports are plain JSON and come back unchanged."""

    def test_round_trip(self) -> None:
        """Finding.from_json(finding.to_json()) == finding, through real JSON text."""
        finding = Finding(
            Severity.WARNING,
            "bframes",
            Subject.from_source(SourceId.parse(CAM)),
            T0,
            T0 + timedelta(minutes=9),
            5,
            "encoder sends B-frames",
            "set bframes=0",
            (Evidence(T0, "events.log", 91, 12345),),
            {"tracks": ["0"]},
        )
        data = orjson.loads(orjson.dumps(finding.to_json()))
        assert Finding.from_json(data) == finding
        assert len({finding, Finding.from_json(data)}) == 1  # hashable, equal
        assert data["subject"] == {
            "kind": "stream",
            "id": CAM,
            "vhost": "default",
            "app": "app",
            "stream": "cam1",
        }

    def test_report_schema(self) -> None:
        """A report's JSON has the documented top-level keys and counts."""
        report = run(session(0, 600, 100))
        data = orjson.loads(orjson.dumps(report.to_json(path="x")))
        assert data["schema"] == "ome-events/analyze/1"
        assert set(data) == {"schema", "source", "summary", "servers", "findings", "streams",
                             "endpoints"}  # fmt: skip
        assert data["summary"]["events"] == 3
        assert data["summary"]["findings"] == {"error": 0, "warning": 0, "info": 0}
        assert data["streams"][0]["stream"] == CAM
        assert data["streams"][0]["uptime_seconds"] == 600.0


class TestSubjects:
    """Subjects say what a finding is about."""

    @pytest.mark.parametrize(
        ("raw", "kind"),
        [
            (CAM, SubjectKind.STREAM),
            ("#default#app", SubjectKind.APP),
            (SERVER, SubjectKind.SERVER),
        ],
    )
    def test_from_source(self, raw: str, kind: SubjectKind) -> None:
        """The kind follows the source ID's form."""
        assert Subject.from_source(SourceId.parse(raw)).kind is kind

    def test_endpoint(self) -> None:
        """An endpoint subject reads as METHOD /path."""
        assert str(Subject.endpoint("GET", "/v1/x")) == "GET /v1/x"


class TestAnalysis:
    """The combination of every detector."""

    def test_empty_input(self) -> None:
        """No events: an empty report."""
        report = analyze([])
        assert report.findings == ()
        assert report.events == 0
        assert report.first_event is None

    def test_healthy_session_gives_nothing(self) -> None:
        """A stream created, prepared and deleted an hour later is not a finding."""
        assert run(session(0, 3600, 100)).findings == ()

    def test_findings_come_as_soon_as_certain(self) -> None:
        """A finding is returned by feed() once the log's clock passes its gap."""
        analysis = Analysis()
        lines = [abnormal(0, "BFrameDetected"), line(4000, "StreamDeleted", summary="x")]
        lines += [line(4000 + s, "HostCreated", "default", "Host created.") for s in (1, 5, 9)]
        out: list[Finding] = []
        for event in events(lines):
            out += analysis.feed(event)
        assert [f.kind for f in out] == ["bframes"]
        assert analysis.finish() == []

    def test_pending_gathers_every_family(self) -> None:
        """pending() shows open incidents, the garbage note so far and late preparations."""
        analysis = Analysis()
        garbage = stream_snapshot(video(bitrateLatest="-1431655766"))
        lines = [
            created(0, 100),
            prepared(0.1, 100, snapshot=garbage),
            abnormal(5, "BFrameDetected"),
            created(10, 7, "#default#app/slow"),
            line(200, "HostCreated", "default", "Host created."),
            line(300, "HostCreated", "default", "Host created."),
        ]
        for event in events(lines):
            assert analysis.feed(event) == []
        assert sorted(f.kind for f in analysis.pending()) == [
            "bframes",
            "garbage_counters",
            "never_prepared",
        ]
        # looking changes nothing: the same findings come at the end
        assert sorted(f.kind for f in analysis.finish()) == [
            "bframes",
            "garbage_counters",
            "never_prepared",
        ]

"""Stream lifecycles: sessions, reconnect loops, streams never prepared or never deleted,
refused creations."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.analyze import (
    CAM,
    SERVER,
    created,
    deleted,
    events,
    found,
    line,
    one,
    prepared,
    run,
    session,
)

from ome_events.analyze import (
    AnalyzerConfig,
    LifecycleAnalyzer,
    LifecycleConfig,
    SessionRecord,
    Severity,
)


def restart(seconds: float, graceful: bool = True) -> list[bytes]:
    """A server restart, with the clean shutdown OME does before it (or without)."""
    out = []
    if graceful:
        out.append(line(seconds - 9, "HostDeleted", "default", "Host deleted. Name: default"))
    out.append(line(seconds, "ServerStarted", SERVER, "Server started. Name: o, Version: 1"))
    return out


class TestReconnectLoop:
    """The same stream created and deleted again and again, each time briefly."""

    def test_fires(self) -> None:
        """Four 8-second sessions 3 s apart are a reconnect loop counting four."""
        lines = []
        for index in range(4):
            lines += session(index * 11, index * 11 + 8, 100 + index)
        finding = one(run(lines), "reconnect_loop")
        assert finding.severity is Severity.WARNING
        assert finding.count == 4
        assert finding.subject.id == CAM
        assert "4 times" in finding.message
        assert "203.0.113.41" in finding.message

    def test_two_sessions_are_not_a_loop(self) -> None:
        """Two short sessions are below the threshold (3)."""
        lines = session(0, 8, 100) + session(11, 19, 101)
        assert run(lines).findings == ()

    def test_far_apart_sessions_are_not_a_loop(self) -> None:
        """Short sessions ten minutes apart are separate reconnections."""
        lines = []
        for index in range(4):
            lines += session(index * 600, index * 600 + 8, 100 + index)
        assert run(lines).findings == ()

    def test_long_sessions_are_not_a_loop(self) -> None:
        """Sessions of five minutes each, back to back, are not short."""
        lines = []
        for index in range(4):
            lines += session(index * 305, index * 305 + 300, 100 + index)
        assert run(lines).findings == ()

    def test_configurable(self) -> None:
        """With a threshold of 2, two short sessions are a loop."""
        config = AnalyzerConfig(lifecycle=LifecycleConfig(reconnect_min_sessions=2))
        assert found(run(session(0, 8, 100) + session(11, 19, 101), config)) == [
            ("reconnect_loop", CAM)
        ]


class TestNeverPrepared:
    """Sessions that never got playable media."""

    def test_deleted_without_being_prepared(self) -> None:
        """Created then deleted 10 s later, never prepared."""
        finding = one(run([created(0, 100), deleted(10, 100)]), "never_prepared")
        assert finding.first.second == 0
        assert (finding.last - finding.first).total_seconds() == 10
        assert "deleted 10 s later" in finding.message
        assert len(finding.evidence) == 2  # its creation and its deletion

    def test_prepared_is_fine(self) -> None:
        """Created, prepared, deleted: nothing."""
        assert run(session(0, 3600, 100)).findings == ()

    def test_still_unprepared_at_the_end(self) -> None:
        """Created and not prepared five minutes later, when the log ends."""
        lines = [created(0, 100), line(300, "HostCreated", "default", "Host created.")]
        finding = one(run(lines), "never_prepared")
        assert "still not prepared" in finding.message

    def test_recently_created_at_the_end(self) -> None:
        """Created 30 s before the log ends: it may still be preparing."""
        lines = [created(0, 100), line(30, "HostCreated", "default", "Host created.")]
        assert run(lines).findings == ()

    def test_prepared_before_created_in_the_same_millisecond(self) -> None:
        """Writer threads may swap lines of one millisecond: the order is restored."""
        lines = [prepared(0, 100), created(0, 100), deleted(600, 100)]
        assert run(lines).findings == ()


class TestNeverDeleted:
    """Sessions that ended without ``StreamDeleted``."""

    def test_server_restarted_under_it(self) -> None:
        """A stream live at an unclean restart was never deleted."""
        lines = [created(0, 100), prepared(0.1, 100), *restart(600, graceful=False)]
        report = run(lines)
        finding = one(report, "never_deleted")
        assert "server restarted" in finding.message
        assert ("unclean_restart", SERVER) in found(report)

    def test_created_again_with_a_new_id(self) -> None:
        """A new session of the same stream while the old one was never deleted."""
        lines = [created(0, 100), prepared(0.1, 100), created(600, 105), prepared(600.1, 105)]
        finding = one(run(lines), "never_deleted")
        assert "Id 105" in finding.message

    def test_graceful_restart(self) -> None:
        """Streams deleted before a clean restart are fine (the restart is a note)."""
        lines = [*session(0, 600, 100), *restart(620)]
        assert found(run(lines)) == [("server_restart", SERVER)]

    def test_live_at_the_end_is_not_a_problem(self) -> None:
        """A stream still live when the log ends is just live."""
        report = run([created(0, 100), prepared(0.1, 100),
                      line(7200, "HostCreated", "default", "x")])  # fmt: skip
        assert report.findings == ()
        [row] = report.streams
        assert row.live
        assert row.uptime_seconds == 7200


class TestCreationFailed:
    """OME refused to create a stream."""

    def test_duplicate_name(self) -> None:
        """A second publisher for a live stream is an error naming its address."""
        summary = (
            "Stream creation failed. Reason: Duplicated stream name, Name: cam1, StreamType:"
            " Rtmp, SourceUrl: TCP://198.51.100.77:60211"
        )
        lines = [
            *session(0, 600, 100),
            line(300, "StreamCreationFailed", CAM, summary, level="Error",
                 cause="DuplicatedStreamName"),
        ]  # fmt: skip
        finding = one(run(lines), "duplicate_stream_name")
        assert finding.severity is Severity.ERROR
        assert "198.51.100.77" in finding.message

    def test_other_reason(self) -> None:
        """Another cause is a ``stream_creation_failed``."""
        lines = [line(0, "StreamCreationFailed", CAM, "Stream creation failed. Reason: Oops",
                      level="Error")]  # fmt: skip
        finding = one(run(lines), "stream_creation_failed")
        assert "Oops" in finding.message


class TestSessions:
    """Sessions as the per-stream table sees them."""

    def test_records(self) -> None:
        """Each session is handed over once, with how it ended."""
        records: list[SessionRecord] = []
        analyzer = LifecycleAnalyzer(on_session=records.append)
        lines = [
            deleted(5, 99),  # began before the log
            *session(10, 70, 100),
            created(100, 101),
        ]
        for event in events(lines):
            analyzer.feed(event)
        analyzer.finish()
        assert [(r.id, r.ended, r.start is None) for r in records] == [
            ("99", "deleted", True),
            ("100", "deleted", False),
            ("101", "live", False),
        ]
        assert records[1].end is not None and records[1].start is not None
        assert records[1].end - records[1].start == timedelta(seconds=60)

    def test_table(self) -> None:
        """Sessions, uptime and incidents per stream."""
        lines = [*session(0, 8, 100), *session(11, 19, 101), *session(22, 30, 102),
                 *session(1000, 4600, 103, "#default#app/other")]  # fmt: skip
        report = run(lines)
        rows = {row.stream: row for row in report.streams}
        assert rows[CAM].sessions == 3
        assert rows[CAM].uptime_seconds == 24
        assert rows[CAM].incidents == 1
        assert rows[CAM].kinds == ("reconnect_loop",)
        assert rows["#default#app/other"].uptime_seconds == 3600
        assert rows["#default#app/other"].incidents == 0
        assert report.sessions == 4

"""The acceptance test: every planted problem of ``sample_logs`` is found, and nothing else.

The list is ``sample_logs/README.md``'s "Planted problems" table. Notes (``info``) are not
problems: the samples have exactly two kinds of them, the garbage ``bitrateLatest`` values OME
prints before its first measurement, and the graceful restart of each server.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.helpers.lines import SAMPLES

import ome_events
from ome_events.analyze import Finding, Report, Severity, analyze

SERVER_UTC = "6add8be3-181f-4c4b-bc4e-9a7d52c0e1f4"
SERVER_KST = "c81f0d2e-5b7a-4e39-a1d6-3f92b7e4c058"

#: README row -> (kind, subject, first, last, count), times in UTC on 2025-03-26 unless noted.
PLANTED = {
    1: ("bframes", "#default#app/cam1", "10:00:07.112", "10:09:46.294", 5),
    2: ("duplicate_stream_name", "#default#app/cam1", "10:03:15.660", "10:03:15.660", 1),
    3: ("push_retry_loop", "#default#app/cam1", "10:20:00.118", "10:20:30.419", 6),
    4: ("long_keyframe_interval", "#default#app/cam2", "11:00:15.027", "11:30:15.540", 2),
    5: ("recording_empty", "#default#app/cam2", "11:05:00.255", "11:35:00.912", 1),
    6: ("abnormal_framerate", "#default#app/cam3", "13:00:20.331", "13:20:20.874", 2),
    7: ("rest_slow", "GET /v1/stats/current/vhosts/default/apps/app/streams/cam3",
        "13:30:00.125", "13:30:08.125", 1),
    8: ("timestamp_jump", "#default#app/cam4", "15:42:10.518", "15:42:10.518", 1),
    9: ("reconnect_loop", "#default#app/flaky", "16:30:00.104", "16:31:27.919", 8),
    10: ("queue_congestion", SERVER_UTC, "17:10:00.018", "17:10:27.418", 10),
    11: ("scheduled_playback_error", "#default#live/tv1", "18:20:03.415", "18:20:03.415", 1),
    12: ("rest_client_errors", "GET /v1/vhosts/default/apps/app/streams/cam9",
         "19:00:05.310", "19:30:00.800", 4),
    13: ("rest_server_errors", "POST /v1/vhosts/default/apps/app:startPush",
         "20:15:00.220", "20:15:30.928", 2),
    14: ("signed_policy_failures", "#default#app/main", "21:00:00.208", "21:00:50.812", 20),
    15: ("admission_webhook_failures", "#default#app/main2", "21:05:12.440", "21:07:55.731", 3),
    16: ("never_prepared", "#default#app/ghost", "27 05:12:30.402", "27 05:12:40.415", 1),
}  # fmt: skip


def _time(text: str) -> datetime:
    day, _, clock = text.rpartition(" ")
    return datetime.fromisoformat(f"2025-03-{day or '26'}T{clock}+00:00")


@pytest.fixture(scope="module")
def utc() -> Report:
    return analyze(ome_events.read_events(SAMPLES / "server-utc"))


@pytest.fixture(scope="module")
def kst() -> Report:
    return analyze(ome_events.read_events(SAMPLES / "server-kst"))


def problems(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.severity >= Severity.WARNING]


class TestServerUtc:
    """``sample_logs/server-utc``: the sixteen planted problems."""

    def test_exactly_the_planted_problems(self, utc: Report) -> None:
        """The warnings and errors are the planted problems, one finding each, nothing more."""
        assert sorted((f.kind, f.subject.id) for f in problems(utc)) == sorted(
            (kind, subject) for kind, subject, *_ in PLANTED.values()
        )

    @pytest.mark.parametrize("row", sorted(PLANTED))
    def test_each_planted_problem(self, utc: Report, row: int) -> None:
        """Each planted problem has the README's time window and number of events."""
        kind, subject, first, last, count = PLANTED[row]
        [finding] = [f for f in utc.findings if (f.kind, f.subject.id) == (kind, subject)]
        assert (finding.first, finding.last, finding.count) == (_time(first), _time(last), count)
        assert finding.message
        assert finding.hint
        assert finding.evidence

    def test_notes(self, utc: Report) -> None:
        """The notes are the garbage counters and the graceful restart of the 27th."""
        notes = [(f.kind, f.subject.id) for f in utc.findings if f.severity is Severity.INFO]
        assert sorted(notes) == [("garbage_counters", "*"), ("server_restart", SERVER_UTC)]
        restart = next(f for f in utc.findings if f.kind == "server_restart")
        assert restart.first == _time("27 03:00:09.551")

    def test_evidence_points_at_the_lines(self, utc: Report) -> None:
        """The slow response cites README's lines 151 and 154 of events.log.20250326."""
        finding = next(f for f in utc.findings if f.kind == "rest_slow")
        assert [(e.file and e.file.rsplit("/", 1)[-1], e.line) for e in finding.evidence] == [
            ("events.log.20250326", 151),
            ("events.log.20250326", 154),
        ]

    def test_severities(self, utc: Report) -> None:
        """Failures are errors: the refused publisher, the failing push, the 500s."""
        errors = sorted(f.kind for f in utc.findings if f.severity is Severity.ERROR)
        assert errors == ["duplicate_stream_name", "push_retry_loop", "rest_server_errors"]

    def test_streams_table(self, utc: Report) -> None:
        """forever is live at the end; lobby and studio crossed midnight cleanly."""
        rows = {row.stream: row for row in utc.streams}
        assert rows["#default#live/forever"].live
        assert [name for name, row in rows.items() if row.live] == ["#default#live/forever"]
        assert rows["#default#app/lobby"].incidents == 0
        assert rows["#default#app/flaky"].sessions == 8
        assert rows["#default#app/cam1"].incidents == 3


class TestServerKst:
    """``sample_logs/server-kst``: healthy all along."""

    def test_no_problem(self, kst: Report) -> None:
        """No warning, no error."""
        assert problems(kst) == []

    def test_notes(self, kst: Report) -> None:
        """Only the notes: garbage counters and the graceful restart of the 27th."""
        assert sorted((f.kind, f.subject.id) for f in kst.findings) == [
            ("garbage_counters", "*"),
            ("server_restart", SERVER_KST),
        ]

    def test_midnight_crossing(self, kst: Report) -> None:
        """studio crossed midnight into the base file and is one session."""
        rows = {row.stream: row for row in kst.streams}
        assert rows["#default#app/studio"].sessions == 1
        assert not rows["#default#app/studio"].partial


class TestPartialRanges:
    """Analysing part of a log."""

    def test_one_day_file(self) -> None:
        """The 26th alone still shows its fifteen problems, and lobby's end is no problem."""
        report = analyze(ome_events.read_events(SAMPLES / "server-utc" / "events.log.20250326"))
        assert len(problems(report)) == 15
        lobby = next(row for row in report.streams if row.stream == "#default#app/lobby")
        assert lobby.partial

"""Pushes, recordings and HLS dumps: retry loops, failures, empty runs, runs never stopped."""

from __future__ import annotations

from typing import Any

from tests.helpers.analyze import CAM, at, deleted, found, line, one, run, session

from ome_events.analyze import AnalyzerConfig, OutputsConfig, Severity

URL = "srt://198.51.100.20:9999?streamid=#!::r=live/cam1,m=publish"


def push(
    seconds: float,
    started: bool,
    state: str,
    sent: int = 0,
    push_id: str = "relay_cam1",
    start_time: float | None = None,
) -> bytes:
    """A PushPublishingStarted/Stopped line with its snapshot."""
    snapshot: dict[str, Any] = {
        "app": "app",
        "createdTime": at(0),
        "finishTime": "1970-01-01T00:00:00.000+00:00",
        "id": push_id,
        "isConfig": True,
        "protocol": "srt",
        "sentBytes": sent,
        "sentTime": 0,
        "sequence": 0,
        "startTime": at(start_time) if start_time is not None else "1970-01-01T00:00:00.000+00:00",
        "state": state,
        "stream": {"name": "cam1", "trackIds": [], "variantNames": []},
        "totalsentBytes": sent,
        "totalsentTime": 0,
        "url": URL,
        "vhost": "default",
    }
    verb = "started" if started else "stopped"
    return line(
        seconds,
        f"PushPublishing{verb.capitalize()}",
        CAM,
        f"PushPublishing {verb}. Id: {push_id}, Protocol: srt, Url: {URL}, StreamKey: ",
        snapshot=snapshot,
    )


def recording(seconds: float, started: bool, state: str, written: int = 0) -> bytes:
    """A RecordingStarted/Stopped line with its snapshot."""
    snapshot = {
        "app": "app",
        "filePath": "/rec/cam1.ts",
        "id": "rec_cam1",
        "isConfig": False,
        "recordBytes": written,
        "recordTime": 0,
        "sequence": 0,
        "state": state,
        "stream": {"name": "cam1", "trackIds": [], "variantNames": []},
        "totalRecordBytes": written,
        "totalRecordTime": 0,
        "vhost": "default",
    }
    verb = "started" if started else "stopped"
    return line(
        seconds,
        f"Recording{verb.capitalize()}",
        CAM,
        f"Recording {verb}. Id: rec_cam1, FilePath: /rec/cam1.ts",
        snapshot=snapshot,
    )


def dump(seconds: float, started: bool) -> bytes:
    verb = "started" if started else "stopped"
    return line(
        seconds,
        f"HLSDump{verb.capitalize()}",
        CAM,
        f"HLSDump {verb}. Id: dump_cam1, OutputPath: /dump/cam1",
        snapshot={"id": "dump_cam1", "outputPath": "/dump/cam1", "enabled": True},
    )


def live(*lines: bytes, until: float = 3600) -> list[bytes]:
    """The lines inside a healthy session of cam1 that ends at ``until``."""
    out = session(0, until, 100)
    return [out[0], out[1], *lines, out[2]]


class TestPushRetryLoop:
    """A push that fails and is restarted again and again."""

    def test_fires(self) -> None:
        """Six short runs that stop in the error state are one error finding."""
        lines = []
        for index in range(6):
            lines += [push(600 + index * 5, True, "connecting"),
                      push(600 + index * 5 + 3, False, "error")]  # fmt: skip
        finding = one(run(live(*lines)), "push_retry_loop")
        assert finding.severity is Severity.ERROR
        assert finding.count == 6
        assert "relay_cam1" in finding.message
        assert URL in finding.message
        assert "state error" in finding.message

    def test_one_failure_is_a_failure(self) -> None:
        """One run stopping in error after ten minutes is ``push_failed``."""
        lines = [push(600, True, "ready"), push(1200, False, "error", sent=10_000)]
        finding = one(run(live(*lines)), "push_failed")
        assert finding.severity is Severity.ERROR

    def test_two_short_clean_runs(self) -> None:
        """Two short runs that stopped cleanly: someone stopped them, nothing to say."""
        lines = [push(600, True, "ready"), push(605, False, "stopped", sent=100),
                 push(610, True, "ready"), push(615, False, "stopped", sent=100)]  # fmt: skip
        assert run(live(*lines)).findings == ()

    def test_three_short_clean_runs_are_a_loop(self) -> None:
        """Three short runs in a row are a loop, a warning when none failed."""
        lines = []
        for index in range(3):
            lines += [push(600 + index * 10, True, "ready"),
                      push(605 + index * 10, False, "stopped", sent=100)]  # fmt: skip
        assert one(run(live(*lines)), "push_retry_loop").severity is Severity.WARNING

    def test_healthy_push(self) -> None:
        """A push that ran two hours and sent bytes is fine."""
        lines = [push(600, True, "ready"), push(7800, False, "stopped", sent=2_201_337_480)]
        assert run(live(*lines, until=8000)).findings == ()

    def test_configurable(self) -> None:
        """With retry_min_runs=10, six failed runs are failures, not a loop."""
        lines = []
        for index in range(6):
            lines += [push(600 + index * 5, True, "connecting"),
                      push(600 + index * 5 + 3, False, "error")]  # fmt: skip
        config = AnalyzerConfig(outputs=OutputsConfig(retry_min_runs=10))
        assert found(run(live(*lines), config)) == [("push_failed", CAM)]


class TestEmptyRuns:
    """Runs that stopped normally but moved no byte."""

    def test_empty_recording(self) -> None:
        """A 30-minute recording with 0 bytes is ``recording_empty``."""
        lines = [recording(300, True, "recording"), recording(2100, False, "stopped")]
        finding = one(run(live(*lines)), "recording_empty")
        assert "rec_cam1" in finding.message
        assert "30 min" in finding.message

    def test_recording_with_bytes(self) -> None:
        """A recording that wrote bytes is fine."""
        lines = [recording(300, True, "recording"),
                 recording(2100, False, "stopped", written=1_196_554_212)]  # fmt: skip
        assert run(live(*lines)).findings == ()

    def test_empty_push(self) -> None:
        """A push that ran ten minutes and sent nothing is ``push_empty``."""
        lines = [push(600, True, "ready"), push(1200, False, "stopped")]
        assert found(run(live(*lines))) == [("push_empty", CAM)]


class TestNeverStopped:
    """Runs whose stream went away without them saying they stopped."""

    def test_push_outlives_its_stream(self) -> None:
        """Stream deleted, no PushPublishingStopped within 30 s."""
        lines = [*session(0, 3600, 100)[:2], push(600, True, "ready"), deleted(3600, 100),
                 line(3700, "HostCreated", "default", "x")]  # fmt: skip
        finding = one(run(lines), "push_not_stopped")
        assert "stream was deleted" in finding.message

    def test_stop_right_after_the_deletion(self) -> None:
        """A stop that comes just after the stream's deletion is fine."""
        lines = [*session(0, 3600, 100)[:2], push(600, True, "ready"), deleted(3600, 100),
                 push(3600.2, False, "stopped", sent=5000),
                 line(3700, "HostCreated", "default", "x")]  # fmt: skip
        assert run(lines).findings == ()

    def test_dump_never_stopped_at_the_end(self) -> None:
        """An HLS dump whose stream was deleted just before the log ends."""
        lines = [*session(0, 3600, 100)[:2], dump(600, True), deleted(3600, 100)]
        assert found(run(lines)) == [("hls_dump_not_stopped", CAM)]

    def test_dump_stopped(self) -> None:
        """An HLS dump that stopped is fine."""
        assert run(live(dump(600, True), dump(1800, False))).findings == ()

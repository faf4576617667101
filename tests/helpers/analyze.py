"""Builders for the analyzer tests: lines of each event type at T0 + seconds, snapshots,
running every analyzer and picking findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers.lines import event_line

from ome_events import Event, EventType, parse_line
from ome_events.analyze import (
    AnalyzerConfig,
    Finding,
    Report,
    Severity,
    analyze,
)

T0 = datetime(2025, 3, 26, 10, 0, tzinfo=UTC)
SERVER = "6add8be3-181f-4c4b-bc4e-9a7d52c0e1f4"
CAM = "#default#app/cam1"


def at(seconds: float) -> str:
    """OME's time format for T0 + ``seconds``."""
    return (T0 + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")


def line(seconds: float, type: str, source: str = CAM, summary: str = "", **extra: Any) -> bytes:
    """One event line at T0 + ``seconds``; the category follows from the type, the level is
    Info unless given."""
    known = EventType(type).category
    category = extra.pop("category", known.value if known is not None else "StreamEvent")
    level = extra.pop("level", "Info")
    extra = {key: value for key, value in extra.items() if value is not None}
    return event_line(
        at(seconds),
        level=level,
        category=category,
        type=type,
        source=source,
        summary=summary,
        **extra,
    )


def events(lines: Iterable[bytes]) -> list[Event]:
    """The lines parsed as events (no origin)."""
    return [parse_line(item) for item in lines]


def run(lines: Iterable[bytes], config: AnalyzerConfig | None = None) -> Report:
    """Every analyzer over these lines."""
    return analyze(events(lines), config)


def found(report: Report, *, at_least: Severity = Severity.INFO) -> list[tuple[str, str]]:
    """(kind, subject) of the report's findings of this severity or worse."""
    return [(f.kind, f.subject.id) for f in report.findings if f.severity >= at_least]


def one(report: Report, kind: str) -> Finding:
    """The single finding of this kind."""
    chosen = [f for f in report.findings if f.kind == kind]
    assert len(chosen) == 1, [str(f) for f in report.findings]
    return chosen[0]


def created(
    seconds: float, stream_id: int, source: str = CAM, url: str = "TCP://203.0.113.41:1"
) -> bytes:
    return line(
        seconds,
        "StreamCreated",
        source,
        f"Stream created. Id: {stream_id}, StreamType: Rtmp, SourceUrl: {url}",
    )


def prepared(
    seconds: float,
    stream_id: int,
    source: str = CAM,
    snapshot: dict[str, Any] | None = None,
    url: str = "TCP://203.0.113.41:1",
) -> bytes:
    return line(
        seconds,
        "StreamPrepared",
        source,
        f"Stream prepared. Id: {stream_id}, StreamType: Rtmp, SourceUrl: {url}",
        snapshot=snapshot if snapshot is not None else stream_snapshot(),
    )


def deleted(
    seconds: float, stream_id: int, source: str = CAM, url: str = "TCP://203.0.113.41:1"
) -> bytes:
    return line(
        seconds,
        "StreamDeleted",
        source,
        f"Stream deleted. Id: {stream_id}, StreamType: Rtmp, SourceUrl: {url}",
    )


def session(start: float, end: float, stream_id: int, source: str = CAM) -> list[bytes]:
    """A healthy session: created, prepared 0.1 s later, deleted."""
    return [created(start, stream_id, source), prepared(start + 0.1, stream_id, source),
            deleted(end, stream_id, source)]  # fmt: skip


def video(**overrides: Any) -> dict[str, Any]:
    """A healthy video track object as OME 0.18 prints it (bitrates as strings)."""
    base: dict[str, Any] = {
        "bitrate": "2500000",
        "bitrateAvg": "0",
        "bitrateConf": "2500000",
        "bitrateLatest": "128503",
        "bypass": False,
        "codec": "H264",
        "deltaFramesSinceLastKeyFrame": 0,
        "framerate": 30.0,
        "framerateAvg": 0.0,
        "framerateConf": 30.0,
        "framerateLatest": 0.0,
        "hasBframes": False,
        "height": 1080,
        "keyFrameInterval": 1.0,
        "keyFrameIntervalAvg": 1.0,
        "keyFrameIntervalConf": 0.0,
        "keyFrameIntervalLatest": 0.0,
        "width": 1920,
    }
    base.update(overrides)
    return base


def audio(**overrides: Any) -> dict[str, Any]:
    """A healthy audio track object."""
    base: dict[str, Any] = {
        "bitrate": "160000",
        "bitrateAvg": "0",
        "bitrateConf": "160000",
        "bitrateLatest": "0",
        "bypass": False,
        "channel": 2,
        "codec": "AAC",
        "samplerate": 48000,
    }
    base.update(overrides)
    return base


def stream_snapshot(
    video_track: dict[str, Any] | None = None, audio_track: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A stream snapshot with one video, one audio and one data track."""
    return {
        "createdTime": at(0),
        "name": "cam1",
        "sourceType": "Rtmp",
        "sourceUrl": "TCP://203.0.113.41:1",
        "tracks": [
            {"id": 0, "name": "Video", "type": "Video", "video": video_track or video()},
            {"audio": audio_track or audio(), "id": 1, "name": "Audio", "type": "Audio"},
            {"id": 2, "name": "Data", "type": "Data"},
        ],
    }


def abnormal(
    seconds: float,
    cause: str,
    source: str = CAM,
    details: str = "",
    snapshot: dict[str, Any] | None = None,
) -> bytes:
    """An ``AbnormalStreamDetected`` warning."""
    return line(
        seconds,
        "AbnormalStreamDetected",
        source,
        f"Abnormal stream detected. Reason: x, Id: 110, TrackId: 0, Codec: H264{details}",
        level="Warning",
        cause=cause,
        snapshot=snapshot,
    )


def finding_lines(findings: Sequence[Finding]) -> list[str]:
    return [str(f) for f in findings]


# -- tests ----------------------------------------------------------------------------------

"""How OME writes its event log: constants, the line format, track profiles, the event and
stream records a scenario is made of."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

KST = timezone(timedelta(hours=9))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
MINUTE = 60_000
HOUR = 60 * MINUTE

# Values OME prints for bitrateLatest before its first one-second window is complete.
GARBAGE_BITRATES = (-795170153, 1059802151, 1702063201, -1431655766, 808464432)

REASONS = {
    "BFrameDetected": "B-frame detected",
    "AbnormalIncreasedTimestamp": "Abnormal increased timestamp",
    "AbnormalFpsDetected": "Abnormal framerate detected",
    "LongKeyFrameIntervalDetected": "Long key frame interval detected",
}

UTC_SERVER_ID = "6add8be3-181f-4c4b-bc4e-9a7d52c0e1f4"
KST_SERVER_ID = "c81f0d2e-5b7a-4e39-a1d6-3f92b7e4c058"


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def to_ms(text: str, tz: tzinfo) -> int:
    """Milliseconds since the epoch of a local time such as ``2025-03-26 10:00:00.213``."""
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
    return (datetime.strptime(text, fmt).replace(tzinfo=tz) - _EPOCH) // _MS


def iso(ms: int, tz: tzinfo) -> str:
    """ISO 8601 with milliseconds and a ``+HH:MM`` offset, as OME prints it."""
    return (_EPOCH + ms * _MS).astimezone(tz).isoformat(timespec="milliseconds")


def local_date(ms: int, tz: tzinfo) -> str:
    return (_EPOCH + ms * _MS).astimezone(tz).strftime("%Y%m%d")


def snapshot_json(obj: Any) -> str:
    # jsoncpp: keys sorted at every level, non-ASCII escaped, floats like 30.0.
    return json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def render_line(
    time_text: str,
    level: str,
    category: str,
    type_: str,
    source: str,
    summary: str,
    cause: str | None = None,
    snapshot: Any = None,
) -> bytes:
    q = json.dumps
    parts = [
        '{"time":',
        q(time_text),
        ',"level":',
        q(level),
        ',"category":',
        q(category),
        ',"type":',
        q(type_),
        ',"sourceId":',
        q(source),
        ',"summary":',
        q(summary),
    ]
    if cause is not None:
        parts += [',"cause":', q(cause)]
    if snapshot is not None:
        parts += [',"snapshot":', snapshot_json(snapshot)]
    parts.append("}\n")
    return "".join(parts).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Track profiles (what the encoders send)
# --------------------------------------------------------------------------------------------


def vtrack(
    tid: int,
    name: str,
    codec: str,
    w: int,
    h: int,
    fps: float,
    br: int,
    gop: int,
    tb: tuple[int, int],
    conf: bool,
) -> dict[str, Any]:
    return {
        "kind": "video",
        "id": tid,
        "name": name,
        "codec": codec,
        "w": w,
        "h": h,
        "fps": fps,
        "br": br,
        "gop": gop,
        "tb": tb,
        "conf": conf,
    }


def atrack(
    tid: int,
    name: str,
    codec: str,
    rate: int,
    ch: int,
    br: int,
    tb: tuple[int, int],
    conf: bool,
) -> dict[str, Any]:
    return {
        "kind": "audio",
        "id": tid,
        "name": name,
        "codec": codec,
        "rate": rate,
        "ch": ch,
        "br": br,
        "tb": tb,
        "conf": conf,
    }


def dtrack(tid: int) -> dict[str, Any]:
    return {"kind": "data", "id": tid, "name": "Data"}


def rtmp_tracks(
    w: int = 1920,
    h: int = 1080,
    fps: float = 30.0,
    br: int = 2_500_000,
    abr: int = 160_000,
    gop_s: int = 2,
) -> list[dict[str, Any]]:
    # RTMP carries onMetaData, so the *Conf values are known; timestamps are in milliseconds.
    return [
        vtrack(0, "Video", "H264", w, h, fps, br, int(fps * gop_s), (1, 1000), True),
        atrack(1, "Audio", "AAC", 48000, 2, abr, (1, 1000), True),
        dtrack(2),
    ]


def srt_tracks(
    w: int = 1920, h: int = 1080, fps: float = 30.0, br: int = 4_000_000, codec: str = "H264"
) -> list[dict[str, Any]]:
    return [
        vtrack(0, "Video", codec, w, h, fps, br, int(fps * 2), (1, 90000), False),
        atrack(1, "Audio", "AAC", 48000, 2, 128_000, (1, 90000), False),
        dtrack(2),
    ]


def audio_only_tracks() -> list[dict[str, Any]]:
    return [atrack(0, "Audio", "AAC", 44100, 2, 128_000, (1, 90000), False), dtrack(1)]


def webrtc_simulcast_tracks() -> list[dict[str, Any]]:
    return [
        vtrack(0, "video_0_h", "VP8", 1280, 720, 30.0, 1_700_000, 90, (1, 90000), False),
        vtrack(1, "video_1_m", "VP8", 640, 360, 30.0, 600_000, 90, (1, 90000), False),
        vtrack(2, "video_2_l", "VP8", 320, 180, 15.0, 150_000, 45, (1, 90000), False),
        atrack(3, "audio_0", "OPUS", 48000, 2, 64_000, (1, 48000), False),
    ]


def ovt_abr_tracks() -> list[dict[str, Any]]:
    # An edge pulling the origin's transcoded ladder over OVT: many renditions, long snapshot line.
    return [
        vtrack(0, "video_h264_1080p", "H264", 1920, 1080, 30.0, 5_000_000, 60, (1, 90000), True),
        vtrack(1, "video_h264_720p", "H264", 1280, 720, 30.0, 3_000_000, 60, (1, 90000), True),
        vtrack(2, "video_h264_480p", "H264", 854, 480, 30.0, 1_200_000, 60, (1, 90000), True),
        vtrack(3, "video_h264_360p", "H264", 640, 360, 30.0, 800_000, 60, (1, 90000), True),
        atrack(4, "aac_audio", "AAC", 48000, 2, 128_000, (1, 48000), True),
        atrack(5, "opus_audio", "OPUS", 48000, 2, 128_000, (1, 48000), True),
        dtrack(6),
    ]


def rtsp_camera_tracks(fps: float = 25.0) -> list[dict[str, Any]]:
    return [
        vtrack(0, "Video", "H264", 1280, 720, fps, 2_000_000, int(fps * 2), (1, 90000), False),
        atrack(1, "Audio", "AAC", 16000, 1, 32_000, (1, 16000), False),
    ]


PROFILES = {
    "rtmp1080": lambda: rtmp_tracks(),
    "rtmp720": lambda: rtmp_tracks(1280, 720, 30.0, 1_500_000, 128_000),
    "rtmp1080p60": lambda: rtmp_tracks(1920, 1080, 60.0, 6_000_000, 160_000),
    "srt1080": lambda: srt_tracks(),
    "srt_hevc": lambda: srt_tracks(3840, 2160, 30.0, 12_000_000, "H265"),
    "webrtc": webrtc_simulcast_tracks,
    "ovt": ovt_abr_tracks,
}


# --------------------------------------------------------------------------------------------
# Server model
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Event:
    ms: int
    seq: int
    level: str
    category: str
    type: str
    source: str
    summary: str
    cause: str | None = None
    snapshot: Any = None
    group: str = ""
    jitter: bool = False
    shown: int = 0


@dataclass(slots=True)
class Stream:
    app: str
    name: str
    stype: str
    url: str
    tracks: list[dict[str, Any]]
    id: int = 0
    created: int = 0


@dataclass(slots=True)
class Push:
    id: str
    app: str
    stream: str
    protocol: str
    url: str
    variant_names: list[str]
    stream_key: str = ""
    is_config: bool = False
    created: int = 0
    sequence: int = 0
    total_bytes: int = 0
    total_time: int = 0


@dataclass(slots=True)
class Recording:
    id: str
    app: str
    stream: str
    variant_names: list[str]
    is_config: bool = False
    created: int = 0
    sequence: int = 0
    total_bytes: int = 0
    total_time: int = 0
    out_file: str = ""
    out_info: str = ""

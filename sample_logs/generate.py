#!/usr/bin/env python3
"""Regenerate the sample OvenMediaEngine Enterprise event logs kept next to this script.

Usage::

    python sample_logs/generate.py [--out DIR]            # every sample file (default: this folder)
    python sample_logs/generate.py --corpus N --out FILE  # N lines of a busy server, for benchmarks

Only the standard library is used. Every random choice comes from a fixed ``random.Random(seed)``
and every time from a fixed start, never from the wall clock, so two runs write byte-identical
files (the ``.gz`` is written with ``mtime=0`` and no file name in its header).

The lines imitate OME: one compact JSON object per line, top-level keys in the order ``time,
level, category, type, sourceId, summary[, cause][, snapshot]``; snapshots come from jsoncpp in
OME, so their keys are sorted at every level and non-ASCII is ``\\uXXXX``-escaped. Times are
printed with ``localtime`` like ``ov::Converter::ToISO8601String``, so a server that logs in
+09:00 prints an unset time (the epoch) as ``1970-01-01T09:00:00.000+09:00``.

README.md next to this script lists what each file holds and every planted problem.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
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


@dataclass(slots=True)
class Server:
    name: str
    uuid: str
    version: str
    tz: tzinfo
    seed: int
    int_bitrates: bool
    max_size: bool
    vhost: str = "default"
    rng: random.Random = field(init=False)
    events: list[Event] = field(default_factory=list)
    _seq: int = 0
    _next_stream_id: int = 0
    token_ids: bool = True
    _request_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # -- basics ---------------------------------------------------------------------------

    def t(self, text: str) -> int:
        return to_ms(text, self.tz)

    def fmt(self, ms: int) -> str:
        return iso(ms, self.tz)

    def br(self, value: int) -> int | str:
        # Bitrates are strings up to v0.18.x and integers from v0.19.0.
        return value if self.int_bitrates else str(value)

    def port(self) -> int:
        return self.rng.randint(32768, 60999)

    def emit(
        self,
        ms: int,
        level: str,
        category: str,
        type_: str,
        source: str,
        summary: str,
        cause: str | None = None,
        snapshot: Any = None,
        group: str | None = None,
        jitter: bool = False,
    ) -> None:
        self._seq += 1
        self.events.append(
            Event(
                ms,
                self._seq,
                level,
                category,
                type_,
                source,
                summary,
                cause,
                snapshot,
                group if group is not None else source,
                jitter,
            )
        )

    def app_id(self, app: str) -> str:
        return f"#{self.vhost}#{app}"

    def stream_id(self, app: str, stream: str) -> str:
        return f"#{self.vhost}#{app}/{stream}"

    # -- server, host, app ----------------------------------------------------------------

    def server_started(self, ms: int, apps: list[str]) -> None:
        snap = {
            "id": self.uuid,
            "name": self.name,
            "version": self.version,
            "gitVersion": f"v{self.version}-ent",
            "startedTime": self.fmt(ms),
            "ip": ["*"],
            "bind": {
                "managers": {"api": {"port": 8081, "tlsPort": 8082}},
                "providers": {
                    "rtmp": {"port": 1935},
                    "srt": {"port": 9999},
                    "webrtc": {
                        "signalling": {"port": 3333, "tlsPort": 3334},
                        "iceCandidates": ["*:10000-10004/udp"],
                    },
                },
                "publishers": {
                    "llhls": {"port": 3333, "tlsPort": 3334},
                    "ovt": {"port": 9000},
                    "webrtc": {"signalling": {"port": 3333, "tlsPort": 3334}},
                },
            },
            "virtualHosts": [self.vhost],
        }
        self.emit(
            ms,
            "Info",
            "ServerEvent",
            "ServerStarted",
            self.uuid,
            f"Server started. Name: {self.name}, Version: {self.version}, Id: {self.uuid}",
            snapshot=snap,
            group="server",
        )
        t = ms + self.rng.randint(3, 9)
        self.host_created(t)
        for app in apps:
            t += self.rng.randint(2, 12)
            self.app_created(t, app)

    def host_created(self, ms: int) -> None:
        snap = {
            "name": self.vhost,
            "distribution": "ovenmediaengine.com",
            "createdTime": self.fmt(ms),
            "hostNames": ["*", "edge.example.com"],
            "signedPolicy": {
                "enabled": True,
                "policyQueryKeyName": "policy",
                "signatureQueryKeyName": "signature",
            },
            "admissionWebhooks": {
                "enabled": True,
                "timeoutMsec": 3000,
                "controlServerUrl": "https://hooks.example.com/admission",
            },
        }
        self.emit(
            ms,
            "Info",
            "HostEvent",
            "HostCreated",
            self.vhost,
            f"Host created. Name: {self.vhost}, Distribution: ovenmediaengine.com",
            snapshot=snap,
        )

    def host_deleted(self, ms: int) -> None:
        self.emit(
            ms,
            "Info",
            "HostEvent",
            "HostDeleted",
            self.vhost,
            f"Host deleted. Name: {self.vhost}, Distribution: ovenmediaengine.com",
        )

    def app_created(self, ms: int, app: str, dynamic: bool = False) -> None:
        snap = {
            "name": app,
            "type": "live",
            "dynamic": dynamic,
            "createdTime": self.fmt(ms),
            "providers": ["ovt", "rtmp", "rtsppull", "srt", "webrtc", "scheduled", "multiplex"],
            "publishers": ["webrtc", "llhls", "ovt", "push", "file", "thumbnail"],
            "outputProfiles": [
                {
                    "name": "bypass_stream",
                    "outputStreamName": "${OriginStreamName}",
                    "encodes": {"videos": [{"bypass": True}], "audios": [{"bypass": True}]},
                }
            ],
        }
        self.emit(
            ms,
            "Info",
            "AppEvent",
            "AppCreated",
            self.app_id(app),
            f"App created. Name: {app}, Type: Live, Dynamic: {str(dynamic).lower()}",
            snapshot=snap,
        )

    def app_deleted(self, ms: int, app: str) -> None:
        self.emit(
            ms, "Info", "AppEvent", "AppDeleted", self.app_id(app), f"App deleted. Name: {app}"
        )

    def queue_congestion(self, ms: int, queue: str, size: int, peak: int) -> None:
        self.emit(
            ms,
            "Info",
            "ServerEvent",
            "InternalQueueCongestion",
            self.uuid,
            f"Internal queue congestion. QueueName: {queue}, Size: {size}, Threshold: 500, "
            f"PeakSize: {peak}",
            group="server",
        )

    # -- stream snapshots -------------------------------------------------------------------

    def _latest_at_prepare(self, br: int) -> int:
        r = self.rng.random()
        if r < 0.4:
            return self.rng.choice(GARBAGE_BITRATES)
        if r < 0.7:
            return 0
        return int(br * self.rng.uniform(0.02, 0.2))

    def _video(self, tr: dict[str, Any], running: bool) -> dict[str, Any]:
        conf_br = tr["br"] if tr["conf"] else 0
        conf_fps = tr["fps"] if tr["conf"] else 0.0
        if running:
            avg = int(tr["br"] * self.rng.uniform(0.94, 1.04))
            latest = int(tr["br"] * self.rng.uniform(0.85, 1.15))
            gop = float(tr["gop"])
            v: dict[str, Any] = {
                "bitrate": self.br(avg),
                "bitrateAvg": self.br(avg),
                "bitrateLatest": self.br(latest),
                "framerate": tr["fps"],
                "framerateAvg": tr["fps"],
                "framerateLatest": tr["fps"],
                "keyFrameInterval": gop,
                "keyFrameIntervalAvg": gop,
                "keyFrameIntervalLatest": gop,
                "deltaFramesSinceLastKeyFrame": self.rng.randrange(tr["gop"]),
            }
        else:
            kfi = self.rng.choice((0.0, 1.0))
            v = {
                "bitrate": self.br(conf_br),
                "bitrateAvg": self.br(0),
                "bitrateLatest": self.br(self._latest_at_prepare(tr["br"])),
                "framerate": tr["fps"],
                "framerateAvg": 0.0,
                "framerateLatest": 0.0,
                "keyFrameInterval": kfi,
                "keyFrameIntervalAvg": kfi,
                "keyFrameIntervalLatest": 0.0,
                "deltaFramesSinceLastKeyFrame": 0,
            }
        v.update(
            {
                "bitrateConf": self.br(conf_br),
                "bypass": False,
                "codec": tr["codec"],
                "framerateConf": conf_fps,
                "hasBframes": False,
                "height": tr["h"],
                "keyFrameIntervalConf": 0.0,
                "timebase": {"num": tr["tb"][0], "den": tr["tb"][1]},
                "width": tr["w"],
            }
        )
        if self.max_size:
            v["maxWidth"] = tr["w"]
            v["maxHeight"] = tr["h"]
        return v

    def _audio(self, tr: dict[str, Any], running: bool) -> dict[str, Any]:
        conf_br = tr["br"] if tr["conf"] else 0
        if running:
            avg = int(tr["br"] * self.rng.uniform(0.97, 1.01))
            bitrate, latest = avg, int(tr["br"] * self.rng.uniform(0.9, 1.1))
        else:
            avg, bitrate, latest = 0, conf_br, self._latest_at_prepare(tr["br"])
        return {
            "bitrate": self.br(bitrate),
            "bitrateAvg": self.br(avg),
            "bitrateConf": self.br(conf_br),
            "bitrateLatest": self.br(latest),
            "bypass": False,
            "channel": tr["ch"],
            "codec": tr["codec"],
            "samplerate": tr["rate"],
            "timebase": {"num": tr["tb"][0], "den": tr["tb"][1]},
        }

    def stream_snapshot(
        self, st: Stream, running: bool, overrides: dict[int, dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        tracks = []
        for tr in st.tracks:
            item: dict[str, Any] = {
                "id": tr["id"],
                "name": tr["name"],
                "type": tr["kind"].capitalize(),
            }
            if tr["kind"] == "video":
                item["video"] = self._video(tr, running)
            elif tr["kind"] == "audio":
                item["audio"] = self._audio(tr, running)
            if overrides and tr["id"] in overrides:
                item[tr["kind"]].update(overrides[tr["id"]])
            tracks.append(item)
        return {
            "createdTime": self.fmt(st.created),
            "name": st.name,
            "sourceType": st.stype,
            "sourceUrl": st.url,
            "tracks": tracks,
        }

    # -- stream lifecycle -------------------------------------------------------------------

    def stream(
        self, app: str, name: str, stype: str, url: str, tracks: list[dict[str, Any]]
    ) -> Stream:
        return Stream(app, name, stype, url, tracks)

    def _stream_summary(self, verb: str, st: Stream) -> str:
        return (
            f"Stream {verb}. Id: {self.id_token(st)}, StreamType: {st.stype}, SourceUrl: {st.url}"
        )

    def id_token(self, st: Stream) -> str:
        return f"@@S{st.id}@@" if self.token_ids else str(st.id)

    def created(self, st: Stream, ms: int) -> None:
        # Scenarios are written out of time order, so the real stream Id (counted per server
        # run, in time order) is filled in by finish(); until then a token stands in for it.
        self._next_stream_id += 1
        st.id = self._next_stream_id
        st.created = ms
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "StreamCreated",
            self.stream_id(st.app, st.name),
            self._stream_summary("created", st),
        )

    def prepared(self, st: Stream, ms: int) -> None:
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "StreamPrepared",
            self.stream_id(st.app, st.name),
            self._stream_summary("prepared", st),
            snapshot=self.stream_snapshot(st, running=False),
        )

    def deleted(self, st: Stream, ms: int) -> None:
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "StreamDeleted",
            self.stream_id(st.app, st.name),
            self._stream_summary("deleted", st),
        )

    def lifecycle(
        self,
        app: str,
        name: str,
        stype: str,
        url: str,
        tracks: list[dict[str, Any]],
        start: int,
        end: int | None,
    ) -> Stream:
        st = self.stream(app, name, stype, url, tracks)
        self.created(st, start)
        self.prepared(st, start + self.rng.randint(12, 900))
        if end is not None:
            self.deleted(st, end)
        return st

    def creation_failed(self, ms: int, app: str, name: str, stype: str, url: str) -> None:
        self.emit(
            ms,
            "Error",
            "StreamEvent",
            "StreamCreationFailed",
            self.stream_id(app, name),
            f"Stream creation failed. Reason: Duplicated stream name, Name: {name}, "
            f"StreamType: {stype}, SourceUrl: {url}",
            cause="DuplicatedStreamName",
        )

    def abnormal(
        self, st: Stream, ms: int, cause: str, detail: str, overrides: dict[int, dict[str, Any]]
    ) -> None:
        self.emit(
            ms,
            "Warning",
            "StreamEvent",
            "AbnormalStreamDetected",
            self.stream_id(st.app, st.name),
            f"Abnormal stream detected. Reason: {REASONS[cause]}, Id: {self.id_token(st)}, "
            f"{detail}",
            cause=cause,
            snapshot=self.stream_snapshot(st, True, overrides),
        )

    # -- push / recording / dump ------------------------------------------------------------

    def _push_snapshot(
        self, p: Push, state: str, start: int, finish: int, sent: int, sent_time: int
    ) -> dict[str, Any]:
        snap: dict[str, Any] = {
            "app": p.app,
            "createdTime": self.fmt(p.created),
            "finishTime": self.fmt(finish),
            "id": p.id,
            "isConfig": p.is_config,
            "protocol": p.protocol,
            "sentBytes": sent,
            "sentTime": sent_time,
            "sequence": p.sequence,
            "startTime": self.fmt(start),
            "state": state,
            "stream": {"name": p.stream, "trackIds": [], "variantNames": p.variant_names},
            "totalsentBytes": p.total_bytes,
            "totalsentTime": p.total_time,
            "url": p.url,
            "vhost": self.vhost,
        }
        if p.stream_key:
            snap["streamKey"] = p.stream_key
        return snap

    def _push_summary(self, verb: str, p: Push) -> str:
        return (
            f"PushPublishing {verb}. Id: {p.id}, Protocol: {p.protocol}, Url: {p.url}, "
            f"StreamKey: {p.stream_key}"
        )

    def push_started(self, p: Push, ms: int) -> None:
        if not p.created:
            p.created = ms
        state = "ready" if p.sequence == 0 else "connecting"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "PushPublishingStarted",
            self.stream_id(p.app, p.stream),
            self._push_summary("started", p),
            snapshot=self._push_snapshot(p, state, 0, 0, 0, 0),
        )

    def push_stopped(self, p: Push, ms: int, start: int, sent: int, state: str = "stopped") -> None:
        sent_time = (ms - start) if sent else 0
        p.total_bytes += sent
        p.total_time += sent_time
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "PushPublishingStopped",
            self.stream_id(p.app, p.stream),
            self._push_summary("stopped", p),
            snapshot=self._push_snapshot(p, state, start, ms, sent, sent_time),
        )
        p.sequence += 1

    def _rec_snapshot(
        self, r: Recording, state: str, start: int, finish: int, nbytes: int, rtime: int
    ) -> dict[str, Any]:
        base = f"/recordings/{self.vhost}/{r.app}/{r.stream}/"
        return {
            "app": r.app,
            "createdTime": self.fmt(r.created),
            "filePath": base + "${StartTime:YYYYMMDDhhmmss}_${Sequence}.ts",
            "finishTime": self.fmt(finish),
            "id": r.id,
            "infoPath": base + "${StartTime:YYYYMMDDhhmmss}_${Sequence}.xml",
            "interval": 0,
            "isConfig": r.is_config,
            "outputFilePath": r.out_file,
            "outputInfoPath": r.out_info,
            "recordBytes": nbytes,
            "recordTime": rtime,
            "segmentationRule": "discontinuity",
            "sequence": r.sequence,
            "startTime": self.fmt(start),
            "state": state,
            "stream": {"name": r.stream, "trackIds": [], "variantNames": r.variant_names},
            "totalRecordBytes": r.total_bytes,
            "totalRecordTime": r.total_time,
            "vhost": self.vhost,
        }

    def recording_started(self, r: Recording, ms: int) -> None:
        if not r.created:
            r.created = ms
        stamp = (_EPOCH + ms * _MS).astimezone(self.tz).strftime("%Y%m%d%H%M%S")
        base = f"/recordings/{self.vhost}/{r.app}/{r.stream}/{stamp}_{r.sequence}"
        r.out_file, r.out_info = base + ".ts", base + ".xml"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "RecordingStarted",
            self.stream_id(r.app, r.stream),
            f"Recording started. Id: {r.id}, FilePath: {r.out_file}",
            snapshot=self._rec_snapshot(r, "recording", ms, 0, 0, 0),
        )

    def recording_stopped(self, r: Recording, ms: int, start: int, nbytes: int) -> None:
        rtime = (ms - start) if nbytes else 0
        r.total_bytes += nbytes
        r.total_time += rtime
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "RecordingStopped",
            self.stream_id(r.app, r.stream),
            f"Recording stopped. Id: {r.id}, FilePath: {r.out_file}",
            snapshot=self._rec_snapshot(r, "stopped", start, ms, nbytes, rtime),
        )
        r.sequence += 1

    def hls_dump(self, st: Stream, ms: int, dump_id: str, user_data: str, enabled: bool) -> None:
        day = (_EPOCH + ms * _MS).astimezone(self.tz).strftime("%Y%m%d")
        out = f"/dump/{self.vhost}/{st.app}/{st.name}/{day}"
        snap = {
            "id": dump_id,
            "outputStreamName": "llhls",
            "outputPath": out,
            "infoFile": f"/dump/{self.vhost}/{st.app}/{st.name}/{dump_id}.xml",
            "userData": user_data,
            "enabled": enabled,
            "playlist": ["llhls.m3u8"],
        }
        verb = "started" if enabled else "stopped"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "HLSDumpStarted" if enabled else "HLSDumpStopped",
            self.stream_id(st.app, st.name),
            f"HLSDump {verb}. Id: {dump_id}, OutputPath: {out}",
            snapshot=snap,
        )

    # -- scheduled / multiplex channels -----------------------------------------------------

    def sched(self, ms: int, app: str, name: str, type_: str, snap: Any = None) -> None:
        verb = type_.removeprefix("ScheduledChannel").lower()
        path = f"/opt/ovenmediaengine/bin/origin_conf/scheduled/{app}/{name}.sch"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            type_,
            self.stream_id(app, name),
            f"Scheduled channel {verb}. FilePath: {path}",
            snapshot=snap,
        )

    def sched_item(
        self,
        ms: int,
        app: str,
        name: str,
        program: str,
        scheduled: int,
        item: str,
        duration: int,
        fallback: bool,
        error: bool = False,
    ) -> None:
        fields = (
            f"Program: {program}, Scheduled: {self.fmt(scheduled)}, Item: {item}, "
            f"ItemStart: 0, ItemDuration: {duration}, Fallback: {str(fallback).lower()}"
        )
        if error:
            self.emit(
                ms,
                "Warning",
                "StreamEvent",
                "ScheduledChannelPlaybackError",
                self.stream_id(app, name),
                f"Scheduled channel playback error. Reason: Failed to pop packet, {fields}",
                cause="FailedToPopPacket",
            )
        else:
            self.emit(
                ms,
                "Info",
                "StreamEvent",
                "ScheduledChannelItemChanged",
                self.stream_id(app, name),
                f"Scheduled channel item changed. {fields}",
            )

    def sched_snapshot(
        self, name: str, programs: list[tuple[str, int, list[tuple[str, int]]]]
    ) -> dict[str, Any]:
        return {
            "stream": {
                "name": name,
                "bypassTranscoder": False,
                "videoTrack": True,
                "audioTrack": True,
                "audioMap": None,
                "errorToleranceDurationMs": 3000,
            },
            "fallbackProgram": {
                "items": [{"url": "file://fallback/standby.mp4", "start": 0, "duration": -1}]
            },
            "programs": [
                {
                    "name": p,
                    "scheduled": self.fmt(at),
                    "repeat": False,
                    "items": [{"url": u, "start": 0, "duration": d} for u, d in items],
                }
                for p, at, items in programs
            ],
        }

    def mux(self, ms: int, app: str, name: str, type_: str, snap: Any = None) -> None:
        verb = type_.removeprefix("MultiplexChannel").lower()
        path = f"/opt/ovenmediaengine/bin/origin_conf/multiplex/{app}/{name}.mux"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            type_,
            self.stream_id(app, name),
            f"Multiplex channel {verb}. FilePath: {path}",
            snapshot=snap,
        )

    @staticmethod
    def mux_snapshot(
        name: str, sources: list[tuple[str, str, list[str]]], renditions: list[tuple[str, str, str]]
    ) -> dict[str, Any]:
        return {
            "outputStream": {"name": name, "bypassTranscoder": True},
            "sourceStreams": [
                {
                    "name": n,
                    "url": u,
                    "trackMap": [
                        {"sourceTrackName": t, "newTrackName": f"{n}_{t}"} for t in tracks
                    ],
                }
                for n, u, tracks in sources
            ],
            "playlists": [
                {
                    "name": "LLHLS ABR",
                    "fileName": "abr",
                    "options": {"webRtcAutoAbr": True, "enableTsPackaging": False},
                    "renditions": [{"name": r, "video": v, "audio": a} for r, v, a in renditions],
                }
            ],
        }

    # -- REST API / access control ----------------------------------------------------------

    def _request_id(self) -> str:
        while True:
            rid = f"{self.rng.getrandbits(24):06x}"
            if rid not in self._request_ids:
                self._request_ids.add(rid)
                return rid

    def rest(
        self,
        ms: int,
        method: str,
        path: str,
        remote: str,
        status: int = 200,
        body: Any = None,
        response: Any = "ok",
        latency: int | None = None,
        jitter: bool = True,
    ) -> int:
        """A request/response pair; returns the response time. ``response=None``: no body."""
        rid = self._request_id()
        self.emit(
            ms,
            "Info",
            "RestApiEvent",
            "RestApiRequested",
            self.uuid,
            f"REST API requested. Method: {method}, Path: {path}, Version: HTTP/1.1, "
            f"RemoteAddress: {remote}, RequestID: {rid}",
            snapshot=body,
            group=rid,
            jitter=jitter,
        )
        lat = latency if latency is not None else self.rng.randint(1, 38)
        if response == "ok":
            response = {"message": "OK", "statusCode": status}
        self.emit(
            ms + lat,
            "Error" if status >= 400 else "Info",
            "RestApiEvent",
            "RestApiResponded",
            self.uuid,
            f"REST API responded. Status: {status}, RequestID: {rid}",
            snapshot=response,
            group=rid,
            jitter=jitter,
        )
        return ms + lat

    def stats_response(self) -> dict[str, Any]:
        r = self.rng
        return {
            "message": "OK",
            "statusCode": 200,
            "response": {
                "avgThroughputIn": r.randint(2_000_000, 30_000_000),
                "avgThroughputOut": r.randint(10_000_000, 400_000_000),
                "connections": {
                    "file": 0,
                    "hlsv3": r.randint(0, 9),
                    "llhls": r.randint(0, 60),
                    "ovt": r.randint(0, 2),
                    "push": r.randint(0, 1),
                    "srt": 0,
                    "thumbnail": 0,
                    "webrtc": r.randint(0, 40),
                },
                "totalConnections": r.randint(0, 110),
            },
        }

    def monitor(
        self,
        start: int,
        end: int,
        every: int,
        remote_ip: str,
        gaps: tuple[tuple[int, int], ...] = (),
    ) -> None:
        t = start
        remote = f"{remote_ip}:{self.port()}"
        while t < end:
            if not any(a <= t < b for a, b in gaps):
                self.rest(
                    t + self.rng.randint(0, 999),
                    "GET",
                    f"/v1/stats/current/vhosts/{self.vhost}",
                    remote,
                    response=self.stats_response(),
                )
            t += every

    def policy_failed(
        self, ms: int, app: str, stream: str, url: str, remote: str, message: str
    ) -> None:
        self.emit(
            ms,
            "Error",
            "AccessControlEvent",
            "VerifyingSignedPolicyFailed",
            self.stream_id(app, stream),
            f"Signed policy verification failed. Url: {url}, RemoteAddress: {remote}, "
            f"Message: {message}",
            group=f"ac{ms}",
        )

    def webhook_failed(
        self,
        ms: int,
        app: str,
        stream: str,
        url: str,
        remote: str,
        message: str,
        snapshot: Any = None,
    ) -> None:
        self.emit(
            ms,
            "Error",
            "AccessControlEvent",
            "VerifyingAdmissionWebhooksFailed",
            self.stream_id(app, stream),
            f"Admission webhooks verification failed. Url: {url}, RemoteAddress: {remote}, "
            f"Message: {message}",
            snapshot=snapshot,
            group=f"ac{ms}",
        )

    # -- finishing --------------------------------------------------------------------------

    def finish(self, step_backs: int) -> list[Event]:  # step_backs: per day
        """Order the events as written and let a few REST lines step back a few milliseconds.

        OME writes from several threads, so a line can carry a time a few ms before the line
        above it. Only REST lines are moved, never before an earlier line of the same request.
        """
        evs = sorted(self.events, key=lambda e: (e.ms, e.seq))
        # Stream Ids count up from 100 in time order and start again when the server restarts.
        ids: dict[str, str] = {}
        next_id = 100
        for e in evs:
            e.shown = e.ms
            if e.type == "ServerStarted":
                next_id = 100
            if "@@S" in e.summary:
                token = e.summary[
                    e.summary.index("@@S") : e.summary.index("@@", e.summary.index("@@S") + 3) + 2
                ]
                if e.type == "StreamCreated":
                    ids[token] = str(next_id)
                    next_id += 1
                e.summary = e.summary.replace(token, ids[token])
        by_day: dict[str, list[int]] = {}
        for i in range(1, len(evs)):
            if (
                evs[i].jitter
                and evs[i - 1].group != evs[i].group
                and 0 <= evs[i].ms - evs[i - 1].ms <= 1500
            ):
                by_day.setdefault(local_date(evs[i].ms, self.tz), []).append(i)
        chosen = []
        for day in sorted(by_day):
            chosen += self.rng.sample(by_day[day], min(step_backs, len(by_day[day])))
        for i in sorted(chosen):
            a, b = evs[i - 1], evs[i]
            new = a.shown - self.rng.randint(1, 6)
            earlier = [e.shown for e in evs[:i] if e.group == b.group]
            if earlier and new < max(earlier):
                continue
            if local_date(new, self.tz) != local_date(a.shown, self.tz):
                continue
            b.shown = new
        return evs

    def lines(self, evs: list[Event]) -> list[tuple[int, bytes]]:
        return [
            (
                e.shown,
                render_line(
                    self.fmt(e.shown),
                    e.level,
                    e.category,
                    e.type,
                    e.source,
                    e.summary,
                    e.cause,
                    e.snapshot,
                ),
            )
            for e in evs
        ]


# --------------------------------------------------------------------------------------------
# Shared scenario pieces
# --------------------------------------------------------------------------------------------

ADMIN = "198.51.100.7"
MONITOR = "172.17.0.1"


def source_url(s: Server, stype: str, app: str, name: str) -> str:
    if stype == "Rtmp":
        return f"TCP://172.17.0.{s.rng.randint(2, 9)}:{s.port()}"
    if stype == "Srt":
        return f"SRT://198.51.100.{s.rng.randint(20, 60)}:{s.port()}"
    if stype == "WebRTC":
        return f"TCP://203.0.113.{s.rng.randint(20, 60)}:{s.port()}"
    if stype == "Ovt":
        return f"ovt://192.0.2.20:9000/{app}/{name}"
    return f"rtsp://192.0.2.{s.rng.randint(50, 80)}:554/{name}"


STYPE_OF_PROFILE = {
    "rtmp1080": "Rtmp",
    "rtmp720": "Rtmp",
    "rtmp1080p60": "Rtmp",
    "srt1080": "Srt",
    "srt_hevc": "Srt",
    "webrtc": "WebRTC",
    "ovt": "Ovt",
}


def filler_streams(
    s: Server, names: list[str], day: str, first_h: int, last_h: int, app: str = "app"
) -> None:
    """Healthy streams: created, prepared, deleted after 20-150 minutes, within one day."""
    for name in names:
        start = s.t(f"{day} {s.rng.randint(first_h, last_h):02d}:00:00") + s.rng.randint(
            0, 59 * MINUTE
        )
        profile = s.rng.choice(sorted(PROFILES))
        stype = STYPE_OF_PROFILE[profile]
        s.lifecycle(
            app,
            name,
            stype,
            source_url(s, stype, app, name),
            PROFILES[profile](),
            start,
            start + s.rng.randint(20, 150) * MINUTE + s.rng.randint(0, 999),
        )


def api_push(
    s: Server,
    st: Stream,
    push_id: str,
    url: str,
    key: str,
    variants: list[str],
    start: int,
    stop: int,
    nbytes: int,
) -> None:
    """A healthy push driven by the REST API: startPush ... stopPush, bytes sent."""
    p = Push(
        push_id, st.app, st.name, "rtmp" if url.startswith("rtmp") else "srt", url, variants, key
    )
    body = {
        "id": push_id,
        "stream": {"name": st.name, "variantNames": variants},
        "protocol": p.protocol,
        "url": url,
    }
    if key:
        body["streamKey"] = key
    s.rest(
        start,
        "POST",
        f"/v1/vhosts/{s.vhost}/apps/{st.app}:startPush",
        f"{ADMIN}:{s.port()}",
        body=body,
        latency=9,
    )
    s.push_started(p, start + 4)
    s.rest(
        stop,
        "POST",
        f"/v1/vhosts/{s.vhost}/apps/{st.app}:stopPush",
        f"{ADMIN}:{s.port()}",
        body={"id": push_id},
        latency=14,
    )
    s.push_stopped(p, stop + 6, start + 4 + s.rng.randint(300, 900), nbytes)


def api_record(s: Server, st: Stream, rec_id: str, start: int, stop: int, nbytes: int) -> None:
    r = Recording(rec_id, st.app, st.name, [])
    s.rest(
        start,
        "POST",
        f"/v1/vhosts/{s.vhost}/apps/{st.app}:startRecord",
        f"{ADMIN}:{s.port()}",
        body={"id": rec_id, "stream": {"name": st.name}},
        latency=11,
    )
    s.recording_started(r, start + 5)
    s.rest(
        stop,
        "POST",
        f"/v1/vhosts/{s.vhost}/apps/{st.app}:stopRecord",
        f"{ADMIN}:{s.port()}",
        body={"id": rec_id},
        latency=17,
    )
    s.recording_stopped(r, stop + 8, start + 5, nbytes)


def shutdown(s: Server, ms: int, live: list[Stream], apps: list[str]) -> int:
    """A graceful stop: live streams, then apps, then the host are deleted."""
    t = ms
    for st in live:
        t += s.rng.randint(1, 20)
        s.deleted(st, t)
    for app in apps:
        t += s.rng.randint(2, 30)
        s.app_deleted(t, app)
    t += s.rng.randint(2, 30)
    s.host_deleted(t)
    return t


# --------------------------------------------------------------------------------------------
# server-utc: v0.18, +00:00, newer sink naming (rolled file named with its last line's date)
# --------------------------------------------------------------------------------------------


def build_utc() -> Server:
    s = Server(
        "origin-utc-1",
        UTC_SERVER_ID,
        "0.18.1.2",
        UTC,
        seed=20250325,
        int_bitrates=False,
        max_size=False,
    )
    t = s.t
    apps = ["app", "live"]

    # ---------------- 2025-03-25: a healthy day ----------------
    s.server_started(t("2025-03-25 06:58:12.104"), apps)
    restart = (t("2025-03-27 02:59:00"), t("2025-03-27 03:01:00"))
    s.monitor(
        t("2025-03-25 07:00:00"), t("2025-03-28 00:00:00"), 15 * MINUTE, MONITOR, gaps=(restart,)
    )

    studio = s.lifecycle(
        "app",
        "studio",
        "Rtmp",
        "TCP://172.17.0.4:44004",
        rtmp_tracks(),
        t("2025-03-25 08:00:03.518"),
        t("2025-03-25 12:31:40.027"),
    )
    dump_body = {
        "id": "dump_studio",
        "outputStreamName": "llhls",
        "outputPath": "/dump/default/app/studio/20250325",
        "infoFile": "/dump/default/app/studio/dump_studio.xml",
        "userData": "ticket-4711",
        "playlist": ["llhls.m3u8"],
    }
    s.rest(
        t("2025-03-25 08:05:00.214"),
        "POST",
        "/v1/vhosts/default/apps/app/streams/studio:startHlsDump",
        f"{ADMIN}:51234",
        body=dump_body,
        latency=12,
    )
    s.hls_dump(studio, t("2025-03-25 08:05:00.221"), "dump_studio", "ticket-4711", True)
    s.rest(
        t("2025-03-25 12:00:02.530"),
        "POST",
        "/v1/vhosts/default/apps/app/streams/studio:stopHlsDump",
        f"{ADMIN}:51302",
        body={"id": "dump_studio", "outputStreamName": "llhls"},
        latency=10,
    )
    s.hls_dump(studio, t("2025-03-25 12:00:02.536"), "dump_studio", "ticket-4711", False)
    api_push(
        s,
        studio,
        "yt_studio",
        "rtmp://192.0.2.10:1935/live2",
        "abcd-efgh-1234-5678",
        ["video_h264_1080p", "aac_audio"],
        t("2025-03-25 09:00:00.412"),
        t("2025-03-25 11:00:00.095"),
        2_398_112_640,
    )
    api_record(
        s,
        studio,
        "rec_studio",
        t("2025-03-25 09:30:00.733"),
        t("2025-03-25 10:30:01.108"),
        1_196_554_212,
    )

    s.lifecycle(
        "live",
        "edge1",
        "Ovt",
        "ovt://192.0.2.20:9000/app/edge1",
        ovt_abr_tracks(),
        t("2025-03-25 10:00:00.051"),
        t("2025-03-25 18:02:11.460"),
    )
    s.lifecycle(
        "live",
        "radio",
        "Srt",
        "SRT://198.51.100.23:40012",
        audio_only_tracks(),
        t("2025-03-25 12:00:04.870"),
        t("2025-03-25 20:00:09.115"),
    )
    s.lifecycle(
        "app",
        "webinar",
        "WebRTC",
        "TCP://203.0.113.25:52100",
        webrtc_simulcast_tracks(),
        t("2025-03-25 14:00:31.006"),
        t("2025-03-25 15:31:12.890"),
    )

    # A dynamic app made and removed through the REST API.
    s.rest(
        t("2025-03-25 13:00:00.118"),
        "POST",
        "/v1/vhosts/default/apps",
        f"{ADMIN}:51388",
        body=[{"name": "tmp", "type": "live"}],
        latency=41,
    )
    s.app_created(t("2025-03-25 13:00:00.140"), "tmp", dynamic=True)
    s.rest(
        t("2025-03-25 13:20:00.507"),
        "DELETE",
        "/v1/vhosts/default/apps/tmp",
        f"{ADMIN}:51420",
        response=None,
        latency=23,
    )
    s.app_deleted(t("2025-03-25 13:20:00.519"), "tmp")
    s.rest(
        t("2025-03-25 13:21:10.002"),
        "GET",
        "/v1/vhosts/default/apps",
        f"{ADMIN}:51422",
        response={"message": "OK", "statusCode": 200, "response": ["app", "live"]},
    )

    # Scheduled channel tv1 (live app): created, item changes, updated, deleted.
    day25 = s.sched_snapshot(
        "tv1",
        [
            (
                "morning",
                t("2025-03-25 08:00:00"),
                [("file://morning/intro.mp4", 60000), ("stream://default/app/studio", 14_340_000)],
            ),
            ("afternoon", t("2025-03-25 12:00:00"), [("file://afternoon/show.mp4", 14_400_000)]),
        ],
    )
    s.sched(t("2025-03-25 07:30:00.017"), "live", "tv1", "ScheduledChannelCreated", day25)
    s.sched_item(
        t("2025-03-25 08:00:00.009"),
        "live",
        "tv1",
        "morning",
        t("2025-03-25 08:00:00"),
        "file://morning/intro.mp4",
        60000,
        False,
    )
    s.sched_item(
        t("2025-03-25 08:01:00.012"),
        "live",
        "tv1",
        "morning",
        t("2025-03-25 08:00:00"),
        "stream://default/app/studio",
        14_340_000,
        False,
    )
    day25b = s.sched_snapshot(
        "tv1",
        [
            ("afternoon", t("2025-03-25 12:00:00"), [("file://afternoon/show.mp4", 14_400_000)]),
            ("evening", t("2025-03-25 16:00:00"), [("file://evening/movie.mp4", 21_600_000)]),
        ],
    )
    s.sched(t("2025-03-25 11:55:12.640"), "live", "tv1", "ScheduledChannelUpdated", day25b)
    s.sched_item(
        t("2025-03-25 12:00:00.004"),
        "live",
        "tv1",
        "afternoon",
        t("2025-03-25 12:00:00"),
        "file://afternoon/show.mp4",
        14_400_000,
        False,
    )
    s.sched_item(
        t("2025-03-25 16:00:00.011"),
        "live",
        "tv1",
        "evening",
        t("2025-03-25 16:00:00"),
        "file://evening/movie.mp4",
        21_600_000,
        False,
    )
    s.sched(t("2025-03-25 22:00:03.301"), "live", "tv1", "ScheduledChannelDeleted")

    # Multiplex channel mux1 over edge1 + radio.
    mux_a = s.mux_snapshot(
        "mux1",
        [
            (
                "edge1",
                "stream://default/live/edge1",
                ["video_h264_1080p", "video_h264_720p", "aac_audio"],
            )
        ],
        [
            ("1080p", "edge1_video_h264_1080p", "edge1_aac_audio"),
            ("720p", "edge1_video_h264_720p", "edge1_aac_audio"),
        ],
    )
    s.mux(t("2025-03-25 15:00:00.402"), "live", "mux1", "MultiplexChannelCreated", mux_a)
    mux_b = s.mux_snapshot(
        "mux1",
        [
            ("edge1", "stream://default/live/edge1", ["video_h264_1080p", "video_h264_720p"]),
            ("radio", "stream://default/live/radio", ["Audio"]),
        ],
        [
            ("1080p", "edge1_video_h264_1080p", "radio_Audio"),
            ("720p", "edge1_video_h264_720p", "radio_Audio"),
        ],
    )
    s.mux(t("2025-03-25 16:00:30.118"), "live", "mux1", "MultiplexChannelUpdated", mux_b)
    s.mux(t("2025-03-25 17:30:00.950"), "live", "mux1", "MultiplexChannelDeleted")

    filler_streams(s, ["lecture", "chapel", "gallery", "kitchen"], "2025-03-25", 8, 20)
    s.rest(
        t("2025-03-25 16:12:44.310"),
        "GET",
        "/v1/vhosts/default/apps/app/streams",
        f"{ADMIN}:51533",
        response={"message": "OK", "statusCode": 200, "response": ["kitchen", "webinar"]},
    )
    # lobby runs across midnight into the 26th.
    lobby = s.lifecycle(
        "app",
        "lobby",
        "Rtmp",
        "TCP://172.17.0.6:45120",
        rtmp_tracks(1280, 720, 30.0, 1_500_000, 128_000),
        t("2025-03-25 23:30:02.345"),
        None,
    )

    # ---------------- 2025-03-26: the planted problems ----------------
    s.deleted(lobby, t("2025-03-26 00:40:17.702"))

    # cam1: sends B-frames (5 warnings over ~10 min), a duplicate publisher, a failing push.
    cam1 = s.lifecycle(
        "app",
        "cam1",
        "Rtmp",
        "TCP://172.17.0.5:51002",
        rtmp_tracks(),
        t("2025-03-26 10:00:00.213"),
        t("2025-03-26 11:30:04.551"),
    )
    bframe_times = ["10:00:07.112", "10:02:31.480", "10:04:58.006", "10:07:22.731", "10:09:46.294"]
    for hhmmss in bframe_times:
        s.abnormal(
            cam1,
            t(f"2025-03-26 {hhmmss}"),
            "BFrameDetected",
            "TrackId: 0, Codec: H264",
            {0: {"hasBframes": True}},
        )
    s.creation_failed(
        t("2025-03-26 10:03:15.660"), "app", "cam1", "Rtmp", "TCP://198.51.100.77:60211"
    )
    failing = Push(
        "relay_cam1",
        "app",
        "cam1",
        "srt",
        "srt://198.51.100.20:9999?streamid=#!::r=live/cam1,m=publish",
        ["video_h264_1080p", "aac_audio"],
        is_config=True,
    )
    attempt = t("2025-03-26 10:20:00.118")
    for _ in range(6):
        s.push_started(failing, attempt)
        fail = attempt + 3000 + s.rng.randint(0, 400)
        s.push_stopped(failing, fail, attempt + s.rng.randint(2, 9), 0, state="error")
        attempt = fail + 2000 + s.rng.randint(0, 300)

    # cam2: 10 s key-frame interval (300 frames at 30 fps) and a recording that wrote nothing.
    cam2 = s.lifecycle(
        "app",
        "cam2",
        "Rtmp",
        "TCP://172.17.0.7:51877",
        rtmp_tracks(),
        t("2025-03-26 11:00:00.402"),
        t("2025-03-26 12:00:02.918"),
    )
    long_gop = {
        "keyFrameInterval": 300.0,
        "keyFrameIntervalAvg": 300.0,
        "keyFrameIntervalLatest": 300.0,
        "deltaFramesSinceLastKeyFrame": 212,
    }
    s.abnormal(
        cam2,
        t("2025-03-26 11:00:15.027"),
        "LongKeyFrameIntervalDetected",
        "TrackId: 0, Codec: H264, KeyFrameInterval: 10.00s, Framerate: 30.00",
        {0: long_gop},
    )
    s.abnormal(
        cam2,
        t("2025-03-26 11:30:15.540"),
        "LongKeyFrameIntervalDetected",
        "TrackId: 0, Codec: H264, KeyFrameInterval: 10.00s, Framerate: 30.00",
        {0: dict(long_gop, deltaFramesSinceLastKeyFrame=87)},
    )
    api_record(s, cam2, "rec_cam2", t("2025-03-26 11:05:00.250"), t("2025-03-26 11:35:00.904"), 0)

    # cam3: ~12 fps against a configured 30.
    cam3 = s.lifecycle(
        "app",
        "cam3",
        "Rtmp",
        "TCP://172.17.0.8:52210",
        rtmp_tracks(),
        t("2025-03-26 13:00:00.640"),
        t("2025-03-26 14:00:05.003"),
    )
    low_fps = {
        "framerate": 12.0,
        "framerateAvg": 12.25,
        "framerateLatest": 11.75,
        "keyFrameInterval": 24.0,
        "keyFrameIntervalAvg": 24.0,
        "keyFrameIntervalLatest": 24.0,
        "deltaFramesSinceLastKeyFrame": 9,
    }
    s.abnormal(
        cam3,
        t("2025-03-26 13:00:20.331"),
        "AbnormalFpsDetected",
        "TrackId: 0, Codec: H264, Framerate: 12.00, FramerateConf: 30.00",
        {0: low_fps},
    )
    s.abnormal(
        cam3,
        t("2025-03-26 13:20:20.874"),
        "AbnormalFpsDetected",
        "TrackId: 0, Codec: H264, Framerate: 11.75, FramerateConf: 30.00",
        {0: dict(low_fps, framerate=11.75, framerateLatest=11.5)},
    )
    # A slow REST response while cam3 is live: 8 s between request and response.
    s.rest(
        t("2025-03-26 13:30:00.125"),
        "GET",
        "/v1/stats/current/vhosts/default/apps/app/streams/cam3",
        f"{ADMIN}:52001",
        response={
            "message": "OK",
            "statusCode": 200,
            "response": {"totalConnections": 3, "avgThroughputIn": 2_498_001},
        },
        latency=8000,
        jitter=False,
    )

    # cam4: RTSP pull camera whose timestamp jumps by 2^32 ticks of 90 kHz (~13.25 h).
    cam4 = s.lifecycle(
        "app",
        "cam4",
        "RtspPull",
        "rtsp://192.0.2.51:554/cam4",
        rtsp_camera_tracks(),
        t("2025-03-26 15:00:01.090"),
        t("2025-03-26 16:00:00.377"),
    )
    s.abnormal(
        cam4,
        t("2025-03-26 15:42:10.518"),
        "AbnormalIncreasedTimestamp",
        "TrackId: 0, Codec: H264, LastPts: 228150000, CurrentPts: 4523117296, Delta: 47721.86s",
        {},
    )

    # flaky: an encoder in a reconnect loop, 8 create/delete cycles within 2 minutes.
    at = t("2025-03-26 16:30:00.104")
    for _ in range(8):
        st = s.lifecycle(
            "app",
            "flaky",
            "Rtmp",
            f"TCP://203.0.113.41:{s.port()}",
            rtmp_tracks(1280, 720, 30.0, 1_500_000, 128_000),
            at,
            None,
        )
        gone = at + s.rng.randint(6000, 9500)
        s.deleted(st, gone)
        at = gone + s.rng.randint(2500, 4500)

    # Internal queue congestion: 10 reports within 30 s.
    at = t("2025-03-26 17:10:00.018")
    for i in range(10):
        s.queue_congestion(
            at, "MediaRouter-StreamWorker-2", 500 + 120 * (i + 1), 500 + 130 * (i + 1)
        )
        at += 2800 + s.rng.randint(0, 350)

    # news_feed ends at 18:20; the scheduled channel playing it fails to pop packets.
    s.lifecycle(
        "app",
        "news_feed",
        "Srt",
        "SRT://198.51.100.31:40220",
        srt_tracks(),
        t("2025-03-26 17:30:00.771"),
        t("2025-03-26 18:20:00.402"),
    )
    tv = s.sched_snapshot(
        "tv1",
        [
            ("daytime", t("2025-03-26 06:00:00"), [("file://daytime/loop.mp4", 43_200_000)]),
            (
                "evening_news",
                t("2025-03-26 18:00:00"),
                [("stream://default/app/news_feed", 3_600_000)],
            ),
            ("night", t("2025-03-26 19:00:00"), [("file://night/movie.mp4", 14_400_000)]),
        ],
    )
    s.sched(t("2025-03-26 05:55:00.250"), "live", "tv1", "ScheduledChannelCreated", tv)
    s.sched_item(
        t("2025-03-26 06:00:00.008"),
        "live",
        "tv1",
        "daytime",
        t("2025-03-26 06:00:00"),
        "file://daytime/loop.mp4",
        43_200_000,
        False,
    )
    s.sched_item(
        t("2025-03-26 18:00:00.006"),
        "live",
        "tv1",
        "evening_news",
        t("2025-03-26 18:00:00"),
        "stream://default/app/news_feed",
        3_600_000,
        False,
    )
    s.sched_item(
        t("2025-03-26 18:20:03.415"),
        "live",
        "tv1",
        "evening_news",
        t("2025-03-26 18:00:00"),
        "stream://default/app/news_feed",
        3_600_000,
        False,
        error=True,
    )
    s.sched_item(
        t("2025-03-26 18:20:03.420"),
        "live",
        "tv1",
        "evening_news",
        t("2025-03-26 18:00:00"),
        "file://fallback/standby.mp4",
        -1,
        True,
    )
    s.sched_item(
        t("2025-03-26 19:00:00.010"),
        "live",
        "tv1",
        "night",
        t("2025-03-26 19:00:00"),
        "file://night/movie.mp4",
        14_400_000,
        False,
    )
    s.sched(t("2025-03-26 23:00:01.774"), "live", "tv1", "ScheduledChannelDeleted")

    # REST API errors: 404s from a script polling a stream that does not exist, 500s on startPush.
    for hhmmss in ["19:00:05.310", "19:00:35.402", "19:01:10.118", "19:30:00.777"]:
        s.rest(
            t(f"2025-03-26 {hhmmss}"),
            "GET",
            "/v1/vhosts/default/apps/app/streams/cam9",
            f"198.51.100.14:{s.port()}",
            status=404,
            response={
                "message": "[HTTP] Could not find the stream: [default/#default#app/cam9] (404)",
                "statusCode": 404,
            },
            jitter=False,
        )
    push_body = {
        "id": "yt_main",
        "stream": {"name": "main", "variantNames": []},
        "protocol": "rtmp",
        "url": "rtmp://192.0.2.10:1935/live2",
        "streamKey": "wxyz-0000-1111-2222",
    }
    for hhmmss in ["20:15:00.220", "20:15:30.901"]:
        s.rest(
            t(f"2025-03-26 {hhmmss}"),
            "POST",
            "/v1/vhosts/default/apps/app:startPush",
            f"{ADMIN}:{s.port()}",
            status=500,
            body=push_body,
            response={
                "message": "[HTTP] Failed to start push: duplicate ID (500)",
                "statusCode": 500,
            },
            latency=27,
            jitter=False,
        )

    # main: healthy evening stream with a healthy push.
    main = s.lifecycle(
        "app",
        "main",
        "Rtmp",
        "TCP://172.17.0.9:47001",
        rtmp_tracks(),
        t("2025-03-26 20:00:00.504"),
        t("2025-03-26 22:30:00.661"),
    )
    api_push(
        s,
        main,
        "twitch_main",
        "rtmp://192.0.2.11:1935/app",
        "live_123456_abcdef",
        ["video_h264_1080p", "aac_audio"],
        t("2025-03-26 20:10:00.330"),
        t("2025-03-26 22:00:00.870"),
        2_201_337_480,
    )

    # Access control: 20 signed-policy failures from one address within a minute ...
    at = t("2025-03-26 21:00:00.208")
    for i in range(20):
        url = (
            "wss://edge.example.com:3334/app/main?policy=eyJ1cmxfZXhwaXJlIjoxNzQyOTc2MDAwMDAwfQ"
            f"&signature=aW52YWxpZF9{i:02d}"
        )
        s.policy_failed(
            at,
            "app",
            "main",
            url,
            f"203.0.113.66:{50100 + 7 * i}",
            "Signature mismatch" if i in (6, 13) else "Policy expired",
        )
        at += 2500 + s.rng.randint(0, 300)
    # ... and 3 admission-webhook failures for publish attempts.
    s.webhook_failed(
        t("2025-03-26 21:05:12.440"),
        "app",
        "main2",
        "rtmp://edge.example.com:1935/app/main2?token=bad",
        "198.51.100.44:40112",
        "Rejected by the control server",
        snapshot={"allowed": False, "reason": "invalid token"},
    )
    s.webhook_failed(
        t("2025-03-26 21:06:40.005"),
        "app",
        "main2",
        "rtmp://edge.example.com:1935/app/main2?token=bad",
        "198.51.100.44:40190",
        "Rejected by the control server",
        snapshot={"allowed": False, "reason": "invalid token"},
    )
    s.webhook_failed(
        t("2025-03-26 21:07:55.731"),
        "app",
        "main2",
        "srt://edge.example.com:9999?streamid=srt://edge.example.com:9999/app/main2,token=bad",
        "198.51.100.45:40007",
        "Timeout while calling https://hooks.example.com/admission",
    )

    filler_streams(s, ["lecture", "gallery", "garden"], "2025-03-26", 7, 20)

    # ---------------- 2025-03-27: a restart, ghost and forever ----------------
    s.lifecycle(
        "app",
        "night",
        "Rtmp",
        "TCP://172.17.0.3:40551",
        rtmp_tracks(),
        t("2025-03-27 01:00:00.812"),
        t("2025-03-27 02:30:01.145"),
    )
    overnight = s.lifecycle(
        "live",
        "overnight",
        "Srt",
        "SRT://198.51.100.50:40400",
        srt_tracks(),
        t("2025-03-27 02:00:00.600"),
        None,
    )
    shutdown(s, t("2025-03-27 03:00:00.007"), [overnight], apps)
    s.server_started(t("2025-03-27 03:00:09.551"), apps)

    ghost = s.stream("app", "ghost", "Rtmp", "TCP://203.0.113.90:41999", rtmp_tracks())
    s.created(ghost, t("2025-03-27 05:12:30.402"))
    s.deleted(ghost, t("2025-03-27 05:12:40.415"))
    s.lifecycle(
        "live",
        "forever",
        "Ovt",
        "ovt://192.0.2.20:9000/app/forever",
        ovt_abr_tracks(),
        t("2025-03-27 06:00:00.120"),
        None,
    )

    studio27 = s.lifecycle(
        "app",
        "studio",
        "Rtmp",
        "TCP://172.17.0.4:44870",
        rtmp_tracks(),
        t("2025-03-27 09:00:01.630"),
        t("2025-03-27 11:00:02.007"),
    )
    api_record(
        s,
        studio27,
        "rec_studio",
        t("2025-03-27 09:10:00.555"),
        t("2025-03-27 10:40:00.208"),
        1_802_113_906,
    )
    filler_streams(s, ["evening", "lecture", "kitchen"], "2025-03-27", 12, 20)
    return s


# --------------------------------------------------------------------------------------------
# server-kst: v0.19, +09:00, older logger naming (rolled file named with the NEW day's date)
# --------------------------------------------------------------------------------------------


def build_kst() -> Server:
    s = Server(
        "origin-seoul-1",
        KST_SERVER_ID,
        "0.19.0.1",
        KST,
        seed=20250326,
        int_bitrates=True,
        max_size=True,
    )
    t = s.t
    apps = ["app", "live"]
    s.server_started(t("2025-03-26 06:30:00.882"), apps)
    restart = (t("2025-03-27 13:59:00"), t("2025-03-27 14:01:00"))
    s.monitor(
        t("2025-03-26 07:00:00"),
        t("2025-03-29 00:00:00"),
        30 * MINUTE,
        "172.17.0.2",
        gaps=(restart,),
    )

    # 2025-03-26
    morning = s.lifecycle(
        "app",
        "morning",
        "Rtmp",
        "TCP://172.17.0.3:43100",
        rtmp_tracks(),
        t("2025-03-26 08:00:02.117"),
        t("2025-03-26 09:30:00.504"),
    )
    api_push(
        s,
        morning,
        "yt_morning",
        "rtmp://192.0.2.12:1935/live2",
        "kst-morning-0001",
        ["video_h264_1080p", "aac_audio"],
        t("2025-03-26 08:05:00.340"),
        t("2025-03-26 09:25:00.772"),
        1_512_330_240,
    )
    s.lifecycle(
        "app",
        "class101",
        "WebRTC",
        "TCP://203.0.113.31:50412",
        webrtc_simulcast_tracks(),
        t("2025-03-26 10:00:00.045"),
        t("2025-03-26 11:00:07.930"),
    )
    shop = s.lifecycle(
        "live",
        "shop",
        "Ovt",
        "ovt://192.0.2.21:9000/app/shop",
        ovt_abr_tracks(),
        t("2025-03-26 13:00:00.300"),
        t("2025-03-26 15:00:00.990"),
    )
    api_record(
        s,
        shop,
        "rec_shop",
        t("2025-03-26 13:05:00.010"),
        t("2025-03-26 14:55:00.600"),
        6_620_004_352,
    )
    api_push(
        s,
        shop,
        "relay_shop",
        "srt://198.51.100.80:9000?streamid=publish:shop,mode=caller",
        "",
        ["video_h264_720p", "aac_audio"],
        t("2025-03-26 13:10:00.700"),
        t("2025-03-26 14:50:00.115"),
        2_286_770_112,
    )
    s.hls_dump(shop, t("2025-03-26 13:15:00.021"), "dump_shop", "", True)
    s.hls_dump(shop, t("2025-03-26 14:45:00.044"), "dump_shop", "", False)
    filler_streams(s, ["concert", "arena", "lab"], "2025-03-26", 9, 19)
    studio = s.lifecycle(
        "app",
        "studio",
        "Srt",
        "SRT://198.51.100.61:41200",
        srt_tracks(),
        t("2025-03-26 22:00:00.650"),
        None,
    )

    # 2025-03-27: studio ends after midnight, a restart at 14:00.
    s.deleted(studio, t("2025-03-27 01:10:03.222"))
    filler_streams(s, ["arena", "lab"], "2025-03-27", 8, 10)
    live_at_restart = s.lifecycle(
        "app",
        "briefing",
        "Rtmp",
        "TCP://172.17.0.3:43500",
        rtmp_tracks(),
        t("2025-03-27 13:30:00.400"),
        None,
    )
    shutdown(s, t("2025-03-27 14:00:00.015"), [live_at_restart], apps)
    s.server_started(t("2025-03-27 14:00:08.310"), apps)
    filler_streams(s, ["concert", "garden"], "2025-03-27", 15, 20)

    # 2025-03-28
    filler_streams(s, ["morning", "class101", "arena", "lab"], "2025-03-28", 7, 20)
    shop28 = s.lifecycle(
        "live",
        "shop",
        "Ovt",
        "ovt://192.0.2.21:9000/app/shop",
        ovt_abr_tracks(),
        t("2025-03-28 13:00:00.500"),
        t("2025-03-28 16:00:03.010"),
    )
    api_record(
        s,
        shop28,
        "rec_shop",
        t("2025-03-28 13:05:00.200"),
        t("2025-03-28 15:55:00.300"),
        9_440_112_640,
    )
    return s


# --------------------------------------------------------------------------------------------
# bad-lines: good lines mixed with broken ones
# --------------------------------------------------------------------------------------------


def build_bad_lines() -> tuple[bytes, dict[str, Any]]:
    s = Server(
        "origin-test",
        "0b6f3c1e-2a9d-4f57-8e21-7c4d9a0b1e33",
        "0.18.1.2",
        UTC,
        seed=7,
        int_bitrates=False,
        max_size=False,
    )
    t = s.t
    s.server_started(t("2025-03-29 08:00:00.100"), ["app"])
    s.rest(
        t("2025-03-29 08:01:00.250"),
        "GET",
        "/v1/stats/current/vhosts/default",
        f"{MONITOR}:40001",
        response=s.stats_response(),
        jitter=False,
    )
    cam = s.lifecycle(
        "app",
        "cam1",
        "Rtmp",
        "TCP://172.17.0.5:51002",
        rtmp_tracks(),
        t("2025-03-29 08:02:00.000"),
        None,
    )
    s.abnormal(
        cam,
        t("2025-03-29 08:02:07.500"),
        "BFrameDetected",
        "TrackId: 0, Codec: H264",
        {0: {"hasBframes": True}},
    )
    api_push(
        s,
        cam,
        "p1",
        "rtmp://192.0.2.10:1935/app/x",
        "",
        ["video_h264_1080p"],
        t("2025-03-29 08:03:00.000"),
        t("2025-03-29 08:09:00.000"),
        120_331_008,
    )
    s.policy_failed(
        t("2025-03-29 08:04:00.000"),
        "app",
        "cam1",
        "ws://edge.example.com:3333/app/cam1?policy=abc",
        "203.0.113.9:50123",
        "Policy expired",
    )
    s.queue_congestion(t("2025-03-29 08:05:00.000"), "MediaRouter-StreamWorker-0", 640, 700)
    api_record(s, cam, "r1", t("2025-03-29 08:06:00.000"), t("2025-03-29 08:08:00.000"), 40_112_000)
    s.deleted(cam, t("2025-03-29 08:10:00.000"))
    good = [line for _, line in s.lines(s.finish(0))]

    def line(obj: dict[str, Any]) -> bytes:
        return json.dumps(obj, separators=(",", ":")).encode() + b"\n"

    base = {
        "time": "2025-03-29T08:11:00.000+00:00",
        "level": "Info",
        "category": "StreamEvent",
        "type": "StreamCreated",
        "sourceId": "#default#app/cam2",
        "summary": "Stream created. Id: 120, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:1",
    }
    unusual = {
        "critical": line(
            dict(
                base,
                level="Critical",
                type="StreamDeleted",
                summary="Stream deleted. Id: 120, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:1",
            )
        ),
        "cluster": line(
            {
                "time": "2025-03-29T08:11:01.000+00:00",
                "level": "Info",
                "category": "ClusterEvent",
                "type": "NodeJoined",
                "sourceId": UTC_SERVER_ID,
                "summary": "Node joined. Name: edge-3, Address: 192.0.2.33:9000",
                "snapshot": {"name": "edge-3", "role": "edge"},
            }
        ),
        "future_cause": line(
            {
                "time": "2025-03-29T08:11:02.000+00:00",
                "level": "Warning",
                "category": "StreamEvent",
                "type": "AbnormalStreamDetected",
                "sourceId": "#default#app/cam1",
                "summary": "Abnormal stream detected. Reason: Something new, Id: 101",
                "cause": "FutureCause",
            }
        ),
        "extra_field": render_line(
            "2025-03-29T08:11:03.000+00:00",
            "Info",
            "AppEvent",
            "AppDeleted",
            "#default#tmp",
            "App deleted. Name: tmp",
        ).replace(b"}\n", b',"node":"edge-3"}\n'),
    }
    snap = s.stream_snapshot(cam, False)
    snap["tracks"][0]["video"]["hdrFormat"] = "HLG"
    unusual["unknown_track_key"] = render_line(
        "2025-03-29T08:11:04.000+00:00",
        "Info",
        "StreamEvent",
        "StreamPrepared",
        "#default#app/cam1",
        "Stream prepared. Id: 101, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:51002",
        snapshot=snap,
    )
    unusual["escaped_e"] = render_line(
        "2025-03-29T08:11:05.000+00:00",
        "Info",
        "StreamEvent",
        "StreamCreated",
        "#default#app/caf\u00e9",
        "Stream created. Id: 121, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:2, Note: caf\u00e9",
    )
    unusual["raw_e"] = (
        '{"time":"2025-03-29T08:11:06.000+00:00","level":"Info",'
        '"category":"StreamEvent","type":"StreamDeleted",'
        '"sourceId":"#default#app/caf\u00e9","summary":"Stream deleted. Id: 121, '
        'StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:2, Note: caf\u00e9"}\n'
    ).encode("utf-8")

    half = good[3][: len(good[3]) // 2] + b"\n"
    bad = {
        "plain_text": b"[2025-03-29 08:02:00.001] I [SPRtmpProv-t1935:41] RTMPProvider | "
        b"rtmp_stream.cpp:1234  | Publish stream: app/cam1\n",
        "truncated": half,
        "array": b'["2025-03-29T08:02:00.000+00:00","Info","StreamEvent"]\n',
        "string": b'"Stream created. Id: 101"\n',
        "no_time": line({k: v for k, v in base.items() if k != "time"}),
        "bad_time": line(dict(base, time="2025-02-30T25:61:00.000+00:00")),
        "bad_time_text": line(dict(base, time="yesterday at noon")),
        "level_number": line(dict(base, level=3)),
        "invalid_utf8": line(dict(base, summary="Stream created. Id: 120, Name: XX")).replace(
            b"XX", b"\xff\xfe"
        ),
        "nul": line(dict(base, summary="Stream created. Id: 120, Name: XX")).replace(
            b"XX", b"cam\x002"
        ),
        "deep": (
            '{"time":"2025-03-29T08:11:07.000+00:00","level":"Info",'
            '"category":"StreamEvent","type":"StreamPrepared",'
            '"sourceId":"#default#app/cam1","summary":"Stream prepared. Id: 101",'
            '"snapshot":' + "[" * 2000 + "]" * 2000 + "}\n"
        ).encode(),
    }

    # (kind, bytes) in file order; "crlf" marks good lines written with \r\n.
    plan: list[tuple[str, bytes]] = []
    used = [0]

    def put_good(n: int, crlf: bool = False) -> None:
        for _ in range(n):
            b = good[used[0]]
            used[0] += 1
            plan.append(("good", b[:-1] + b"\r\n" if crlf else b))

    put_good(2)
    plan.append(("bad", bad["plain_text"]))
    put_good(1, crlf=True)
    plan.append(("blank", b"\n"))
    put_good(2)
    plan.append(("bad", bad["truncated"]))
    put_good(1)
    plan.append(("bad", bad["array"]))
    plan.append(("bad", bad["string"]))
    put_good(2, crlf=True)
    plan.append(("blank", b"   \n"))
    plan.append(("good", unusual["critical"]))
    plan.append(("bad", bad["no_time"]))
    put_good(1)
    plan.append(("bad", bad["bad_time"]))
    plan.append(("good", unusual["cluster"]))
    plan.append(("bad", bad["bad_time_text"]))
    put_good(2)
    plan.append(("bad", bad["level_number"]))
    plan.append(("good", unusual["future_cause"]))
    plan.append(("blank", b"\t \n"))
    plan.append(("bad", bad["invalid_utf8"]))
    put_good(1)
    plan.append(("good", unusual["extra_field"]))
    plan.append(("bad", bad["nul"]))
    plan.append(("good", unusual["unknown_track_key"]))
    put_good(2)
    plan.append(("blank", b"\r\n"))
    plan.append(("bad", bad["deep"]))
    plan.append(("good", unusual["escaped_e"]))
    plan.append(("good", unusual["raw_e"]))
    put_good(len(good) - used[0])
    plan.append(("blank", b"\n"))

    data = b"\xef\xbb\xbf" + b"".join(b for _, b in plan)
    expected = {
        "bad_lines": [i + 1 for i, (k, _) in enumerate(plan) if k == "bad"],
        "good_lines": sum(1 for k, _ in plan if k == "good"),
        "blank_lines": [i + 1 for i, (k, _) in enumerate(plan) if k == "blank"],
    }
    return data, expected


# --------------------------------------------------------------------------------------------
# Benchmark corpus
# --------------------------------------------------------------------------------------------

_T = "@@T@@"
_R = "@@R@@"


class _TemplateServer(Server):
    """Renders every time except the epoch as a placeholder, to be filled in per line."""

    def fmt(self, ms: int) -> str:
        return iso(0, self.tz) if ms == 0 else _T


def _corpus_templates(seed: int) -> tuple[list[list[bytes]], list[int]]:
    s = _TemplateServer(
        "origin-bench-1",
        UTC_SERVER_ID,
        "0.18.1.2",
        UTC,
        seed=seed,
        int_bitrates=False,
        max_size=False,
    )
    s.token_ids = False
    s._next_stream_id = 100
    rng = s.rng
    names = [f"stream{i:03d}" for i in range(200)]
    # Any real time: fmt() prints it as the placeholder, but paths and dates stay realistic.
    b = to_ms("2025-03-26 12:00:00", UTC)

    def take(fill: Any, count: int = 64) -> list[bytes]:
        out: list[bytes] = []
        for _ in range(count):
            s.events.clear()
            fill()
            out.extend(
                render_line(
                    _T, e.level, e.category, e.type, e.source, e.summary, e.cause, e.snapshot
                )
                for e in s.events
            )
        return out

    # The sample files' profiles plus two short ones (audio only, IP camera without a data track).
    profiles = {name: (STYPE_OF_PROFILE[name], make) for name, make in PROFILES.items()}
    profiles["audio"] = ("Srt", audio_only_tracks)
    profiles["rtsp"] = ("RtspPull", rtsp_camera_tracks)

    def new_stream() -> Stream:
        name = rng.choice(names)
        stype, make = profiles[rng.choice(sorted(profiles))]
        st = s.stream(
            rng.choice(("app", "live")),
            name,
            stype,
            source_url(s, stype, "app", name),
            make(),
        )
        s._next_stream_id += rng.randint(1, 40)
        st.id = s._next_stream_id
        st.created = b
        return st

    def rest_pair() -> None:
        path, body = rng.choice(
            [
                ("/v1/stats/current/vhosts/default", None),
                ("/v1/vhosts/default/apps/app/streams", None),
                (
                    "/v1/vhosts/default/apps/app:startPush",
                    {"id": "p1", "url": "rtmp://192.0.2.10/a"},
                ),
                ("/v1/vhosts/default/apps/app:startRecord", {"id": "r1", "stream": {"name": "s"}}),
            ]
        )
        status = rng.choice((200,) * 12 + (404, 500))
        s.rest(
            b,
            "POST" if body else "GET",
            path,
            f"198.51.100.{rng.randint(1, 250)}:{s.port()}",
            status=status,
            body=body,
            response={"message": "OK" if status == 200 else "Error", "statusCode": status},
        )
        for e in s.events:  # the RequestID is filled in per pair
            e.summary = e.summary.rsplit("RequestID: ", 1)[0] + "RequestID: " + _R

    def stream_created() -> None:
        s.created(new_stream(), b)

    def stream_prepared() -> None:
        s.prepared(new_stream(), b)

    def stream_deleted() -> None:
        s.deleted(new_stream(), b)

    def push() -> None:
        p = Push(
            f"p{rng.randint(0, 999)}",
            "app",
            rng.choice(names),
            "rtmp",
            f"rtmp://192.0.2.{rng.randint(1, 250)}:1935/app/out",
            ["video_h264_1080p"],
            rng.choice(("", "key-123")),
            created=b,
        )
        if rng.random() < 0.5:
            s.push_started(p, b)
        else:
            s.push_stopped(
                p, b + 2, b, rng.randint(0, 10**9), rng.choice(("stopped", "stopped", "error"))
            )

    def recording() -> None:
        r = Recording(f"r{rng.randint(0, 999)}", "app", rng.choice(names), [], created=b)
        if rng.random() < 0.5:
            s.recording_started(r, b)
        else:
            s.recording_stopped(r, b + 2, b, rng.randint(0, 10**10))

    def abnormal() -> None:
        st = new_stream()
        while st.tracks[0]["kind"] != "video":
            st = new_stream()
        cause = rng.choice(sorted(REASONS))
        overrides: dict[str, dict[str, Any]] = {
            "BFrameDetected": {"hasBframes": True},
            "LongKeyFrameIntervalDetected": {"keyFrameInterval": 300.0},
            "AbnormalFpsDetected": {"framerate": 12.0},
            "AbnormalIncreasedTimestamp": {},
        }
        s.abnormal(st, b, cause, "TrackId: 0, Codec: H264", {0: overrides[cause]})

    def access() -> None:
        st = rng.choice(names)
        remote = f"203.0.113.{rng.randint(1, 250)}:{s.port()}"
        if rng.random() < 0.7:
            s.policy_failed(
                b,
                "app",
                st,
                f"wss://edge.example.com:3334/app/{st}?policy=x",
                remote,
                rng.choice(("Policy expired", "Signature mismatch")),
            )
        else:
            s.webhook_failed(
                b,
                "app",
                st,
                f"rtmp://edge.example.com:1935/app/{st}?t=1",
                remote,
                "Rejected by the control server",
                snapshot={"allowed": False, "reason": "denied"},
            )

    def other() -> None:
        k = rng.randrange(6)
        name = rng.choice(names)
        if k == 0:
            s.queue_congestion(
                b,
                f"MediaRouter-StreamWorker-{rng.randint(0, 7)}",
                rng.randint(500, 3000),
                rng.randint(3000, 4000),
            )
        elif k == 1:
            s.sched_item(b, "live", name, "p", b, "file://a.mp4", 60000, rng.random() < 0.2)
        elif k == 2:
            s.hls_dump(new_stream(), b, "d1", "", rng.random() < 0.5)
        elif k == 3:
            s.mux(
                b,
                "live",
                name,
                "MultiplexChannelCreated",
                s.mux_snapshot(
                    name,
                    [("a", "stream://default/app/a", ["Video"])],
                    [("r", "a_Video", "a_Audio")],
                ),
            )
        elif k == 4:
            s.creation_failed(b, "app", name, "Rtmp", f"TCP://172.17.0.3:{s.port()}")
        else:
            s.sched(
                b,
                "live",
                name,
                "ScheduledChannelUpdated",
                s.sched_snapshot(name, [("p", b, [("file://a.mp4", 60000)])]),
            )

    kinds = [
        (15, rest_pair),
        (10, stream_created),
        (10, stream_prepared),
        (10, stream_deleted),
        (10, push),
        (5, recording),
        (5, abnormal),
        (10, access),
        (10, other),
    ]
    pools: list[list[bytes]] = []
    weights: list[int] = []
    for weight, fill in kinds:
        if fill is rest_pair:
            pool = []
            for _ in range(64):
                s.events.clear()
                rest_pair()
                pool.append(
                    b"".join(
                        render_line(
                            _T,
                            e.level,
                            e.category,
                            e.type,
                            e.source,
                            e.summary,
                            e.cause,
                            e.snapshot,
                        )
                        for e in s.events
                    )
                )
        else:
            pool = take(fill)
        pools.append(pool)
        weights.append(weight)
    return pools, weights


def corpus_lines(n: int, seed: int = 0) -> Iterator[bytes]:
    """Yield ``n`` realistic lines (each ending in ``\\n``) of a busy v0.18 server.

    Times increase (never step back) from 2025-03-26T00:00:00+00:00.

    The mix is about 30% REST request/response pairs, 10% each StreamCreated, StreamPrepared,
    StreamDeleted, push started/stopped and access-control failures, 5% each recordings and
    AbnormalStreamDetected, and 10% other types. Lines are precomputed templates with the time
    (and the REST RequestID) filled in, so a million lines take a few seconds.
    """
    rng = random.Random(seed)
    pools, weights = _corpus_templates(seed)
    cum = []
    acc = 0
    for w in weights:
        acc += w
        cum.append(acc)
    rest_index = 0  # the first pool holds two-line REST pairs
    t_tag, r_tag = _T.encode(), _R.encode()
    ms = to_ms("2025-03-26 00:00:00", UTC)
    suffix = [f".{i:03d}+00:00".encode() for i in range(1000)]
    cur_sec = -1
    prefix = b""
    request_no = 0
    emitted = 0
    choices = rng.choices
    randrange = rng.randrange
    indexes = range(len(pools))
    while emitted < n:
        for k in choices(indexes, cum_weights=cum, k=4096):
            if emitted >= n:
                return
            pool = pools[k]
            tpl = pool[randrange(len(pool))]
            ms += randrange(0, 24)
            sec = ms // 1000
            if sec != cur_sec:
                cur_sec = sec
                prefix = (_EPOCH + timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S").encode()
            ts = prefix + suffix[ms % 1000]
            if k == rest_index:
                request_no += 1
                req, resp = tpl.split(b"\n", 1)
                rid = b"%06x" % (request_no & 0xFFFFFF)
                yield req.replace(t_tag, ts).replace(r_tag, rid) + b"\n"
                emitted += 1
                if emitted >= n:
                    return
                ms += 1 + randrange(0, 30)
                sec = ms // 1000
                if sec != cur_sec:
                    cur_sec = sec
                    prefix = (
                        (_EPOCH + timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S").encode()
                    )
                yield resp.replace(t_tag, prefix + suffix[ms % 1000]).replace(r_tag, rid)
            else:
                yield tpl.replace(t_tag, ts)
            emitted += 1


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_gzip(path: Path, data: bytes) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    path.write_bytes(buf.getvalue())


def split_by_day(s: Server, lines: list[tuple[int, bytes]]) -> dict[str, bytes]:
    days: dict[str, list[bytes]] = {}
    for ms, line in lines:
        days.setdefault(local_date(ms, s.tz), []).append(line)
    return {day: b"".join(chunk) for day, chunk in days.items()}


def generate(out: Path) -> list[Path]:
    written: list[Path] = []

    def put(path: Path, data: bytes, gz: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if gz:
            write_gzip(path, data)
        else:
            path.write_bytes(data)
        written.append(path)

    utc = build_utc()
    days = split_by_day(utc, utc.lines(utc.finish(step_backs=2)))
    assert sorted(days) == ["20250325", "20250326", "20250327"], sorted(days)
    # Newer sink: the rolled file carries the date of its last line.
    put(out / "server-utc" / "events.log.20250325.gz", days["20250325"], gz=True)
    put(out / "server-utc" / "events.log.20250326", days["20250326"])
    put(out / "server-utc" / "events.log", days["20250327"])

    kst = build_kst()
    days = split_by_day(kst, kst.lines(kst.finish(step_backs=2)))
    assert sorted(days) == ["20250326", "20250327", "20250328"], sorted(days)
    # Older logger: the rolled file carries the NEW day's date; after the restart on the 27th
    # the base file was never rolled again, so it holds the 27th and the 28th.
    put(out / "server-kst" / "events.log.20250327", days["20250326"])
    put(out / "server-kst" / "events.log", days["20250327"] + days["20250328"])

    data, expected = build_bad_lines()
    put(out / "bad-lines" / "events.log", data)
    put(out / "bad-lines" / "expected.json", (json.dumps(expected, indent=2) + "\n").encode())
    return written


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: this script's folder); with --corpus, a file",
    )
    ap.add_argument(
        "--corpus",
        type=int,
        metavar="N",
        default=None,
        help="write N benchmark lines to --out instead of the sample files",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed for --corpus (default 0)")
    args = ap.parse_args(argv)
    if args.corpus is not None:
        if args.out is None:
            ap.error("--corpus needs --out FILE")
        with open(args.out, "wb") as f:
            f.writelines(corpus_lines(args.corpus, args.seed))
        print(f"wrote {args.corpus} lines to {args.out}", file=sys.stderr)
        return 0
    for path in generate(args.out or here):
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

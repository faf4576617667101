"""server-oss: the open-source OME's Analytics event log, as ``src/projects/monitoring/`` writes
it: jsoncpp, compact, keys sorted at every level, non-ASCII ``\\u``-escaped, floats with 17
significant digits (``29.969999999999999``, round ones ``30.0``); one file per local day named
``events.log.YYYYMMDD`` and no base file; ``ServerStat`` every 5 seconds.

The server runs in +09:00 from 23:50 to 00:08 across midnight (two files), with:

* a first start on OME 0.12.5, whose lines have no ``eventVersion`` (it came with 0.12.8);
* an upgrade to 0.16.3 and an **unclean restart** at 23:54 (no deletions before it);
* ``cam1`` (RTMP, 1080p30) with an output stream, whose input **stalls** from 23:58:00 for a
  minute and a half (ServerStat shows its ``lastRecvTime`` standing still, no bytes in);
* ``lobby`` (SRT) running across midnight; ``ipcam`` (RTSP pull) created and deleted.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

__all__ = ["build_oss"]

KST = timezone(timedelta(hours=9))
SERVER_ID = "4f2b1c8e-90aa-4d3b-8c52-6e1f0a9d7b31_origin-oss-1"
USER_KEY = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
HOST_ID = "b8e1c0d2"
APP_IDS = {"app": "a1f0", "live": "a2f1"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(text: str) -> int:
    when = datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=KST)
    return (when - _EPOCH) // timedelta(milliseconds=1)


def _iso(ms: int) -> str:
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(KST).isoformat(timespec="milliseconds")


def _json(value: Any) -> str:
    """jsoncpp's writer: sorted keys, compact, ASCII, floats as %.17g (``30.0`` when round)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(value, ".17g")
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, str):
        out = ['"']
        for char in value:
            code = ord(char)
            if char in '"\\':
                out.append("\\" + char)
            elif code < 0x20 or code > 0x7E:
                out.append(f"\\u{code:04x}")
            else:
                out.append(char)
        out.append('"')
        return "".join(out)
    if isinstance(value, list):
        return "[" + ",".join(_json(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + ",".join(f"{_json(k)}:{_json(value[k])}" for k in sorted(value)) + "}"
    raise TypeError(type(value))


def _tracks(fps: float, bitrate: int) -> list[dict[str, Any]]:
    return [
        {
            "id": 0,
            "name": "",
            "type": "Video",
            "video": {
                "bitrate": bitrate,
                "bitrateAvg": 0,
                "bitrateConf": bitrate,
                "bitrateLatest": 0,
                "bypass": False,
                "codec": "H264",
                "deltaFramesSinceLastKeyFrame": 0,
                "framerate": fps,
                "framerateAvg": 0.0,
                "framerateConf": fps,
                "framerateLatest": 0.0,
                "hasBframes": False,
                "height": 1080,
                "keyFrameInterval": fps * 2,
                "keyFrameIntervalAvg": 0.0,
                "keyFrameIntervalConf": 0.0,
                "keyFrameIntervalLatest": 0.0,
                "maxHeight": 1080,
                "maxWidth": 1920,
                "timebase": {"den": 1000, "num": 1},
                "width": 1920,
            },
        },
        {
            "audio": {
                "bitrate": 128000,
                "bitrateAvg": 0,
                "bitrateConf": 128000,
                "bitrateLatest": 0,
                "bypass": False,
                "channel": 2,
                "codec": "AAC",
                "samplerate": 48000,
                "timebase": {"den": 48000, "num": 1},
            },
            "id": 1,
            "name": "",
            "type": "Audio",
        },
    ]


class _Server:
    """The events of one OME with ``<Analytics>`` configured."""

    def __init__(self) -> None:
        self.rng = random.Random(20250327)
        self.lines: list[tuple[int, str]] = []
        self.version = "0.12.5"
        self.started = 0
        self.streams: dict[str, dict[str, Any]] = {}
        self.counters: dict[str, list[int]] = {}  # bytes in, last receive time (ms)
        self.stalled: tuple[str, int, int] | None = None

    def emit(self, ms: int, type_: str, producer: dict[str, str], data: dict[str, Any]) -> None:
        obj: dict[str, Any] = {
            "data": data,
            "event": {"producer": {"serverID": SERVER_ID, **producer}, "type": type_},
            "serverID": SERVER_ID,
            "timestampMillis": ms,
            "userKey": USER_KEY,
        }
        if self.version >= "0.12.8":  # eventVersion came with 0.12.8
            obj["eventVersion"] = 1
        self.lines.append((ms, _json(obj)))

    def info(self, host: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "dataType": "Not Implemented",
            "serverInfo": {
                "bind": {
                    "managers": {"api": {"port": "8081"}},
                    "providers": {"rtmp": {"port": "1935"}},
                },
                "host": host,
                "serverID": SERVER_ID,
                "serverName": "origin-oss-1",
                "serverVersion": f"v{self.version}",
                "startedTime": _iso(self.started),
            },
        }

    def host(self) -> dict[str, Any]:
        return {
            "createdTime": _iso(self.started + 20),
            "distribution": "ovenmediaengine.com",
            "hostID": HOST_ID,
            "hostNames": ["*"],
            "name": "default",
        }

    def app(self, name: str) -> dict[str, Any]:
        return {
            "appID": APP_IDS[name],
            "createdTime": _iso(self.started + 40),
            "name": f"#default#{name}",
            "outputProfiles": {
                "outputProfile": [
                    {"name": "bypass_stream", "outputStreamName": "${OriginStreamName}"}
                ]
            },
            "providers": {"rtmp": {}, "srt": {}, "rtspPull": {}},
            "publishers": {"webrtc": {}, "llhls": {}},
        }

    def start(self, ms: int, version: str) -> None:
        self.version = version
        self.started = ms
        self.streams.clear()
        self.emit(ms, "ServerStarted", {}, self.info(None))
        host = self.host()
        self.emit(ms + 20, "HostCreated", {"hostID": HOST_ID}, self.info(host))
        for offset, name in enumerate(APP_IDS):
            app = self.app(name)
            self.emit(
                ms + 40 + offset,
                "AppCreated",
                {"hostID": HOST_ID, "appID": APP_IDS[name]},
                self.info({**host, "app": app}),
            )

    def stream(self, ms: int, app: str, name: str, source: str, address: str, fps: float) -> None:
        stream_id = f"{name}-{self.rng.randrange(16**6):06x}"
        info = {
            "app": app,
            "createdTime": _iso(ms),
            "name": name,
            "source": {"address": address, "streamID": stream_id, "type": source},
            "streamID": stream_id,
            "tracks": _tracks(fps, 4_000_000 if source == "RTMP" else 2_000_000),
        }
        self.streams[name] = info
        self.counters[name] = [0, ms]
        self.emit(ms, "StreamCreated", self.producer(name), self.stream_info(name))
        output = {
            "createdTime": _iso(ms + 60),
            "name": name,
            "streamID": f"{stream_id}-o",
            "tracks": _tracks(fps, 4_000_000 if source == "RTMP" else 2_000_000),
        }
        info["outputs"] = [output]
        self.emit(ms + 60, "StreamOutputsUpdated", self.producer(name), self.stream_info(name))

    def producer(self, name: str) -> dict[str, str]:
        info = self.streams[name]
        return {"hostID": HOST_ID, "appID": APP_IDS[info["app"]], "streamID": info["streamID"]}

    def stream_info(self, name: str) -> dict[str, Any]:
        info = {k: v for k, v in self.streams[name].items() if k != "app"}
        host = {**self.host(), "app": {**self.app(self.streams[name]["app"]), "stream": info}}
        return self.info(host)

    def delete(self, ms: int, name: str) -> None:
        self.emit(ms, "StreamDeleted", self.producer(name), self.stream_info(name))
        del self.streams[name]

    def stat(self, ms: int) -> None:
        apps: dict[str, list[dict[str, Any]]] = {name: [] for name in APP_IDS}
        total_in = total_out = total_viewers = rate_in = rate_out = 0
        for name, info in self.streams.items():
            counters = self.counters[name]
            stalled = self.stalled is not None and self.stalled[0] == name
            if stalled and self.stalled is not None and self.stalled[1] <= ms < self.stalled[2]:
                rate = 0
            else:
                rate = 4_200_000 if info["source"]["type"] == "RTMP" else 2_100_000
                counters[1] = ms - self.rng.randint(0, 40)
            counters[0] += rate * 5 // 8
            viewers = self.rng.randint(3, 40)
            total_in += counters[0]
            total_out += counters[0] * viewers
            total_viewers += viewers
            rate_in += rate
            rate_out += rate * viewers
            stat = _stat(
                ms,
                info["createdTime"],
                counters[0],
                counters[0] * viewers,
                rate,
                rate * viewers,
                counters[1],
                viewers,
            )
            output = info.get("outputs", [{}])[0]
            apps[info["app"]].append(
                {
                    "outputs": [
                        {"stat": stat, "streamID": output.get("streamID"), "streamName": name}
                    ],
                    "stat": stat,
                    "streamID": info["streamID"],
                    "streamName": name,
                }
            )
        server_stat = _stat(
            ms, _iso(self.started), total_in, total_out, rate_in, rate_out, ms, total_viewers
        )
        hosts = [
            {
                "apps": [
                    {
                        "appID": APP_IDS[app],
                        "appName": f"#default#{app}",
                        "stat": _stat(ms, _iso(self.started + 40), 0, 0, 0, 0, ms, 0),
                        "streams": streams or None,  # jsoncpp: an empty list is null
                    }
                    for app, streams in apps.items()
                ],
                "distribution": "ovenmediaengine.com",
                "hostID": HOST_ID,
                "hostName": "default",
                "stat": _stat(
                    ms,
                    _iso(self.started + 20),
                    total_in,
                    total_out,
                    rate_in,
                    rate_out,
                    ms,
                    total_viewers,
                ),
            }
        ]
        self.emit(
            ms,
            "ServerStat",
            {},
            {
                "serverStat": {
                    "hosts": hosts,
                    "serverID": SERVER_ID,
                    "serverName": "origin-oss-1",
                    "stat": server_stat,
                }
            },
        )


def _stat(
    ms: int,
    created: str,
    total_in: int,
    total_out: int,
    rate_in: int,
    rate_out: int,
    last_recv: int,
    viewers: int,
) -> dict[str, Any]:
    return {
        "avgThroughputIn": rate_in,
        "avgThroughputOut": rate_out,
        "connections": {
            "file": 0,
            "hls": 0,
            "llhls": viewers // 3,
            "ovt": 0,
            "push": 0,
            "srt": 0,
            "thumbnail": 0,
            "webrtc": viewers - viewers // 3,
        },
        "createdTime": created,
        "lastRecvTime": _iso(last_recv),
        "lastSentTime": _iso(ms),
        "lastThroughputIn": rate_in,
        "lastThroughputOut": rate_out,
        "lastUpdatedTime": _iso(ms),
        "maxThroughputIn": rate_in,
        "maxThroughputOut": rate_out,
        "maxTotalConnectionTime": _iso(ms),
        "maxTotalConnections": viewers,
        "totalBytesIn": total_in,
        "totalBytesOut": total_out,
        "totalConnections": viewers,
    }


def build_oss() -> dict[str, bytes]:
    """The files of server-oss: ``{"events.log.20250326": ..., "events.log.20250327": ...}``."""
    s = _Server()
    t = _ms
    first = t("2025-03-26 23:50:00.120")
    restart = t("2025-03-26 23:54:04.774")  # upgraded, restarted without a clean stop
    s.stalled = ("cam1", t("2025-03-26 23:58:00.000"), t("2025-03-26 23:59:30.000"))
    actions: list[tuple[int, Callable[[], None]]] = [
        (first, lambda: s.start(first, "0.12.5")),
        (
            t("2025-03-26 23:50:40.310"),
            lambda: s.stream(
                t("2025-03-26 23:50:40.310"), "app", "cam1", "RTMP", "172.17.0.5:51234", 29.97
            ),
        ),
        (
            t("2025-03-26 23:51:30.002"),
            lambda: s.stream(
                t("2025-03-26 23:51:30.002"),
                "live",
                "ipcam",
                "RTSP",
                "rtsp://192.0.2.60:554/ipcam",
                25.0,
            ),
        ),
        (t("2025-03-26 23:53:10.480"), lambda: s.delete(t("2025-03-26 23:53:10.480"), "ipcam")),
        (restart, lambda: s.start(restart, "0.16.3")),
        (
            t("2025-03-26 23:54:40.005"),
            lambda: s.stream(
                t("2025-03-26 23:54:40.005"), "app", "cam1", "RTMP", "172.17.0.5:51876", 29.97
            ),
        ),
        (
            t("2025-03-26 23:55:12.451"),
            lambda: s.stream(
                t("2025-03-26 23:55:12.451"), "live", "lobby", "SRT", "198.51.100.23:40012", 30.0
            ),
        ),
        (t("2025-03-27 00:04:40.300"), lambda: s.delete(t("2025-03-27 00:04:40.300"), "cam1")),
        (t("2025-03-27 00:07:02.010"), lambda: s.delete(t("2025-03-27 00:07:02.010"), "lobby")),
    ]
    for ms in range(first + 5000, t("2025-03-27 00:08:00.000"), 5000):
        actions.append((ms, lambda ms=ms: s.stat(ms)))  # type: ignore[misc]
    for _, act in sorted(actions, key=lambda item: item[0]):
        act()
    files: dict[str, list[str]] = {}
    for ms, text in s.lines:
        day = (_EPOCH + timedelta(milliseconds=ms)).astimezone(KST).strftime("%Y%m%d")
        files.setdefault(f"events.log.{day}", []).append(text)
    return {name: ("\n".join(lines) + "\n").encode() for name, lines in files.items()}

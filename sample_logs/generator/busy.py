"""A busy server's day, for benchmarks and for the digest: thousands of streams, a few
encoders in chronic trouble, REST clients polling all day, one app whose pushes all fail, a
bot probing signed policies and an unclean restart.

Unlike the benchmark corpus (:mod:`.corpus`, lines repeated from templates), every stream
here lives a coherent life (created, prepared, warned about, deleted), so analyzers see what
they would see on a real server. The scale follows ``lines``: about a quarter of the streams
come from encoders in chronic trouble (B-frames, a frame rate far under the configured one,
long key-frame intervals, a bitrate far from the configured one) that draw a warning every
minute or two while they are live, and REST polling makes about two thirds of the lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

from generator.common import STYPE_OF_PROFILE, source_url
from generator.ome import MINUTE, PROFILES, UTC_SERVER_ID, Push, Stream
from generator.server import Server

__all__ = ["busy_day_lines"]

DAY = "2025-03-26"
APPS = ["live", "sports", "app"]
# Encoders in chronic trouble: what OME warns about, and what their snapshots show.
BROKEN = {
    "BFrameDetected": {"hasBframes": True},
    "AbnormalFpsDetected": {"framerate": 12.0, "framerateAvg": 11.5},
    "LongKeyFrameIntervalDetected": {"keyFrameInterval": 300.0, "keyFrameIntervalAvg": 300.0},
}
TROUBLED = 0.25  # share of streams from such encoders
MONITORS = ["172.17.0.1", "172.17.0.2", "10.0.0.15"]
FLAKY_MONITOR = "10.0.0.15"  # gets a 500 one time in ten
BOT = "203.0.113.66"  # probes signed policies all day


def busy_day_lines(lines: int = 200_000, seed: int = 0) -> Iterator[bytes]:
    """About ``lines`` lines of one busy day, in the order OME writes them."""
    s = Server(
        "origin-busy-1",
        UTC_SERVER_ID,
        "0.18.1.2",
        UTC,
        seed=seed,
        int_bitrates=False,
        max_size=False,
    )
    rng = s.rng
    start, end = s.t(f"{DAY} 00:00:00"), s.t(f"{DAY} 23:59:59")
    restart = s.t(f"{DAY} 13:12:07.420")
    # Budget: REST polling ~64 %, stream lives ~12 %, warnings ~19 %, the rest ~5 %.
    streams = max(20, lines * 12 // 100 // 3)
    pairs = lines * 64 // 100 // 2

    s.server_started(restart, APPS)  # no shutdown before it: an unclean restart
    every = max(1, (end - start) * len(MONITORS) // max(1, pairs))
    for remote in MONITORS:
        _poll(s, start + rng.randint(0, every), end, every, remote)

    warnings_left = lines * 19 // 100
    for index in range(streams):
        app = rng.choices(APPS, weights=(70, 20, 10))[0]
        broken = rng.random() < TROUBLED
        name = f"s{index:05d}"
        profile = rng.choice(sorted(PROFILES))
        stype = STYPE_OF_PROFILE[profile]
        tracks = PROFILES[profile]()
        begin = rng.randint(start, end - 10 * MINUTE)
        length = min(int(rng.expovariate(1 / (25 * MINUTE))) + MINUTE, end - begin)
        if begin < restart < begin + length:
            length = restart - begin  # cut by the restart: never deleted
            stream = s.lifecycle(app, name, stype, _url(s, stype, app, name), tracks, begin, None)
        else:
            stream = s.lifecycle(
                app, name, stype, _url(s, stype, app, name), tracks, begin, begin + length
            )
        if broken and warnings_left > 0 and tracks[0]["kind"] == "video":
            warnings_left -= _chronic(s, stream, begin, length)
        if app == "sports" and rng.random() < 0.3:
            _failing_push(s, stream, begin + rng.randint(1000, 5000))

    for _ in range(lines * 3 // 100):
        _probe(s, rng.randint(start, end))
    evs = s.finish(step_backs=40)
    for _, line in s.lines(evs):
        yield line


def _url(s: Server, stype: str, app: str, name: str) -> str:
    return source_url(s, stype, app, name)


def _poll(s: Server, start: int, end: int, every: int, remote_ip: str) -> None:
    remote = f"{remote_ip}:{s.port()}"
    t = start
    while t < end:
        status = 500 if remote_ip == FLAKY_MONITOR and s.rng.random() < 0.1 else 200
        s.rest(
            t + s.rng.randint(0, 250),
            "GET",
            f"/v1/stats/current/vhosts/{s.vhost}",
            remote,
            status=status,
            response={
                "message": "OK" if status == 200 else "Internal Server Error",
                "statusCode": status,
            },
        )
        t += every


def _chronic(s: Server, stream: Stream, begin: int, length: int) -> int:
    """A warning every minute or two while the stream is live, for the encoder's defect; one
    encoder in three also sends far more (or less) than its configured bitrate."""
    cause = s.rng.choice(sorted(BROKEN))
    overrides: dict[int, dict[str, Any]] = {0: dict(BROKEN[cause])}
    video = stream.tracks[0]
    if video["conf"] and s.rng.random() < 0.35:
        overrides[0]["bitrateAvg"] = s.br(int(video["br"] * s.rng.choice((0.3, 2.5))))
    detail = f"TrackId: 0, Codec: {video['codec']}"
    count = 0
    t = begin + s.rng.randint(2000, 30_000)
    while t < begin + length:
        s.abnormal(stream, t, cause, detail, overrides)
        count += 1
        t += s.rng.randint(MINUTE, 2 * MINUTE)
    return count


def _failing_push(s: Server, stream: Stream, at: int) -> None:
    push = Push(
        f"push{s.rng.randint(0, 9999)}",
        stream.app,
        stream.name,
        "rtmp",
        "rtmp://cdn.example.com:1935/ingest/out",
        ["video_h264_1080p"],
        "key-expired",
        created=at,
    )
    s.push_started(push, at)
    s.push_stopped(push, at + s.rng.randint(200, 2000), at, 0, "error")


def _probe(s: Server, at: int) -> None:
    name = f"s{s.rng.randint(0, 99999):05d}"
    s.policy_failed(
        at,
        "live",
        name,
        f"wss://edge.example.com:3334/live/{name}?policy=forged",
        f"{BOT}:{s.port()}",
        "Signature mismatch",
    )

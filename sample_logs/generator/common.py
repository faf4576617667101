"""Pieces the scenarios share: addresses, filler streams, API-driven pushes and recordings,
a clean shutdown."""

from __future__ import annotations

from generator.ome import MINUTE, PROFILES, Push, Recording, Stream
from generator.server import Server

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

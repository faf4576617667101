"""The benchmark corpus: a busy server's lines, as many as asked, from scenario templates."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

from generator.common import STYPE_OF_PROFILE, source_url
from generator.ome import (
    _EPOCH,
    PROFILES,
    REASONS,
    UTC_SERVER_ID,
    Push,
    Recording,
    Stream,
    audio_only_tracks,
    iso,
    render_line,
    rtsp_camera_tracks,
    to_ms,
)
from generator.server import Server

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

"""Hypothesis strategies shared by the property tests: events as OME would write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from tests.helpers.analyze import (
    SERVER,
    abnormal,
    created,
    deleted,
    line,
    prepared,
    stream_snapshot,
)
from tests.helpers.analyze import video as video_object
from tests.helpers.lines import line_of

from ome_events import Category, Cause, EventType, Level

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)

offsets = st.sampled_from([0, 60, 330, 540, -300, -480]).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)

times = st.builds(
    lambda base, ms, tz: (base + timedelta(milliseconds=ms)).astimezone(tz),
    st.just(datetime(2025, 3, 26, tzinfo=UTC)),
    st.integers(min_value=0, max_value=10 * 24 * 3600 * 1000),
    offsets,
)


def format_time(value: datetime) -> str:
    """OME's format: milliseconds and a ±HH:MM offset."""
    return value.isoformat(timespec="milliseconds")


source_ids = st.one_of(
    st.just("6add8be3-181f-4c4b-bc4e-0123456789ab"),
    names,
    st.builds(lambda v, a: f"#{v}#{a}", names, names),
    st.builds(lambda v, a, s: f"#{v}#{a}/{s}", names, names, names),
)

levels = st.one_of(st.sampled_from([m.value for m in Level]), st.just("Critical"))
categories = st.one_of(st.sampled_from([m.value for m in Category]), st.just("ClusterEvent"))
types = st.one_of(st.sampled_from([m.value for m in EventType]), st.just("NodeJoined"))
causes = st.one_of(st.sampled_from([m.value for m in Cause]), st.just("FutureCause"))

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

video = st.fixed_dictionaries(
    {
        "codec": st.sampled_from(["H264", "H265", "VP8"]),
        "width": st.integers(0, 3840),
        "height": st.integers(0, 2160),
        "bitrate": st.one_of(st.integers(0, 10**8), st.integers(0, 10**8).map(str)),
        "bitrateLatest": st.one_of(
            st.integers(-(2**31), 2**31), st.integers(-(2**31), 2**31).map(str)
        ),
        "framerate": st.floats(0, 120),
        "keyFrameInterval": st.floats(0, 600),
        "hasBframes": st.booleans(),
    }
)
stream_snapshots = st.fixed_dictionaries(
    {
        "name": names,
        "sourceType": st.sampled_from(["Rtmp", "WebRTC", "Srt"]),
        "createdTime": times.map(format_time),
        "tracks": st.lists(
            st.one_of(
                st.fixed_dictionaries(
                    {"id": st.integers(0, 9), "type": st.just("Video"), "video": video}
                ),
                st.fixed_dictionaries({"id": st.integers(0, 9), "type": st.just("Data")}),
            ),
            max_size=3,
        ),
    }
)


@st.composite
def raw_events(draw: st.DrawFn) -> dict[str, Any]:
    """A decoded event object with the keys in OME's order, sometimes with extras."""
    obj: dict[str, Any] = {
        "time": format_time(draw(times)),
        "level": draw(levels),
        "category": draw(categories),
        "type": draw(types),
        "sourceId": draw(source_ids),
        "summary": draw(st.text(max_size=60)),
    }
    if draw(st.booleans()):
        obj["cause"] = draw(causes)
    snapshot = draw(st.one_of(st.none(), stream_snapshots, json_values))
    if snapshot is not None:
        obj["snapshot"] = snapshot
    if draw(st.integers(0, 9)) == 0:
        obj["node"] = draw(st.text(max_size=10))
    return obj


lines = raw_events().map(line_of)


@st.composite
def chunkings(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """``data`` cut into chunks at arbitrary places (empty chunks included)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    chunks = []
    previous = 0
    for cut in [*cuts, len(data)]:
        chunks.append(data[previous:cut])
        previous = cut
    return chunks


# What OME writes in a bitrate counter, and what a damaged or future line might hold.
bitrate_counters = st.one_of(
    st.none(),
    st.integers(-(2**40), 2**40),
    st.integers(-(2**40), 2**40).map(str),
    st.integers(0, 10**9).map(lambda n: f"00{n}"),
    st.integers(0, 10**9).map(lambda n: f" {n}"),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=6),
)
media_objects = st.fixed_dictionaries(
    {},
    optional={
        "bitrate": bitrate_counters,
        "bitrateConf": bitrate_counters,
        "bitrateAvg": bitrate_counters,
        "bitrateLatest": bitrate_counters,
    },
)


# Logs of a small, busy server, for the analyzer properties.
STREAMS = ["#default#app/a", "#default#app/b", "#default#live/c"]


@st.composite
def synthetic_logs(draw: st.DrawFn) -> list[bytes]:
    """Lines of a small, busy server: sessions that may fail, B-frames, REST calls with
    errors and delays, access failures; times strictly increasing."""
    lines: list[bytes] = []
    seconds = 0.0
    open_ids: dict[str, int] = {}
    next_id = 100
    for _ in range(draw(st.integers(min_value=1, max_value=60))):
        seconds += draw(st.integers(min_value=1, max_value=40_000)) / 1000
        stream = draw(st.sampled_from(STREAMS))
        action = draw(st.sampled_from(
            ["create", "prepare", "delete", "bframes", "rest", "policy", "congestion"]
        ))  # fmt: skip
        if action == "create":
            next_id += 1
            open_ids[stream] = next_id
            lines.append(created(seconds, next_id, stream))
        elif action == "prepare" and stream in open_ids:
            snapshot = stream_snapshot(
                video_object(keyFrameInterval=draw(st.sampled_from([1.0, 300.0])))
            )
            lines.append(prepared(seconds, open_ids[stream], stream, snapshot))
        elif action == "delete" and stream in open_ids:
            lines.append(deleted(seconds, open_ids.pop(stream), stream))
        elif action == "bframes":
            lines.append(abnormal(seconds, "BFrameDetected", stream))
        elif action == "rest":
            rid = f"r{len(lines)}"
            status = draw(st.sampled_from([200, 200, 404, 500]))
            took = draw(st.sampled_from([0.01, 0.3, 3.0]))
            lines.append(
                line(
                    seconds,
                    "RestApiRequested",
                    SERVER,
                    f"REST API requested. Method: GET, Path: /v1/{stream[-1]},"
                    f" Version: HTTP/1.1, RemoteAddress: 192.0.2.1:5, RequestID: {rid}",
                )
            )
            seconds += took
            lines.append(
                line(
                    seconds,
                    "RestApiResponded",
                    SERVER,
                    f"REST API responded. Status: {status}, RequestID: {rid}",
                )
            )
        elif action == "policy":
            lines.append(
                line(
                    seconds,
                    "VerifyingSignedPolicyFailed",
                    stream,
                    "Signed policy verification failed. Url: x,"
                    " RemoteAddress: 203.0.113.9:1, Message: Policy expired",
                    level="Error",
                )
            )
        elif action == "congestion":
            lines.append(
                line(
                    seconds,
                    "InternalQueueCongestion",
                    SERVER,
                    "Internal queue congestion. QueueName: Q, Size: 600,"
                    " Threshold: 500, PeakSize: 700",
                )
            )
    return lines  # fmt: skip


jitter_lists = st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=50)

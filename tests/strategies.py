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


# Hostile values: what a damaged, fuzzed or malicious line may hold in any field.


def nested(depth: int, leaf: Any = 1) -> Any:
    """A value nested ``depth`` levels deep (lists and objects alternating)."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


edge_times = st.one_of(
    st.sampled_from(
        [
            "0001-01-01T00:00:00",
            "0001-01-01T00:00:00-23:59",
            "9999-12-31T23:59:59.999+00:00",
            "9999-12-31T23:59:59.999-23:59",
            "1899-12-31T23:59:59.999+00:00",
            "1900-01-01T00:00:00.000+14:00",
            "8999-12-31T23:59:59.999-23:59",
            "1970-01-01T00:00:00.000+00:00",
            "2025-03-26T05:21:46.315+23:59",
            "2025-03-26",
            "2025-03-26T05:21:46",
            "",
            "yesterday",
        ]
    ),
    times.map(format_time),
)
hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "\x1b]0;pwned\x07\x1b[2J",
            "\u202e\u2066evil\u2069",
            '=HYPERLINK("http://x")',
            "[red]markup[/red]",
            "203.0.113.40:1935",
            "rtmp%3A%2F%2F203.0.113.40/app",
            "x" * 5000,
            "#default#app/" + "s" * 300,
            "#",
            "##/",
            "\ud7ff\ue000",
        ]
    ),
)
hostile_numbers = st.one_of(
    st.sampled_from([0, -1, -0.0, 1e308, -1e308, 2**63, 2**64 + 1, -(2**63) - 1, 1e-308, 0.5]),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
hostile_scalars = st.one_of(st.none(), st.booleans(), hostile_numbers, hostile_text)
hostile_values = st.one_of(
    hostile_scalars,
    st.sampled_from([3, 100, 200, 254, 255, 300, 900, 1000]).map(nested),
    st.recursive(
        hostile_scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)
        ),
        max_leaves=8,
    ),
)
# A stream snapshot whose every field may be odd: numbers out of any range, wrong types.
hostile_tracks = st.lists(
    st.fixed_dictionaries(
        {"id": hostile_values, "type": st.sampled_from(["Video", "Audio", "Data", "x"])},
        optional={
            "video": st.dictionaries(
                st.sampled_from(
                    [
                        "codec",
                        "width",
                        "height",
                        "bitrate",
                        "bitrateConf",
                        "bitrateAvg",
                        "bitrateLatest",
                        "framerate",
                        "framerateConf",
                        "framerateAvg",
                        "keyFrameInterval",
                        "hasBframes",
                        "timebase",
                    ]
                ),
                hostile_values,
                max_size=8,
            ),
            "audio": st.dictionaries(
                st.sampled_from(["codec", "bitrate", "bitrateConf", "bitrateAvg", "samplerate"]),
                hostile_values,
                max_size=5,
            ),
        },
    ),
    max_size=3,
)
hostile_snapshots = st.one_of(
    hostile_values,
    st.fixed_dictionaries(
        {"tracks": hostile_tracks},
        optional={"name": hostile_values, "createdTime": edge_times, "state": hostile_text},
    ),
    st.fixed_dictionaries(
        {"id": hostile_values, "state": st.sampled_from(["error", "stopped", "ready"])},
        optional={
            "sentBytes": hostile_numbers,
            "totalsentBytes": hostile_numbers,
            "recordBytes": hostile_numbers,
            "startTime": edge_times,
            "stream": hostile_values,
        },
    ),
)


@st.composite
def hostile_events(draw: st.DrawFn) -> dict[str, Any]:
    """An event object with a hostile value in any of its fields (or none)."""
    obj: dict[str, Any] = {
        "time": draw(st.one_of(edge_times, hostile_values)) if draw(st.booleans()) else
        format_time(draw(times)),
        "level": draw(st.one_of(levels, hostile_values)),
        "category": draw(st.one_of(categories, hostile_values)),
        "type": draw(st.one_of(types, hostile_values)),
        "sourceId": draw(st.one_of(source_ids, hostile_values)),
        "summary": draw(st.one_of(hostile_text, hostile_values)),
    }  # fmt: skip
    if draw(st.booleans()):
        obj["cause"] = draw(st.one_of(causes, hostile_values))
    if draw(st.booleans()):
        obj["snapshot"] = draw(hostile_snapshots)
    if draw(st.integers(0, 4)) == 0:
        obj[draw(hostile_text)] = draw(hostile_values)
    return obj

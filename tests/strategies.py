"""Hypothesis strategies shared by the property tests: events as OME would write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
from hypothesis import strategies as st

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


def line_of(obj: dict[str, Any]) -> bytes:
    """One log line (with its newline) for a decoded event object."""
    return orjson.dumps(obj) + b"\n"


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

"""The media tracks of a stream event's snapshot, read straight from its line.

The media checks look at a dozen values of each track of every ``StreamPrepared`` and
``AbnormalStreamDetected`` event; decoding the whole line for them (``Event.raw``) builds a
hundred objects per event on a busy server. :func:`media_tracks` decodes only those values
with msgspec (the rest of the line is skipped in C) into :class:`Track` and :class:`Media`.

It gives exactly what reading ``event.raw`` gives: a snapshot of another shape (a value that
is not a number, string, boolean or null where one belongs, an integer beyond 64 bits, a lone
track without ``tracks``) is read from ``event.raw`` instead, and the values are the ones
orjson decodes. ``tests/test_snapshots_tracks.py`` compares the two ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from ome_events.snapshots.raw import tracks_of

if TYPE_CHECKING:
    from ome_events.model import Event

__all__ = ["Media", "Track", "media_tracks", "track_label"]

#: The most a frame rate can plausibly be (fps): beyond it the value is garbage.
MAX_FRAME_RATE = 1000.0
#: The most frames between key frames that can be taken for real.
MAX_KEY_FRAME_FRAMES = 1_000_000.0


def track_label(value: object) -> str | None:
    """A track's ID as people read it (``"0"``, ``"video_1"``), or None when the snapshot's
    value names nothing (missing, negative, a structure, empty or very long text).

    >>> track_label(0), track_label("v1"), track_label(None), track_label({}), track_label(-1)
    ('0', 'v1', None, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 <= value < 2**31 else None
    if isinstance(value, str):
        text = value.strip()
        return text if 0 < len(text) <= 40 and text.isprintable() else None
    return None


# A JSON scalar as orjson decodes it: integers of 64 bits (orjson makes larger ones floats,
# so those are left to the slow path), floats, strings, booleans, null.
_Scalar = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)] | float | str | bool | None


class Media(msgspec.Struct, gc=False):
    """The values the checks read from a ``video`` or ``audio`` object (None when absent).

    ``media.get(key)`` works as on the decoded object, for the readers of
    :mod:`~ome_events.snapshots.raw`.
    """

    codec: _Scalar = None
    hasBframes: _Scalar = None
    framerate: _Scalar = None
    framerateConf: _Scalar = None
    framerateAvg: _Scalar = None
    keyFrameInterval: _Scalar = None
    width: _Scalar = None
    height: _Scalar = None
    bitrate: _Scalar = None
    bitrateConf: _Scalar = None
    bitrateAvg: _Scalar = None
    bitrateLatest: _Scalar = None

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` (None when the object did not have it)."""
        return getattr(self, key, default)

    @classmethod
    def of(cls, media: Mapping[str, Any]) -> Media:
        """The same values taken from a decoded object (any value, unchecked)."""
        return cls(**{name: media.get(name) for name in cls.__struct_fields__})


class Track(msgspec.Struct, gc=False):
    """A track: its ``id`` (``"?"`` when absent) and its video or audio object, if any."""

    id: _Scalar = "?"
    video: Media | None = None
    audio: Media | None = None


class _Snapshot(msgspec.Struct, gc=False):
    tracks: list[Track] | None = None


class _Line(msgspec.Struct, gc=False):
    snapshot: _Snapshot | None = None


_decode_line = msgspec.json.Decoder(_Line).decode
_FAILED = (msgspec.MsgspecError, RecursionError)


def media_tracks(event: Event) -> list[Track]:
    """The tracks of the event's snapshot that have a video or an audio object (or both),
    in order; empty without a snapshot. A lone track object is its own only track."""
    if event.format != "enterprise":
        return _from_raw(event)  # the snapshot is not the line's "snapshot" member
    try:
        line = event._line
    except AttributeError:  # built by hand: only raw
        return _from_raw(event)
    try:
        snapshot = _decode_line(line).snapshot
    except _FAILED:
        return _from_raw(event)
    if snapshot is None or snapshot.tracks is None:
        return _from_raw(event)  # no snapshot, or not a list of tracks: the general path
    return [t for t in snapshot.tracks if t.video is not None or t.audio is not None]


def _from_raw(event: Event) -> list[Track]:
    out = []
    for track in tracks_of(event.snapshot_data):
        video = track.get("video")
        audio = track.get("audio")
        if type(video) is not dict:
            video = None
        if type(audio) is not dict:
            audio = None
        if video is None and audio is None:
            continue
        out.append(
            Track(
                track.get("id", "?"),
                None if video is None else Media.of(video),
                None if audio is None else Media.of(audio),
            )
        )
    return out

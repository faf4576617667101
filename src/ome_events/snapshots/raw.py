"""Reading values straight from a decoded snapshot object: the one place that does.

Typing a whole snapshot (:func:`ome_events.snapshots.type_snapshot`) is the friendly way, but
a ``StreamPrepared`` snapshot with several renditions is tens of objects: readers that look
at a few values of every stream event (the terminal view, the Parquet columns, the media
checks) read them here, from the decoded JSON, with the same rules the typed snapshots use:

* :func:`number` and :func:`integer`: lax coercion (OME writes bitrates as strings up to
  0.18 and as integers from 0.19; anything that is not a number is unknown, never an error);
* :func:`bitrate_issues`: the "impossible bitrate" rule (negative counters, and a
  ``bitrateLatest`` far above the configured bitrate, as OME prints before its first
  one-second window);
* :func:`stream_facts`: the facts of a stream's first video and audio tracks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, Protocol

__all__ = [
    "BITRATE_KEYS",
    "IMPLAUSIBLE_BITRATE_FACTOR",
    "StreamFacts",
    "Values",
    "best_frame_rate",
    "bitrate_issues",
    "counters_may_be_garbage",
    "frames_to_seconds",
    "garbage_counters",
    "integer",
    "may_have_garbage",
    "number",
    "stream_facts",
    "tracks_of",
]

#: A ``bitrateLatest`` more than this many times the configured (or measured) bitrate is
#: impossible: OME prints uninitialised memory there before its first window.
IMPLAUSIBLE_BITRATE_FACTOR = 20


class Values(Protocol):
    """A decoded JSON object, or anything read like one (``get`` a key, None if absent)."""

    def get(self, key: str, /) -> Any: ...


#: The bitrate counters of a ``video`` or ``audio`` object.
BITRATE_KEYS = ("bitrate", "bitrateConf", "bitrateAvg", "bitrateLatest")


def number(value: Any) -> float | None:
    """A JSON number, or a string holding one, as a float; None for anything else.

    >>> number("2500000"), number(30), number(True), number("n/a"), number("inf")
    (2500000.0, 30.0, None, None, None)
    """
    kind = type(value)
    if kind is not float and kind is not int and kind is not str:
        return None
    try:
        found = float(value)
    except (ValueError, OverflowError):  # not a number, or an integer beyond any float
        return None
    # "inf", "nan" and "1e999" are strings float() reads, but no figure OME writes.
    return found if found - found == 0.0 else None


def integer(value: Any) -> int | None:
    """An integer, a whole float or a string of digits as an int; None for anything else.

    >>> integer("-795170153"), integer(30.0), integer(2.5), integer(False)
    (-795170153, 30, None, None)
    """
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is str:
        try:
            return int(value)
        except ValueError:
            return None
    if kind is float and value.is_integer():
        return int(value)
    return None


def bitrate_issues(media: Values) -> list[tuple[str, int, str]]:
    """The impossible bitrate counters of a ``video`` or ``audio`` object.

    Each as (JSON key, value, why): negative counters, and a ``bitrateLatest`` above
    :data:`IMPLAUSIBLE_BITRATE_FACTOR` times the configured (or current) bitrate.

    >>> bitrate_issues({"bitrate": "2500000", "bitrateLatest": "-795170153"})
    [('bitrateLatest', -795170153, 'negative value -795170153')]
    """
    found = []
    values = {}
    for key in BITRATE_KEYS:
        raw = media.get(key)
        value = None if raw is None else integer(raw)
        values[key] = value
        if value is not None and value < 0:
            found.append((key, value, f"negative value {value}"))
    latest = values["bitrateLatest"]
    if latest is not None and latest >= 0:
        reference = max(values["bitrateConf"] or 0, values["bitrate"] or 0)
        if reference > 0 and latest > reference * IMPLAUSIBLE_BITRATE_FACTOR:
            found.append(
                (
                    "bitrateLatest",
                    latest,
                    f"{latest} is over {IMPLAUSIBLE_BITRATE_FACTOR}x the bitrate {reference}"
                    " (OME prints garbage before its first measurement)",
                )
            )
    return found


def garbage_counters(media: Values) -> list[str]:
    """The names of the impossible bitrate counters of a ``video`` or ``audio`` object.

    >>> garbage_counters({"bitrate": "2500000", "bitrateConf": "2500000",
    ...                   "bitrateLatest": "-795170153"})
    ['bitrateLatest']
    """
    return [key for key, _, _ in bitrate_issues(media)]


def may_have_garbage(media: Values) -> bool:
    """A cheap test that is True for every object :func:`bitrate_issues` flags (and few
    others): most stream events have sane counters, and this spares them the full check.

    OME writes plain decimal strings (up to 0.18) or integers (0.19 on); for those it decides
    without parsing: 20 times a bitrate has more digits than it. Anything else goes to the
    full check.
    """
    return counters_may_be_garbage(
        media.get("bitrateLatest"),
        media.get("bitrate"),
        media.get("bitrateConf"),
        media.get("bitrateAvg"),
        media,
    )


def counters_may_be_garbage(
    latest: Any, bitrate: Any, configured: Any, average: Any, media: Values
) -> bool:
    """:func:`may_have_garbage` on the four counters already taken from ``media`` (for a
    caller that has them as attributes: a hot path)."""
    if (
        type(latest) is str
        and type(bitrate) is str
        and type(configured) is str
        and latest.isdigit()
        and bitrate.isdigit()
        and configured.isdigit()
        and (average is None or (type(average) is str and average.isdigit()))
    ):
        # Plain digits, so nothing is negative; 20 times the larger of the two references
        # has more digits than it (leading zeros, which OME never writes, go the long way).
        b = 0 if bitrate == "0" else len(bitrate)
        c = 0 if configured == "0" else len(configured)
        if (not b or bitrate[0] != "0") and (not c or configured[0] != "0"):
            reference = b if b > c else c
            return reference > 0 and len(latest) > reference
        return True
    if type(latest) is int and type(bitrate) is int and type(configured) is int:
        return (
            latest < 0
            or bitrate < 0
            or configured < 0
            or (average is not None and (type(average) is not int or average < 0))
            or latest > IMPLAUSIBLE_BITRATE_FACTOR * max(bitrate, configured)
        )
    return any(media.get(key) is not None for key in BITRATE_KEYS)


def tracks_of(snapshot: Any) -> Iterator[Mapping[str, Any]]:
    """The track objects of a stream snapshot; a lone track object ("track information",
    as some ``AbnormalStreamDetected`` events carry) is its own only track."""
    if type(snapshot) is not dict:
        return
    tracks = snapshot.get("tracks")
    if type(tracks) is list:
        for track in tracks:
            if type(track) is dict:
                yield track
    elif "type" in snapshot:
        yield snapshot


class StreamFacts(NamedTuple):
    """What a stream snapshot says about its first video and first audio track.

    Every value is None when the snapshot does not hold it (or holds something that is not
    a number where a number belongs).
    """

    video_codec: str | None
    width: int | None
    height: int | None
    #: the measured ``framerate``, else the configured one (both ignored when 0)
    frame_rate: float | None
    #: ``bitrateConf`` of the video track
    bitrate_conf: int | None
    #: ``bitrateConf``, else ``bitrate``, of the video track (what the encoder aims at)
    video_bitrate: int | None
    #: ``keyFrameInterval`` (frames) divided by the frame rate
    key_frame_interval_s: float | None
    has_bframes: bool | None
    audio_codec: str | None
    #: ``bitrateConf``, else ``bitrate``, of the audio track
    audio_bitrate: int | None
    #: how many video tracks the stream has (renditions)
    video_tracks: int
    #: how many audio tracks it has
    audio_tracks: int


def _text(value: Any) -> str | None:
    return value if type(value) is str else None


def _dimension(value: Any) -> int | None:
    found = number(value)
    return None if found is None or not 0 <= found < 2**31 else int(found)


def _configured(media: Mapping[str, Any]) -> int | None:
    for key in ("bitrateConf", "bitrate"):
        found = number(media.get(key))
        if found is not None and 0 < found < 2**63:
            return int(found)
    return None


def best_frame_rate(measured: float | None, configured: float | None) -> float | None:
    """The measured frame rate, else the configured one; None when neither is above 0."""
    for value in (measured, configured):
        if value is not None and value > 0:
            return value
    return None


def frames_to_seconds(frames: float | None, fps: float | None) -> float | None:
    """A key-frame interval in frames as seconds; None when unknown (0 frames, no rate).

    OME counts ``keyFrameInterval`` in frames; its own long-key-frame rule divides by the
    frame rate and warns above 4 seconds.
    """
    if frames is None or frames <= 0 or fps is None:
        return None
    seconds = frames / fps
    return seconds if seconds - seconds == 0.0 else None  # a huge count at a tiny rate: unknown


def stream_facts(snapshot: Any) -> StreamFacts | None:
    """The facts of a stream snapshot's first video and audio tracks; None without either.

    >>> facts = stream_facts({"tracks": [{"video": {"codec": "H264", "width": 1920,
    ...     "height": 1080, "framerate": 30.0, "keyFrameInterval": 60.0,
    ...     "bitrateConf": "2500000"}}, {"audio": {"codec": "AAC", "bitrate": 160000}}]})
    >>> facts.video_codec, facts.key_frame_interval_s, facts.video_bitrate, facts.audio_bitrate
    ('H264', 2.0, 2500000, 160000)
    """
    video: Mapping[str, Any] | None = None
    audio: Mapping[str, Any] | None = None
    videos = audios = 0
    for track in tracks_of(snapshot):
        media = track.get("video")
        if type(media) is dict:
            videos += 1
            if video is None:
                video = media
        media = track.get("audio")
        if type(media) is dict:
            audios += 1
            if audio is None:
                audio = media
    if video is None and audio is None:
        return None
    audio_codec = None if audio is None else _text(audio.get("codec"))
    audio_bitrate = None if audio is None else _configured(audio)
    if video is None:
        return StreamFacts(
            None, None, None, None, None, None, None, None, audio_codec, audio_bitrate, 0, audios
        )
    fps = best_frame_rate(number(video.get("framerate")), number(video.get("framerateConf")))
    conf = number(video.get("bitrateConf"))
    bframes = video.get("hasBframes")
    return StreamFacts(
        _text(video.get("codec")),
        _dimension(video.get("width")),
        _dimension(video.get("height")),
        fps,
        None if conf is None or not -(2**63) <= conf < 2**63 else int(conf),
        _configured(video),
        frames_to_seconds(number(video.get("keyFrameInterval")), fps),
        bframes if type(bframes) is bool else None,
        audio_codec,
        audio_bitrate,
        videos,
        audios,
    )

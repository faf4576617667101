"""media_tracks reads a snapshot's media values from the line (msgspec, the rest skipped): it
must give exactly what reading them from the decoded line (``event.raw``) gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.helpers.lines import STREAM_PREPARED, event_line, line_of
from tests.strategies import hostile_snapshots, media_objects, stream_snapshots

from ome_events import parse_line
from ome_events.snapshots.tracks import Media, Track, _from_raw, media_tracks
from ome_events.text import dumps


def typed(value: Any) -> Any:
    """A value with its type, so that 1 and 1.0 and True differ."""
    if isinstance(value, Track):
        return ("track", typed(value.id), typed(value.video), typed(value.audio))
    if isinstance(value, Media):
        return tuple(typed(getattr(value, name)) for name in Media.__struct_fields__)
    if isinstance(value, list) and all(isinstance(item, Track) for item in value):
        return [typed(item) for item in value]
    if isinstance(value, list | dict):  # any depth: compared as JSON text
        return ("json", dumps(value))
    return (type(value).__name__, value)


def assert_same(line: bytes) -> None:
    event = parse_line(line)
    assert typed(media_tracks(event)) == typed(_from_raw(event))


snapshots = st.one_of(
    stream_snapshots,
    hostile_snapshots,
    st.fixed_dictionaries(
        {
            "tracks": st.lists(
                st.fixed_dictionaries(
                    {"id": st.integers(0, 5)},
                    optional={"video": media_objects, "audio": media_objects},
                ),
                max_size=4,
            )
        }
    ),
)


@given(snapshots)
def test_same_as_reading_the_decoded_line(snapshot: Any) -> None:
    assert_same(line_of({**parse_line(event_line()).raw, "snapshot": snapshot}))


def test_the_specification_example() -> None:
    [video, audio] = media_tracks(parse_line(STREAM_PREPARED))
    assert video.video is not None and video.video.framerate == 30.0
    assert audio.audio is not None and audio.audio.bitrateLatest == "-795170153"


def test_values_beyond_64_bits_take_the_slow_path() -> None:
    line = STREAM_PREPARED.replace(b'"bitrate":"2500000"', b'"bitrate":123456789012345678901')
    assert_same(line)
    event = parse_line(line)
    assert media_tracks(event)[0].video.bitrate == 1.2345678901234568e20  # type: ignore[union-attr]

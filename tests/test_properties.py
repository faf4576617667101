"""Properties that must hold for any input: round trip, chunking, totality, order."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import chunkings, format_time, line_of, raw_events, times

from ome_events import LineDecoder, ParseError, parse_line, read_events


class TestRoundTrip:
    """An event written back from raw parses to an equal event."""

    @given(raw_events())
    def test_raw_round_trip(self, obj: dict[str, Any]) -> None:
        """parse(dump(raw)) == event, and raw is the object as decoded."""
        event = parse_line(line_of(obj))
        assert event.raw == obj
        again = parse_line(event.to_json())
        assert again == event
        assert again.raw == event.raw

    @given(raw_events())
    def test_typed_values_mirror_raw(self, obj: dict[str, Any]) -> None:
        """The typed fields hold the same strings as raw."""
        event = parse_line(line_of(obj))
        assert event.level == obj["level"]
        assert event.category == obj["category"]
        assert event.type == obj["type"]
        assert event.cause == obj.get("cause")
        assert str(event.source) == obj["sourceId"]
        assert format_time(event.time) == obj["time"]
        assert event.snapshot is None or "snapshot" in obj


class TestChunking:
    """Any split of a byte stream into chunks gives the same events."""

    @given(st.data(), st.lists(raw_events(), max_size=6), st.booleans())
    def test_any_split(self, data: st.DataObject, objs: list[dict[str, Any]], crlf: bool) -> None:
        """Events, origins and the final position do not depend on chunk boundaries."""
        stream = b"".join(line_of(o) for o in objs)
        if crlf:
            stream = stream.replace(b"\n", b"\r\n")
        whole = LineDecoder(file="f")
        expected = whole.feed(stream)
        pieces = LineDecoder(file="f")
        got = [e for chunk in data.draw(chunkings(stream)) for e in pieces.feed(chunk)]
        assert got == expected
        assert [e.origin for e in got] == [e.origin for e in expected]
        assert (
            (pieces.offset, pieces.line)
            == (whole.offset, whole.line)
            == (len(stream), len(objs) + 1)
        )

    @given(
        st.data(),
        st.lists(
            st.one_of(
                raw_events().map(line_of),
                st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"") + b"\n"),
            ),
            max_size=8,
        ),
    )
    def test_any_split_with_bad_lines(self, data: st.DataObject, lines: list[bytes]) -> None:
        """Bad lines are reported at the same places whatever the chunking."""
        stream = b"".join(lines)
        whole = LineDecoder(errors="collect")
        expected = whole.feed(stream)
        pieces = LineDecoder(errors="collect")
        got = [e for chunk in data.draw(chunkings(stream)) for e in pieces.feed(chunk)]
        assert got == expected
        assert [(e.line, e.offset) for e in pieces.errors] == [
            (e.line, e.offset) for e in whole.errors
        ]


class TestTotality:
    """No input bytes produce anything but events or ParseError."""

    @given(st.binary(max_size=300))
    @settings(max_examples=500)
    def test_parse_line(self, data: bytes) -> None:
        """Arbitrary bytes: an event or a ParseError."""
        with contextlib.suppress(ParseError):
            parse_line(data)

    @given(
        st.lists(
            st.one_of(
                st.binary(max_size=50),
                st.sampled_from([b"\n", b"{", b"}", b'"', b"\xef\xbb\xbf", b"\r\n"]),
                raw_events().map(line_of),
            ),
            max_size=12,
        ),
        st.booleans(),
    )
    @settings(max_examples=300)
    def test_decoder(self, chunks: list[bytes], strict: bool) -> None:
        """Any chunk sequence: events or ParseErrors, and feed(b'') always makes progress."""
        decoder = LineDecoder(strict=strict, max_line_bytes=200)
        for chunk in [*chunks, None]:
            for _ in range(len(chunks) * 50 + 10):
                try:
                    if chunk is None:
                        decoder.close()
                    else:
                        decoder.feed(chunk)
                    break
                except ParseError:
                    chunk = b"" if chunk is not None else None
            else:
                raise AssertionError("the decoder kept raising without progress")

    @given(
        raw_events(),
        st.sampled_from(
            ["time", "level", "category", "type", "sourceId", "summary", "cause", "snapshot"]
        ),
        st.one_of(
            st.none(),
            st.integers(-(2**63), 2**63 - 1),
            st.floats(),
            st.lists(st.integers(-(2**63), 2**63 - 1), max_size=2),
            st.dictionaries(st.text(max_size=3), st.integers(-(2**63), 2**63 - 1), max_size=2),
            st.text(max_size=10),
        ),
    )
    def test_any_value_in_any_field(self, obj: dict[str, Any], key: str, value: Any) -> None:
        """A wrong value anywhere is a ParseError or an event, in lax and strict modes."""
        obj[key] = value
        line = orjson.dumps(obj)
        for strict in (False, True):
            try:
                event = parse_line(line, strict=strict)
            except ParseError:
                continue
            _ = event.snapshot, event.fields, event.message


class TestReaderOrder:
    """A directory of rotated files reads back in time order."""

    @given(
        st.lists(times, min_size=1, max_size=30, unique_by=lambda t: t.timestamp()),
        st.integers(1, 4),
        st.randoms(use_true_random=False),
    )
    @settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
    def test_rotated_files_in_any_naming(
        self, stamps: list[datetime], files: int, random: Any
    ) -> None:
        """Sorted events cut into files named any way read back sorted."""
        stamps.sort()
        objs = [
            {
                "time": format_time(t),
                "level": "Info",
                "category": "StreamEvent",
                "type": "StreamCreated",
                "sourceId": "#default#app/s",
                "summary": f"n{i}",
            }
            for i, t in enumerate(stamps)
        ]
        cuts = (
            sorted(random.sample(range(1, len(objs) + 1), min(files, len(objs)) - 1))
            if len(objs) > 1
            else []
        )
        parts = [objs[a:b] for a, b in zip([0, *cuts], [*cuts, len(objs)], strict=True)]
        names = [
            f"events.log.2025{random.randint(1, 12):02d}{random.randint(10, 28)}.{i}"
            for i in range(len(parts) - 1)
        ]
        random.shuffle(names)
        with tempfile.TemporaryDirectory() as folder:
            for name, part in zip([*names, "events.log"], parts, strict=True):
                Path(folder, name).write_bytes(b"".join(line_of(o) for o in part))
            assert [e.summary for e in read_events(folder)] == [o["summary"] for o in objs]

"""The sans-IO parser: parse_line and LineDecoder."""

from __future__ import annotations

import pytest
from tests.helpers.lines import STREAM_CREATED, STREAM_PREPARED, event_line

from ome_events import Category, Cause, EventType, Level, LineDecoder, ParseError, parse_line


class TestParseLine:
    """One line to one event."""

    def test_typed_fields(self) -> None:
        """Every top-level field is typed."""
        event = parse_line(STREAM_CREATED)
        assert event.level is Level.INFO
        assert event.category is Category.STREAM
        assert event.type is EventType.STREAM_CREATED
        assert event.cause is None
        assert event.source.stream == "push_rtmp"
        assert event.time.microsecond == 315000

    def test_accepts_str_newline_crlf_and_bom(self) -> None:
        """Text or bytes, with a line ending or a BOM."""
        expected = parse_line(STREAM_CREATED)
        assert parse_line(STREAM_CREATED.decode()) == expected
        assert parse_line(STREAM_CREATED + b"\r\n") == expected
        assert parse_line(b"\xef\xbb\xbf" + STREAM_CREATED) == expected

    def test_cause(self) -> None:
        """A documented cause is typed; an unknown one kept."""
        line = event_line(type="AbnormalStreamDetected", level="Warning", cause="BFrameDetected")
        assert parse_line(line).cause is Cause.BFRAME_DETECTED
        unknown = parse_line(event_line(cause="FutureCause")).cause
        assert unknown == "FutureCause" and unknown is not None and not unknown.known

    def test_unknown_names_are_kept(self) -> None:
        """A new level, category or type reaches the user."""
        event = parse_line(event_line(level="Critical", category="ClusterEvent", type="NodeJoined"))
        assert (event.level, event.category, event.type) == (
            "Critical",
            "ClusterEvent",
            "NodeJoined",
        )
        assert not event.category.known

    def test_unknown_fields_are_kept(self) -> None:
        """Extra top-level keys stay in raw."""
        event = parse_line(event_line(node="edge-3"))
        assert event.raw["node"] == "edge-3"

    def test_strict_rejects_unknown_names(self) -> None:
        """strict=True turns unknown names into errors that say what was expected."""
        with pytest.raises(ParseError, match="unknown category 'ClusterEvent'") as info:
            parse_line(event_line(category="ClusterEvent"), strict=True)
        assert "StreamEvent" in info.value.expected

    def test_strict_checks_snapshots(self) -> None:
        """strict=True types the snapshot at once and reports the path of a bad value."""
        line = event_line(type="StreamPrepared", snapshot={"tracks": "no"})
        assert parse_line(line).snapshot is not None
        with pytest.raises(ParseError) as info:
            parse_line(line, strict=True)
        assert info.value.path == "$.tracks"

    def test_time_without_offset(self) -> None:
        """Lax: a time without offset is UTC. Strict: an error."""
        line = event_line(time="2025-03-26T05:21:46.315")
        assert parse_line(line).time.utcoffset() is not None
        with pytest.raises(ParseError, match="no UTC offset"):
            parse_line(line, strict=True)

    @pytest.mark.parametrize(
        ("line", "reason"),
        [
            (b"not json", "not valid JSON"),
            (b'{"time":', "not valid JSON"),
            (b"[1, 2]", "the line is an array"),
            (b'"text"', "the line is a JSON str"),
            (b'{"level":"Info"}', "missing 'time'"),
            (event_line(time="yesterday"), "not an ISO 8601 time"),
            (event_line(time=5), "not an ISO 8601 time"),  # type: ignore[arg-type]
            (event_line(level=3), "'level' is not a string"),  # type: ignore[arg-type]
            (event_line(source=["x"]), "'sourceId' is not a string"),  # type: ignore[arg-type]
            (event_line(summary=None), "'summary' is not a string"),  # type: ignore[arg-type]
            (event_line(cause={}), "'cause' is not a string"),
            (b'{"a":"\xff"}', "not valid JSON"),
            (b"[" * 2000 + b"]" * 2000, "not valid JSON"),
        ],
    )
    def test_errors_say_what_was_wrong(self, line: bytes, reason: str) -> None:
        """Each kind of bad line raises a ParseError (a ValueError) with a reason."""
        with pytest.raises(ParseError, match=reason) as info:
            parse_line(line, file="events.log", line_number=7, offset=1234)
        error = info.value
        assert isinstance(error, ValueError)
        assert (error.file, error.line, error.offset) == ("events.log", 7, 1234)
        assert "events.log, line 7, byte 1234" in str(error)
        assert error.expected

    def test_error_excerpt_is_short_and_printable(self) -> None:
        """The excerpt shows the start of the line with control characters escaped."""
        with pytest.raises(ParseError) as info:
            parse_line(b"\x1b[31mred\x00" + b"x" * 500)
        assert "\x1b" not in info.value.excerpt
        assert len(info.value.excerpt) <= 81


def lines(*items: bytes) -> bytes:
    return b"".join(item if item.endswith(b"\n") else item + b"\n" for item in items)


class TestLineDecoder:
    """Chunks in, events of complete lines out."""

    def test_partial_line_waits_for_its_newline(self) -> None:
        """A complete JSON object without its newline is not emitted (OME's two writes)."""
        decoder = LineDecoder()
        assert decoder.feed(STREAM_PREPARED) == []
        assert decoder.buffered == len(STREAM_PREPARED)
        [event] = decoder.feed(b"\n")
        assert event.type is EventType.STREAM_PREPARED
        assert decoder.buffered == 0

    def test_byte_by_byte(self) -> None:
        """One byte at a time gives the same events."""
        data = lines(STREAM_CREATED, STREAM_PREPARED)
        decoder = LineDecoder()
        events = [e for i in range(len(data)) for e in decoder.feed(data[i : i + 1])]
        assert [e.type for e in events] == [EventType.STREAM_CREATED, EventType.STREAM_PREPARED]

    def test_origin_counts_lines_and_bytes(self) -> None:
        """Each event knows its file, line number and byte offset."""
        data = b"\xef\xbb\xbf" + STREAM_CREATED + b"\r\n\n  \n" + STREAM_PREPARED + b"\n"
        events = LineDecoder(file="f.log").feed(data)
        assert [tuple(e.origin)[:3] for e in events if e.origin] == [
            ("f.log", 1, 0),
            ("f.log", 4, len(STREAM_CREATED) + 3 + 2 + 1 + 3),
        ]

    def test_offset_is_past_the_last_complete_line(self) -> None:
        """offset and line tell a follower where to resume."""
        decoder = LineDecoder()
        decoder.feed(STREAM_CREATED + b"\n" + STREAM_PREPARED[:10])
        assert (decoder.offset, decoder.line) == (len(STREAM_CREATED) + 1, 2)

    def test_start_position(self) -> None:
        """A decoder can start mid-file and numbers lines from there."""
        [event] = LineDecoder(file="f", offset=500, line=10).feed(STREAM_CREATED + b"\n")
        assert event.origin is not None and (event.origin.line, event.origin.offset) == (10, 500)

    def test_raise_mode_loses_nothing(self) -> None:
        """The bad line raises; the good events around it come with the next call."""
        decoder = LineDecoder(file="f.log")
        data = lines(STREAM_CREATED, b"garbage", STREAM_PREPARED, b"more garbage", STREAM_CREATED)
        with pytest.raises(ParseError) as info:
            decoder.feed(data)
        assert (info.value.line, info.value.offset) == (2, len(STREAM_CREATED) + 1)
        with pytest.raises(ParseError) as info:
            decoder.feed(b"")
        assert info.value.line == 4
        rest = decoder.feed(b"")
        assert [e.origin.line for e in rest if e.origin] == [1, 3, 5]
        assert decoder.error_count == 2

    def test_skip_and_collect(self) -> None:
        """Skip counts bad lines, collect keeps them, both read every good line."""
        data = lines(b"x", STREAM_CREATED, b"{", STREAM_CREATED)
        skip = LineDecoder(errors="skip")
        assert len(skip.feed(data)) == 2
        assert (skip.error_count, skip.errors) == (2, [])
        seen: list[ParseError] = []
        collect = LineDecoder(errors="collect", on_error=seen.append)
        assert len(collect.feed(data)) == 2
        assert [e.line for e in collect.errors] == [1, 3]
        assert seen == collect.errors

    def test_close_reads_a_final_line_without_newline(self) -> None:
        """At the end of a finished file the last line needs no newline."""
        decoder = LineDecoder()
        assert decoder.feed(STREAM_CREATED) == []
        assert len(decoder.close()) == 1

    def test_close_reports_a_truncated_last_line(self) -> None:
        """Half a line at the end of a file is an error with its position."""
        decoder = LineDecoder(errors="collect")
        decoder.feed(STREAM_CREATED + b"\n" + STREAM_PREPARED[:50])
        decoder.close()
        assert [e.line for e in decoder.errors] == [2]

    def test_long_line_is_skipped_and_bounded(self) -> None:
        """A line over the limit is reported, never buffered whole, and the next line is read."""
        decoder = LineDecoder(errors="collect", max_line_bytes=1000)
        events = decoder.feed(STREAM_CREATED + b"\n")
        for _ in range(100):
            events += decoder.feed(b"y" * 500)
            assert decoder.buffered <= 1500
        events += decoder.feed(b"yyy\n" + STREAM_CREATED + b"\n")
        assert len(events) == 2
        [error] = decoder.errors
        assert error.line == 2 and "longer than the limit" in error.reason
        assert events[1].origin is not None and events[1].origin.line == 3
        assert events[1].origin.offset == len(STREAM_CREATED) + 1 + 50_000 + 4

    def test_long_line_in_one_chunk(self) -> None:
        """Also when the whole long line arrives at once."""
        decoder = LineDecoder(errors="collect", max_line_bytes=300)
        events = decoder.feed(b"z" * 1000 + b"\n" + STREAM_CREATED + b"\n")
        assert len(events) == 1 and len(decoder.errors) == 1

    @pytest.mark.parametrize("chunk", [1, 7, 100, 10_000])
    def test_long_event_line_is_refused_however_it_arrives(self, chunk: int) -> None:
        """A valid event over the limit is the same error whether it streams in or not."""
        data = STREAM_CREATED + b"\n" + STREAM_CREATED + b"\r\n"
        decoder = LineDecoder(errors="collect", max_line_bytes=len(STREAM_CREATED) - 1)
        for start in range(0, len(data), chunk):
            assert decoder.feed(data[start : start + chunk]) == []
        reasons = [(e.line, e.offset, e.reason, e.excerpt) for e in decoder.errors]
        size = len(STREAM_CREATED)
        assert reasons == [
            (1, 0, f"line of {size} bytes is longer than the limit, skipped", ""),
            (2, size + 1, f"line of {size + 1} bytes is longer than the limit, skipped", ""),
        ]

    def test_long_line_at_end_of_input(self) -> None:
        """An unfinished long line at the end is reported by close."""
        decoder = LineDecoder(errors="collect", max_line_bytes=100)
        decoder.feed(b"z" * 1000)
        assert decoder.close() == []
        assert len(decoder.errors) == 1

    def test_blank_lines_are_not_errors(self) -> None:
        """Empty and whitespace-only lines are passed over silently."""
        decoder = LineDecoder()
        assert len(decoder.feed(b"\n \n\t\r\n" + STREAM_CREATED + b"\n\n")) == 1
        assert decoder.line == 6

    def test_bad_policy(self) -> None:
        """An unknown error policy is refused at once."""
        with pytest.raises(ValueError, match="errors must be"):
            LineDecoder(errors="ignore")  # type: ignore[arg-type]

"""Every fast path gives exactly what the plain path gives.

The plain path is the definition: decode the whole line (:func:`ome_events.text.loads`),
then check and type it (:func:`ome_events.parse.event_from_object`). The fast line decoder
(msgspec, the snapshot validated and skipped) must accept the same lines, build equal events
(``raw`` included, decoded later from the line) and reject the others with the same reason.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.helpers.lines import PUSH_STARTED, STREAM_CREATED, STREAM_PREPARED, event_line
from tests.helpers.mutations import mutate
from tests.strategies import lines

from ome_events import Event, LineDecoder, ParseError, parse_line, read_events
from ome_events.filters import EventFilter
from ome_events.model import Level
from ome_events.parse import event_from_object
from ome_events.reader import EventReader, Partial
from ome_events.text import loads

SPEC_LINES = [STREAM_CREATED, STREAM_PREPARED, PUSH_STARTED]


def plain(line: bytes) -> Event | str:
    """The plain path: the event, or the reason the line is bad."""
    line = line.removeprefix(b"\xef\xbb\xbf")  # parse_line accepts a BOM
    try:
        obj = loads(line)
    except ParseError as error:
        return error.reason
    except ValueError as error:
        return "not valid JSON: " + str(error).split(": line ")[0]
    try:
        return event_from_object(obj, line=line)
    except ParseError as error:
        return error.reason


def fast(line: bytes) -> Event | str:
    """The decoder's path (the one every reader and follower takes)."""
    try:
        return parse_line(line)
    except ParseError as error:
        return error.reason


def assert_same(line: bytes) -> None:
    expected, got = plain(line), fast(line)
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected, line[:200]
        return
    with recursion_limit(max(sys.getrecursionlimit(), 10_000)):  # deep raw values compared
        assert got == expected, line[:200]
        assert got.raw == expected.raw
    assert got.to_json() == expected.to_json()
    assert repr(got) == repr(expected)


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


class TestLineDecoding:
    @given(lines)
    def test_generated_events(self, line: bytes) -> None:
        assert_same(line)

    @settings(max_examples=500)
    @given(st.sampled_from(SPEC_LINES), st.randoms(use_true_random=False), st.integers(1, 3))
    def test_mutated_lines(self, line: bytes, rng: random.Random, times: int) -> None:
        for _ in range(times):
            line = mutate(line, rng)
        assert_same(line)

    @given(st.binary(max_size=300))
    @example(b"")
    @example(b"   ")
    @example(b"[]")
    def test_arbitrary_bytes(self, line: bytes) -> None:
        assert_same(line)

    @pytest.mark.parametrize(
        "snapshot",
        [
            b'{"framerate":1e+9999}',  # jsoncpp's infinity: valid JSON, read as inf
            b'{"framerate":-1e400,"n":123456789012345678901234567890}',
            b"1" + b"0" * 400,
            b'"\\ud800"',  # a lone surrogate: not valid
            b'"\\ud83d\\ude00"',
            b'"caf\xc3\xa9"',  # UTF-8: decoded whole
            b'"\xff"',  # bad UTF-8 inside the snapshot: bad line on both paths
            b'{"a":1,"a":2}',
            b"NaN",
            b"[" * 300 + b"]" * 300,
            b'{"a":tru}',
        ],
    )
    def test_snapshot_edge_cases(self, snapshot: bytes) -> None:
        line = event_line()[:-2] + b',"snapshot":' + snapshot + b"}"
        assert_same(line)

    @pytest.mark.parametrize("depth", [990, 1000, 1023, 1024, 1025, 1100])
    @pytest.mark.parametrize("limit", [1000, 20_000])
    def test_nesting_whatever_the_recursion_limit(self, depth: int, limit: int) -> None:
        """msgspec's nesting limit follows Python's recursion limit; ours does not."""
        nested = b"[" * depth + b"]" * depth
        line = event_line()[:-2] + b',"snapshot":' + nested + b"}"
        with recursion_limit(limit):
            assert_same(line)
            assert_same(line.replace(b"[]", b"[1e999]"))

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            (b"cause", b"null"),
            (b"cause", b"3"),
            (b"level", b"null"),
            (b"time", b'"2025-03-26T05:21:46"'),
            (b"sourceId", b'"#default#app/\\u0063am"'),
            (b"ti\\u006de", b'"2025-03-26T05:21:46.315+00:00"'),
        ],
    )
    def test_head_edge_cases(self, field: bytes, value: bytes) -> None:
        line = STREAM_CREATED[:-1] + b',"' + field + b'":' + value + b"}"
        assert_same(line)

    def test_raw_is_decoded_when_asked_for(self) -> None:
        event = parse_line(STREAM_PREPARED)
        assert event.raw["snapshot"]["tracks"][0]["video"]["framerate"] == 30.0
        assert event.raw is event.raw  # decoded once

    def test_decoder_and_parse_line_agree(self) -> None:
        data = b"\n".join([*SPEC_LINES, b'{"bad"', STREAM_PREPARED.replace(b"30.0", b"1e999")])
        decoder = LineDecoder(errors="collect")
        events = decoder.feed(data + b"\n")
        assert [e.to_json() for e in events] == [
            *SPEC_LINES,
            STREAM_PREPARED.replace(b"30.0", b"1e999"),
        ]
        assert [error.line for error in decoder.errors] == [4]
        assert events[-1].snapshot is not None


# Whole files made of the things real logs hold: events, bad and blank lines, CRLF endings,
# a BOM, lines over a (small) length limit, and a last line with or without its newline.
LIMIT = 400
file_pieces = st.one_of(
    lines.map(lambda line: line.rstrip(b"\n")),
    st.sampled_from(SPEC_LINES),
    st.just(b""),
    st.just(b"   "),
    st.just(b'{"time":"broken'),
    st.binary(max_size=40).filter(lambda data: b"\n" not in data),
    st.integers(LIMIT - 2, LIMIT + 600).map(lambda size: b"x" * size),
)


@st.composite
def log_files(draw: st.DrawFn) -> bytes:
    pieces = draw(st.lists(file_pieces, max_size=25))
    endings = [draw(st.sampled_from([b"\n", b"\r\n"])) for _ in pieces]
    data = b"".join(piece + ending for piece, ending in zip(pieces, endings, strict=True))
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.booleans()):
        data += draw(st.one_of(st.sampled_from(SPEC_LINES), st.binary(max_size=30)))
    return data


def forward(data: bytes, partial: bool) -> tuple[list[Event], list[ParseError]]:
    """The plain forward read, as the reader does it: the last line decoded (``close``) or
    left as a line still being written (``idle``: the input is quiet)."""
    decoder = LineDecoder(file="f", errors="collect", max_line_bytes=LIMIT, max_errors=10_000)
    events = decoder.feed(data)
    events += decoder.close() if partial else decoder.idle()
    return events, decoder.errors


def error_fields(errors: list[ParseError]) -> list[tuple[object, ...]]:
    return sorted((e.offset, e.line, e.reason, e.expected, e.excerpt) for e in errors)


class TestBackwards:
    @settings(max_examples=400)
    @given(log_files(), st.booleans(), st.integers(1, 300))
    def test_same_events_and_errors_as_forwards(
        self, data: bytes, partial: bool, block_size: int
    ) -> None:
        import io

        from ome_events.seek import events_backwards

        expected, expected_errors = forward(data, partial)
        errors: list[ParseError] = []
        got = list(
            events_backwards(
                io.BytesIO(data),
                "f",
                partial=partial,
                on_error=errors.append,
                max_line_bytes=LIMIT,
                block_size=block_size,
            )
        )
        got.reverse()
        assert got == expected
        assert [e.origin.offset for e in got] == [e.origin.offset for e in expected]  # type: ignore[union-attr]
        assert {e.origin.line for e in got} <= {None}  # type: ignore[union-attr]
        assert error_fields(errors) == error_fields(expected_errors)


@st.composite
def log_directories(draw: st.DrawFn) -> list[bytes]:
    """The contents of events.log.2 (oldest), events.log.1 and events.log."""
    times = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=40).map(sorted))
    levels = st.sampled_from(["Info", "Warning", "Error"])
    lines_out = [
        event_line(
            f"2025-03-26T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}.000+00:00",
            level=draw(levels),
            summary=f"n {index}",
        )
        for index, t in enumerate(times)
    ]
    for _ in range(draw(st.integers(0, 3))):  # bad lines anywhere
        lines_out.insert(draw(st.integers(0, len(lines_out))), b'{"broken\n')
    cuts = sorted(draw(st.lists(st.integers(0, len(lines_out)), min_size=2, max_size=2)))
    files = [lines_out[: cuts[0]], lines_out[cuts[0] : cuts[1]], lines_out[cuts[1] :]]
    contents = [b"".join(part) for part in files]
    if draw(st.booleans()):
        contents[2] += b'{"time":"2025-03-26T23:00:00.000+00:00","level":"Info"'  # unfinished
    return contents


def write_directory(folder: Path, contents: list[bytes]) -> None:
    for name, data in zip(("events.log.2", "events.log.1", "events.log"), contents, strict=True):
        (folder / name).write_bytes(data)


class TestLast:
    """``EventReader.last`` (newest file first, from its end) against a full forward read."""

    @settings(max_examples=150)
    @given(
        log_directories(),
        st.integers(0, 12),
        st.integers(0, 5),
        st.sampled_from([None, "Warning", "Error"]),
        st.sampled_from(["read", "leave"]),
        st.one_of(st.none(), st.integers(0, 10_000)),
    )
    def test_same_as_forwards(
        self,
        contents: list[bytes],
        count: int,
        offset: int,
        level: str | None,
        partial: Partial,
        since_second: int | None,
    ) -> None:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            write_directory(folder, contents)
            since = None
            if since_second is not None:
                since = datetime(2025, 3, 26, tzinfo=UTC) + timedelta(seconds=since_second)

            def where(event: Event) -> bool:
                return level is None or event.level == level

            def reader() -> EventReader:
                return read_events(folder, errors="collect", partial=partial, since=since)

            forward_reader = reader()
            everything = [event for event in forward_reader if where(event)]
            expected = everything[: max(0, len(everything) - offset)][-count:] if count else []
            backward_reader = reader()
            got = backward_reader.last(count, offset, where=where)
            assert got == expected
            assert [e.origin.offset for e in got] == [e.origin.offset for e in expected]  # type: ignore[union-attr]
            located = {(e.file, e.line, e.offset, e.reason) for e in forward_reader.errors}
            assert {(e.file, e.line, e.offset, e.reason) for e in backward_reader.errors} <= located
            if count and since is None:  # the newest file was read: same place to go on from
                assert backward_reader.position == forward_reader.position


def nearly_sorted_log(rng: random.Random, count: int, bad_every: int) -> bytes:
    """A log in time order but for small steps back (as OME's writer threads make them,
    under a minute), with bad lines and CRLF here and there."""
    second = 0
    out = []
    for index in range(count):
        second += rng.choice([0, 0, 1, 2, 5, 30])
        jitter = rng.randrange(0, 59) if rng.random() < 0.3 else 0
        t = max(0, second - jitter)
        when = f"2025-03-26T{t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}.000+00:00"
        line = event_line(when, summary=f"n {index} " + "x" * rng.randrange(0, 200))
        if rng.random() < 0.05:
            line = line[:-1] + b"\r\n"
        out.append(line)
        if bad_every and index % bad_every == 0:
            out.append(b'{"time":"2025-03-26T00:00:00.000+00:00","broken\n')
    return b"".join(out)


class TestTimeRanges:
    """Reading a time range seeks by bisection; it must give what a full read gives."""

    @settings(max_examples=30)
    @given(
        st.integers(0, 2**32),
        st.integers(0, 40),
        st.lists(st.integers(-100, 30_000), min_size=1, max_size=6),
        st.one_of(st.none(), st.integers(0, 30_000)),
    )
    def test_same_as_a_full_read(
        self, seed: int, bad_every: int, since_seconds: list[int], until_second: int | None
    ) -> None:
        rng = random.Random(seed)
        data = nearly_sorted_log(rng, 3000, bad_every)
        base = datetime(2025, 3, 26, tzinfo=UTC)
        until = None if until_second is None else base + timedelta(seconds=until_second)
        with tempfile.TemporaryDirectory() as name:
            log = Path(name) / "events.log"
            log.write_bytes(data)
            everything = list(read_events(log, errors="skip"))
            for since_second in since_seconds:
                since = base + timedelta(seconds=since_second)
                expected = [
                    e for e in everything if e.time >= since and (until is None or e.time < until)
                ]
                reader = read_events(log, errors="skip", since=since, until=until)
                got = list(reader)
                assert got == expected
                assert [e.origin.offset for e in got] == [e.origin.offset for e in expected]  # type: ignore[union-attr]

    @settings(max_examples=50)
    @given(st.integers(0, 2**32), st.integers(0, 3000), st.sampled_from([1, 100, 4096]))
    def test_no_wanted_line_before_the_start(self, seed: int, second: int, precision: int) -> None:
        """Bisected to the line: every line before the start is earlier than since."""
        import io

        from ome_events.seek import start_for

        data = nearly_sorted_log(random.Random(seed), 400, 7)
        since = datetime(2025, 3, 26, tzinfo=UTC) + timedelta(seconds=second)
        start = start_for(io.BytesIO(data), since, timedelta(seconds=60), precision=precision)
        assert start == 0 or data[start - 1 : start] == b"\n"
        before = LineDecoder(errors="skip").feed(data[:start])
        assert all(event.time < since for event in before)

    def test_a_late_since_reads_little(self, tmp_path: Path) -> None:
        """After the last event: a few small reads, nothing decoded but the probes."""
        from ome_events.seek import start_for

        log = tmp_path / "events.log"
        log.write_bytes(nearly_sorted_log(random.Random(1), 5000, 0))
        late = datetime(2025, 3, 27, tzinfo=UTC)
        with open(log, "rb") as stream:
            start = start_for(stream, late, timedelta(seconds=60))
        assert log.stat().st_size - start <= 64 * 1024
        assert list(read_events(log, since=late)) == []

    def test_position_after_a_seek_counts_lines(self, tmp_path: Path) -> None:
        log = tmp_path / "events.log"
        log.write_bytes(nearly_sorted_log(random.Random(2), 3000, 0))
        late = datetime(2025, 3, 26, 5, tzinfo=UTC)
        forward = read_events(log, partial="leave")
        list(forward)
        seeking = read_events(log, partial="leave", since=late)
        got = list(seeking)
        assert got and got[0].origin is not None and got[0].origin.line is None
        assert seeking.position == forward.position


criteria = st.one_of(
    st.fixed_dictionaries(
        {"min_level": st.sampled_from([Level.INFO, Level.WARNING, Level.ERROR, Level("Fatal")])}
    ),
    st.fixed_dictionaries(
        {"categories": st.lists(st.sampled_from(["stream", "rest", "ClusterEvent"]), min_size=1)}
    ),
    st.fixed_dictionaries(
        {"types": st.lists(st.sampled_from(["Stream*", "NodeJoined", "*requested"]), min_size=1)}
    ),
    st.fixed_dictionaries(
        {"causes": st.lists(st.sampled_from(["*", "bframedetected", "FutureCause"]), min_size=1)}
    ),
    st.fixed_dictionaries({"apps": st.lists(st.sampled_from(["app", "a*", "x"]), min_size=1)}),
    st.fixed_dictionaries({"streams": st.lists(st.sampled_from(["cam*", "x"]), min_size=1)}),
    st.fixed_dictionaries({"vhosts": st.lists(st.sampled_from(["*", "default"]), min_size=1)}),
    st.fixed_dictionaries({"sources": st.lists(st.sampled_from(["#default#*", "x"]), min_size=1)}),
    st.fixed_dictionaries({"grep": st.sampled_from(["Stream", "^P", "created\\.", "é", "a"])}),
)


def filter_of(parts: list[dict[str, Any]]) -> EventFilter:
    merged = {key: value for part in parts for key, value in part.items()}
    return EventFilter(**{k: tuple(v) if isinstance(v, list) else v for k, v in merged.items()})


filters = st.lists(criteria, min_size=1, max_size=2).map(filter_of)


class TestFilteredDecoding:
    """A decoder given a filter's head test passes lines over without building their events:
    it must give exactly the events of a full decode that pass the filter, and the same bad
    lines."""

    @settings(max_examples=300)
    @given(filters, st.lists(st.one_of(lines, file_pieces.map(lambda p: p + b"\n")), max_size=20))
    def test_same_as_decoding_everything(self, wanted: EventFilter, pieces: list[bytes]) -> None:
        data = b"".join(pieces)
        plain_decoder = LineDecoder(errors="collect", max_errors=1000)
        expected = [event for event in plain_decoder.feed(data) if wanted(event)]
        decoder = LineDecoder(errors="collect", max_errors=1000, keep=wanted.head_test())
        got = [event for event in decoder.feed(data) if wanted(event)]
        assert got == expected
        assert error_fields(decoder.errors) == error_fields(plain_decoder.errors)

    def test_a_bad_time_is_reported_on_a_line_passed_over(self) -> None:
        line = event_line("2025-02-30T00:00:00.000+00:00", level="Info")
        decoder = LineDecoder(errors="collect", keep=EventFilter(min_level=Level.ERROR).head_test())
        assert decoder.feed(line) == []
        assert [error.reason for error in decoder.errors] == [
            "'time' is not an ISO 8601 time: 2025-02-30T00:00:00.000+00:00"
        ]


STRAY = b"[2025-03-26 00:00:00.000] I [T:1] Tag | a server log line pasted into events.log\n"


def log_with_stray_records(seed: int) -> bytes:
    """An events.log with lines that look like the server log's records here and there."""
    rng = random.Random(seed)
    lines = nearly_sorted_log(rng, 3000, 0).splitlines(keepends=True)
    for index in sorted(rng.sample(range(1, len(lines)), 600), reverse=True):  # never first
        lines.insert(index, STRAY)
    return b"".join(lines)


class TestTheFileDecidesTheFormat:
    """A decoder that starts in the middle of a file (reading backwards, after a seek, a
    follower resuming) is told the format the file's start shows: a line of events.log that
    looks like a server log record is a bad line there, whichever way the file is read, never
    the start of a server log that would swallow the JSON lines after it."""

    @settings(max_examples=25)
    @given(st.integers(0, 2**32), st.integers(60, 4000))
    def test_backwards(self, seed: int, block: int) -> None:
        import io

        from ome_events.seek import events_backwards

        data = log_with_stray_records(seed)
        expected, expected_errors = forward(data, True)
        assert len(expected_errors) == 600
        errors: list[ParseError] = []
        got = list(events_backwards(io.BytesIO(data), "f", on_error=errors.append,
                                    max_line_bytes=LIMIT, block_size=block))  # fmt: skip
        got.reverse()
        assert got == expected
        assert error_fields(errors) == error_fields(expected_errors)

    @settings(max_examples=10)
    @given(st.integers(0, 2**32), st.lists(st.integers(0, 18_000), min_size=1, max_size=8))
    def test_since(self, seed: int, seconds: list[int]) -> None:
        data = log_with_stray_records(seed)
        base = datetime(2025, 3, 26, tzinfo=UTC)
        with tempfile.TemporaryDirectory() as name:
            log = Path(name) / "events.log"
            log.write_bytes(data)
            everything = list(read_events(log, errors="skip"))
            for second in seconds:
                since = base + timedelta(seconds=second)
                got = list(read_events(log, errors="skip", since=since))
                assert got == [e for e in everything if e.time >= since]

    def test_a_follower_resuming_at_such_a_line(self, tmp_path: Path) -> None:
        import dataclasses

        from ome_events import follow

        log = tmp_path / "events.log"
        head = event_line("2025-03-26T05:00:00.000+00:00", summary="before")
        tail = event_line("2025-03-26T05:00:01.000+00:00", summary="after")
        log.write_bytes(head + STRAY + tail)
        reader = read_events(log, errors="skip")
        (first, _) = list(reader)
        assert first.summary == "before"
        start = reader.position_before(_)  # type: ignore[union-attr]
        assert start is not None
        resumed = dataclasses.replace(start, offset=len(head), line=2)
        errors: list[ParseError] = []
        with follow(log, start=resumed, on_error=errors.append, poll=True) as events:
            got = next(iter(events))
        assert got.summary == "after"
        assert [(e.line, e.offset) for e in errors] == [(2, len(head))]

    def test_decoder_format(self) -> None:
        from ome_events.formats import START_BYTES, decoder_format

        record = b"[2025-03-26 05:21:46.315] I [T:1] Tag | message\n"
        assert decoder_format(b"the end of a record cut at the top\n" + record) == "serverlog"
        assert decoder_format(event_line() + STRAY) == "json"
        assert decoder_format(b"") == "json"
        # Nothing recognisable in the sniffed part of a large file: JSON, as a decoder says.
        assert decoder_format(b"x" * 99 + b"\n" * START_BYTES) == "json"

    def test_a_rotated_file_ending_with_such_a_line_is_not_skipped(self, tmp_path: Path) -> None:
        """``--since`` passes over rotated files whose last event is too early: the last
        event, not a pasted line's time."""
        rotated = b"".join(
            event_line(f"2025-03-26T05:{minute:02d}:00.000+00:00", summary=f"m{minute}")
            for minute in range(10)
        )
        (tmp_path / "events.log.20250326").write_bytes(rotated + STRAY)
        (tmp_path / "events.log").write_bytes(event_line("2025-03-27T00:00:00.000+00:00"))
        since = datetime(2025, 3, 26, 5, 5, tzinfo=UTC)
        got = [e.summary for e in read_events(tmp_path, errors="skip", since=since)]
        assert got == ["m5", "m6", "m7", "m8", "m9", "Stream created. Id: 1"]

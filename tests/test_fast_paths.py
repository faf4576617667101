"""Every fast path gives exactly what the plain path gives.

The plain path is the definition: decode the whole line (:func:`ome_events.text.loads`),
then check and type it (:func:`ome_events.parse.event_from_object`). The fast line decoder
(msgspec, the snapshot validated and skipped) must accept the same lines, build equal events
(``raw`` included, decoded later from the line) and reject the others with the same reason.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.helpers.lines import PUSH_STARTED, STREAM_CREATED, STREAM_PREPARED, event_line
from tests.helpers.mutations import mutate
from tests.strategies import lines

from ome_events import Event, LineDecoder, ParseError, parse_line
from ome_events.parse import event_from_object
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

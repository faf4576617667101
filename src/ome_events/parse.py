"""The sans-IO parser: bytes in, events out. Never opens, reads or sleeps.

* :func:`parse_line` turns one line into an :class:`~ome_events.model.Event`.
* :class:`LineDecoder` takes byte chunks of any size, keeps a partial line until its
  ``\\n`` arrives (OME writes lines of 1024 bytes or more as two writes: content, then
  newline), and returns the events of the complete lines.

Errors: a bad line gives :class:`~ome_events.errors.ParseError` (a ``ValueError``) that says
where and what was expected. Arbitrary input bytes produce events or ``ParseError``, never
another exception (a hypothesis test holds us to it).

Limits, so that memory stays bounded on absurd input:

* a line longer than ``max_line_bytes`` (64 MiB by default) is reported and skipped while it
  streams in: the decoder stops buffering it and drops bytes until the next newline;
* JSON nested deeper than 1024 levels is rejected (orjson's limit) with a ParseError;
* integers beyond 64 bits are read as floats (orjson), so they never fail; numbers beyond a
  double's range are valid JSON and read as infinities (:func:`~ome_events.text.loads`).

Speed: a line is decoded in two ways that give the same result. The fast path decodes only
the top-level strings (``time``, ``level``, ..., ``cause``) with msgspec, which checks that
the rest (the snapshot: most of a line's bytes) is valid JSON without building it;
``Event.raw`` is decoded from the line when first asked for. Lines the fast path cannot take
(non-ASCII bytes, whose UTF-8 it does not check inside skipped values; anything not an event;
strict mode) are decoded whole, and that plain path alone writes the reason of a bad line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec

from ome_events.errors import ParseError
from ome_events.model import (
    Category,
    Cause,
    Event,
    EventType,
    Level,
    Origin,
    SourceId,
)
from ome_events.text import MAX_NESTING, excerpt, loads

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "TIME_RANGE",
    "HeadTest",
    "LineDecoder",
    "LineHead",
    "event_from_object",
    "line_too_long",
    "parse_line",
]

#: The default longest line, newline excluded, that a decoder accepts.
DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024

# Times outside these years are refused (bad lines): far from the ends of the calendar, so
# that no window, time-zone conversion or bucket of any consumer can overflow.
_FIRST_YEAR = 1900
_LAST_YEAR = 8999
#: The years an event's time may fall in, inclusive (its ``time`` as written, with its offset).
TIME_RANGE = (_FIRST_YEAR, _LAST_YEAR)

ErrorPolicy = Literal["raise", "skip", "collect"]

#: ``keep(head)``: whether the event of a line with this :class:`LineHead` may be wanted
#: (see :meth:`~ome_events.filters.EventFilter.head_test`).
HeadTest = Callable[["LineHead"], bool]

_BOM = b"\xef\xbb\xbf"
_REQUIRED = ("time", "level", "category", "type", "sourceId", "summary")

_loads = loads
_fromisoformat = datetime.fromisoformat
_new_origin = tuple.__new__
_make_event = Event._from_parsed

_LEVELS: dict[str, Level] = {m.value: m for m in Level}
_CATEGORIES: dict[str, Category] = {m.value: m for m in Category}
_TYPES: dict[str, EventType] = {m.value: m for m in EventType}
_CAUSES: dict[str, Cause] = {m.value: m for m in Cause}

# Source IDs repeat endlessly (a few streams, many events), so parsed ones are kept.
_SOURCE_CACHE: dict[tuple[str, str], SourceId] = {}
_SOURCE_CACHE_MAX = 50_000


def _source(raw: Any, category: str) -> SourceId:
    if type(raw) is not str:
        raise ParseError("'sourceId' is not a string", expected="'sourceId' as a string")
    if len(_SOURCE_CACHE) >= _SOURCE_CACHE_MAX:
        _SOURCE_CACHE.clear()
    source = _SOURCE_CACHE[(category, raw)] = SourceId.parse(raw, category)
    return source


def _describe(value: Any) -> str:
    """A value for an error message, bounded in size whatever it is (never its full repr)."""
    if isinstance(value, str):
        return excerpt(value, 40)
    if isinstance(value, list | dict):
        return f"a JSON {'array' if isinstance(value, list) else 'object'}"
    return excerpt(repr(value), 40)


def _unknown(
    cls: type[Level] | type[Category] | type[EventType] | type[Cause],
    key: str,
    value: Any,
    strict: bool,
) -> Any:
    if type(value) is not str:
        raise ParseError(f"{key!r} is not a string", expected=f"{key!r} as a string")
    if strict:
        known = ", ".join(m.value for m in cls)
        raise ParseError(
            f"unknown {key} {_describe(value)!r}", expected=f"one of {known} (strict mode)"
        )
    return cls(value)


def event_from_object(
    obj: Any, origin: Origin | None = None, strict: bool = False, line: bytes | None = None
) -> Event:
    """Build an Event from an already decoded JSON object (``line``: the text it was decoded
    from, which :meth:`Event.to_json` gives back).

    Raises ParseError (without a location; callers add it) when a required key is missing
    or has the wrong type, or the time is outside the accepted range (see
    :data:`TIME_RANGE`). Unknown level/category/type/cause values are kept unless ``strict``.
    """
    if type(obj) is not dict:
        kind = "an array" if type(obj) is list else f"a JSON {type(obj).__name__}"
        raise ParseError(f"the line is {kind}", expected="a JSON object")
    try:
        time_text = obj["time"]
        level_text = obj["level"]
        category_text = obj["category"]
        type_text = obj["type"]
        source_text = obj["sourceId"]
        summary = obj["summary"]
    except KeyError:
        missing = [key for key in _REQUIRED if key not in obj]
        raise ParseError(
            f"missing {', '.join(repr(k) for k in missing)}",
            expected="the keys " + ", ".join(_REQUIRED),
        ) from None
    event = _event(
        time_text,
        level_text,
        category_text,
        type_text,
        source_text,
        summary,
        obj.get("cause"),
        obj,
        origin,
        strict,
        line,
    )
    if strict and "snapshot" in obj:
        from ome_events.snapshots import type_snapshot

        type_snapshot(event.type.value, obj["snapshot"], strict=True)
    return event


def _event(
    time_text: Any,
    level_text: Any,
    category_text: Any,
    type_text: Any,
    source_text: Any,
    summary: Any,
    cause_text: Any,
    raw: dict[str, Any] | None,
    origin: Origin | None,
    strict: bool,
    line: bytes | None,
) -> Event:
    # The one place where an event's fields are checked and typed, for both ways of reading
    # a line: a decoded object (raw given) and the fast head-only decoding (raw None, decoded
    # from the line when asked for).
    time = _time(time_text, strict)

    # Lookups first, type checks only on a miss: the common line costs a dict hit each.
    try:
        level = _LEVELS[level_text]
    except (KeyError, TypeError):
        level = _unknown(Level, "level", level_text, strict)
    try:
        category = _CATEGORIES[category_text]
    except (KeyError, TypeError):
        category = _unknown(Category, "category", category_text, strict)
    try:
        event_type = _TYPES[type_text]
    except (KeyError, TypeError):
        event_type = _unknown(EventType, "type", type_text, strict)
    cause = None
    if cause_text is not None:
        try:
            cause = _CAUSES[cause_text]
        except (KeyError, TypeError):
            cause = _unknown(Cause, "cause", cause_text, strict)
    try:
        source = _SOURCE_CACHE[(category_text, source_text)]
    except (KeyError, TypeError):
        source = _source(source_text, category_text)
    if type(summary) is not str:
        raise ParseError("'summary' is not a string", expected="'summary' as a string")
    return _make_event(time, level, category, event_type, cause, source, summary, raw, origin, line)


def _time(time_text: Any, strict: bool) -> datetime:
    try:
        time = _fromisoformat(time_text)
    except (TypeError, ValueError):
        raise ParseError(
            f"'time' is not an ISO 8601 time: {_describe(time_text)}",
            expected="'time' like 2025-03-26T05:21:46.315+00:00",
        ) from None
    if time.tzinfo is None:
        if strict:
            raise ParseError("'time' has no UTC offset", expected="a time with ±HH:MM offset")
        time = time.replace(tzinfo=UTC)
    if not _FIRST_YEAR <= time.year <= _LAST_YEAR:
        raise ParseError(
            f"'time' {excerpt(time_text, 40)} is outside the accepted range",
            expected=f"a time in the years {_FIRST_YEAR} to {_LAST_YEAR}",
        )
    return time


class LineHead(msgspec.Struct, gc=False):
    """The top-level strings of a line, as written: what the fast path decodes. Every other
    member (the snapshot, unknown keys) is checked to be valid JSON and skipped without
    building a Python object."""

    time: str
    level: str
    category: str
    type: str
    source_id: str = msgspec.field(name="sourceId")
    summary: str
    cause: str | None = None


_decode_head = msgspec.json.Decoder(LineHead).decode
# Where the fast path gives up and the line is decoded whole: not an object with the six
# string members (ValidationError, including numbers too large for a double, which orjson
# refuses and :func:`~ome_events.text.loads` accepts), invalid JSON (DecodeError), deeper
# than msgspec's nesting limit (RecursionError, about 1000 levels).
_HEAD_FAILED = (msgspec.MsgspecError, RecursionError)


# msgspec's nesting limit is Python's recursion limit, which a program may raise: the fast
# path leaves lines that could be nested deeper than orjson allows to the plain path. Nesting
# N deep takes at least N opening brackets, and 2N bytes.
_DEEP_LINE = 2 * MAX_NESTING
_SHALLOW = MAX_NESTING - 24


def _may_be_deep(line: bytes) -> bool:
    return len(line) >= _DEEP_LINE and line.count(b"[") + line.count(b"{") > _SHALLOW


def _from_line(line: bytes, origin: Origin | None, strict: bool) -> Event:
    """The event of one line (no newline, no BOM), or ParseError without a location.

    Fast path: only the six top-level strings and the cause are decoded (msgspec), the rest
    is validated and skipped. It is taken only where it gives exactly what decoding the
    whole line gives: ASCII lines (msgspec does not check UTF-8 inside skipped strings)
    outside strict mode; anything it cannot take is decoded whole, so the reason for a bad
    line is always that of the full decoding.
    """
    if not strict and line.isascii() and not _may_be_deep(line):
        try:
            head = _decode_head(line)
        except _HEAD_FAILED:
            pass
        else:
            return _event(
                head.time,
                head.level,
                head.category,
                head.type,
                head.source_id,
                head.summary,
                head.cause,
                None,
                origin,
                False,
                line,
            )
    return _from_whole_line(line, origin, strict)


def _from_whole_line(line: bytes, origin: Origin | None, strict: bool) -> Event:
    """The plain path, which defines the result: the whole line decoded, then checked."""
    return event_from_object(_decode_json(line), origin, strict, line)


def _decode_json(line: bytes | str) -> Any:
    try:
        return _loads(line)
    except ValueError as error:
        reason = str(error).split(": line ")[0]
        raise ParseError(f"not valid JSON: {reason}", expected="one JSON object per line") from None


def parse_line(
    line: bytes | str,
    *,
    strict: bool = False,
    file: str | None = None,
    line_number: int | None = None,
    offset: int | None = None,
) -> Event:
    """Parse one line of ``events.log`` (a trailing ``\\n``/``\\r\\n`` and a BOM are allowed).

    ``file``, ``line_number`` and ``offset`` are only used for ``Event.origin`` and in error
    messages. Raises :class:`ParseError` for anything that is not an event.

    >>> event = parse_line('{"time":"2025-03-26T05:21:46.315+00:00","level":"Info",'
    ...     '"category":"StreamEvent","type":"StreamCreated","sourceId":"#default#app/cam1",'
    ...     '"summary":"Stream created. Id: 103"}')
    >>> event.type, event.source.stream, event.fields["Id"]
    (<EventType.STREAM_CREATED: 'StreamCreated'>, 'cam1', '103')
    """
    if isinstance(line, str):
        data = line.encode("utf-8", "surrogatepass")
    else:
        data = line
    if data.startswith(_BOM):
        data = data[3:]
    origin = None
    if line_number is not None or file is not None:
        origin = Origin(file, line_number or 0, offset or 0)
    try:
        return _from_line(data, origin, strict)
    except ParseError as error:
        raise ParseError(
            error.reason,
            expected=error.expected,
            file=file,
            line=line_number,
            offset=offset,
            excerpt=excerpt(data),
            path=error.path,
        ) from None


def line_too_long(
    size: int, limit: int, *, file: str | None, line: int | None, offset: int
) -> ParseError:
    """The error of a line of ``size`` bytes (newline excluded) over ``limit``: the same
    whether it streamed in (never held whole) or arrived at once, so without an excerpt."""
    return ParseError(
        f"line of {size} bytes is longer than the limit, skipped",
        expected=f"lines of at most {limit} bytes",
        file=file,
        line=line,
        offset=offset,
    )


class LineDecoder:
    """Incremental, sans-IO decoder: feed byte chunks, get the events of complete lines.

    >>> decoder = LineDecoder(file="events.log")
    >>> decoder.feed(b'{"time":"2025-03-26T05:21:46.315+00:00","level":"Info","categ')
    []
    >>> [e.type.value for e in decoder.feed(b'ory":"ServerEvent","type":"ServerStarted",'
    ...     b'"sourceId":"x","summary":"Server started."}\\n')]
    ['ServerStarted']
    >>> decoder.offset, decoder.line
    (147, 2)

    Bad lines, by ``errors``:

    * ``"raise"`` (default): ``feed`` raises the ParseError of the first bad line. Nothing is
      lost: the events of the good lines before it and all bytes after it stay in the
      decoder; call ``feed(b"")`` to get them and carry on.
    * ``"skip"``: bad lines are counted in ``error_count`` and dropped.
    * ``"collect"``: as skip, and the errors are kept in ``errors`` (the newest
      ``max_errors``).

    With skip and collect, ``on_error`` (if given) is called with each error as it is met.

    ``keep`` (a filter's :meth:`~ome_events.filters.EventFilter.head_test`): lines whose
    top-level fields show that their event cannot be wanted are checked (they are still
    valid JSON, with a valid time, or reported as bad lines) but no event is built for them.
    It only passes lines over: filter the events too.

    ``offset`` is the byte offset just past the last complete line consumed (where a
    follower resumes), ``line`` the number of the next line. With ``numbered=False`` (a decoder
    started in the middle of a file whose lines before were not counted) the events'
    ``origin.line`` and the errors' ``line`` are None, and ``line`` counts from where it
    started. Blank lines, a BOM at offset 0
    and ``\\r\\n`` endings are accepted silently.
    """

    def __init__(
        self,
        *,
        file: str | None = None,
        offset: int = 0,
        line: int = 1,
        numbered: bool = True,
        errors: ErrorPolicy = "raise",
        strict: bool = False,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        max_errors: int = 1000,
        on_error: Callable[[ParseError], object] | None = None,
        keep: HeadTest | None = None,
    ) -> None:
        if errors not in ("raise", "skip", "collect"):
            raise ValueError(f"errors must be 'raise', 'skip' or 'collect', not {errors!r}")
        self.file = file
        self.offset = offset
        self.line = line
        self.numbered = numbered
        self.policy: ErrorPolicy = errors
        self.strict = strict
        self.max_line_bytes = max_line_bytes
        self.max_errors = max_errors
        self.on_error = on_error
        self.keep = keep
        self.error_count = 0
        self.errors: list[ParseError] = []
        self._pending: list[bytes] = []  # the start of a line whose newline has not come
        self._pending_bytes = 0
        self._skipping = False  # inside an over-long line: counting, not keeping, its bytes
        self._ready: list[Event] = []  # decoded before a raised error, returned next time
        self._unread = b""  # not yet decoded when an error was raised

    @property
    def buffered(self) -> int:
        """Bytes held in memory that are not yet part of a complete line (a partial line)."""
        return sum(map(len, self._pending)) + len(self._unread)

    def feed(self, data: bytes) -> list[Event]:
        """Add a chunk; return the events of the lines it completed, in order."""
        if self._unread:
            data = self._unread + data
            self._unread = b""
        events = self._ready
        self._ready = []
        end = data.rfind(b"\n")
        if end < 0:
            self._hold(data)
            return events
        lines = data[:end].split(b"\n")
        tail = data[end + 1 :]
        ascii = data.isascii()  # one scan for the chunk, not one per line
        if self._pending_bytes:
            # The first line continues the partial line held from earlier chunks.
            if self._skipping:
                self._skip_long_line(len(lines[0]), 1, events, lines[1:], tail)
                del lines[0]
            else:
                self._pending.append(lines[0])
                lines[0] = b"".join(self._pending)
                ascii = ascii and lines[0].isascii()
            self._pending = []
            self._pending_bytes = 0
        self._decode(lines, events, tail, final=False, ascii=ascii)
        self._hold(tail)
        return events

    def close(self) -> list[Event]:
        """End of input: decode a final line that has no newline (for finished files).

        A follower never calls this: there, bytes without a newline are an unfinished write.
        """
        events = self.feed(b"")
        if self._skipping:
            self._skip_long_line(0, 0, events, [], b"")
        elif self._pending:
            line = b"".join(self._pending)
            self._pending = []
            self._pending_bytes = 0
            self._decode([line], events, b"", final=True)
        return events

    def _hold(self, data: bytes) -> None:
        if not data:
            return
        self._pending_bytes += len(data)
        if self._skipping:
            return
        self._pending.append(data)
        if self._pending_bytes > self.max_line_bytes:
            # Stop buffering: drop what we have and count the rest of the line as it comes.
            self._pending = []
            self._skipping = True

    def _skip_long_line(
        self, last_part: int, newline: int, events: list[Event], rest: list[bytes], tail: bytes
    ) -> None:
        size = self._pending_bytes + last_part
        self._skipping = False
        self._pending = []
        self._pending_bytes = 0
        error = self._too_long(size, self.line, self.offset)
        self.offset += size + newline
        self.line += 1
        self._report(error, events, rest, tail)

    def _too_long(self, size: int, number: int, offset: int) -> ParseError:
        return line_too_long(
            size,
            self.max_line_bytes,
            file=self.file,
            line=number if self.numbered else None,
            offset=offset,
        )

    def _decode(
        self,
        lines: list[bytes],
        events: list[Event],
        tail: bytes,
        final: bool,
        ascii: bool = False,
    ) -> None:
        # The hot loop of every reader: locals only, position written back once per line,
        # _from_line's fast path written out (a call per line is a tenth of its cost).
        decode_head = _decode_head
        may_be_deep = _may_be_deep
        head_failed = _HEAD_FAILED
        build = _event
        keep = self.keep
        fromiso = _fromisoformat
        first_year, last_year = TIME_RANGE
        new_origin = _new_origin
        append = events.append
        file = self.file
        strict = self.strict
        fast = not strict
        newline = 0 if final else 1
        counting = self.numbered
        longest = self.max_line_bytes
        number = self.line
        offset = self.offset
        for index, line in enumerate(lines):
            start = offset
            size = len(line)
            offset += size + newline
            try:
                if size > longest:
                    raise self._too_long(size, number, start)
                if (
                    fast
                    and (ascii or line.isascii())
                    and (size < _DEEP_LINE or not may_be_deep(line))
                ):
                    try:
                        head = decode_head(line)
                    except head_failed:
                        origin = new_origin(Origin, (file, number if counting else None, start))
                        append(_from_whole_line(line, origin, strict))
                    else:
                        if keep is not None and not keep(head):
                            # Passed over; but a line with a bad time is a bad line.
                            try:
                                year = fromiso(head.time).year
                            except ValueError:
                                year = 0
                            if not first_year <= year <= last_year:
                                _time(head.time, False)  # raises its ParseError
                            number += 1
                            continue
                        append(
                            build(
                                head.time,
                                head.level,
                                head.category,
                                head.type,
                                head.source_id,
                                head.summary,
                                head.cause,
                                None,
                                new_origin(Origin, (file, number if counting else None, start)),
                                False,
                                line,
                            )
                        )
                else:
                    origin = new_origin(Origin, (file, number if counting else None, start))
                    append(_from_whole_line(line, origin, strict))
                number += 1
                continue
            except ParseError as error:
                failure = error
            self.line = number + 1
            self.offset = offset
            self._slow_line(
                failure,
                line,
                number if counting else None,
                start,
                events,
                lines[index + 1 :],
                tail,
            )
            number += 1
        self.line = number
        self.offset = offset

    def _slow_line(
        self,
        failure: ParseError,
        line: bytes,
        number: int | None,
        offset: int,
        events: list[Event],
        rest: list[bytes],
        tail: bytes,
    ) -> None:
        """A line the fast path rejected: a BOM, a blank line, an over-long line or an error."""
        if len(line) > self.max_line_bytes:
            self._report(failure, events, rest, tail)
            return
        if offset == 0 and line.startswith(_BOM):
            line = line[3:]
            try:
                events.append(_from_line(line, Origin(self.file, number, 0), self.strict))
                return
            except ParseError as error:
                failure = error
        if not line.strip():
            return
        self._report(self._locate(failure, line, number, offset), events, rest, tail)

    def _locate(
        self, error: ParseError, line: bytes, number: int | None, offset: int
    ) -> ParseError:
        return ParseError(
            error.reason,
            expected=error.expected,
            file=self.file,
            line=number,
            offset=offset,
            excerpt=excerpt(line),
            path=error.path,
        )

    def _report(
        self, error: ParseError, events: list[Event], rest: list[bytes], tail: bytes
    ) -> None:
        self.error_count += 1
        if self.policy == "raise":
            # Keep everything for the next call: the good events so far and the bytes after.
            self._ready = events
            if rest:
                self._unread = b"\n".join(rest) + b"\n" + tail
            else:
                self._unread = tail
            raise error
        if self.policy == "collect":
            self.errors.append(error)
            if len(self.errors) > self.max_errors:
                del self.errors[0]
        if self.on_error is not None:
            self.on_error(error)

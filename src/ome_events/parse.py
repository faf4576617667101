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
from datetime import datetime
from typing import Literal

from ome_events.errors import ParseError, line_too_long, passed_over
from ome_events.formats import detect_format, event_of, event_of_line, whole_line_event
from ome_events.formats.common import TIME_RANGE, HeadTest, checked_time, typed_event
from ome_events.formats.enterprise import (
    DEEP_LINE,
    HEAD_FAILED,
    LineHead,
    decode_head,
    may_be_deep,
)
from ome_events.formats.partial import PartialLine
from ome_events.formats.serverlog import RecordDecoder
from ome_events.model import Event, Origin
from ome_events.text import excerpt

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

ErrorPolicy = Literal["raise", "skip", "collect"]


#: Build an Event from an already decoded line, in whichever format it is.
event_from_object = event_of

_BOM = b"\xef\xbb\xbf"
_new_origin = tuple.__new__


def parse_line(
    line: bytes | str,
    *,
    strict: bool = False,
    file: str | None = None,
    line_number: int | None = None,
    offset: int | None = None,
    server: str | None = None,
) -> Event:
    """Parse one line of ``events.log`` (a trailing ``\\n``/``\\r\\n`` and a BOM are allowed).

    ``file``, ``line_number``, ``offset`` and ``server`` are only used for ``Event.origin``
    (and the first three in error messages). Raises :class:`ParseError` for anything that is
    not an event.

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
    if line_number is not None or file is not None or server is not None:
        origin = Origin(file, line_number, offset or 0, server)
    try:
        return event_of_line(data, origin, strict)
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


def _modified(file: str | None) -> Callable[[], datetime] | None:
    """The year reference of a server log's year-less times: the file's modification time
    (asked for only when such a record is met; None without a file: the current year)."""
    if file is None:
        return None

    def modified() -> datetime:
        import os

        try:
            return datetime.fromtimestamp(os.stat(file).st_mtime)
        except (OSError, ValueError, OverflowError):
            return datetime.now()

    return modified


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
    It only passes lines over: filter the events too. ``server`` names the server whose log
    this is, in each event's ``origin``. ``shadow``: event types a plain server log leaves
    generic because a JSON log beside it gives them (see
    :data:`~ome_events.formats.serverlog.SHADOWED_BY_JSON`). ``known_format`` (``"json"`` or
    ``"serverlog"``): the file's format as its start shows it
    (:func:`~ome_events.formats.decoder_format`), for a decoder that starts in the middle of
    the file (after a seek, reading backwards, a follower resuming), whose first lines may not
    show it; by default the first lines decide (:func:`~ome_events.formats.detect_format`).

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
        server: str | None = None,
        shadow: frozenset[str] = frozenset(),
        known_format: str | None = None,
    ) -> None:
        if errors not in ("raise", "skip", "collect"):
            raise ValueError(f"errors must be 'raise', 'skip' or 'collect', not {errors!r}")
        self.file = file
        self.server = server
        self.offset = offset
        self.line = line
        self.numbered = numbered
        self.policy: ErrorPolicy = errors
        self.strict = strict
        self.max_line_bytes = max_line_bytes
        self.max_errors = max_errors
        self.on_error = on_error
        self.keep = keep
        self.shadow = shadow
        self.error_count = 0
        self.errors: list[ParseError] = []
        self._partial = PartialLine(max_line_bytes)  # a line whose newline has not come
        self._ready: list[Event] = []  # decoded before a raised error, returned next time
        self._unread = b""  # not yet decoded when an error was raised
        # The format is decided on the first line (formats.detect_format); a server log is
        # handed to its record decoder, which then answers for this one.
        self._sniffing: bytes | None = b"" if known_format is None else None
        self._records: RecordDecoder | None = None
        if known_format == "serverlog":
            self._start_records()

    @property
    def buffered(self) -> int:
        """Bytes held in memory that are not yet part of a complete line (a partial line)."""
        if self._records is not None:
            return self._records.buffered
        held = len(self._sniffing) if self._sniffing else 0
        return self._partial.held + len(self._unread) + held

    @property
    def format(self) -> str | None:
        """``"json"`` or ``"serverlog"`` once the first line decided it, else None."""
        if self._records is not None:
            return "serverlog"
        return None if self._sniffing is not None else "json"

    def idle(self) -> list[Event]:
        """The input is quiet (a follower reached the end of the file for now): the events
        that waiting has completed. For the server log, its open record (see
        :meth:`RecordDecoder.idle <ome_events.formats.serverlog.RecordDecoder.idle>`);
        nothing for JSON lines, which are complete at their newline. Complete lines that
        did not show the format yet (only unrecognisable ones) decide it now."""
        events: list[Event] = []
        if self._sniffing is not None:
            if b"\n" not in self._sniffing:
                return events
            held = self._decide(b"", final=True)
            if self._records is None:
                return self.feed(held or b"")
            events = self._by_records(held or b"", final=False)
        records = self._records
        if records is None:
            return events
        try:
            return events + records.idle()
        finally:
            self.offset = records.offset
            self.line = records.line
            self.error_count = records.error_count

    def _decide(self, data: bytes, final: bool) -> bytes | None:
        """Hold the first bytes until the format is known; then all of them, to decode."""
        held = self._sniffing + data if self._sniffing else data
        found = detect_format(held, final)
        if found is None:
            self._sniffing = held
            return None
        self._sniffing = None
        if found == "serverlog":
            self._start_records()
        return held

    def _start_records(self) -> None:
        """Hand the file over to the server log's record decoder."""
        self._records = RecordDecoder(
            file=self.file,
            offset=self.offset,
            line=self.line,
            numbered=self.numbered,
            errors=self.policy,
            max_line_bytes=self.max_line_bytes,
            max_errors=self.max_errors,
            on_error=self.on_error,
            server=self.server,
            year_of=_modified(self.file),
            keep=self.keep,
            shadow=self.shadow,
        )
        self._records.errors = self.errors

    def _by_records(self, data: bytes, final: bool) -> list[Event]:
        records = self._records
        assert records is not None
        try:
            events = records.feed(data)
            if final:
                events += records.close()
            return events
        finally:
            self.offset = records.offset
            self.line = records.line
            self.error_count = records.error_count

    def feed(self, data: bytes) -> list[Event]:
        """Add a chunk; return the events of the lines it completed, in order."""
        if self._sniffing is not None:
            decided = self._decide(data, final=False)
            if decided is None:
                return []
            data = decided
        if self._records is not None:
            return self._by_records(data, final=False)
        if self._unread:
            data = self._unread + data
            self._unread = b""
        events = self._ready
        self._ready = []
        partial = self._partial
        end = data.rfind(b"\n")
        if end < 0:
            partial.hold(data)
            return events
        lines = data[:end].split(b"\n")
        tail = data[end + 1 :]
        ascii = data.isascii()  # one scan for the chunk, not one per line
        if partial.size:
            # The first line continues the partial line held from earlier chunks.
            first = partial.end(lines[0])
            if isinstance(first, int):  # too long: only its size is left of it
                self._skip_long_line(first, 1, events, lines[1:], tail)
                del lines[0]
            else:
                lines[0] = first
                ascii = ascii and first.isascii()
        self._decode(lines, events, tail, final=False, ascii=ascii)
        partial.hold(tail)
        return events

    def close(self) -> list[Event]:
        """End of input: decode a final line that has no newline (for finished files).

        A follower never calls this: there, bytes without a newline are an unfinished write.
        """
        if self._sniffing is not None:
            data = self._decide(b"", final=True)
            if self._records is not None:
                return self._by_records(data or b"", final=True)
            events = self.feed(data or b"")
        elif self._records is not None:
            return self._by_records(b"", final=True)
        else:
            events = self.feed(b"")
        if self._partial.size:
            last = self._partial.end(b"")
            if isinstance(last, int):
                self._skip_long_line(last, 0, events, [], b"")
            else:
                self._decode([last], events, b"", final=True)
        return events

    def _skip_long_line(
        self, size: int, newline: int, events: list[Event], rest: list[bytes], tail: bytes
    ) -> None:
        """Report a line of ``size`` bytes that was too long to hold, and go on after it."""
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
        decode_head_ = decode_head
        may_be_deep_ = may_be_deep
        head_failed = HEAD_FAILED
        build = typed_event
        keep = None if self.keep is None else self.keep.line
        fromiso = datetime.fromisoformat
        first_year, last_year = TIME_RANGE
        new_origin = _new_origin
        append = events.append
        file = self.file
        server = self.server
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
                    and (size < DEEP_LINE or not may_be_deep_(line))
                ):
                    try:
                        head = decode_head_(line)
                    except head_failed:
                        origin = new_origin(
                            Origin, (file, number if counting else None, start, server)
                        )
                        append(whole_line_event(line, origin, strict))
                    else:
                        if keep is not None and not keep(head):
                            # Passed over; but a line with a bad time is a bad line.
                            try:
                                year = fromiso(head.time).year
                            except ValueError:
                                year = 0
                            if not first_year <= year <= last_year:
                                checked_time(head.time, False)  # raises its ParseError
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
                                new_origin(
                                    Origin, (file, number if counting else None, start, server)
                                ),
                                False,
                                line,
                            )
                        )
                else:
                    origin = new_origin(Origin, (file, number if counting else None, start, server))
                    append(whole_line_event(line, origin, strict))
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
                origin = Origin(self.file, number, 0, self.server)
                events.append(event_of_line(line, origin, self.strict))
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
        passed_over(error, self.policy, self.errors, self.max_errors, self.on_error)

"""Reading a plain log file from anywhere but its start: newest events first, and where a
time range begins.

* :func:`events_backwards` gives the events of a file newest first, reading blocks from its
  end: ``tail -n 10`` costs ten lines, not the file.
* :func:`start_for` finds where the events at or after a time begin, by bisection: ``--since
  "10 minutes ago"`` costs a few small reads, not the file.
* :class:`LineCounter` gives exact line numbers at offsets, for the rare callers that need
  them there (a bad line to report, a follower's position), counting each byte once.

Every line is decoded by the same :class:`~ome_events.parse.LineDecoder` as a forward read,
over whole lines in file order, so partial last lines, a BOM, CRLF, blank, over-long and bad
lines give exactly what reading the file from its start gives (``tests/test_fast_paths.py``
compares them). Events found this way have no line number (``origin.line`` is None: counting
would mean reading the whole file); bad lines are reported with theirs, counted then.
Compressed files cannot be read backwards: callers read them forwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import BinaryIO

from ome_events.errors import ParseError
from ome_events.files import CHUNK_SIZE, line_end_before, line_time
from ome_events.model import Event
from ome_events.parse import DEFAULT_MAX_LINE_BYTES, HeadTest, LineDecoder, line_too_long

__all__ = ["BLOCK_SIZE", "LineCounter", "events_backwards", "start_for"]

#: How many bytes a backward read decodes at a time.
BLOCK_SIZE = 4 * CHUNK_SIZE

_COUNT_BLOCK = 1024 * 1024


class LineCounter:
    """Line numbers at offsets of one file. The first question counts the newlines from the
    start of the file; each later one only those between it and the previous question."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._known = (0, 0)  # (offset, newlines before it)

    def line_at(self, offset: int) -> int:
        """The number of the line that starts at ``offset`` (1 for the first)."""
        here = self._stream.tell()
        known_offset, count = self._known
        low, high = sorted((known_offset, offset))
        between = self._count(low, high)
        count = count + between if offset >= known_offset else count - between
        self._known = (offset, count)
        self._stream.seek(here)
        return count + 1

    def _count(self, start: int, end: int) -> int:
        self._stream.seek(start)
        count = 0
        while start < end:
            block = self._stream.read(min(end - start, _COUNT_BLOCK))
            if not block:
                break
            count += block.count(b"\n")
            start += len(block)
        return count


def events_backwards(
    stream: BinaryIO,
    name: str,
    *,
    end: int | None = None,
    partial: bool = True,
    strict: bool = False,
    on_error: Callable[[ParseError], object] | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    block_size: int = BLOCK_SIZE,
    keep: HeadTest | None = None,
    server: str | None = None,
) -> Iterator[Event]:
    """The events of a plain file, newest first, reading blocks backwards from ``end`` (the
    file's size by default).

    ``partial``: decode bytes after the last newline as a last line (a finished file), or
    leave them (a line still being written). Bad lines go to ``on_error``, located as a
    forward read locates them (file, line number, offset); newest block first, in file order
    within a block. Events have ``origin.line`` None. Memory holds one block and the line
    being assembled; a line longer than ``max_line_bytes`` is reported without being held.
    ``keep`` passes over lines that cannot be wanted, and ``server`` names the log, as
    :class:`~ome_events.parse.LineDecoder` does.
    """
    if end is None:
        end = stream.seek(0, os.SEEK_END)
    counter = LineCounter(stream)
    position = end  # everything from here to end was read
    carry = b""  # the end of a line that starts before position
    at_end = True  # the next region holds the file's last line
    while position > 0:
        step = min(block_size, position)
        position -= step
        stream.seek(position)
        block = stream.read(step) + carry
        if at_end and not partial:
            block = block[: block.rfind(b"\n") + 1]  # without a line still being written
            if not block:
                carry = b""
                continue
        cut = block.find(b"\n") + 1 if position > 0 else 0
        if position > 0 and cut in (0, len(block)):  # no line starts in this block
            carry = block
            size = len(block) - block.endswith(b"\n")
            if size > max_line_bytes:
                start = line_end_before(stream, position)
                if on_error is not None:
                    size += position - start
                    error = line_too_long(
                        size, max_line_bytes, file=name, line=counter.line_at(start), offset=start
                    )
                    on_error(error)
                position, carry, at_end = start, b"", False
            continue
        carry = block[:cut]
        yield from _decode(
            block[cut:],
            position + cut,
            name,
            final=at_end and partial,
            strict=strict,
            on_error=on_error,
            counter=counter,
            max_line_bytes=max_line_bytes,
            keep=keep,
            server=server,
            known_format="json",
        )
        at_end = False


def records_backwards(
    stream: BinaryIO,
    name: str,
    *,
    end: int | None = None,
    partial: bool = True,
    strict: bool = False,
    on_error: Callable[[ParseError], object] | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    block_size: int = BLOCK_SIZE,
    keep: HeadTest | None = None,
    server: str | None = None,
    shadow: frozenset[str] = frozenset(),
) -> Iterator[Event]:
    """The events of a plain server log (records over several lines), newest first: as
    :func:`events_backwards`, by regions that start at a record's first line, each decoded
    forwards (a record ends where the next one starts, so every region holds whole records).
    ``partial=False`` leaves bytes after the last newline (a line still being written); the
    record before them counts as complete, as a follower takes it once the log is quiet."""
    if end is None:
        end = stream.seek(0, os.SEEK_END)
    if not partial:
        end = line_end_before(stream, end)
    counter = LineCounter(stream)
    position = end
    while position > 0:
        start = _record_start_before(stream, position, block_size)
        stream.seek(start)
        region = stream.read(position - start)
        yield from _decode(
            region, start, name, final=True, strict=strict, on_error=on_error,
            counter=counter, max_line_bytes=max_line_bytes, keep=keep, server=server,
            shadow=shadow, known_format="serverlog",
        )  # fmt: skip
        position = start


def _record_start_before(stream: BinaryIO, position: int, block_size: int) -> int:
    """The offset of the first record start in the block before ``position`` (a larger
    block while there is none), or 0."""
    from ome_events.formats.serverlog import is_record_start

    size = block_size
    while True:
        probe = max(0, position - size)
        stream.seek(probe)
        data = stream.read(position - probe)
        index = 0 if probe == 0 else data.find(b"\n") + 1
        while 0 < index < len(data) or (index == 0 and probe == 0 and data):
            end = data.find(b"\n", index)
            line = data[index:] if end < 0 else data[index:end]
            if is_record_start(line):
                return probe + index
            if end < 0:
                break
            index = end + 1
        if probe == 0:
            return 0
        size *= 2


def _decode(
    region: bytes,
    start: int,
    name: str,
    *,
    final: bool,
    strict: bool,
    on_error: Callable[[ParseError], object] | None,
    counter: LineCounter,
    max_line_bytes: int,
    keep: HeadTest | None,
    server: str | None,
    shadow: frozenset[str] = frozenset(),
    known_format: str,
) -> Iterator[Event]:
    """The events of whole lines starting at ``start``, newest first (``known_format``: the
    file's, which a region's first lines may not show)."""
    decoder = LineDecoder(
        known_format=known_format,
        file=name,
        offset=start,
        numbered=False,
        errors="collect",
        strict=strict,
        max_line_bytes=max_line_bytes,
        max_errors=len(region) + 1,
        keep=keep,
        server=server,
        shadow=shadow,
    )
    events = decoder.feed(region)
    # The region's lines are whole: without its last line (not final), the input is quiet
    # there, which decides the format of lines that did not show it.
    events += decoder.close() if final else decoder.idle()
    if decoder.errors and on_error is not None:
        for error in decoder.errors:
            offset = start if error.offset is None else error.offset
            on_error(error.located(file=name, line=counter.line_at(offset), offset=offset))
    events.reverse()
    return iter(events)


def start_for(
    stream: BinaryIO,
    since: datetime,
    slack: timedelta,
    *,
    end: int | None = None,
    precision: int = CHUNK_SIZE,
    format: str | None = None,
) -> int:
    """Where to start reading a plain file for the events at or after ``since``: the start of
    a line before which no line holds such an event (0 when it cannot tell).

    Bisection on byte offsets: from a probe offset, the next line start is found and the
    first event from there is read (bad lines are passed over). The file is in time order
    except that a line may be up to ``slack`` earlier than a line before it (OME writes from
    several threads), so a line earlier than ``since - slack`` proves that every line before
    it is earlier than ``since``. Costs about log2(size / precision) small reads; the
    answer is at most ``precision`` bytes (and a line) before the first wanted event.
    ``format``: the file's (see :func:`~ome_events.files.line_time`), so that a line of the
    other kind, a bad line there, does not mislead the search with its time.
    """
    if end is None:
        end = stream.seek(0, os.SEEK_END)
    proof = since - slack
    low, high = 0, end  # no wanted event before low; the answer is at most high
    while high - low > precision:
        middle = (low + high) // 2
        found = _first_event_after(stream, middle, high, format)
        if found is not None and found[1] < proof:
            low = found[0]
        else:
            high = middle
    return low


def _first_event_after(
    stream: BinaryIO, position: int, end: int, format: str | None = None
) -> tuple[int, datetime] | None:
    """The start and time of the first event on a line starting after ``position`` and
    before ``end``."""
    stream.seek(position)
    held = b""
    skip_first = True  # the bytes up to the first newline belong to a line begun earlier
    offset = position
    while offset < end:
        block = stream.read(min(CHUNK_SIZE, end - offset))
        if not block:
            return None
        data = held + block
        start = 0
        while True:
            newline = data.find(b"\n", start)
            if newline < 0:
                break
            line_offset = offset - len(held) + start
            if not skip_first:
                time = line_time(data[start:newline], format)
                if time is not None:
                    return line_offset, time
            skip_first = False
            start = newline + 1
        held = data[start:]
        offset += len(block)
        if len(held) > DEFAULT_MAX_LINE_BYTES:
            held = b""
            skip_first = True  # an over-long line: resynchronise at its end
    return None

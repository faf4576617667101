"""Reading a whole event log (a directory of rotated files, or one file) as events, in order.

This is the history reader. Following a live log is :mod:`ome_events.follower`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from ome_events.errors import ParseError
from ome_events.files import (
    BASE_NAME,
    CHUNK_SIZE,
    LogFile,
    iter_chunks,
    last_event_time,
    ordered_log_files,
)
from ome_events.model import Event
from ome_events.parse import ErrorPolicy, LineDecoder

__all__ = ["EventReader", "read_events", "read_stream"]

log = logging.getLogger("ome_events")

#: Times in OME's log can step back a little (several writer threads). ``since``/``until``
#: decide on whole files with this much slack, so no event near a file boundary is missed.
FILE_SLACK = timedelta(seconds=60)

#: How many bad lines a reader logs one by one before it only counts them.
LOGGED_ERRORS = 20


def _aware(value: datetime | None) -> datetime | None:
    # A naive bound is taken as local time, which is what a person typing it means.
    if value is None or value.tzinfo is not None:
        return value
    return value.astimezone()


class EventReader(Iterator[Event]):
    """An iterator over the events of a log, with what it met on the way.

    Attributes:
        files: the files of the log, in order (``read_files`` are those actually opened).
        error_count: bad lines met so far.
        errors: the ParseErrors kept (``errors="collect"``: the newest 1000).

    With ``errors="raise"`` the first bad line raises :class:`ParseError` and ends the
    iteration; use ``"skip"`` or ``"collect"`` to read on past bad lines.
    """

    def __init__(
        self,
        sources: list[LogFile] | None,
        *,
        stream: BinaryIO | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        errors: ErrorPolicy = "raise",
        strict: bool = False,
        name: str | None = None,
    ) -> None:
        if errors not in ("raise", "skip", "collect"):
            raise ValueError(f"errors must be 'raise', 'skip' or 'collect', not {errors!r}")
        self.files = sources or []
        self.read_files: list[LogFile] = []
        self.since = _aware(since)
        self.until = _aware(until)
        self.policy: ErrorPolicy = errors
        self.strict = strict
        self.error_count = 0
        self.errors: list[ParseError] = []
        self._stream = stream
        self._name = name
        # One generator does all the work; ``for`` loops drive it directly (see __iter__),
        # which saves a Python-level __next__ call per event.
        events = self._generate()
        if self.since is not None or self.until is not None:
            events = self._in_range(events)
        self._events = events

    def __iter__(self) -> Iterator[Event]:
        return self._events

    def __next__(self) -> Event:
        return next(self._events)

    def _bad_line(self, error: ParseError) -> None:
        self.error_count += 1
        if self.policy == "collect":
            self.errors.append(error)
            if len(self.errors) > 1000:
                del self.errors[0]
        if self.error_count <= LOGGED_ERRORS:
            log.warning("skipped bad line: %s", error)
        elif self.error_count == LOGGED_ERRORS + 1:
            log.warning("more bad lines: only counting them from now on")

    def _selected_files(self) -> list[LogFile]:
        files = self.files
        chosen = []
        for index, log_file in enumerate(files):
            # The events of a file lie between its first and last events; for a compressed
            # file (no cheap way to its end) the next file's first event bounds the last.
            if self.since is not None and index + 1 < len(files):
                try:
                    last = last_event_time(log_file.path) or files[index + 1].first_time
                except FileNotFoundError:
                    continue
                if last is not None and last + FILE_SLACK < self.since:
                    continue
            first = log_file.first_time
            if self.until is not None and first is not None and first - FILE_SLACK >= self.until:
                continue
            chosen.append(log_file)
        return chosen

    def _generate(self) -> Iterator[Event]:
        if self._stream is not None:
            yield from self._decode(self._name or "<stdin>", _stream_chunks(self._stream))
            return
        for log_file in self._selected_files():
            self.read_files.append(log_file)
            try:
                yield from self._decode(os.fspath(log_file.path), iter_chunks(log_file.path))
            except FileNotFoundError:
                log.warning("%s: deleted before it could be read", log_file.path)

    def _decode(self, name: str, chunks: Iterator[bytes]) -> Iterator[Event]:
        raising = self.policy == "raise"
        decoder = LineDecoder(
            file=name,
            strict=self.strict,
            errors="raise" if raising else "skip",
            on_error=None if raising else self._bad_line,
        )
        try:
            for chunk in chunks:
                yield from decoder.feed(chunk)
            yield from decoder.close()
        except ParseError as error:
            if raising:
                self.error_count += 1
                raise
            # A damaged gzip file: what it held so far was read; report it and go on.
            self._bad_line(error)

    def _in_range(self, events: Iterator[Event]) -> Iterator[Event]:
        since, until = self.since, self.until
        stop_after = until + FILE_SLACK if until is not None else None
        for event in events:
            time = event.time
            if since is not None and time < since:
                continue
            if until is not None and time >= until:
                if stop_after is not None and time > stop_after:
                    # Later lines can only be later still (up to the slack): stop reading.
                    return
                continue
            yield event


def _stream_chunks(stream: BinaryIO) -> Iterator[bytes]:
    read = getattr(stream, "read1", stream.read)
    while chunk := read(CHUNK_SIZE):
        yield chunk


def read_events(
    path: str | os.PathLike[str],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: ErrorPolicy = "raise",
    strict: bool = False,
    base: str = BASE_NAME,
) -> EventReader:
    """Read the events of a log directory or of one file, oldest first.

    Args:
        path: a directory (``events.log`` and every rotated sibling, ``.gz`` too, ordered by
            their content) or a single file (plain or gzip).
        since: only events at or after this time (a naive time is local time).
        until: only events before this time. Files that cannot hold events in the range
            are not read past their first line.
        errors: ``"raise"`` (a bad line raises ParseError out of the iteration; calling
            ``next`` again continues after it), ``"skip"`` (count and log, go on) or
            ``"collect"`` (as skip, and keep them in ``reader.errors``).
        strict: reject unknown levels, categories, types and causes, and badly typed
            snapshots, as errors.
        base: the base file name, for logs configured with another name.

    Example::

        reader = read_events("/var/log/ovenmediaengine", errors="collect")
        for event in reader:
            print(event.time, event.type, event.source)
        print(reader.error_count, "bad lines")
    """
    target = Path(path)
    if target.is_dir():
        sources = ordered_log_files(target, base)
    elif target.exists():
        sources = [LogFile(target, target.name)]
    else:
        raise FileNotFoundError(f"no such file or directory: {os.fspath(target)!r}")
    return EventReader(sources, since=since, until=until, errors=errors, strict=strict)


def read_stream(
    stream: BinaryIO | None = None,
    *,
    name: str = "<stdin>",
    since: datetime | None = None,
    until: datetime | None = None,
    errors: ErrorPolicy = "raise",
    strict: bool = False,
) -> EventReader:
    """Read events from an open binary stream (standard input by default)."""
    source = stream if stream is not None else sys.stdin.buffer
    return EventReader(
        None, stream=source, since=since, until=until, errors=errors, strict=strict, name=name
    )

"""Reading a whole event log (a directory of rotated files, or one file) as events, in order.

This is the history reader. Following a live log is :mod:`ome_events.follower`; a reader
hands the follower the :class:`~ome_events.position.Position` where it stopped
(:attr:`EventReader.position`), so that history and live events meet without a gap or a
repeat.
"""

from __future__ import annotations

import heapq
import logging
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Literal, NamedTuple, cast, overload

from ome_events.compressed import GzipReader
from ome_events.errors import LogFileError, ParseError
from ome_events.files import (
    BASE_NAME,
    CHUNK_SIZE,
    GZIP_MAGIC,
    SERVER_LOG_BASE,
    LogFile,
    last_event_time,
    line_end_before,
    log_bases,
    order_log_files,
    scan_log_directory,
    server_label,
    server_labels,
    stream_chunks,
)
from ome_events.formats import START_BYTES, decoder_format
from ome_events.formats.serverlog import SHADOWED_BY_JSON
from ome_events.model import Event
from ome_events.parse import ErrorPolicy, HeadTest, LineDecoder
from ome_events.position import FINGERPRINT_BYTES, Position, fingerprint_of
from ome_events.seek import LineCounter, events_backwards, records_backwards, start_for

__all__ = [
    "BadLineLog",
    "EventReader",
    "EventsSource",
    "MergedReader",
    "iter_events",
    "read_events",
    "read_stream",
]

#: A log directory or file, several of them, or events already read.
EventsSource = str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | Iterable[Event]

#: What to do with bytes after a file's last newline: ``"read"`` them as a last line (a
#: finished file), or ``"leave"`` them (a file still being written, which a follower will
#: read on from :attr:`EventReader.position`).
Partial = Literal["read", "leave"]

log = logging.getLogger("ome_events")

#: Times in OME's log can step back a little (several writer threads). ``since``/``until``
#: decide on whole files with this much slack, so no event near a file boundary is missed.
FILE_SLACK = timedelta(seconds=60)

#: How many bad lines a reader logs one by one before it only counts them.
LOGGED_ERRORS = 20


class BadLineLog:
    """The logging of bad lines, shared by the readers of one read (several logs): the first
    :data:`LOGGED_ERRORS` are logged one by one, then one message says that the rest are
    only counted (the caller reports the total)."""

    def __init__(self, limit: int = LOGGED_ERRORS) -> None:
        self.limit = limit
        self.count = 0

    def __call__(self, error: ParseError) -> None:
        self.count += 1
        if self.count <= self.limit:
            log.warning("skipped bad line: %s", error)
        elif self.count == self.limit + 1:
            log.warning("more bad lines: only counting them from now on")


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
        file_problems: files that could not be read (permissions, a looping symlink, an I/O
            error: :class:`~ome_events.errors.LogFileError`) or not to their end (a damaged
            archive: :class:`ParseError`, after every line it still held). Each is logged
            once; the other files are read.

    With ``errors="raise"`` the first bad line (or unreadable file) raises and ends the
    iteration; use ``"skip"`` or ``"collect"`` to read on past them.
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
        partial: Partial = "read",
        where: Callable[[Event], bool] | None = None,
        server: str | None = None,
        bad_line_log: BadLineLog | None = None,
        shadow: frozenset[str] = frozenset(),
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
        #: Files that could not be read (:class:`LogFileError`) or not to their end (a
        #: damaged archive, :class:`ParseError`), in the order met.
        self.file_problems: list[LogFileError | ParseError] = []
        self.partial: Partial = partial
        self.where = where
        #: The name of the server whose log this is, in each event's ``origin``.
        self.server = server
        #: Types a plain server log leaves generic (a JSON log of the server gives them).
        self.shadow = shadow
        self._log_bad_line = bad_line_log or BadLineLog()
        # A filter that can judge a line by its raw top-level fields spares building the
        # events it does not want (see EventFilter.head_test).
        self._keep: HeadTest | None = getattr(where, "head_test", lambda: None)()
        self._stream = stream
        self._name = name
        self._position: Position | None = None
        # The newest file's end when its lines were not all counted (read backwards or after
        # a seek): (identity, end, an offset, lines from there to the end).
        self._end_of_newest: tuple[_Identity, int, int, int] | None = None
        self._identities: dict[str, _Identity] = {}
        # One generator does all the work; ``for`` loops drive it directly (see __iter__),
        # which saves a Python-level __next__ call per event.
        events = self._generate()
        if self.since is not None or self.until is not None:
            events = self._in_range(events)
        if where is not None:
            events = filter(where, events)
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
        self._log_bad_line(error)

    @property
    def position(self) -> Position | None:
        """Where the newest file read ends: just past its last complete line, once it was
        read to its end (None before, for standard input and for a compressed file).

        ``follow(path, start=reader.position)`` goes on from there without a gap or a
        repeat (read with ``partial="leave"``, so that a line still being written is left
        for the follower). After :meth:`last` read the newest file from its end, asking for
        the position counts that file's lines (the only time they are counted).
        """
        if self._position is None and self._end_of_newest is not None:
            identity, end, counted_from, lines_after = self._end_of_newest
            line = _line_at(identity.path, counted_from) + lines_after
            self._position = identity.at(end, line)
        return self._position

    def _may_hold_range(self, index: int) -> bool:
        """Whether file ``index`` can hold events in [since, until) (decided on its first and
        last events, with :data:`FILE_SLACK`)."""
        files = self.files
        log_file = files[index]
        # The events of a file lie between its first and last events; for a compressed
        # file (no cheap way to its end) the next file's first event bounds the last.
        if self.since is not None and index + 1 < len(files):
            try:
                last = last_event_time(log_file.path) or files[index + 1].first_time
            except FileNotFoundError:
                return False
            if last is not None and last + FILE_SLACK < self.since:
                return False
        first = log_file.first_time
        return not (
            self.until is not None and first is not None and first - FILE_SLACK >= self.until
        )

    def _generate(self) -> Iterator[Event]:
        if self._stream is not None:
            yield from self._decode(self._name or "<stdin>", _stream_chunks(self._stream))
            return
        for index in range(len(self.files)):
            if self._may_hold_range(index):
                yield from self._read_file(self.files[index])

    def _file_problem(self, problem: LogFileError | ParseError) -> None:
        """A file that could not be read, or not to its end: reported once, the rest read."""
        self.file_problems.append(problem)
        log.warning("%s", problem)
        if self.policy == "raise":
            raise problem
        if self.policy == "collect" and isinstance(problem, ParseError):
            self.errors.append(problem)

    def _read_file(self, log_file: LogFile, *, backwards: bool = False) -> Iterator[Event]:
        """The events of one file, oldest first; newest first with ``backwards`` (read from
        its end: only for a plain file, which the caller cannot know before it is open, so a
        compressed one is then read forwards and given newest first all the same)."""
        self.read_files.append(log_file)
        name = os.fspath(log_file.path)
        if log_file.error is not None:
            self._file_problem(LogFileError(name, log_file.error))
            return
        try:
            stream = open(log_file.path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            log.warning("%s: deleted before it could be read", log_file.path)
            return
        except OSError as error:
            self._file_problem(LogFileError(name, error.strerror or str(error)))
            return
        with stream:
            decoder = self._decoder(name)
            try:
                identity = _identify(stream, name, log_file)
                self._identities[name] = identity
                plain = not (log_file.compressed or identity.compressed)
                if backwards and plain:
                    yield from self._read_backwards(stream, name, log_file, identity)
                    return
                start = 0
                if self.since is not None and plain:
                    start = start_for(stream, self.since, FILE_SLACK, format=identity.format)
                    stream.seek(0)
                if start:  # lines before it are not read, so not counted
                    decoder = self._decoder(
                        name, offset=start, numbered=False, known_format=identity.format
                    )
                chunks = stream_chunks(stream, name, start=start)
                events = self._decode(name, chunks, decoder)
                yield from reversed(list(events)) if backwards else events
            except OSError as error:  # an I/O error in the middle of the file
                reason = f"{error.strerror or error} at byte {decoder.offset:,}"
                self._file_problem(LogFileError(name, reason))
                return
            if log_file.compressed or log_file is not self.files[-1] or identity.compressed:
                return  # a follower goes on in the newest file, never in a compressed one
            if decoder.numbered:
                self._position = identity.at(decoder.offset, decoder.line)
            else:  # counted only if asked
                self._end_of_newest = (identity, decoder.offset, start, decoder.line - 1)

    def _read_backwards(
        self, stream: BinaryIO, name: str, log_file: LogFile, identity: _Identity
    ) -> Iterator[Event]:
        end = stream.seek(0, os.SEEK_END)
        unfinished = 0  # a last line without newline, which a forward read numbers too
        if self.partial == "leave":
            end = line_end_before(stream, end)
        elif end:
            stream.seek(end - 1)
            unfinished = stream.read(1) != b"\n"
        if log_file is self.files[-1]:
            # Where a follower goes on: known now, its line number counted only if asked.
            self._position = None
            self._end_of_newest = (identity, end, end, unfinished)
        options: dict[str, Any] = {
            "end": end,
            "partial": self.partial == "read",
            "strict": self.strict,
            "on_error": self._bad_line,
            "keep": self._keep,
            "server": self.server,
        }
        if identity.records:  # the plain server log: by regions of whole records
            yield from records_backwards(stream, name, shadow=self.shadow, **options)
        else:
            yield from events_backwards(stream, name, **options)

    def position_before(self, event: Event) -> Position | None:
        """Where ``event`` starts, for a follower to begin with it (None for an event this
        reader did not read from a file)."""
        origin = event.origin
        identity = (
            None if origin is None or origin.file is None else self._identities.get(origin.file)
        )
        if identity is None or origin is None:
            return None
        line = origin.line
        if line is None:  # read backwards or after a seek: counted now
            line = _line_at(identity.path, origin.offset)
        return identity.at(origin.offset, line)

    def start_position(self) -> Position | None:
        """The start of the oldest file that can be read (a follower that begins there reads
        the whole log), or None when there is none."""
        for log_file in self.files:
            if log_file.error is not None:
                continue
            name = os.fspath(log_file.path)
            try:
                with open(log_file.path, "rb") as stream:
                    return _identify(stream, name, log_file).at(0, 1)
            except OSError:
                continue
        return None

    def _decoder(
        self,
        name: str,
        *,
        offset: int = 0,
        numbered: bool = True,
        known_format: str | None = None,
    ) -> LineDecoder:
        raising = self.policy == "raise"
        return LineDecoder(
            known_format=known_format,
            file=name,
            server=self.server,
            offset=offset,
            numbered=numbered,
            strict=self.strict,
            errors="raise" if raising else "skip",
            on_error=None if raising else self._bad_line,
            keep=self._keep,
            shadow=self.shadow,
        )

    def _decode(
        self, name: str, chunks: Iterator[bytes], decoder: LineDecoder | None = None
    ) -> Iterator[Event]:
        decoder = decoder or self._decoder(name)
        try:
            for chunk in chunks:
                yield from decoder.feed(chunk)
        except ParseError as error:
            if error.file is None or error.line is not None:
                self.error_count += 1  # a bad line under errors="raise"
                raise
            # A damaged gzip file: every line it still held was read; say so and go on.
            self._file_problem(
                ParseError(
                    f"{error.reason} ({decoder.line - 1:,} lines read from it)",
                    expected=error.expected,
                    file=error.file,
                    offset=error.offset,
                )
            )
            return
        if self.partial == "read":
            yield from decoder.close()
        else:  # the end for now, as a follower sees it: a server log's last record is whole
            yield from decoder.idle()

    def last(
        self,
        count: int | None,
        offset: int = 0,
        *,
        where: Callable[[Event], bool] | None = None,
    ) -> list[Event]:
        """The ``count`` newest events (that pass the reader's ``where`` and this ``where``)
        before the ``offset`` newest, oldest first; ``count=None`` means all of them.

        Reads the files from the newest backwards and stops as soon as it has enough:
        ``last(10)`` on a month of rotated files reads only today's. Use it instead of
        iterating, not after.
        """
        if count is None or self._stream is not None:
            events: Iterable[Event] = self if where is None else filter(where, self)
            return list(_newest(events, count, offset))
        wheres = [test for test in (self.where, where) if test is not None]
        wanted = count + offset
        pieces: list[list[Event]] = []
        found = 0
        backwards = self.policy != "raise"  # raise: the oldest bad line first, as forwards
        for index in range(len(self.files) - 1, -1, -1):
            if found >= wanted:
                break
            if not self._may_hold_range(index):
                if self.since is not None and index + 1 < len(self.files):
                    break  # this file and all older ones end before since
                continue
            if backwards:
                newest_first = self._read_file(self.files[index], backwards=True)
                if self.since is not None or self.until is not None:
                    newest_first = self._in_range_backwards(newest_first)
                for test in wheres:
                    newest_first = filter(test, newest_first)
                matching = list(islice(newest_first, wanted - found))
                matching.reverse()
            else:
                events = self._read_file(self.files[index])
                if self.since is not None or self.until is not None:
                    events = self._in_range(events)
                for test in wheres:
                    events = filter(test, events)
                matching = list(deque(events, maxlen=wanted - found))
            pieces.append(matching)
            found += len(matching)
        oldest_first = [event for piece in reversed(pieces) for event in piece]
        return oldest_first[: max(0, len(oldest_first) - offset)]

    def _in_range_backwards(self, events: Iterator[Event]) -> Iterator[Event]:
        """:meth:`_in_range` for events newest first."""
        since, until = self.since, self.until
        stop_before = since - FILE_SLACK if since is not None else None
        for event in events:
            time = event.time
            if until is not None and time >= until:
                continue
            if since is not None and time < since:
                if stop_before is not None and time < stop_before:
                    return  # earlier lines can only be earlier still (up to the slack)
                continue
            yield event

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


class _Identity(NamedTuple):
    """What a follower needs to find a file again: path, identity, fingerprint."""

    path: str
    device: int
    inode: int
    fingerprint: str | None
    first_time: datetime | None
    compressed: bool
    records: bool  # a plain server log (records over lines): read forwards from a record start

    @property
    def format(self) -> str:
        """The decoder's format for this file (told to decoders that start mid-file)."""
        return "serverlog" if self.records else "json"

    def at(self, offset: int, line: int) -> Position:
        return Position(
            self.path, self.device, self.inode, self.fingerprint, offset, line, self.first_time
        )


def _identify(stream: BinaryIO, name: str, log_file: LogFile) -> _Identity:
    """The identity of an open file (at its start; left there), its content's fingerprint
    taken from its decompressed head for a gzip file."""
    info = os.fstat(stream.fileno())
    head = stream.read(FINGERPRINT_BYTES)
    compressed = head.startswith(GZIP_MAGIC)
    stream.seek(0)
    if compressed:
        head = GzipReader(stream).read(FINGERPRINT_BYTES)
        stream.seek(0)
    return _Identity(
        name,
        info.st_dev,
        info.st_ino,
        fingerprint_of(head),
        log_file.first_time,
        compressed,
        # (A gzip file is read from its start, whose first lines decide; a plain one may be
        # read from the middle or from its end, told the format its start shows.)
        not compressed and decoder_format(os.pread(stream.fileno(), START_BYTES, 0)) == "serverlog",
    )


def _line_at(path: str, offset: int) -> int:
    with open(path, "rb") as stream:
        return LineCounter(stream).line_at(offset)


def _stream_chunks(stream: BinaryIO) -> Iterator[bytes]:
    read = getattr(stream, "read1", stream.read)
    while chunk := read(CHUNK_SIZE):
        yield chunk


def _newest(events: Iterable[Event], limit: int | None, offset: int) -> Iterator[Event]:
    from ome_events.filters import newest

    return newest(events, limit, offset)


@overload
def read_events(
    path: str | os.PathLike[str],
    *,
    since: datetime | None = ...,
    until: datetime | None = ...,
    errors: ErrorPolicy = ...,
    strict: bool = ...,
    base: str | None = ...,
    partial: Partial = ...,
    where: Callable[[Event], bool] | None = ...,
) -> EventReader | MergedReader: ...


@overload
def read_events(
    path: Sequence[str | os.PathLike[str]],
    *,
    since: datetime | None = ...,
    until: datetime | None = ...,
    errors: ErrorPolicy = ...,
    strict: bool = ...,
    base: str | None = ...,
    partial: Partial = ...,
    where: Callable[[Event], bool] | None = ...,
) -> EventReader | MergedReader: ...


def read_events(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: ErrorPolicy = "raise",
    strict: bool = False,
    base: str | None = None,
    partial: Partial = "read",
    where: Callable[[Event], bool] | None = None,
) -> EventReader | MergedReader:
    """Read the events of a log directory or of one file, oldest first; or of several logs
    (one per server), merged by time.

    Args:
        path: a directory (``events.log`` and every rotated sibling, ``.gz`` too, ordered by
            their content) or a single file (plain or gzip); or a list of them, one per
            server, read as a :class:`MergedReader`. Each log is named by
            :func:`~ome_events.files.server_labels` (its directory's name), in every event's
            ``origin.server`` (``event.server``).
        since: only events at or after this time (a naive time is local time).
        until: only events before this time. Files that cannot hold events in the range
            are not read past their first line.
        errors: ``"raise"`` (a bad line raises ParseError out of the iteration; calling
            ``next`` again continues after it), ``"skip"`` (count and log, go on) or
            ``"collect"`` (as skip, and keep them in ``reader.errors``).
        strict: reject unknown levels, categories, types and causes, and badly typed
            snapshots, as errors.
        base: the base file name, for logs configured with another name. By default a
            directory's ``events.log`` and ``ovenmediaengine.log`` (the plain server log) are
            both read, merged by time, as one server's (a :class:`MergedReader`).
        partial: ``"read"`` (default) decodes bytes after a file's last newline as a last
            line; ``"leave"`` leaves them to a follower (see :attr:`EventReader.position`).
        where: only the events it is true for. An :class:`~ome_events.filters.EventFilter`
            is also tried on each line's top-level strings first, so that no event is built
            for a line it rules out (the line is still checked: bad lines are reported).

    Example::

        reader = read_events("/var/log/ovenmediaengine", errors="collect")
        for event in reader:
            print(event.time, event.type, event.source)
        print(reader.error_count, "bad lines")
    """
    options: dict[str, Any] = {
        "since": since,
        "until": until,
        "errors": errors,
        "strict": strict,
        "base": base,
        "partial": partial,
        "where": where,
    }
    if isinstance(path, str | os.PathLike):
        return _read_one(path, server_label(path), options)
    paths = list(path)
    if not paths:
        raise ValueError("read_events needs at least one path")
    labels = server_labels(paths)
    if len(paths) == 1:
        return _read_one(paths[0], labels[0], options)
    options["bad_line_log"] = BadLineLog()  # one budget of messages for all the logs
    readers: list[EventReader] = []
    for one, label in zip(paths, labels, strict=True):
        found = _read_one(one, label, options)
        readers += found.readers if isinstance(found, MergedReader) else [found]
    return MergedReader(readers)


def _read_one(
    path: str | os.PathLike[str], server: str, options: dict[str, Any]
) -> EventReader | MergedReader:
    target = Path(path)
    options = dict(options)
    base = options.pop("base")
    if base is None:
        bases = log_bases(target) if target.is_dir() else [BASE_NAME]
        if len(bases) > 1:  # events.log and ovenmediaengine.log: one server, both logs
            options.setdefault("bad_line_log", BadLineLog())
            # What both logs say is taken from the JSON one: no stream is created twice.
            readers = [
                _read_one(path, server, {**options, "base": one, "shadow": _shadow(one)})
                for one in bases
            ]
            return MergedReader([r for one in readers for r in _readers_of(one)])
        base = bases[0]
    if target.is_dir():
        found = scan_log_directory(target, base)
        for name in found.unrecognised:
            log.warning(
                "%s: named like a rotated log file but matching no known layout: not read", name
            )
        sources = order_log_files(found.files)
    elif target.exists():
        sources = [LogFile(target, target.name)]
    else:
        raise FileNotFoundError(f"no such file or directory: {os.fspath(target)!r}")
    return EventReader(sources, server=server, **options)


class MergedReader(Iterator[Event]):
    """The events of several logs (one per server), merged by time, with what each reader
    met: the same surface as :class:`EventReader` (``files``, ``error_count``, ``errors``,
    ``file_problems``, :meth:`last`), and ``readers``, one per log, with its ``server``.

    Inside each log events keep their file order (OME's small steps back in time stay as
    written); between logs the earlier event comes first.
    """

    def __init__(self, readers: list[EventReader]) -> None:
        self.readers = readers
        self._events = heapq.merge(*readers, key=_time_of)

    def __iter__(self) -> Iterator[Event]:
        return self._events

    def __next__(self) -> Event:
        return next(self._events)

    @property
    def files(self) -> list[LogFile]:
        """Every log's files, log by log."""
        return [f for reader in self.readers for f in reader.files]

    @property
    def read_files(self) -> list[LogFile]:
        """The files opened so far."""
        return [f for reader in self.readers for f in reader.read_files]

    @property
    def error_count(self) -> int:
        """Bad lines met so far, in every log."""
        return sum(reader.error_count for reader in self.readers)

    @property
    def errors(self) -> list[ParseError]:
        """The ParseErrors kept (``errors="collect"``), log by log."""
        return [e for reader in self.readers for e in reader.errors]

    @property
    def file_problems(self) -> list[LogFileError | ParseError]:
        """Files that could not be read (in full), log by log."""
        return [p for reader in self.readers for p in reader.file_problems]

    @property
    def positions(self) -> dict[str, Position | None]:
        """Where each log's newest file ends, by server (see :attr:`EventReader.position`)."""
        out: dict[str, Position | None] = {}
        for reader in self.readers:
            key = str(reader.server)
            if key in out and reader.files:  # a server's second log (its plain server log)
                key = f"{key}/{reader.files[0].base}"
            out[key] = reader.position
        return out

    def last(
        self,
        count: int | None,
        offset: int = 0,
        *,
        where: Callable[[Event], bool] | None = None,
    ) -> list[Event]:
        """The ``count`` newest events of all the logs before the ``offset`` newest, oldest
        first (each log read from its end, as :meth:`EventReader.last`)."""
        if count is None:
            events: Iterable[Event] = self if where is None else filter(where, self)
            return list(_newest(events, None, offset))
        pieces = [reader.last(count + offset, 0, where=where) for reader in self.readers]
        merged = list(heapq.merge(*pieces, key=_time_of))
        end = max(0, len(merged) - offset)
        return merged[max(0, end - count) : end]


def _shadow(base: str) -> frozenset[str]:
    """The types a log leaves generic when the JSON event log is read beside it."""
    return SHADOWED_BY_JSON if base == SERVER_LOG_BASE else frozenset()


def _readers_of(reader: EventReader | MergedReader) -> list[EventReader]:
    return reader.readers if isinstance(reader, MergedReader) else [reader]


def _time_of(event: Event) -> datetime:
    return event.time


def iter_events(
    source: EventsSource,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: ErrorPolicy = "raise",
) -> Iterator[Event]:
    """The events of a path, of several paths (one per server, merged by time), or of an
    iterable of events (filtered by ``since``/``until`` too)."""
    if isinstance(source, str | os.PathLike):
        yield from read_events(source, since=since, until=until, errors=errors)
        return
    if isinstance(source, list | tuple):  # paths (one per server), or events in a list
        paths = [item for item in source if not isinstance(item, Event)]
        if paths:
            yield from read_events(paths, since=since, until=until, errors=errors)
            source = [item for item in source if isinstance(item, Event)]
    # Anything else is streamed, never gathered: a generator of a million events stays one
    # event in memory at a time.
    since, until = _aware(since), _aware(until)
    events = cast(Iterable[Event], source)
    for event in events:
        time = event.time
        if (since is None or time >= since) and (until is None or time < until):
            yield event


def read_stream(
    stream: BinaryIO | None = None,
    *,
    name: str = "<stdin>",
    since: datetime | None = None,
    until: datetime | None = None,
    errors: ErrorPolicy = "raise",
    strict: bool = False,
    where: Callable[[Event], bool] | None = None,
) -> EventReader:
    """Read events from an open binary stream (standard input by default); ``where`` as for
    :func:`read_events`."""
    source = stream if stream is not None else sys.stdin.buffer
    return EventReader(
        None,
        stream=source,
        since=since,
        until=until,
        errors=errors,
        strict=strict,
        name=name,
        where=where,
    )

"""Finding ``events.log`` and its rotated siblings, and putting them in the order of their events.

OME rolls ``events.log`` daily, but the date in a rotated name is not reliable
(``ome-facts.md``): the older logger names the file after the *new* day, the newer one after
the day of its last line, a restarted server never renames (one file spans days), and
operators compress or delete files at any time. So files are ordered by the time of their
first event, read from their content, and the suffix only breaks ties.

Recognised names, for a base name ``events.log``::

    events.log                    the file being written (last)
    events.log.YYYYMMDD           rotated
    events.log.YYYYMMDD.N         rotated, on a name clash
    events.log.YYYYMMDD[.N].gz    compressed by logrotate or cron

When both ``X`` and ``X.gz`` exist (gzip is still writing, or left the original behind), only
``X`` is read, so no event is yielded twice.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ome_events.errors import ParseError

__all__ = [
    "BASE_NAME",
    "CHUNK_SIZE",
    "GZIP_MAGIC",
    "LogFile",
    "find_log_files",
    "first_event_time",
    "is_gzip",
    "iter_chunks",
    "last_event_time",
    "last_line_end",
    "line_time",
    "lines_backwards",
    "open_log",
    "ordered_log_files",
    "stream_chunks",
    "uncompressed_size",
]

BASE_NAME = "events.log"
# 64 KiB: larger chunks keep more decoded events alive at once, and the garbage collector
# then spends longer walking them (measured: 1 MiB chunks read 20% slower).
CHUNK_SIZE = 64 * 1024
#: The first two bytes of every gzip file.
GZIP_MAGIC = b"\x1f\x8b"
# How far into a file we look for its first event before giving up on ordering by content.
_FIRST_EVENT_SCAN_BYTES = 4 << 20

_ROTATED = re.compile(r"\.(?P<date>\d{8})(?:\.(?P<index>\d+))?(?P<gz>\.gz)?")


@dataclass(frozen=True, slots=True)
class LogFile:
    """One file of an event log.

    ``suffix_date`` and ``index`` come from the name (``events.log.20250326.1``) and are only
    used to break ties; ``first_time`` is the time of the first event in the file, read from
    its content by :func:`ordered_log_files` (None when the file has no readable event).
    """

    path: Path
    base: str
    suffix_date: date | None = None
    index: int | None = None
    compressed: bool = False
    first_time: datetime | None = None

    @property
    def is_base(self) -> bool:
        """True for the file OME is writing (``events.log`` itself)."""
        return self.path.name == self.base

    @classmethod
    def from_path(cls, path: Path, base: str = BASE_NAME) -> LogFile | None:
        """Recognise a file of the log ``base`` by its name; None for other files."""
        name = path.name
        if name == base:
            return cls(path, base)
        if name == base + ".gz":
            return cls(path, base, compressed=True)
        if not name.startswith(base):
            return None
        match = _ROTATED.fullmatch(name, len(base))
        if match is None:
            return None
        try:
            suffix = datetime.strptime(match["date"], "%Y%m%d").date()
        except ValueError:
            return None
        index = int(match["index"]) if match["index"] is not None else None
        return cls(path, base, suffix, index, compressed=match["gz"] is not None)


def find_log_files(directory: str | os.PathLike[str], base: str = BASE_NAME) -> list[LogFile]:
    """The base file and every rotated sibling in ``directory``, unordered.

    A ``.gz`` whose uncompressed twin is also present is left out (see the module docstring).
    """
    folder = Path(directory)
    found: dict[str, LogFile] = {}
    for entry in os.scandir(folder):
        if not entry.is_file():
            continue
        log_file = LogFile.from_path(folder / entry.name, base)
        if log_file is not None:
            found[entry.name] = log_file
    return [
        f for name, f in found.items() if not (f.compressed and name.removesuffix(".gz") in found)
    ]


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """True when the file starts with the gzip magic bytes (whatever its name)."""
    with open(path, "rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def open_log(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a log file for binary reading, decompressing it when it is gzip."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def iter_chunks(
    path: str | os.PathLike[str], *, start: int = 0, size: int | None = None
) -> Iterator[bytes]:
    """Yield the (decompressed) bytes of a file from byte ``start``, in chunks.

    A damaged or truncated gzip file yields what could be decompressed, then raises
    :class:`ParseError` with the file and the uncompressed offset where it broke.
    """
    with open(path, "rb") as stream:
        yield from stream_chunks(stream, os.fspath(path), start=start, size=size)


def stream_chunks(
    stream: BinaryIO, name: str, *, start: int = 0, size: int | None = None
) -> Iterator[bytes]:
    """:func:`iter_chunks` on a file already open (at its start), gzip or not."""
    compressed = stream.read(2) == GZIP_MAGIC
    stream.seek(0)
    source: Any = gzip.GzipFile(fileobj=stream, mode="rb") if compressed else stream
    read = source.read
    position = 0
    try:
        if start:
            source.seek(start)
            position = start
        while chunk := read(size or CHUNK_SIZE):
            position += len(chunk)
            yield chunk
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise ParseError(
            f"compressed file is damaged or incomplete ({error})",
            expected="a complete gzip file",
            file=name,
            offset=position,
        ) from None


def first_event_time(path: str | os.PathLike[str]) -> datetime | None:
    """The time of the first line that has a valid ``time``, or None.

    Only the first few MiB are looked at: a file whose start is all garbage is ordered by
    its name instead.
    """
    seen = 0
    partial = b""
    try:
        for chunk in iter_chunks(path, size=64 * 1024):
            seen += len(chunk)
            lines = (partial + chunk).split(b"\n")
            partial = lines.pop()
            for line in lines:
                found = line_time(line)
                if found is not None:
                    return found
            if seen > _FIRST_EVENT_SCAN_BYTES:
                return None
    except ParseError:
        return None
    return line_time(partial)


def lines_backwards(
    stream: BinaryIO, end: int | None = None, *, limit: int | None = None
) -> Iterator[tuple[int, bytes]]:
    r"""The complete lines of a plain file, newest first, as (offset of the line, its bytes).

    Reads blocks backwards from ``end`` (the file's size by default). Bytes after the last
    newline before ``end`` (a line still being written) are not a line and are skipped; the
    first line of the file comes last. Lines keep a ``\r`` before their newline. With
    ``limit``, reading stops once that many bytes before ``end`` were looked at. Memory
    holds one block and the line being assembled, however long the file.

    >>> import io
    >>> list(lines_backwards(io.BytesIO(b"a\nbb\nccc")))
    [(2, b'bb'), (0, b'a')]
    """
    if end is None:
        end = stream.seek(0, os.SEEK_END)
    position = end
    pending: list[bytes] = []  # the pieces of the line being assembled, newest piece first
    have_newline = False
    while position > 0:
        if limit is not None and end - position > limit:
            return
        step = min(CHUNK_SIZE, position)
        position -= step
        stream.seek(position)
        block = stream.read(step)
        stop = len(block)
        index = block.rfind(b"\n")
        if not have_newline:
            if index < 0:
                continue  # all of this block is the unfinished line at the end
            have_newline = True
            stop = index
            index = block.rfind(b"\n", 0, stop)
        while index >= 0:
            piece = block[index + 1 : stop]
            if pending:
                pending.append(piece)
                piece = b"".join(reversed(pending))
                pending.clear()
            yield position + index + 1, piece
            stop = index
            index = block.rfind(b"\n", 0, stop)
        pending.append(block[:stop])
    if have_newline:
        yield 0, b"".join(reversed(pending))


def last_line_end(path: str | os.PathLike[str]) -> int:
    """The offset just past the last newline of a plain file (0 if it has none)."""
    with open(path, "rb") as stream:
        for offset, line in lines_backwards(stream):
            return offset + len(line) + 1
    return 0


def last_event_time(path: str | os.PathLike[str]) -> datetime | None:
    """The time of the last line with a valid ``time``, read backwards from the end.

    Only for plain files (a gzip file cannot be read backwards cheaply: None), and only the
    last few MiB are looked at.
    """
    if is_gzip(path):
        return None
    with open(path, "rb") as stream:
        for _, line in lines_backwards(stream, limit=_FIRST_EVENT_SCAN_BYTES):
            found = line_time(line)
            if found is not None:
                return found
    return None


def line_time(line: bytes) -> datetime | None:
    """The ``time`` of an event line, or None when the line has no valid one.

    As the parser does, a time without an offset is taken as UTC.
    """
    try:
        obj = orjson.loads(line.removeprefix(b"\xef\xbb\xbf"))
        value = datetime.fromisoformat(obj["time"])
    except (orjson.JSONDecodeError, TypeError, KeyError, ValueError):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def uncompressed_size(path: str | os.PathLike[str]) -> int:
    """A file's size, uncompressed for gzip (0 if it cannot be read).

    A gzip file ends with its uncompressed size modulo 2**32: good enough for a progress
    bar (over 4 GiB of events in one file is rare).
    """
    try:
        with open(path, "rb") as stream:
            if stream.read(2) != GZIP_MAGIC:
                return int(os.fstat(stream.fileno()).st_size)
            stream.seek(-4, os.SEEK_END)
            return int.from_bytes(stream.read(4), "little")
    except OSError:
        return 0


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _order_key(log_file: LogFile) -> tuple[datetime, int, date, int, str]:
    if log_file.first_time is not None:
        when = log_file.first_time
    elif log_file.is_base:
        when = _FAR_FUTURE  # an empty base file: just rolled, newest
    else:
        suffix = log_file.suffix_date or date.min
        when = datetime(suffix.year, suffix.month, suffix.day, tzinfo=UTC)
    return (
        when,
        1 if log_file.is_base else 0,
        log_file.suffix_date or date.max,
        log_file.index if log_file.index is not None else -1,
        log_file.path.name,
    )


def ordered_log_files(directory: str | os.PathLike[str], base: str = BASE_NAME) -> list[LogFile]:
    """The files of the log in ``directory``, oldest events first, each with ``first_time``."""
    files = []
    for found in find_log_files(directory, base):
        try:
            first = first_event_time(found.path)
        except FileNotFoundError:
            continue  # deleted (by logrotate, cron) since the directory was listed
        files.append(replace(found, first_time=first))
    return sorted(files, key=_order_key)

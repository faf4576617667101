"""Finding ``events.log`` and its rotated siblings, and putting them in the order of their events.

OME rolls ``events.log`` daily, but the date in a rotated name is not reliable
(``ome-facts.md``): the older logger names the file after the *new* day, the newer one after
the day of its last line, a restarted server never renames (one file spans days), and
operators compress or delete files at any time. So files are ordered by the time of their
first event, read from their content, and the suffix only breaks ties.

Recognised names, for a base name ``events.log`` (each may end in ``.gz``)::

    events.log                    the file being written (last)
    events.log.YYYYMMDD[.N]       rotated by OME (.N on a name clash)
    events.log.N                  rotated by logrotate's default numbered layout
    events.log-YYYYMMDD[-N]       rotated by logrotate with dateext
    events.log.YYYY-MM-DD         ... with another dateformat (also with "-")

A sibling that starts like a rotated name but matches none of these (``events.log.old``,
``events.log.bz2``) is reported by :func:`scan_log_directory`, never silently skipped. When both
``X`` and ``X.gz`` exist (gzip is still writing, or left the original behind), only ``X`` is
read, so no event is yielded twice. A file that cannot be read (permissions, a looping
symlink, an I/O error) is listed with its reason; every other file is still read.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from ome_events.compressed import GzipReader
from ome_events.errors import ParseError
from ome_events.formats.serverlog import record_start_time
from ome_events.parse import parse_line

__all__ = [
    "BASE_NAME",
    "CHUNK_SIZE",
    "GZIP_MAGIC",
    "LOG_BASES",
    "SERVER_LOG_BASE",
    "LogDirectory",
    "LogFile",
    "file_format",
    "find_log_files",
    "first_event_time",
    "is_gzip",
    "iter_chunks",
    "last_event_time",
    "last_line_end",
    "line_end_before",
    "line_time",
    "lines_backwards",
    "log_bases",
    "open_log",
    "order_log_files",
    "ordered_log_files",
    "scan_log_directory",
    "server_label",
    "server_labels",
    "stream_chunks",
    "uncompressed_size",
]

BASE_NAME = "events.log"
#: The plain server log every OME writes (read as events too: formats/serverlog.py).
SERVER_LOG_BASE = "ovenmediaengine.log"
#: The logs a directory is searched for, in this order.
LOG_BASES = (BASE_NAME, SERVER_LOG_BASE)
# 64 KiB: larger chunks keep more decoded events alive at once, and the garbage collector
# then spends longer walking them (measured: 1 MiB chunks read 20% slower).
CHUNK_SIZE = 64 * 1024
#: The first two bytes of every gzip file.
GZIP_MAGIC = b"\x1f\x8b"
# How far into a file we look for its first event before giving up on ordering by content.
_FIRST_EVENT_SCAN_BYTES = 4 << 20

# What follows the base name of a rotated file. The date is not trusted (see above), so an
# impossible one (20250332) is still a rotated file, ordered by its content.
_ROTATED = re.compile(
    r"(?:"
    r"[.-](?P<date>\d{8}|\d{4}-\d{2}-\d{2})(?:[.-](?P<index>\d+))?"  # dated, dateext
    r"|\.(?P<number>\d{1,3})"  # logrotate's numbered layout (rotate 1 to 999)
    r")?(?P<gz>\.gz)?"
)
# A name that starts like a rotated file: said to be unrecognised when no layout matches.
_LOOKS_ROTATED = re.compile(r"[.-]")


@dataclass(frozen=True, slots=True)
class LogFile:
    """One file of an event log.

    ``suffix_date`` and ``index`` come from the name (``events.log.20250326.1``; ``index`` is
    also logrotate's number, ``events.log.2``, where a higher number is older) and are only
    used to break ties; ``first_time`` is the time of the first event in the file, read from
    its content by :func:`ordered_log_files` (None when the file has no readable event).
    ``error`` says why the file cannot be read (None when it can).
    """

    path: Path
    base: str
    suffix_date: date | None = None
    index: int | None = None
    compressed: bool = False
    first_time: datetime | None = None
    numbered: bool = False
    error: str | None = None

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
        if not name.startswith(base):
            return None
        match = _ROTATED.fullmatch(name, len(base))
        if match is None:
            return None
        compressed = match["gz"] is not None
        if match["number"] is not None:
            return cls(path, base, index=int(match["number"]), compressed=compressed, numbered=True)
        suffix = None
        if match["date"] is not None:
            try:
                suffix = date.fromisoformat(match["date"])
            except ValueError:
                suffix = None  # an impossible date: the content decides the order anyway
        index = int(match["index"]) if match["index"] is not None else None
        return cls(path, base, suffix, index, compressed=compressed)


@dataclass(frozen=True, slots=True)
class LogDirectory:
    """What a log directory holds: the files of the log (readable or not, each with its
    reason) and the siblings whose names look rotated but match no known layout."""

    files: list[LogFile]
    unrecognised: list[Path]

    @property
    def unreadable(self) -> list[LogFile]:
        """The files that cannot be read, each with ``error`` set."""
        return [f for f in self.files if f.error is not None]


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def scan_log_directory(directory: str | os.PathLike[str], base: str = BASE_NAME) -> LogDirectory:
    """The base file and every rotated sibling in ``directory``, unordered, and the names
    that look rotated but match no layout.

    A name is looked at before the file: an unrelated looping symlink costs nothing, and one
    that is named like a log file is listed with its reason. A ``.gz`` whose uncompressed
    twin is also present is left out (see the module docstring).
    """
    folder = Path(directory)
    found: dict[str, LogFile] = {}
    unrecognised: list[Path] = []
    for entry in os.scandir(folder):
        name = entry.name
        if not name.startswith(base):
            continue
        log_file = LogFile.from_path(folder / name, base)
        if log_file is None:
            if _LOOKS_ROTATED.match(name, len(base)):
                unrecognised.append(folder / name)
            continue
        try:
            if not entry.is_file():
                continue  # a directory or a device named like a log file
            os.stat(entry.path)  # follows a symlink: a loop or a dangling link fails here
        except FileNotFoundError:
            continue  # deleted (or a dangling link): nothing to read
        except OSError as error:
            log_file = replace(log_file, error=_reason(error))
        found[name] = log_file
    files = [
        f for name, f in found.items() if not (f.compressed and name.removesuffix(".gz") in found)
    ]
    return LogDirectory(files, sorted(unrecognised))


def log_bases(directory: str | os.PathLike[str]) -> list[str]:
    """The logs a directory holds (of :data:`LOG_BASES`): ``events.log`` when its files are
    there, ``ovenmediaengine.log`` when its files are; ``[BASE_NAME]`` when neither is (a
    log that has not started yet is waited for by that name)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return [BASE_NAME]
    found = [
        base
        for base in LOG_BASES
        if any(name.startswith(base) and LogFile.from_path(Path(name), base) for name in names)
    ]
    return found or [BASE_NAME]


def find_log_files(directory: str | os.PathLike[str], base: str = BASE_NAME) -> list[LogFile]:
    """The base file and every rotated sibling in ``directory``, unordered (unreadable ones
    too, with their ``error``)."""
    return scan_log_directory(directory, base).files


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """True when the file starts with the gzip magic bytes (whatever its name)."""
    with open(path, "rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def open_log(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a log file for binary reading, decompressing it when it is gzip (a damaged one
    reads as far as it can; see :class:`~ome_events.compressed.GzipReader`)."""
    stream = open(path, "rb")  # noqa: SIM115
    if stream.read(2) == GZIP_MAGIC:
        stream.seek(0)
        return GzipReader(stream)  # type: ignore[return-value]
    stream.seek(0)
    return stream


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
    """:func:`iter_chunks` on a file already open (at its start), gzip or not.

    A damaged gzip file yields everything it still holds (as ``gzip -dc`` does), then
    raises :class:`ParseError` saying what was wrong and at which compressed byte.
    """
    compressed = stream.read(2) == GZIP_MAGIC
    stream.seek(0)
    if not compressed:
        if start:
            stream.seek(start)
        while chunk := stream.read(size or CHUNK_SIZE):
            yield chunk
        return
    source = GzipReader(stream)
    position = 0
    while chunk := source.read(size or CHUNK_SIZE):
        if position + len(chunk) > start:
            yield chunk[max(0, start - position) :]
        position += len(chunk)
    if source.damage is not None:
        raise ParseError(
            f"compressed file is damaged: {source.damage}, at compressed byte {source.offset};"
            f" {position:,} bytes were recovered before it",
            expected="a complete gzip file",
            file=name,
            offset=position,
        )


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
        return line_end_before(stream, stream.seek(0, os.SEEK_END))


def line_end_before(stream: BinaryIO, position: int) -> int:
    """The offset just past the last newline before ``position`` (0 if there is none): where
    the line that holds the byte before ``position`` starts."""
    while position > 0:
        step = min(CHUNK_SIZE, position)
        position -= step
        stream.seek(position)
        found = stream.read(step).rfind(b"\n")
        if found >= 0:
            return position + found + 1
    return 0


def last_event_time(path: str | os.PathLike[str]) -> datetime | None:
    """The time of the last line with a valid ``time``, read backwards from the end.

    Only for plain files (a gzip file cannot be read backwards cheaply: None), and only the
    last few MiB are looked at.
    """
    if is_gzip(path):
        return None
    from ome_events.formats import START_BYTES, decoder_format

    with open(path, "rb") as stream:
        format = decoder_format(os.pread(stream.fileno(), START_BYTES, 0))
        for _, line in lines_backwards(stream, limit=_FIRST_EVENT_SCAN_BYTES):
            found = line_time(line, format)
            if found is not None:
                return found
    return None


@contextlib.contextmanager
def directory_lock(directory: str | os.PathLike[str], busy: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the directory itself (no lock file is left in it), or
    raise ``BlockingIOError`` with ``busy`` as its message when another process holds it.
    One export per Parquet lake and one prune per log directory use it."""
    import fcntl

    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BlockingIOError(busy) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _log_folder(path: str | os.PathLike[str]) -> Path:
    """The directory a log lives in: the path itself, or a file's directory (a path that does
    not exist is a file when its name has a dot, as ``events.log.20250326`` has)."""
    target = Path(path)
    try:
        resolved = target.resolve()
    except OSError:
        resolved = target
    if resolved.is_dir():
        return resolved
    if resolved.exists() or "." in resolved.name:
        return resolved.parent
    return resolved


def server_label(path: str | os.PathLike[str]) -> str:
    """The name a log goes by: its directory's name (``/logs/edge1`` and
    ``/logs/edge1/events.log`` are ``edge1``), for telling servers apart.

    >>> server_label("/var/log/edge1/events.log.20250326")
    'edge1'
    """
    folder = _log_folder(path)
    return folder.name or os.fspath(folder) or "-"


def server_labels(paths: list[str | os.PathLike[str]]) -> list[str]:
    """One distinct name per log: :func:`server_label`, with the parent directory too where
    two are alike (``a/edge1`` and ``b/edge1``), and a number where even that is not enough.

    >>> server_labels(["/x/a/edge1", "/x/b/edge1", "/x/edge2"])
    ['a/edge1', 'b/edge1', 'edge2']
    """
    labels = [server_label(path) for path in paths]
    counts = {label: labels.count(label) for label in labels}
    for index, path in enumerate(paths):
        if counts[labels[index]] > 1:
            parts = _log_folder(path).parts
            labels[index] = "/".join(parts[-2:]) if len(parts) >= 2 else labels[index]
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[index] = f"{label}#{seen[label]}"
    return labels


def line_time(line: bytes, format: str | None = None) -> datetime | None:
    """The ``time`` of an event line, or None when the line is not an event (the parser
    decides: a bad line has no time, whatever its ``time`` member says).

    ``format``: the file's (``"json"`` or ``"serverlog"``, see
    :func:`~ome_events.formats.decoder_format`): a line of the other kind is a bad line
    there, and has no time. None: a line of either kind has its time.
    """
    if format != "serverlog":
        try:
            return parse_line(line).time
        except ParseError:
            if format == "json":
                return None
    if line[:1] in (b"[", b"\x1b") or b"| " in line[:80]:
        return record_start_time(line)  # a record of the server log
    return None


def file_format(path: str | os.PathLike[str]) -> str | None:
    """The format of a log file (see :func:`~ome_events.formats.input_format`), read from its
    first bytes (decompressed for gzip); None when it cannot be read or is empty."""
    from ome_events.formats import SNIFF_BYTES, input_format

    try:
        with open_log(path) as stream:
            return input_format(stream.read(SNIFF_BYTES))
    except (OSError, ParseError, EOFError):
        return None


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


def _order_key(log_file: LogFile, fallback: datetime) -> tuple[datetime, int, date, int, str]:
    # By the first event; without one (empty, unreadable), by the date in the name, else by
    # ``fallback`` (the file's modification time); the suffix breaks ties (a numbered file:
    # the higher its number, the older).
    if log_file.first_time is not None:
        when = log_file.first_time
    elif log_file.is_base:
        when = _FAR_FUTURE  # an empty base file: just rolled, newest
    elif log_file.suffix_date is not None:
        suffix = log_file.suffix_date
        when = datetime(suffix.year, suffix.month, suffix.day, tzinfo=UTC)
    else:
        when = fallback
    index = log_file.index if log_file.index is not None else -1
    return (
        when,
        1 if log_file.is_base else 0,
        log_file.suffix_date or date.max,
        -index if log_file.numbered else index,
        log_file.path.name,
    )


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(os.lstat(path).st_mtime, UTC)
    except OSError:
        return datetime.min.replace(tzinfo=UTC)


def ordered_log_files(directory: str | os.PathLike[str], base: str = BASE_NAME) -> list[LogFile]:
    """The files of the log in ``directory``, oldest events first, each with ``first_time``.

    Unreadable files are kept in their place (by their name, else their modification time)
    with their ``error``; the reader reports and skips them.
    """
    return order_log_files(find_log_files(directory, base))


def order_log_files(found: list[LogFile]) -> list[LogFile]:
    """Files of one log put in the order of their events (see :func:`ordered_log_files`)."""
    files = []
    for log_file in found:
        if log_file.error is None:
            try:
                log_file = replace(log_file, first_time=first_event_time(log_file.path))
            except FileNotFoundError:
                continue  # deleted (by logrotate, cron) since the directory was listed
            except OSError as error:
                log_file = replace(log_file, error=_reason(error))
        files.append(log_file)
    return sorted(files, key=lambda f: _order_key(f, _modified(f.path)))

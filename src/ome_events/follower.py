"""Following a live ``events.log`` across rotations, with checkpoints. The only module that
watches files.

The guarantees (docs/following.md has the long form):

* every complete line is emitted exactly once, in order, across rename rotations (OME's
  way), several rotations between two looks, compression of rotated files, copytruncate,
  deletion and re-creation, and restarts from a checkpoint;
* a line is emitted only once its ``\\n`` is there (OME writes long lines in two writes);
* a bad line is reported (``on_error``, or the ``ome_events.follow`` logger) and skipped,
  never raised; an over-long line is reported and skipped while it streams in.

How a file is recognised: by (device, inode) *and* a fingerprint, the SHA-256 of its first
line (at most 4 KiB of it). Paths are not identities (files are renamed), inodes alone are
not either (they are reused), and the fingerprint survives compression, so a checkpointed
file is found again as ``events.log.20250326.gz``. The first line of an OME log starts with
a millisecond timestamp, which makes it unique in practice.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal

import orjson

from ome_events.errors import ParseError
from ome_events.files import BASE_NAME, LogFile, find_log_files, first_event_time
from ome_events.model import Event
from ome_events.parse import DEFAULT_MAX_LINE_BYTES, LineDecoder

__all__ = ["CHECKPOINT_VERSION", "Follower", "FollowerStats", "Position", "follow"]

log = logging.getLogger("ome_events.follower")

FINGERPRINT_BYTES = 4096
CHECKPOINT_VERSION = 1
_READ_SIZE = 256 * 1024
# A step reads at most this many chunks before handing events out, so a large backlog
# (start="start" on a big file, a long stop) never sits in memory at once.
_READS_PER_STEP = 4
_DONE_MEMORY = 10_000


@dataclass(frozen=True, slots=True)
class Position:
    """Where a follower stands: a file (identity and last known path) and the byte offset of
    the next unread line. This is what a checkpoint holds."""

    path: str
    device: int
    inode: int
    fingerprint: str | None
    offset: int
    line: int
    first_time: datetime | None = None

    def to_json(self) -> bytes:
        """The checkpoint file's content (see docs/following.md for the format)."""
        return orjson.dumps(
            {
                "version": CHECKPOINT_VERSION,
                "path": self.path,
                "device": self.device,
                "inode": self.inode,
                "fingerprint": self.fingerprint,
                "offset": self.offset,
                "line": self.line,
                "first_time": self.first_time.isoformat() if self.first_time else None,
            },
            option=orjson.OPT_INDENT_2,
        )

    @classmethod
    def from_json(cls, data: bytes) -> Position:
        """Read a checkpoint; ValueError if it is not one."""
        try:
            obj = orjson.loads(data)
            if obj.get("version") != CHECKPOINT_VERSION:
                raise ValueError(f"unsupported checkpoint version {obj.get('version')!r}")
            first = obj.get("first_time")
            return cls(
                path=str(obj["path"]),
                device=int(obj["device"]),
                inode=int(obj["inode"]),
                fingerprint=obj["fingerprint"],
                offset=int(obj["offset"]),
                line=int(obj["line"]),
                first_time=datetime.fromisoformat(first) if first else None,
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a checkpoint: {error}") from None


@dataclass(slots=True)
class FollowerStats:
    """Counters of a follower's life."""

    events: int = 0
    errors: int = 0
    rotations: int = 0
    truncations: int = 0
    files_opened: int = 0
    checkpoints_written: int = 0


def fingerprint_of(head: bytes) -> str | None:
    """The fingerprint of a file that starts with ``head``, or None while its first line is
    incomplete (and shorter than FINGERPRINT_BYTES)."""
    end = head.find(b"\n", 0, FINGERPRINT_BYTES)
    if end < 0:
        if len(head) < FINGERPRINT_BYTES:
            return None
        end = FINGERPRINT_BYTES
    return hashlib.sha256(head[:end]).hexdigest()[:32]


_GZIP_MAGIC = b"\x1f\x8b"


def _gunzip_head(stream: BinaryIO) -> bytes:
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            return unzipped.read(FINGERPRINT_BYTES)
    except (EOFError, OSError):
        return b""  # gzip still writing it, or damaged


def _read_head(path: Path) -> bytes:
    """The first FINGERPRINT_BYTES of a file's (decompressed) content."""
    with open(path, "rb") as stream:
        head = stream.read(FINGERPRINT_BYTES)
        if head.startswith(_GZIP_MAGIC):
            stream.seek(0)
            return _gunzip_head(stream)
        return head


@dataclass(slots=True)
class _Candidate:
    """A file of the log seen in a directory scan."""

    path: Path
    device: int
    inode: int
    size: int
    compressed: bool
    fingerprint: str | None
    first_time: datetime | None
    is_base: bool


class _OpenFile:
    """A file being read: its handle, identity and decoder."""

    def __init__(
        self,
        candidate: _Candidate,
        offset: int,
        line: int,
        decoder_args: dict[str, Any],
    ) -> None:
        self.path = candidate.path
        self.device = candidate.device
        self.inode = candidate.inode
        self.fingerprint = candidate.fingerprint
        self.first_time = candidate.first_time
        self.compressed = candidate.compressed
        self.stream: BinaryIO
        if self.compressed:
            self.stream = gzip.open(candidate.path, "rb")  # type: ignore[assignment]  # noqa: SIM115
        else:
            self.stream = open(candidate.path, "rb", buffering=0)  # noqa: SIM115
        # The first bytes read, to notice a rewrite in place (copytruncate) even before the
        # first line is complete, and to find the copy that holds our unread lines.
        self.prefix = b""
        if offset:
            self.stream.seek(offset)
            if not self.compressed:
                self.prefix = os.pread(self.stream.fileno(), min(offset, FINGERPRINT_BYTES), 0)
        self.decoder_args = decoder_args
        self.decoder = LineDecoder(
            file=os.fspath(candidate.path), offset=offset, line=line, **decoder_args
        )
        self.read_to = offset  # bytes of the (uncompressed) file read so far
        self.at_eof = False

    def identity(self) -> tuple[int, int]:
        """(device, inode) of the file we actually hold open."""
        info = os.fstat(self.stream.fileno())
        return info.st_dev, info.st_ino

    def restart(self) -> None:
        """The file was truncated or rewritten in place: read it again from byte 0, through
        the same handle (the path may be gone or hold another file by now)."""
        self.stream.seek(0)
        self.decoder = LineDecoder(file=os.fspath(self.path), **self.decoder_args)
        self.read_to = 0
        self.prefix = b""
        self.at_eof = False
        head = self.head()
        self.fingerprint = fingerprint_of(head)
        self.first_time = _time_of_first_line(head) if self.fingerprint else None

    def position(self, offset: int | None = None, line: int | None = None) -> Position:
        return Position(
            os.fspath(self.path),
            self.device,
            self.inode,
            self.fingerprint,
            self.decoder.offset if offset is None else offset,
            self.decoder.line if line is None else line,
            self.first_time,
        )

    def read(self) -> list[tuple[Event, int, int]]:
        """Read up to _READS_PER_STEP chunks of what is there now; the events, each with the
        offset and line just after it. ``at_eof`` tells whether the end was reached."""
        out: list[tuple[Event, int, int]] = []
        for _ in range(_READS_PER_STEP):
            try:
                chunk = self.stream.read(_READ_SIZE)
            except (EOFError, OSError) as error:
                if not self.compressed:
                    raise
                # A truncated .gz (gzip still writing it): what we got is all we get.
                self.report(
                    ParseError(
                        f"compressed file is damaged or incomplete ({error})",
                        expected="a complete gzip file",
                        file=os.fspath(self.path),
                        offset=self.read_to,
                    )
                )
                chunk = b""
            if not chunk:
                self.at_eof = True
                return out
            if len(self.prefix) < FINGERPRINT_BYTES and len(self.prefix) == self.read_to:
                self.prefix += chunk[: FINGERPRINT_BYTES - len(self.prefix)]
            self.read_to += len(chunk)
            self._collect(self.decoder.feed(chunk), out)
            if self.fingerprint is None and self.decoder.offset:
                self._learn_fingerprint()
        self.at_eof = False
        return out

    def report(self, error: ParseError) -> None:
        if self.decoder.on_error is not None:
            self.decoder.on_error(error)

    def finish(self) -> list[tuple[Event, int, int]]:
        """End of a file that will not grow any more: decode a last line without newline."""
        out: list[tuple[Event, int, int]] = []
        self._collect(self.decoder.close(), out)
        return out

    def _collect(self, events: list[Event], out: list[tuple[Event, int, int]]) -> None:
        # Each event is paired with where the next line starts, so a checkpoint taken after
        # the consumer took it points exactly past it.
        for index, event in enumerate(events):
            if index + 1 < len(events):
                following = events[index + 1].origin
                assert following is not None
                out.append((event, following.offset, following.line))
            else:
                out.append((event, self.decoder.offset, self.decoder.line))

    def _learn_fingerprint(self) -> None:
        head = self.head()
        self.fingerprint = fingerprint_of(head)
        if self.first_time is None:
            self.first_time = _time_of_first_line(head)

    def head(self) -> bytes:
        """The first bytes of the file as it is now (through our handle)."""
        if self.compressed:
            return _read_head(self.path)
        return os.pread(self.stream.fileno(), FINGERPRINT_BYTES, 0)

    def size(self) -> int | None:
        if self.compressed:
            return None
        return os.fstat(self.stream.fileno()).st_size

    def close(self) -> None:
        self.stream.close()


def _time_of_first_line(head: bytes) -> datetime | None:
    line = head.split(b"\n", 1)[0]
    try:
        value = datetime.fromisoformat(orjson.loads(line)["time"])
    except (orjson.JSONDecodeError, TypeError, KeyError, ValueError):
        return None
    return value if value.tzinfo is not None else None


def _last_line_end(path: Path) -> int:
    """The offset just past the last newline of a plain file (0 if it has none)."""
    with open(path, "rb") as stream:
        end = stream.seek(0, os.SEEK_END)
        position = end
        while position > 0:
            step = min(64 * 1024, position)
            position -= step
            stream.seek(position)
            block = stream.read(step)
            index = block.rfind(b"\n")
            if index >= 0:
                return position + index + 1
    return 0


def _count_lines(path: Path, end: int) -> int:
    """How many newlines the first ``end`` bytes of a plain file hold."""
    count = 0
    with open(path, "rb") as stream:
        while end > 0:
            block = stream.read(min(end, 1 << 20))
            if not block:
                break
            count += block.count(b"\n")
            end -= len(block)
    return count


class Follower(Iterator[Event]):
    """Follows a log; iterate it for events. Runs until ``close()`` (or the end of a ``with``).

    Attributes:
        stats: counters (events, errors, rotations, truncations, files opened, checkpoints).
        position: where the next unread line is (after the last event the consumer took).

    Use :func:`follow` to make one.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        start: Literal["end", "start"] = "end",
        checkpoint: str | os.PathLike[str] | None = None,
        poll: bool = False,
        on_error: Callable[[ParseError], object] | None = None,
        poll_interval: float = 0.25,
        recheck_interval: float = 1.0,
        checkpoint_interval: float = 1.0,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        strict: bool = False,
        base: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if start not in ("end", "start"):
            raise ValueError(f"start must be 'end' or 'start', not {start!r}")
        target = Path(path)
        if target.is_dir() or (
            not target.exists() and base is None and BASE_NAME not in target.name
        ):
            self.directory = target
            self.base = base or BASE_NAME
        else:
            self.directory = target.parent
            self.base = base or target.name
        self.start = start
        self.checkpoint_path = Path(checkpoint) if checkpoint is not None else None
        self.poll_mode = poll
        self.poll_interval = poll_interval
        self.recheck_interval = recheck_interval
        self.checkpoint_interval = checkpoint_interval
        self.clock = clock
        self.stats = FollowerStats()
        self._on_error = on_error
        self._decoder_args: dict[str, Any] = {
            "errors": "skip",
            "strict": strict,
            "max_line_bytes": max_line_bytes,
            "on_error": self._report,
        }
        self._current: _OpenFile | None = None
        self._backlog: list[_Candidate | _OpenFile] = []  # to read after the current file, in order
        self._done: deque[str] = deque(maxlen=_DONE_MEMORY)  # fingerprints of files read to the end
        self._queue: deque[tuple[Event, _OpenFile, int, int]] = deque()
        self._taken: Position | None = None  # just past the last event handed out
        self._saved: Position | None = None
        self._last_save = clock()
        self._started = False
        self._closed = False
        self._cleaned = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._observer: Any = None
        self._scan_cache: dict[tuple[int, int, int, int], tuple[bool, str, datetime | None]] = {}
        # "The end" is the end at start-up, so the starting point is fixed here, not at the
        # first look.
        with self._lock:
            self._step()

    # -- the public face -------------------------------------------------------------------

    def __iter__(self) -> Follower:
        return self

    def __next__(self) -> Event:
        while True:
            with self._lock:
                if self._closed:
                    self._cleanup()
                    raise StopIteration
                self._save_if_due()
                if self._queue:
                    return self._take()
                busy = self._step()
                if self._queue:
                    return self._take()
            if not busy:
                self._wait()

    def poll(self) -> list[Event]:
        """One non-blocking look: read what is new now and return its events (all taken)."""
        with self._lock:
            if self._closed:
                self._cleanup()
                return []
            self._save_if_due()
            self._step()
            events = []
            while self._queue:
                events.append(self._take())
            return events

    @property
    def position(self) -> Position | None:
        """Just past the last event taken (None before anything was read)."""
        if self._taken is not None:
            return self._taken
        if self._current is not None and not self._queue:
            return self._current.position()
        return None

    def close(self) -> None:
        """Stop following and save the checkpoint (just past the last event taken).

        May be called from another thread: a blocked ``next()`` then returns. In a signal
        handler, prefer raising an exception and closing after the loop (as the CLI does);
        if close() is called there anyway, the cleanup is left to the iterating code.
        """
        self._closed = True
        self._wake.set()
        if self._lock.acquire(blocking=False):
            try:
                self._cleanup()
            finally:
                self._lock.release()

    def _cleanup(self) -> None:
        if self._cleaned:
            return
        self._cleaned = True
        self._save(force=True)
        if self._observer is not None:
            self._observer.stop()
            self._observer = None
        if self._current is not None:
            self._current.close()
            self._current = None

    def save_checkpoint(self) -> None:
        """Write the checkpoint now (also done every ``checkpoint_interval`` and on close)."""
        with self._lock:
            self._save(force=True)

    def __enter__(self) -> Follower:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- taking events and checkpoints -------------------------------------------------------

    def _take(self) -> Event:
        event, source, offset, line = self._queue.popleft()
        self._taken = source.position(offset, line)
        self.stats.events += 1
        return event

    def _save_if_due(self) -> None:
        if (
            self.checkpoint_path is not None
            and self.clock() - self._last_save >= self.checkpoint_interval
        ):
            self._save()

    def _save(self, force: bool = False) -> None:
        if self.checkpoint_path is None:
            return
        position = self.position
        if position is None or (position == self._saved and not force):
            self._last_save = self.clock()
            return
        write_checkpoint(self.checkpoint_path, position)
        self._saved = position
        self._last_save = self.clock()
        self.stats.checkpoints_written += 1

    def _report(self, error: ParseError) -> None:
        self.stats.errors += 1
        if self._on_error is not None:
            self._on_error(error)
        else:
            log.warning("skipped bad line: %s", error)

    # -- waiting ----------------------------------------------------------------------------

    def _wait(self) -> None:
        if self.poll_mode:
            self._wake.wait(self.poll_interval)
        else:
            self._ensure_observer()
            # inotify is a hint: we look again after recheck_interval even without one, because
            # events get lost on overflow and never come on NFS or some container mounts.
            self._wake.wait(
                self.recheck_interval if self._observer is not None else self.poll_interval
            )
        self._wake.clear()

    def _ensure_observer(self) -> None:
        if self._observer is not None or not self.directory.is_dir():
            return
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        wake = self._wake

        class _Wake(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                wake.set()

        observer = Observer()
        try:
            observer.schedule(_Wake(), os.fspath(self.directory), recursive=False)
            observer.daemon = True
            observer.start()
        except OSError as error:  # out of inotify watches, unsupported file system
            log.warning("file notifications unavailable (%s): polling instead", error)
            self.poll_mode = True
            return
        self._observer = observer

    # -- the state machine ------------------------------------------------------------------

    def _step(self) -> bool:
        """Read what is new, then look for rotation, truncation and new files. Returns True
        when more data is waiting (no need to sleep). Never raises for a file that vanished
        or could not be read: it tries again next time."""
        try:
            if not self._started:
                self._begin()
            if self._current is None:
                self._pick_up_new_files()
            while self._current is not None:
                # Truncation first: reading on at the old offset of a rewritten file would
                # emit pieces of its new lines.
                if self._check_truncation():
                    continue
                current = self._current
                self._queue.extend((e, current, o, n) for e, o, n in current.read())
                if not current.at_eof:
                    return True
                if self._advance_if_finished():
                    continue
                return False
        except FileNotFoundError as error:
            log.debug("file vanished while reading: %s", error)
        except OSError as error:
            log.warning("cannot read the log: %s", error)
        return False

    def _begin(self) -> None:
        self._started = True
        if not self.poll_mode:
            self._ensure_observer()
        position = read_checkpoint(self.checkpoint_path) if self.checkpoint_path else None
        files = self._scan()
        if position is not None:
            self._resume(position, files)
            return
        active = self._active(files)
        for candidate in files:
            if candidate is not active and candidate.fingerprint:
                self._done.append(candidate.fingerprint)
        if active is None:
            return  # nothing yet: every file that appears later is read from byte 0
        offset, line = 0, 1
        if self.start == "end":
            if active.compressed:
                if active.fingerprint:
                    self._done.append(active.fingerprint)
                return
            offset = _last_line_end(active.path)
            line = _count_lines(active.path, offset) + 1
        self._open(active, offset, line)

    def _resume(self, position: Position, files: list[_Candidate]) -> None:
        matches = [
            c for c in files if position.fingerprint and c.fingerprint == position.fingerprint
        ]
        # The same content can exist twice (a copytruncate copy, a gzip in progress): prefer
        # the very inode, then one long enough to hold the offset.
        matches.sort(
            key=lambda c: (
                (c.device, c.inode) != (position.device, position.inode),
                c.compressed,
                not c.compressed and c.size < position.offset,
            )
        )
        found = matches[0] if matches else None
        if found is None and position.fingerprint is None:
            found = next(
                (c for c in files if (c.device, c.inode) == (position.device, position.inode)), None
            )
        if found is None:
            log.warning(
                "checkpointed file %s is gone (deleted or overwritten while stopped):"
                " continuing with the files that came after it",
                position.path,
            )
            for candidate in files:
                if _older(candidate.first_time, position.first_time) and candidate.fingerprint:
                    self._done.append(candidate.fingerprint)
            self._pick_up_new_files(files)
            return
        offset, line = position.offset, position.line
        if not found.compressed and found.size < offset:
            log.warning(
                "%s is shorter than the checkpoint: it was truncated, reading it again", found.path
            )
            self.stats.truncations += 1
            offset, line = 0, 1
        for candidate in files[: files.index(found)]:
            if candidate.fingerprint and candidate.fingerprint != found.fingerprint:
                self._done.append(candidate.fingerprint)
        self._open(found, offset, line)
        assert self._current is not None
        self._backlog = list[_Candidate | _OpenFile](self._newer_than(self._current, files))

    def _open(self, candidate: _Candidate, offset: int, line: int) -> None:
        # Between the scan and the open the path may have been renamed and a new file
        # created under it (OME rolling right now): check what we opened, and if it is not
        # the file we meant, look for that file under its new name.
        for _ in range(10):
            opened = _OpenFile(candidate, offset, line, self._decoder_args)
            if opened.identity() == (candidate.device, candidate.inode):
                self._current = opened
                self.stats.files_opened += 1
                return
            opened.close()
            moved = next(
                (
                    c
                    for c in self._scan()
                    if (c.device, c.inode) == (candidate.device, candidate.inode)
                ),
                None,
            )
            if moved is None:
                raise FileNotFoundError(f"{candidate.path} was replaced before it could be read")
            candidate = moved
        raise FileNotFoundError(f"{candidate.path} keeps changing; trying again later")

    def _check_truncation(self) -> bool:
        """Same file, but shrunk or rewritten (copytruncate): read the copy's tail, restart at 0."""
        current = self._current
        assert current is not None
        if current.compressed or not current.prefix:
            return False
        size = current.size()
        shrunk = size is not None and size < current.read_to
        rewritten = not shrunk and current.head()[: len(current.prefix)] != current.prefix
        if not (shrunk or rewritten):
            return False
        self.stats.truncations += 1
        # copytruncate copied the file before truncating it: if the copy holds lines we had
        # not read yet, read them from it first.
        offset, line = current.decoder.offset, current.decoder.line
        prefix = current.prefix
        current.restart()
        files = self._scan()
        copy = next(
            (
                c
                for c in files
                if (c.device, c.inode) != (current.device, current.inode)
                and _read_head(c.path).startswith(prefix)
            ),
            None,
        )
        if copy is None:
            log.info("%s was truncated: reading it again from the start", current.path)
            return True
        # Read the copy from where we were, then whatever came after it (copied again by
        # another copytruncate, a new base file) and the truncated file itself, by time.
        self._open(copy, offset, line)
        assert self._current is not None
        later: list[_Candidate | _OpenFile] = []
        for candidate in self._newer_than(self._current, files):
            if (candidate.device, candidate.inode) == (current.device, current.inode):
                continue
            if current.fingerprint is not None and candidate.fingerprint == current.fingerprint:
                continue  # the truncated file's new content, renamed or compressed since
            later.append(candidate)
        here = next(
            (
                i
                for i, c in enumerate(later)
                if current.first_time is None
                or (c.first_time is not None and c.first_time > current.first_time)
                or (c.first_time is None and isinstance(c, _Candidate) and c.is_base)
            ),
            len(later),
        )
        later.insert(here, current)
        self._backlog = later
        return True

    def _advance_if_finished(self) -> bool:
        """At the end of the current file: move on if a newer file exists (rotation)."""
        current = self._current
        assert current is not None
        if not self._backlog:
            # The common idle case costs one stat: the base file is still the one we read.
            try:
                info = os.stat(self.directory / self.base)
            except FileNotFoundError:
                info = None
            if info is not None and (info.st_dev, info.st_ino) == (current.device, current.inode):
                return False
            files = self._scan()
            active = self._active(files)
            if active is None or self._same_file(active, current):
                return False
            newer = self._newer_than(current, files)
            if not newer:
                return False
            self._backlog = list[_Candidate | _OpenFile](newer)
            self.stats.rotations += 1
            # Newer files exist, so this one is finished; but lines may have reached it
            # between our last read and the rename. Read it to its end once more (the next
            # turn of the loop) before moving on.
            return True
        # Read the old file to its very end (a last line without newline counts: it will
        # never be completed) before the next one.
        self._queue.extend((e, current, o, n) for e, o, n in current.finish())
        if current.fingerprint:
            self._done.append(current.fingerprint)
        current.close()
        self._current = None
        while self._backlog:
            candidate = self._backlog.pop(0)
            if isinstance(candidate, _OpenFile):
                self._current = candidate  # a file we hold open (truncated in place)
                return True
            try:
                self._open(candidate, 0, 1)
            except FileNotFoundError:
                # Compressed meanwhile? Look for the same content under another name.
                renamed = next(
                    (
                        c
                        for c in self._scan()
                        if c.fingerprint and c.fingerprint == candidate.fingerprint
                    ),
                    None,
                )
                if renamed is None:
                    log.warning("%s vanished before it could be read", candidate.path)
                    continue
                self._open(renamed, 0, 1)
            return True
        return False

    def _pick_up_new_files(self, files: list[_Candidate] | None = None) -> None:
        """No current file (none at start, or the one we had is gone): read new ones from 0."""
        files = self._scan() if files is None else files
        fresh = [c for c in files if not (c.fingerprint and c.fingerprint in self._done)]
        if not fresh:
            return
        self._open(fresh[0], 0, 1)
        self._backlog = list[_Candidate | _OpenFile](fresh[1:])

    # -- looking at the directory -----------------------------------------------------------

    def _scan(self) -> list[_Candidate]:
        """The log's files, oldest first by content, each with identity and fingerprint.

        Listing and describing are not one atomic step: if OME rolls in between, a file
        listed as ``events.log`` is by then another one, and the rotated file it became is
        missing from the list. A roll always adds a name, so the scan is repeated until the
        names before and after it are the same.
        """
        for _ in range(20):
            try:
                found = find_log_files(self.directory, self.base)
            except FileNotFoundError:
                return []
            candidates = [c for c in map(self._describe, found) if c is not None]
            try:
                again = find_log_files(self.directory, self.base)
            except FileNotFoundError:
                return []
            if {f.path for f in again} == {f.path for f in found}:
                break
        candidates.sort(key=_scan_order)
        return candidates

    def _describe(self, log_file: LogFile) -> _Candidate | None:
        # One open for the identity and the head: a stat and a read by path could see two
        # different files if OME rolls in between.
        try:
            with open(log_file.path, "rb") as stream:
                info = os.fstat(stream.fileno())
                # Inodes are reused (a deleted file's inode goes to the next new file), so a
                # remembered description is only trusted for the same size and mtime too.
                key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                cached = None if log_file.is_base else self._scan_cache.get(key)
                fingerprint: str | None
                if cached is not None:
                    compressed, fingerprint, first = cached
                else:
                    head = stream.read(FINGERPRINT_BYTES)
                    compressed = head.startswith(_GZIP_MAGIC)
                    if compressed:
                        stream.seek(0)
                        head = _gunzip_head(stream)
                    fingerprint = fingerprint_of(head)
                    first = _time_of_first_line(head) if fingerprint else None
                    if first is None and fingerprint:
                        first = first_event_time(log_file.path)
                    # The base file can be truncated and rewritten in place, so only rotated
                    # files are remembered.
                    if fingerprint is not None and not log_file.is_base:
                        if len(self._scan_cache) > _DONE_MEMORY:
                            self._scan_cache.clear()
                        self._scan_cache[key] = (compressed, fingerprint, first)
        except FileNotFoundError:
            return None
        return _Candidate(
            log_file.path,
            info.st_dev,
            info.st_ino,
            info.st_size,
            compressed,
            fingerprint,
            first,
            log_file.is_base,
        )

    def _active(self, files: list[_Candidate]) -> _Candidate | None:
        """The file being written: the base file, or (open-source layout, or base deleted)
        the newest dated file."""
        for candidate in files:
            if candidate.is_base:
                return candidate
        return files[-1] if files else None

    def _same_file(self, candidate: _Candidate, current: _OpenFile) -> bool:
        if (candidate.device, candidate.inode) == (current.device, current.inode):
            return (
                candidate.fingerprint in (None, current.fingerprint) or current.fingerprint is None
            )
        return candidate.fingerprint is not None and candidate.fingerprint == current.fingerprint

    def _newer_than(self, current: _OpenFile, files: list[_Candidate]) -> list[_Candidate]:
        """Files that came after ``current`` and are not read yet, oldest first.

        ``files`` is in scan order (by first event); the current file is found in it by
        identity (renamed or compressed, it is still there). If it is gone (deleted), the
        files whose first event is later than its first event are the newer ones.
        """
        done = set(self._done)
        index = next((i for i, c in enumerate(files) if self._same_file(c, current)), None)
        if index is not None:
            after = files[index + 1 :]
        else:
            after = [c for c in files if c.is_base or not _older(c.first_time, current.first_time)]
        return [c for c in after if not (c.fingerprint is not None and c.fingerprint in done)]


def _older(first: datetime | None, reference: datetime | None) -> bool:
    return first is not None and reference is not None and first <= reference


_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def _scan_order(candidate: _Candidate) -> tuple[bool, datetime, bool, str]:
    # Oldest first event first; the base file last among equals, and last of all while it
    # has no complete line yet (just created by a rotation).
    first = candidate.first_time
    return (
        first is None and candidate.is_base,
        first if first is not None else _LONG_AGO,
        candidate.is_base,
        candidate.path.name,
    )


def write_checkpoint(path: str | os.PathLike[str], position: Position) -> None:
    """Write a checkpoint atomically: a temporary file in the same folder, fsync, rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(position.to_json())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_checkpoint(path: str | os.PathLike[str]) -> Position | None:
    """The position saved in a checkpoint file, or None if there is none yet.

    A damaged checkpoint is reported and ignored (the follower then starts as told by
    ``start``) rather than stopping the follower.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return Position.from_json(data)
    except ValueError as error:
        log.warning("ignoring checkpoint %s: %s", path, error)
        return None


def follow(
    path: str | os.PathLike[str],
    *,
    start: Literal["end", "start"] = "end",
    checkpoint: str | os.PathLike[str] | None = None,
    poll: bool = False,
    on_error: Callable[[ParseError], object] | None = None,
    **options: Any,
) -> Follower:
    """Follow a live log: an iterator of events that runs until closed.

    Args:
        path: the log directory, or the base file (``/var/log/ome/events.log``).
        start: ``"end"`` begins after the last complete line present at start-up,
            ``"start"`` at the beginning of the file being written. A base file that appears
            later, and every file after a rotation, is read from byte 0.
        checkpoint: a file that records where the follower stands; when it exists, the
            follower resumes there (``start`` is then ignored).
        poll: only poll (no inotify); for NFS and container mounts.
        on_error: called with each bad line's ParseError (default: logged).
        options: ``poll_interval`` (0.25 s), ``recheck_interval`` (1 s: the stat re-check
            under inotify), ``checkpoint_interval`` (1 s), ``max_line_bytes`` (64 MiB),
            ``strict``, ``base`` (the base file name), ``clock``.

    Example::

        with ome_events.follow("/var/log/ovenmediaengine", checkpoint="ome.ckpt") as events:
            for event in events:
                print(event.time, event.type, event.source)
    """
    return Follower(
        path, start=start, checkpoint=checkpoint, poll=poll, on_error=on_error, **options
    )

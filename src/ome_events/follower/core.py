"""The follower: reads what is new, asks :func:`~.decide.decide` what happened, and acts.

The guarantees (``docs/following.md`` has the long form):

* every complete line is emitted exactly once, in order, across rename rotations (OME's
  way), several rotations between two looks, compression of rotated files, copytruncate,
  deletion and re-creation, and restarts from a checkpoint;
* a line is emitted only once its ``\\n`` is there (OME writes long lines in two writes);
* a bad line is reported (``on_error``, or the ``ome_events.follower`` logger) and skipped,
  never raised; an over-long line is reported and skipped while it streams in.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from ome_events.errors import LogFileError, ParseError
from ome_events.files import BASE_NAME, last_line_end, log_bases, server_label
from ome_events.follower.checkpoint import Checkpoint
from ome_events.follower.decide import (
    Change,
    Observed,
    active,
    decide,
    newer_than,
    started_before,
    truncated,
)
from ome_events.follower.identity import FileState, Scanner, read_head
from ome_events.follower.openfile import OpenFile
from ome_events.follower.wakeup import Wakeup
from ome_events.model import Event
from ome_events.parse import DEFAULT_MAX_LINE_BYTES
from ome_events.position import Position

__all__ = ["Follower", "FollowerStats"]

log = logging.getLogger("ome_events.follower")

_DONE_MEMORY = 10_000


@dataclass(slots=True)
class FollowerStats:
    """Counters of a follower's life."""

    events: int = 0
    errors: int = 0
    rotations: int = 0
    truncations: int = 0
    files_opened: int = 0
    checkpoints_written: int = 0


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

    Use :func:`ome_events.follow` to make one.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        start: Literal["end", "start"] | Position = "end",
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
        autosave: bool = True,
        server: str | None = None,
        shadow: frozenset[str] = frozenset(),
    ) -> None:
        if not isinstance(start, Position) and start not in ("end", "start"):
            raise ValueError(f"start must be 'end', 'start' or a Position, not {start!r}")
        target = Path(path)
        if target.is_dir() or (
            not target.exists() and base is None and BASE_NAME not in target.name
        ):
            self.directory = target
            # events.log, else the plain server log when that is what the directory holds.
            self.base = base or log_bases(target)[0]
        else:
            self.directory = target.parent
            self.base = base or target.name
        if not self.directory.exists():  # waited for, as tail -F does; said, not silent
            log.warning("%s does not exist (yet): waiting for it", self.directory)
        self.start = start
        #: The name of the server whose log this is, in each event's ``origin``.
        self.server = server if server is not None else server_label(self.directory)
        self.checkpoint_path = Path(checkpoint) if checkpoint is not None else None
        self._checkpoint = Checkpoint(checkpoint) if checkpoint is not None else None
        self.autosave = autosave
        self.checkpoint_interval = checkpoint_interval
        self.recheck_interval = recheck_interval
        self.clock = clock
        self.stats = FollowerStats()
        self._on_error = on_error
        self._decoder_args: dict[str, Any] = {
            "errors": "skip",
            "strict": strict,
            "max_line_bytes": max_line_bytes,
            "on_error": self._report,
            "server": self.server,
            "shadow": shadow,
        }
        self._scanner = Scanner(self.directory, self.base)
        self._wakeup = Wakeup(
            self.directory,
            poll=poll,
            poll_interval=poll_interval,
            recheck_interval=recheck_interval,
        )
        self._current: OpenFile | None = None
        self._backlog: list[FileState | OpenFile] = []  # to read after the current, in order
        self._done: deque[str] = deque(maxlen=_DONE_MEMORY)  # fingerprints of files read fully
        self._queue: deque[tuple[Event, OpenFile, int, int]] = deque()
        self._taken: Position | None = None  # just past the last event handed out
        self._saved: Position | None = None
        self._last_save = clock()
        self._started = False
        self._closed = False
        self._cleaned = False
        self._lock = threading.Lock()
        #: What the start found worth saying (a damaged checkpoint, the previous copy used).
        self.notes: list[str] = []
        #: Where it began: "checkpoint" (resumed) or "start" (as ``start`` said).
        self.started_from = "start"
        # Files that had to be read but could not be (permissions, a loop): tried again.
        self._skipped: dict[tuple[int, int], FileState] = {}
        self._last_retry = clock()
        if self._checkpoint is not None:
            self._checkpoint.lock()  # one follower per checkpoint: raises CheckpointLocked
        # "The end" is the end at start-up, so the starting point is fixed here, not at the
        # first look.
        try:
            with self._lock:
                self._step()
        except BaseException:
            if self._checkpoint is not None:
                self._checkpoint.unlock()
            raise

    @property
    def poll_mode(self) -> bool:
        """True when the follower only polls (asked for, or notifications unavailable)."""
        return self._wakeup.poll_mode

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
                self._wakeup.wait()

    def take_ready(self) -> Event | None:
        """The next event if one is there now (reading what is new), else None; never waits.
        Like ``next()``, it takes one event: the position moves just past it."""
        with self._lock:
            if self._closed:
                self._cleanup()
                return None
            self._save_if_due()
            if not self._queue:
                self._step()
            return self._take() if self._queue else None

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
        self._wakeup.set()
        if self._lock.acquire(blocking=False):
            try:
                self._cleanup()
            finally:
                self._lock.release()

    def _cleanup(self) -> None:
        if self._cleaned:
            return
        self._cleaned = True
        if self.autosave:
            self._save(force=True)
        if self._checkpoint is not None:
            self._checkpoint.unlock()
        self._wakeup.stop()
        if self._current is not None:
            self._current.close()
            self._current = None

    def save_checkpoint(self, position: Position | None = None) -> bool:
        """Write the checkpoint now: ``position``, or just past the last event taken (also
        done every ``checkpoint_interval`` and on close, unless ``autosave=False``: then
        only this saves, as the command line does after each event it has shown).

        Returns False when the save failed (a warning naming the checkpoint was logged;
        the next save tries again).
        """
        with self._lock:
            return self._save(force=True, position=position)

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
        if not source.late:  # a file read late (it was unreadable) is not where we stand
            self._taken = source.position(offset, line)
        self.stats.events += 1
        return event

    def _save_if_due(self) -> None:
        if (
            self.autosave
            and self._checkpoint is not None
            and self.clock() - self._last_save >= self.checkpoint_interval
        ):
            self._save()

    def _save(self, force: bool = False, position: Position | None = None) -> bool:
        if self._checkpoint is None:
            return True
        position = position or self.position
        self._last_save = self.clock()
        if position is None or (position == self._saved and not force):
            return True
        if not self._checkpoint.save(position):
            return False  # warned; tried again at the next save, delivery goes on
        self._saved = position
        self.stats.checkpoints_written += 1
        return True

    def _report(self, error: ParseError) -> None:
        self.stats.errors += 1
        if self._on_error is not None:
            self._on_error(error)
        else:
            log.warning("skipped bad line: %s", error)

    # -- the loop ---------------------------------------------------------------------------

    def _step(self) -> bool:
        """Read what is new, then look for rotation, truncation and new files. Returns True
        when more data is waiting (no need to sleep). Never raises for a file that vanished
        or could not be read: it tries again next time."""
        try:
            if not self._started:
                self._begin()
            if self._skipped:
                self._retry_skipped()
            if self._current is None:
                self._pick_up_new_files()
            while self._current is not None:
                current = self._current
                change, seen = self._look(current)
                if change is Change.TRUNCATED or change is Change.COPY_TRUNCATED:
                    self._truncated(current, seen)
                    continue
                if change is Change.APPENDED:
                    self._queue.extend((e, current, o, n) for e, o, n in current.read())
                    if not current.at_eof:
                        return True
                    continue
                if self._backlog:
                    # Ours is read to its very end, and newer files wait: on to them.
                    if self._advance():
                        continue
                    return False
                if change is Change.ROTATED:
                    assert seen.files is not None
                    self._backlog = list[FileState | OpenFile](
                        newer_than(current.reading(), seen.files, self._done)
                    )
                    self.stats.rotations += 1
                    # Newer files exist, so this one is finished; but lines may have reached
                    # it between our last read and the rename. Look at it once more (the
                    # next turn of the loop) before moving on.
                    continue
                return False
        except FileNotFoundError as error:
            log.debug("file vanished while reading: %s", error)
        except OSError as error:
            log.warning("cannot read the log: %s", error)
        return False

    def _look(self, current: OpenFile) -> tuple[Change, Observed]:
        """Observe the file and the directory (as little as the rules need) and decide."""
        reading = current.reading()
        size = current.size()
        head = current.head() if reading.prefix and not reading.compressed else b""
        try:
            info = os.stat(self.directory / self.base)
            base: tuple[int, int] | None = (info.st_dev, info.st_ino)
        except FileNotFoundError:
            base = None
        seen = Observed(size, head, base, done=self._done)
        if truncated(reading, size, head):
            files = self._scanner.scan()
            copy = next(
                (
                    s
                    for s in files
                    if s.identity != current.identity
                    and read_head(s.path).startswith(reading.prefix)
                ),
                None,
            )
            seen = seen._replace(files=files, copy=copy)
        change = decide(reading, seen)
        if change is Change.LOOK:
            if self._backlog:
                return Change.UNCHANGED, seen  # newer files are known already
            seen = seen._replace(files=self._scanner.scan())
            change = decide(reading, seen)
        return change, seen

    def _truncated(self, current: OpenFile, seen: Observed) -> None:
        """Same file, but shrunk or rewritten (copytruncate): read the copy's tail (if a copy
        holds lines we had not read yet), then restart at 0."""
        self.stats.truncations += 1
        offset, line = current.decoder.offset, current.decoder.line
        current.restart()
        copy = seen.copy
        if copy is None:
            log.info("%s was truncated: reading it again from the start", current.path)
            return
        # Read the copy from where we were, then whatever came after it (copied again by
        # another copytruncate, a new base file) and the truncated file itself, by time.
        assert seen.files is not None
        self._open(copy, offset, line)
        assert self._current is not None
        later: list[FileState | OpenFile] = []
        for state in newer_than(self._current.reading(), seen.files, self._done):
            if state.identity == current.identity:
                continue
            if current.fingerprint is not None and state.fingerprint == current.fingerprint:
                continue  # the truncated file's new content, renamed or compressed since
            later.append(state)
        here = next(
            (
                i
                for i, s in enumerate(later)
                if current.first_time is None
                or (s.first_time is not None and s.first_time > current.first_time)
                or (s.first_time is None and isinstance(s, FileState) and s.is_base)
            ),
            len(later),
        )
        later.insert(here, current)
        self._backlog = later

    def _advance(self) -> bool:
        """Finish the current file (a last line without newline counts: it will never be
        completed) and open the next one of the backlog. False when none could be opened."""
        current = self._current
        assert current is not None
        self._queue.extend((e, current, o, n) for e, o, n in current.finish())
        if current.fingerprint:
            self._done.append(current.fingerprint)
        current.close()
        self._current = None
        while self._backlog:
            state = self._backlog.pop(0)
            if isinstance(state, OpenFile):
                self._current = state  # a file we hold open (truncated in place)
                return True
            try:
                self._open(state, 0, 1)
            except LogFileError as error:
                self._skip(state, error)
                continue
            except FileNotFoundError:
                # Compressed meanwhile? Look for the same content under another name.
                renamed = next(
                    (
                        s
                        for s in self._scanner.scan()
                        if s.fingerprint and s.fingerprint == state.fingerprint
                    ),
                    None,
                )
                if renamed is None:
                    log.warning("%s vanished before it could be read", state.path)
                    continue
                self._open(renamed, 0, 1)
            return True
        return False

    # -- starting and opening ---------------------------------------------------------------

    def _begin(self) -> None:
        self._started = True
        self._wakeup.start()
        position = None
        if self._checkpoint is not None:
            position = self._checkpoint.read()
            self.notes += self._checkpoint.notes
            if position is not None:
                self.started_from = "checkpoint"
        if position is None and isinstance(self.start, Position):
            position = self.start
        files = self._scanner.scan()
        if position is not None:
            self._resume(position, files)
            return
        newest = active(files)
        for state in files:
            if state is not newest and state.fingerprint:
                self._done.append(state.fingerprint)
        if newest is None:
            return  # nothing yet: every file that appears later is read from byte 0
        if newest.error is not None:
            # Unreadable now: it is read from its start once it can be (nothing is lost).
            self._skip(newest, LogFileError(os.fspath(newest.path), newest.error))
            return
        offset, line = 0, 1
        if self.start == "end":
            if newest.compressed:
                if newest.fingerprint:
                    self._done.append(newest.fingerprint)
                return
            offset = last_line_end(newest.path)
            line = _count_lines(newest.path, offset) + 1
        self._open(newest, offset, line)

    def _resume(self, position: Position, files: list[FileState]) -> None:
        matches = [
            s for s in files if position.fingerprint and s.fingerprint == position.fingerprint
        ]
        # The same content can exist twice (a copytruncate copy, a gzip in progress): prefer
        # the very inode, then one long enough to hold the offset.
        matches.sort(
            key=lambda s: (
                s.identity != (position.device, position.inode),
                s.compressed,
                not s.compressed and s.size < position.offset,
            )
        )
        found = matches[0] if matches else None
        if found is None and position.fingerprint is None:
            found = next(
                (s for s in files if s.identity == (position.device, position.inode)), None
            )
        if found is None:
            log.warning(
                "checkpointed file %s is gone (deleted or overwritten while stopped):"
                " continuing with the files that came after it",
                position.path,
            )
            for state in files:
                if state.fingerprint and started_before(state.first_time, position.first_time):
                    self._done.append(state.fingerprint)
            self._pick_up_new_files(files)
            return
        offset, line = position.offset, position.line
        if not found.compressed and found.size < offset:
            log.warning(
                "%s is shorter than the checkpoint: it was truncated, reading it again", found.path
            )
            self.stats.truncations += 1
            offset, line = 0, 1
        for state in files[: files.index(found)]:
            if state.fingerprint and state.fingerprint != found.fingerprint:
                self._done.append(state.fingerprint)
        self._open(found, offset, line)

    def _open(self, state: FileState, offset: int, line: int) -> None:
        # Between the scan and the open the path may have been renamed and a new file
        # created under it (OME rolling right now): check what we opened, and if it is not
        # the file we meant, look for that file under its new name.
        for _ in range(10):
            if state.error is not None:
                raise LogFileError(os.fspath(state.path), state.error)
            try:
                opened = OpenFile(state, offset, line, self._decoder_args)
            except FileNotFoundError:
                raise
            except OSError as error:
                raise LogFileError(os.fspath(state.path), error.strerror or str(error)) from None
            if opened.held_identity() == state.identity:
                self._current = opened
                self.stats.files_opened += 1
                return
            opened.close()
            moved = self._scanner.find(state.identity)
            if moved is None:
                raise FileNotFoundError(f"{state.path} was replaced before it could be read")
            state = moved
        raise FileNotFoundError(f"{state.path} keeps changing; trying again later")

    def _pick_up_new_files(self, files: list[FileState] | None = None) -> None:
        """No current file (none at start, or the one we had is gone): read new ones from 0
        (a file that cannot be read is skipped, and tried again)."""
        files = self._scanner.scan() if files is None else files
        fresh = [s for s in files if not (s.fingerprint and s.fingerprint in self._done)]
        for index, state in enumerate(fresh):
            try:
                self._open(state, 0, 1)
            except LogFileError as error:
                self._skip(state, error)
                continue
            self._skipped.pop(state.identity, None)
            self._backlog = list[FileState | OpenFile](fresh[index + 1 :])
            return

    # -- files that cannot be read ----------------------------------------------------------

    def _skip(self, state: FileState, error: LogFileError) -> None:
        """A file that must be read cannot be: say so once, go on, try it again later."""
        if state.identity not in self._skipped:
            log.warning(
                "%s: going on with the other files; trying it again every %g s",
                error,
                self.recheck_interval,
            )
        self._skipped[state.identity] = state

    def _retry_skipped(self) -> None:
        """Read the skipped files that can be read now (at most once per re-check interval).

        One that is (or became) the file being written is simply picked up as such; an
        older one is read whole now, its events delivered after later ones, once.
        """
        if self.clock() - self._last_retry < self.recheck_interval:
            return
        self._last_retry = self.clock()
        files = self._scanner.scan()
        by_identity = {state.identity: state for state in files}
        newest = active(files)
        for identity in list(self._skipped):
            state = by_identity.get(identity)
            if state is None:
                log.warning("%s vanished before it could be read", self._skipped[identity].path)
                del self._skipped[identity]
                continue
            if state.error is not None:
                continue
            if (state.fingerprint is not None and state.fingerprint in self._done) or (
                newest is not None and state.identity == newest.identity
            ):
                del self._skipped[identity]  # read already, or picked up as the active file
                continue
            try:
                late = OpenFile(state, 0, 1, self._decoder_args)
            except OSError:
                continue
            late.late = True
            while True:
                self._queue.extend((e, late, o, n) for e, o, n in late.read())
                if late.at_eof:
                    break
            self._queue.extend((e, late, o, n) for e, o, n in late.finish())
            late.close()
            if late.fingerprint:
                self._done.append(late.fingerprint)
            del self._skipped[identity]
            log.warning("%s: readable now; its events come late, after newer ones", state.path)

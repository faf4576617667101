"""Checkpoints: where a follower stands, saved so that a later run resumes exactly there.

A checkpoint file holds a :class:`~ome_events.position.Position` (the format is in
``docs/following.md``). What this module guarantees:

* **atomic writes**: a temporary file in the same folder, fsync, rename, fsync of the folder;
  a crash leaves the previous checkpoint or the new one, never half of one;
* **a previous copy**: before a new checkpoint replaces the current one, the current one
  becomes ``NAME.prev``; a damaged checkpoint is replaced by it on reading (a few events may
  then be shown again, never skipped);
* **one follower per checkpoint**: ``NAME.lock`` is locked (``flock``) for as long as the
  follower runs and holds its process ID, so a second follower fails at once, naming it;
* **saving never stops delivery**: a save that fails (a read-only folder, a full disk) is a
  warning naming the checkpoint, and is tried again at the next save.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
from pathlib import Path

from ome_events.errors import CheckpointError, CheckpointLocked
from ome_events.position import Position

__all__ = ["Checkpoint", "read_checkpoint", "write_checkpoint"]

log = logging.getLogger("ome_events.follower")


def write_checkpoint(path: str | os.PathLike[str], position: Position) -> None:
    """Write a checkpoint atomically (the current one, if any, is kept as ``NAME.prev``).

    Raises :class:`~ome_events.errors.CheckpointError` naming the checkpoint when it cannot
    be written.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise CheckpointError(os.fspath(target), _why(error)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(position.to_json())
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.replace(target, _previous(target))
        os.replace(temporary, target)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CheckpointError(os.fspath(target), _why(error)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_checkpoint(path: str | os.PathLike[str]) -> Position | None:
    """The position saved in a checkpoint file (or its previous copy when it is damaged), or
    None when there is none. A damaged checkpoint is reported, never raised."""
    return Checkpoint(path).read()


def _previous(target: Path) -> Path:
    return target.with_name(target.name + ".prev")


def _why(error: OSError) -> str:
    return error.strerror or str(error)


class Checkpoint:
    """One checkpoint file: reading it (with its previous copy), saving, and its lock.

    ``notes`` says what reading found (a damaged checkpoint, the previous copy used), for
    the command line to show.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.notes: list[str] = []
        self.failing = False  # the last save failed (a warning was given)
        self._lock_fd: int | None = None

    # -- the lock -------------------------------------------------------------------------

    def lock(self) -> None:
        """Take the checkpoint's lock, or raise :class:`~ome_events.errors.CheckpointLocked`
        naming the process that holds it."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise CheckpointError(os.fspath(self.path), f"cannot lock: {_why(error)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise CheckpointLocked(
                os.fspath(self.path), int(holder) if holder.isdigit() else None
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def unlock(self) -> None:
        """Let another follower use the checkpoint."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    # -- reading and saving -----------------------------------------------------------------

    def read(self) -> Position | None:
        """The saved position; the previous copy when the checkpoint is damaged; None when
        there is none (or neither is usable: ``notes`` then says so)."""
        position, problem = self._load(self.path)
        if problem is None and position is not None:
            return position
        previous, _ = self._load(_previous(self.path))
        if problem is None:
            if previous is None:
                return None  # no checkpoint yet
            problem = "is missing (a save was interrupted)"
        if previous is not None:
            note = (
                f"checkpoint {self.path} {problem}: resuming from its previous copy; the"
                " events of one checkpoint interval before it may be shown again"
            )
        else:
            note = f"checkpoint {self.path} {problem}, and no usable previous copy"
        self.notes.append(note)
        log.warning("%s", note)
        return previous

    def _load(self, path: Path) -> tuple[Position | None, str | None]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None, None
        except OSError as error:
            return None, f"cannot be read ({_why(error)})"
        try:
            return Position.from_json(data), None
        except ValueError as error:
            return None, f"is damaged ({error})"

    def save(self, position: Position) -> bool:
        """Write ``position``; on failure warn (once until it works again) and return False."""
        try:
            write_checkpoint(self.path, position)
        except CheckpointError as error:
            if not self.failing:
                log.warning("%s (the follower goes on; saving is tried again)", error)
            self.failing = True
            return False
        if self.failing:
            log.warning("checkpoint %s: saved again", self.path)
        self.failing = False
        return True

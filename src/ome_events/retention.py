"""Retention: removing, or gzipping, the rotated files of a log that are older than a limit.

OME never deletes its logs. :func:`plan_prune` decides, file by file, by **content time** (the
time of the file's last event, not its modification time, which a copy or a backup changes):

* a rotated file whose last event is older than ``older_than`` is removed;
* a plain rotated file whose last event is older than ``compress_after`` is gzipped
  (``events.log.20250326`` becomes ``events.log.20250326.gz``, which every reader reads);
* the live file is never touched: ``events.log``, or the newest file of a log written without
  one (the open-source Analytics log writes only dated files);
* a file that a follower's checkpoint still needs (the file it stands in, and every newer one)
  is kept, and the plan says so;
* a file whose last event time cannot be read (empty, unreadable, only bad lines) is kept, and
  the plan says why.

:func:`apply_prune` carries a plan out: a gzipped copy is written under a temporary name,
flushed to disk and renamed, and only then is the plain file removed (a crash leaves one of
the two whole; while both exist, readers take the plain one). It is safe to run from cron:
the directory is locked (``flock``) while it works, a second run at once waits for nothing and
is refused, and a run with nothing to do changes nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from ome_events.files import (
    LogFile,
    directory_lock,
    last_event_time,
    line_time,
    lines_backwards,
    log_bases,
    open_log,
    ordered_log_files,
)
from ome_events.follower.checkpoint import read_checkpoint
from ome_events.position import FINGERPRINT_BYTES, Position, fingerprint_of

__all__ = [
    "Action",
    "PruneAction",
    "apply_prune",
    "content_end_time",
    "plan_prune",
    "prune_lock",
]

Action = Literal["remove", "compress", "keep"]

# How much of a gzip file's end is kept while it is decompressed to find its last event.
_TAIL_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class PruneAction:
    """What retention does with one file: ``remove``, ``compress`` or ``keep`` (with why)."""

    path: Path
    action: Action
    last_event: datetime | None
    size: int
    reason: str = ""

    def describe(self, now: datetime, *, dry_run: bool = False) -> str:
        """One line for a person: what is (or would be) done, and why."""
        verb = {
            "remove": ("would remove" if dry_run else "removed"),
            "compress": ("would gzip" if dry_run else "gzipped"),
            "keep": "kept",
        }[self.action]
        age = ""
        if self.last_event is not None:
            days = (now - self.last_event) / timedelta(days=1)
            when = self.last_event.isoformat(timespec="seconds")
            age = f"last event {when}, {days:.0f} days ago"
        why = self.reason or age
        return f"{verb:<12} {self.path}  ({why})"


def content_end_time(log_file: LogFile) -> datetime | None:
    """The time of the file's last readable event: read backwards for a plain file, through
    to the end for a gzip one (only its last MiB is kept)."""
    if not log_file.compressed:
        found = last_event_time(log_file.path)
        if found is not None:
            return found
    tail = b""
    with open_log(log_file.path) as stream:
        while block := stream.read(1 << 20):
            tail = (tail + block)[-_TAIL_BYTES:]
    for _, line in lines_backwards(io.BytesIO(tail), limit=_TAIL_BYTES):
        found = line_time(line)
        if found is not None:
            return found
    return None


def _fingerprint(path: Path) -> str | None:
    with open_log(path) as stream:
        return fingerprint_of(stream.read(FINGERPRINT_BYTES))


def _needed_from(files: list[LogFile], checkpoints: Iterable[Position]) -> dict[int, str]:
    """For each checkpoint of this log, the index of the first file it still needs (that
    file and all newer ones), with the checkpoint's path as the reason."""
    needed: dict[int, str] = {}
    identities: list[tuple[int, int] | None] = []
    for log_file in files:
        try:
            info = os.stat(log_file.path)
            identities.append((info.st_dev, info.st_ino))
        except OSError:
            identities.append(None)
    prints: dict[int, str | None] = {}
    for position in checkpoints:
        index = None
        for i, log_file in enumerate(files):
            if identities[i] == (position.device, position.inode):
                if i not in prints:
                    prints[i] = _safe_fingerprint(log_file.path)
                if position.fingerprint is None or prints[i] == position.fingerprint:
                    index = i
                    break
        if index is None and position.fingerprint is not None:
            for i, log_file in enumerate(files):  # renamed and compressed: a new inode
                if i not in prints:
                    prints[i] = _safe_fingerprint(log_file.path)
                if prints[i] == position.fingerprint:
                    index = i
                    break
        if index is None and position.first_time is not None:
            # The file itself is gone: every file from its time on is still to be read.
            since = position.first_time
            later = (i for i, f in enumerate(files) if f.first_time and f.first_time >= since)
            index = next(later, len(files))
        if index is None:
            index = 0  # cannot place it: keep everything rather than guess
        needed[index] = position.path
    return needed


def _safe_fingerprint(path: Path) -> str | None:
    try:
        return _fingerprint(path)
    except OSError:
        return None


def _checkpoints_for(
    directory: Path, checkpoint_paths: Iterable[str | os.PathLike[str]]
) -> list[Position]:
    """The positions of the checkpoints (a fleet's ``FILE.SERVER`` ones too) whose log is
    ``directory``."""
    positions = []
    here = os.path.realpath(directory)
    for given in checkpoint_paths:
        candidates = [Path(given)]
        candidates += sorted(
            p for p in Path(given).parent.glob(Path(given).name + ".*")
            if not p.name.endswith((".lock", ".prev", ".tmp"))
        )  # fmt: skip
        for candidate in candidates:
            if not candidate.is_file():
                continue
            position = read_checkpoint(candidate)
            if position is None:
                continue
            if os.path.realpath(Path(position.path).parent) == here:
                positions.append(position)
    return positions


def plan_prune(
    directory: str | os.PathLike[str],
    *,
    older_than: timedelta,
    compress_after: timedelta | None = None,
    now: datetime,
    checkpoints: Iterable[str | os.PathLike[str]] = (),
) -> list[PruneAction]:
    """What retention would do with each rotated file of the logs in ``directory``
    (``events.log``, then the plain server log ``ovenmediaengine.log``), oldest first (the
    live files are not listed). Nothing is changed.

    Args:
        older_than: remove rotated files whose last event is older than this.
        compress_after: gzip plain rotated files whose last event is older than this (and
            that are not removed); None: never.
        now: the time ages are counted from (timezone-aware).
        checkpoints: follower checkpoint files (``tail -f --checkpoint FILE``; a fleet's
            ``FILE.SERVER`` files are found from ``FILE``): files they still need are kept.
    """
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    folder = Path(directory)
    positions = _checkpoints_for(folder, checkpoints)
    # Each log of the directory (events.log, the plain server log) by itself.
    return [
        action
        for base in log_bases(folder)
        for action in _plan_log(
            ordered_log_files(folder, base), positions, older_than, compress_after, now
        )
    ]


def _plan_log(
    files: list[LogFile],
    positions: list[Position],
    older_than: timedelta,
    compress_after: timedelta | None,
    now: datetime,
) -> list[PruneAction]:
    if not files:
        return []
    # The live file is never touched: the base file, or the newest file of a log without one.
    live = next((f for f in files if f.is_base), files[-1])
    needed = _needed_from(files, positions)
    plan = []
    for index, log_file in enumerate(files):
        if log_file is live:
            continue
        path = log_file.path
        try:
            size = os.stat(path).st_size
            if log_file.error is not None:
                raise OSError(0, log_file.error)
            last = content_end_time(log_file)
        except OSError as error:
            reason = f"cannot read it: {error.strerror or error}"
            plan.append(PruneAction(path, "keep", None, 0, reason))
            continue
        if last is None:
            plan.append(PruneAction(path, "keep", None, size, "no event time could be read"))
            continue
        age = now - last
        wanted: Action | None = None
        if age > older_than:
            wanted = "remove"
        elif compress_after is not None and age > compress_after and not log_file.compressed:
            wanted = "compress"
        if wanted is None:
            continue
        holder = next((path for first, path in needed.items() if index >= first), None)
        if holder is not None:
            reason = f"a follower's checkpoint still needs it: {holder}"
            plan.append(PruneAction(path, "keep", last, size, reason))
            continue
        plan.append(PruneAction(path, wanted, last, size))
    return plan


def prune_lock(directory: str | os.PathLike[str]) -> contextlib.AbstractContextManager[None]:
    """Hold the log directory's lock for a prune, or raise ``BlockingIOError``."""
    busy = f"{os.fspath(directory)}: another prune is working on this directory"
    return directory_lock(directory, busy)


def apply_prune(plan: Iterable[PruneAction]) -> Iterator[tuple[PruneAction, OSError | None]]:
    """Carry out a plan, one file at a time; yields each action with the error that stopped
    it (None when done). ``keep`` actions are yielded as they are."""
    for action in plan:
        try:
            if action.action == "remove":
                action.path.unlink(missing_ok=True)
            elif action.action == "compress":
                _gzip(action.path)
        except OSError as error:
            yield action, error
            continue
        yield action, None


def _gzip(path: Path) -> None:
    target = path.with_name(path.name + ".gz")
    temporary = path.with_name(f".{path.name}.gz.tmp")
    try:
        with open(path, "rb") as plain, open(temporary, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as packed:
                shutil.copyfileobj(plain, packed, 1 << 20)
            raw.flush()
            os.fsync(raw.fileno())
        shutil.copystat(path, temporary)  # the rotated file's mode and times
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    path.unlink()

"""What happened to the file being followed: the follower's rules, as pure functions.

No I/O here: :func:`decide` compares what the follower knew of its file when it last read it
(:class:`Reading`) with what is on disk now (:class:`Observed`) and names the change. The
follower (:mod:`.core`) gathers the observation, asks, and acts.

Strategy, in the order the rules are tried:

==================  =====================================================  =================
change              when                                                   the follower
==================  =====================================================  =================
truncated           the open file is smaller than what was read, or its   restarts it at 0
                    first bytes differ from those read (rewritten in
                    place: copytruncate, or a reused file)
copy-truncated      truncated, and another file of the log starts with    reads the copy
                    the bytes we read (logrotate's copytruncate copy)      from our offset,
                                                                           then the rest
appended            the open file is larger than what was read (or, for   reads on
                    a gzip file, its end was not reached yet)
unchanged           the base path still names the file we read            waits
look                the base path names another file (or none): a scan    scans, asks again
                    of the directory is needed to tell
rotated             the scan holds files newer than ours, not read yet    reads ours to its
                                                                           end, then those
unchanged           the scan holds nothing newer (our file is the newest  waits
                    of a layout without a base file, or a new base file
                    has no line yet)
==================  =====================================================  =================
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from ome_events.follower.identity import FileState

__all__ = [
    "Change",
    "Observed",
    "Reading",
    "active",
    "decide",
    "newer_than",
    "same_file",
    "started_before",
    "truncated",
]


class Change(StrEnum):
    """What :func:`decide` concluded."""

    APPENDED = "appended"
    TRUNCATED = "truncated"
    COPY_TRUNCATED = "copy-truncated"
    ROTATED = "rotated"
    UNCHANGED = "unchanged"
    LOOK = "look"  #: a directory scan is needed to decide


class Reading(NamedTuple):
    """What the follower knows of the file it reads (the "before")."""

    identity: tuple[int, int]
    fingerprint: str | None
    first_time: datetime | None
    read_to: int  #: bytes of the (uncompressed) file read so far
    prefix: bytes  #: its first bytes, as read (up to 4 KiB)
    compressed: bool
    at_eof: bool  #: the last read reached the end


class Observed(NamedTuple):
    """What is on disk now (the "after")."""

    size: int | None  #: of the file we hold open; None for gzip
    head: bytes  #: its first ``len(prefix)`` bytes now
    base: tuple[int, int] | None  #: the identity at the base path; None when missing
    files: Sequence[FileState] | None = None  #: a directory scan, oldest first, if made
    copy: FileState | None = None  #: another file that starts with our prefix, if any
    done: Collection[str] = ()  #: fingerprints of the files read to their end


def truncated(before: Reading, size: int | None, head: bytes) -> bool:
    """The file we read shrank or was rewritten in place (its first bytes changed)."""
    if before.compressed or not before.prefix:
        return False
    if size is not None and size < before.read_to:
        return True
    return head[: len(before.prefix)] != before.prefix


def same_file(state: FileState, before: Reading) -> bool:
    """Whether a scanned file is the one we read (renamed or compressed since, perhaps)."""
    if state.identity == before.identity:
        return state.fingerprint in (None, before.fingerprint) or before.fingerprint is None
    return state.fingerprint is not None and state.fingerprint == before.fingerprint


def active(files: Sequence[FileState]) -> FileState | None:
    """The file being written: the base file, or (a layout without one, or the base file
    deleted) the newest file."""
    for state in files:
        if state.is_base:
            return state
    return files[-1] if files else None


def started_before(first: datetime | None, reference: datetime | None) -> bool:
    """Whether a file whose first event is ``first`` began no later than ``reference``."""
    return first is not None and reference is not None and first <= reference


def newer_than(
    before: Reading, files: Sequence[FileState], done: Collection[str]
) -> list[FileState]:
    """Files that came after ours and are not read yet, oldest first.

    ``files`` is in scan order (by first event); ours is found in it by identity (renamed or
    compressed, it is still there). If it is gone (deleted), the files whose first event is
    later than its first event are the newer ones.
    """
    index = next((i for i, s in enumerate(files) if same_file(s, before)), None)
    if index is not None:
        after = files[index + 1 :]
    else:
        after = [
            s for s in files if s.is_base or not started_before(s.first_time, before.first_time)
        ]
    return [s for s in after if not (s.fingerprint is not None and s.fingerprint in done)]


def decide(before: Reading, after: Observed) -> Change:
    """Name the change from ``before`` to ``after`` (see the module's table).

    >>> reading = Reading((1, 7), "f", None, read_to=100, prefix=b'{"time"', compressed=False,
    ...                   at_eof=True)
    >>> decide(reading, Observed(size=150, head=b'{"time"', base=(1, 7)))
    <Change.APPENDED: 'appended'>
    >>> decide(reading, Observed(size=0, head=b"", base=(1, 7)))
    <Change.TRUNCATED: 'truncated'>
    >>> decide(reading, Observed(size=100, head=b'{"time"', base=(1, 8)))
    <Change.LOOK: 'look'>
    """
    if truncated(before, after.size, after.head):
        return Change.COPY_TRUNCATED if after.copy is not None else Change.TRUNCATED
    if after.size is not None:
        if after.size > before.read_to:
            return Change.APPENDED
    elif not before.at_eof:
        return Change.APPENDED
    if after.base == before.identity:
        return Change.UNCHANGED
    if after.files is None:
        return Change.LOOK
    latest = active(after.files)
    if latest is None or same_file(latest, before):
        return Change.UNCHANGED
    if newer_than(before, after.files, after.done):
        return Change.ROTATED
    return Change.UNCHANGED

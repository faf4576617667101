"""The directory scan: every file of the log with its identity and fingerprint (see
:mod:`ome_events.position` for why both), described once and remembered."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from ome_events.compressed import GzipReader
from ome_events.files import (
    GZIP_MAGIC,
    LogFile,
    find_log_files,
    first_event_time,
    line_time,
    scan_log_directory,
)
from ome_events.position import FINGERPRINT_BYTES, fingerprint_of

log = logging.getLogger("ome_events.follower")

__all__ = ["FileState", "Scanner", "first_line_time", "read_head", "scan_order"]

# Descriptions of rotated files are remembered (they do not change) up to this many.
_CACHE_MAX = 10_000


def first_line_time(head: bytes) -> datetime | None:
    """The time of the first line of a file that starts with ``head`` (None if it has none)."""
    return line_time(head.split(b"\n", 1)[0])


def _gunzip_head(stream: BinaryIO) -> bytes:
    # What a damaged or unfinished archive holds at its start is its head all the same.
    return GzipReader(stream).read(FINGERPRINT_BYTES)


def read_head(path: Path) -> bytes:
    """The first FINGERPRINT_BYTES of a file's (decompressed) content."""
    with open(path, "rb") as stream:
        head = stream.read(FINGERPRINT_BYTES)
        if head.startswith(GZIP_MAGIC):
            stream.seek(0)
            return _gunzip_head(stream)
        return head


@dataclass(slots=True)
class FileState:
    """A file of the log as a directory scan saw it."""

    path: Path
    device: int
    inode: int
    size: int
    compressed: bool
    fingerprint: str | None
    first_time: datetime | None
    is_base: bool
    #: why the file cannot be read (None when it can): permissions, a loop, an I/O error
    error: str | None = None

    @property
    def identity(self) -> tuple[int, int]:
        """(device, inode)."""
        return self.device, self.inode


_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def scan_order(state: FileState) -> tuple[bool, datetime, bool, str]:
    """Oldest first event first; the base file last among equals, and last of all while it
    has no complete line yet (just created by a rotation)."""
    first = state.first_time
    return (
        first is None and state.is_base,
        first if first is not None else _LONG_AGO,
        state.is_base,
        state.path.name,
    )


class Scanner:
    """Lists and describes the files of one log, remembering what does not change."""

    def __init__(self, directory: Path, base: str) -> None:
        self.directory = directory
        self.base = base
        self._cache: dict[tuple[int, int, int, int], tuple[bool, str, datetime | None]] = {}
        self._named: set[Path] = set()  # unrecognised names already reported

    def scan(self) -> list[FileState]:
        """The log's files, oldest first by content, each with identity and fingerprint.

        Listing and describing are not one atomic step: if OME rolls in between, a file
        listed as ``events.log`` is by then another one, and the rotated file it became is
        missing from the list. A roll always adds a name, so the scan is repeated until the
        names before and after it are the same.
        """
        for _ in range(20):
            try:
                listing = scan_log_directory(self.directory, self.base)
            except FileNotFoundError:
                return []
            found = listing.files
            states = [s for s in map(self.describe, found) if s is not None]
            try:
                again = find_log_files(self.directory, self.base)
            except FileNotFoundError:
                return []
            if {f.path for f in again} == {f.path for f in found}:
                break
        for name in set(listing.unrecognised) - self._named:
            self._named.add(name)
            log.warning(
                "%s: named like a rotated log file but matching no known layout: not read", name
            )
        states.sort(key=scan_order)
        return states

    def find(self, identity: tuple[int, int]) -> FileState | None:
        """The file with this (device, inode) in a new scan, under whatever name."""
        return next((s for s in self.scan() if s.identity == identity), None)

    def describe(self, log_file: LogFile) -> FileState | None:
        """Identity, size and fingerprint of one file; None when it vanished. A file that
        cannot be read is described with its ``error`` (and its identity, when a stat can
        get it), so that it is recognised, skipped, and tried again."""
        if log_file.error is not None:
            return self._unreadable(log_file, log_file.error)
        # One open for the identity and the head: a stat and a read by path could see two
        # different files if OME rolls in between.
        try:
            with open(log_file.path, "rb") as stream:
                info = os.fstat(stream.fileno())
                # Inodes are reused (a deleted file's inode goes to the next new file), so a
                # remembered description is only trusted for the same size and mtime too.
                key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                cached = None if log_file.is_base else self._cache.get(key)
                fingerprint: str | None
                if cached is not None:
                    compressed, fingerprint, first = cached
                else:
                    head = stream.read(FINGERPRINT_BYTES)
                    compressed = head.startswith(GZIP_MAGIC)
                    if compressed:
                        stream.seek(0)
                        head = _gunzip_head(stream)
                    fingerprint = fingerprint_of(head)
                    first = first_line_time(head) if fingerprint else None
                    if first is None and fingerprint:
                        first = first_event_time(log_file.path)
                    # The base file can be truncated and rewritten in place, so only rotated
                    # files are remembered.
                    if fingerprint is not None and not log_file.is_base:
                        if len(self._cache) > _CACHE_MAX:
                            self._cache.clear()
                        self._cache[key] = (compressed, fingerprint, first)
        except FileNotFoundError:
            return None
        except OSError as error:
            return self._unreadable(log_file, error.strerror or str(error))
        return FileState(
            log_file.path,
            info.st_dev,
            info.st_ino,
            info.st_size,
            compressed,
            fingerprint,
            first,
            log_file.is_base,
        )

    def _unreadable(self, log_file: LogFile, reason: str) -> FileState | None:
        for stat in (os.stat, os.lstat):  # a looping symlink: the link's own identity
            try:
                info = stat(log_file.path)
                break
            except FileNotFoundError:
                return None
            except OSError:
                continue
        else:
            return None
        return FileState(
            log_file.path,
            info.st_dev,
            info.st_ino,
            info.st_size,
            log_file.compressed,
            None,
            None,
            log_file.is_base,
            reason,
        )

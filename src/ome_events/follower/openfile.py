"""The file a follower is reading: its handle, identity, decoder and what was read of it."""

from __future__ import annotations

import os
from typing import Any, BinaryIO

from ome_events.compressed import GzipReader
from ome_events.errors import ParseError
from ome_events.follower.decide import Reading
from ome_events.follower.identity import FileState, first_line_time, read_head
from ome_events.formats import START_BYTES, decoder_format
from ome_events.model import Event
from ome_events.parse import LineDecoder
from ome_events.position import FINGERPRINT_BYTES, Position, fingerprint_of

__all__ = ["OpenFile"]

_READ_SIZE = 256 * 1024
# A step reads at most this many chunks before handing events out, so a large backlog
# (start="start" on a big file, a long stop) never sits in memory at once.
_READS_PER_STEP = 4

#: An event with the offset and line number just after it (where a checkpoint taken once it
#: was handed out points).
Taken = tuple[Event, int, int]


class OpenFile:
    """A file being read: its handle, identity and decoder."""

    def __init__(
        self, state: FileState, offset: int, line: int, decoder_args: dict[str, Any]
    ) -> None:
        self.path = state.path
        self.device = state.device
        self.inode = state.inode
        self.fingerprint = state.fingerprint
        self.first_time = state.first_time
        self.compressed = state.compressed
        self.stream: BinaryIO
        self._raw = open(state.path, "rb", buffering=0)  # noqa: SIM115
        if self.compressed:
            # Damage-tolerant: a damaged archive gives every line it still holds.
            self.stream = GzipReader(self._raw)  # type: ignore[assignment]
        else:
            self.stream = self._raw
        # The first bytes read, to notice a rewrite in place (copytruncate) even before the
        # first line is complete, and to find the copy that holds our unread lines.
        self.prefix = b""
        if offset:
            if self.compressed:
                left = offset
                while left > 0 and (skipped := self.stream.read(min(left, _READ_SIZE))):
                    left -= len(skipped)
            else:
                self.stream.seek(offset)
                self.prefix = os.pread(self._raw.fileno(), min(offset, FINGERPRINT_BYTES), 0)
        self.decoder_args = decoder_args
        # Resuming in the middle of a plain file: its start tells the format, which the lines
        # from here may not show.
        known = (
            decoder_format(os.pread(self._raw.fileno(), START_BYTES, 0))
            if offset and not self.compressed
            else None
        )
        self.decoder = LineDecoder(
            file=os.fspath(state.path), offset=offset, line=line, known_format=known,
            **decoder_args,
        )  # fmt: skip
        self.read_to = offset  # bytes of the (uncompressed) file read so far
        self.at_eof = False
        self.late = False  # read out of order, after it became readable
        self._damage_reported = False

    @property
    def identity(self) -> tuple[int, int]:
        """(device, inode) as it was when opened."""
        return self.device, self.inode

    def held_identity(self) -> tuple[int, int]:
        """(device, inode) of the file we actually hold open."""
        info = os.fstat(self._raw.fileno())
        return info.st_dev, info.st_ino

    def reading(self) -> Reading:
        """What we know of the file, for :func:`~.decide.decide`."""
        return Reading(
            self.identity,
            self.fingerprint,
            self.first_time,
            self.read_to,
            self.prefix,
            self.compressed,
            self.at_eof,
        )

    def restart(self) -> None:
        """The file was truncated or rewritten in place: read it again from byte 0, through
        the same handle (the path may be gone or hold another file by now)."""
        self._raw.seek(0)
        if self.compressed:
            self.stream = GzipReader(self._raw)  # type: ignore[assignment]
        self.decoder = LineDecoder(file=os.fspath(self.path), **self.decoder_args)
        self.read_to = 0
        self.prefix = b""
        self.at_eof = False
        head = self.head()
        self.fingerprint = fingerprint_of(head)
        self.first_time = first_line_time(head) if self.fingerprint else None

    def position(self, offset: int | None = None, line: int | None = None) -> Position:
        """A checkpoint position in this file (by default: where the decoder stands)."""
        return Position(
            os.fspath(self.path),
            self.device,
            self.inode,
            self.fingerprint,
            self.decoder.offset if offset is None else offset,
            self.decoder.line if line is None else line,
            self.first_time,
        )

    def read(self) -> list[Taken]:
        """Read up to _READS_PER_STEP chunks of what is there now; the events, each with the
        offset and line just after it. ``at_eof`` tells whether the end was reached."""
        out: list[Taken] = []
        for _ in range(_READS_PER_STEP):
            chunk = self.stream.read(_READ_SIZE)
            if not chunk:
                self.at_eof = True
                # The end for now: a server log's last record is complete (LineDecoder.idle).
                self._collect(self.decoder.idle(), out)
                damage = getattr(self.stream, "damage", None)
                if damage is not None and not self._damage_reported:
                    # A damaged or truncated .gz: every line it still held was read.
                    self._damage_reported = True
                    self.report(
                        ParseError(
                            f"compressed file is damaged: {damage};"
                            f" {self.decoder.line - 1:,} lines read from it",
                            expected="a complete gzip file",
                            file=os.fspath(self.path),
                            offset=self.read_to,
                        )
                    )
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

    def finish(self) -> list[Taken]:
        """End of a file that will not grow any more: decode a last line without newline."""
        out: list[Taken] = []
        self._collect(self.decoder.close(), out)
        return out

    def _collect(self, events: list[Event], out: list[Taken]) -> None:
        # Each event is paired with where the next line starts, so a checkpoint taken after
        # the consumer took it points exactly past it.
        for index, event in enumerate(events):
            if index + 1 < len(events):
                following = events[index + 1].origin
                assert following is not None
                assert following.line is not None  # the follower's decoder counts lines
                out.append((event, following.offset, following.line))
            else:
                out.append((event, self.decoder.offset, self.decoder.line))

    def _learn_fingerprint(self) -> None:
        head = self.head()
        self.fingerprint = fingerprint_of(head)
        if self.first_time is None:
            self.first_time = first_line_time(head)

    def head(self) -> bytes:
        """The first bytes of the file as it is now (through our handle)."""
        if self.compressed:
            return read_head(self.path)
        return os.pread(self._raw.fileno(), FINGERPRINT_BYTES, 0)

    def size(self) -> int | None:
        """The size of the file we hold (None for gzip: its uncompressed size is unknown)."""
        if self.compressed:
            return None
        return os.fstat(self._raw.fileno()).st_size

    def close(self) -> None:
        self._raw.close()

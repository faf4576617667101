"""The start of a line whose newline has not come yet: what a decoder holds between chunks.

Both decoders (JSON lines, :mod:`ome_events.parse`; server-log records,
:mod:`ome_events.formats.serverlog`) are fed chunks cut anywhere; the bytes after a chunk's
last newline wait here for the rest of their line. A line longer than the decoders' limit is
never held whole: past the limit only its size is counted, so that it can be reported as too
long (with its offset) and the lines after it still read. No I/O.
"""

from __future__ import annotations

__all__ = ["PartialLine"]


class PartialLine:
    """The held start of one line, or only its size once it is over ``limit`` bytes.

    >>> held = PartialLine(limit=8)
    >>> held.hold(b'{"a":'); held.end(b"1}")
    b'{"a":1}'
    >>> held.hold(b"0123456789"); held.end(b"ab")   # too long: its size only
    12
    >>> held.size
    0
    """

    __slots__ = ("limit", "parts", "size", "skipping")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        #: The held bytes, in pieces (empty while skipping).
        self.parts: list[bytes] = []
        #: How many bytes of the line have come so far (0: nothing held).
        self.size = 0
        #: The line is over the limit: its bytes are counted, not kept.
        self.skipping = False

    @property
    def held(self) -> int:
        """The bytes held in memory (none once the line is skipped)."""
        return sum(map(len, self.parts))

    def hold(self, data: bytes) -> None:
        """Keep ``data``, the next bytes of the line (count them, past the limit)."""
        if not data:
            return
        self.size += len(data)
        if self.skipping:
            return
        self.parts.append(data)
        if self.size > self.limit:
            self.parts = []
            self.skipping = True

    def end(self, last: bytes) -> bytes | int:
        """The line, completed by ``last`` (its bytes up to the newline): its bytes, or its
        size in bytes when it was over the limit. Nothing is held afterwards."""
        line: bytes | int
        if self.skipping:
            line = self.size + len(last)
            self.skipping = False
        else:
            line = b"".join([*self.parts, last]) if self.parts else last
        self.parts = []
        self.size = 0
        return line

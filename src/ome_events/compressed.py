"""Reading gzip files so that a damaged one gives every line it still holds.

Python's :class:`gzip.GzipFile` raises at the first problem and drops the data it had
decompressed in the same call; on a truncated archive it loses the end, and on a wrong CRC it
raises after the data is complete. :class:`GzipReader` decompresses raw deflate data itself
(members one after the other, as ``gzip -dc`` does): what came out before the damage is
returned, the damage is kept in :attr:`GzipReader.damage` (what, and at which compressed
byte), and the CRC and length of each member are checked after its data was handed out.
"""

from __future__ import annotations

import struct
import zlib
from typing import BinaryIO

__all__ = ["GzipReader"]

_MAGIC = b"\x1f\x8b"
# Compressed bytes fed at a time: a damaged block loses at most what these decompress to.
_FEED = 16 * 1024
_FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 2, 4, 8, 16


class GzipReader:
    """A readable stream of the decompressed content of a gzip file.

    ``read(n)`` returns up to ``n`` bytes, ``b""`` at the end, never raises for damage:
    :attr:`damage` then says what was wrong (``None`` for an intact file), and :attr:`offset`
    where in the compressed file it was found.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.damage: str | None = None
        self.offset = 0  # compressed bytes consumed so far
        self.members = 0
        self._input = b""  # compressed bytes read, not yet consumed
        self._output = bytearray()
        self._inflate: zlib._Decompress | None = None
        self._crc = 0
        self._size = 0
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` decompressed bytes (all that is left for -1)."""
        while (size < 0 or len(self._output) < size) and not self._ended:
            self._step()
        if size < 0 or size >= len(self._output):
            data = bytes(self._output)
            self._output.clear()
        else:
            data = bytes(self._output[:size])
            del self._output[:size]
        return data

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> GzipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the work -----------------------------------------------------------------------------

    def _fill(self, wanted: int) -> bool:
        """Read until ``wanted`` compressed bytes are buffered; False at the end of the file."""
        while len(self._input) < wanted:
            more = self.raw.read(_FEED)
            if not more:
                return False
            self._input += more
        return True

    def _damaged(self, what: str) -> None:
        self.damage = what
        self._ended = True

    def _step(self) -> None:
        if self._inflate is None:
            self._start_member()
            return
        if not self._input and not self._fill(1):
            if self._size == 0:
                self._damaged("the compressed file holds a gzip header and no data")
            else:
                self._damaged("the file ends inside compressed data (truncated)")
            return
        piece, self._input = self._input[:_FEED], self._input[_FEED:]
        try:
            out = self._inflate.decompress(piece)
        except zlib.error as error:
            self._damaged(f"the compressed data is damaged ({error})")
            return
        self._output += out
        self._crc = zlib.crc32(out, self._crc)
        self._size += len(out)
        used = len(piece) - len(self._inflate.unused_data)
        self.offset += used
        if self._inflate.eof:
            self._input = self._inflate.unused_data + self._input
            self._inflate = None
            self._end_member()

    def _start_member(self) -> None:
        if not self._fill(10):
            if self._input and self.members:
                self._damaged("the file ends with a partial gzip header")
            elif self._input or not self.members:
                self._damaged(
                    "the compressed file is empty" if not self._input else "gzip header cut short"
                )
            else:
                self._ended = True  # the end, after complete members
            return
        head = self._input
        if head[:2] != _MAGIC or head[2] != 8:
            if self.members and not head.strip(b"\0"):
                self._ended = True  # zero padding after the last member (as gzip -dc allows)
                return
            self._damaged("not a gzip member (bad magic bytes or method)")
            return
        flags = head[3]
        position = 10
        if flags & _FEXTRA:
            if not self._fill(position + 2):
                self._damaged("gzip header cut short")
                return
            (extra,) = struct.unpack("<H", self._input[position : position + 2])
            position += 2 + extra
        for flag in (_FNAME, _FCOMMENT):
            if flags & flag:
                while True:
                    end = self._input.find(b"\0", position)
                    if end >= 0:
                        position = end + 1
                        break
                    if not self._fill(len(self._input) + 1):
                        self._damaged("gzip header cut short")
                        return
        if flags & _FHCRC:
            position += 2
        if not self._fill(position):
            self._damaged("the compressed file holds a header and no data")
            return
        self.offset += position
        self._input = self._input[position:]
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._crc = 0
        self._size = 0
        self.members += 1

    def _end_member(self) -> None:
        if not self._fill(8):
            self._damaged("the file ends before the gzip trailer (truncated)")
            return
        crc, size = struct.unpack("<II", self._input[:8])
        self._input = self._input[8:]
        self.offset += 8
        if crc != self._crc:
            self._damaged("CRC check failed: the decompressed data may be damaged")
        elif size != self._size & 0xFFFFFFFF:
            self._damaged("the length in the gzip trailer does not match the data")

"""A place in a log: which file (recognised whatever its name) and where in it.

A file is recognised by (device, inode) *and* a fingerprint, the SHA-256 of its first line
(at most 4 KiB of it): paths are not identities (files are renamed), inodes alone are not
either (they are reused), and the fingerprint survives compression, so a file is found again
as ``events.log.20250326.gz``. The first line of an OME log starts with a millisecond
timestamp, which makes it unique in practice.

The history reader ends at a :class:`Position` (:attr:`EventReader.position
<ome_events.reader.EventReader.position>`) and the follower starts from one, so that
``tail -f`` shows every event once; a checkpoint file holds one too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import orjson

__all__ = ["CHECKPOINT_VERSION", "FINGERPRINT_BYTES", "Position", "fingerprint_of"]

#: How much of a file's first line its fingerprint covers.
FINGERPRINT_BYTES = 4096
#: The ``version`` of the checkpoint format (:meth:`Position.to_json`).
CHECKPOINT_VERSION = 1


def fingerprint_of(head: bytes) -> str | None:
    """The fingerprint of a file that starts with ``head``, or None while its first line is
    incomplete (and shorter than FINGERPRINT_BYTES)."""
    end = head.find(b"\n", 0, FINGERPRINT_BYTES)
    if end < 0:
        if len(head) < FINGERPRINT_BYTES:
            return None
        end = FINGERPRINT_BYTES
    return hashlib.sha256(head[:end]).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Position:
    """A file (identity and last known path) and the byte offset and number of its next
    unread line. This is what a checkpoint holds."""

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
            position = cls(
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
        if position.offset < 0 or position.line < 1 or min(position.device, position.inode) < 0:
            raise ValueError(
                f"impossible position (offset {position.offset}, line {position.line})"
            )
        if position.fingerprint is not None and not isinstance(position.fingerprint, str):
            raise ValueError("the fingerprint is not a string")
        return position

"""Checkpoints: where a follower stands, saved so that a later run resumes exactly there.

A checkpoint holds a :class:`Position`: the identity of a file (device, inode, fingerprint,
last known path, first event time) and the byte offset and line number of its next unread
line. It is written atomically (a temporary file in the same folder, fsync, rename, fsync of
the folder), so a crash leaves the previous checkpoint or the new one, never half of one.
The format is in ``docs/following.md``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

__all__ = ["CHECKPOINT_VERSION", "Position", "read_checkpoint", "write_checkpoint"]

log = logging.getLogger("ome_events.follower")

CHECKPOINT_VERSION = 1


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

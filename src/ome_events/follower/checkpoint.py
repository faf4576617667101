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
from pathlib import Path

from ome_events.position import CHECKPOINT_VERSION, Position

__all__ = ["CHECKPOINT_VERSION", "Position", "read_checkpoint", "write_checkpoint"]

log = logging.getLogger("ome_events.follower")


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

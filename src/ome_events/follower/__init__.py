"""Following a live ``events.log`` across rotations, with checkpoints. The only package that
watches files.

Split by concern, as Vector's file source is:

* :mod:`.checkpoint`: saving the :class:`~ome_events.position.Position` a follower resumes from;
* :mod:`.identity`: the directory scan, each file with its identity and fingerprint;
* :mod:`.openfile`: the file being read, its handle and decoder;
* :mod:`.decide`: the rules, as pure functions: from what was known of the file and what is
  on disk now to appended / truncated / copy-truncated / rotated / unchanged;
* :mod:`.wakeup`: waiting for news (inotify as a hint, a timed re-check as the truth);
* :mod:`.core`: the :class:`Follower`, which ties them together.

(The package is ``follower``, not ``follow``: ``ome_events.follow`` is the function.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal

from ome_events.errors import ParseError
from ome_events.follower.checkpoint import read_checkpoint, write_checkpoint
from ome_events.follower.core import Follower, FollowerStats
from ome_events.position import CHECKPOINT_VERSION, Position

__all__ = [
    "CHECKPOINT_VERSION",
    "Follower",
    "FollowerStats",
    "Position",
    "follow",
    "read_checkpoint",
    "write_checkpoint",
]


def follow(
    path: str | os.PathLike[str],
    *,
    start: Literal["end", "start"] | Position = "end",
    checkpoint: str | os.PathLike[str] | None = None,
    poll: bool = False,
    on_error: Callable[[ParseError], object] | None = None,
    **options: Any,
) -> Follower:
    """Follow a live log: an iterator of events that runs until closed.

    Args:
        path: the log directory, or the base file (``/var/log/ome/events.log``).
        start: ``"end"`` begins after the last complete line present at start-up,
            ``"start"`` at the beginning of the file being written, a
            :class:`~ome_events.position.Position` there (where a history reader stopped:
            :attr:`EventReader.position <ome_events.reader.EventReader.position>`). A base
            file that appears later, and every file after a rotation, is read from byte 0.
        checkpoint: a file that records where the follower stands; when it exists, the
            follower resumes there (``start`` is then ignored).
        poll: only poll (no inotify); for NFS and container mounts.
        on_error: called with each bad line's ParseError (default: logged).
        options: ``poll_interval`` (0.25 s), ``recheck_interval`` (1 s: the stat re-check
            under inotify), ``checkpoint_interval`` (1 s), ``max_line_bytes`` (64 MiB),
            ``strict``, ``base`` (the base file name), ``clock``.

    Example::

        with ome_events.follow("/var/log/ovenmediaengine", checkpoint="ome.ckpt") as events:
            for event in events:
                print(event.time, event.type, event.source)
    """
    return Follower(
        path, start=start, checkpoint=checkpoint, poll=poll, on_error=on_error, **options
    )

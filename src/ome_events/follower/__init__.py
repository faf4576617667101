"""Following a live ``events.log`` across rotations, with checkpoints. The only package that
watches files.

Split by concern, as Vector's file source is:

* :mod:`.checkpoint`: saving the :class:`~ome_events.position.Position` a follower resumes from;
* :mod:`.identity`: the directory scan, each file with its identity and fingerprint;
* :mod:`.openfile`: the file being read, its handle and decoder;
* :mod:`.decide`: the rules, as pure functions: from what was known of the file and what is
  on disk now to appended / truncated / copy-truncated / rotated / unchanged;
* :mod:`.wakeup`: waiting for news (inotify as a hint, a timed re-check as the truth);
* :mod:`.core`: the :class:`Follower`, which ties them together;
* :mod:`.fleet`: :class:`FleetFollower`, several logs (one per server) followed at once.

(The package is ``follower``, not ``follow``: ``ome_events.follow`` is the function.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, overload

from ome_events.errors import ParseError
from ome_events.files import SERVER_LOG_BASE, log_bases, server_labels
from ome_events.follower.checkpoint import read_checkpoint, write_checkpoint
from ome_events.follower.core import Follower, FollowerStats
from ome_events.follower.fleet import FleetFollower, checkpoint_for
from ome_events.formats.serverlog import SHADOWED_BY_JSON
from ome_events.position import CHECKPOINT_VERSION, Position

#: Where a follower starts: the end, the start, or a Position.
Start = Literal["end", "start"] | Position

__all__ = [
    "CHECKPOINT_VERSION",
    "FleetFollower",
    "Follower",
    "FollowerStats",
    "Position",
    "checkpoint_for",
    "follow",
    "read_checkpoint",
    "write_checkpoint",
]


@overload
def follow(
    path: str | os.PathLike[str],
    *,
    start: Literal["end", "start"] | Position = ...,
    checkpoint: str | os.PathLike[str] | None = ...,
    poll: bool = ...,
    on_error: Callable[[ParseError], object] | None = ...,
    **options: Any,
) -> Follower: ...


@overload
def follow(
    path: Sequence[str | os.PathLike[str]],
    *,
    start: Start | Mapping[str, Start | None] = ...,
    checkpoint: str | os.PathLike[str] | None = ...,
    poll: bool = ...,
    on_error: Callable[[ParseError], object] | None = ...,
    **options: Any,
) -> Follower | FleetFollower: ...


def follow(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    start: Start | Mapping[str, Start | None] = "end",
    checkpoint: str | os.PathLike[str] | None = None,
    poll: bool = False,
    on_error: Callable[[ParseError], object] | None = None,
    **options: Any,
) -> Follower | FleetFollower:
    """Follow a live log: an iterator of events that runs until closed.

    Args:
        path: the log directory, or the base file (``/var/log/ome/events.log``); or a list
            of them, one per server, followed at once (a :class:`FleetFollower`: each log
            with its own follower and checkpoint ``CHECKPOINT.SERVER``; ``start`` is "end",
            "start" or a mapping from server to where it starts, as
            :attr:`MergedReader.positions <ome_events.reader.MergedReader.positions>`
            gives). Events carry their log's name in ``event.server``.
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
    if isinstance(path, str | os.PathLike):
        path = [path]
    paths = list(path)
    labels = server_labels(paths)
    if len(paths) == 1 and options.get("base") is None and Path(paths[0]).is_dir():
        bases = log_bases(paths[0])
        if len(bases) > 1:  # events.log and ovenmediaengine.log: one server, both followed
            return _both_logs(
                paths[0], labels[0], bases, start, checkpoint, poll, on_error, options
            )
    if len(paths) == 1:
        one = start.get(labels[0]) if isinstance(start, Mapping) else start
        return Follower(
            paths[0],
            start=one or "end",
            checkpoint=checkpoint,
            poll=poll,
            on_error=on_error,
            server=labels[0],
            **options,
        )
    if isinstance(start, Position):
        raise ValueError("several logs start at 'end', 'start' or a Position per server")
    followers: list[Follower] = []
    try:
        for log_path, label in zip(paths, labels, strict=True):
            own = (start.get(label) or "end") if isinstance(start, Mapping) else start
            followers.append(
                Follower(
                    log_path,
                    start=own,
                    checkpoint=None
                    if checkpoint is None
                    else checkpoint_for(os.fspath(checkpoint), label),
                    poll=poll,
                    on_error=on_error,
                    server=label,
                    **options,
                )
            )
    except BaseException:
        for follower in followers:
            follower.close()
        raise
    return FleetFollower(followers)


def _both_logs(
    path: str | os.PathLike[str],
    server: str,
    bases: list[str],
    start: Start | Mapping[str, Start | None],
    checkpoint: str | os.PathLike[str] | None,
    poll: bool,
    on_error: Callable[[ParseError], object] | None,
    options: dict[str, Any],
) -> FleetFollower:
    """A directory with both logs of one server: each followed, their events merged; the
    server log's checkpoint is ``CHECKPOINT.ovenmediaengine.log``."""
    given = start.get(server) if isinstance(start, Mapping) else start
    # Where a history reader left each log (MergedReader.positions names a server's second
    # log SERVER/BASE): each follower starts at its own log's position.
    positions = (
        [p for p in start.values() if isinstance(p, Position)]
        if isinstance(start, Mapping)
        else [start] if isinstance(start, Position) else []
    )  # fmt: skip
    followers: list[Follower] = []
    try:
        for base in bases:
            own: Start = next(
                (p for p in positions if Path(p.path).name.startswith(base)),
                given if isinstance(given, str) else "end",
            )
            saved = None
            if checkpoint is not None:
                saved = os.fspath(checkpoint)
                if base != bases[0]:
                    saved = checkpoint_for(saved, base)
            # What both logs say is taken from the JSON one: no stream is created twice.
            shadow = SHADOWED_BY_JSON if base == SERVER_LOG_BASE else frozenset()
            followers.append(
                Follower(path, start=own, checkpoint=saved, poll=poll, on_error=on_error,
                         server=server, base=base, shadow=shadow, **options)
            )  # fmt: skip
    except BaseException:
        for follower in followers:
            follower.close()
        raise
    return FleetFollower(followers)

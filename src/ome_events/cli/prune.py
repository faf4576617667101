"""``ome-events prune``: keep a log directory at its retention (remove, or gzip, old rotated
files by the time of their last event). The decisions are :mod:`ome_events.retention`'s."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from ome_events.cli.options import (
    UsageError,
    add_path_argument,
    add_server_zone_option,
    apply_server_zone,
    resolve_paths,
)
from ome_events.cli.runtime import guarded, warn

EXAMPLES = """\
examples:
  ome-events prune /var/log/ovenmediaengine --older-than 30d
  ome-events prune /var/log/ovenmediaengine --older-than 30d --compress-after 7d --dry-run
  ome-events prune /logs/edge1 /logs/edge2 --older-than 14d --checkpoint /var/lib/ome/tail.pos

  from cron (prints only what it did; nothing when there was nothing to do):
  15 3 * * *  ome-events prune /var/log/ovenmediaengine --older-than 30d --compress-after 2d
"""

#: The command's line in ``ome-events --help``.
SUMMARY = "remove or gzip rotated files older than a retention limit"
#: What ``ome-events prune --help`` says first.
DESCRIPTION = (
    "Remove the rotated files of an OME event log whose last event is older than\n"
    "--older-than, and gzip those older than --compress-after. Ages are by content (the\n"
    "time of each file's last event), never by modification time. events.log itself (or\n"
    "the newest file of a log without it) is never touched, nor a file a follower's\n"
    "checkpoint still needs; each kept file is named with the reason."
)


def _duration(text: str) -> timedelta:
    from ome_events.timeparse import parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    add_path_argument(parser)
    group = parser.add_argument_group("retention")
    group.add_argument(
        "--older-than",
        type=_duration,
        required=True,
        metavar="DURATION",
        help="remove rotated files whose last event is older than this (30d, 2w, 36h)",
    )
    group.add_argument(
        "--compress-after",
        type=_duration,
        metavar="DURATION",
        help="gzip plain rotated files whose last event is older than this (7d)",
    )
    group.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "a follower's checkpoint (tail -f --checkpoint FILE; FILE.SERVER ones too):"
            " the files it still needs are kept; may be repeated"
        ),
    )
    group.add_argument(
        "-n",
        "--dry-run",
        action="store_true",
        help="say what would be done, change nothing",
    )
    add_server_zone_option(group)


def run(args: argparse.Namespace) -> int:
    """Prune each PATH; returns the exit status."""
    parser: argparse.ArgumentParser = args._parser
    if args.compress_after is not None and args.compress_after >= args.older_than:
        parser.error("--compress-after must be shorter than --older-than")
    try:
        apply_server_zone(args)
    except UsageError as error:
        parser.error(str(error))
    return guarded(lambda: _prune_all(args))


def _prune_all(args: argparse.Namespace) -> int:
    import os

    from ome_events.retention import apply_prune, plan_prune, prune_lock

    status = 0
    now = datetime.now(UTC)
    for path in resolve_paths(args):
        if path == "-" or not os.path.isdir(path):
            warn(f"{path}: not a log directory (prune works on directories)")
            status = 1
            continue
        try:
            with prune_lock(path):
                plan = plan_prune(
                    path,
                    older_than=args.older_than,
                    compress_after=args.compress_after,
                    now=now,
                    checkpoints=args.checkpoint,
                )
                if args.dry_run:
                    for action in plan:
                        print(action.describe(now, dry_run=True), flush=True)
                    continue
                for action, error in apply_prune(plan):
                    if error is not None:
                        warn(f"{action.path}: could not {action.action} it: {error.strerror}")
                        status = 1
                    else:
                        print(action.describe(now), flush=True)
        except OSError as error:  # the directory cannot be opened, or another prune runs
            warn(str(error) if isinstance(error, BlockingIOError) else f"{path}: {error}")
            status = 1
    return status

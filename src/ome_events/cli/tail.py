"""``ome-events tail``: the last events of a log, filtered, coloured, and followed with ``-f``."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from ome_events.cli.history import History, with_history
from ome_events.cli.options import (
    DEFAULT_PATH,
    PATH_ENV,
    add_filter_options,
    add_output_options,
    add_path_argument,
    command_filter,
    count_or_all,
    display_zone,
    resolve_paths,
)
from ome_events.cli.render import make_writer
from ome_events.cli.runtime import guarded, uninterrupted, warn

if TYPE_CHECKING:
    from ome_events.cli.render import EventWriter
    from ome_events.errors import ParseError
    from ome_events.filters import EventFilter

#: How many events ``tail`` shows without ``-n`` (and without --since/--until).
DEFAULT_COUNT = 10

EXAMPLES = f"""\
examples:
  ome-events tail                                  last 10 events of ${PATH_ENV} or {DEFAULT_PATH}
  ome-events tail -f /var/log/ovenmediaengine      ... then follow new ones (Ctrl-C to stop)
  ome-events tail -n 50 --level warning            the last 50 warnings and errors
  ome-events tail --app app --stream cam1 -f       one stream, followed
  ome-events tail --since yesterday --until today  all of yesterday, across rotated files
  ome-events tail -n 25 --offset 25                the 25 events before the last 25
  ome-events tail -n all --json | jq .summary      original JSON, one object per line
  cat events.log | ome-events tail -               standard input
"""


#: The command's line in ``ome-events --help``.
SUMMARY = "show the last events of a log, and follow new ones with -f"
#: What ``ome-events tail --help`` says first.
DESCRIPTION = (
    "Show the last events of an OME event log, oldest first, one readable line each;\n"
    "with -f, keep following it across the daily rollover."
)


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    add_path_argument(parser)
    parser.add_argument(
        "-n",
        "--lines",
        "--limit",
        dest="limit",
        type=count_or_all,
        default=argparse.SUPPRESS,
        metavar="N",
        help=(
            f"how many of the newest matching events to show, 'all', or +N to start at the"
            f" N-th (default: {DEFAULT_COUNT}; all with --since/--until)"
        ),
    )
    parser.add_argument(
        "-f",
        "--follow",
        action="store_true",
        help="after the last events, print new ones as OME writes them (across rollovers)",
    )
    parser.add_argument(
        "-F",
        dest="retry",
        action="store_true",
        help="-f that also waits for a log directory that does not exist yet (as tail -F)",
    )
    parser.add_argument(
        "--checkpoint",
        metavar="FILE",
        help=(
            "with -f: resume from the position saved in FILE (and save it there on exit),"
            " so nothing is missed or repeated between runs"
        ),
    )
    parser.add_argument(
        "--from",
        dest="start_from",
        choices=("start", "end"),
        default="end",
        help=(
            "with --checkpoint: where to start when the checkpoint is damaged (and has no"
            " usable previous copy): the start of the oldest file, or the end (default)"
        ),
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="with -f: watch by polling only (NFS and some Docker mounts miss inotify)",
    )
    add_filter_options(parser, limit=False)
    add_output_options(parser)


def run(args: argparse.Namespace) -> int:
    """Show the events; returns the exit status."""
    parser: argparse.ArgumentParser = args._parser
    event_filter = command_filter(args)
    if args.retry:
        args.follow = True
        missing = [p for p in resolve_paths(args) if p != "-" and not os.path.exists(p)]
        if missing:
            return guarded(lambda: _wait_for(args, event_filter), interrupted_status=0)
    if not args.follow:
        for option in ("checkpoint", "poll"):
            if getattr(args, option):
                parser.error(f"--{option} needs -f/--follow")
    elif args.offset:
        parser.error("--offset cannot be used with -f/--follow (it would skip new events)")
    count: int | None
    if hasattr(args, "limit"):
        count = args.limit
    elif event_filter.since is not None or event_filter.until is not None:
        count = None
    else:
        count = DEFAULT_COUNT

    def show(history: History) -> int:
        writer = make_writer(args, display_zone(args), servers=history.several)
        if args.follow:
            return _follow(args, history, event_filter, writer, count)
        shown = 0
        for event in history.last(count, args.offset):
            writer.write(event)
            shown += 1
        writer.flush()
        status = history.finish()
        if not shown and (note := history.empty_window_note(display_zone(args))):
            warn(note)
        return status

    return guarded(
        lambda: with_history(args, event_filter, show, follow=args.follow),
        interrupted_status=0 if args.follow else None,
    )


def _follow(
    args: argparse.Namespace,
    history: History,
    event_filter: EventFilter,
    writer: EventWriter,
    count: int | None,
) -> int:
    if history.is_stdin:
        # A pipe is followed by reading it: each event is shown as it arrives.
        for event in history:
            writer.write(event)
            writer.flush()
        return history.finish()

    if args.checkpoint is None:
        # The history is shown first, and the follower goes on exactly where it ended (a
        # line still being written is left to the follower): nothing twice, no gap.
        for event in history.last(count):
            writer.write(event)
        writer.flush()
        status = history.finish()
        _show_new(args, history.paths, history.follow_start(), event_filter, writer)
        return status
    if history.several:
        return _follow_fleet_with_checkpoint(args, history, event_filter, writer, count, _bad_line)
    return _follow_with_checkpoint(args, history, event_filter, writer, count, _bad_line)


def _bad_line(error: ParseError) -> None:
    warn(f"skipped bad line: {error}")


def _show_new(
    args: argparse.Namespace,
    paths: list[str],
    start: Any,
    event_filter: EventFilter,
    writer: EventWriter,
) -> None:
    """Follow the logs from ``start`` and show each new event that passes the filter."""
    from ome_events.follower import follow

    with follow(paths, start=start, poll=args.poll, on_error=_bad_line) as events:
        for event in events:
            if event_filter(event):
                writer.write(event)
                writer.flush()


def _wait_for(args: argparse.Namespace, event_filter: EventFilter) -> int:
    """``-F`` on a log that does not exist yet: the follower says so and waits for it; it is
    shown from its start."""
    paths = resolve_paths(args)
    writer = make_writer(args, display_zone(args), servers=len(paths) > 1)
    _show_new(args, paths, "start", event_filter, writer)
    return 0


#: How often ``tail -f --checkpoint`` saves where it stands (and always when it stops).
CHECKPOINT_EVERY = 1.0


def _follow_with_checkpoint(
    args: argparse.Namespace,
    history: History,
    event_filter: EventFilter,
    writer: EventWriter,
    count: int | None,
    bad_line: Any,
) -> int:
    """History and new events both come from the follower, so that the checkpoint can say
    exactly what was shown: it is saved only after an event was written and flushed, and on
    Ctrl-C, SIGTERM or a closed pipe it names the last event shown."""

    from ome_events.follower import follow
    from ome_events.follower.checkpoint import Checkpoint
    from ome_events.reader import EventReader

    reader = history.reader
    assert isinstance(reader, EventReader)  # one log (several: _follow_fleet_with_checkpoint)
    saved = Checkpoint(args.checkpoint).read()  # a damaged one is reported (on stderr)
    damaged = saved is None and _checkpoint_exists(args.checkpoint)
    start: Any
    if saved is not None:
        start = saved
    elif damaged:
        start = reader.start_position() if args.start_from == "start" else None
        where = "the start of the oldest file" if start is not None else "the end of the log"
        warn(f"no usable checkpoint in {args.checkpoint}: starting at {where} (--from)")
        start = start or "end"
    elif count == 0:
        start = "end"
    else:
        shown = history.last(count)  # where the last COUNT matching events begin
        history.finish()
        first = next(iter(shown), None)
        start = (reader.position_before(first) if first else None) or history.position
        start = start or "end"
    follower = follow(
        history.path,
        start=start,
        checkpoint=args.checkpoint,
        poll=args.poll,
        on_error=bad_line,
        autosave=False,
    )
    with follower:
        _show_saving(follower, event_filter, writer, lambda: follower.position,
                     follower.save_checkpoint)  # fmt: skip
    return 0


def _show_saving(
    follower: Any,
    event_filter: EventFilter,
    writer: EventWriter,
    remember: Any,
    save: Any,
) -> None:
    """Show each new event and save the checkpoint(s) every CHECKPOINT_EVERY seconds and at
    the end, only ever at what was shown: ``remember()`` is where the follower stands just
    after an event was written (or filtered out), ``save(that)`` writes it."""
    import time

    last_shown = remember()  # where it starts (after the history shown), when known
    due = time.monotonic() + CHECKPOINT_EVERY
    try:
        for event in follower:
            # Shown whole and remembered, or neither: a first Ctrl-C or SIGTERM waits.
            with uninterrupted():
                if event_filter(event):
                    writer.write(event)
                    writer.flush()
                last_shown = remember()  # written (or filtered out): done with it
            if time.monotonic() >= due and last_shown is not None:
                save(last_shown)
                due = time.monotonic() + CHECKPOINT_EVERY
    finally:
        if last_shown is not None:
            save(last_shown)


def _follow_fleet_with_checkpoint(
    args: argparse.Namespace,
    history: History,
    event_filter: EventFilter,
    writer: EventWriter,
    count: int | None,
    bad_line: Any,
) -> int:
    """Several logs, each with its checkpoint ``CHECKPOINT.SERVER``: a log whose checkpoint
    exists resumes there; the others begin after the history shown (the last COUNT events
    of all of them). Each checkpoint is saved only after its events were written."""

    from ome_events.files import server_labels
    from ome_events.follower import checkpoint_for, follow
    from ome_events.follower.fleet import FleetFollower

    labels = server_labels(list(history.paths))
    if any(_checkpoint_exists(checkpoint_for(args.checkpoint, label)) for label in labels):
        start: Any = "end"  # logs without a checkpoint start at their end
    else:
        for event in history.last(count):
            writer.write(event)
        writer.flush()
        history.finish()
        start = history.follow_start()
    follower = follow(
        history.paths,
        start=start,
        checkpoint=args.checkpoint,
        poll=args.poll,
        on_error=bad_line,
        autosave=False,
    )
    assert isinstance(follower, FleetFollower)  # several paths

    def save(positions: dict[str, Any]) -> None:
        # Each log's checkpoint at what was shown of it (an event taken by the follower but
        # not yet written, when a signal comes in between, is not saved as done).
        for one in follower.followers:
            position = positions.get(str(one.server))
            if position is not None:
                one.save_checkpoint(position)

    with follower:
        _show_saving(follower, event_filter, writer, lambda: follower.positions, save)
    return 0


def _checkpoint_exists(path: str) -> bool:
    return os.path.exists(path) or os.path.exists(path + ".prev")

"""``ome-events tail``: the last events of a log, filtered, coloured, and followed with ``-f``."""

from __future__ import annotations

import argparse
import os
from collections import deque
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from ome_events.cli.filters import (
    DEFAULT_PATH,
    PATH_ENV,
    History,
    UsageError,
    add_filter_options,
    add_path_argument,
    build_filter,
    count_or_all,
    display_zone,
    resolve_path,
    setup_logging,
    warn,
    warn_unknown_names,
)
from ome_events.cli.render import add_output_options, guarded, make_writer

if TYPE_CHECKING:
    from ome_events.cli.render import EventWriter
    from ome_events.errors import ParseError
    from ome_events.filters import EventFilter
    from ome_events.model import Event

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


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Declare ``tail`` and its options."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "tail",
        help="show the last events of a log, and follow new ones with -f",
        description=(
            "Show the last events of an OME event log, oldest first, one readable line each;\n"
            "with -f, keep following it across the daily rollover."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
            f"how many of the newest matching events to show, or 'all' (default:"
            f" {DEFAULT_COUNT}; all with --since/--until)"
        ),
    )
    parser.add_argument(
        "-f",
        "--follow",
        action="store_true",
        help="after the last events, print new ones as OME writes them (across rollovers)",
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
        "--poll",
        action="store_true",
        help="with -f: watch by polling only (NFS and some Docker mounts miss inotify)",
    )
    add_filter_options(parser, limit=False)
    add_output_options(parser)
    parser.set_defaults(_parser=parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Show the events; returns the exit status."""
    parser: argparse.ArgumentParser = args._parser
    setup_logging()
    try:
        event_filter = build_filter(args)
    except UsageError as error:
        parser.error(str(error))
    if not args.follow:
        for option in ("checkpoint", "poll"):
            if getattr(args, option):
                parser.error(f"--{option} needs -f/--follow")
    elif args.offset:
        parser.error("--offset cannot be used with -f/--follow (it would skip new events)")
    warn_unknown_names(args)
    count: int | None
    if hasattr(args, "limit"):
        count = args.limit
    elif event_filter.since is not None or event_filter.until is not None:
        count = None
    else:
        count = DEFAULT_COUNT
    writer = make_writer(args, display_zone(args))

    def body() -> int:
        try:
            history = History.open(args, event_filter, empty_ok=args.follow)
        except FileNotFoundError as error:
            warn(str(error))
            return 1
        try:
            if args.follow:
                return _follow(args, history, event_filter, writer, count)
            for event in history.last(count, args.offset):
                writer.write(event)
            writer.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            warn(f"{error.strerror or error}: {error.filename or resolve_path(args)}")
            return 1
        history.finish()
        return 0

    return guarded(body, interrupted_status=0 if args.follow else None)


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
        history.finish()
        return 0

    from ome_events.follower import follow

    resuming = args.checkpoint is not None and os.path.exists(args.checkpoint)

    def bad_line(error: ParseError) -> None:
        warn(f"skipped bad line: {error}")

    # The follower is opened (and takes the end of the file as its start) before the
    # history is read, so no event written meanwhile is missed; the few that both see are
    # dropped on the follower's side (see _Seen).
    with follow(
        history.path, start="end", checkpoint=args.checkpoint, poll=args.poll, on_error=bad_line
    ) as events:
        seen = _Seen()
        if not resuming:
            # With a checkpoint the follower itself starts where the last run stopped.
            for event in history.last(count):
                writer.write(event)
                seen.add(event)
            history.finish()
        writer.flush()
        for event in events:
            if seen and seen.repeats(event):
                continue
            if event_filter(event):
                writer.write(event)
                writer.flush()
    return 0


class _Seen:
    """The last events the history showed, to drop them if the follower yields them again.

    The follower starts at the end of the file as it was when it was opened, and the
    history is read after that, to the end as it is then: events written in between are in
    both. They are recognised by their original JSON object. Each is dropped once; the
    memory is let go when the follower has moved a minute past the history.
    """

    #: How many of the history's newest events are remembered.
    KEEP = 10_000

    def __init__(self) -> None:
        self._keys: dict[bytes, int] = {}
        self._order: deque[bytes] = deque()
        self._last: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self._keys)

    def add(self, event: Event) -> None:
        key = orjson.dumps(event.raw)
        self._keys[key] = self._keys.get(key, 0) + 1
        self._order.append(key)
        if len(self._order) > self.KEEP:
            self._forget(self._order.popleft())
        if self._last is None or event.time > self._last:
            self._last = event.time

    def repeats(self, event: Event) -> bool:
        """True (once per remembered event) when the history already showed this event."""
        if self._last is not None and event.time > self._last + _SLACK:
            self._keys.clear()
            self._order.clear()
            return False
        key = orjson.dumps(event.raw)
        if key not in self._keys:
            return False
        self._forget(key)
        return True

    def _forget(self, key: bytes) -> None:
        left = self._keys.get(key, 0) - 1
        if left > 0:
            self._keys[key] = left
        else:
            self._keys.pop(key, None)


_SLACK = timedelta(seconds=60)

"""The options every reading command shares: PATH, the filters, paging, and reading the history.

A command calls :func:`add_path_argument` and :func:`add_filter_options` in its ``register``,
then :func:`build_filter` and :class:`History` in its ``run``::

    def register(subparsers):
        parser = subparsers.add_parser("mine")
        add_path_argument(parser)
        add_filter_options(parser)
        return parser

    def run(args):
        history = History.open(args, build_filter(args))
        for event in history:
            ...

This module is imported when ``--help`` builds the parser, so it imports nothing heavy at
module level: the library and the time parser are imported by the functions that use them.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ome_events.files import LogFile
    from ome_events.filters import EventFilter
    from ome_events.model import Event, Level
    from ome_events.reader import EventReader

__all__ = [
    "DEFAULT_PATH",
    "PATH_ENV",
    "History",
    "UsageError",
    "add_filter_options",
    "add_path_argument",
    "build_filter",
    "display_zone",
    "resolve_path",
    "setup_logging",
]

#: Where OME writes its logs in its packages and container images.
DEFAULT_PATH = "/var/log/ovenmediaengine"
#: The environment variable that overrides :data:`DEFAULT_PATH`.
PATH_ENV = "OME_EVENTS_PATH"

_LEVEL_WORDS = ("trace", "debug", "info", "warning", "error")
# Severity words people type for levels OME does not write (yet); they rank above Error.
_SEVERE_WORDS = ("critical", "crit", "fatal", "alert", "emerg", "emergency")


class UsageError(ValueError):
    """A bad option value found after parsing (reported like argparse's own errors)."""


# -- argument types ------------------------------------------------------------------------


def _level(text: str) -> Level:
    from ome_events.model import Level

    level = Level.lookup(text)
    if level.known or text.strip().lower() in _SEVERE_WORDS:
        return level
    raise argparse.ArgumentTypeError(
        f"unknown level {text!r} (choose from {', '.join(_LEVEL_WORDS)}; 'warn' works too)"
    )


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected one or more names, separated by commas")
    return names


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as error:
        raise argparse.ArgumentTypeError(f"not a valid regular expression: {error}") from None
    return text


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def count_or_all(text: str) -> int | None:
    """``-n`` values: a number of events, or ``all`` (None)."""
    if text.strip().lower() == "all":
        return None
    return _count(text)


# -- registering options -------------------------------------------------------------------


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    """The PATH positional: a log directory, one file, or ``-`` for standard input."""
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help=(
            "a log directory (events.log and its rotated files, .gz too), one log file, or"
            f" '-' for standard input (default: ${PATH_ENV}, else {DEFAULT_PATH})"
        ),
    )


def add_filter_options(parser: argparse.ArgumentParser, *, limit: bool = True) -> None:
    """The filters, ``--utc`` and the paging options (``limit=False``: the command has its own
    ``--limit``, as ``tail -n`` is)."""
    # "--since -2h": argparse before 3.13 takes "-2h" for an option (it only knows plain
    # negative numbers) and stops with "expected one argument". 3.13 treats any dash-digit
    # word as a value when no option looks like one, which is right for us: do the same.
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = re.compile(r"-\.?\d")
    group = parser.add_argument_group(
        "filters",
        "Options combine (all must match); a list of values (commas, or the option repeated)"
        " matches any of them.",
    )
    group.add_argument(
        "--level",
        type=_level,
        metavar="LEVEL",
        help="this level or more severe: trace, debug, info, warning, error",
    )
    group.add_argument(
        "--category",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="categories, full or short: server, host, app, stream, rest, access",
    )
    group.add_argument(
        "--type",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="event types, any case, globs allowed: StreamCreated, 'stream*', '*failed'",
    )
    group.add_argument(
        "--cause",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="causes, any case, globs allowed: BFrameDetected; '*' for any cause",
    )
    group.add_argument(
        "--source",
        type=_names,
        action="extend",
        metavar="GLOBS",
        help="globs on the source ID: '#default#app/*'",
    )
    group.add_argument("--vhost", type=_names, action="extend", metavar="NAMES")
    group.add_argument("--app", type=_names, action="extend", metavar="NAMES")
    group.add_argument(
        "--stream",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="stream names (globs allowed), from the source ID like --vhost and --app",
    )
    group.add_argument(
        "--grep", type=_regex, metavar="REGEX", help="a regular expression found in the summary"
    )
    group.add_argument("-i", "--ignore-case", action="store_true", help="--grep ignores case")
    group.add_argument(
        "--since",
        metavar="TIME",
        help="from this time: 2025-03-26 05:00, ISO 8601, -2h, 30m, today, yesterday",
    )
    group.add_argument("--until", metavar="TIME", help="before this time (same forms)")
    group.add_argument(
        "--utc",
        action="store_true",
        help="show times in UTC and read --since/--until in UTC (default: the local zone)",
    )
    paging = parser.add_argument_group(
        "paging", "Counted back from the newest matching event; output stays oldest first."
    )
    if limit:
        paging.add_argument(
            "--limit", type=_count, metavar="N", help="only the N newest matching events"
        )
    paging.add_argument(
        "--offset",
        type=_count,
        default=0,
        metavar="N",
        help="skip the N newest matching events first (--offset 25 --limit 25: page 2)",
    )


# -- using them ----------------------------------------------------------------------------


def resolve_path(args: argparse.Namespace) -> str:
    """PATH as given, else ``$OME_EVENTS_PATH``, else :data:`DEFAULT_PATH`."""
    path: str | None = args.path
    return path or os.environ.get(PATH_ENV) or DEFAULT_PATH


def display_zone(args: argparse.Namespace) -> tzinfo | None:
    """The zone to show times in: UTC with ``--utc``, else None (the local zone)."""
    return UTC if args.utc else None


def build_filter(args: argparse.Namespace, *, now: datetime | None = None) -> EventFilter:
    """The :class:`~ome_events.filters.EventFilter` the options describe.

    Raises :class:`UsageError` for a time that cannot be read or an empty range.
    """
    from ome_events.filters import EventFilter
    from ome_events.timeparse import parse_user_time

    zone = UTC if args.utc else datetime.now().astimezone().tzinfo
    current = (now or datetime.now(UTC)).astimezone(zone)
    bounds: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        text = getattr(args, name)
        try:
            bounds[name] = None if text is None else parse_user_time(text, now=current, tz=zone)
        except ValueError as error:
            raise UsageError(f"--{name}: {error}") from None
    since, until = bounds["since"], bounds["until"]
    if since is not None and until is not None and since >= until:
        raise UsageError(
            f"--since ({since.isoformat()}) is not before --until ({until.isoformat()})"
        )
    grep = None
    if args.grep is not None:
        grep = re.compile(args.grep, re.IGNORECASE if args.ignore_case else 0)
    return EventFilter(
        min_level=args.level,
        categories=tuple(args.category or ()),
        types=tuple(args.type or ()),
        causes=tuple(args.cause or ()),
        sources=tuple(args.source or ()),
        vhosts=tuple(args.vhost or ()),
        apps=tuple(args.app or ()),
        streams=tuple(args.stream or ()),
        grep=grep,
        since=since,
        until=until,
    )


def warn_unknown_names(args: argparse.Namespace) -> None:
    """Say on stderr when a --category/--type/--cause is no name OME documents.

    Not an error: the filter still applies it literally, for types newer than this version.
    """
    from ome_events.model import Category, Cause, EventType

    checks: list[tuple[str, list[str] | None, Any]] = [
        ("category", args.category, Category.lookup),
        ("type", args.type, None),
        ("cause", args.cause, None),
    ]
    known = {
        "type": {_fold(t.value) for t in EventType},
        "cause": {_fold(c.value) for c in Cause},
    }
    for option, values, lookup in checks:
        for value in values or ():
            if set("*?[") & set(value):
                continue
            if lookup is not None:
                found = lookup(value).known
            else:
                found = _fold(value) in known[option]
            if not found:
                warn(f"--{option} {value!r} is not a documented {option}; matching it as written")


def _fold(text: str) -> str:
    return text.strip().lower().replace("-", "").replace("_", "")


def warn(message: str) -> None:
    """A warning for the user, on stderr, prefixed with the program name.

    Messages can quote the log (file names, excerpts): control characters are escaped.
    """
    from ome_events.text import escape_controls

    print(f"ome-events: {escape_controls(message)}", file=sys.stderr)


class _Handler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            warn(self.format(record))
        except Exception:  # a closed stderr must not end the command
            self.handleError(record)


def setup_logging() -> None:
    """Send the library's warnings (bad lines, deleted files) to stderr, once."""
    logger = logging.getLogger("ome_events")
    if not any(isinstance(h, _Handler) for h in logger.handlers):
        logger.addHandler(_Handler())
        logger.setLevel(logging.WARNING)
        logger.propagate = False


class History:
    """The events of a log (directory, file or standard input) that pass a filter.

    Iterate it for every matching event, oldest first, or call :meth:`last` for the newest
    few, which reads the log's files from the newest backwards and stops as soon as it has
    enough: ``tail -n 10`` on a month of rotated files reads only today's. Bad lines are
    skipped, logged (see :func:`setup_logging`) and counted in :attr:`bad_lines`.
    """

    def __init__(self, path: str, event_filter: EventFilter) -> None:
        self.path = path
        self.filter = event_filter
        self.bad_lines = 0
        self._readers: list[EventReader] = []

    @classmethod
    def open(
        cls, args: argparse.Namespace, event_filter: EventFilter, *, empty_ok: bool = False
    ) -> History:
        """The history of the command's PATH.

        Raises FileNotFoundError when PATH is missing, or is a directory without any
        ``events.log`` file (unless ``empty_ok``: a follower waits for one to appear).
        """
        from ome_events.files import find_log_files

        path = resolve_path(args)
        if path != "-" and not os.path.exists(path):
            raise FileNotFoundError(f"no such file or directory: {path}")
        if not empty_ok and os.path.isdir(path) and not find_log_files(path):
            raise FileNotFoundError(f"no events.log (or rotated events.log.*) in {path}")
        return cls(path, event_filter)

    @property
    def is_stdin(self) -> bool:
        """True when the events come from standard input."""
        return self.path == "-"

    def __iter__(self) -> Iterator[Event]:
        return self.filter.apply(self._reader())

    def _reader(self, files: list[LogFile] | None = None) -> EventReader:
        from ome_events.reader import EventReader, read_events, read_stream

        since, until = self.filter.since, self.filter.until
        reader: EventReader
        if files is not None:
            reader = EventReader(files, since=since, until=until, errors="skip")
        elif self.is_stdin:
            reader = read_stream(sys.stdin.buffer, since=since, until=until, errors="skip")
        else:
            reader = read_events(self.path, since=since, until=until, errors="skip")
        self._readers.append(reader)
        return reader

    def files(self) -> list[tuple[LogFile, int]]:
        """The files of the history, oldest first, each with its size in bytes (uncompressed:
        estimated for .gz); empty for standard input."""
        from pathlib import Path

        from ome_events.files import LogFile, ordered_log_files

        if self.is_stdin:
            return []
        if os.path.isdir(self.path):
            files = ordered_log_files(self.path)
        else:
            files = [LogFile(Path(self.path), os.path.basename(self.path))]
        return [(log_file, uncompressed_size(log_file.path)) for log_file in files]

    def last(self, count: int | None, offset: int = 0) -> Iterator[Event]:
        """The ``count`` newest matching events before the ``offset`` newest, oldest first.

        ``count=None`` means all of them.
        """
        from ome_events.filters import newest

        if count is None or self.is_stdin or not os.path.isdir(self.path):
            return newest(iter(self), count, offset)
        events = self._last_from_files(count + offset)
        return iter(events[: max(0, len(events) - offset)])

    def _last_from_files(self, wanted: int) -> list[Event]:
        from ome_events.files import last_event_time, ordered_log_files
        from ome_events.reader import FILE_SLACK

        if wanted == 0:
            return []
        files = ordered_log_files(self.path)
        since = self.filter.since
        pieces: list[list[Event]] = []
        found = 0
        for index in range(len(files) - 1, -1, -1):
            log_file = files[index]
            if since is not None and index + 1 < len(files):
                # This file and all older ones end before --since: nothing more to find.
                try:
                    last = last_event_time(log_file.path) or files[index + 1].first_time
                except FileNotFoundError:
                    continue
                if last is not None and last + FILE_SLACK < since:
                    break
            matching = deque(self.filter.apply(self._reader([log_file])), maxlen=wanted - found)
            pieces.append(list(matching))
            found += len(matching)
            if found >= wanted:
                break
        # At most ``wanted`` events; the caller drops the offset (the newest of them).
        return [event for piece in reversed(pieces) for event in piece]

    def finish(self) -> None:
        """Count the bad lines met and say how many on stderr."""
        self.bad_lines = sum(reader.error_count for reader in self._readers)
        if self.bad_lines:
            plural = "s" if self.bad_lines != 1 else ""
            warn(f"{self.bad_lines} bad line{plural} skipped")


def uncompressed_size(path: str | os.PathLike[str]) -> int:
    """A file's size, uncompressed for gzip (0 if it cannot be read).

    A gzip file ends with its uncompressed size modulo 2**32: good enough for a progress
    bar (over 4 GiB of events in one file is rare).
    """
    try:
        with open(path, "rb") as stream:
            if stream.read(2) != b"\x1f\x8b":
                return int(os.fstat(stream.fileno()).st_size)
            stream.seek(-4, os.SEEK_END)
            return int.from_bytes(stream.read(4), "little")
    except OSError:
        return 0

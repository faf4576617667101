"""The options the commands share, defined once: PATH, the filters, paging, time zone and
output. A command calls the ``add_*`` functions in its ``register``, then :func:`build_filter`
and :func:`resolve_path` in its ``run``.

This module is imported when ``--help`` builds the parser, so it imports nothing heavy at
module level: the library and the time parser are imported by the functions that use them.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ome_events.filters import EventFilter
    from ome_events.model import Level

__all__ = [
    "DEFAULT_PATH",
    "PATH_ENV",
    "UsageError",
    "add_command",
    "add_filter_options",
    "add_output_options",
    "add_path_argument",
    "build_filter",
    "command_filter",
    "count_or_all",
    "display_zone",
    "port",
    "resolve_path",
    "resolve_paths",
    "warn_unknown_names",
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


def port(text: str) -> int:
    """A TCP port for an option (``--metrics-port``): 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, not {value}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


class FromNth(int):
    """``-n +N``: from the N-th matching event on (as GNU ``tail -n +N``; ``+1`` is all)."""


def count_or_all(text: str) -> int | None:
    """``-n`` values: a number of events, ``all`` (None), or ``+N`` (:class:`FromNth`)."""
    stripped = text.strip().lower()
    if stripped == "all":
        return None
    if stripped.startswith("+"):
        value = _count(stripped[1:])
        if value < 1:
            raise argparse.ArgumentTypeError("+N counts from 1 (+1 is the first event)")
        return FromNth(value)
    return _count(text)


# -- registering options -------------------------------------------------------------------


def add_command(
    subparsers: Any, name: str, *, summary: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """Declare a command: its one-line ``summary`` (in ``ome-events --help``), its
    description and its examples (``epilog``, shown as written)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(_parser=parser)
    return parser


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    """The PATH positionals: log directories or files (one per server, merged by time), or
    ``-`` for standard input."""
    parser.add_argument(
        "path",
        nargs="*",
        metavar="PATH",
        help=(
            "a log directory (events.log and its rotated files, .gz too) or one log file;"
            " several, one per server, are merged by time and each event shows its server;"
            f" '-' for standard input (default: ${PATH_ENV}, paths separated by"
            f" '{os.pathsep}', else {DEFAULT_PATH})"
        ),
    )


def add_filter_options(
    parser: argparse.ArgumentParser, *, limit: bool = True, paging: bool = True
) -> None:
    """The filters, ``--utc`` and the paging options (``limit=False``: the command has its own
    ``--limit``, as ``tail -n`` is; ``paging=False``: none, for ``analyze``)."""
    # "--since -2h": argparse before 3.13 takes "-2h" for an option (it only knows plain
    # negative numbers) and stops with "expected one argument". 3.13 treats any dash-digit
    # word as a value when no option looks like one, which is right for us: do the same.
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = re.compile(r"-\.?\d")
    group = parser.add_argument_group(
        "filters",
        "Options combine (all must match); a list of values (commas, or the option repeated)"
        " matches any of them; a value starting with ! leaves those out"
        " (--category '!rest' hides the REST API's events).",
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
    group.add_argument(
        "--vhost",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="virtual host names (globs allowed), from the source ID",
    )
    group.add_argument(
        "--app",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="application names (globs allowed), from the source ID",
    )
    group.add_argument(
        "--stream",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="stream names (globs allowed), from the source ID like --vhost and --app",
    )
    group.add_argument(
        "--tag",
        type=_names,
        action="extend",
        metavar="NAMES",
        help="tags of ovenmediaengine.log's records (globs allowed): RTMPProvider, 'Transcoder*'",
    )
    group.add_argument(
        "--grep", type=_regex, metavar="REGEX", help="a regular expression found in the summary"
    )
    group.add_argument(
        "--search",
        type=_regex,
        metavar="REGEX",
        help="a regular expression found anywhere in the event's line (every field, snapshot)",
    )
    group.add_argument(
        "-i", "--ignore-case", action="store_true", help="--grep and --search ignore case"
    )
    group.add_argument(
        "-S",
        "--since",
        metavar="TIME",
        help=(
            "from this time: 2025-03-26 05:00, ISO 8601, -2h, 30m, '2 hours ago', today,"
            " yesterday, @1742983200 (seconds since 1970)"
        ),
    )
    group.add_argument("-U", "--until", metavar="TIME", help="before this time (same forms)")
    group.add_argument(
        "--utc",
        action="store_true",
        help="show times in UTC and read --since/--until in UTC (default: the local zone)",
    )
    add_server_zone_option(group)
    if not paging:
        return
    pages = parser.add_argument_group(
        "paging", "Counted back from the newest matching event; output stays oldest first."
    )
    if limit:
        pages.add_argument(
            "--limit", type=_count, metavar="N", help="only the N newest matching events"
        )
    pages.add_argument(
        "--offset",
        type=_count,
        default=0,
        metavar="N",
        help="skip the N newest matching events first (--offset 25 --limit 25: page 2)",
    )


def add_server_zone_option(group: Any) -> None:
    """``--tz ZONE``: the server's zone, for the plain server log's offset-less times."""
    group.add_argument(
        "--tz",
        metavar="ZONE",
        help=(
            "the server's zone, for ovenmediaengine.log (its times have no offset): Asia/Seoul,"
            " UTC, +09:00 (default: this machine's zone)"
        ),
    )


# -- using them ----------------------------------------------------------------------------


def apply_server_zone(args: argparse.Namespace) -> None:
    """Read the server log's times in ``--tz`` (UsageError for a zone that does not exist)."""
    zone_text = getattr(args, "tz", None)
    if zone_text is None:
        return
    from ome_events.formats.serverlog import set_server_zone

    try:
        set_server_zone(zone_text)
    except ValueError as error:
        raise UsageError(f"--tz: {error}") from None


def resolve_paths(args: argparse.Namespace) -> list[str]:
    """The PATHs as given, else those of ``$OME_EVENTS_PATH`` (separated by ``os.pathsep``),
    else :data:`DEFAULT_PATH`. Raises :class:`UsageError` for ``-`` among other paths."""
    given: str | list[str] | None = args.path
    if isinstance(given, str):
        paths = [given]
    elif given:
        paths = list(given)
    else:
        paths = [p for p in os.environ.get(PATH_ENV, "").split(os.pathsep) if p]
    paths = paths or [DEFAULT_PATH]
    if "-" in paths and len(paths) > 1:
        raise UsageError("'-' (standard input) cannot be read together with other paths")
    return paths


def resolve_path(args: argparse.Namespace) -> str:
    """The PATHs as one text, for messages (``a, b``)."""
    return ", ".join(resolve_paths(args))


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
    apply_server_zone(args)
    flags = re.IGNORECASE if args.ignore_case else 0
    grep = None if args.grep is None else re.compile(args.grep, flags)
    search = None if getattr(args, "search", None) is None else re.compile(args.search, flags)
    return EventFilter(
        min_level=args.level,
        categories=tuple(args.category or ()),
        types=tuple(args.type or ()),
        causes=tuple(args.cause or ()),
        sources=tuple(args.source or ()),
        vhosts=tuple(args.vhost or ()),
        apps=tuple(args.app or ()),
        streams=tuple(args.stream or ()),
        tags=tuple(getattr(args, "tag", None) or ()),
        grep=grep,
        search=search,
        since=since,
        until=until,
    )


def command_filter(args: argparse.Namespace) -> EventFilter:
    """The filter of a reading command: :func:`build_filter`, a usage error (status 2, with
    the command's usage) for a bad value, and a note for names OME does not document."""
    parser: argparse.ArgumentParser = args._parser
    try:
        event_filter = build_filter(args)
    except UsageError as error:
        parser.error(str(error))
    warn_unknown_names(args)
    return event_filter


def warn_unknown_names(args: argparse.Namespace) -> None:
    """Say on stderr when a --category/--type/--cause is no name OME documents.

    Not an error: the filter still applies it literally, for types newer than this version.
    """
    from ome_events.cli.runtime import warn
    from ome_events.model import Category, Cause, EventType

    checks: list[tuple[str, list[str] | None, Any]] = [
        ("category", args.category, Category.lookup),
        ("type", args.type, None),
        ("cause", args.cause, None),
    ]
    names = {
        "category": [c.value for c in Category] + [c.short for c in Category],
        "type": [t.value for t in EventType],
        "cause": [c.value for c in Cause],
    }
    known = {option: {_fold(name) for name in values} for option, values in names.items()}
    for option, values, lookup in checks:
        for given in values or ():
            value = given.removeprefix("!")
            if set("*?[") & set(value):
                continue
            if lookup is not None:
                found = lookup(value).known
            else:
                found = _fold(value) in known[option]
            if not found:
                hint = did_you_mean(value, names[option])
                warn(
                    f"--{option} {given!r} is not a documented {option}{hint};"
                    " matching it as written"
                )


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'stream'?)"`` for the closest of ``choices`` (case, ``-`` and ``_``
    ignored), or ``""`` when none is close."""
    import difflib

    by_key = {_fold(choice): choice for choice in choices}
    close = difflib.get_close_matches(_fold(value), list(by_key), n=1, cutoff=0.6)
    return f" (did you mean {by_key[close[0]]!r}?)" if close else ""


def _fold(text: str) -> str:
    return text.strip().lower().replace("-", "").replace("_", "")


def add_output_options(parser: argparse.ArgumentParser, *, snapshot: bool = True) -> None:
    """``--json``, ``--snapshot`` (for event lines: ``snapshot=True``) and ``--color``."""
    group = parser.add_argument_group("output")
    if snapshot:
        shape = group.add_mutually_exclusive_group()
        shape.add_argument(
            "--json",
            action="store_true",
            help="write each event's original JSON object, one per line (a valid events.log)",
        )
        shape.add_argument(
            "--snapshot", action="store_true", help="pretty-print each event's snapshot below it"
        )
    else:
        group.add_argument("--json", action="store_true", help="write JSON instead of tables")
    group.add_argument(
        "--color",
        "--colour",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the lines (auto: on a terminal, unless NO_COLOR is set)",
    )

"""``ome-events stats``: how many events, of which levels, categories and types, and when."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from ome_events.cli.history import History, with_history
from ome_events.cli.options import (
    add_filter_options,
    add_output_options,
    add_path_argument,
    command_filter,
    display_zone,
)
from ome_events.cli.progress import add_progress_option, with_progress
from ome_events.cli.runtime import guarded

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ome_events.export.server_stats import ServerStatsSummary
    from ome_events.model import Event

EXAMPLES = """\
examples:
  ome-events stats /var/log/ovenmediaengine             everything, bucketed automatically
  ome-events stats --since yesterday --every 1h         yesterday, hour by hour
  ome-events stats --category stream --every 15m        stream events per quarter hour
  ome-events stats --level warning --json | jq .types   warnings and errors by type, as JSON
"""

#: The bucket sizes ``--every auto`` chooses from, smallest first.
AUTO_STEPS = ("1m", "5m", "10m", "15m", "30m", "1h", "2h", "3h", "6h", "12h", "1d", "7d")
#: ``--every auto`` takes the smallest step that gives at most this many buckets.
AUTO_MAX_BUCKETS = 60
# Empty buckets are listed between the first and the last event's, unless that would make more
# than this many rows (events years apart: a stray time far in the past or future).
MAX_LISTED_BUCKETS = 10_000
#: Rows of the sources table.
TOP_SOURCES = 10
#: Width of the histogram bars, in characters.
BAR_WIDTH = 30

_WALL_EPOCH = datetime(1970, 1, 1)
# The zone offsets kept, by UTC minute (a day has 1,440).
_OFFSETS_KEPT = 100_000
_UNKNOWN = float("nan")  # a minute not looked at yet (never a real offset)


#: The command's line in ``ome-events --help``.
SUMMARY = "count events by level, category, type and time"
#: What ``ome-events stats --help`` says first.
DESCRIPTION = (
    "Count the events of an OME event log that pass the filters: by level, category,\n"
    "type, cause and source, and per time bucket; as tables with a small histogram,\n"
    "or as JSON."
)


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    add_path_argument(parser)
    group = parser.add_argument_group("statistics")
    group.add_argument(
        "--every",
        default="auto",
        metavar="DURATION",
        help=(
            "time bucket size: 1m, 15m, 1h, 1d, ... (default: auto, at most"
            f" {AUTO_MAX_BUCKETS} buckets); buckets start on the clock in the zone shown"
        ),
    )
    add_progress_option(group)
    add_filter_options(parser)
    add_output_options(parser, snapshot=False)


# -- counting -------------------------------------------------------------------------------


def _step_seconds(text: str) -> int:
    from ome_events.timeparse import parse_duration

    step = parse_duration(text)
    seconds = step.total_seconds()
    if seconds < 1 or seconds != int(seconds):
        raise ValueError(f"--every must be a whole number of seconds, at least 1s: {text!r}")
    return int(seconds)


class Stats:
    """Counts of events, built one event at a time (:meth:`add`). Pure: no I/O.

    Time buckets are counted per ``base`` seconds of wall-clock time in ``zone`` (so a
    1-day bucket starts at local midnight), and merged into larger buckets by
    :meth:`buckets`. (A plain class: a dataclass costs milliseconds to create at import,
    and this module is imported for ``--help``.)
    """

    def __init__(self, zone: tzinfo | None, base: int = 60) -> None:
        self.zone = zone
        self.base = base
        self.total = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.levels: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.causes: Counter[str] = Counter()
        self.sources: Counter[str] = Counter()
        self.servers: Counter[str] = Counter()
        # bucket index -> [events, warnings (only), errors and worse]
        self.slots: dict[int, list[int]] = {}
        self._ranks: dict[str, int] = {}
        # UTC minute -> the zone's offset in seconds all through it (None: it changes inside).
        self._offsets: dict[float, float | None] = {}

    def add(self, event: Event) -> None:
        """Count one event."""
        self.total += 1
        time = event.time
        if self.first is None or time < self.first:
            self.first = time
        if self.last is None or time > self.last:
            self.last = time
        level = event.level
        self.levels[level] += 1
        self.categories[event.category] += 1
        self.types[event.type] += 1
        if event.cause is not None:
            self.causes[event.cause] += 1
        self.sources[event.source.raw] += 1
        self.servers[event.server or "-"] += 1
        seconds = time.timestamp()
        offset = self._offsets.get(minute := seconds // 60, _UNKNOWN)
        if offset is _UNKNOWN:
            offset = self._offset_through(minute)
        if offset is None:  # the zone's offset changes inside this minute: ask for this time
            offset = self._offset_at(seconds)
        seconds += offset
        slot = self.slots.get(key := int(seconds // self.base))
        if slot is None:
            slot = self.slots[key] = [0, 0, 0]
        slot[0] += 1
        rank = self._ranks.get(level)
        if rank is None:
            rank = self._ranks[level] = level.rank
        if rank == 3:
            slot[1] += 1
        elif rank > 3:
            slot[2] += 1

    def _offset_at(self, seconds: float) -> float:
        """The zone's UTC offset, in seconds, at this POSIX time."""
        offset = datetime.fromtimestamp(seconds, UTC).astimezone(self.zone).utcoffset()
        return offset.total_seconds() if offset is not None else 0.0

    def _offset_through(self, minute: float) -> float | None:
        """The zone's offset all through a UTC minute (None when it changes inside), kept:
        converting each event's time to the zone is most of the cost of counting it."""
        offsets = self._offsets
        if len(offsets) >= _OFFSETS_KEPT:
            offsets.clear()
        start = minute * 60
        first = self._offset_at(start)
        offset = offsets[minute] = first if self._offset_at(start + 59.999999) == first else None
        return offset

    def choose_step(self, every: str) -> int:
        """The bucket size in seconds for ``--every`` (``auto``: by the span of the events)."""
        if every != "auto":
            return _step_seconds(every)
        if not self.slots:
            return 3600
        span = (max(self.slots) - min(self.slots) + 1) * self.base
        for text in AUTO_STEPS:
            step = _step_seconds(text)
            if span / step <= AUTO_MAX_BUCKETS:
                return step
        return _step_seconds(AUTO_STEPS[-1])

    def buckets(self, step: int) -> list[tuple[datetime, list[int]]]:
        """Every bucket from the first event's to the last's, empty ones included (only those
        with events when there would be more than :data:`MAX_LISTED_BUCKETS`): the wall-clock
        start (naive, in ``zone``) and ``[events, warnings, errors]``."""
        if not self.slots:
            return []
        merged: dict[int, list[int]] = {}
        for key, counts in self.slots.items():
            index = key * self.base // step
            target = merged.setdefault(index, [0, 0, 0])
            for position in range(3):
                target[position] += counts[position]
        low, high = min(merged), max(merged)
        if high - low >= MAX_LISTED_BUCKETS:
            indexes: Iterable[int] = sorted(merged)  # only those with events
        else:
            indexes = range(low, high + 1)
        return [
            (_WALL_EPOCH + timedelta(seconds=index * step), merged.get(index, [0, 0, 0]))
            for index in indexes
        ]


def _format_step(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


# -- running --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Count the events and print the tables or JSON; returns the exit status."""
    event_filter = command_filter(args)
    if args.every != "auto":
        try:
            _step_seconds(args.every)
        except ValueError as error:
            args._parser.error(str(error))
    zone = display_zone(args)

    def count(history: History) -> int:
        from ome_events.export.server_stats import ServerStatsSummary

        stats = Stats(zone, base=_base_for(args.every))
        samples = ServerStatsSummary()  # the Analytics log's ServerStat series
        for event in with_progress(args, history, history.last(args.limit, args.offset)):
            stats.add(event)
            samples.add(event)
        status = history.finish()
        if not stats.total and (note := history.empty_window_note(zone)):
            from ome_events.cli.runtime import warn

            warn(note)
        step = stats.choose_step(args.every)
        if args.json:
            _print_json(stats, step, zone, history.bad_lines, samples)
        else:
            _print_tables(args, stats, step, zone, history.bad_lines)
            _print_server_stats(args, samples)
        return status

    return guarded(lambda: with_history(args, event_filter, count))


def _base_for(every: str) -> int:
    # Count in minutes for auto (merged later), or directly in the asked step when it does
    # not divide into minutes (90s).
    if every == "auto":
        return 60
    step = _step_seconds(every)
    return 60 if step % 60 == 0 else step


def _iso(time: datetime | None, zone: tzinfo | None) -> str | None:
    return None if time is None else time.astimezone(zone).isoformat(timespec="milliseconds")


def _print_json(
    stats: Stats, step: int, zone: tzinfo | None, bad_lines: int, samples: ServerStatsSummary
) -> None:
    import orjson

    buckets = []
    for start, (count, warnings, errors) in stats.buckets(step):
        # A naive wall-clock time's astimezone() reads it as local time, with the offset in
        # force on that date (daylight saving included).
        aware = start.astimezone() if zone is None else start.replace(tzinfo=zone)
        buckets.append(
            {
                "start": aware.isoformat(),
                "events": count,
                "warnings": warnings,
                "errors": errors,
            }
        )
    document = {
        "events": stats.total,
        "first": _iso(stats.first, zone),
        "last": _iso(stats.last, zone),
        "bad_lines": bad_lines,
        "levels": _plain(stats.levels),
        "categories": _plain(stats.categories),
        "types": _plain(stats.types),
        "causes": _plain(stats.causes),
        "sources": _plain(stats.sources),
        "servers": _plain(stats.servers),
        "every": _format_step(step),
        "buckets": buckets,
        "server_stats": samples.to_json(),
    }
    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def _plain(counter: Counter[str]) -> dict[str, int]:
    return {str(key): value for key, value in counter.most_common()}


# -- tables ---------------------------------------------------------------------------------

_BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of ``width * value / largest`` cells, in eighths of a cell.

    >>> bar(4, 8, width=4)
    '██'
    >>> bar(1, 8, width=4)
    '▌'
    >>> bar(1, 1000, width=4)
    '▏'
    """
    if value <= 0 or largest <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / largest))
    full, part = divmod(eighths, 8)
    return "█" * full + (_BLOCKS[part] if part else "")


def _print_tables(
    args: argparse.Namespace, stats: Stats, step: int, zone: tzinfo | None, bad_lines: int
) -> None:
    from rich.text import Text

    from ome_events.cli.render import format_time, sanitize
    from ome_events.cli.style import color_wanted, make_console
    from ome_events.model import Category, Level

    console = make_console(color=color_wanted(args.color, sys.stdout), file=sys.stdout)
    if stats.total == 0:
        console.print(Text("no matching events"))
        return
    head = Text.assemble(
        (f"{stats.total:,}", "bold"),
        " events from ",
        (format_time(stats.first, zone) if stats.first else "", "bold"),
        " to ",
        (format_time(stats.last, zone) if stats.last else "", "bold"),
    )
    if bad_lines:
        head.append(f"  ({bad_lines:,} bad lines skipped)", style="yellow")
    console.print(head)

    if len(stats.servers) > 1:
        _print_counts(
            console,
            "server",
            [(Text(sanitize(name)), n) for name, n in stats.servers.most_common()],
            stats.total,
        )
    level_rows = sorted(stats.levels.items(), key=lambda item: Level(item[0]).rank)
    _print_counts(
        console,
        "level",
        [(_level_text(Level(name)), count) for name, count in level_rows],
        stats.total,
    )
    _print_counts(
        console,
        "category",
        [(Text(sanitize(Category(name).short)), n) for name, n in stats.categories.most_common()],
        stats.total,
    )
    _print_counts(
        console,
        "type",
        [(Text(sanitize(name)), n) for name, n in stats.types.most_common()],
        stats.total,
    )
    if stats.causes:
        _print_counts(
            console,
            "cause",
            [(Text(sanitize(name)), n) for name, n in stats.causes.most_common()],
            stats.total,
        )
    top = stats.sources.most_common(TOP_SOURCES)
    title = "source" if len(stats.sources) <= TOP_SOURCES else f"source (top {TOP_SOURCES})"
    _print_counts(console, title, [(Text(sanitize(name)), n) for name, n in top], stats.total)
    _print_buckets(console, stats, step, zone)


def _print_server_stats(args: argparse.Namespace, samples: ServerStatsSummary) -> None:
    """The Analytics log's ServerStat samples, one row per server (nothing without them)."""
    if not samples.servers:
        return
    from rich.table import Table
    from rich.text import Text

    from ome_events import humanize
    from ome_events.cli.render import sanitize
    from ome_events.cli.style import color_wanted, make_console

    console = make_console(color=color_wanted(args.color, sys.stdout), file=sys.stdout)
    table = Table(title="server statistics (ServerStat samples)", title_justify="left", box=None)
    longest = max(len(sanitize(name)) for name in samples.servers)
    table.add_column("server", min_width=min(longest, 30))
    for name in ("samples", "conn", "max", "in", "in max", "out", "out max", "streams"):
        table.add_column(name, justify="right")

    def rate(value: float | None) -> str:
        return "-" if value is None else humanize.bitrate(value)

    for server, entry in samples.to_json().items():
        connections = entry["connections"]
        table.add_row(
            sanitize(server),
            f"{entry['samples']:,}",
            "-" if connections is None else f"{connections:,}",
            f"{entry['max_connections']:,}",
            rate(entry["throughput_in"]["mean"]),
            rate(entry["throughput_in"]["max"]),
            rate(entry["throughput_out"]["mean"]),
            rate(entry["throughput_out"]["max"]),
            f"{entry['streams']:,}",
        )
    console.print()
    console.print(table)
    console.print(
        Text("conn: connections at the last sample; in, out: mean bit rate of the samples")
    )


def _level_text(level: Any) -> Text:
    from rich.text import Text

    from ome_events.cli.render import sanitize
    from ome_events.cli.style import level_label, level_style

    return Text(sanitize(level_label(level.value)), style=level_style(level.rank))


#: The widest a name column gets (longer names end in "…").
NAME_WIDTH = 48


def _table(*headers: tuple[str, str]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for index, (header, justify) in enumerate(headers):
        table.add_column(
            header,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=True,
            max_width=NAME_WIDTH if index == 0 else None,
        )
    return table


def _bar_width(console: Console, *widths: int) -> int:
    # What is left of the line for the bar: columns are three cells apart (padding, the
    # blank divider, padding).
    left = console.width - sum(widths) - 3 * len(widths)
    return max(8, min(BAR_WIDTH, left))


def _print_counts(console: Console, title: str, rows: list[tuple[Text, int]], total: int) -> None:
    from rich.text import Text

    table = _table((title, "left"), ("events", "right"), ("share", "right"), ("", "left"))
    largest = max((count for _, count in rows), default=0)
    name_width = min(NAME_WIDTH, max([len(title), *(name.cell_len for name, _ in rows)]))
    width = _bar_width(console, name_width, max(6, len(f"{largest:,}")), 6)
    for name, count in rows:
        table.add_row(
            name,
            Text(f"{count:,}"),
            Text(f"{100 * count / total:.1f}%"),
            Text(bar(count, largest, width), style="cyan"),
        )
    console.print()
    console.print(table)


def _print_buckets(console: Console, stats: Stats, step: int, zone: tzinfo | None) -> None:
    from rich.text import Text

    buckets = stats.buckets(step)
    label = f"every {_format_step(step)}" + (" (UTC)" if zone is not None else "")
    table = _table(
        (label, "left"), ("events", "right"), ("warn", "right"), ("error", "right"), ("", "left")
    )
    largest = max((counts[0] for _, counts in buckets), default=0)
    seconds = step % 60 != 0
    time_format = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    digits = max(6, len(f"{largest:,}"))
    width = _bar_width(console, max(len(label), 19 if seconds else 16), digits, 5, 5)
    for start, (count, warnings, errors) in buckets:
        style = "red" if errors else "yellow" if warnings else "cyan"
        table.add_row(
            Text(start.strftime(time_format)),
            Text(f"{count:,}"),
            Text(f"{warnings:,}" if warnings else "", style="yellow"),
            Text(f"{errors:,}" if errors else "", style="red"),
            Text(bar(count, largest, width), style=style),
        )
    console.print()
    console.print(table)

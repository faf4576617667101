"""Showing events on a terminal: one readable line per event, coloured, and safe.

**Safe** means text from the log is shown as written and never acts on the terminal:

* nothing from an event is ever parsed as Rich markup: lines are built from plain string
  pieces and styles (or :class:`rich.text.Text` objects), never from markup strings, so
  ``[red]`` or ``[link=https://...]`` in a summary are printed as those characters;
* control characters (ESC, so CSI and OSC sequences; BEL; backspace; carriage return; DEL;
  the C1 controls such as U+009B, which some terminals take as CSI) and the Unicode
  bidirectional overrides are replaced by visible escapes (``\\x1b``, ``\\u202e``) by
  :func:`sanitize` before anything is written, coloured or not.

Plain lines (no colour) are written without Rich at all; coloured lines get their SGR
sequences from Rich styles (see :class:`ColorWriter`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta, tzinfo
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol

from ome_events import humanize
from ome_events.cli.style import color_wanted, level_label, level_style, make_console
from ome_events.model import SourceKind
from ome_events.snapshots.raw import stream_facts
from ome_events.text import dumps, escape_controls, safe_json

if TYPE_CHECKING:
    from rich.console import Console

    from ome_events.model import Event

__all__ = [
    "EventWriter",
    "facts_text",
    "format_time",
    "line_parts",
    "make_writer",
    "plain_line",
    "sanitize",
]

# -- safe text ------------------------------------------------------------------------------


def sanitize(text: str) -> str:
    r"""The text with every control character shown as a visible escape.

    >>> sanitize("cam1\x1b]8;;http://evil\x07click\x1b[2J")
    'cam1\\x1b]8;;http://evil\\x07click\\x1b[2J'
    >>> sanitize("[red]not markup[/red]")
    '[red]not markup[/red]'
    """
    return escape_controls(text)


# -- event lines ----------------------------------------------------------------------------

_BADGE_STYLES = {3: "black on yellow", 4: "bold white on red"}
_BADGE_DEFAULT = "black on cyan"

_ZERO = timedelta(0)

TIME_STYLE = "dim"
CATEGORY_STYLE = "cyan"
TYPE_STYLE = "bold"
SOURCE_STYLE = "magenta"
FACTS_STYLE = "dim cyan"
SERVER_STYLE = "bold blue"


def format_time(time: datetime, zone: tzinfo | None) -> str:
    """``2025-03-26 10:00:07.112``, in ``zone`` (None: the local zone); UTC ends in ``Z``.

    >>> from datetime import UTC, timezone
    >>> kst = timezone(timedelta(hours=9))
    >>> format_time(datetime(2025, 3, 26, 19, 0, 7, 112000, tzinfo=kst), UTC)
    '2025-03-26 10:00:07.112Z'
    """
    shown = time.astimezone(zone if zone is not None else _local_zone(time))
    # isoformat is C code: "2025-03-26 10:00:07.112+00:00", cut before the offset.
    text = shown.isoformat(" ", "milliseconds")[:23]
    if zone is not None and shown.utcoffset() == _ZERO:
        text += "Z"
    return text


def format_span(first: datetime, last: datetime, zone: tzinfo | None) -> str:
    """``2025-03-26 10:00:07.112 - 10:09:46.294``: a span on the same clock as
    :func:`format_time`, the date said once.

    >>> from datetime import UTC
    >>> t = datetime(2025, 3, 26, 10, 0, 7, 112000, tzinfo=UTC)
    >>> format_span(t, t + timedelta(minutes=9), UTC)
    '2025-03-26 10:00:07.112Z - 10:09:07.112Z'
    """
    start = format_time(first, zone)
    if last == first:
        return start
    end = format_time(last, zone)
    if end[:10] == start[:10]:
        return f"{start} - {end[11:]}"
    return f"{start} - {end}"


_LOCAL_ZONES: dict[int, tzinfo] = {}


def _local_zone(time: datetime) -> tzinfo:
    # astimezone() to the local zone asks the C library for every call (~3 µs); the offset
    # only changes on the hour, the half or the quarter (daylight saving), so it is asked
    # once per quarter of an hour and kept as a fixed offset.
    quarter = int(time.timestamp()) // 900
    try:
        return _LOCAL_ZONES[quarter]
    except KeyError:
        pass
    if len(_LOCAL_ZONES) > 10_000:
        _LOCAL_ZONES.clear()
    zone = _LOCAL_ZONES[quarter] = time.astimezone().tzinfo or UTC
    return zone


def facts_text(snapshot: Any) -> str | None:
    """The key facts of a stream snapshot: ``H264 1920x1080 30fps 2.5 Mbps · AAC 160 kbps``.

    ``snapshot`` is the decoded ``snapshot`` object of a StreamPrepared or
    AbnormalStreamDetected event; None when it holds no track. The first video and audio
    tracks are shown (``+3 video`` counts the other renditions). Bitrates are the
    configured ones (``bitrateConf``, else ``bitrate``), never ``bitrateLatest``, which OME
    prints before it has measured anything (see :func:`ome_events.snapshots.stream_facts`).

    >>> facts_text({"tracks": [{"video": {"codec": "H264", "width": 1920, "height": 1080,
    ...     "framerate": 30.0, "bitrateConf": "2500000"}}, {"audio": {"codec": "AAC",
    ...     "bitrateConf": 160000}}]})
    'H264 1920x1080 30fps 2.5 Mbps · AAC 160 kbps'
    """
    facts = stream_facts(snapshot)
    if facts is None:
        return None
    parts: list[str] = []
    if facts.video_tracks:
        words = [facts.video_codec or "video"]
        if facts.width and facts.height:
            words.append(f"{facts.width}x{facts.height}")
        if facts.frame_rate is not None:
            words.append(f"{facts.frame_rate:.4g}fps")
        if facts.video_bitrate:
            words.append(humanize.bitrate(facts.video_bitrate))
        if facts.video_tracks > 1:
            words.append(f"(+{facts.video_tracks - 1} video)")
        parts.append(" ".join(words))
    if facts.audio_tracks:
        words = [facts.audio_codec or "audio"]
        if facts.audio_bitrate:
            words.append(humanize.bitrate(facts.audio_bitrate))
        parts.append(" ".join(words))
    return " · ".join(parts) or None


_STREAM_SNAPSHOT_TYPES = frozenset({"StreamPrepared", "AbnormalStreamDetected"})


class _Pieces(NamedTuple):
    time: str
    label: str
    rank: int
    category: str
    type: str
    source: str
    summary: str
    cause: str | None
    facts: str | None


def _pieces(event: Event, zone: tzinfo | None) -> _Pieces:
    """What a line shows, every text taken from the log sanitised."""
    level = event.level
    cause = event.cause
    facts = None
    if event.type in _STREAM_SNAPSHOT_TYPES:
        facts = facts_text(event.snapshot_data)
    return _Pieces(
        format_time(event.time, zone),
        sanitize(level_label(level.value)),
        level.rank,
        sanitize(event.category.short),
        sanitize(event.type.value),
        sanitize(_short_source(event)),
        sanitize(event.summary),
        None if cause is None else sanitize(cause.value),
        None if facts is None else sanitize(facts),
    )


def _short_source(event: Event) -> str:
    """The source as a line shows it: a server's ID (a 36-character UUID, which wrapped every
    REST line on an 80-column terminal) is cut to its first 8 characters and ``…``; ``--json``
    and ``--snapshot`` keep it whole."""
    source = event.source
    raw = source.raw
    if source.kind is SourceKind.SERVER and len(raw) > 12:
        return raw[:8] + "…"
    return raw


def plain_line(event: Event, zone: tzinfo | None) -> str:
    """The line without colour: the same text as :func:`line_parts`, with ``cause=X``."""
    p = _pieces(event, zone)
    line = f"{p.time} {p.label:<5} {p.category:<6} {p.type} {p.source} {p.summary}"
    if p.cause is not None:
        line += f" cause={p.cause}"
    if p.facts is not None:
        line += f" [{p.facts}]"
    return line


def line_parts(event: Event, zone: tzinfo | None) -> list[tuple[str, str]]:
    """The pieces of an event's coloured line, each with its Rich style.

    Time, level, category (short name), type, source, summary, then the cause as a badge
    and, for stream snapshots, :func:`facts_text`. Every text from the log is sanitised.
    """
    p = _pieces(event, zone)
    parts = [
        (p.time, TIME_STYLE),
        (" ", ""),
        (f"{p.label:<5}", level_style(p.rank)),
        (" ", ""),
        (f"{p.category:<6}", CATEGORY_STYLE),
        (" ", ""),
        (p.type, TYPE_STYLE),
        (" ", ""),
        (p.source, SOURCE_STYLE),
        (" ", ""),
        (p.summary, ""),
    ]
    if p.cause is not None:
        parts.append((" ", ""))
        parts.append((f" {p.cause} ", _BADGE_STYLES.get(p.rank, _BADGE_DEFAULT)))
    if p.facts is not None:
        parts.append((" ", ""))
        parts.append((f"[{p.facts}]", FACTS_STYLE))
    return parts


def snapshot_json(event: Event) -> str | None:
    """The event's snapshot as indented JSON, safe to show; None when it has none.

    orjson escapes the C0 controls (ESC, BEL) as JSON requires; DEL, C1 and the bidi
    controls it writes raw, so they are escaped here, as ``\\u`` escapes (still JSON).
    """

    data = event.snapshot_data
    if data is None and "snapshot" not in event.raw:
        return None
    return safe_json(dumps(data, indent=True)).decode()


# -- writers --------------------------------------------------------------------------------


class EventWriter(Protocol):
    """Writes events to the output, one or more lines each."""

    def write(self, event: Event) -> None: ...

    def flush(self) -> None: ...


def server_prefix(event: Event) -> str:
    """The server column of a line when several logs are shown: ``edge1 ``."""
    return sanitize(event.server or "-") + " "


class PlainWriter:
    """Lines without colour, written straight to a text stream (no Rich)."""

    def __init__(
        self, stream: IO[str], zone: tzinfo | None, snapshots: bool, servers: bool = False
    ) -> None:
        self._stream = stream
        self._zone = zone
        self._snapshots = snapshots
        self._servers = servers

    def write(self, event: Event) -> None:
        text = plain_line(event, self._zone)
        if self._servers:
            text = server_prefix(event) + text
        if self._snapshots:
            pretty = snapshot_json(event)
            if pretty is not None:
                text += "\n" + _indent(pretty)
        self._stream.write(text + "\n")

    def flush(self) -> None:
        self._stream.flush()


class ColorWriter:
    """Coloured lines: each piece styled with a Rich :class:`~rich.style.Style`.

    Styles are turned into SGR sequences by Rich (``Style.render``); the text pieces are
    plain strings put between them, so nothing in them is ever read as markup. This is
    about fifty times faster than printing a :class:`~rich.text.Text` per line through a
    console (which costs ~0.4 ms a line), and a viewer prints every event of a history.
    Snapshots (``--snapshot``) are highlighted by Rich's JSON highlighter on a console.
    """

    def __init__(
        self, stream: IO[str], zone: tzinfo | None, snapshots: bool, servers: bool = False
    ) -> None:
        from rich.color import ColorSystem
        from rich.style import Style

        self._stream = stream
        self._zone = zone
        self._snapshots = snapshots
        self._servers = servers
        self._system = ColorSystem.STANDARD
        self._parse = Style.parse
        self._styled: dict[str, Style] = {}
        self._console: Console | None = None

    def _paint(self, text: str, style: str) -> str:
        if not style:
            return text
        try:
            parsed = self._styled[style]
        except KeyError:
            parsed = self._styled[style] = self._parse(style)
        return parsed.render(text, color_system=self._system)

    def write(self, event: Event) -> None:
        paint = self._paint
        line = "".join([paint(text, style) for text, style in line_parts(event, self._zone)])
        if self._servers:
            line = paint(server_prefix(event), SERVER_STYLE) + line
        self._stream.write(line + "\n")
        if self._snapshots:
            pretty = snapshot_json(event)
            if pretty is not None:
                self._print_json(_indent(pretty))

    def _print_json(self, text: str) -> None:
        from rich.highlighter import JSONHighlighter
        from rich.text import Text

        if self._console is None:
            self._console = make_console(color=True, file=self._stream)
        self._console.print(JSONHighlighter()(Text(text)))

    def flush(self) -> None:
        self._stream.flush()


class JsonWriter:
    """Each event's original JSON line: the output is an events.log. With several logs, a
    ``"server"`` member comes first (readers of the format keep unknown members)."""

    def __init__(self, stream: IO[bytes], servers: bool = False) -> None:
        from ome_events.export.jsonl import event_json_line

        self._stream = stream
        self._line = event_json_line
        self._servers = servers

    def write(self, event: Event) -> None:
        self._stream.write(self._line(event, server=self._servers))

    def flush(self) -> None:
        self._stream.flush()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def make_writer(
    args: argparse.Namespace, zone: tzinfo | None, *, servers: bool = False
) -> EventWriter:
    """The writer the output options ask for, on standard output; ``servers``: show each
    event's server (several logs are shown)."""
    if args.json:
        return JsonWriter(sys.stdout.buffer, servers)
    if color_wanted(args.color, sys.stdout):
        return ColorWriter(sys.stdout, zone, args.snapshot, servers)
    return PlainWriter(sys.stdout, zone, args.snapshot, servers)

"""Tables for notebooks and terminals: HTML cells and plain-text columns, built with the
standard library only.

Every piece of text taken from a log (summaries, sources, stream names, URLs, messages) is
HTML-escaped, quotes included: a log line is data from the network, and a notebook renders
HTML it is given. In text tables control characters are shown as escapes. Long values are
shortened, the full text kept in the cell's tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from ome_events.text import escape_controls

__all__ = [
    "CELL",
    "MAX_CELL",
    "TABLE",
    "badge",
    "cell",
    "header",
    "shorten",
    "text_table",
    "time_text",
]

#: Cell text longer than this is shortened (the full text stays in the tooltip).
MAX_CELL = 120

# Background and text colours per event level and finding severity (lower-cased names).
_COLOURS: dict[str, tuple[str, str]] = {
    "error": ("#fdecea", "#b71c1c"),
    "warning": ("#fff4e5", "#8a4b00"),
    "info": ("transparent", "inherit"),
    "debug": ("transparent", "#6b6b6b"),
    "trace": ("transparent", "#8f8f8f"),
}
TABLE = (
    '<table class="ome-events" style="border-collapse:collapse;font-size:12px;'
    'font-family:monospace">'
)
CELL = 'style="text-align:left;vertical-align:top;padding:2px 6px;border-bottom:1px solid #ddd"'


def shorten(text: str, limit: int = MAX_CELL) -> str:
    """The text cut to ``limit`` characters, ending in an ellipsis when cut.

    >>> shorten("abcdefgh", 5)
    'abcd…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def cell(value: object, limit: int = MAX_CELL) -> str:
    text = "" if value is None else str(value)
    short = shorten(text, limit)
    if short == text:
        return f"<td {CELL}>{escape(text)}</td>"
    return f'<td {CELL} title="{escape(text, quote=True)}">{escape(short)}</td>'


def badge(name: str) -> str:
    background, colour = _COLOURS.get(name.lower(), ("transparent", "inherit"))
    style = f"background:{background};color:{colour};font-weight:bold"
    return (
        f'<td {CELL}><span class="ome-level ome-{escape(name.lower(), quote=True)}" '
        f'style="{style}">{escape(name)}</span></td>'
    )


def header(names: Sequence[str]) -> str:
    cells = "".join(f"<th {CELL}>{escape(name)}</th>" for name in names)
    return f"<thead><tr>{cells}</tr></thead>"


def time_text(value: datetime | None) -> str:
    """A time in a notebook's tables: UTC, marked ``Z``, as its DataFrames and plots (the
    notebook's one clock: fleets span zones).

    >>> from datetime import timedelta, timezone
    >>> time_text(datetime(2025, 3, 26, 19, 0, 7, 112000, tzinfo=timezone(timedelta(hours=9))))
    '2025-03-26 10:00:07.112Z'
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        return value.isoformat(sep=" ", timespec="milliseconds")
    shown = value.astimezone(UTC).isoformat(sep=" ", timespec="milliseconds")
    return shown.removesuffix("+00:00") + "Z"


def text_table(header: Sequence[str], rows: list[list[str]], limit: int) -> str:
    # Text goes to terminals and logs: control characters are shown, never acted on.
    cells = [[shorten(escape_controls(value), limit) for value in row] for row in rows]
    widths = [len(name) for name in header]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(header, widths, strict=True))]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    return "\n".join(line.rstrip() for line in lines)

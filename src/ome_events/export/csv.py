"""CSV for spreadsheets: one row per event under a header; every cell a spreadsheet could
execute as a formula is neutralised, and control characters are written as visible escapes."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import tzinfo
from typing import IO

from ome_events.export.redact import IpRedactor
from ome_events.model import Event
from ome_events.text import escape_controls, has_controls, json_line

__all__ = ["CSV_COLUMNS", "event_record", "neutralise_cell", "write_csv"]

#: The columns of :func:`event_record` and of the CSV export, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "time",
    "level",
    "category",
    "type",
    "cause",
    "source",
    "vhost",
    "app",
    "stream",
    "summary",
    "snapshot",
    "server",
    "tag",
)

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: "=", "+", "-", "@", and tab or carriage return, after which a formula
# character may follow (OWASP, "CSV Injection"). The full-width forms are folded to the
# ASCII ones by some spreadsheet locales, so they count too.
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def neutralise_cell(value: str) -> str:
    """Make a CSV cell inert in a spreadsheet: prefix a formula-like value with ``'``.

    The quote is the spreadsheet convention for "this is text"; it shows in the cell, so
    nobody mistakes the value for the original.

    >>> neutralise_cell('=HYPERLINK("http://evil.example","click")')
    '\\'=HYPERLINK("http://evil.example","click")'
    >>> neutralise_cell("Stream created. Id: 103")
    'Stream created. Id: 103'
    """
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


def event_record(
    event: Event,
    *,
    tz: tzinfo | None = None,
    redactor: IpRedactor | None = None,
) -> dict[str, str]:
    """The event as a flat row of strings, keyed by :data:`CSV_COLUMNS`.

    ``time`` is ISO 8601 with milliseconds, in the log's own offset, or converted to ``tz``.
    ``cause``, ``vhost``, ``app``, ``stream``, ``snapshot`` and ``tag`` (the plain server
    log's) are ``""`` when absent;
    ``snapshot`` is the snapshot as compact JSON (:func:`json_line`). With a ``redactor``,
    IP addresses are masked in every column. Text is as in the log: control characters
    are left for the writer to handle.
    """
    time = event.time if tz is None else event.time.astimezone(tz)
    source = event.source
    snapshot = event.snapshot_data
    record = {
        "time": time.isoformat(timespec="milliseconds"),
        "level": str(event.level),
        "category": str(event.category),
        "type": str(event.type),
        "cause": "" if event.cause is None else str(event.cause),
        "source": source.raw,
        "vhost": source.vhost or "",
        "app": source.app or "",
        "stream": source.stream or "",
        "summary": event.summary,
        "snapshot": "" if snapshot is None else json_line(snapshot)[:-1].decode(),
        "server": event.server or "",
        "tag": event.tag or "",
    }
    if redactor is not None:
        record = {key: redactor.text(value) for key, value in record.items()}
    return record


def write_csv(
    events: Iterable[Event],
    out: IO[str],
    *,
    tz: tzinfo | None = None,
    redactor: IpRedactor | None = None,
    header: bool = True,
) -> int:
    """Write events as CSV (RFC 4180: a header, ``\\r\\n`` line ends); returns the count.

    Open ``out`` with ``newline=""`` so the line ends are written as given. Every cell goes
    through :func:`escape_controls` (so each event is one physical line, and opening the
    file in a terminal is harmless) and :func:`neutralise_cell`.
    """
    writer = csv.writer(out)
    if header:
        writer.writerow(CSV_COLUMNS)
    count = 0
    formula = _FORMULA_START
    for event in events:
        cells = list(event_record(event, tz=tz, redactor=redactor).values())
        # One search over the whole row: nearly every row has no control character.
        if has_controls("".join(cells)):
            cells = [escape_controls(cell) for cell in cells]
        writer.writerow([("'" + cell) if cell[:1] in formula else cell for cell in cells])
        count += 1
    return count

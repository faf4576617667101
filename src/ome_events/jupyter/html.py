"""Notebook views: events, findings and reports as HTML tables in Jupyter, as text elsewhere.

Every piece of text taken from a log (summaries, sources, stream names, URLs, messages) is
HTML-escaped, quotes included: a log line is data from the network, and a notebook renders
HTML it is given. Long values are shortened, the full text kept in the cell's tooltip.

Example (in a notebook)::

    from ome_events import read_events
    from ome_events.jupyter import table, view

    table(read_events("sample_logs/server-utc"), limit=50)    # an EventTable
    view(report)                                              # a ReportView
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from html import escape
from itertools import islice
from typing import TYPE_CHECKING, Any

from ome_events.model import Event
from ome_events.text import escape_controls

if TYPE_CHECKING:
    from ome_events.analyze import Finding, Report

__all__ = [
    "EventTable",
    "FindingsTable",
    "ReportView",
    "finding_html",
    "findings_of",
    "report_html",
    "report_text",
    "shorten",
    "table",
    "view",
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
_TABLE = (
    '<table class="ome-events" style="border-collapse:collapse;font-size:12px;'
    'font-family:monospace">'
)
_CELL = 'style="text-align:left;vertical-align:top;padding:2px 6px;border-bottom:1px solid #ddd"'


def shorten(text: str, limit: int = MAX_CELL) -> str:
    """The text cut to ``limit`` characters, ending in an ellipsis when cut.

    >>> shorten("abcdefgh", 5)
    'abcd…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def _cell(value: object, limit: int = MAX_CELL) -> str:
    text = "" if value is None else str(value)
    short = shorten(text, limit)
    if short == text:
        return f"<td {_CELL}>{escape(text)}</td>"
    return f'<td {_CELL} title="{escape(text, quote=True)}">{escape(short)}</td>'


def _badge(name: str) -> str:
    background, colour = _COLOURS.get(name.lower(), ("transparent", "inherit"))
    style = f"background:{background};color:{colour};font-weight:bold"
    return (
        f'<td {_CELL}><span class="ome-level ome-{escape(name.lower(), quote=True)}" '
        f'style="{style}">{escape(name)}</span></td>'
    )


def _header(names: Sequence[str]) -> str:
    cells = "".join(f"<th {_CELL}>{escape(name)}</th>" for name in names)
    return f"<thead><tr>{cells}</tr></thead>"


def _time(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(sep=" ", timespec="milliseconds")


def _text_table(header: Sequence[str], rows: list[list[str]], limit: int) -> str:
    # Text goes to terminals and logs: control characters are shown, never acted on.
    cells = [[shorten(escape_controls(cell), limit) for cell in row] for row in rows]
    widths = [len(name) for name in header]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(header, widths, strict=True))]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    return "\n".join(line.rstrip() for line in lines)


_EVENT_HEADER = ("time", "level", "type", "cause", "source", "summary")


class EventTable:
    """A collection of events that shows as a table: HTML in Jupyter, text elsewhere.

    Holds at most ``limit`` events (the first ones) and counts the rest, so a month of logs
    does not end up in the notebook file. Iterating gives the events held.
    """

    def __init__(self, events: Iterable[Event], *, limit: int = 200, width: int = MAX_CELL):
        iterator = iter(events)
        self.events: list[Event] = list(islice(iterator, limit))
        self.total = len(self.events) + sum(1 for _ in iterator)
        self.width = width

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def _rows(self) -> list[list[str]]:
        return [
            [
                _time(event.time),
                str(event.level),
                str(event.type),
                "" if event.cause is None else str(event.cause),
                event.source.raw,
                event.summary,
            ]
            for event in self.events
        ]

    def _more(self) -> int:
        return self.total - len(self.events)

    def _repr_html_(self) -> str:
        body = []
        for event, row in zip(self.events, self._rows(), strict=True):
            cells = [_cell(row[0]), _badge(str(event.level))]
            cells += [_cell(value, self.width) for value in row[2:]]
            body.append(f"<tr>{''.join(cells)}</tr>")
        more = self._more()
        caption = f"{self.total} event{'' if self.total == 1 else 's'}"
        if more:
            caption += f" (first {len(self.events)} shown, {more} more)"
        return (
            f"{_TABLE}<caption>{escape(caption)}</caption>{_header(_EVENT_HEADER)}"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self) -> str:
        text = _text_table(_EVENT_HEADER, self._rows(), self.width)
        more = self._more()
        return text + (f"\n... {more} more events" if more else "")

    def __repr__(self) -> str:
        return f"<EventTable: {self.total} events>\n{self}"


_FINDING_HEADER = ("severity", "kind", "subject", "first", "last", "count", "message", "hint")


def _finding_row(finding: Finding) -> list[str]:
    return [
        finding.severity.value,
        finding.kind,
        finding.subject.id,
        _time(finding.first),
        _time(finding.last),
        str(finding.count),
        finding.message,
        finding.hint,
    ]


def _findings_html(findings: Sequence[Finding], width: int) -> str:
    body = []
    for finding in findings:
        row = _finding_row(finding)
        cells = [_badge(row[0]), *(_cell(value, width) for value in row[1:])]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"{_TABLE}{_header(_FINDING_HEADER)}<tbody>{''.join(body)}</tbody></table>"


class FindingsTable:
    """Findings shown as a table (HTML in Jupyter, text elsewhere), worst first."""

    def __init__(self, findings: Iterable[Finding], *, width: int = MAX_CELL) -> None:
        self.findings = sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key))
        self.width = width

    def __len__(self) -> int:
        return len(self.findings)

    def _repr_html_(self) -> str:
        if not self.findings:
            return "<p>No findings.</p>"
        return _findings_html(self.findings, self.width)

    def __str__(self) -> str:
        if not self.findings:
            return "No findings."
        return _text_table(_FINDING_HEADER, [_finding_row(f) for f in self.findings], self.width)

    def __repr__(self) -> str:
        return f"<FindingsTable: {len(self.findings)} findings>\n{self}"


def finding_html(finding: Finding) -> str:
    """One finding as a one-row HTML table."""
    return _findings_html([finding], MAX_CELL)


def _summary_line(report: Report) -> str:
    counts = report.counts()
    span = f"{_time(report.first_event)} - {_time(report.last_event)}"
    found = ", ".join(f"{number} {name}" for name, number in counts.items())
    return (
        f"{report.events} events ({span}), {report.bad_lines} bad lines, "
        f"{len(report.streams)} streams, {report.sessions} sessions; findings: {found}"
    )


_STREAM_HEADER = ("stream", "sessions", "uptime", "live", "incidents", "kinds")


def _stream_rows(report: Report) -> list[list[str]]:
    return [
        [
            row.stream,
            str(row.sessions),
            _duration(row.uptime_seconds),
            "yes" if row.live else "",
            str(row.incidents),
            ", ".join(row.kinds),
        ]
        for row in report.streams
    ]


def _duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def report_html(report: Report, *, width: int = MAX_CELL) -> str:
    """An analyzer report as HTML: a summary line, the findings (worst first), the streams."""
    findings = FindingsTable(report.findings, width=width)._repr_html_()
    streams = "".join(
        f"<tr>{''.join(_cell(value, width) for value in row)}</tr>" for row in _stream_rows(report)
    )
    stream_table = (
        f"{_TABLE}{_header(_STREAM_HEADER)}<tbody>{streams}</tbody></table>" if streams else ""
    )
    return (
        f'<div class="ome-events-report"><p><b>Report</b>: {escape(_summary_line(report))}</p>'
        f"<h4>Findings</h4>{findings}"
        + (f"<h4>Streams</h4>{stream_table}" if stream_table else "")
        + "</div>"
    )


def report_text(report: Report, *, width: int = MAX_CELL) -> str:
    """An analyzer report as plain text (the same content as :func:`report_html`)."""
    parts = [
        "Report: " + escape_controls(_summary_line(report)),
        "",
        "Findings:",
        str(FindingsTable(report.findings, width=width)),
    ]
    if report.streams:
        parts += ["", "Streams:", _text_table(_STREAM_HEADER, _stream_rows(report), width)]
    return "\n".join(parts)


class ReportView:
    """An analyzer report that shows as HTML in Jupyter and as text elsewhere."""

    def __init__(self, report: Report, *, width: int = MAX_CELL) -> None:
        self.report = report
        self.width = width

    def _repr_html_(self) -> str:
        return report_html(self.report, width=self.width)

    def __str__(self) -> str:
        return report_text(self.report, width=self.width)

    def __repr__(self) -> str:
        return str(self)


def findings_of(report_or_findings: Report | Iterable[Finding]) -> list[Finding]:
    """The findings of a report, or the findings given."""
    from ome_events.analyze import Report

    if isinstance(report_or_findings, Report):
        return list(report_or_findings.findings)
    return list(report_or_findings)


def table(events: Iterable[Event], *, limit: int = 200, width: int = MAX_CELL) -> EventTable:
    """Events as a table for a notebook (the first ``limit`` of them)."""
    return EventTable(events, limit=limit, width=width)


def view(value: Any, *, limit: int = 200, width: int = MAX_CELL) -> Any:
    """A notebook view of a report, a finding or findings, or events.

    Returns a :class:`ReportView`, :class:`FindingsTable` or :class:`EventTable`.
    """
    from ome_events.analyze import Finding, Report

    if isinstance(value, Report):
        return ReportView(value, width=width)
    if isinstance(value, Finding):
        return FindingsTable([value], width=width)
    if isinstance(value, Iterator):  # a reader: events, read once
        return EventTable(value, limit=limit, width=width)
    items = list(value)
    if items and isinstance(items[0], Finding):
        return FindingsTable(items, width=width)
    return EventTable(items, limit=limit, width=width)

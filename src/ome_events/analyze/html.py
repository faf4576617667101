"""Findings and reports as HTML (Jupyter's ``_repr_html_``) and as text. Standard library
only: the notebook layer (:mod:`ome_events.jupyter`) builds on this, never the reverse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, cast

from ome_events.humanize import clock_duration
from ome_events.tables import MAX_CELL, TABLE, badge, cell, header, text_table, time_text
from ome_events.text import escape_controls

if TYPE_CHECKING:
    # Annotations only: findings.py imports this module for its _repr_html_.
    from ome_events.analyze.findings import Finding, Report

__all__ = [
    "FindingsTable",
    "ReportView",
    "finding_html",
    "findings_of",
    "report_html",
    "report_text",
]

_FINDING_HEADER = ("severity", "kind", "subject", "first", "last", "count", "message", "hint")


def _finding_row(finding: Finding) -> list[str]:
    return [
        finding.severity.value,
        finding.kind,
        finding.subject.id,
        time_text(finding.first),
        time_text(finding.last),
        str(finding.count),
        finding.message,
        finding.hint,
    ]


def _findings_html(findings: Sequence[Finding], width: int) -> str:
    body = []
    for finding in findings:
        row = _finding_row(finding)
        cells = [badge(row[0]), *(cell(value, width) for value in row[1:])]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"{TABLE}{header(_FINDING_HEADER)}<tbody>{''.join(body)}</tbody></table>"


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
        return text_table(_FINDING_HEADER, [_finding_row(f) for f in self.findings], self.width)

    def __repr__(self) -> str:
        return f"<FindingsTable: {len(self.findings)} findings>\n{self}"


def finding_html(finding: Finding) -> str:
    """One finding as a one-row HTML table."""
    return _findings_html([finding], MAX_CELL)


def _summary_line(report: Report) -> str:
    counts = report.counts()
    span = f"{time_text(report.first_event)} - {time_text(report.last_event)}"
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
            clock_duration(row.uptime_seconds),
            "yes" if row.live else "",
            str(row.incidents),
            ", ".join(row.kinds),
        ]
        for row in report.streams
    ]


def report_html(report: Report, *, width: int = MAX_CELL) -> str:
    """An analyzer report as HTML: a summary line, the findings (worst first), the streams."""
    findings = FindingsTable(report.findings, width=width)._repr_html_()
    streams = "".join(
        f"<tr>{''.join(cell(value, width) for value in row)}</tr>" for row in _stream_rows(report)
    )
    stream_table = (
        f"{TABLE}{header(_STREAM_HEADER)}<tbody>{streams}</tbody></table>" if streams else ""
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
        parts += ["", "Streams:", text_table(_STREAM_HEADER, _stream_rows(report), width)]
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
    findings: Iterable[Finding] | None = getattr(report_or_findings, "findings", None)
    if findings is None:
        findings = cast("Iterable[Finding]", report_or_findings)
    return list(findings)

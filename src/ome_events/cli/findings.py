"""Findings on a terminal, the same way in ``analyze`` and ``watch``: plain lines for pipes,
Rich ``Text`` for terminals. Text from the log is escaped; nothing is read as markup."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from ome_events.cli.render import format_span
from ome_events.cli.style import SEVERITY_STYLES
from ome_events.text import escape_controls as safe

if TYPE_CHECKING:
    from rich.text import Text

    from ome_events.analyze import Finding

__all__ = [
    "evidence_text",
    "finding_head",
    "finding_lines",
    "finding_text",
    "one_line",
    "subject_text",
]


def evidence_text(finding: Finding, limit: int = 3) -> str:
    """``events.log.20250326:91, :92, :94 (+2 more)``: where to look, compactly."""
    parts = []
    previous = None
    for item in finding.evidence[:limit]:
        if item.line is not None and item.file == previous:
            parts.append(f":{item.line}")
        else:
            parts.append(safe(item))
        previous = item.file
    more = len(finding.evidence) - limit
    return ", ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def _count(finding: Finding) -> str:
    return f" x{finding.count}" if finding.count > 1 else ""


def subject_text(finding: Finding, servers: bool = False) -> str:
    """The finding's subject, after its server (``edge1: #default#app/cam1``) when several
    servers are in view."""
    subject = safe(finding.subject)
    if servers and finding.server is not None:
        return f"{safe(finding.server)}: {subject}"
    return subject


def finding_head(finding: Finding, servers: bool = False, zone: tzinfo | None = None) -> str:
    """``<time span>  <kind>  [<server>: ]<subject> xN``: the first line of a finding, its
    times on the command line's clock (the local zone, or ``zone``)."""
    return (
        f"{format_span(finding.first, finding.last, zone)}  {finding.kind}"
        f"  {subject_text(finding, servers)}{_count(finding)}"
    )


def finding_lines(finding: Finding, servers: bool = False, zone: tzinfo | None = None) -> list[str]:
    """A finding as a few indented plain lines: head, message, hint, evidence."""
    lines = [f"  {finding_head(finding, servers, zone)}", f"      {safe(finding.message)}"]
    if finding.hint:
        lines.append(f"      hint: {safe(finding.hint)}")
    if finding.evidence:
        lines.append(f"      evidence: {evidence_text(finding)}")
    return lines


def one_line(finding: Finding, servers: bool = False, zone: tzinfo | None = None) -> str:
    """A finding on one line (for ``watch`` on a pipe, and logs)."""
    span = format_span(finding.first, finding.last, zone)
    return (
        f"{span}  {finding.severity.value:<7}  {finding.kind}"
        f"  {subject_text(finding, servers)}{_count(finding)}: {safe(finding.message)}"
    )


def finding_text(finding: Finding, servers: bool = False, zone: tzinfo | None = None) -> list[Text]:
    """:func:`finding_lines` as styled Rich text (severity colour, dim times and hints)."""
    from rich.text import Text

    style = SEVERITY_STYLES[finding.severity.value]
    head = Text("  ")
    head.append(format_span(finding.first, finding.last, zone), style="dim")
    head.append("  ")
    head.append(finding.kind, style=style)
    head.append("  ")
    head.append(subject_text(finding, servers), style="bold")
    head.append(_count(finding))
    out = [head, Text("      " + safe(finding.message))]
    if finding.hint:
        hint = Text("      hint: ", style="dim")
        hint.append(safe(finding.hint))
        out.append(hint)
    if finding.evidence:
        out.append(Text(f"      evidence: {evidence_text(finding)}", style="dim"))
    return out

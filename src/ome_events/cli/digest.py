"""The digest ``ome-events analyze`` prints by default: one or two screens whatever the log's
size. The groups are :func:`ome_events.analyze.digest.group_findings`; this module lays them
out as styled lines (plain text on a pipe, colours on a terminal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from ome_events.cli.findings import subject_text
from ome_events.cli.render import format_span, format_time
from ome_events.text import escape_controls as safe

if TYPE_CHECKING:
    from ome_events.analyze import Report
    from ome_events.analyze.digest import FindingGroup

__all__ = ["MAX_LINES", "digest_lines"]

#: The digest aims at this many lines at most (fewer examples per kind when there are many).
MAX_LINES = 100
#: Example width: the full message is in ``--all`` and ``--json``.
EXAMPLE_WIDTH = 150
#: Streams listed under the groups (those with the most incidents).
TOP_STREAMS = 10

Line = tuple[str, str]  # (text, Rich style)

_TITLES = {"error": "ERRORS", "warning": "WARNINGS", "info": "NOTES"}
_STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def _cut(text: str, width: int = EXAMPLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(group: FindingGroup, zone: tzinfo | None) -> str:
    return format_span(group.first, group.last, zone)


def _group_lines(
    group: FindingGroup, examples: int, several: bool, zone: tzinfo | None
) -> list[Line]:
    style = _STYLES[group.severity.value]
    lines: list[Line] = [(f"  {group.kind}: {group.reach}  ({_when(group, zone)})", style)]
    if group.common:
        lines.append((f"    {safe('; '.join(group.common))}", ""))
    for finding in group.examples(examples):
        when = format_time(finding.first, zone)
        text = f"{when}  {subject_text(finding, several)}  {safe(finding.message)}"
        lines.append((f"    - {_cut(text)}", ""))
    if group.hint:
        lines.append((f"    what to do: {safe(group.hint)}", "dim"))
    return lines


def digest_lines(
    report: Report, head: Sequence[str], *, examples: int = 3, zone: tzinfo | None = None
) -> list[Line]:
    """The digest: ``head`` (the summary lines), the groups by severity and impact with up to
    ``examples`` examples each (fewer when that would pass :data:`MAX_LINES`), then the
    streams with the most incidents and the REST endpoints in trouble."""
    from ome_events.analyze.digest import group_findings

    groups = group_findings(report)
    several = len(report.server_names) > 1
    lines: list[Line] = [
        (text, "bold red" if text.startswith("INPUT NOT TRUSTED") else "") for text in head
    ]
    if groups:
        lines.append(
            (
                f"{len(groups)} kinds of finding, most important first"
                " (--all lists every finding, --kind KIND one kind, --json everything)",
                "dim",
            )
        )
    tail = _tail_lines(report, several)
    fixed = len(lines) + len(tail) + 3 * len({g.severity for g in groups})
    for count in range(examples, 0, -1):
        body = _body(groups, count, several, zone)
        if fixed + len(body) <= MAX_LINES or count == 1:
            break
    lines += body
    lines += tail
    return lines


def _body(
    groups: list[FindingGroup], examples: int, several: bool, zone: tzinfo | None
) -> list[Line]:
    lines: list[Line] = []
    current = None
    for group in groups:
        if group.severity != current:
            current = group.severity
            total = sum(len(g.findings) for g in groups if g.severity == current)
            lines += [("", ""), (f"{_TITLES[current.value]} ({total})", _STYLES[current.value])]
        lines += _group_lines(group, examples, several, zone)
    return lines


def _tail_lines(report: Report, several: bool) -> list[Line]:
    lines: list[Line] = []
    troubled = sorted(
        (row for row in report.streams if row.incidents),
        key=lambda row: (-row.incidents, row.stream),
    )[:TOP_STREAMS]
    if troubled:
        lines += [
            ("", ""),
            (f"Streams with the most incidents (of {len(report.streams):,})", "bold"),
        ]
        for row in troubled:
            name = f"{row.server}: {row.stream}" if several and row.server else row.stream
            origin = f"  from {row.publisher}" if row.publisher else ""
            kinds = ", ".join(row.kinds)
            lines.append((safe(f"  {name}  {row.incidents} incidents: {kinds}{origin}"), ""))
    endpoints = sorted(
        (e for e in report.endpoints if e.errors or e.slow),
        key=lambda e: (-sum(e.errors.values()), -e.slow),
    )[:5]
    if endpoints:
        lines += [("", ""), ("REST API endpoints with errors or slow calls", "bold")]
        for endpoint in endpoints:
            errors = ", ".join(f"{status} x{n}" for status, n in endpoint.errors.items())
            slow = f", {endpoint.slow} slow" if endpoint.slow else ""
            lines.append(
                (
                    safe(
                        f"  {endpoint.method} {endpoint.path}  {endpoint.requests:,} requests:"
                        f" {errors or 'no errors'} ({endpoint.error_rate:.0%}){slow}"
                    ),
                    "",
                )
            )
    return lines

"""``ome-events analyze PATH``: what went wrong, and with which streams.

Reads a log (a directory with its rotated files, one file, or ``-`` for standard input), runs
every analyzer and prints a report: a summary, the findings by severity (errors, warnings,
then notes), and a per-stream table (sessions, uptime, incidents). With ``--json`` the report
is one JSON document (schema in ``docs/analyzers.md``). ``--fail-on warning|error`` makes the
exit status 1 when a finding of that severity or worse was found, for cron jobs and CI.

Exit statuses: 0 (done; no finding at or above ``--fail-on``), 1 (findings at or above
``--fail-on``), 2 (usage error: unknown path, bad time).

Text from the log (stream names, messages) is printed literally: control characters are
shown as escapes and nothing is ever read as Rich markup.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ome_events.analyze.findings import MAX_BAD_SHARE
from ome_events.cli.findings import finding_lines, finding_text
from ome_events.cli.options import UsageError, add_path_argument, resolve_paths
from ome_events.cli.runtime import silence_stdout
from ome_events.cli.style import SEVERITY_STYLES, color_wanted
from ome_events.text import escape_controls as safe

if TYPE_CHECKING:
    from ome_events.analyze import Report, StreamRow

__all__ = ["register", "run"]

EXAMPLES = """\
examples:
  ome-events analyze /var/log/ovenmediaengine
  ome-events analyze /var/log/ovenmediaengine --since yesterday --until today
  ome-events analyze events.log --json > report.json
  ome-events analyze /var/log/ovenmediaengine --since -1h --fail-on warning   # cron/CI

exit status: 0 ok, 1 findings at or above --fail-on, 2 usage error
"""

_SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


#: The command's line in ``ome-events --help``.
SUMMARY = "find abnormal streams and other trouble in a log"
#: What ``ome-events analyze --help`` says first.
DESCRIPTION = (
    "Analyze an OME event log: abnormal streams, B-frames, long key-frame intervals,"
    " reconnect loops, failing pushes and recordings, restarts, queue congestion,"
    " REST API errors and access-control bursts."
)


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    add_path_argument(parser)
    parser.add_argument(
        "--since",
        metavar="TIME",
        help="only events at or after TIME (2025-03-26 05:00, -2h, yesterday, ...)",
    )
    parser.add_argument("--until", metavar="TIME", help="only events before TIME")
    parser.add_argument(
        "--json", action="store_true", help="write the report as JSON (see docs/analyzers.md)"
    )
    parser.add_argument(
        "--fail-on",
        choices=("warning", "error"),
        help=(
            "exit with status 1 if a finding of this severity or worse is found, or if the"
            " input cannot be trusted (nothing read, bad lines over --max-bad-lines, files"
            " that could not be read)"
        ),
    )
    parser.add_argument(
        "--max-bad-lines",
        type=_share,
        default=MAX_BAD_SHARE,
        metavar="SHARE",
        help=(
            "the share of bad lines above which the input is not trusted, as 0.01 or 1%% "
            f"(default {MAX_BAD_SHARE * 100:g}%%)"
        ),
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour and tables: auto (on a terminal, unless NO_COLOR is set), always, never",
    )


def run(args: argparse.Namespace) -> int:
    """Read, analyze, print; return the exit status."""
    from datetime import datetime

    import ome_events
    from ome_events.analyze import Severity, analyze
    from ome_events.timeparse import parse_user_time

    now = datetime.now().astimezone()
    try:
        since = parse_user_time(args.since, now=now) if args.since else None
        until = parse_user_time(args.until, now=now) if args.until else None
    except ValueError as error:
        print(f"ome-events analyze: {error}", file=sys.stderr)
        return 2
    try:
        paths = resolve_paths(args)
    except UsageError as error:
        args._parser.error(str(error))
    reader: Any
    try:
        if paths == ["-"]:
            reader = ome_events.read_stream(since=since, until=until, errors="skip")
        else:
            reader = ome_events.read_events(paths, since=since, until=until, errors="skip")
    except (FileNotFoundError, NotADirectoryError, PermissionError) as error:
        print(f"ome-events analyze: {error}", file=sys.stderr)
        return 2
    try:
        report = analyze(reader)
    except KeyboardInterrupt:
        return 130
    report = replace(report, unreadable_files=len(reader.file_problems))
    path = ", ".join(paths)
    context = {
        "path": path,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    try:
        if args.json:
            import orjson

            data = orjson.dumps(report.to_json(**context), option=orjson.OPT_INDENT_2)
            sys.stdout.write(data.decode() + "\n")
        elif color_wanted(args.color, sys.stdout):
            _print_rich(report, path, force=args.color == "always", max_bad=args.max_bad_lines)
        else:
            text = plain_report(report, path, max_bad=args.max_bad_lines)
            sys.stdout.write("\n".join(text) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    if args.fail_on and (
        report.at_least(Severity(args.fail_on)) or report.input_problem(args.max_bad_lines)
    ):
        return 1
    return 0


def _share(text: str) -> float:
    """A share as ``0.01`` or ``1%``."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a share: {text!r} (0.01 or 1%)") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share is between 0 and 1 (0%-100%): {text!r}")
    return value


# -- plain text ------------------------------------------------------------------------------


def _time(value: Any) -> str:
    return str(value.isoformat(sep=" ", timespec="milliseconds"))


def _duration(seconds: float) -> str:
    from ome_events.humanize import duration

    return duration(seconds)


def _uptime(row: StreamRow) -> str:
    if not row.sessions:
        return ""
    return ("≥" if row.partial else "") + _duration(row.uptime_seconds)


def summary_lines(report: Report, path: str, max_bad: float = MAX_BAD_SHARE) -> list[str]:
    """The summary at the top of the report: first what the input was worth (a report of
    an input that could not be read is never an all-clear), then what it holds."""
    lines = [f"ome-events analyze: {safe(path)}"]
    problem = report.input_problem(max_bad)
    if problem is not None:
        lines.append(f"INPUT NOT TRUSTED: {problem} (this report is not an all-clear)")
    total = report.events + report.bad_lines
    lines.append(
        f"read: {report.events:,} events, {report.bad_lines:,} bad lines"
        + (f" ({report.bad_share:.2%} of {total:,} lines)" if total else "")
        + (f", {report.unreadable_files} files not read in full" if report.unreadable_files else "")
    )
    if report.first_event is not None and report.last_event is not None:
        lines.append(f"from {_time(report.first_event)} to {_time(report.last_event)}")
    for server in report.servers:
        starts = "started once" if server.starts == 1 else f"started {server.starts} times"
        log = f"[{safe(server.server)}] " if server.server and _several(report) else ""
        lines.append(
            f"{log}server {safe(server.name or '?')} {safe(server.version or '')}"
            f" ({safe(server.id)}), {starts}"
        )
    live = sum(1 for row in report.streams if row.live)
    counts = report.counts()
    lines.append(
        f"{len(report.streams)} streams, {report.sessions} sessions"
        + (f", {live} live at the end" if live else "")
    )
    lines.append(
        f"findings: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
    )
    return lines


def _several(report: Report) -> bool:
    return len(report.server_names) > 1


def _stream_name(report: Report, row: StreamRow) -> str:
    if row.server and _several(report):
        return f"{safe(row.server)}: {safe(row.stream)}"
    return safe(row.stream)


def plain_report(report: Report, path: str, max_bad: float = MAX_BAD_SHARE) -> list[str]:
    """The whole report as plain text lines (no colour)."""
    lines = summary_lines(report, path, max_bad)
    several = _several(report)
    for severity in ("error", "warning", "info"):
        chosen = [f for f in report.findings if f.severity.value == severity]
        if not chosen:
            continue
        lines += ["", f"{_SEVERITY_TITLES[severity]} ({len(chosen)})"]
        for finding in chosen:
            lines += finding_lines(finding, several)
    if report.streams:
        lines += ["", "Streams"]
        rows = [("stream", "sessions", "uptime", "live", "incidents", "kinds")]
        for row in report.streams:
            rows.append(
                (
                    _stream_name(report, row),
                    str(row.sessions),
                    _uptime(row),
                    "live" if row.live else "",
                    str(row.incidents) if row.incidents else "",
                    ", ".join(row.kinds),
                )
            )
        lines += _columns(rows)
    troubled = [e for e in report.endpoints if e.errors or e.slow]
    if troubled:
        lines += ["", "REST API endpoints with errors or slow calls"]
        rows = [("endpoint", "requests", "errors", "rate", "slow", "slowest")]
        for endpoint in troubled:
            rows.append(
                (
                    safe(f"{endpoint.method} {endpoint.path}"),
                    str(endpoint.requests),
                    ", ".join(f"{k} x{v}" for k, v in endpoint.errors.items()),
                    f"{endpoint.error_rate:.0%}",
                    str(endpoint.slow) if endpoint.slow else "",
                    "" if endpoint.max_seconds is None else f"{endpoint.max_seconds:.3g} s",
                )
            )
        lines += _columns(rows)
    return lines


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


# -- rich ------------------------------------------------------------------------------------


def _print_rich(
    report: Report, path: str, *, force: bool = False, max_bad: float = MAX_BAD_SHARE
) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False, force_terminal=True if force else None)
    several = _several(report)
    for line in summary_lines(report, path, max_bad):
        style = "bold red" if line.startswith("INPUT NOT TRUSTED") else ""
        console.print(Text(line, style=style))
    for severity in ("error", "warning", "info"):
        chosen = [f for f in report.findings if f.severity.value == severity]
        if not chosen:
            continue
        style = SEVERITY_STYLES[severity]
        console.print()
        console.print(Text(f"{_SEVERITY_TITLES[severity]} ({len(chosen)})", style=style))
        for finding in chosen:
            for text in finding_text(finding, several):
                console.print(text)
    if report.streams:
        table = Table(title="Streams", box=box.SIMPLE_HEAD, title_justify="left")
        for name, justify in (
            ("stream", "left"),
            ("sessions", "right"),
            ("uptime", "right"),
            ("live", "center"),
            ("incidents", "right"),
            ("kinds", "left"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for row in report.streams:
            table.add_row(
                Text(_stream_name(report, row)),
                Text(str(row.sessions)),
                Text(_uptime(row)),
                Text("live", style="green") if row.live else Text(""),
                Text(str(row.incidents), style="yellow") if row.incidents else Text(""),
                Text(", ".join(row.kinds)),
            )
        console.print()
        console.print(table)
    troubled = [e for e in report.endpoints if e.errors or e.slow]
    if troubled:
        table = Table(title="REST API endpoints with errors or slow calls", box=box.SIMPLE_HEAD,
                      title_justify="left")  # fmt: skip
        for name in ("endpoint", "requests", "errors", "rate", "slow", "slowest"):
            table.add_column(name, justify="left" if name in ("endpoint", "errors") else "right")
        for endpoint in troubled:
            table.add_row(
                Text(safe(f"{endpoint.method} {endpoint.path}")),
                Text(str(endpoint.requests)),
                Text(", ".join(f"{k} x{v}" for k, v in endpoint.errors.items()), style="red"),
                Text(f"{endpoint.error_rate:.0%}"),
                Text(str(endpoint.slow) if endpoint.slow else ""),
                Text("" if endpoint.max_seconds is None else f"{endpoint.max_seconds:.3g} s"),
            )
        console.print(table)

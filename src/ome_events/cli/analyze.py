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

from ome_events.cli.options import (
    add_filter_options,
    add_path_argument,
    command_filter,
    display_zone,
)
from ome_events.cli.progress import add_progress_option, with_progress
from ome_events.cli.runtime import guarded
from ome_events.cli.style import SEVERITY_STYLES, color_wanted
from ome_events.errors import MAX_BAD_SHARE
from ome_events.filters import EventFilter
from ome_events.text import escape_controls as safe

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from ome_events.analyze import Finding, Report, StreamRow
    from ome_events.cli.history import History
    from ome_events.model import Event

__all__ = ["register", "run"]

EXAMPLES = """\
examples:
  ome-events analyze /var/log/ovenmediaengine                     a digest: kinds of trouble
  ome-events analyze /var/log/ovenmediaengine --since yesterday --until today
  ome-events analyze /var/log/ovenmediaengine --app sports --since yesterday
  ome-events analyze /var/log/ovenmediaengine --kind push_failed  every push failure
  ome-events analyze /var/log/ovenmediaengine --all               every finding and stream
  ome-events analyze events.log --json > report.json
  ome-events analyze /var/log/ovenmediaengine --since -1h --fail-on warning   # cron/CI

exit status: 0 ok, 1 findings at or above --fail-on (or an untrusted input, or a file
that could not be read), 2 usage error
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
    report = parser.add_argument_group("report")
    report.add_argument(
        "--all",
        action="store_true",
        help="list every finding and every stream (default: a digest, findings grouped by kind)",
    )
    report.add_argument(
        "--kind",
        type=_names,
        action="extend",
        metavar="KINDS",
        help="only findings of these kinds (globs allowed: 'push_*'), each listed in full",
    )
    report.add_argument(
        "--examples",
        type=int,
        default=3,
        metavar="N",
        help="examples per kind in the digest (default 3; fewer when the digest would be long)",
    )
    report.add_argument(
        "--json", action="store_true", help="write the report as JSON (see docs/analyzers.md)"
    )
    report.add_argument(
        "--fail-on",
        choices=("warning", "error"),
        help=(
            "exit with status 1 if a finding of this severity or worse is found, or if the"
            " input cannot be trusted (nothing read, bad lines over --max-bad-lines, files"
            " that could not be read)"
        ),
    )
    report.add_argument(
        "--max-bad-lines",
        type=_share,
        default=MAX_BAD_SHARE,
        metavar="SHARE",
        help=(
            "the share of bad lines above which the input is not trusted, as 0.01 or 1%% "
            f"(default {MAX_BAD_SHARE * 100:g}%%)"
        ),
    )
    add_progress_option(report)
    report.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour and tables: auto (on a terminal, unless NO_COLOR is set), always, never",
    )
    add_filter_options(parser, paging=False)
    parser.epilog = (parser.epilog or "") + FILTERS_NOTE


#: How tail's filters apply to an analysis (also in ``analyze --help``).
FILTERS_NOTE = """
filters: --since/--until bound the events read; --category, --type, --cause, --source,
--vhost, --app, --stream and --grep choose the events analysed (server starts and stops are
always read, so restarts are known; findings about the server itself are left out unless
--category server); --level is the least severity of the findings shown (warning, error).
"""


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def run(args: argparse.Namespace) -> int:
    """Read, analyze, print; return the exit status."""
    from ome_events.cli.history import with_history

    event_filter = command_filter(args)
    reading = EventFilter(since=event_filter.since, until=event_filter.until)
    return guarded(lambda: with_history(args, reading, lambda h: _analyze(args, h, event_filter)))


def _analyze(args: argparse.Namespace, history: History, event_filter: EventFilter) -> int:
    from ome_events.analyze import Severity, analyze

    chosen = _chosen_events(event_filter)
    read = with_progress(args, history, iter(history))
    events = read if chosen is None else (e for e in read if chosen(e))
    report = analyze(events, bad_lines=0)
    status = history.finish()
    if not report.events and (note := history.empty_window_note(display_zone(args))):
        from ome_events.cli.runtime import warn

        warn(note)
    reader = history.reader
    report = replace(
        report,
        bad_lines=reader.error_count,
        unreadable_files=len(reader.file_problems),
        inputs=history.input_formats(),
        findings=tuple(f for f in report.findings if _shown(f, event_filter, args.kind)),
    )
    path = history.path
    context = {
        "path": path,
        "since": event_filter.since.isoformat() if event_filter.since else None,
        "until": event_filter.until.isoformat() if event_filter.until else None,
    }
    if args.json:
        import orjson

        from ome_events.analyze.digest import group_findings

        document = report.to_json(**context)
        document["groups"] = [g.to_json(args.examples) for g in group_findings(report)]
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.all or args.kind:
        tables = bool(args.all)  # --kind alone: the findings of those kinds, in full
        if color_wanted(args.color, sys.stdout):
            _print_rich(report, path, force=args.color == "always", max_bad=args.max_bad_lines,
                        tables=tables, zone=display_zone(args))  # fmt: skip
        else:
            text = plain_report(
                report, path, max_bad=args.max_bad_lines, tables=tables, zone=display_zone(args)
            )
            sys.stdout.write("\n".join(text) + "\n")
    else:
        _print_digest(args, report, path)
    sys.stdout.flush()
    if args.fail_on and (
        report.at_least(Severity(args.fail_on)) or report.input_problem(args.max_bad_lines)
    ):
        return 1
    return status


def _chosen_events(event_filter: EventFilter) -> Callable[[Event], bool] | None:
    """The test of the events analysed (None: all): the content filters, with the server's
    own events always in (restarts must be known to judge streams)."""
    content = replace(event_filter, min_level=None, since=None, until=None)
    if content.matches_all:
        return None
    from ome_events.model import Category

    def chosen(event: Event) -> bool:
        return event.category is Category.SERVER or content(event)

    return chosen


def _shown(finding: Finding, event_filter: EventFilter, kinds: list[str] | None) -> bool:
    """Whether a finding is reported: its severity, its kind, and (with content filters) not
    about the server itself unless server events were asked for."""
    from fnmatch import fnmatchcase

    from ome_events.analyze import Severity
    from ome_events.analyze.findings import SubjectKind

    level = event_filter.min_level
    if level is not None:
        floor = Severity.ERROR if level.rank >= 4 else Severity.WARNING
        if level.rank >= 3 and finding.severity < floor:
            return False
    if kinds and not any(fnmatchcase(finding.kind, k.lower()) for k in kinds):
        return False
    content = replace(event_filter, min_level=None, since=None, until=None)
    if finding.subject.kind is SubjectKind.SERVER and not content.matches_all:
        categories = {c.lower() for c in content.categories}
        return bool(categories & {"server", "serverevent"})
    return True


def _print_digest(args: argparse.Namespace, report: Report, path: str) -> None:
    from ome_events.cli.digest import digest_lines

    zone = display_zone(args)
    lines = digest_lines(report, summary_lines(report, path, args.max_bad_lines, zone),
                         examples=max(args.examples, 1), zone=zone)  # fmt: skip
    if not color_wanted(args.color, sys.stdout):
        sys.stdout.write("\n".join(text for text, _ in lines) + "\n")
        return
    import textwrap

    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, force_terminal=True if args.color == "always" else None)
    for text, style in lines:
        # A long line wraps under its own indentation (a hanging indent), not at column 0,
        # and no line is padded to the terminal's width.
        body = text.lstrip(" ")
        indent = " " * (len(text) - len(body))
        width = max(console.width - len(indent), 20)
        for piece in textwrap.wrap(body, width, break_on_hyphens=False) or [""]:
            console.print(Text(indent + piece, style=style), soft_wrap=True)


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


def _time(value: Any, zone: tzinfo | None = None) -> str:
    from ome_events.cli.render import format_time

    return format_time(value, zone)


def _duration(seconds: float) -> str:
    from ome_events.humanize import duration

    return duration(seconds)


def _uptime(row: StreamRow) -> str:
    if not row.sessions:
        return ""
    return ("≥" if row.partial else "") + _duration(row.uptime_seconds)


def _units(inputs: tuple[str, ...]) -> str:
    """What was counted: lines of the JSON logs, records of the plain server log."""
    if inputs == ("serverlog",):
        return "records"
    return "lines and records" if "serverlog" in inputs else "lines"


def summary_lines(
    report: Report, path: str, max_bad: float = MAX_BAD_SHARE, zone: tzinfo | None = None
) -> list[str]:
    """The summary at the top of the report: first what the input was worth (a report of
    an input that could not be read is never an all-clear), then what it holds."""
    lines = [f"ome-events analyze: {safe(path)}"]
    problem = report.input_problem(max_bad)
    if problem is not None:
        lines.append(f"INPUT NOT TRUSTED: {problem} (this report is not an all-clear)")
    total = report.events + report.bad_lines
    from ome_events.formats import FORMAT_NAMES

    inputs = ", ".join(FORMAT_NAMES.get(name, name) for name in report.inputs)
    lines.append(
        f"read: {report.events:,} events"
        + (f" from {inputs}" if inputs else "")
        + f", {report.bad_lines:,} bad lines"
        + (f" ({report.bad_share:.2%} of {total:,} {_units(report.inputs)})" if total else "")
        + (f", {report.unreadable_files} files not read in full" if report.unreadable_files else "")
    )
    if report.first_event is not None and report.last_event is not None:
        lines.append(
            f"from {_time(report.first_event, zone)} to {_time(report.last_event, zone)}"
            f" ({_zone_name(zone)})"
        )
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
    from ome_events.humanize import plural

    lines.append(
        f"findings: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')},"
        f" {plural(counts['info'], 'note')}"
    )
    return lines


def _several(report: Report) -> bool:
    return len(report.server_names) > 1


def _stream_name(report: Report, row: StreamRow) -> str:
    if row.server and _several(report):
        return f"{safe(row.server)}: {safe(row.stream)}"
    return safe(row.stream)


def plain_report(
    report: Report,
    path: str,
    max_bad: float = MAX_BAD_SHARE,
    *,
    tables: bool = True,
    zone: tzinfo | None = None,
) -> list[str]:
    """The whole report as plain text lines (no colour); ``tables=False`` leaves out the
    stream and endpoint tables."""
    lines = summary_lines(report, path, max_bad, zone)
    several = _several(report)
    for severity in ("error", "warning", "info"):
        chosen = [f for f in report.findings if f.severity.value == severity]
        if not chosen:
            continue
        lines += ["", f"{_SEVERITY_TITLES[severity]} ({len(chosen)})"]
        for finding in chosen:
            lines += _finding_lines(finding, several, zone)
    if not tables:
        return lines
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


def _finding_lines(finding: Finding, several: bool, zone: tzinfo | None) -> list[str]:
    from ome_events.cli.findings import finding_lines  # imports the analyzers: not for --help

    return finding_lines(finding, several, zone)


def _finding_text(finding: Finding, several: bool, zone: tzinfo | None) -> list[Any]:
    from ome_events.cli.findings import finding_text

    return finding_text(finding, several, zone)


def _zone_name(zone: tzinfo | None) -> str:
    """How the report says which clock its times are on."""
    if zone is not None:
        return "UTC"
    from datetime import datetime

    local = datetime.now().astimezone()
    offset = local.strftime("%z")
    if offset == "+0000":
        return "local time, UTC"
    return f"local time, {local.tzname()}, UTC{offset[:3]}:{offset[3:]}"


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


# -- rich ------------------------------------------------------------------------------------


def _print_rich(
    report: Report,
    path: str,
    *,
    force: bool = False,
    max_bad: float = MAX_BAD_SHARE,
    tables: bool = True,
    zone: tzinfo | None = None,
) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False, force_terminal=True if force else None)
    several = _several(report)
    for line in summary_lines(report, path, max_bad, zone):
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
            for text in _finding_text(finding, several, zone):
                console.print(text)
    if not tables:
        return
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
            # Stream names are never cut to "#default#app/…" on 80 columns: the column is as
            # wide as the longest name (up to 40), and what does not fit folds; kinds fold too.
            fold = "fold" if name in ("stream", "kinds") else "ellipsis"
            widest = max(len(_stream_name(report, row)) for row in report.streams)
            table.add_column(
                name,
                justify=justify,  # type: ignore[arg-type]
                overflow=fold,  # type: ignore[arg-type]
                min_width=min(widest, 40) if name == "stream" else None,
            )
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

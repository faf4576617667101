"""``ome-events watch PATH``: follow a live log and show active streams and findings as they
happen.

On a terminal it is a refreshing view (Rich Live): the live streams, then the findings, open
ones first. Otherwise (a pipe, a file, ``--plain``) it writes one line per happening:

* ``start``/``end`` when a stream goes live or ends;
* ``open`` when a problem is first seen (an alert: B-frames the moment OME reports them);
* the finding itself, with its count and time span, once it is over.

The first line, ``# watching PATH``, says it is following.

The follower (:func:`ome_events.follow`) runs in a background thread and hands events over a
bounded queue; the analysis runs here. When the log has been quiet for half a second, the
events held for reordering are processed at once, so an alert does not wait for the next line.
Ctrl-C (or SIGTERM) stops cleanly.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from ome_events.cli.options import (
    UsageError,
    add_path_argument,
    add_server_zone_option,
    apply_server_zone,
    port,
    resolve_paths,
)
from ome_events.cli.style import SEVERITY_STYLES
from ome_events.text import escape_controls as safe

if TYPE_CHECKING:
    from ome_events.analyze import Analysis, Finding
    from ome_events.model import Event

__all__ = ["register", "run"]

#: The environment variable holding the webhook URL (a secret: not on the command line).
WEBHOOK_ENV = "OME_EVENTS_WEBHOOK"
#: Wall-clock seconds without a new event after which held events are processed.
IDLE_FLUSH = 0.5
#: Wall-clock seconds between two refreshes of the view.
REFRESH = 0.5
#: Findings kept on screen (and in memory): the newest.
KEEP_FINDINGS = 200
#: Rows of the live view: streams, findings (the rest are counted, never silently cut).
LIVE_ROWS = 30
FINDING_ROWS = 15


#: The command's line in ``ome-events --help``.
SUMMARY = "follow a live log: active streams and findings as they happen"
#: What ``ome-events watch --help`` says first.
DESCRIPTION = (
    "Follow a live OME event log (across rotations) and show the active streams and"
    " the analyzers' findings as they happen."
)
EXAMPLES = (
    "examples:\n"
    "  ome-events watch /var/log/ovenmediaengine\n"
    "  ome-events watch /var/log/ovenmediaengine --plain | grep --line-buffered bframes\n"
    "  ome-events watch /var/log/ovenmediaengine --exec 'notify-send OME'\n"
    "  OME_EVENTS_WEBHOOK=https://hooks.slack.com/services/... \\\n"
    "      ome-events watch /var/log/ovenmediaengine --checkpoint /var/lib/ome/watch.pos\n"
    "  ome-events watch /var/log/ovenmediaengine --metrics-port 9464   # Prometheus\n"
    "\n"
    "alerts: each new finding of --alert-on severity or worse, once, to --exec (the finding\n"
    "as JSON on standard input, OME_FINDING_* in the environment) and to the webhook (POST\n"
    '{"text": ..., "finding": ...}, retried with backoff). The webhook URL is read from\n'
    "$OME_EVENTS_WEBHOOK (or --webhook) and never printed. With --checkpoint, a restarted\n"
    "watch goes on where it stopped, does not alert twice about the same problem, and first\n"
    "sends the alerts the last run could not deliver before it stopped.\n"
)


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    add_path_argument(parser)
    parser.add_argument(
        "--from-start",
        action="store_true",
        help="begin at the start of the current file instead of its end",
    )
    parser.add_argument(
        "--poll", action="store_true", help="poll the files (no inotify; for NFS, containers)"
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="write plain lines even on a terminal (the default when not on one)",
    )
    parser.add_argument(
        "--utc", action="store_true", help="show times in UTC (default: the local zone)"
    )
    add_server_zone_option(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help=(
            "one JSON object per line for each start, end, opened problem and finding"
            ' ({"what": "start"|"end"|"open"|"finding", ...})'
        ),
    )
    parser.add_argument(
        "--checkpoint",
        metavar="FILE",
        help=(
            "resume where the last run stopped (FILE, FILE.SERVER for several logs) and"
            " remember the alerts sent (FILE.alerts)"
        ),
    )
    alerts = parser.add_argument_group("alerts and metrics")
    alerts.add_argument(
        "--exec",
        metavar="COMMAND",
        help="run COMMAND for each new finding (no shell; the finding as JSON on its stdin)",
    )
    alerts.add_argument(
        "--webhook",
        metavar="URL",
        default=os.environ.get(WEBHOOK_ENV),
        help=f"POST each new finding to URL (default ${WEBHOOK_ENV}: keeps it out of ps)",
    )
    alerts.add_argument(
        "--alert-on",
        choices=("info", "warning", "error"),
        default="warning",
        help="the least severity alerted (default warning)",
    )
    alerts.add_argument(
        "--metrics-port",
        type=port,
        metavar="PORT",
        help="serve Prometheus metrics on PORT (needs: pip install 'ome-events[metrics]')",
    )
    alerts.add_argument(
        "--metrics-address",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="where the metrics listen (default 127.0.0.1; 0.0.0.0 for every interface)",
    )
    alerts.add_argument(
        "--metrics-streams",
        action="store_true",
        help="add a stream label to the event counter (one series per stream: mind the size)",
    )


def run(args: argparse.Namespace) -> int:
    """Follow and analyze until interrupted; return the exit status."""
    from ome_events.cli.runtime import guarded

    return guarded(lambda: _watch(args), interrupted_status=0)


def _watch(args: argparse.Namespace) -> int:
    import queue
    import threading
    from datetime import UTC

    import ome_events
    from ome_events.analyze import Analysis
    from ome_events.cli.style import is_terminal

    zone = UTC if args.utc else None  # the command line's one clock
    follower: Any = None
    failure: list[BaseException] = []
    status = 0
    try:
        paths = resolve_paths(args)
        apply_server_zone(args)
    except UsageError as error:
        args._parser.error(str(error))
    if "-" in paths:
        args._parser.error("watch follows log files: '-' (standard input) is not one")
    from ome_events.cli.history import check_paths

    try:
        check_paths(paths, follow=True)
    except FileNotFoundError as error:
        print(f"ome-events: {error}", file=sys.stderr)
        return 1
    try:
        hooks = _Hooks.from_args(args)
    except (ImportError, OSError, ValueError) as error:
        print(f"ome-events watch: {error}", file=sys.stderr)
        return 2
    try:
        follower = ome_events.follow(
            paths,
            start="start" if args.from_start else "end",
            poll=args.poll,
            checkpoint=args.checkpoint,
            on_error=hooks.bad_line,
        )
        events: queue.Queue[Event | None] = queue.Queue(maxsize=10_000)

        def pump() -> None:
            assert follower is not None
            try:
                for event in follower:
                    events.put(event)
            except Exception as error:  # reported by the main thread
                failure.append(error)
            finally:
                events.put(None)

        threading.Thread(target=pump, name="ome-events-follow", daemon=True).start()
        fancy = not args.plain and not args.json and is_terminal(sys.stdout)
        shown = ", ".join(paths)
        several = len(paths) > 1
        view: _View = (
            _LiveView(shown, zone)
            if fancy
            else _PlainView(shown, several, json=args.json, zone=zone)
        )
        with view:
            status = _loop(events, Analysis(), view, hooks)
    except (FileNotFoundError, NotADirectoryError, PermissionError, ValueError) as error:
        print(f"ome-events watch: {error}", file=sys.stderr)
        status = 2
    finally:
        if follower is not None:
            follower.close()
        hooks.close()
    if failure:
        print(f"ome-events watch: the follower stopped: {failure[0]}", file=sys.stderr)
        return 1
    return status


def _loop(events: Any, analysis: Analysis, view: _View, hooks: _Hooks) -> int:
    import queue
    import time

    last_refresh = 0.0
    quiet_since = time.monotonic()
    flushed = True

    def found(findings: list[Finding]) -> None:
        view.found(findings, final=True)
        hooks.found(findings)

    def refresh() -> None:
        view.refresh(analysis)
        hooks.refresh(analysis)

    while True:
        try:
            item = events.get(timeout=IDLE_FLUSH / 2)
        except queue.Empty:
            item = ...
        now = time.monotonic()
        if item is None:
            found(analysis.finish())
            refresh()
            return 0
        if item is ...:
            if getattr(view, "resized", False):
                refresh()
                last_refresh = now
            if not flushed and now - quiet_since >= IDLE_FLUSH:
                found(analysis.flush())
                flushed = True
                refresh()
                last_refresh = now
            elif now - last_refresh >= REFRESH * 4:
                hooks.refresh(analysis)  # the lag grows while the log is quiet
                last_refresh = now
            continue
        quiet_since = now
        flushed = False
        hooks.observe(item)
        found(analysis.feed(item))
        if now - last_refresh >= REFRESH:
            refresh()
            last_refresh = now


class _Hooks:
    """Alerts and metrics, when asked for: told about every event, the final findings and
    the analysis now and then (open incidents are alerted when first seen)."""

    def __init__(self, alerts: Any = None, metrics: Any = None) -> None:
        self.alerts = alerts
        self.metrics = metrics
        self._server: Any = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> _Hooks:
        from ome_events.analyze import Severity

        alerts = metrics = None
        destinations: list[Any] = []
        if args.exec or args.webhook:
            from ome_events.alerts import AlertLog, Alerts, CommandAlert, WebhookAlert

            if args.exec:
                destinations.append(CommandAlert(args.exec))
            if args.webhook:
                destinations.append(WebhookAlert(args.webhook))
            sent = AlertLog(f"{args.checkpoint}.alerts" if args.checkpoint else None)
            alerts = Alerts(destinations, minimum=Severity(args.alert_on), log_of_sent=sent)
        hooks = cls(alerts)
        if args.metrics_port is not None:
            try:
                from ome_events.metrics import WatchMetrics
            except ImportError as error:
                raise ImportError(
                    f"--metrics-port needs prometheus_client: pip install 'ome-events[metrics]'"
                    f" ({error})"
                ) from None
            metrics = WatchMetrics(streams=args.metrics_streams)
            hooks.metrics = metrics
            hooks._server = metrics.serve(args.metrics_port, args.metrics_address)
            print(
                f"# metrics on http://{args.metrics_address}:{args.metrics_port}/metrics",
                file=sys.stderr,
                flush=True,
            )
        return hooks

    def observe(self, event: Event) -> None:
        if self.metrics is not None:
            self.metrics.observe(event)

    def bad_line(self, error: object) -> None:
        import logging

        logging.getLogger("ome_events.follower").warning("skipped bad line: %s", error)
        if self.metrics is not None:
            self.metrics.bad_line()

    def found(self, findings: list[Finding]) -> None:
        if not findings:
            return
        if self.metrics is not None:
            self.metrics.found(findings)
        if self.alerts is not None:
            self.alerts.notify(findings)

    def refresh(self, analysis: Analysis) -> None:
        if self.metrics is not None:
            self.metrics.refresh(analysis)
        if self.alerts is not None:
            self.alerts.notify(analysis.pending())  # a problem is alerted when it opens

    def close(self) -> None:
        if self.alerts is not None:
            self.alerts.close()
            for line in self.alerts.describe():
                print(f"ome-events watch: {line}", file=sys.stderr)
        if self._server is not None:
            self._server.shutdown()


class _View:
    """What the loop talks to."""

    def __enter__(self) -> _View:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def found(self, findings: list[Finding], *, final: bool) -> None:
        """Findings that became certain."""

    def refresh(self, analysis: Analysis) -> None:
        """Show the current state."""


def _key(finding: Finding) -> tuple[str, str, Any]:
    return (finding.kind, f"{finding.server}:{finding.subject.id}", finding.first)


def _time(value: Any, zone: Any) -> str:
    """A time on the command line's clock (the local zone, or UTC with --utc)."""
    from ome_events.cli.render import format_time

    return format_time(value, zone)


def _short(value: Any, zone: Any = None) -> str:
    """``03-26 10:00:07`` (for the narrow columns of the live view), on the same clock."""
    return str(value.astimezone(zone).strftime("%m-%d %H:%M:%S"))


class _PlainView(_View):
    """One line per happening, flushed at once (for pipes, files and ``grep``)."""

    def __init__(
        self, path: str, servers: bool = False, *, json: bool = False, zone: Any = None
    ) -> None:
        self._zone = zone
        self._announced: set[tuple[str, str, Any]] = set()
        self._live: dict[tuple[str | None, str], Any] = {}
        self._servers = servers
        self._json = json
        if not json:
            self._write(f"# watching {safe(path)} (Ctrl-C to stop)")

    def _write(self, line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def _name(self, server: str | None, stream: str) -> str:
        return _named(server, stream) if self._servers else stream

    def _record(self, what: str, **data: Any) -> None:
        import orjson

        self._write(orjson.dumps({"what": what, **data}, default=str).decode())

    def found(self, findings: list[Finding], *, final: bool) -> None:
        for finding in findings:
            self._announced.discard(_key(finding))
            if self._json:
                self._record("finding", finding=finding.to_json())
            else:
                from ome_events.cli.findings import one_line

                self._write(one_line(finding, self._servers, self._zone))

    def refresh(self, analysis: Analysis) -> None:
        live = {
            (server, str(source)): (sid, first)
            for server, source, sid, first, _ in analysis.active_sessions()
        }
        for (server, stream), (sid, first) in live.items():
            if self._live.get((server, stream)) != (sid, first):
                if self._json:
                    self._record("start", server=server, stream=stream, id=sid,
                                 time=first.isoformat())  # fmt: skip
                    continue
                ident = f" (Id {sid})" if sid else ""
                start = _time(first, self._zone)
                self._write(f"{start}  start    {safe(self._name(server, stream))}{ident}")
        now = analysis.now
        for server, stream in self._live.keys() - live.keys():
            if self._json:
                when = None if now is None else now.isoformat()
                self._record("end", server=server, stream=stream, time=when)
                continue
            shown = _time(now, self._zone) if now is not None else "?"
            self._write(f"{shown}  end      {safe(self._name(server, stream))}")
        self._live = live
        for finding in analysis.pending():
            key = _key(finding)
            if key in self._announced:
                continue
            self._announced.add(key)
            if self._json:
                self._record("open", finding=finding.to_json())
                continue
            self._write(
                f"{_time(finding.first, self._zone)}  open     {finding.severity.value}"
                f"  {finding.kind}"
                f"  {safe(finding.subject)}: {safe(finding.message)}"
            )
        if len(self._announced) > 10_000:
            self._announced.clear()


def _named(server: str | None, source: object) -> str:
    """A stream as shown: ``server:#vhost#app/stream`` when the server is known."""
    return f"{server}:{source}" if server else str(source)


class _LiveView(_View):
    """A refreshing terminal view: live streams, then findings (open ones first)."""

    def __init__(self, path: str, zone: Any = None) -> None:
        from rich.console import Console

        self.zone = zone
        from rich.live import Live

        self.path = path
        self.console = Console(highlight=False)
        self.live = Live(console=self.console, auto_refresh=False, screen=False)
        self.final: list[Finding] = []
        #: Set when the terminal was resized: the loop redraws on its next turn.
        self.resized = False

    def __enter__(self) -> _LiveView:
        import signal

        self.live.__enter__()
        if hasattr(signal, "SIGWINCH"):  # a resized terminal is redrawn at once, not at the
            signal.signal(signal.SIGWINCH, self._on_resize)  # next event
        return self

    def _on_resize(self, signum: int, frame: Any) -> None:
        self.resized = True

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def found(self, findings: list[Finding], *, final: bool) -> None:
        self.final.extend(findings)
        del self.final[:-KEEP_FINDINGS]

    def refresh(self, analysis: Analysis) -> None:
        from rich import box
        from rich.console import Group, RenderableType
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        now = analysis.now
        header = Text(f"ome-events watch {safe(self.path)}  ", style="bold")
        header.append(f"{analysis.events:,} events", style="dim")
        if now is not None:
            header.append(f", last at {_time(now, self.zone)}", style="dim")
        active = analysis.active_sessions()
        streams = Table(
            title=f"Live streams ({len(active)})", box=box.SIMPLE_HEAD, title_justify="left"
        )
        # A stream's name is never cut: it folds onto the next row of its cell.
        streams.add_column("stream", overflow="fold", ratio=1)
        streams.add_column("id", no_wrap=True)
        streams.add_column("since", no_wrap=True)
        streams.add_column("uptime", no_wrap=True, justify="right")
        streams.add_column("prepared", no_wrap=True)
        from ome_events.humanize import duration

        if len(active) > LIVE_ROWS:
            streams.caption = f"and {len(active) - LIVE_ROWS} more live streams"
        for server, source, sid, first, prepared in active[-LIVE_ROWS:]:
            streams.add_row(
                Text(safe(_named(server, source))),
                Text(safe(sid or "")),
                Text(_short(first, self.zone)),
                Text(duration(now - first) if now is not None else ""),
                Text("yes", style="green") if prepared else Text("not yet", style="yellow"),
            )
        pending = analysis.pending()
        shown = [(True, f) for f in sorted(pending, key=lambda f: f.last, reverse=True)]
        shown += [(False, f) for f in reversed(self.final)]
        findings: list[RenderableType] = [Text(f"Findings ({len(pending)} open)", style="italic")]
        for is_open, finding in shown[:FINDING_ROWS]:
            severity = finding.severity.value
            head = Text()
            head.append("open " if is_open else "     ", style="bold")
            head.append(f"{severity:<8}", style=SEVERITY_STYLES[severity])
            head.append(f"{finding.kind}  ")
            head.append(safe(finding.subject), style="bold")
            head.append(f"  {_short(finding.first, self.zone)}", style="dim")
            if finding.count > 1:
                head.append(f"  x{finding.count}")
            # Wrapped lines stay under their own indentation, never back at column 0.
            findings.append(Padding(head, (0, 0, 0, 2), expand=False))
            findings.append(Padding(Text(safe(finding.message)), (0, 0, 0, 7), expand=False))
        if len(shown) > FINDING_ROWS:
            hidden = len(shown) - FINDING_ROWS
            findings.append(Text(f"  ... and {hidden} more (watch --plain lists every one)",
                                 style="italic"))  # fmt: skip
        self.live.update(Group(header, streams, *findings), refresh=True)
        self.resized = False

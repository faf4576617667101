"""Running every detector together: :class:`AnalyzerConfig`, :class:`Analysis` and
:func:`analyze`.

The detectors share one reorder buffer, one clock and one incident book, so an event is ordered
once, dispatched only to the detectors that read its type, and two detectors that see the same
problem (OME's B-frame warning and a snapshot with ``hasBframes``) give one finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ome_events.analyze.abnormal import AbnormalAnalyzer, AbnormalConfig
from ome_events.analyze.access import AccessAnalyzer, AccessConfig
from ome_events.analyze.base import BaseAnalyzer, Clock, Handler
from ome_events.analyze.findings import Finding, Report
from ome_events.analyze.incidents import EVIDENCE_LIMIT, IncidentBook
from ome_events.analyze.lifecycle import LifecycleAnalyzer, LifecycleConfig
from ome_events.analyze.media import MediaAnalyzer, MediaConfig
from ome_events.analyze.outputs import OutputsAnalyzer, OutputsConfig
from ome_events.analyze.reorder import REORDER_WINDOW, ReorderBuffer
from ome_events.analyze.report import StreamTable
from ome_events.analyze.restapi import RestApiAnalyzer, RestApiConfig
from ome_events.analyze.server import ServerAnalyzer, ServerConfig
from ome_events.analyze.serverlog import ServerLogAnalyzer, ServerLogConfig
from ome_events.analyze.stats import StatsAnalyzer, StatsConfig
from ome_events.model import Category, Event, SourceId

__all__ = ["Analysis", "AnalyzerConfig", "ServerAnalysis", "analyze"]


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """Every threshold of every detector, with its default (see each family's config class).

    Attributes:
        reorder_window: how late (in event time) an event may arrive and still be put in its
            place. Default 2 s.
        evidence_limit: how many events a finding names as evidence. Default 20.
        max_table_streams: streams in the per-stream table (the rest are summed up).
            Default 10,000.

    Example::

        config = AnalyzerConfig(media=MediaConfig(max_keyframe_interval=2.0))
    """

    abnormal: AbnormalConfig = field(default_factory=AbnormalConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    outputs: OutputsConfig = field(default_factory=OutputsConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    restapi: RestApiConfig = field(default_factory=RestApiConfig)
    access: AccessConfig = field(default_factory=AccessConfig)
    stats: StatsConfig = field(default_factory=StatsConfig)
    serverlog: ServerLogConfig = field(default_factory=ServerLogConfig)
    reorder_window: timedelta = field(default=REORDER_WINDOW)
    evidence_limit: int = EVIDENCE_LIMIT
    max_table_streams: int = 10_000


class ServerAnalysis:
    """All the detectors at once over one server's events, fed one event at a time.

    :class:`Analysis` keeps one per server. Use it directly for a single server's events.

    >>> from ome_events import read_events
    >>> analysis = ServerAnalysis()
    >>> found = []
    >>> for event in read_events("sample_logs/server-utc"):   # doctest: +SKIP
    ...     found += analysis.feed(event)                      # certain findings, as they come
    >>> found += analysis.finish()                             # the rest, at the end
    >>> report = analysis.report(found)

    ``pending()`` shows what the open incidents would give if the input ended now, and
    ``flush()`` releases the events held for reordering (for a live log that went quiet).
    """

    def __init__(self, config: AnalyzerConfig | None = None) -> None:
        self.config = config = config or AnalyzerConfig()
        self.clock = Clock()
        self.book = IncidentBook(config.evidence_limit)
        self.table = StreamTable(self.clock, config.max_table_streams)
        self.events = 0
        self._buffer = ReorderBuffer(config.reorder_window)
        self._push = self._buffer.push
        book, clock = self.book, self.clock
        self.lifecycle = LifecycleAnalyzer(
            config.lifecycle, on_session=self.table.add_session, book=book, clock=clock
        )
        self.media = MediaAnalyzer(config.media, book=book, clock=clock)
        self.outputs = OutputsAnalyzer(config.outputs, book=book, clock=clock)
        self.server = ServerAnalyzer(config.server, book=book, clock=clock)
        self.restapi = RestApiAnalyzer(config.restapi, book=book, clock=clock)
        self.access = AccessAnalyzer(config.access, book=book, clock=clock)
        self.stats = StatsAnalyzer(config.stats, book=book, clock=clock)
        self.serverlog = ServerLogAnalyzer(config.serverlog, book=book, clock=clock)
        others: list[BaseAnalyzer[Any]] = [
            self.lifecycle, self.media, self.outputs, self.server, self.restapi, self.access,
            self.stats, self.serverlog,
        ]  # fmt: skip
        covered = {name for analyzer in others for name in analyzer.handlers()}
        self.abnormal = AbnormalAnalyzer(config.abnormal, covered=covered, book=book, clock=clock)
        # Media before abnormal: both see AbnormalStreamDetected, and the snapshot's figures
        # make the better first impression of an incident.
        self.analyzers: tuple[BaseAnalyzer[Any], ...] = (*others, self.abnormal)
        dispatch: dict[str, list[Handler]] = {}
        for analyzer in self.analyzers:
            for name, handler in analyzer.handlers().items():
                dispatch.setdefault(name, []).append(handler)
        self._dispatch = {name: tuple(handlers) for name, handlers in dispatch.items()}
        # The detectors that settle expired state on the clock (the others' tick does nothing).
        self._tickers = tuple(
            analyzer.tick
            for analyzer in self.analyzers
            if type(analyzer).tick is not BaseAnalyzer.tick
        )
        self._other = self.abnormal.fallback
        self._record = self.serverlog.on_record

    def _fallback(self, event: Event) -> None:
        """An event of a type no detector reads: the server log's untyped records (their
        type is their tag) go to its detector, others to the catch-all."""
        if event.category is Category.SERVER_LOG:
            self._record(event)
        else:
            self._other(event)

    def feed(self, event: Event) -> list[Finding]:
        """Take one event; return the findings that became certain (often none)."""
        # The hot loop of `ome-events analyze`: the dispatch of released events is inlined.
        self.events += 1
        released = self._push(event)
        if not released:
            return []
        clock = self.clock
        dispatch = self._dispatch
        for item in released:
            time = item.time
            if time >= clock.next_tick:
                self._tick(time)
            elif time > clock.now:  # type: ignore[operator]
                clock.now = time
            handlers = dispatch.get(item.type)
            if handlers is None:
                self._fallback(item)
            else:
                for handler in handlers:
                    handler(item)
        if self.book.outbox:
            return self._take()
        return []

    def _tick(self, time: datetime) -> None:
        clock = self.clock
        if clock.observe(time):
            now = clock.now
            assert now is not None
            for tick in self._tickers:
                tick(now)
            self.book.sweep(now)

    def _process(self, event: Event) -> None:
        time = event.time
        clock = self.clock
        if time >= clock.next_tick:
            self._tick(time)
        elif time > clock.now:  # type: ignore[operator]
            clock.now = time
        handlers = self._dispatch.get(event.type)
        if handlers is None:
            self._fallback(event)
        else:
            for handler in handlers:
                handler(event)

    def flush(self) -> list[Finding]:
        """Process the events held for reordering now (a live log went quiet)."""
        for item in self._buffer.drain():
            self._process(item)
        return self._take()

    def finish(self) -> list[Finding]:
        """End of input: settle everything still open and return the last findings."""
        for item in self._buffer.drain():
            self._process(item)
        for analyzer in self.analyzers:
            analyzer.close()
        self.book.close_all()
        return self._take()

    def pending(self) -> list[Finding]:
        """What the open incidents would give if the input ended now (for live views)."""
        out = self.book.pending()
        for analyzer in self.analyzers:
            out += analyzer.pending_extra()
        out.sort(key=lambda f: f.sort_key)
        return out

    def _take(self) -> list[Finding]:
        out = self.book.outbox
        self.book.outbox = []
        self.table.add_findings(out)
        return out

    def report(self, findings: Iterable[Finding], *, bad_lines: int = 0) -> Report:
        """The report of this analysis, with ``findings`` (those returned by feed/finish)."""
        ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
        return Report(
            findings=ordered,
            streams=tuple(self.table.rows()),
            endpoints=tuple(self.restapi.endpoints()),
            servers=tuple(self.server.servers()),
            events=self.events,
            first_event=self.clock.first,
            last_event=self.clock.now,
            bad_lines=bad_lines,
            sessions=self.table.sessions,
        )


class Analysis:
    """All the detectors, over one server's events or a fleet's: one :class:`ServerAnalysis`
    per server (``event.server``), so that nothing crosses servers (a restart of one is not an
    unclean restart of another, same-named streams of two servers are two streams). Findings
    and rows say which server they are about (``finding.server``).

    >>> from ome_events import read_events
    >>> analysis = Analysis()
    >>> found = []
    >>> for event in read_events(["logs/edge1", "logs/edge2"]):   # doctest: +SKIP
    ...     found += analysis.feed(event)
    >>> found += analysis.finish()
    >>> report = analysis.report(found)
    """

    def __init__(self, config: AnalyzerConfig | None = None) -> None:
        self.config = config or AnalyzerConfig()
        #: One analysis per server, by ``event.server`` (None: events not read from a log).
        self.per_server: dict[str | None, ServerAnalysis] = {}
        self._last: tuple[str | None, ServerAnalysis] | None = None

    def _of(self, server: str | None) -> ServerAnalysis:
        last = self._last
        if last is not None and last[0] == server:
            return last[1]
        analysis = self.per_server.get(server)
        if analysis is None:
            analysis = self.per_server[server] = ServerAnalysis(self.config)
        self._last = (server, analysis)
        return analysis

    def feed(self, event: Event) -> list[Finding]:
        """Take one event; return the findings that became certain (often none)."""
        origin = event.origin
        server = None if origin is None else origin.server
        found = self._of(server).feed(event)
        return _stamped(found, server) if found else found

    def flush(self) -> list[Finding]:
        """Process the events held for reordering now (a live log went quiet)."""
        return [f for s, a in self.per_server.items() for f in _stamped(a.flush(), s)]

    def finish(self) -> list[Finding]:
        """End of input: settle everything still open and return the last findings."""
        return [f for s, a in self.per_server.items() for f in _stamped(a.finish(), s)]

    def pending(self) -> list[Finding]:
        """What the open incidents would give if the input ended now (for live views)."""
        out = [f for s, a in self.per_server.items() for f in _stamped(a.pending(), s)]
        out.sort(key=lambda f: f.sort_key)
        return out

    @property
    def events(self) -> int:
        """Events fed so far."""
        return sum(a.events for a in self.per_server.values())

    @property
    def now(self) -> datetime | None:
        """The latest event time seen, over every server."""
        times = [a.clock.now for a in self.per_server.values() if a.clock.now is not None]
        return max(times) if times else None

    def active_sessions(self) -> list[tuple[str | None, SourceId, str | None, datetime, bool]]:
        """The open stream sessions: (server, stream, Id, first seen, prepared)."""
        return [
            (server, *session)
            for server, analysis in self.per_server.items()
            for session in analysis.lifecycle.active_sessions()
        ]

    def report(self, findings: Iterable[Finding], *, bad_lines: int = 0) -> Report:
        """The report of this analysis, with ``findings`` (those returned by feed/finish)."""
        ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
        parts = [
            (server, analysis.report((), bad_lines=0))
            for server, analysis in self.per_server.items()
        ]
        firsts = [r.first_event for _, r in parts if r.first_event is not None]
        lasts = [r.last_event for _, r in parts if r.last_event is not None]
        return Report(
            findings=ordered,
            streams=tuple(replace(row, server=server) for server, r in parts for row in r.streams),
            endpoints=tuple(
                replace(row, server=server) for server, r in parts for row in r.endpoints
            ),
            servers=tuple(replace(row, server=server) for server, r in parts for row in r.servers),
            events=sum(r.events for _, r in parts),
            first_event=min(firsts) if firsts else None,
            last_event=max(lasts) if lasts else None,
            bad_lines=bad_lines,
            sessions=sum(r.sessions for _, r in parts),
        )


def _stamped(findings: list[Finding], server: str | None) -> list[Finding]:
    if server is None:
        return findings
    return [replace(finding, server=server) for finding in findings]


def analyze(
    events: Iterable[Event], config: AnalyzerConfig | None = None, *, bad_lines: int | None = None
) -> Report:
    """Run every detector over ``events`` and return the report.

    ``bad_lines`` is the number of unreadable lines met while reading ``events``; by default
    the reader's own count when ``events`` is one (:class:`~ome_events.reader.EventReader`).

    >>> import ome_events
    >>> report = analyze(ome_events.read_events("sample_logs/server-utc"))
    >>> report.counts()
    {'error': 3, 'warning': 13, 'info': 2}
    """
    analysis = Analysis(config)
    found: list[Finding] = []
    feed = analysis.feed
    for event in events:
        new = feed(event)
        if new:
            found += new
    found += analysis.finish()
    if bad_lines is None:
        bad_lines = getattr(events, "error_count", 0)
    return analysis.report(found, bad_lines=bad_lines or 0)

"""Prometheus metrics of a watched log (the ``metrics`` extra: ``prometheus_client``).

``ome-events watch --metrics-port 9464`` serves them on ``http://127.0.0.1:9464/metrics``
(``--metrics-address`` to listen elsewhere). Labels are bounded: no stream label unless
asked (``streams=True``), at most ``max_apps`` apps per server (the rest are ``other``),
types and categories as OME names them (a few dozen), kinds of finding (a few dozen).

=====================================================  ===========================================
``ome_events_events_total{server,level,category,type,app}``  events read (counter)
``ome_events_findings_total{server,kind,severity}``          findings made final (counter)
``ome_events_open_incidents{server,kind}``                    problems going on now (gauge)
``ome_events_live_streams{server}``                           streams live now (gauge)
``ome_events_bad_lines_total``                                lines that could not be read (counter)
``ome_events_last_event_timestamp_seconds{server}``           time of the last event read (gauge)
``ome_events_follower_lag_seconds{server}``                   now minus that time (gauge)
=====================================================  ===========================================
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client import Counter as PromCounter

if TYPE_CHECKING:
    from ome_events.analyze import Analysis, Finding
    from ome_events.model import Event

__all__ = ["WatchMetrics"]

#: Label of the apps beyond ``max_apps`` of a server.
OTHER = "other"


class WatchMetrics:
    """The metrics of one ``watch``: fed each event (:meth:`observe`), the final findings
    (:meth:`found`) and the analysis now and then (:meth:`refresh`)."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        *,
        streams: bool = False,
        max_apps: int = 50,
    ) -> None:
        self.registry = registry or CollectorRegistry()
        self.streams = streams
        self.max_apps = max_apps
        labels = ["server", "level", "category", "type", "app"] + (["stream"] if streams else [])
        self.events = PromCounter(
            "ome_events_events", "Events read from the OME event log.", labels,
            registry=self.registry,
        )  # fmt: skip
        self.findings = PromCounter(
            "ome_events_findings", "Findings of the analyzers, when final.",
            ["server", "kind", "severity"], registry=self.registry,
        )  # fmt: skip
        self.open = Gauge(
            "ome_events_open_incidents", "Problems going on now, by kind.", ["server", "kind"],
            registry=self.registry,
        )  # fmt: skip
        self.live = Gauge(
            "ome_events_live_streams", "Streams live now.", ["server"], registry=self.registry
        )
        self.bad_lines = PromCounter(
            "ome_events_bad_lines", "Lines that could not be read as events.",
            registry=self.registry,
        )  # fmt: skip
        self.last_event = Gauge(
            "ome_events_last_event_timestamp_seconds", "Time of the last event read.",
            ["server"], registry=self.registry,
        )  # fmt: skip
        self.lag = Gauge(
            "ome_events_follower_lag_seconds",
            "Seconds between now and the time of the last event read.",
            ["server"], registry=self.registry,
        )  # fmt: skip
        self._apps: dict[str, set[str]] = {}
        self._open_keys: set[tuple[str, str]] = set()
        self._live_servers: set[str] = set()

    def _app(self, server: str, app: str | None) -> str:
        if not app:
            return ""
        known = self._apps.setdefault(server, set())
        if app in known:
            return app
        if len(known) < self.max_apps:
            known.add(app)
            return app
        return OTHER

    def observe(self, event: Event) -> None:
        """Count one event."""
        server = event.server or ""
        source = event.source
        values = [server, str(event.level), str(event.category), str(event.type),
                  self._app(server, source.app)]  # fmt: skip
        if self.streams:
            values.append(source.stream or "")
        self.events.labels(*values).inc()
        stamp = event.time.timestamp()
        self.last_event.labels(server).set(stamp)
        self.lag.labels(server).set(max(0.0, time.time() - stamp))

    def bad_line(self, count: int = 1) -> None:
        self.bad_lines.inc(count)

    def found(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.findings.labels(finding.server or "", finding.kind, finding.severity.value).inc()

    def refresh(self, analysis: Analysis) -> None:
        """Open incidents and live streams now; the lag of each server."""
        counts: Counter[tuple[str, str]] = Counter(
            (f.server or "", f.kind) for f in analysis.pending()
        )
        for key in self._open_keys - counts.keys():
            self.open.labels(*key).set(0)
        for key, count in counts.items():
            self.open.labels(*key).set(count)
        self._open_keys |= counts.keys()
        live: Counter[str] = Counter(server or "" for server, *_ in analysis.active_sessions())
        for server in self._live_servers - live.keys():
            self.live.labels(server).set(0)
        for server, count in live.items():
            self.live.labels(server).set(count)
        self._live_servers |= live.keys()
        now = time.time()
        for metric in self.last_event.collect():
            for sample in metric.samples:
                self.lag.labels(sample.labels["server"]).set(max(0.0, now - sample.value))

    def serve(self, port: int, address: str = "127.0.0.1") -> Any:
        """Serve ``/metrics`` on ``address:port`` (127.0.0.1 unless told otherwise) in a
        background thread; returns the server (``shutdown()`` stops it)."""
        from prometheus_client import start_http_server

        server, _thread = start_http_server(port, addr=address, registry=self.registry)
        return server

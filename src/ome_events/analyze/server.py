"""The server as a whole: restarts (``ServerStarted`` after other events) and bursts of
``InternalQueueCongestion``.

Findings:

* ``server_restart`` (info): the server started again after a clean shutdown (its hosts were
  deleted just before);
* ``unclean_restart``: it started again without shutting down first (a crash or a kill);
* ``restart_loop``: it restarted several times in a short while;
* ``queue_congestion``: an internal queue reported congestion several times in a short while.
  OME logs these at level Info; one alone is normal under load, a burst is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import ServerRow, Severity, Subject
from ome_events.analyze.incidents import Incident, IncidentSpec, Verdict, by_group
from ome_events.model import Event
from ome_events.summary import field_after, whole_number

__all__ = ["ServerAnalyzer", "ServerConfig"]


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Thresholds of the server checks.

    Attributes:
        congestion_gap: congestion events of one queue less than this apart are one burst.
            Default 60 s.
        congestion_min_events: how many make a burst worth reporting. Default 5.
        graceful_window: a restart less than this after a ``HostDeleted`` followed a clean
            shutdown. Default 5 min.
        restart_gap: restarts less than this apart are one finding. Default 30 min.
        restart_loop_min: how many restarts within ``restart_gap`` of each other make a
            restart loop. Default 3.
    """

    congestion_gap: timedelta = field(default=timedelta(seconds=60))
    congestion_min_events: int = 5
    graceful_window: timedelta = field(default=timedelta(minutes=5))
    restart_gap: timedelta = field(default=timedelta(minutes=30))
    restart_loop_min: int = 3


def _explain_congestion(incident: Incident) -> str:
    figures = []
    if incident.fact("max_size") is not None:
        figures.append(f"size up to {incident.fact('max_size')}")
    if incident.fact("peak") is not None:
        figures.append(f"peak {incident.fact('peak')}")
    if incident.fact("threshold") is not None:
        figures.append(f"threshold {incident.fact('threshold')}")
    detail = f" ({', '.join(figures)})" if figures else ""
    return (
        f"internal queue {incident.fact('queue') or '?'} congested {incident.count} times"
        f" in {fmt.duration(incident.duration)}{detail}"
    )


CONGESTION_HINT = (
    "OME cannot keep up: too many streams or transcodes for its CPU, or a slow output;"
    " reduce the load or add servers"
)


def _explain_restart(incident: Incident, loop: bool) -> str:
    name = incident.fact("name")
    versions = incident.fact("versions") or []
    previous = incident.fact("previous_version")
    who = f"server {name}" if name else "server"
    if listed := fmt.listing(versions):
        who += f" ({listed})"
    if loop:
        return f"{who} restarted {incident.count} times in {fmt.duration(incident.duration)}"
    kinds = incident.fact("shutdown") or {}
    if "unclean" in kinds:
        text = f"{who} started again without shutting down first: it crashed or was killed"
    else:
        text = f"{who} restarted after a clean shutdown"
    if previous and versions and previous not in versions:
        text += f" (upgraded from {previous})"
    if incident.count > 1:
        text += f" ({incident.count} times)"
    return text


class ServerAnalyzer(BaseAnalyzer[ServerConfig]):
    """Restarts and queue congestion (see :class:`ServerConfig`)."""

    name = "server"
    config_class = ServerConfig

    def setup(self) -> None:
        """The detector's own state."""
        self._servers: dict[str, list[str | int | None]] = {}
        self._host_deleted: datetime | None = None
        self._terminated = False  # the server log said it shut down cleanly
        self._started_seen = False

    def make_specs(self, config: ServerConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        return by_group(
            IncidentSpec.of(
                "queue_congestion",
                Severity.WARNING,
                _explain_congestion,
                CONGESTION_HINT,
                gap=config.congestion_gap,
                min_count=config.congestion_min_events,
                highest="max_size peak threshold",
            ),
            IncidentSpec.of(
                "restart",
                Severity.INFO,
                lambda incident: _explain_restart(incident, False),
                gap=config.restart_gap,
                classify=self._classify_restart,
                counted="shutdown",
                distinct="versions",
            ),
        )

    def _classify_restart(self, incident: Incident) -> Verdict:
        shutdown = incident.fact("shutdown") or {}
        if incident.count >= self.config.restart_loop_min:
            return Verdict(
                "restart_loop",
                Severity.WARNING,
                _explain_restart(incident, True),
                "the server keeps restarting: read OME's own log for the error that stops it",
            )
        if "unclean" in shutdown:
            return Verdict(
                "unclean_restart",
                Severity.WARNING,
                _explain_restart(incident, False),
                "read OME's own log (and the system journal, core dumps) from just before",
            )
        return Verdict(
            "server_restart",
            Severity.INFO,
            _explain_restart(incident, False),
            "nothing to do if the restart was planned",
        )

    def handlers(self) -> dict[str, Handler]:
        """ServerStarted, HostDeleted (and the server log's ServerTerminated, a shutdown)
        and InternalQueueCongestion."""
        return {
            "ServerStarted": self.on_started,
            "HostDeleted": self.on_host_deleted,
            "ServerTerminated": self.on_terminated,
            "InternalQueueCongestion": self.on_congestion,
        }

    def servers(self) -> list[ServerRow]:
        """The servers seen (by ``ServerStarted``), with their last name and version."""
        return [
            ServerRow(server_id, name, version, int(starts or 0))  # type: ignore[arg-type]
            for server_id, (name, version, starts) in sorted(self._servers.items())
        ]

    def on_host_deleted(self, event: Event) -> None:
        """``HostDeleted``: a shutdown is under way (or a host was removed)."""
        self._host_deleted = event.time

    def on_terminated(self, event: Event) -> None:
        """The server log's ``OvenMediaEngine will be terminated``: a clean shutdown, however
        long before the next start."""
        self._terminated = True

    def on_started(self, event: Event) -> None:
        """``ServerStarted``: the first one, or a restart."""
        fields = event.fields
        server_id = event.source.raw
        name, version = fields.get("Name"), fields.get("Version")
        row = self._servers.get(server_id)
        previous = row[1] if row else None
        if row is None and len(self._servers) < 1000:
            row = self._servers[server_id] = [name, version, 0]
        if row is not None:
            row[0], row[1] = name or row[0], version or row[1]
            row[2] = int(row[2] or 0) + 1
        first = self.clock.first
        restarted = self._started_seen or (first is not None and first < event.time)
        self._started_seen = True
        if not restarted:
            return
        deleted = self._host_deleted
        graceful = self._terminated or (
            deleted is not None and event.time - deleted <= self.config.graceful_window
        )
        self._terminated = False
        self.book.add(
            self.specs["restart"],
            server_id,
            Subject.server(server_id),
            event.time,
            event=event,
            facts={
                "shutdown": "graceful" if graceful else "unclean",
                "name": name,
                "versions": version,
                "previous_version": previous,
            },
        )

    def on_congestion(self, event: Event) -> None:
        """``InternalQueueCongestion``: one more in its queue's burst."""
        summary = event.summary
        queue = field_after(". " + summary, ". QueueName: ") or "?"
        server_id = event.source.raw
        self.book.add(
            self.specs["queue_congestion"],
            (server_id, queue),
            Subject.server(server_id),
            event.time,
            event=event,
            facts={
                "queue": queue,
                "max_size": whole_number(field_after(summary, ", Size: ")),
                "peak": whole_number(field_after(summary, ", PeakSize: ")),
                "threshold": whole_number(field_after(summary, ", Threshold: ")),
            },
        )

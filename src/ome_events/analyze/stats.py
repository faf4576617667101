"""Checks on the statistics the open-source Analytics log writes every 5 seconds
(``ServerStat``): what the counters show that no event says.

* ``input_stalled``: a stream whose input stopped: at a statistics sample, its last received
  packet (``lastRecvTime``) is older than ``max_input_gap`` while the stream still exists. The
  publisher froze or the network dropped, and OME kept the stream open; viewers saw it freeze.

The statistics are per server, host, app and stream (see
:class:`~ome_events.snapshots.ServerStatSnapshot`); a stream is named by its app
(``#vhost#app``) and name, as in Enterprise source IDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Severity
from ome_events.analyze.incidents import Incident, IncidentSpec
from ome_events.model import Event, SourceId
from ome_events.snapshots.classes import ServerStatSnapshot

__all__ = ["StatsAnalyzer", "StatsConfig"]


@dataclass(frozen=True, slots=True)
class StatsConfig:
    """Thresholds of the statistics checks.

    Attributes:
        max_input_gap: a stream whose last packet is older than this at a statistics sample
            has a stalled input. Default 10 s (OME samples every 5 s).
        incident_gap: stalled samples less than this apart are one incident. Default 60 s.
    """

    max_input_gap: timedelta = field(default=timedelta(seconds=10))
    incident_gap: timedelta = field(default=timedelta(seconds=60))


def _explain_stalled(incident: Incident) -> str:
    longest = incident.fact("max_seconds") or 0
    return (
        f"input stalled: no data received for up to {fmt.duration(longest)}"
        f" ({fmt.plural(incident.count, 'statistics sample')} over"
        f" {fmt.duration(incident.duration)}) while the stream stayed open"
    )


STALLED_HINT = (
    "the publisher stopped sending (encoder frozen, network drop, NAT timeout): check the"
    " encoder and the path to OME; viewers saw the stream freeze"
)


class StatsAnalyzer(BaseAnalyzer[StatsConfig]):
    """Findings from the Analytics log's statistics (see :class:`StatsConfig`)."""

    name = "stats"
    config_class = StatsConfig

    def make_specs(self, config: StatsConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        return {
            "input_stalled": IncidentSpec.of(
                "input_stalled",
                Severity.WARNING,
                _explain_stalled,
                STALLED_HINT,
                gap=config.incident_gap,
                highest="max_seconds",
            )
        }

    def handlers(self) -> dict[str, Handler]:
        """``ServerStat``."""
        return {"ServerStat": self.on_stat}

    def on_stat(self, event: Event) -> None:
        """One statistics sample: every stream whose input is older than the limit."""
        snapshot = event.snapshot
        if not isinstance(snapshot, ServerStatSnapshot):
            return
        limit = self.config.max_input_gap
        spec = self.specs["input_stalled"]
        for host in snapshot.hosts:
            for app in host.apps:
                for stream in app.streams:
                    stat = stream.stat
                    if stat is None or stat.last_recv_time is None or not stream.stream_name:
                        continue
                    now = stat.last_updated_time or event.time
                    idle = now - stat.last_recv_time
                    if idle <= limit:
                        continue
                    name = f"{app.app_name or '#?#?'}/{stream.stream_name}"
                    source = SourceId.parse(name)
                    self.book.add(
                        spec,
                        name,
                        source,
                        event.time,
                        event=event,
                        facts={"max_seconds": idle.total_seconds()},
                    )

"""The open-source Analytics log's ``ServerStat`` samples (every 5 s) as a series: one row
per sample and entity (the server, each virtual host, application and stream), and a
summary per server for ``ome-events stats``. Pure Python; the DataFrame is
:func:`ome_events.jupyter.server_stats_dataframe`.

Throughputs are in bits per second, bytes are totals since the entity was created, as OME
counts them (``docs/model.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ome_events.model import Event
from ome_events.snapshots.classes import ServerStatSnapshot

__all__ = ["SCOPES", "STAT_COLUMNS", "ServerStatsSummary", "server_stat_rows"]

#: What a row is about, from the widest: the server, a virtual host, an app, a stream.
SCOPES: tuple[str, ...] = ("server", "host", "app", "stream")

#: The columns of a row, in order.
STAT_COLUMNS: tuple[str, ...] = (
    "time",
    "server",
    "scope",
    "name",
    "connections",
    "max_connections",
    "throughput_in",
    "throughput_out",
    "avg_throughput_in",
    "avg_throughput_out",
    "max_throughput_in",
    "max_throughput_out",
    "bytes_in",
    "bytes_out",
    "last_received",
    "last_sent",
)


def _values(stat: Any) -> tuple[Any, ...]:
    if stat is None:
        return (None,) * (len(STAT_COLUMNS) - 4)
    return (
        stat.total_connections,
        stat.max_total_connections,
        stat.last_throughput_in,
        stat.last_throughput_out,
        stat.avg_throughput_in,
        stat.avg_throughput_out,
        stat.max_throughput_in,
        stat.max_throughput_out,
        stat.total_bytes_in,
        stat.total_bytes_out,
        stat.last_recv_time,
        stat.last_sent_time,
    )


def server_stat_rows(
    events: Iterable[Event], *, scopes: Iterable[str] = SCOPES
) -> Iterator[tuple[Any, ...]]:
    """A tuple of :data:`STAT_COLUMNS` per ``ServerStat`` sample and entity (other events are
    passed over). ``time`` is the sample's instant in UTC; ``name`` is the server's name, the
    host's name, ``#vhost#app`` or ``#vhost#app/stream``; ``scopes`` picks the entities."""
    wanted = set(scopes)
    unknown = wanted - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes {sorted(unknown)}: choose from {', '.join(SCOPES)}")
    for event in events:
        if event.type != "ServerStat":
            continue
        snapshot = event.snapshot
        if not isinstance(snapshot, ServerStatSnapshot):
            continue
        time = event.time.astimezone(UTC)
        server = event.server or snapshot.server_name or event.source.raw
        if "server" in wanted:
            yield (time, server, "server", snapshot.server_name, *_values(snapshot.stat))
        for host in snapshot.hosts:
            if "host" in wanted:
                yield (time, server, "host", host.host_name, *_values(host.stat))
            for app in host.apps:
                if "app" in wanted:
                    yield (time, server, "app", app.app_name, *_values(app.stat))
                if "stream" in wanted:
                    for stream in app.streams:
                        name = f"{app.app_name}/{stream.stream_name}"
                        yield (time, server, "stream", name, *_values(stream.stat))


@dataclass(slots=True)
class _Spread:
    """Mean and peak of a series, in constant memory."""

    count: int = 0
    total: float = 0.0
    peak: int | None = None

    def add(self, value: int | None) -> None:
        if value is None:
            return
        self.count += 1
        self.total += value
        self.peak = value if self.peak is None else max(self.peak, value)

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def to_json(self) -> dict[str, float | int | None]:
        return {"mean": self.mean, "max": self.peak}


@dataclass(slots=True)
class _Server:
    samples: int = 0
    first: datetime | None = None
    last: datetime | None = None
    connections: int | None = None
    max_connections: int = 0
    throughput_in: _Spread = field(default_factory=lambda: _Spread())
    throughput_out: _Spread = field(default_factory=lambda: _Spread())
    streams: set[str] = field(default_factory=set)


class ServerStatsSummary:
    """What each server's ``ServerStat`` samples say, built one event at a time: samples and
    their period, connections now and at most, throughput in and out (mean and peak of the
    per-sample values), and how many streams were seen."""

    def __init__(self) -> None:
        self.servers: dict[str, _Server] = {}

    def add(self, event: Event) -> None:
        """Take one event (only ``ServerStat`` samples count)."""
        if event.type != "ServerStat":
            return
        for time, server, scope, name, connections, _, t_in, t_out, *_ in server_stat_rows(
            (event,), scopes=("server", "stream")
        ):
            entry = self.servers.get(server)
            if entry is None:
                entry = self.servers[server] = _Server()
            if scope == "stream":
                entry.streams.add(name)
                continue
            entry.samples += 1
            entry.first = time if entry.first is None else min(entry.first, time)
            if entry.last is None or time >= entry.last:
                entry.last = time
                entry.connections = connections
            if connections is not None:
                entry.max_connections = max(entry.max_connections, connections)
            entry.throughput_in.add(t_in)
            entry.throughput_out.add(t_out)

    def to_json(self) -> dict[str, dict[str, Any]]:
        """Per server: ``samples``, ``first``, ``last``, ``connections`` (the last sample's),
        ``max_connections``, ``throughput_in``/``throughput_out`` (``mean`` and ``max``, bit/s)
        and ``streams``."""
        return {
            server: {
                "samples": entry.samples,
                "first": _iso(entry.first),
                "last": _iso(entry.last),
                "connections": entry.connections,
                "max_connections": entry.max_connections,
                "throughput_in": entry.throughput_in.to_json(),
                "throughput_out": entry.throughput_out.to_json(),
                "streams": len(entry.streams),
            }
            for server, entry in sorted(self.servers.items())
        }


def _iso(time: datetime | None) -> str | None:
    return None if time is None else time.isoformat(timespec="milliseconds")

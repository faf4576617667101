"""A simulated OME server: the events it writes, in OME's words, and the lines they become.

The event kinds are grouped in mixins (:mod:`.streams`, :mod:`.outputs`, :mod:`.api`);
this module holds the server itself, its basics and the server/host/app events.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from generator.api import ApiWriter
from generator.ome import Event, iso, local_date, render_line, to_ms
from generator.outputs import OutputWriter
from generator.streams import StreamWriter


@dataclass(slots=True)
class Server(StreamWriter, OutputWriter, ApiWriter):
    name: str
    uuid: str
    version: str
    tz: tzinfo
    seed: int
    int_bitrates: bool
    max_size: bool
    vhost: str = "default"
    rng: random.Random = field(init=False)
    events: list[Event] = field(default_factory=list)
    _seq: int = 0
    _next_stream_id: int = 0
    token_ids: bool = True
    _request_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # -- basics ---------------------------------------------------------------------------

    def t(self, text: str) -> int:
        return to_ms(text, self.tz)

    def fmt(self, ms: int) -> str:
        return iso(ms, self.tz)

    def br(self, value: int) -> int | str:
        # Bitrates are strings up to v0.18.x and integers from v0.19.0.
        return value if self.int_bitrates else str(value)

    def port(self) -> int:
        return self.rng.randint(32768, 60999)

    def emit(
        self,
        ms: int,
        level: str,
        category: str,
        type_: str,
        source: str,
        summary: str,
        cause: str | None = None,
        snapshot: Any = None,
        group: str | None = None,
        jitter: bool = False,
    ) -> None:
        self._seq += 1
        self.events.append(
            Event(
                ms,
                self._seq,
                level,
                category,
                type_,
                source,
                summary,
                cause,
                snapshot,
                group if group is not None else source,
                jitter,
            )
        )

    def app_id(self, app: str) -> str:
        return f"#{self.vhost}#{app}"

    def stream_id(self, app: str, stream: str) -> str:
        return f"#{self.vhost}#{app}/{stream}"

    # -- server, host, app ----------------------------------------------------------------

    def server_started(self, ms: int, apps: list[str]) -> None:
        snap = {
            "id": self.uuid,
            "name": self.name,
            "version": self.version,
            "gitVersion": f"v{self.version}-ent",
            "startedTime": self.fmt(ms),
            "ip": ["*"],
            "bind": {
                "managers": {"api": {"port": 8081, "tlsPort": 8082}},
                "providers": {
                    "rtmp": {"port": 1935},
                    "srt": {"port": 9999},
                    "webrtc": {
                        "signalling": {"port": 3333, "tlsPort": 3334},
                        "iceCandidates": ["*:10000-10004/udp"],
                    },
                },
                "publishers": {
                    "llhls": {"port": 3333, "tlsPort": 3334},
                    "ovt": {"port": 9000},
                    "webrtc": {"signalling": {"port": 3333, "tlsPort": 3334}},
                },
            },
            "virtualHosts": [self.vhost],
        }
        self.emit(
            ms,
            "Info",
            "ServerEvent",
            "ServerStarted",
            self.uuid,
            f"Server started. Name: {self.name}, Version: {self.version}, Id: {self.uuid}",
            snapshot=snap,
            group="server",
        )
        t = ms + self.rng.randint(3, 9)
        self.host_created(t)
        for app in apps:
            t += self.rng.randint(2, 12)
            self.app_created(t, app)

    def host_created(self, ms: int) -> None:
        snap = {
            "name": self.vhost,
            "distribution": "ovenmediaengine.com",
            "createdTime": self.fmt(ms),
            "hostNames": ["*", "edge.example.com"],
            "signedPolicy": {
                "enabled": True,
                "policyQueryKeyName": "policy",
                "signatureQueryKeyName": "signature",
            },
            "admissionWebhooks": {
                "enabled": True,
                "timeoutMsec": 3000,
                "controlServerUrl": "https://hooks.example.com/admission",
            },
        }
        self.emit(
            ms,
            "Info",
            "HostEvent",
            "HostCreated",
            self.vhost,
            f"Host created. Name: {self.vhost}, Distribution: ovenmediaengine.com",
            snapshot=snap,
        )

    def host_deleted(self, ms: int) -> None:
        self.emit(
            ms,
            "Info",
            "HostEvent",
            "HostDeleted",
            self.vhost,
            f"Host deleted. Name: {self.vhost}, Distribution: ovenmediaengine.com",
        )

    def app_created(self, ms: int, app: str, dynamic: bool = False) -> None:
        snap = {
            "name": app,
            "type": "live",
            "dynamic": dynamic,
            "createdTime": self.fmt(ms),
            "providers": ["ovt", "rtmp", "rtsppull", "srt", "webrtc", "scheduled", "multiplex"],
            "publishers": ["webrtc", "llhls", "ovt", "push", "file", "thumbnail"],
            "outputProfiles": [
                {
                    "name": "bypass_stream",
                    "outputStreamName": "${OriginStreamName}",
                    "encodes": {"videos": [{"bypass": True}], "audios": [{"bypass": True}]},
                }
            ],
        }
        self.emit(
            ms,
            "Info",
            "AppEvent",
            "AppCreated",
            self.app_id(app),
            f"App created. Name: {app}, Type: Live, Dynamic: {str(dynamic).lower()}",
            snapshot=snap,
        )

    def app_deleted(self, ms: int, app: str) -> None:
        self.emit(
            ms, "Info", "AppEvent", "AppDeleted", self.app_id(app), f"App deleted. Name: {app}"
        )

    def queue_congestion(self, ms: int, queue: str, size: int, peak: int) -> None:
        self.emit(
            ms,
            "Info",
            "ServerEvent",
            "InternalQueueCongestion",
            self.uuid,
            f"Internal queue congestion. QueueName: {queue}, Size: {size}, Threshold: 500, "
            f"PeakSize: {peak}",
            group="server",
        )

    # -- stream snapshots -------------------------------------------------------------------

    # -- finishing --------------------------------------------------------------------------

    def finish(self, step_backs: int) -> list[Event]:  # step_backs: per day
        """Order the events as written and let a few REST lines step back a few milliseconds.

        OME writes from several threads, so a line can carry a time a few ms before the line
        above it. Only REST lines are moved, never before an earlier line of the same request.
        """
        evs = sorted(self.events, key=lambda e: (e.ms, e.seq))
        # Stream Ids count up from 100 in time order and start again when the server restarts.
        ids: dict[str, str] = {}
        next_id = 100
        for e in evs:
            e.shown = e.ms
            if e.type == "ServerStarted":
                next_id = 100
            if "@@S" in e.summary:
                token = e.summary[
                    e.summary.index("@@S") : e.summary.index("@@", e.summary.index("@@S") + 3) + 2
                ]
                if e.type == "StreamCreated":
                    ids[token] = str(next_id)
                    next_id += 1
                e.summary = e.summary.replace(token, ids[token])
        by_day: dict[str, list[int]] = {}
        for i in range(1, len(evs)):
            if (
                evs[i].jitter
                and evs[i - 1].group != evs[i].group
                and 0 <= evs[i].ms - evs[i - 1].ms <= 1500
            ):
                by_day.setdefault(local_date(evs[i].ms, self.tz), []).append(i)
        chosen = []
        for day in sorted(by_day):
            chosen += self.rng.sample(by_day[day], min(step_backs, len(by_day[day])))
        for i in sorted(chosen):
            a, b = evs[i - 1], evs[i]
            new = a.shown - self.rng.randint(1, 6)
            earlier = [e.shown for e in evs[:i] if e.group == b.group]
            if earlier and new < max(earlier):
                continue
            if local_date(new, self.tz) != local_date(a.shown, self.tz):
                continue
            b.shown = new
        return evs

    def lines(self, evs: list[Event]) -> list[tuple[int, bytes]]:
        return [
            (
                e.shown,
                render_line(
                    self.fmt(e.shown),
                    e.level,
                    e.category,
                    e.type,
                    e.source,
                    e.summary,
                    e.cause,
                    e.snapshot,
                ),
            )
            for e in evs
        ]

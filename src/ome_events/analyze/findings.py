"""What the analyzers produce: :class:`Finding` values, their :class:`Severity` and
:class:`Subject`, and the :class:`Report` of a whole run. Values only, no I/O.

Every class here turns into plain JSON with ``to_json()`` (the schema is in
``docs/analyzers.md``) and back with ``from_json()``, so a report written by
``ome-events analyze --json`` can be read again by a program.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from ome_events.errors import MAX_BAD_SHARE
from ome_events.model import Origin, SourceId, SourceKind

__all__ = [
    "MAX_BAD_SHARE",
    "SCHEMA",
    "EndpointRow",
    "Evidence",
    "Finding",
    "Report",
    "ServerRow",
    "Severity",
    "StreamRow",
    "Subject",
    "SubjectKind",
    "time_span",
]

#: The value of ``"schema"`` in ``analyze --json`` output. The number changes only when a
#: field is removed or changes meaning; new fields may appear at any time.
SCHEMA = "ome-events/analyze/1"

_EMPTY: Mapping[str, Any] = MappingProxyType({})

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class Severity(StrEnum):
    """How bad a finding is. Ordered: ``Severity.ERROR > Severity.WARNING > Severity.INFO``.

    ``info`` findings are notes (a graceful restart, garbage counters OME printed), not
    problems; ``warning`` and ``error`` are problems, ``error`` when something failed outright
    (a push that never sent a byte, a 5xx answer, a rejected publisher).
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self.value]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


class SubjectKind(StrEnum):
    """What a finding is about."""

    STREAM = "stream"  #: ``#vhost#app/stream``
    APP = "app"  #: ``#vhost#app``
    HOST = "host"  #: a virtual host name
    SERVER = "server"  #: an OME server, by its ID
    REMOTE = "remote"  #: a remote IP address (a player, a publisher, an API client)
    ENDPOINT = "endpoint"  #: a REST API endpoint, ``METHOD /path``
    LOG = "log"  #: the log as a whole


@dataclass(frozen=True, slots=True)
class Subject:
    """The stream, app, server, remote address or endpoint a finding concerns.

    ``id`` is what a person would search the log for: the ``sourceId`` for streams, apps,
    hosts and servers, the bare IP address for remotes, ``"GET /v1/..."`` for endpoints and
    ``"*"`` for the whole log. ``vhost``, ``app`` and ``stream`` are filled in for stream and
    app subjects.

    >>> str(Subject.from_source(SourceId.parse("#default#app/cam1")))
    '#default#app/cam1'
    """

    kind: SubjectKind
    id: str
    vhost: str | None = None
    app: str | None = None
    stream: str | None = None

    @classmethod
    def from_source(cls, source: SourceId) -> Subject:
        """The subject for an event's source: stream, app, host or server."""
        kinds = {
            SourceKind.STREAM: SubjectKind.STREAM,
            SourceKind.APP: SubjectKind.APP,
            SourceKind.HOST: SubjectKind.HOST,
            SourceKind.SERVER: SubjectKind.SERVER,
        }
        kind = kinds.get(source.kind, SubjectKind.STREAM if source.stream else SubjectKind.LOG)
        return cls(kind, source.raw, source.vhost, source.app, source.stream)

    @classmethod
    def server(cls, server_id: str) -> Subject:
        """An OME server, by its ID (the ``sourceId`` of its server events)."""
        return cls(SubjectKind.SERVER, server_id)

    @classmethod
    def remote(cls, address: str) -> Subject:
        """A remote IP address (without port)."""
        return cls(SubjectKind.REMOTE, address)

    @classmethod
    def endpoint(cls, method: str, path: str) -> Subject:
        """A REST API endpoint."""
        return cls(SubjectKind.ENDPOINT, f"{method} {path}")

    @classmethod
    def log(cls) -> Subject:
        """The whole log (findings that are about no one thing)."""
        return cls(SubjectKind.LOG, "*")

    def __str__(self) -> str:
        return self.id

    def to_json(self) -> dict[str, Any]:
        """``{"kind": ..., "id": ...}`` plus ``vhost``/``app``/``stream`` when known."""
        out: dict[str, Any] = {"kind": self.kind.value, "id": self.id}
        for name in ("vhost", "app", "stream"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Subject:
        """The inverse of :meth:`to_json`."""
        return cls(
            SubjectKind(data["kind"]),
            data["id"],
            data.get("vhost"),
            data.get("app"),
            data.get("stream"),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where one event behind a finding is: its time and, when read from a file, its origin."""

    time: datetime
    file: str | None = None
    line: int | None = None
    offset: int | None = None

    @classmethod
    def of(cls, time: datetime, origin: Origin | None) -> Evidence:
        """Evidence for an event with this time and origin."""
        if origin is None:
            return cls(time)
        return cls(time, origin.file, origin.line, origin.offset)

    def __str__(self) -> str:
        if self.line is None:
            return self.time.isoformat(timespec="milliseconds")
        return f"{self.file or '<input>'}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        """``{"time": ..., "file": ..., "line": ..., "offset": ...}``."""
        return {
            "time": self.time.isoformat(timespec="milliseconds"),
            "file": self.file,
            "line": self.line,
            "offset": self.offset,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        """The inverse of :meth:`to_json`."""
        return cls(
            datetime.fromisoformat(data["time"]), data.get("file"), data.get("line"),
            data.get("offset"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """Something an analyzer found: a problem (or a note) about one subject.

    Attributes:
        severity: info, warning or error (ordered).
        kind: a stable identifier such as ``"bframes"`` or ``"reconnect_loop"``; the list is
            in ``docs/analyzers.md``. Scripts should match on it, never on ``message``.
        subject: the stream, server, remote address or endpoint concerned.
        first: the time of the first event of the finding.
        last: the time of the last event of the finding.
        count: how many events (or sessions, runs, requests) make it up.
        message: one line saying what happened, with the figures.
        hint: one line saying what to do about it.
        evidence: the earliest events behind it (at most ``evidence_limit``, 20 by default).
        details: the figures the message was made from, as JSON-ready values.
        server: the server whose log it was found in (``event.server``), None for events
            not read from a log.
    """

    severity: Severity
    kind: str
    subject: Subject
    first: datetime
    last: datetime
    count: int
    message: str
    hint: str = ""
    evidence: tuple[Evidence, ...] = ()
    details: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, hash=False)
    server: str | None = None

    @property
    def sort_key(self) -> tuple[datetime, str, str, str]:
        """Reports list findings by first time, then kind, subject and server."""
        return (self.first, self.kind, self.subject.id, self.server or "")

    def __str__(self) -> str:
        times = time_span(self.first, self.last)
        return f"{self.severity.value:<7} {self.kind} {self.subject} ({times}): {self.message}"

    def _repr_html_(self) -> str:
        from ome_events.analyze.html import finding_html

        return finding_html(self)

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON-ready values (see ``docs/analyzers.md``)."""
        return {
            "severity": self.severity.value,
            "kind": self.kind,
            "subject": self.subject.to_json(),
            "first": self.first.isoformat(timespec="milliseconds"),
            "last": self.last.isoformat(timespec="milliseconds"),
            "count": self.count,
            "message": self.message,
            "hint": self.hint,
            "details": dict(self.details),
            "evidence": [item.to_json() for item in self.evidence],
            "server": self.server,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """The inverse of :meth:`to_json`."""
        return cls(
            Severity(data["severity"]),
            data["kind"],
            Subject.from_json(data["subject"]),
            datetime.fromisoformat(data["first"]),
            datetime.fromisoformat(data["last"]),
            int(data["count"]),
            data["message"],
            data.get("hint", ""),
            tuple(Evidence.from_json(item) for item in data.get("evidence", ())),
            MappingProxyType(dict(data.get("details", {}))),
            data.get("server"),
        )


def time_span(first: datetime, last: datetime) -> str:
    """``2025-03-26 10:00:07.112+00:00 - 10:09:46.294``: a span, the date said once.

    >>> from datetime import timezone
    >>> t = datetime(2025, 3, 26, 10, 0, 7, 112000, tzinfo=timezone.utc)
    >>> time_span(t, t)
    '2025-03-26 10:00:07.112+00:00'
    """
    start = first.isoformat(sep=" ", timespec="milliseconds")
    if last == first:
        return start
    if last.date() == first.date() and last.utcoffset() == first.utcoffset():
        return f"{start} - {last.strftime('%H:%M:%S.%f')[:-3]}"
    return f"{start} - {last.isoformat(sep=' ', timespec='milliseconds')}"


@dataclass(frozen=True, slots=True)
class StreamRow:
    """One line of the per-stream table.

    ``uptime_seconds`` adds up the sessions; a session that began before the analysed range
    counts from its first event and one still live at the end counts to the last event, and
    ``partial`` says so. ``incidents`` counts the warning and error findings about the stream.
    """

    stream: str
    sessions: int
    uptime_seconds: float
    live: bool
    incidents: int
    first_seen: datetime
    last_seen: datetime
    partial: bool = False
    kinds: tuple[str, ...] = ()
    server: str | None = None
    #: The host the stream came from (its ``SourceUrl``), when a session's start was seen.
    publisher: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The row as JSON-ready values."""
        return {
            "server": self.server,
            "stream": self.stream,
            "publisher": self.publisher,
            "sessions": self.sessions,
            "uptime_seconds": round(self.uptime_seconds, 3),
            "live": self.live,
            "incidents": self.incidents,
            "kinds": list(self.kinds),
            "first_seen": self.first_seen.isoformat(timespec="milliseconds"),
            "last_seen": self.last_seen.isoformat(timespec="milliseconds"),
            "partial": self.partial,
        }


@dataclass(frozen=True, slots=True)
class EndpointRow:
    """REST API figures for one endpoint (``METHOD /path``, query string removed)."""

    method: str
    path: str
    requests: int
    errors: Mapping[str, int]
    slow: int
    max_seconds: float | None
    server: str | None = None

    @property
    def error_count(self) -> int:
        """Responses with a status of 400 or more."""
        return sum(self.errors.values())

    @property
    def error_rate(self) -> float:
        """Errors per response (0.0 when there were none)."""
        return self.error_count / self.requests if self.requests else 0.0

    def to_json(self) -> dict[str, Any]:
        """The row as JSON-ready values."""
        return {
            "server": self.server,
            "method": self.method,
            "path": self.path,
            "requests": self.requests,
            "errors": dict(self.errors),
            "error_rate": round(self.error_rate, 4),
            "slow": self.slow,
            "max_seconds": None if self.max_seconds is None else round(self.max_seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class ServerRow:
    """An OME server seen in the log: its ID, name and version, and how often it started."""

    id: str
    name: str | None
    version: str | None
    starts: int
    server: str | None = None  # the log's name (``event.server``)

    def to_json(self) -> dict[str, Any]:
        """The row as JSON-ready values."""
        return {
            "server": self.server,
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "starts": self.starts,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The result of analysing a log: the findings and the tables.

    ``findings`` are sorted by :attr:`Finding.sort_key`. ``events`` is the number of events
    analysed and ``first_event``/``last_event`` their time range (None without events).
    ``bad_lines`` (lines that were not events) and ``unreadable_files`` are filled in by
    callers that read files (the analyzers never see them): a report of an input that could
    not be read is never an all-clear (:meth:`input_problem`).
    """

    findings: tuple[Finding, ...]
    streams: tuple[StreamRow, ...] = ()
    endpoints: tuple[EndpointRow, ...] = ()
    servers: tuple[ServerRow, ...] = ()
    events: int = 0
    first_event: datetime | None = None
    last_event: datetime | None = None
    bad_lines: int = 0
    sessions: int = 0
    unreadable_files: int = 0
    #: The formats the input was in (``formats.FORMAT_NAMES`` keys), when the caller knows.
    inputs: tuple[str, ...] = ()

    @property
    def bad_share(self) -> float:
        """Bad lines per line read (events and bad lines), 0.0 when nothing was read."""
        total = self.events + self.bad_lines
        return self.bad_lines / total if total else 0.0

    @property
    def server_names(self) -> tuple[str, ...]:
        """The servers (logs) the report covers, by name."""
        names = {f.server for f in self.findings} | {r.server for r in self.streams}
        names |= {r.server for r in self.servers}
        return tuple(sorted(name for name in names if name is not None))

    def input_problem(self, max_bad_share: float = MAX_BAD_SHARE) -> str | None:
        """Why the input cannot be trusted, or None: nothing could be read (no event at all,
        or only bad lines), more than ``max_bad_share`` of the lines were bad, or files
        could not be read. A report with an input problem is not an all-clear."""
        if self.events == 0:
            if self.bad_lines:
                return f"nothing could be read: all {self.bad_lines:,} lines were bad"
            return "nothing could be read: no events"
        if self.bad_lines and self.bad_share > max_bad_share:
            return (
                f"{self.bad_lines:,} of {self.events + self.bad_lines:,} lines were bad"
                f" ({self.bad_share:.1%}, over {max_bad_share:.1%})"
            )
        if self.unreadable_files:
            plural = "s" if self.unreadable_files != 1 else ""
            return f"{self.unreadable_files} file{plural} could not be read in full"
        return None

    def counts(self) -> dict[str, int]:
        """How many findings of each severity: ``{"error": 1, "warning": 3, "info": 2}``."""
        out = {severity.value: 0 for severity in reversed(Severity)}
        for finding in self.findings:
            out[finding.severity.value] += 1
        return out

    def at_least(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of this severity or worse."""
        return tuple(f for f in self.findings if f.severity >= severity)

    @property
    def worst(self) -> Severity | None:
        """The highest severity among the findings, None when there are none."""
        return max((f.severity for f in self.findings), default=None)

    def _repr_html_(self) -> str:
        from ome_events.analyze.html import report_html

        return report_html(self)

    def to_json(self, **context: Any) -> dict[str, Any]:
        """The report as JSON-ready values; ``context`` (e.g. ``path=``) goes in ``"source"``."""

        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat(timespec="milliseconds")

        return {
            "schema": SCHEMA,
            "source": dict(context),
            "summary": {
                "events": self.events,
                "bad_lines": self.bad_lines,
                "bad_share": round(self.bad_share, 6),
                "unreadable_files": self.unreadable_files,
                "inputs": list(self.inputs),
                "input_problem": self.input_problem(),
                "servers": list(self.server_names),
                "first_event": iso(self.first_event),
                "last_event": iso(self.last_event),
                "streams": len(self.streams),
                "sessions": self.sessions,
                "findings": self.counts(),
            },
            "servers": [row.to_json() for row in self.servers],
            "findings": [finding.to_json() for finding in self.findings],
            "streams": [row.to_json() for row in self.streams],
            "endpoints": [row.to_json() for row in self.endpoints],
        }

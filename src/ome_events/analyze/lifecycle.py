"""Stream lifecycles: sessions from ``StreamCreated`` to ``StreamDeleted``, and what goes wrong
with them.

A *session* is one life of a stream: created, (normally) prepared, deleted. OME holds at most
one live stream per name, so the analyzer keeps one open session per stream; sessions are
told apart by OME's stream ``Id``. Findings:

* ``reconnect_loop``: the same stream created and deleted again and again, each session short;
* ``never_prepared``: a session deleted without ever being prepared (or still unprepared at the
  end of the log, long after its creation);
* ``never_deleted``: a session that ended without ``StreamDeleted`` (the server restarted, or the
  stream was created again with a new Id);
* ``duplicate_stream_name``/``stream_creation_failed``: OME refused to create a stream.

Finished sessions are also handed to ``on_session`` (the per-stream table uses them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Finding, Severity, Subject
from ome_events.analyze.incidents import Incident, IncidentSpec, Verdict, by_group
from ome_events.model import Event, SourceId
from ome_events.summary import field_after, source_url, stream_id, url_host

__all__ = ["LifecycleAnalyzer", "LifecycleConfig", "SessionRecord"]


@dataclass(frozen=True, slots=True)
class LifecycleConfig:
    """Thresholds of the lifecycle checks.

    Attributes:
        reconnect_max_session: sessions up to this long count towards a reconnect loop.
            Default 60 s.
        reconnect_gap: ... when each one ends less than this after the previous one.
            Default 2 min.
        reconnect_min_sessions: how many such sessions make a loop. Default 3.
        prepare_timeout: a session still not prepared this long after its creation, at the
            end of the log, is reported as ``never_prepared``. Default 60 s.
        incident_gap: problems of the same kind for the same stream less than this apart are
            one finding. Default 1 h.
        max_open_sessions: the most sessions kept open at once; beyond it the oldest is
            forgotten (a guard for logs that lost their ``StreamDeleted`` lines). Default
            100,000.
    """

    reconnect_max_session: timedelta = field(default=timedelta(seconds=60))
    reconnect_gap: timedelta = field(default=timedelta(minutes=2))
    reconnect_min_sessions: int = 3
    prepare_timeout: timedelta = field(default=timedelta(seconds=60))
    incident_gap: timedelta = field(default=timedelta(hours=1))
    max_open_sessions: int = 100_000


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One session, as handed to ``on_session``.

    ``start`` is None when the session began before the log (its ``StreamCreated`` was not
    seen); ``end`` is None while it is live. ``ended`` says how it ended: ``"deleted"``,
    ``"restart"`` (the server restarted under it), ``"superseded"`` (created again with a new
    Id), ``"forgotten"`` (dropped by ``max_open_sessions``) or ``"live"`` (at the end of input).
    ``publisher`` is the host the stream came from (its ``SourceUrl``), when known.
    """

    stream: SourceId
    id: str | None
    start: datetime | None
    end: datetime | None
    prepared: bool
    ended: Literal["deleted", "restart", "superseded", "forgotten", "live"]
    publisher: str | None = None


def _publisher(session: _Session) -> str | None:
    """The host a session's stream came from, by its ``StreamCreated`` summary's SourceUrl."""
    if session.created is None:
        return None
    return url_host(source_url(session.start_event.summary))


class _Session:
    __slots__ = ("created", "first", "id", "prepared", "source", "start_event")

    def __init__(self, source: SourceId, id: str | None, first: Event) -> None:
        self.source = source
        self.id = id
        self.first = first.time
        self.start_event = first
        self.created: datetime | None = None
        self.prepared = False


def _explain_reconnect(incident: Incident) -> str:
    low, high = incident.fact("min_duration"), incident.fact("max_duration")
    sources = incident.fact("sources") or []
    lasted = fmt.duration(low) if low == high else f"{fmt.duration(low)}-{fmt.duration(high)}"
    text = (
        f"publisher reconnected {incident.count} times in {fmt.duration(incident.duration)};"
        f" each session lasted {lasted}"
    )
    return text + (f" (from {fmt.listing(sources)})" if sources else "")


RECONNECT_HINT = (
    "the encoder keeps losing its connection: check its uplink and log, its stream key and"
    " OME's connection limits"
)


def _explain_never_prepared(incident: Incident) -> str:
    sources = incident.fact("sources") or []
    origin = f" from {fmt.listing(sources)}" if sources else ""
    if incident.count == 1:
        waited = incident.fact("max_wait")
        if incident.fact("deleted"):
            return (
                f"created{origin} and deleted {fmt.duration(waited or 0)} later without ever"
                " being prepared: OME never got playable media"
            )
        return (
            f"created{origin} and still not prepared {fmt.duration(waited or 0)} later, at the"
            " end of the log"
        )
    return (
        f"{incident.count} sessions{origin} ended without ever being prepared:"
        " OME never got playable media"
    )


NEVER_PREPARED_HINT = (
    "the publisher connected but sent no usable media (unsupported codec, no key frame, failed"
    " pull): check the encoder's codec settings or the source URL"
)


def _explain_never_deleted(incident: Incident) -> str:
    reasons = incident.fact("reasons") or {}
    if "restart" in reasons and len(reasons) == 1:
        return (
            "stream was live when the server restarted, with no StreamDeleted:"
            " OME stopped without closing it (crash or kill?)"
        )
    ids = incident.fact("new_ids") or []
    return (
        f"stream was created again (Id {fmt.listing(ids)}) while the previous session was"
        " never deleted"
        + (" (and it was live at a server restart)" if "restart" in reasons else "")
    )


NEVER_DELETED_HINT = (
    "look for a crash or forced stop in OME's own log at that time; viewers of the stream were cut"
)


def _explain_creation_failed(incident: Incident) -> str:
    sources = incident.fact("sources") or []
    origin = f" from {fmt.listing(sources)}" if sources else ""
    reason = incident.fact("reason")
    times = "" if incident.count == 1 else f" ({incident.count} times)"
    if incident.fact("duplicate"):
        return (
            f"another publisher{origin} tried to publish this stream while it was live;"
            f" OME refused it{times}"
        )
    return f"OME could not create the stream{origin}: {reason or 'no reason given'}{times}"


DUPLICATE_HINT = (
    "two encoders use the same stream name: find the second one by its address and give it its"
    " own name (or stop it)"
)


class LifecycleAnalyzer(BaseAnalyzer[LifecycleConfig]):
    """Follows stream sessions (see the module's docstring and :class:`LifecycleConfig`)."""

    name = "lifecycle"
    config_class = LifecycleConfig

    def __init__(
        self,
        config: LifecycleConfig | None = None,
        *,
        on_session: Callable[[SessionRecord], None] | None = None,
        **shared: Any,
    ) -> None:
        self.on_session = on_session
        super().__init__(config, **shared)
        self._open: dict[str, _Session] = {}

    def make_specs(self, config: LifecycleConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        gap = config.incident_gap
        return by_group(
            IncidentSpec.of(
                "reconnect_loop",
                Severity.WARNING,
                _explain_reconnect,
                RECONNECT_HINT,
                gap=config.reconnect_gap,
                min_count=config.reconnect_min_sessions,
                highest="max_duration",
                lowest="min_duration",
                distinct="sources ids",
            ),
            IncidentSpec.of(
                "never_prepared",
                Severity.WARNING,
                _explain_never_prepared,
                NEVER_PREPARED_HINT,
                gap=gap,
                highest="max_wait",
                distinct="sources ids",
            ),
            IncidentSpec.of(
                "never_deleted",
                Severity.WARNING,
                _explain_never_deleted,
                NEVER_DELETED_HINT,
                gap=gap,
                counted="reasons",
                distinct="new_ids ids",
            ),
            IncidentSpec.of(
                "stream_creation_failed",
                Severity.ERROR,
                _explain_creation_failed,
                gap=gap,
                classify=self._classify_failed,
                distinct="sources",
            ),
        )

    @staticmethod
    def _classify_failed(incident: Incident) -> Verdict:
        duplicate = bool(incident.fact("duplicate"))
        return Verdict(
            "duplicate_stream_name" if duplicate else "stream_creation_failed",
            Severity.ERROR,
            _explain_creation_failed(incident),
            DUPLICATE_HINT if duplicate else "read OME's log around that time for the reason",
        )

    def handlers(self) -> dict[str, Handler]:
        """Stream created/prepared/deleted, creation failures and server starts."""
        return {
            "StreamCreated": self.on_created,
            "StreamPrepared": self.on_prepared,
            "StreamDeleted": self.on_deleted,
            "StreamCreationFailed": self.on_creation_failed,
            "ServerStarted": self.on_server_started,
        }

    def active_sessions(self) -> list[tuple[SourceId, str | None, datetime, bool]]:
        """The open sessions: (stream, Id, first time seen, prepared), oldest first."""
        return [(s.source, s.id, s.first, s.prepared) for s in self._open.values()]

    # -- events -------------------------------------------------------------------------------

    def on_created(self, event: Event) -> None:
        """``StreamCreated``: a new session (ending a previous one that was never deleted).

        The open-source Analytics log has no ``StreamPrepared``: its ``StreamCreated`` is
        written once the stream has its tracks, so it counts as prepared too."""
        session = self._session_for(event)
        if session.created is None:
            session.created = event.time
            session.start_event = event
        if event.format == "analytics":
            session.prepared = True

    def on_prepared(self, event: Event) -> None:
        """``StreamPrepared``: the session has playable media."""
        self._session_for(event).prepared = True

    def on_deleted(self, event: Event) -> None:
        """``StreamDeleted``: the session ends."""
        source = event.source
        sid = stream_id(event.summary)
        session = self._open.get(source.raw)
        if session is None or (sid is not None and session.id is not None and session.id != sid):
            # Began before the log (or a session we did not see): only the table cares.
            self._record(SessionRecord(source, sid, None, event.time, True, "deleted"))
            return
        del self._open[source.raw]
        self._end(session, event.time, "deleted", event)

    def on_creation_failed(self, event: Event) -> None:
        """``StreamCreationFailed``: OME refused to create a stream."""
        source = event.source
        self.book.add(
            self.specs["stream_creation_failed"],
            source.raw,
            source,  # the Subject is made only when an incident opens
            event.time,
            event=event,
            facts={
                "duplicate": event.cause == "DuplicatedStreamName" or None,
                "sources": source_url(event.summary),
                "reason": field_after(". " + event.summary, ". Reason: "),
            },
        )

    def on_server_started(self, event: Event) -> None:
        """``ServerStarted``: whatever is still open did not survive the restart."""
        for session in list(self._open.values()):
            self._end(session, event.time, "restart", event)
        self._open.clear()

    # -- sessions -----------------------------------------------------------------------------

    def _session_for(self, event: Event) -> _Session:
        source = event.source
        sid = stream_id(event.summary)
        session = self._open.get(source.raw)
        if session is not None:
            if sid is None or session.id is None or session.id == sid:
                if session.id is None:
                    session.id = sid
                return session
            del self._open[source.raw]
            self._end(session, event.time, "superseded", event, new_id=sid)
        session = _Session(source, sid, event)
        self._open[source.raw] = session
        if len(self._open) > self.config.max_open_sessions:
            oldest = next(iter(self._open))
            dropped = self._open.pop(oldest)
            self._record(
                SessionRecord(dropped.source, dropped.id, dropped.created, event.time,
                              dropped.prepared, "forgotten", _publisher(dropped))
            )  # fmt: skip
        return session

    def _end(
        self,
        session: _Session,
        end: datetime,
        how: Literal["deleted", "restart", "superseded"],
        event: Event,
        new_id: str | None = None,
    ) -> None:
        self._record(
            SessionRecord(
                session.source,
                session.id,
                session.created,
                end,
                session.prepared,
                how,
                _publisher(session),
            )
        )
        source = session.source
        start = session.created or session.first
        url = source_url(session.start_event.summary) if session.created is not None else None
        started = (session.start_event.time, session.start_event.origin)

        def symptom(group: str, **facts: object) -> None:
            self.book.add(
                self.specs[group], source.raw, source, start, end, event=event,
                earlier=started, facts={**facts, "ids": session.id},
            )  # fmt: skip

        if how != "deleted":
            symptom("never_deleted", reasons=how, new_ids=new_id)
            return
        if session.created is None:
            return  # began before the log: nothing is known about its start
        if not session.prepared:
            symptom("never_prepared", sources=url, max_wait=(end - start).total_seconds(),
                    deleted=True)  # fmt: skip
        lasted = end - start
        if lasted <= self.config.reconnect_max_session:
            seconds = lasted.total_seconds()
            symptom("reconnect_loop", min_duration=seconds, max_duration=seconds,
                    sources=url_host(url))  # fmt: skip

    def _record(self, record: SessionRecord) -> None:
        if self.on_session is not None:
            self.on_session(record)

    # -- end of input ---------------------------------------------------------------------

    def _unprepared(self) -> list[tuple[_Session, timedelta]]:
        now = self.clock.now
        if now is None:
            return []
        late = []
        for session in self._open.values():
            if session.created is not None and not session.prepared:
                waited = now - session.created
                if waited > self.config.prepare_timeout:
                    late.append((session, waited))
        return late

    def close(self) -> None:
        """End of input: report sessions long unprepared, hand the live ones to the table."""
        for session, waited in self._unprepared():
            source = session.source
            now = self.clock.now
            assert now is not None
            assert session.created is not None
            self.book.add(
                self.specs["never_prepared"],
                source.raw,
                Subject.from_source(source),
                session.created,
                now,
                earlier=(session.start_event.time, session.start_event.origin),
                facts={
                    "sources": source_url(session.start_event.summary),
                    "max_wait": waited.total_seconds(),
                    "ids": session.id,
                },
            )
        for session in self._open.values():
            self._record(
                SessionRecord(session.source, session.id, session.created, None,
                              session.prepared, "live", _publisher(session))
            )  # fmt: skip
        self._open.clear()

    def pending_extra(self) -> list[Finding]:
        """Sessions that have waited too long to be prepared (not in the book yet)."""
        out: list[Finding] = []
        now = self.clock.now
        spec = self.specs["never_prepared"]
        for session, waited in self._unprepared():
            assert now is not None
            assert session.created is not None
            incident = Incident(spec, Subject.from_source(session.source), session.created, now)
            incident.count = 1
            incident.merge(
                {
                    "sources": source_url(session.start_event.summary),
                    "max_wait": waited.total_seconds(),
                }
            )
            verdict = spec.verdict(incident)
            assert verdict is not None
            out.append(
                Finding(
                    verdict.severity, verdict.kind, incident.subject, incident.first,
                    incident.last, 1, verdict.message, verdict.hint,
                )
            )  # fmt: skip
        return out

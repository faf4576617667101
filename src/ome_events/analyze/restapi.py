"""The REST API: requests paired with their responses by ``RequestID``, error rates by status
and endpoint, slow and unanswered calls.

Findings (one per endpoint and incident, the endpoint being ``METHOD /path`` without its query
string):

* ``rest_server_errors`` (error): responses with a 5xx status;
* ``rest_client_errors``: responses with a 4xx status;
* ``rest_slow``: responses that took longer than ``slow_response``;
* ``rest_unanswered``: requests with no response after ``response_timeout``.

The per-endpoint figures (requests, errors by status, slow calls, slowest time) are kept for the
report's endpoint table, for at most ``max_endpoints`` endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import EndpointRow, Severity, Subject
from ome_events.analyze.incidents import Incident, IncidentSpec, by_group
from ome_events.model import Event
from ome_events.summary import rest_request, rest_request_id, rest_response

__all__ = ["RestApiAnalyzer", "RestApiConfig"]


@dataclass(frozen=True, slots=True)
class RestApiConfig:
    """Thresholds of the REST API checks.

    Attributes:
        slow_response: a response later than this after its request is slow. Default 2 s
            (OME answers in milliseconds; its stats calls take well under a second).
        response_timeout: a request with no response after this is unanswered. Default 5 min.
        incident_gap: problems of the same endpoint less than this apart are one finding.
            Default 1 h.
        max_endpoints: endpoints kept in the table; the rest are counted as ``(other)``.
            Default 1000.
        max_pending: requests waiting for their response, at most. Default 100,000.
    """

    slow_response: timedelta = field(default=timedelta(seconds=2))
    response_timeout: timedelta = field(default=timedelta(minutes=5))
    incident_gap: timedelta = field(default=timedelta(hours=1))
    max_endpoints: int = 1000
    max_pending: int = 100_000


class _Stats:
    __slots__ = ("errors", "longest", "requests", "slow")

    def __init__(self) -> None:
        self.requests = 0
        self.errors: dict[str, int] = {}
        self.slow = 0
        self.longest: timedelta | None = None


def _endpoint_key(summary: str) -> str:
    """The ``Method: GET, Path: /v1/...`` part of a request's summary, cheaply."""
    m = summary.find("Method: ")
    v = summary.find(", Version: ", m)
    return summary[m + 8 : v] if m >= 0 and v >= 0 else summary


def _explain_errors(incident: Incident) -> str:
    statuses = incident.fact("statuses") or {}
    remotes = incident.fact("remotes") or {}
    answered = ", ".join(f"{status} x{count}" for status, count in statuses.items())
    source = f" (from {fmt.top_counts(remotes)})" if remotes else ""
    return f"answered {answered}{source}"


def _client_hint(incident: Incident) -> str:
    statuses = incident.fact("statuses") or {}
    if any(status in statuses for status in ("401", "403")):
        return "the client's credentials are refused: check its access token (Basic auth)"
    if "404" in statuses:
        return (
            "the client asks for an app, stream or push that does not exist: check the names in"
            " its URLs (and whether the stream was live then)"
        )
    return "the client sends requests OME rejects: check the request against OME's REST API docs"


SERVER_ERROR_HINT = (
    "OME failed to do what was asked: read OME's own log at that time and check the request"
    " body (for pushes: the target URL, for recordings: the path)"
)


def _explain_slow(incident: Incident) -> str:
    slowest = incident.fact("max_seconds") or 0
    limit = incident.fact("limit") or 0
    remotes = incident.fact("remotes") or {}
    source = f" (from {fmt.top_counts(remotes)})" if remotes else ""
    return (
        f"{fmt.plural(incident.count, 'slow response')}, up to {fmt.seconds(slowest)}"
        f" (limit {limit:g} s){source}"
    )


SLOW_HINT = (
    "OME's API was busy or blocked while answering: check the server's load at that time;"
    " poll less often or ask for narrower stats"
)


def _explain_unanswered(incident: Incident) -> str:
    return f"{fmt.plural(incident.count, 'request')} got no response"


UNANSWERED_HINT = "OME may have hung or restarted while answering: read its log at that time"


class RestApiAnalyzer(BaseAnalyzer[RestApiConfig]):
    """Pairs REST requests with responses (see :class:`RestApiConfig`)."""

    name = "restapi"
    config_class = RestApiConfig

    def setup(self) -> None:
        """The detector's own state."""
        self._pending: dict[str, Event] = {}  # request ID -> RestApiRequested, oldest first
        self._stats: dict[str, _Stats] = {}  # by _endpoint_key
        self._slow = self.config.slow_response

    def make_specs(self, config: RestApiConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        gap = config.incident_gap
        return by_group(
            IncidentSpec.of(
                "rest_server_errors",
                Severity.ERROR,
                _explain_errors,
                SERVER_ERROR_HINT,
                gap=gap,
                counted="statuses remotes",
            ),
            IncidentSpec.of(
                "rest_client_errors",
                Severity.WARNING,
                _explain_errors,
                _client_hint,
                gap=gap,
                counted="statuses remotes",
            ),
            IncidentSpec.of(
                "rest_slow",
                Severity.WARNING,
                _explain_slow,
                SLOW_HINT,
                gap=gap,
                highest="max_seconds",
                counted="remotes",
            ),
            IncidentSpec.of(
                "rest_unanswered",
                Severity.WARNING,
                _explain_unanswered,
                UNANSWERED_HINT,
                gap=gap,
                counted="remotes",
            ),
        )

    @property
    def waiting(self) -> int:
        """How many requests are waiting for their response."""
        return len(self._pending)

    def handlers(self) -> dict[str, Handler]:
        """RestApiRequested and RestApiResponded."""
        return {"RestApiRequested": self.on_request, "RestApiResponded": self.on_response}

    def endpoints(self) -> list[EndpointRow]:
        """The per-endpoint figures (query strings removed), busiest first."""
        merged: dict[tuple[str, str], list[Any]] = {}
        for key, stats in self._stats.items():
            method, _, path = key.partition(", Path: ")
            method, path = (method, path.split("?", 1)[0]) if path else ("*", key)
            row = merged.setdefault((method, path), [0, {}, 0, None])
            row[0] += stats.requests
            for status, count in stats.errors.items():
                row[1][status] = row[1].get(status, 0) + count
            row[2] += stats.slow
            if stats.longest is not None and (row[3] is None or stats.longest > row[3]):
                row[3] = stats.longest
        rows = [
            EndpointRow(method, path, requests, dict(sorted(errors.items())), slow,
                        None if longest is None else longest.total_seconds())
            for (method, path), (requests, errors, slow, longest) in merged.items()
        ]  # fmt: skip
        rows.sort(key=lambda row: (-row.requests, row.method, row.path))
        return rows

    def on_request(self, event: Event) -> None:
        """``RestApiRequested``: wait for its response."""
        rid = rest_request_id(event.summary)
        if rid is None:
            return
        pending = self._pending
        pending.pop(rid, None)  # a reused ID: keep arrival order
        pending[rid] = event
        if len(pending) > self.config.max_pending:
            del pending[next(iter(pending))]

    def on_response(self, event: Event) -> None:
        """``RestApiResponded``: pair it, count it, check its status and delay."""
        status, rid = rest_response(event.summary)
        request = self._pending.pop(rid, None) if rid is not None else None
        if request is None:
            key = "?, Path: (request not in the log)"
            took = None
        else:
            key = _endpoint_key(request.summary)
            took = event.time - request.time
        stats = self._stats.get(key)
        if stats is None:
            stats = self._stats_for(key)
        stats.requests += 1
        slow = False
        if took is not None:
            if stats.longest is None or took > stats.longest:
                stats.longest = took
            slow = took > self._slow
        error = status is not None and status >= 400
        if error or slow:
            self._problem(event, request, status if error else None, took if slow else None, stats)

    def _problem(
        self,
        event: Event,
        request: Event | None,
        status: int | None,
        took: timedelta | None,
        stats: _Stats,
    ) -> None:
        if request is None:
            method, path, remote = "?", "(request not in the log)", None
            start = event.time
            earlier = None
        else:
            method, path, remote, _ = rest_request(request.summary)
            start = request.time
            earlier = (request.time, request.origin)

        # Made only when an incident opens (most symptoms join an open one).
        def subject() -> Subject:
            return Subject.endpoint(method, path)

        if status is not None:
            stats.errors[str(status)] = stats.errors.get(str(status), 0) + 1
            group = "rest_server_errors" if status >= 500 else "rest_client_errors"
            self.book.add(
                self.specs[group], (method, path), subject, start, event.time, event=event,
                earlier=earlier, facts={"statuses": str(status), "remotes": remote},
            )  # fmt: skip
        if took is not None:
            stats.slow += 1
            self.book.add(
                self.specs["rest_slow"], (method, path), subject, start, event.time,
                event=event, earlier=earlier,
                facts={
                    "max_seconds": took.total_seconds(),
                    "remotes": remote,
                    "limit": self._slow.total_seconds(),
                },
            )  # fmt: skip

    def _stats_for(self, key: str) -> _Stats:
        stats = self._stats.get(key)
        if stats is None:
            if len(self._stats) >= self.config.max_endpoints:
                key = "*, Path: (other)"
                stats = self._stats.get(key)
            if stats is None:
                stats = self._stats[key] = _Stats()
        return stats

    def tick(self, now: datetime) -> None:
        """Report the requests whose response has not come within ``response_timeout``."""
        pending = self._pending
        if not pending:
            return
        timeout = self.config.response_timeout
        expired = []
        for rid, request in pending.items():  # oldest first
            if request.time + timeout >= now:
                break
            expired.append(rid)
        for rid in expired:
            self._unanswered(pending.pop(rid), timeout)

    def _unanswered(self, request: Event, timeout: timedelta) -> None:
        method, path, remote, _ = rest_request(request.summary)
        self._stats_for(_endpoint_key(request.summary)).requests += 1
        self.book.add(
            self.specs["rest_unanswered"],
            (method, path),
            Subject.endpoint(method, path),
            request.time,
            request.time + timeout,
            event=request,
            facts={"remotes": remote},
        )

    def close(self) -> None:
        """End of input: requests still waiting longer than the timeout are unanswered."""
        now = self.clock.now
        if now is not None:
            self.tick(now + timedelta(microseconds=1))
        self._pending.clear()

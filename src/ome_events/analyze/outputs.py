"""Outputs of a stream: push publishing, recordings and HLS dumps.

A *run* goes from ``...Started`` to ``...Stopped`` for one output (stream, type and output Id).
Findings:

* ``<type>_retry_loop``: short or failed runs of the same output again and again;
* ``<type>_failed``: a run that stopped in the ``error`` state (not part of a loop);
* ``recording_empty`` / ``push_empty``: a run that stopped normally but wrote or sent nothing;
* ``<type>_not_stopped``: a run never reported stopped although its stream was deleted (or the
  server restarted) ``stop_grace`` earlier.

``<type>`` is ``push``, ``recording`` or ``hls_dump``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Severity
from ome_events.analyze.incidents import Incident, IncidentSpec, Verdict
from ome_events.model import Event, SourceId

__all__ = ["OutputsAnalyzer", "OutputsConfig"]

OUTPUT_TYPES = ("push", "recording", "hls_dump")

# event type -> (output type, started?)
_EVENTS: dict[str, tuple[str, bool]] = {
    "PushPublishingStarted": ("push", True),
    "PushPublishingStopped": ("push", False),
    "RecordingStarted": ("recording", True),
    "RecordingStopped": ("recording", False),
    "HLSDumpStarted": ("hls_dump", True),
    "HLSDumpStopped": ("hls_dump", False),
}

# output type -> (snapshot key of the bytes of this run, of all runs, of the target)
_KEYS = {
    "push": ("sentBytes", "totalsentBytes", "url"),
    "recording": ("recordBytes", "totalRecordBytes", "outputFilePath"),
    "hls_dump": (None, None, "outputPath"),
}
# where the target is when the first key is missing or empty (filePath is a template)
_TARGET_FALLBACK = {"recording": "filePath"}


def _target(otype: str, snapshot: dict[str, Any]) -> str | None:
    for key in (_KEYS[otype][2], _TARGET_FALLBACK.get(otype)):
        value = snapshot.get(key) if key else None
        if type(value) is str and value:
            return value
    return None


_NAMES = {"push": "push", "recording": "recording", "hls_dump": "HLS dump"}


@dataclass(frozen=True, slots=True)
class OutputsConfig:
    """Thresholds of the output checks.

    Attributes:
        short_run: a run shorter than this is suspicious (OME stopped it at once). Default
            60 s.
        retry_gap: short or failed runs of one output that end less than this apart belong
            to one retry loop. Default 5 min.
        retry_min_runs: how many of them make a loop. Default 3.
        stop_grace: how long after its stream was deleted (or the server restarted) an output
            may still report that it stopped. Default 30 s.
        incident_gap: other problems of the same output less than this apart are one
            finding. Default 1 h.
    """

    short_run: timedelta = field(default=timedelta(seconds=60))
    retry_gap: timedelta = field(default=timedelta(minutes=5))
    retry_min_runs: int = 3
    stop_grace: timedelta = field(default=timedelta(seconds=30))
    incident_gap: timedelta = field(default=timedelta(hours=1))


_Key = tuple[str, str, str]  # (stream sourceId, output type, output Id)


class _Run:
    __slots__ = ("event", "key", "orphaned", "reason", "source", "started", "target")

    def __init__(self, key: _Key, source: SourceId, event: Event, target: str | None) -> None:
        self.key = key
        self.source = source
        self.event = event
        self.started = event.time
        self.target = target
        self.orphaned: datetime | None = None
        self.reason = ""


def _output(incident: Incident) -> str:
    kind = _NAMES.get(incident.fact("type"), "output")
    target = incident.fact("target")
    name = f"{kind} {incident.fact('id')}"
    return f"{name} to {target}" if target and kind == "push" else name


def _lasted(incident: Incident) -> str:
    low, high = incident.fact("min_duration"), incident.fact("max_duration")
    if low is None:
        return ""
    if low == high:
        return f"; it lasted {fmt.duration(low)}"
    return f"; runs lasted {fmt.duration(low)}-{fmt.duration(high)}"


def _explain_runs(incident: Incident, loop: bool = False) -> str:
    states = incident.fact("states") or {}
    state = f"state {fmt.listing(list(states))}" if states else "no state"
    sent = incident.fact("bytes")
    moved = "" if sent is None else f", {sent:,} bytes"
    if loop:
        return (
            f"{_output(incident)} stopped and started again {incident.count} times in"
            f" {fmt.duration(incident.duration)} ({state}{moved}){_lasted(incident)}"
        )
    times = "" if incident.count == 1 else f" {incident.count} times"
    return (
        f"{_output(incident)} stopped in an error state{times} ({state}{moved}){_lasted(incident)}"
    )


_RUN_HINTS = {
    "push": (
        "the destination refuses or cannot be reached: check the URL, the stream key and the"
        " receiving server"
    ),
    "recording": "check the output path, free disk space and permissions, and the track selection",
    "hls_dump": "check the dump's output path, free disk space and permissions",
}


def _explain_empty(incident: Incident) -> str:
    what = "wrote" if incident.fact("type") == "recording" else "sent"
    ran = incident.fact("max_duration")
    ran_text = f"ran {fmt.duration(ran)} and " if ran is not None else ""
    return f"{_output(incident)} {ran_text}{what} nothing (0 bytes)"


_EMPTY_HINTS = {
    "recording": (
        "no media reached the recorder: check that its track/variant selection matches the"
        " stream's tracks and that the stream had media"
    ),
    "push": (
        "no media was sent: check the push's track/variant selection and that the stream had media"
    ),
}


def _explain_not_stopped(incident: Incident) -> str:
    reasons = incident.fact("reasons") or {}
    why = "the server restarted" if "restart" in reasons else "its stream was deleted"
    return f"{_output(incident)} was started but never reported stopped, although {why}"


NOT_STOPPED_HINT = (
    "check in OME's log or at the destination that the output really stopped; a stale output"
    " may be retried against a stream that no longer exists"
)


class OutputsAnalyzer(BaseAnalyzer[OutputsConfig]):
    """Follows pushes, recordings and HLS dumps (see :class:`OutputsConfig`)."""

    name = "outputs"
    config_class = OutputsConfig

    def setup(self) -> None:
        """The detector's own state."""
        self._runs: dict[str, dict[_Key, _Run]] = {}  # by stream sourceId
        self._orphans: deque[tuple[datetime, _Run]] = deque()

    def make_specs(self, config: OutputsConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        gap = config.incident_gap
        specs: dict[str, IncidentSpec] = {}
        for otype in OUTPUT_TYPES:
            specs[f"{otype}_runs"] = IncidentSpec.of(
                f"{otype}_runs",
                Severity.ERROR,
                _explain_runs,
                _RUN_HINTS[otype],
                gap=config.retry_gap,
                classify=self._classify_runs,
                highest="max_duration",
                lowest="min_duration",
                total="errors bytes",
                counted="states",
            )
            specs[f"{otype}_not_stopped"] = IncidentSpec.of(
                f"{otype}_not_stopped",
                Severity.WARNING,
                _explain_not_stopped,
                NOT_STOPPED_HINT,
                gap=gap,
                counted="reasons",
            )
        for otype in ("recording", "push"):
            specs[f"{otype}_empty"] = IncidentSpec.of(
                f"{otype}_empty",
                Severity.WARNING,
                _explain_empty,
                _EMPTY_HINTS[otype],
                gap=gap,
                highest="max_duration",
            )
        return specs

    def _classify_runs(self, incident: Incident) -> Verdict | None:
        errors = incident.fact("errors") or 0
        otype = incident.fact("type")
        if incident.count >= self.config.retry_min_runs:
            severity = Severity.ERROR if errors else Severity.WARNING
            kind = f"{otype}_retry_loop"
        elif errors:
            severity, kind = Severity.ERROR, f"{otype}_failed"
        else:
            return None  # a few short runs that stopped cleanly: someone stopped them
        loop = kind.endswith("_retry_loop")
        return Verdict(kind, severity, _explain_runs(incident, loop), _RUN_HINTS.get(otype, ""))

    @property
    def running(self) -> int:
        """How many runs are open (started, not stopped yet)."""
        return sum(len(runs) for runs in self._runs.values())

    def handlers(self) -> dict[str, Handler]:
        """Output started/stopped, stream deleted, server started."""
        table: dict[str, Handler] = dict.fromkeys(_EVENTS, self.on_output)
        table["StreamDeleted"] = self.on_stream_deleted
        table["ServerStarted"] = self.on_server_started
        return table

    def on_output(self, event: Event) -> None:
        """An output started or stopped."""
        otype, started = _EVENTS[event.type]
        snapshot = event.snapshot_data
        if type(snapshot) is not dict:
            snapshot = {}
        oid = snapshot.get("id")
        if type(oid) is not str:
            oid = event.fields.get("Id", "?")
        source = event.source
        key = (source.raw, otype, oid)
        runs = self._runs.setdefault(source.raw, {})
        if started:
            runs[key] = _Run(key, source, event, _target(otype, snapshot))
            return
        run = runs.pop(key, None)
        if not runs:
            del self._runs[source.raw]
        self._stopped(event, otype, oid, key, snapshot, run)

    def _stopped(
        self,
        event: Event,
        otype: str,
        oid: str,
        key: _Key,
        snapshot: dict[str, Any],
        run: _Run | None,
    ) -> None:
        config = self.config
        state = snapshot.get("state")
        state = state if type(state) is str else None
        lasted = None if run is None else event.time - run.started
        seconds = None if lasted is None else lasted.total_seconds()
        bytes_key, total_key, _ = _KEYS[otype]
        sent = snapshot.get(bytes_key) if bytes_key else None
        total = snapshot.get(total_key) if total_key else None
        sent = sent if type(sent) is int else None
        total = total if type(total) is int else None
        failed = state == "error"
        short_or_failed = failed or (lasted is not None and lasted < config.short_run)
        empty = (
            not short_or_failed
            and otype in ("recording", "push")
            and sent == 0
            and total in (0, None)
        )
        if not (short_or_failed or empty):
            return  # a healthy run: no symptom, nothing more to read
        facts: dict[str, Any] = {
            "type": otype,
            "id": oid,
            "target": _target(otype, snapshot) or (run.target if run else None),
            "min_duration": seconds,
            "max_duration": seconds,
        }
        start = event.time if run is None else run.started
        earlier = None if run is None else (run.started, run.event.origin)
        subject = event.source
        if short_or_failed:
            facts.update({"errors": int(failed), "states": state, "bytes": sent})
            self.book.add(
                self.specs[f"{otype}_runs"], key, subject, start, event.time, event=event,
                earlier=earlier, facts=facts,
            )  # fmt: skip
            return
        self.book.add(
            self.specs[f"{otype}_empty"], key, subject, start, event.time, event=event,
            earlier=earlier, facts=facts,
        )  # fmt: skip

    def on_stream_deleted(self, event: Event) -> None:
        """A stream was deleted: its outputs should stop within ``stop_grace``."""
        runs = self._runs.get(event.source.raw)
        if runs:
            self._orphan(list(runs.values()), event.time, "deleted")

    def on_server_started(self, event: Event) -> None:
        """The server restarted: every output should report it stopped."""
        for runs in self._runs.values():
            self._orphan(list(runs.values()), event.time, "restart")

    def _orphan(self, runs: list[_Run], time: datetime, reason: str) -> None:
        deadline = time + self.config.stop_grace
        for run in runs:
            if run.orphaned is None:
                run.orphaned = time
                run.reason = reason
                self._orphans.append((deadline, run))

    def tick(self, now: datetime) -> None:
        """Report the outputs whose grace after their stream's end has passed."""
        orphans = self._orphans
        while orphans and orphans[0][0] < now:
            _, run = orphans.popleft()
            self._not_stopped(run)

    def _not_stopped(self, run: _Run) -> None:
        runs = self._runs.get(run.source.raw)
        if runs is None or runs.get(run.key) is not run:
            return  # it did stop
        del runs[run.key]
        if not runs:
            del self._runs[run.source.raw]
        _, otype, oid = run.key
        assert run.orphaned is not None
        self.book.add(
            self.specs[f"{otype}_not_stopped"],
            run.key,
            run.source,
            run.started,
            run.orphaned,
            earlier=(run.started, run.event.origin),
            facts={"type": otype, "id": oid, "target": run.target, "reasons": run.reason},
        )

    def close(self) -> None:
        """End of input: outputs of deleted streams that never stopped are reported now."""
        while self._orphans:
            _, run = self._orphans.popleft()
            self._not_stopped(run)
        self._runs.clear()

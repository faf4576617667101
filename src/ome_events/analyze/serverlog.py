"""What only the plain server log (``ovenmediaengine.log``) tells: A/V drift from the
providers' statistics lines, HTTP error storms, requests for streams that do not exist,
transcoder, push and recording failures, and bursts of error records by tag and stream.

(Restarts, stream lifecycles and reconnect loops, and long key-frame intervals come from the
other detectors: the server log's typed events have the JSON logs' types, and its statistics
lines carry a snapshot the media checks read. See formats/serverlog.py and docs/model.md.)

Findings:

* ``av_drift``: a stream's video and audio timestamps apart by more than ``max_av_gap``
  (the ``g:`` of ``Rtmp Provider Info`` lines): lip sync is off for its viewers;
* ``http_error_storm``: at least ``http_min_errors`` HTTP errors (``HTTP error occurred``, and
  the dumps of exchanges answered with a status that is not 2xx or 3xx), each less than
  ``http_gap`` after the previous one, by status and request;
* ``stream_not_found``: ``Cannot find stream`` for one stream, ``not_found_min`` times;
* ``transcoder_errors``, ``push_failures``, ``recording_failures``: by stream;
* ``log_errors``: other records at level Error or Critical, by tag and stream (Critical:
  an error finding; Error: a warning); ``log_warnings``: records at level Warning (a note).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Severity, Subject
from ome_events.analyze.incidents import Incident, IncidentSpec
from ome_events.model import Event

__all__ = ["ServerLogAnalyzer", "ServerLogConfig"]


@dataclass(frozen=True, slots=True)
class ServerLogConfig:
    """Thresholds of the server log's checks.

    Attributes:
        max_av_gap: video and audio timestamps further apart than this are drift. 1 s.
        http_gap: HTTP errors less than this apart are one storm. Default 60 s.
        http_min_errors: how many make a storm worth reporting. Default 10.
        not_found_min: ``Cannot find stream`` for one stream this often. Default 3.
        error_gap: error records (one tag and stream) less than this apart are one
            incident. Default 10 min.
        report_warnings: report Warning records as notes. Default True.
    """

    max_av_gap: timedelta = field(default=timedelta(seconds=1))
    http_gap: timedelta = field(default=timedelta(seconds=60))
    http_min_errors: int = 10
    not_found_min: int = 3
    error_gap: timedelta = field(default=timedelta(minutes=10))
    report_warnings: bool = True


def _explain_drift(incident: Incident) -> str:
    worst = incident.fact("max_gap_ms") or 0
    return (
        f"video and audio timestamps up to {worst / 1000:.1f} s apart"
        f" ({fmt.plural(incident.count, 'statistics line')}): lip sync is off"
    )


def _explain_http(incident: Incident) -> str:
    statuses = fmt.top_counts(incident.fact("statuses"))
    messages = fmt.top_counts(incident.fact("messages"))
    text = f"{fmt.plural(incident.count, 'HTTP error')} in {fmt.duration(incident.duration)}"
    if statuses:
        text += f", status {statuses}"
    if messages:
        text += f": {messages}"
    return text


def _counted(what: str) -> Callable[[Incident], str]:
    def explain(incident: Incident) -> str:
        messages = fmt.top_counts(incident.fact("messages"))
        text = f"{fmt.plural(incident.count, what)} in {fmt.duration(incident.duration)}"
        return f"{text}: {messages}" if messages else text

    return explain


_HINTS = {
    "av_drift": (
        "the encoder's audio and video clocks disagree: check its A/V sync settings, or"
        " restart the encoder"
    ),
    "http_error_storm": (
        "clients keep asking for what is not there (a stale player URL, a stream that is"
        " down) or the API is misused: see the messages and"
        " ome-events tail --type 'HttpError,RestApiError'"
    ),
    "stream_not_found": "players or pushes ask for a stream that is not live: is its encoder up?",
    "transcoder_errors": "read the records (ome-events tail --type TranscoderError): codec,"
    " hardware or profile trouble",
    "push_failures": "check the push target (URL, stream key, network)",
    "recording_failures": "check the recording path: permissions, disk space",
    "log_errors": "read the records: ome-events tail --category log --level error --tag TAG",
    "log_warnings": "read the records: ome-events tail --category log --level warning --tag TAG",
}

# Each typed failure: its group, what one is called, and the severity of its finding.
_BY_TYPE = {
    "TranscoderError": ("transcoder_errors", "transcoder error", Severity.ERROR),
    "PushFailed": ("push_failures", "push failure", Severity.WARNING),
    "RecordingFailed": ("recording_failures", "recording failure", Severity.WARNING),
    "StreamNotFound": ("stream_not_found", "request for a missing stream", Severity.INFO),
}


class ServerLogAnalyzer(BaseAnalyzer[ServerLogConfig]):
    """The server log's own checks (see :class:`ServerLogConfig`)."""

    name = "serverlog"
    config_class = ServerLogConfig

    def make_specs(self, config: ServerLogConfig) -> dict[str, IncidentSpec]:
        """This detector's incident groups."""
        specs = {
            "av_drift": IncidentSpec.of(
                "av_drift", Severity.WARNING, _explain_drift, _HINTS["av_drift"],
                gap=timedelta(minutes=5), highest="max_gap_ms",
            ),
            "http_error_storm": IncidentSpec.of(
                "http_error_storm", Severity.WARNING, _explain_http, _HINTS["http_error_storm"],
                gap=config.http_gap, min_count=config.http_min_errors,
                counted="statuses messages",
            ),
            "log_errors": IncidentSpec.of(
                "log_errors", Severity.WARNING, _counted("error record"),
                _HINTS["log_errors"], gap=config.error_gap, counted="messages",
            ),
            "log_critical": IncidentSpec.of(
                "log_critical", Severity.ERROR, _counted("critical record"),
                _HINTS["log_errors"], gap=config.error_gap, counted="messages",
                kind="log_errors",
            ),
            "log_warnings": IncidentSpec.of(
                "log_warnings", Severity.INFO, _counted("warning record"),
                _HINTS["log_warnings"], gap=config.error_gap, counted="messages",
            ),
        }  # fmt: skip
        for group, what, severity in _BY_TYPE.values():
            specs[group] = IncidentSpec.of(
                group,
                severity,
                _counted(what),
                _HINTS[group],
                gap=config.error_gap,
                min_count=config.not_found_min if group == "stream_not_found" else 1,
                counted="messages",
            )
        return specs

    def handlers(self) -> dict[str, Handler]:
        """The statistics lines, HTTP errors and the typed failures."""
        out: dict[str, Handler] = {
            "ProviderStatistics": self.on_statistics,
            "HttpError": self.on_http_error,
            "RestApiError": self.on_http_error,
        }
        out.update(dict.fromkeys(_BY_TYPE, self.on_failure))
        return out

    def on_statistics(self, event: Event) -> None:
        """A provider's statistics line: its A/V gap."""
        data = event.snapshot_data
        gap = data.get("avGapMs") if type(data) is dict else None
        if type(gap) is not int:
            return
        if abs(gap) <= self.config.max_av_gap.total_seconds() * 1000:
            return
        source = event.source
        self.book.add(
            self.specs["av_drift"], source.raw, source, event.time, event=event,
            facts={"max_gap_ms": abs(gap)},
        )  # fmt: skip

    def on_http_error(self, event: Event) -> None:
        """One ``HTTP error occurred``: into the storm of its status."""
        data = event.snapshot_data
        if type(data) is not dict:
            data = {}
        status = data.get("status")
        message = data.get("message")
        if data.get("path"):  # an HTTP exchange's dump: what was asked
            message = f"{data.get('method')} {data['path']}"
        self.book.add(
            self.specs["http_error_storm"], "http", Subject.log, event.time, event=event,
            facts={"statuses": status, "messages": _short(message)},
        )  # fmt: skip

    def on_failure(self, event: Event) -> None:
        """A transcoder, push or recording failure, or a missing stream: by stream."""
        group = _BY_TYPE[event.type.value][0]
        source = event.source
        self.book.add(
            self.specs[group], source.raw, source, event.time, event=event,
            facts={"messages": _short(event.summary)},
        )  # fmt: skip

    def on_record(self, event: Event) -> None:
        """A record no type was given to (the fallback for category ``ServerLogEvent``): an
        error, critical or warning record counts by tag and stream."""
        rank = event.level.rank
        if rank < 3:
            return
        if rank == 3:
            if not self.config.report_warnings:
                return
            group = "log_warnings"
        else:
            group = "log_critical" if rank > 4 else "log_errors"
        source = event.source
        tag = event.type.value
        subject = source if source.raw else Subject.log
        self.book.add(
            self.specs[group], (tag, source.raw), subject, event.time, event=event,
            facts={"messages": f"{tag}: {_short(event.summary)}"},
        )  # fmt: skip


def _short(text: object, limit: int = 120) -> str | None:
    if not isinstance(text, str):
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"

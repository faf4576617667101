"""OME's own warnings about streams: ``AbnormalStreamDetected`` (each cause),
``ScheduledChannelPlaybackError``, and any other Warning or Error event no detector knows.

Warnings of one cause for one stream are grouped into an incident while they keep coming less
than ``incident_gap`` apart (OME repeats them every few minutes while the problem lasts). The
causes that the snapshot checks of :mod:`.media` also see (B-frames, key-frame interval,
frame rate) share their incident group, so each problem is reported once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ome_events import humanize as fmt
from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Severity
from ome_events.analyze.incidents import Incident, IncidentSpec, Verdict
from ome_events.analyze.media_groups import media_specs
from ome_events.model import Event, Level
from ome_events.summary import field_after, first_number

__all__ = ["AbnormalAnalyzer", "AbnormalConfig"]

#: Which incident group each documented cause of ``AbnormalStreamDetected`` reports into.
CAUSE_GROUPS = {
    "BFrameDetected": "bframes",
    "LongKeyFrameIntervalDetected": "long_keyframe_interval",
    "AbnormalFpsDetected": "abnormal_framerate",
    "AbnormalIncreasedTimestamp": "timestamp_jump",
}

# A 90 kHz clock wraps after 2^32 ticks (RTP, RTMP extended) or 2^33 (MPEG-TS PTS).
_ROLLOVERS = (2**32 / 90_000, 2**33 / 90_000, 2**32 / 1000)


@dataclass(frozen=True, slots=True)
class AbnormalConfig:
    """How OME's warnings are grouped.

    Attributes:
        incident_gap: warnings of the same cause for the same stream less than this apart are
            one finding. Default 1 h (OME repeats a warning every few minutes to 30 minutes
            while the problem lasts).
        report_other: report Warning and Error events that no detector knows (kinds
            ``other_warning``/``other_error``). Default True.
    """

    incident_gap: timedelta = field(default=timedelta(hours=1))
    report_other: bool = True


def _explain_timestamp(incident: Incident) -> str:
    delta = incident.fact("max_delta")
    tracks = incident.fact("tracks") or []
    where = f" on track {fmt.listing(tracks)}" if tracks else ""
    if delta is None:
        return f"timestamps jumped{where} ({fmt.plural(incident.count, 'time')})"
    text = f"timestamps jumped by {fmt.seconds(abs(delta))}{where}"
    if any(abs(abs(delta) - wrap) < 1.0 for wrap in _ROLLOVERS):
        text += ": a timestamp rollover (the source's clock wrapped around)"
    if incident.count > 1:
        text += f" ({fmt.plural(incident.count, 'time')})"
    return text


TIMESTAMP_HINT = (
    "players may freeze or lose sync: restart the source, update its firmware/encoder, and for"
    " RTSP/RTP sources check the RTCP sender reports"
)


def _explain_unknown_cause(incident: Incident) -> str:
    return (
        f"OME reported an abnormal stream, cause {incident.fact('cause')}"
        f" ({fmt.plural(incident.count, 'time')}); no detector knows this cause yet"
    )


def _explain_scheduled(incident: Incident) -> str:
    items = incident.fact("items") or []
    reasons = incident.fact("reasons") or {}
    what = f"live item {fmt.listing(items)}" if items else "an item"
    why = f" ({fmt.listing(list(reasons))})" if reasons else ""
    times = "" if incident.count == 1 else f" {incident.count} times"
    return (
        f"scheduled channel could not play {what}{why}{times}: viewers saw the fallback or nothing"
    )


SCHEDULED_HINT = (
    "the item's source stream stopped or stalled: check that stream or URL, and keep a"
    " fallback program in the .sch file"
)


def _explain_other(incident: Incident) -> str:
    cause = incident.fact("cause")
    because = f" (cause {cause})" if cause else ""
    return (
        f"OME logged {incident.fact('type')}{because} at level {incident.fact('level')}"
        f" {fmt.plural(incident.count, 'time')}; no detector knows this event type"
    )


def _other_severity(incident: Incident) -> Severity:
    return Severity.ERROR if Level(incident.fact("level")).rank >= 4 else Severity.WARNING


class AbnormalAnalyzer(BaseAnalyzer[AbnormalConfig]):
    """Groups OME's stream warnings into incidents per stream and cause.

    Kinds: ``bframes``, ``long_keyframe_interval``, ``abnormal_framerate``,
    ``timestamp_jump``, ``abnormal_stream`` (a cause no one knows yet) and
    ``scheduled_playback_error`` (warnings); ``other_warning``/``other_error`` for Warning and
    Error events of types no detector reads.

    ``covered`` names event types other detectors read, which the catch-all leaves alone
    (:class:`~ome_events.analyze.Analysis` fills it in).
    """

    name = "abnormal"
    config_class = AbnormalConfig

    def __init__(
        self, config: AbnormalConfig | None = None, *, covered: Collection[str] = (), **shared: Any
    ) -> None:
        self.covered = frozenset(covered)
        super().__init__(config, **shared)

    def make_specs(self, config: AbnormalConfig) -> dict[str, IncidentSpec]:
        """The shared media groups, timestamp jumps, unknown causes, scheduled channels and
        the catch-all for other warnings."""
        gap = config.incident_gap
        specs = media_specs(gap)
        specs["timestamp_jump"] = IncidentSpec.of(
            "timestamp_jump",
            Severity.WARNING,
            _explain_timestamp,
            TIMESTAMP_HINT,
            gap=gap,
            highest="max_delta",
            distinct="tracks codecs",
        )
        specs["abnormal_stream"] = IncidentSpec.of(
            "abnormal_stream",
            Severity.WARNING,
            _explain_unknown_cause,
            "read these events (ome-events tail --type AbnormalStreamDetected) and OME's notes",
            gap=gap,
            distinct="tracks",
        )
        specs["scheduled_playback_error"] = IncidentSpec.of(
            "scheduled_playback_error",
            Severity.WARNING,
            _explain_scheduled,
            SCHEDULED_HINT,
            gap=gap,
            counted="reasons",
            distinct="items programs",
        )
        specs["other"] = IncidentSpec.of(
            "other", Severity.WARNING, _explain_other, gap=gap, classify=self._classify_other
        )
        return specs

    @staticmethod
    def _classify_other(incident: Incident) -> Verdict:
        severity = _other_severity(incident)
        return Verdict(
            "other_error" if severity is Severity.ERROR else "other_warning",
            severity,
            _explain_other(incident),
            f"read these events (ome-events tail --type {incident.fact('type')})",
        )

    def handlers(self) -> dict[str, Handler]:
        """AbnormalStreamDetected and ScheduledChannelPlaybackError."""
        return {
            "AbnormalStreamDetected": self.on_abnormal,
            "ScheduledChannelPlaybackError": self.on_scheduled_error,
        }

    def on_abnormal(self, event: Event) -> None:
        """One ``AbnormalStreamDetected`` warning: add it to its stream's incident."""
        cause = event.cause or "(none)"
        group = CAUSE_GROUPS.get(cause)
        summary = event.summary
        field = field_after
        source = event.source
        facts: dict[str, Any] = {
            "tracks": field(summary, ", TrackId: "),
            "codecs": field(summary, ", Codec: "),
        }
        key: Any = source.raw
        if group is None:
            group = "abnormal_stream"
            key = (source.raw, cause)
            facts["cause"] = cause
        elif group == "timestamp_jump":
            facts["max_delta"] = first_number(field(summary, ", Delta: "))
        else:
            facts["ome_warnings"] = 1
            if group == "long_keyframe_interval":
                facts["max_seconds"] = first_number(field(summary, ", KeyFrameInterval: "))
                facts["framerate"] = first_number(field(summary, ", Framerate: "))
            elif group == "abnormal_framerate":
                facts["min_fps"] = first_number(field(summary, ", Framerate: "))
                facts["configured_fps"] = first_number(field(summary, ", FramerateConf: "))
        self.book.add(self.specs[group], key, source, event.time, event=event, facts=facts)

    def on_scheduled_error(self, event: Event) -> None:
        """One ``ScheduledChannelPlaybackError``: add it to its channel's incident."""
        fields = event.fields
        self.book.add(
            self.specs["scheduled_playback_error"],
            event.source.raw,
            event.source,
            event.time,
            event=event,
            facts={
                "items": fields.get("Item"),
                "programs": fields.get("Program"),
                "reasons": fields.get("Reason") or event.cause,
            },
        )

    def fallback(self, event: Event) -> None:
        """A Warning or Error event of a type no detector reads."""
        level = event.level
        if level is Level.INFO or level is Level.DEBUG or level is Level.TRACE:
            return
        if not self.config.report_other or event.type in self.covered or level.rank < 3:
            return
        source = event.source
        self.book.add(
            self.specs["other"],
            (event.type.value, event.cause, source.raw, level.value),
            source,
            event.time,
            event=event,
            facts={
                "type": event.type.value,
                "cause": None if event.cause is None else event.cause.value,
                "level": level.value,
            },
        )

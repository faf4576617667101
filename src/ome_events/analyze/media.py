"""Media checks on stream snapshots: key-frame interval, B-frames, frame rate, bitrate, and the
garbage counters OME prints before its first measurement.

Looks at the snapshot of every ``StreamPrepared`` and ``AbnormalStreamDetected`` event, track
by track. OME's own warnings (``AbnormalStreamDetected`` causes, :mod:`.abnormal`) report
some of the same problems; both detectors add to the same incident, so a stream whose
snapshots show B-frames and that OME warns about gives one ``bframes`` finding.

The checks read the decoded JSON (``event.raw["snapshot"]``) through
:mod:`ome_events.snapshots.raw` rather than typing the snapshot: typing a snapshot with six
tracks costs ten times as much as parsing its line, and this runs on every stream event. The
rule for garbage counters is that module's, the one the typed snapshots' ``issues`` use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ome_events import humanize as fmt
from ome_events.analyze.base import (
    REORDER_WINDOW,
    BaseAnalyzer,
    Clock,
    Handler,
    Incident,
    IncidentBook,
    IncidentSpec,
    Reduce,
)
from ome_events.analyze.findings import Evidence, Finding, Severity, Subject
from ome_events.model import Event
from ome_events.snapshots.raw import (
    garbage_counters,
    integer,
    may_have_garbage,
    number,
    tracks_of,
)

__all__ = ["MediaAnalyzer", "MediaConfig", "media_specs"]


@dataclass(frozen=True, slots=True)
class MediaConfig:
    """Thresholds of the snapshot checks.

    Attributes:
        max_keyframe_interval: a key-frame interval (frames divided by the frame rate) above
            this is too long. Default 4 s, OME's own rule.
        min_framerate_ratio: a measured frame rate (``framerateAvg``, else ``framerate``)
            below this share of ``framerateConf`` is too low. Default 0.5.
        bitrate_low_ratio: a measured bitrate (``bitrateAvg``) below this share of
            ``bitrateConf`` is far from the configured one. Default 0.5.
        bitrate_high_ratio: ... or above this multiple of it. Default 2.0.
        check_audio_bitrate: apply the bitrate check to audio tracks too. Default True.
        report_garbage: report impossible counters (an ``info`` finding). Default True.
        incident_gap: warnings for the same stream less than this apart are one finding.
            Default 1 h.
    """

    max_keyframe_interval: float = 4.0
    min_framerate_ratio: float = 0.5
    bitrate_low_ratio: float = 0.5
    bitrate_high_ratio: float = 2.0
    check_audio_bitrate: bool = True
    report_garbage: bool = True
    incident_gap: timedelta = field(default=timedelta(hours=1))


# -- messages --------------------------------------------------------------------------------


def _tracks(incident: Incident) -> str:
    tracks = incident.fact("tracks") or []
    codecs = incident.fact("codecs") or []
    where = ("track " if len(tracks) == 1 else "tracks ") + fmt.listing(tracks) if tracks else ""
    if codecs:
        where = f"{where} ({fmt.listing(codecs)})" if where else fmt.listing(codecs)
    return where or "the video"


def _explain_bframes(incident: Incident) -> str:
    return (
        f"encoder sends B-frames on {_tracks(incident)}: WebRTC playback will stutter"
        f" (seen in {fmt.plural(incident.count, 'event')})"
    )


def _explain_keyframes(incident: Incident) -> str:
    worst = incident.fact("max_seconds")
    frames = incident.fact("max_frames")
    rate = incident.fact("framerate")
    limit = incident.fact("limit_seconds")
    if worst is None:
        figure = "too long"
    elif frames is not None and rate:
        figure = f"{worst:.1f} s ({frames:.0f} frames at {rate:g} fps)"
    else:
        figure = f"{worst:.1f} s"
    return (
        f"key frames only every {figure}, above {limit or 4:g} s on {_tracks(incident)}:"
        " players start slowly and segments grow"
    )


def _explain_framerate(incident: Incident) -> str:
    low = incident.fact("min_fps")
    conf = incident.fact("configured_fps")
    if low is not None and conf:
        figure = f"down to {low:g} fps against {conf:g} fps configured"
    elif low is not None:
        figure = f"{low:g} fps"
    else:
        figure = "abnormal"
    return f"frame rate {figure} on {_tracks(incident)}"


def _explain_bitrate(incident: Incident) -> str:
    low = incident.fact("min_bitrate")
    high = incident.fact("max_bitrate")
    conf = incident.fact("configured")
    measured = (
        fmt.bitrate(low)
        if low == high or high is None
        else (f"{fmt.bitrate(low)}-{fmt.bitrate(high)}")
    )
    return f"bitrate {measured} against {fmt.bitrate(conf or 0)} configured on {_tracks(incident)}"


def _explain_garbage(incident: Incident) -> str:
    counters = incident.fact("counters") or {}
    streams = incident.fact("streams") or []
    names = ", ".join(f"{name} x{count}" for name, count in counters.items())
    return (
        f"impossible counters in {fmt.plural(incident.count, 'stream snapshot')}"
        f" of {fmt.plural(len(streams), 'stream')} ({names}): OME prints them before its first"
        " one-second measurement; ignored, not counted as drops"
    )


BFRAMES_HINT = (
    "set bframes=0 in the encoder (x264 bframes=0 / ffmpeg -bf 0, OBS profile 'baseline')"
    " or enable transcoding (bypass off) for WebRTC outputs"
)
KEYFRAMES_HINT = (
    "set the encoder's key-frame interval (GOP) to 1-2 s, e.g. keyint=60 at 30 fps"
    " (OBS: Keyframe Interval 1 or 2)"
)
FRAMERATE_HINT = (
    "the encoder cannot keep up or the uplink drops frames: check its CPU load, output fps"
    " and network"
)
BITRATE_HINT = "check the encoder's bitrate settings against the application's and the uplink"
GARBAGE_HINT = "nothing to do; read bitrateAvg or a later snapshot for real figures"


def media_specs(gap: timedelta) -> dict[str, IncidentSpec]:
    """The incident groups the media checks (and OME's matching warnings) report into."""
    return {
        "bframes": IncidentSpec(
            "bframes",
            Severity.WARNING,
            _explain_bframes,
            BFRAMES_HINT,
            gap=gap,
            reducers={"tracks": Reduce.UNIQUE, "codecs": Reduce.UNIQUE, "ome_warnings": Reduce.SUM},
        ),
        "long_keyframe_interval": IncidentSpec(
            "long_keyframe_interval",
            Severity.WARNING,
            _explain_keyframes,
            KEYFRAMES_HINT,
            gap=gap,
            reducers={
                "tracks": Reduce.UNIQUE,
                "codecs": Reduce.UNIQUE,
                "max_seconds": Reduce.MAX,
                "max_frames": Reduce.MAX,
                "framerate": Reduce.MIN,
                "ome_warnings": Reduce.SUM,
            },
        ),
        "abnormal_framerate": IncidentSpec(
            "abnormal_framerate",
            Severity.WARNING,
            _explain_framerate,
            FRAMERATE_HINT,
            gap=gap,
            reducers={
                "tracks": Reduce.UNIQUE,
                "codecs": Reduce.UNIQUE,
                "min_fps": Reduce.MIN,
                "configured_fps": Reduce.MAX,
                "ome_warnings": Reduce.SUM,
            },
        ),
        "bitrate_mismatch": IncidentSpec(
            "bitrate_mismatch",
            Severity.WARNING,
            _explain_bitrate,
            BITRATE_HINT,
            gap=gap,
            reducers={
                "tracks": Reduce.UNIQUE,
                "codecs": Reduce.UNIQUE,
                "min_bitrate": Reduce.MIN,
                "max_bitrate": Reduce.MAX,
                "configured": Reduce.MAX,
            },
        ),
        "garbage_counters": IncidentSpec(
            "garbage_counters",
            Severity.INFO,
            _explain_garbage,
            GARBAGE_HINT,
            gap=None,
            reducers={"counters": Reduce.COUNTS, "streams": Reduce.UNIQUE},
        ),
    }


class MediaAnalyzer(BaseAnalyzer):
    """Checks the tracks of every stream snapshot (see :class:`MediaConfig` for thresholds).

    Kinds: ``bframes``, ``long_keyframe_interval``, ``abnormal_framerate``,
    ``bitrate_mismatch`` (warnings) and ``garbage_counters`` (info, one for the whole run).
    """

    name = "media"

    def __init__(
        self,
        config: MediaConfig | None = None,
        *,
        book: IncidentBook | None = None,
        clock: Clock | None = None,
        reorder_window: timedelta = REORDER_WINDOW,
    ) -> None:
        self.config = config or MediaConfig()
        self.specs = media_specs(self.config.incident_gap)
        # Garbage counters are tallied here, not in the book: they are common (half of the
        # StreamPrepared lines of a busy server) and make one finding for the whole run.
        self._garbage: Incident | None = None
        super().__init__(book=book, clock=clock, reorder_window=reorder_window)

    def handlers(self) -> dict[str, Handler]:
        """StreamPrepared and AbnormalStreamDetected."""
        return {"StreamPrepared": self.on_snapshot, "AbnormalStreamDetected": self.on_snapshot}

    def on_snapshot(self, event: Event) -> None:
        """Check each track of the event's stream snapshot."""
        garbage: list[str] | None = None
        config = self.config
        check_garbage = config.report_garbage
        check_audio = config.check_audio_bitrate
        for track in tracks_of(event.raw.get("snapshot")):
            media = track.get("video")
            if type(media) is dict:
                self._video(event, track, media)
                what = "video"
            else:
                media = track.get("audio")
                if type(media) is not dict:
                    continue
                what = "audio"
            average = media.get("bitrateAvg")
            if average and average != "0" and (check_audio or what == "video"):
                self._bitrate(event, track, media, what)
            if check_garbage and may_have_garbage(media):
                names = garbage_counters(media)
                if names:
                    garbage = names if garbage is None else garbage + names
        if garbage:
            self._tally_garbage(event, garbage)

    def _tally_garbage(self, event: Event, names: list[str]) -> None:
        tally = self._garbage
        if tally is None:
            tally = self._garbage = Incident(
                self.specs["garbage_counters"], Subject.log(), event.time, event.time
            )
        time = event.time
        if time > tally.last:
            tally.last = time
        elif time < tally.first:
            tally.first = time
        tally.count += 1
        if len(tally.evidence) < self.book.evidence_limit:
            tally.evidence.append(Evidence.of(time, event.origin))
        facts = tally.facts
        counters = facts.get("counters")
        if counters is None:
            counters = facts["counters"] = {}
            facts["streams"] = set()
        for name in names:
            counters[name] = counters.get(name, 0) + 1
        streams = facts["streams"]
        if len(streams) < 50:
            streams.add(event.source.raw)

    def close(self) -> None:
        """End of input: the garbage-counter note, if there was any garbage."""
        if self._garbage is not None:
            self.book.emit(self._garbage)
            self._garbage = None

    def pending_extra(self) -> list[Finding]:
        """The garbage-counter note so far."""
        if self._garbage is None:
            return []
        finding = self.book.preview(self._garbage)
        return [] if finding is None else [finding]

    def _video(self, event: Event, track: Mapping[str, Any], video: Mapping[str, Any]) -> None:
        config = self.config
        bframes = video.get("hasBframes") is True
        current = number(video.get("framerate")) or 0.0
        configured_rate = number(video.get("framerateConf")) or 0.0
        rate = current if current > 0 else configured_rate
        frames = number(video.get("keyFrameInterval")) or 0.0
        long_gop = frames > 0 and rate > 0 and frames / rate > config.max_keyframe_interval
        average = lowest = 0.0
        if configured_rate > 0:
            average = number(video.get("framerateAvg")) or 0.0
            measured = average if average > 0 else current
            if 0 < measured < configured_rate * config.min_framerate_ratio:
                lowest = min(v for v in (average, current) if v > 0)
        if not (bframes or long_gop or lowest):
            return  # the common case: a healthy track
        track_id = str(track.get("id", "?"))
        codec = video.get("codec")
        if bframes:
            self._add(event, "bframes", {"tracks": track_id, "codecs": codec})
        if long_gop:
            self._add(
                event,
                "long_keyframe_interval",
                {
                    "tracks": track_id,
                    "codecs": codec,
                    "max_seconds": frames / rate,
                    "max_frames": frames,
                    "framerate": rate,
                    "limit_seconds": config.max_keyframe_interval,
                },
            )
        if lowest:
            self._add(
                event,
                "abnormal_framerate",
                {
                    "tracks": track_id,
                    "codecs": codec,
                    "min_fps": lowest,
                    "configured_fps": configured_rate,
                },
            )

    def _bitrate(
        self, event: Event, track: Mapping[str, Any], media: Mapping[str, Any], what: str
    ) -> None:
        configured = integer(media.get("bitrateConf"))
        if not configured or configured <= 0:
            return
        measured = integer(media.get("bitrateAvg"))
        if not measured or measured <= 0:
            return  # not measured yet
        ratio = measured / configured
        config = self.config
        if config.bitrate_low_ratio <= ratio <= config.bitrate_high_ratio:
            return
        self._add(
            event,
            "bitrate_mismatch",
            {
                "tracks": f"{track.get('id', '?')} ({what})",
                "codecs": media.get("codec"),
                "min_bitrate": measured,
                "max_bitrate": measured,
                "configured": configured,
            },
        )

    def _add(self, event: Event, group: str, facts: dict[str, Any]) -> None:
        source = event.source
        self.book.add(self.specs[group], source.raw, source, event.time, event=event, facts=facts)

"""Media checks on stream snapshots: key-frame interval, B-frames, frame rate, bitrate, and the
garbage counters OME prints before its first measurement.

Looks at the snapshot of every ``StreamPrepared`` and ``AbnormalStreamDetected`` event, track
by track. OME's own warnings (``AbnormalStreamDetected`` causes, :mod:`.abnormal`) report
some of the same problems; both detectors add to the same incident, so a stream whose
snapshots show B-frames and that OME warns about gives one ``bframes`` finding.

The checks read the dozen values they need of each track straight from the event's line
(:func:`ome_events.snapshots.tracks.media_tracks`) rather than typing the snapshot or decoding
the whole line: this runs on every stream event. The values are read with the lax rules of
:mod:`ome_events.snapshots.raw`, whose rule for garbage counters the typed snapshots'
``issues`` use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ome_events.analyze.base import BaseAnalyzer, Handler
from ome_events.analyze.findings import Evidence, Finding, Subject
from ome_events.analyze.incidents import Incident, IncidentSpec
from ome_events.analyze.media_groups import media_specs
from ome_events.model import Event
from ome_events.snapshots.raw import (
    counters_may_be_garbage,
    frames_to_seconds,
    garbage_counters,
    integer,
    number,
)
from ome_events.snapshots.tracks import (
    MAX_FRAME_RATE,
    MAX_KEY_FRAME_FRAMES,
    Media,
    Track,
    media_tracks,
    track_label,
)

__all__ = ["MediaAnalyzer", "MediaConfig"]


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


class MediaAnalyzer(BaseAnalyzer[MediaConfig]):
    """Checks the tracks of every stream snapshot (see :class:`MediaConfig` for thresholds).

    Kinds: ``bframes``, ``long_keyframe_interval``, ``abnormal_framerate``,
    ``bitrate_mismatch`` (warnings) and ``garbage_counters`` (info, one for the whole run).
    """

    name = "media"
    config_class = MediaConfig
    # Garbage counters are tallied here, not in the book: they are common (half of the
    # StreamPrepared lines of a busy server) and make one finding for the whole run.
    _garbage: Incident | None = None

    def make_specs(self, config: MediaConfig) -> dict[str, IncidentSpec]:
        """The shared media groups (:mod:`.media_groups`)."""
        return media_specs(config.incident_gap)

    def handlers(self) -> dict[str, Handler]:
        """StreamPrepared, AbnormalStreamDetected, the Analytics log's StreamCreated, and the
        server log's provider statistics (their key-frame interval and frame rate)."""
        return {
            "StreamPrepared": self.on_snapshot,
            "AbnormalStreamDetected": self.on_snapshot,
            "ProviderStatistics": self.on_snapshot,
            "StreamCreated": self.on_created,
        }

    def on_created(self, event: Event) -> None:
        """``StreamCreated`` of the Analytics log, which carries the stream's tracks (an
        Enterprise ``StreamCreated`` has no snapshot)."""
        if event.format == "analytics":
            self.on_snapshot(event)

    def on_snapshot(self, event: Event) -> None:
        """Check each track of the event's stream snapshot."""
        garbage: list[str] | None = None
        config = self.config
        check_garbage = config.report_garbage
        check_audio = config.check_audio_bitrate
        for track in media_tracks(event):
            media = track.video
            if media is not None:
                self._video(event, track, media)
                what = "video"
            else:
                media = track.audio
                if media is None:
                    continue
                what = "audio"
            average = media.bitrateAvg
            if average and average != "0" and (check_audio or what == "video"):
                self._bitrate(event, track, media, what)
            if check_garbage and counters_may_be_garbage(
                media.bitrateLatest, media.bitrate, media.bitrateConf, average, media
            ):
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

    def _video(self, event: Event, track: Track, video: Media) -> None:
        config = self.config
        bframes = video.hasBframes is True
        # OME writes these as floats; anything else goes through the lax reading.
        current = video.framerate
        if type(current) is not float:
            current = number(current) or 0.0
        if not 0 < current <= MAX_FRAME_RATE:
            current = 0.0  # garbage is no measurement
        configured_rate = video.framerateConf
        if type(configured_rate) is not float:
            configured_rate = number(configured_rate) or 0.0
        if not 0 < configured_rate <= MAX_FRAME_RATE:
            configured_rate = 0.0
        rate = current if current > 0 else configured_rate
        frames = video.keyFrameInterval
        if type(frames) is not float:
            frames = number(frames) or 0.0
        if not 0 < frames <= MAX_KEY_FRAME_FRAMES:
            frames = 0.0
        seconds = frames_to_seconds(frames, rate) if rate > 0 else None
        long_gop = seconds is not None and seconds > config.max_keyframe_interval
        average = lowest = 0.0
        if configured_rate > 0:
            average = number(video.framerateAvg) or 0.0
            measured = average if average > 0 else current
            if 0 < measured < configured_rate * config.min_framerate_ratio:
                lowest = min(v for v in (average, current) if v > 0)
        if not (bframes or long_gop or lowest):
            return  # the common case: a healthy track
        track_id = track_label(track.id)
        codec = video.codec
        if bframes:
            self._add(event, "bframes", {"tracks": track_id, "codecs": codec})
        if long_gop:
            self._add(
                event,
                "long_keyframe_interval",
                {
                    "tracks": track_id,
                    "codecs": codec,
                    "max_seconds": seconds,
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

    def _bitrate(self, event: Event, track: Track, media: Media, what: str) -> None:
        configured = integer(media.bitrateConf)
        if not configured or configured <= 0:
            return
        measured = integer(media.bitrateAvg)
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
                "tracks": f"{label} ({what})" if (label := track_label(track.id)) else what,
                "codecs": media.codec,
                "min_bitrate": measured,
                "max_bitrate": measured,
                "configured": configured,
            },
        )

    def _add(self, event: Event, group: str, facts: dict[str, Any]) -> None:
        # (Facts that are None are left out by the incident's merge.)
        source = event.source
        self.book.add(self.specs[group], source.raw, source, event.time, event=event, facts=facts)

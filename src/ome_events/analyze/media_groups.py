"""The incident groups of stream media problems: B-frames, long key-frame intervals, low frame
rates, bitrates far from the configured one, garbage counters.

Two detectors report into them: the snapshot checks (:mod:`.media`) and OME's own warnings
(:mod:`.abnormal`). Sharing the groups makes a stream whose snapshots show B-frames and that
OME warns about give one ``bframes`` finding.
"""

from __future__ import annotations

from datetime import timedelta

from ome_events import humanize as fmt
from ome_events.analyze.findings import Severity
from ome_events.analyze.incidents import Incident, IncidentSpec, by_group

__all__ = ["media_specs"]


def _tracks(incident: Incident) -> str:
    tracks = fmt.listing(incident.fact("tracks") or [])
    codecs = fmt.listing(incident.fact("codecs") or [])
    where = ""
    if tracks:
        where = ("tracks " if "," in tracks or " and " in tracks else "track ") + tracks
    if codecs:
        where = f"{where} ({codecs})" if where else f"the {codecs} track"
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
    where = _tracks(incident)
    above = f"above {limit or 4:g} s"
    if worst is None:  # OME's own warning, without the figure
        return (
            f"key frames too far apart ({above}) on {where}: players start slowly and segments grow"
        )
    if frames is not None and rate:
        figure = f"{worst:.1f} s ({frames:.0f} frames at {rate:g} fps)"
    else:
        figure = f"{worst:.1f} s"
    return (
        f"key frames only every {figure}, {above} on {where}:"
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
    where = _tracks(incident)
    if low is None:
        return f"bitrate far from the configured one on {where}"
    if low == high or high is None:
        measured = fmt.bitrate(low)
    else:
        measured = f"{fmt.bitrate(low)}-{fmt.bitrate(high)}"
    if not conf:
        return f"bitrate {measured} on {where}, far from the configured one"
    return f"bitrate {measured} against {fmt.bitrate(conf)} configured on {where}"


def _explain_garbage(incident: Incident) -> str:
    counters = incident.fact("counters") or {}
    streams = incident.fact("streams") or []
    names = ", ".join(f"{name} x{count}" for name, count in counters.items())
    which = f" ({names})" if names else ""
    return (
        f"impossible counters in {fmt.plural(incident.count, 'stream snapshot')}"
        f" of {fmt.plural(len(streams), 'stream')}{which}: OME prints them before its first"
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
    return by_group(
        IncidentSpec.of(
            "bframes",
            Severity.WARNING,
            _explain_bframes,
            BFRAMES_HINT,
            gap=gap,
            total="ome_warnings",
            distinct="tracks codecs",
        ),
        IncidentSpec.of(
            "long_keyframe_interval",
            Severity.WARNING,
            _explain_keyframes,
            KEYFRAMES_HINT,
            gap=gap,
            highest="max_seconds max_frames",
            lowest="framerate",
            total="ome_warnings",
            distinct="tracks codecs",
        ),
        IncidentSpec.of(
            "abnormal_framerate",
            Severity.WARNING,
            _explain_framerate,
            FRAMERATE_HINT,
            gap=gap,
            highest="configured_fps",
            lowest="min_fps",
            total="ome_warnings",
            distinct="tracks codecs",
        ),
        IncidentSpec.of(
            "bitrate_mismatch",
            Severity.WARNING,
            _explain_bitrate,
            BITRATE_HINT,
            gap=gap,
            highest="max_bitrate configured",
            lowest="min_bitrate",
            distinct="tracks codecs",
        ),
        IncidentSpec.of(
            "garbage_counters",
            Severity.INFO,
            _explain_garbage,
            GARBAGE_HINT,
            gap=None,
            counted="counters",
            distinct="streams",
        ),
    )

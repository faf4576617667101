"""Typed snapshots: the detail object some events carry. Values only, no I/O.

:func:`type_snapshot` turns the decoded ``snapshot`` object into one of the classes below,
chosen by the event type (and, for types it does not know, by the object's keys):

========================================================  ==============================
event types                                               class
========================================================  ==============================
StreamPrepared, AbnormalStreamDetected                    :class:`StreamSnapshot`
(a lone track object)                                     :class:`Track`
PushPublishingStarted/Stopped                             :class:`PushSnapshot`
RecordingStarted/Stopped                                  :class:`RecordingSnapshot`
HLSDumpStarted/Stopped                                    :class:`HlsDumpSnapshot`
ScheduledChannelCreated/Updated                           :class:`ScheduledChannelSnapshot`
MultiplexChannelCreated/Updated                           :class:`MultiplexChannelSnapshot`
ServerStarted, HostCreated, AppCreated                    :class:`ConfigSnapshot`
anything else (REST bodies, future types)                 :class:`GenericSnapshot`
========================================================  ==============================

Events of the open-source Analytics log (``format="analytics"``) have their own classes, for
the part of ``data`` about the event's subject: ServerStarted :class:`ServerInfoSnapshot`,
Host* :class:`HostInfoSnapshot`, App* :class:`AppInfoSnapshot`, Stream*
:class:`StreamInfoSnapshot` (with :class:`StreamSource`, tracks and
:class:`OutputStreamInfo`), ServerStat :class:`ServerStatSnapshot` (:class:`HostStat`,
:class:`AppStat`, :class:`StreamStat`, :class:`OutputStat`, each with its :class:`Stat`).

Rules that hold for every class:

* Keys the class does not know are kept in ``extra``; the whole object is in ``raw``.
* A value of the wrong type becomes ``None`` and is recorded in ``issues`` with its JSON path
  (``$.tracks[1].video.width``); with ``strict=True`` it raises :class:`ParseError` instead.
* Bitrates are accepted as strings (OME up to 0.18) or integers (0.19 on).
* Times equal to the epoch (``1970-01-01T00:00:00.000+00:00``) mean "never set" and become None.
* Impossible counters (negative values, a ``bitrateLatest`` far above the configured bitrate,
  as OME prints before its first one-second window) are kept as read and flagged in
  ``issues`` with ``kind="impossible"``, so analyzers can tell them from real drops.

The package: :mod:`.classes` declares the classes (each field once, its JSON key derived from
its name), :mod:`.schema` types a decoded object with them, and :mod:`.raw` reads single values
from decoded JSON with the same rules, for readers that need a few values of every event.
"""

from typing import TYPE_CHECKING

from ome_events._lazy import lazy_attributes

if TYPE_CHECKING:
    from ome_events.snapshots.classes import (
        AppInfoSnapshot,
        AppStat,
        AudioTrack,
        ConfigSnapshot,
        GenericSnapshot,
        HlsDumpSnapshot,
        HostInfoSnapshot,
        HostStat,
        MultiplexChannelSnapshot,
        MuxOutputStream,
        MuxSourceStream,
        OutputStat,
        OutputStreamInfo,
        Program,
        ProgramItem,
        PushSnapshot,
        RecordingSnapshot,
        ScheduledChannelSnapshot,
        ScheduledStream,
        ServerInfoSnapshot,
        ServerStatSnapshot,
        Snapshot,
        SnapshotIssue,
        Stat,
        StreamInfoSnapshot,
        StreamRef,
        StreamSnapshot,
        StreamSource,
        StreamStat,
        Timebase,
        Track,
        VideoTrack,
    )
    from ome_events.snapshots.raw import IMPLAUSIBLE_BITRATE_FACTOR, StreamFacts, stream_facts
    from ome_events.snapshots.schema import type_snapshot

__all__ = [
    "IMPLAUSIBLE_BITRATE_FACTOR",
    "AppInfoSnapshot",
    "AppStat",
    "AudioTrack",
    "ConfigSnapshot",
    "GenericSnapshot",
    "HlsDumpSnapshot",
    "HostInfoSnapshot",
    "HostStat",
    "MultiplexChannelSnapshot",
    "MuxOutputStream",
    "MuxSourceStream",
    "OutputStat",
    "OutputStreamInfo",
    "Program",
    "ProgramItem",
    "PushSnapshot",
    "RecordingSnapshot",
    "ScheduledChannelSnapshot",
    "ScheduledStream",
    "ServerInfoSnapshot",
    "ServerStatSnapshot",
    "Snapshot",
    "SnapshotIssue",
    "Stat",
    "StreamFacts",
    "StreamInfoSnapshot",
    "StreamRef",
    "StreamSnapshot",
    "StreamSource",
    "StreamStat",
    "Timebase",
    "Track",
    "VideoTrack",
    "stream_facts",
    "type_snapshot",
]

# The classes are many dataclasses (milliseconds to create): loaded on first use, so that
# importing .raw (the terminal view does, at start-up) stays cheap.
_RAW = ("IMPLAUSIBLE_BITRATE_FACTOR", "StreamFacts", "stream_facts")
_LAZY = dict.fromkeys(__all__, "ome_events.snapshots.classes")
_LAZY.update(dict.fromkeys(_RAW, "ome_events.snapshots.raw"))
_LAZY["type_snapshot"] = "ome_events.snapshots.schema"
__getattr__ = lazy_attributes(__name__, _LAZY)

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

if TYPE_CHECKING:
    from ome_events.snapshots.classes import (
        AudioTrack,
        ConfigSnapshot,
        GenericSnapshot,
        HlsDumpSnapshot,
        MultiplexChannelSnapshot,
        MuxOutputStream,
        MuxSourceStream,
        Program,
        ProgramItem,
        PushSnapshot,
        RecordingSnapshot,
        ScheduledChannelSnapshot,
        ScheduledStream,
        Snapshot,
        SnapshotIssue,
        StreamRef,
        StreamSnapshot,
        Timebase,
        Track,
        VideoTrack,
    )
    from ome_events.snapshots.raw import IMPLAUSIBLE_BITRATE_FACTOR, StreamFacts, stream_facts
    from ome_events.snapshots.schema import type_snapshot

# The classes are many dataclasses (milliseconds to create): loaded on first use, so that
# importing .raw (the terminal view does, at start-up) stays cheap.
_MODULES = {
    "IMPLAUSIBLE_BITRATE_FACTOR": "raw",
    "StreamFacts": "raw",
    "stream_facts": "raw",
    "type_snapshot": "schema",
}


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module 'ome_events.snapshots' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"ome_events.snapshots.{_MODULES.get(name, 'classes')}")
    value = getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "IMPLAUSIBLE_BITRATE_FACTOR",
    "AudioTrack",
    "ConfigSnapshot",
    "GenericSnapshot",
    "HlsDumpSnapshot",
    "MultiplexChannelSnapshot",
    "MuxOutputStream",
    "MuxSourceStream",
    "Program",
    "ProgramItem",
    "PushSnapshot",
    "RecordingSnapshot",
    "ScheduledChannelSnapshot",
    "ScheduledStream",
    "Snapshot",
    "SnapshotIssue",
    "StreamFacts",
    "StreamRef",
    "StreamSnapshot",
    "Timebase",
    "Track",
    "VideoTrack",
    "stream_facts",
    "type_snapshot",
]

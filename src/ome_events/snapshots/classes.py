"""The typed snapshot classes: frozen, slotted values, one per kind of snapshot.

Each class declares its fields once. The JSON key of a field is its name in camelCase
(``bitrate_conf`` is ``bitrateConf``) unless the field's metadata says otherwise
(``metadata={"json": "totalsentBytes"}``, or ``None`` for a field that is not read from JSON);
how a value is read follows from the field's type (see :mod:`ome_events.snapshots.schema`).
Every class keeps the keys it does not know in ``extra`` and what was odd in ``issues``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from ome_events.snapshots.raw import best_frame_rate, frames_to_seconds

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class SnapshotIssue:
    """Something odd in a snapshot value.

    ``kind`` is ``"type"`` when the value had the wrong JSON type (it was replaced by None)
    and ``"impossible"`` when it was kept but cannot be true (a negative counter).
    """

    path: str
    kind: Literal["type", "impossible"]
    message: str
    value: Any = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class Timebase:
    """A track's time base, ``num/den`` seconds per tick."""

    num: int | None = None
    den: int | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class VideoTrack:
    """The ``video`` object of a track. Key-frame intervals are in frames, as OME counts them."""

    codec: str | None = None
    width: int | None = None
    height: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    bitrate: int | None = None
    bitrate_conf: int | None = None
    bitrate_avg: int | None = None
    bitrate_latest: int | None = None
    framerate: float | None = None
    framerate_conf: float | None = None
    framerate_avg: float | None = None
    framerate_latest: float | None = None
    key_frame_interval: float | None = None
    key_frame_interval_conf: float | None = None
    key_frame_interval_avg: float | None = None
    key_frame_interval_latest: float | None = None
    delta_frames_since_last_key_frame: int | None = None
    has_bframes: bool | None = None
    bypass: bool | None = None
    timebase: Timebase | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()

    @property
    def frame_rate(self) -> float | None:
        """The best known frame rate: measured ``framerate``, else the configured one."""
        return best_frame_rate(self.framerate, self.framerate_conf)

    def frames_to_seconds(self, frames: float | None) -> float | None:
        """Convert a key-frame interval in frames to seconds, None when unknown (0 or no fps)."""
        return frames_to_seconds(frames, self.frame_rate)

    @property
    def key_frame_interval_seconds(self) -> float | None:
        """``key_frame_interval`` in seconds (frames / frame rate); None when unknown.

        OME's own long-key-frame rule warns above 4 seconds.
        """
        return frames_to_seconds(self.key_frame_interval, self.frame_rate)


@dataclass(frozen=True, slots=True)
class AudioTrack:
    """The ``audio`` object of a track."""

    codec: str | None = None
    samplerate: int | None = None
    channel: int | None = None
    bitrate: int | None = None
    bitrate_conf: int | None = None
    bitrate_avg: int | None = None
    bitrate_latest: int | None = None
    bypass: bool | None = None
    timebase: Timebase | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class Track:
    """One track of a stream. ``type`` is ``"Video"``, ``"Audio"``, ``"Data"`` or a new kind."""

    kind: ClassVar[str] = "track"
    id: int | None = None
    name: str | None = None
    type: str | None = None
    video: VideoTrack | None = None
    audio: AudioTrack | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class StreamSnapshot:
    """A stream and its tracks (``StreamPrepared``, ``AbnormalStreamDetected``)."""

    kind: ClassVar[str] = "stream"
    name: str | None = None
    source_type: str | None = None
    source_url: str | None = None
    created_time: datetime | None = None
    tracks: tuple[Track, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)

    @property
    def video_tracks(self) -> tuple[Track, ...]:
        """The tracks with a ``video`` object."""
        return tuple(t for t in self.tracks if t.video is not None)

    @property
    def audio_tracks(self) -> tuple[Track, ...]:
        """The tracks with an ``audio`` object."""
        return tuple(t for t in self.tracks if t.audio is not None)

    @property
    def data_tracks(self) -> tuple[Track, ...]:
        """The tracks of type ``Data``."""
        return tuple(t for t in self.tracks if t.type == "Data")

    @property
    def video(self) -> VideoTrack | None:
        """The first video track's details, the one most summaries are about."""
        return next((t.video for t in self.tracks if t.video is not None), None)

    @property
    def audio(self) -> AudioTrack | None:
        """The first audio track's details."""
        return next((t.audio for t in self.tracks if t.audio is not None), None)


@dataclass(frozen=True, slots=True)
class StreamRef:
    """The ``stream`` object of a push or recording: which stream and which tracks."""

    name: str | None = None
    track_ids: tuple[int, ...] = ()
    variant_names: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class PushSnapshot:
    """A push publishing. ``state``: ready, connecting, pushing, stopping, stopped or error."""

    kind: ClassVar[str] = "push"
    id: str | None = None
    vhost: str | None = None
    app: str | None = None
    stream: StreamRef | None = None
    state: str | None = None
    protocol: str | None = None
    url: str | None = None
    stream_key: str | None = None
    sent_bytes: int | None = None
    sent_time: int | None = None
    total_sent_bytes: int | None = field(default=None, metadata={"json": "totalsentBytes"})
    total_sent_time: int | None = field(default=None, metadata={"json": "totalsentTime"})
    sequence: int | None = None
    start_time: datetime | None = None
    finish_time: datetime | None = None
    created_time: datetime | None = None
    is_config: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class RecordingSnapshot:
    """A recording. ``state``: ready, recording, stopping, stopped or error."""

    kind: ClassVar[str] = "recording"
    id: str | None = None
    vhost: str | None = None
    app: str | None = None
    stream: StreamRef | None = None
    state: str | None = None
    is_config: bool | None = None
    file_path: str | None = None
    output_file_path: str | None = None
    info_path: str | None = None
    output_info_path: str | None = None
    metadata: str | None = None
    interval: int | None = None
    schedule: str | None = None
    segmentation_rule: str | None = None
    record_bytes: int | None = None
    record_time: int | None = None
    total_record_bytes: int | None = None
    total_record_time: int | None = None
    sequence: int | None = None
    created_time: datetime | None = None
    start_time: datetime | None = None
    finish_time: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class HlsDumpSnapshot:
    """An HLS dump."""

    kind: ClassVar[str] = "hls_dump"
    id: str | None = None
    output_stream_name: str | None = None
    output_path: str | None = None
    info_file: str | None = None
    user_data: str | None = None
    enabled: bool | None = None
    playlist: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ScheduledStream:
    """The output stream of a scheduled channel."""

    name: str | None = None
    bypass_transcoder: bool | None = None
    video_track: bool | None = None
    audio_track: bool | None = None
    audio_map: Any = None
    error_tolerance_duration_ms: int | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgramItem:
    """One item of a scheduled program: a URL played from ``start`` for ``duration`` ms."""

    url: str | None = None
    start: int | None = None
    duration: int | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class Program:
    """A program of a scheduled channel."""

    name: str | None = None
    scheduled: str | None = None
    repeat: bool | None = None
    items: tuple[ProgramItem, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class ScheduledChannelSnapshot:
    """A scheduled channel (``.sch`` file)."""

    kind: ClassVar[str] = "scheduled_channel"
    stream: ScheduledStream | None = None
    fallback_program: Program | None = None
    programs: tuple[Program, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class MuxOutputStream:
    """The output stream of a multiplex channel."""

    name: str | None = None
    bypass_transcoder: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class MuxSourceStream:
    """A source stream of a multiplex channel and how its tracks are mapped."""

    name: str | None = None
    url: str | None = None
    track_map: tuple[Any, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class MultiplexChannelSnapshot:
    """A multiplex channel (``.mux`` file)."""

    kind: ClassVar[str] = "multiplex_channel"
    output_stream: MuxOutputStream | None = None
    source_streams: tuple[MuxSourceStream, ...] = ()
    playlists: tuple[Any, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ConfigSnapshot:
    """Server, virtual host or application details (``ServerStarted``, ``HostCreated``,
    ``AppCreated``). OME does not document their keys, so only the common ones are typed."""

    kind: ClassVar[str] = "config"
    scope: Literal["server", "host", "app"] = field(default="server", metadata={"json": None})
    name: str | None = None
    id: str | None = None
    version: str | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


# -- the open-source Analytics log (formats/analytics.py): what ``data`` says of a subject --


@dataclass(frozen=True, slots=True)
class StreamSource:
    """Where an Analytics stream comes from: ``type`` (RTMP, WebRTC, OVT, ...), ``address``
    and the ``stream_id`` of the origin's stream (its own ID for an origin stream)."""

    type: str | None = None
    address: str | None = None
    stream_id: str | None = field(default=None, metadata={"json": "streamID"})
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputStreamInfo:
    """An output (transcoded) stream of an Analytics stream."""

    stream_id: str | None = field(default=None, metadata={"json": "streamID"})
    name: str | None = None
    created_time: datetime | None = None
    tracks: tuple[Track, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class StreamInfoSnapshot:
    """A stream of the Analytics log (``StreamCreated``, ``StreamDeleted``,
    ``StreamOutputsUpdated``): its IDs, source, tracks (as in Enterprise snapshots) and
    output streams."""

    kind: ClassVar[str] = "stream_info"
    stream_id: str | None = field(default=None, metadata={"json": "streamID"})
    name: str | None = None
    created_time: datetime | None = None
    source: StreamSource | None = None
    tracks: tuple[Track, ...] = ()
    outputs: tuple[OutputStreamInfo, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)

    @property
    def video(self) -> VideoTrack | None:
        """The first video track's details."""
        return next((t.video for t in self.tracks if t.video is not None), None)

    @property
    def audio(self) -> AudioTrack | None:
        """The first audio track's details."""
        return next((t.audio for t in self.tracks if t.audio is not None), None)


@dataclass(frozen=True, slots=True)
class AppInfoSnapshot:
    """An application of the Analytics log (``AppCreated``, ``AppDeleted``); ``name`` is
    OME's ``#vhost#app``; the configuration lists are kept as decoded."""

    kind: ClassVar[str] = "app_info"
    app_id: str | None = field(default=None, metadata={"json": "appID"})
    name: str | None = None
    created_time: datetime | None = None
    output_profiles: Any = None
    providers: Any = None
    publishers: Any = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class HostInfoSnapshot:
    """A virtual host of the Analytics log (``HostCreated``, ``HostDeleted``)."""

    kind: ClassVar[str] = "host_info"
    host_id: str | None = field(default=None, metadata={"json": "hostID"})
    name: str | None = None
    created_time: datetime | None = None
    distribution: str | None = None
    host_names: Any = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ServerInfoSnapshot:
    """The server of the Analytics log (``ServerStarted``): ``data.serverInfo``."""

    kind: ClassVar[str] = "server_info"
    server_id: str | None = field(default=None, metadata={"json": "serverID"})
    server_name: str | None = None
    server_version: str | None = None
    started_time: datetime | None = None
    bind: Any = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Stat:
    """OME's counters of a server, host, app or stream at one moment (``ServerStat``):
    bytes and throughputs (bits per second), connections in total and per publisher."""

    created_time: datetime | None = None
    last_updated_time: datetime | None = None
    total_bytes_in: int | None = None
    total_bytes_out: int | None = None
    avg_throughput_in: int | None = None
    avg_throughput_out: int | None = None
    max_throughput_in: int | None = None
    max_throughput_out: int | None = None
    last_throughput_in: int | None = None
    last_throughput_out: int | None = None
    last_recv_time: datetime | None = None
    last_sent_time: datetime | None = None
    total_connections: int | None = None
    max_total_connections: int | None = None
    max_total_connection_time: datetime | None = None
    connections: Any = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputStat:
    """The counters of an output stream."""

    stream_id: str | None = field(default=None, metadata={"json": "streamID"})
    stream_name: str | None = None
    stat: Stat | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class StreamStat:
    """The counters of an input stream and of its outputs."""

    stream_id: str | None = field(default=None, metadata={"json": "streamID"})
    stream_name: str | None = None
    stat: Stat | None = None
    outputs: tuple[OutputStat, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class AppStat:
    """The counters of an application and of its streams (``app_name`` is ``#vhost#app``)."""

    app_id: str | None = field(default=None, metadata={"json": "appID"})
    app_name: str | None = None
    stat: Stat | None = None
    streams: tuple[StreamStat, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class HostStat:
    """The counters of a virtual host and of its applications."""

    host_id: str | None = field(default=None, metadata={"json": "hostID"})
    host_name: str | None = None
    distribution: str | None = None
    stat: Stat | None = None
    apps: tuple[AppStat, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class ServerStatSnapshot:
    """The statistics the Analytics log writes every 5 seconds (``ServerStat``):
    ``data.serverStat``, server, hosts, apps and streams, each with its :class:`Stat`."""

    kind: ClassVar[str] = "server_stat"
    server_id: str | None = field(default=None, metadata={"json": "serverID"})
    server_name: str | None = None
    stat: Stat | None = None
    hosts: tuple[HostStat, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_empty)
    issues: tuple[SnapshotIssue, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GenericSnapshot:
    """Any other snapshot (REST request and response bodies, future types), as decoded."""

    kind: ClassVar[str] = "generic"
    data: Any = None
    issues: tuple[SnapshotIssue, ...] = ()

    @property
    def raw(self) -> Any:
        """The snapshot as decoded (the same as ``data``)."""
        return self.data


Snapshot = (
    StreamSnapshot
    | Track
    | PushSnapshot
    | RecordingSnapshot
    | HlsDumpSnapshot
    | ScheduledChannelSnapshot
    | MultiplexChannelSnapshot
    | ConfigSnapshot
    | StreamInfoSnapshot
    | AppInfoSnapshot
    | HostInfoSnapshot
    | ServerInfoSnapshot
    | ServerStatSnapshot
    | GenericSnapshot
)

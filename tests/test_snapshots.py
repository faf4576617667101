"""Typed snapshots: every kind, lax by default, strict when asked."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.helpers.lines import PUSH_STARTED, STREAM_PREPARED

from ome_events import ParseError, parse_line
from ome_events.snapshots import (
    ConfigSnapshot,
    GenericSnapshot,
    HlsDumpSnapshot,
    MultiplexChannelSnapshot,
    PushSnapshot,
    RecordingSnapshot,
    ScheduledChannelSnapshot,
    StreamSnapshot,
    Track,
    type_snapshot,
)


def video(**values: object) -> dict[str, object]:
    """A stream snapshot with one video track holding ``values``."""
    return {"name": "s", "tracks": [{"id": 0, "type": "Video", "video": values}]}


class TestStreamSnapshot:
    """StreamPrepared's snapshot, from the specification's example."""

    def test_tracks(self) -> None:
        """Video, audio and data tracks are typed."""
        snapshot = parse_line(STREAM_PREPARED).snapshot
        assert isinstance(snapshot, StreamSnapshot)
        assert snapshot.name == "push_rtmp"
        assert snapshot.source_url == "TCP://172.17.0.1:44004"
        assert isinstance(snapshot.created_time, datetime)
        assert [t.type for t in snapshot.tracks] == ["Video", "Audio", "Data"]
        assert snapshot.video is not None and snapshot.audio is not None
        assert (snapshot.video.codec, snapshot.video.width, snapshot.video.height) == (
            "H264",
            1920,
            1080,
        )
        assert snapshot.video.framerate == 30.0
        assert snapshot.audio.samplerate == 48000
        assert len(snapshot.data_tracks) == 1

    def test_bitrates_as_strings_or_integers(self) -> None:
        """OME 0.18 writes bitrates as strings, 0.19 as integers: both are ints here."""
        as_string = type_snapshot("StreamPrepared", video(bitrate="2500000"))
        as_int = type_snapshot("StreamPrepared", video(bitrate=2500000))
        assert isinstance(as_string, StreamSnapshot) and isinstance(as_int, StreamSnapshot)
        assert as_string.video is not None and as_string.video.bitrate == 2500000
        assert as_int.video is not None and as_int.video.bitrate == 2500000

    def test_key_frame_interval_in_seconds(self) -> None:
        """Frames divided by the frame rate; unknown when 0 or no frame rate."""
        snap = type_snapshot("StreamPrepared", video(keyFrameInterval=300.0, framerate=30.0))
        assert isinstance(snap, StreamSnapshot) and snap.video is not None
        assert snap.video.key_frame_interval == 300.0
        assert snap.video.key_frame_interval_seconds == 10.0
        conf_only = type_snapshot(
            "StreamPrepared", video(keyFrameInterval=60.0, framerate=0.0, framerateConf=30.0)
        )
        assert isinstance(conf_only, StreamSnapshot) and conf_only.video is not None
        assert conf_only.video.key_frame_interval_seconds == 2.0
        unknown = type_snapshot("StreamPrepared", video(keyFrameInterval=0.0, framerate=30.0))
        assert isinstance(unknown, StreamSnapshot) and unknown.video is not None
        assert unknown.video.key_frame_interval_seconds is None

    def test_negative_counter_is_kept_and_flagged(self) -> None:
        """The specification's own example has bitrateLatest -795170153."""
        snapshot = parse_line(STREAM_PREPARED).snapshot
        assert isinstance(snapshot, StreamSnapshot) and snapshot.audio is not None
        assert snapshot.audio.bitrate_latest == -795170153
        [issue] = snapshot.issues
        assert issue.kind == "impossible"
        assert issue.path == "$.tracks[1].audio.bitrateLatest"
        assert snapshot.tracks[1].issues == (issue,)

    def test_garbage_latest_bitrate_is_flagged(self) -> None:
        """A latest bitrate hundreds of times the configured one is not a real measurement."""
        snap = type_snapshot(
            "StreamPrepared", video(bitrateConf="4906000", bitrateLatest="1059802151")
        )
        assert [i.kind for i in snap.issues] == ["impossible"]
        plausible = type_snapshot(
            "StreamPrepared", video(bitrateConf="4906000", bitrateLatest="5000000")
        )
        assert plausible.issues == ()

    def test_unknown_keys_are_kept(self) -> None:
        """New fields land in extra, at every level."""
        snap = type_snapshot(
            "StreamPrepared", {**video(codec="AV1", lowLatency=True), "region": "eu"}
        )
        assert isinstance(snap, StreamSnapshot) and snap.video is not None
        assert snap.extra == {"region": "eu"}
        assert snap.video.extra == {"lowLatency": True}
        assert snap.video.codec == "AV1"

    def test_wrong_type_becomes_none_with_its_path(self) -> None:
        """Lax: the bad value is None and the issue names where it was."""
        snap = type_snapshot("StreamPrepared", video(width="wide"))
        assert isinstance(snap, StreamSnapshot) and snap.video is not None
        assert snap.video.width is None
        [issue] = snap.issues
        assert (issue.kind, issue.path) == ("type", "$.tracks[0].video.width")

    def test_strict_raises_with_the_path(self) -> None:
        """Strict: a ParseError that names the path."""
        with pytest.raises(ParseError, match=r"\$\.tracks\[0\]\.video\.width"):
            type_snapshot("StreamPrepared", video(width="wide"), strict=True)

    def test_single_track(self) -> None:
        """An abnormal-stream snapshot holding one track object is a Track."""
        snap = type_snapshot(
            "AbnormalStreamDetected", {"id": 0, "type": "Video", "video": {"hasBframes": True}}
        )
        assert isinstance(snap, Track)
        assert snap.video is not None and snap.video.has_bframes

    def test_data_track_has_no_details(self) -> None:
        """A data track has neither video nor audio."""
        snap = type_snapshot("StreamPrepared", {"tracks": [{"id": 2, "type": "Data"}]})
        assert isinstance(snap, StreamSnapshot)
        assert snap.tracks[0].video is None and snap.tracks[0].audio is None


class TestOtherSnapshots:
    """Push, recording, dump, channels, configuration and the rest."""

    def test_push_epoch_times_are_unset(self) -> None:
        """startTime at the epoch means never started."""
        snapshot = parse_line(PUSH_STARTED).snapshot
        assert isinstance(snapshot, PushSnapshot)
        assert snapshot.start_time is None and snapshot.finish_time is None
        assert snapshot.created_time is not None
        assert snapshot.state == "ready"
        assert snapshot.stream is not None
        assert snapshot.stream.variant_names == ("video_h264_1080p", "aac_audio")
        assert snapshot.stream_key is None

    def test_recording(self) -> None:
        """Recording counters and paths."""
        snap = type_snapshot(
            "RecordingStopped",
            {
                "id": "r1",
                "state": "stopped",
                "recordBytes": 0,
                "totalRecordBytes": "0",
                "filePath": "/rec/a.ts",
                "stream": {"name": "cam2"},
            },
        )
        assert isinstance(snap, RecordingSnapshot)
        assert (snap.record_bytes, snap.total_record_bytes, snap.file_path) == (0, 0, "/rec/a.ts")

    def test_hls_dump(self) -> None:
        """HLS dump fields."""
        snap = type_snapshot(
            "HLSDumpStarted",
            {"id": "d", "outputPath": "/d", "playlist": ["a.m3u8"], "enabled": True},
        )
        assert isinstance(snap, HlsDumpSnapshot)
        assert snap.playlist == ("a.m3u8",)

    def test_scheduled_channel(self) -> None:
        """Programs and items of a scheduled channel."""
        snap = type_snapshot(
            "ScheduledChannelCreated",
            {
                "stream": {"name": "ch", "bypassTranscoder": False, "audioMap": None},
                "programs": [
                    {
                        "name": "p",
                        "repeat": True,
                        "items": [{"url": "file://a.mp4", "start": 0, "duration": 60000}],
                    }
                ],
            },
        )
        assert isinstance(snap, ScheduledChannelSnapshot)
        assert snap.stream is not None and snap.stream.name == "ch"
        assert snap.programs[0].items[0].duration == 60000

    def test_multiplex_channel(self) -> None:
        """Output and source streams of a multiplex channel."""
        snap = type_snapshot(
            "MultiplexChannelUpdated",
            {
                "outputStream": {"name": "mux"},
                "sourceStreams": [
                    {
                        "name": "a",
                        "url": "stream://default/app/a",
                        "trackMap": [{"sourceTrackName": "v"}],
                    }
                ],
            },
        )
        assert isinstance(snap, MultiplexChannelSnapshot)
        assert snap.output_stream is not None and snap.output_stream.name == "mux"
        assert snap.source_streams[0].track_map == ({"sourceTrackName": "v"},)

    def test_config(self) -> None:
        """Server, host and app details keep everything, typing the common keys."""
        snap = type_snapshot(
            "ServerStarted", {"name": "OvenMediaEngine", "version": "0.18.1.2", "bind": {}}
        )
        assert isinstance(snap, ConfigSnapshot)
        assert (snap.scope, snap.name, snap.version) == ("server", "OvenMediaEngine", "0.18.1.2")
        assert snap.extra == {"bind": {}}
        host = type_snapshot("HostCreated", {"name": "default"})
        assert isinstance(host, ConfigSnapshot) and host.scope == "host"

    @pytest.mark.parametrize("data", [{"status": 200}, [1, 2], "text", 5])
    def test_generic(self, data: object) -> None:
        """REST bodies and future types are kept as decoded."""
        snap = type_snapshot("RestApiResponded", data)
        assert isinstance(snap, GenericSnapshot)
        assert snap.data == data

    def test_expected_object_but_got_something_else(self) -> None:
        """A push snapshot that is not an object is kept, with an issue."""
        snap = type_snapshot("PushPublishingStarted", [1])
        assert isinstance(snap, GenericSnapshot)
        assert snap.issues[0].path == "$"

    def test_snapshot_is_computed_once(self) -> None:
        """The snapshot is typed lazily and then cached."""
        event = parse_line(STREAM_PREPARED)
        assert event.snapshot is event.snapshot

    def test_no_snapshot(self) -> None:
        """Events without a snapshot have None."""
        assert parse_line(PUSH_STARTED.split(b',"snapshot"')[0] + b"}").snapshot is None


class TestEpochInLocalTime:
    """OME formats unset times in the server's own offset."""

    def test_local_epoch_is_unset(self) -> None:
        """1970-01-01T09:00:00+09:00 is the epoch too."""
        snap = type_snapshot(
            "PushPublishingStopped",
            {
                "startTime": "1970-01-01T09:00:00.000+09:00",
                "finishTime": "1970-01-01T09:00:01.000+09:00",
            },
        )
        assert isinstance(snap, PushSnapshot)
        assert snap.start_time is None
        assert snap.finish_time is not None

"""Snapshot checks: key-frame interval, B-frames, frame rate, bitrate, garbage counters."""

from __future__ import annotations

from typing import Any

import pytest
from tests.helpers.analyze import (
    CAM,
    audio,
    created,
    deleted,
    events,
    found,
    one,
    prepared,
    run,
    stream_snapshot,
    video,
)
from tests.helpers.lines import SAMPLES

import ome_events
from ome_events.analyze import AnalyzerConfig, MediaAnalyzer, MediaConfig, Severity
from ome_events.snapshots import StreamSnapshot, Track
from ome_events.snapshots.raw import garbage_counters


def with_snapshot(snapshot: dict[str, Any], config: AnalyzerConfig | None = None) -> Any:
    """A healthy session whose StreamPrepared carries ``snapshot``."""
    return run([created(0, 100), prepared(0.2, 100, snapshot=snapshot), deleted(3600, 100)],
               config)  # fmt: skip


class TestBFrames:
    """``hasBframes`` in a snapshot."""

    def test_fires(self) -> None:
        """A video track with B-frames is a ``bframes`` warning."""
        report = with_snapshot(stream_snapshot(video(hasBframes=True)))
        finding = one(report, "bframes")
        assert finding.subject.id == CAM
        assert "track 0 (H264)" in finding.message

    def test_healthy(self) -> None:
        """Without B-frames, nothing."""
        assert with_snapshot(stream_snapshot()).findings == ()


class TestKeyFrameInterval:
    """Key-frame intervals are frames divided by the frame rate; above 4 s is too long."""

    def test_five_seconds(self) -> None:
        """150 frames at 30 fps is 5 s: too long."""
        finding = one(with_snapshot(stream_snapshot(video(keyFrameInterval=150.0))),
                      "long_keyframe_interval")  # fmt: skip
        assert "5.0 s (150 frames at 30 fps)" in finding.message

    def test_four_seconds_is_fine(self) -> None:
        """120 frames at 30 fps is exactly 4 s: not above the limit."""
        assert with_snapshot(stream_snapshot(video(keyFrameInterval=120.0))).findings == ()

    def test_configured_rate_when_not_measured(self) -> None:
        """Without a measured frame rate, the configured one converts frames to seconds."""
        snapshot = stream_snapshot(video(keyFrameInterval=150.0, framerate=0.0,
                                         framerateConf=25.0))  # fmt: skip
        finding = one(with_snapshot(snapshot), "long_keyframe_interval")
        assert "6.0 s" in finding.message

    def test_unknown_interval(self) -> None:
        """0 frames means unknown: nothing."""
        assert with_snapshot(stream_snapshot(video(keyFrameInterval=0.0))).findings == ()

    def test_configurable(self) -> None:
        """A stricter limit makes 3 s too long."""
        config = AnalyzerConfig(media=MediaConfig(max_keyframe_interval=2.0))
        report = with_snapshot(stream_snapshot(video(keyFrameInterval=90.0)), config)
        assert found(report) == [("long_keyframe_interval", CAM)]


class TestFrameRate:
    """A measured frame rate well below the configured one."""

    def test_fires(self) -> None:
        """12 fps measured against 30 configured is reported."""
        snapshot = stream_snapshot(video(framerate=12.0, framerateAvg=12.25))
        finding = one(with_snapshot(snapshot), "abnormal_framerate")
        assert "12 fps" in finding.message

    def test_near_miss(self) -> None:
        """16 fps against 30 is above half: not reported."""
        assert with_snapshot(stream_snapshot(video(framerateAvg=16.0))).findings == ()

    def test_no_configured_rate(self) -> None:
        """Without a configured rate there is nothing to compare with."""
        snapshot = stream_snapshot(video(framerate=5.0, framerateConf=0.0))
        assert with_snapshot(snapshot).findings == ()


class TestBitrate:
    """A measured bitrate far from the configured one."""

    def test_too_low(self) -> None:
        """1 Mbps measured against 2.5 configured is reported."""
        snapshot = stream_snapshot(video(bitrateAvg="1000000"))
        finding = one(with_snapshot(snapshot), "bitrate_mismatch")
        assert "1 Mbps against 2.5 Mbps" in finding.message

    def test_too_high(self) -> None:
        """Six times the configured bitrate is reported too."""
        snapshot = stream_snapshot(video(bitrateAvg="15000000"))
        assert found(with_snapshot(snapshot)) == [("bitrate_mismatch", CAM)]

    def test_near_miss(self) -> None:
        """1.4 Mbps against 2.5 (56 %) is close enough."""
        assert with_snapshot(stream_snapshot(video(bitrateAvg="1400000"))).findings == ()

    def test_not_measured_yet(self) -> None:
        """A bitrateAvg of 0 means no measurement yet."""
        assert with_snapshot(stream_snapshot(video(bitrateAvg="0"))).findings == ()

    def test_audio(self) -> None:
        """Audio tracks are checked too, and integer bitrates (OME 0.19) work."""
        snapshot = stream_snapshot(audio_track=audio(bitrateAvg=40000, bitrateConf=160000))
        finding = one(with_snapshot(snapshot), "bitrate_mismatch")
        assert "audio" in finding.message


class TestGarbageCounters:
    """Impossible counters are a note apart, never a drop."""

    def test_negative_latest_is_garbage_not_a_drop(self) -> None:
        """A negative bitrateLatest is an info note, and no bitrate finding."""
        snapshot = stream_snapshot(audio_track=audio(bitrateLatest="-795170153"))
        report = with_snapshot(snapshot)
        assert found(report) == [("garbage_counters", "*")]
        finding = one(report, "garbage_counters")
        assert finding.severity is Severity.INFO
        assert "bitrateLatest" in finding.message

    def test_huge_latest_is_garbage(self) -> None:
        """A bitrateLatest 400 times the configured bitrate is garbage."""
        report = with_snapshot(stream_snapshot(video(bitrateLatest="1059802151")))
        assert found(report) == [("garbage_counters", "*")]

    def test_plausible_latest(self) -> None:
        """A bitrateLatest near the bitrate is not garbage."""
        assert with_snapshot(stream_snapshot(video(bitrateLatest="2706299"))).findings == ()

    def test_one_note_for_the_whole_run(self) -> None:
        """Garbage in many sessions of many streams makes one note, counting snapshots."""
        lines = []
        for index in range(5):
            source = f"#default#app/s{index}"
            snapshot = stream_snapshot(video(bitrateLatest="-1431655766"))
            lines += [created(index * 100, index, source),
                      prepared(index * 100 + 1, index, source, snapshot),
                      deleted(index * 100 + 50, index, source)]  # fmt: skip
        finding = one(run(lines), "garbage_counters")
        assert finding.count == 5
        assert "5 streams" in finding.message

    def test_can_be_turned_off(self) -> None:
        """report_garbage=False hides the note."""
        config = AnalyzerConfig(media=MediaConfig(report_garbage=False))
        snapshot = stream_snapshot(video(bitrateLatest="-1"))
        assert with_snapshot(snapshot, config).findings == ()


def _media_objects() -> list[tuple[dict[str, Any], set[str]]]:
    """Every video/audio object of the samples' stream snapshots, with the bitrate counters
    the typed snapshot flags as impossible."""
    out = []
    for directory in ("server-utc", "server-kst"):
        for event in ome_events.read_events(SAMPLES / directory):
            snapshot = event.snapshot
            if not isinstance(snapshot, StreamSnapshot):
                continue
            for track, raw_track in zip(snapshot.tracks, event.raw["snapshot"]["tracks"],
                                        strict=True):  # fmt: skip
                assert isinstance(track, Track)
                for media, name in ((track.video, "video"), (track.audio, "audio")):
                    if media is None:
                        continue
                    flagged = {
                        issue.path.rsplit(".", 1)[-1]
                        for issue in media.issues
                        if issue.kind == "impossible" and "bitrate" in issue.path
                    }
                    out.append((raw_track[name], flagged))
    return out


class TestAgreesWithTypedSnapshots:
    """The fast raw check flags exactly what the typed snapshots flag."""

    def test_on_every_sample_snapshot(self) -> None:
        """Same bitrate counters flagged, object by object, over both sample servers."""
        objects = _media_objects()
        assert len(objects) > 100
        assert any(flagged for _, flagged in objects)
        for raw, flagged in objects:
            assert set(garbage_counters(raw)) == flagged, raw

    @pytest.mark.parametrize(
        "values",
        [
            {"bitrate": 2500000, "bitrateConf": 2500000, "bitrateLatest": 2500000 * 21},
            {"bitrate": "0", "bitrateConf": "0", "bitrateLatest": "1059802151"},
            {"bitrate": "-5", "bitrateConf": "100", "bitrateLatest": "1"},
            {"bitrate": 100, "bitrateConf": 100, "bitrateAvg": -3, "bitrateLatest": 0},
        ],
    )
    def test_on_edge_values(self, values: dict[str, Any]) -> None:
        """Integers, zero references and negative non-latest counters agree too."""
        from ome_events.snapshots import type_snapshot

        snapshot = type_snapshot("StreamPrepared", {"tracks": [{"id": 0, "type": "Video",
                                                                "video": values}]})  # fmt: skip
        assert isinstance(snapshot, StreamSnapshot)
        media = snapshot.tracks[0].video
        assert media is not None
        flagged = {i.path.rsplit(".", 1)[-1] for i in media.issues if i.kind == "impossible"}
        assert set(garbage_counters(values)) == flagged


class TestAlone:
    """The media analyzer used on its own."""

    def test_feed_and_finish(self) -> None:
        """It reports B-frames without the other detectors."""
        analyzer = MediaAnalyzer()
        out = []
        snapshot = stream_snapshot(video(hasBframes=True))
        for event in events([prepared(0, 1, snapshot=snapshot), prepared(10, 2)]):
            out += analyzer.feed(event)
        assert [f.kind for f in analyzer.pending()] == ["bframes"]  # open, not certain yet
        out += analyzer.finish()
        assert [f.kind for f in out] == ["bframes"]

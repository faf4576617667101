"""OME's own stream warnings, grouped into incidents per stream and cause."""

from __future__ import annotations

from tests.helpers.analyze import (
    CAM,
    SERVER,
    abnormal,
    events,
    found,
    line,
    one,
    run,
    stream_snapshot,
    video,
)

from ome_events.analyze import AbnormalAnalyzer, AbnormalConfig, AnalyzerConfig, Severity

CAM2 = "#default#app/cam2"


class TestBFrames:
    """``BFrameDetected`` warnings."""

    def test_repeated_warnings_are_one_finding(self) -> None:
        """Five warnings a few minutes apart make one ``bframes`` finding counting five."""
        report = run(abnormal(s, "BFrameDetected") for s in (0, 144, 291, 435, 579))
        finding = one(report, "bframes")
        assert finding.severity is Severity.WARNING
        assert finding.subject.id == CAM
        assert finding.count == 5
        assert (finding.last - finding.first).total_seconds() == 579
        assert "B-frames" in finding.message
        assert "WebRTC" in finding.message
        assert "bframes=0" in finding.hint

    def test_hours_apart_are_two_findings(self) -> None:
        """Warnings more than the incident gap (1 h) apart are separate incidents."""
        report = run([abnormal(0, "BFrameDetected"), abnormal(3 * 3600, "BFrameDetected")])
        assert found(report) == [("bframes", CAM), ("bframes", CAM)]

    def test_streams_are_kept_apart(self) -> None:
        """Each stream has its own incident."""
        report = run([abnormal(0, "BFrameDetected"), abnormal(1, "BFrameDetected", CAM2)])
        assert sorted(found(report)) == [("bframes", CAM), ("bframes", CAM2)]

    def test_snapshot_and_warning_count_once(self) -> None:
        """A warning whose snapshot also shows B-frames counts once, not twice."""
        snapshot = stream_snapshot(video(hasBframes=True))
        report = run(abnormal(s, "BFrameDetected", snapshot=snapshot) for s in (0, 60))
        assert one(report, "bframes").count == 2

    def test_configurable_gap(self) -> None:
        """A shorter incident gap splits the warnings."""
        from datetime import timedelta

        config = AnalyzerConfig(abnormal=AbnormalConfig(incident_gap=timedelta(minutes=1)))
        report = run([abnormal(0, "BFrameDetected"), abnormal(300, "BFrameDetected")], config)
        assert [f.count for f in report.findings] == [1, 1]


class TestOtherCauses:
    """The other documented causes, and one OME has not documented yet."""

    def test_long_keyframe_interval(self) -> None:
        """The interval and frame rate from the summary reach the message."""
        details = ", KeyFrameInterval: 10.00s, Framerate: 30.00"
        report = run([abnormal(0, "LongKeyFrameIntervalDetected", details=details)])
        finding = one(report, "long_keyframe_interval")
        assert "10.0 s" in finding.message
        assert "GOP" in finding.hint

    def test_low_framerate(self) -> None:
        """``AbnormalFpsDetected`` reports the lowest rate seen against the configured one."""
        report = run(
            abnormal(s, "AbnormalFpsDetected", details=f", Framerate: {fps}, FramerateConf: 30.00")
            for s, fps in ((0, "12.00"), (1200, "11.75"))
        )
        finding = one(report, "abnormal_framerate")
        assert finding.count == 2
        assert "11.75 fps" in finding.message
        assert "30 fps" in finding.message

    def test_timestamp_rollover(self) -> None:
        """A jump of 2^32 ticks of 90 kHz is called a rollover."""
        details = ", LastPts: 228150000, CurrentPts: 4523117296, Delta: 47721.86s"
        finding = one(run([abnormal(0, "AbnormalIncreasedTimestamp", details=details)]),
                      "timestamp_jump")  # fmt: skip
        assert "rollover" in finding.message
        assert "13.3 h" in finding.message

    def test_timestamp_jump_that_is_no_rollover(self) -> None:
        """A jump of a few seconds is reported without calling it a rollover."""
        details = ", Delta: 5.20s"
        finding = one(run([abnormal(0, "AbnormalIncreasedTimestamp", details=details)]),
                      "timestamp_jump")  # fmt: skip
        assert "5.2 s" in finding.message
        assert "rollover" not in finding.message

    def test_unknown_cause(self) -> None:
        """A cause no one knows yet is still reported, with its name."""
        finding = one(run([abnormal(0, "FutureCause")]), "abnormal_stream")
        assert "FutureCause" in finding.message


class TestScheduledChannels:
    """``ScheduledChannelPlaybackError``."""

    def test_playback_error(self) -> None:
        """The live item that failed is named."""
        summary = (
            "Scheduled channel playback error. Reason: Failed to pop packet, Program: news,"
            " Item: stream://default/app/news_feed, ItemStart: 0, Fallback: false"
        )
        report = run(
            [
                line(0, "ScheduledChannelPlaybackError", "#default#live/tv1", summary,
                     level="Warning", cause="FailedToPopPacket"),
            ]
        )  # fmt: skip
        finding = one(report, "scheduled_playback_error")
        assert "stream://default/app/news_feed" in finding.message
        assert finding.subject.id == "#default#live/tv1"


class TestCatchAll:
    """Warnings and errors of types no detector reads are reported, not lost."""

    def test_unknown_type_at_warning(self) -> None:
        """A new event type at level Warning is an ``other_warning``."""
        report = run([line(0, "NodeLost", "node-3", "Node lost.", level="Warning",
                           category="ClusterEvent")])  # fmt: skip
        finding = one(report, "other_warning")
        assert "NodeLost" in finding.message

    def test_unknown_type_at_error(self) -> None:
        """... and at level Error an ``other_error``."""
        report = run([line(0, "NodeLost", "node-3", "Node lost.", level="Error",
                           category="ClusterEvent")])  # fmt: skip
        assert one(report, "other_error").severity is Severity.ERROR

    def test_info_events_are_not_findings(self) -> None:
        """Unknown or known types at level Info are not reported."""
        report = run(
            [
                line(0, "ServerStarted", SERVER, "Server started. Name: x, Version: 1"),
                line(1, "NodeJoined", "node-3", "Node joined.", category="ClusterEvent"),
                line(2, "HostCreated", "default", "Host created. Name: default"),
            ]
        )
        assert report.findings == ()

    def test_alone_it_reports_what_others_would_cover(self) -> None:
        """Used alone, the abnormal analyzer reports an Error it has no detector for."""
        analyzer = AbnormalAnalyzer()
        lines = [line(0, "StreamCreationFailed", CAM, "Stream creation failed.",
                      level="Error", cause="DuplicatedStreamName")]  # fmt: skip
        out = []
        for event in events(lines):
            out += analyzer.feed(event)
        out += analyzer.finish()
        assert [f.kind for f in out] == ["other_error"]

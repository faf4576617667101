"""server-utc on 2025-03-26: the day of the planted problems (listed in sample_logs/README.md)."""

from __future__ import annotations

from generator.common import ADMIN, api_push, api_record, filler_streams
from generator.ome import (
    Push,
    Stream,
    rtmp_tracks,
    rtsp_camera_tracks,
    srt_tracks,
)
from generator.server import Server


def problem_day(s: Server, lobby: Stream) -> None:
    """2025-03-26: the planted problems."""
    t = s.t
    # ---------------- 2025-03-26: the planted problems ----------------
    s.deleted(lobby, t("2025-03-26 00:40:17.702"))

    # cam1: sends B-frames (5 warnings over ~10 min), a duplicate publisher, a failing push.
    cam1 = s.lifecycle(
        "app",
        "cam1",
        "Rtmp",
        "TCP://172.17.0.5:51002",
        rtmp_tracks(),
        t("2025-03-26 10:00:00.213"),
        t("2025-03-26 11:30:04.551"),
    )
    bframe_times = ["10:00:07.112", "10:02:31.480", "10:04:58.006", "10:07:22.731", "10:09:46.294"]
    for hhmmss in bframe_times:
        s.abnormal(
            cam1,
            t(f"2025-03-26 {hhmmss}"),
            "BFrameDetected",
            "TrackId: 0, Codec: H264",
            {0: {"hasBframes": True}},
        )
    s.creation_failed(
        t("2025-03-26 10:03:15.660"), "app", "cam1", "Rtmp", "TCP://198.51.100.77:60211"
    )
    failing = Push(
        "relay_cam1",
        "app",
        "cam1",
        "srt",
        "srt://198.51.100.20:9999?streamid=#!::r=live/cam1,m=publish",
        ["video_h264_1080p", "aac_audio"],
        is_config=True,
    )
    attempt = t("2025-03-26 10:20:00.118")
    for _ in range(6):
        s.push_started(failing, attempt)
        fail = attempt + 3000 + s.rng.randint(0, 400)
        s.push_stopped(failing, fail, attempt + s.rng.randint(2, 9), 0, state="error")
        attempt = fail + 2000 + s.rng.randint(0, 300)

    # cam2: 10 s key-frame interval (300 frames at 30 fps) and a recording that wrote nothing.
    cam2 = s.lifecycle(
        "app",
        "cam2",
        "Rtmp",
        "TCP://172.17.0.7:51877",
        rtmp_tracks(),
        t("2025-03-26 11:00:00.402"),
        t("2025-03-26 12:00:02.918"),
    )
    long_gop = {
        "keyFrameInterval": 300.0,
        "keyFrameIntervalAvg": 300.0,
        "keyFrameIntervalLatest": 300.0,
        "deltaFramesSinceLastKeyFrame": 212,
    }
    s.abnormal(
        cam2,
        t("2025-03-26 11:00:15.027"),
        "LongKeyFrameIntervalDetected",
        "TrackId: 0, Codec: H264, KeyFrameInterval: 10.00s, Framerate: 30.00",
        {0: long_gop},
    )
    s.abnormal(
        cam2,
        t("2025-03-26 11:30:15.540"),
        "LongKeyFrameIntervalDetected",
        "TrackId: 0, Codec: H264, KeyFrameInterval: 10.00s, Framerate: 30.00",
        {0: dict(long_gop, deltaFramesSinceLastKeyFrame=87)},
    )
    api_record(s, cam2, "rec_cam2", t("2025-03-26 11:05:00.250"), t("2025-03-26 11:35:00.904"), 0)

    # cam3: ~12 fps against a configured 30.
    cam3 = s.lifecycle(
        "app",
        "cam3",
        "Rtmp",
        "TCP://172.17.0.8:52210",
        rtmp_tracks(),
        t("2025-03-26 13:00:00.640"),
        t("2025-03-26 14:00:05.003"),
    )
    low_fps = {
        "framerate": 12.0,
        "framerateAvg": 12.25,
        "framerateLatest": 11.75,
        "keyFrameInterval": 24.0,
        "keyFrameIntervalAvg": 24.0,
        "keyFrameIntervalLatest": 24.0,
        "deltaFramesSinceLastKeyFrame": 9,
    }
    s.abnormal(
        cam3,
        t("2025-03-26 13:00:20.331"),
        "AbnormalFpsDetected",
        "TrackId: 0, Codec: H264, Framerate: 12.00, FramerateConf: 30.00",
        {0: low_fps},
    )
    s.abnormal(
        cam3,
        t("2025-03-26 13:20:20.874"),
        "AbnormalFpsDetected",
        "TrackId: 0, Codec: H264, Framerate: 11.75, FramerateConf: 30.00",
        {0: dict(low_fps, framerate=11.75, framerateLatest=11.5)},
    )
    # A slow REST response while cam3 is live: 8 s between request and response.
    s.rest(
        t("2025-03-26 13:30:00.125"),
        "GET",
        "/v1/stats/current/vhosts/default/apps/app/streams/cam3",
        f"{ADMIN}:52001",
        response={
            "message": "OK",
            "statusCode": 200,
            "response": {"totalConnections": 3, "avgThroughputIn": 2_498_001},
        },
        latency=8000,
        jitter=False,
    )

    # cam4: RTSP pull camera whose timestamp jumps by 2^32 ticks of 90 kHz (~13.25 h).
    cam4 = s.lifecycle(
        "app",
        "cam4",
        "RtspPull",
        "rtsp://192.0.2.51:554/cam4",
        rtsp_camera_tracks(),
        t("2025-03-26 15:00:01.090"),
        t("2025-03-26 16:00:00.377"),
    )
    s.abnormal(
        cam4,
        t("2025-03-26 15:42:10.518"),
        "AbnormalIncreasedTimestamp",
        "TrackId: 0, Codec: H264, LastPts: 228150000, CurrentPts: 4523117296, Delta: 47721.86s",
        {},
    )

    # flaky: an encoder in a reconnect loop, 8 create/delete cycles within 2 minutes.
    at = t("2025-03-26 16:30:00.104")
    for _ in range(8):
        st = s.lifecycle(
            "app",
            "flaky",
            "Rtmp",
            f"TCP://203.0.113.41:{s.port()}",
            rtmp_tracks(1280, 720, 30.0, 1_500_000, 128_000),
            at,
            None,
        )
        gone = at + s.rng.randint(6000, 9500)
        s.deleted(st, gone)
        at = gone + s.rng.randint(2500, 4500)

    # Internal queue congestion: 10 reports within 30 s.
    at = t("2025-03-26 17:10:00.018")
    for i in range(10):
        s.queue_congestion(
            at, "MediaRouter-StreamWorker-2", 500 + 120 * (i + 1), 500 + 130 * (i + 1)
        )
        at += 2800 + s.rng.randint(0, 350)

    # news_feed ends at 18:20; the scheduled channel playing it fails to pop packets.
    s.lifecycle(
        "app",
        "news_feed",
        "Srt",
        "SRT://198.51.100.31:40220",
        srt_tracks(),
        t("2025-03-26 17:30:00.771"),
        t("2025-03-26 18:20:00.402"),
    )
    tv = s.sched_snapshot(
        "tv1",
        [
            ("daytime", t("2025-03-26 06:00:00"), [("file://daytime/loop.mp4", 43_200_000)]),
            (
                "evening_news",
                t("2025-03-26 18:00:00"),
                [("stream://default/app/news_feed", 3_600_000)],
            ),
            ("night", t("2025-03-26 19:00:00"), [("file://night/movie.mp4", 14_400_000)]),
        ],
    )
    s.sched(t("2025-03-26 05:55:00.250"), "live", "tv1", "ScheduledChannelCreated", tv)
    s.sched_item(
        t("2025-03-26 06:00:00.008"),
        "live",
        "tv1",
        "daytime",
        t("2025-03-26 06:00:00"),
        "file://daytime/loop.mp4",
        43_200_000,
        False,
    )
    s.sched_item(
        t("2025-03-26 18:00:00.006"),
        "live",
        "tv1",
        "evening_news",
        t("2025-03-26 18:00:00"),
        "stream://default/app/news_feed",
        3_600_000,
        False,
    )
    s.sched_item(
        t("2025-03-26 18:20:03.415"),
        "live",
        "tv1",
        "evening_news",
        t("2025-03-26 18:00:00"),
        "stream://default/app/news_feed",
        3_600_000,
        False,
        error=True,
    )
    s.sched_item(
        t("2025-03-26 18:20:03.420"),
        "live",
        "tv1",
        "evening_news",
        t("2025-03-26 18:00:00"),
        "file://fallback/standby.mp4",
        -1,
        True,
    )
    s.sched_item(
        t("2025-03-26 19:00:00.010"),
        "live",
        "tv1",
        "night",
        t("2025-03-26 19:00:00"),
        "file://night/movie.mp4",
        14_400_000,
        False,
    )
    s.sched(t("2025-03-26 23:00:01.774"), "live", "tv1", "ScheduledChannelDeleted")

    # REST API errors: 404s from a script polling a stream that does not exist, 500s on startPush.
    for hhmmss in ["19:00:05.310", "19:00:35.402", "19:01:10.118", "19:30:00.777"]:
        s.rest(
            t(f"2025-03-26 {hhmmss}"),
            "GET",
            "/v1/vhosts/default/apps/app/streams/cam9",
            f"198.51.100.14:{s.port()}",
            status=404,
            response={
                "message": "[HTTP] Could not find the stream: [default/#default#app/cam9] (404)",
                "statusCode": 404,
            },
            jitter=False,
        )
    push_body = {
        "id": "yt_main",
        "stream": {"name": "main", "variantNames": []},
        "protocol": "rtmp",
        "url": "rtmp://192.0.2.10:1935/live2",
        "streamKey": "wxyz-0000-1111-2222",
    }
    for hhmmss in ["20:15:00.220", "20:15:30.901"]:
        s.rest(
            t(f"2025-03-26 {hhmmss}"),
            "POST",
            "/v1/vhosts/default/apps/app:startPush",
            f"{ADMIN}:{s.port()}",
            status=500,
            body=push_body,
            response={
                "message": "[HTTP] Failed to start push: duplicate ID (500)",
                "statusCode": 500,
            },
            latency=27,
            jitter=False,
        )

    # main: healthy evening stream with a healthy push.
    main = s.lifecycle(
        "app",
        "main",
        "Rtmp",
        "TCP://172.17.0.9:47001",
        rtmp_tracks(),
        t("2025-03-26 20:00:00.504"),
        t("2025-03-26 22:30:00.661"),
    )
    api_push(
        s,
        main,
        "twitch_main",
        "rtmp://192.0.2.11:1935/app",
        "live_123456_abcdef",
        ["video_h264_1080p", "aac_audio"],
        t("2025-03-26 20:10:00.330"),
        t("2025-03-26 22:00:00.870"),
        2_201_337_480,
    )

    # Access control: 20 signed-policy failures from one address within a minute ...
    at = t("2025-03-26 21:00:00.208")
    for i in range(20):
        url = (
            "wss://edge.example.com:3334/app/main?policy=eyJ1cmxfZXhwaXJlIjoxNzQyOTc2MDAwMDAwfQ"
            f"&signature=aW52YWxpZF9{i:02d}"
        )
        s.policy_failed(
            at,
            "app",
            "main",
            url,
            f"203.0.113.66:{50100 + 7 * i}",
            "Signature mismatch" if i in (6, 13) else "Policy expired",
        )
        at += 2500 + s.rng.randint(0, 300)
    # ... and 3 admission-webhook failures for publish attempts.
    s.webhook_failed(
        t("2025-03-26 21:05:12.440"),
        "app",
        "main2",
        "rtmp://edge.example.com:1935/app/main2?token=bad",
        "198.51.100.44:40112",
        "Rejected by the control server",
        snapshot={"allowed": False, "reason": "invalid token"},
    )
    s.webhook_failed(
        t("2025-03-26 21:06:40.005"),
        "app",
        "main2",
        "rtmp://edge.example.com:1935/app/main2?token=bad",
        "198.51.100.44:40190",
        "Rejected by the control server",
        snapshot={"allowed": False, "reason": "invalid token"},
    )
    s.webhook_failed(
        t("2025-03-26 21:07:55.731"),
        "app",
        "main2",
        "srt://edge.example.com:9999?streamid=srt://edge.example.com:9999/app/main2,token=bad",
        "198.51.100.45:40007",
        "Timeout while calling https://hooks.example.com/admission",
    )

    filler_streams(s, ["lecture", "gallery", "garden"], "2025-03-26", 7, 20)

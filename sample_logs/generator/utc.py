"""server-utc: v0.18, +00:00, newer sink naming (rolled file named with its last line's date);
three days: a healthy one, the planted problems, a restart."""

from __future__ import annotations

from datetime import UTC

from generator.common import ADMIN, MONITOR, api_push, api_record, filler_streams, shutdown
from generator.ome import (
    MINUTE,
    UTC_SERVER_ID,
    Stream,
    audio_only_tracks,
    ovt_abr_tracks,
    rtmp_tracks,
    srt_tracks,
    webrtc_simulcast_tracks,
)
from generator.server import Server
from generator.utc_problems import problem_day

# --------------------------------------------------------------------------------------------
# server-utc: v0.18, +00:00, newer sink naming (rolled file named with its last line's date)
# --------------------------------------------------------------------------------------------


def build_utc() -> Server:
    s = Server(
        "origin-utc-1",
        UTC_SERVER_ID,
        "0.18.1.2",
        UTC,
        seed=20250325,
        int_bitrates=False,
        max_size=False,
    )
    apps = ["app", "live"]
    lobby = healthy_day(s, apps)
    problem_day(s, lobby)
    restart_day(s, apps)
    return s


def healthy_day(s: Server, apps: list[str]) -> Stream:
    """2025-03-25: a healthy day; returns ``lobby``, which runs across midnight."""
    t = s.t
    # ---------------- 2025-03-25: a healthy day ----------------
    s.server_started(t("2025-03-25 06:58:12.104"), apps)
    restart = (t("2025-03-27 02:59:00"), t("2025-03-27 03:01:00"))
    s.monitor(
        t("2025-03-25 07:00:00"), t("2025-03-28 00:00:00"), 15 * MINUTE, MONITOR, gaps=(restart,)
    )

    studio = s.lifecycle(
        "app",
        "studio",
        "Rtmp",
        "TCP://172.17.0.4:44004",
        rtmp_tracks(),
        t("2025-03-25 08:00:03.518"),
        t("2025-03-25 12:31:40.027"),
    )
    dump_body = {
        "id": "dump_studio",
        "outputStreamName": "llhls",
        "outputPath": "/dump/default/app/studio/20250325",
        "infoFile": "/dump/default/app/studio/dump_studio.xml",
        "userData": "ticket-4711",
        "playlist": ["llhls.m3u8"],
    }
    s.rest(
        t("2025-03-25 08:05:00.214"),
        "POST",
        "/v1/vhosts/default/apps/app/streams/studio:startHlsDump",
        f"{ADMIN}:51234",
        body=dump_body,
        latency=12,
    )
    s.hls_dump(studio, t("2025-03-25 08:05:00.221"), "dump_studio", "ticket-4711", True)
    s.rest(
        t("2025-03-25 12:00:02.530"),
        "POST",
        "/v1/vhosts/default/apps/app/streams/studio:stopHlsDump",
        f"{ADMIN}:51302",
        body={"id": "dump_studio", "outputStreamName": "llhls"},
        latency=10,
    )
    s.hls_dump(studio, t("2025-03-25 12:00:02.536"), "dump_studio", "ticket-4711", False)
    api_push(
        s,
        studio,
        "yt_studio",
        "rtmp://192.0.2.10:1935/live2",
        "abcd-efgh-1234-5678",
        ["video_h264_1080p", "aac_audio"],
        t("2025-03-25 09:00:00.412"),
        t("2025-03-25 11:00:00.095"),
        2_398_112_640,
    )
    api_record(
        s,
        studio,
        "rec_studio",
        t("2025-03-25 09:30:00.733"),
        t("2025-03-25 10:30:01.108"),
        1_196_554_212,
    )

    s.lifecycle(
        "live",
        "edge1",
        "Ovt",
        "ovt://192.0.2.20:9000/app/edge1",
        ovt_abr_tracks(),
        t("2025-03-25 10:00:00.051"),
        t("2025-03-25 18:02:11.460"),
    )
    s.lifecycle(
        "live",
        "radio",
        "Srt",
        "SRT://198.51.100.23:40012",
        audio_only_tracks(),
        t("2025-03-25 12:00:04.870"),
        t("2025-03-25 20:00:09.115"),
    )
    s.lifecycle(
        "app",
        "webinar",
        "WebRTC",
        "TCP://203.0.113.25:52100",
        webrtc_simulcast_tracks(),
        t("2025-03-25 14:00:31.006"),
        t("2025-03-25 15:31:12.890"),
    )

    # A dynamic app made and removed through the REST API.
    s.rest(
        t("2025-03-25 13:00:00.118"),
        "POST",
        "/v1/vhosts/default/apps",
        f"{ADMIN}:51388",
        body=[{"name": "tmp", "type": "live"}],
        latency=41,
    )
    s.app_created(t("2025-03-25 13:00:00.140"), "tmp", dynamic=True)
    s.rest(
        t("2025-03-25 13:20:00.507"),
        "DELETE",
        "/v1/vhosts/default/apps/tmp",
        f"{ADMIN}:51420",
        response=None,
        latency=23,
    )
    s.app_deleted(t("2025-03-25 13:20:00.519"), "tmp")
    s.rest(
        t("2025-03-25 13:21:10.002"),
        "GET",
        "/v1/vhosts/default/apps",
        f"{ADMIN}:51422",
        response={"message": "OK", "statusCode": 200, "response": ["app", "live"]},
    )

    # Scheduled channel tv1 (live app): created, item changes, updated, deleted.
    day25 = s.sched_snapshot(
        "tv1",
        [
            (
                "morning",
                t("2025-03-25 08:00:00"),
                [("file://morning/intro.mp4", 60000), ("stream://default/app/studio", 14_340_000)],
            ),
            ("afternoon", t("2025-03-25 12:00:00"), [("file://afternoon/show.mp4", 14_400_000)]),
        ],
    )
    s.sched(t("2025-03-25 07:30:00.017"), "live", "tv1", "ScheduledChannelCreated", day25)
    s.sched_item(
        t("2025-03-25 08:00:00.009"),
        "live",
        "tv1",
        "morning",
        t("2025-03-25 08:00:00"),
        "file://morning/intro.mp4",
        60000,
        False,
    )
    s.sched_item(
        t("2025-03-25 08:01:00.012"),
        "live",
        "tv1",
        "morning",
        t("2025-03-25 08:00:00"),
        "stream://default/app/studio",
        14_340_000,
        False,
    )
    day25b = s.sched_snapshot(
        "tv1",
        [
            ("afternoon", t("2025-03-25 12:00:00"), [("file://afternoon/show.mp4", 14_400_000)]),
            ("evening", t("2025-03-25 16:00:00"), [("file://evening/movie.mp4", 21_600_000)]),
        ],
    )
    s.sched(t("2025-03-25 11:55:12.640"), "live", "tv1", "ScheduledChannelUpdated", day25b)
    s.sched_item(
        t("2025-03-25 12:00:00.004"),
        "live",
        "tv1",
        "afternoon",
        t("2025-03-25 12:00:00"),
        "file://afternoon/show.mp4",
        14_400_000,
        False,
    )
    s.sched_item(
        t("2025-03-25 16:00:00.011"),
        "live",
        "tv1",
        "evening",
        t("2025-03-25 16:00:00"),
        "file://evening/movie.mp4",
        21_600_000,
        False,
    )
    s.sched(t("2025-03-25 22:00:03.301"), "live", "tv1", "ScheduledChannelDeleted")

    # Multiplex channel mux1 over edge1 + radio.
    mux_a = s.mux_snapshot(
        "mux1",
        [
            (
                "edge1",
                "stream://default/live/edge1",
                ["video_h264_1080p", "video_h264_720p", "aac_audio"],
            )
        ],
        [
            ("1080p", "edge1_video_h264_1080p", "edge1_aac_audio"),
            ("720p", "edge1_video_h264_720p", "edge1_aac_audio"),
        ],
    )
    s.mux(t("2025-03-25 15:00:00.402"), "live", "mux1", "MultiplexChannelCreated", mux_a)
    mux_b = s.mux_snapshot(
        "mux1",
        [
            ("edge1", "stream://default/live/edge1", ["video_h264_1080p", "video_h264_720p"]),
            ("radio", "stream://default/live/radio", ["Audio"]),
        ],
        [
            ("1080p", "edge1_video_h264_1080p", "radio_Audio"),
            ("720p", "edge1_video_h264_720p", "radio_Audio"),
        ],
    )
    s.mux(t("2025-03-25 16:00:30.118"), "live", "mux1", "MultiplexChannelUpdated", mux_b)
    s.mux(t("2025-03-25 17:30:00.950"), "live", "mux1", "MultiplexChannelDeleted")

    filler_streams(s, ["lecture", "chapel", "gallery", "kitchen"], "2025-03-25", 8, 20)
    s.rest(
        t("2025-03-25 16:12:44.310"),
        "GET",
        "/v1/vhosts/default/apps/app/streams",
        f"{ADMIN}:51533",
        response={"message": "OK", "statusCode": 200, "response": ["kitchen", "webinar"]},
    )
    # lobby runs across midnight into the 26th.
    return s.lifecycle(
        "app",
        "lobby",
        "Rtmp",
        "TCP://172.17.0.6:45120",
        rtmp_tracks(1280, 720, 30.0, 1_500_000, 128_000),
        t("2025-03-25 23:30:02.345"),
        None,
    )


def restart_day(s: Server, apps: list[str]) -> None:
    """2025-03-27: a restart, a ghost stream and one that runs forever."""
    t = s.t
    # ---------------- 2025-03-27: a restart, ghost and forever ----------------
    s.lifecycle(
        "app",
        "night",
        "Rtmp",
        "TCP://172.17.0.3:40551",
        rtmp_tracks(),
        t("2025-03-27 01:00:00.812"),
        t("2025-03-27 02:30:01.145"),
    )
    overnight = s.lifecycle(
        "live",
        "overnight",
        "Srt",
        "SRT://198.51.100.50:40400",
        srt_tracks(),
        t("2025-03-27 02:00:00.600"),
        None,
    )
    shutdown(s, t("2025-03-27 03:00:00.007"), [overnight], apps)
    s.server_started(t("2025-03-27 03:00:09.551"), apps)

    ghost = s.stream("app", "ghost", "Rtmp", "TCP://203.0.113.90:41999", rtmp_tracks())
    s.created(ghost, t("2025-03-27 05:12:30.402"))
    s.deleted(ghost, t("2025-03-27 05:12:40.415"))
    s.lifecycle(
        "live",
        "forever",
        "Ovt",
        "ovt://192.0.2.20:9000/app/forever",
        ovt_abr_tracks(),
        t("2025-03-27 06:00:00.120"),
        None,
    )

    studio27 = s.lifecycle(
        "app",
        "studio",
        "Rtmp",
        "TCP://172.17.0.4:44870",
        rtmp_tracks(),
        t("2025-03-27 09:00:01.630"),
        t("2025-03-27 11:00:02.007"),
    )
    api_record(
        s,
        studio27,
        "rec_studio",
        t("2025-03-27 09:10:00.555"),
        t("2025-03-27 10:40:00.208"),
        1_802_113_906,
    )
    filler_streams(s, ["evening", "lecture", "kitchen"], "2025-03-27", 12, 20)

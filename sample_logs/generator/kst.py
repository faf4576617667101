"""server-kst: v0.19, +09:00, older logger naming (rolled file named with the NEW day's date)."""

from __future__ import annotations

from generator.common import api_push, api_record, filler_streams, shutdown
from generator.ome import (
    KST,
    KST_SERVER_ID,
    MINUTE,
    ovt_abr_tracks,
    rtmp_tracks,
    srt_tracks,
    webrtc_simulcast_tracks,
)
from generator.server import Server

# --------------------------------------------------------------------------------------------
# server-kst: v0.19, +09:00, older logger naming (rolled file named with the NEW day's date)
# --------------------------------------------------------------------------------------------


def build_kst() -> Server:
    s = Server(
        "origin-seoul-1",
        KST_SERVER_ID,
        "0.19.0.1",
        KST,
        seed=20250326,
        int_bitrates=True,
        max_size=True,
    )
    t = s.t
    apps = ["app", "live"]
    s.server_started(t("2025-03-26 06:30:00.882"), apps)
    restart = (t("2025-03-27 13:59:00"), t("2025-03-27 14:01:00"))
    s.monitor(
        t("2025-03-26 07:00:00"),
        t("2025-03-29 00:00:00"),
        30 * MINUTE,
        "172.17.0.2",
        gaps=(restart,),
    )

    # 2025-03-26
    morning = s.lifecycle(
        "app",
        "morning",
        "Rtmp",
        "TCP://172.17.0.3:43100",
        rtmp_tracks(),
        t("2025-03-26 08:00:02.117"),
        t("2025-03-26 09:30:00.504"),
    )
    api_push(
        s,
        morning,
        "yt_morning",
        "rtmp://192.0.2.12:1935/live2",
        "kst-morning-0001",
        ["video_h264_1080p", "aac_audio"],
        t("2025-03-26 08:05:00.340"),
        t("2025-03-26 09:25:00.772"),
        1_512_330_240,
    )
    s.lifecycle(
        "app",
        "class101",
        "WebRTC",
        "TCP://203.0.113.31:50412",
        webrtc_simulcast_tracks(),
        t("2025-03-26 10:00:00.045"),
        t("2025-03-26 11:00:07.930"),
    )
    shop = s.lifecycle(
        "live",
        "shop",
        "Ovt",
        "ovt://192.0.2.21:9000/app/shop",
        ovt_abr_tracks(),
        t("2025-03-26 13:00:00.300"),
        t("2025-03-26 15:00:00.990"),
    )
    api_record(
        s,
        shop,
        "rec_shop",
        t("2025-03-26 13:05:00.010"),
        t("2025-03-26 14:55:00.600"),
        6_620_004_352,
    )
    api_push(
        s,
        shop,
        "relay_shop",
        "srt://198.51.100.80:9000?streamid=publish:shop,mode=caller",
        "",
        ["video_h264_720p", "aac_audio"],
        t("2025-03-26 13:10:00.700"),
        t("2025-03-26 14:50:00.115"),
        2_286_770_112,
    )
    s.hls_dump(shop, t("2025-03-26 13:15:00.021"), "dump_shop", "", True)
    s.hls_dump(shop, t("2025-03-26 14:45:00.044"), "dump_shop", "", False)
    filler_streams(s, ["concert", "arena", "lab"], "2025-03-26", 9, 19)
    studio = s.lifecycle(
        "app",
        "studio",
        "Srt",
        "SRT://198.51.100.61:41200",
        srt_tracks(),
        t("2025-03-26 22:00:00.650"),
        None,
    )

    # 2025-03-27: studio ends after midnight, a restart at 14:00.
    s.deleted(studio, t("2025-03-27 01:10:03.222"))
    filler_streams(s, ["arena", "lab"], "2025-03-27", 8, 10)
    live_at_restart = s.lifecycle(
        "app",
        "briefing",
        "Rtmp",
        "TCP://172.17.0.3:43500",
        rtmp_tracks(),
        t("2025-03-27 13:30:00.400"),
        None,
    )
    shutdown(s, t("2025-03-27 14:00:00.015"), [live_at_restart], apps)
    s.server_started(t("2025-03-27 14:00:08.310"), apps)
    filler_streams(s, ["concert", "garden"], "2025-03-27", 15, 20)

    # 2025-03-28
    filler_streams(s, ["morning", "class101", "arena", "lab"], "2025-03-28", 7, 20)
    shop28 = s.lifecycle(
        "live",
        "shop",
        "Ovt",
        "ovt://192.0.2.21:9000/app/shop",
        ovt_abr_tracks(),
        t("2025-03-28 13:00:00.500"),
        t("2025-03-28 16:00:03.010"),
    )
    api_record(
        s,
        shop28,
        "rec_shop",
        t("2025-03-28 13:05:00.200"),
        t("2025-03-28 15:55:00.300"),
        9_440_112_640,
    )
    return s

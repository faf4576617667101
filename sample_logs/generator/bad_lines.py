"""bad-lines: good lines mixed with broken ones, and what a parser must report."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from generator.common import MONITOR, api_push, api_record
from generator.ome import UTC_SERVER_ID, render_line, rtmp_tracks
from generator.server import Server

# --------------------------------------------------------------------------------------------
# bad-lines: good lines mixed with broken ones
# --------------------------------------------------------------------------------------------


def build_bad_lines() -> tuple[bytes, dict[str, Any]]:
    s = Server(
        "origin-test",
        "0b6f3c1e-2a9d-4f57-8e21-7c4d9a0b1e33",
        "0.18.1.2",
        UTC,
        seed=7,
        int_bitrates=False,
        max_size=False,
    )
    t = s.t
    s.server_started(t("2025-03-29 08:00:00.100"), ["app"])
    s.rest(
        t("2025-03-29 08:01:00.250"),
        "GET",
        "/v1/stats/current/vhosts/default",
        f"{MONITOR}:40001",
        response=s.stats_response(),
        jitter=False,
    )
    cam = s.lifecycle(
        "app",
        "cam1",
        "Rtmp",
        "TCP://172.17.0.5:51002",
        rtmp_tracks(),
        t("2025-03-29 08:02:00.000"),
        None,
    )
    s.abnormal(
        cam,
        t("2025-03-29 08:02:07.500"),
        "BFrameDetected",
        "TrackId: 0, Codec: H264",
        {0: {"hasBframes": True}},
    )
    api_push(
        s,
        cam,
        "p1",
        "rtmp://192.0.2.10:1935/app/x",
        "",
        ["video_h264_1080p"],
        t("2025-03-29 08:03:00.000"),
        t("2025-03-29 08:09:00.000"),
        120_331_008,
    )
    s.policy_failed(
        t("2025-03-29 08:04:00.000"),
        "app",
        "cam1",
        "ws://edge.example.com:3333/app/cam1?policy=abc",
        "203.0.113.9:50123",
        "Policy expired",
    )
    s.queue_congestion(t("2025-03-29 08:05:00.000"), "MediaRouter-StreamWorker-0", 640, 700)
    api_record(s, cam, "r1", t("2025-03-29 08:06:00.000"), t("2025-03-29 08:08:00.000"), 40_112_000)
    s.deleted(cam, t("2025-03-29 08:10:00.000"))
    good = [line for _, line in s.lines(s.finish(0))]

    def line(obj: dict[str, Any]) -> bytes:
        return json.dumps(obj, separators=(",", ":")).encode() + b"\n"

    base = {
        "time": "2025-03-29T08:11:00.000+00:00",
        "level": "Info",
        "category": "StreamEvent",
        "type": "StreamCreated",
        "sourceId": "#default#app/cam2",
        "summary": "Stream created. Id: 120, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:1",
    }
    unusual = {
        "critical": line(
            dict(
                base,
                level="Critical",
                type="StreamDeleted",
                summary="Stream deleted. Id: 120, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:1",
            )
        ),
        "cluster": line(
            {
                "time": "2025-03-29T08:11:01.000+00:00",
                "level": "Info",
                "category": "ClusterEvent",
                "type": "NodeJoined",
                "sourceId": UTC_SERVER_ID,
                "summary": "Node joined. Name: edge-3, Address: 192.0.2.33:9000",
                "snapshot": {"name": "edge-3", "role": "edge"},
            }
        ),
        "future_cause": line(
            {
                "time": "2025-03-29T08:11:02.000+00:00",
                "level": "Warning",
                "category": "StreamEvent",
                "type": "AbnormalStreamDetected",
                "sourceId": "#default#app/cam1",
                "summary": "Abnormal stream detected. Reason: Something new, Id: 101",
                "cause": "FutureCause",
            }
        ),
        "extra_field": render_line(
            "2025-03-29T08:11:03.000+00:00",
            "Info",
            "AppEvent",
            "AppDeleted",
            "#default#tmp",
            "App deleted. Name: tmp",
        ).replace(b"}\n", b',"node":"edge-3"}\n'),
    }
    snap = s.stream_snapshot(cam, False)
    snap["tracks"][0]["video"]["hdrFormat"] = "HLG"
    unusual["unknown_track_key"] = render_line(
        "2025-03-29T08:11:04.000+00:00",
        "Info",
        "StreamEvent",
        "StreamPrepared",
        "#default#app/cam1",
        "Stream prepared. Id: 101, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:51002",
        snapshot=snap,
    )
    unusual["escaped_e"] = render_line(
        "2025-03-29T08:11:05.000+00:00",
        "Info",
        "StreamEvent",
        "StreamCreated",
        "#default#app/caf\u00e9",
        "Stream created. Id: 121, StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:2, Note: caf\u00e9",
    )
    unusual["raw_e"] = (
        '{"time":"2025-03-29T08:11:06.000+00:00","level":"Info",'
        '"category":"StreamEvent","type":"StreamDeleted",'
        '"sourceId":"#default#app/caf\u00e9","summary":"Stream deleted. Id: 121, '
        'StreamType: Rtmp, SourceUrl: TCP://172.17.0.5:2, Note: caf\u00e9"}\n'
    ).encode("utf-8")

    half = good[3][: len(good[3]) // 2] + b"\n"
    bad = {
        "plain_text": b"[2025-03-29 08:02:00.001] I [SPRtmpProv-t1935:41] RTMPProvider | "
        b"rtmp_stream.cpp:1234  | Publish stream: app/cam1\n",
        "truncated": half,
        "array": b'["2025-03-29T08:02:00.000+00:00","Info","StreamEvent"]\n',
        "string": b'"Stream created. Id: 101"\n',
        "no_time": line({k: v for k, v in base.items() if k != "time"}),
        "bad_time": line(dict(base, time="2025-02-30T25:61:00.000+00:00")),
        "bad_time_text": line(dict(base, time="yesterday at noon")),
        "level_number": line(dict(base, level=3)),
        "invalid_utf8": line(dict(base, summary="Stream created. Id: 120, Name: XX")).replace(
            b"XX", b"\xff\xfe"
        ),
        "nul": line(dict(base, summary="Stream created. Id: 120, Name: XX")).replace(
            b"XX", b"cam\x002"
        ),
        "deep": (
            '{"time":"2025-03-29T08:11:07.000+00:00","level":"Info",'
            '"category":"StreamEvent","type":"StreamPrepared",'
            '"sourceId":"#default#app/cam1","summary":"Stream prepared. Id: 101",'
            '"snapshot":' + "[" * 2000 + "]" * 2000 + "}\n"
        ).encode(),
    }

    # (kind, bytes) in file order; "crlf" marks good lines written with \r\n.
    plan: list[tuple[str, bytes]] = []
    used = [0]

    def put_good(n: int, crlf: bool = False) -> None:
        for _ in range(n):
            b = good[used[0]]
            used[0] += 1
            plan.append(("good", b[:-1] + b"\r\n" if crlf else b))

    put_good(2)
    plan.append(("bad", bad["plain_text"]))
    put_good(1, crlf=True)
    plan.append(("blank", b"\n"))
    put_good(2)
    plan.append(("bad", bad["truncated"]))
    put_good(1)
    plan.append(("bad", bad["array"]))
    plan.append(("bad", bad["string"]))
    put_good(2, crlf=True)
    plan.append(("blank", b"   \n"))
    plan.append(("good", unusual["critical"]))
    plan.append(("bad", bad["no_time"]))
    put_good(1)
    plan.append(("bad", bad["bad_time"]))
    plan.append(("good", unusual["cluster"]))
    plan.append(("bad", bad["bad_time_text"]))
    put_good(2)
    plan.append(("bad", bad["level_number"]))
    plan.append(("good", unusual["future_cause"]))
    plan.append(("blank", b"\t \n"))
    plan.append(("bad", bad["invalid_utf8"]))
    put_good(1)
    plan.append(("good", unusual["extra_field"]))
    plan.append(("bad", bad["nul"]))
    plan.append(("good", unusual["unknown_track_key"]))
    put_good(2)
    plan.append(("blank", b"\r\n"))
    plan.append(("bad", bad["deep"]))
    plan.append(("good", unusual["escaped_e"]))
    plan.append(("good", unusual["raw_e"]))
    put_good(len(good) - used[0])
    plan.append(("blank", b"\n"))

    data = b"\xef\xbb\xbf" + b"".join(b for _, b in plan)
    expected = {
        "bad_lines": [i + 1 for i, (k, _) in enumerate(plan) if k == "bad"],
        "good_lines": sum(1 for k, _ in plan if k == "good"),
        "blank_lines": [i + 1 for i, (k, _) in enumerate(plan) if k == "blank"],
    }
    return data, expected

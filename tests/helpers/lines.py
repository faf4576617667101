"""Event lines as OME writes them: the one builder the tests use, the specification's own
example lines, and where the samples are."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = ROOT / "sample_logs"

# The first lines of the specification's own example (seed 003).
STREAM_CREATED = (
    b'{"time":"2025-03-26T05:21:46.315+00:00","level":"Info","category":"StreamEvent",'
    b'"type":"StreamCreated","sourceId":"#default#app/push_rtmp","summary":"Stream created. '
    b'Id: 103, StreamType: Rtmp, SourceUrl: TCP://172.17.0.1:44004"}'
)
STREAM_PREPARED = (
    b'{"time":"2025-03-26T05:21:46.316+00:00","level":"Info","category":"StreamEvent",'
    b'"type":"StreamPrepared","sourceId":"#default#app/push_rtmp","summary":"Stream prepared. '
    b'Id: 103, StreamType: Rtmp, SourceUrl: TCP://172.17.0.1:44004","snapshot":{"createdTime":'
    b'"2025-03-26T05:21:46.315+00:00","name":"push_rtmp","sourceType":"Rtmp","sourceUrl":'
    b'"TCP://172.17.0.1:44004","tracks":[{"id":0,"name":"Video","type":"Video","video":'
    b'{"bitrate":"2500000","bitrateAvg":"0","bitrateConf":"2500000","bitrateLatest":"128503",'
    b'"bypass":false,"codec":"H264","deltaFramesSinceLastKeyFrame":0,"framerate":30.0,'
    b'"framerateAvg":0.0,"framerateConf":30.0,"framerateLatest":0.0,"hasBframes":false,'
    b'"height":1080,"keyFrameInterval":1.0,"keyFrameIntervalAvg":1.0,"keyFrameIntervalConf":0.0,'
    b'"keyFrameIntervalLatest":0.0,"width":1920}},{"audio":{"bitrate":"160000","bitrateAvg":"0",'
    b'"bitrateConf":"160000","bitrateLatest":"-795170153","bypass":false,"channel":2,"codec":'
    b'"AAC","samplerate":48000},"id":1,"name":"Audio","type":"Audio"},{"id":2,"name":"Data",'
    b'"type":"Data"}]}}'
)
PUSH_STARTED = (
    b'{"time":"2025-03-26T05:21:46.319+00:00","level":"Info","category":"StreamEvent",'
    b'"type":"PushPublishingStarted","sourceId":"#default#app/push_rtmp","summary":'
    b'"PushPublishing started. Id: JwW9AM, Protocol: rtmp, Url: rtmp://192.168.0.234:52935/app/'
    b'pushedRtmp, StreamKey: ","snapshot":{"app":"app","createdTime":"2025-03-26T05:21:46.319+'
    b'00:00","finishTime":"1970-01-01T00:00:00.000+00:00","id":"JwW9AM","isConfig":true,'
    b'"protocol":"rtmp","sentBytes":0,"sentTime":0,"sequence":0,"startTime":"1970-01-01T00:00:'
    b'00.000+00:00","state":"ready","stream":{"name":"push_rtmp","trackIds":[],"variantNames":'
    b'["video_h264_1080p","aac_audio"]},"totalsentBytes":0,"totalsentTime":0,"url":"rtmp://'
    b'192.168.0.234:52935/app/pushedRtmp","vhost":"default"}}'
)


def event_line(
    time: str = "2025-03-26T05:21:46.315+00:00",
    *,
    level: str = "Info",
    category: str = "StreamEvent",
    type: str = "StreamCreated",
    source: str = "#default#app/cam1",
    summary: str = "Stream created. Id: 1",
    **extra: Any,
) -> bytes:
    """One event line (with its newline) in OME's key order."""
    obj: dict[str, Any] = {
        "time": time,
        "level": level,
        "category": category,
        "type": type,
        "sourceId": source,
        "summary": summary,
    }
    obj.update(extra)
    return line_of(obj)


def line_of(obj: dict[str, Any]) -> bytes:
    """One log line (with its newline) for a decoded event object: compact, in OME's key
    order (values orjson cannot write, deeper than 250 levels or integers beyond 64 bits,
    are written by the standard library)."""
    try:
        return orjson.dumps(obj) + b"\n"
    except orjson.JSONEncodeError:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, 5000))
        try:
            text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
        finally:
            sys.setrecursionlimit(previous)
        return text.encode("utf-8", "surrogatepass") + b"\n"

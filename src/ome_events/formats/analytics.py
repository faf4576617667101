"""The open-source OME's Analytics event log: one JSON object per line, written by jsoncpp
(compact, keys sorted) from ``src/projects/monitoring/event.cpp``::

    {"data":{"dataType":"Not Implemented","serverInfo":{...}},
     "event":{"producer":{"appID":"...","hostID":"...","serverID":"...","streamID":"..."},
              "type":"StreamCreated"},
     "eventVersion":1,"serverID":"...","timestampMillis":1742966506315,"userKey":"..."}

It has no level, category, source ID or summary: :func:`event_from_object` derives them, so that
an Analytics event reads like an Enterprise one (the same types where OME Enterprise has them,
Enterprise-style summaries that the analyzers read, the subject's names as ``sourceId``). The
mapping, field by field, is in docs/model.md. ``raw`` keeps the object as written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ome_events.errors import ParseError
from ome_events.formats.common import describe, in_range, outside_range, typed_event
from ome_events.model import Event, EventType, Origin

__all__ = ["LEVEL_OF", "event_from_object", "looks_like"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Types of another level than Info: errors, and the statistics written every 5 seconds.
LEVEL_OF: dict[str, str] = {"Error": "Error", "ServerStat": "Debug"}
_UNKNOWN_CATEGORY = "AnalyticsEvent"


def looks_like(obj: dict[str, Any]) -> bool:
    """Whether a decoded line is an Analytics event (by its keys: ``eventVersion`` is missing
    from the lines of OME 0.12.2 to 0.12.7, so ``timestampMillis`` and ``event`` decide)."""
    return "timestampMillis" in obj and "event" in obj and "time" not in obj


def _category(type_text: str) -> str:
    """OME's category of the type, in Enterprise's names (``EventType.category``)."""
    category = EventType(type_text).category
    return _UNKNOWN_CATEGORY if category is None else category.value


def _object(value: Any) -> dict[str, Any]:
    return value if type(value) is dict else {}


def _text(value: Any) -> str | None:
    return value if type(value) is str and value else None


def event_from_object(
    obj: dict[str, Any],
    origin: Origin | None = None,
    strict: bool = False,
    line: bytes | None = None,
) -> Event:
    """An Event from a decoded Analytics object; ParseError (without a location) when it has
    no usable ``timestampMillis`` or ``event.type``."""
    millis = obj.get("timestampMillis")
    if type(millis) is not int or millis < 0:
        raise ParseError(
            f"'timestampMillis' is not a count of milliseconds: {describe(millis)}",
            expected="'timestampMillis' as a non-negative integer",
        )
    try:
        time = in_range(_EPOCH + timedelta(milliseconds=millis), "timestampMillis", str(millis))
    except OverflowError:
        raise outside_range("timestampMillis", str(millis)) from None
    event = _object(obj.get("event"))
    type_text = event.get("type")
    if type(type_text) is not str or not type_text:
        raise ParseError("'event.type' is missing or not a string", expected="'event.type'")
    data = _object(obj.get("data"))
    info = _object(data.get("serverInfo"))
    host = _object(info.get("host"))
    app = _object(host.get("app"))
    stream = _object(app.get("stream"))
    producer = _object(event.get("producer"))
    server_id = _text(obj.get("serverID")) or _text(producer.get("serverID")) or "-"
    source, subject = _source(type_text, server_id, producer, data, info, host, app, stream)
    summary = _summary(type_text, server_id, info, host, app, stream, data)
    message = _text(event.get("message"))
    if message is not None:
        summary = f"{summary} Message: {message}" if summary else message
    return typed_event(
        time,
        LEVEL_OF.get(type_text, "Info"),
        _category(type_text),
        type_text,
        source,
        summary,
        None,
        obj,
        origin,
        strict,
        line,
        "analytics",
        subject,
    )


def _source(
    type_text: str,
    server_id: str,
    producer: dict[str, Any],
    data: dict[str, Any],
    info: dict[str, Any],
    host: dict[str, Any],
    app: dict[str, Any],
    stream: dict[str, Any],
) -> tuple[str, Any]:
    """The ``sourceId`` in Enterprise's form (names, not IDs, where the data has them) and
    the part of ``data`` that describes that subject (the event's snapshot)."""
    if type_text == "ServerStat":
        return server_id, data.get("serverStat")
    stream_id = _text(producer.get("streamID"))
    app_id = _text(producer.get("appID"))
    host_id = _text(producer.get("hostID"))
    vhost = _text(host.get("name")) or host_id
    # OME names an app "#vhost#app" (GetVHostAppName).
    app_name = _text(app.get("name")) or (f"#{vhost}#{app_id}" if vhost and app_id else None)
    if stream_id is not None or stream:
        name = _text(stream.get("name")) or stream_id
        if app_name and name:
            return f"{app_name}/{name}", stream or None
    if (app_id is not None or app) and app_name:
        return app_name, app or None
    if (host_id is not None or host) and vhost:
        return vhost, host or None
    return server_id, info or (data or None)


def _summary(
    type_text: str,
    server_id: str,
    info: dict[str, Any],
    host: dict[str, Any],
    app: dict[str, Any],
    stream: dict[str, Any],
    data: dict[str, Any],
) -> str:
    """A summary in OME Enterprise's words, with the ``Key: value`` fields its analyzers
    read (a stream's ``Id``, ``StreamType`` and ``SourceUrl``)."""
    if type_text == "ServerStarted":
        return (
            f"Server started. Name: {info.get('serverName', '')}, "
            f"Version: {info.get('serverVersion', '')}, Id: {server_id}"
        )
    if type_text in ("HostCreated", "HostDeleted"):
        verb = "created" if type_text == "HostCreated" else "deleted"
        return (
            f"Host {verb}. Name: {host.get('name', '')}, "
            f"Distribution: {host.get('distribution', '')}"
        )
    if type_text in ("AppCreated", "AppDeleted"):
        verb = "created" if type_text == "AppCreated" else "deleted"
        name = str(app.get("name", "")).rsplit("#", 1)[-1]
        return f"App {verb}. Name: {name}"
    if type_text.startswith("Stream"):
        verb = {
            "StreamCreated": "created",
            "StreamDeleted": "deleted",
            "StreamOutputsUpdated": "outputs updated",
            "StreamOriginLinkUpdated": "origin link updated",
        }.get(type_text, type_text.removeprefix("Stream").lower())
        source = _object(stream.get("source"))
        text = (
            f"Stream {verb}. Id: {stream.get('streamID', '')}, "
            f"StreamType: {source.get('type', '')}, SourceUrl: {source.get('address', '')}"
        )
        outputs = stream.get("outputs")
        if type_text == "StreamOutputsUpdated":
            names = [str(_object(o).get("name", "")) for o in outputs or () if type(o) is dict]
            text += f", Outputs: {len(names)} ({' '.join(names)})"
        return text
    if type_text == "ServerStat":
        stat = _object(_object(data.get("serverStat")).get("stat"))
        return (
            f"Server statistics. Connections: {stat.get('totalConnections', '?')}, "
            f"ThroughputIn: {stat.get('lastThroughputIn', '?')}, "
            f"ThroughputOut: {stat.get('lastThroughputOut', '?')}"
        )
    return f"{type_text}."

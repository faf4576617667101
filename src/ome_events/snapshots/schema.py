"""Typing a decoded snapshot object into its class: :func:`type_snapshot`.

How a class maps onto JSON is read from the class itself (:mod:`.classes`), once, when this
module loads: the JSON key of each field (its camelCase name, or ``metadata["json"]``) and a
converter chosen by the field's type (``int | None`` reads integers and strings of digits,
``datetime | None`` ISO 8601 times with an offset, ``tuple[Track, ...]`` a list of tracks,
another snapshot class an object of it, ``Any`` whatever is there). The fields ``extra``,
``issues`` and ``raw`` are the bookkeeping every class shares.

Rules (also in the package docstring): unknown keys go to ``extra``; a value of the wrong JSON
type becomes None and an issue with its path (``$.tracks[1].video.width``), or a ParseError
when strict; times equal to the epoch mean "never set" and become None; impossible counters
are kept and flagged (``kind="impossible"``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

from ome_events.errors import ParseError
from ome_events.snapshots import classes
from ome_events.snapshots.classes import (
    ConfigSnapshot,
    GenericSnapshot,
    HlsDumpSnapshot,
    MultiplexChannelSnapshot,
    PushSnapshot,
    RecordingSnapshot,
    ScheduledChannelSnapshot,
    Snapshot,
    SnapshotIssue,
    StreamSnapshot,
    Track,
    VideoTrack,
)
from ome_events.snapshots.raw import BITRATE_KEYS, bitrate_issues, integer, number

__all__ = ["json_name", "type_snapshot"]

# A JSON path is built only when an issue is recorded: while typing it is a chain of
# (parent, key) tuples, formatted by _format_path ("$.tracks[1].video.width").
JsonPath = str | tuple[Any, str | int]

_BOOKKEEPING = frozenset({"extra", "issues", "raw"})


def json_name(item: dataclasses.Field[Any]) -> str | None:
    """The JSON key of a snapshot field: ``metadata["json"]``, else its name in camelCase.

    >>> [json_name(f) for f in dataclasses.fields(VideoTrack)][:6]
    ['codec', 'width', 'height', 'maxWidth', 'maxHeight', 'bitrate']
    """
    if "json" in item.metadata:
        name: str | None = item.metadata["json"]
        return name
    head, *rest = item.name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _format_path(path: JsonPath) -> str:
    if isinstance(path, str):
        return path
    parent, key = path
    if isinstance(key, int):
        return f"{_format_path(parent)}[{key}]"
    return f"{_format_path(parent)}.{key}"


class _Context:
    """Collects issues while a snapshot is typed; raises at the first one when strict."""

    __slots__ = ("issues", "strict")

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.issues: list[SnapshotIssue] = []

    def wrong_type(self, path: JsonPath, expected: str, value: Any) -> None:
        message = f"expected {expected}, got {_json_type(value)}"
        where = _format_path(path)
        if self.strict:
            raise ParseError(f"bad snapshot value: {message}", expected=expected, path=where)
        self.issues.append(SnapshotIssue(where, "type", message, _bounded(value)))

    def impossible(self, path: JsonPath, message: str, value: Any) -> None:
        self.issues.append(SnapshotIssue(_format_path(path), "impossible", message, value))


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    kind = type(value)
    text = repr(value) if kind is not str or len(value) <= 40 else repr(value[:40])
    return names.get(kind, kind.__name__) + f" {text}"[:40]


def _bounded(value: Any) -> Any:
    # An issue keeps the offending value, but never a whole nested structure.
    return None if isinstance(value, list | dict) else value


Converter = Callable[[Any, JsonPath, _Context], Any]


def _int(value: Any, path: JsonPath, ctx: _Context) -> int | None:
    found = integer(value)
    if found is None:
        ctx.wrong_type(path, "an integer (or a string of digits)", value)
    return found


def _float(value: Any, path: JsonPath, ctx: _Context) -> float | None:
    found = number(value)
    if found is None:
        ctx.wrong_type(path, "a number", value)
    return found


def _bool(value: Any, path: JsonPath, ctx: _Context) -> bool | None:
    if type(value) is bool:
        return value
    ctx.wrong_type(path, "a boolean", value)
    return None


def _str(value: Any, path: JsonPath, ctx: _Context) -> str | None:
    if type(value) is str:
        return value
    ctx.wrong_type(path, "a string", value)
    return None


def _any(value: Any, path: JsonPath, ctx: _Context) -> Any:
    return value


def _time(value: Any, path: JsonPath, ctx: _Context) -> datetime | None:
    if type(value) is str:
        if value == "":
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                # OME prints times it never set as the epoch, in the server's local offset
                # (1970-01-01T09:00:00.000+09:00 on a server in Seoul).
                try:
                    return None if parsed.timestamp() == 0 else parsed
                except (OverflowError, ValueError):
                    pass  # a time at the edge of the calendar: not a time OME writes
    ctx.wrong_type(path, "an ISO 8601 time with offset", value)
    return None


def _list_of(item: Converter) -> Converter:
    def convert(value: Any, path: JsonPath, ctx: _Context) -> tuple[Any, ...]:
        if type(value) is not list:
            ctx.wrong_type(path, "an array", value)
            return ()
        return tuple(item(v, (path, i), ctx) for i, v in enumerate(value))

    return convert


def _tuple_any(value: Any, path: JsonPath, ctx: _Context) -> tuple[Any, ...]:
    if type(value) is not list:
        ctx.wrong_type(path, "an array", value)
        return ()
    return tuple(value)


Check = Callable[["_Spec", dict[str, Any], dict[str, Any], JsonPath, _Context], None]


def _check_media(
    spec: _Spec, data: dict[str, Any], values: dict[str, Any], path: JsonPath, ctx: _Context
) -> None:
    """Flag counters that cannot be true (the shared bitrate rule, and any other negative
    figure); the values themselves are kept."""
    for key, value, why in bitrate_issues(data):
        ctx.impossible((path, key), why, value)
    for attr, value in values.items():
        kind = type(value)
        if (kind is int or kind is float) and value < 0:
            key = spec.json_of[attr]
            if key not in BITRATE_KEYS:
                ctx.impossible((path, key), f"negative value {value}", value)


def _check_counters(
    spec: _Spec, data: dict[str, Any], values: dict[str, Any], path: JsonPath, ctx: _Context
) -> None:
    """Byte and time counters are never negative."""
    for attr, value in values.items():
        if type(value) is int and value < 0:
            ctx.impossible((path, spec.json_of[attr]), f"negative value {value}", value)


def _maker(cls: type) -> Callable[[dict[str, Any]], Any]:
    """A fast constructor for a frozen, slotted snapshot dataclass, from a dict of its fields.

    The generated ``__init__`` of a frozen dataclass sets each field with
    ``object.__setattr__`` and costs about 12 µs for a video track's 23 fields. Here the
    fields are stored into a plain twin class with the same slots, which is then retyped
    (``__class__`` assignment is allowed between classes with identical slots): about 1.5 µs.
    The result is an ordinary instance of ``cls``.
    """
    twin = type(f"_{cls.__name__}Filler", (), {"__slots__": cls.__dict__["__slots__"]})
    namespace: dict[str, Any] = {"new": object.__new__, "twin": twin, "cls": cls}
    lines = ["def make(values):", "    o = new(twin)", "    get = values.get"]
    for index, item in enumerate(dataclasses.fields(cls)):
        if item.default is not dataclasses.MISSING:
            default: Any = item.default
        elif item.default_factory is not dataclasses.MISSING:
            default = item.default_factory()
        else:
            default = None
        namespace[f"default_{index}"] = default
        lines.append(f"    o.{item.name} = get({item.name!r}, default_{index})")
    lines += ["    o.__class__ = cls", "    return o"]
    exec("\n".join(lines), namespace)  # the same technique dataclasses uses for __init__
    make: Callable[[dict[str, Any]], Any] = namespace["make"]
    return make


class _Spec:
    """How one JSON object maps onto one dataclass: key -> (attribute, converter)."""

    __slots__ = ("check", "cls", "fields", "json_of", "make")

    def __init__(self, cls: type, check: Check | None = None) -> None:
        self.cls = cls
        self.check = check
        self.make = _maker(cls)
        self.fields: dict[str, tuple[str, Converter]] = {}
        self.json_of: dict[str, str] = {}
        hints = typing.get_type_hints(cls, vars(classes))
        for item in dataclasses.fields(cls):
            key = json_name(item)
            if key is None or item.name in _BOOKKEEPING:
                continue
            self.fields[key] = (item.name, _converter(hints[item.name]))
            self.json_of[item.name] = key

    def build(self, data: Any, path: JsonPath, ctx: _Context, *, keep_raw: bool = False) -> Any:
        if type(data) is not dict:
            ctx.wrong_type(path, "an object", data)
            return None
        start = len(ctx.issues)
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            entry = self.fields.get(key)
            if entry is None:
                extra[key] = value
            elif value is not None:
                attr, convert = entry
                values[attr] = convert(value, (path, key), ctx)
        if self.check is not None:
            self.check(self, data, values, path, ctx)
        if extra:
            values["extra"] = MappingProxyType(extra)
        if len(ctx.issues) > start:
            values["issues"] = tuple(ctx.issues[start:])
        if keep_raw:
            values["raw"] = data
        return self.make(values)

    def converter(self) -> Converter:
        def convert(value: Any, path: JsonPath, ctx: _Context) -> Any:
            return self.build(value, path, ctx)

        return convert


_SCALARS: dict[Any, Converter] = {int: _int, float: _float, bool: _bool, str: _str, datetime: _time}
_CHECKS: dict[type, Check] = {
    VideoTrack: _check_media,
    classes.AudioTrack: _check_media,
    PushSnapshot: _check_counters,
    RecordingSnapshot: _check_counters,
    classes.Stat: _check_counters,
}
_SPECS: dict[type, _Spec] = {}


def _converter(hint: Any) -> Converter:
    """The converter for a field of type ``hint`` (``X | None`` reads as ``X``)."""
    if hint is Any:
        return _any
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(options) == 1:
            return _converter(options[0])
        return _any
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return _tuple_any if item is Any else _list_of(_converter(item))
    if hint in _SCALARS:
        return _SCALARS[hint]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _spec(hint).converter()
    raise TypeError(f"no converter for snapshot fields of type {hint!r}")


def _spec(cls: type) -> _Spec:
    spec = _SPECS.get(cls)
    if spec is None:
        spec = _SPECS[cls] = _Spec(cls, _CHECKS.get(cls))
    return spec


_STREAM = _spec(StreamSnapshot)
_TRACK = _spec(Track)
_CONFIG = _spec(ConfigSnapshot)

_BY_TYPE: dict[str, _Spec] = {
    "StreamPrepared": _STREAM,
    "AbnormalStreamDetected": _STREAM,
    "PushPublishingStarted": _spec(PushSnapshot),
    "PushPublishingStopped": _spec(PushSnapshot),
    "RecordingStarted": _spec(RecordingSnapshot),
    "RecordingStopped": _spec(RecordingSnapshot),
    "HLSDumpStarted": _spec(HlsDumpSnapshot),
    "HLSDumpStopped": _spec(HlsDumpSnapshot),
    "ScheduledChannelCreated": _spec(ScheduledChannelSnapshot),
    "ScheduledChannelUpdated": _spec(ScheduledChannelSnapshot),
    "MultiplexChannelCreated": _spec(MultiplexChannelSnapshot),
    "MultiplexChannelUpdated": _spec(MultiplexChannelSnapshot),
}

# The open-source Analytics log: the event's snapshot is the part of ``data`` about its subject.
_STREAM_INFO = _spec(classes.StreamInfoSnapshot)
_ANALYTICS_BY_TYPE: dict[str, _Spec] = {
    "ServerStarted": _spec(classes.ServerInfoSnapshot),
    "HostCreated": _spec(classes.HostInfoSnapshot),
    "HostDeleted": _spec(classes.HostInfoSnapshot),
    "AppCreated": _spec(classes.AppInfoSnapshot),
    "AppDeleted": _spec(classes.AppInfoSnapshot),
    "StreamCreated": _STREAM_INFO,
    "StreamDeleted": _STREAM_INFO,
    "StreamOriginLinkUpdated": _STREAM_INFO,
    "StreamOutputsUpdated": _STREAM_INFO,
    "ServerStat": _spec(classes.ServerStatSnapshot),
}

_CONFIG_SCOPE: dict[str, Literal["server", "host", "app"]] = {
    "ServerStarted": "server",
    "HostCreated": "host",
    "AppCreated": "app",
}


def type_snapshot(
    event_type: str, data: Any, *, strict: bool = False, format: str = "enterprise"
) -> Snapshot:
    """Type the ``snapshot`` object of an event of type ``event_type``.

    Never raises unless ``strict`` is true, in which case a value of the wrong JSON type
    raises :class:`ParseError` naming its path.

    >>> snap = type_snapshot("PushPublishingStarted", {"id": "a", "state": "ready",
    ...                      "startTime": "1970-01-01T00:00:00.000+00:00"})
    >>> snap.state, snap.start_time
    ('ready', None)

    ``format="analytics"``: the snapshot of an event of the open-source Analytics log (the
    part of its ``data`` about the event's subject, see :attr:`Event.snapshot_data
    <ome_events.model.Event.snapshot_data>`).
    """
    ctx = _Context(strict)
    if format == "analytics":
        analytics = _ANALYTICS_BY_TYPE.get(event_type)
        if analytics is None or type(data) is not dict:
            if analytics is not None:
                ctx.wrong_type("$", "an object", data)
            return GenericSnapshot(data, tuple(ctx.issues))
        built: Snapshot = analytics.build(data, "$", ctx, keep_raw=True)
        return built
    spec = _BY_TYPE.get(event_type)
    if spec is _STREAM and type(data) is dict and "tracks" not in data and "type" in data:
        spec = _TRACK  # a single track object ("track information")
    if spec is None and type(data) is dict:
        scope = _CONFIG_SCOPE.get(event_type)
        if scope is not None:
            config: ConfigSnapshot = _CONFIG.build(data, "$", ctx, keep_raw=True)
            return dataclasses.replace(config, scope=scope)
        if "tracks" in data:
            spec = _STREAM
    if spec is None or type(data) is not dict:
        if spec is not None:
            ctx.wrong_type("$", "an object", data)
        return GenericSnapshot(data, tuple(ctx.issues))
    result: Snapshot = spec.build(data, "$", ctx, keep_raw=True)
    return result

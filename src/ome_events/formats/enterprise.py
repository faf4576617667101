"""OME Enterprise's ``events.log``: one JSON object per line with ``time, level, category,
type, sourceId, summary`` and optional ``cause`` and ``snapshot`` (the format is in the seed
``003``; see docs/model.md).

Two ways to read a line, with the same result: :func:`event_from_object` checks and types an
already decoded object (the plain path, which defines the result); :func:`from_line` decodes
only the top-level strings with msgspec and validates the rest without building it (the fast
path of every reader).
"""

from __future__ import annotations

from typing import Any

import msgspec

from ome_events.errors import ParseError
from ome_events.formats.common import typed_event
from ome_events.model import Event, Origin
from ome_events.text import MAX_NESTING

__all__ = ["LineHead", "event_from_object", "from_line", "looks_like"]

_REQUIRED = ("time", "level", "category", "type", "sourceId", "summary")


def looks_like(obj: dict[str, Any]) -> bool:
    """Whether a decoded line is meant as an Enterprise event (it has a ``time``, or none of
    the Analytics log's keys): its errors are then reported against this format."""
    return "time" in obj or "timestampMillis" not in obj


def event_from_object(
    obj: Any, origin: Origin | None = None, strict: bool = False, line: bytes | None = None
) -> Event:
    """Build an Event from an already decoded JSON object (``line``: the text it was decoded
    from, which :meth:`Event.to_json` gives back).

    Raises ParseError (without a location; callers add it) when a required key is missing
    or has the wrong type, or the time is outside the accepted range (see
    :data:`TIME_RANGE`). Unknown level/category/type/cause values are kept unless ``strict``.
    """
    if type(obj) is not dict:
        kind = "an array" if type(obj) is list else f"a JSON {type(obj).__name__}"
        raise ParseError(f"the line is {kind}", expected="a JSON object")
    try:
        time_text = obj["time"]
        level_text = obj["level"]
        category_text = obj["category"]
        type_text = obj["type"]
        source_text = obj["sourceId"]
        summary = obj["summary"]
    except KeyError:
        missing = [key for key in _REQUIRED if key not in obj]
        raise ParseError(
            f"missing {', '.join(repr(k) for k in missing)}",
            expected="the keys " + ", ".join(_REQUIRED),
        ) from None
    event = typed_event(
        time_text,
        level_text,
        category_text,
        type_text,
        source_text,
        summary,
        obj.get("cause"),
        obj,
        origin,
        strict,
        line,
    )
    if strict and "snapshot" in obj:
        from ome_events.snapshots import type_snapshot

        type_snapshot(event.type.value, obj["snapshot"], strict=True)
    return event


class LineHead(msgspec.Struct, gc=False):
    """The top-level strings of a line, as written: what the fast path decodes. Every other
    member (the snapshot, unknown keys) is checked to be valid JSON and skipped without
    building a Python object."""

    time: str
    level: str
    category: str
    type: str
    source_id: str = msgspec.field(name="sourceId")
    summary: str
    cause: str | None = None


decode_head = msgspec.json.Decoder(LineHead).decode
# Where the fast path gives up and the line is decoded whole: not an object with the six
# string members (ValidationError, including numbers too large for a double, which orjson
# refuses and :func:`~ome_events.text.loads` accepts), invalid JSON (DecodeError), deeper
# than msgspec's nesting limit (RecursionError, about 1000 levels).
HEAD_FAILED = (msgspec.MsgspecError, RecursionError)


# msgspec's nesting limit is Python's recursion limit, which a program may raise: the fast
# path leaves lines that could be nested deeper than orjson allows to the plain path. Nesting
# N deep takes at least N opening brackets, and 2N bytes.
DEEP_LINE = 2 * MAX_NESTING
_SHALLOW = MAX_NESTING - 24


def may_be_deep(line: bytes) -> bool:
    return len(line) >= DEEP_LINE and line.count(b"[") + line.count(b"{") > _SHALLOW


def from_line(line: bytes, origin: Origin | None, strict: bool) -> Event | None:
    """The event of one line (no newline, no BOM) by the fast path, or None when the line
    must be decoded whole (:func:`ome_events.formats.event_of_line`).

    Only the six top-level strings and the cause are decoded (msgspec), the rest is
    validated and skipped. It is taken only where it gives exactly what decoding the whole
    line gives: ASCII lines (msgspec does not check UTF-8 inside skipped strings) outside
    strict mode; the reason for a bad line is always that of the full decoding.
    """
    if not strict and line.isascii() and not may_be_deep(line):
        try:
            head = decode_head(line)
        except HEAD_FAILED:
            pass
        else:
            return typed_event(
                head.time,
                head.level,
                head.category,
                head.type,
                head.source_id,
                head.summary,
                head.cause,
                None,
                origin,
                False,
                line,
            )
    return None

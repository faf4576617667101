"""The log formats OME writes, one decoder each, and the one place that tells them apart.

* :mod:`.enterprise`: OME Enterprise's ``events.log`` (``time, level, category, type,
  sourceId, summary``), with a fast path that decodes only the top-level strings;
* :mod:`.analytics`: the open-source OME's Analytics log (``timestampMillis``, ``event``,
  ``data``), mapped to the same :class:`~ome_events.model.Event` (see docs/model.md).

Both are JSON lines, and one directory can hold both: the format is detected **per line**, by
:func:`event_of_line` (the fast path answers for Enterprise lines; any other line is decoded
whole and :func:`event_of` chooses by its keys). Everything above (the line decoder, readers,
followers, commands) is format-blind: it gets Events and ParseErrors.
"""

from __future__ import annotations

from typing import Any

from ome_events.errors import ParseError
from ome_events.formats import analytics, enterprise
from ome_events.formats.common import TIME_RANGE
from ome_events.model import Event, Origin
from ome_events.text import loads

__all__ = ["FORMATS", "TIME_RANGE", "event_of", "event_of_line", "whole_line_event"]

#: The formats an Event's ``format`` can name.
FORMATS = ("enterprise", "analytics")


def event_of(
    obj: Any, origin: Origin | None = None, strict: bool = False, line: bytes | None = None
) -> Event:
    """The Event of an already decoded line, in whichever format it is; ParseError (without
    a location) when it is neither (reported in Enterprise's terms unless it has the
    Analytics log's keys)."""
    if type(obj) is dict and analytics.looks_like(obj):
        return analytics.event_from_object(obj, origin, strict, line)
    return enterprise.event_from_object(obj, origin, strict, line)


def event_of_line(line: bytes, origin: Origin | None, strict: bool) -> Event:
    """The Event of one line (no newline, no BOM): the fast path when it can, else
    :func:`whole_line_event`. ParseError (without a location) for a bad line."""
    event = enterprise.from_line(line, origin, strict)
    if event is not None:
        return event
    return whole_line_event(line, origin, strict)


def whole_line_event(line: bytes, origin: Origin | None, strict: bool) -> Event:
    """The plain path, which defines the result: the whole line decoded, then detected,
    checked and typed."""
    try:
        obj = loads(line)
    except ValueError as error:
        reason = str(error).split(": line ")[0]
        raise ParseError(f"not valid JSON: {reason}", expected="one JSON object per line") from None
    return event_of(obj, origin, strict, line)

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
from ome_events.formats import analytics, enterprise, serverlog
from ome_events.formats.common import TIME_RANGE
from ome_events.model import Event, Origin
from ome_events.text import loads

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "SNIFF_BYTES",
    "START_BYTES",
    "TIME_RANGE",
    "decoder_format",
    "detect_format",
    "event_of",
    "event_of_line",
    "input_format",
    "whole_line_event",
]

#: The formats an Event's ``format`` can name.
FORMATS = ("enterprise", "analytics", "serverlog")

#: A file whose first line is not complete within this many bytes is read as JSON lines
#: (a server log record's first line is far shorter).
SNIFF_BYTES = 16 * 1024


#: How each format is named to users (the digest says which it read).
FORMAT_NAMES = {
    "enterprise": "events.log (Enterprise)",
    "analytics": "Analytics log",
    "serverlog": "ovenmediaengine.log (server log)",
}


def input_format(start: bytes) -> str | None:
    """The format of a file from its first bytes: ``"enterprise"``, ``"analytics"`` or
    ``"serverlog"`` (a key of :data:`FORMAT_NAMES`), None for an empty file. JSON files are
    named by their first line (one directory may mix both JSON formats line by line)."""
    found = detect_format(start, final=True)
    if found == "serverlog":
        return found
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return None
    first = text.split(b"\n", 1)[0]
    return "analytics" if b'"timestampMillis"' in first else "enterprise"


#: How much of a file's start :func:`decoder_format` reads: the sniffed part and the rest of
#: the longest line that can start in it, as a decoder's first chunks would hold them.
START_BYTES = 4 * SNIFF_BYTES


def decoder_format(start: bytes) -> str:
    """The decoder a file is read with (``"json"`` or ``"serverlog"``), from its first
    :data:`START_BYTES` (fewer: the whole file), as a decoder that reads it from its start
    decides: told to decoders that start in the middle (:class:`~ome_events.parse.LineDecoder`'s
    ``known_format``), whose first lines may not show it."""
    return detect_format(start, final=len(start) < START_BYTES) or "json"


def detect_format(start: bytes, final: bool = False) -> str | None:
    """Which decoder reads a file, from its first bytes: ``"json"`` (Enterprise's events.log
    and the Analytics log, told apart per line) or ``"serverlog"`` (ovenmediaengine.log,
    whose records span lines). None: not known yet (wait for more, unless ``final``).

    Decided on the complete lines at hand (up to :data:`SNIFF_BYTES`): the first that is a
    JSON object (``{``) or a server log record's start (``[2025-03-26 05:21:46.315] I
    [...``, see :mod:`.serverlog`) decides, so a server log cut in the middle of a record
    (its first lines are the end of that record) is still one. Nothing recognisable in the
    first :data:`SNIFF_BYTES` (or by the end, when ``final``): JSON, whose bad lines are
    reported as such.
    """
    text = start[3:] if start.startswith(b"\xef\xbb\xbf") else start
    if text.lstrip(b" \t\r\n")[:1] == b"{":
        return "json"  # the usual answer, at once
    size = len(text)
    if not final and text.find(b"\n") < 0 and size <= SNIFF_BYTES:
        return None  # no complete line yet
    position = 0
    while position < size and position <= SNIFF_BYTES:
        end = text.find(b"\n", position)
        if end < 0:
            if not final:
                break  # only complete lines decide
            end = size
        line = text[position:end].lstrip(b" \t\r")
        if line[:1] == b"{":
            return "json"
        if line and serverlog.is_record_start(line):
            return "serverlog"
        position = end + 1
    if not final and size <= SNIFF_BYTES:
        # Blank or unrecognisable lines so far (a server log cut in the middle of a record
        # starts with the end of that record): wait for a line that decides, so that the
        # answer does not depend on how the bytes were cut into chunks.
        return None
    return "json"


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

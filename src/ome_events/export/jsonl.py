"""JSON Lines for programs: each event's original object, one per line (the output is itself a
valid ``events.log``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from ome_events.export.redact import IpRedactor
from ome_events.model import Event
from ome_events.text import dumps, json_line, safe_json

__all__ = ["event_json_line", "write_jsonl"]


def event_json_line(
    event: Event, redactor: IpRedactor | None = None, *, server: bool = False
) -> bytes:
    """The event's JSON line, with its newline: the line as read (controls a terminal would
    act on written as ``\\u`` escapes), or, with a redactor, its object with every address
    masked. ``server``: a ``"server"`` member first, naming the event's log (for output that
    mixes several servers; readers of the format keep members they do not know)."""
    if redactor is None:
        line = safe_json(event.to_json()) + b"\n"
    else:
        line = json_line(redactor.value(event.raw))
    if server and line.startswith(b"{"):
        line = b'{"server":' + dumps(event.server) + (b"," if line[1:2] != b"}" else b"") + line[1:]
    return line


def write_jsonl(
    events: Iterable[Event],
    out: IO[bytes],
    *,
    redactor: IpRedactor | None = None,
    servers: bool = False,
) -> int:
    """Write each event's original JSON object on its own line; returns the count.
    ``servers``: each line names its server first (see :func:`event_json_line`).

    Without a redactor each line is the one read (:meth:`Event.to_json`): reading the output
    back gives equal events. With one, every string in the object (summary, source,
    snapshot) has its addresses masked. Control characters that JSON allows raw are written
    as ``\\u`` escapes: the same strings for a JSON reader, inert on a terminal.
    """
    count = 0
    batch: list[bytes] = []
    for event in events:
        batch.append(event_json_line(event, redactor, server=servers))
        count += 1
        if len(batch) >= 512:
            out.write(b"".join(batch))
            batch.clear()
    if batch:
        out.write(b"".join(batch))
    return count

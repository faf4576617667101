"""JSON Lines for programs: each event's original object, one per line (the output is itself a
valid ``events.log``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from ome_events.export.redact import IpRedactor
from ome_events.model import Event
from ome_events.text import json_line

__all__ = ["write_jsonl"]


def write_jsonl(
    events: Iterable[Event],
    out: IO[bytes],
    *,
    redactor: IpRedactor | None = None,
) -> int:
    """Write each event's original JSON object on its own line; returns the count.

    Without a redactor this is ``orjson.dumps(event.raw)``: reading the output back gives
    equal events. With one, every string in the object (summary, source, snapshot) has its
    addresses masked. Control characters that JSON allows raw are written as ``\\u``
    escapes (see :func:`json_line`): the same strings for a JSON reader, inert on a terminal.
    """
    count = 0
    batch: list[bytes] = []
    for event in events:
        raw = event.raw if redactor is None else redactor.value(event.raw)
        batch.append(json_line(raw))
        count += 1
        if len(batch) >= 512:
            out.write(b"".join(batch))
            batch.clear()
    if batch:
        out.write(b"".join(batch))
    return count

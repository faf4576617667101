"""Writing events out for other tools: CSV for spreadsheets, JSON Lines for programs.

* :func:`write_csv` writes one row per event under a header (:data:`CSV_COLUMNS`); every
  cell a spreadsheet could execute as a formula is neutralised (:func:`neutralise_cell`).
* :func:`write_jsonl` writes each event's original JSON object, one per line: the output is
  itself a valid ``events.log``.
* :class:`IpRedactor` masks IPv4 and IPv6 addresses in any text or decoded JSON value.
  Viewer and encoder addresses are personal data; an export handed to a colleague or a
  vendor should not carry them.

:func:`event_record` is the flat row both writers (and any later columnar export) share.

Example::

    import sys
    from ome_events import read_events
    from ome_events.export import IpRedactor, write_csv

    with open("events.csv", "w", newline="", encoding="utf-8") as out:
        write_csv(read_events("/var/log/ovenmediaengine"), out, redactor=IpRedactor())
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import IO, Any

from ome_events.model import Event
from ome_events.text import CONTROL_CHARACTERS, escape_controls, has_controls, json_line

__all__ = [
    "CONTROL_CHARACTERS",
    "CSV_COLUMNS",
    "IpRedactor",
    "escape_controls",
    "event_record",
    "json_line",
    "neutralise_cell",
    "write_csv",
    "write_jsonl",
]

#: The columns of :func:`event_record` and of the CSV export, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "time",
    "level",
    "category",
    "type",
    "cause",
    "source",
    "vhost",
    "app",
    "stream",
    "summary",
    "snapshot",
)

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: "=", "+", "-", "@", and tab or carriage return, after which a formula
# character may follow (OWASP, "CSV Injection"). The full-width forms are folded to the
# ASCII ones by some spreadsheet locales, so they count too.
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def neutralise_cell(value: str) -> str:
    """Make a CSV cell inert in a spreadsheet: prefix a formula-like value with ``'``.

    The quote is the spreadsheet convention for "this is text"; it shows in the cell, so
    nobody mistakes the value for the original.

    >>> neutralise_cell('=HYPERLINK("http://evil.example","click")')
    '\\'=HYPERLINK("http://evil.example","click")'
    >>> neutralise_cell("Stream created. Id: 103")
    'Stream created. Id: 103'
    """
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


# IPv4: four decimal octets, not part of a longer dotted or numeric run ("1.2.3.4.5" and
# version strings with five parts are left alone).
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)"
# IPv6 candidates: hex groups and colons (at least two), optionally ending in an embedded
# IPv4 and a zone. Every candidate is checked with the ipaddress module, so times such as
# "10:00:07" and C++ names such as "ov::Converter" are not taken for addresses.
_IPV6 = (
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:%[\w-]+)?(?![\w:]|\.\d)"
)
_ADDRESS = re.compile(f"(?P<v4>{_IPV4})|(?P<v6>{_IPV6})")


class IpRedactor:
    """Replaces IP addresses by pseudonyms: ``ip-5f2c1a`` (IPv4) and ``ip6-09bd4e`` (IPv6).

    The same address always gets the same pseudonym within one redactor, so an export still
    shows that twenty failures came from one viewer, but the pseudonym is a keyed hash
    with a random key that is never stored: it cannot be turned back into the address
    (IPv4 is small enough to try every address against an unkeyed hash), and two exports
    cannot be linked. Pass ``key`` for pseudonyms that are stable across runs.

    Ports, hosts and the rest of the text stay. Addresses in ``0.0.0.0/8`` ("this network",
    never a host; also what a version string like ``0.18.1.2`` looks like) and the
    unspecified IPv6 address ``::`` are left alone.

    >>> redactor = IpRedactor(key=b"doc")
    >>> redactor.text("RemoteAddress: 203.0.113.66:50100, Url: rtmp://[2001:db8::7]:1935/app")
    'RemoteAddress: ip-fb9833:50100, Url: rtmp://[ip6-69eb85]:1935/app'
    >>> redactor.text("Version: 0.18.1.2, at 10:00:07, ov::Converter")
    'Version: 0.18.1.2, at 10:00:07, ov::Converter'
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else os.urandom(32)
        self._seen: dict[str, str] = {}

    def text(self, value: str) -> str:
        """The text with every IP address replaced by its pseudonym."""
        # Nearly every address has a digit and a '.' or ':'; most summaries are skipped by
        # this test without running the expression.
        if "." not in value and ":" not in value:
            return value
        return _ADDRESS.sub(self._replace, value)

    def value(self, value: Any) -> Any:
        """A decoded JSON value with the addresses in every string replaced (keys too)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group()
        try:
            return self._seen[found]
        except KeyError:
            pass
        address_text = found.partition("%")[0]
        try:
            address = ipaddress.ip_address(address_text)
        except ValueError:
            return found
        if address.version == 4:
            if address in _THIS_NETWORK:
                return found
            prefix = "ip"
        else:
            if address.packed == bytes(16):
                return found
            prefix = "ip6"
        digest = hmac.new(self._key, address.packed, hashlib.sha256).hexdigest()[:6]
        self._seen[found] = pseudonym = f"{prefix}-{digest}"
        return pseudonym


_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")


def event_record(
    event: Event,
    *,
    tz: tzinfo | None = None,
    redactor: IpRedactor | None = None,
) -> dict[str, str]:
    """The event as a flat row of strings, keyed by :data:`CSV_COLUMNS`.

    ``time`` is ISO 8601 with milliseconds, in the log's own offset, or converted to ``tz``.
    ``cause``, ``vhost``, ``app``, ``stream`` and ``snapshot`` are ``""`` when absent;
    ``snapshot`` is the snapshot as compact JSON (:func:`json_line`). With a ``redactor``,
    IP addresses are masked in every column. Text is as in the log: control characters
    are left for the writer to handle.
    """
    time = event.time if tz is None else event.time.astimezone(tz)
    source = event.source
    snapshot = event.raw.get("snapshot")
    record = {
        "time": time.isoformat(timespec="milliseconds"),
        "level": str(event.level),
        "category": str(event.category),
        "type": str(event.type),
        "cause": "" if event.cause is None else str(event.cause),
        "source": source.raw,
        "vhost": source.vhost or "",
        "app": source.app or "",
        "stream": source.stream or "",
        "summary": event.summary,
        "snapshot": "" if snapshot is None else json_line(snapshot)[:-1].decode(),
    }
    if redactor is not None:
        record = {key: redactor.text(value) for key, value in record.items()}
    return record


def write_csv(
    events: Iterable[Event],
    out: IO[str],
    *,
    tz: tzinfo | None = None,
    redactor: IpRedactor | None = None,
    header: bool = True,
) -> int:
    """Write events as CSV (RFC 4180: a header, ``\\r\\n`` line ends); returns the count.

    Open ``out`` with ``newline=""`` so the line ends are written as given. Every cell goes
    through :func:`escape_controls` (so each event is one physical line, and opening the
    file in a terminal is harmless) and :func:`neutralise_cell`.
    """
    writer = csv.writer(out)
    if header:
        writer.writerow(CSV_COLUMNS)
    count = 0
    formula = _FORMULA_START
    for event in events:
        cells = list(event_record(event, tz=tz, redactor=redactor).values())
        # One search over the whole row: nearly every row has no control character.
        if has_controls("".join(cells)):
            cells = [escape_controls(cell) for cell in cells]
        writer.writerow([("'" + cell) if cell[:1] in formula else cell for cell in cells])
        count += 1
    return count


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

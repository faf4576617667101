"""The plain server log ``ovenmediaengine.log``: records of text lines, as events.

Every OME writes it (``src/projects/base/ovlibrary/log_internal.cpp``)::

    [2025-03-26 05:21:46.315] I [SPRTMP-t1935:4321] RTMPProvider | rtmp_provider.cpp:211  |
    A RTMP client has connected from <ClientSocket: ...>

(one line), that is ``[date time] L [ThreadName:tid] Tag | file:line | message``, ``L`` one
of D I W E C.
Variants read here: no year (debug builds: ``[03-26 05:21:46.315]``), a bare numeric thread
(before v0.11: ``I 3275 Config | ...``), no ``file:line`` part, an empty tag, a ``docker
compose logs`` prefix (``ome-1  | ``) and console colours. A record goes on over the lines
that do not start a record (``[Stream Info]`` blocks, HTTP dumps): it is complete when the
next record starts, or at the end of the file.

Each record becomes an :class:`~ome_events.model.Event` whose ``raw`` is shaped like a line
of Enterprise's ``events.log`` (``time``, ``level``, ``category``, ``type``, ``sourceId``,
``summary``, ``snapshot`` when there are figures) plus ``serverLog`` (thread, tag, location,
the whole message): written out (``tail --json``, JSON Lines export) it is an events.log line.
The messages that matter get the JSON logs' types (``_typed`` below, the table in
docs/model.md); any other record is a ``ServerLogEvent`` whose type is its tag, never dropped.
``raw`` (and a statistics line's snapshot) is made on first access: most readers never ask.

Times carry no offset: they are the server's local time, read in :func:`server_zone`
(``--tz``, :func:`set_server_zone`; by default this machine's zone). A year-less time takes
its year from ``year_of`` (the file's modification time), a day after it meaning last year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ome_events.errors import ParseError, line_too_long, passed_over
from ome_events.formats.common import TIME_RANGE, HeadTest, typed_event
from ome_events.formats.enterprise import LineHead
from ome_events.formats.partial import PartialLine
from ome_events.model import Event, Origin

__all__ = [
    "FORMAT",
    "RECORD_EXPECTED",
    "SHADOWED_BY_JSON",
    "Head",
    "RecordDecoder",
    "is_record_start",
    "parse_head",
    "parse_zone",
    "record_event",
    "record_start_time",
    "server_zone",
    "set_server_zone",
]

#: The name of this format in ``Event.format``.
FORMAT = "serverlog"
#: What a record's first line looks like (in error messages).
RECORD_EXPECTED = "a record like [2025-03-26 05:21:46.315] I [Thread:123] Tag | message"

_LEVELS = {"D": "Debug", "I": "Info", "W": "Warning", "E": "Error", "C": "Critical"}

# The record's first line, in one match. Groups: the time (with or without the year), the
# level letter, the thread's name and id (or a bare id), the tag, the source file and line,
# the message.
_HEAD = re.compile(
    r"(?:[\w][\w.-]*\s+\| ?)?"  # docker compose logs: "ome-1  | "
    r"(?:\x1b\[[0-9;]*m)?"  # a console's colour
    r"\[((?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\]"
    r" ([DIWEC])"
    r" (?:\[([^\]]*):(\d{1,20})\]|(\d{1,20}))"  # a thread id is a number, not a novel
    r"(?: ([^|]*))?\|"  # the tag (may be empty), and the space before the bar: see _tag
    r"(?: ([\w.+-]+\.(?:cpp|cc|cxx|c|hpp|h)):(\d+) *\|)?"  # file:line, when built with it
    r" ?(.*)",
    re.S,
)
# The same first line as bytes, up to the tag's bar: what a filter's level and tag criteria
# need to pass a record over before it is decoded, typed or its continuation lines kept
# (HeadTest.record). Its character classes are the ASCII subsets of _HEAD's, so it matches
# only records _HEAD matches, with the same time, level and tag; an ASCII line it does not
# match starts no record. Groups: the time, the level letter, the tag (as _HEAD's, see _tag).
_GATE = re.compile(
    rb"(?:[\w][\w.-]*\s+\| ?)?"
    rb"(?:\x1b\[[0-9;]*m)?"
    rb"\[((?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\]"
    rb" ([DIWEC])"
    rb" (?:\[[^\]]*:\d{1,20}\]|\d{1,20})"
    rb"(?: ([^|]*))?\|"
)
# The same in a whole chunk at once, for records in their plain form (no compose prefix, no
# colour): a newline, then what _GATE matches, its classes kept within the line. The literal
# "\n[" lets the regex engine skip from candidate to candidate at the speed of a byte search.
# Groups: the time to the second, the level letter, the tag (as _GATE's).
_PLAIN_HEAD = (
    rb"\n\[((?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d)\.\d{3}\] ([DIWEC])"
    rb" (?:\[[^\]\n]*:\d{1,20}\]|\d{1,20})(?: ([^|\n]*))?\|"
)
_PLAIN_HEADS = re.compile(_PLAIN_HEAD)
# The times of those lines, and of any line that starts like one (more lines, never fewer:
# enough to know that every record's time is possible). Twice as fast as _PLAIN_HEADS.
_PLAIN_STAMPS = re.compile(rb"\n\[((?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d)\.\d{3}\] ")
# A line that may start a record in another form (a compose prefix, a colour): such a chunk
# is read line by line.
_OTHER_HEADS = re.compile(rb"\n(?:\x1b|[\w][\w.-]*\s+\|)")
_LETTER_LEVELS = {letter.encode(): level for letter, level in _LEVELS.items()}
_VERDICTS_MAX = 10_000
_GATE_REST = 16
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_PREFIX = re.compile(r"[\w][\w.-]*\s+\| ?")
_STREAM = re.compile(r"(#[^#\s/\]\[()]+#[^/\s\]\[()]+)(?:/([^\s\]\[()/,]+))?")

_zone: tzinfo | None = None


def set_server_zone(zone: tzinfo | str | None) -> None:
    """The zone of the server log's times for this process (``--tz``): a tzinfo, a name
    (``Asia/Seoul``), an offset (``+09:00``), or None for this machine's zone."""
    global _zone
    if isinstance(zone, str):
        zone = parse_zone(zone)
    _zone = zone


def parse_zone(text: str) -> tzinfo:
    """``Asia/Seoul``, ``UTC``, ``+09:00`` or ``-0530`` as a tzinfo; ValueError otherwise."""
    if text.strip().upper() in ("UTC", "Z", "GMT"):
        return UTC
    match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", text.strip())
    if match:
        sign = -1 if match[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {text!r}: a name like Asia/Seoul or UTC, or an offset like +09:00"
        ) from None


def server_zone() -> tzinfo:
    """The zone the server log's times are read in: :func:`set_server_zone`'s, else local."""
    if _zone is not None:
        return _zone
    import time

    if not time.daylight:  # a local zone without summer time: one fixed offset
        return timezone(timedelta(seconds=-time.timezone))
    from dateutil.tz import tzlocal

    return tzlocal()


class Head(NamedTuple):
    """A record's first line, parsed."""

    stamp: str  # 2025-03-26 05:21:46.315, or 03-26 05:21:46.315 (debug builds)
    level: str
    thread: str | None
    thread_id: int
    tag: str
    location: str | None
    message: str
    prefixed: bool  # a docker compose prefix (continuation lines have it too)


def is_record_start(line: bytes) -> bool:
    """Whether a line (bytes, no newline) starts a record of the server log."""
    return _HEAD.match(line.decode("utf-8", "replace")) is not None


def parse_head(text: str) -> Head | None:
    """The parts of a record's first line, or None when it does not start a record."""
    match = _HEAD.match(text)
    return None if match is None else _head_of(match, text)


def _head_of(match: re.Match[str], text: str) -> Head:
    stamp, letter, thread, tid, bare, tag, file, line, message = match.groups()
    if "\x1b" in message:
        message = _COLOUR.sub("", message)
    return Head(
        stamp,
        _LEVELS[letter],
        thread,
        int(tid if tid is not None else bare),
        _tag(tag),
        None if file is None else f"{file}:{line}",
        message.rstrip(),
        text[0] != "[" and text[0] != "\x1b",
    )


def _tag(group: str | None) -> str:
    """The tag as matched, without the space before the bar (the greedy match of the tag
    takes it; a lazy one, which would not, costs a tenth of the reading time)."""
    if not group:
        return ""
    return group[:-1] if group[-1] == " " else group


def continuation_text(text: str, prefixed: bool) -> str:
    """A continuation line as the message has it (without a compose prefix or colours)."""
    if prefixed:
        match = _PREFIX.match(text)
        if match is not None:
            text = text[match.end() :]
    if "\x1b" in text:
        text = _COLOUR.sub("", text)
    return text.rstrip("\r")


def record_time(
    stamp: str, zone: tzinfo, year_of: Callable[[], datetime] | None, offset: str | None = None
) -> datetime:
    """A record's time (``2025-03-26 05:21:46.315``, or without the year) in ``zone``;
    ParseError for an impossible date. ``offset`` (``+09:00``): ``zone``'s, when it is a
    fixed one (parsed with the time: faster than attaching the zone after)."""
    try:
        if len(stamp) != 23:  # no year (debug builds): the file's, or the one before
            reference = year_of() if year_of is not None else datetime.now(zone)
            year = reference.year
            if stamp[:5] > f"{reference.month:02d}-{reference.day + 1:02d}":
                year -= 1  # written before New Year, the file touched after it
            stamp = f"{year:04d}-{stamp}"
        if offset is not None:
            time = _fromisoformat(stamp + offset)
        else:
            time = _fromisoformat(stamp).replace(tzinfo=zone)
    except ValueError as error:
        raise ParseError(f"impossible time: {error}", expected=RECORD_EXPECTED) from None
    first, last = TIME_RANGE
    if not first <= time.year <= last:
        raise ParseError(
            f"year {time.year} is outside the accepted range",
            expected=f"a time in the years {first} to {last}",
        )
    return time


def fixed_offset(zone: tzinfo) -> str | None:
    """``+09:00`` for a zone whose offset never changes (a ``timezone``), else None."""
    if not isinstance(zone, timezone):
        return None
    delta = zone.utcoffset(None)
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(int(delta.total_seconds())) // 60
    if abs(int(delta.total_seconds())) % 60:
        return None
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


_fromisoformat = datetime.fromisoformat
_new_origin = tuple.__new__
_FIRST_YEAR, _LAST_YEAR = TIME_RANGE


def record_event(
    match: re.Match[str],
    message: str,
    origin: Origin | None,
    zone: tzinfo,
    year_of: Callable[[], datetime] | None = None,
    keep: Callable[[LineHead], bool] | None = None,
    offset: str | None = None,
    shadow: frozenset[str] = frozenset(),
    text_ok: Callable[[str], bool] | None = None,
) -> Event | None:
    """The Event of one record: ``match`` is its first line's (``_HEAD``), ``message`` the
    whole message (continuation lines joined by newlines). ``raw`` (and the snapshot in it)
    is made on first access. ``keep`` (a filter's head test, as for JSON lines): None, and
    no event built, for a record it rules out (its time is still checked); ``text_ok``
    (its ``text``): None, before typing, for a message that cannot hold a wanted source."""
    stamp, letter, tag = match.group(1, 2, 6)
    level = _LEVELS[letter]
    tag = _tag(tag)
    time = None
    if offset is not None and len(stamp) == 23:  # the usual case, inline
        try:
            time = _fromisoformat(stamp + offset)
        except ValueError:
            pass  # record_time says why
        else:
            if not _FIRST_YEAR <= time.year <= _LAST_YEAR:
                time = None
    if time is None:
        time = record_time(stamp, zone, year_of, offset)
    if text_ok is not None and not text_ok(message):
        return None
    typed = _typed(level, tag, message)
    if typed is not None and shadow and typed[1] in shadow:
        typed = None  # the JSON log beside gives this event: the record stays generic
    if typed is None:
        category, type_name, source, summary, snapshot = (
            "ServerLogEvent",
            tag or "Log",
            _stream_in(message),
            _first_line(message),
            None,
        )
    else:
        category, type_name, source, summary, snapshot = typed
    if keep is not None and not keep(
        LineHead(stamp, level, category, type_name, source, summary, None)
    ):
        return None
    # Event.raw calls deferred[0](*deferred[1:]) on first access (a tuple: cheaper than a
    # partial, and most events are never asked for it).
    deferred = (_raw_of, time, match, category, type_name, source, summary, snapshot, message)
    return typed_event(
        time, level, category, type_name, source, summary, None, None, origin, False, None,
        FORMAT, None, deferred,
    )  # fmt: skip


def _raw_of(
    time: datetime,
    match: re.Match[str],
    category: str,
    type_name: str,
    source: str,
    summary: str,
    snapshot: Any,
    message: str,
) -> dict[str, Any]:
    """The record as a line of Enterprise's events.log, with its own parts in ``serverLog``."""
    head = _head_of(match, match.string)
    raw: dict[str, Any] = {
        "time": time.isoformat(timespec="milliseconds"),
        "level": head.level,
        "category": category,
        "type": type_name,
        "sourceId": source,
        "summary": summary,
    }
    if type(snapshot) is tuple:  # a statistics line's figures, made into a snapshot now
        snapshot = _statistics_snapshot(snapshot)
    if snapshot is not None:
        raw["snapshot"] = snapshot
    raw["serverLog"] = {
        "thread": head.thread,
        "threadId": head.thread_id,
        "tag": head.tag,
        "location": head.location,
        "message": message,
    }
    return raw


def _first_line(message: str) -> str:
    """The first line of a message that is not blank (OME starts some with a newline)."""
    first = message.split("\n", 1)[0]
    if first.strip() or "\n" not in message:
        return first
    return next((line for line in message.splitlines() if line.strip()), "")


def _stream_in(message: str) -> str:
    """The first ``#vhost#app/stream`` (or ``#vhost#app``) a message names, else ``""``."""
    if "#" not in message:
        return ""
    match = _STREAM.search(message)
    if match is None:
        return ""
    return match[0]


# --- Typed events: OME's message templates (docs/model.md has the table) -------------------

_Typed = tuple[str, str, str, str, Any]  # category, type, source, summary, snapshot

_STARTED = re.compile(r"OvenMediaEngine (\S+)(?: \([^)]*\))? is started on \[([^\]]*)\]")
_STREAM_EVENT = re.compile(
    r"\[(#[^/\]]*)/([^\]]*?)\((\d+)\)\] (Stream has been created|Stream has been prepared"
    r"|Trying to delete a stream)"
)
_CONNECTED = re.compile(r"(?:A|The) (\w+) client has connected(?: from)? ?:? ?(.*)")
_DISCONNECTED = re.compile(
    r"The (\w+) client has disconnected: \[([^\]]*)/([^\]]*)\], remote: (.*)"
)
_REMOTE = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):(\d+)")
_NAMED = re.compile(r"[\[(]([^\[\]()/\s]+)/([^\[\]()\s]+)[\])]")
# An HTTP exchange's dump (http_exchange.cpp: an Error record for a status that is not 2xx or
# 3xx, else Debug): "[Client] <socket> (Elapsed: 3)", "[Request] GET /app/s/x.m3u8 (HTTP/1.1,
# ...)", "[Response] 404 Not Found (0 bytes sent, ...)" on the lines after an empty first one.
_EXCHANGE = re.compile(
    r"\[Request\] (\S+) (\S+) \(HTTP/[^\n]*\n(?:[^\n]*\n)*?\[Response\] (\d{3}) ?([^(\n]*?) ?\("
)
# Before 0.15.4: "[Client] <connection> [Duration] 2", "[Request] URL(http://host/path)
# Method(GET) Version(1.1) Request Time(...)", "[Response] Status(404) Sent Size(250) ...".
_EXCHANGE_BEFORE_0_15_4 = re.compile(
    r"\[Request\] URL\(([^)\s]*)\) Method\((\w+)\)[^\n]*\n"
    r"(?:[^\n]*\n)*?\[Response\] Status\((\d{3})\)"
)
_CLIENT = re.compile(r"\[Client\] ([^\n]*)")
_HTTP_ERROR = re.compile(r"HTTP error occurred: (?:\[(\w+)\] )?(.*?)(?: \((\d{3})\))?$", re.S)
_PROVIDER = re.compile(r"\w+ Provider Info - stream\(([^)/]*)/([^)]*)\) key\(")
_PROVIDER_STAT = re.compile(
    # (Numbers of at most 18 digits: OME's are 32 and 64 bits; longer ones are no figures.)
    r"(\w+) Provider Info - stream\(([^)]*)/([^)]*)\) key\((\d{1,18})ms\)"
    r" timestamp\(v:(-?\d{1,18})ms/a:(-?\d{1,18})ms/g:(-?\d{1,18})ms\)"
    r" fps\(v:(\d{1,18})/a:(\d{1,18})\)"
    r"(?: gap\(v:(-?\d{1,18})ms/a:(-?\d{1,18})ms\))?"
)
_RECORD_FAILED = re.compile(r"Failed to (?:start|stop) record")
_PUSH_INFO = re.compile(
    r"uid\(([^)]*)\),? vhost\(([^)]*)\) app\(([^)]*)\) stream\(([^)]*)\)"
    r" -> protocol\(([^)]*)\) url\((.*?)\) streamKey\((.*?)\)(?:,|$)",
    re.M,
)
_PUSH_LINE = re.compile(r"^ (id|stream|protocol|url|stream_key)=(.*)$", re.M)
_RECORD_PART = re.compile(r" (\w+)\(([^)]*)\)")
# Record::GetInfoString's names -> the Recording snapshot's keys.
_RECORD_KEYS = {
    "id": "id",
    "stream": "stream",
    "sequence": "sequence",
    "file_path": "outputFilePath",
    "info_path": "outputInfoPath",
    "total_bytes": "totalRecordBytes",
    "total_time": "totalRecordTime",
    "interval": "interval",
    "schedule": "schedule",
    "segmentation": "segmentationRule",
}
_RECORD_NUMBERS = frozenset({"sequence", "totalRecordBytes", "totalRecordTime", "interval"})

#: The types the JSON event logs also give, with the same meaning: in a directory that holds
#: a JSON log too, the server log's records of these stay generic (``ServerLogEvent``, typed
#: by their tag), so that no stream is created twice (see docs/reading.md).
SHADOWED_BY_JSON = frozenset(
    {
        "StreamCreated", "StreamPrepared", "StreamDeleted", "ServerStarted", "RestApiError",
        "PushStarted", "PushStopped", "RecordingStarted", "RecordingStopped",
    }
)  # fmt: skip

_CREATED_SUMMARY = {
    "Stream has been created": ("StreamCreated", "Stream created"),
    "Stream has been prepared": ("StreamPrepared", "Stream prepared"),
    "Trying to delete a stream": ("StreamDeleted", "Stream deleted"),
}


def _typed(level: str, tag: str, message: str) -> _Typed | None:
    """The typed reading of a message OME's source writes, or None for a generic record."""
    first = message.split("\n", 1)[0]
    if "] Stream has been" in first or "] Trying to delete a stream" in first:
        match = _STREAM_EVENT.search(first)
        if match is not None:
            app, stream, sid, what = match.groups()
            type_name, words = _CREATED_SUMMARY[what]
            return "StreamEvent", type_name, f"{app}/{stream}", f"{words}. Id: {sid}", None
    if "Provider Info - stream(" in first:
        match = _PROVIDER.match(first)
        if match is not None:
            # The figures become a snapshot only when it is asked for.
            source = f"{match[1]}/{match[2]}"
            return "StatisticsEvent", "ProviderStatistics", source, first, (first,)
    if "client has" in first:
        connected = _DISCONNECTED.search(first)
        if connected is not None:
            protocol, app, stream, remote = connected.groups()
            address = _address(remote)
            snapshot = {"protocol": protocol, "remote": address}
            return (
                "SessionEvent",
                "SessionDisconnected",
                f"{app}/{stream}",
                f"Session disconnected. Protocol: {protocol}, Remote: {address or remote}",
                snapshot,
            )
        match = _CONNECTED.search(first)
        if match is not None:
            protocol, remote = match.groups()
            address = _address(remote)
            return (
                "SessionEvent",
                "SessionConnected",
                "",
                f"Session connected. Protocol: {protocol}, Remote: {address or remote}",
                {"protocol": protocol, "remote": address},
            )
    if "Cannot find stream" in first or "Could not found a stream" in first:
        named = _NAMED.search(first)
        source = f"{named[1]}/{named[2]}" if named is not None else _stream_in(first)
        return "StreamEvent", "StreamNotFound", source, first, None
    if not first and "[Response] " in message:
        exchange = _EXCHANGE.search(message)
        parts: tuple[str, ...] | None = None
        if exchange is not None:
            parts = exchange.groups()
        else:
            older = _EXCHANGE_BEFORE_0_15_4.search(message)
            if older is not None:
                url, method, status = older.groups()
                path = urlsplit(url)._replace(scheme="", netloc="").geturl() or url
                parts = (method, path, status, "")  # (no reason phrase then)
        if parts is not None:
            method, path, status, reason = parts
            client = _CLIENT.search(message)
            snapshot = {
                "method": method,
                "path": path,
                "status": int(status),
                "message": reason or None,
                "remote": _address(client[1]) if client is not None else None,
            }
            summary = f"HTTP {method} {path}: {status} {reason}".rstrip()
            if level in ("Error", "Critical"):  # OME logs a status not 2xx/3xx as an error
                return "RestApiEvent", "HttpError", "", summary, snapshot
            return "RestApiEvent", "HttpExchange", "", summary, snapshot
    if first.startswith("HTTP error occurred: "):
        match = _HTTP_ERROR.match(first)
        if match is not None:
            domain, text, status = match.groups()
            snapshot = {"domain": domain, "message": text, "status": _int(status)}
            # The REST API's own error (api_server): events.log has it as RestApiResponded.
            return "RestApiEvent", "RestApiError", _stream_in(text), first, snapshot
    if first.startswith("OvenMediaEngine "):
        if first.startswith("OvenMediaEngine will be terminated"):
            return "ServerEvent", "ServerTerminated", "", "Server terminated.", None
        match = _STARTED.match(first)
        if match is not None:
            version, host = match.groups()
            return (
                "ServerEvent",
                "ServerStarted",
                host,
                f"Server started. Name: {host}, Version: {version}",
                {"version": version, "host": host},
            )
    if first.startswith(("Push started.", "Push stopped.", "Push ended.")):
        source, pushed = _push_info(message)
        type_name = "PushStarted" if first.startswith("Push started") else "PushStopped"
        return "StreamEvent", type_name, source, first, pushed
    if first.startswith(("Recording Started.", "Recording Stopped.")):
        recorded = _record_info(first)
        type_name = "RecordingStarted" if first[10:17] == "Started" else "RecordingStopped"
        return "StreamEvent", type_name, "", first, recorded
    rank = level
    if rank in ("Error", "Critical", "Warning"):
        if tag.startswith("Push"):
            return "StreamEvent", "PushFailed", _stream_in(message), first, None
        if _RECORD_FAILED.search(first):
            return "StreamEvent", "RecordingFailed", _stream_in(first), first, None
        if rank != "Warning" and (
            tag.startswith(("Transcoder", "Decoder", "Encoder")) or ".Decoder" in tag
        ):
            return "StreamEvent", "TranscoderError", _stream_in(message), first, None
    return None


def _push_info(message: str) -> tuple[str, dict[str, Any] | None]:
    """The source and snapshot of a push's description (``Push::GetInfoString``): ``uid(...)
    vhost(...) app(...) stream(...) -> protocol(...) url(...) streamKey(...)`` since 0.15.14,
    `` id=...`` lines (no vhost, no app) before; the keys of a Push snapshot."""
    match = _PUSH_INFO.search(message)
    if match is not None:
        uid, vhost, app, stream, protocol, url, key = match.groups()
        snapshot = {"id": uid, "vhost": vhost, "app": app, "stream": {"name": stream},
                    "protocol": protocol, "url": url, "streamKey": key}  # fmt: skip
        return f"#{vhost}#{app}/{stream}", snapshot
    lines = dict(_PUSH_LINE.findall(message))
    if not lines:
        return _stream_in(message), None
    snapshot = {
        "id": lines.get("id"),
        "stream": {"name": lines["stream"]} if "stream" in lines else None,
        "protocol": lines.get("protocol"),
        "url": lines.get("url"),
        "streamKey": lines.get("stream_key"),
    }
    return "", {key: value for key, value in snapshot.items() if value is not None}


def _record_info(first: str) -> dict[str, Any] | None:
    """A recording's description (``Record::GetInfoString``: `` id(...) stream(...)
    sequence(...) ...``) as the keys of a Recording snapshot (it names no vhost or app)."""
    parts = dict(_RECORD_PART.findall(first))
    if not parts:
        return None
    snapshot: dict[str, Any] = {}
    for name, key in _RECORD_KEYS.items():
        value = parts.get(name)
        if value is None:
            continue
        if key == "stream":
            snapshot[key] = {"name": value}
        elif key in _RECORD_NUMBERS:
            number = _int(value)
            if number is not None:
                snapshot[key] = number
        else:
            snapshot[key] = value
    return snapshot


def _statistics_snapshot(first: tuple[str]) -> dict[str, Any] | None:
    """A statistics line's figures, with a track the media checks read (the key-frame
    interval in frames, as OME's snapshots count it); None if the line is not whole."""
    match = _PROVIDER_STAT.match(first[0])
    if match is None:
        return None
    protocol, _, _, key_ms, video_ts, audio_ts, av_gap, video_fps, audio_fps = match.groups()[:9]
    key_seconds = int(key_ms) / 1000
    rate = float(int(video_fps))
    video: dict[str, Any] = {"framerate": rate}
    if rate > 0 and key_seconds > 0:
        video["keyFrameInterval"] = round(key_seconds * rate, 3)
    return {
        "protocol": protocol,
        "keyFrameIntervalMs": int(key_ms),
        "videoTimestampMs": int(video_ts),
        "audioTimestampMs": int(audio_ts),
        "avGapMs": int(av_gap),
        "videoFps": int(video_fps),
        "audioFps": int(audio_fps),
        "tracks": [{"id": 0, "video": video}],
    }


def _address(text: str) -> str | None:
    match = _REMOTE.search(text)
    return None if match is None else f"{match[1]}:{match[2]}"


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)


# --- The incremental decoder ------------------------------------------------------------------

# A record being read: its first line's match (_HEAD's, or _GATE's for a record the filter
# passes over), offset, line number, continuation lines (None: passed over, not kept) and
# size in bytes.
_Record = tuple[re.Match[Any], int, int, list[str] | None, int]


class RecordDecoder:
    """Sans-IO decoder of the server log: feed byte chunks, get the events of complete records.

    The same surface as :class:`~ome_events.parse.LineDecoder` (which hands a file over to it
    when its first line starts a record): ``feed``, ``close``, ``offset``, ``line``,
    ``error_count``, ``errors``, ``buffered``. A record is complete when the next one starts
    (or at ``close``), so ``offset`` and ``line`` are those of the first line of the record
    still open: a follower that resumes there reads it again whole, never half.

    Bad lines: a line that starts no record and follows none (the top of a file cut in the
    middle of a record), and a record whose date is impossible. A record's text is capped at
    ``max_line_bytes`` (the rest of its lines are counted, not kept).
    """

    def __init__(
        self,
        *,
        file: str | None = None,
        offset: int = 0,
        line: int = 1,
        numbered: bool = True,
        errors: str = "raise",
        max_line_bytes: int = 64 * 1024 * 1024,
        max_errors: int = 1000,
        on_error: Callable[[ParseError], object] | None = None,
        server: str | None = None,
        year_of: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
        keep: HeadTest | None = None,
        shadow: frozenset[str] = frozenset(),
    ) -> None:
        self.file = file
        self.server = server
        self.numbered = numbered
        self.policy = errors
        self.max_line_bytes = max_line_bytes
        self.max_errors = max_errors
        self.on_error = on_error
        self.year_of = year_of
        self.keep = None if keep is None else keep.line
        self._text_ok = None if keep is None else keep.text
        # A filter's level and tag criteria, judged on a record's first line (memoised by
        # level letter and tag); the times of the records it passes over, checked to the
        # minute (a record with an impossible time is a bad line, wanted or not).
        self._gate = None if keep is None else keep.record
        self._verdicts: dict[tuple[Any, ...], bool] = {}
        self._good_minutes: set[bytes] = set()
        self._gate_rest = 0  # chunks to read without the gate (it did not pay)
        # A filter on the level or the tag: the chunk's wanted records are found at once, the
        # others passed over without looking at their lines (see _scan); on the level alone,
        # by a search for the first lines of the wanted levels.
        # A filter on the source: a wanted record's message holds one of these pieces, so
        # a chunk's records that may be wanted are found by searching them (see _scan).
        pieces = () if keep is None else keep.pieces
        self._pieces = (
            re.compile(b"|".join(re.escape(piece.encode()) for piece in pieces))
            if pieces and all(piece.isascii() and piece.isprintable() for piece in pieces)
            else None
        )
        self._chunked = self._gate is not None or self._pieces is not None
        self._searches: dict[tuple[bytes, tuple[bytes, ...]], re.Pattern[bytes]] = {}
        self._wanted_heads: re.Pattern[bytes] | None = None
        gate = self._gate
        if gate is not None and keep is not None and keep.by_level:
            letters = bytes(ord(letter) for letter, level in _LEVELS.items() if gate(level, ""))
            if len(letters) < len(_LEVELS):
                self._wanted_heads = re.compile(
                    _PLAIN_HEAD.replace(b"([DIWEC])", b"([" + (letters or b"^\\s\\S") + b"])")
                )
        self.scanned = 0  # chunks read by _scan (for tests)
        self.shadow = shadow
        self.zone = zone or server_zone()
        self._fixed = fixed_offset(self.zone)
        self.error_count = 0
        self.errors: list[ParseError] = []
        # Consumed so far (complete lines), and the record still open.
        self._offset = offset
        self._line = line
        # (A record passed over by the filter has the bytes match of _GATE and no lines.)
        self._record: _Record | None = None
        self._partial = PartialLine(max_line_bytes)  # a line whose newline has not come
        self._ready: list[Event] = []
        self._unread: list[bytes | int] = []  # lines (or skipped lines' sizes) after an error
        self._after_idle = False  # the open record was taken by idle(); no record since

    @property
    def offset(self) -> int:
        """Where the open record starts (or the end of what was consumed, with none)."""
        # (A record is kept as its head's match, start, line number, continuation lines and
        # size in bytes.)
        return self._record[1] if self._record is not None else self._offset

    @property
    def line(self) -> int:
        """The line number of :attr:`offset`."""
        return self._record[2] if self._record is not None else self._line

    @property
    def buffered(self) -> int:
        """Bytes held that are not part of a complete record yet."""
        held = self._partial.held
        held += sum(len(line) for line in self._unread if isinstance(line, bytes))
        if self._record is not None:
            held += self._offset - self._record[1]
        return held

    def feed(self, data: bytes) -> list[Event]:
        """Add a chunk; return the events of the records it completed, in order."""
        events = self._ready
        self._ready = []
        lines = self._unread
        self._unread = []
        if data:
            partial = self._partial
            end = data.rfind(b"\n")
            if end < 0:
                partial.hold(data)
            else:
                start = 0
                if partial.size:  # the first line ends the line held so far (or its size)
                    cut = data.find(b"\n")
                    lines.append(partial.end(data[:cut]))
                    start = cut + 1
                if start <= end:  # the lines after it
                    region = data[start:end]
                    if self._chunked and not self._gate_rest:
                        rest: bytes | None = region
                        if self._record is None:  # _scan goes on from an open record
                            cut = region.find(b"\n")
                            lines.append(region if cut < 0 else region[:cut])
                            rest = None if cut < 0 else region[cut + 1 :]
                        self._take(lines, events, newline=1)
                        lines = []
                        if rest is not None and not self._scan(rest, events):
                            lines = list(rest.split(b"\n"))
                    else:
                        if self._gate is None and self._gate_rest:
                            self._gate_rest -= 1  # (with a gate, _take counts these)
                        lines += region.split(b"\n")
                partial.hold(data[end + 1 :])
        self._take(lines, events, newline=1)
        return events

    def close(self) -> list[Event]:
        """End of input: the last line without a newline, and the record still open."""
        events = self.feed(b"")
        if self._partial.size:
            self._take([self._partial.end(b"")], events, newline=0)
        self._finish(events)
        return events

    def idle(self) -> list[Event]:
        """The input is quiet at a line's end (a follower at the end of a file): the open
        record is taken as complete. OME writes a record, continuation lines included, in one
        write (a long one as two: its text, then the newline, which leaves a partial line
        here until it comes), so a record is not cut; lines that would still come for it are
        reported as bad lines."""
        if self._partial.size or self._unread or self._record is None:
            return []
        events: list[Event] = []
        self._finish(events)
        self._after_idle = True
        return events

    def _scan(self, region: bytes, events: list[Event]) -> bool:
        """Whole lines (``region``, its last newline excluded) under a filter on the level or
        the tag: the wanted records are found in the whole region at once and read the plain
        way (``_take``); the others are passed over without looking at their lines, their
        times checked in bulk. False, with nothing done, when the region is not
        one this applies to (the caller reads it line by line): records in another form, a
        line that is not ASCII, no record open before it, a time that is not possible (the
        plain way reports it), or mostly wanted records. Nothing it reads can be a bad line."""
        record = self._record
        if (
            record is None
            or self._unread
            or len(region) > self.max_line_bytes
            or not region.isascii()
        ):
            return False
        text = b"\n" + region  # every line, the first included, after a newline
        if _OTHER_HEADS.search(text) is not None:
            return False
        wanted_heads = self._wanted_heads
        by_text = self._gate is None  # the source alone: the records that hold a piece
        if by_text:
            if b"\x1b" in region:  # a colour, which the message leaves out, may cut a piece
                return False
            stamps = _PLAIN_STAMPS.findall(text)
            seconds, count = set(stamps), len(stamps)
        elif wanted_heads is not None:  # the level alone
            stamps = _PLAIN_STAMPS.findall(text)  # (at least every record's)
            seconds, count = set(stamps), len(stamps)
        else:  # the level and the tag: which of the chunk's (level, tag) pairs are wanted
            heads = _PLAIN_HEADS.findall(text)
            distinct = set(heads)  # (far fewer: hashed in C, then looked at in Python)
            seconds, count = {second for second, _, _ in distinct}, len(heads)
            pairs = {(letter, tag or None) for _, letter, tag in distinct}
        for second in seconds:
            if self._stamp_error(second + b".000") is not None:
                return False
        stamp = record[0][1]  # the open record ends here (its event, or its time checked)
        if self._stamp_error(stamp if isinstance(stamp, bytes) else stamp.encode()) is not None:
            return False  # the plain way reports it
        # (So nothing read here can be a bad line: the errors="raise" policy is kept too.)
        if by_text:
            found = self._holding_pieces(text, count)
            if found is None:
                return False
            wanted = found
        elif wanted_heads is not None:
            wanted = [match.start() for match in wanted_heads.finditer(text)]
        else:
            chosen = [pair for pair in pairs if self._wants(pair)]
            wanted = [
                match.start()
                for match in self._heads_of(chosen).finditer(text)
                if self._wants(match.group(2, 3))
            ] if chosen else []  # fmt: skip
        if len(wanted) * 8 > count:
            return False
        self.scanned += 1
        # (Positions are those of the region: a line starting at p follows text[p] == "\n".)
        end = len(region) + 1  # past the region's last newline
        base_offset, position, number = self._offset, 0, self._line
        segments: list[tuple[int, int]] = []
        if record[3] is not None:  # the open record is wanted: its continuation lines
            first = _PLAIN_HEADS.search(text)
            if first is None or first.start() > 0:
                segments.append((0, end if first is None else first.start()))
        for start in wanted:
            after = _PLAIN_HEADS.search(text, start + 1)
            segments.append((start, end if after is None else after.start()))
        for start, stop in segments:
            if start > position:  # passed over: records that are not wanted
                self._pass_over(events, base_offset + position, number, None)
                number += region.count(b"\n", position, start)
                position = start
            self._offset, self._line = base_offset + position, number
            self._take(list(region[start : stop - 1].split(b"\n")), events, newline=1)
            position, number = stop, self._line
        if position < end:  # the rest: records passed over (or lines of one)
            last = _last_head(text, position)
            if last is not None:  # it stays open, passed over
                line_end = region.find(b"\n", last)
                head = _GATE.match(region[last : None if line_end < 0 else line_end])
                assert head is not None  # a plain head is one for _GATE
                before = region.count(b"\n", position, last)
                self._pass_over(events, base_offset + position, number,
                                (head, base_offset + last, number + before, None, 0))  # fmt: skip
                self._after_idle = False
                number, position = number + before, last
            # (The last line's newline is past the region's end.)
            number += region.count(b"\n", position) + 1
        self._offset, self._line = base_offset + end, number
        return True

    def _holding_pieces(self, text: bytes, count: int) -> list[int] | None:
        """The first lines of the records of ``text`` that hold one of the filter's pieces,
        and of its last record (which may go on in the next chunk: it is kept whole), in
        order; None when they are more than an eighth of its ``count`` records (then this
        and the next chunks are read line by line). The message of a record is its lines'
        text (the region is ASCII and without colours), so a record whose lines hold no
        piece cannot be wanted. Each record is looked at once, from its first piece (the
        search goes on at the next record): a long record full of pieces costs its length."""
        assert self._pieces is not None
        search = self._pieces.search
        starts: list[int] = []
        most = count // 8
        position = 0
        while (found := search(text, position)) is not None:
            at = found.start()
            head = _last_head(text, 0, at + 1)
            if head is not None:  # (None: the open record's lines)
                starts.append(head)
                if len(starts) > most:
                    self._gate_rest = _GATE_REST
                    return None
            after = _PLAIN_HEADS.search(text, at + 1)
            if after is None:
                break
            position = after.start()
        last = _last_head(text, 0)
        if last is not None and (not starts or starts[-1] != last):
            starts.append(last)
        return starts

    def _pass_over(
        self, events: list[Event], offset: int, number: int, replacement: _Record | None
    ) -> None:
        """Records passed over start at ``offset`` (line ``number``): the open record ends
        there (a wanted one gives its event; a passed-over one was checked in bulk)."""
        if self._record is not None and self._record[3] is not None:
            self._offset, self._line = offset, number
            self._finish(events)
        self._record = replacement

    def _take(self, lines: list[bytes | int], events: list[Event], newline: int) -> None:
        # The hot loop: locals, the position written back before anything can raise.
        match_head = _HEAD.match
        longest = self.max_line_bytes
        offset = self._offset
        number = self._line
        gate = self._gate
        if gate is not None and self._gate_rest:
            self._gate_rest -= 1
            gate = None
        match_gate = _GATE.match
        verdicts = self._verdicts
        kept = passed = 0
        for index, raw_line in enumerate(lines):
            start = offset
            if type(raw_line) is int or len(raw_line) > longest:  # type: ignore[arg-type]
                size = raw_line if type(raw_line) is int else len(raw_line)  # type: ignore[arg-type]
                offset += size + newline
                number += 1
                self._offset, self._line = offset, number
                too_long = line_too_long(
                    size, longest, file=self.file,
                    line=number - 1 if self.numbered else None, offset=start,
                )  # fmt: skip
                self._report(too_long, events, lines[index + 1 :])
                continue
            assert isinstance(raw_line, bytes)
            offset += len(raw_line) + newline
            number += 1
            if gate is not None:  # a filter judges records by their first line
                first_byte = raw_line[:1]
                head = (
                    match_gate(raw_line)
                    if first_byte == b"[" or first_byte == b"\x1b" or b"|" in raw_line[:80]
                    else None
                )
                if head is not None:
                    key = head.group(2, 3)
                    wanted = verdicts.get(key)
                    if wanted is None:
                        wanted = self._judge(key)
                    if wanted:
                        kept += 1
                    else:  # passed over: only its time will be checked
                        passed += 1
                        self._open((head, start, number - 1, None, 0), events, lines, index,
                                   offset, number)  # fmt: skip
                        continue
                elif self._record is not None and self._record[3] is None and raw_line.isascii():
                    continue  # an ASCII line _GATE does not match continues the record
            text = raw_line.decode("utf-8", "replace")
            if text[-1:] == "\r":
                text = text[:-1]
            if start == 0 and text[:1] == "\ufeff":
                text = text[1:]
            first = text[:1]
            match = (
                match_head(text) if first == "[" or first == "\x1b" or "|" in text[:80] else None
            )
            if match is not None:
                self._open((match, start, number - 1, [], len(raw_line)), events, lines, index,
                           offset, number)  # fmt: skip
                continue
            record = self._record
            if record is not None:
                if record[3] is None:
                    continue  # a record passed over keeps no lines
                size = record[4] + len(raw_line) + 1
                if size <= self.max_line_bytes:
                    record[3].append(text)
                self._record = (record[0], record[1], record[2], record[3], size)
                continue
            if not text.strip():
                continue
            self._offset, self._line = offset, number
            reason = (
                "continues a record that was taken as complete when the log went quiet"
                if self._after_idle
                else "not a record of the server log, and no record before it to continue"
            )
            error = ParseError(
                reason,
                expected=RECORD_EXPECTED,
                file=self.file,
                line=number - 1 if self.numbered else None,
                offset=start,
                excerpt=_excerpt(raw_line),
            )
            self._report(error, events, lines[index + 1 :])
        self._offset, self._line = offset, number
        if kept > 3 * passed + 8:
            # The filter wants most records: matching their first line twice costs more
            # than the gate saves. Read the next chunks without it, then look again.
            self._gate_rest = _GATE_REST

    def _open(
        self,
        record: _Record,
        events: list[Event],
        lines: list[bytes | int],
        index: int,
        offset: int,
        number: int,
    ) -> None:
        """A record starts at ``lines[index]``: the one before it is complete."""
        self._after_idle = False
        previous = self._record
        self._record = record
        if previous is not None:
            error = self._emit(previous, events)
            if error is not None:
                self._offset, self._line = offset, number
                self._report(error, events, lines[index + 1 :])

    def _finish(self, events: list[Event]) -> None:
        record = self._record
        if record is not None:
            self._record = None
            error = self._emit(record, events)
            if error is not None:
                self._report(error, events, [])

    def _heads_of(self, pairs: list[tuple[bytes, bytes | None]]) -> re.Pattern[bytes]:
        """A search for the first lines of these (level letter, tag) pairs, and perhaps a
        few others (the letters' and tags' every combination: the verdict sorts them)."""
        letters = bytes(sorted({letter[0] for letter, _ in pairs}))
        tags = sorted({tag or b"" for _, tag in pairs})
        key = (letters, tuple(tags))
        pattern = self._searches.get(key)
        if pattern is None:
            tag_part = b"|".join(re.escape(tag) for tag in tags)
            if len(self._searches) >= 64:
                self._searches.clear()
            pattern = self._searches[key] = re.compile(
                _PLAIN_HEAD.replace(b"([DIWEC])", b"([" + letters + b"])").replace(
                    rb"(?: ([^|\n]*))?\|", b"(?: (" + tag_part + rb"))?\|"
                )
            )
        return pattern

    def _wants(self, key: tuple[Any, ...]) -> bool:
        """The filter's verdict on a record of this level letter and tag (memoised)."""
        wanted = self._verdicts.get(key)
        return self._judge(key) if wanted is None else wanted

    def _judge(self, key: tuple[Any, ...]) -> bool:
        """Whether the filter may want a record of this level letter and tag (as _GATE has
        them), memoised."""
        letter, tag = key
        text = _tag(None if tag is None else tag.decode("utf-8", "replace"))
        assert self._gate is not None
        wanted = self._gate(_LETTER_LEVELS[letter], text)
        if len(self._verdicts) >= _VERDICTS_MAX:
            self._verdicts.clear()
        self._verdicts[key] = wanted
        return wanted

    def _emit(self, record: _Record, events: list[Event]) -> ParseError | None:
        """Append the event of a complete record; its ParseError (located) if it is bad."""
        match, start, number, more, _size = record
        if more is None:  # passed over by the filter: only its time is checked
            return self._check_time(match, start, number)
        assert isinstance(match.string, str)
        message = match.group(9)
        if "\x1b" in message:
            message = _COLOUR.sub("", message)
        message = message.rstrip()
        if more:
            prefixed = match.string[0] not in "[\x1b"
            lines = [continuation_text(text, prefixed) for text in more]
            message = "\n".join([message, *lines]).rstrip("\n")
        origin = _new_origin(Origin, (self.file, number if self.numbered else None, start,
                                      self.server))  # fmt: skip
        try:
            event = record_event(
                match,
                message, origin, self.zone, self.year_of, self.keep, self._fixed, self.shadow,
                self._text_ok,
            )  # fmt: skip
        except ParseError as failure:
            return self._located(failure, match, start, number)
        if event is not None:
            events.append(event)
        return None

    def _check_time(self, match: re.Match[Any], start: int, number: int) -> ParseError | None:
        """The time of a record passed over: None when it is possible, else its ParseError
        (located)."""
        failure = self._stamp_error(match[1])
        return None if failure is None else self._located(failure, match, start, number)

    def _stamp_error(self, stamp: bytes) -> ParseError | None:
        """Why a record's time (``2025-03-26 05:21:46.315``, or without the year) is not
        possible, or None. Checked once per minute (and the second's digits), as record_time
        would check it."""
        minute = stamp[:-7]
        if minute in self._good_minutes and stamp[-6:-4] < b"60":
            return None
        try:
            record_time(stamp.decode(), self.zone, self.year_of, self._fixed)
        except ParseError as failure:
            return failure
        if stamp[-18:-13] != b"02-29":  # a year-less 29 February depends on the year
            if len(self._good_minutes) >= _VERDICTS_MAX:
                self._good_minutes.clear()
            self._good_minutes.add(minute)
        return None

    def _located(
        self, failure: ParseError, match: re.Match[Any], start: int, number: int
    ) -> ParseError:
        line = match.string
        return ParseError(
            failure.reason,
            expected=failure.expected,
            file=self.file,
            line=number if self.numbered else None,
            offset=start,
            excerpt=_excerpt(line if isinstance(line, bytes) else line.encode("utf-8", "replace")),
        )

    def _report(self, error: ParseError, events: list[Event], rest: list[bytes | int]) -> None:
        self.error_count += 1
        if self.policy == "raise":
            self._ready = events[:]
            self._unread = list(rest)
            raise error
        passed_over(error, self.policy, self.errors, self.max_errors, self.on_error)


def _last_head(text: bytes, start: int, end: int | None = None) -> int | None:
    """Where the last record's first line (plain form) of ``text[start:end]`` begins
    (positions of the region ``text`` is a newline and)."""
    position = len(text) if end is None else end
    while True:
        position = text.rfind(b"\n[", start, position)
        if position < 0:
            return None
        if _PLAIN_HEADS.match(text, position) is not None:
            return position
        if position == start:
            return None


def _excerpt(line: bytes) -> str:
    from ome_events.text import excerpt

    return excerpt(line)


def record_start_time(line: bytes) -> datetime | None:
    """The time of a line that starts a record (in :func:`server_zone`; a year-less one in
    the current year), or None for any other line."""
    head = parse_head(line.decode("utf-8", "replace"))
    if head is None:
        return None
    try:
        return record_time(head.stamp, server_zone(), None)
    except ParseError:
        return None

"""Reading the ``Key: value`` fields out of an event's one-line summary. Best effort.

Also the fields the analyzers read on every event of a kind (stream Id, source URL, REST
request and response, access-control failure), with the remote address and URL host helpers.

OME's summaries look like ``Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://...``:
a sentence, then fields separated by ``", "``. The separator is not escaped, so a value that
contains ``", "`` (a URL with a comma) could be cut in two. We only start a new field where
``", "`` (or ``". "``) is followed by a short capitalised-looking key and ``": "``, which keeps
``rtmp://h/app/a,b`` and ``x, y`` whole. Values may be empty (``StreamKey: ``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "RestRequest",
    "RestResponse",
    "access_failure",
    "field_after",
    "first_number",
    "remote_ip",
    "rest_request",
    "rest_request_id",
    "rest_response",
    "source_url",
    "stream_id",
    "summary_fields",
    "summary_message",
    "url_host",
    "whole_number",
]

# A key: one to three words of letters, digits, '_' or '-', starting with a letter, right after
# the start of the summary or a ". " / ", " separator, and followed by ":" and an optional space.
_KEY = re.compile(r"(?:^|(?<=[.,] ))([A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,2}):(?: |$)")

_EMPTY: Mapping[str, str] = MappingProxyType({})


def summary_fields(summary: str) -> Mapping[str, str]:
    """Return the fields of a summary, in order; the first of a repeated key wins.

    >>> dict(summary_fields("Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://h:1"))
    {'Id': '103', 'StreamType': 'Rtmp', 'SourceUrl': 'TCP://h:1'}
    >>> dict(summary_fields("PushPublishing started. Id: Jw, Url: rtmp://h/a,b, StreamKey: "))
    {'Id': 'Jw', 'Url': 'rtmp://h/a,b', 'StreamKey': ''}
    """
    matches = list(_KEY.finditer(summary))
    if not matches:
        return _EMPTY
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(summary)
        value = summary[match.end() : end]
        if index + 1 < len(matches):
            value = value[:-2]  # the ", " or ". " before the next key
        fields.setdefault(match.group(1), value.rstrip())
    return MappingProxyType(fields)


def summary_message(summary: str) -> str:
    """Return the leading sentence of a summary, without fields or final period.

    >>> summary_message("Stream created. Id: 103, StreamType: Rtmp")
    'Stream created'
    """
    match = _KEY.search(summary)
    head = summary if match is None else summary[: match.start()]
    return head.rstrip().rstrip(".,").rstrip()


# -- the fields analyzers read, fast ---------------------------------------------------------
#
# The summaries of busy event types are read for every event, so the common layout OME
# writes is read with str.find; anything else goes through summary_fields.


def field_after(summary: str, token: str) -> str | None:
    """The value of a summary field that OME writes after a separator, cheaply.

    ``token`` is ``", Key: "`` (or ``". Key: "``). The value runs to the next ``", "`` or the
    end. Returns None when the token is absent.

    >>> field_after("Abnormal stream detected. Reason: x, Id: 1, TrackId: 0, Codec: H264",
    ...             ", TrackId: ")
    '0'
    """
    start = summary.find(token)
    if start < 0:
        return None
    start += len(token)
    end = summary.find(", ", start)
    return summary[start:] if end < 0 else summary[start:end]


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def first_number(text: str | None) -> float | None:
    """The first number in a summary value (``"10.00s"`` -> 10.0), or None.

    >>> first_number("10.00s"), first_number("n/a")
    (10.0, None)
    """
    if not text:
        return None
    match = _NUMBER.search(text)
    return float(match.group()) if match else None


def whole_number(text: str | None) -> int | None:
    """A summary value that is a whole number (``"42"``), or None."""
    try:
        return int(text) if text else None
    except ValueError:
        return None


def stream_id(summary: str) -> str | None:
    """The ``Id`` field of a stream event's summary.

    >>> stream_id("Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://h:1")
    '103'
    """
    start = summary.find(". Id: ")
    if start < 0:
        return None
    start += 6
    end = summary.find(",", start)
    return summary[start:] if end < 0 else summary[start:end]


def source_url(summary: str) -> str | None:
    """The ``SourceUrl`` of a stream event's summary (the last field: URLs may hold commas).

    >>> source_url("Stream created. Id: 103, StreamType: Rtmp, SourceUrl: TCP://h:1")
    'TCP://h:1'
    """
    start = summary.find("SourceUrl: ")
    return summary[start + 11 :] if start >= 0 else None


def url_host(url: str | None) -> str | None:
    """The host of a URL (``TCP://203.0.113.41:38825`` -> ``203.0.113.41``).

    >>> url_host("rtmp://[2001:db8::7]:1935/app")
    '2001:db8::7'
    """
    if not url:
        return None
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def remote_ip(address: str | None) -> str | None:
    """The IP of a ``RemoteAddress`` (``172.17.0.1:37224`` -> ``172.17.0.1``, ``[::1]:80`` ->
    ``::1``).

    >>> remote_ip("[::1]:80")
    '::1'
    """
    if not address:
        return None
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    if address.count(":") == 1:
        return address.split(":", 1)[0]
    return address


class RestRequest(NamedTuple):
    """What a ``RestApiRequested`` summary says."""

    method: str
    path: str  #: without its query string
    remote: str | None  #: the client's IP, without port
    request_id: str | None


class RestResponse(NamedTuple):
    """What a ``RestApiResponded`` summary says."""

    status: int | None
    request_id: str | None


def rest_request(summary: str) -> RestRequest:
    """The method, path, client and request ID of a ``RestApiRequested`` summary: from its
    ``Key: value`` fields first, else found by content wherever they stand (OME documents
    what the summary holds, not its wording).

    >>> rest_request("REST API requested. Method: GET, Path: /v1/stats/current/vhosts/default"
    ...              "?x=1, Version: HTTP/1.1, RemoteAddress: 172.17.0.1:37224, RequestID: efc12a")
    RestRequest(method='GET', path='/v1/stats/current/vhosts/default', remote='172.17.0.1', \
request_id='efc12a')
    >>> rest_request("REST request: POST /v1/vhosts/default/apps/app:startPush HTTP/1.1"
    ...              " from [2001:db8::5]:5000 (request id abc-1)")
    RestRequest(method='POST', path='/v1/vhosts/default/apps/app:startPush', \
remote='2001:db8::5', request_id='abc-1')
    """
    m = summary.find("Method: ")
    p = summary.find(", Path: ", m)
    v = summary.find(", Version: ", p)
    r = summary.find(", RemoteAddress: ", v)
    i = summary.find(", RequestID: ", r)
    if min(m, p, v, r, i) >= 0:  # OME's own wording: the fast way
        path = summary[p + 8 : v]
        return RestRequest(
            summary[m + 8 : p], path.split("?", 1)[0], remote_ip(summary[r + 17 : i]),
            summary[i + 13 :],
        )  # fmt: skip
    fields = _fields_folded(summary)
    method = fields.get("method") or _search(_METHOD, summary)
    target = fields.get("path") or fields.get("uri") or fields.get("url")
    if target and "://" in target:
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    target = target or _search(_PATH, summary)
    remote = _keyed_address(fields) or _free_address(summary)
    rid = _request_id(summary, fields)
    return RestRequest((method or "?").upper(), (target or "?").split("?", 1)[0], remote, rid)


def rest_request_id(summary: str) -> str | None:
    """The request ID of a REST summary (requests and responses), by key or by content."""
    i = summary.rfind("RequestID: ")
    if i >= 0:
        return summary[i + 11 :]
    return _request_id(summary, _fields_folded(summary))


def rest_response(summary: str) -> RestResponse:
    """The status and request ID of a ``RestApiResponded`` summary, by key or by content.

    >>> rest_response("REST API responded. Status: 404, RequestID: efc12a")
    RestResponse(status=404, request_id='efc12a')
    >>> rest_response("Response sent: 500 Internal Server Error (request id: efc12a)")
    RestResponse(status=500, request_id='efc12a')
    """
    s = summary.find("Status: ")
    i = summary.find(", RequestID: ", s)
    if s >= 0 and i >= 0:
        status_text: str | None = summary[s + 8 : i]
        rid: str | None = summary[i + 13 :]
    else:
        fields = _fields_folded(summary)
        status_text = (
            fields.get("status") or fields.get("statuscode") or fields.get("code")
            or _search(_STATUS, _without_addresses(summary))
        )  # fmt: skip
        rid = _request_id(summary, fields)
    status = None
    if status_text:
        digits = _STATUS.search(status_text)
        status = int(digits.group(0)) if digits else None
    return RestResponse(status, rid)


def access_failure(summary: str) -> tuple[str | None, str | None]:
    """The remote IP and message of an access-control failure's summary: by key first, else
    the address found in the text (not the host of its URL), and the text after the last
    field as the message.

    >>> access_failure("Access denied: rtmp://203.0.113.1/app/s?p=1 from 198.51.100.7:5123"
    ...                " (signed policy expired)")
    ('198.51.100.7', 'signed policy expired')
    """
    r = summary.rfind(", RemoteAddress: ")
    if r >= 0:
        m = summary.find(", Message: ", r)
        if m >= 0:
            return remote_ip(summary[r + 17 : m]), summary[m + 11 :] or None
        end = summary.find(", ", r + 17)
        return remote_ip(summary[r + 17 : end if end >= 0 else None]), None
    fields = _fields_folded(summary)
    remote = _keyed_address(fields) or _free_address(summary)
    message = (
        fields.get("message") or fields.get("error") or fields.get("reason")
        or _search(_TRAILING_REASON, summary)
    )  # fmt: skip
    return remote, message or None


# -- reading by content ----------------------------------------------------------------------

_METHOD = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b", re.IGNORECASE)
# A path: a word starting with "/" that is not part of a URL (after "://" or a host).
_PATH = re.compile(r"(?<![\w:/.\]])(/[^\s,;()\"']*)")
_STATUS = re.compile(r"(?<![\d.:/])([1-5]\d\d)(?![\d.:])")
_URL = re.compile(r"[A-Za-z][\w+.-]*://[^\s,\"']+")
_IPV4 = re.compile(r"(?<![\w.])((?:\d{1,3}\.){3}\d{1,3})(?::\d{1,5})?(?![\w.])")
_BRACKETED = re.compile(r"\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?")
_IPV6 = re.compile(r"(?<![\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:])")
_REQUEST_ID = re.compile(r"(?i)\breq(?:uest)?[ _-]?id\b\s*[:=#]?\s*([\w-]+)")
_FREE_KEY = re.compile(r"(?i)\b(remote(?:[ _-]?address)?|client|peer|from|addr(?:ess)?)\b[\s:=]*$")
_TRAILING_REASON = re.compile(r"\(([^()]+)\)\s*\.?\s*$")
_FOLD = re.compile(r"[\s_-]+")
_PAIRS = re.compile(r"(?<![\w.])([A-Za-z][\w-]*)=([^\s,]+)")


def _fields_folded(summary: str) -> dict[str, str]:
    """The summary's ``Key: value`` and ``key=value`` fields, keys folded (``Remote Address``,
    ``remote_address`` and ``RemoteAddress`` are all ``remoteaddress``)."""
    out: dict[str, str] = {}
    for key, value in summary_fields(summary).items():
        out.setdefault(_FOLD.sub("", key).lower(), value.strip())
    for match in _PAIRS.finditer(summary):
        out.setdefault(_FOLD.sub("", match.group(1)).lower(), match.group(2))
    return out


def _search(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _request_id(summary: str, fields: Mapping[str, str]) -> str | None:
    for key in ("requestid", "reqid", "id"):
        if (fields.get(key) and key != "id") or (key == "id" and "request" in summary.lower()):
            value = fields.get(key)
            if value:
                return value.rstrip(").")
    found = _search(_REQUEST_ID, summary)
    return found.rstrip(").") if found else None


def _valid_ip(text: str) -> str | None:
    import ipaddress

    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 4 and text.startswith("0."):
        return None  # 0.0.0.0/8 is never a host, and looks like a version (0.18.1.2)
    return str(address)


def _keyed_address(fields: Mapping[str, str]) -> str | None:
    for key in ("remoteaddress", "remote", "remoteip", "client", "clientaddress", "peer",
                "peeraddress", "from", "address", "ip"):  # fmt: skip
        value = fields.get(key)
        if value:
            found = _free_address(value) or _valid_ip(remote_ip(value) or "")
            if found:
                return found
    return None


def _without_addresses(text: str) -> str:
    """The text with URLs and addresses blanked (their digits are not statuses or IDs)."""
    for pattern in (_URL, _BRACKETED, _IPV4, _IPV6):
        text = pattern.sub(" ", text)
    return text


def _free_address(text: str) -> str | None:
    """The remote address in free text: outside URLs; the one after "from", "remote",
    "client" or "peer" when there are several."""
    bare = _URL.sub(lambda m: " " * len(m.group(0)), text)
    found: dict[int, str] = {}  # where each address starts
    for pattern in (_BRACKETED, _IPV4, _IPV6):
        for match in pattern.finditer(bare):
            ip = _valid_ip(match.group(1))
            if ip is not None and ip not in found.values():
                found[match.start()] = ip
    for start in sorted(found):
        if _FREE_KEY.search(bare[max(0, start - 24) : start]):
            return found[start]
    return found[min(found)] if found else None

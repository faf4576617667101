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
    """The method, path, client and request ID of a ``RestApiRequested`` summary.

    >>> rest_request("REST API requested. Method: GET, Path: /v1/stats/current/vhosts/default"
    ...              "?x=1, Version: HTTP/1.1, RemoteAddress: 172.17.0.1:37224, RequestID: efc12a")
    RestRequest(method='GET', path='/v1/stats/current/vhosts/default', remote='172.17.0.1', \
request_id='efc12a')
    """
    m = summary.find("Method: ")
    p = summary.find(", Path: ", m)
    v = summary.find(", Version: ", p)
    r = summary.find(", RemoteAddress: ", v)
    i = summary.find(", RequestID: ", r)
    if min(m, p, v, r, i) >= 0:
        method = summary[m + 8 : p]
        path = summary[p + 8 : v]
        remote: str | None = summary[r + 17 : i]
        rid: str | None = summary[i + 13 :]
    else:
        fields = summary_fields(summary)
        method = fields.get("Method", "?")
        path = fields.get("Path", "?")
        remote = fields.get("RemoteAddress")
        rid = fields.get("RequestID")
    return RestRequest(method, path.split("?", 1)[0], remote_ip(remote), rid)


def rest_request_id(summary: str) -> str | None:
    """The ``RequestID`` of a REST summary (requests and responses)."""
    i = summary.rfind("RequestID: ")
    return summary[i + 11 :] if i >= 0 else summary_fields(summary).get("RequestID")


def rest_response(summary: str) -> RestResponse:
    """The status and request ID of a ``RestApiResponded`` summary.

    >>> rest_response("REST API responded. Status: 404, RequestID: efc12a")
    RestResponse(status=404, request_id='efc12a')
    """
    s = summary.find("Status: ")
    i = summary.find(", RequestID: ", s)
    if s >= 0 and i >= 0:
        status_text: str | None = summary[s + 8 : i]
        rid: str | None = summary[i + 13 :]
    else:
        fields = summary_fields(summary)
        status_text = fields.get("Status")
        rid = fields.get("RequestID")
    try:
        status = int(status_text) if status_text else None
    except ValueError:
        status = None
    return RestResponse(status, rid)


def access_failure(summary: str) -> tuple[str | None, str | None]:
    """The remote IP and message of an access-control failure's summary."""
    r = summary.rfind(", RemoteAddress: ")
    if r >= 0:
        m = summary.find(", Message: ", r)
        if m >= 0:
            return remote_ip(summary[r + 17 : m]), summary[m + 11 :] or None
        end = summary.find(", ", r + 17)
        return remote_ip(summary[r + 17 : end if end >= 0 else None]), None
    fields = summary_fields(summary)
    return remote_ip(fields.get("RemoteAddress")), fields.get("Message")

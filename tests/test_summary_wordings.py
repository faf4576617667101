"""Summaries read by content: OME documents what REST and access-control summaries hold
(method, path, HTTP version, remote address, request ID; request URL, remote address, error
message), not their wording. Several plausible wordings of each, read field by field and
through the analyzers: a subject is never "?" when the summary holds it."""

from __future__ import annotations

import pytest
from tests.helpers.analyze import SERVER, line, one, run

from ome_events.summary import access_failure, rest_request, rest_response

PATH = "/v1/vhosts/default/apps/app:startPush"

# (summary, method, path, remote, request ID)
REQUESTS = [
    (f"REST API requested. Method: POST, Path: {PATH}, Version: HTTP/1.1,"
     " RemoteAddress: 172.17.0.1:37224, RequestID: efc12a",
     "POST", PATH, "172.17.0.1", "efc12a"),
    (f"REST API requested. Method: POST, Path: {PATH}?x=1, Remote Address: 172.17.0.1,"
     " Request ID: efc12a",
     "POST", PATH, "172.17.0.1", "efc12a"),
    (f"REST API request received: POST {PATH} HTTP/1.1 from 172.17.0.1:37224"
     " (request id: efc12a)",
     "POST", PATH, "172.17.0.1", "efc12a"),
    (f"Requested. method=post path={PATH} version=HTTP/1.1 remote=[2001:db8::5]:5000"
     " requestId=efc12a",
     "POST", PATH, "2001:db8::5", "efc12a"),
    (f"POST {PATH} HTTP/2 2001:db8::5 request-id efc12a",
     "POST", PATH, "2001:db8::5", "efc12a"),
    (f"REST API requested. Url: http://10.1.1.1:8081{PATH}, Method: POST,"
     " Client: 198.51.100.4:6000, ReqId: efc12a",
     "POST", PATH, "198.51.100.4", "efc12a"),
]  # fmt: skip

# (summary, status, request ID)
RESPONSES = [
    ("REST API responded. Status: 500, RequestID: efc12a", 500, "efc12a"),
    ("REST API responded. Status Code: 500, Request ID: efc12a", 500, "efc12a"),
    ("Response sent: 500 Internal Server Error (request id: efc12a)", 500, "efc12a"),
    ("Responded. status=500 requestId=efc12a elapsed=12ms", 500, "efc12a"),
    ("REST API responded with HTTP 500 to request efc12a from 172.17.0.1:8080",
     500, None),
]  # fmt: skip

# (summary, remote, message)
ACCESS = [
    ("Signed policy verification failed. Url: wss://edge:3334/app/s?policy=abc,"
     " RemoteAddress: 203.0.113.66:50100, Message: Policy expired",
     "203.0.113.66", "Policy expired"),
    ("Signed policy verification failed. Request URL: wss://198.51.100.1:3334/app/s?policy=abc,"
     " Remote Address: 203.0.113.66:50100, Error: Policy expired",
     "203.0.113.66", "Policy expired"),
    ("Access denied: rtmp://198.51.100.1/app/s?p=1 from 203.0.113.66:5123 (Policy expired)",
     "203.0.113.66", "Policy expired"),
    ("Admission webhook rejected url=srt://h:9999?streamid=x remote=[2001:db8::9]:7000"
     " reason=forbidden",
     "2001:db8::9", "forbidden"),
    ("Signed policy verification failed for 203.0.113.66 on wss://edge:3334/app/s",
     "203.0.113.66", None),
]  # fmt: skip


@pytest.mark.parametrize(("summary", "method", "path", "remote", "rid"), REQUESTS)
def test_requests(summary: str, method: str, path: str, remote: str, rid: str) -> None:
    got = rest_request(summary)
    assert (got.method, got.path, got.remote, got.request_id) == (method, path, remote, rid)


@pytest.mark.parametrize(("summary", "status", "rid"), RESPONSES)
def test_responses(summary: str, status: int, rid: str | None) -> None:
    got = rest_response(summary)
    assert got.status == status
    if rid is not None:
        assert got.request_id == rid


@pytest.mark.parametrize(("summary", "remote", "message"), ACCESS)
def test_access_failures(summary: str, remote: str, message: str | None) -> None:
    assert access_failure(summary) == (remote, message)


@pytest.mark.parametrize("request_summary", [r[0] for r in REQUESTS])
@pytest.mark.parametrize("response_summary", [r[0] for r in RESPONSES[:4]])
def test_rest_findings_name_their_endpoint(request_summary: str, response_summary: str) -> None:
    """Requests and responses paired by request ID whatever the wording: the finding names
    the endpoint and the client."""
    lines = [
        line(0, "RestApiRequested", SERVER, request_summary),
        line(0.05, "RestApiResponded", SERVER, response_summary, level="Error"),
    ]
    finding = one(run(lines), "rest_server_errors")
    assert finding.subject.id == f"POST {PATH}"
    assert "?" not in finding.subject.id


@pytest.mark.parametrize(("summary", "remote", "message"), ACCESS)
def test_access_findings_name_the_address(summary: str, remote: str, message: str) -> None:
    lines = [
        line(seconds * 2.0, "VerifyingSignedPolicyFailed", "#default#app/s", summary,
             level="Error")
        for seconds in range(20)
    ]  # fmt: skip
    finding = one(run(lines), "signed_policy_failures")
    assert f"from {remote}" in finding.message

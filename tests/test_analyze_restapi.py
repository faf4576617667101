"""The REST API: requests paired with responses, errors by status and endpoint, slow calls."""

from __future__ import annotations

from tests.helpers.analyze import SERVER, events, found, line, one, run

from ome_events.analyze import Severity
from ome_events.summary import remote_ip, rest_request

PATH = "/v1/vhosts/default/apps/app/streams/cam9"


def request(
    seconds: float, rid: str, method: str = "GET", path: str = PATH, remote: str = "198.51.100.14"
) -> bytes:
    return line(
        seconds,
        "RestApiRequested",
        SERVER,
        f"REST API requested. Method: {method}, Path: {path}, Version: HTTP/1.1,"
        f" RemoteAddress: {remote}:52714, RequestID: {rid}",
    )


def response(seconds: float, rid: str, status: int = 200) -> bytes:
    return line(
        seconds,
        "RestApiResponded",
        SERVER,
        f"REST API responded. Status: {status}, RequestID: {rid}",
        level="Info" if status < 400 else "Error",
    )


def call(seconds: float, rid: str, status: int = 200, took: float = 0.03, **kw: str) -> list[bytes]:
    return [request(seconds, rid, **kw), response(seconds + took, rid, status)]


class TestErrors:
    """Error responses, grouped per endpoint."""

    def test_client_errors(self) -> None:
        """Four 404s on one endpoint within half an hour are one warning."""
        lines = []
        for index, seconds in enumerate((5, 35, 70, 1800)):
            lines += call(seconds, f"r{index}", 404)
        finding = one(run(lines), "rest_client_errors")
        assert finding.severity is Severity.WARNING
        assert finding.count == 4
        assert finding.subject.id == f"GET {PATH}"
        assert "404 x4" in finding.message
        assert "198.51.100.14" in finding.message
        assert "does not exist" in finding.hint

    def test_server_errors(self) -> None:
        """A 500 is an error."""
        lines = call(0, "a", 500, method="POST", path="/v1/vhosts/default/apps/app:startPush")
        finding = one(run(lines), "rest_server_errors")
        assert finding.severity is Severity.ERROR

    def test_successes_are_not_findings(self) -> None:
        """200s, however many, are fine."""
        lines = []
        for index in range(20):
            lines += call(index * 10, f"r{index}")
        assert run(lines).findings == ()

    def test_endpoints_table(self) -> None:
        """Requests, errors by status and the error rate per endpoint (no query string)."""
        lines = call(0, "a", 404) + call(10, "b") + call(20, "c", path=PATH + "?x=1")
        [row] = run(lines).endpoints
        assert (row.method, row.path, row.requests) == ("GET", PATH, 3)
        assert row.errors == {"404": 1}
        assert round(row.error_rate, 2) == 0.33


class TestSlowResponses:
    """Responses that took long."""

    def test_slow(self) -> None:
        """Eight seconds between request and response is slow."""
        finding = one(run(call(0, "a", took=8.0)), "rest_slow")
        assert "8.0 s" in finding.message
        assert len(finding.evidence) == 2  # the request and the response

    def test_near_miss(self) -> None:
        """1.9 s is under the 2 s limit."""
        assert run(call(0, "a", took=1.9)).findings == ()

    def test_response_in_the_same_millisecond(self) -> None:
        """A response written before its request in the same millisecond still pairs."""
        lines = [response(0, "a"), request(0, "a")]
        report = run(lines)
        assert report.findings == ()
        assert report.endpoints[0].requests == 1

    def test_request_answered_before_others(self) -> None:
        """Interleaved calls pair by RequestID."""
        lines = [request(0, "a"), request(1, "b"), response(1.1, "b"), response(9, "a")]
        finding = one(run(lines), "rest_slow")
        assert finding.count == 1


class TestUnanswered:
    """Requests that never got a response."""

    def test_unanswered(self) -> None:
        """No response five minutes later: unanswered."""
        lines = [request(0, "a"), line(600, "HostCreated", "default", "x")]
        assert found(run(lines)) == [("rest_unanswered", f"GET {PATH}")]

    def test_waiting_at_the_end(self) -> None:
        """A request made just before the log ends may still be answered."""
        lines = [request(0, "a"), line(60, "HostCreated", "default", "x")]
        assert run(lines).findings == ()


class TestParsing:
    """Reading the summaries."""

    def test_fallback_for_another_layout(self) -> None:
        """Fields in another order are still found (through the general parser)."""
        lines = [line(0, "RestApiRequested", SERVER,
                      "REST API requested. RequestID: z9, Method: PUT, Path: /v1/x,"
                      " RemoteAddress: [2001:db8::1]:443")]  # fmt: skip
        [event] = events(lines)
        assert rest_request(event.summary) == ("PUT", "/v1/x", "2001:db8::1", "z9")

    def test_remote_ip(self) -> None:
        """Ports are removed, IPv6 brackets too."""
        assert remote_ip("172.17.0.1:37224") == "172.17.0.1"
        assert remote_ip("[::1]:80") == "::1"
        assert remote_ip("2001:db8::1") == "2001:db8::1"

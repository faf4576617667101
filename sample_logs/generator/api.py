"""REST API and access-control events."""

from __future__ import annotations

from typing import Any


class ApiWriter:
    """REST API and access-control events (a mixin of :class:`generator.server.Server`)."""

    __slots__ = ()

    def _request_id(self) -> str:
        while True:
            rid = f"{self.rng.getrandbits(24):06x}"
            if rid not in self._request_ids:
                self._request_ids.add(rid)
                return rid

    def rest(
        self,
        ms: int,
        method: str,
        path: str,
        remote: str,
        status: int = 200,
        body: Any = None,
        response: Any = "ok",
        latency: int | None = None,
        jitter: bool = True,
    ) -> int:
        """A request/response pair; returns the response time. ``response=None``: no body."""
        rid = self._request_id()
        self.emit(
            ms,
            "Info",
            "RestApiEvent",
            "RestApiRequested",
            self.uuid,
            f"REST API requested. Method: {method}, Path: {path}, Version: HTTP/1.1, "
            f"RemoteAddress: {remote}, RequestID: {rid}",
            snapshot=body,
            group=rid,
            jitter=jitter,
        )
        lat = latency if latency is not None else self.rng.randint(1, 38)
        if response == "ok":
            response = {"message": "OK", "statusCode": status}
        self.emit(
            ms + lat,
            "Error" if status >= 400 else "Info",
            "RestApiEvent",
            "RestApiResponded",
            self.uuid,
            f"REST API responded. Status: {status}, RequestID: {rid}",
            snapshot=response,
            group=rid,
            jitter=jitter,
        )
        return ms + lat

    def stats_response(self) -> dict[str, Any]:
        r = self.rng
        return {
            "message": "OK",
            "statusCode": 200,
            "response": {
                "avgThroughputIn": r.randint(2_000_000, 30_000_000),
                "avgThroughputOut": r.randint(10_000_000, 400_000_000),
                "connections": {
                    "file": 0,
                    "hlsv3": r.randint(0, 9),
                    "llhls": r.randint(0, 60),
                    "ovt": r.randint(0, 2),
                    "push": r.randint(0, 1),
                    "srt": 0,
                    "thumbnail": 0,
                    "webrtc": r.randint(0, 40),
                },
                "totalConnections": r.randint(0, 110),
            },
        }

    def monitor(
        self,
        start: int,
        end: int,
        every: int,
        remote_ip: str,
        gaps: tuple[tuple[int, int], ...] = (),
    ) -> None:
        t = start
        remote = f"{remote_ip}:{self.port()}"
        while t < end:
            if not any(a <= t < b for a, b in gaps):
                self.rest(
                    t + self.rng.randint(0, 999),
                    "GET",
                    f"/v1/stats/current/vhosts/{self.vhost}",
                    remote,
                    response=self.stats_response(),
                )
            t += every

    def policy_failed(
        self, ms: int, app: str, stream: str, url: str, remote: str, message: str
    ) -> None:
        self.emit(
            ms,
            "Error",
            "AccessControlEvent",
            "VerifyingSignedPolicyFailed",
            self.stream_id(app, stream),
            f"Signed policy verification failed. Url: {url}, RemoteAddress: {remote}, "
            f"Message: {message}",
            group=f"ac{ms}",
        )

    def webhook_failed(
        self,
        ms: int,
        app: str,
        stream: str,
        url: str,
        remote: str,
        message: str,
        snapshot: Any = None,
    ) -> None:
        self.emit(
            ms,
            "Error",
            "AccessControlEvent",
            "VerifyingAdmissionWebhooksFailed",
            self.stream_id(app, stream),
            f"Admission webhooks verification failed. Url: {url}, RemoteAddress: {remote}, "
            f"Message: {message}",
            snapshot=snapshot,
            group=f"ac{ms}",
        )

"""Access control: bursts of signed-policy and admission-webhook failures."""

from __future__ import annotations

from typing import Any

from tests.helpers.analyze import found, line, one, run

from ome_events.analyze import Severity

MAIN = "#default#app/main"


def policy_failure(
    seconds: float,
    address: str = "203.0.113.66",
    stream: str = MAIN,
    message: str = "Policy expired",
) -> bytes:
    name = stream.rsplit("/", 1)[-1]
    return line(
        seconds,
        "VerifyingSignedPolicyFailed",
        stream,
        f"Signed policy verification failed. Url: wss://edge:3334/app/{name}?policy=abc,"
        f" RemoteAddress: {address}:{50100 + int(seconds)}, Message: {message}",
        level="Error",
    )


def webhook_failure(seconds: float, address: str, snapshot: Any = None) -> bytes:
    return line(
        seconds,
        "VerifyingAdmissionWebhooksFailed",
        "#default#app/main2",
        "Admission webhooks verification failed. Url: rtmp://edge:1935/app/main2?token=bad,"
        f" RemoteAddress: {address}:40112, Message: Rejected by the control server",
        level="Error",
        snapshot=snapshot,
    )


class TestPerStream:
    """Failures on one stream."""

    def test_signed_policy_burst(self) -> None:
        """Twenty failures from one address in a minute: one warning naming it."""
        mismatch = (3, 9)
        lines = [
            policy_failure(
                s * 2.6, message="Signature mismatch" if s in mismatch else "Policy expired"
            )
            for s in range(20)
        ]
        finding = one(run(lines), "signed_policy_failures")
        assert finding.severity is Severity.WARNING
        assert finding.count == 20
        assert finding.subject.id == MAIN
        assert "from 203.0.113.66" in finding.message
        assert "Policy expired (18), Signature mismatch (2)" in finding.message

    def test_two_failures_are_not_a_burst(self) -> None:
        """Two failures are access control doing its job."""
        assert run([policy_failure(0), policy_failure(5)]).findings == ()

    def test_webhook_rejections(self) -> None:
        """Three rejections in three minutes from two addresses, with the webhook's reason."""
        snapshot = {"allowed": False, "reason": "invalid token"}
        lines = [
            webhook_failure(0, "198.51.100.44", snapshot),
            webhook_failure(88, "198.51.100.44", snapshot),
            webhook_failure(163, "198.51.100.45"),
        ]
        finding = one(run(lines), "admission_webhook_failures")
        assert finding.count == 3
        assert "198.51.100.44 (2), 198.51.100.45 (1)" in finding.message
        assert "invalid token" in finding.message

    def test_spread_out_rejections(self) -> None:
        """Three rejections twenty minutes apart are not a burst."""
        lines = [webhook_failure(s * 1200, "198.51.100.44") for s in range(3)]
        assert run(lines).findings == ()


class TestPerAddress:
    """One address failing on many streams."""

    def test_scan_across_streams(self) -> None:
        """Twelve failures from one address on four streams within a minute."""
        lines = [policy_failure(s * 4, stream=f"#default#app/s{s % 4}") for s in range(12)]
        report = run(lines)
        finding = one(report, "access_failures_from_address")
        assert finding.subject.id == "203.0.113.66"
        assert "4 streams" in finding.message
        # three failures on each stream: each stream has its burst too
        assert len([f for f in report.findings if f.kind == "signed_policy_failures"]) == 4

    def test_one_stream_is_reported_once(self) -> None:
        """Twelve failures from one address on one stream: only the stream's finding."""
        lines = [policy_failure(s * 4) for s in range(12)]
        assert found(run(lines)) == [("signed_policy_failures", MAIN)]

    def test_few_failures_per_address(self) -> None:
        """Nine failures from one address are under the threshold (10)."""
        lines = [policy_failure(s * 4, stream=f"#default#app/s{s}") for s in range(9)]
        assert run(lines).findings == ()

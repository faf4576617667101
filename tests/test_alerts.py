"""Alerts that reach people: ``ome-events watch`` sends each new finding once to a command, to
a real local HTTP receiver (retried when it fails), keeps quiet about the same problem after a
restart through its checkpoint, and serves Prometheus metrics read by a real scrape."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.analyze import SERVER, abnormal, created, line, prepared
from tests.test_analyze_cli import PATIENCE, Watcher, append, watcher

__all__ = ["watcher"]  # the fixture, used by name

from ome_events.alerts import AlertLog, WebhookAlert, alert_text
from ome_events.analyze import Finding, Severity
from ome_events.analyze.findings import Subject, SubjectKind

SECRET = "T000/B000/very-secret-token"

pytestmark = pytest.mark.slow


class Receiver:
    """A real HTTP server on 127.0.0.1 that records the JSON bodies it is sent; it answers
    500 to the first ``failures`` requests, then 200."""

    def __init__(self, failures: int = 0) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.authorizations: list[str | None] = []
        self.failures = failures
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                owner.paths.append(self.path)
                owner.authorizations.append(self.headers.get("Authorization"))
                if owner.failures > 0:
                    owner.failures -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                owner.bodies.append(body)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/services/{SECRET}"

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + PATIENCE
        while len(self.bodies) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.bodies

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(failures: int = 0) -> Receiver:
        made.append(Receiver(failures))
        return made[-1]

    yield make
    for item in made:
        item.close()


def a_log(tmp_path: Path) -> Path:
    log = tmp_path / "logs" / "events.log"
    log.parent.mkdir()
    log.write_bytes(line(0, "ServerStarted", SERVER, "Server started. Name: o, Version: 1"))
    return log


def bframes(log: Path, at: float, stream: str = "#default#app/cam1") -> None:
    append(log, created(at, 110, source=stream), prepared(at + 0.2, 110, source=stream),
           abnormal(at + 5, "BFrameDetected", source=stream))  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestWebhook:
    def test_a_finding_reaches_the_webhook_after_a_failure(
        self, tmp_path: Path, watcher: Callable[..., Watcher], receiver: Callable[..., Receiver]
    ) -> None:
        """The receiver fails once: the alert is retried and arrives, once; the URL (with its
        token) is never printed."""
        hook = receiver(failures=1)
        log = a_log(tmp_path)
        watch = watcher(str(log.parent), "--plain", "--poll", "--from-start",
                        "--webhook", hook.url)  # fmt: skip
        bframes(log, 10)
        [body] = hook.wait_for(1)
        assert body["finding"]["kind"] == "bframes"
        assert body["finding"]["subject"]["id"] == "#default#app/cam1"
        assert body["text"].startswith("[warning] bframes #default#app/cam1")
        assert len(hook.paths) == 2  # one failure, one success
        assert watch.stop() == 0
        errors = watch.close()
        assert "500" in errors and "trying again" in errors
        assert SECRET not in errors and SECRET not in "".join(watch.seen)
        assert "1 sent" in errors


class TestCommand:
    def test_each_problem_once_across_restarts(
        self, tmp_path: Path, watcher: Callable[..., Watcher]
    ) -> None:
        """--exec gets each problem once; a restarted watch (same checkpoint) does not send
        it again, but does send a new problem."""
        log = a_log(tmp_path)
        received = tmp_path / "alerts.jsonl"
        script = tmp_path / "alert.py"
        script.write_text(
            "import json, os, sys\n"
            "finding = json.load(sys.stdin)\n"
            f"with open({str(received)!r}, 'a') as out:\n"
            "    out.write(json.dumps([os.environ['OME_FINDING_KIND'],"
            " os.environ['OME_FINDING_SUBJECT'], finding['severity']]) + '\\n')\n"
        )
        import sys

        command = f"{sys.executable} {script}"
        checkpoint = str(tmp_path / "watch.pos")
        first = watcher(str(log.parent), "--plain", "--poll", "--from-start",
                        "--exec", command, "--checkpoint", checkpoint)  # fmt: skip
        bframes(log, 10)
        first.wait_for(lambda text: "bframes" in text)
        _wait_lines(received, 1)
        assert first.stop() == 0
        first.close()
        second = watcher(str(log.parent), "--plain", "--poll", "--exec", command,
                         "--checkpoint", checkpoint)  # fmt: skip
        append(log, abnormal(600, "BFrameDetected"))  # cam1 again, ten minutes later
        second.wait_for(lambda text: "bframes" in text and "cam1" in text)
        bframes(log, 700, stream="#default#app/cam2")  # a new problem
        second.wait_for(lambda text: "bframes" in text and "cam2" in text)
        _wait_lines(received, 2)
        assert second.stop() == 0
        second.close()
        alerts = [json.loads(x) for x in received.read_text().splitlines()]
        assert alerts == [
            ["bframes", "#default#app/cam1", "warning"],
            ["bframes", "#default#app/cam2", "warning"],
        ]

    def test_alerts_left_undelivered_are_sent_by_the_next_run(
        self, tmp_path: Path, watcher: Callable[..., Watcher]
    ) -> None:
        """The alert command hangs; watch is stopped with two alerts undelivered (one being
        delivered, one queued). The next run with the same checkpoint sends both first,
        once each, though it reads no event of either problem."""
        import sys

        log = a_log(tmp_path)
        received = tmp_path / "alerts.jsonl"
        started = tmp_path / "started"
        gate = tmp_path / "gate"
        script = tmp_path / "alert.py"
        script.write_text(
            "import json, os, sys, time, pathlib\n"
            "finding = json.load(sys.stdin)\n"
            f"if not os.path.exists({str(gate)!r}):\n"
            f"    pathlib.Path({str(started)!r}).touch()\n"
            f"    while not os.path.exists({str(gate)!r}): time.sleep(0.05)\n"
            "    sys.exit(1)  # the first run's deliveries never arrive\n"
            f"with open({str(received)!r}, 'a') as out:\n"
            "    out.write(json.dumps(finding['subject']['id']) + '\\n')\n"
        )
        command = f"{sys.executable} {script}"
        checkpoint = str(tmp_path / "watch.pos")
        first = watcher(str(log.parent), "--plain", "--poll", "--from-start",
                        "--exec", command, "--checkpoint", checkpoint)  # fmt: skip
        bframes(log, 10)
        bframes(log, 20, stream="#default#app/cam2")
        first.wait_for(lambda text: "bframes" in text and "cam2" in text)
        _wait_for(started.exists, "the alert command to start")
        assert first.stop(signal.SIGTERM) == 0
        errors = first.close()
        assert "0 sent, 0 failed, 0 dropped; 2 not delivered, sent first by the next run" in errors
        waiting = sorted((tmp_path / "watch.pos.alerts.waiting").glob("*.json"))
        assert [json.loads(p.read_text())["finding"]["subject"]["id"] for p in waiting] == [
            "#default#app/cam1", "#default#app/cam2",
        ]  # fmt: skip
        gate.touch()
        second = watcher(str(log.parent), "--plain", "--poll", "--exec", command,
                         "--checkpoint", checkpoint)  # fmt: skip
        _wait_lines(received, 2)
        assert second.stop() == 0
        assert "2 sent, 0 failed, 0 dropped (2 left by the last run among them)" in second.close()
        assert received.read_text().splitlines() == ['"#default#app/cam1"', '"#default#app/cam2"']
        assert not list((tmp_path / "watch.pos.alerts.waiting").iterdir())


def _wait_for(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _wait_lines(path: Path, count: int) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path}: fewer than {count} lines")


class TestMetrics:
    def test_a_real_scrape(self, tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
        from prometheus_client.parser import text_string_to_metric_families

        log = a_log(tmp_path)
        port = free_port()
        watch = watcher(str(log.parent), "--plain", "--poll", "--from-start",
                        "--metrics-port", str(port))  # fmt: skip
        bframes(log, 10)
        append(log, b"not an event\n")
        watch.wait_for(lambda text: "bframes" in text)
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                    text = r.read().decode()
            except OSError:
                text = ""
            families = {f.name: f for f in text_string_to_metric_families(text)}
            bad = families.get("ome_events_bad_lines")
            gauge = families.get("ome_events_live_streams")
            # The counters move as events come; the gauges at the view's next refresh.
            counted = bool(bad and bad.samples and bad.samples[0].value >= 1)
            if counted and gauge is not None and gauge.samples:
                break
            assert time.monotonic() < deadline, text
            time.sleep(0.1)
        events = sum(s.value for s in families["ome_events_events"].samples
                     if s.name == "ome_events_events_total")  # fmt: skip
        assert events == 4  # the start, created, prepared, the warning
        labels = {s.labels["type"] for s in families["ome_events_events"].samples}
        assert "AbnormalStreamDetected" in labels
        assert all("stream" not in s.labels for s in families["ome_events_events"].samples)
        assert "ome_events_follower_lag_seconds" in families
        live = families["ome_events_live_streams"].samples
        assert [s.value for s in live] == [1.0]
        assert watch.stop() == 0

    def test_listens_on_loopback_only(
        self, tmp_path: Path, watcher: Callable[..., Watcher]
    ) -> None:
        log = a_log(tmp_path)
        port = free_port()
        watch = watcher(str(log.parent), "--plain", "--poll", "--metrics-port", str(port))
        watch.wait_for(lambda text: text.startswith("# watching"))
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        outside = _an_outside_address()
        if outside is not None:
            with pytest.raises((ConnectionRefusedError, TimeoutError)):
                socket.create_connection((outside, port), timeout=2).close()
        assert watch.stop() == 0


def _an_outside_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


def _finding(first: datetime, stream: str = "cam1") -> Finding:
    return Finding(
        Severity.WARNING, "bframes",
        Subject(SubjectKind.STREAM, f"#default#app/{stream}", "default", "app", stream),
        first, first + timedelta(seconds=5), 3, "encoder sends B-frames", server="edge1",
    )  # fmt: skip


class TestLibrary:
    def test_the_webhook_url_is_never_shown(self) -> None:
        alert = WebhookAlert(f"http://127.0.0.1:9/{SECRET}", attempts=1)
        try:
            assert SECRET not in repr(alert) and SECRET not in alert.name
        finally:
            alert.close()

    def test_credentials_in_the_url_are_basic_authentication(
        self, receiver: Callable[..., Receiver], caplog: pytest.LogCaptureFixture
    ) -> None:
        """https://user:password@host/ as curl reads it (urllib alone looks the whole
        "user:password@host" up as a host name); the password is never shown."""
        hook = receiver()
        alert = WebhookAlert(f"http://ops:{SECRET.replace('/', '%2F')}@127.0.0.1:{hook.port}/in",
                             attempts=1)  # fmt: skip
        try:
            assert alert.deliver(_finding(datetime(2025, 3, 26, tzinfo=UTC)))
        finally:
            alert.close()
        assert hook.paths == ["/in"]
        assert hook.authorizations == ["Basic " + b64encode(f"ops:{SECRET}".encode()).decode()]
        assert SECRET not in repr(alert) and SECRET not in caplog.text

    def test_why_a_delivery_failed_in_words(self, caplog: pytest.LogCaptureFixture) -> None:
        """Nobody listens on the port: "Connection refused", not an exception's class name,
        and never the URL."""
        alert = WebhookAlert(f"http://127.0.0.1:{free_port()}/{SECRET}", attempts=1)
        try:
            with caplog.at_level("WARNING", logger="ome_events.alerts"):
                assert not alert.deliver(_finding(datetime(2025, 3, 26, tzinfo=UTC)))
        finally:
            alert.close()
        assert "the webhook: Connection refused, gave up after 1 tries" in caplog.text
        assert SECRET not in caplog.text

    def test_waiting_alerts_survive_a_restart(self, tmp_path: Path) -> None:
        """Held and not settled: the next log gives them back, once, as equal findings,
        held again under their token (settling it removes its file)."""
        t0 = datetime(2025, 3, 26, 10, tzinfo=UTC)
        sent = AlertLog(tmp_path / "x.alerts")
        done = sent.hold("the webhook", _finding(t0))
        sent.hold("the webhook", _finding(t0, stream="cam2"))
        sent.hold("alert command x", _finding(t0, stream="cam3"))
        sent.settle("the webhook", done)
        again = AlertLog(tmp_path / "x.alerts")
        left = again.take_left()
        assert [(name, finding) for name, finding, _ in left] == [
            ("the webhook", _finding(t0, stream="cam2")),
            ("alert command x", _finding(t0, stream="cam3")),
        ]
        assert again.take_left() == [] and again.waiting("the webhook") == 1
        new = again.hold("the webhook", _finding(t0, stream="cam4"))
        assert new > max(token for _, _, token in left)  # no file of the last run is reused
        for name, _, token in left:
            again.settle(name, token)
        assert [f.subject.stream for _, f, _ in AlertLog(tmp_path / "x.alerts").take_left()] == [
            "cam4"
        ]

    def test_alert_log_survives_a_restart(self, tmp_path: Path) -> None:
        t0 = datetime(2025, 3, 26, 10, tzinfo=UTC)
        sent = AlertLog(tmp_path / "x.alerts")
        assert sent.is_new(_finding(t0))
        sent.record(_finding(t0))
        again = AlertLog(tmp_path / "x.alerts")
        assert not again.is_new(_finding(t0 + timedelta(minutes=30)))
        assert again.is_new(_finding(t0 + timedelta(hours=2)))
        assert again.is_new(_finding(t0, stream="cam2"))

    def test_text(self) -> None:
        text = alert_text(_finding(datetime(2025, 3, 26, tzinfo=UTC)))
        assert text == "[warning] bframes #default#app/cam1 (edge1): encoder sends B-frames"

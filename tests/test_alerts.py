"""Alerts that reach people: ``ome-events watch`` sends each new finding once to a command, to
a real local HTTP receiver (retried when it fails), keeps quiet about the same problem after a
restart through its checkpoint, and serves Prometheus metrics read by a real scrape."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
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
        self.failures = failures
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                owner.paths.append(self.path)
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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{SECRET}"

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

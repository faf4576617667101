"""``ome-events analyze`` and ``ome-events watch``, run as real subprocesses."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from tests.helpers.analyze import SERVER, abnormal, at, created, line, prepared
from tests.helpers.lines import SAMPLES, event_line

PYTHON = [sys.executable, "-m", "ome_events"]
#: A guard against a hanging process, not a speed requirement.
PATIENCE = 60.0


def ome(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "", "COLUMNS": "200"}
    env.pop("NO_COLOR")
    return subprocess.run(
        [*PYTHON, *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=PATIENCE * 2,
        check=False,
        env=env,
    )


UTC = str(SAMPLES / "server-utc")
KST = str(SAMPLES / "server-kst")


class TestText:
    """The plain-text report."""

    def test_report(self) -> None:
        """--all: summary, every finding by severity, per-stream table."""
        result = ome("analyze", UTC, "--all")
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "findings: 3 errors, 13 warnings, 2 notes" in out
        assert out.index("Errors (3)") < out.index("Warnings (13)") < out.index("Notes (2)")
        for kind in ("bframes", "push_retry_loop", "reconnect_loop", "never_prepared",
                     "signed_policy_failures", "queue_congestion", "rest_slow"):  # fmt: skip
            assert kind in out
        assert "Streams" in out
        assert "#default#live/forever" in out
        assert "hint:" in out

    def test_healthy_server(self) -> None:
        """The KST server has only notes."""
        result = ome("analyze", KST)
        assert result.returncode == 0
        assert "findings: 0 errors, 0 warnings, 2 notes" in result.stdout

    def test_bad_lines_are_counted(self) -> None:
        """A log with bad lines is analysed; the summary says how many, and their share."""
        result = ome("analyze", str(SAMPLES / "bad-lines" / "events.log"))
        assert result.returncode == 0
        lines = result.stdout.splitlines()
        assert lines[1].startswith("INPUT NOT TRUSTED: 11 of 41 lines were bad (26.8%")
        assert lines[2] == (
            "read: 30 events from events.log (Enterprise), 11 bad lines (26.83% of 41 lines)"
        )
        failed = ome("analyze", str(SAMPLES / "bad-lines" / "events.log"), "--fail-on", "error")
        assert failed.returncode == 1  # no error finding, but the input is not trusted
        tolerant = ome(
            "analyze",
            str(SAMPLES / "bad-lines" / "events.log"),
            "--fail-on",
            "error",
            "--max-bad-lines",
            "30%",
        )
        assert tolerant.returncode == 0, tolerant.stdout

    @pytest.mark.parametrize(
        "content",
        [b"", b"not json\n" * 3, b'{"eventVersion":1,"timestampMillis":"x","event":{}}\n'],
    )
    def test_no_false_all_clear(self, tmp_path: Path, content: bytes) -> None:
        """Nothing readable: --fail-on fails, and the report says so in its first lines."""
        log = tmp_path / "events.log"
        log.write_bytes(content)
        result = ome("analyze", str(log), "--fail-on", "warning")
        assert result.returncode == 1
        assert result.stdout.splitlines()[1].startswith("INPUT NOT TRUSTED: nothing could be read")
        document = json.loads(ome("analyze", str(log), "--json").stdout)
        assert document["summary"]["input_problem"].startswith("nothing could be read")

    def test_only_one_summary_of_bad_lines_for_several_logs(self, tmp_path: Path) -> None:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "events.log").write_bytes(b"bad\n" * 30)
        result = ome("analyze", str(tmp_path / "a"), str(tmp_path / "b"))
        assert result.stderr.count("skipped bad line") == 20
        assert result.stderr.count("only counting them from now on") == 1

    def test_standard_input(self) -> None:
        """``-`` reads standard input."""
        data = (SAMPLES / "server-utc" / "events.log").read_bytes()
        result = ome("analyze", "-", "--json", stdin=data)
        assert result.returncode == 0
        kinds = {f["kind"] for f in orjson.loads(result.stdout)["findings"]}
        assert "never_prepared" in kinds


class TestJson:
    """``--json``: one document with the documented schema."""

    def test_schema(self) -> None:
        """Top-level keys, summary counts, findings with evidence, tables."""
        result = ome("analyze", UTC, "--json")
        assert result.returncode == 0
        data = orjson.loads(result.stdout)
        assert data["schema"] == "ome-events/analyze/1"
        assert data["source"] == {"path": UTC, "since": None, "until": None}
        assert data["summary"]["findings"] == {"error": 3, "warning": 13, "info": 2}
        assert data["summary"]["events"] == 762
        bframes = next(f for f in data["findings"] if f["kind"] == "bframes")
        assert bframes["severity"] == "warning"
        assert bframes["subject"]["stream"] == "cam1"
        assert bframes["count"] == 5
        assert bframes["evidence"][0]["line"] == 91
        assert bframes["evidence"][0]["file"].endswith("events.log.20250326")
        assert {row["stream"] for row in data["streams"]} >= {"#default#app/cam1"}
        assert any(row["errors"] == {"404": 4} for row in data["endpoints"])

    def test_since_until(self) -> None:
        """``--since``/``--until`` narrow the analysis to the 27th."""
        result = ome("analyze", UTC, "--json", "--since", "2025-03-27T00:00:00+00:00",
                     "--until", "2025-03-28T00:00:00+00:00")  # fmt: skip
        assert result.returncode == 0, result.stderr
        data = orjson.loads(result.stdout)
        assert sorted(f["kind"] for f in data["findings"]) == [
            "garbage_counters",
            "never_prepared",
            "server_restart",
        ]
        assert data["source"]["since"].startswith("2025-03-27T00:00:00")


class TestExitStatus:
    """``--fail-on`` for cron and CI, and usage errors."""

    @pytest.mark.parametrize(
        ("path", "fail_on", "status"),
        [(UTC, "warning", 1), (UTC, "error", 1), (KST, "warning", 0), (KST, "error", 0)],
    )
    def test_fail_on(self, path: str, fail_on: str, status: int) -> None:
        """Status 1 when a finding of that severity or worse was found, else 0."""
        assert ome("analyze", path, "--fail-on", fail_on, "--json").returncode == status

    def test_missing_path(self, tmp_path: Path) -> None:
        """An unknown path is status 1, said on stderr, as in every command."""
        result = ome("analyze", str(tmp_path / "nope"))
        assert result.returncode == 1
        assert "no such file" in result.stderr

    def test_bad_time(self) -> None:
        """An unreadable --since is a usage error (2)."""
        result = ome("analyze", UTC, "--since", "the day before")
        assert result.returncode == 2
        assert "not a time" in result.stderr


class TestSafeRendering:
    """Text from the log never acts on the terminal, coloured or not."""

    @pytest.mark.parametrize("color", ["never", "always"])
    def test_control_sequences_and_markup(self, tmp_path: Path, color: str) -> None:
        """An escape sequence and Rich markup in a stream name are shown literally."""
        evil = "#default#app/x\x1b]8;;http://evil\x07[red]y[/red]"
        log = tmp_path / "events.log"
        log.write_bytes(b"".join(abnormal(s, "BFrameDetected", evil) for s in (0, 60)))
        result = ome("analyze", str(log), "--color", color)
        assert result.returncode == 0
        assert "\x1b]8;;" not in result.stdout
        assert "\x07" not in result.stdout
        assert "\\x1b]8;;http://evil\\x07[red]y[/red]" in result.stdout
        if color == "always":
            assert "\x1b[" in result.stdout  # our own colours are there


class TestHelp:
    """The commands are listed."""

    def test_listed(self) -> None:
        """``--help`` names analyze and watch."""
        out = ome("--help").stdout
        assert "analyze" in out
        assert "watch" in out


# -- watch ------------------------------------------------------------------------------------


class Watcher:
    """A running ``ome-events watch`` whose output lines are collected as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [*PYTHON, "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert self.process.stdout is not None
        stdout = self.process.stdout
        self.reader = threading.Thread(
            target=lambda: [self.lines.put(x) for x in stdout], daemon=True
        )
        self.reader.start()

    def wait_for(self, wanted: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                text = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(text)
            if wanted(text):
                return text
        raise AssertionError(f"not seen; got {self.seen!r}")

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=PATIENCE)
        finally:
            if self.process.poll() is None:
                self.process.kill()

    def close(self) -> str:
        """Make sure it ended; return what it wrote on stderr (once)."""
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        if self.process.stderr.closed:
            return ""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.reader.join(timeout=PATIENCE)
        errors = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return errors


@pytest.fixture
def watcher() -> Iterator[Callable[..., Watcher]]:
    started: list[Watcher] = []

    def start(*args: str) -> Watcher:
        started.append(Watcher(*args))
        return started[-1]

    yield start
    for item in started:
        item.close()


def append(path: Path, *lines: bytes) -> None:
    with open(path, "ab") as out:
        out.write(b"".join(lines))
        out.flush()


@pytest.mark.slow
class TestWatch:
    """Following a live log."""

    def test_streams_and_alerts_as_they_happen(
        self, tmp_path: Path, watcher: Callable[..., Watcher]
    ) -> None:
        """A stream going live and its first B-frame warning show up while the log grows."""
        log = tmp_path / "events.log"
        log.write_bytes(line(0, "ServerStarted", SERVER, "Server started. Name: o, Version: 1"))
        watch = watcher(str(tmp_path), "--plain", "--poll", "--from-start")
        append(log, created(10, 110), prepared(10.2, 110))
        watch.wait_for(lambda text: "start" in text and "#default#app/cam1" in text)
        append(log, abnormal(17, "BFrameDetected"))
        alert = watch.wait_for(lambda text: "bframes" in text)
        assert "open" in alert
        assert "#default#app/cam1" in alert
        assert watch.stop() == 0

    def test_sigterm(self, tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
        """SIGTERM ends it cleanly, without a traceback."""
        log = tmp_path / "events.log"
        log.write_bytes(event_line(at(0), type="ServerStarted", category="ServerEvent",
                                   source=SERVER, summary="Server started."))  # fmt: skip
        watch = watcher(str(tmp_path), "--plain", "--poll")
        watch.wait_for(lambda text: text.startswith("# watching"))
        assert watch.stop(signal.SIGTERM) == 0
        assert "Traceback" not in watch.close()


@pytest.mark.slow
class TestWatchJsonAndPaths:
    def test_json_records(self, tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
        """--json: one object per start, opened problem and end, each parseable."""
        log = tmp_path / "events.log"
        log.write_bytes(line(0, "ServerStarted", SERVER, "Server started. Name: o, Version: 1"))
        watch = watcher(str(tmp_path), "--json", "--poll", "--from-start")
        append(log, created(10, 110), prepared(10.2, 110))
        start = json.loads(watch.wait_for(lambda text: '"start"' in text))
        assert start["stream"] == "#default#app/cam1" and start["id"] == "110"
        assert start["server"] == tmp_path.name
        append(log, abnormal(17, "BFrameDetected"))
        opened = json.loads(watch.wait_for(lambda text: '"open"' in text))
        assert opened["finding"]["kind"] == "bframes"
        assert watch.stop() == 0
        assert all(json.loads(text) for text in watch.seen)  # nothing but JSON on stdout

    def test_a_missing_path_is_status_1_as_everywhere(self, tmp_path: Path) -> None:
        for command in ("watch", "tail", "stats", "export", "analyze"):
            result = ome(command, str(tmp_path / "nope"))
            assert result.returncode == 1, command
            assert f"no such file or directory: {tmp_path / 'nope'}" in result.stderr, command

"""``ome-events tail``, run as a real subprocess on the sample logs and on logs written here."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.helpers.cli import KST_DIR, OME_EVENTS, UTC_DIR, UTC_EVENTS, UTC_FILES, raw_objects
from tests.helpers.lines import SAMPLES, event_line

from ome_events import parse_line
from ome_events.cli.render import line_parts, plain_line
from ome_events.filters import EventFilter

# Generous, only so that a broken test cannot hang forever.
PATIENCE = 60.0
# The colour sequences our own output may contain.
SGR = re.compile(r"\x1b\[[0-9;]*m")


def run(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    # The colour variables of the machine running the tests must not leak in.
    inherited = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment = {**inherited, "TZ": "UTC", **(env or {})}
    return subprocess.run(
        [OME_EVENTS, *args],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
        env=environment,
        input=None if stdin is None else stdin.decode(),
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


class TestHistory:
    """The last events of a log."""

    def test_default_is_the_last_ten(self) -> None:
        """Without -n, the ten newest events, oldest first."""
        result = run("tail", str(UTC_DIR), "--json")
        assert result.returncode == 0
        assert json_lines(result.stdout) == UTC_EVENTS[-10:]

    def test_n_all_is_the_whole_log_across_rotated_files(self) -> None:
        """-n all reads the .gz, the rotated and the base file, in order."""
        result = run("tail", str(UTC_DIR), "-n", "all", "--json")
        assert json_lines(result.stdout) == UTC_EVENTS

    @pytest.mark.parametrize("count", [0, 1, 250, 700])
    def test_n_counts(self, count: int) -> None:
        """-n N gives the N newest (reaching back into older files when needed)."""
        result = run("tail", str(UTC_DIR), "-n", str(count), "--json")
        assert json_lines(result.stdout) == (UTC_EVENTS[-count:] if count else [])

    def test_one_file(self) -> None:
        """PATH may be a single (here compressed) file."""
        result = run("tail", str(UTC_DIR / "events.log.20250325.gz"), "-n", "3", "--json")
        assert json_lines(result.stdout) == raw_objects(UTC_DIR, UTC_FILES[:1])[-3:]

    def test_default_path_from_the_environment(self) -> None:
        """Without PATH, $OME_EVENTS_PATH is read."""
        result = run("tail", "--json", "-n", "2", env={"OME_EVENTS_PATH": str(KST_DIR)})
        assert json_lines(result.stdout) == raw_objects(KST_DIR, ["events.log"])[-2:]

    def test_default_path_when_missing_says_so(self) -> None:
        """Without PATH or $OME_EVENTS_PATH, /var/log/ovenmediaengine is used (named in errors)."""
        if Path("/var/log/ovenmediaengine").exists():
            pytest.skip("this machine has a real /var/log/ovenmediaengine")
        environment = {k: v for k, v in os.environ.items() if k != "OME_EVENTS_PATH"}
        result = subprocess.run(
            [OME_EVENTS, "tail"],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
            env=environment,
        )
        assert result.returncode == 1
        assert "/var/log/ovenmediaengine" in result.stderr
        assert "Traceback" not in result.stderr

    def test_standard_input(self) -> None:
        """PATH '-' reads events from standard input."""
        data = (UTC_DIR / "events.log").read_bytes()
        result = run("tail", "-", "-n", "4", "--json", stdin=data)
        assert json_lines(result.stdout) == raw_objects(UTC_DIR, ["events.log"])[-4:]

    def test_json_output_is_an_events_log(self) -> None:
        """--json output read back by ome-events gives the same events."""
        first = run("tail", str(UTC_DIR), "-n", "all", "--json")
        again = run("tail", "-", "-n", "all", "--json", stdin=first.stdout.encode())
        assert again.stdout == first.stdout
        assert json_lines(again.stdout) == UTC_EVENTS

    def test_bad_lines_are_skipped_and_counted(self) -> None:
        """Good lines are shown; bad ones are reported on stderr with a count; status 0."""
        expected = json.loads((SAMPLES / "bad-lines" / "expected.json").read_text())
        result = run("tail", str(SAMPLES / "bad-lines"), "-n", "all", "--json")
        assert result.returncode == 0
        assert len(result.stdout.splitlines()) == expected["good_lines"]
        assert f"{len(expected['bad_lines'])} bad lines skipped" in result.stderr
        assert "Traceback" not in result.stderr

    def test_directory_without_a_log_is_an_error(self, tmp_path: Path) -> None:
        """A directory with no events.log file: said plainly, status 1."""
        (tmp_path / "other.log").write_text("not ours\n")
        result = run("tail", str(tmp_path))
        assert result.returncode == 1
        assert "no events.log" in result.stderr

    def test_missing_path_is_an_error(self, tmp_path: Path) -> None:
        """A path that does not exist: a one-line message and status 1."""
        result = run("tail", str(tmp_path / "nowhere"))
        assert result.returncode == 1
        assert "no such file or directory" in result.stderr
        assert "Traceback" not in result.stderr


class TestLines:
    """The readable line of each event."""

    def test_line_fields(self) -> None:
        """Time, level, short category, type, source, summary, cause and stream facts."""
        result = run("tail", str(UTC_DIR), "--cause", "BFrameDetected", "-n", "1")
        line = result.stdout.rstrip("\n")
        raw = [o for o in UTC_EVENTS if o.get("cause") == "BFrameDetected"][-1]
        tracks = raw["snapshot"]["tracks"]
        video, audio = tracks[0]["video"], tracks[1]["audio"]
        assert line == (
            "2025-03-26 10:09:46.294 WARN  stream AbnormalStreamDetected #default#app/cam1 "
            + raw["summary"]
            + " cause=BFrameDetected"
            + f" [H264 {video['width']}x{video['height']} {video['framerate']:g}fps"
            + f" {int(video['bitrateConf']) / 1e6:g} Mbps"
            + f" · AAC {int(audio['bitrateConf']) / 1e3:g} kbps]"
        )

    def test_stream_facts_use_the_configured_bitrate(self) -> None:
        """The bitrate shown is bitrateConf (else bitrate), never the garbage bitrateLatest."""
        result = run("tail", str(UTC_DIR), "--type", "StreamPrepared", "-n", "all")
        lines = result.stdout.splitlines()
        prepared = [o for o in UTC_EVENTS if o["type"] == "StreamPrepared"]
        assert len(lines) == len(prepared)
        checked = 0
        for line, raw in zip(lines, prepared, strict=True):
            facts = line.rsplit(" [", 1)[1]
            video = next((t["video"] for t in raw["snapshot"]["tracks"] if "video" in t), None)
            if video is None:  # an audio-only stream (radio)
                continue
            rates = [int(video[k]) for k in ("bitrateConf", "bitrate") if k in video]
            rate = next((r for r in rates if r > 0), None)
            if rate is None:
                continue
            shown = f"{rate / 1e6:.3g} Mbps" if rate >= 1_000_000 else f"{rate / 1e3:.3g} kbps"
            assert facts.startswith(video["codec"]) and f" {shown}" in facts, (line, video)
            checked += 1
        assert checked > 10

    def test_local_zone_by_default_utc_on_request(self) -> None:
        """Times are shown in the local zone (TZ), or in UTC with a Z and --utc."""
        seoul = run("tail", str(UTC_DIR), "-n", "1", env={"TZ": "Asia/Seoul"})
        assert seoul.stdout.startswith("2025-03-28 08:45:00.171 ")
        utc = run("tail", str(UTC_DIR), "-n", "1", "--utc", env={"TZ": "Asia/Seoul"})
        assert utc.stdout.startswith("2025-03-27 23:45:00.171Z ")

    def test_local_times_across_daylight_saving(self) -> None:
        """Local times stay right across a daylight-saving change (Berlin, 2025-03-30)."""
        lines = [
            event_line(f"2025-03-30T0{hour}:{minute:02d}:13.005+00:00", summary=f"n {hour}")
            for hour in range(3)
            for minute in range(0, 60, 7)
        ]
        result = run("tail", "-", "-n", "all", stdin=b"".join(lines), env={"TZ": "Europe/Berlin"})
        shown = [line[:23] for line in result.stdout.splitlines()]
        expected = []
        for hour in range(3):
            for minute in range(0, 60, 7):
                local_hour = hour + 1 if hour < 1 else hour + 2  # CET, then CEST from 01:00 UTC
                expected.append(f"2025-03-30 {local_hour:02d}:{minute:02d}:13.005")
        assert shown == expected

    def test_snapshot_is_pretty_printed(self) -> None:
        """--snapshot prints the snapshot as indented JSON under the line."""
        result = run("tail", str(UTC_DIR), "--type", "RecordingStopped", "-n", "1", "--snapshot")
        head, _, rest = result.stdout.partition("\n")
        assert "RecordingStopped" in head
        expected = [o for o in UTC_EVENTS if o["type"] == "RecordingStopped"][-1]["snapshot"]
        assert rest.startswith("    {\n")
        assert json.loads(rest) == expected

    def test_color_options(self) -> None:
        """--color always colours a pipe; never, NO_COLOR and auto on a pipe do not."""
        always = run("tail", str(UTC_DIR), "--level", "error", "-n", "1", "--color", "always")
        assert SGR.search(always.stdout)
        assert "\x1b[1;31mERROR" in always.stdout
        for args, env in [
            (["--color", "never"], {"FORCE_COLOR": "1"}),
            ([], {}),
            ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}),
        ]:
            plain = run("tail", str(UTC_DIR), "-n", "1", *args, env=env)
            assert "\x1b" not in plain.stdout, (args, env)

    def test_explicit_color_wins_over_no_color(self) -> None:
        """--color always colours even with NO_COLOR set; FORCE_COLOR colours auto."""
        forced = run("tail", str(UTC_DIR), "-n", "1", "--color", "always", env={"NO_COLOR": "1"})
        assert SGR.search(forced.stdout)
        auto = run("tail", str(UTC_DIR), "-n", "1", env={"FORCE_COLOR": "1"})
        assert SGR.search(auto.stdout)


def evil_log(directory: Path) -> Path:
    """A log whose text is full of Rich markup and terminal control sequences."""
    directory.mkdir(parents=True, exist_ok=True)
    summary = (
        "Stream created. [bold red]markup[/] [link=https://evil.example]click[/link]"
        " \x1b]0;pwned-title\x07 \x1b]8;;https://evil.example\x07link\x1b]8;;\x07"
        " \x1b[2J\x1b[H cleared? \x9b31m c1 \x07bell \u202eevil\u202c\r\nsecond line"
    )
    lines = [
        event_line(summary="first, a harmless line"),
        event_line(
            "2025-03-26T05:21:47.000+00:00",
            level="Warning",
            type="AbnormalStreamDetected",
            source="#default#app/[red]cam\x1b[5m",
            summary=summary,
            cause="[blink]Bad\x1b[31m",
            snapshot={
                "name": "x",
                "tracks": [
                    {"id": 0, "type": "Video", "video": {"codec": "[red]H264\x1b[0m", "width": 2}}
                ],
            },
        ),
    ]
    path = directory / "events.log"
    path.write_bytes(b"".join(lines))
    return path


class TestSafeRendering:
    """Text from the log is shown literally and never acts on the terminal."""

    @pytest.mark.parametrize("color", ["always", "never"])
    def test_no_control_character_reaches_the_output(self, tmp_path: Path, color: str) -> None:
        """Control characters are shown as escapes; the only ESC sequences are our colours."""
        log = evil_log(tmp_path / "log")
        result = run("tail", str(log), "--color", color, "--snapshot")
        out = SGR.sub("", result.stdout)  # our own colours
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out)
        assert "\\x1b]0;pwned-title\\x07" in out
        assert "\\x1b[2J\\x1b[H cleared?" in out
        assert "\\x9b31m c1" in out
        assert "\\u202eevil\\u202c\\r\\nsecond line" in out
        assert "#default#app/[red]cam\\x1b[5m" in out
        assert len(result.stdout.splitlines()[0:2]) == 2
        assert result.stdout.splitlines()[1].count("second line") == 1

    @pytest.mark.parametrize(
        "field",
        ["level", "category", "type", "source", "summary", "cause", "codec", "server_id"],
    )
    def test_a_control_in_any_one_text_is_escaped(self, field: str) -> None:
        """A line whose only control character is in one of its texts (the facts of the
        snapshot included) is escaped all the same, with and without colour."""
        evil = "x\x1b[2J\u202ey"
        fields: dict[str, Any] = {"type": "StreamPrepared", "summary": "Stream prepared"}
        extra: dict[str, Any] = {
            "snapshot": {"tracks": [{"video": {"codec": "H264", "width": 1280, "height": 720}}]}
        }
        if field == "codec":
            extra["snapshot"]["tracks"][0]["video"]["codec"] = evil
        elif field == "cause":
            extra["cause"] = evil
        elif field == "server_id":
            fields["source"] = evil * 5  # long: cut by the line, still escaped
            fields["category"] = "ServerEvent"
        else:
            fields[field] = evil
        event = parse_line(event_line(**fields, **extra))
        plain = plain_line(event, UTC)
        coloured = "".join(text for text, _ in line_parts(event, UTC))
        for shown in (plain, coloured):
            assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e]", shown)
            assert "\\x1b[2J" in shown  # shown as an escape (the level upper-cased)

    @pytest.mark.parametrize("color", ["always", "never"])
    def test_markup_is_shown_as_written(self, tmp_path: Path, color: str) -> None:
        """[bold red], [link=...] and [/] appear literally, in the summary, cause and facts."""
        log = evil_log(tmp_path / "log")
        result = run("tail", str(log), "--color", color)
        out = SGR.sub("", result.stdout)
        assert "[bold red]markup[/] [link=https://evil.example]click[/link]" in out
        assert "[blink]Bad\\x1b[31m" in out
        assert "[red]H264\\x1b[0m" in out

    def test_json_output_escapes_what_json_allows_raw(self, tmp_path: Path) -> None:
        """--json writes C1 and bidi controls as \\u escapes: the same strings, inert."""
        log = evil_log(tmp_path / "log")
        result = run("tail", str(log), "--json")
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", result.stdout)
        assert json_lines(result.stdout) == raw_objects(log.parent, ["events.log"])


class TestPipes:
    """A closed pipe (| head) ends the command quietly."""

    @pytest.mark.parametrize(
        "args",
        [["-n", "all"], ["-n", "all", "--json"], ["-n", "all", "--color", "always"]],
    )
    def test_closed_pipe(self, args: list[str]) -> None:
        """The reader goes away after one line: status 0, nothing on stderr."""
        process = subprocess.Popen(
            [OME_EVENTS, "tail", str(UTC_DIR), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "TZ": "UTC"},
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()
        status = process.wait(timeout=PATIENCE)
        stderr = process.stderr.read().decode()
        process.stderr.close()
        assert status == 0
        assert stderr == ""

    def test_through_head(self) -> None:
        """In a shell pipeline with head, as an operator types it."""
        command = f"'{OME_EVENTS}' tail '{UTC_DIR}' -n all | head -n 3"
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
        )
        assert len(result.stdout.splitlines()) == 3
        assert result.stderr == ""
        assert result.returncode == 0


# -- following ------------------------------------------------------------------------------


class Running:
    """A running ``ome-events`` whose output lines are collected by a thread."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [OME_EVENTS, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TZ": "UTC"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def take(self, count: int) -> list[str]:
        """The next ``count`` lines (waiting for them, up to the test's patience)."""
        deadline = time.monotonic() + PATIENCE
        taken = []
        while len(taken) < count:
            taken.append(self.lines.get(timeout=max(0.1, deadline - time.monotonic())))
        return taken

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Send a signal; the exit status and what was on stderr."""
        self.process.send_signal(sig)
        status = self.process.wait(timeout=PATIENCE)
        self._reader.join(timeout=PATIENCE)
        assert self.process.stderr is not None
        stderr = self.process.stderr.read()
        self.process.stdout.close()  # type: ignore[union-attr]
        self.process.stderr.close()
        return status, stderr

    def rest(self) -> list[str]:
        """The lines not taken yet (after the process ended)."""
        lines = []
        while not self.lines.empty():
            lines.append(self.lines.get())
        return lines


@contextmanager
def following(*args: str) -> Iterator[Running]:
    running = Running(*args)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(timeout=PATIENCE)


def stamp(number: int) -> bytes:
    moment = datetime(2025, 3, 26, 5, 0, tzinfo=UTC) + timedelta(seconds=number)
    return event_line(
        moment.isoformat(timespec="milliseconds"), summary=f"Stream created. Id: {number}"
    )


def ids(lines: list[str]) -> list[int]:
    return [int(json.loads(line)["summary"].rsplit(" ", 1)[1]) for line in lines]


class TestFollow:
    """tail -f: the last events, then new ones as they are written."""

    def test_history_then_new_events_across_a_rotation(self, tmp_path: Path) -> None:
        """The last N first; appended lines, a rename rotation and the new file follow."""
        log = tmp_path / "events.log"
        log.write_bytes(b"".join(stamp(n) for n in range(5)))
        with following("tail", "-f", "-n", "2", "--json", str(tmp_path)) as tail:
            assert ids(tail.take(2)) == [3, 4]
            with open(log, "ab") as out:
                out.write(stamp(5) + stamp(6))
            assert ids(tail.take(2)) == [5, 6]
            log.rename(tmp_path / "events.log.20250326")
            log.write_bytes(stamp(7))
            assert ids(tail.take(1)) == [7]
            status, stderr = tail.stop(signal.SIGTERM)
        assert status == 0
        assert stderr == ""

    def test_filters_apply_to_new_events(self, tmp_path: Path) -> None:
        """Only matching events are printed while following."""
        log = tmp_path / "events.log"
        warning = event_line("2025-03-26T05:30:00.000+00:00", level="Warning", summary="w 1")
        log.write_bytes(stamp(0) + warning)
        with following("tail", "-f", "--level", "warning", "--json", str(tmp_path)) as tail:
            # The history's one match: the follower is open from here on.
            assert [json.loads(line)["summary"] for line in tail.take(1)] == ["w 1"]
            with open(log, "ab") as out:
                out.write(stamp(1))
                out.write(event_line("2025-03-26T06:00:00.000+00:00", level="Error", summary="e 2"))
            assert [json.loads(line)["summary"] for line in tail.take(1)] == ["e 2"]
            status, _ = tail.stop(signal.SIGINT)
        assert status == 0
        assert tail.rest() == []

    def test_ctrl_c_exits_quietly(self, tmp_path: Path) -> None:
        """SIGINT (Ctrl-C) ends tail -f with status 0 and no traceback."""
        (tmp_path / "events.log").write_bytes(stamp(0))
        with following("tail", "-f", str(tmp_path)) as tail:
            tail.take(1)
            status, stderr = tail.stop(signal.SIGINT)
        assert status == 0
        assert "Traceback" not in stderr
        assert stderr == ""

    def test_checkpoint_resumes_without_loss_or_repeat(self, tmp_path: Path) -> None:
        """SIGTERM saves the checkpoint; the next run starts exactly after the last event."""
        logs = tmp_path / "logs"
        logs.mkdir()
        log = logs / "events.log"
        checkpoint = tmp_path / "tail.checkpoint"
        log.write_bytes(b"".join(stamp(n) for n in range(3)))
        args = ["tail", "-f", "-n", "1", "--json", "--checkpoint", str(checkpoint), str(logs)]
        with following(*args) as tail:
            assert ids(tail.take(1)) == [2]
            with open(log, "ab") as out:
                out.write(stamp(3))
            assert ids(tail.take(1)) == [3]
            status, _ = tail.stop(signal.SIGTERM)
        assert status == 0
        assert checkpoint.exists()
        # Written while no follower ran, including a rotation.
        with open(log, "ab") as out:
            out.write(stamp(4))
        log.rename(logs / "events.log.20250326")
        log.write_bytes(stamp(5))
        with following(*args) as tail:
            assert ids(tail.take(2)) == [4, 5]
            with open(log, "ab") as out:
                out.write(stamp(6))
            assert ids(tail.take(1)) == [6]
            status, _ = tail.stop(signal.SIGTERM)
        assert status == 0
        assert tail.rest() == []

    def test_standard_input_is_followed_as_it_arrives(self) -> None:
        """tail -f - prints each event as soon as its line arrives on the pipe."""
        process = subprocess.Popen(
            [OME_EVENTS, "tail", "-f", "-", "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(stamp(1))
        process.stdin.flush()
        assert ids([process.stdout.readline().decode()]) == [1]
        process.stdin.write(stamp(2))
        process.stdin.close()
        assert ids([process.stdout.readline().decode()]) == [2]
        assert process.wait(timeout=PATIENCE) == 0
        process.stdout.close()
        assert process.stderr is not None
        assert process.stderr.read() == b""
        process.stderr.close()

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--checkpoint", "x"], "--checkpoint needs -f/--follow"),
            (["--poll"], "--poll needs -f/--follow"),
            (["-f", "--offset", "3"], "--offset cannot be used with -f"),
        ],
    )
    def test_option_mistakes(self, args: list[str], message: str) -> None:
        """Options that only make sense with (or without) -f are usage errors."""
        result = run("tail", str(UTC_DIR), *args)
        assert result.returncode == 2
        assert message in result.stderr


def test_filter_of_cli_and_library_agree() -> None:
    """The CLI's --level/--app equal EventFilter(min_level, apps) on the same log."""
    from ome_events import Level, read_events

    library = [
        orjson.loads(orjson.dumps(e.raw))
        for e in read_events(UTC_DIR)
        if EventFilter(min_level=Level.WARNING, apps=("app",))(e)
    ]
    cli = json_lines(
        run(
            "tail", str(UTC_DIR), "-n", "all", "--json", "--level", "warning", "--app", "app"
        ).stdout
    )
    assert cli == library

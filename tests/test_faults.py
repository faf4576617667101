"""The faults of a real machine cost no event: unreadable files, looping symlinks, damaged
archives, a second follower, checkpoints that cannot be written or are damaged, closed pipes,
a full disk, every rotation layout, symlinked folders.

Each case uses real files; where permissions matter the command runs as an unprivileged user
(``tests/helpers/unprivileged.py``), since root reads every file.
"""

from __future__ import annotations

import gzip
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from tests.helpers.cli import OME_EVENTS
from tests.helpers.lines import event_line
from tests.helpers.unprivileged import prefix, readable, shared_dir

import ome_events
from ome_events import follow, read_events
from ome_events.errors import CheckpointLocked, LogFileError

__all__ = ["shared_dir"]  # the fixture, used by name

FOLLOWER = Path(__file__).resolve().parent / "follower_process.py"


def line(number: int, day: int = 26) -> bytes:
    """Event ``number`` (summary ``e<number>``), on 2025-03-<day>, a second apart."""
    minutes, seconds = divmod(number, 60)
    hours, minutes = divmod(minutes, 60)
    stamp = f"2025-03-{day:02d}T{hours % 24:02d}:{minutes:02d}:{seconds:02d}.000+00:00"
    return event_line(stamp, summary=f"e{number}")


def lines(first: int, last: int, day: int = 26) -> bytes:
    return b"".join(line(n, day) for n in range(first, last))


def names(first: int, last: int) -> list[str]:
    return [f"e{n}" for n in range(first, last)]


def cli(*args: str, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """The real command line (as the unprivileged user when asked)."""
    command = [*(prefix() if unprivileged else []), OME_EVENTS, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def summaries(stdout: str) -> list[str]:
    return [orjson.loads(text)["summary"] for text in stdout.splitlines()]


def wait_for(predicate: object, what: str, timeout: float = 60) -> None:
    """A guard against hanging (not a speed requirement)."""
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


class TestUnreadableFile:
    """A file that cannot be read is reported once; every other file is still read."""

    def log(self, shared_dir: Path) -> Path:
        (shared_dir / "events.log.20250325").write_bytes(lines(0, 50, day=25))
        (shared_dir / "events.log.20250326").write_bytes(lines(0, 50, day=26))
        (shared_dir / "events.log").write_bytes(lines(0, 50, day=27))
        for path in shared_dir.iterdir():
            readable(path)
        (shared_dir / "events.log.20250326").chmod(0o000)  # logrotate's "create 0600 root"
        return shared_dir

    def test_tail_n_needs_only_the_newest_file(self, shared_dir: Path) -> None:
        """tail -n 5 shows the last 5 events of events.log, with status 0."""
        result = cli("tail", "-n", "5", "--json", str(self.log(shared_dir)), unprivileged=True)
        assert result.returncode == 0, result.stderr
        assert summaries(result.stdout) == names(45, 50)

    def test_history_reads_the_rest_and_names_the_file(self, shared_dir: Path) -> None:
        """tail -n all shows both readable files in order, names the other, exits 1."""
        result = cli("tail", "-n", "all", "--json", str(self.log(shared_dir)), unprivileged=True)
        assert result.returncode == 1
        assert summaries(result.stdout) == names(0, 50) + names(0, 50)
        assert "events.log.20250326" in result.stderr
        assert "Permission denied" in result.stderr

    def test_library_reports_and_reads_on(self, shared_dir: Path) -> None:
        """read_events as the unprivileged user: the problem is listed, the rest is read."""
        self.log(shared_dir)
        script = (
            "import ome_events, sys; r = ome_events.read_events(sys.argv[1], errors='skip');"
            " n = len(list(r)); print(n, [type(p).__name__ for p in r.file_problems])"
        )
        result = subprocess.run(
            [*prefix(), sys.executable, "-c", script, str(shared_dir)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.split(None, 1) == ["100", "['LogFileError']\n"]

    def test_follower_goes_on_past_an_unreadable_sibling(self, shared_dir: Path) -> None:
        """New lines in events.log arrive although an old rotated file cannot be read."""
        self.log(shared_dir)
        received = run_follower(shared_dir, start_lines=0, unprivileged=True)
        try:
            with open(shared_dir / "events.log", "ab") as out:
                out.write(lines(50, 150, day=27))
            wait_for(lambda: len(received.seen) >= 100, "100 new lines")
        finally:
            received.stop()
        assert received.seen == names(50, 150)

    def test_current_file_made_unreadable_and_rotated(self, shared_dir: Path) -> None:
        """A fully read events.log made 000 and rotated does not hold the follower back."""
        self.log(shared_dir)
        (shared_dir / "events.log.20250326").chmod(0o644)
        received = run_follower(shared_dir, start_lines=0, unprivileged=True)
        try:
            base = shared_dir / "events.log"
            base.chmod(0o000)
            base.rename(shared_dir / "events.log.20250327")
            base.write_bytes(lines(0, 100, day=28))
            readable(base)
            wait_for(lambda: len(received.seen) >= 100, "the new file's lines")
        finally:
            received.stop()
        assert received.seen == names(0, 100)

    def test_unreadable_file_delivered_once_readable(self, shared_dir: Path) -> None:
        """A new events.log the follower cannot read yet is read from its start later."""
        self.log(shared_dir)
        received = run_follower(shared_dir, start_lines=0, unprivileged=True)
        try:
            base = shared_dir / "events.log"
            base.rename(shared_dir / "events.log.20250327")
            fd = os.open(base, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o000)
            os.write(fd, lines(0, 30, day=28))
            os.close(fd)
            time.sleep(0.5)  # the follower meets the unreadable file (it warns and retries)
            with open(base, "ab") as out:
                out.write(lines(30, 60, day=28))
            base.chmod(0o644)
            wait_for(lambda: len(received.seen) >= 60, "the lines of the file now readable")
        finally:
            received.stop()
        assert received.seen == names(0, 60)
        assert "events.log: cannot be read: Permission denied" in received.stderr


class Received:
    """A follower process (tests/follower_process.py) and what it printed."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.seen: list[str] = []
        self.stderr = ""
        import threading

        def pump() -> None:
            assert process.stdout is not None
            for text in process.stdout:
                if text.strip() != "ready":
                    self.seen.append(text.strip())

        self._thread = threading.Thread(target=pump, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        _, self.stderr = self.process.communicate(timeout=60)
        self._thread.join(timeout=10)


def run_follower(
    directory: Path, *, start_lines: int, unprivileged: bool = False, checkpoint: Path | None = None
) -> Received:
    """Start a follower process at the end of the log and wait until it is ready."""
    process = subprocess.Popen(
        [
            *(prefix() if unprivileged else []),
            sys.executable,
            str(FOLLOWER),
            str(directory),
            str(checkpoint or (directory / "unused.ckpt")),
            "--end",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", process.stderr
    return Received(process)


class TestLoopingSymlink:
    """A looping symlink in the folder costs nothing; one named like a log file is reported."""

    def test_unrelated_loop(self, tmp_path: Path) -> None:
        """read_events, tail, stats and the follower all work beside it."""
        (tmp_path / "events.log").write_bytes(lines(0, 10))
        (tmp_path / "unrelated.lnk").symlink_to("unrelated.lnk")
        assert [e.summary for e in read_events(tmp_path)] == names(0, 10)
        for command in (["tail", "-n", "all"], ["stats"]):
            result = cli(*command, str(tmp_path))
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
        with follow(tmp_path, start="start", poll=True) as follower:
            assert [e.summary for e in follower.poll()] == names(0, 10)

    def test_loop_named_like_a_rotated_file(self, tmp_path: Path) -> None:
        """A looping events.log.20250325 is named with its reason; the rest is read."""
        (tmp_path / "events.log").write_bytes(lines(0, 10))
        (tmp_path / "events.log.20250325").symlink_to("events.log.20250325")
        reader = read_events(tmp_path, errors="skip")
        assert [e.summary for e in reader] == names(0, 10)
        [problem] = reader.file_problems
        assert isinstance(problem, LogFileError) and "symbolic links" in problem.reason
        result = cli("tail", "-n", "all", str(tmp_path))
        assert result.returncode == 1
        assert "events.log.20250325" in result.stderr and "symbolic links" in result.stderr


class TestOneFollowerPerCheckpoint:
    """A second follower on the same checkpoint fails at once, naming it and the holder."""

    def test_library(self, tmp_path: Path) -> None:
        (tmp_path / "events.log").write_bytes(lines(0, 5))
        checkpoint = tmp_path / "c.ckpt"
        with follow(tmp_path, checkpoint=checkpoint, poll=True):
            with pytest.raises(CheckpointLocked) as caught:
                follow(tmp_path, checkpoint=checkpoint, poll=True)
            assert caught.value.pid == os.getpid()
            assert str(checkpoint) in str(caught.value)
        with follow(tmp_path, checkpoint=checkpoint, poll=True):
            pass  # released on close

    def test_command_line(self, tmp_path: Path) -> None:
        (tmp_path / "events.log").write_bytes(lines(0, 5))
        checkpoint = tmp_path / "c.ckpt"
        with follow(tmp_path, checkpoint=checkpoint, poll=True):
            result = cli("tail", "-f", "--checkpoint", str(checkpoint), str(tmp_path))
        assert result.returncode == 1
        assert str(checkpoint) in result.stderr and f"process {os.getpid()}" in result.stderr


def tail_f(directory: Path, checkpoint: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [OME_EVENTS, "tail", "-f", "--json", "--poll", "--checkpoint", str(checkpoint),
         *extra, str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def first_lines(process: subprocess.Popen[bytes], count: int) -> tuple[list[str], str]:
    """The next ``count`` events the process prints (then it is stopped), and its stderr."""
    assert process.stdout is not None
    out = [orjson.loads(process.stdout.readline())["summary"] for _ in range(count)]
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    return out, stderr.decode()


def number(summary: str) -> int:
    return int(summary[1:])


class TestCheckpointFollowsWhatWasShown:
    """The checkpoint names the last event shown: after head, SIGTERM, Ctrl-C or a pipe."""

    def test_head_closes_the_pipe_during_the_history(self, tmp_path: Path) -> None:
        """tail -f -n all | head -n 100 on 5,000 lines: the next run starts at line 101."""
        (tmp_path / "events.log").write_bytes(lines(0, 5000))
        checkpoint = tmp_path / "c.ckpt"
        shell = (
            f"{OME_EVENTS} tail -f -n all --json --poll --checkpoint {checkpoint} {tmp_path}"
            " | head -n 100 > /dev/null"
        )
        subprocess.run(shell, shell=True, check=True, timeout=120)
        # What head printed is 100 lines; what the pipe held when head quit was written
        # (the kernel took it) and counts as shown: a few lines, never the rest of the log.
        first, _ = first_lines(tail_f(tmp_path, checkpoint), 3)
        assert 100 <= number(first[0]) < 1000
        assert first == names(number(first[0]), number(first[0]) + 3)

    @pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
    def test_stopped_while_the_history_prints(self, tmp_path: Path, stop: int) -> None:
        """Stopped mid-history: the next run starts just after the last event it wrote."""
        (tmp_path / "events.log").write_bytes(lines(0, 50_000))
        checkpoint = tmp_path / "c.ckpt"
        process = tail_f(tmp_path, checkpoint, "-n", "all")
        assert process.stdout is not None
        shown = [orjson.loads(process.stdout.readline())["summary"] for _ in range(100)]
        process.send_signal(stop)
        rest = process.stdout.read()  # what it wrote before it stopped (readline buffered some)
        process.communicate(timeout=60)
        shown += [orjson.loads(text)["summary"] for text in rest.splitlines()]
        assert shown == names(0, len(shown)) and len(shown) < 50_000
        first, _ = first_lines(tail_f(tmp_path, checkpoint), 2)
        assert first == names(len(shown), len(shown) + 2)

    def test_closed_pipe_while_following(self, tmp_path: Path) -> None:
        """The event whose write failed is the first one of the next run."""
        (tmp_path / "events.log").write_bytes(lines(0, 10))
        checkpoint = tmp_path / "c.ckpt"
        process = tail_f(tmp_path, checkpoint, "-n", "all")
        assert process.stdout is not None
        shown = [orjson.loads(process.stdout.readline())["summary"] for _ in range(10)]
        process.stdout.close()  # the reader goes away
        with open(tmp_path / "events.log", "ab") as out:
            out.write(lines(10, 11))
        process.communicate(timeout=60)
        assert shown == names(0, 10)
        assert first_lines(tail_f(tmp_path, checkpoint), 1)[0] == ["e10"]


class TestCheckpointFaults:
    """A checkpoint that cannot be written or read never stops delivery or skips events."""

    def test_unwritable_checkpoint_is_a_warning(self, shared_dir: Path) -> None:
        """A read-only checkpoint folder: events still come, the message names the file."""
        (shared_dir / "events.log").write_bytes(lines(0, 20))
        readable(shared_dir / "events.log")
        locked = shared_dir / "ro"
        locked.mkdir()
        (locked / "c.ckpt.lock").touch()
        readable(locked / "c.ckpt.lock")
        locked.chmod(0o555)
        checkpoint = locked / "c.ckpt"
        process = subprocess.Popen(
            [*prefix(), OME_EVENTS, "tail", "-f", "-n", "all", "--json", "--poll",
             "--checkpoint", str(checkpoint), str(shared_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        seen = [orjson.loads(process.stdout.readline())["summary"] for _ in range(20)]
        time.sleep(1.5)  # a save is due
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert seen == names(0, 20)
        assert str(checkpoint) in stderr.decode() and "Traceback" not in stderr.decode()

    def test_damaged_checkpoint_falls_back_to_the_previous_copy(self, tmp_path: Path) -> None:
        """A damaged checkpoint (a negative offset) is replaced by NAME.prev, with a note."""
        (tmp_path / "events.log").write_bytes(lines(0, 10))
        checkpoint = tmp_path / "c.ckpt"
        with follow(tmp_path, start="start", checkpoint=checkpoint, poll=True) as follower:
            follower.poll()
        good = checkpoint.read_bytes()
        with open(tmp_path / "events.log", "ab") as out:
            out.write(lines(10, 20))
        checkpoint.with_name("c.ckpt.prev").write_bytes(good)
        checkpoint.write_bytes(good.replace(b'"offset"', b'"offset": -5, "x"'))
        with follow(tmp_path, checkpoint=checkpoint, poll=True) as follower:
            assert [e.summary for e in follower.poll()] == names(10, 20)
            assert follower.started_from == "checkpoint"
            assert any("previous copy" in note for note in follower.notes)

    def test_no_usable_checkpoint_starts_where_from_says(self, tmp_path: Path) -> None:
        """Neither the checkpoint nor a previous copy: the CLI says so and uses --from."""
        (tmp_path / "events.log").write_bytes(lines(0, 10))
        checkpoint = tmp_path / "c.ckpt"
        checkpoint.write_bytes(b"{damaged")
        first, message = first_lines(tail_f(tmp_path, checkpoint, "--from", "start"), 3)
        assert first == names(0, 3)
        assert "no usable checkpoint" in message and "start of the oldest file" in message


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


class TestDamagedArchive:
    """A damaged .gz gives every line it still holds, and says where it broke."""

    def test_truncated_archive_gives_what_gzip_recovers(self, tmp_path: Path) -> None:
        """As many lines as gzip -dc recovers (the last, cut one aside)."""
        data = gzip_of(lines(0, 2000, day=25))
        cut = data[: len(data) * 2 // 3]
        (tmp_path / "events.log.20250325.gz").write_bytes(cut)
        (tmp_path / "events.log").write_bytes(lines(0, 5, day=26))
        recovered = subprocess.run(["gzip", "-dc"], input=cut, capture_output=True).stdout
        whole = recovered.count(b"\n")
        reader = read_events(tmp_path, errors="skip")
        events = [e.summary for e in reader]
        assert events == names(0, whole) + names(0, 5)
        [problem] = reader.file_problems
        assert f"{whole:,} lines read from it" in str(problem)
        result = cli("tail", "-n", "all", "--json", str(tmp_path))
        assert result.returncode == 1 and "events.log.20250325.gz" in result.stderr

    def test_crc_damage_keeps_every_line(self, tmp_path: Path) -> None:
        """Only the checksum is wrong: all 1,000 lines, and a message."""
        data = bytearray(gzip_of(lines(0, 1000, day=25)))
        data[-8] ^= 0xFF
        (tmp_path / "events.log.20250325.gz").write_bytes(bytes(data))
        reader = read_events(tmp_path, errors="skip")
        assert [e.summary for e in reader] == names(0, 1000)
        assert "CRC" in str(reader.file_problems[0])

    def test_follower_reads_a_damaged_archive_too(self, tmp_path: Path) -> None:
        """Resuming in a truncated archive delivers what it holds, then the newer files."""
        data = gzip_of(lines(0, 600, day=25))
        cut = data[: len(data) // 2]
        (tmp_path / "events.log.20250325.gz").write_bytes(cut)
        (tmp_path / "events.log").write_bytes(lines(0, 5, day=26))
        whole = subprocess.run(["gzip", "-dc"], input=cut, capture_output=True).stdout.count(b"\n")
        start = read_events(tmp_path).start_position()
        errors: list[ome_events.ParseError] = []
        with follow(tmp_path, start=start, poll=True, on_error=errors.append) as follower:
            got = [e.summary for e in follower.poll()]
        assert got[:whole] == names(0, whole) and got[-5:] == names(0, 5)
        assert any("damaged" in error.reason for error in errors)

    @pytest.mark.parametrize(
        ("content", "words"),
        [(b"", "empty"), (gzip_of(b"")[:10], "header")],
        ids=["empty", "header only"],
    )
    def test_empty_and_header_only(self, tmp_path: Path, content: bytes, words: str) -> None:
        """An empty .gz or one with only a header is reported, not silently empty."""
        (tmp_path / "events.log.1.gz").write_bytes(content or b"")
        (tmp_path / "events.log").write_bytes(lines(0, 3))
        if not content:
            (tmp_path / "events.log.1.gz").write_bytes(b"\x1f\x8b")  # magic, nothing after
        result = cli("tail", "-n", "all", "--json", str(tmp_path))
        assert summaries(result.stdout) == names(0, 3)
        assert result.returncode == 1 and "events.log.1.gz" in result.stderr


class TestRotationLayouts:
    """logrotate's numbered and dateext layouts are read, in content order; odd names are
    named, never silently skipped."""

    def test_numbered(self, tmp_path: Path) -> None:
        """events.log, .1, .2.gz, .3.gz: all 400 events, oldest first."""
        (tmp_path / "events.log.3.gz").write_bytes(gzip_of(lines(0, 100, day=23)))
        (tmp_path / "events.log.2.gz").write_bytes(gzip_of(lines(100, 200, day=24)))
        (tmp_path / "events.log.1").write_bytes(lines(200, 300, day=25))
        (tmp_path / "events.log").write_bytes(lines(300, 400, day=26))
        result = cli("tail", "-n", "all", "--json", str(tmp_path))
        assert result.returncode == 0 and summaries(result.stdout) == names(0, 400)

    def test_dateext_and_odd_names(self, tmp_path: Path) -> None:
        """-YYYYMMDD and an impossible date are read; events.log.old is named in a warning."""
        (tmp_path / "events.log-20250324.gz").write_bytes(gzip_of(lines(0, 10, day=24)))
        (tmp_path / "events.log.20250332").write_bytes(lines(10, 20, day=25))
        (tmp_path / "events.log").write_bytes(lines(20, 30, day=26))
        (tmp_path / "events.log.old").write_bytes(lines(0, 5, day=1))
        result = cli("tail", "-n", "all", "--json", str(tmp_path))
        assert summaries(result.stdout) == names(0, 30)
        assert "events.log.old" in result.stderr and "no known layout" in result.stderr


class TestSymlinkedFolder:
    """A log folder reached through a symlink gets notifications (its real path is watched)."""

    def test_notifications_through_a_symlink(self, tmp_path: Path) -> None:
        """With a re-check an hour apart, a new line still arrives: by notification."""
        real = tmp_path / "real"
        real.mkdir()
        (real / "events.log").write_bytes(lines(0, 1))
        link = tmp_path / "link"
        link.symlink_to(real)
        with follow(link, recheck_interval=3600) as follower:
            assert follower._wakeup.watched == os.path.realpath(real)
            with open(real / "events.log", "ab") as out:
                out.write(lines(1, 2))
            assert next(follower).summary == "e1"  # would wait an hour without a wake-up


def _file_size_limit(limit: int) -> Callable[[], None]:
    """For ``preexec_fn``: files the command writes may not grow past ``limit`` bytes, as on a
    full disk (the kernel writes what fits, then fails with EFBIG; SIGXFSZ ignored)."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_files


FULL = Path("/dev/full")  # every write fails with ENOSPC (Linux)
NO_SPACE = "ome-events: cannot write standard output: No space left on device\n"


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
class TestFullDisk:
    """An output that cannot be written ends the command with a message naming the output
    (never the log), status 1 and no traceback; nothing is recorded as shown that was not."""

    @pytest.mark.parametrize("unbuffered", ["1", ""], ids=["PYTHONUNBUFFERED", "buffered"])
    def test_checkpoint_stops_before_the_cut_event(self, tmp_path: Path, unbuffered: str) -> None:
        """The output fills up in the middle of event 300: the next run starts with it.

        With PYTHONUNBUFFERED, Python writes standard output with one write(2) per call and
        ignores a short write: the cut event was counted as shown.
        """
        log = lines(0, 1000)
        (tmp_path / "events.log").write_bytes(log)
        cut = len(lines(0, 300)) + 40  # room for 300 events and 40 bytes of the next one
        checkpoint = tmp_path / "c.ckpt"
        output = tmp_path / "out.jsonl"
        with open(output, "wb") as out:
            result = subprocess.run(
                [OME_EVENTS, "tail", "-f", "-n", "all", "--json", "--poll",
                 "--checkpoint", str(checkpoint), str(tmp_path)],
                stdout=out, stderr=subprocess.PIPE, text=True, timeout=120,
                env={**os.environ, "PYTHONUNBUFFERED": unbuffered},
                preexec_fn=_file_size_limit(cut),
            )  # fmt: skip
        assert result.returncode == 1
        assert "cannot write standard output: File too large" in result.stderr
        assert "Traceback" not in result.stderr and str(tmp_path) not in result.stderr
        assert output.read_bytes() == log[:cut]
        first, _ = first_lines(tail_f(tmp_path, checkpoint), 2)
        assert first == names(300, 302)

    @pytest.mark.parametrize(
        "command",
        [
            ["tail", "-n", "all"],
            ["tail", "-n", "all", "--json"],
            ["tail", "-f", "-n", "5", "--poll"],
            ["stats"],
            ["stats", "--json"],
            ["analyze"],
            ["analyze", "--json"],
            ["export", "--format", "csv"],
            ["export", "--format", "jsonl"],
        ],
        ids=" ".join,
    )
    def test_every_command_names_standard_output(self, tmp_path: Path, command: list[str]) -> None:
        (tmp_path / "events.log").write_bytes(lines(0, 2000))
        with open(FULL, "wb") as full:
            result = subprocess.run(
                [OME_EVENTS, *command, str(tmp_path)],
                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
            )  # fmt: skip
        assert result.returncode == 1
        assert (
            result.stderr == "ome-events: cannot write standard output: No space left on device\n"
        )

    def test_lnav_format(self) -> None:
        with open(FULL, "wb") as full:
            result = subprocess.run(
                [OME_EVENTS, "lnav-format"], stdout=full, stderr=subprocess.PIPE, text=True
            )
        assert result.returncode == 1
        assert (
            result.stderr == "ome-events: cannot write standard output: No space left on device\n"
        )

    def test_export_to_a_file_keeps_the_old_one(self, tmp_path: Path) -> None:
        """-o FILE on a full disk: the message names FILE, which keeps its old content and
        no temporary file is left beside it."""
        (tmp_path / "events.log").write_bytes(lines(0, 2000))
        out = tmp_path / "out" / "events.csv"
        out.parent.mkdir()
        out.write_text("old\n")
        result = subprocess.run(
            [OME_EVENTS, "export", "-o", str(out), str(tmp_path)],
            capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(20_000),
        )  # fmt: skip
        assert result.returncode == 1
        assert result.stderr == f"ome-events: cannot write {out}: File too large\n"
        assert out.read_text() == "old\n" and os.listdir(out.parent) == ["events.csv"]

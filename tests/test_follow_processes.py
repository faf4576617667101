"""Real processes: an OME-like writer, and followers that are stopped and resumed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ome_events import follow

HERE = Path(__file__).resolve().parent
WRITER = HERE / "ome_writer.py"
FOLLOWER = HERE / "follower_process.py"


def write(
    directory: Path, count: int, *, start: int = 0, rotate_every: int = 0, pause: float = 0
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(WRITER),
            str(directory),
            str(count),
            "--start",
            str(start),
            "--rotate-every",
            str(rotate_every),
            "--pause",
            str(pause),
        ]
    )


def expected(first: int, last: int) -> list[str]:
    return [f"n{i}" for i in range(first, last)]


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "polling"])
def test_follow_a_writer_that_rolls_fast(tmp_path: Path, poll: bool) -> None:
    """3000 lines, rolled every 200 lines, long lines in two writes: all seen once, in order."""
    follower = follow(tmp_path, poll=poll, poll_interval=0.01)
    writer = write(tmp_path, 3000, rotate_every=200)
    seen: list[str] = []
    deadline = time.monotonic() + 120  # a guard against hanging, not a speed requirement
    with follower:
        while len(seen) < 3000 and time.monotonic() < deadline:
            seen += [e.summary for e in follower.poll()]
            if writer.poll() is None:
                time.sleep(0.001)
    assert writer.wait() == 0
    assert seen == expected(0, 3000)
    assert follower.stats.rotations >= 1


def run_follower(directory: Path, checkpoint: Path, poll: bool = False) -> subprocess.Popen[str]:
    args = [sys.executable, str(FOLLOWER), str(directory), str(checkpoint)]
    process = subprocess.Popen(
        [*args, "--poll"] if poll else args, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def stop(process: subprocess.Popen[str], how: int = signal.SIGTERM) -> int:
    """Signal a follower process, wait for it and close its pipe; its exit status."""
    process.send_signal(how)
    assert process.stdout is not None
    try:
        return process.wait(timeout=60)  # a guard against hanging, not a speed requirement
    except subprocess.TimeoutExpired:
        process.kill()  # a hung follower fails this test only, not the next ones
        process.wait()
        raise
    finally:
        process.stdout.close()


def read_until(process: subprocess.Popen[str], last: str) -> list[str]:
    assert process.stdout is not None
    lines = []
    while True:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if lines[-1] == last:
            break
    return lines


class TestStopAndResume:
    """A follower service stopped and started again while the log rolls."""

    def test_sigterm_loses_nothing_and_repeats_nothing(self, tmp_path: Path) -> None:
        """SIGTERM saves the checkpoint; the next run continues exactly, across rotations."""
        logs = tmp_path / "logs"
        logs.mkdir()
        checkpoint = tmp_path / "ckpt"
        first = run_follower(logs, checkpoint)
        assert write(logs, 500, rotate_every=150).wait() == 0
        seen = read_until(first, "n499")
        assert stop(first) == 0
        # While it is stopped: more lines, several rotations, a compressed file.
        assert write(logs, 700, start=500, rotate_every=100).wait() == 0
        second = run_follower(logs, checkpoint)
        seen += read_until(second, "n1199")
        assert stop(second) == 0
        assert seen == expected(0, 1200)

    def test_sigkill_loses_nothing(self, tmp_path: Path) -> None:
        """After SIGKILL nothing is lost; only events since the last checkpoint repeat."""
        logs = tmp_path / "logs"
        logs.mkdir()
        checkpoint = tmp_path / "ckpt"
        first = run_follower(logs, checkpoint, poll=True)
        assert write(logs, 400, rotate_every=120).wait() == 0
        seen_first = read_until(first, "n399")
        time.sleep(1.5)  # let a periodic checkpoint happen, as in a long-running service
        stop(first, signal.SIGKILL)
        assert write(logs, 300, start=400, rotate_every=120).wait() == 0
        second = run_follower(logs, checkpoint, poll=True)
        seen_second = read_until(second, "n699")
        assert stop(second) == 0
        assert seen_first == expected(0, 400)
        assert seen_second[-300:] == expected(400, 700)
        repeated = seen_second[:-300]
        assert repeated == expected(400 - len(repeated), 400)  # only a tail of the first run

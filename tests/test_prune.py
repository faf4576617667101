"""Retention: ``ome-events prune`` removes and gzips rotated files by the time of their last
event, never the live file nor a file a checkpoint needs (real files, the real command)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.helpers.lines import event_line
from tests.helpers.unprivileged import shared_dir  # noqa: F401 (a fixture)

import ome_events
from ome_events.follower.checkpoint import Checkpoint
from ome_events.position import Position, fingerprint_of
from ome_events.retention import plan_prune, prune_lock

NOW = datetime.now(UTC)


def day_lines(days_ago: float, count: int = 5) -> bytes:
    """``count`` events ending ``days_ago`` days before now."""
    end = NOW - timedelta(days=days_ago)
    return b"".join(
        event_line(
            (end - timedelta(minutes=count - 1 - i)).isoformat(timespec="milliseconds"),
            summary=f"Stream created. d{days_ago}-{i}",
        )
        for i in range(count)
    )


def dated(days_ago: float) -> str:
    return f"events.log.{(NOW - timedelta(days=days_ago)):%Y%m%d}"


def prune(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ome_events", "prune", *args],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    """A month and a half of daily files: 45, 31, 20, 9, 3 and 1 day old, and events.log."""
    folder = tmp_path / "edge1"
    folder.mkdir()
    for days in (45, 31, 20, 9, 3, 1):
        (folder / dated(days)).write_bytes(day_lines(days))
    (folder / "events.log").write_bytes(day_lines(0.01))
    return folder


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


class TestPrune:
    def test_removes_and_gzips_by_content_time(self, log_dir: Path) -> None:
        before = [e.summary for e in ome_events.read_events(log_dir)]
        result = prune(str(log_dir), "--older-than", "30d", "--compress-after", "7d")
        assert result.returncode == 0, result.stderr
        assert names(log_dir) == {
            f"{dated(20)}.gz", f"{dated(9)}.gz", dated(3), dated(1), "events.log",
        }  # fmt: skip
        assert result.stdout.count("removed") == 2 and result.stdout.count("gzipped") == 2
        after = [e.summary for e in ome_events.read_events(log_dir)]
        assert after == before[10:]  # the two oldest days (5 events each) are gone, no more
        assert gzip.decompress((log_dir / f"{dated(9)}.gz").read_bytes()) == day_lines(9)

    def test_a_second_run_does_nothing_and_says_nothing(self, log_dir: Path) -> None:
        assert prune(str(log_dir), "--older-than", "30d", "--compress-after", "7d").stdout
        again = prune(str(log_dir), "--older-than", "30d", "--compress-after", "7d")
        assert again.returncode == 0 and again.stdout == "" and again.stderr == ""

    def test_dry_run_changes_nothing(self, log_dir: Path) -> None:
        before = names(log_dir)
        result = prune(str(log_dir), "--older-than", "30d", "--compress-after", "7d", "-n")
        assert result.returncode == 0
        assert names(log_dir) == before
        assert result.stdout.count("would remove") == 2
        assert result.stdout.count("would gzip") == 2

    def test_age_is_the_content_not_the_modification_time(self, log_dir: Path) -> None:
        """A restored backup (new mtime, old content) goes; an old mtime on new content stays."""
        old_content = log_dir / dated(45)
        os.utime(old_content)  # touched now
        recent = log_dir / dated(3)
        an_old_time = time.time() - 400 * 86400
        os.utime(recent, (an_old_time, an_old_time))
        prune(str(log_dir), "--older-than", "30d")
        assert not old_content.exists()
        assert recent.exists()

    def test_the_live_file_is_never_touched(self, tmp_path: Path) -> None:
        """events.log with only old events stays; so does the newest file of a log without
        events.log (the open-source Analytics log writes only dated files)."""
        with_base = tmp_path / "a"
        with_base.mkdir()
        (with_base / "events.log").write_bytes(day_lines(90))
        without = tmp_path / "b"
        without.mkdir()
        (without / dated(91)).write_bytes(day_lines(91))
        (without / dated(90)).write_bytes(day_lines(90))
        result = prune(str(with_base), str(without), "--older-than", "30d")
        assert result.returncode == 0, result.stderr
        assert names(with_base) == {"events.log"}
        assert names(without) == {dated(90)}

    def test_a_file_without_a_readable_time_is_kept_with_the_reason(self, log_dir: Path) -> None:
        (log_dir / "events.log.1").write_bytes(b"not json\n")
        result = prune(str(log_dir), "--older-than", "30d")
        assert (log_dir / "events.log.1").exists()
        assert "kept" in result.stdout and "no event time could be read" in result.stdout

    def test_files_a_checkpoint_still_needs_are_kept(self, log_dir: Path, tmp_path: Path) -> None:
        """A follower that stopped in the 31-day-old file needs it and every newer one."""
        checkpoint = tmp_path / "tail.pos"
        stopped_in = log_dir / dated(31)
        content = stopped_in.read_bytes()
        two_lines = content.index(b"\n", content.index(b"\n") + 1) + 1
        info = stopped_in.stat()
        first = ome_events.parse_line(content[: content.index(b"\n")])
        position = Position(
            str(stopped_in), info.st_dev, info.st_ino, fingerprint_of(content), two_lines, 2,
            first.time,
        )  # fmt: skip
        assert Checkpoint(checkpoint).save(position)
        result = prune(
            str(log_dir), "--older-than", "30d", "--compress-after", "7d",
            "--checkpoint", str(checkpoint),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert not (log_dir / dated(45)).exists()
        assert (log_dir / dated(31)).exists() and (log_dir / dated(20)).exists()
        assert result.stdout.count("checkpoint still needs it") == 3  # 31, 20 and 9 days
        with ome_events.follow(log_dir, checkpoint=checkpoint) as follower:
            assert follower.started_from == "checkpoint"
            assert next(follower).summary == "Stream created. d31-2"  # resumed exactly

    def test_another_prune_at_once_is_refused(self, log_dir: Path) -> None:
        with prune_lock(log_dir):
            result = prune(str(log_dir), "--older-than", "30d")
        assert result.returncode == 1
        assert "another prune" in result.stderr
        assert (log_dir / dated(45)).exists()

    def test_usage(self, log_dir: Path) -> None:
        assert prune(str(log_dir)).returncode == 2  # --older-than is required
        wrong = prune(str(log_dir), "--older-than", "7d", "--compress-after", "30d")
        assert wrong.returncode == 2 and "shorter" in wrong.stderr
        assert prune(str(log_dir / "events.log"), "--older-than", "1d").returncode == 1


def test_plan_is_pure(log_dir: Path) -> None:
    """plan_prune changes nothing and lists the rotated files it would act on, oldest first."""
    before = names(log_dir)
    plan = plan_prune(log_dir, older_than=timedelta(days=30), now=NOW)
    assert [a.action for a in plan] == ["remove", "remove"]
    assert names(log_dir) == before


def test_an_unreadable_file_is_kept_with_the_reason_and_the_rest_is_done(
    shared_dir: Path,  # noqa: F811 (the fixture)
) -> None:
    """As an unprivileged user (root reads anything): a rotated file of mode 000 is kept and
    named with the reason; the other old files are still removed; the status says it."""
    from tests.helpers.unprivileged import prefix

    folder = shared_dir / "edge1"
    folder.mkdir()
    folder.chmod(0o777)
    for days in (45, 40, 3):
        (folder / dated(days)).write_bytes(day_lines(days))
        (folder / dated(days)).chmod(0o666)
    (folder / "events.log").write_bytes(day_lines(0.01))
    (folder / dated(40)).chmod(0o000)
    result = subprocess.run(
        [*prefix(), sys.executable, "-m", "ome_events", "prune", str(folder),
         "--older-than", "30d"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert not (folder / dated(45)).exists()
    assert (folder / dated(40)).exists()
    assert f"kept         {folder / dated(40)}" in result.stdout
    assert "cannot read it" in result.stdout
    assert (folder / dated(3)).exists()

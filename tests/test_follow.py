"""The follower: nothing lost, nothing repeated, across every way a log rolls."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import orjson
import pytest
from tests.helpers.follow import OmeLikeLog, make_line

from ome_events import ParseError, follow
from ome_events.follower import Follower, Position, read_checkpoint


@pytest.fixture
def log(tmp_path: Path) -> OmeLikeLog:
    directory = tmp_path / "logs"
    directory.mkdir()
    return OmeLikeLog(directory)


def summaries(follower: Follower) -> list[str]:
    return [e.summary for e in follower.poll()]


class TestFromReaderPosition:
    """A history reader hands its end to a follower: every event once, nothing between lost."""

    def test_lines_written_in_between_are_followed(self, log: OmeLikeLog) -> None:
        """What is written after the history was read, even across a rotation, comes once."""
        from ome_events import read_events

        log.append(3)
        log.append_half()
        reader = read_events(log.directory, partial="leave")
        history = [e.summary for e in reader]
        assert history == ["n0", "n1", "n2"]  # the half-written line is left to the follower
        assert reader.position is not None
        log.append(2)  # finishes n3, writes n4 and n5
        log.rotate()
        log.append(1)
        with follow(log.directory, start=reader.position, poll=True) as follower:
            assert summaries(follower) == ["n3", "n4", "n5", "n6"]

    def test_partial_read_or_left(self, log: OmeLikeLog) -> None:
        """A last line without newline is an event of a finished file ('read', the default),
        and left to a follower with 'leave'."""
        from ome_events import read_events

        log.base.write_bytes(make_line(0) + make_line(1).rstrip(b"\n"))
        assert [e.summary for e in read_events(log.directory)] == ["n0", "n1"]
        assert [e.summary for e in read_events(log.directory, partial="leave")] == ["n0"]


class TestStart:
    """Where a follower begins."""

    def test_end_skips_what_is_there(self, log: OmeLikeLog) -> None:
        """start='end' emits only lines written after start-up."""
        log.append(3)
        with follow(log.directory, poll=True) as follower:
            assert summaries(follower) == []
            log.append(2)
            assert summaries(follower) == ["n3", "n4"]

    def test_end_keeps_a_half_written_line(self, log: OmeLikeLog) -> None:
        """A line being written at start-up is emitted once it is complete."""
        log.append(1)
        log.append_half()
        with follow(log.directory, poll=True) as follower:
            assert summaries(follower) == []
            log.finish_line()
            assert summaries(follower) == ["n1"]

    def test_end_numbers_lines_correctly(self, log: OmeLikeLog) -> None:
        """Line numbers count the lines that were skipped."""
        log.append(5)
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            [event] = follower.poll()
            assert event.origin is not None
            assert event.origin.line == 6

    def test_start_reads_the_current_file(self, log: OmeLikeLog) -> None:
        """start='start' reads the file being written from its beginning, not older files."""
        log.append(2)
        log.rotate()
        log.append(2)
        with follow(log.directory, start="start", poll=True) as follower:
            assert summaries(follower) == ["n2", "n3"]

    def test_base_file_that_appears_later_is_read_from_zero(self, log: OmeLikeLog) -> None:
        """No file at start-up: the first one is read whole."""
        with follow(log.directory, poll=True) as follower:
            assert summaries(follower) == []
            log.append(3)
            assert summaries(follower) == ["n0", "n1", "n2"]

    def test_directory_that_appears_later(self, tmp_path: Path) -> None:
        """Following a directory that does not exist yet waits for it."""
        log = OmeLikeLog(tmp_path / "later")
        with follow(log.directory, poll=True) as follower:
            assert summaries(follower) == []
            log.directory.mkdir()
            log.append(2)
            assert summaries(follower) == ["n0", "n1"]

    def test_base_file_path(self, log: OmeLikeLog) -> None:
        """The path may be the base file itself."""
        log.append(1)
        with follow(log.base, start="start", poll=True) as follower:
            assert summaries(follower) == ["n0"]


class TestLines:
    """Partial, long and bad lines."""

    def test_partial_line_waits_for_newline(self, log: OmeLikeLog) -> None:
        """A complete JSON object without its newline is not emitted (OME's two writes)."""
        with follow(log.directory, poll=True) as follower:
            line = make_line(0, long=True)
            log._write(line[:-1])
            assert summaries(follower) == []
            log._write(b"\n")
            assert summaries(follower) == ["n0"]

    def test_long_lines(self, log: OmeLikeLog) -> None:
        """Lines over 1024 bytes written in two writes arrive whole."""
        with follow(log.directory, poll=True) as follower:
            log.append(3, long=True)
            assert summaries(follower) == ["n0", "n1", "n2"]

    def test_bad_lines_are_reported_not_raised(self, log: OmeLikeLog) -> None:
        """A bad line goes to on_error and the lines after it are read."""
        errors: list[ParseError] = []
        with follow(log.directory, poll=True, on_error=errors.append) as follower:
            log.append(1)
            log._write(b"garbage\n")
            log.append(1)
            assert summaries(follower) == ["n0", "n1"]
        assert [e.line for e in errors] == [2]
        assert follower.stats.errors == 1

    def test_over_long_line_is_skipped(self, log: OmeLikeLog) -> None:
        """A line over max_line_bytes is reported and the next line is read."""
        errors: list[ParseError] = []
        with follow(
            log.directory, poll=True, on_error=errors.append, max_line_bytes=2000
        ) as follower:
            log._write(b"x" * 5000)
            assert summaries(follower) == []
            log._write(b"y" * 5000 + b"\n")
            log.append(1)
            assert summaries(follower) == ["n0"]
        assert len(errors) == 1


class TestRotation:
    """Rename rotation, as OME does it."""

    def test_rename_then_new_base(self, log: OmeLikeLog) -> None:
        """The renamed file is read to its end before the new base file."""
        with follow(log.directory, poll=True) as follower:
            log.append(2)
            assert summaries(follower) == ["n0", "n1"]
            log.append(2)
            log.rotate()
            log.append(2)
            assert summaries(follower) == ["n2", "n3", "n4", "n5"]
            assert follower.stats.rotations == 1

    def test_new_base_created_lazily(self, log: OmeLikeLog) -> None:
        """OME creates the new base only at the first write after the day changed."""
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
            log.rotate()
            assert summaries(follower) == []
            log.append(1)
            assert summaries(follower) == ["n1"]

    def test_several_rotations_between_two_looks(self, log: OmeLikeLog) -> None:
        """Every rotated sibling not yet read is read, in order."""
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
            for _ in range(4):
                log.append(2)
                log.rotate()
            log.append(1)
            assert summaries(follower) == [f"n{i}" for i in range(1, 10)]

    def test_rotated_file_compressed_before_it_was_read(self, log: OmeLikeLog) -> None:
        """A sibling compressed before the follower got to it is read from the .gz."""
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
            log.rotate()
            log.append(2)
            middle = log.rotate()
            log.compress(middle)
            log.append(1)
            assert summaries(follower) == ["n1", "n2", "n3"]

    def test_current_file_compressed_while_open(self, log: OmeLikeLog) -> None:
        """The file being read is renamed, compressed and deleted: read through the handle."""
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
            log.append(1)
            log.compress(log.rotate())
            log.append(1)
            assert summaries(follower) == ["n1", "n2"]

    def test_open_source_layout(self, log: OmeLikeLog) -> None:
        """No base file: a new dated file each day; the newest is followed."""
        day1 = log.directory / "events.log.20250326"
        day1.write_bytes(make_line(0))
        with follow(log.directory, poll=True) as follower:
            with open(day1, "ab") as stream:
                stream.write(make_line(1))
            assert summaries(follower) == ["n1"]
            with open(day1, "ab") as stream:
                stream.write(make_line(2))
            (log.directory / "events.log.20250327").write_bytes(make_line(3) + make_line(4))
            assert summaries(follower) == ["n2", "n3", "n4"]


class TestTruncationAndDeletion:
    """copytruncate, shrinking, deleting and re-creating."""

    def test_copytruncate_with_unread_tail(self, log: OmeLikeLog) -> None:
        """Lines not yet read when the file was copied and truncated come from the copy."""
        with follow(log.directory, poll=True) as follower:
            log.append(2)
            assert summaries(follower) == ["n0", "n1"]
            log.append(2)
            log.copytruncate()
            log.append(1)
            assert summaries(follower) == ["n2", "n3", "n4"]
            assert follower.stats.truncations == 1

    def test_truncated_and_rewritten_to_a_larger_size(self, log: OmeLikeLog) -> None:
        """A new fingerprint at the same or a larger size is a truncation too."""
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
            with open(log.base, "r+b") as stream:
                stream.truncate(0)
            log.append(3)
            assert summaries(follower) == ["n1", "n2", "n3"]

    def test_deleted_file_is_read_to_its_end(self, log: OmeLikeLog) -> None:
        """Lines written before a deletion are read through the open handle."""
        with follow(log.directory, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
            fd = os.open(log.base, os.O_WRONLY | os.O_APPEND)
            os.write(fd, make_line(1))
            log.base.unlink()
            os.write(fd, make_line(2))  # the writer still holds the deleted file
            os.close(fd)
            assert summaries(follower) == ["n1", "n2"]
            log.next_number = 3
            log.append(1)  # re-created
            assert summaries(follower) == ["n3"]


class TestCheckpoint:
    """Resuming exactly where the consumer stopped."""

    def test_resume_exactly(self, log: OmeLikeLog, tmp_path: Path) -> None:
        """A clean close loses nothing and repeats nothing."""
        checkpoint = tmp_path / "ckpt"
        with follow(log.directory, start="start", checkpoint=checkpoint, poll=True) as follower:
            log.append(3)
            assert summaries(follower) == ["n0", "n1", "n2"]
        log.append(2)
        with follow(log.directory, checkpoint=checkpoint, poll=True) as follower:
            assert summaries(follower) == ["n3", "n4"]

    def test_checkpoint_is_never_ahead_of_the_consumer(
        self, log: OmeLikeLog, tmp_path: Path
    ) -> None:
        """Closing after taking one of three events resumes at the second."""
        checkpoint = tmp_path / "ckpt"
        log.append(3)
        follower = follow(log.directory, start="start", checkpoint=checkpoint, poll=True)
        assert next(follower).summary == "n0"
        follower.close()
        with follow(log.directory, checkpoint=checkpoint, poll=True) as again:
            assert summaries(again) == ["n1", "n2"]

    def test_resume_after_rotations_and_compression_while_stopped(
        self, log: OmeLikeLog, tmp_path: Path
    ) -> None:
        """The checkpointed file is found under its new name, compressed, after rotations."""
        checkpoint = tmp_path / "ckpt"
        with follow(log.directory, checkpoint=checkpoint, poll=True) as follower:
            log.append(2)
            assert summaries(follower) == ["n0", "n1"]
        log.append(1)
        log.compress(log.rotate())
        log.append(2)
        log.rotate()
        log.append(1)
        with follow(log.directory, checkpoint=checkpoint, poll=True) as follower:
            assert summaries(follower) == ["n2", "n3", "n4", "n5"]

    def test_resume_after_the_file_was_deleted(self, log: OmeLikeLog, tmp_path: Path) -> None:
        """If the checkpointed file is gone, the files after it are read."""
        checkpoint = tmp_path / "ckpt"
        with follow(log.directory, checkpoint=checkpoint, poll=True) as follower:
            log.append(1)
            assert summaries(follower) == ["n0"]
        log.append(1)
        log.rotate().unlink()
        log.append(1)
        with follow(log.directory, checkpoint=checkpoint, poll=True) as follower:
            assert summaries(follower) == ["n2"]

    def test_format(self, log: OmeLikeLog, tmp_path: Path) -> None:
        """The checkpoint is a small JSON document with the file identity and the offset."""
        checkpoint = tmp_path / "ckpt"
        with follow(log.directory, checkpoint=checkpoint, poll=True) as follower:
            log.append(2)
            follower.poll()
        data = orjson.loads(checkpoint.read_bytes())
        assert data["version"] == 1
        assert data["offset"] == log.base.stat().st_size
        assert data["line"] == 3
        assert data["inode"] == log.base.stat().st_ino
        assert data["fingerprint"]
        assert read_checkpoint(checkpoint) == Position.from_json(checkpoint.read_bytes())
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ckpt")] == []

    def test_damaged_checkpoint_is_ignored(self, log: OmeLikeLog, tmp_path: Path) -> None:
        """A checkpoint that cannot be read is reported and the follower starts as told."""
        checkpoint = tmp_path / "ckpt"
        checkpoint.write_text("{not json")
        log.append(1)
        with follow(log.directory, start="start", checkpoint=checkpoint, poll=True) as follower:
            assert summaries(follower) == ["n0"]

    def test_periodic_checkpoint(self, log: OmeLikeLog, tmp_path: Path) -> None:
        """Checkpoints are written while running, with the consumer's position."""
        checkpoint = tmp_path / "ckpt"
        follower = follow(
            log.directory, start="start", checkpoint=checkpoint, poll=True, checkpoint_interval=0
        )
        log.append(2)
        assert len(follower.poll()) == 2
        follower.poll()  # the consumer is back: both events are done with
        saved = read_checkpoint(checkpoint)  # written without close(), as before a SIGKILL
        assert saved is not None and saved.line == 3
        follower.close()


class TestBlocking:
    """The iterator form, with inotify or polling."""

    @pytest.mark.parametrize("poll", [False, True], ids=["inotify", "polling"])
    def test_next_wakes_up_for_new_lines(self, log: OmeLikeLog, poll: bool) -> None:
        """A blocked next() returns when a line is written by another thread."""
        log.append(1)
        follower = follow(log.directory, poll=poll, poll_interval=0.05)
        writer = threading.Timer(0.2, log.append)
        writer.start()
        try:
            assert next(follower).summary == "n1"
        finally:
            writer.join()
            follower.close()

    def test_close_from_another_thread(self, log: OmeLikeLog) -> None:
        """close() from another thread ends a blocked iteration."""
        follower = follow(log.directory, poll=True, poll_interval=0.05)
        closer = threading.Timer(0.2, follower.close)
        closer.start()
        started = time.monotonic()
        assert list(follower) == []
        closer.join()
        assert time.monotonic() - started < 60  # returned at all (a hang fails the timeout)


def test_a_missing_directory_is_said_then_waited_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """follow() on a directory that does not exist yet logs it once, then delivers its events
    when it appears (as tail -F)."""
    import logging

    from tests.helpers.lines import event_line

    folder = tmp_path / "later"
    with caplog.at_level(logging.WARNING, logger="ome_events.follower"):
        follower = follow(folder, start="start", poll=True, poll_interval=0.01)
    assert "does not exist (yet): waiting for it" in caplog.text
    with follower:
        folder.mkdir()
        (folder / "events.log").write_bytes(event_line(summary="Stream created. Id: 1"))
        deadline = time.monotonic() + 60  # a guard against hanging, not a speed requirement
        seen: list[str] = []
        while not seen and time.monotonic() < deadline:
            seen = [e.summary for e in follower.poll()]
            time.sleep(0.01)
    assert seen == ["Stream created. Id: 1"]

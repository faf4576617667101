"""read_events: a whole log directory, in order, with time ranges and error policies."""

from __future__ import annotations

import gzip
import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.helpers.lines import event_line

from ome_events import EventType, ParseError, read_events, read_stream

WriteLog = Callable[..., Path]


def day_lines(day: int, count: int = 3, offset: str = "+00:00") -> list[bytes]:
    """``count`` events on 2025-03-<day>, an hour apart, summaries naming day and index."""
    return [
        event_line(f"2025-03-{day:02d}T{hour:02d}:00:00.000{offset}", summary=f"day {day} #{hour}")
        for hour in range(count)
    ]


@pytest.fixture
def three_days(tmp_path: Path, write_log: WriteLog) -> Path:
    """A log rotated twice: a .gz day, a plain rotated day, the base file."""
    write_log("events.log.20250325.gz", day_lines(25))
    write_log("events.log.20250326", day_lines(26))
    write_log("events.log", day_lines(27))
    return tmp_path


class TestOrder:
    """Events come out in the order they happened."""

    def test_directory(self, three_days: Path) -> None:
        """Rotated, compressed and base files, oldest first."""
        summaries = [e.summary for e in read_events(three_days)]
        assert summaries == [f"day {d} #{h}" for d in (25, 26, 27) for h in range(3)]

    def test_origin(self, three_days: Path) -> None:
        """Each event says which file and line it came from."""
        events = list(read_events(three_days))
        assert events[0].origin is not None
        assert Path(events[0].origin.file or "").name == "events.log.20250325.gz"
        assert [e.origin.line for e in events[3:6] if e.origin] == [1, 2, 3]

    def test_single_file(self, three_days: Path) -> None:
        """A file path reads that file only, gzip or not."""
        assert len(list(read_events(three_days / "events.log.20250325.gz"))) == 3

    def test_missing_path(self, tmp_path: Path) -> None:
        """A path that does not exist is a FileNotFoundError, not an empty log."""
        with pytest.raises(FileNotFoundError):
            read_events(tmp_path / "nope")

    def test_stream(self) -> None:
        """An open binary stream (standard input) reads like a file."""
        data = b"".join(day_lines(26))
        assert len(list(read_stream(io.BytesIO(data)))) == 3

    def test_next_works(self, three_days: Path) -> None:
        """The reader is an iterator."""
        reader = read_events(three_days)
        assert next(reader).summary == "day 25 #0"
        assert next(iter(reader)).summary == "day 25 #1"


class TestTimeRange:
    """since and until select events and skip files that cannot match."""

    def test_since_until(self, three_days: Path) -> None:
        """since is inclusive, until exclusive."""
        reader = read_events(
            three_days,
            since=datetime(2025, 3, 26, 1, tzinfo=UTC),
            until=datetime(2025, 3, 27, 1, tzinfo=UTC),
        )
        assert [e.summary for e in reader] == ["day 26 #1", "day 26 #2", "day 27 #0"]

    def test_files_before_since_are_not_read(self, three_days: Path) -> None:
        """Only the files that can hold events in the range are opened past their start."""
        reader = read_events(three_days, since=datetime(2025, 3, 27, tzinfo=UTC))
        assert len(list(reader)) == 3
        assert [f.path.name for f in reader.read_files] == ["events.log"]

    def test_files_after_until_are_not_read(self, three_days: Path) -> None:
        """A file that starts after until is not opened."""
        reader = read_events(three_days, until=datetime(2025, 3, 25, 12, tzinfo=UTC))
        assert len(list(reader)) == 3
        assert [f.path.name for f in reader.read_files] == ["events.log.20250325.gz"]

    def test_other_offsets(self, tmp_path: Path, write_log: WriteLog) -> None:
        """Bounds compare instants, whatever offset the log uses."""
        write_log("events.log", day_lines(26, offset="+09:00"))
        since = datetime(2025, 3, 25, 16, tzinfo=UTC)  # 01:00 at +09:00
        assert [e.summary for e in read_events(tmp_path, since=since)] == ["day 26 #1", "day 26 #2"]

    def test_naive_bounds_are_local_time(self, tmp_path: Path, write_log: WriteLog) -> None:
        """A bound without a zone means the machine's local time."""
        write_log("events.log", day_lines(26))
        local = datetime(2025, 3, 26, 1, tzinfo=UTC).astimezone().replace(tzinfo=None)
        assert len(list(read_events(tmp_path, since=local))) == 2

    def test_slightly_unordered_lines_near_until(self, tmp_path: Path, write_log: WriteLog) -> None:
        """Lines that step back a little after a later one are still found."""
        lines = [
            event_line("2025-03-26T00:00:00.000+00:00", summary="a"),
            event_line("2025-03-26T00:00:02.000+00:00", summary="late"),
            event_line("2025-03-26T00:00:00.500+00:00", summary="b"),
        ]
        write_log("events.log", lines)
        until = datetime(2025, 3, 26, 0, 0, 1, tzinfo=UTC)
        assert [e.summary for e in read_events(tmp_path, until=until)] == ["a", "b"]


class TestErrors:
    """Bad lines: raise, skip or collect; nothing after them is lost."""

    @pytest.fixture
    def with_bad_lines(self, tmp_path: Path, write_log: WriteLog) -> Path:
        write_log("events.log.20250326", [day_lines(26)[0], b"oops\n", day_lines(26)[1]])
        write_log("events.log", [b"{bad\n", *day_lines(27)])
        return tmp_path

    def test_raise(self, with_bad_lines: Path) -> None:
        """The default raises at the first bad line, with file and line."""
        reader = read_events(with_bad_lines)
        with pytest.raises(ParseError) as info:
            list(reader)
        assert info.value.line == 2
        assert Path(info.value.file or "").name == "events.log.20250326"

    def test_skip(self, with_bad_lines: Path, caplog: pytest.LogCaptureFixture) -> None:
        """Skip reads every good line, counts the bad ones and logs them."""
        reader = read_events(with_bad_lines, errors="skip")
        with caplog.at_level(logging.WARNING, logger="ome_events"):
            assert len(list(reader)) == 5
        assert reader.error_count == 2
        assert "events.log.20250326, line 2" in caplog.text

    def test_collect(self, with_bad_lines: Path) -> None:
        """Collect keeps the errors for the caller."""
        reader = read_events(with_bad_lines, errors="collect")
        assert len(list(reader)) == 5
        assert [(Path(e.file or "").name, e.line) for e in reader.errors] == [
            ("events.log.20250326", 2),
            ("events.log", 1),
        ]

    def test_truncated_gzip(self, tmp_path: Path) -> None:
        """A .gz cut short (still being written, or damaged) gives what it holds and an error."""
        data = gzip.compress(b"".join(day_lines(25, count=200)), mtime=0)
        (tmp_path / "events.log.20250325.gz").write_bytes(data[: len(data) // 2])
        (tmp_path / "events.log").write_bytes(b"".join(day_lines(27)))
        reader = read_events(tmp_path, errors="collect")
        events = list(reader)
        assert [e.summary for e in events[-3:]] == ["day 27 #0", "day 27 #1", "day 27 #2"]
        assert any("compressed file" in e.reason for e in reader.errors)

    def test_strict(self, tmp_path: Path, write_log: WriteLog) -> None:
        """strict=True reports unknown names as bad lines."""
        write_log("events.log", [event_line(type="NodeJoined"), event_line()])
        reader = read_events(tmp_path, errors="collect", strict=True)
        assert [e.type for e in reader] == [EventType.STREAM_CREATED]
        assert "unknown type" in reader.errors[0].reason


class TestEdges:
    """Files that change under the reader."""

    def test_rotated_file_deleted_before_reading(self, three_days: Path) -> None:
        """A file deleted by cron after listing is passed over."""
        reader = read_events(three_days)
        (three_days / "events.log.20250326").unlink()
        assert len(list(reader)) == 6

    def test_empty_directory(self, tmp_path: Path) -> None:
        """No log files: no events, no error."""
        assert list(read_events(tmp_path)) == []

    def test_until_before_everything(self, three_days: Path) -> None:
        """A range before the log gives nothing and opens nothing."""
        reader = read_events(three_days, until=datetime(2025, 3, 1, tzinfo=UTC))
        assert list(reader) == []
        assert reader.read_files == []

    def test_since_after_everything(self, three_days: Path) -> None:
        """A range after the log reads only the base file."""
        reader = read_events(
            three_days, since=datetime(2025, 3, 27, tzinfo=UTC) + timedelta(days=5)
        )
        assert list(reader) == []
        assert [f.path.name for f in reader.read_files] == ["events.log"]

"""Finding a log's files and ordering them by their content."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.helpers.lines import event_line

from ome_events.files import (
    CHUNK_SIZE,
    LogFile,
    find_log_files,
    first_event_time,
    is_gzip,
    last_event_time,
    lines_backwards,
    ordered_log_files,
    scan_log_directory,
)

WriteLog = Callable[..., Path]


class TestNames:
    """Which names belong to the log."""

    def test_recognised_names(self, tmp_path: Path) -> None:
        """OME's dated names, logrotate's numbered and dateext ones, compressed or not; an
        impossible date is still a rotated name (the content orders it)."""
        names = [
            "events.log",
            "events.log.20250326",
            "events.log.20250326.0",
            "events.log.20250325.gz",
            "events.log.20250324.1.gz",
            "events.log.1",
            "events.log.2.gz",
            "events.log-20250323",
            "events.log-20250322.gz",
            "events.log-20250321-1742500000",
            "events.log.2025-03-20",
            "events.log.20251399",
        ]
        unrecognised = ["events.log.old", "events.log.2025", "events.log.bz2", "events.log-x"]
        others = ["ovenmediaengine.log", "events.logger"]
        for name in names + unrecognised + others:
            (tmp_path / name).write_bytes(b"")
        assert sorted(f.path.name for f in find_log_files(tmp_path)) == sorted(names)
        found = scan_log_directory(tmp_path)
        assert [p.name for p in found.unrecognised] == sorted(unrecognised)

    def test_parts_of_a_name(self) -> None:
        """Suffix date, clash index and compression are read from the name."""
        log_file = LogFile.from_path(Path("events.log.20250326.2.gz"))
        assert log_file is not None
        assert (log_file.suffix_date, log_file.index, log_file.compressed) == (
            date(2025, 3, 26),
            2,
            True,
        )
        base = LogFile.from_path(Path("events.log"))
        assert base is not None and base.is_base

    def test_other_base_name(self, tmp_path: Path) -> None:
        """A log configured with another file name."""
        (tmp_path / "ome.events").write_bytes(b"")
        (tmp_path / "ome.events.20250101").write_bytes(b"")
        assert len(find_log_files(tmp_path, "ome.events")) == 2

    def test_gzip_twin_is_left_out(self, tmp_path: Path) -> None:
        """While gzip writes X.gz, X is still there: read X only, never both."""
        (tmp_path / "events.log.20250326").write_bytes(b"")
        (tmp_path / "events.log.20250326.gz").write_bytes(b"")
        assert [f.path.name for f in find_log_files(tmp_path)] == ["events.log.20250326"]

    def test_gzip_is_detected_by_content(self, write_log: WriteLog) -> None:
        """A compressed file without .gz is still decompressed."""
        path = write_log("x.gz", [event_line()])
        renamed = path.rename(path.with_name("events.log.20250326"))
        assert is_gzip(renamed)
        assert first_event_time(renamed) is not None


class TestOrder:
    """Files are ordered by the time of their first event, not by their names."""

    def test_older_logger_naming(self, tmp_path: Path, write_log: WriteLog) -> None:
        """The old logger names the file after the new day: .20250327 holds the 26th."""
        write_log("events.log.20250327", [event_line("2025-03-26T10:00:00.000+09:00")])
        write_log("events.log.20250326", [event_line("2025-03-25T10:00:00.000+09:00")])
        write_log("events.log", [event_line("2025-03-27T00:00:01.000+09:00")])
        order = [f.path.name for f in ordered_log_files(tmp_path)]
        assert order == ["events.log.20250326", "events.log.20250327", "events.log"]

    def test_names_that_lie(self, tmp_path: Path, write_log: WriteLog) -> None:
        """Content wins over a misleading suffix, and compressed files take their place."""
        write_log("events.log.20250101.gz", [event_line("2025-03-27T00:00:00.000+00:00")])
        write_log("events.log.20250326.0", [event_line("2025-03-26T00:00:00.000+00:00")])
        write_log("events.log", [event_line("2025-03-28T00:00:00.000+00:00")])
        order = [f.path.name for f in ordered_log_files(tmp_path)]
        assert order == ["events.log.20250326.0", "events.log.20250101.gz", "events.log"]

    def test_offsets_are_compared_as_instants(self, tmp_path: Path, write_log: WriteLog) -> None:
        """09:00+09:00 is before 01:00+00:00."""
        write_log("events.log.20250302", [event_line("2025-03-26T09:00:00.000+09:00")])
        write_log("events.log.20250301", [event_line("2025-03-26T01:00:00.000+00:00")])
        order = [f.path.name for f in ordered_log_files(tmp_path)]
        assert order == ["events.log.20250302", "events.log.20250301"]

    def test_empty_base_file_is_last(self, tmp_path: Path, write_log: WriteLog) -> None:
        """A base file just rolled (still empty) comes after the rotated ones."""
        write_log("events.log", [])
        write_log("events.log.20250326", [event_line()])
        assert [f.path.name for f in ordered_log_files(tmp_path)] == [
            "events.log.20250326",
            "events.log",
        ]

    def test_garbage_at_the_start_is_skipped(self, tmp_path: Path, write_log: WriteLog) -> None:
        """The first readable event decides, even after bad lines."""
        write_log(
            "events.log.20250101", [b"garbage\n", event_line("2025-03-27T00:00:00.000+00:00")]
        )
        write_log("events.log.20250102", [event_line("2025-03-26T00:00:00.000+00:00")])
        assert next(f.path.name for f in ordered_log_files(tmp_path)) == "events.log.20250102"

    def test_files_without_events_fall_back_to_their_names(
        self, tmp_path: Path, write_log: WriteLog
    ) -> None:
        """Rotated files with no readable event are placed by their suffix date."""
        write_log("events.log.20250320", [b"garbage\n"])
        write_log("events.log.20250326", [event_line("2025-03-26T00:00:00.000+00:00")])
        write_log("events.log.20250310", [event_line("2025-03-10T00:00:00.000+00:00")])
        assert [f.path.name for f in ordered_log_files(tmp_path)] == [
            "events.log.20250310",
            "events.log.20250320",
            "events.log.20250326",
        ]


class TestLastEventTime:
    """The end of a plain file is found by reading backwards."""

    def test_last_line_wins(self, write_log: WriteLog) -> None:
        """The last valid line, past a partial one and trailing garbage."""
        path = write_log(
            "events.log",
            [
                event_line("2025-03-26T00:00:00.000+00:00"),
                event_line("2025-03-26T05:00:00.000+00:00"),
                b'junk\n{"ti',
            ],
        )
        found = last_event_time(path)
        assert found is not None and found.hour == 5

    def test_long_file(self, write_log: WriteLog) -> None:
        """More than one backwards block."""
        lines = [
            event_line(f"2025-03-26T00:{m:02d}:00.000+00:00", summary="x" * 300) for m in range(60)
        ] * 10
        found = last_event_time(write_log("events.log", lines))
        assert found is not None and found.minute == 59

    def test_gzip_and_empty(self, write_log: WriteLog) -> None:
        """No answer for compressed or empty files."""
        assert last_event_time(write_log("a.gz", [event_line()])) is None
        assert last_event_time(write_log("events.log", [])) is None


class TestLinesBackwards:
    """The backward line reader agrees with a forward split, whatever the block boundaries."""

    @given(st.lists(st.binary(max_size=300).map(lambda b: b.replace(b"\n", b"")), max_size=40),
           st.binary(max_size=200).map(lambda b: b.replace(b"\n", b"")))  # fmt: skip
    def test_same_lines_as_forward(self, lines: list[bytes], tail: bytes) -> None:
        """Every complete line, newest first, with its offset; the unfinished tail is left out."""
        data = b"".join(line + b"\n" for line in lines) + tail
        expected = []
        offset = 0
        for line in lines:
            expected.append((offset, line))
            offset += len(line) + 1
        found = list(lines_backwards(io.BytesIO(data)))
        assert found == expected[::-1]

    def test_long_lines_across_blocks(self) -> None:
        """A line longer than several blocks comes out whole."""
        long = b"x" * (CHUNK_SIZE * 3 + 17)
        data = b"a\n" + long + b"\nb\n"
        assert list(lines_backwards(io.BytesIO(data))) == [
            (len(long) + 3, b"b"),
            (2, long),
            (0, b"a"),
        ]

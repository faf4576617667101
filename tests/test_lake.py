"""The Parquet lake never loses nor doubles a row: re-runs, rotations, replacement of one
server, a window, a crash mid-export, a second export at once, leftovers of an older layout.
Counts are checked with DuckDB against the lines written (real files, real subprocesses)."""

from __future__ import annotations

import gzip
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from tests.helpers.lines import event_line

from ome_events.export.lake import PART, lake_lock
from ome_events.parquet import write_parquet

START = datetime(2025, 3, 26, 22, 0, tzinfo=UTC)
PATIENCE = 120.0  # a guard against hanging, not a speed requirement


def lines(first: int, count: int, *, tag: str = "n") -> list[bytes]:
    """``count`` events, one a minute from START + first minutes (they cross midnight UTC)."""
    return [
        event_line(
            (START + timedelta(minutes=i)).isoformat(timespec="milliseconds"),
            source=f"#default#app/{tag}{i}",
            summary=f"Stream created. {tag}{i} from 10.0.0.{i % 250}",
        )
        for i in range(first, first + count)
    ]


def append(log: Path, new: list[bytes]) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(b"".join(new))


def rows(lake: Path) -> Counter[tuple[str, str]]:
    """(server, stream) of every row in the lake, counted."""
    found = duckdb.sql(
        f"SELECT server, stream FROM read_parquet('{lake}/**/*.parquet', hive_partitioning=true)"
    ).fetchall()
    return Counter((server, stream) for server, stream in found)


def expected(server: str, first: int, count: int, tag: str = "n") -> Counter[tuple[str, str]]:
    return Counter((server, f"{tag}{i}") for i in range(first, first + count))


class TestAppend:
    def test_a_second_run_adds_nothing(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 200))
        lake = tmp_path / "lake"
        assert write_parquet(tmp_path / "edge1", lake, existing="append") == 200
        assert write_parquet(tmp_path / "edge1", lake, existing="append") == 0
        assert rows(lake) == expected("edge1", 0, 200)

    def test_a_growing_log_adds_only_its_new_lines(self, tmp_path: Path) -> None:
        log = tmp_path / "edge1" / "events.log"
        lake = tmp_path / "lake"
        append(log, lines(0, 100))
        write_parquet(log.parent, lake, existing="append")
        append(log, lines(100, 150))
        assert write_parquet(log.parent, lake, existing="append") == 150
        assert rows(lake) == expected("edge1", 0, 250)

    def test_rotation_and_gzip_do_not_make_rows_new(self, tmp_path: Path) -> None:
        """A line keeps its key when events.log is renamed and compressed."""
        folder = tmp_path / "edge1"
        lake = tmp_path / "lake"
        append(folder / "events.log", lines(0, 120))
        write_parquet(folder, lake, existing="append")
        rotated = folder / "events.log.20250326"
        os.rename(folder / "events.log", rotated)
        with open(rotated, "rb") as plain, gzip.open(f"{rotated}.gz", "wb") as packed:
            shutil.copyfileobj(plain, packed)
        rotated.unlink()
        append(folder / "events.log", lines(120, 30))
        assert write_parquet(folder, lake, existing="append") == 30
        assert rows(lake) == expected("edge1", 0, 150)

    def test_redacted_exports_are_keyed_like_plain_ones(self, tmp_path: Path) -> None:
        """Pseudonyms differ between runs (a random key), the rows' keys do not."""
        append(tmp_path / "edge1" / "events.log", lines(0, 50))
        lake = tmp_path / "lake"
        write_parquet(tmp_path / "edge1", lake, existing="append", redact_ip=True)
        assert write_parquet(tmp_path / "edge1", lake, existing="append", redact_ip=True) == 0
        assert rows(lake) == expected("edge1", 0, 50)

    def test_one_file_per_partition(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 200))
        lake = tmp_path / "lake"
        for _ in range(3):
            write_parquet(tmp_path / "edge1", lake, existing="append")
        files = sorted(p.relative_to(lake).as_posix() for p in lake.rglob("*"))
        assert files == [
            "date=2025-03-26",
            f"date=2025-03-26/{PART}",
            "date=2025-03-27",
            f"date=2025-03-27/{PART}",
        ]

    def test_leftovers_of_an_older_layout_are_healed(self, tmp_path: Path) -> None:
        """Several files in one partition holding the same rows (an older append, or a crash
        between rename and clean-up): the next write leaves one file, each row once."""
        append(tmp_path / "edge1" / "events.log", lines(0, 60))
        lake = tmp_path / "lake"
        write_parquet(tmp_path / "edge1", lake)
        for part in lake.glob(f"*/{PART}"):
            shutil.copy(part, part.with_name("part-0123456789ab-0.parquet"))
        assert sum(rows(lake).values()) == 120  # doubled, as the old layout could be
        append(tmp_path / "edge1" / "events.log", lines(60, 10))
        assert write_parquet(tmp_path / "edge1", lake, existing="append") == 10
        assert rows(lake) == expected("edge1", 0, 70)
        assert all(len(list(d.glob("*.parquet"))) == 1 for d in lake.iterdir())

    def test_a_lake_from_before_the_server_log_columns(self, tmp_path: Path) -> None:
        """Files written before ``tag``, ``thread`` and ``location`` were added at the end:
        readers see them as before (DuckDB, pandas), with ``union_by_name`` the new columns
        (empty in the old rows), and an append that rewrites a partition adds them empty."""
        import pyarrow.parquet as pq

        append(tmp_path / "edge1" / "events.log", lines(0, 60))
        lake = tmp_path / "lake"
        write_parquet(tmp_path / "edge1", lake)
        for part in lake.glob(f"*/{PART}"):  # as the files of the previous release were
            table = pq.read_table(part)
            pq.write_table(table.drop_columns(["tag", "thread", "location"]), part)
        server_log = tmp_path / "edge1" / "ovenmediaengine.log"
        server_log.write_text(
            "[2025-03-27 00:30:00.000] W [SPRTMP-t1935:77] RTMPProvider | rtmp_stream.cpp:9"
            "  | a warning\n"
        )
        from ome_events.formats.serverlog import set_server_zone

        set_server_zone("UTC")  # the server log's times: in UTC, whatever this machine's zone
        try:
            assert write_parquet(tmp_path / "edge1", lake, existing="append") == 1
        finally:
            set_server_zone(None)
        assert sum(rows(lake).values()) == 61
        found = duckdb.sql(
            f"SELECT tag, thread, location FROM read_parquet('{lake}/**/*.parquet',"
            " hive_partitioning=true, union_by_name=true) WHERE tag IS NOT NULL"
        ).fetchall()
        assert found == [("RTMPProvider", "SPRTMP-t1935", "rtmp_stream.cpp:9")]
        rewritten = next(lake.glob(f"date=2025-03-27/{PART}"))
        assert pq.read_schema(rewritten).names[-4:] == ["row_key", "tag", "thread", "location"]
        untouched = next(lake.glob(f"date=2025-03-26/{PART}"))
        assert "tag" not in pq.read_schema(untouched).names


class TestReplace:
    def test_replacing_one_server_keeps_the_others(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 100))
        append(tmp_path / "edge2" / "events.log", lines(0, 100, tag="m"))
        lake = tmp_path / "lake"
        write_parquet([tmp_path / "edge1", tmp_path / "edge2"], lake)
        assert write_parquet(tmp_path / "edge1", lake, existing="replace") == 100
        assert rows(lake) == expected("edge1", 0, 100) + expected("edge2", 0, 100, "m")

    def test_replace_takes_away_what_the_log_no_longer_says(self, tmp_path: Path) -> None:
        """Rows of the exported server in the dates written are the log's rows now."""
        log = tmp_path / "edge1" / "events.log"
        append(log, lines(0, 100))
        lake = tmp_path / "lake"
        write_parquet(log.parent, lake)
        log.write_bytes(b"".join(lines(0, 40)))  # the log was cut down (a test server reset)
        write_parquet(log.parent, lake, existing="replace")
        assert rows(lake) == expected("edge1", 0, 40)

    def test_replace_only_inside_the_window(self, tmp_path: Path) -> None:
        """With since/until only that window of the server's rows is replaced."""
        log = tmp_path / "edge1" / "events.log"
        append(log, lines(0, 100))
        lake = tmp_path / "lake"
        write_parquet(log.parent, lake)
        since, until = START + timedelta(minutes=30), START + timedelta(minutes=70)
        written = write_parquet(log.parent, lake, existing="replace", since=since, until=until)
        assert written == 40
        assert rows(lake) == expected("edge1", 0, 100)

    def test_partitioned_by_server(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 100))
        append(tmp_path / "edge2" / "events.log", lines(0, 100, tag="m"))
        lake = tmp_path / "lake"
        both = [tmp_path / "edge1", tmp_path / "edge2"]
        write_parquet(both, lake, partition_by_server=True)
        write_parquet(tmp_path / "edge2", lake, partition_by_server=True, existing="replace")
        write_parquet(both, lake, partition_by_server=True, existing="append")
        assert rows(lake) == expected("edge1", 0, 100) + expected("edge2", 0, 100, "m")


class TestLayout:
    def test_hourly_partitions(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 150))
        lake = tmp_path / "lake"
        write_parquet(tmp_path / "edge1", lake, hourly=True, partition_by_server=True)
        folders = {p.parent.relative_to(lake).as_posix() for p in lake.rglob("*.parquet")}
        assert folders == {
            "date=2025-03-26/hour=22/server=edge1",
            "date=2025-03-26/hour=23/server=edge1",
            "date=2025-03-27/hour=0/server=edge1",
        }
        hours = duckdb.sql(
            f"SELECT hour, count(*) FROM read_parquet('{lake}/**/*.parquet',"
            " hive_partitioning=true) GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert hours == [(0, 30), (22, 60), (23, 60)]


class TestFaults:
    def test_a_second_export_at_once_is_refused(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 10))
        lake = tmp_path / "lake"
        lake.mkdir()
        with lake_lock(lake):
            result = subprocess.run(
                [sys.executable, "-m", "ome_events", "export", str(tmp_path / "edge1"),
                 "--format", "parquet", "-o", str(lake), "--existing", "append"],
                capture_output=True, text=True, check=False, timeout=PATIENCE,
            )  # fmt: skip
        assert result.returncode == 1
        assert "another export is writing" in result.stderr
        assert not list(lake.rglob("*.parquet"))

    @pytest.mark.parametrize("existing", ["append", "replace"])
    def test_a_kill_mid_export_leaves_the_old_lake(self, tmp_path: Path, existing: str) -> None:
        """SIGKILL while the partitions are being written: the lake reads as before; the
        next run completes it exactly."""
        folder = tmp_path / "edge1"
        lake = tmp_path / "lake"
        append(folder / "events.log", lines(0, 100))
        write_parquet(folder, lake)
        before = rows(lake)
        append(folder / "events.log", lines(100, 300_000))  # big enough to be caught writing
        export = subprocess.Popen(
            [sys.executable, "-m", "ome_events", "export", str(folder),
             "--format", "parquet", "-o", str(lake), "--existing", existing],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + PATIENCE
        while not list(lake.rglob(".part-*.tmp")) and time.monotonic() < deadline:
            assert export.poll() is None, "the export ended before it could be interrupted"
            time.sleep(0.01)
        export.send_signal(signal.SIGKILL)
        export.wait()
        assert rows(lake) == before  # the temporary files are not part of the lake
        assert write_parquet(folder, lake, existing="append") == 300_000
        assert rows(lake) == expected("edge1", 0, 300_100)
        assert not list(lake.rglob(".part-*.tmp"))

    @pytest.mark.parametrize("existing", ["append", "replace"])
    def test_a_full_disk_mid_export_leaves_whole_partitions(
        self, tmp_path: Path, existing: str
    ) -> None:
        """The disk fills up (a real file size limit) after the first day's partition was
        rewritten: status 1 naming the lake; each partition is as before or as the export
        made it, each row once; no temporary file, no empty folder of a day it could not
        write; the next run completes the lake exactly."""
        folder = tmp_path / "edge1"
        lake = tmp_path / "lake"
        append(folder / "events.log", lines(0, 100))  # 22:00-23:39, one day
        write_parquet(folder, lake)
        before = rows(lake)
        append(folder / "events.log", lines(100, 20_000))  # two weeks more

        def limit_files() -> None:  # a day's partition is ~110 KB, the first one ~22 KB
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

        command = [sys.executable, "-m", "ome_events", "export", str(folder),
                   "--format", "parquet", "-o", str(lake), "--existing", existing]  # fmt: skip
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=PATIENCE,
            preexec_fn=limit_files,
        )  # fmt: skip
        assert result.returncode == 1
        assert result.stderr.startswith(f"ome-events: {lake}: ")
        assert "File too large" in result.stderr
        after = rows(lake)
        assert set(after) >= set(before) and set(after.values()) == {1}
        assert not list(lake.rglob(".part-*.tmp"))
        assert all(any(d.iterdir()) for d in lake.rglob("*") if d.is_dir())
        again = subprocess.run(command, capture_output=True, text=True, timeout=PATIENCE)
        assert again.returncode == 0, again.stderr
        assert rows(lake) == expected("edge1", 0, 20_100)


class TestCommandLine:
    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ome_events", "export", *args],
            capture_output=True, text=True, check=False, timeout=PATIENCE,
        )  # fmt: skip

    def test_cron_append_twice(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 30))
        append(tmp_path / "edge2" / "events.log", lines(0, 20, tag="m"))
        lake = str(tmp_path / "lake")
        paths = [str(tmp_path / "edge1"), str(tmp_path / "edge2")]
        first = self.run(*paths, "-o", lake, "--format", "parquet", "--existing", "append")
        assert first.returncode == 0, first.stderr
        assert "wrote 50 new events" in first.stderr
        again = self.run(*paths, "-o", lake, "--format", "parquet", "--existing", "append")
        assert "wrote 0 new events" in again.stderr
        assert rows(Path(lake)) == expected("edge1", 0, 30) + expected("edge2", 0, 20, "m")

    def test_replace_with_a_content_filter_is_refused(self, tmp_path: Path) -> None:
        """replace --level error would drop every other row of the server: refused."""
        append(tmp_path / "edge1" / "events.log", lines(0, 30))
        lake = str(tmp_path / "lake")
        assert self.run(str(tmp_path / "edge1"), "-o", lake, "--format", "parquet").returncode == 0
        refused = self.run(
            str(tmp_path / "edge1"), "-o", lake, "--format", "parquet",
            "--existing", "replace", "--level", "error",
        )  # fmt: skip
        assert refused.returncode == 2
        assert "use --existing append" in refused.stderr
        assert rows(Path(lake)) == expected("edge1", 0, 30)

    def test_hourly_option(self, tmp_path: Path) -> None:
        append(tmp_path / "edge1" / "events.log", lines(0, 70))
        lake = tmp_path / "lake"
        result = self.run(str(tmp_path / "edge1"), "-o", str(lake), "--format", "parquet",
                          "--hourly")  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert (lake / "date=2025-03-26" / "hour=23" / PART).is_file()

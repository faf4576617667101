"""Parquet export: the dataset read back with DuckDB and pyarrow gives the counts per day,
server and category counted independently from the JSON lines; the schema is the documented
one; nothing of the log is lost; IPs can be redacted; and the CLI (a real subprocess)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from tests.helpers.lines import SAMPLES

from ome_events import read_events
from ome_events.parquet import COLUMNS, SCHEMA, write_parquet

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")
UTC_DIR = SAMPLES / "server-utc"
KST_DIR = SAMPLES / "server-kst"
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w])")


def addresses(text: str) -> list[str]:
    """The IPv4 addresses in a text; 0.x.y.z is a version number (0.19.0.1), never a host."""
    return [found for found in IPV4.findall(text) if not found.startswith("0.")]


def json_objects(directory: Path) -> list[dict[str, Any]]:
    """Every event object of a sample directory, with the json module (no ome_events)."""
    objects = []
    for path in sorted(directory.glob("events.log*")):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        objects += [json.loads(line) for line in data.splitlines() if line.strip()]
    return objects


def expected_counts(*directories: Path) -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for directory in directories:
        for obj in json_objects(directory):
            day = datetime.fromisoformat(obj["time"]).astimezone(UTC).date().isoformat()
            counts[(day, directory.name, obj["category"])] += 1
    return counts


def duckdb_counts(root: Path) -> Counter[tuple[str, str, str]]:
    rows = duckdb.sql(
        "SELECT CAST(date AS VARCHAR), server, category, count(*) FROM "
        f"read_parquet('{root}/**/*.parquet', hive_partitioning = true) GROUP BY ALL"
    ).fetchall()
    return Counter({(day, server, category): count for day, server, category, count in rows})


class TestCounts:
    @pytest.mark.parametrize("by_server", [False, True])
    def test_duckdb_counts_match_the_json_lines(self, tmp_path: Path, by_server: bool) -> None:
        """Both servers combined: per day, server and category, DuckDB counts what json does."""
        count = write_parquet([UTC_DIR, KST_DIR], tmp_path, partition_by_server=by_server)
        expected = expected_counts(UTC_DIR, KST_DIR)
        assert count == sum(expected.values()) == 1108
        assert duckdb_counts(tmp_path) == expected

    def test_pyarrow_reads_the_same(self, tmp_path: Path) -> None:
        """pyarrow's dataset reader with Hive partitioning gives the same counts."""
        write_parquet([UTC_DIR, KST_DIR], tmp_path, partition_by_server=True)
        table = ds.dataset(tmp_path, format="parquet", partitioning="hive").to_table()
        got = Counter(
            zip(
                [str(day) for day in table["date"].to_pylist()],
                table["server"].to_pylist(),
                table["category"].to_pylist(),
                strict=True,
            )
        )
        assert got == expected_counts(UTC_DIR, KST_DIR)

    def test_layout(self, tmp_path: Path) -> None:
        """date=YYYY-MM-DD/ directories (UTC days), server=NAME/ below them when asked."""
        write_parquet([UTC_DIR, KST_DIR], tmp_path / "flat")
        write_parquet([UTC_DIR, KST_DIR], tmp_path / "nested", partition_by_server=True)
        days = {day for day, _, _ in expected_counts(UTC_DIR, KST_DIR)}
        assert {p.name for p in (tmp_path / "flat").iterdir()} == {f"date={d}" for d in days}
        nested = {p.relative_to(tmp_path / "nested").parent.as_posix()
                  for p in (tmp_path / "nested").rglob("*.parquet")}  # fmt: skip
        assert "date=2025-03-28/server=server-kst" in nested
        assert "date=2025-03-25/server=server-utc" in nested
        assert all(re.fullmatch(r"date=\d{4}-\d\d-\d\d/server=server-(utc|kst)", p) for p in nested)


class TestSchema:
    def test_file_schema_is_the_documented_one(self, tmp_path: Path) -> None:
        """Each file holds SCHEMA's columns (minus the partition keys) with its types."""
        write_parquet(KST_DIR, tmp_path)
        files = sorted(tmp_path.rglob("*.parquet"))
        assert files
        for path in files:
            schema = pq.read_schema(path)
            assert schema.names == SCHEMA.names
            # Columns are only ever added at the end: schema 2 began with raw, row_key.
            assert schema.names[: len(COLUMNS) - 3] == [
                name for name in COLUMNS if name not in ("tag", "thread", "location")
            ]
            assert schema.names[len(COLUMNS) - 3 :] == ["row_key", "tag", "thread", "location"]
            for field in schema:
                assert field.type == SCHEMA.field(field.name).type, field.name
        assert SCHEMA.field("time").type == pa.timestamp("ms", tz="UTC")

    def test_partitioned_by_server_leaves_server_to_the_path(self, tmp_path: Path) -> None:
        """With server partitions the files omit the server column; readers add it back."""
        write_parquet(KST_DIR, tmp_path, partition_by_server=True, server="seoul")
        path = next(tmp_path.rglob("*.parquet"))
        assert "server" not in pq.read_schema(path).names
        assert path.parent.name == "server=seoul"

    def test_duckdb_types(self, tmp_path: Path) -> None:
        """DuckDB sees a timestamp with time zone, integers, a DATE partition key."""
        write_parquet(KST_DIR, tmp_path)
        types = dict(
            duckdb.sql(
                f"DESCRIBE SELECT * FROM read_parquet('{tmp_path}/**/*.parquet',"
                " hive_partitioning = true)"
            ).fetchall()[i][:2]
            for i in range(len(COLUMNS) + 2)
        )
        assert types["time"] == "TIMESTAMP WITH TIME ZONE"
        assert types["width"] == "INTEGER"
        assert types["date"] == "DATE"
        assert types["raw"] == "VARCHAR"


class TestContent:
    def test_raw_keeps_every_line(self, tmp_path: Path) -> None:
        """The raw column decodes to exactly the JSON objects of the log."""
        write_parquet(UTC_DIR, tmp_path)
        raws = duckdb.sql(
            f"SELECT raw FROM read_parquet('{tmp_path}/**/*.parquet') ORDER BY time, line"
        ).fetchall()
        got = sorted(json.dumps(json.loads(raw), sort_keys=True) for (raw,) in raws)
        expected = sorted(json.dumps(obj, sort_keys=True) for obj in json_objects(UTC_DIR))
        assert got == expected

    def test_times_are_the_events_instants(self, tmp_path: Path) -> None:
        """time is the UTC instant of each event, utc_offset_minutes its original offset."""
        write_parquet(KST_DIR, tmp_path)
        table = ds.dataset(tmp_path, format="parquet", partitioning="hive").to_table()
        rows = sorted(
            zip(table["time"].to_pylist(), table["utc_offset_minutes"].to_pylist(), strict=True)
        )
        events = sorted(read_events(KST_DIR), key=lambda e: e.time)
        assert [t for t, _ in rows] == [e.time for e in events]
        assert {m for _, m in rows} == {540}

    def test_redact_ip(self, tmp_path: Path) -> None:
        """With redact_ip no IPv4 address is left in any text column or in raw."""
        write_parquet(UTC_DIR, tmp_path / "plain")
        write_parquet(UTC_DIR, tmp_path / "redacted", redact_ip=True)
        query = "SELECT summary, raw, source FROM read_parquet('{}/**/*.parquet')"
        plain = duckdb.sql(query.format(tmp_path / "plain")).fetchall()
        redacted = duckdb.sql(query.format(tmp_path / "redacted")).fetchall()
        assert len(plain) == len(redacted) == 762
        assert any(addresses(summary) for summary, _, _ in plain)
        for row in redacted:
            for text in row:
                assert not addresses(text), text
        assert any("ip-" in summary for summary, _, _ in redacted)


class TestWideRows:
    def test_row_groups_are_bounded_by_bytes_too(self, tmp_path: Path) -> None:
        """Wide rows (long summaries, the server log's records) are written out by bytes as
        well as by rows, so that what is held before a row group is written stays bounded:
        every row is there, in row groups of fewer rows than the row bound."""
        from tests.helpers.lines import event_line

        from ome_events.export.lake import ROW_GROUP_ROWS

        log = tmp_path / "edge" / "events.log"
        log.parent.mkdir()
        width, count = 16 * 1024, 2_304  # 36 MiB of summaries, as much again in raw
        log.write_bytes(b"".join(
            event_line(f"2025-03-26T05:{i // 60 % 60:02d}:{i % 60:02d}.000+00:00",
                       summary=f"n{i} " + "x" * width)
            for i in range(count)
        ))  # fmt: skip
        assert write_parquet(log.parent, tmp_path / "lake") == count
        (part,) = (tmp_path / "lake").rglob("*.parquet")
        metadata = pq.ParquetFile(part).metadata
        assert metadata.num_rows == count < ROW_GROUP_ROWS
        assert metadata.num_row_groups >= 3


class TestExisting:
    def test_refuses_a_non_empty_directory(self, tmp_path: Path) -> None:
        """By default a second export into the same directory is refused."""
        write_parquet(KST_DIR, tmp_path)
        with pytest.raises(FileExistsError):
            write_parquet(KST_DIR, tmp_path)

    def test_replace_and_append_never_double(self, tmp_path: Path) -> None:
        """replace rewrites the rows written; append of the same log adds nothing."""
        write_parquet(KST_DIR, tmp_path)
        assert write_parquet(KST_DIR, tmp_path, existing="replace") == 346
        assert duckdb_counts(tmp_path) == expected_counts(KST_DIR)
        assert write_parquet(KST_DIR, tmp_path, existing="append") == 0
        assert duckdb_counts(tmp_path) == expected_counts(KST_DIR)


class TestCommandLine:
    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [OME_EVENTS, "export", *args], capture_output=True, text=True, timeout=120, check=False
        )

    def test_export_parquet(self, tmp_path: Path) -> None:
        """--format parquet with filters, server partitions and a server name."""
        out = tmp_path / "dataset"
        result = self.run(
            str(UTC_DIR), "--format", "parquet", "-o", str(out), "--partition-by-server",
            "--server", "edge-1", "--level", "warning",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        expected = Counter()
        for obj in json_objects(UTC_DIR):
            if obj["level"] in ("Warning", "Error"):
                day = datetime.fromisoformat(obj["time"]).astimezone(UTC).date().isoformat()
                expected[(day, "edge-1", obj["category"])] += 1
        assert duckdb_counts(out) == expected
        assert f"wrote {sum(expected.values())} events" in result.stderr

    def test_redact_ip_on_the_command_line(self, tmp_path: Path) -> None:
        """--redact-ip masks addresses in the Parquet output too."""
        out = tmp_path / "dataset"
        result = self.run(str(KST_DIR), "--format", "parquet", "-o", str(out), "--redact-ip")
        assert result.returncode == 0, result.stderr
        rows = duckdb.sql(f"SELECT summary, raw FROM read_parquet('{out}/**/*.parquet')").fetchall()
        assert len(rows) == 346
        assert not any(addresses(text) for row in rows for text in row)

    def test_needs_an_output_directory(self) -> None:
        """Without -o the command explains that a dataset is a directory."""
        result = self.run(str(KST_DIR), "--format", "parquet")
        assert result.returncode == 2
        assert "needs -o DIR" in result.stderr

    def test_refuses_non_empty_directory(self, tmp_path: Path) -> None:
        """A second export into the same directory fails with status 1 unless --existing."""
        assert self.run(str(KST_DIR), "--format", "parquet", "-o", str(tmp_path)).returncode == 0
        again = self.run(str(KST_DIR), "--format", "parquet", "-o", str(tmp_path))
        assert again.returncode == 1
        assert "not empty" in again.stderr
        replaced = self.run(
            str(KST_DIR), "--format", "parquet", "-o", str(tmp_path), "--existing", "replace"
        )
        assert replaced.returncode == 0, replaced.stderr

    def test_parquet_options_need_parquet(self, tmp_path: Path) -> None:
        """--partition-by-server with CSV is a usage error, not silently ignored."""
        result = self.run(str(KST_DIR), "--partition-by-server", "-o", str(tmp_path / "x.csv"))
        assert result.returncode == 2

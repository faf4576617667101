"""Parquet export: events as a Hive-partitioned dataset that DuckDB, Spark and Polars read as is.

Needs the ``jupyter`` extra (``pip install 'ome-events[jupyter]'``) for pyarrow; ``import
ome_events`` never imports this module.

Layout, under the output directory::

    date=2025-03-26/part-0.parquet                     by the UTC date of each event
    date=2025-03-26/server=server-utc/part-0.parquet   with partition_by_server=True

The columns of the files are :data:`SCHEMA` (stable: columns are only ever added at the end);
``date`` (and ``server`` when partitioned by it) come from the directory names, as every
Hive-aware reader expects. ``raw`` holds each event's JSON line, so nothing in the log is lost.

:func:`~ome_events.export.rows.event_rows` is the flat, typed row both this module and
:func:`ome_events.jupyter.to_dataframe` are made of.

Example::

    from ome_events.export.parquet import write_parquet

    write_parquet(["/logs/edge1", "/logs/edge2"], "events-parquet", partition_by_server=True)
    # duckdb: SELECT category, count(*) FROM read_parquet('events-parquet/**/*.parquet',
    #                                                      hive_partitioning = true) GROUP BY 1
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ome_events.export.redact import IpRedactor
from ome_events.export.rows import COLUMNS, event_rows, event_tuples, server_name
from ome_events.reader import EventsSource, iter_events

__all__ = [
    "COLUMNS",
    "SCHEMA",
    "EventsSource",
    "event_rows",
    "event_tuples",
    "record_batches",
    "server_name",
    "write_parquet",
]

#: The columns of every Parquet file, in order. Documented in ``docs/jupyter.md``.
SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("utc_offset_minutes", pa.int16(), nullable=False),
        pa.field("level", pa.string(), nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("cause", pa.string()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_kind", pa.string(), nullable=False),
        pa.field("vhost", pa.string()),
        pa.field("app", pa.string()),
        pa.field("stream", pa.string()),
        pa.field("summary", pa.string(), nullable=False),
        pa.field("video_codec", pa.string()),
        pa.field("width", pa.int32()),
        pa.field("height", pa.int32()),
        pa.field("frame_rate", pa.float64()),
        pa.field("bitrate_conf", pa.int64()),
        pa.field("key_frame_interval_s", pa.float64()),
        pa.field("has_bframes", pa.bool_()),
        pa.field("audio_codec", pa.string()),
        pa.field("file", pa.string()),
        pa.field("line", pa.int64()),
        pa.field("byte_offset", pa.int64()),
        pa.field("server", pa.string(), nullable=False),
        pa.field("raw", pa.string(), nullable=False),
    ],
    metadata={"ome_events.schema": "ome-events/parquet/1"},
)

if tuple(SCHEMA.names) != COLUMNS:  # the rows and the schema are declared side by side
    raise ImportError("ome_events.export.parquet.SCHEMA does not match export.rows.COLUMNS")

# Memory is bounded by these, whatever the log's size: rows become Python tuples a batch at a
# time, and each open partition holds less than a row group before it is written out (and all
# of them together at most MAX_PENDING_ROWS).
_BATCH = 8_192
ROW_GROUP_ROWS = 32_768
MAX_PENDING_ROWS = 2 * ROW_GROUP_ROWS

Existing = Literal["error", "replace", "append"]


class _Partition:
    """One ``date=.../[server=...]`` directory being written: one file, row group by row
    group, under a temporary name until it is complete."""

    def __init__(self, directory: Path, name: str, schema: pa.Schema) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.schema = schema
        self.final = directory / name
        self.temporary = directory / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
        self.writer = pq.ParquetWriter(self.temporary, schema, compression="snappy")
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.rows += batch.num_rows

    def flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending, schema=self.schema))
            self.pending = []
            self.rows = 0

    def close(self, replace: bool) -> None:
        """Finish the file and give it its name (replacing the partition's other files)."""
        self.flush()
        self.writer.close()
        old = [path for path in self.directory.glob("*.parquet") if replace]
        os.replace(self.temporary, self.final)
        for path in old:
            if path != self.final:
                path.unlink()

    def abandon(self) -> None:
        self.writer.close()
        self.temporary.unlink(missing_ok=True)


class _DatasetWriter:
    """Rows in, a Hive-partitioned dataset out, in bounded memory."""

    def __init__(self, target: Path, by_server: bool, existing: Existing) -> None:
        self.target = target
        self.by_server = by_server
        self.existing = existing
        # A unique name per run: "append" must never overwrite the files of an earlier run.
        self.name = (
            f"part-{uuid.uuid4().hex[:12]}-0.parquet" if existing == "append" else "part-0.parquet"
        )
        self.partitions: dict[tuple[str, ...], _Partition] = {}
        # A column that is a partition key lives in the directory names, not in the files.
        self.schema = SCHEMA.remove(SCHEMA.get_field_index("server")) if by_server else SCHEMA

    def write(self, rows: Iterator[tuple[Any, ...]]) -> None:
        try:
            for batch in record_batches(rows):
                self._add(batch)
            for partition in self.partitions.values():
                partition.close(replace=self.existing == "replace")
        except BaseException:
            for partition in self.partitions.values():
                partition.abandon()
            raise

    def _add(self, batch: pa.RecordBatch) -> None:
        dates = pc.strftime(batch.column(0), format="%Y-%m-%d")
        keys: list[pa.Array] = [dates]
        if self.by_server:
            keys.append(batch.column(SCHEMA.get_field_index("server")))
        table = pa.Table.from_batches([batch])
        if self.by_server:
            table = table.drop_columns(["server"])
        groups = pa.table({str(i): key for i, key in enumerate(keys)}).group_by(
            [str(i) for i in range(len(keys))]
        )
        for group in groups.aggregate([]).to_pylist():
            key = tuple(group[str(i)] for i in range(len(keys)))
            mask = pc.equal(dates, key[0])
            if self.by_server:
                mask = pc.and_(mask, pc.equal(keys[1], key[1]))
            for part in table.filter(mask).to_batches():
                self._partition(key).add(part)
        self._bound_memory()

    def _partition(self, key: tuple[str, ...]) -> _Partition:
        partition = self.partitions.get(key)
        if partition is None:
            directory = self.target / f"date={key[0]}"
            if self.by_server:
                directory = directory / f"server={_escape(key[1])}"
            partition = self.partitions[key] = _Partition(directory, self.name, self.schema)
        return partition

    def _bound_memory(self) -> None:
        for partition in self.partitions.values():
            if partition.rows >= ROW_GROUP_ROWS:
                partition.flush()
        pending = sum(p.rows for p in self.partitions.values())
        while pending > MAX_PENDING_ROWS:
            fullest = max(self.partitions.values(), key=lambda p: p.rows)
            pending -= fullest.rows
            fullest.flush()


def record_batches(
    rows: Iterator[tuple[Any, ...]], schema: pa.Schema = SCHEMA, size: int = _BATCH
) -> Iterator[pa.RecordBatch]:
    """Rows (tuples in ``schema``'s column order) as Arrow record batches of ``size`` rows:
    memory holds one batch of Python tuples at a time, whatever the number of rows."""
    while chunk := list(islice(rows, size)):
        arrays = [
            pa.array(values, type=field.type)
            for values, field in zip(zip(*chunk, strict=True), schema, strict=True)
        ]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _escape(value: str) -> str:
    """A partition value as Hive-aware readers expect it in a directory name."""
    from urllib.parse import quote

    return quote(value, safe=" -_.~")


def write_parquet(
    events_or_paths: EventsSource,
    out_dir: str | os.PathLike[str],
    *,
    partition_by_server: bool = False,
    server: str | None = None,
    redact_ip: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: Literal["raise", "skip", "collect"] = "raise",
    existing: Existing = "error",
) -> int:
    """Write events as a Hive-partitioned Parquet dataset under ``out_dir``; returns the count.

    Args:
        events_or_paths: a log directory or file, a list of them (several servers'
            logs combined), or events already read.
        out_dir: the dataset's root directory (created if needed).
        partition_by_server: add a ``server=NAME/`` level under each ``date=YYYY-MM-DD/``.
        server: the server name of every row; by default the name of the directory each
            event's file is in (``/logs/edge1/events.log`` gives ``edge1``).
        redact_ip: replace IP addresses by pseudonyms in every text column and in ``raw``
            (one key for the whole export, so the same address has the same pseudonym).
        since, until: only events in ``[since, until)``.
        errors: what to do with bad lines, as in :func:`ome_events.read_events`.
        existing: when ``out_dir`` already holds files: ``"error"`` (refuse), ``"replace"``
            (replace the partitions written to, keep the others) or ``"append"`` (add files).

    Example::

        write_parquet("sample_logs/server-utc", "out", partition_by_server=True)
    """
    if existing not in ("error", "replace", "append"):
        raise ValueError(f"existing must be 'error', 'replace' or 'append', not {existing!r}")
    redactor = IpRedactor() if redact_ip else None
    events = iter_events(events_or_paths, since=since, until=until, errors=errors)
    counted = 0

    def counting() -> Iterator[tuple[Any, ...]]:
        nonlocal counted
        for row in event_tuples(events, server=server, redactor=redactor):
            counted += 1
            yield row

    target = Path(out_dir)
    if existing == "error" and target.exists() and any(target.iterdir()):
        raise FileExistsError(
            f"{os.fspath(target)!r} is not empty: pass existing='replace' or 'append'"
            " (--existing on the command line)"
        )
    target.mkdir(parents=True, exist_ok=True)
    _DatasetWriter(target, partition_by_server, existing).write(counting())
    return counted

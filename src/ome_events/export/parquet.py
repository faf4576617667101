"""Parquet export: events as a Hive-partitioned dataset that DuckDB, Spark and Polars read as is.

Needs the ``jupyter`` extra (``pip install 'ome-events[jupyter]'``) for pyarrow; ``import
ome_events`` never imports this module.

Layout, under the output directory::

    date=2025-03-26/part-0.parquet                     by the UTC date of each event
    date=2025-03-26/server=server-utc/part-0.parquet   with partition_by_server=True
    date=2025-03-26/hour=9/part-0.parquet              with hourly=True (0-23)

Each partition is one file, replaced atomically; re-exports add nothing twice and
``replace`` touches only the servers exported (:mod:`ome_events.export.lake`).

The columns of the files are :data:`SCHEMA` (stable: columns are only ever added at the end);
``date`` (``hour``, and ``server`` when partitioned by it) come from the directory names, as every
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
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from ome_events.export.lake import Existing, LakeWriter, lake_lock, row_keys
from ome_events.export.redact import IpRedactor
from ome_events.export.rows import COLUMNS, event_rows, event_tuples, server_name
from ome_events.progress import events_with_progress
from ome_events.reader import EventsSource

__all__ = [
    "COLUMNS",
    "SCHEMA",
    "EventsSource",
    "event_rows",
    "event_tuples",
    "record_batches",
    "row_keys",
    "server_name",
    "write_parquet",
]

#: The columns of the rows (:data:`COLUMNS`, as ``to_dataframe`` has them) with their types.
ROW_SCHEMA = pa.schema(
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
        pa.field("tag", pa.string()),
        pa.field("thread", pa.string()),
        pa.field("location", pa.string()),
        pa.field("raw", pa.string(), nullable=False),
    ]
)
#: Columns added to the rows after the files' schema 2 began: in the files they come after
#: ``row_key``, since columns of a file are only ever added at the end.
_ADDED = ("tag", "thread", "location")

#: The columns of every Parquet file, in order: the rows' and ``row_key`` (see
#: :func:`~ome_events.export.lake.row_keys`). Documented in ``docs/jupyter.md``; columns are
#: only ever added at the end.
SCHEMA = pa.schema(
    [
        *(field for field in ROW_SCHEMA if field.name not in _ADDED),
        pa.field("row_key", pa.int64(), nullable=False),
        *(ROW_SCHEMA.field(name) for name in _ADDED),
    ],
    metadata={"ome_events.schema": "ome-events/parquet/2"},
)

if tuple(ROW_SCHEMA.names) != COLUMNS:  # the rows and the schema are declared side by side
    raise ImportError("ome_events.export.parquet.ROW_SCHEMA does not match export.rows.COLUMNS")

_BATCH = 8_192
_BATCH_BYTES = 4 * 1024 * 1024


def record_batches(
    rows: Iterator[tuple[Any, ...]],
    schema: pa.Schema = ROW_SCHEMA,
    size: int = _BATCH,
    max_bytes: int = _BATCH_BYTES,
) -> Iterator[pa.RecordBatch]:
    """Rows (tuples in ``schema``'s column order) as Arrow record batches of ``size`` rows,
    or fewer when their ``raw`` lines (the widest column, when it is there) reach
    ``max_bytes``: memory holds one batch of Python tuples at a time, whatever the number
    of rows and their width."""
    measured = schema.names[-1] == "raw"
    chunk: list[tuple[Any, ...]] = []
    held = 0
    for row in rows:
        chunk.append(row)
        if measured:
            held += len(row[-1])
        if len(chunk) >= size or held >= max_bytes:
            yield _batch(chunk, schema)
            chunk, held = [], 0
    if chunk:
        yield _batch(chunk, schema)


def _batch(chunk: list[tuple[Any, ...]], schema: pa.Schema) -> pa.RecordBatch:
    arrays = [
        pa.array(values, type=field.type)
        for values, field in zip(zip(*chunk, strict=True), schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def write_parquet(
    events_or_paths: EventsSource,
    out_dir: str | os.PathLike[str],
    *,
    partition_by_server: bool = False,
    hourly: bool = False,
    server: str | None = None,
    redact_ip: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: Literal["raise", "skip", "collect"] = "raise",
    existing: Existing = "error",
    progress: bool | None = None,
) -> int:
    """Write events as a Hive-partitioned Parquet dataset under ``out_dir``; returns the count.

    Args:
        events_or_paths: a log directory or file, a list of them (several servers'
            logs combined), or events already read.
        out_dir: the dataset's root directory (created if needed).
        partition_by_server: add a ``server=NAME/`` level under each ``date=YYYY-MM-DD/``.
        hourly: add an ``hour=H/`` level (UTC, 0-23) under each date, for busy fleets: an
            hourly append then rewrites an hour, not a day.
        server: the server name of every row; by default the name of the directory each
            event's file is in (``/logs/edge1/events.log`` gives ``edge1``).
        redact_ip: replace IP addresses by pseudonyms in every text column and in ``raw``
            (one key for the whole export, so the same address has the same pseudonym).
        since, until: only events in ``[since, until)``; with ``existing="replace"`` also
            the window whose rows are replaced.
        errors: what to do with bad lines, as in :func:`ome_events.read_events`.
        existing: when ``out_dir`` already holds files: ``"error"`` (refuse), ``"append"``
            (add the rows not there yet: a re-run adds nothing) or ``"replace"`` (in each
            partition written to, the rows of the servers written, within ``since``/``until``,
            are replaced; other servers' rows and other partitions are kept). See
            :mod:`ome_events.export.lake`.
        progress: a progress bar while reading paths (a widget in Jupyter, else on standard
            error): True, False, or None (the default) for when it is interactive and the
            files hold at least 32 MB (:mod:`ome_events.progress`).

    Returns:
        The number of rows written (with ``append``, the rows that were new).

    Raises:
        FileExistsError: ``out_dir`` is not empty and ``existing="error"``.
        BlockingIOError: another export is writing to the same lake.

    Example::

        write_parquet("sample_logs/server-utc", "out", partition_by_server=True)
    """
    if existing not in ("error", "replace", "append"):
        raise ValueError(f"existing must be 'error', 'replace' or 'append', not {existing!r}")
    redactor = IpRedactor() if redact_ip else None
    events = events_with_progress(
        events_or_paths, since=since, until=until, errors=errors, progress=progress
    )
    rows = event_tuples(events, server=server, redactor=redactor)

    target = Path(out_dir)
    if existing == "error" and target.exists() and any(target.iterdir()):
        raise FileExistsError(
            f"{os.fspath(target)!r} is not empty: pass existing='replace' or 'append'"
            " (--existing on the command line)"
        )
    target.mkdir(parents=True, exist_ok=True)
    writer = LakeWriter(
        target,
        SCHEMA,
        by_server=partition_by_server,
        hourly=hourly,
        existing=existing,
        since=since,
        until=until,
    )
    with lake_lock(target):
        writer.write(record_batches(rows))
    return writer.written

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
import pyarrow.dataset as ds

from ome_events.export.redact import IpRedactor
from ome_events.export.rows import COLUMNS, event_rows, event_tuples, server_name
from ome_events.reader import EventsSource, iter_events

__all__ = [
    "COLUMNS",
    "SCHEMA",
    "EventsSource",
    "event_rows",
    "event_tuples",
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

# What write_dataset is given: the columns and the partition key(s) it moves to directories.
_WITH_DATE = SCHEMA.append(pa.field("date", pa.string(), nullable=False))

_BATCH = 65_536


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[pa.RecordBatch]:
    while chunk := list(islice(rows, _BATCH)):
        arrays = [
            pa.array(values, type=field.type)
            for values, field in zip(zip(*chunk, strict=True), SCHEMA, strict=True)
        ]
        # The partition key, from the time column: the UTC day of each event.
        arrays.append(pc.strftime(arrays[0], format="%Y-%m-%d"))
        yield pa.RecordBatch.from_arrays(arrays, schema=_WITH_DATE)


Existing = Literal["error", "replace", "append"]

_EXISTING = {
    "error": "error",
    "replace": "delete_matching",
    "append": "overwrite_or_ignore",
}


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
    if existing not in _EXISTING:
        raise ValueError(f"existing must be 'error', 'replace' or 'append', not {existing!r}")
    redactor = IpRedactor() if redact_ip else None
    events = iter_events(events_or_paths, since=since, until=until, errors=errors)
    counted = 0

    def counting() -> Iterator[tuple[Any, ...]]:
        nonlocal counted
        for row in event_tuples(events, server=server, redactor=redactor):
            counted += 1
            yield row

    keys = [("date", pa.string())]
    if partition_by_server:
        keys.append(("server", pa.string()))
    partitioning = ds.partitioning(pa.schema(keys), flavor="hive")
    target = Path(out_dir)
    if existing == "error" and target.exists() and any(target.iterdir()):
        raise FileExistsError(
            f"{os.fspath(target)!r} is not empty: pass existing='replace' or 'append'"
            " (--existing on the command line)"
        )
    target.mkdir(parents=True, exist_ok=True)
    # A unique name per run: "append" must never overwrite the files of an earlier run.
    template = f"part-{uuid.uuid4().hex[:12]}-{{i}}.parquet" if existing == "append" else None
    ds.write_dataset(
        _batches(counting()),
        target,
        schema=_WITH_DATE,
        format="parquet",
        partitioning=partitioning,
        basename_template=template,
        existing_data_behavior=_EXISTING[existing],
    )
    return counted

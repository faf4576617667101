"""Parquet export: events as a Hive-partitioned dataset that DuckDB, Spark and Polars read as is.

Needs the ``jupyter`` extra (``pip install 'ome-events[jupyter]'``) for pyarrow; ``import
ome_events`` never imports this module.

Layout, under the output directory::

    date=2025-03-26/part-0.parquet                     by the UTC date of each event
    date=2025-03-26/server=server-utc/part-0.parquet   with partition_by_server=True

The columns of the files are :data:`SCHEMA` (stable: columns are only ever added at the end);
``date`` (and ``server`` when partitioned by it) come from the directory names, as every
Hive-aware reader expects. ``raw`` holds each event's JSON line, so nothing in the log is lost.

:func:`event_rows` is the flat, typed row both this module and
:func:`ome_events.jupyter.to_dataframe` are made of.

Example::

    from ome_events.parquet import write_parquet

    write_parquet(["/logs/edge1", "/logs/edge2"], "events-parquet", partition_by_server=True)
    # duckdb: SELECT category, count(*) FROM read_parquet('events-parquet/**/*.parquet',
    #                                                      hive_partitioning = true) GROUP BY 1
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from ome_events.export import IpRedactor
from ome_events.model import Event
from ome_events.reader import read_events
from ome_events.snapshots.raw import stream_facts
from ome_events.text import json_line

__all__ = [
    "COLUMNS",
    "SCHEMA",
    "EventsSource",
    "event_rows",
    "event_tuples",
    "server_name",
    "write_parquet",
]

#: A log directory or file, several of them, or events already read.
EventsSource = str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | Iterable[Event]

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

#: The names of :data:`SCHEMA`, in order; :func:`event_rows` fills them.
COLUMNS: tuple[str, ...] = tuple(SCHEMA.names)

# What write_dataset is given: the columns and the partition key(s) it moves to directories.
_WITH_DATE = SCHEMA.append(pa.field("date", pa.string(), nullable=False))

_BATCH = 65_536


@lru_cache(maxsize=1024)  # one look at the file system per file, not per event
def server_name(origin_file: str | None) -> str:
    """The default server name of an event read from ``origin_file``: its directory's name.

    >>> server_name("/var/log/edge1/events.log")
    'edge1'
    >>> server_name(None)
    'unknown'
    """
    if not origin_file:
        return "unknown"
    name = Path(origin_file).resolve().parent.name if not origin_file.startswith("<") else ""
    return name or "unknown"


def _video_facts(snapshot: Any) -> tuple[Any, ...] | None:
    """The snapshot columns: codec, width, height, frame rate, configured bitrate, key-frame
    interval (s), B-frames of the first video track, and the first audio track's codec."""
    facts = stream_facts(snapshot)
    if facts is None:
        return None
    return (
        facts.video_codec,
        facts.width,
        facts.height,
        facts.frame_rate,
        facts.bitrate_conf,
        facts.key_frame_interval_s,
        facts.has_bframes,
        facts.audio_codec,
    )


_NO_FACTS = (None,) * 8


def event_tuples(
    events: Iterable[Event],
    *,
    server: str | None = None,
    redactor: IpRedactor | None = None,
    raw: bool = True,
) -> Iterator[tuple[Any, ...]]:
    """Each event as a tuple of the values of :data:`COLUMNS`, in order (without ``raw`` when
    ``raw=False``). The fast form of :func:`event_rows`: columns are made by transposing."""
    # A tuple per event and one zip(*rows) per batch: three times faster than a dict per
    # event appended column by column, which was most of to_dataframe's time.
    redact = None if redactor is None else redactor.text
    names_cache: dict[str | None, str] = {}
    for event in events:
        time = event.time
        offset = time.utcoffset()
        source = event.source
        snapshot = event.raw.get("snapshot")
        facts = _video_facts(snapshot) if snapshot is not None else None
        origin = event.origin
        file = line = byte_offset = None
        if origin is not None:
            file, line, byte_offset = origin
        if server is not None:
            name = server
        else:
            name = names_cache.get(file) or names_cache.setdefault(file, server_name(file))
        cause = event.cause
        text: tuple[Any, ...] = (
            None if cause is None else cause._value_,
            source.raw,
            source.vhost,
            source.app,
            source.stream,
            event.summary,
        )
        if redact is not None:
            text = tuple(None if value is None else redact(value) for value in text)
            file = None if file is None else redact(file)
        row = (
            time.astimezone(UTC),
            0 if offset is None else int(offset.total_seconds()) // 60,
            event.level._value_,
            event.category._value_,
            event.type._value_,
            text[0],
            text[1],
            source.kind._value_,
            *text[2:],
            *(facts or _NO_FACTS),
            file,
            line,
            byte_offset,
            name,
        )
        if raw:
            data = event.raw if redactor is None else redactor.value(event.raw)
            row += (json_line(data)[:-1].decode(),)
        yield row


def event_rows(
    events: Iterable[Event],
    *,
    server: str | None = None,
    redactor: IpRedactor | None = None,
    raw: bool = True,
) -> Iterator[dict[str, Any]]:
    """Each event as a flat row keyed by :data:`COLUMNS` (without ``raw`` when ``raw=False``).

    ``time`` is a timezone-aware datetime in UTC (the log's offset is ``utc_offset_minutes``);
    ``server`` is the given name, else the directory name of the event's file. With a
    ``redactor``, IP addresses are masked in every text column and in ``raw``.
    """
    names = COLUMNS if raw else COLUMNS[:-1]
    for row in event_tuples(events, server=server, redactor=redactor, raw=raw):
        yield dict(zip(names, row, strict=True))


def iter_events(
    source: EventsSource,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: Literal["raise", "skip", "collect"] = "raise",
) -> Iterator[Event]:
    """The events of a path, of several paths (one after the other), or of an iterable of
    events (filtered by ``since``/``until`` too)."""
    if isinstance(source, str | os.PathLike):
        yield from read_events(source, since=since, until=until, errors=errors)
        return
    for item in source:
        if isinstance(item, Event):
            if (since is None or item.time >= since) and (until is None or item.time < until):
                yield item
        else:
            yield from read_events(item, since=since, until=until, errors=errors)


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

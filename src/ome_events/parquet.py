"""The Parquet export (needs pyarrow): an alias of :mod:`ome_events.export.parquet`, kept so
that ``from ome_events.parquet import write_parquet`` goes on working."""

from ome_events.export.parquet import (
    COLUMNS,
    SCHEMA,
    EventsSource,
    event_rows,
    event_tuples,
    server_name,
    write_parquet,
)

__all__ = [
    "COLUMNS",
    "SCHEMA",
    "EventsSource",
    "event_rows",
    "event_tuples",
    "server_name",
    "write_parquet",
]

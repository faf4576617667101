"""Writing events out for other tools: CSV for spreadsheets, JSON Lines for programs, Parquet
for DuckDB, Spark and Polars.

* :mod:`.csv`: :func:`write_csv`, one row per event under a header (:data:`CSV_COLUMNS`);
  every cell a spreadsheet could execute as a formula is neutralised (:func:`neutralise_cell`);
* :mod:`.jsonl`: :func:`write_jsonl`, each event's original JSON object, one per line: the
  output is itself a valid ``events.log``;
* :mod:`.redact`: :class:`IpRedactor` masks IPv4 and IPv6 addresses in any text or decoded
  JSON value;
* :mod:`.rows`: each event as a flat, typed row (the Parquet and DataFrame columns);
* :mod:`.parquet`: a Hive-partitioned Parquet dataset (needs pyarrow, the ``jupyter`` extra;
  the only module besides :mod:`ome_events.jupyter` that imports it, and never imported here).

Example::

    from ome_events import read_events
    from ome_events.export import IpRedactor, write_csv

    with open("events.csv", "w", newline="", encoding="utf-8") as out:
        write_csv(read_events("/var/log/ovenmediaengine"), out, redactor=IpRedactor())
"""

from ome_events.export.csv import CSV_COLUMNS, event_record, neutralise_cell, write_csv
from ome_events.export.jsonl import write_jsonl
from ome_events.export.redact import IpRedactor
from ome_events.text import CONTROL_CHARACTERS, escape_controls, json_line

__all__ = [
    "CONTROL_CHARACTERS",
    "CSV_COLUMNS",
    "IpRedactor",
    "escape_controls",
    "event_record",
    "json_line",
    "neutralise_cell",
    "write_csv",
    "write_jsonl",
]

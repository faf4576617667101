"""Events and findings as pandas DataFrames.

The event columns are those of the Parquet export (:data:`ome_events.parquet.SCHEMA`, made by
the same :func:`ome_events.parquet.event_tuples`), with pandas dtypes: ``time`` is
``datetime64[ms, UTC]``, level/category/type/cause/source_kind/server are categoricals (level
ordered by severity), counts are nullable integers. The column list is in ``docs/jupyter.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ome_events.analyze.html import findings_of
from ome_events.export.parquet import SCHEMA, record_batches
from ome_events.export.rows import COLUMNS, event_tuples
from ome_events.export.server_stats import SCOPES, STAT_COLUMNS, server_stat_rows
from ome_events.model import Level
from ome_events.progress import events_with_progress
from ome_events.reader import EventsSource, iter_events

if TYPE_CHECKING:
    from ome_events.analyze import Finding, Report

__all__ = [
    "EVENT_COLUMNS",
    "FINDING_COLUMNS",
    "STAT_COLUMNS",
    "findings_dataframe",
    "server_stats_dataframe",
    "to_dataframe",
]

#: The columns of :func:`to_dataframe` (``raw`` only with ``raw=True``).
EVENT_COLUMNS: tuple[str, ...] = tuple(name for name in COLUMNS if name != "raw")

#: The columns of :func:`findings_dataframe`.
FINDING_COLUMNS: tuple[str, ...] = (
    "severity",
    "kind",
    "subject",
    "subject_kind",
    "vhost",
    "app",
    "stream",
    "first",
    "last",
    "count",
    "message",
    "hint",
    "evidence",
)

_CATEGORICAL = ("category", "type", "cause", "source_kind", "server", "tag", "thread")
_LEVELS = [level.value for level in Level]  # Trace ... Error, in severity order
_SEVERITIES = ["info", "warning", "error"]


def _mapper(kind: pa.DataType) -> Any:
    # Integers and booleans that may be missing: pandas' nullable dtypes, not float64/object.
    return {
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }.get(kind)


def to_dataframe(
    events_or_path: EventsSource,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    server: str | None = None,
    errors: Literal["raise", "skip", "collect"] = "raise",
    raw: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """One row per event, with proper dtypes.

    Args:
        events_or_path: a log directory or file, a list of them (several servers), or
            events already read (``read_events(...)``, a list, a filter's output).
        since, until: only events in ``[since, until)``.
        server: the ``server`` of every row; by default the name of the directory of each
            event's file (``sample_logs/server-kst/events.log`` gives ``server-kst``).
        errors: bad lines: ``"raise"``, ``"skip"`` or ``"collect"`` (as ``read_events``).
        raw: add the ``raw`` column, each event's JSON line.
        progress: a progress bar while reading paths (a widget in Jupyter, else on standard
            error): True, False, or None (the default) for when it is interactive and the
            files hold at least 32 MB (:mod:`ome_events.progress`).

    Example::

        df = to_dataframe(["sample_logs/server-utc", "sample_logs/server-kst"])
        df[df.level >= "Warning"].groupby(["server", "stream"], observed=True).size()
    """
    events = events_with_progress(
        events_or_path, since=since, until=until, errors=errors, progress=progress
    )
    names = [*EVENT_COLUMNS, "raw"] if raw else list(EVENT_COLUMNS)
    schema = pa.schema([SCHEMA.field(name) for name in names])
    # Arrow batches as the rows are read (a batch of Python tuples at a time), the names that
    # repeat dictionary-encoded before pandas sees them: see docs/jupyter.md for the memory.
    rows = event_tuples(events, server=server, raw=raw)
    table = pa.Table.from_batches(record_batches(rows, schema), schema=schema)
    for name in ("level", *_CATEGORICAL):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.dictionary_encode(table.column(index)))
    frame: pd.DataFrame = table.to_pandas(types_mapper=_mapper, self_destruct=True)
    del table
    seen_levels = [value for value in pd.unique(frame["level"]) if value not in _LEVELS]
    ordered = sorted(_LEVELS + seen_levels, key=lambda value: Level(value).rank)
    frame["level"] = pd.Categorical(frame["level"], categories=ordered, ordered=True)
    for name in _CATEGORICAL:
        frame[name] = frame[name].astype("category")
    for name in names:
        # pandas 2 gives object, pandas 3 its own "str": one dtype (missing = pd.NA) for both.
        if pa.types.is_string(schema.field(name).type) and name not in (*_CATEGORICAL, "level"):
            frame[name] = frame[name].astype("string")
    return frame


def server_stats_dataframe(
    events_or_path: EventsSource,
    *,
    scopes: Iterable[str] = SCOPES,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: Literal["raise", "skip", "collect"] = "raise",
) -> pd.DataFrame:
    """The open-source Analytics log's ``ServerStat`` samples (every 5 s) as a long table:
    one row per sample and entity (:data:`STAT_COLUMNS`): the server, each virtual host,
    application (``#vhost#app``) and stream (``#vhost#app/stream``), as ``scopes`` picks.

    ``time`` is ``datetime64[ms, UTC]``; throughputs are bit/s, bytes totals since the
    entity was created; counts are nullable integers. Empty (with the columns) for a log
    without samples (Enterprise's ``events.log`` has none).

    Example::

        stats = server_stats_dataframe("sample_logs/server-oss", scopes=["server"])
        stats.set_index("time")[["throughput_in", "throughput_out"]].plot()
        streams = server_stats_dataframe("sample_logs/server-oss", scopes=["stream"])
        streams.pivot_table(index="time", columns="name", values="connections")
    """
    events = iter_events(events_or_path, since=since, until=until, errors=errors)
    rows = list(server_stat_rows(events, scopes=scopes))
    frame = pd.DataFrame(rows, columns=list(STAT_COLUMNS))
    frame["time"] = pd.to_datetime(frame["time"], utc=True).astype("datetime64[ms, UTC]")
    for name in ("last_received", "last_sent"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    for name in ("server", "scope"):
        frame[name] = frame[name].astype("category")
    frame["name"] = frame["name"].astype("string")
    for name in STAT_COLUMNS[4:-2]:
        frame[name] = frame[name].astype(pd.Int64Dtype())
    return frame


def findings_dataframe(report_or_findings: Report | Iterable[Finding]) -> pd.DataFrame:
    """One row per finding: severity (ordered categorical), kind, subject, times, count, text.

    ``first`` and ``last`` are ``datetime64[ms, UTC]``; ``evidence`` is a list of
    ``file:line`` strings per finding (the earliest events behind it).

    Example::

        from ome_events.analyze import analyze
        findings = findings_dataframe(analyze(read_events("sample_logs/server-utc")))
        findings[findings.severity >= "warning"].groupby("kind").size()
    """
    findings = findings_of(report_or_findings)
    rows: dict[str, list[Any]] = {name: [] for name in FINDING_COLUMNS}
    for finding in findings:
        subject = finding.subject
        rows["severity"].append(finding.severity.value)
        rows["kind"].append(finding.kind)
        rows["subject"].append(subject.id)
        rows["subject_kind"].append(subject.kind.value)
        rows["vhost"].append(subject.vhost)
        rows["app"].append(subject.app)
        rows["stream"].append(subject.stream)
        rows["first"].append(finding.first)
        rows["last"].append(finding.last)
        rows["count"].append(finding.count)
        rows["message"].append(finding.message)
        rows["hint"].append(finding.hint)
        rows["evidence"].append([str(item) for item in finding.evidence])
    return pd.DataFrame(
        {
            "severity": pd.Categorical(rows["severity"], categories=_SEVERITIES, ordered=True),
            "kind": pd.Categorical(rows["kind"]),
            "subject": pd.Series(rows["subject"], dtype="string"),
            "subject_kind": pd.Categorical(rows["subject_kind"]),
            "vhost": pd.Series(rows["vhost"], dtype="string"),
            "app": pd.Series(rows["app"], dtype="string"),
            "stream": pd.Series(rows["stream"], dtype="string"),
            "first": _utc(rows["first"]),
            "last": _utc(rows["last"]),
            "count": pd.Series(rows["count"], dtype="int64"),
            "message": pd.Series(rows["message"], dtype="string"),
            "hint": pd.Series(rows["hint"], dtype="string"),
            "evidence": pd.Series(rows["evidence"], dtype="object"),
        },
        columns=list(FINDING_COLUMNS),
    )


def _utc(values: list[datetime]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[ms, UTC]")

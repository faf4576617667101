"""Plots (matplotlib): stream timelines, events per time bucket, a findings overview.

Each function draws on the ``ax`` it is given, or on a new figure, and returns the
:class:`matplotlib.axes.Axes` (``ax.figure`` is the figure). Times are shown in UTC.

Example (in a notebook)::

    from ome_events.jupyter import event_counts, findings_overview, timeline

    timeline("sample_logs/server-utc", streams=["cam1", "cam2", "flaky"])
    event_counts(df, freq="1h", by="level")
    findings_overview(report)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ome_events.analyze.html import findings_of
from ome_events.export.rows import server_name
from ome_events.model import EventType, Level, SourceKind
from ome_events.reader import EventsSource, iter_events
from ome_events.tables import shorten

if TYPE_CHECKING:
    from ome_events.analyze import Finding, Report

__all__ = ["COLOURS", "event_counts", "findings_overview", "timeline"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# matplotlib.dates has no annotations: typed views of the few names used here.
date2num: Callable[[datetime], float] = mdates.date2num
_dates: Any = mdates

#: Colours of levels and severities (lower-cased names), shared by every plot.
COLOURS: dict[str, str] = {
    "error": "#c62828",
    "warning": "#ef8f00",
    "info": "#4a7ab5",
    "debug": "#9e9e9e",
    "trace": "#cfcfcf",
}


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    # pyplot only when we make the figure: in Jupyter that is what shows it under the cell.
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


@dataclass
class _Row:
    label: str
    sessions: list[tuple[datetime, datetime, bool]] = field(default_factory=list)
    marks: list[tuple[datetime, str]] = field(default_factory=list)
    open_since: datetime | None = None
    first: datetime | None = None


def _wanted(streams: Iterable[str] | None) -> set[str] | None:
    return None if streams is None else set(streams)


def timeline(
    events: EventsSource,
    *,
    streams: Iterable[str] | None = None,
    max_streams: int = 40,
    ax: Axes | None = None,
) -> Axes:
    """One row per stream: its sessions (``StreamCreated`` to ``StreamDeleted``) as bars,
    warnings and errors as marks.

    A session still open at the end of the events is drawn to the last event, hatched.
    Rows are ``server: #vhost#app/stream`` when the events come from several servers.

    Args:
        events: a log path, several paths, or events.
        streams: only these streams (by stream name or full ``sourceId``).
        max_streams: at most this many rows (the first streams seen).
        ax: draw here instead of on a new figure.
    """
    wanted = _wanted(streams)
    rows: dict[tuple[str, str], _Row] = {}
    last: datetime | None = None
    for event in iter_events(events):
        time = event.time.astimezone(UTC)
        last = time
        source = event.source
        if source.kind is not SourceKind.STREAM:
            # A restart ends every session: OME deletes its streams, or should have.
            if event.type is EventType.SERVER_STARTED:
                server = server_name(event.origin and event.origin.file)
                for (name, _), open_row in rows.items():
                    if name == server and open_row.open_since is not None:
                        open_row.sessions.append((open_row.open_since, time, True))
                        open_row.open_since = None
            continue
        if wanted is not None and source.stream not in wanted and source.raw not in wanted:
            continue
        server = server_name(event.origin and event.origin.file)
        key = (server, source.raw)
        row = rows.get(key)
        if row is None:
            if len(rows) >= max_streams:
                continue
            row = rows[key] = _Row(source.raw)
            row.first = time
        if event.type is EventType.STREAM_CREATED:
            if row.open_since is not None:
                row.sessions.append((row.open_since, time, True))
            row.open_since = time
        elif event.type is EventType.STREAM_DELETED:
            start = row.open_since or (row.first if not row.sessions else None) or time
            row.sessions.append((start, time, False))
            row.open_since = None
        if event.level >= Level.WARNING:
            row.marks.append((time, str(event.level).lower()))
    servers = {server for server, _ in rows}
    ax = _axes(ax, (11, 0.9 + 0.32 * max(len(rows), 1)))
    labels = []
    for row in rows.values():
        if row.open_since is not None and last is not None:
            row.sessions.append((row.open_since, last, True))
    spans = [(start, end) for row in rows.values() for start, end, _ in row.sessions]
    least = _least_width(
        [date2num(start) for start, _ in spans] or [date2num(last or _EPOCH)],
        [date2num(end) for _, end in spans] or [date2num(last or _EPOCH)],
    )
    for index, ((server, _), row) in enumerate(rows.items()):
        labels.append(f"{server}: {row.label}" if len(servers) > 1 else row.label)
        for start, end, unfinished in row.sessions:
            left = date2num(start)
            width = max(date2num(end) - left, least)
            ax.barh(
                index,
                width,
                left=left,
                height=0.6,
                color=COLOURS["info"],
                alpha=0.75,
                hatch="//" if unfinished else None,
                edgecolor="white" if unfinished else None,
            )
        for time, level in row.marks:
            ax.plot(
                date2num(time),
                index,
                marker="v",
                markersize=8,
                color=COLOURS.get(level, COLOURS["error"]),
                linestyle="none",
            )
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    _time_axis(ax)
    ax.set_xlabel("time (UTC)")
    ax.set_title("Stream sessions and warnings")
    ax.legend(
        handles=[
            Patch(color=COLOURS["info"], alpha=0.75, label="session"),
            Line2D([], [], marker="v", color=COLOURS["warning"], ls="none", label="warning"),
            Line2D([], [], marker="v", color=COLOURS["error"], ls="none", label="error"),
        ],
        loc="upper right",
        fontsize="small",
    )
    return ax


def event_counts(
    data: Any,
    *,
    freq: str = "1h",
    by: Literal["category", "level", "type", "server"] = "category",
    ax: Axes | None = None,
) -> Axes:
    """Events per time bucket (``freq``, a pandas frequency such as ``"15min"`` or ``"1D"``),
    as bars stacked by ``by``.

    ``data`` is a DataFrame from :func:`~ome_events.jupyter.to_dataframe`, or anything that
    function takes (a path, several paths, events).
    """
    import pandas as pd

    from ome_events.jupyter.frames import to_dataframe

    frame = data if isinstance(data, pd.DataFrame) else to_dataframe(data)
    counts = (
        frame.groupby([pd.Grouper(key="time", freq=freq), by], observed=True)
        .size()
        .unstack(fill_value=0)
    )
    if by == "level":
        order = sorted(counts.columns, key=lambda value: Level(str(value)).rank, reverse=True)
        counts = counts[order]
    ax = _axes(ax, (11, 4))
    width = pd.Timedelta(freq).total_seconds() / 86_400 * 0.9
    x = [date2num(stamp.to_pydatetime()) for stamp in counts.index]
    bottom = [0] * len(counts)
    for column in counts.columns:
        values = counts[column].tolist()
        colour = COLOURS.get(str(column).lower()) if by == "level" else None
        ax.bar(x, values, width=width, bottom=bottom, label=str(column), color=colour,
               align="edge")  # fmt: skip
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    _time_axis(ax)
    ax.set_xlabel("time (UTC)")
    ax.set_ylabel(f"events per {freq}")
    ax.set_title(f"Events per {freq}, by {by}")
    ax.legend(fontsize="small", ncols=2)
    return ax


def findings_overview(
    report_or_findings: Report | Iterable[Finding],
    *,
    max_rows: int = 60,
    ax: Axes | None = None,
) -> Axes:
    """The findings on a time axis: one row per finding (``kind · subject``), a bar from its
    first to its last event coloured by severity, and its count at the right.

    Worst first, then by time; at most ``max_rows`` rows.
    """
    findings = sorted(
        findings_of(report_or_findings),
        key=lambda f: (-f.severity.rank, f.sort_key),
    )[:max_rows]
    ax = _axes(ax, (11, 0.9 + 0.32 * max(len(findings), 1)))
    starts = [date2num(f.first.astimezone(UTC)) for f in findings]
    ends = [date2num(f.last.astimezone(UTC)) for f in findings]
    least = _least_width(starts, ends)
    for index, finding in enumerate(findings):
        colour = COLOURS[finding.severity.value]
        width = max(ends[index] - starts[index], least)
        ax.barh(index, width, left=starts[index], height=0.6, color=colour)
        ax.annotate(
            f" x{finding.count}",
            (starts[index] + width, index),
            va="center",
            fontsize="small",
        )
    labels = [shorten(f"{f.kind} · {f.subject}", 60) for f in findings]
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    _time_axis(ax)
    ax.set_xlabel("time (UTC)")
    ax.set_title(f"{len(findings)} findings")
    ax.legend(
        handles=[Patch(color=COLOURS[name], label=name) for name in ("error", "warning", "info")],
        loc="best",
        fontsize="small",
    )
    return ax


def _time_axis(ax: Axes) -> None:
    ax.xaxis_date(tz=UTC)
    locator = _dates.AutoDateLocator(tz=UTC)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_dates.ConciseDateFormatter(locator, tz=UTC))


def _least_width(starts: list[float], ends: list[float]) -> float:
    # Short things (a 10 s session, a one-event finding) must stay visible on a scale of days.
    if not starts:
        return 1 / 86_400
    return max((max(ends) - min(starts)) / 300, 1 / 86_400)

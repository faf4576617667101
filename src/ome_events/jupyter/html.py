"""Notebook views: events, findings and reports as HTML tables in Jupyter, as text elsewhere.

Findings and reports come from :mod:`ome_events.analyze.html`; event tables are here. Every
piece of text taken from a log is escaped (see :mod:`ome_events.tables`).

Example (in a notebook)::

    from ome_events import read_events
    from ome_events.jupyter import table, view

    table(read_events("sample_logs/server-utc"), limit=50)    # an EventTable
    view(report)                                              # a ReportView
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape
from itertools import islice
from typing import Any

from ome_events.analyze.findings import Finding, Report
from ome_events.analyze.html import FindingsTable, ReportView
from ome_events.model import Event
from ome_events.tables import MAX_CELL, TABLE, badge, cell, header, text_table, time_text

__all__ = ["EventTable", "FrameTable", "table", "view"]


_EVENT_HEADER = ("time", "level", "type", "cause", "source", "summary")


class EventTable:
    """A collection of events that shows as a table: HTML in Jupyter, text elsewhere.

    Holds at most ``limit`` events (the first ones) and counts the rest, so a month of logs
    does not end up in the notebook file. Iterating gives the events held.
    """

    def __init__(self, events: Iterable[Event], *, limit: int = 200, width: int = MAX_CELL):
        iterator = iter(events)
        self.events: list[Event] = list(islice(iterator, limit))
        self.total = len(self.events) + sum(1 for _ in iterator)
        self.width = width

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def _rows(self) -> list[list[str]]:
        return [
            [
                time_text(event.time),
                str(event.level),
                str(event.type),
                "" if event.cause is None else str(event.cause),
                event.source.raw,
                event.summary,
            ]
            for event in self.events
        ]

    def _more(self) -> int:
        return self.total - len(self.events)

    def _repr_html_(self) -> str:
        body = []
        for event, row in zip(self.events, self._rows(), strict=True):
            cells = [cell(row[0]), badge(str(event.level))]
            cells += [cell(value, self.width) for value in row[2:]]
            body.append(f"<tr>{''.join(cells)}</tr>")
        more = self._more()
        caption = f"{self.total} event{'' if self.total == 1 else 's'}"
        if more:
            caption += f" (first {len(self.events)} shown, {more} more)"
        return (
            f"{TABLE}<caption>{escape(caption)}</caption>{header(_EVENT_HEADER)}"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self) -> str:
        text = text_table(_EVENT_HEADER, self._rows(), self.width)
        more = self._more()
        return text + (f"\n... {more} more events" if more else "")

    def __repr__(self) -> str:
        return f"<EventTable: {self.total} events>\n{self}"


class FrameTable:
    """A DataFrame (``to_dataframe``'s, or any) shown like :class:`EventTable`: the event
    columns when it has them (else all), the first ``limit`` rows, every cell escaped."""

    def __init__(self, frame: Any, *, limit: int = 200, width: int = MAX_CELL) -> None:
        self.frame = frame
        self.total = len(frame)
        self.width = width
        wanted = [name for name in _EVENT_HEADER if name in frame.columns]
        self.columns = wanted if "summary" in wanted else [str(c) for c in frame.columns]
        self.rows = [
            [_text(value) for value in row]
            for row in frame.head(limit)[self.columns].itertuples(index=False, name=None)
        ]

    def _repr_html_(self) -> str:
        body = []
        for row in self.rows:
            cells = [
                badge(value) if name == "level" and value else cell(value, self.width)
                for name, value in zip(self.columns, row, strict=True)
            ]
            body.append(f"<tr>{''.join(cells)}</tr>")
        more = self.total - len(self.rows)
        caption = f"{self.total} row{'' if self.total == 1 else 's'}"
        if more:
            caption += f" (first {len(self.rows)} shown, {more} more)"
        return (
            f"{TABLE}<caption>{escape(caption)}</caption>{header(self.columns)}"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self) -> str:
        more = self.total - len(self.rows)
        text = text_table(self.columns, self.rows, self.width)
        return text + (f"\n... {more} more rows" if more else "")


def _text(value: Any) -> str:
    """A cell's text: missing values (None, NaN, NA, NaT) are empty."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN, NaT
            return ""
    except (TypeError, ValueError):  # pandas' NA refuses comparison
        return ""
    if hasattr(value, "isoformat"):
        return time_text(value)
    return str(value)


def table(events: Iterable[Event], *, limit: int = 200, width: int = MAX_CELL) -> EventTable:
    """Events as a table for a notebook (the first ``limit`` of them)."""
    return EventTable(events, limit=limit, width=width)


def view(value: Any, *, limit: int = 200, width: int = MAX_CELL) -> Any:
    """A notebook view of a report, a finding or findings, events, a log path (or a list of
    them), or a DataFrame.

    Returns a :class:`ReportView`, :class:`FindingsTable`, :class:`EventTable` or
    :class:`FrameTable`.
    """
    import os

    paths = value if isinstance(value, list | tuple) else [value]
    if paths and all(isinstance(item, str | os.PathLike) for item in paths):
        from ome_events.reader import read_events

        return EventTable(read_events(list(paths)), limit=limit, width=width)
    if hasattr(value, "columns") and hasattr(value, "itertuples"):  # a pandas DataFrame
        return FrameTable(value, limit=limit, width=width)
    if isinstance(value, Report):
        return ReportView(value, width=width)
    if isinstance(value, Finding):
        return FindingsTable([value], width=width)
    if isinstance(value, Iterator):  # a reader: events, read once
        return EventTable(value, limit=limit, width=width)
    items = list(value)
    if items and isinstance(items[0], Finding):
        return FindingsTable(items, width=width)
    return EventTable(items, limit=limit, width=width)

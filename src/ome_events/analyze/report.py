"""The per-stream table of a report: sessions, uptime and incidents of each stream.

:class:`StreamTable` is fed the finished sessions (from the lifecycle analyzer) and the findings
as they come; :meth:`StreamTable.rows` gives the table at any time. It keeps one small record per
stream name, at most ``max_streams`` of them (the rest are added up in an ``(other streams)``
row), so its memory stays bounded however long the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ome_events.analyze.base import Clock
from ome_events.analyze.findings import Finding, Severity, StreamRow, SubjectKind
from ome_events.analyze.lifecycle import SessionRecord

__all__ = ["OTHER_STREAMS", "StreamTable"]

#: The name of the row that sums up streams beyond ``max_streams``.
OTHER_STREAMS = "(other streams)"


class _Row:
    __slots__ = ("first", "incidents", "kinds", "last", "live_since", "partial", "publisher",
                 "sessions", "uptime")  # fmt: skip

    def __init__(self, time: datetime) -> None:
        self.sessions = 0
        self.uptime = timedelta()
        self.live_since: datetime | None = None
        self.incidents = 0
        self.kinds: set[str] = set()
        self.first = time
        self.last = time
        self.partial = False
        self.publisher: str | None = None

    def seen(self, time: datetime) -> None:
        if time < self.first:
            self.first = time
        if time > self.last:
            self.last = time


class StreamTable:
    """Sessions, uptime and incidents per stream (see the module docstring)."""

    def __init__(self, clock: Clock, max_streams: int = 10_000) -> None:
        self.clock = clock
        self.max_streams = max_streams
        self._rows: dict[str, _Row] = {}
        self.sessions = 0

    def _row(self, stream: str, time: datetime) -> _Row:
        row = self._rows.get(stream)
        if row is None:
            if len(self._rows) >= self.max_streams:
                stream = OTHER_STREAMS
                row = self._rows.get(stream)
            if row is None:
                row = self._rows[stream] = _Row(time)
        row.seen(time)
        return row

    def add_session(self, record: SessionRecord) -> None:
        """A session ended (or is live at the end of input)."""
        first, now = self.clock.first, self.clock.now
        assert first is not None
        assert now is not None
        start = record.start
        if start is None:
            start = first  # began before the log: count from its beginning
        row = self._row(record.stream.raw, start)
        row.sessions += 1
        self.sessions += 1
        if record.publisher is not None:
            row.publisher = record.publisher
        if record.start is None:
            row.partial = True
        if record.end is None:
            row.live_since = start
            row.partial = True
            return
        row.seen(record.end)
        if record.end > start:
            row.uptime += record.end - start

    def add_findings(self, findings: Iterable[Finding]) -> None:
        """Count the warning and error findings about streams."""
        for finding in findings:
            subject = finding.subject
            if subject.kind is not SubjectKind.STREAM or finding.severity < Severity.WARNING:
                continue
            row = self._row(subject.id, finding.first)
            row.seen(finding.last)
            row.incidents += 1
            row.kinds.add(finding.kind)

    def live(self) -> list[str]:
        """The streams live at the end of input (after the lifecycle analyzer finished)."""
        return sorted(name for name, row in self._rows.items() if row.live_since is not None)

    def rows(self) -> list[StreamRow]:
        """The table, sorted by stream; live sessions count up to the latest event."""
        now = self.clock.now
        out = []
        for name, row in self._rows.items():
            uptime = row.uptime
            last = row.last
            if row.live_since is not None and now is not None:
                uptime += now - row.live_since
                last = max(last, now)
            out.append(
                StreamRow(
                    stream=name,
                    sessions=row.sessions,
                    uptime_seconds=uptime.total_seconds(),
                    live=row.live_since is not None,
                    incidents=row.incidents,
                    first_seen=row.first,
                    last_seen=last,
                    partial=row.partial,
                    kinds=tuple(sorted(row.kinds)),
                    publisher=row.publisher,
                )
            )
        out.sort(key=lambda r: (r.stream == OTHER_STREAMS, r.stream))
        return out

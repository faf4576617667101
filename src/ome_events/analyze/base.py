"""What every detector shares: the log's clock and the base class.

How an analyzer works, in one paragraph: events go through a
:class:`~ome_events.analyze.reorder.ReorderBuffer` that holds them for a couple of seconds of
*event* time and lets them out sorted. Each detector turns the events it cares about into
symptoms and adds them to an :class:`~ome_events.analyze.incidents.IncidentBook`, which groups
them into incidents and turns closed incidents into findings.

Nothing here reads the wall clock: "now" is the time of the latest event processed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from ome_events.analyze.findings import Finding
from ome_events.analyze.incidents import IncidentBook, IncidentSpec
from ome_events.analyze.reorder import REORDER_WINDOW, ReorderBuffer
from ome_events.model import Event

__all__ = ["TICK", "Analyzer", "BaseAnalyzer", "Clock", "Handler"]

#: How often (in event time) analyzers look for state that has expired.
TICK = timedelta(seconds=1)

_LONG_AGO = datetime.min.replace(tzinfo=UTC)


class Clock:
    """The log's clock: the time of the latest event processed, and when to look for expiries."""

    __slots__ = ("first", "next_tick", "now")

    def __init__(self) -> None:
        self.now: datetime | None = None
        self.first: datetime | None = None
        self.next_tick: datetime = _LONG_AGO

    def observe(self, time: datetime) -> bool:
        """Move to ``time`` (never backwards); True when expiries are due."""
        now = self.now
        if now is None:
            self.first = self.now = time
            self.next_tick = time + TICK
            return False
        if time > now:
            self.now = time
            if time >= self.next_tick:
                self.next_tick = time + TICK
                return True
        return False


class Analyzer(Protocol):
    """What every analyzer offers. Pure: no I/O, no wall clock.

    ``feed`` takes events one at a time and returns the findings that became certain;
    ``finish`` ends the input and returns the rest; ``pending`` shows what the open
    incidents would give if the input ended now (for live views). Feeding a log in one go
    or event by event gives the same findings.
    """

    def feed(self, event: Event) -> list[Finding]:
        """Take one event; return the findings that became certain."""
        ...

    def finish(self) -> list[Finding]:
        """End of input: return the findings still open."""
        ...

    def pending(self) -> list[Finding]:
        """The findings the open incidents would give if the input ended now."""
        ...


#: A detector's method that reads one event.
Handler = Callable[[Event], None]


C = TypeVar("C")


class BaseAnalyzer(Generic[C]):
    """The shared part of the detectors.

    A detector names its config class (:attr:`config_class`), declares its incident groups
    once in :meth:`make_specs`, and overrides :meth:`handlers` (event type -> method), and
    :meth:`tick` and :meth:`close` when it keeps state of its own (open sessions, pending
    requests). Used alone, it orders events itself (a reorder buffer, made on first use);
    inside :class:`~ome_events.analyze.Analysis` it shares the analysis' buffer, clock and
    incident book, so that two detectors reporting the same problem give one finding.
    """

    #: A short name, used in docs and error messages.
    name: ClassVar[str] = "base"
    #: The class of this detector's thresholds; ``config_class()`` gives the defaults.
    config_class: ClassVar[type[Any]] = object

    def __init__(
        self,
        config: C | None = None,
        *,
        book: IncidentBook | None = None,
        clock: Clock | None = None,
        reorder_window: timedelta = REORDER_WINDOW,
    ) -> None:
        self.config: C = config if config is not None else self.config_class()
        self.book = book if book is not None else IncidentBook()
        self.clock = clock if clock is not None else Clock()
        self.specs: dict[str, IncidentSpec] = self.make_specs(self.config)
        self._reorder_window = reorder_window
        self._buffer: ReorderBuffer | None = None
        self._handlers = self.handlers()
        self.setup()

    def setup(self) -> None:
        """Make the detector's own state (open sessions, pending requests): called once."""

    def make_specs(self, config: C) -> dict[str, IncidentSpec]:
        """The incident groups this detector reports into, by name."""
        return {}

    def handlers(self) -> dict[str, Handler]:
        """The event types this detector reads, with the method that reads each."""
        return {}

    def fallback(self, event: Event) -> None:
        """Called for events of a type no detector of the analysis reads (default: nothing)."""

    def tick(self, now: datetime) -> None:
        """The log's clock moved to ``now``: settle state that has expired."""

    def close(self) -> None:
        """The input ended: settle the state still open (add its symptoms to the book)."""

    # -- used alone -------------------------------------------------------------------------

    def feed(self, event: Event) -> list[Finding]:
        """Take one event; return the findings that became certain."""
        if self._buffer is None:
            self._buffer = ReorderBuffer(self._reorder_window)
        for released in self._buffer.push(event):
            self._process(released)
        return self._take()

    def finish(self) -> list[Finding]:
        """End of input: process what is buffered, close everything, return the findings."""
        if self._buffer is not None:
            for released in self._buffer.drain():
                self._process(released)
        self.close()
        self.book.close_all()
        return self._take()

    def pending(self) -> list[Finding]:
        """The findings the open incidents would give if the input ended now."""
        out = self.book.pending() + self.pending_extra()
        out.sort(key=lambda f: f.sort_key)
        return out

    def pending_extra(self) -> list[Finding]:
        """Findings-to-be this detector keeps outside the book (for :meth:`pending`)."""
        return []

    def _process(self, event: Event) -> None:
        if self.clock.observe(event.time):
            now = self.clock.now
            assert now is not None
            self.tick(now)
            self.book.sweep(now)
        handler = self._handlers.get(event.type)
        if handler is not None:
            handler(event)
        else:
            self.fallback(event)

    def _take(self) -> list[Finding]:
        out = self.book.outbox
        self.book.outbox = []
        return out

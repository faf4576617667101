"""Putting events back in time order: OME writes from several threads, so times step back a
little; analyzers see events sorted, late ones put in their place."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta

from ome_events.model import Event

__all__ = ["REORDER_WINDOW", "ReorderBuffer"]

#: How far back in time a late event may arrive and still be put in its place. OME's times
#: step back by a few milliseconds; this leaves room for "a second or so".
REORDER_WINDOW = timedelta(seconds=2)

# Events that happen at the same millisecond are put in this order, so that a stream is created
# before it is prepared, a request comes before its response, and things stop before their
# stream is deleted, whatever order the writer threads used.
_PHASE: dict[str, int] = {
    "HostCreated": 1,
    "AppCreated": 2,
    "StreamCreated": 3,
    "StreamPrepared": 4,
    "RestApiRequested": 4,
    "PushPublishingStarted": 5,
    "RecordingStarted": 5,
    "HLSDumpStarted": 5,
    "PushPublishingStopped": 7,
    "RecordingStopped": 7,
    "HLSDumpStopped": 7,
    "RestApiResponded": 7,
    "StreamDeleted": 8,
    "AppDeleted": 9,
    "HostDeleted": 10,
    "ServerStarted": 11,
}
_DEFAULT_PHASE = 6
_LONG_AGO = datetime.min.replace(tzinfo=UTC)
_FAR_AHEAD = datetime.max.replace(tzinfo=UTC)
# Returned when nothing is released (never appended to by callers).
_NOTHING: list[Event] = []


def _phase(event: Event) -> int:
    return _PHASE.get(event.type, _DEFAULT_PHASE)


class ReorderBuffer:
    """Holds events for ``window`` of event time and releases them sorted by time.

    An event is released once an event more than ``window`` later has been pushed, so any
    input in which no event arrives after one that is more than ``window`` newer comes out in
    the same order, however it was shuffled. Events of the same millisecond are ordered by
    their type (created before prepared before deleted, requested before responded), then
    by arrival. Events are let out in batches, at most about ``2 * window`` after they came.

    >>> from ome_events import parse_line
    >>> buffer = ReorderBuffer(timedelta(seconds=2))
    >>> line = ('{"time":"%s","level":"Info","category":"ServerEvent","type":"X",'
    ...         '"sourceId":"s","summary":""}')
    >>> buffer.push(parse_line(line % "2025-03-26T00:00:01.000+00:00"))
    []
    >>> buffer.push(parse_line(line % "2025-03-26T00:00:00.500+00:00"))
    []
    >>> [e.time.second for e in buffer.push(parse_line(line % "2025-03-26T00:00:09+00:00"))]
    [0, 1]
    """

    __slots__ = ("held", "latest", "release_at", "window")

    def __init__(self, window: timedelta = REORDER_WINDOW) -> None:
        self.window = window
        #: The events held, oldest first.
        self.held: deque[Event] = deque()
        #: The latest time pushed (the time of the last event held, when any are).
        self.latest = _LONG_AGO
        #: When the latest time passes this, some events can be released.
        self.release_at = _FAR_AHEAD

    def __len__(self) -> int:
        return len(self.held)

    def push(self, event: Event) -> list[Event]:
        """Add an event; return the events that can no longer be overtaken, oldest first.

        The common case (an event later than every event held, nothing due yet) costs two
        comparisons and an append: this runs for every event an analysis reads.
        """
        time = event.time
        if time > self.latest:
            events = self.held
            if not events:
                self.release_at = time + self.window + self.window
            events.append(event)
            self.latest = time
            if time <= self.release_at:
                return _NOTHING
        else:
            self.insert(event)
        return self.release()

    def hold(self, event: Event) -> None:
        """Add an event later than every event held (the common case)."""
        events = self.held
        if not events:
            self.release_at = event.time + self.window + self.window
        events.append(event)
        self.latest = event.time

    def insert(self, event: Event) -> None:
        """Add an event that is not later than every event held."""
        events = self.held
        if not events:
            self.hold(event)
            return
        # Late events are rare and land near the end: walk back from there.
        key = (event.time, _phase(event))
        index = len(events)
        while index > 0:
            before = events[index - 1]
            if (before.time, _phase(before)) <= key:
                break
            index -= 1
        events.insert(index, event)
        if index == 0:
            self.release_at = event.time + self.window + self.window

    def release(self) -> list[Event]:
        """The events older than ``window`` before the latest time, oldest first."""
        events = self.held
        cutoff = self.latest - self.window
        released = []
        while events and events[0].time < cutoff:
            released.append(events.popleft())
        self.release_at = (events[0].time if events else self.latest) + self.window + self.window
        return released

    def drain(self) -> list[Event]:
        """Release everything held (end of input, or a live log that went quiet)."""
        released = list(self.held)
        self.held.clear()
        self.release_at = _FAR_AHEAD
        return released

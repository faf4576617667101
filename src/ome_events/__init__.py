"""ome_events: read, follow and analyze OvenMediaEngine event logs.

Example::

    import ome_events
    for event in ome_events.read_events("/var/log/ovenmediaengine"):
        print(event.time, event.type, event.source)

The public API is re-exported here; see ``docs/`` for the guide.
"""

from ome_events._version import __version__
from ome_events.errors import OmeEventsError, ParseError
from ome_events.files import LogFile, ordered_log_files
from ome_events.follow import Follower, FollowerStats, Position, follow
from ome_events.model import Category, Cause, Event, EventType, Level, Origin, SourceId, SourceKind
from ome_events.parse import LineDecoder, parse_line
from ome_events.reader import EventReader, read_events, read_stream

__all__ = [
    "Category",
    "Cause",
    "Event",
    "EventReader",
    "EventType",
    "Follower",
    "FollowerStats",
    "Level",
    "LineDecoder",
    "LogFile",
    "OmeEventsError",
    "Origin",
    "Position",
    "ParseError",
    "SourceId",
    "SourceKind",
    "__version__",
    "follow",
    "ordered_log_files",
    "parse_line",
    "read_events",
    "read_stream",
]

"""ome_events: read, follow and analyze OvenMediaEngine event logs.

Example::

    import ome_events
    for event in ome_events.read_events("/var/log/ovenmediaengine"):
        print(event.time, event.type, event.source)

The public API is re-exported here; see ``docs/`` for the guide.
"""

import logging
from typing import TYPE_CHECKING

from ome_events._lazy import lazy_attributes
from ome_events._version import __version__
from ome_events.errors import OmeEventsError, ParseError
from ome_events.files import LogFile, ordered_log_files
from ome_events.model import Category, Cause, Event, EventType, Level, Origin, SourceId, SourceKind
from ome_events.parse import LineDecoder, parse_line
from ome_events.reader import EventReader, read_events, read_stream

# A library does not print: bad lines and deleted files are logged on "ome_events", shown
# only where the application configures logging (the command line does).
logging.getLogger("ome_events").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from ome_events.follower import Follower, FollowerStats, Position, follow

# The follower pulls in threading, hashlib, tempfile and (when it runs) watchdog: loaded on
# first use so that `ome-events --help` and plain history reading start fast.
_LAZY = dict.fromkeys(("Follower", "FollowerStats", "Position", "follow"), "ome_events.follower")
# pandas (the jupyter extra) loads only when to_dataframe is first used.
_LAZY["to_dataframe"] = "ome_events.jupyter.frames"


__getattr__ = lazy_attributes(__name__, _LAZY)

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
    "ParseError",
    "Position",
    "SourceId",
    "SourceKind",
    "__version__",
    "follow",
    "ordered_log_files",
    "parse_line",
    "read_events",
    "read_stream",
]

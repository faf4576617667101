"""The typed event model: ``Event`` and the values it is made of. No I/O here.

Every closed set of names in the format (levels, categories, types, causes) is a
:class:`enum.StrEnum` that also accepts values it has never seen: ``Category("ClusterEvent")``
returns a member whose ``name`` is ``"UNKNOWN"``, whose value is the string as written and
whose ``known`` is ``False``. OME says its event list "will be continuously added", so a new
category must reach the user, not an exception. Members compare equal to their strings
(``Level.INFO == "Info"``), which keeps filters and JSON output simple.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import FrozenInstanceError, dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, Self

if TYPE_CHECKING:
    from ome_events.snapshots import Snapshot

__all__ = [
    "Category",
    "Cause",
    "Event",
    "EventType",
    "Level",
    "Origin",
    "SourceId",
    "SourceKind",
]

UNKNOWN = "UNKNOWN"


class _OpenEnum(StrEnum):
    """A StrEnum that keeps values it does not know instead of raising."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        # A pseudo-member, as enum.Flag makes for combined values: an instance of the enum
        # that is not in its member list. It is not cached, so unknown strings cannot grow
        # memory; equality and hashing are those of the string.
        member = str.__new__(cls, value)
        member._name_ = UNKNOWN
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        """True for the values the specification documents, False for kept unknown ones."""
        return self._name_ != UNKNOWN


# Severity rank of levels OME does not document (yet), by lower-cased name.
_LEVEL_RANKS: dict[str, int] = {
    "trace": 0,
    "debug": 1,
    "info": 2,
    "information": 2,
    "notice": 2,
    "warn": 3,
    "warning": 3,
    "err": 4,
    "error": 4,
    "crit": 5,
    "critical": 5,
    "fatal": 5,
    "alert": 5,
    "emerg": 5,
    "emergency": 5,
}


class Level(_OpenEnum):
    """How severe an event is. Ordered: ``Level.WARNING >= Level.INFO``.

    An unknown level ranks by its name when it is a common severity word (``Critical``
    and ``Fatal`` above ``Error``, ``Warn`` as ``Warning``) and as ``Info`` otherwise.
    """

    TRACE = "Trace"
    DEBUG = "Debug"
    INFO = "Info"
    WARNING = "Warning"
    ERROR = "Error"

    @property
    def rank(self) -> int:
        """0 for Trace up to 4 for Error (5 for unknown levels named like Critical/Fatal)."""
        return _LEVEL_RANKS.get(self._value_.lower(), 2)

    @classmethod
    def lookup(cls, text: str) -> Level:
        """Find a level by name, case-insensitively (``"warn"`` and ``"WARNING"`` work)."""
        rank = _LEVEL_RANKS.get(text.strip().lower())
        for member in cls:
            if member.rank == rank or member.value.lower() == text.strip().lower():
                return member
        return cls(text)

    def _other_rank(self, other: object) -> int | None:
        if isinstance(other, Level):
            return other.rank
        if isinstance(other, str):
            return Level(other).rank
        return None

    def __lt__(self, other: object) -> bool:
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank < rank

    def __le__(self, other: object) -> bool:
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank <= rank

    def __gt__(self, other: object) -> bool:
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank > rank

    def __ge__(self, other: object) -> bool:
        rank = self._other_rank(other)
        return NotImplemented if rank is None else self.rank >= rank


class Category(_OpenEnum):
    """The major classification of an event."""

    SERVER = "ServerEvent"
    HOST = "HostEvent"
    APP = "AppEvent"
    STREAM = "StreamEvent"
    REST_API = "RestApiEvent"
    ACCESS_CONTROL = "AccessControlEvent"
    # The open-source Analytics log's own categories (see docs/model.md).
    SESSION = "SessionEvent"
    NOTIFICATION = "NotificationEvent"
    STATISTICS = "StatisticsEvent"
    # The plain server log's records that are not typed events (see docs/model.md).
    SERVER_LOG = "ServerLogEvent"

    @property
    def short(self) -> str:
        """The short name used on the command line: ``server``, ``host``, ``app``, ..."""
        return _CATEGORY_SHORT.get(self._value_, self._value_)

    @classmethod
    def lookup(cls, text: str) -> Category:
        """Find a category by full or short name, case-insensitively.

        >>> Category.lookup("rest") is Category.REST_API
        True
        """
        key = text.strip().lower().replace("-", "").replace("_", "")
        for member in cls:
            names = {member.value.lower(), member.short, member.name.lower().replace("_", "")}
            if key in names or key + "event" == member.value.lower():
                return member
        aliases = {
            "vhost": cls.HOST,
            "application": cls.APP,
            "api": cls.REST_API,
            "acl": cls.ACCESS_CONTROL,
        }
        return aliases.get(key) or cls(text.strip())


_CATEGORY_SHORT = {
    "ServerEvent": "server",
    "HostEvent": "host",
    "AppEvent": "app",
    "StreamEvent": "stream",
    "RestApiEvent": "rest",
    "AccessControlEvent": "access",
    "SessionEvent": "session",
    "NotificationEvent": "notification",
    "StatisticsEvent": "stats",
    "ServerLogEvent": "log",
}


class EventType(_OpenEnum):
    """The type of an event. ``EventType.X.category`` is the category OME files it under."""

    SERVER_STARTED = "ServerStarted"
    INTERNAL_QUEUE_CONGESTION = "InternalQueueCongestion"
    HOST_CREATED = "HostCreated"
    HOST_DELETED = "HostDeleted"
    APP_CREATED = "AppCreated"
    APP_DELETED = "AppDeleted"
    STREAM_CREATED = "StreamCreated"
    STREAM_PREPARED = "StreamPrepared"
    STREAM_DELETED = "StreamDeleted"
    STREAM_CREATION_FAILED = "StreamCreationFailed"
    ABNORMAL_STREAM_DETECTED = "AbnormalStreamDetected"
    SCHEDULED_CHANNEL_CREATED = "ScheduledChannelCreated"
    SCHEDULED_CHANNEL_UPDATED = "ScheduledChannelUpdated"
    SCHEDULED_CHANNEL_DELETED = "ScheduledChannelDeleted"
    SCHEDULED_CHANNEL_ITEM_CHANGED = "ScheduledChannelItemChanged"
    SCHEDULED_CHANNEL_PLAYBACK_ERROR = "ScheduledChannelPlaybackError"
    MULTIPLEX_CHANNEL_CREATED = "MultiplexChannelCreated"
    MULTIPLEX_CHANNEL_UPDATED = "MultiplexChannelUpdated"
    MULTIPLEX_CHANNEL_DELETED = "MultiplexChannelDeleted"
    RECORDING_STARTED = "RecordingStarted"
    RECORDING_STOPPED = "RecordingStopped"
    PUSH_PUBLISHING_STARTED = "PushPublishingStarted"
    PUSH_PUBLISHING_STOPPED = "PushPublishingStopped"
    HLS_DUMP_STARTED = "HLSDumpStarted"
    HLS_DUMP_STOPPED = "HLSDumpStopped"
    REST_API_REQUESTED = "RestApiRequested"
    REST_API_RESPONDED = "RestApiResponded"
    VERIFYING_SIGNED_POLICY_FAILED = "VerifyingSignedPolicyFailed"
    VERIFYING_ADMISSION_WEBHOOKS_FAILED = "VerifyingAdmissionWebhooksFailed"
    # The types of the open-source Analytics log that Enterprise does not have.
    STREAM_ORIGIN_LINK_UPDATED = "StreamOriginLinkUpdated"
    STREAM_OUTPUTS_UPDATED = "StreamOutputsUpdated"
    SESSION_CONNECTED = "SessionConnected"
    SESSION_DISCONNECTED = "SessionDisconnected"
    API_CALLED = "ApiCalled"
    PUSH_STARTED = "PushStarted"
    PUSH_STOPPED = "PushStopped"
    INFO = "Info"
    ERROR = "Error"
    SERVER_STAT = "ServerStat"
    # Typed records of the plain server log, ovenmediaengine.log (see docs/model.md).
    PROVIDER_STATISTICS = "ProviderStatistics"
    STREAM_NOT_FOUND = "StreamNotFound"
    HTTP_ERROR = "HttpError"
    REST_API_ERROR = "RestApiError"
    TRANSCODER_ERROR = "TranscoderError"
    PUSH_FAILED = "PushFailed"
    RECORDING_FAILED = "RecordingFailed"
    SERVER_TERMINATED = "ServerTerminated"
    HTTP_EXCHANGE = "HttpExchange"

    @property
    def category(self) -> Category | None:
        """The documented category of this type, or None for an unknown type."""
        return _TYPE_CATEGORY.get(self._value_)


_TYPE_CATEGORY: dict[str, Category] = {
    "ServerStarted": Category.SERVER,
    "InternalQueueCongestion": Category.SERVER,
    "HostCreated": Category.HOST,
    "HostDeleted": Category.HOST,
    "AppCreated": Category.APP,
    "AppDeleted": Category.APP,
    "RestApiRequested": Category.REST_API,
    "RestApiResponded": Category.REST_API,
    "VerifyingSignedPolicyFailed": Category.ACCESS_CONTROL,
    "VerifyingAdmissionWebhooksFailed": Category.ACCESS_CONTROL,
    "SessionConnected": Category.SESSION,
    "SessionDisconnected": Category.SESSION,
    "ApiCalled": Category.REST_API,
    "Info": Category.NOTIFICATION,
    "Error": Category.NOTIFICATION,
    "ServerStat": Category.STATISTICS,
    "ProviderStatistics": Category.STATISTICS,
    "ServerTerminated": Category.SERVER,
    "HttpError": Category.REST_API,
    "RestApiError": Category.REST_API,
    "HttpExchange": Category.REST_API,
}
for _type in EventType:
    _TYPE_CATEGORY.setdefault(_type.value, Category.STREAM)


class Cause(_OpenEnum):
    """Why certain events happened (the optional ``cause`` field)."""

    DUPLICATED_STREAM_NAME = "DuplicatedStreamName"
    BFRAME_DETECTED = "BFrameDetected"
    ABNORMAL_INCREASED_TIMESTAMP = "AbnormalIncreasedTimestamp"
    ABNORMAL_FPS_DETECTED = "AbnormalFpsDetected"
    LONG_KEY_FRAME_INTERVAL_DETECTED = "LongKeyFrameIntervalDetected"
    FAILED_TO_POP_PACKET = "FailedToPopPacket"


class SourceKind(StrEnum):
    """What produced an event, as told by the form of its ``sourceId``."""

    SERVER = "server"
    HOST = "host"
    APP = "app"
    STREAM = "stream"
    UNKNOWN = "unknown"


# OME's server IDs look like UUIDs; the documentation's own example masks part of one with
# x's, so any alphanumerics in the 8-4-4-4-12 shape count.
_SERVER_ID = re.compile(
    r"[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}"
)
_PLAIN_NAME = re.compile(r"[^\s#/]+")


@dataclass(frozen=True, slots=True)
class SourceId:
    """The origin of an event, parsed from ``sourceId``.

    ====================  ==========  =========================
    ``sourceId``          kind        parts
    ====================  ==========  =========================
    ``6add8be3-...``      server      ``server_id``
    ``default``           host        ``vhost``
    ``#default#app``      app         ``vhost``, ``app``
    ``#default#app/cam``  stream      ``vhost``, ``app``, ``stream``
    anything else         unknown     what could be read
    ====================  ==========  =========================

    ``str(source)`` gives back ``raw`` unchanged.
    """

    kind: SourceKind
    raw: str
    vhost: str | None = None
    app: str | None = None
    stream: str | None = None

    @classmethod
    def parse(cls, raw: str, category: str | None = None) -> SourceId:
        """Parse a ``sourceId``; ``category`` tells a server ID from a host name.

        Never raises: a form not in the specification gives kind ``unknown``.

        >>> SourceId.parse("#default#app/cam1").stream
        'cam1'
        """
        if raw.startswith("#"):
            vhost, sep, rest = raw[1:].partition("#")
            app, slash, stream = rest.partition("/")
            if not sep or not vhost or not app:
                return cls(SourceKind.UNKNOWN, raw, vhost or None, app or None, stream or None)
            if not slash:
                return cls(SourceKind.APP, raw, vhost, app)
            if not stream:
                return cls(SourceKind.UNKNOWN, raw, vhost, app)
            return cls(SourceKind.STREAM, raw, vhost, app, stream)
        if not _PLAIN_NAME.fullmatch(raw):
            return cls(SourceKind.UNKNOWN, raw)
        if category == Category.HOST:
            return cls(SourceKind.HOST, raw, vhost=raw)
        if category in (Category.SERVER, Category.REST_API) or _SERVER_ID.fullmatch(raw):
            return cls(SourceKind.SERVER, raw)
        return cls(SourceKind.HOST, raw, vhost=raw)

    @property
    def server_id(self) -> str | None:
        """The server ID, for a server source."""
        return self.raw if self.kind is SourceKind.SERVER else None

    def __str__(self) -> str:
        return self.raw


class Origin(NamedTuple):
    """Where an event was read: the file (None for in-memory input), line number and byte offset
    of the start of its line, and the server whose log it is.

    The line number is None when it was not counted: for events read from the end of a file
    (``tail -n``) or after a seek into it (``--since``), where counting would mean reading
    the whole file. The offset always locates the line exactly. ``server`` is the name the
    reader gave the log (its directory's name, see :func:`ome_events.files.server_label`).
    """

    file: str | None
    line: int | None
    offset: int
    server: str | None = None

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file or '<input>'}@{self.offset}"
        return f"{self.file or '<input>'}:{self.line}"


class _EventSlots:
    _data: Any
    _deferred: tuple[Any, ...]  # (function, *arguments) that makes raw
    _fields: Mapping[str, str]
    _line: bytes
    _raw: Mapping[str, Any]
    _snapshot: Snapshot | None

    # The storage of Event, in a plain base class so that Event._from_parsed can fill a
    # mutable twin of the same layout (_EventFiller) with ordinary attribute stores and then
    # retype it: a frozen __init__ costs about 1.7 µs per event (object.__setattr__ per
    # field), this about 0.45 µs, most of the parser's budget.
    __slots__ = (
        "_data",  # the snapshot's JSON, when a decoder found it elsewhere than raw["snapshot"]
        "_deferred",  # makes raw on first access, for a format that is not a JSON line
        "_fields",  # the summary's fields, computed on first access
        "_line",  # the line as read (set by the parsers; absent for events built by hand)
        "_raw",  # the decoded line: given, or decoded from _line on first access
        "_snapshot",  # the typed snapshot, computed on first access
        "category",
        "cause",
        "format",
        "level",
        "origin",
        "source",
        "summary",
        "time",
        "type",
    )


_EVENT_FIELDS = ("time", "level", "category", "type", "cause", "source", "summary", "raw", "origin")


class Event(_EventSlots):
    """One line of ``events.log``. Immutable; equal when all fields but ``origin`` are equal.

    Attributes:
        time: when it happened, timezone-aware, with the offset the log used.
        level: how severe (:class:`Level`, ordered).
        category: the major classification (:class:`Category`).
        type: the event type (:class:`EventType`).
        cause: the cause (:class:`Cause`), or None for events without one.
        source: the parsed ``sourceId`` (:class:`SourceId`).
        summary: the one-line text OME wrote.
        raw: the JSON object exactly as decoded (:meth:`to_json` gives the line back).
        origin: file, line number and byte offset when read from a file (not compared).
        format: the log it was read from: ``"enterprise"`` (``events.log`` of OME
            Enterprise) or ``"analytics"`` (the open-source Analytics log); not compared.

    ``raw`` (for events read from a log), ``snapshot``, ``fields`` and ``message`` are
    computed on first access: the reader checks that a line is valid JSON without building
    its objects, and most readers never look at the snapshot that makes up most of a line.
    """

    __slots__ = ()
    __match_args__ = (
        "time",
        "level",
        "category",
        "type",
        "cause",
        "source",
        "summary",
        "raw",
        "origin",
    )

    time: datetime
    level: Level
    category: Category
    type: EventType
    cause: Cause | None
    source: SourceId
    summary: str
    origin: Origin | None
    format: str

    def __init__(
        self,
        time: datetime,
        level: Level,
        category: Category,
        type: EventType,
        cause: Cause | None,
        source: SourceId,
        summary: str,
        raw: Mapping[str, Any],
        origin: Origin | None = None,
        format: str = "enterprise",
    ) -> None:
        values = (time, level, category, type, cause, source, summary, raw, origin)
        for name, value in zip(_SLOT_NAMES, values, strict=True):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "format", format)

    @staticmethod
    def _from_parsed(
        time: datetime,
        level: Level,
        category: Category,
        type: EventType,
        cause: Cause | None,
        source: SourceId,
        summary: str,
        raw: Mapping[str, Any] | None,
        origin: Origin | None,
        line: bytes | None,
        format: str = "enterprise",
        snapshot_data: Any = None,
        deferred: tuple[Any, ...] | None = None,
    ) -> Event:
        """The parsers' constructor: the same event as ``Event(...)``, remembering the line
        it was read from; without the cost of a frozen ``__init__`` (see ``_EventSlots``).
        ``raw`` may be None: it is then decoded from ``line`` when asked for.
        ``snapshot_data``: the snapshot's JSON for a format that does not keep it in
        ``raw["snapshot"]``; ``deferred`` (a function and its arguments) makes ``raw``
        (with its snapshot) on first access, for a format that is not a JSON line. The
        values must already be valid."""
        event: Any = _new_filler(_EventFiller)
        event.time = time
        event.level = level
        event.category = category
        event.type = type
        event.cause = cause
        event.source = source
        event.summary = summary
        event.origin = origin
        event.format = format
        if line is not None:
            event._line = line
        if raw is not None:
            event._raw = raw
        if snapshot_data is not None:
            event._data = snapshot_data
        if deferred is not None:
            event._deferred = deferred
        event.__class__ = Event
        made: Event = event
        return made

    @property
    def raw(self) -> Mapping[str, Any]:
        """The JSON object of the line, as decoded (decoded on first access)."""
        try:
            return self._raw
        except AttributeError:
            pass
        value: Mapping[str, Any]
        try:
            line = self._line
        except AttributeError:
            deferred = self._deferred  # the plain server log: made from the record's parts
            value = deferred[0](*deferred[1:])
        else:
            from ome_events.text import loads

            value = loads(line)
        object.__setattr__(self, "_raw", value)
        return value

    @property
    def snapshot(self) -> Snapshot | None:
        """The typed snapshot (see :mod:`ome_events.snapshots`), or None if the event has none."""
        try:
            return self._snapshot
        except AttributeError:
            from ome_events.snapshots import type_snapshot

            data = self.snapshot_data
            value = None
            if data is not None:
                value = type_snapshot(self.type.value, data, format=self.format)
            object.__setattr__(self, "_snapshot", value)
            return value

    @property
    def server(self) -> str | None:
        """The server whose log the event was read from (see :class:`Origin`), or None."""
        origin = self.origin
        return None if origin is None else origin.server

    @property
    def snapshot_data(self) -> Any:
        """The snapshot as decoded JSON (None without one): ``raw["snapshot"]`` in OME
        Enterprise's log; in the Analytics log, the part of ``raw["data"]`` that describes
        the event's subject (see docs/model.md)."""
        try:
            return self._data
        except AttributeError:
            return self.raw.get("snapshot")

    @property
    def tag(self) -> str | None:
        """The tag of a record of the plain server log (``RTMPProvider``); None for the JSON
        logs' events."""
        if self.format != "serverlog":
            return None
        record = self.raw.get("serverLog")
        tag = record.get("tag") if isinstance(record, Mapping) else None
        return tag if isinstance(tag, str) else None

    @property
    def fields(self) -> Mapping[str, str]:
        """The ``Key: value`` pairs of the summary, best effort (see :func:`summary_fields`)."""
        try:
            return self._fields
        except AttributeError:
            from ome_events.summary import summary_fields

            value = summary_fields(self.summary)
            object.__setattr__(self, "_fields", value)
            return value

    @property
    def message(self) -> str:
        """The summary's leading sentence, without its fields: ``"Stream created"``."""
        from ome_events.summary import summary_message

        return summary_message(self.summary)

    def to_json(self) -> bytes:
        """The event as one JSON line (no newline): the line as it was read when the event
        came from a log (whitespace around it removed), else written from ``raw``. Either
        way, reading it back gives an equal event."""
        try:
            return self._line.strip()
        except AttributeError:  # built by hand, or unpickled
            from ome_events.text import dumps

            return dumps(self.raw)

    def _key(self) -> tuple[Any, ...]:
        return (
            self.time,
            self.level,
            self.category,
            self.type,
            self.cause,
            self.source,
            self.summary,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Event:
            return NotImplemented
        assert isinstance(other, Event)
        return self._key() == other._key() and self.raw == other.raw

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in _EVENT_FIELDS if name != "raw"
        )
        return f"Event({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __copy__(self) -> Event:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Event:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Event, (*(getattr(self, name) for name in _EVENT_FIELDS), self.format))


# Event's own attribute names for the fields given to __init__ (raw is kept in _raw).
_SLOT_NAMES = tuple("_raw" if name == "raw" else name for name in _EVENT_FIELDS)


class _EventFiller(_EventSlots):
    __slots__ = ()


_new_filler = object.__new__

"""What every format's decoder shares: the checks and lookups that turn an event's fields,
as strings, into the typed values of :class:`~ome_events.model.Event`. No I/O.

:func:`typed_event` is the one place where a level, category, type, cause, source ID, summary
and time are checked and typed, whichever log they were read from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from ome_events.errors import ParseError
from ome_events.model import Category, Cause, Event, EventType, Level, Origin, SourceId
from ome_events.text import excerpt

__all__ = [
    "TIME_RANGE",
    "HeadTest",
    "checked_time",
    "describe",
    "in_range",
    "outside_range",
    "typed_event",
]

# Times outside these years are refused (bad lines): far from the ends of the calendar, so
# that no window, time-zone conversion or bucket of any consumer can overflow.
_FIRST_YEAR = 1900
_LAST_YEAR = 8999
#: The years an event's time may fall in, inclusive (its ``time`` as written, with its offset).
TIME_RANGE = (_FIRST_YEAR, _LAST_YEAR)


class HeadTest(NamedTuple):
    """A filter's criteria in the form a decoder can apply before it builds an event
    (:meth:`EventFilter.head_test <ome_events.filters.EventFilter.head_test>`). Each part
    can only say "certainly not"; None is no such criterion.

    ``line(head)``: False when the event of a JSON line, or of a server log record once
    typed, with these top-level strings (a :class:`~ome_events.formats.enterprise.LineHead`)
    cannot be wanted. ``record(level, tag)``: False when a server log record of this level
    (``"Warning"``) and tag (``""`` for none) cannot be wanted, which its first line shows
    before the record is typed or its continuation lines are kept. ``by_level``: ``record``
    depends on the level alone (a decoder can then look for the wanted records' first lines
    in a whole chunk at once). ``text(message)``: False when a server log record with this
    message cannot have a wanted source ID (the criteria on the source), which spares typing
    the record; ``pieces``: the message of a wanted record holds one of these texts (none:
    no such rule), which a decoder can search a whole chunk for.
    """

    line: Callable[[Any], bool] | None
    record: Callable[[str, str], bool] | None
    by_level: bool = False
    text: Callable[[str], bool] | None = None
    pieces: tuple[str, ...] = ()


_fromisoformat = datetime.fromisoformat
_make_event = Event._from_parsed

_LEVELS: dict[str, Level] = {m.value: m for m in Level}
_CATEGORIES: dict[str, Category] = {m.value: m for m in Category}
_TYPES: dict[str, EventType] = {m.value: m for m in EventType}
_CAUSES: dict[str, Cause] = {m.value: m for m in Cause}

# Source IDs repeat endlessly (a few streams, many events), so parsed ones are kept.
_SOURCE_CACHE: dict[tuple[str, str], SourceId] = {}
_SOURCE_CACHE_MAX = 50_000


def _source(raw: Any, category: str) -> SourceId:
    if type(raw) is not str:
        raise ParseError("'sourceId' is not a string", expected="'sourceId' as a string")
    if len(_SOURCE_CACHE) >= _SOURCE_CACHE_MAX:
        _SOURCE_CACHE.clear()
    source = _SOURCE_CACHE[(category, raw)] = SourceId.parse(raw, category)
    return source


def describe(value: Any) -> str:
    """A value for an error message, bounded in size whatever it is (never its full repr)."""
    if isinstance(value, str):
        return excerpt(value, 40)
    if isinstance(value, list | dict):
        return f"a JSON {'array' if isinstance(value, list) else 'object'}"
    return excerpt(repr(value), 40)


def _unknown(
    cls: type[Level] | type[Category] | type[EventType] | type[Cause],
    key: str,
    value: Any,
    strict: bool,
) -> Any:
    if type(value) is not str:
        raise ParseError(f"{key!r} is not a string", expected=f"{key!r} as a string")
    if strict:
        known = ", ".join(m.value for m in cls)
        raise ParseError(
            f"unknown {key} {describe(value)!r}", expected=f"one of {known} (strict mode)"
        )
    return cls(value)


def checked_time(time_text: Any, strict: bool) -> datetime:
    """An ISO 8601 ``time`` as an aware datetime (no offset: UTC, unless ``strict``), within
    :data:`TIME_RANGE`; ParseError otherwise."""
    try:
        time = _fromisoformat(time_text)
    except (TypeError, ValueError):
        raise ParseError(
            f"'time' is not an ISO 8601 time: {describe(time_text)}",
            expected="'time' like 2025-03-26T05:21:46.315+00:00",
        ) from None
    if time.tzinfo is None:
        if strict:
            raise ParseError("'time' has no UTC offset", expected="a time with ±HH:MM offset")
        time = time.replace(tzinfo=UTC)
    if not _FIRST_YEAR <= time.year <= _LAST_YEAR:
        raise outside_range("time", time_text)
    return time


def outside_range(key: str, written: str) -> ParseError:
    """The error of a time outside :data:`TIME_RANGE` (``written``: as the line had it)."""
    return ParseError(
        f"{key!r} {excerpt(written, 40)} is outside the accepted range",
        expected=f"a time in the years {_FIRST_YEAR} to {_LAST_YEAR}",
    )


def in_range(time: datetime, key: str, written: str) -> datetime:
    """``time`` when its year is within :data:`TIME_RANGE`, else ParseError."""
    if not _FIRST_YEAR <= time.year <= _LAST_YEAR:
        raise outside_range(key, written)
    return time


def typed_event(
    time_value: Any,
    level_text: Any,
    category_text: Any,
    type_text: Any,
    source_text: Any,
    summary: Any,
    cause_text: Any,
    raw: dict[str, Any] | None,
    origin: Origin | None,
    strict: bool,
    line: bytes | None,
    format: str = "enterprise",
    snapshot_data: Any = None,
    deferred: Any = None,
) -> Event:
    """An Event from its fields as read (``time_value``: an ISO 8601 string, or a datetime a
    decoder made itself); ParseError (without a location) for a field that is not valid.

    ``raw`` may be None: ``Event.raw`` is then decoded from ``line`` when asked for.
    ``format``, ``snapshot_data`` and ``deferred`` are those of :meth:`Event._from_parsed`.
    """
    # Lookups first, type checks only on a miss: the common line costs a dict hit each.
    if type(time_value) is datetime:
        time = time_value
    else:
        time = checked_time(time_value, strict)
    try:
        level = _LEVELS[level_text]
    except (KeyError, TypeError):
        level = _unknown(Level, "level", level_text, strict)
    try:
        category = _CATEGORIES[category_text]
    except (KeyError, TypeError):
        category = _unknown(Category, "category", category_text, strict)
    try:
        event_type = _TYPES[type_text]
    except (KeyError, TypeError):
        event_type = _unknown(EventType, "type", type_text, strict)
    cause = None
    if cause_text is not None:
        try:
            cause = _CAUSES[cause_text]
        except (KeyError, TypeError):
            cause = _unknown(Cause, "cause", cause_text, strict)
    try:
        source = _SOURCE_CACHE[(category_text, source_text)]
    except (KeyError, TypeError):
        source = _source(source_text, category_text)
    if type(summary) is not str:
        raise ParseError("'summary' is not a string", expected="'summary' as a string")
    return _make_event(
        time,
        level,
        category,
        event_type,
        cause,
        source,
        summary,
        raw,
        origin,
        line,
        format,
        snapshot_data,
        deferred,
    )

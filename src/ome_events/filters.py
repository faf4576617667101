"""Choosing events: :class:`EventFilter` (a predicate) and :func:`newest` (paging). Pure, no I/O.

The command line builds an ``EventFilter`` from its options (``--level``, ``--category``,
``--type``, ...); library users build one directly::

    from ome_events import read_events
    from ome_events.filters import EventFilter

    warnings = EventFilter(min_level=Level.WARNING, apps=("app",))
    for event in filter(warnings, read_events("/var/log/ovenmediaengine")):
        ...

How the criteria combine: **all** of the criteria given must match (AND); within one
criterion, **any** of its values may match (OR). ``EventFilter()`` matches everything.

Names are matched the way people type them: levels by severity (``warn`` is Warning and
``--level warning`` means Warning *or worse*), categories by full or short name (``rest`` is
RestApiEvent), types and causes case-insensitively and as shell-style globs (``stream*``,
``*failed``). Source IDs, virtual hosts, applications and streams are case-sensitive globs
(OME names are case-sensitive). Unknown names are not errors: OME adds new types, and a
filter on a type we do not know yet must still work.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import translate
from typing import Any, TypeVar, cast

from ome_events.formats.common import HeadTest
from ome_events.formats.enterprise import LineHead
from ome_events.model import Category, Event, Level, SourceId

__all__ = ["EventFilter", "FieldTests", "newest"]

T = TypeVar("T")

_GLOB_CHARS = frozenset("*?[")

# The memo of a name matcher is cleared past this many distinct names, so a log with
# endlessly new stream names cannot grow memory (a few hundred names is the usual).
_MEMO_MAX = 10_000


def _name_key(text: str) -> str:
    # StreamCreated, stream-created, stream_created and STREAMCREATED all mean the same type.
    return text.strip().lower().replace("-", "").replace("_", "")


class _Names:
    """Exact names and globs, matched at once."""

    def __init__(self, patterns: Iterable[str], fold: bool) -> None:
        self.exact: set[str] = set()
        globs: list[str] = []
        for pattern in patterns:
            key = _name_key(pattern) if fold else pattern
            if _GLOB_CHARS.intersection(key):
                globs.append(translate(key))
            else:
                self.exact.add(key)
        self.regex = re.compile("|".join(globs), re.DOTALL) if globs else None
        self.empty = not self.exact and self.regex is None

    def __call__(self, key: str) -> bool:
        return key in self.exact or (self.regex is not None and self.regex.match(key) is not None)


def excluded(pattern: str) -> str | None:
    """The name a ``!NAME`` pattern leaves out (None for a pattern that keeps)."""
    return pattern[1:] if pattern.startswith("!") else None


def _matcher(patterns: Iterable[str], *, fold: bool) -> Matcher:
    """A memoised test "does this name match the patterns?": any of those that keep (exact
    or glob; all names when there are only ``!`` patterns) and none of the ``!NAME`` ones."""
    patterns = list(patterns)
    keep = _Names((p for p in patterns if excluded(p) is None), fold)
    drop = _Names((p[1:] for p in patterns if excluded(p) is not None), fold)
    memo: dict[str, bool] = {}

    def match(name: str) -> bool:
        try:
            return memo[name]
        except KeyError:
            pass
        key = _name_key(name) if fold else name
        found = (keep.empty or keep(key)) and (drop.empty or not drop(key))
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[name] = found
        return found

    return Matcher(match, only_excludes=keep.empty)


@dataclass(frozen=True, slots=True)
class Matcher:
    """A name test; ``only_excludes``: the patterns only leave names out, so an event
    without the field (no cause, no app) passes."""

    test: Callable[[str], bool]
    only_excludes: bool

    def __call__(self, name: str) -> bool:
        return self.test(name)

    def of_optional(self, value: str | None) -> bool:
        """The test of a field that may be missing."""
        return self.only_excludes if value is None else self.test(value)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """A predicate over events: ``event_filter(event)`` is True when the event is wanted.

    Attributes:
        min_level: keep events at this level or more severe (``Level.WARNING`` keeps
            warnings and errors). Unknown levels rank by their name (see :class:`Level`).
        categories: category names, full or short (``"rest"``, ``"StreamEvent"``).
        types: event type names or globs, case-insensitive (``"StreamCreated"``,
            ``"stream*"``).
        causes: cause names or globs, case-insensitive; ``"*"`` keeps any event with a cause.
        sources: globs on the raw ``sourceId`` (``"#default#app/*"``).
        vhosts, apps, streams: names or globs on the parts of the source ID. An event whose
            source has no such part (a server or REST API event for ``apps``) does not match.
        tags: the plain server log's tags (``RTMPProvider``, ``Transcoder*``), names or globs,
            case-insensitive. Events of the JSON logs have no tag: they only match
            ``!`` patterns.
        grep: a regular expression searched in the summary (a string is compiled).
        search: a regular expression searched in the event's whole JSON line (every field,
            the snapshot included).

    A name starting with ``!`` leaves names out: ``categories=("!rest",)`` keeps every
    event but the REST API's; ``("stream", "!stream*deleted")`` mixes both.
        since: keep events at or after this time (inclusive).
        until: keep events before this time (exclusive).

    >>> from ome_events import parse_line
    >>> event = parse_line('{"time":"2025-03-26T10:00:07.112+00:00","level":"Warning",'
    ...     '"category":"StreamEvent","type":"AbnormalStreamDetected",'
    ...     '"sourceId":"#default#app/cam1","summary":"Abnormal stream detected.",'
    ...     '"cause":"BFrameDetected"}')
    >>> EventFilter(min_level=Level.lookup("warn"), streams=("cam*",))(event)
    True
    >>> EventFilter(categories=("rest",))(event)
    False
    """

    min_level: Level | None = None
    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    vhosts: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    streams: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    grep: re.Pattern[str] | str | None = None
    search: re.Pattern[str] | str | None = None
    since: datetime | None = None
    until: datetime | None = None
    _test: Callable[[Event], bool] = field(init=False, repr=False, compare=False)
    _fields: FieldTests = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for bound in (self.since, self.until):
            if bound is not None and bound.tzinfo is None:
                raise ValueError("since and until must be timezone-aware datetimes")
        if isinstance(self.grep, str):
            object.__setattr__(self, "grep", re.compile(self.grep))
        if isinstance(self.search, str):
            object.__setattr__(self, "search", re.compile(self.search))
        object.__setattr__(self, "_test", self._compile())

    def __call__(self, event: Event) -> bool:
        return self._test(event)

    @property
    def matches_all(self) -> bool:
        """True when no criterion is set (every event matches)."""
        return self == EventFilter()

    def apply(self, events: Iterable[Event]) -> Iterator[Event]:
        """The events that match, in the order given."""
        if self.matches_all:
            return iter(events)
        return filter(self._test, events)

    def head_test(self) -> HeadTest | None:
        """The criteria but the time range, in the form a decoder applies before it builds
        an event (a :class:`~ome_events.formats.common.HeadTest`), to pass over lines and
        records that cannot match; None when there is no such criterion.

        ``test.line(head)`` (a :class:`~ome_events.parse.LineHead`) is True exactly when the
        event of a line with these top-level strings passes the level, category, type,
        cause, source and summary criteria; ``test.record(level, tag)`` is False when a
        server log record of this level and tag fails the level or tag criteria;
        ``test.by_level`` says that ``record`` looks at the level alone.
        """
        fields = self._fields
        tests: list[Callable[[LineHead], bool]] = []
        if fields.level is not None:
            level_ok = fields.level
            tests.append(lambda h: level_ok(h.level))
        if fields.category is not None:
            category_ok = fields.category
            tests.append(lambda h: category_ok(h.category))
        if fields.type is not None:
            type_ok = fields.type
            tests.append(lambda h: type_ok(h.type))
        if fields.cause is not None:
            cause_ok = fields.cause
            tests.append(lambda h: cause_ok(h.cause))
        if fields.source is not None:
            source_ok = fields.source
            tests.append(lambda h: source_ok(h.source_id, h.category))
        if fields.summary is not None:
            summary_ok = fields.summary
            tests.append(lambda h: summary_ok(h.summary))
        line = _all_of(tests)
        record = _record_test(fields.level, fields.tag)
        if line is None and record is None:
            return None
        required = [
            pieces
            for patterns in (self.sources, self.vhosts, self.apps, self.streams)
            if (pieces := _required_pieces(patterns))
        ]
        text = _all_of([_holds_one(pieces) for pieces in required])
        return HeadTest(
            line, record, by_level=fields.tag is None, text=text,
            pieces=required[0] if required else (),
        )  # fmt: skip

    def _compile(self) -> Callable[[Event], bool]:
        # One small test per criterion that is set, cheapest first; names are memoised, so
        # a filter costs a few dictionary look-ups per event. Each criterion is written once,
        # on plain strings (FieldTests), and used on events and on decoded line heads
        # (head_test).
        tests: list[Callable[[Event], bool]] = []
        if self.since is not None or self.until is not None:
            since, until = self.since, self.until
            if since is not None and until is not None:
                tests.append(lambda e: since <= e.time < until)
            elif since is not None:
                tests.append(lambda e: e.time >= since)
            elif until is not None:
                tests.append(lambda e: e.time < until)
        fields = self._field_tests()
        object.__setattr__(self, "_fields", fields)
        if fields.level is not None:
            level_ok = fields.level
            tests.append(lambda e: level_ok(e.level))
        if fields.category is not None:
            category_ok = fields.category
            tests.append(lambda e: category_ok(e.category))
        if fields.type is not None:
            type_ok = fields.type
            tests.append(lambda e: type_ok(e.type))
        if fields.cause is not None:
            cause_ok = fields.cause
            tests.append(lambda e: cause_ok(e.cause))
        if fields.source_parts:
            parts_ok = fields.source_parts
            tests.append(lambda e: parts_ok(e.source))
        if fields.summary is not None:
            summary_ok = fields.summary
            tests.append(lambda e: summary_ok(e.summary))
        if fields.event is not None:
            tests.append(fields.event)
        return _all_of(tests) or (lambda e: True)

    def _field_tests(self) -> FieldTests:
        level_ok = category_ok = type_ok = summary_ok = None
        cause_ok: Callable[[str | None], bool] | None = None
        if self.min_level is not None:
            level_ok = _level_test(self.min_level)
        if self.categories:
            wanted = {
                ("!" if excluded(name) is not None else "")
                + Category.lookup(name.removeprefix("!")).value.lower()
                for name in self.categories
            }
            category_ok = _matcher(wanted, fold=True).test  # the plain function: hot path
        if self.types:
            type_ok = _matcher(self.types, fold=True).test
        if self.causes:
            cause_ok = _matcher(self.causes, fold=True).of_optional
        part_tests = [
            _part_test(attribute, _matcher(parts, fold=False))
            for parts, attribute in (
                (self.sources, "raw"),
                (self.vhosts, "vhost"),
                (self.apps, "app"),
                (self.streams, "stream"),
            )
            if parts
        ]
        if self.grep is not None:
            search = re.compile(self.grep).search
            summary_ok = lambda summary: search(summary) is not None  # noqa: E731
        event_tests: list[Callable[[Event], bool]] = []
        tag_ok = None
        if self.tags:
            tag_ok = _matcher(self.tags, fold=True).of_optional
            event_tests.append(lambda event: tag_ok(event.tag))
        if self.search is not None:
            anywhere = re.compile(self.search).search
            event_tests.append(lambda event: anywhere(_line_text(event)) is not None)
        raw_ok = _all_of(event_tests)
        return FieldTests(
            level=level_ok,
            category=category_ok,
            type=type_ok,
            cause=cause_ok,
            source_parts=_all_of(part_tests),
            summary=summary_ok,
            tag=tag_ok,
            event=raw_ok,
        )


@dataclass(frozen=True, slots=True)
class FieldTests:
    """One test per criterion on an event's fields as strings (None: not a criterion).

    ``source_parts`` tests a parsed :class:`~ome_events.model.SourceId`; :attr:`source`
    tests the raw ``sourceId`` with the category it is parsed with (memoised).
    """

    level: Callable[[str], bool] | None = None
    category: Callable[[str], bool] | None = None
    type: Callable[[str], bool] | None = None
    cause: Callable[[str | None], bool] | None = None
    source_parts: Callable[[SourceId], bool] | None = None
    summary: Callable[[str], bool] | None = None
    #: The plain server log's tag (None for the JSON logs' events).
    tag: Callable[[str | None], bool] | None = None
    #: A test on the whole event (``search``: its JSON line); not on line heads.
    event: Callable[[Event], bool] | None = None

    @property
    def source(self) -> Callable[[str, str], bool] | None:
        parts_ok = self.source_parts
        if parts_ok is None:
            return None
        return lambda source_id, category: parts_ok(_source_id(source_id, category))


Test = TypeVar("Test", bound=Callable[..., bool])


def _all_of(tests: list[Test]) -> Test | None:
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]
    combined: Any = lambda item: all(test(item) for test in tests)  # noqa: E731
    return cast(Test, combined)


#: What a source ID built from a text may add between pieces of it (``#vhost#app/stream``
#: from ``vhost(..) app(..) stream(..)``), and the globs' special characters.
_NOT_LITERAL = re.compile(r"[#/*?]+")


def _required_pieces(patterns: Iterable[str]) -> tuple[str, ...]:
    """Texts of which a text must hold one for a source ID these patterns want to be read
    from it; none when any text may hold one.

    For the plain server log, whose source IDs are read from a record's message: each part
    of one is a piece of the message, or pieces of it joined by ``#`` and ``/`` (a push's
    ``#vhost#app/stream`` from ``vhost(..) app(..) stream(..)``). So a wanted ID holds, for
    one of the patterns that keep names, the longest run of that pattern's plain characters
    without ``#`` or ``/`` (before any ``[``, where a glob's character class starts), and a
    message without any of those runs holds none. ``!`` patterns and patterns without such
    a run (``*``) require nothing.

    >>> _required_pieces(["cam1", "#default#live/studio-cam*", "!test"])
    ('cam1', 'studio-cam')
    >>> _required_pieces(["cam1", "*"])
    ()
    """
    pieces = []
    for pattern in patterns:
        if excluded(pattern) is not None:
            continue
        plain = pattern.split("[", 1)[0] if "[" in pattern else pattern
        piece = max(_NOT_LITERAL.split(plain), key=len)
        if not piece:
            return ()  # this pattern keeps names without a plain piece
        pieces.append(piece)
    return tuple(pieces)  # (none with only "!" patterns: events without the part pass)


def _holds_one(pieces: tuple[str, ...]) -> Callable[[str], bool]:
    if len(pieces) == 1:
        only = pieces[0]
        return lambda text: only in text
    return lambda text: any(piece in text for piece in pieces)


def _record_test(
    level_ok: Callable[[str], bool] | None, tag_ok: Callable[[str | None], bool] | None
) -> Callable[[str, str], bool] | None:
    """The level and tag criteria on a server log record's first line (HeadTest.record)."""
    if level_ok is not None and tag_ok is not None:
        return lambda level, tag: level_ok(level) and tag_ok(tag)
    if level_ok is not None:
        return lambda level, tag: level_ok(level)
    if tag_ok is not None:
        return lambda level, tag: tag_ok(tag)
    return None


def _level_test(floor_level: Level) -> Callable[[str], bool]:
    floor = floor_level.rank
    ranks: dict[str, bool] = {}

    def level_ok(level: str) -> bool:
        try:
            return ranks[level]
        except KeyError:
            pass
        found = Level(level).rank >= floor
        if len(ranks) < _MEMO_MAX:
            ranks[level] = found
        return found

    return level_ok


_SOURCES: dict[tuple[str, str], SourceId] = {}


def _source_id(raw: str, category: str) -> SourceId:
    try:
        return _SOURCES[(raw, category)]
    except KeyError:
        if len(_SOURCES) >= _MEMO_MAX:
            _SOURCES.clear()
        source = _SOURCES[(raw, category)] = SourceId.parse(raw, category)
        return source


def _part_test(attribute: str, match: Matcher) -> Callable[[SourceId], bool]:
    """A test on one part of a source ID (``raw``, ``vhost``, ``app``, ``stream``)."""

    def part_ok(source: SourceId) -> bool:
        return match.of_optional(getattr(source, attribute))

    return part_ok


def _line_text(event: Event) -> str:
    """The event's JSON line as text (what ``--search`` looks in)."""
    return event.to_json().decode("utf-8", "replace")


def newest(items: Iterable[T], limit: int | None = None, offset: int = 0) -> Iterator[T]:
    """Page through items from the end, keeping their order: like ``tail``, with an offset.

    ``limit`` items are kept from the newest, after skipping the ``offset`` newest ones.
    ``newest(events, 25)`` is the last 25; ``newest(events, 25, 25)`` the 25 before them.
    ``limit=None`` keeps everything before the offset. Memory holds ``limit + offset`` items
    at most; with neither, items stream through untouched.

    >>> list(newest(range(10), 3))
    [7, 8, 9]
    >>> list(newest(range(10), 3, offset=2))
    [5, 6, 7]
    >>> list(newest(range(10), offset=7))
    [0, 1, 2]
    >>> list(newest(range(5), 3, offset=4))
    [0]
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError("limit and offset must not be negative")
    iterator = iter(items)
    if limit is None:
        if offset == 0:
            return iterator
        return _all_but_last(iterator, offset)
    return _page(iterator, limit, offset)


def _all_but_last(items: Iterator[T], count: int) -> Iterator[T]:
    held: deque[T] = deque()
    for item in items:
        held.append(item)
        if len(held) > count:
            yield held.popleft()


def _page(items: Iterator[T], limit: int, offset: int) -> Iterator[T]:
    if limit == 0:
        return
    window: deque[T] = deque(items, maxlen=limit + offset)
    # The window ends with the ``offset`` newest items, which are skipped; what comes
    # before them (``limit`` items at most, fewer for a short input) is the page.
    for _ in range(len(window) - offset):
        yield window.popleft()

"""Symptoms grouped into incidents, and incidents turned into findings.

Each detector turns the events it cares about into *symptoms* (``bframes`` on stream X at
time t) and adds them to an :class:`IncidentBook`. The book groups the symptoms of one kind
and one subject into an :class:`Incident` while they keep coming less than the kind's *gap*
apart; once the log's clock has moved past the gap the incident is closed and becomes a
:class:`~ome_events.analyze.findings.Finding` (or nothing, when it stays below the kind's
threshold). How each kind is judged is its :class:`IncidentSpec`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from types import MappingProxyType
from typing import Any, NamedTuple

from ome_events.analyze.findings import Evidence, Finding, Severity, Subject
from ome_events.model import Event, Origin, SourceId

__all__ = [
    "EVIDENCE_LIMIT",
    "Incident",
    "IncidentBook",
    "IncidentSpec",
    "Reduce",
    "Verdict",
    "by_group",
]

#: How many events a finding names as its evidence.
EVIDENCE_LIMIT = 20


class Reduce(Enum):
    """How the facts of the symptoms of one incident are combined."""

    FIRST = "first"  #: keep the value of the earliest symptom
    LAST = "last"  #: keep the value of the latest symptom
    MAX = "max"
    MIN = "min"
    SUM = "sum"
    COUNTS = "counts"  #: count each distinct value (up to 50 values, then "(other)")
    UNIQUE = "unique"  #: the distinct values (up to 50)

    # COUNTS and UNIQUE take a value or a tuple of values.


_COUNTS_LIMIT = 50
_FIRST, _LAST, _MAX, _MIN, _SUM = Reduce.FIRST, Reduce.LAST, Reduce.MAX, Reduce.MIN, Reduce.SUM
_COUNTS, _UNIQUE = Reduce.COUNTS, Reduce.UNIQUE


def _count(counts: dict[Any, int], item: Any) -> None:
    if item not in counts and len(counts) >= _COUNTS_LIMIT:
        item = "(other)"
    counts[item] = counts.get(item, 0) + 1


class Verdict(NamedTuple):
    """What a closed incident turns into: the kind, severity and text of its finding."""

    kind: str
    severity: Severity
    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class IncidentSpec:
    """How the symptoms of one group are turned into findings.

    Attributes:
        group: the name of the group; symptoms of the same group and key share an incident.
            Two detectors that report the same problem (OME's ``BFrameDetected`` warning and a
            snapshot with ``hasBframes``) use the same group, so the problem is found once.
        severity: the finding's severity.
        explain: the one-line message, made from the closed incident.
        hint: what to do (text, or made from the incident).
        gap: an incident ends when no symptom came for longer than this (None: at the end).
        min_count: incidents with fewer symptoms are dropped (a burst needs several).
        reducers: how each fact of the symptoms is combined (default :attr:`Reduce.FIRST`).
        kind: the finding's kind (default: ``group``).
        classify: decides the verdict itself (overrides kind, severity, min_count, explain).
    """

    group: str
    severity: Severity
    explain: Callable[[Incident], str]
    hint: str | Callable[[Incident], str] = ""
    gap: timedelta | None = timedelta(hours=1)
    min_count: int = 1
    reducers: Mapping[str, Reduce] = field(default_factory=lambda: MappingProxyType({}))
    kind: str | None = None
    classify: Callable[[Incident], Verdict | None] | None = None

    @classmethod
    def of(
        cls,
        group: str,
        severity: Severity,
        explain: Callable[[Incident], str],
        hint: str | Callable[[Incident], str] = "",
        *,
        gap: timedelta | None = timedelta(hours=1),
        min_count: int = 1,
        kind: str | None = None,
        classify: Callable[[Incident], Verdict | None] | None = None,
        last: str = "",
        highest: str = "",
        lowest: str = "",
        total: str = "",
        counted: str = "",
        distinct: str = "",
    ) -> IncidentSpec:
        """A spec whose reducers are named by kind, each a space-separated list of facts.

        >>> spec = IncidentSpec.of("x", Severity.WARNING, str, distinct="tracks codecs",
        ...                        highest="max_seconds")
        >>> spec.reducers["codecs"], spec.reducers["max_seconds"]
        (<Reduce.UNIQUE: 'unique'>, <Reduce.MAX: 'max'>)
        """
        reducers: dict[str, Reduce] = {}
        for names, how in (
            (last, Reduce.LAST),
            (highest, Reduce.MAX),
            (lowest, Reduce.MIN),
            (total, Reduce.SUM),
            (counted, Reduce.COUNTS),
            (distinct, Reduce.UNIQUE),
        ):
            reducers.update(dict.fromkeys(names.split(), how))
        return cls(
            group, severity, explain, hint, gap, min_count, reducers, kind,
            classify,
        )  # fmt: skip

    def verdict(self, incident: Incident) -> Verdict | None:
        """The finding's kind, severity and text, or None when the incident is not one."""
        if self.classify is not None:
            return self.classify(incident)
        if incident.count < self.min_count:
            return None
        hint = self.hint if isinstance(self.hint, str) else self.hint(incident)
        return Verdict(self.kind or self.group, self.severity, self.explain(incident), hint)


def by_group(*specs: IncidentSpec) -> dict[str, IncidentSpec]:
    """The specs keyed by their group, for :meth:`BaseAnalyzer.make_specs
    <ome_events.analyze.base.BaseAnalyzer.make_specs>`."""
    return {spec.group: spec for spec in specs}


class Incident:
    """Symptoms of one group and one key, grouped while they come less than ``gap`` apart."""

    __slots__ = (
        "count",
        "deadline",
        "evidence",
        "facts",
        "first",
        "last",
        "last_event",
        "spec",
        "subject",
    )

    def __init__(self, spec: IncidentSpec, subject: Subject, first: datetime, last: datetime):
        self.spec = spec
        self.subject = subject
        self.first = first
        self.last = last
        self.count = 0
        self.evidence: list[Evidence] = []
        self.facts: dict[str, Any] = {}
        self.last_event: Event | None = None
        self.deadline: datetime | None = None

    @property
    def duration(self) -> timedelta:
        """From the first to the last symptom."""
        return self.last - self.first

    def fact(self, name: str, default: Any = None) -> Any:
        """A combined fact, in its JSON-ready form (counts as a dict, unique values as a list)."""
        value = self.facts.get(name, default)
        if isinstance(value, set):
            return sorted(value)
        if isinstance(value, dict):
            return dict(sorted(value.items(), key=lambda item: (-item[1], item[0])))
        return value

    def merge(self, facts: Mapping[str, Any]) -> None:
        """Combine one symptom's facts into the incident's."""
        reducers = self.spec.reducers
        mine = self.facts
        for name, value in facts.items():
            if value is None:
                continue
            how = reducers.get(name)
            if how is None or how is _FIRST:
                if name not in mine:
                    mine[name] = value
            elif how is _COUNTS:
                counts = mine.get(name)
                if counts is None:
                    counts = mine[name] = {}
                if type(value) is tuple:
                    for item in value:
                        _count(counts, item)
                elif value in counts:
                    counts[value] += 1
                else:
                    _count(counts, value)
            elif how is _UNIQUE:
                values = mine.get(name)
                if values is None:
                    values = mine[name] = set()
                if len(values) < _COUNTS_LIMIT:
                    if type(value) is tuple:
                        values.update(value[: _COUNTS_LIMIT - len(values)])
                    else:
                        values.add(value)
            else:
                old = mine.get(name)
                if old is None:
                    mine[name] = value
                elif how is _MAX:
                    if value > old:
                        mine[name] = value
                elif how is _MIN:
                    if value < old:
                        mine[name] = value
                elif how is _SUM:
                    mine[name] = old + value
                else:
                    mine[name] = value

    def details(self) -> dict[str, Any]:
        """The facts as JSON-ready values (sorted keys, counts and lists sorted)."""
        return {name: _jsonable(self.fact(name)) for name in sorted(self.facts)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, timedelta):
        return round(value.total_seconds(), 3)
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


class IncidentBook:
    """Groups symptoms into incidents and turns closed incidents into findings.

    Findings are appended to :attr:`outbox` as incidents close; callers take them from there.
    The book holds one open incident per (group, key): its memory is bounded by the number of
    subjects that had a problem within the last gap.
    """

    def __init__(self, evidence_limit: int = EVIDENCE_LIMIT) -> None:
        self.evidence_limit = evidence_limit
        self.outbox: list[Finding] = []
        self._open: dict[tuple[str, Hashable], Incident] = {}
        self._deadlines: list[tuple[datetime, int, tuple[str, Hashable]]] = []
        self._sequence = 0

    def __len__(self) -> int:
        return len(self._open)

    def add(
        self,
        spec: IncidentSpec,
        key: Hashable,
        subject: Subject | SourceId | Callable[[], Subject],
        start: datetime,
        end: datetime | None = None,
        *,
        event: Event | None = None,
        earlier: tuple[datetime, Origin | None] | None = None,
        facts: Mapping[str, Any] | None = None,
    ) -> Incident:
        """Add one symptom (from ``start`` to ``end``) of ``spec.group`` for ``key``.

        Symptoms are added in the order of their ``end`` (the time they became known), and the
        gap is measured between ends: an incident goes on while each symptom ends less than
        ``spec.gap`` after the previous one.

        ``subject`` may be given as the event's :class:`SourceId`, or a function that makes
        the :class:`Subject`: it is made only when an incident opens. ``event`` is the event
        the symptom was seen in: it becomes evidence, and a second symptom of the same group
        from the same event (two detectors agreeing) is not counted twice. ``earlier`` is the
        (time, origin) of another event to cite, such as the creation of a session that just
        ended.
        """
        if end is None:
            end = start
        full_key = (spec.group, key)
        incident = self._open.get(full_key)
        if incident is not None:
            # The scheduled deadline is never later than last + gap: most symptoms are
            # within it, and the subtraction is only needed past it.
            deadline = incident.deadline
            if deadline is not None and end > deadline:
                gap = spec.gap
                if gap is not None and end - incident.last > gap:
                    self._close(full_key, incident)
                    incident = None
        if incident is None:
            if isinstance(subject, SourceId):
                subject = Subject.from_source(subject)
            elif not isinstance(subject, Subject):
                subject = subject()
            incident = Incident(spec, subject, start, end)
            self._open[full_key] = incident
            if spec.gap is not None:
                self._schedule(full_key, incident, end + spec.gap)
        else:
            if start is not end and start < incident.first:
                incident.first = start
            if end > incident.last:
                incident.last = end
        if event is None or incident.last_event is not event:
            incident.count += 1
            evidence = incident.evidence
            limit = self.evidence_limit
            if len(evidence) < limit:
                if event is not None:
                    origin = event.origin
                    evidence.append(
                        Evidence(event.time)
                        if origin is None
                        else Evidence(event.time, origin.file, origin.line, origin.offset)
                    )
                if earlier is not None and len(evidence) < limit:
                    evidence.append(Evidence.of(*earlier))
        incident.last_event = event
        if facts:
            incident.merge(facts)
        return incident

    def _schedule(self, key: tuple[str, Hashable], incident: Incident, deadline: datetime) -> None:
        self._sequence += 1
        incident.deadline = deadline
        heapq.heappush(self._deadlines, (deadline, self._sequence, key))

    def sweep(self, now: datetime) -> None:
        """Close the incidents whose gap has passed at ``now``."""
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] < now:
            deadline, _, key = heapq.heappop(deadlines)
            incident = self._open.get(key)
            if incident is None or incident.deadline != deadline:
                continue  # closed already, or rescheduled
            gap = incident.spec.gap
            assert gap is not None
            real = incident.last + gap
            if real < now:
                self._close(key, incident)
            else:
                self._schedule(key, incident, real)

    def close_all(self) -> None:
        """Close every open incident (end of input)."""
        for key, incident in sorted(self._open.items(), key=lambda item: item[1].first):
            self._close(key, incident)
        self._deadlines.clear()

    def close_where(self, predicate: Callable[[str, Hashable], bool]) -> None:
        """Close the open incidents whose (group, key) match (e.g. a stream that ended)."""
        for full_key in [k for k in self._open if predicate(*k)]:
            self._close(full_key, self._open[full_key])

    def pending(self) -> list[Finding]:
        """The findings the open incidents would give if they closed now (for live views)."""
        out = []
        for incident in self._open.values():
            finding = self._finding(incident)
            if finding is not None:
                out.append(finding)
        out.sort(key=lambda f: f.sort_key)
        return out

    def emit(self, incident: Incident) -> None:
        """Turn an incident kept outside the book (a whole-run tally) into its finding now."""
        finding = self._finding(incident)
        if finding is not None:
            self.outbox.append(finding)

    def preview(self, incident: Incident) -> Finding | None:
        """The finding an incident would give now (for :meth:`pending` views)."""
        return self._finding(incident)

    def _close(self, key: tuple[str, Hashable], incident: Incident) -> None:
        del self._open[key]
        finding = self._finding(incident)
        if finding is not None:
            self.outbox.append(finding)

    def _finding(self, incident: Incident) -> Finding | None:
        verdict = incident.spec.verdict(incident)
        if verdict is None:
            return None
        evidence = sorted(
            incident.evidence, key=lambda e: (e.time, e.file or "", e.line or 0, e.offset or 0)
        )
        return Finding(
            severity=verdict.severity,
            kind=verdict.kind,
            subject=incident.subject,
            first=incident.first,
            last=incident.last,
            count=incident.count,
            message=verdict.message,
            hint=verdict.hint,
            evidence=tuple(evidence),
            details=MappingProxyType(incident.details()),
        )

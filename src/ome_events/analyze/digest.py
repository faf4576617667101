"""The digest of a report: findings grouped by kind and ranked by impact, each group with what
its findings have in common, its worst and latest examples and what to do. Values only.

A busy server's day gives thousands of findings of a handful of kinds; the person reading
needs the kinds, how far each reaches (streams, servers, how long) and one or two examples,
with the one restart or the one app whose every push fails at the top, not lost in the list.

>>> from ome_events import read_events
>>> from ome_events.analyze import analyze
>>> groups = group_findings(analyze(read_events("sample_logs/server-utc")))
>>> groups[0].kind, groups[0].severity.value, groups[0].reach
('rest_server_errors', 'error', '1 endpoint, 31 s in all')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ome_events.analyze.findings import Finding, Report, Severity, StreamRow, SubjectKind
from ome_events.humanize import duration, plural
from ome_events.summary import url_host

__all__ = ["FindingGroup", "group_findings"]

# A value shared by at least this share of a group's findings is worth saying.
_COMMON_SHARE = 0.6
# ... and only for groups of at least this many findings.
_COMMON_MIN = 3


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """The findings of one kind (worst first), with what they reach and have in common."""

    kind: str
    severity: Severity
    findings: tuple[Finding, ...]
    subjects: int
    subject_kind: SubjectKind
    servers: tuple[str, ...]
    first: datetime
    last: datetime
    #: The time the findings cover, added up (overlaps counted once per finding).
    seconds: float
    #: The events (or sessions, requests) behind the findings, added up.
    count: int
    hint: str
    #: What most of the findings share, as short phrases ("all in app `live`").
    common: tuple[str, ...]

    @property
    def impact(self) -> tuple[int, int, int, float, int]:
        """The ranking key: severity; then scope (a server's trouble reaches every stream on
        it, so it goes before any number of streams); then how many subjects, how long, how
        many events."""
        scope = _SCOPE.get(self.subject_kind, 0)
        return (self.severity.rank, scope, self.subjects, self.seconds, self.count)

    def examples(self, limit: int = 3) -> list[Finding]:
        """The worst findings (severity, count, length) and the latest one, at most
        ``limit``, in time order."""
        if limit <= 0:
            return []
        worst = sorted(self.findings, key=_badness, reverse=True)[: max(limit - 1, 1)]
        latest = max(self.findings, key=lambda f: (f.last, f.first))
        chosen = list(dict.fromkeys([*worst, latest]))[:limit]
        return sorted(chosen, key=lambda f: f.sort_key)

    @property
    def reach(self) -> str:
        """How far the group reaches, as a phrase: "412 streams on 2 servers, 3 h 10 min"."""
        noun = _NOUNS.get(self.subject_kind, ("subject", "subjects"))
        parts = [plural(self.subjects, *noun)]
        if len(self.servers) > 1:
            parts[0] += f" on {plural(len(self.servers), 'server')}"
        if len(self.findings) != self.subjects:
            parts.append(plural(len(self.findings), "finding"))
        if self.seconds >= 1:
            time = "of stream time" if self.subject_kind is SubjectKind.STREAM else "in all"
            parts.append(f"{duration(self.seconds)} {time}")
        return ", ".join(parts)

    def to_json(self, examples: int = 3) -> dict[str, Any]:
        """The group as JSON-ready values (the findings themselves are in the report)."""
        return {
            "kind": self.kind,
            "severity": self.severity.value,
            "findings": len(self.findings),
            "subjects": self.subjects,
            "subject_kind": self.subject_kind.value,
            "servers": list(self.servers),
            "first": self.first.isoformat(timespec="milliseconds"),
            "last": self.last.isoformat(timespec="milliseconds"),
            "seconds": round(self.seconds, 3),
            "count": self.count,
            "reach": self.reach,
            "common": list(self.common),
            "hint": self.hint,
            "examples": [f.to_json() for f in self.examples(examples)],
        }


_NOUNS = {
    SubjectKind.STREAM: ("stream", "streams"),
    SubjectKind.APP: ("app", "apps"),
    SubjectKind.HOST: ("virtual host", "virtual hosts"),
    SubjectKind.SERVER: ("server", "servers"),
    SubjectKind.REMOTE: ("address", "addresses"),
    SubjectKind.ENDPOINT: ("endpoint", "endpoints"),
    SubjectKind.LOG: ("log", "logs"),
}


_SCOPE = {
    SubjectKind.SERVER: 4,
    SubjectKind.HOST: 3,
    SubjectKind.APP: 3,
    SubjectKind.ENDPOINT: 2,
    SubjectKind.REMOTE: 2,
    SubjectKind.STREAM: 1,
    SubjectKind.LOG: 0,
}


def _badness(finding: Finding) -> tuple[int, int, float]:
    return (finding.severity.rank, finding.count, (finding.last - finding.first).total_seconds())


def group_findings(
    report_or_findings: Report | Iterable[Finding], streams: Sequence[StreamRow] = ()
) -> list[FindingGroup]:
    """The findings grouped by kind, most important first (severity, then reach).

    ``streams`` (a report's stream table, taken from ``report_or_findings`` when it is a
    report) says where each stream came from, so a group can say "all from 192.0.2.20".
    """
    if isinstance(report_or_findings, Report):
        findings: Iterable[Finding] = report_or_findings.findings
        streams = streams or report_or_findings.streams
    else:
        findings = report_or_findings
    publishers = {(row.server, row.stream): row.publisher for row in streams if row.publisher}
    by_kind: dict[str, list[Finding]] = {}
    for finding in findings:
        by_kind.setdefault(finding.kind, []).append(finding)
    several = len({f.server for items in by_kind.values() for f in items}) > 1
    groups = [_group(kind, items, publishers, several) for kind, items in by_kind.items()]
    return sorted(groups, key=lambda g: (g.impact, g.kind), reverse=True)


def _group(
    kind: str,
    findings: list[Finding],
    publishers: dict[tuple[str | None, str], str],
    several: bool,
) -> FindingGroup:
    findings = sorted(findings, key=_badness, reverse=True)
    subjects = {(f.server, f.subject.kind, f.subject.id) for f in findings}
    kinds = Counter(f.subject.kind for f in findings)
    hints = Counter(f.hint for f in findings if f.hint)
    return FindingGroup(
        kind=kind,
        severity=max(f.severity for f in findings),
        findings=tuple(findings),
        subjects=len(subjects),
        subject_kind=kinds.most_common(1)[0][0],
        servers=tuple(sorted({f.server for f in findings if f.server})),
        first=min(f.first for f in findings),
        last=max(f.last for f in findings),
        seconds=sum((f.last - f.first).total_seconds() for f in findings),
        count=sum(f.count for f in findings),
        hint=hints.most_common(1)[0][0] if hints else "",
        common=_common(findings, publishers, several),
    )


def _common(
    findings: list[Finding], publishers: dict[tuple[str | None, str], str], several: bool
) -> tuple[str, ...]:
    """Phrases for what most findings of a group share: the app, where the streams came from,
    the codec, the push target, the remote address."""
    total = len(findings)
    if total < _COMMON_MIN:
        return ()
    phrases = []

    def shared(values: Iterable[Any], say: str) -> None:
        counted = Counter(v for v in values if v)
        if not counted:
            return
        value, count = counted.most_common(1)[0]
        if count >= _COMMON_SHARE * total and (count > 1 or total == 1):
            amount = "all" if count == total else f"{count} of {total}"
            phrases.append(say.format(amount=amount, value=value))

    streams = [f for f in findings if f.subject.kind is SubjectKind.STREAM]
    if streams:
        shared((_app(f) for f in streams), "{amount} in app {value}")
        shared((publishers.get((f.server, f.subject.id)) for f in streams), "{amount} from {value}")
    shared((_first(f.details.get("codecs")) for f in findings), "{amount} {value}")
    shared((url_host(_text(f.details.get("target"))) for f in findings), "{amount} to {value}")
    shared((_first(f.details.get("remotes")) for f in findings), "{amount} from {value}")
    if several:
        shared((f.server for f in findings), "{amount} on server {value}")
    return tuple(phrases)


def _app(finding: Finding) -> str | None:
    subject = finding.subject
    if not subject.app:
        return None
    if subject.vhost in (None, "default"):
        return subject.app
    return f"{subject.app} (vhost {subject.vhost})"


def _first(value: Any) -> str | None:
    """The one value of a list or mapping of values (None when there are several)."""
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, list | tuple):
        return str(value[0]) if len(value) == 1 else None
    return None if value is None else str(value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None

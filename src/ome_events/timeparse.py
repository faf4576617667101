"""Times as people type them: ``2025-03-26 05:00``, ``-2h``, ``30m``, ``today``, ``yesterday``.

Used by the command line (``--since``/``--until``) and open to library users. Pure: the
current time is a parameter, never read here.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from dateutil import parser as dateutil_parser

__all__ = ["parse_duration", "parse_user_time"]

_UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "sec": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
# Words first (longest first), so "2 hours" is read as hours, not "2 h" and "ours".
_WORDS = {
    "milliseconds": "ms", "millisecond": "ms", "msecs": "ms", "msec": "ms",
    "seconds": "s", "second": "s", "secs": "s",
    "minutes": "min", "minute": "min", "mins": "min",
    "hours": "h", "hour": "h", "hrs": "h", "hr": "h",
    "days": "d", "day": "d",
    "weeks": "w", "week": "w",
}  # fmt: skip
_UNIT = "|".join(sorted([*_WORDS, *_UNITS], key=len, reverse=True))
_DURATION = re.compile(rf"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT})(?![a-z])")
_RELATIVE = re.compile(
    rf"-?\s*(?P<amount>(?:\d+(?:\.\d+)?\s*(?:{_UNIT})\s*,?\s*(?:and\s+)?)+)(?:ago)?"
)
_EPOCH = re.compile(r"@(?P<seconds>-?\d+(?:\.\d+)?)")


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``30m``, ``1h30m``, ``2d``, ``1w``; raises ValueError otherwise.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    """
    compact = text.strip().lower()
    total = timedelta()
    position = 0
    for match in _DURATION.finditer(compact):
        if compact[position : match.start()].strip(" ,").removeprefix("and").strip():
            break
        unit = _WORDS.get(match["unit"], match["unit"])
        total += float(match["number"]) * _UNITS[unit]
        position = match.end()
    if position == 0 or compact[position:].strip():
        raise ValueError(f"not a duration: {text!r} (examples: 90s, 30m, 1h30m, 2d)")
    return total


def parse_user_time(text: str, *, now: datetime, tz: tzinfo | None = None) -> datetime:
    """Turn what a user typed into a timezone-aware datetime.

    ``now`` must be aware; ``tz`` is the zone of times typed without one (default: the
    zone of ``now``). Accepted forms:

    * ISO 8601 and common date-times: ``2025-03-26T05:21:46+09:00``, ``2025-03-26 05:00``,
      ``2025-03-26``, ``05:00`` (today);
    * relative to now: ``-2h``, ``30m``, ``2h ago``, ``1h30m``, ``2 hours ago``,
      ``1 day 3 hours ago`` (always in the past);
    * seconds since 1970, as ``date +%s`` prints them: ``@1742983200``;
    * words: ``now``, ``today`` (midnight), ``yesterday`` (midnight), ``tomorrow``.

    Raises ValueError with the accepted forms when the text is none of them.

    >>> from datetime import timezone
    >>> now = datetime(2025, 3, 26, 12, 0, tzinfo=timezone.utc)
    >>> parse_user_time("-2h", now=now).isoformat()
    '2025-03-26T10:00:00+00:00'
    >>> parse_user_time("yesterday", now=now).isoformat()
    '2025-03-25T00:00:00+00:00'
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = tz or now.tzinfo
    local_now = now.astimezone(zone)
    word = text.strip().lower()
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    words = {
        "now": local_now,
        "today": midnight,
        "yesterday": midnight - timedelta(days=1),
        "tomorrow": midnight + timedelta(days=1),
    }
    if word in words:
        return words[word]
    epoch = _EPOCH.fullmatch(word)
    if epoch is not None:
        try:
            return datetime.fromtimestamp(float(epoch["seconds"]), zone)
        except (OverflowError, OSError, ValueError) as error:
            raise ValueError(f"not a time: {text!r} (seconds since 1970 out of range)") from error
    relative = _RELATIVE.fullmatch(word)
    if relative is not None:
        return local_now - parse_duration(relative["amount"])
    try:
        parsed = dateutil_parser.parse(text, default=midnight.replace(tzinfo=None))
    except (ValueError, OverflowError) as error:
        raise ValueError(
            f"not a time: {text!r} (examples: 2025-03-26 05:00, 2025-03-26T05:00+09:00,"
            " -2h, 30m, '2 hours ago', today, yesterday, @1742983200)"
        ) from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed

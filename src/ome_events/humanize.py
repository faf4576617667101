"""Numbers for people: counts, durations, bitrates, short lists. One unit everywhere:
bitrates in ``kbps``/``Mbps``, durations in ``ms``/``s``/``min``/``h``/``d``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

__all__ = [
    "bitrate",
    "clock_duration",
    "duration",
    "listing",
    "plural",
    "seconds",
    "top_counts",
]


def plural(count: int, word: str, words: str | None = None) -> str:
    """``plural(1, "event") == "1 event"``, ``plural(3, "event") == "3 events"``."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def seconds(value: float) -> str:
    """A duration in seconds, short: ``0.25 s``, ``8.0 s``, ``47721.9 s (13.3 h)``."""
    if value < 1:
        return f"{value:.3g} s"
    if value < 3600:
        return f"{value:.1f} s"
    return f"{value:.1f} s ({value / 3600:.1f} h)"


def duration(value: timedelta | float) -> str:
    """A duration for people: ``450 ms``, ``27 s``, ``4 min 10 s``, ``2 h 05 min``."""
    total = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if total < 1:
        return f"{total * 1000:.0f} ms"
    if total < 60:
        return f"{total:.0f} s" if total >= 10 else f"{total:.1f} s"
    minutes, secs = divmod(round(total), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours:02d} h"


def clock_duration(seconds: float) -> str:
    """A duration as a clock: ``1:02:03`` (hours may pass 24).

    >>> clock_duration(3723.4)
    '1:02:03'
    """
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def bitrate(bps: float) -> str:
    """``2500000`` -> ``2.5 Mbps``, ``160000`` -> ``160 kbps``."""
    if bps >= 1_000_000_000_000:
        return f"{bps / 1_000_000_000:.3g} Gbps"
    if bps >= 1_000_000:
        return f"{bps / 1_000_000:.3g} Mbps"
    if bps >= 1000:
        return f"{bps / 1000:.3g} kbps"
    return f"{bps:.0f} bps"


def listing(values: Iterable[object], limit: int = 3) -> str:
    """``a, b, c`` or ``a, b, c and 2 more``; values that say nothing (None, empty text,
    structures) are left out, so a sentence never holds a hole (``""`` when none is left).

    >>> listing(["0", None, "", {}, "1"])
    '0, 1'
    """
    items = [text for text in map(_plain, values) if text]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def _plain(value: object) -> str:
    if value is None or isinstance(value, dict | list | tuple | set):
        return ""
    text = str(value).strip()
    return "" if text in ("None", "nan") or "{" in text else text


def top_counts(counts: Mapping[str, int] | None, limit: int = 3) -> str:
    """``203.0.113.66 (18), 198.51.100.2 (2)`` from a counts fact (already sorted); a single
    value alone, without its count."""
    if not counts:
        return ""
    if len(counts) == 1:
        return next(iter(counts))
    parts = [f"{key} ({value})" for key, value in list(counts.items())[:limit]]
    more = len(counts) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")

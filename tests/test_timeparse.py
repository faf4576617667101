"""User-typed times and durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ome_events.timeparse import parse_duration, parse_user_time

NOW = datetime(2025, 3, 26, 12, 30, tzinfo=UTC)
SEOUL = timezone(timedelta(hours=9))


class TestUserTime:
    """--since and --until values."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2025-03-26T05:21:46+09:00", datetime(2025, 3, 26, 5, 21, 46, tzinfo=SEOUL)),
            ("2025-03-26 05:00", datetime(2025, 3, 26, 5, 0, tzinfo=UTC)),
            ("2025-03-25", datetime(2025, 3, 25, tzinfo=UTC)),
            ("05:00", datetime(2025, 3, 26, 5, 0, tzinfo=UTC)),
            ("-2h", NOW - timedelta(hours=2)),
            ("30m", NOW - timedelta(minutes=30)),
            ("2h ago", NOW - timedelta(hours=2)),
            ("1h30m", NOW - timedelta(minutes=90)),
            ("now", NOW),
            ("today", datetime(2025, 3, 26, tzinfo=UTC)),
            ("yesterday", datetime(2025, 3, 25, tzinfo=UTC)),
            ("Tomorrow", datetime(2025, 3, 27, tzinfo=UTC)),
        ],
    )
    def test_forms(self, text: str, expected: datetime) -> None:
        """Each accepted form gives the instant a person means."""
        assert parse_user_time(text, now=NOW) == expected

    def test_local_zone(self) -> None:
        """Times typed without a zone are in the given zone; today is that zone's midnight."""
        assert parse_user_time("2025-03-26 05:00", now=NOW, tz=SEOUL) == datetime(
            2025, 3, 26, 5, tzinfo=SEOUL
        )
        assert parse_user_time("today", now=NOW, tz=SEOUL) == datetime(2025, 3, 26, tzinfo=SEOUL)

    @pytest.mark.parametrize("text", ["soon", "", "2h later", "25:99"])
    def test_nonsense(self, text: str) -> None:
        """Anything else is a ValueError that shows examples."""
        with pytest.raises(ValueError, match="examples"):
            parse_user_time(text, now=NOW)

    def test_now_must_be_aware(self) -> None:
        """A naive now is a programming error."""
        with pytest.raises(ValueError, match="aware"):
            parse_user_time("today", now=datetime(2025, 1, 1))


class TestDuration:
    """--every and window sizes."""

    @pytest.mark.parametrize(
        ("text", "seconds"),
        [("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("2d", 172800), ("500ms", 0.5)],
    )
    def test_forms(self, text: str, seconds: float) -> None:
        """Units s, m, h, d, w, ms, combined."""
        assert parse_duration(text).total_seconds() == seconds

    @pytest.mark.parametrize("text", ["", "h", "5", "5x", "1h foo"])
    def test_nonsense(self, text: str) -> None:
        """Anything else is a ValueError."""
        with pytest.raises(ValueError, match="not a duration"):
            parse_duration(text)

"""The follower's rules as a table: (what we read, what is on disk now) -> the change.

No file system here: these are the pure functions the follower asks before it acts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ome_events.follower.decide import Change, Observed, Reading, decide, newer_than
from ome_events.follower.identity import FileState

T0 = datetime(2025, 3, 26, tzinfo=UTC)
PREFIX = b'{"time":"2025-03-26T00:00:00.000+00:00"'
OURS = (1, 10)


def reading(**changes: object) -> Reading:
    """The file we read: inode 10, 100 bytes read, first event at T0."""
    values: dict[str, object] = {
        "identity": OURS,
        "fingerprint": "ours",
        "first_time": T0,
        "read_to": 100,
        "prefix": PREFIX,
        "compressed": False,
        "at_eof": True,
    }
    values.update(changes)
    return Reading(**values)  # type: ignore[arg-type]


def state(name: str, inode: int, fingerprint: str | None, hours: float | None) -> FileState:
    """A scanned file; ``hours`` after T0 is its first event (None: no line yet)."""
    first = None if hours is None else T0 + timedelta(hours=hours)
    return FileState(
        Path(name), 1, inode, 100, name.endswith(".gz"), fingerprint, first, name == "events.log"
    )


ROTATED_OURS = state("events.log.20250326", 10, "ours", 0)
NEW_BASE = state("events.log", 11, "new", 24)
EMPTY_BASE = state("events.log", 11, None, None)


class TestDecide:
    """Each rule of the module's table, in order."""

    @pytest.mark.parametrize(
        ("before", "after", "change"),
        [
            # grown, same file at the base path
            (reading(), Observed(150, PREFIX, OURS), Change.APPENDED),
            # nothing new
            (reading(), Observed(100, PREFIX, OURS), Change.UNCHANGED),
            # shrank: truncated
            (reading(), Observed(10, PREFIX[:10], OURS), Change.TRUNCATED),
            # same size, other first bytes: rewritten in place
            (reading(), Observed(100, b"x" * len(PREFIX), OURS), Change.TRUNCATED),
            # truncated, and a copy of what we read exists
            (
                reading(),
                Observed(0, b"", OURS, files=[ROTATED_OURS], copy=ROTATED_OURS),
                Change.COPY_TRUNCATED,
            ),
            # gzip: no size; read on until its end
            (reading(compressed=True, at_eof=False), Observed(None, b"", None), Change.APPENDED),
            # the base path names another file: a scan is needed
            (reading(), Observed(100, PREFIX, (1, 11)), Change.LOOK),
            # ... the scan shows a newer file: rotated
            (
                reading(),
                Observed(100, PREFIX, (1, 11), files=[ROTATED_OURS, NEW_BASE]),
                Change.ROTATED,
            ),
            # ... a new base file without a line yet is newer too
            (
                reading(),
                Observed(100, PREFIX, (1, 11), files=[ROTATED_OURS, EMPTY_BASE]),
                Change.ROTATED,
            ),
            # ... but one already read to its end is not
            (
                reading(),
                Observed(100, PREFIX, (1, 11), files=[ROTATED_OURS, NEW_BASE], done=["new"]),
                Change.UNCHANGED,
            ),
            # no base file (open-source layout): ours is the newest dated file
            (reading(), Observed(100, PREFIX, None, files=[ROTATED_OURS]), Change.UNCHANGED),
        ],
    )
    def test_table(self, before: Reading, after: Observed, change: Change) -> None:
        """The change named for each situation."""
        assert decide(before, after) is change

    def test_appended_wins_over_rotation(self) -> None:
        """Lines that reached our file before the rename are read before moving on."""
        after = Observed(180, PREFIX, (1, 11), files=[ROTATED_OURS, NEW_BASE])
        assert decide(reading(), after) is Change.APPENDED

    def test_no_prefix_yet_no_truncation(self) -> None:
        """Before the first bytes were read, a smaller size is not a truncation."""
        assert decide(reading(prefix=b"", read_to=0), Observed(0, b"", OURS)) is Change.UNCHANGED


class TestNewerThan:
    """Which files come after ours."""

    def test_after_ours_in_scan_order(self) -> None:
        """Ours is found by identity, renamed; what follows it is newer."""
        older = state("events.log.20250325.gz", 9, "older", -24)
        files = [older, ROTATED_OURS, NEW_BASE]
        assert newer_than(reading(), files, ()) == [NEW_BASE]

    def test_ours_deleted(self) -> None:
        """Gone from the scan: files that began later than ours are the newer ones."""
        older = state("events.log.20250325.gz", 9, "older", -24)
        assert newer_than(reading(), [older, NEW_BASE], ()) == [NEW_BASE]

    def test_ours_compressed(self) -> None:
        """Compressed since (another inode), ours is still found by its fingerprint."""
        compressed = state("events.log.20250326.gz", 12, "ours", 0)
        assert newer_than(reading(), [compressed, NEW_BASE], ()) == [NEW_BASE]

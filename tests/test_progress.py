"""The progress bar of the library's long reads (``to_dataframe``, ``write_parquet``): drawn
on a real terminal (a pty as standard error) when asked or by default on a large log, never
on a pipe by default, and the rows are the same with and without it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from ome_events.progress import PROGRESS_BYTES, events_with_progress, progress_wanted

pytest.importorskip("pandas")

SAMPLE = Path(__file__).resolve().parent.parent / "sample_logs" / "server-utc"


def _stderr_on_terminal(code: str) -> str:
    """Run ``code`` in a child whose standard error is a pseudo-terminal; what it drew."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    child = subprocess.Popen(
        [sys.executable, "-c", code], stderr=follower, stdout=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    child.wait(timeout=120)
    os.close(leader)
    assert child.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_to_dataframe_draws_a_bar_on_a_terminal_when_asked() -> None:
    drawn = _stderr_on_terminal(
        "from ome_events.jupyter import to_dataframe\n"
        f"frame = to_dataframe({str(SAMPLE)!r}, progress=True)\n"
        "assert len(frame) > 0\n"
    )
    assert "reading" in drawn


def test_write_parquet_draws_a_bar_on_a_terminal_when_asked(tmp_path: Path) -> None:
    drawn = _stderr_on_terminal(
        "from ome_events.export.parquet import write_parquet\n"
        f"assert write_parquet({str(SAMPLE)!r}, {str(tmp_path / 'lake')!r}, progress=True)\n"
    )
    assert "reading" in drawn


def test_small_logs_and_pipes_get_no_bar_by_default() -> None:
    small = _stderr_on_terminal(
        f"from ome_events.jupyter import to_dataframe\nto_dataframe({str(SAMPLE)!r})\n"
    )
    assert "reading" not in small
    piped = subprocess.run(
        [sys.executable, "-c", f"from ome_events.jupyter import to_dataframe\n"
         f"to_dataframe({str(SAMPLE)!r}, progress=None)\n"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert piped.stderr == ""


def test_the_decision() -> None:
    assert progress_wanted(None, PROGRESS_BYTES, interactive=True)
    assert not progress_wanted(None, PROGRESS_BYTES - 1, interactive=True)
    assert not progress_wanted(None, 10 * PROGRESS_BYTES, interactive=False)
    assert progress_wanted(True, 0, interactive=False)
    assert not progress_wanted(False, 10 * PROGRESS_BYTES, interactive=True)


def test_the_same_events_with_and_without_a_bar() -> None:
    import ome_events

    plain = [e.raw for e in ome_events.read_events(SAMPLE)]
    shown = [e.raw for e in events_with_progress(SAMPLE, progress=True)]
    assert shown == plain
    several = [SAMPLE, SAMPLE.parent / "server-kst"]
    merged = [e.raw for e in ome_events.read_events(several)]
    assert [e.raw for e in events_with_progress(several, progress=True)] == merged


def test_events_given_as_events_are_streamed_not_gathered() -> None:
    import ome_events

    taken = 0

    def events():  # type: ignore[no-untyped-def]
        nonlocal taken
        for event in ome_events.read_events(SAMPLE):
            taken += 1
            yield event

    stream = events_with_progress(events(), progress=True)
    next(stream)
    assert taken == 1

"""Operators' habits on the command line (real subprocesses): ``-n +N``, ``-F``, ``-S``/``-U``,
``@epoch`` and ``N units ago``, ``!`` filters, ``--search`` over every field, and "did you
mean" for typos, with the command's own usage."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.cli import UTC_DIR, UTC_EVENTS
from tests.helpers.lines import event_line

PATIENCE = 60.0


def ome(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ome_events", *args],
        capture_output=True, text=True, check=False, timeout=PATIENCE,
    )  # fmt: skip


def json_lines(*args: str) -> list[dict[str, object]]:
    result = ome("tail", "-n", "all", "--json", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_n_plus_starts_at_the_nth_event() -> None:
    result = json_lines(str(UTC_DIR))
    from_10 = [json.loads(x) for x in ome("tail", "-n", "+10", "--json", str(UTC_DIR)).stdout
               .splitlines()]  # fmt: skip
    assert from_10 == result[9:]
    assert ome("tail", "-n", "+0", str(UTC_DIR)).returncode == 2


def test_negative_filters() -> None:
    everything = json_lines(str(UTC_DIR))
    rest = [e for e in everything if e["category"] == "RestApiEvent"]
    others = json_lines(str(UTC_DIR), "--category", "!rest")
    assert len(others) == len(everything) - len(rest) > 0
    assert all(e["category"] != "RestApiEvent" for e in others)
    no_app = json_lines(str(UTC_DIR), "--app", "!app")
    assert all(not str(e["sourceId"]).startswith("#default#app/") for e in no_app)
    assert any(e["category"] == "ServerEvent" for e in no_app)  # events without an app stay


def test_search_looks_in_every_field() -> None:
    expected = [e for e in UTC_EVENTS if "hasBframes" in json.dumps(e)]
    assert expected
    assert len(json_lines(str(UTC_DIR), "--search", "hasBframes")) == len(expected)
    assert json_lines(str(UTC_DIR), "--grep", "hasBframes") == []  # --grep: the summary only


def test_since_until_short_forms_and_epoch() -> None:
    long = json_lines(str(UTC_DIR), "--since", "2025-03-27T20:00:00+00:00",
                      "--until", "2025-03-27T21:00:00+00:00")  # fmt: skip
    short = json_lines(str(UTC_DIR), "-S", "@1743105600", "-U", "@1743109200")
    assert long == short and long
    ago = ome("tail", "-n", "all", "-S", "2 hours ago", str(UTC_DIR))
    assert ago.returncode == 0, ago.stderr  # the sample is older: nothing, but understood


def test_typos_get_suggestions_and_the_commands_usage() -> None:
    result = ome("tail", "--lvel", "warning", str(UTC_DIR))
    assert result.returncode == 2
    assert "usage: ome-events tail" in result.stderr
    assert "did you mean --level?" in result.stderr
    typo = ome("tail", "--category", "stram", str(UTC_DIR))
    assert "did you mean 'stream'?" in typo.stderr
    cause = ome("analyze", "--cause", "bframe", str(UTC_DIR))
    assert "did you mean 'BFrameDetected'?" in cause.stderr


def test_a_port_out_of_range_is_a_usage_error() -> None:
    """Not a traceback from bind() (OverflowError) after the watch started."""
    for given, said in (("80000", "a port is 1 to 65535, not 80000"),
                        ("nine", "expected a port number, not 'nine'")):  # fmt: skip
        result = ome("watch", "--metrics-port", given, str(UTC_DIR))
        assert result.returncode == 2
        assert f"argument --metrics-port: {said}" in result.stderr
        assert "Traceback" not in result.stderr


def test_capital_f_waits_for_a_log_that_does_not_exist_yet(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    tail = subprocess.Popen(
        [sys.executable, "-m", "ome_events", "tail", "-F", "--poll", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + PATIENCE
        assert tail.stderr is not None and tail.stdout is not None
        assert "waiting for it" in tail.stderr.readline()
        folder.mkdir()
        (folder / "events.log").write_bytes(event_line(summary="Stream created. Id: 7"))
        line = tail.stdout.readline()
        assert "Stream created. Id: 7" in line
        assert time.monotonic() < deadline
    finally:
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=PATIENCE) == 0
        if tail.stdout:
            tail.stdout.close()
        if tail.stderr:
            tail.stderr.close()


def test_one_clock_in_every_command() -> None:
    """The Korean sample's last event is shown at the same time by tail and analyze: the
    local zone by default (said once in analyze's summary), UTC with a Z under --utc."""
    import os

    from tests.helpers.cli import KST_DIR

    def run(*args: str) -> str:
        env = {**os.environ, "TZ": "Asia/Seoul"}
        return subprocess.run(
            [sys.executable, "-m", "ome_events", *args], capture_output=True, text=True,
            check=True, timeout=PATIENCE, env=env,
        ).stdout  # fmt: skip

    clocks = {(): "(local time, KST, UTC+09:00)", ("--utc",): "(UTC)"}
    for extra, named in clocks.items():
        last_in_tail = run("tail", "-n", "1", *extra, str(KST_DIR)).split("  ")[0].split()[:2]
        summary = run("analyze", "--color", "never", *extra, str(KST_DIR)).splitlines()
        [span] = [line for line in summary if line.startswith("from ")]
        assert span.endswith(f" to {' '.join(last_in_tail)} {named}"), (span, last_in_tail)
    assert run("tail", "-n", "1", str(KST_DIR)).startswith("2025-03-28 23:30:00.293 ")


def test_server_ids_are_short_in_lines_and_whole_in_json() -> None:
    """A REST line fits 80 columns better: the server's UUID is cut to 8 characters in the
    line; --json keeps it whole."""
    line = ome("tail", "-n", "1", "--type", "RestApiResponded", str(UTC_DIR)).stdout
    assert " 6add8be3… REST API responded." in line
    assert "6add8be3-181f" not in line
    whole = json_lines(str(UTC_DIR), "--type", "RestApiResponded")[-1]
    assert whole["sourceId"] == "6add8be3-181f-4c4b-bc4e-9a7d52c0e1f4"


def test_an_empty_window_says_where_the_log_is() -> None:
    """--since after the end (or --until before the start): nothing, and where the events are."""
    for command in ("tail", "stats", "analyze"):
        result = ome(command, str(UTC_DIR), "--since", "2030-01-01", "--utc")
        assert (
            "no events from 2030-01-01 00:00:00.000Z; the log holds events from"
            " 2025-03-25 06:58:12.104Z to 2025-03-27 23:45:00.171Z"
        ) in result.stderr, (command, result.stderr)
    inside = ome("tail", str(UTC_DIR), "--since", "2025-03-26", "--utc")
    assert "the log holds" not in inside.stderr

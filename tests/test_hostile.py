"""One hostile line never takes a command down: every entry point, on a log of a good line, a
hostile one and a good line, gives output or reports the bad line, and the good lines come out.

The hostile values are in ``tests/strategies.py`` (edge times and offsets, nesting near and past
every limit, numbers out of any range, control characters, odd types in every field); the cases
of the hardening issue are explicit regression tests below.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.helpers.lines import event_line
from tests.strategies import hostile_events, nested

import ome_events
from ome_events.analyze import Analysis, analyze
from ome_events.cli.main import main
from ome_events.export import IpRedactor, write_csv, write_jsonl
from ome_events.text import dumps

GOOD_FIRST = "good-first"
GOOD_LAST = "good-last"


def hostile_log(directory: Path, hostile: bytes) -> Path:
    """events.log: a good line, the hostile line, a good line."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "events.log"
    path.write_bytes(
        event_line("2025-03-26T05:00:00.000+00:00", summary=GOOD_FIRST)
        + hostile.rstrip(b"\n")
        + b"\n"
        + event_line("2025-03-26T05:00:02.000+00:00", summary=GOOD_LAST)
    )
    return path


class _Kept(io.BytesIO):
    """A buffer that outlives the text layers put over it (they close it when collected)."""

    def close(self) -> None:
        pass


@contextlib.contextmanager
def captured() -> Iterator[io.BytesIO]:
    """Standard output and error of an in-process command, as bytes."""
    out = _Kept()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(err):
        yield out


COMMANDS = [
    ["tail", "-n", "all"],
    ["tail", "-n", "all", "--color", "always", "--snapshot"],
    ["tail", "-n", "all", "--json"],
    ["tail", "-n", "1", "--utc"],
    ["stats"],
    ["stats", "--json", "--every", "1m"],
    ["analyze"],
    ["analyze", "--json"],
    ["export", "--format", "csv"],
    ["export", "--format", "csv", "--redact-ip"],
    ["export", "--format", "jsonl", "--redact-ip"],
]


def run_everything(directory: Path, tmp: Path) -> None:
    """Every command and library entry point on the log; good lines must come out."""
    path = directory / "events.log"
    for command in COMMANDS:
        with captured() as out:
            status = main([*command, str(directory)])
        assert status == 0, (command, status)
        if command[:3] == ["tail", "-n", "all"] or command[0] == "export":
            text = out.getvalue()
            assert GOOD_FIRST.encode() in text and GOOD_LAST.encode() in text, command

    reader = ome_events.read_events(directory, errors="collect")
    events = list(reader)
    summaries = [e.summary for e in events]
    assert summaries[0] == GOOD_FIRST and summaries[-1] == GOOD_LAST
    assert len(events) + len(reader.errors) == 3
    for event in events:
        event.to_json()
        _ = event.snapshot, event.fields, event.message
        str(event.source)
    report = analyze(ome_events.read_events(directory, errors="skip"))
    report.to_json()
    analysis = Analysis()
    for event in events:
        analysis.feed(event)
        analysis.pending()
    analysis.finish()
    write_csv(events, io.StringIO(), redactor=IpRedactor())
    write_jsonl(events, io.BytesIO(), redactor=IpRedactor())
    with ome_events.follow(directory, start="start", poll=True, on_error=lambda e: None) as f:
        assert [e.summary for e in f.poll()] == summaries

    decoder = ome_events.LineDecoder(errors="collect")
    assert len(decoder.feed(path.read_bytes())) == len(events)


def jupyter_everything(directory: Path, tmp: Path) -> None:
    """DataFrames, Parquet and the HTML views on the log."""
    pytest.importorskip("pyarrow")
    from ome_events.export.parquet import write_parquet
    from ome_events.jupyter import findings_dataframe, table, to_dataframe, view

    frame = to_dataframe(directory, errors="skip", raw=True)
    assert frame["summary"].iloc[0] == GOOD_FIRST
    write_parquet(directory, tmp / "lake", errors="skip", existing="replace")
    events = list(ome_events.read_events(directory, errors="skip"))
    table(events)._repr_html_()
    report = analyze(events)
    view(report)._repr_html_()
    findings_dataframe(report)


class TestProperty:
    """Any hostile value, in any field, between two good lines."""

    @settings(
        max_examples=int(os.environ.get("OME_HOSTILE_EXAMPLES", "40")),
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(obj=hostile_events())
    def test_every_entry_point(self, obj: dict[str, Any], tmp_path_factory: Any) -> None:
        """Output or a reported bad line, never an exception; the good lines come out."""
        tmp = tmp_path_factory.mktemp("hostile")
        directory = tmp / "log"
        hostile_log(directory, dumps(obj))
        run_everything(directory, tmp)
        jupyter_everything(directory, tmp)


def prepared(snapshot: Any) -> bytes:
    return event_line("2025-03-26T05:00:01.000+00:00", type="StreamPrepared", snapshot=snapshot)


REGRESSIONS = {
    "snapshot nested 300 deep": dumps(
        {
            "time": "2025-03-26T05:00:01.000+00:00",
            "level": "Info",
            "category": "StreamEvent",
            "type": "StreamPrepared",
            "sourceId": "#default#app/cam1",
            "summary": "deep",
            "snapshot": nested(300),
        }
    ),
    "year 1 without offset": event_line("0001-01-01T00:00:00"),
    "year 1 at -23:59": event_line("0001-01-01T00:00:00-23:59"),
    "the last millisecond of 9999": event_line("9999-12-31T23:59:59.999+00:00"),
    # Accepted (8999 where it was written), 7,000 years after the good lines: stats --every 1m
    # once listed every empty minute in between.
    "the end of 8999 at -23:59": event_line("8999-12-31T23:59:59.999-23:59"),
    "time a list nested 900 deep": b'{"time":'
    + b"[" * 900
    + b"]" * 900
    + b',"level":"Info","category":"StreamEvent","type":"StreamCreated","sourceId":"x",'
    b'"summary":"y"}',
    "numbers beyond every range": prepared(
        {
            "tracks": [
                {
                    "id": 0,
                    "type": "Video",
                    "video": {
                        "framerate": 1e-308,
                        "keyFrameInterval": 1e308,
                        "bitrateConf": 2**64 + 1,
                        "bitrateAvg": -0.0,
                        "width": 1e308,
                        "height": -5,
                        "bitrateLatest": "1e999",
                    },
                }
            ]
        }
    ),
}


class TestRegressions:
    """The lines of the hardening issue, each between two good lines."""

    @pytest.mark.parametrize("name", sorted(REGRESSIONS))
    def test_every_entry_point(self, name: str, tmp_path: Path) -> None:
        """Every command and library entry point survives it."""
        directory = tmp_path / "log"
        hostile_log(directory, REGRESSIONS[name])
        run_everything(directory, tmp_path)
        jupyter_everything(directory, tmp_path)

    def test_deep_snapshot_is_shown_and_written_back(self, tmp_path: Path) -> None:
        """The 300-deep line is an event; --json writes the line as it was read."""
        directory = tmp_path / "log"
        hostile_log(directory, REGRESSIONS["snapshot nested 300 deep"])
        with captured() as out:
            assert main(["tail", "-n", "all", "--json", str(directory)]) == 0
        assert out.getvalue().splitlines()[1] == REGRESSIONS["snapshot nested 300 deep"]

    @pytest.mark.parametrize("name", ["year 1 without offset", "the last millisecond of 9999"])
    def test_times_outside_the_range_are_bad_lines(self, name: str, tmp_path: Path) -> None:
        """A time outside the accepted years is a bad line that says so."""
        directory = tmp_path / "log"
        hostile_log(directory, REGRESSIONS[name])
        reader = ome_events.read_events(directory, errors="collect")
        assert len(list(reader)) == 2
        [error] = reader.errors
        assert "outside the accepted range" in error.reason and error.line == 2

    def test_deep_time_value_error_is_bounded(self) -> None:
        """parse_line reports a nested 'time' without formatting the whole structure."""
        with pytest.raises(ome_events.ParseError, match="a JSON array") as caught:
            ome_events.parse_line(REGRESSIONS["time a list nested 900 deep"])
        assert len(str(caught.value)) < 400

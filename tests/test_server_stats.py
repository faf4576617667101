"""The Analytics log's ServerStat samples as a series: rows, the stats command's summary and
the DataFrame, each checked against the JSON lines read with the json module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.helpers.lines import SAMPLES

import ome_events
from ome_events.export.server_stats import STAT_COLUMNS, server_stat_rows
from ome_events.jupyter import server_stats_dataframe

OSS = SAMPLES / "server-oss"


def samples() -> list[dict[str, Any]]:
    """Every ServerStat object of the sample, with the json module (no ome_events)."""
    found = []
    for path in sorted(OSS.glob("events.log.*")):
        for line in path.read_text().splitlines():
            obj = json.loads(line)
            if obj["event"]["type"] == "ServerStat":
                found.append(obj)
    return found


def streams_of(sample: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for host in sample["data"]["serverStat"]["hosts"] or []:
        for app in host["apps"] or []:
            for stream in app["streams"] or []:
                out.append((f"{app['appName']}/{stream['streamName']}", stream["stat"]))
    return out


def test_one_row_per_sample_and_entity() -> None:
    rows = list(server_stat_rows(ome_events.read_events(OSS)))
    expected = samples()
    server_rows = [r for r in rows if r[2] == "server"]
    assert len(server_rows) == len(expected)
    assert [r[4] for r in server_rows] == [
        s["data"]["serverStat"]["stat"]["totalConnections"] for s in expected
    ]
    stream_rows = [(r[3], r[4], r[6]) for r in rows if r[2] == "stream"]
    assert stream_rows == [
        (name, stat["totalConnections"], stat["lastThroughputIn"])
        for s in expected
        for name, stat in streams_of(s)
    ]
    assert all(len(r) == len(STAT_COLUMNS) for r in rows)


def test_other_events_give_no_rows() -> None:
    assert list(server_stat_rows(ome_events.read_events(SAMPLES / "server-utc"))) == []
    with pytest.raises(ValueError, match="unknown scopes"):
        list(server_stat_rows([], scopes=["galaxy"]))


def test_stats_command_summarises_the_series() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ome_events", "stats", "--json", str(OSS)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    summary = json.loads(result.stdout)["server_stats"]["server-oss"]
    expected = samples()
    stats = [s["data"]["serverStat"]["stat"] for s in expected]
    assert summary["samples"] == len(expected)
    assert summary["max_connections"] == max(s["totalConnections"] for s in stats)
    assert summary["connections"] == stats[-1]["totalConnections"]
    assert summary["throughput_in"]["max"] == max(s["lastThroughputIn"] for s in stats)
    mean = sum(s["lastThroughputOut"] for s in stats) / len(stats)
    assert summary["throughput_out"]["mean"] == pytest.approx(mean)
    assert summary["streams"] == len({name for s in expected for name, _ in streams_of(s)})


def test_stats_tables_show_it_only_when_there_are_samples() -> None:
    def run(path: Path) -> str:
        return subprocess.run(
            [sys.executable, "-m", "ome_events", "stats", "--color", "never", str(path)],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip

    assert "server statistics" in run(OSS)
    assert "server statistics" not in run(SAMPLES / "server-utc")


def test_dataframe() -> None:
    frame = server_stats_dataframe(OSS, scopes=["server", "stream"])
    assert list(frame.columns) == list(STAT_COLUMNS)
    assert str(frame["time"].dtype) == "datetime64[ms, UTC]"
    assert frame["connections"].dtype == pd.Int64Dtype()
    assert set(frame["scope"]) == {"server", "stream"}
    assert len(frame[frame.scope == "server"]) == len(samples())
    empty = server_stats_dataframe(SAMPLES / "server-utc")
    assert empty.empty and list(empty.columns) == list(STAT_COLUMNS)

"""The lnav format, installed by ``ome-events lnav-format --install`` into a private HOME and
used by the real lnav (Debian's; .ci/run installs it): lnav's SQL sees exactly the events
``ome-events tail -n all`` shows, level by level."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from tests.helpers.lines import SAMPLES

pytestmark = pytest.mark.skipif(shutil.which("lnav") is None, reason="lnav is not installed")

PATIENCE = 120


def lnav_sql(home: Path, query: str, *paths: Path) -> list[list[str]]:
    env = {**os.environ, "HOME": str(home), "TZ": "UTC"}
    result = subprocess.run(
        ["lnav", "-n", "-c", f";{query}", *map(str, paths)],
        capture_output=True, text=True, env=env, timeout=PATIENCE, check=True,
    )  # fmt: skip
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
    return rows[1:]  # the first line names the columns


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "ome_events", "lnav-format", "--install"],
        capture_output=True, text=True, env=env, timeout=PATIENCE, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "installed" in result.stderr
    return home


@pytest.mark.parametrize("sample", ["server-utc", "server-kst"])
def test_lnav_counts_what_tail_shows(home: Path, sample: str) -> None:
    folder = SAMPLES / sample
    shown = subprocess.run(
        [sys.executable, "-m", "ome_events", "tail", "-n", "all", "--json", str(folder)],
        capture_output=True, text=True, timeout=PATIENCE, check=True,
    ).stdout.splitlines()  # fmt: skip
    levels = Counter(json.loads(line)["level"].lower() for line in shown)
    [[total]] = lnav_sql(home, "SELECT count(*) FROM ome_events_log", folder)
    assert int(total) == len(shown)
    rows = lnav_sql(
        home, "SELECT log_level, count(*) FROM ome_events_log GROUP BY log_level", folder
    )
    assert {level: int(n) for level, n in rows} == dict(levels)


def test_the_path_is_printed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ome_events", "lnav-format"],
        capture_output=True, text=True, timeout=PATIENCE, check=True,
    )  # fmt: skip
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert [p.name for p in paths] == ["ome_events_log.json", "ome_server_log.json"]
    assert all(p.is_file() for p in paths)


def test_lnav_reads_the_server_log_as_ome_events_does(home: Path) -> None:
    """The server log's format: lnav's records are our events, level by level."""
    folder = SAMPLES / "server-plain"
    shown = subprocess.run(
        [sys.executable, "-m", "ome_events", "tail", "-n", "all", "--json", "--tz", "UTC",
         str(folder)],
        capture_output=True, text=True, timeout=PATIENCE, check=True,
    ).stdout.splitlines()  # fmt: skip
    levels = Counter(json.loads(line)["level"].lower() for line in shown)
    [[total]] = lnav_sql(home, "SELECT count(*) FROM ome_server_log", folder)
    assert int(total) == len(shown)
    rows = lnav_sql(
        home, "SELECT log_level, count(*) FROM ome_server_log GROUP BY log_level", folder
    )
    assert {level: int(n) for level, n in rows} == dict(levels)
    tags = lnav_sql(home, "SELECT count(DISTINCT tag) FROM ome_server_log", folder)
    assert int(tags[0][0]) >= 5

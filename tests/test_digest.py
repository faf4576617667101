"""The digest: on a busy day (the generator's 200,000-line day: 8,000 streams, chronic encoder
trouble, a failing push target, a restart, REST polling) the default report is at most 100
lines and names every kind of finding; --json keeps every finding; tail's filters and --kind
narrow the analysis (real subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.lines import SAMPLES

sys.path.insert(0, str(SAMPLES))
from generator import busy_day_lines

from ome_events import read_events
from ome_events.analyze import analyze
from ome_events.analyze.digest import group_findings


def ome(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ome_events", "analyze", "--color", "never", *args],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("busy")
    with open(folder / "events.log", "wb") as out:
        out.writelines(busy_day_lines(200_000))
    return folder


@pytest.fixture(scope="module")
def document(busy: Path) -> dict[str, Any]:
    result = ome(str(busy), "--json")
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_the_default_report_fits_and_names_every_kind(busy: Path, document: dict[str, Any]) -> None:
    result = ome(str(busy))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= 100, len(lines)
    kinds = {f["kind"] for f in document["findings"]}
    assert len(document["findings"]) > 1000  # a busy day indeed
    for kind in kinds:
        assert any(line.lstrip().startswith(f"{kind}:") for line in lines), kind
    assert any(line.startswith("  unclean_restart:") for line in lines)  # the one restart


def test_json_keeps_every_finding_and_adds_groups(document: dict[str, Any]) -> None:
    counted = Counter(f["kind"] for f in document["findings"])
    groups = {g["kind"]: g for g in document["groups"]}
    assert {kind: g["findings"] for kind, g in groups.items()} == dict(counted)
    severities = [g["severity"] for g in document["groups"]]
    order = {"error": 2, "warning": 1, "info": 0}
    assert severities == sorted(severities, key=order.__getitem__, reverse=True)
    assert all(1 <= len(g["examples"]) <= 3 for g in document["groups"])


def test_a_problem_of_one_app_says_so(document: dict[str, Any]) -> None:
    """Every failing push of the day is in app sports, to one target: the group says both."""
    push = next(g for g in document["groups"] if g["kind"] == "push_failed")
    assert "all in app sports" in push["common"]
    assert "all to cdn.example.com" in push["common"]


def test_kind_lists_every_finding_of_that_kind(busy: Path, document: dict[str, Any]) -> None:
    result = ome(str(busy), "--kind", "push_failed")
    expected = sum(1 for f in document["findings"] if f["kind"] == "push_failed")
    heads = [line for line in result.stdout.splitlines() if "  push_failed  " in line]
    assert len(heads) == expected
    assert "long_keyframe_interval" not in result.stdout


def test_app_filter_reports_only_that_app(busy: Path) -> None:
    result = ome(str(busy), "--app", "sports", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["findings"]
    for finding in data["findings"]:
        subject = finding["subject"]
        if subject["kind"] in ("stream", "app"):
            assert subject["app"] == "sports", finding
        assert subject["kind"] != "server"  # the restart is the server's, not the app's
    assert {row["stream"].split("/")[0] for row in data["streams"]} == {"#default#sports"}


def test_level_is_the_least_severity_shown(busy: Path) -> None:
    data = json.loads(ome(str(busy), "--level", "error", "--json").stdout)
    assert {f["severity"] for f in data["findings"]} == {"error"}
    assert ome(str(busy), "--level", "error", "--fail-on", "warning").returncode == 1


def test_groups_in_the_library() -> None:
    """group_findings ranks by severity first; within a severity a server's trouble first."""
    groups = group_findings(analyze(read_events(SAMPLES / "server-utc")))
    ranks = [g.severity.rank for g in groups]
    assert ranks == sorted(ranks, reverse=True)
    for group in groups:
        assert group.examples(2) and len(group.examples(2)) <= 2
        assert group.reach

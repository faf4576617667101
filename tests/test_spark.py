"""Analysis on Spark: a real local Spark session reads a Parquet lake of three servers and
gives, server by server, exactly the findings of ``ome-events analyze`` (a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.lines import SAMPLES

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (.ci/run installs it)", allow_module_level=True)

from ome_events.parquet import write_parquet  # noqa: E402
from ome_events.spark import analyze_server, findings  # noqa: E402

SERVERS = [SAMPLES / "server-utc", SAMPLES / "server-kst", SAMPLES / "server-oss"]

pytestmark = [
    # PySpark warns that it "does not yet fully support" the newest pandas; the results
    # below are what is checked.
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

Key = tuple[Any, ...]


def key(server: str, severity: str, kind: str, subject: str, first: datetime,
        last: datetime, count: int, message: str) -> Key:  # fmt: skip
    return (server, severity, kind, subject, first.astimezone(UTC), last.astimezone(UTC),
            count, message)  # fmt: skip


def cli_findings() -> list[Key]:
    result = subprocess.run(
        [sys.executable, "-m", "ome_events", "analyze", "--json", *map(str, SERVERS)],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    document = json.loads(result.stdout)
    return sorted(
        key(
            f["server"],
            f["severity"],
            f["kind"],
            f["subject"]["id"],
            datetime.fromisoformat(f["first"]),
            datetime.fromisoformat(f["last"]),
            f["count"],
            f["message"],
        )
        for f in document["findings"]
    )


@pytest.fixture(scope="module")
def spark() -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("ome-events-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    write_parquet(SERVERS, root)
    return root


def spark_findings(frame: Any) -> list[Key]:
    """The findings collected, their times as instants (milliseconds since the epoch: a
    collected timestamp would be a naive time in the Python process's local zone)."""
    rows = frame.selectExpr(
        "*", "unix_millis(first) AS first_ms", "unix_millis(last) AS last_ms"
    ).collect()
    return sorted(
        key(
            r.server,
            r.severity,
            r.kind,
            r.subject,
            datetime.fromtimestamp(r.first_ms / 1000, UTC),
            datetime.fromtimestamp(r.last_ms / 1000, UTC),
            r["count"],
            r.message,
        )
        for r in rows
    )


def test_spark_findings_are_the_command_lines(spark: Any, lake: Path) -> None:
    expected = cli_findings()
    assert {k[0] for k in expected} == {"server-utc", "server-kst", "server-oss"}
    got = spark_findings(findings(spark, str(lake)))
    assert got == expected


def test_the_session_time_zone_changes_nothing(spark: Any, lake: Path) -> None:
    """Findings are instants: a session in Seoul time gives the same ones (compared as
    milliseconds since the epoch, which no time zone touches)."""
    spark.conf.set("spark.sql.session.timeZone", "Asia/Seoul")
    try:
        got = spark_findings(findings(spark, str(lake)))
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert got == cli_findings()


def test_a_lake_partitioned_by_server_and_hour(spark: Any, tmp_path: Path) -> None:
    write_parquet(SERVERS, tmp_path, partition_by_server=True, hourly=True)
    assert spark_findings(findings(spark, str(tmp_path))) == cli_findings()


def test_servers_and_window(spark: Any, lake: Path) -> None:
    only = findings(spark, str(lake), servers=["server-kst"])
    assert {r.server for r in only.collect()} == {"server-kst"}
    late = findings(spark, str(lake), since=datetime(2030, 1, 1, tzinfo=UTC))
    assert late.count() == 0


def test_analyze_server_alone_with_pandas(lake: Path) -> None:
    """The executors' function is plain pandas: usable without Spark."""
    import pandas as pd

    frame = pd.read_parquet(lake)
    frame = frame[frame["server"] == "server-utc"]
    result = analyze_server(frame)
    expected = [k for k in cli_findings() if k[0] == "server-utc"]
    got = sorted(
        key(
            r.server,
            r.severity,
            r.kind,
            r.subject,
            r.first.to_pydatetime(),
            r.last.to_pydatetime(),
            r.count,
            r.message,
        )
        for r in result.itertuples()
    )
    assert got == expected

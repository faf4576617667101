"""Several servers at once: merged by time, each event with its server, analysis per server,
and every command on several paths (real files, real subprocesses)."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers.lines import SAMPLES, event_line

import ome_events
from ome_events.analyze import analyze
from ome_events.reader import MergedReader

UUID1 = "aaaaaaaa-1111-1111-1111-111111111111"
UUID2 = "bbbbbbbb-2222-2222-2222-222222222222"
PATIENCE = 60.0  # seconds a subprocess gets to do something (never reached when it works)
UTC_DIR = SAMPLES / "server-utc"
KST_DIR = SAMPLES / "server-kst"


def ome(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ome_events", *args],
        input=None if stdin is None else stdin.decode(),
        capture_output=True,
        text=True,
        check=False,
    )


def server_log(folder: Path, lines: list[bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "events.log").write_bytes(b"".join(lines))
    return folder


def started(time: str, name: str, uuid: str) -> bytes:
    return event_line(
        time,
        category="ServerEvent",
        type="ServerStarted",
        source=uuid,
        summary=f"Server started. Name: {name}, Version: 0.18.1.2, Id: {uuid}",
        snapshot={"id": uuid, "name": name, "version": "0.18.1.2"},
    )


class TestReading:
    def test_events_given_as_an_iterator_are_streamed(self) -> None:
        """iter_events (behind write_parquet, to_dataframe) pulls one event at a time from a
        generator; only a list or tuple may hold paths (gathering a generator cost 3x the
        memory of a whole export)."""
        from ome_events.reader import iter_events

        pulled = []

        def events():  # type: ignore[no-untyped-def]
            for event in ome_events.read_events(UTC_DIR):
                pulled.append(event)
                yield event

        first = next(iter_events(events()))
        assert pulled == [first]

    def test_merged_by_time_with_servers(self) -> None:
        reader = ome_events.read_events([UTC_DIR, KST_DIR])
        assert isinstance(reader, MergedReader)
        events = list(reader)
        times = [e.time for e in events]
        assert times == sorted(times) or all(  # OME's small steps back stay within a log
            b - a > -__import__("datetime").timedelta(seconds=1)
            for a, b in itertools.pairwise(times)
        )
        assert {e.server for e in events} == {"server-utc", "server-kst"}
        alone = [list(ome_events.read_events(d)) for d in (UTC_DIR, KST_DIR)]
        assert len(events) == sum(map(len, alone))
        by_server = [[e for e in events if e.server == s] for s in ("server-utc", "server-kst")]
        assert by_server == alone

    def test_last_across_logs(self) -> None:
        reader = ome_events.read_events([UTC_DIR, KST_DIR])
        everything = list(ome_events.read_events([UTC_DIR, KST_DIR]))
        assert reader.last(7, 3) == everything[-10:-3]

    def test_same_directory_names_are_told_apart(self, tmp_path: Path) -> None:
        a = server_log(tmp_path / "dc1" / "edge", [event_line(summary="a")])
        b = server_log(tmp_path / "dc2" / "edge", [event_line(summary="b")])
        names = {e.summary: e.server for e in ome_events.read_events([a, b])}
        assert names == {"a": "dc1/edge", "b": "dc2/edge"}

    def test_dataframe_merges_by_time(self) -> None:
        pytest.importorskip("pandas")
        from ome_events.jupyter import to_dataframe

        frame = to_dataframe([UTC_DIR, KST_DIR])
        assert frame["time"].is_monotonic_increasing or frame["server"].nunique() == 2
        assert set(frame["server"]) == {"server-utc", "server-kst"}


class TestAnalysisPerServer:
    def test_a_second_server_is_not_a_restart(self, tmp_path: Path) -> None:
        """Each server's first start is a start; same-named streams stay apart."""
        a = server_log(
            tmp_path / "edge1",
            [
                started(
                    "2025-03-26T00:00:00.000+00:00",
                    "edge1",
                    "a" * 8 + "-1111-1111-1111-" + "1" * 12,
                ),
                event_line("2025-03-26T00:01:00.000+00:00", summary="Stream created. Id: 100"),
            ],
        )
        b = server_log(
            tmp_path / "edge2",
            [
                started(
                    "2025-03-26T00:00:30.000+00:00",
                    "edge2",
                    "b" * 8 + "-2222-2222-2222-" + "2" * 12,
                ),
                event_line("2025-03-26T00:01:30.000+00:00", summary="Stream created. Id: 100"),
            ],
        )
        report = analyze(ome_events.read_events([a, b]))
        assert "unclean_restart" not in {f.kind for f in report.findings}
        assert sorted((r.server, r.stream) for r in report.streams) == [
            ("edge1", "#default#app/cam1"),
            ("edge2", "#default#app/cam1"),
        ]
        assert {f.server for f in report.findings} <= {"edge1", "edge2"}
        assert {row.server for row in report.servers} == {"edge1", "edge2"}


class TestCommands:
    def test_tail_shows_the_server(self) -> None:
        result = ome("tail", "-n", "4", str(UTC_DIR), str(KST_DIR))
        assert result.returncode == 0, result.stderr
        assert all(
            line.split()[0] in ("server-utc", "server-kst") for line in result.stdout.splitlines()
        )

    def test_tail_json_names_the_server(self) -> None:
        result = ome("tail", "-n", "3", "--json", str(UTC_DIR), str(KST_DIR))
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert [next(iter(obj)) for obj in lines] == ["server"] * 3
        again = [ome_events.parse_line(line) for line in result.stdout.splitlines()]
        assert len(again) == 3  # still valid event lines

    def test_one_path_shows_no_server(self) -> None:
        result = ome("tail", "-n", "1", "--json", str(UTC_DIR))
        assert "server" not in json.loads(result.stdout)

    def test_stats(self) -> None:
        result = ome("stats", "--json", str(UTC_DIR), str(KST_DIR))
        document = json.loads(result.stdout)
        assert set(document["servers"]) == {"server-utc", "server-kst"}

    def test_export_csv_has_a_server_column_and_gz_compresses(self, tmp_path: Path) -> None:
        out = tmp_path / "events.csv.gz"
        result = ome("export", "-o", str(out), str(UTC_DIR), str(KST_DIR))
        assert result.returncode == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(gzip.decompress(out.read_bytes()).decode())))
        assert {row["server"] for row in rows} == {"server-utc", "server-kst"}
        jsonl = tmp_path / "events.jsonl.gz"
        assert ome("export", "-o", str(jsonl), str(UTC_DIR)).returncode == 0
        assert gzip.decompress(jsonl.read_bytes()).startswith(b'{"time":')
        assert not list(tmp_path.glob(".ome-events-*"))  # no temporary file left

    def test_analyze(self) -> None:
        result = ome("analyze", "--json", str(UTC_DIR), str(KST_DIR))
        document = json.loads(result.stdout)
        assert set(document["summary"]["servers"]) == {"server-utc", "server-kst"}
        assert {f["server"] for f in document["findings"]} <= {"server-utc", "server-kst"}

    def test_standard_input_cannot_be_mixed(self) -> None:
        result = ome("tail", "-", str(UTC_DIR))
        assert result.returncode == 2 and "standard input" in result.stderr

    def test_path_list_from_the_environment(self) -> None:
        import os

        env = {**os.environ, "OME_EVENTS_PATH": f"{UTC_DIR}{os.pathsep}{KST_DIR}"}
        result = subprocess.run(
            [sys.executable, "-m", "ome_events", "stats", "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert set(json.loads(result.stdout)["servers"]) == {"server-utc", "server-kst"}


class TestFollowing:
    def test_follow_several_logs(self, tmp_path: Path) -> None:
        a = server_log(tmp_path / "edge1", [event_line(summary="old a")])
        b = server_log(tmp_path / "edge2", [event_line(summary="old b")])
        with ome_events.follow([a, b], poll_interval=0.05) as events:
            with open(b / "events.log", "ab") as out:
                out.write(event_line(summary="new b"))
            with open(a / "events.log", "ab") as out:
                out.write(event_line(summary="new a"))
            got = {e.summary: e.server for e in itertools.islice(events, 2)}
        assert got == {"new a": "edge1", "new b": "edge2"}

    def test_tail_follow_several_logs_with_checkpoints(self, tmp_path: Path) -> None:
        a = server_log(tmp_path / "edge1", [event_line(summary="a1")])
        b = server_log(tmp_path / "edge2", [event_line(summary="b1")])
        checkpoint = tmp_path / "ckpt"
        process = subprocess.Popen(
            [sys.executable, "-m", "ome_events", "tail", "-f", "-n", "all", "--json",
             "--checkpoint", str(checkpoint), str(a), str(b)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        seen = [json.loads(process.stdout.readline())["summary"] for _ in range(2)]
        import time

        deadline = time.monotonic() + PATIENCE  # the followers start after the history
        while not (tmp_path / "ckpt.edge2.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        process.terminate()
        process.communicate(timeout=PATIENCE)
        assert sorted(seen) == ["a1", "b1"]
        assert (tmp_path / "ckpt.edge1").exists() and (tmp_path / "ckpt.edge2").exists()
        with open(b / "events.log", "ab") as out:
            out.write(event_line(summary="b2"))
        again = subprocess.Popen(
            [sys.executable, "-m", "ome_events", "tail", "-f", "--json",
             "--checkpoint", str(checkpoint), str(a), str(b)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert again.stdout is not None
        assert json.loads(again.stdout.readline())["summary"] == "b2"
        again.terminate()
        again.communicate(timeout=PATIENCE)

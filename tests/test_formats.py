"""The open-source Analytics log read as events: the mapping field by field, detection per
line (a directory may hold both formats), bad Analytics lines, and every entry point on it."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers.lines import SAMPLES, STREAM_CREATED
from tests.strategies import hostile_values

import ome_events
from ome_events import LineDecoder, ParseError, parse_line
from ome_events.analyze import analyze
from ome_events.snapshots import ServerInfoSnapshot, ServerStatSnapshot, StreamInfoSnapshot

OSS = SAMPLES / "server-oss"
SERVER = "4f2b1c8e-90aa-4d3b-8c52-6e1f0a9d7b31_origin-oss-1"


def oss_line(type_: str, producer: dict[str, str] | None = None, **data: Any) -> bytes:
    obj = {
        "data": data or {"dataType": "Not Implemented", "serverInfo": {"host": None}},
        "event": {"producer": {"serverID": SERVER, **(producer or {})}, "type": type_},
        "eventVersion": 1,
        "serverID": SERVER,
        "timestampMillis": 1743000004774,
        "userKey": "k",
    }
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def sample_events() -> list[ome_events.Event]:
    return list(ome_events.read_events(OSS))


class TestMapping:
    """docs/model.md's table, on the sample written like OME's monitoring module."""

    def test_server_started(self) -> None:
        event = sample_events()[0]
        assert event.format == "analytics"
        assert event.type == "ServerStarted" and event.category == "ServerEvent"
        assert event.level == "Info"
        assert event.time == datetime(2025, 3, 26, 14, 50, 0, 120000, tzinfo=UTC)
        assert event.source.raw == SERVER and event.source.kind == "server"
        assert (
            event.summary == f"Server started. Name: origin-oss-1, Version: v0.12.5, Id: {SERVER}"
        )
        assert isinstance(event.snapshot, ServerInfoSnapshot)
        assert event.snapshot.server_version == "v0.12.5"
        assert "eventVersion" not in event.raw  # OME 0.12.5 did not write it yet

    def test_stream_created(self) -> None:
        event = next(e for e in sample_events() if e.type == "StreamCreated")
        assert event.category == "StreamEvent"
        assert event.source.raw == "#default#app/cam1" and event.source.stream == "cam1"
        assert event.fields["StreamType"] == "RTMP"
        assert event.fields["SourceUrl"] == "172.17.0.5:51234"
        snapshot = event.snapshot
        assert isinstance(snapshot, StreamInfoSnapshot)
        assert snapshot.source is not None and snapshot.source.type == "RTMP"
        assert snapshot.video is not None and snapshot.video.framerate == pytest.approx(29.97)
        assert snapshot.issues == ()

    def test_server_stat(self) -> None:
        events = sample_events()
        created = next(e.time for e in events if e.type == "StreamCreated")
        event = next(e for e in events if e.type == "ServerStat" and e.time > created)
        assert event.level == "Debug" and event.category == "StatisticsEvent"
        snapshot = event.snapshot
        assert isinstance(snapshot, ServerStatSnapshot)
        streams = [s for h in snapshot.hosts for a in h.apps for s in a.streams]
        assert [s.stream_name for s in streams] == ["cam1"]
        assert streams[0].stat is not None and streams[0].stat.total_connections

    def test_host_and_app(self) -> None:
        events = sample_events()
        host = next(e for e in events if e.type == "HostCreated")
        app = next(e for e in events if e.type == "AppCreated")
        assert (host.source.raw, host.source.kind) == ("default", "host")
        assert (app.source.raw, app.source.app) == ("#default#app", "app")
        assert app.summary == "App created. Name: app"

    def test_raw_is_the_object_as_written(self) -> None:
        line = (OSS / "events.log.20250326").read_bytes().split(b"\n")[0]
        assert parse_line(line).to_json() == line

    def test_unknown_type_is_kept(self) -> None:
        event = parse_line(oss_line("ClusterJoined"))
        assert not event.type.known and event.type == "ClusterJoined"
        assert event.category == "AnalyticsEvent"

    def test_ids_when_names_are_missing(self) -> None:
        event = parse_line(
            oss_line("StreamDeleted", {"hostID": "h", "appID": "a", "streamID": "s"})
        )
        assert event.source.raw == "#h#a/s"


class TestDetection:
    def test_both_formats_in_one_directory(self, tmp_path: Path) -> None:
        """Detected line by line, merged in one read."""
        (tmp_path / "events.log").write_bytes(
            STREAM_CREATED + b"\n" + oss_line("ServerStat") + b"\n" + STREAM_CREATED + b"\n"
        )
        events = list(ome_events.read_events(tmp_path))
        assert [e.format for e in events] == ["enterprise", "analytics", "enterprise"]

    @pytest.mark.parametrize(
        ("line", "reason"),
        [
            (b'{"timestampMillis":"x","event":{"type":"A"}}', "'timestampMillis' is not"),
            (b'{"timestampMillis":-5,"event":{"type":"A"}}', "'timestampMillis' is not"),
            (b'{"timestampMillis":300000000000000,"event":{"type":"A"}}', "'timestampMillis' 3"),
            (b'{"timestampMillis":18446744073709551615,"event":{"type":"A"}}', "'timestampMilli"),
            (b'{"timestampMillis":1743000004774,"event":{}}', "'event.type' is missing"),
            (b'{"timestampMillis":1743000004774,"event":[]}', "'event.type' is missing"),
        ],
    )
    def test_bad_analytics_lines(self, line: bytes, reason: str) -> None:
        decoder = LineDecoder(errors="collect")
        assert decoder.feed(line + b"\n" + STREAM_CREATED + b"\n")[0].type == "StreamCreated"
        [error] = decoder.errors
        assert error.reason.startswith(reason) and error.line == 1

    def test_a_line_of_neither_format_is_reported_as_enterprise(self) -> None:
        with pytest.raises(ParseError, match="missing 'time'"):
            parse_line(b'{"event":{"type":"StreamCreated"}}')

    @given(
        st.fixed_dictionaries(
            {"timestampMillis": st.one_of(st.integers(-1, 2**64), hostile_values)},
            optional={
                "event": st.one_of(
                    hostile_values,
                    st.fixed_dictionaries(
                        {
                            "type": st.one_of(
                                st.sampled_from(["StreamCreated", "X"]), hostile_values
                            )
                        },
                        optional={"producer": hostile_values, "message": hostile_values},
                    ),
                ),
                "data": hostile_values,
                "serverID": hostile_values,
            },
        )
    )
    def test_any_values_give_an_event_or_a_parse_error(self, obj: dict[str, Any]) -> None:
        obj.setdefault("event", {"type": "StreamCreated"})
        from ome_events.text import dumps

        try:
            event = parse_line(dumps(obj))
        except ParseError:
            return
        _ = event.snapshot, event.fields, event.summary, event.snapshot_data


class TestEveryEntryPoint:
    def test_analysis(self) -> None:
        report = analyze(ome_events.read_events(OSS))
        kinds = sorted(f.kind for f in report.findings)
        assert kinds == ["input_stalled", "never_deleted", "unclean_restart"]
        stalled = next(f for f in report.findings if f.kind == "input_stalled")
        assert stalled.subject.id == "#default#app/cam1"
        assert "1 min 30 s" in stalled.message

    @pytest.mark.parametrize(
        "args",
        [
            ["tail", "-n", "5"],
            ["tail", "-n", "all", "--type", "StreamCreated", "--json"],
            ["stats", "--json"],
            ["analyze", "--json"],
        ],
    )
    def test_commands(self, args: list[str]) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "ome_events", *args, str(OSS)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout and "bad line" not in done.stderr

    def test_export_and_dataframe(self, tmp_path: Path) -> None:
        pytest.importorskip("pyarrow")
        from ome_events.export.parquet import write_parquet
        from ome_events.jupyter import to_dataframe

        assert write_parquet(OSS, tmp_path / "lake") == len(sample_events())
        frame = to_dataframe(OSS)
        assert set(frame["type"]) >= {"ServerStat", "StreamCreated"}
        created = frame[frame["type"] == "StreamCreated"].iloc[0]
        assert created["video_codec"] == "H264" and created["stream"] == "cam1"

    def test_follower_reads_dated_files_without_a_base_file(self, tmp_path: Path) -> None:
        """OME writes events.log.YYYYMMDD directly: the follower goes on into the next day's
        file when it appears."""
        folder = tmp_path / "oss"
        folder.mkdir()
        first, second = (OSS / "events.log.20250326"), (OSS / "events.log.20250327")
        (folder / first.name).write_bytes(first.read_bytes()[:20_000].rsplit(b"\n", 1)[0] + b"\n")
        with ome_events.follow(folder, start="end", poll_interval=0.05) as events:
            (folder / second.name).write_bytes(
                b"\n".join(second.read_bytes().split(b"\n")[:3]) + b"\n"
            )
            got = list(itertools.islice(events, 3))
        assert [e.format for e in got] == ["analytics"] * 3
        assert [e.origin.file for e in got] == [str(folder / second.name)] * 3  # type: ignore[union-attr]

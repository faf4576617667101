"""``ome_events.jupyter.to_dataframe`` and ``findings_dataframe``: dtypes, and values checked
against the parsed events (and their typed snapshots) of the real sample files."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pandas as pd
import pytest
from tests.helpers.lines import SAMPLES

from ome_events import Level, read_events
from ome_events.analyze import Severity, analyze
from ome_events.jupyter import FINDING_COLUMNS, findings_dataframe, to_dataframe
from ome_events.snapshots import StreamSnapshot

UTC_DIR = SAMPLES / "server-utc"
KST_DIR = SAMPLES / "server-kst"

EXPECTED_DTYPES = {
    "time": "datetime64[ms, UTC]",
    "utc_offset_minutes": "Int16",
    "level": "category",
    "category": "category",
    "type": "category",
    "cause": "category",
    "source": "string",
    "source_kind": "category",
    "vhost": "string",
    "app": "string",
    "stream": "string",
    "summary": "string",
    "video_codec": "string",
    "width": "Int32",
    "height": "Int32",
    "frame_rate": "float64",
    "bitrate_conf": "Int64",
    "key_frame_interval_s": "float64",
    "has_bframes": "boolean",
    "audio_codec": "string",
    "file": "string",
    "line": "Int64",
    "byte_offset": "Int64",
    "server": "category",
    "tag": "category",
    "thread": "category",
    "location": "string",
}


@pytest.fixture(scope="module")
def both() -> pd.DataFrame:
    return to_dataframe([UTC_DIR, KST_DIR])


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


class TestDtypes:
    def test_columns_and_dtypes(self, both: pd.DataFrame) -> None:
        """Every column has its documented dtype, in the documented order."""
        assert {name: str(dtype) for name, dtype in both.dtypes.items()} == EXPECTED_DTYPES
        assert list(both.columns) == list(EXPECTED_DTYPES)

    def test_level_is_ordered_by_severity(self, both: pd.DataFrame) -> None:
        """Comparing the level column works like comparing Level values."""
        assert both["level"].cat.ordered
        expected = sum(
            1 for path in (UTC_DIR, KST_DIR) for e in read_events(path) if e.level >= Level.WARNING
        )
        assert expected > 0
        assert int((both["level"] >= "Warning").sum()) == expected

    def test_raw_column_on_request(self) -> None:
        """raw=True adds each event's JSON line; it is absent by default."""
        frame = to_dataframe(KST_DIR / "events.log.20250327", raw=True)
        assert frame.columns[-1] == "raw"
        assert str(frame["raw"].dtype) == "string"
        first = next(iter(read_events(KST_DIR / "events.log.20250327")))
        assert frame["raw"].iloc[0] == first.to_json().decode()


class TestValues:
    def test_rows_match_the_parsed_events(self, both: pd.DataFrame) -> None:
        """Each row carries the time, names, source, summary and origin of its event."""
        events = list(read_events([UTC_DIR, KST_DIR]))  # merged by time, as the frame
        assert len(both) == len(events) == 1108
        for row, event in zip(both.itertuples(index=False), events, strict=True):
            assert row.time.to_pydatetime() == event.time
            assert row.time.tzinfo is not None
            offset = event.time.utcoffset()
            assert offset is not None
            assert row.utc_offset_minutes == offset.total_seconds() // 60
            assert (row.level, row.category, row.type) == (
                str(event.level), str(event.category), str(event.type),
            )  # fmt: skip
            assert (None if _missing(row.cause) else row.cause) == event.cause
            assert row.source == event.source.raw
            assert row.source_kind == event.source.kind.value
            for name in ("vhost", "app", "stream"):
                value = getattr(row, name)
                assert (None if _missing(value) else value) == getattr(event.source, name)
            assert row.summary == event.summary
            assert event.origin is not None
            assert (row.file, row.line, row.byte_offset) == tuple(event.origin)[:3]
            assert row.server == event.server
            assert row.server == event.origin.file.split("/")[-2]

    def test_snapshot_facts_match_the_typed_snapshot(self, both: pd.DataFrame) -> None:
        """Codec, size, frame rate, bitrate and key-frame interval equal the typed snapshot's."""
        events = list(read_events([UTC_DIR, KST_DIR]))  # merged by time, as the frame
        checked = 0
        for row, event in zip(both.itertuples(index=False), events, strict=True):
            snapshot = event.snapshot
            video = snapshot.video if isinstance(snapshot, StreamSnapshot) else None
            if video is None:
                assert _missing(row.video_codec)
                assert _missing(row.key_frame_interval_s)
                continue
            checked += 1
            assert row.video_codec == video.codec
            assert row.width == video.width
            assert row.height == video.height
            assert row.frame_rate == video.frame_rate
            assert row.bitrate_conf == video.bitrate_conf
            assert row.has_bframes == video.has_bframes
            seconds = video.key_frame_interval_seconds
            if seconds is None:
                assert _missing(row.key_frame_interval_s)
            else:
                assert row.key_frame_interval_s == pytest.approx(seconds)
        assert checked > 50

    def test_long_key_frame_interval_in_seconds(self, both: pd.DataFrame) -> None:
        """cam2's 300 frames at 30 fps show as 10 seconds."""
        cam2 = both[(both["stream"] == "cam2") & (both["cause"] == "LongKeyFrameIntervalDetected")]
        assert list(cam2["key_frame_interval_s"]) == [10.0, 10.0]

    def test_kst_offset_is_kept(self, both: pd.DataFrame) -> None:
        """The KST server's rows keep +09:00 as 540 minutes while time is in UTC."""
        kst = both[both["server"] == "server-kst"]
        assert set(kst["utc_offset_minutes"]) == {540}
        first = kst.iloc[0]
        assert first["time"] == pd.Timestamp("2025-03-25T21:30:00.882", tz="UTC")


class TestSources:
    def test_server_override_and_filters(self) -> None:
        """server= names every row; since/until keep [since, until)."""
        since = datetime(2025, 3, 26, 10, tzinfo=UTC)
        until = datetime(2025, 3, 26, 11, tzinfo=UTC)
        frame = to_dataframe(UTC_DIR, since=since, until=until, server="edge-7")
        expected = [e for e in read_events(UTC_DIR) if since <= e.time < until]
        assert len(frame) == len(expected) > 0
        assert set(frame["server"]) == {"edge-7"}
        assert frame["time"].min() >= since
        assert frame["time"].max() < until

    def test_events_already_read(self) -> None:
        """An iterable of events gives the same frame as the path."""
        from_events = to_dataframe(list(read_events(KST_DIR)))
        from_path = to_dataframe(KST_DIR)
        pd.testing.assert_frame_equal(from_events, from_path)

    def test_unknown_values_are_kept(self) -> None:
        """Unknown levels and categories from the bad-lines sample appear as categories."""
        frame = to_dataframe(SAMPLES / "bad-lines" / "events.log", errors="skip")
        assert len(frame) == 30
        assert "Critical" in set(frame["level"])
        assert list(frame["level"].cat.categories)[-1] == "Critical"  # ranks above Error
        assert "ClusterEvent" in set(frame["category"])
        assert "FutureCause" in set(frame["cause"])

    def test_empty_input(self) -> None:
        """No events give an empty frame with the same columns and dtypes."""
        frame = to_dataframe([])
        assert len(frame) == 0
        assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == EXPECTED_DTYPES


class TestFindings:
    def test_findings_frame(self) -> None:
        """One row per finding, with severity ordered and times in UTC."""
        report = analyze(read_events(UTC_DIR))
        frame = findings_dataframe(report)
        assert list(frame.columns) == list(FINDING_COLUMNS)
        assert len(frame) == len(report.findings) > 0
        assert frame["severity"].cat.ordered
        assert str(frame["first"].dtype) == "datetime64[ms, UTC]"
        assert str(frame["count"].dtype) == "int64"
        for row, finding in zip(frame.itertuples(index=False), report.findings, strict=True):
            assert (row.severity, row.kind, row.subject) == (
                finding.severity.value, finding.kind, finding.subject.id,
            )  # fmt: skip
            assert row.first.to_pydatetime() == finding.first
            assert row.last.to_pydatetime() == finding.last
            assert row.count == finding.count
            assert row.message == finding.message
            assert row.evidence == [str(item) for item in finding.evidence]
        problems = frame[frame["severity"] >= "warning"]
        assert len(problems) == len(report.at_least(Severity.WARNING))

    def test_findings_list_and_empty(self) -> None:
        """A plain list of findings works, and none gives an empty frame."""
        report = analyze(read_events(KST_DIR))
        assert len(findings_dataframe(list(report.findings))) == len(report.findings)
        assert len(findings_dataframe([])) == 0


class TestImports:
    def test_core_never_imports_pandas(self) -> None:
        """`import ome_events` loads neither pandas nor pyarrow; to_dataframe loads on use."""
        code = (
            "import sys, ome_events\n"
            "assert 'pandas' not in sys.modules and 'pyarrow' not in sys.modules\n"
            "import ome_events.jupyter\n"
            "assert 'pandas' not in sys.modules\n"
            "print(ome_events.to_dataframe is ome_events.jupyter.to_dataframe)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "True"

"""The plain server log ``ovenmediaengine.log`` read as events: its records and their
variants, the typed events of OME's templates, the record decoder against chunking and
resuming, bad and hostile input, directories that hold it (alone, rotated, beside
events.log), the follower across its daily rollover, and the commands on it."""

from __future__ import annotations

import heapq
import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.helpers.lines import event_line
from tests.helpers.serverlog import START, ServerLog, build_plain, record

import ome_events
from ome_events import ParseError, read_events
from ome_events.formats import detect_format, input_format
from ome_events.formats.serverlog import parse_head, set_server_zone
from ome_events.parse import LineDecoder

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")


@pytest.fixture(autouse=True)
def utc_server() -> object:
    """The server's zone is UTC in these tests unless one says otherwise."""
    set_server_zone("UTC")
    yield
    set_server_zone(None)


def decode(data: bytes, **options: object) -> list[ome_events.Event]:
    decoder = LineDecoder(file="ovenmediaengine.log", **options)  # type: ignore[arg-type]
    return decoder.feed(data) + decoder.close()


def one(text: str) -> ome_events.Event:
    (event,) = decode(text.encode())
    return event


class TestRecords:
    """The record's first line, in every layout OME has written."""

    def test_the_current_layout(self) -> None:
        event = one(
            "[2025-03-26 05:21:46.315] I [SPRTMP-t1935:4321] RTMPProvider |"
            " rtmp_provider.cpp:211  | A RTMP client has connected from <ClientSocket: 0x7f,"
            " #24, Connected, TCP, Nonblocking, 203.0.113.7:51234>\n"
        )
        assert event.time == datetime(2025, 3, 26, 5, 21, 46, 315000, tzinfo=UTC)
        assert event.format == "serverlog"
        assert event.level == "Info"
        assert event.tag == "RTMPProvider"
        record = event.raw["serverLog"]
        assert record["thread"] == "SPRTMP-t1935"
        assert record["threadId"] == 4321
        assert record["location"] == "rtmp_provider.cpp:211"
        assert event.type == "SessionConnected"
        assert event.snapshot_data == {"protocol": "RTMP", "remote": "203.0.113.7:51234"}

    @pytest.mark.parametrize(
        ("line", "thread", "tag", "location", "message"),
        [
            ("[03-26 05:21:46.315] D [AW-MR0:12] MediaRouter | x.cpp:1    | hi", "AW-MR0",
             "MediaRouter", "x.cpp:1", "hi"),
            ("[2025-03-26 05:21:46.315] I 3275 Config | Trying to load", None, "Config", None,
             "Trying to load"),
            ("[2025-03-26 05:21:46.315] W [main:1] | banner.cpp:23   | no tag", "main", "",
             "banner.cpp:23", "no tag"),
            ("ome-1  | [2025-03-26 05:21:46.315] E [AW-HLS0:9] HLS | Cannot find stream", "AW-HLS0",
             "HLS", None, "Cannot find stream"),
            ("\x1b[31m[2025-03-26 05:21:46.315] E [t:1] Tag | coloured\x1b[0m", "t", "Tag", None,
             "coloured"),
            ("[2025-03-26 05:21:46.315] C [t:1] Tag.Sub | a | b | c\r", "t", "Tag.Sub", None,
             "a | b | c"),
        ],
    )  # fmt: skip
    def test_variants(
        self, line: str, thread: str | None, tag: str, location: str | None, message: str
    ) -> None:
        event = one(line + "\n")
        record = event.raw["serverLog"]
        assert (record["thread"], record["tag"], record["location"]) == (thread, tag, location)
        assert record["message"] == message

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=" |aT\u00e9:[]1", max_size=12), st.text(max_size=8))
    def test_the_tag_is_what_a_lazy_match_gives(self, after: str, message: str) -> None:
        """The tag is matched greedily (faster) and loses the space before the bar: the
        same tag, and the same record or none, as the plain lazy pattern gives."""
        import re

        lazy = re.compile(
            r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\] ([DIWEC]) \[([^\]]*):(\d{1,20})\]"
            r"(?: ([^|]*?))? ?\|", re.S,
        )  # fmt: skip
        line = "[2025-03-26 05:21:46.315] I [t:1]" + after + message
        reference = lazy.match(line)
        head = parse_head(line)
        assert (head is None) == (reference is None)
        if head is not None and reference is not None:
            assert head.tag == (reference[5] or "")

    def test_levels(self) -> None:
        levels = [one(f"[2025-03-26 05:21:46.315] {letter} [t:1] T | m\n").level
                  for letter in "DIWEC"]  # fmt: skip
        assert [level.value for level in levels] == ["Debug", "Info", "Warning", "Error",
                                                    "Critical"]  # fmt: skip
        assert levels[4] > levels[3]  # Critical ranks above Error

    def test_continuation_lines_belong_to_their_record(self) -> None:
        log = ServerLog()
        log.prepared(START, "cam", 7)
        log.http_dump(START + timedelta(seconds=1))
        events = decode(log.text().encode())
        assert [e.type.value for e in events] == ["StreamPrepared", "HttpExchange"]
        message = events[0].raw["serverLog"]["message"]
        assert message.count("\n") == 3 and "Audio Track #1" in message
        # OME starts an exchange's dump with a newline: its first line is empty.
        dump = events[1].raw["serverLog"]["message"].splitlines()
        assert dump[0] == "" and dump[2].startswith("[Request] GET")
        assert events[1].summary == "HTTP GET /v1/stats/current: 200 OK"
        assert [e.origin.line for e in events if e.origin] == [1, 5]

    def test_http_exchange_dumps(self) -> None:
        """http_exchange.cpp's dump: an Error record for a status that is not 2xx/3xx."""
        log = ServerLog()
        log.http_dump(START, status=404, path="/app/gone/llhls.m3u8")
        (event,) = decode(log.text().encode())
        assert (event.type.value, event.level.value) == ("HttpError", "Error")
        assert event.snapshot_data == {"method": "GET", "path": "/app/gone/llhls.m3u8",
                                       "status": 404, "message": "Not Found",
                                       "remote": "198.51.100.4:40000"}  # fmt: skip
        assert event.tag == "HTTP.Server"

    def test_compose_prefixes_are_removed_from_continuation_lines(self) -> None:
        log = ServerLog(prefix="ome-1  | ")
        log.prepared(START, "cam", 7)
        (event,) = decode(log.text().encode())
        assert all(not line.startswith("ome-1") for line in
                   event.raw["serverLog"]["message"].splitlines())  # fmt: skip

    def test_a_missing_year_comes_from_the_file_and_rolls_back_over_new_year(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "ovenmediaengine.log"
        path.write_text(
            record(datetime(2025, 12, 31, 23, 59, 59), "old year", year=False)
            + record(datetime(2026, 1, 1, 0, 0, 1), "new year", year=False)
        )
        touched = datetime(2026, 1, 1, 0, 5, tzinfo=UTC).timestamp()
        os.utime(path, (touched, touched))
        events = list(read_events(path))
        assert [e.time.year for e in events] == [2025, 2026]

    def test_the_zone_of_the_server(self) -> None:
        set_server_zone("+09:00")
        event = one("[2025-03-26 14:00:00.000] I [t:1] T | m\n")
        assert event.time == datetime(2025, 3, 26, 5, 0, tzinfo=UTC)
        assert event.time.utcoffset() == timedelta(hours=9)
        set_server_zone("Asia/Seoul")
        assert one("[2025-03-26 14:00:00.000] I [t:1] T | m\n").time.utcoffset() == timedelta(
            hours=9
        )

    def test_written_out_it_is_an_events_log_line(self) -> None:
        """``to_json`` of a record is an Enterprise line: read back, the same event."""
        log = ServerLog().day(hours=0.05)
        events = decode(log.text().encode())
        again = [ome_events.parse_line(e.to_json()) for e in events]
        assert again == events
        assert {e.format for e in again} == {"enterprise"}


class TestTypedEvents:
    """OME's message templates and what each becomes (docs/model.md has the table)."""

    def test_the_templates(self) -> None:
        log = ServerLog()
        log.started(START)
        log.connect(START)
        log.created(START, "cam", 7)
        log.prepared(START, "cam", 7)
        log.statistics(START, "cam", key_ms=6000, fps=25, gap_ms=-1500)
        log.not_found(START, "gone")
        log.http_error(START, status=404)
        log.transcoder_error(START, "cam")
        log.deleted(START, "cam", 7)
        push = ("uid(p1), vhost(default) app(app) stream(cam) -> protocol(rtmp)"
                " url(rtmp://cdn.example/live) streamKey(k(1))")  # fmt: skip
        log.add(START, f"Push started. {push}, connection timeout(5000), send timeout(3000)",
                tag="Push")  # fmt: skip
        log.add(START, "Failed to push [#default#app/cam]", level="E", tag="Push")
        log.add(START, f"Push stopped. {push}", tag="Push")
        log.add(START, "Push ended. \n id=p0\n stream=cam\n protocol=rtmp\n url=rtmp://x/y\n"
                " stream_key=k", tag="RTMPPush")  # fmt: skip
        record = (
            " id(r1) stream(cam) sequence(2) tmp_path(/tmp/r.tmp) file_path(/rec/cam.ts)"
            " info_path(/rec/cam.xml) total_bytes(1048576) total_time(60000) created_time(x)"
            " start_time(y) stop_time(z) interval(0) schedule() segmentation(discontinuity)"
        )
        log.add(START, f"Recording Started. {record}", tag="FileApplication")
        log.add(START, f"Recording Stopped. {record}", tag="FileApplication")
        log.add(START, "FileStream(#default#app/cam) - Failed to start record. id(1)",
                level="W", tag="FilePublisher")  # fmt: skip
        events = decode(log.text().encode())
        typed = [(e.type.value, e.category.value, e.source.raw) for e in events]
        assert typed == [
            ("ServerStarted", "ServerEvent", "ome-edge-1"),
            ("OvenMediaEngine", "ServerLogEvent", ""),
            ("SessionConnected", "SessionEvent", ""),
            ("StreamCreated", "StreamEvent", "#default#app/cam"),
            ("StreamPrepared", "StreamEvent", "#default#app/cam"),
            ("ProviderStatistics", "StatisticsEvent", "#default#app/cam"),
            ("StreamNotFound", "StreamEvent", "#default#app/gone"),
            ("RestApiError", "RestApiEvent", ""),
            ("TranscoderError", "StreamEvent", "#default#app/cam"),
            ("SessionDisconnected", "SessionEvent", "#default#app/cam"),
            ("StreamDeleted", "StreamEvent", "#default#app/cam"),
            ("PushStarted", "StreamEvent", "#default#app/cam"),
            ("PushFailed", "StreamEvent", "#default#app/cam"),
            ("PushStopped", "StreamEvent", "#default#app/cam"),
            ("PushStopped", "StreamEvent", ""),
            ("RecordingStarted", "StreamEvent", ""),
            ("RecordingStopped", "StreamEvent", ""),
            ("RecordingFailed", "StreamEvent", "#default#app/cam"),
        ]
        by_type = {e.type.value: e for e in events}
        assert by_type["ServerStarted"].snapshot_data == {"version": "v0.16.5",
                                                          "host": "ome-edge-1"}  # fmt: skip
        assert by_type["StreamCreated"].fields["Id"] == "7"
        assert by_type["StreamDeleted"].summary == "Stream deleted. Id: 7"
        stats = by_type["ProviderStatistics"].snapshot_data
        assert stats["keyFrameIntervalMs"] == 6000 and stats["avGapMs"] == -1500
        assert stats["tracks"][0]["video"] == {"framerate": 25.0, "keyFrameInterval": 150.0}
        (video,) = [t.video for t in by_type["ProviderStatistics"].snapshot.tracks]
        assert video is not None and video.key_frame_interval_seconds == 6.0
        assert by_type["RestApiError"].snapshot_data["status"] == 404
        assert by_type["SessionDisconnected"].snapshot_data["remote"] == "203.0.113.7:51234"
        assert by_type["PushStarted"].snapshot_data == {
            "id": "p1", "vhost": "default", "app": "app", "stream": {"name": "cam"},
            "protocol": "rtmp", "url": "rtmp://cdn.example/live", "streamKey": "k(1)",
        }  # fmt: skip
        older = [e for e in events if e.type.value == "PushStopped"][-1].snapshot_data
        assert older == {"id": "p0", "stream": {"name": "cam"}, "protocol": "rtmp",
                         "url": "rtmp://x/y", "streamKey": "k"}  # fmt: skip
        recording = by_type["RecordingStarted"].snapshot
        assert recording.id == "r1" and recording.stream.name == "cam"  # type: ignore[union-attr]
        assert recording.total_record_bytes == 1048576  # type: ignore[union-attr]
        assert recording.output_file_path == "/rec/cam.ts"  # type: ignore[union-attr]
        assert recording.segmentation_rule == "discontinuity"  # type: ignore[union-attr]


def test_http_exchange_dumps_before_0_15_4() -> None:
    """OME before 0.15.4 dumped an exchange as ``[Request] URL(...) Method(...)`` and
    ``[Response] Status(...)``: the same HttpError, its path without scheme and host."""
    dump = (
        "\n[Client] HttpConnection(0x7f01) : HTTP/1.1 <ClientSocket: 0x7f02, #34, Connected,"
        " TCP, Nonblocking, 192.0.2.44:57786> TLS(Disabled) [Duration] 2 \n"
        "[Request] URL(http://ome.example:8081/v1/vhosts/default/apps/live/streams/s1?x=1)"
        " Method(GET) Version(1.1) Request Time(2023-06-20T10:20:06.155+00:00)\n"
        "[Response] Status(404) Sent Size(250) Response Time(2023-06-20T10:20:06.157+00:00)\n"
    )
    log = ServerLog()
    log.add(START, dump, level="E", tag="HttpServer", location="http_exchange.cpp:43")
    (event,) = decode(log.text().encode())
    assert (event.type.value, event.category.value) == ("HttpError", "RestApiEvent")
    assert event.summary == "HTTP GET /v1/vhosts/default/apps/live/streams/s1?x=1: 404"
    assert event.snapshot_data == {
        "method": "GET", "path": "/v1/vhosts/default/apps/live/streams/s1?x=1", "status": 404,
        "message": None, "remote": "192.0.2.44:57786",
    }  # fmt: skip


class TestDecoder:
    """The record decoder keeps LineDecoder's promises: any chunking gives the same events,
    a follower resuming at ``offset`` gets the rest exactly once, bad lines are reported with
    their place and nothing after them is lost."""

    DATA = ServerLog(seed=3).day(hours=0.05, streams=2).text().encode()

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.integers(0, len(DATA)), max_size=12))
    def test_any_chunking_gives_the_same_events(self, cuts: list[int]) -> None:
        whole = decode(self.DATA)
        decoder = LineDecoder(file="ovenmediaengine.log")
        got = []
        previous = 0
        for cut in [*sorted(cuts), len(self.DATA)]:
            got += decoder.feed(self.DATA[previous:cut])
            previous = cut
        got += decoder.close()
        assert got == whole
        assert [e.origin for e in got] == [e.origin for e in whole]

    @settings(max_examples=60, deadline=None)
    @given(st.integers(0, len(DATA)))
    def test_resuming_at_the_offset_loses_and_repeats_nothing(self, cut: int) -> None:
        whole = decode(self.DATA)
        first = LineDecoder(file="ovenmediaengine.log")
        before = first.feed(self.DATA[:cut])  # a follower: never closes
        second = LineDecoder(file="ovenmediaengine.log", offset=first.offset, line=first.line)
        after = second.feed(self.DATA[first.offset :]) + second.close()
        assert before + after == whole
        assert [e.origin for e in before + after] == [e.origin for e in whole]

    def test_origins_point_at_the_record(self) -> None:
        for event in decode(self.DATA):
            assert event.origin is not None
            start = self.DATA[event.origin.offset :]
            assert start.startswith(b"[2025-03-26 ")
            assert self.DATA[: event.origin.offset].count(b"\n") + 1 == event.origin.line

    def test_idle_completes_the_open_record(self) -> None:
        decoder = LineDecoder(file="ovenmediaengine.log")
        assert decoder.feed(b"[2025-03-26 05:00:00.000] I [t:1] T | one\n") == []
        assert [e.summary for e in decoder.idle()] == ["one"]
        assert decoder.offset == 42 and decoder.line == 2
        assert decoder.feed(b"[2025-03-26 05:00:00.000] I [t:1] T | tw") == []
        assert decoder.idle() == []  # a partial line: not complete

    def test_bad_lines(self) -> None:
        data = (
            b"an orphan line before any record\n"
            + record(START, "good").encode()
            + b"[2025-02-30 05:00:00.000] I [t:1] T | impossible date\n"
            + record(START, "after").encode()
        )
        decoder = LineDecoder(file="ovenmediaengine.log", errors="collect")
        events = decoder.feed(data) + decoder.close()
        assert [e.raw["serverLog"]["message"] for e in events] == ["good", "after"]
        first, second = decoder.errors
        assert (first.file, first.line, first.offset) == ("ovenmediaengine.log", 1, 0)
        assert "not a record" in first.reason and "[2025-03-26" in (first.expected or "")
        assert second.line == 3 and "impossible time" in second.reason
        with pytest.raises(ParseError):
            decode(data)

    def test_raise_keeps_what_follows(self) -> None:
        decoder = LineDecoder(file="x")
        data = b"orphan\n" + record(START, "kept").encode()
        with pytest.raises(ParseError):
            decoder.feed(data)
        assert [e.raw["serverLog"]["message"] for e in decoder.feed(b"") + decoder.close()] == [
            "kept"
        ]

    @settings(max_examples=200, deadline=None)
    @given(
        st.binary(max_size=300), st.sampled_from([b"", b"[2025-03-26 05:00:00.000] I [t:1] T | "])
    )
    def test_hostile_bytes_give_events_or_parse_errors(self, junk: bytes, start: bytes) -> None:
        decoder = LineDecoder(file="x", errors="collect")
        events = decoder.feed(start + junk) + decoder.close()
        for event in events:
            assert isinstance(event.summary, str)
            event.to_json()

    def test_detection(self) -> None:
        assert detect_format(b"[2025-03-26 05:00:00.000] I [t:1] T | m\n") == "serverlog"
        assert detect_format(b'{"time":') == "json"
        assert detect_format(b"\n\n[2025-03-26 05:00") is None
        assert input_format(event_line("2025-03-26T05:00:00.000+00:00")) == "enterprise"
        assert input_format(b'{"timestampMillis":1}\n') == "analytics"
        assert parse_head("not a record") is None


def write_day(directory: Path, day: datetime, name: str, hours: float = 0.05) -> ServerLog:
    log = ServerLog(seed=day.day).day(start=day, hours=hours, streams=2)
    (directory / name).write_text(log.text())
    return log


class TestDirectories:
    def test_rotated_files_read_in_order(self, tmp_path: Path) -> None:
        write_day(tmp_path, START, "ovenmediaengine.log.20250327")  # named by the new day
        write_day(tmp_path, START + timedelta(days=1), "ovenmediaengine.log")
        events = list(read_events(tmp_path))
        times = [e.time for e in events]
        assert times[0].day == 26 and times[-1].day == 27
        assert all(b - a > -timedelta(seconds=2) for a, b in itertools.pairwise(times))

    def test_both_logs_are_one_server(self, tmp_path: Path) -> None:
        write_day(tmp_path, START, "ovenmediaengine.log")
        lines = [event_line(f"2025-03-26T05:00:{second:02d}.500+00:00") for second in range(5)]
        (tmp_path / "events.log").write_bytes(b"".join(lines))
        events = list(read_events(tmp_path))
        assert {e.format for e in events} == {"enterprise", "serverlog"}
        assert {e.server for e in events} == {tmp_path.name}
        # Merged by time, each log in its own order (OME's threads step back a little).
        merged = heapq.merge(
            read_events(tmp_path, base="ovenmediaengine.log"),
            read_events(tmp_path, base="events.log"),
            key=lambda e: e.time,
        )
        # (the same records, the server start left generic: the JSON log's kind of event)
        assert [(e.time, e.origin) for e in events] == [(e.time, e.origin) for e in merged]
        assert sum(e.format == "enterprise" for e in events) == 5
        assert events[0].format == "serverlog"  # the server starts at 05:00:00.000
        assert events[0].type == "OvenMediaEngine"  # its tag: events.log gives the start

    def test_newest_and_time_ranges_equal_the_forward_read(self, tmp_path: Path) -> None:
        write_day(tmp_path, START, "ovenmediaengine.log.20250327")
        write_day(tmp_path, START + timedelta(days=1), "ovenmediaengine.log")
        everything = list(read_events(tmp_path))
        assert read_events(tmp_path).last(7) == everything[-7:]
        since = START.replace(tzinfo=UTC) + timedelta(days=1, minutes=1)
        assert list(read_events(tmp_path, since=since)) == [
            e for e in everything if e.time >= since
        ]

    def test_what_both_logs_say_is_counted_once(self, tmp_path: Path) -> None:
        """Enterprise writes events.log beside ovenmediaengine.log: a stream's creation and
        deletion, written in both, are one stream event each (the JSON log's); the server log's
        records of them stay, generic; what only it says stays typed."""
        from tests.helpers.analyze import created, line, prepared

        lines = []
        log = ServerLog()
        for number in range(3):
            at = 10 + number * 600
            lines += [created(at, 100 + number, source="#default#app/cam"),
                      prepared(at + 0.5, 100 + number, source="#default#app/cam"),
                      line(at + 500, "StreamDeleted", "#default#app/cam",
                           f"Stream deleted. Id: {100 + number}")]  # fmt: skip
            when = START.replace(hour=10) + timedelta(seconds=at)
            log.created(when, "cam", 100 + number)
            log.prepared(when + timedelta(seconds=0.5), "cam", 100 + number)
            log.statistics(when + timedelta(seconds=10), "cam", key_ms=6000)
            log.deleted(when + timedelta(seconds=500), "cam", 100 + number)
        log.http_error(START.replace(hour=10, minute=40))  # events.log has it as RestApiResponded
        log.http_dump(START.replace(hour=10, minute=41), status=404)  # only the server log has it
        (tmp_path / "events.log").write_bytes(b"".join(lines))
        (tmp_path / "ovenmediaengine.log").write_text(log.text())
        events = list(read_events(tmp_path))
        stream_events = [(e.format, e.type.value) for e in events if e.category == "StreamEvent"]
        lifecycle = ["StreamCreated", "StreamPrepared", "StreamDeleted"] * 3
        assert stream_events == [("enterprise", name) for name in lifecycle]
        kept = [e for e in events if e.format == "serverlog"]
        assert {e.type.value for e in kept} >= {"MediaRouter", "ProviderStatistics",
                                                "SessionDisconnected", "HttpError",
                                                "APIController"}  # fmt: skip
        assert "RestApiError" not in {e.type.value for e in kept}
        newest = read_events(tmp_path).last(len(events))
        assert [(e.format, e.type.value) for e in newest] == [
            (e.format, e.type.value) for e in events
        ]
        # The server log alone keeps its typed stream events.
        alone = list(read_events(tmp_path / "ovenmediaengine.log"))
        assert sum(e.type == "StreamCreated" for e in alone) == 3
        report = json.loads(run("analyze", "--json", "--tz", "UTC", str(tmp_path)).stdout)
        assert report["summary"]["sessions"] == 3
        assert "long_keyframe_interval" in {f["kind"] for f in report["findings"]}
        with ome_events.follow(tmp_path, start="start", poll=True) as follower:
            followed: list[ome_events.Event] = []
            for _ in range(20):
                followed += follower.poll()
                if len(followed) >= len(events):
                    break
        assert sorted((e.format, e.type.value) for e in followed) == sorted(
            (e.format, e.type.value) for e in events
        )

    def test_both_logs_are_followed(self, tmp_path: Path) -> None:
        (tmp_path / "ovenmediaengine.log").write_text(record(START, "plain"))
        (tmp_path / "events.log").write_bytes(event_line("2025-03-26T05:00:01.000+00:00"))
        with ome_events.follow(tmp_path, start="start", poll=True) as follower:
            got: list[ome_events.Event] = []
            for _ in range(20):
                got += follower.poll()
                if len(got) == 2:
                    break
            assert {e.format for e in got} == {"serverlog", "enterprise"}
            assert {e.server for e in got} == {tmp_path.name}
            with (tmp_path / "events.log").open("ab") as stream:
                stream.write(event_line("2025-03-26T05:00:02.000+00:00"))
            for _ in range(20):
                got += follower.poll()
                if len(got) == 3:
                    break
        assert len(got) == 3

    def test_history_then_follow_both_logs_loses_nothing(self, tmp_path: Path) -> None:
        """tail -f's hand-off: each log's follower goes on where the history left it."""
        (tmp_path / "ovenmediaengine.log").write_text(record(START, "plain 1"))
        (tmp_path / "events.log").write_bytes(event_line("2025-03-26T05:00:01.000+00:00"))
        reader = read_events(tmp_path, partial="leave")
        assert len(list(reader)) == 2
        positions = reader.positions
        assert len(positions) == 2  # one per log, though one server
        with (tmp_path / "events.log").open("ab") as stream:
            stream.write(event_line("2025-03-26T05:00:02.000+00:00"))
        with (tmp_path / "ovenmediaengine.log").open("a") as stream:
            stream.write(record(START + timedelta(seconds=3), "plain 2"))
        with ome_events.follow(tmp_path, start=positions, poll=True) as follower:
            got: list[ome_events.Event] = []
            for _ in range(20):
                got += follower.poll()
                if len(got) >= 2:
                    break
        assert sorted(e.time.second for e in got) == [2, 3]

    def test_follow_across_the_daily_rollover(self, tmp_path: Path) -> None:
        base = tmp_path / "ovenmediaengine.log"
        base.write_text(record(START, "before"))
        with ome_events.follow(tmp_path, start="start", poll=True) as follower:
            got = [e.raw["serverLog"]["message"] for e in follower.poll()]
            with base.open("a") as stream:
                stream.write(record(START, "first line\n  continued"))
            got += [e.raw["serverLog"]["message"] for e in follower.poll()]
            base.rename(tmp_path / "ovenmediaengine.log.20250327")
            base.write_text(record(START + timedelta(days=1), "next day"))
            for _ in range(20):
                got += [e.raw["serverLog"]["message"] for e in follower.poll()]
                if "next day" in got:
                    break
        assert got == ["before", "first line\n  continued", "next day"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": "UTC", "NO_COLOR": "1"}
    return subprocess.run([OME_EVENTS, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)  # fmt: skip


class TestCommands:
    @pytest.fixture
    def logs(self, tmp_path: Path) -> Path:
        log = ServerLog(seed=5).day(hours=0.3, streams=4)
        for second in range(12):  # an HTTP error storm
            log.http_error(START + timedelta(minutes=20, seconds=second), status=404)
        log.transcoder_error(START + timedelta(minutes=21), "stream0")
        log.add(START + timedelta(minutes=22), "Failed to find channel", level="E",
                tag="RTMPProvider")  # fmt: skip
        for cycle in range(6):  # a reconnect loop
            at = START + timedelta(minutes=23, seconds=cycle * 5)
            log.created(at, "flappy", 500 + cycle)
            log.deleted(at + timedelta(seconds=2), "flappy", 500 + cycle)
        records = sorted(log.records, key=lambda r: r[1:24])
        (tmp_path / "ovenmediaengine.log").write_text("".join(records))
        return tmp_path

    def test_analyze_finds_what_the_server_log_shows(self, logs: Path) -> None:
        result = run("analyze", "--json", str(logs))
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["summary"]["inputs"] == ["serverlog"]
        kinds = {f["kind"] for f in report["findings"]}
        assert {"long_keyframe_interval", "av_drift", "http_error_storm", "transcoder_errors",
                "log_errors", "reconnect_loop"} <= kinds, kinds  # fmt: skip
        assert report["servers"][0]["name"] == "ome-edge-1"
        digest = run("analyze", str(logs)).stdout
        assert "from ovenmediaengine.log (server log)" in digest.splitlines()[1]

    def test_tail_stats_export(self, logs: Path, tmp_path: Path) -> None:
        tagged = run("tail", "-n", "all", "--tag", "Transcoder", "--json", str(logs))
        (line,) = tagged.stdout.splitlines()
        assert json.loads(line)["type"] == "TranscoderError"
        stats = run("stats", "--json", str(logs))
        assert stats.returncode == 0 and "ProviderStatistics" in stats.stdout
        out = tmp_path / "out.parquet"
        export = run("export", "--format", "parquet", "-o", str(out), str(logs))
        assert export.returncode == 0, export.stderr
        pd = pytest.importorskip("pandas")
        frame = pd.read_parquet(out)
        assert len(frame) == sum(1 for _ in read_events(logs))
        assert (frame["key_frame_interval_s"].dropna() > 0).any()
        assert set(frame["tag"].dropna()) == {e.tag for e in read_events(logs)}
        csv_out = tmp_path / "out.csv"
        assert run("export", "-o", str(csv_out), str(logs)).returncode == 0
        import csv

        with open(csv_out, newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert [row["tag"] for row in rows] == [e.tag for e in read_events(logs)]

    def test_dataframe(self, logs: Path) -> None:
        pytest.importorskip("pandas")
        from ome_events.jupyter import to_dataframe

        frame = to_dataframe(logs)
        events = list(read_events(logs))
        assert len(frame) == len(events)
        assert {"ServerLogEvent", "StreamEvent", "StatisticsEvent"} <= set(
            frame["category"].astype(str)
        )
        assert list(frame["type"].astype(str)) == [e.type.value for e in events]
        stats = frame[frame["type"] == "ProviderStatistics"]
        assert set(stats["key_frame_interval_s"].round(1)) == {1.0, 6.0}
        # The record's tag, thread and source location have columns of their own.
        assert list(frame["tag"].astype(str)) == [e.tag for e in events]
        created = frame[frame["type"] == "StreamCreated"].iloc[0]
        assert (created["tag"], created["thread"]) == ("MediaRouter", "AW-MR0")
        assert created["location"] == "mediarouter_application.cpp:456"


def test_no_log_at_all_is_one_message(tmp_path: Path) -> None:
    result = run("tail", str(tmp_path))
    assert result.returncode == 1
    assert "no events.log or ovenmediaengine.log" in result.stderr


def test_naive_zone_default_is_local() -> None:
    set_server_zone(None)
    event = one("[2025-03-26 14:00:00.000] I [t:1] T | m\n")
    assert event.time.tzinfo is not None
    assert event.time.utcoffset() == event.time.astimezone().utcoffset()


@pytest.fixture(scope="module")
def plain_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain")
    for name, data in build_plain().items():
        (folder / name).write_bytes(data)
    return folder


def assert_filtered_reading_is_plain(
    data: bytes, wanted: object, cuts: list[int], *, idle: bool = False
) -> None:
    """Decoding with the filter's head test, the bytes cut at ``cuts`` (and the input quiet
    at the end, with ``idle``), gives what decoding everything and filtering the events gives:
    the same events and origins, bad lines and resume position."""
    from ome_events.filters import EventFilter

    assert isinstance(wanted, EventFilter)
    plain = LineDecoder(file="f", errors="collect", max_errors=10_000)
    expected = [e for e in plain.feed(data) + plain.close() if wanted(e)]
    gated = LineDecoder(file="f", errors="collect", max_errors=10_000, keep=wanted.head_test())
    got: list[ome_events.Event] = []
    position = 0
    for cut in sorted(cuts):
        got += gated.feed(data[position:cut])
        position = max(position, cut)
    got += gated.feed(data[position:]) + (gated.idle() if idle else []) + gated.close()
    assert [e for e in got if wanted(e)] == expected
    assert [e.origin for e in got if wanted(e)] == [e.origin for e in expected]
    assert [(e.offset, e.line, e.reason) for e in gated.errors] == [
        (e.offset, e.line, e.reason) for e in plain.errors
    ]
    assert (gated.offset, gated.line) == (plain.offset, plain.line)


class TestFilteredReading:
    """A filter given to the reader passes records over before their events are built: the
    same events as filtering every event afterwards."""

    @settings(max_examples=40, deadline=None)
    @given(
        st.sampled_from([None, "debug", "info", "warning", "error"]),
        st.lists(st.sampled_from(["stream", "log", "stats", "!stats", "session", "rest"]),
                 max_size=2),
        st.lists(st.sampled_from(["StreamCreated", "Provider*", "HttpServer", "!Http*"]),
                 max_size=2),
        st.lists(st.sampled_from(["RTMP*", "MediaRouter", "!APIController"]), max_size=1),
    )  # fmt: skip
    def test_same_events(
        self, plain_log: Path, level: str | None, categories: list[str], types: list[str],
        tags: list[str],
    ) -> None:  # fmt: skip
        from ome_events.filters import EventFilter
        from ome_events.model import Level

        wanted = EventFilter(
            min_level=None if level is None else Level.lookup(level),
            categories=tuple(categories), types=tuple(types), tags=tuple(tags),
        )  # fmt: skip
        everything = list(read_events(plain_log))
        got = list(read_events(plain_log, where=wanted))
        assert got == [e for e in everything if wanted(e)]

    # Records with every part varied, hostile ones included: prefixes (one non-ASCII, one
    # too far from the start), colours, years or none, impossible dates, threads, tags with
    # spaces, bars and accents, continuation lines that look like records, CRLF, a BOM.
    _PREFIXES = st.sampled_from([b"", b"ome-1  | ", "om\u00e9-1 | ".encode(), b"x" * 90 + b" | "])
    _STAMPS = st.sampled_from([
        b"2025-03-26 05:21:46.315", b"2025-03-26 05:21:47.000", b"03-26 05:21:46.315",
        b"2025-02-30 01:00:00.000", b"2025-13-01 01:00:00.000", b"02-29 01:00:00.000",
        b"2025-03-26 05:21:61.000", b"2025-03-26 25:00:00.000", b"0001-03-26 05:21:46.315",
    ])  # fmt: skip
    _THREADS = st.sampled_from([b"[SPRTMP-t1935:4321]", b"3275", b"[bad]", b"[a:b:7]"])
    _TAGS = st.sampled_from([
        b"", b" RTMPProvider", b" RTMPProvider ", b"  HttpServer  ", b" MediaRouter",
        " M\u00e9diaRouter".encode(), b" Ta", b" APIController",
    ])  # fmt: skip
    _MORE = st.sampled_from([
        b"  track 1: H264", b"[Client] 127.0.0.1", b"", b"\r", "  r\u00e9sum\u00e9".encode(),
        b"[2025-03-26 05:21:46.315] W no thread here |", b"ome-1  |   continued",
        b"\xff\xfe broken", b"| a bar",
    ])  # fmt: skip

    @staticmethod
    @st.composite
    def _records(draw: st.DrawFn) -> bytes:
        cls = TestFilteredReading
        lines = []
        for _ in range(draw(st.integers(1, 12))):
            head = (
                draw(cls._PREFIXES) + draw(st.sampled_from([b"", b"\x1b[32m"]))
                + b"[" + draw(cls._STAMPS) + b"] " + draw(st.sampled_from([b"D", b"I", b"W", b"E",
                                                                         b"C"]))
                + b" " + draw(cls._THREADS) + draw(cls._TAGS)
                + draw(st.sampled_from([b"|", b" |", b"| file.cpp:12 |", b""]))
                + b" message " + draw(st.sampled_from([b"#default#app/s1", b"x"]))
            )  # fmt: skip
            lines.append(head)
            lines += draw(st.lists(cls._MORE, max_size=2))
        bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
        ending = draw(st.sampled_from([b"\n", b"\r\n"]))
        return bom + ending.join(lines) + draw(st.sampled_from([b"", ending]))

    @settings(max_examples=300, deadline=None)
    @given(
        _records(),
        st.sampled_from([None, "debug", "info", "warning", "error", "critical"]),
        st.lists(st.sampled_from(["RTMP*", "MediaRouter", "!APIController", "", "m\u00e9dia*",
                                  "Ta", "HttpServer"]), max_size=2),
        st.lists(st.sampled_from(["stream", "log", "!stats"]), max_size=1),
        st.lists(st.integers(1, 400), max_size=6),
    )  # fmt: skip
    def test_records_passed_over_by_their_first_line(
        self, data: bytes, level: str | None, tags: list[str], categories: list[str],
        cuts: list[int],
    ) -> None:  # fmt: skip
        """The level and tag of a record's first line pass it over before it is decoded
        (``HeadTest.record``): the same events and the same bad lines as decoding every
        record and filtering the events, however the bytes come in."""
        from ome_events.filters import EventFilter
        from ome_events.model import Level

        wanted = EventFilter(
            min_level=None if level is None else Level.lookup(level),
            tags=tuple(tags), categories=tuple(categories),
        )  # fmt: skip
        assert_filtered_reading_is_plain(data, wanted, cuts)

    # Records as OME writes them (no prefix), mostly below the filter: what the chunk-level
    # search of the wanted records (RecordDecoder._scan) reads.
    _PLAIN_STAMPS = st.sampled_from([
        b"2025-03-26 05:21:46.315", b"2025-03-26 05:21:47.001", b"2025-03-26 05:22:00.999",
        b"03-26 05:21:46.315", b"2025-02-30 01:00:00.000", b"2025-03-26 05:21:61.000",
    ])  # fmt: skip
    _PLAIN_MORE = st.sampled_from([
        b"  track 1: H264", b"[Client] 127.0.0.1 ] W x", b"", b"\r", b"\tVideo Track #0",
        b"[2025-03-26 05:21:46.315] W no thread here |", b"[2025-03-26 05:21:46.315] E [T:1]",
        b"ome-1  | [2025-03-26 05:21:46.315] W [T:1] X | prefixed", "r\u00e9sum\u00e9".encode(),
        b"\x1b[31m[2025-03-26 05:21:46.315] E [T:2] Col | coloured",
    ])  # fmt: skip

    @staticmethod
    @st.composite
    def _plain_records(draw: st.DrawFn) -> bytes:
        cls = TestFilteredReading
        lines = []
        for _ in range(draw(st.integers(1, 60))):
            letter = draw(st.sampled_from([b"D"] * 6 + [b"I"] * 6 + [b"W", b"E", b"C"]))
            stamp = draw(cls._PLAIN_STAMPS) if draw(st.integers(0, 30)) == 0 else (
                b"2025-03-26 05:21:4" + str(draw(st.integers(0, 9))).encode() + b".000"
            )  # fmt: skip
            lines.append(
                b"[" + stamp + b"] " + letter + b" "
                + draw(st.sampled_from([b"[AW-MR0:12]", b"77", b"[x]"]))
                + draw(st.sampled_from([b" MediaRouter |", b" Tag  |", b"|", b" RTMPProvider |"]))
                + b" message ] W [T:1] #default#app/s1"
            )  # fmt: skip
            if draw(st.integers(0, 3)) == 0:
                lines += draw(st.lists(cls._PLAIN_MORE, max_size=3))
        ending = draw(st.sampled_from([b"\n", b"\r\n"]))
        return ending.join(lines) + ending

    @settings(max_examples=400, deadline=None)
    @given(
        _plain_records(),
        st.sampled_from([None, "warning", "error", "critical", "info"]),
        st.lists(st.sampled_from(["RTMPProvider", "tag", "Media*", "!MediaRouter", ""]),
                 max_size=2),
        st.lists(st.integers(1, 3000), max_size=6),
    )  # fmt: skip
    def test_wanted_records_found_chunk_by_chunk(
        self, data: bytes, level: str | None, tags: list[str], cuts: list[int]
    ) -> None:
        """A filter on the level or the tag finds the wanted records of a chunk at once and
        passes over the rest unread: the same events, bad lines and position as decoding
        every record and filtering the events, however the bytes come in."""
        from ome_events.filters import EventFilter
        from ome_events.model import Level

        if level is None and not tags:
            level = "warning"
        wanted = EventFilter(
            min_level=None if level is None else Level.lookup(level), tags=tuple(tags)
        )
        assert_filtered_reading_is_plain(data, wanted, cuts, idle=True)

    @pytest.mark.parametrize("by", ["level", "tag", "stream"])
    def test_the_chunk_search_is_taken(self, by: str) -> None:
        """A day of a busy server's log read with --level warning, --tag or --stream: most
        chunks are searched whole, and the events are those of the plain way."""
        from ome_events.filters import EventFilter
        from ome_events.model import Level

        data = ServerLog(seed=5).day(hours=0.5, streams=8).text().encode()
        wanted = {
            "level": EventFilter(min_level=Level.WARNING),
            "tag": EventFilter(tags=("Api*",)),
            "stream": EventFilter(streams=("stream3",)),
        }[by]
        plain = LineDecoder(file="f")
        expected = [e for e in plain.feed(data) + plain.close() if wanted(e)]
        gated = LineDecoder(file="f", keep=wanted.head_test())
        # (As the reader reads; a stream's records are one in eight here, near the share
        # where searching stops paying, so a small chunk would often hold too many.)
        size = 64 * 1024 if by == "stream" else 4096
        got = []
        for start in range(0, len(data), size):
            got += gated.feed(data[start : start + size])
        got += gated.close()
        assert [e for e in got if wanted(e)] == expected and expected
        records = gated._records
        assert records is not None and records.scanned > len(data) // size // 2

    # Messages of the templates that name a stream, with names that hold the characters a
    # source ID is joined with (a push's "#vhost#app/stream" is built from three pieces).
    _NAMES = (
        ("v", st.sampled_from(["default", "d#x", "x"])),
        ("a", st.sampled_from(["app", "a/b", "a#b/c"])),
        ("s", st.sampled_from(["s1", "cam1", "s/1"])),
    )
    _NAMING = (
        "[#{v}#{a}/{s}(7)] Stream has been created",
        "RTMP Provider Info - stream(#{v}#{a}/{s}) key(2000ms) timestamp(v:1ms/a:1ms/g:0ms)"
        " fps(v:30/a:50)",
        "Push started. uid(1), vhost({v}) app({a}) stream({s}) -> protocol(rtmp)"
        " url(rtmp://h/x) streamKey(k)",
        "The RTMP client has disconnected: [#{v}#{a}/{s}], remote: 10.0.0.1:5000",
        "Cannot find stream [{a}/{s}]",
        "Failed to start record #{v}#{a}/{s}",
        "OvenMediaEngine 0.16.0 is started on [{s}]",
        "a generic message about #{v}#{a}/{s} and more",
        "a generic message about #{v}#{a}",
    )

    @staticmethod
    @st.composite
    def _naming_records(draw: st.DrawFn) -> bytes:
        cls = TestFilteredReading
        lines = []
        for second in range(draw(st.integers(1, 8))):
            names = {key: draw(names) for key, names in cls._NAMES}
            message = draw(st.sampled_from(cls._NAMING)).format(**names)
            level = draw(st.sampled_from(["I", "E"]))
            tag = draw(st.sampled_from(["MediaRouter", "Push", "Transcoder", "RTMPProvider"]))
            lines.append(f"[2025-03-26 05:21:{second:02}.315] {level} [t:1] {tag} | {message}")
            lines += draw(st.lists(st.sampled_from([" vhost(d#x) stream(cam1)", "  s1"]),
                                   max_size=1))  # fmt: skip
        return ("\n".join(lines) + "\n").encode()

    _SOURCE_PATTERNS = st.sampled_from([
        "s1", "cam1", "x", "s/1", "a#b/c", "d#x", "default", "app", "#default#app/s1",
        "#d#x#app/cam1", "#default#a/b/s1", "#x#app/s/1", "#*", "s*", "*1", "c?m1", "[sc]*",
        "s[!2]", "*", "", "!s1", "!*#x*",
    ])  # fmt: skip

    _PARTS = st.sampled_from(["streams", "apps", "vhosts", "sources"])
    _PUSH_S1 = (
        b"[2025-03-26 05:21:00.315] I [t:1] Push | Push started. uid(1), vhost(default) app(app)"
        b" stream(s1) -> protocol(rtmp) url(rtmp://h/x) streamKey(k)\n"
        b"[2025-03-26 05:21:01.315] I [t:1] MediaRouter | [#default#app/cam1(7)] Stream has"
        b" been created\n"
    )

    @settings(max_examples=400, deadline=None)
    @given(
        _naming_records(),
        st.dictionaries(_PARTS, st.lists(_SOURCE_PATTERNS, min_size=1, max_size=2),
                        min_size=1, max_size=2),
        st.lists(st.integers(1, 600), max_size=4),
    )  # fmt: skip
    # A push's source ID is built from three pieces of its message; a glob's character class;
    # a "!" pattern (the cases random drawing meets rarely).
    @example(_PUSH_S1, {"sources": ["#default#app/s1"]}, [])
    @example(_PUSH_S1, {"streams": ["[sc]*"]}, [40])
    @example(_PUSH_S1, {"streams": ["!s1"]}, [])
    def test_records_passed_over_by_their_text(
        self, data: bytes, criteria: dict[str, list[str]], cuts: list[int]
    ) -> None:
        """Criteria on the source pass over, before it is typed, a record whose message does
        not hold the plain part of any wanted name (``HeadTest.text``): the same events and
        bad lines as decoding every record and filtering the events."""
        from ome_events.filters import EventFilter

        wanted = EventFilter(**{part: tuple(names) for part, names in criteria.items()})
        assert_filtered_reading_is_plain(data, wanted, cuts)

    # Records that mostly name other streams, some the wanted one, in the first line or in a
    # continuation line, with a colour inside the name, or as a push's three pieces.
    _STREAM_MESSAGES = st.sampled_from([
        b"[#default#app/other(7)] Stream has been created",
        b"[#default#app/cam1(7)] Stream has been created",
        b"[#default#app/xcam1y(7)] Stream has been created",
        b"[#default#app/ca\x1b[0mm1(7)] Stream has been created",
        b"Push started. uid(1), vhost(default) app(app) stream(cam1) -> protocol(rtmp)"
        b" url(rtmp://h/x) streamKey(k)",
        b"RTMP Provider Info - stream(#default#app/other) key(2000ms)",
        b"something else entirely",
    ])  # fmt: skip
    _STREAM_MORE = st.sampled_from([
        b"  about #default#app/cam1", b"[Client] cam1", b"", b"\r", b"cam1 at the start",
        b"[2025-03-26 05:21:46.315] W no thread here | cam1",
        b"\x1b[31m[2025-03-26 05:21:46.315] E [T:2] Col | #default#app/cam1",
        "r\u00e9sum\u00e9 cam1".encode(), b"#default#app/c\x1b[0mam1",
    ])  # fmt: skip

    @staticmethod
    @st.composite
    def _stream_records(draw: st.DrawFn) -> bytes:
        cls = TestFilteredReading
        lines = []
        for second in range(draw(st.integers(1, 80))):
            stamp = draw(cls._PLAIN_STAMPS) if draw(st.integers(0, 40)) == 0 else (
                b"2025-03-26 05:2%d:%02d.000" % (second // 60, second % 60)
            )  # fmt: skip
            common = draw(st.integers(0, 9)) > 0  # (few wanted: the chunk search applies)
            message = b"[#default#app/other(7)] Stream has been created" if common else draw(
                cls._STREAM_MESSAGES
            )  # fmt: skip
            lines.append(b"[" + stamp + b"] I [AW-MR0:12] MediaRouter | " + message)
            if draw(st.integers(0, 2)) == 0:
                lines += draw(st.lists(cls._STREAM_MORE, max_size=2))
        ending = draw(st.sampled_from([b"\n", b"\r\n"]))
        return ending.join(lines) + ending

    _OTHERS = b"".join(
        b"[2025-03-26 05:21:%02d.000] I [AW-MR0:12] MediaRouter | [#default#app/other(7)]"
        b" Stream has been created\n" % second
        for second in range(20)
    )
    _NAMED_LATER = (
        _OTHERS
        + (
            b"[2025-03-26 05:21:30.000] I [AW-MR0:12] MediaRouter | something else entirely\n"
            b"  about #default#app/cam1\n"
        )
        + _OTHERS.replace(b":21:", b":22:")
    )

    @settings(max_examples=400, deadline=None)
    @given(
        _stream_records(),
        st.sampled_from([("streams", "cam1"), ("streams", "cam*"), ("streams", "*m1"),
                         ("streams", "c[a]m1"), ("sources", "#default#app/cam1"),
                         ("streams", "!other"), ("apps", "app")]),
        st.lists(st.integers(1, 4000), max_size=6),
    )  # fmt: skip
    # The last record of a chunk names the stream only in a line of the next chunk; a colour
    # inside the name (the message leaves it out); two records in a row name it.
    @example(_NAMED_LATER, ("streams", "cam1"), [_NAMED_LATER.index(b"  about")])
    @example(
        _NAMED_LATER.replace(b"something else entirely", b"#default#app/cam1").replace(
            b"  about", b"[2025-03-26 05:21:31.000] I [AW-MR0:12] X | a"
        ),
        ("streams", "cam1"),
        [],
    )
    @example(_NAMED_LATER.replace(b"about #default#app/cam1", b"about #default#app/ca\x1b[0mm1"),
             ("streams", "cam1"), [])  # fmt: skip
    def test_records_naming_the_stream_found_chunk_by_chunk(
        self, data: bytes, criterion: tuple[str, str], cuts: list[int]
    ) -> None:
        """A filter on the source finds the records of a chunk that hold its plain piece at
        once and passes over the rest unread: the same events, bad lines and position as
        decoding every record and filtering the events, however the bytes come in."""
        from ome_events.filters import EventFilter

        part, name = criterion
        assert_filtered_reading_is_plain(data, EventFilter(**{part: (name,)}), cuts, idle=True)

    def test_records_without_the_name_are_not_typed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The text test is really taken: with --stream cam1 only the records that name cam1
        are typed, and what is read is what the plain way gives."""
        from ome_events.filters import EventFilter
        from ome_events.formats import serverlog

        data = b"".join(
            b"[2025-03-26 05:21:0%d.315] I [t:1] MediaRouter | [#default#app/%s(7)]"
            b" Stream has been created\n" % (second, name)
            for second, name in enumerate([b"cam1", b"cam2", b"cam3", b"cam1"])
        )
        wanted = EventFilter(streams=("cam1",))
        plain = LineDecoder(file="f")
        expected = [e for e in plain.feed(data) + plain.close() if wanted(e)]
        typed = []
        real = serverlog._typed
        monkeypatch.setattr(serverlog, "_typed", lambda *args: typed.append(args[2]) or real(*args))
        gated = LineDecoder(file="f", keep=wanted.head_test())
        got = gated.feed(data) + gated.close()
        assert got == expected and len(got) == 2
        assert len(typed) == 2 and all("cam1" in message for message in typed)


class TestFastPaths:
    """Reading from the end (``tail -n``) and seeking a time (``--since``) give exactly what
    the forward read gives."""

    @settings(max_examples=25, deadline=None)
    @given(st.integers(40, 5000), st.booleans())
    def test_backwards_equals_forwards(self, block: int, orphan: bool) -> None:
        import io

        from ome_events.seek import records_backwards

        data = (b"cut from the record before\n" if orphan else b"") + ServerLog(seed=9).day(
            hours=0.03, streams=2
        ).text().encode()
        forward_errors: list[ParseError] = []
        decoder = LineDecoder(file="f", errors="collect")
        expected = decoder.feed(data) + decoder.close()
        forward_errors = decoder.errors
        errors: list[ParseError] = []
        got = list(records_backwards(io.BytesIO(data), "f", block_size=block,
                                     on_error=errors.append))  # fmt: skip
        got.reverse()
        assert got == expected
        assert [e.origin.offset for e in got] == [e.origin.offset for e in expected]  # type: ignore[union-attr]
        assert [(e.offset, e.line) for e in errors] == [(e.offset, e.line) for e in forward_errors]

    def test_tail_and_since_on_the_command_line(self, plain_log: Path) -> None:
        everything = [e.to_json().decode() for e in read_events(plain_log)]
        tail = run("tail", "-n", "12", "--json", str(plain_log)).stdout.splitlines()
        assert tail == everything[-12:]
        since = run("tail", "-n", "all", "--json", "--since", "2025-03-27 05:10",
                    "--utc", str(plain_log)).stdout.splitlines()  # fmt: skip
        assert since == [
            line for line in everything if json.loads(line)["time"] >= "2025-03-27T05:10"
        ]
        assert since  # not an empty comparison


def test_watch_on_the_server_log(plain_log: Path) -> None:
    """``watch`` follows the plain log and reports its findings as they open."""
    import signal

    seen: set[str] = set()
    with subprocess.Popen(
        [OME_EVENTS, "watch", "--json", "--from-start", "--poll", "--tz", "UTC",
         str(plain_log)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "NO_COLOR": "1"},
    ) as child:  # fmt: skip
        try:
            assert child.stdout is not None
            for line in child.stdout:
                finding = json.loads(line).get("finding") or {}
                if finding.get("kind"):
                    seen.add(finding["kind"])
                if {"reconnect_loop", "av_drift", "long_keyframe_interval"} <= seen:
                    break
        finally:
            child.send_signal(signal.SIGINT)
            child.wait(timeout=60)
    assert {"reconnect_loop", "av_drift", "long_keyframe_interval"} <= seen


def test_prune_handles_the_server_log_too(tmp_path: Path) -> None:
    """Retention treats each log of the directory by itself: rotated server log files go
    (or are gzipped) by their records' times, the live ovenmediaengine.log is never touched."""
    from ome_events.retention import apply_prune, plan_prune

    for name, data in build_plain().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "events.log.20250326").write_bytes(event_line("2025-03-26T05:00:00.000+00:00"))
    (tmp_path / "events.log").write_bytes(event_line("2025-03-27T05:00:00.000+00:00"))
    now = datetime(2025, 3, 27, 12, tzinfo=UTC)
    plan = plan_prune(tmp_path, older_than=timedelta(hours=12), compress_after=None, now=now)
    assert sorted((a.path.name, a.action) for a in plan) == [
        ("events.log.20250326", "remove"),
        ("ovenmediaengine.log.20250327", "remove"),
    ]
    list(apply_prune(plan))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.log", "ovenmediaengine.log"]
    gz = plan_prune(tmp_path, older_than=timedelta(days=9), compress_after=timedelta(0), now=now)
    assert gz == []  # only live files are left


def test_hostile_records_are_inert(tmp_path: Path) -> None:
    """Terminal escapes, invalid UTF-8, NULs and over-long records: read, shown inert, and
    nothing after them lost."""
    hostile = (
        b"[2025-03-26 05:00:00.000] E [t:1] Evil | \x1b]0;pwned\x07\x1b[2J title and clear\n"
        b"[2025-03-26 05:00:01.000] W [t:1] Evil | bad utf-8 \xff\xfe and a NUL \x00 here\n"
        b"    a continuation with \x1b[31mcolour\x1b[0m\n"
        + b"[2025-03-26 05:00:02.000] I [t:1] Big | "
        + b"x" * 200_000
        + b"\n"
        + record(START + timedelta(seconds=3), "the last one").encode()
    )
    (tmp_path / "ovenmediaengine.log").write_bytes(hostile)
    result = run("tail", "-n", "all", "--color", "never", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\x00" not in result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines[-1].endswith("the last one")
    events = list(read_events(tmp_path))
    assert "\ufffd" in events[1].raw["serverLog"]["message"]  # replaced, not dropped
    assert len(events[2].summary) == 200_000


def test_follower_gets_every_record_once_while_ome_writes_and_rolls(tmp_path: Path) -> None:
    """A writer that writes as OME does (a record in one write, a long one as its text then
    the newline; the daily roll renames the file and opens a new one lazily), a follower
    polling all along: every record exactly once, whole, in order."""
    import random
    import threading

    rng = random.Random(7)
    base = tmp_path / "ovenmediaengine.log"
    messages = []
    for number in range(600):
        lines = [f"message {number}"] + [
            f"    detail {number}.{k}" for k in range(rng.choice([0, 0, 0, 2, 5]))
        ]
        if number % 97 == 0:
            lines[0] += " " + "x" * 1500  # a long record: two writes
        messages.append("\n".join(lines))

    def write() -> None:
        day = 0
        for number, message in enumerate(messages):
            if number and number % 150 == 0:  # the daily roll
                day += 1
                base.rename(tmp_path / f"ovenmediaengine.log.2025032{day}")
            text = record(START + timedelta(days=day, seconds=number), message)
            with base.open("a") as stream:
                if len(text) >= 1024:
                    stream.write(text[:-1])
                    stream.flush()
                    stream.write("\n")
                else:
                    stream.write(text)
            if number % 7 == 0:
                threading.Event().wait(0.001)

    base.write_text("")
    got: list[str] = []
    with ome_events.follow(tmp_path, start="start", poll=True, poll_interval=0.01) as follower:
        writer = threading.Thread(target=write)
        writer.start()
        while writer.is_alive() or len(got) < len(messages):
            got += [e.raw["serverLog"]["message"] for e in follower.poll()]
            if not writer.is_alive() and len(got) < len(messages):
                threading.Event().wait(0.02)
                more = follower.poll()
                if not more:
                    break
                got += [e.raw["serverLog"]["message"] for e in more]
        writer.join()
    assert got == messages


def test_a_line_after_an_idle_record_is_reported_as_such() -> None:
    """OME never splits a record's lines over two writes; if a line still comes for a
    record a quiet follower already took, it is a bad line that says so, and the next
    record is read."""
    errors: list[ParseError] = []
    decoder = LineDecoder(file="f", errors="skip", on_error=errors.append)
    decoder.feed(record(START, "first").encode())
    assert len(decoder.idle()) == 1
    later = decoder.feed(b"    a late continuation\n" + record(START, "second").encode())
    later += decoder.close()
    assert [e.raw["serverLog"]["message"] for e in later] == ["second"]
    (error,) = errors
    assert "taken as complete when the log went quiet" in error.reason
    assert (error.line, error.offset) == (2, len(record(START, "first")))


def test_detection_holds_a_bounded_amount() -> None:
    """Waiting for the first line that decides the format never holds more than the line
    limit allows: blank lines, then an endless line, is decided (JSON) and then skipped."""
    decoder = LineDecoder(file="f", errors="collect", max_line_bytes=1000)
    decoder.feed(b"\n\n")
    for _ in range(50):
        decoder.feed(b"x" * 10_000)
    assert decoder.format == "json"
    assert decoder.buffered < 20_000
    decoder.feed(b"\n" + record(START, "a record now is a JSON bad line").encode())
    assert decoder.error_count == 2  # the endless line, then the record line


def test_an_endless_line_is_reported_not_held() -> None:
    """A line longer than the limit, streaming in: counted, reported with its place, never
    held whole; the records around it are read (as LineDecoder does for JSON lines)."""
    errors: list[ParseError] = []
    decoder = LineDecoder(file="f", errors="skip", on_error=errors.append, max_line_bytes=5000)
    first = record(START, "before").encode()
    events = decoder.feed(first + b"[2025-03-26 05:00:01.000] I [t:1] Big | ")
    for _ in range(40):
        events += decoder.feed(b"y" * 1000)
        assert decoder.buffered < 12_000
    events += decoder.feed(b"\n" + record(START, "after").encode()) + decoder.close()
    assert [e.raw["serverLog"]["message"] for e in events] == ["before", "after"]
    (error,) = errors
    assert (error.line, error.offset) == (2, len(first))
    assert "longer than the limit" in error.reason
    assert events[1].origin is not None and events[1].origin.line == 3


@pytest.mark.parametrize(
    ("zone", "winter", "summer"),
    [("Europe/Paris", "+01:00", "+02:00"), ("Asia/Seoul", "+09:00", "+09:00"),
     ("UTC", "+00:00", "+00:00")],
)  # fmt: skip
def test_the_local_zone_by_default_with_its_summer_time(
    zone: str, winter: str, summer: str
) -> None:
    """Without --tz, the machine's zone (TZ), summer time included."""
    code = (
        "from ome_events.parse import LineDecoder\n"
        "d = LineDecoder(file='f')\n"
        "events = d.feed(b'[2025-01-15 12:00:00.000] I [t:1] T | w\\n"
        "[2025-07-15 12:00:00.000] I [t:1] T | s\\n') + d.close()\n"
        "print(' '.join(e.time.isoformat() for e in events))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "TZ": zone}, check=True)  # fmt: skip
    assert result.stdout.split() == [f"2025-01-15T12:00:00{winter}", f"2025-07-15T12:00:00{summer}"]


@settings(max_examples=150, deadline=None)
@given(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from(["key({n}ms)", "fps(v:{n}/a:1)", "g:{n}ms", "({n})", "[{n}]", "id {n}"]),
)
def test_any_record_gives_an_event_whose_every_part_can_be_read(
    text: str, number: int, where: str
) -> None:
    """Records with odd text and absurd numbers in the places OME's templates put numbers:
    each gives an event whose raw, snapshot, JSON and summary can all be read."""
    figures = where.format(n=number)
    messages = [
        f"Rtmp Provider Info - stream(#default#app/s) key({abs(number)}ms) timestamp(v:1ms/a:1ms"
        f"/g:{number}ms) fps(v:{abs(number)}/a:1) gap(v:1ms/a:1ms) {text}",
        f"[#default#app/{text}({abs(number)})] Stream has been created",
        f"HTTP error occurred: [HTTP] {text} {figures}",
        f"A RTMP client has connected from {text} 1.2.3.4:{abs(number)}",
        f"{text} {figures}",
    ]
    data = "".join(record(START, message, level="E", tag="Transcoder") for message in messages)
    data += f"[2025-03-26 05:00:00.000] W [t:{abs(number)}] T | {text}\n"
    decoder = LineDecoder(file="f", errors="collect")
    events = decoder.feed(data.encode("utf-8", "surrogatepass")) + decoder.close()
    for event in events:
        assert isinstance(event.raw, dict)
        event.to_json()
        _ = event.snapshot, event.summary, event.tag

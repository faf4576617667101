"""A realistic ``ovenmediaengine.log``, written from OME's own message templates.

Records as ``log_internal.cpp`` lays them out, across versions: named threads
(``[SPRTMP-t1935:4321]``) and bare ones (before v0.11: ``I 3275 Config | ...``), year-less
debug dates, ``file:line`` present or not, ``docker compose logs`` prefixes, multi-line
records (``[Stream Info]`` blocks, HTTP dumps), several threads interleaved (small steps back
in time), and each stream's life: connect, create, prepare, statistics every 10 s, delete.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["ServerLog", "build_plain", "head", "record", "server_log_lines"]

START = datetime(2025, 3, 26, 5, 0, 0)


def head(
    when: datetime,
    level: str = "I",
    tag: str = "MediaRouter",
    *,
    thread: str | None = "AW-MR0",
    tid: int = 4321,
    location: str | None = "mediarouter_application.cpp:456",
    year: bool = True,
    prefix: str = "",
) -> str:
    """The first line's head, up to and including ``| `` before the message."""
    stamp = when.strftime("%Y-%m-%d %H:%M:%S" if year else "%m-%d %H:%M:%S")
    stamp += f".{when.microsecond // 1000:03d}"
    thread_part = f"[{thread}:{tid}]" if thread is not None else str(tid)
    tag_part = f" {tag}" if tag else ""
    place = ""
    if location is not None:
        file, line = location.rsplit(":", 1)
        place = f"{file}:{int(line):<4d} | "
    return f"{prefix}[{stamp}] {level} {thread_part}{tag_part} | {place}"


def record(when: datetime, message: str, level: str = "I", tag: str = "MediaRouter",
           **options: object) -> str:  # fmt: skip
    """One record: its head, then the message (continuation lines after ``\\n``)."""
    first = head(when, level, tag, **options)  # type: ignore[arg-type]
    prefix = str(options.get("prefix", ""))
    lines = message.split("\n")
    return "\n".join([first + lines[0], *(prefix + line for line in lines[1:])]) + "\n"


@dataclass
class ServerLog:
    """Builds a server log: call the methods in time order, then :meth:`text`."""

    seed: int = 1
    year: bool = True
    prefix: str = ""
    bare_threads: bool = False
    records: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    def add(self, when: datetime, message: str, level: str = "I", tag: str = "MediaRouter",
            location: str | None = "mediarouter_application.cpp:456",
            thread: str | None = "AW-MR0") -> None:  # fmt: skip
        tid = self.random.randint(100, 65000)
        self.records.append(
            record(when, message, level, tag, thread=None if self.bare_threads else thread,
                   tid=tid, location=location, year=self.year, prefix=self.prefix)
        )  # fmt: skip

    def started(self, when: datetime, version: str = "v0.16.5", host: str = "ome-edge-1") -> None:
        self.add(when, f"OvenMediaEngine {version} (v0.16.5-0-gabcdef) is started on [{host}]"
                 " (Linux x86_64 - 5.15.0, #1 SMP)", tag="OvenMediaEngine",
                 location="banner.cpp:23", thread="main")  # fmt: skip
        self.add(when, "With modules:", tag="OvenMediaEngine", location="banner.cpp:26",
                 thread="main")  # fmt: skip

    def connect(self, when: datetime, remote: str = "203.0.113.7:51234") -> None:
        self.add(when, "A RTMP client has connected from <ClientSocket: 0x7f2a, #24,"
                 f" Connected, TCP, Nonblocking, {remote}>", tag="RTMPProvider",
                 location="rtmp_provider.cpp:211", thread="SPRTMP-t1935")  # fmt: skip

    def created(self, when: datetime, stream: str, sid: int, app: str = "#default#app") -> None:
        self.add(when, f"[{app}/{stream}({sid})] Stream has been created")

    def prepared(self, when: datetime, stream: str, sid: int, app: str = "#default#app") -> None:
        self.add(
            when,
            f"[{app}/{stream}({sid})] Stream has been prepared [Stream Info]\n"
            f"    id({sid}), name({stream}), SourceType(Rtmp), Created Time (...)\n"
            "    Video Track #0: Bypass(false) Bitrate(2.50M) codec(4,H264) res(1280x720)"
            " fps(30.00) keyint(0)\n"
            "    Audio Track #1: Bypass(false) Bitrate(128.00K) codec(7,AAC) samplerate(48.0K)",
            location="mediarouter_application.cpp:495",
        )

    def statistics(self, when: datetime, stream: str, *, key_ms: int = 2000, fps: int = 30,
                   gap_ms: int = 20, app: str = "#default#app") -> None:  # fmt: skip
        video = self.random.randint(10_000, 10_000_000)
        self.add(when, f"Rtmp Provider Info - stream({app}/{stream}) key({key_ms}ms)"
                 f" timestamp(v:{video}ms/a:{video - gap_ms}ms/g:{gap_ms}ms)"
                 f" fps(v:{fps}/a:46) gap(v:10000ms/a:10000ms)", tag="RTMPProvider.Stat",
                 location="rtmp_stream.cpp:1743", thread="SPRTMP-t1935")  # fmt: skip

    def deleted(self, when: datetime, stream: str, sid: int, app: str = "#default#app",
                remote: str = "203.0.113.7:51234") -> None:  # fmt: skip
        self.add(when, f"The RTMP client has disconnected: [{app}/{stream}], remote:"
                 f" <ClientSocket: 0x7f2a, #24, Closed, TCP, Nonblocking, {remote}>",
                 tag="RTMPProvider", location="rtmp_provider.cpp:239",
                 thread="SPRTMP-t1935")  # fmt: skip
        self.add(when, f"[{app}/{stream}({sid})] Trying to delete a stream",
                 location="mediarouter_application.cpp:584")  # fmt: skip

    def not_found(self, when: datetime, stream: str, app: str = "#default#app") -> None:
        self.add(when, f"Cannot find stream ({app}/{stream})", level="E", tag="HLS",
                 location="hls_publisher.cpp:375", thread="AW-HLS0")  # fmt: skip

    def http_error(self, when: datetime, status: int = 404, what: str = "stream") -> None:
        self.add(when, f"HTTP error occurred: [HTTP] Could not find the {what}:"
                 f" [default/app/x] ({status})", level="W", tag="APIController",
                 location="controller_base.h:179", thread="AW-HTTP0")  # fmt: skip

    def http_dump(self, when: datetime, status: int = 200, path: str = "/v1/stats/current",
                  method: str = "GET") -> None:  # fmt: skip
        """An HTTP exchange as http_exchange.cpp dumps it: a Debug record for 2xx/3xx, an
        Error record otherwise; the message starts with a newline."""
        reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(status, "")
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
        self.add(when, "\n[Client] <ClientSocket: 0x7f, #30, Connected, TCP, Nonblocking,"
                 " 198.51.100.4:40000> (Elapsed: 3) \n"
                 f"[Request] {method} {path} (HTTP/1.1, Request Time: {stamp})\n"
                 f"[Response] {status} {reason} (0 bytes sent, Response Time: {stamp})",
                 level="D" if status < 400 else "E", tag="HTTP.Server",
                 location="http_exchange.cpp:45", thread="AW-HTTP1")  # fmt: skip

    def transcoder_error(self, when: datetime, stream: str, app: str = "#default#app") -> None:
        self.add(when, f"[{app}/{stream}(100)] Could not open codec: H264", level="E",
                 tag="Transcoder", location="transcoder_stream.cpp:300",
                 thread="AW-Trans0")  # fmt: skip

    def push(self, when: datetime, stream: str, *, started: bool, old: bool = False) -> None:
        """A push's start or stop: the wording of 0.17.2 and later, or (``old``) of the RTMP
        push publisher before 0.15.14 (its description on lines of their own)."""
        if old:
            what = "Push started." if started else "Push ended."
            self.add(when, f"{what} \n id=push-{stream}\n stream={stream}\n protocol=rtmp\n"
                     " url=rtmp://cdn.example.com/live\n stream_key=secret", tag="RTMPPush",
                     location="rtmppush_application.cpp:92", thread="RTMPPush")  # fmt: skip
            return
        info = (f"uid(push-{stream}), vhost(default) app(app) stream({stream}) -> protocol(rtmp)"
                " url(rtmp://cdn.example.com/live) streamKey(secret)")  # fmt: skip
        message = (f"Push started. {info}, connection timeout(5000), send timeout(3000)"
                   if started else f"Push stopped. {info}")  # fmt: skip
        self.add(when, message, tag="Push", location="push_application.cpp:237",
                 thread="PushPublisher")  # fmt: skip

    def recording(self, when: datetime, stream: str, *, started: bool, seconds: int = 0) -> None:
        """A recording's start or stop (``file_application.cpp``, Info since 0.16.5)."""
        info = (f" id(rec-{stream}) stream({stream}) sequence(0) tmp_path(/tmp/{stream}.tmp)"
                f" file_path(/rec/{stream}.ts) info_path(/rec/{stream}.xml)"
                f" total_bytes({seconds * 350_000}) total_time({seconds * 1000})"
                " created_time(2025-03-26T05:00:00.000+0000) start_time(...) stop_time(...)"
                " interval(0) schedule() segmentation(discontinuity)")  # fmt: skip
        what = "Recording Started." if started else "Recording Stopped."
        self.add(when, f"{what}{info}", tag="FILE", location="file_application.cpp:104",
                 thread="FilePublisher")  # fmt: skip

    def terminated(self, when: datetime) -> None:
        self.add(when, "OvenMediaEngine will be terminated", tag="OvenMediaEngine",
                 location="main.cpp:368", thread="main")  # fmt: skip

    def noise(self, when: datetime) -> None:
        self.add(when, "Trying to load configurations... (/opt/ovenmediaengine/bin/origin_conf)",
                 tag="Config", location="config_manager.cpp:52", thread="main")  # fmt: skip

    def text(self) -> str:
        return "".join(self.records)

    def day(self, start: datetime = START, streams: int = 5, hours: float = 1.0,
            restart: bool = False) -> ServerLog:  # fmt: skip
        """A day's worth (``hours`` of it): the server starts, streams come and go with
        statistics every 10 s, some HTTP traffic and errors."""
        self.started(start)
        self.noise(start + timedelta(milliseconds=5))
        end = start + timedelta(hours=hours)
        moments: list[tuple[datetime, int, str, int]] = []
        for number in range(streams):
            name = f"stream{number}"
            begin = start + timedelta(seconds=1 + number * 7)
            moments.append((begin, 0, name, 100 + number))
        now = start
        live: dict[str, int] = {}
        for begin, _, name, sid in moments:
            self.connect(begin)
            self.created(begin + timedelta(milliseconds=2), name, sid)
            self.prepared(begin + timedelta(milliseconds=450), name, sid)
            live[name] = sid
        now = max(begin for begin, *_ in moments) + timedelta(seconds=10)
        tick = 0
        while now < end:
            for name in live:
                jitter = timedelta(milliseconds=self.random.randint(0, 900))
                self.statistics(now + jitter, name, key_ms=1000 if name != "stream1" else 6000,
                                gap_ms=20 if name != "stream2" else 3500)  # fmt: skip
            if tick % 6 == 0:
                self.http_dump(now + timedelta(seconds=5))
            if tick % 30 == 5:
                self.http_error(now + timedelta(seconds=6))
            tick += 1
            now += timedelta(seconds=10)
        for name, sid in live.items():
            self.deleted(end, name, sid)
        return self


def _planted(log: ServerLog, start: datetime) -> ServerLog:
    """The problems a plain-log sample shows: an HTTP error storm, a transcoder error, an
    error record, and a reconnect loop."""
    for second in range(12):
        log.http_error(start + timedelta(minutes=10, seconds=second), status=404)
        log.http_dump(start + timedelta(minutes=10, seconds=second, milliseconds=500),
                      status=404, path="/app/gone/llhls.m3u8")  # fmt: skip
    log.transcoder_error(start + timedelta(minutes=11), "stream0")
    log.add(start + timedelta(minutes=12), "Failed to find channel to delete stream (remote :"
            " <ClientSocket: 0x7f, #31, Closed, TCP, Nonblocking, 198.51.100.9:1935>)",
            level="E", tag="RTMPProvider", location="rtmp_provider.cpp:234",
            thread="SPRTMP-t1935")  # fmt: skip
    for cycle in range(6):
        at = start + timedelta(minutes=13, seconds=cycle * 5)
        log.connect(at, remote="198.51.100.23:40112")
        log.created(at, "flappy", 500 + cycle)
        log.deleted(at + timedelta(seconds=2), "flappy", 500 + cycle, remote="198.51.100.23:40112")
    log.recording(start + timedelta(minutes=2), "stream0", started=True)
    log.recording(start + timedelta(minutes=8), "stream0", started=False, seconds=360)
    log.push(start + timedelta(minutes=3), "stream1", started=True)
    log.push(start + timedelta(minutes=9), "stream1", started=False)
    log.push(start + timedelta(minutes=4), "stream2", started=True, old=True)
    log.push(start + timedelta(minutes=5), "stream2", started=False, old=True)
    log.records.sort(key=lambda text: text[1:24])  # by time (a stable sort: ties kept)
    return log


def build_plain() -> dict[str, bytes]:
    """``sample_logs/server-plain``: an open-source OME's log directory with only the plain
    server log, rolled once (the older logger names the rolled file with the new day)."""
    first = _planted(ServerLog(seed=26).day(START, streams=4, hours=0.3), START)
    first.terminated(START + timedelta(hours=0.3, seconds=1))  # a clean shutdown
    second_start = START + timedelta(days=1)
    second = _planted(ServerLog(seed=27).day(second_start, streams=3, hours=0.2), second_start)
    return {
        "ovenmediaengine.log.20250327": first.text().encode(),
        "ovenmediaengine.log": second.text().encode(),
    }


def server_log_lines(records: int, seed: int = 0) -> Iterator[bytes]:
    """About ``records`` records of a busy server's log (statistics lines of many streams,
    HTTP dumps, errors), for benchmarks: days of 200 streams, back to back."""
    written = 0
    day = 0
    while written < records:
        log = ServerLog(seed=seed + day).day(START + timedelta(days=day), streams=200,
                                             hours=2.0)  # fmt: skip
        for text in log.records:
            yield text.encode()
            written += 1
            if written >= records:
                return
        day += 1

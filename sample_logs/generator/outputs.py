"""Output and channel events: pushes, recordings, HLS dumps, scheduled and multiplex channels."""

from __future__ import annotations

from typing import Any

from generator.ome import _EPOCH, _MS, Push, Recording, Stream


class OutputWriter:
    """Output and channel events (a mixin of :class:`generator.server.Server`)."""

    __slots__ = ()

    def _push_snapshot(
        self, p: Push, state: str, start: int, finish: int, sent: int, sent_time: int
    ) -> dict[str, Any]:
        snap: dict[str, Any] = {
            "app": p.app,
            "createdTime": self.fmt(p.created),
            "finishTime": self.fmt(finish),
            "id": p.id,
            "isConfig": p.is_config,
            "protocol": p.protocol,
            "sentBytes": sent,
            "sentTime": sent_time,
            "sequence": p.sequence,
            "startTime": self.fmt(start),
            "state": state,
            "stream": {"name": p.stream, "trackIds": [], "variantNames": p.variant_names},
            "totalsentBytes": p.total_bytes,
            "totalsentTime": p.total_time,
            "url": p.url,
            "vhost": self.vhost,
        }
        if p.stream_key:
            snap["streamKey"] = p.stream_key
        return snap

    def _push_summary(self, verb: str, p: Push) -> str:
        return (
            f"PushPublishing {verb}. Id: {p.id}, Protocol: {p.protocol}, Url: {p.url}, "
            f"StreamKey: {p.stream_key}"
        )

    def push_started(self, p: Push, ms: int) -> None:
        if not p.created:
            p.created = ms
        state = "ready" if p.sequence == 0 else "connecting"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "PushPublishingStarted",
            self.stream_id(p.app, p.stream),
            self._push_summary("started", p),
            snapshot=self._push_snapshot(p, state, 0, 0, 0, 0),
        )

    def push_stopped(self, p: Push, ms: int, start: int, sent: int, state: str = "stopped") -> None:
        sent_time = (ms - start) if sent else 0
        p.total_bytes += sent
        p.total_time += sent_time
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "PushPublishingStopped",
            self.stream_id(p.app, p.stream),
            self._push_summary("stopped", p),
            snapshot=self._push_snapshot(p, state, start, ms, sent, sent_time),
        )
        p.sequence += 1

    def _rec_snapshot(
        self, r: Recording, state: str, start: int, finish: int, nbytes: int, rtime: int
    ) -> dict[str, Any]:
        base = f"/recordings/{self.vhost}/{r.app}/{r.stream}/"
        return {
            "app": r.app,
            "createdTime": self.fmt(r.created),
            "filePath": base + "${StartTime:YYYYMMDDhhmmss}_${Sequence}.ts",
            "finishTime": self.fmt(finish),
            "id": r.id,
            "infoPath": base + "${StartTime:YYYYMMDDhhmmss}_${Sequence}.xml",
            "interval": 0,
            "isConfig": r.is_config,
            "outputFilePath": r.out_file,
            "outputInfoPath": r.out_info,
            "recordBytes": nbytes,
            "recordTime": rtime,
            "segmentationRule": "discontinuity",
            "sequence": r.sequence,
            "startTime": self.fmt(start),
            "state": state,
            "stream": {"name": r.stream, "trackIds": [], "variantNames": r.variant_names},
            "totalRecordBytes": r.total_bytes,
            "totalRecordTime": r.total_time,
            "vhost": self.vhost,
        }

    def recording_started(self, r: Recording, ms: int) -> None:
        if not r.created:
            r.created = ms
        stamp = (_EPOCH + ms * _MS).astimezone(self.tz).strftime("%Y%m%d%H%M%S")
        base = f"/recordings/{self.vhost}/{r.app}/{r.stream}/{stamp}_{r.sequence}"
        r.out_file, r.out_info = base + ".ts", base + ".xml"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "RecordingStarted",
            self.stream_id(r.app, r.stream),
            f"Recording started. Id: {r.id}, FilePath: {r.out_file}",
            snapshot=self._rec_snapshot(r, "recording", ms, 0, 0, 0),
        )

    def recording_stopped(self, r: Recording, ms: int, start: int, nbytes: int) -> None:
        rtime = (ms - start) if nbytes else 0
        r.total_bytes += nbytes
        r.total_time += rtime
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "RecordingStopped",
            self.stream_id(r.app, r.stream),
            f"Recording stopped. Id: {r.id}, FilePath: {r.out_file}",
            snapshot=self._rec_snapshot(r, "stopped", start, ms, nbytes, rtime),
        )
        r.sequence += 1

    def hls_dump(self, st: Stream, ms: int, dump_id: str, user_data: str, enabled: bool) -> None:
        day = (_EPOCH + ms * _MS).astimezone(self.tz).strftime("%Y%m%d")
        out = f"/dump/{self.vhost}/{st.app}/{st.name}/{day}"
        snap = {
            "id": dump_id,
            "outputStreamName": "llhls",
            "outputPath": out,
            "infoFile": f"/dump/{self.vhost}/{st.app}/{st.name}/{dump_id}.xml",
            "userData": user_data,
            "enabled": enabled,
            "playlist": ["llhls.m3u8"],
        }
        verb = "started" if enabled else "stopped"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "HLSDumpStarted" if enabled else "HLSDumpStopped",
            self.stream_id(st.app, st.name),
            f"HLSDump {verb}. Id: {dump_id}, OutputPath: {out}",
            snapshot=snap,
        )

    # -- scheduled / multiplex channels -----------------------------------------------------

    def sched(self, ms: int, app: str, name: str, type_: str, snap: Any = None) -> None:
        verb = type_.removeprefix("ScheduledChannel").lower()
        path = f"/opt/ovenmediaengine/bin/origin_conf/scheduled/{app}/{name}.sch"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            type_,
            self.stream_id(app, name),
            f"Scheduled channel {verb}. FilePath: {path}",
            snapshot=snap,
        )

    def sched_item(
        self,
        ms: int,
        app: str,
        name: str,
        program: str,
        scheduled: int,
        item: str,
        duration: int,
        fallback: bool,
        error: bool = False,
    ) -> None:
        fields = (
            f"Program: {program}, Scheduled: {self.fmt(scheduled)}, Item: {item}, "
            f"ItemStart: 0, ItemDuration: {duration}, Fallback: {str(fallback).lower()}"
        )
        if error:
            self.emit(
                ms,
                "Warning",
                "StreamEvent",
                "ScheduledChannelPlaybackError",
                self.stream_id(app, name),
                f"Scheduled channel playback error. Reason: Failed to pop packet, {fields}",
                cause="FailedToPopPacket",
            )
        else:
            self.emit(
                ms,
                "Info",
                "StreamEvent",
                "ScheduledChannelItemChanged",
                self.stream_id(app, name),
                f"Scheduled channel item changed. {fields}",
            )

    def sched_snapshot(
        self, name: str, programs: list[tuple[str, int, list[tuple[str, int]]]]
    ) -> dict[str, Any]:
        return {
            "stream": {
                "name": name,
                "bypassTranscoder": False,
                "videoTrack": True,
                "audioTrack": True,
                "audioMap": None,
                "errorToleranceDurationMs": 3000,
            },
            "fallbackProgram": {
                "items": [{"url": "file://fallback/standby.mp4", "start": 0, "duration": -1}]
            },
            "programs": [
                {
                    "name": p,
                    "scheduled": self.fmt(at),
                    "repeat": False,
                    "items": [{"url": u, "start": 0, "duration": d} for u, d in items],
                }
                for p, at, items in programs
            ],
        }

    def mux(self, ms: int, app: str, name: str, type_: str, snap: Any = None) -> None:
        verb = type_.removeprefix("MultiplexChannel").lower()
        path = f"/opt/ovenmediaengine/bin/origin_conf/multiplex/{app}/{name}.mux"
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            type_,
            self.stream_id(app, name),
            f"Multiplex channel {verb}. FilePath: {path}",
            snapshot=snap,
        )

    @staticmethod
    def mux_snapshot(
        name: str, sources: list[tuple[str, str, list[str]]], renditions: list[tuple[str, str, str]]
    ) -> dict[str, Any]:
        return {
            "outputStream": {"name": name, "bypassTranscoder": True},
            "sourceStreams": [
                {
                    "name": n,
                    "url": u,
                    "trackMap": [
                        {"sourceTrackName": t, "newTrackName": f"{n}_{t}"} for t in tracks
                    ],
                }
                for n, u, tracks in sources
            ],
            "playlists": [
                {
                    "name": "LLHLS ABR",
                    "fileName": "abr",
                    "options": {"webRtcAutoAbr": True, "enableTsPackaging": False},
                    "renditions": [{"name": r, "video": v, "audio": a} for r, v, a in renditions],
                }
            ],
        }

    # -- REST API / access control ----------------------------------------------------------

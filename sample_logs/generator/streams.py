"""Stream events: snapshots, lifecycles, creation failures, abnormal-stream warnings."""

from __future__ import annotations

from typing import Any

from generator.ome import GARBAGE_BITRATES, REASONS, Stream


class StreamWriter:
    """Stream events (a mixin of :class:`generator.server.Server`)."""

    __slots__ = ()

    def _latest_at_prepare(self, br: int) -> int:
        r = self.rng.random()
        if r < 0.4:
            return self.rng.choice(GARBAGE_BITRATES)
        if r < 0.7:
            return 0
        return int(br * self.rng.uniform(0.02, 0.2))

    def _video(self, tr: dict[str, Any], running: bool) -> dict[str, Any]:
        conf_br = tr["br"] if tr["conf"] else 0
        conf_fps = tr["fps"] if tr["conf"] else 0.0
        if running:
            avg = int(tr["br"] * self.rng.uniform(0.94, 1.04))
            latest = int(tr["br"] * self.rng.uniform(0.85, 1.15))
            gop = float(tr["gop"])
            v: dict[str, Any] = {
                "bitrate": self.br(avg),
                "bitrateAvg": self.br(avg),
                "bitrateLatest": self.br(latest),
                "framerate": tr["fps"],
                "framerateAvg": tr["fps"],
                "framerateLatest": tr["fps"],
                "keyFrameInterval": gop,
                "keyFrameIntervalAvg": gop,
                "keyFrameIntervalLatest": gop,
                "deltaFramesSinceLastKeyFrame": self.rng.randrange(tr["gop"]),
            }
        else:
            kfi = self.rng.choice((0.0, 1.0))
            v = {
                "bitrate": self.br(conf_br),
                "bitrateAvg": self.br(0),
                "bitrateLatest": self.br(self._latest_at_prepare(tr["br"])),
                "framerate": tr["fps"],
                "framerateAvg": 0.0,
                "framerateLatest": 0.0,
                "keyFrameInterval": kfi,
                "keyFrameIntervalAvg": kfi,
                "keyFrameIntervalLatest": 0.0,
                "deltaFramesSinceLastKeyFrame": 0,
            }
        v.update(
            {
                "bitrateConf": self.br(conf_br),
                "bypass": False,
                "codec": tr["codec"],
                "framerateConf": conf_fps,
                "hasBframes": False,
                "height": tr["h"],
                "keyFrameIntervalConf": 0.0,
                "timebase": {"num": tr["tb"][0], "den": tr["tb"][1]},
                "width": tr["w"],
            }
        )
        if self.max_size:
            v["maxWidth"] = tr["w"]
            v["maxHeight"] = tr["h"]
        return v

    def _audio(self, tr: dict[str, Any], running: bool) -> dict[str, Any]:
        conf_br = tr["br"] if tr["conf"] else 0
        if running:
            avg = int(tr["br"] * self.rng.uniform(0.97, 1.01))
            bitrate, latest = avg, int(tr["br"] * self.rng.uniform(0.9, 1.1))
        else:
            avg, bitrate, latest = 0, conf_br, self._latest_at_prepare(tr["br"])
        return {
            "bitrate": self.br(bitrate),
            "bitrateAvg": self.br(avg),
            "bitrateConf": self.br(conf_br),
            "bitrateLatest": self.br(latest),
            "bypass": False,
            "channel": tr["ch"],
            "codec": tr["codec"],
            "samplerate": tr["rate"],
            "timebase": {"num": tr["tb"][0], "den": tr["tb"][1]},
        }

    def stream_snapshot(
        self, st: Stream, running: bool, overrides: dict[int, dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        tracks = []
        for tr in st.tracks:
            item: dict[str, Any] = {
                "id": tr["id"],
                "name": tr["name"],
                "type": tr["kind"].capitalize(),
            }
            if tr["kind"] == "video":
                item["video"] = self._video(tr, running)
            elif tr["kind"] == "audio":
                item["audio"] = self._audio(tr, running)
            if overrides and tr["id"] in overrides:
                item[tr["kind"]].update(overrides[tr["id"]])
            tracks.append(item)
        return {
            "createdTime": self.fmt(st.created),
            "name": st.name,
            "sourceType": st.stype,
            "sourceUrl": st.url,
            "tracks": tracks,
        }

    # -- stream lifecycle -------------------------------------------------------------------

    def stream(
        self, app: str, name: str, stype: str, url: str, tracks: list[dict[str, Any]]
    ) -> Stream:
        return Stream(app, name, stype, url, tracks)

    def _stream_summary(self, verb: str, st: Stream) -> str:
        return (
            f"Stream {verb}. Id: {self.id_token(st)}, StreamType: {st.stype}, SourceUrl: {st.url}"
        )

    def id_token(self, st: Stream) -> str:
        return f"@@S{st.id}@@" if self.token_ids else str(st.id)

    def created(self, st: Stream, ms: int) -> None:
        # Scenarios are written out of time order, so the real stream Id (counted per server
        # run, in time order) is filled in by finish(); until then a token stands in for it.
        self._next_stream_id += 1
        st.id = self._next_stream_id
        st.created = ms
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "StreamCreated",
            self.stream_id(st.app, st.name),
            self._stream_summary("created", st),
        )

    def prepared(self, st: Stream, ms: int) -> None:
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "StreamPrepared",
            self.stream_id(st.app, st.name),
            self._stream_summary("prepared", st),
            snapshot=self.stream_snapshot(st, running=False),
        )

    def deleted(self, st: Stream, ms: int) -> None:
        self.emit(
            ms,
            "Info",
            "StreamEvent",
            "StreamDeleted",
            self.stream_id(st.app, st.name),
            self._stream_summary("deleted", st),
        )

    def lifecycle(
        self,
        app: str,
        name: str,
        stype: str,
        url: str,
        tracks: list[dict[str, Any]],
        start: int,
        end: int | None,
    ) -> Stream:
        st = self.stream(app, name, stype, url, tracks)
        self.created(st, start)
        self.prepared(st, start + self.rng.randint(12, 900))
        if end is not None:
            self.deleted(st, end)
        return st

    def creation_failed(self, ms: int, app: str, name: str, stype: str, url: str) -> None:
        self.emit(
            ms,
            "Error",
            "StreamEvent",
            "StreamCreationFailed",
            self.stream_id(app, name),
            f"Stream creation failed. Reason: Duplicated stream name, Name: {name}, "
            f"StreamType: {stype}, SourceUrl: {url}",
            cause="DuplicatedStreamName",
        )

    def abnormal(
        self, st: Stream, ms: int, cause: str, detail: str, overrides: dict[int, dict[str, Any]]
    ) -> None:
        self.emit(
            ms,
            "Warning",
            "StreamEvent",
            "AbnormalStreamDetected",
            self.stream_id(st.app, st.name),
            f"Abnormal stream detected. Reason: {REASONS[cause]}, Id: {self.id_token(st)}, "
            f"{detail}",
            cause=cause,
            snapshot=self.stream_snapshot(st, True, overrides),
        )

    # -- push / recording / dump ------------------------------------------------------------

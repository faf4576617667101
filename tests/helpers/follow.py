"""Writing a log the way OME does, for the follower tests."""

from __future__ import annotations

import gzip
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers.lines import event_line

START = datetime(2025, 3, 26, tzinfo=UTC)


def make_line(number: int, *, long: bool = False) -> bytes:
    """Event line number ``number`` (summary ``n<number>``), ``long`` ones over 1024 bytes."""
    extra = {}
    if long:
        extra["snapshot"] = {
            "name": "cam",
            "tracks": [{"id": i, "type": "Data"} for i in range(80)],
        }
    return event_line(
        (START + timedelta(milliseconds=number)).isoformat(timespec="milliseconds"),
        type="StreamPrepared" if long else "StreamCreated",
        source="#default#app/cam",
        summary=f"n{number}",
        **extra,
    )


class OmeLikeLog:
    """A log directory written like OME: O_APPEND, one write per short line, content then
    newline for lines of 1024 bytes or more, daily rotation by rename."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.base = directory / "events.log"
        self.written: list[str] = []  # summaries, in order
        self.next_number = 0
        self.rotations = 0
        self.partial: bytes | None = None  # the rest of a line whose first write is done

    def _write(self, data: bytes) -> None:
        fd = os.open(self.base, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def append(self, count: int = 1, *, long: bool = False) -> None:
        """Write complete lines."""
        self.finish_line()
        for _ in range(count):
            line = make_line(self.next_number, long=long)
            if len(line) >= 1024:
                self._write(line[:-1])
                self._write(b"\n")
            else:
                self._write(line)
            self.written.append(f"n{self.next_number}")
            self.next_number += 1

    def append_half(self) -> None:
        """Write the first part of a line (no newline yet)."""
        if self.partial is not None:
            return
        line = make_line(self.next_number)
        cut = len(line) // 2
        self._write(line[:cut])
        self.partial = line[cut:]
        self.written.append(f"n{self.next_number}")
        self.next_number += 1

    def finish_line(self) -> None:
        """Write the rest of a half-written line."""
        if self.partial is not None:
            self._write(self.partial)
            self.partial = None

    def rotated_name(self) -> str:
        """events.log.YYYYMMDD, one day further at each rotation."""
        day = START.date() + timedelta(days=self.rotations)
        return f"events.log.{day:%Y%m%d}"

    def rotate(self) -> Path:
        """Rename the base file as the newer OME sink does (date, then .N on a clash)."""
        self.finish_line()
        self.rotations += 1
        target = self.directory / self.rotated_name()
        if self.base.exists():
            self.base.rename(target)
        return target

    def compress(self, path: Path) -> Path:
        """gzip a rotated file as logrotate does: write X.gz, then delete X."""
        target = path.with_name(path.name + ".gz")
        with open(path, "rb") as source, gzip.open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
        path.unlink()
        return target

    def copytruncate(self) -> Path:
        """logrotate's copytruncate: copy the base file, then truncate it in place."""
        self.finish_line()
        self.rotations += 1
        target = self.directory / self.rotated_name()
        shutil.copyfile(self.base, target)
        with open(self.base, "r+b") as stream:
            stream.truncate(0)
        return target

"""The history a command reads: the events of its PATH (a directory, a file or standard
input) that pass its filter, newest first when only the last few are wanted."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ome_events.cli.options import UsageError, resolve_path, resolve_paths
from ome_events.cli.runtime import is_output_error, warn
from ome_events.errors import OmeEventsError

if TYPE_CHECKING:
    from ome_events.files import LogFile
    from ome_events.filters import EventFilter
    from ome_events.model import Event
    from ome_events.position import Position
    from ome_events.reader import EventReader, MergedReader

__all__ = ["History", "check_paths", "with_history"]


class History:
    """The events of a log (directory, file or standard input) that pass a filter.

    Iterate it for every matching event, oldest first, or call :meth:`last` for the newest
    few (read from the newest file backwards: ``tail -n 10`` on a month of rotated files
    reads only today's). Bad lines are skipped, logged (see
    :func:`~ome_events.cli.runtime.setup_logging`) and counted by :meth:`finish`.
    """

    def __init__(
        self, paths: str | list[str], event_filter: EventFilter, *, follow: bool = False
    ) -> None:
        self.paths = [paths] if isinstance(paths, str) else list(paths)
        self.filter = event_filter
        self.bad_lines = 0
        self._follow = follow
        self._reader: EventReader | MergedReader | None = None

    @property
    def path(self) -> str:
        """The paths as one text (for messages), or the one path."""
        return ", ".join(self.paths)

    @property
    def several(self) -> bool:
        """True when several logs (servers) are read: events then show their server."""
        return len(self.paths) > 1

    @classmethod
    def open(
        cls, args: argparse.Namespace, event_filter: EventFilter, *, follow: bool = False
    ) -> History:
        """The history of the command's PATH; ``follow``: a follower goes on where it ends
        (:attr:`position`), so a line still being written is left to it.

        Raises FileNotFoundError when PATH is missing, or is a directory without any
        ``events.log`` file (unless ``follow``: a follower waits for one to appear).
        """
        paths = resolve_paths(args)
        check_paths(paths, follow=follow)
        return cls(paths, event_filter, follow=follow)

    @property
    def is_stdin(self) -> bool:
        """True when the events come from standard input."""
        return self.paths == ["-"]

    @property
    def reader(self) -> EventReader | MergedReader:
        """The library's reader of the history (made on first use)."""
        if self._reader is None:
            from ome_events.reader import Partial, read_events, read_stream

            since, until = self.filter.since, self.filter.until
            partial: Partial = "leave" if self._follow else "read"
            where = None if self.filter.matches_all else self.filter
            if self.is_stdin:
                self._reader = read_stream(
                    sys.stdin.buffer, since=since, until=until, errors="skip", where=where
                )
            else:
                self._reader = read_events(
                    self.paths,
                    since=since,
                    until=until,
                    errors="skip",
                    partial=partial,
                    where=where,
                )
        return self._reader

    def __iter__(self) -> Iterator[Event]:
        return iter(self.reader)

    def last(self, count: int | None, offset: int = 0) -> Iterator[Event]:
        """The ``count`` newest matching events before the ``offset`` newest, oldest first;
        ``count=None`` means all of them."""
        from ome_events.cli.options import FromNth

        if isinstance(count, FromNth):  # -n +N: from the N-th matching event on
            from itertools import islice

            return islice(iter(self), count - 1, None)
        if count is None and offset == 0:
            return iter(self)
        return iter(self.reader.last(count, offset))

    @property
    def position(self) -> Position | None:
        """Where the history ended in the newest file (for a follower to go on from); None
        for several logs (see :meth:`follow_start`)."""
        from ome_events.reader import EventReader

        reader = self._reader
        return reader.position if isinstance(reader, EventReader) else None

    def follow_start(self) -> Position | dict[str, Position | None] | str:
        """Where a follower goes on after the history: its Position, one per server for
        several logs, or "end" when the history was not read."""
        from ome_events.reader import EventReader

        reader = self._reader
        if reader is None:
            return "end"
        if isinstance(reader, EventReader):
            return reader.position or "end"
        return reader.positions

    def files(self) -> list[tuple[LogFile, int]]:
        """The files of the history, oldest first, each with its size in bytes (uncompressed:
        estimated for .gz); empty for standard input."""
        from ome_events.progress import sized

        return sized(self._files())

    def input_formats(self) -> tuple[str, ...]:
        """The formats of the files read (``formats.FORMAT_NAMES`` keys), in a fixed order;
        empty for standard input."""
        from ome_events.files import file_format
        from ome_events.formats import FORMAT_NAMES

        read = getattr(self.reader, "read_files", None) or self._files()
        found = {file_format(log_file.path) for log_file in read}
        return tuple(name for name in FORMAT_NAMES if name in found)

    def _files(self) -> list[LogFile]:
        if self.is_stdin:
            return []
        return list(self.reader.files)

    def empty_window_note(self, zone: Any = None) -> str | None:
        """When a time window matched nothing: where the log's events are (so a user who
        asked for ``--since yesterday`` learns the log ends last week); None otherwise."""
        since, until = self.filter.since, self.filter.until
        if (since is None and until is None) or self.is_stdin:
            return None
        from ome_events.cli.render import format_time
        from ome_events.files import last_event_time

        files = self._files()
        first = next((f.first_time for f in files if f.first_time is not None), None)
        last = None
        for log_file in reversed(files):
            try:
                last = last_event_time(log_file.path)
            except OSError:
                last = None
            if last is not None:
                break
        asked = " ".join(
            part
            for part in (
                f"from {format_time(since, zone)}" if since else "",
                f"before {format_time(until, zone)}" if until else "",
            )
            if part
        )
        if first is None:
            return f"no events {asked}: the log holds no readable event"
        holds = f"from {format_time(first, zone)}"
        if last is not None:
            holds += f" to {format_time(last, zone)}"
        return f"no events {asked}; the log holds events {holds}"

    def finish(self) -> int:
        """Say on stderr how many bad lines were skipped and which files could not be read;
        the exit status: 1 when a file could not be read (or not to its end), else 0."""
        reader = self._reader
        self.bad_lines = 0 if reader is None else reader.error_count
        if self.bad_lines:
            plural = "s" if self.bad_lines != 1 else ""
            warn(f"{self.bad_lines} bad line{plural} skipped")
        problems = [] if reader is None else reader.file_problems
        if problems:
            plural = "s" if len(problems) != 1 else ""
            warn(f"{len(problems)} file{plural} could not be read in full (see above)")
            return 1
        return 0


def check_paths(paths: list[str], *, follow: bool = False) -> None:
    """The one check (and wording) of every command for its PATHs: FileNotFoundError for a
    missing path, or a directory without any ``events.log`` file (unless ``follow``: a
    follower waits for one to appear)."""
    from ome_events.files import LOG_BASES, find_log_files

    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise FileNotFoundError(f"no such file or directory: {path}")
        if (
            not follow
            and os.path.isdir(path)
            and not any(find_log_files(path, base) for base in LOG_BASES)
        ):
            raise FileNotFoundError(
                f"no events.log or ovenmediaengine.log (nor rotated ones) in {path}"
            )


def with_history(
    args: argparse.Namespace,
    event_filter: EventFilter,
    work: Callable[[History], int],
    *,
    follow: bool = False,
) -> int:
    """Open the command's history and run ``work`` on it; a missing path or a file that
    cannot be read is a message and status 1 (a closed pipe is left to the runtime)."""
    try:
        history = History.open(args, event_filter, follow=follow)
    except UsageError as error:
        args._parser.error(str(error))  # exits with status 2
    except FileNotFoundError as error:
        warn(str(error))
        return 1
    try:
        return work(history)
    except BrokenPipeError:
        raise
    except OmeEventsError as error:  # a checkpoint in use or unusable: it says which
        warn(str(error))
        return 1
    except OSError as error:
        if is_output_error(error):
            raise  # the output's, not the log's: the entry point names it
        warn(f"{error.strerror or error}: {error.filename or resolve_path(args)}")
        return 1

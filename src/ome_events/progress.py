"""A progress bar over a long read: bytes of the log's files read so far, and time left.

One bar for the command line (``stats``, ``analyze``, ``export``: on standard error) and the
library (``to_dataframe``, ``write_parquet``: standard error of a script, a widget in Jupyter).
The position is the event's own (file, byte offset) within all the files, so the bar costs a
dictionary lookup every few thousand events. Rich is imported only when a bar is drawn.

When to draw (:func:`progress_wanted`): ``True`` always, ``False`` never, ``None`` (the
default) when the output is interactive (a terminal, or a notebook) and the files hold at
least :data:`PROGRESS_BYTES`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, TextIO, cast

if TYPE_CHECKING:
    from rich.console import Console

    from ome_events.files import LogFile
    from ome_events.model import Event
    from ome_events.parse import ErrorPolicy
    from ome_events.reader import EventsSource

__all__ = [
    "PROGRESS_BYTES",
    "events_with_progress",
    "in_notebook",
    "progress_wanted",
    "show_reading",
    "sized",
]

#: Files at least this large (bytes, uncompressed) get a progress bar when interactive.
PROGRESS_BYTES = 32 * 1024 * 1024

# The bar moves every this many events (a lookup and a Rich update each time).
_EVERY = 4096


def sized(files: Iterable[LogFile]) -> list[tuple[LogFile, int]]:
    """Each file with its size in bytes (uncompressed: estimated for .gz)."""
    from ome_events.files import uncompressed_size

    return [(log_file, uncompressed_size(log_file.path)) for log_file in files]


def in_notebook() -> bool:
    """True inside a Jupyter (IPython kernel) session."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    get = getattr(shell, "get_ipython", None)
    instance = get() if get is not None else None
    return instance is not None and type(instance).__name__ == "ZMQInteractiveShell"


def progress_wanted(wanted: bool | None, total: int, interactive: bool) -> bool:
    """Draw a bar? ``wanted`` (True/False) wins; by default when interactive and large."""
    if wanted is not None:
        return wanted
    return interactive and total >= PROGRESS_BYTES


def show_reading(
    events: Iterable[Event], files: list[tuple[LogFile, int]], console: Console | None = None
) -> Iterator[Event]:
    """Yield ``events`` while a transient bar shows how much of ``files`` was read.

    ``console`` is where the bar is drawn (by default Rich's own: standard error, or the
    notebook's output)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    # Where each file starts in the whole history, so an event's origin (file, offset) is a
    # position in it.
    starts: dict[str | None, int] = {}
    total = 0
    for log_file, size in files:
        starts[os.fspath(log_file.path)] = total
        total += size
    if console is None:
        console = Console(stderr=True)
    columns = (TextColumn("reading"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("reading", total=max(total, 1))
        for count, event in enumerate(events):
            if count % _EVERY == 0 and event.origin is not None:
                origin = event.origin
                progress.update(task, completed=starts.get(origin.file, 0) + origin.offset)
            yield event
        progress.update(task, completed=total)


def events_with_progress(
    source: EventsSource,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    errors: ErrorPolicy = "raise",
    progress: bool | None = None,
) -> Iterator[Event]:
    """:func:`~ome_events.reader.iter_events`, with a bar while reading log paths when
    :func:`progress_wanted` (interactive: standard error is a terminal, or a notebook).
    Events given as events have no files to measure: no bar."""
    from ome_events.reader import iter_events, read_events

    # Only paths are measured; anything else (a generator of events) is never gathered.
    if isinstance(source, str | os.PathLike):
        items: list[object] = [source]
    elif isinstance(source, list | tuple):
        items = list(source)
    else:
        items = []
    paths = progress is not False and all(isinstance(i, str | os.PathLike) for i in items)
    if not paths or not items:
        return iter_events(source, since=since, until=until, errors=errors)
    interactive = in_notebook() or _is_terminal(sys.stderr)
    if progress is None and not interactive:
        return iter_events(source, since=since, until=until, errors=errors)
    target = cast(
        "list[str | os.PathLike[str]]",
        items[:1] if isinstance(source, str | os.PathLike) else items,
    )
    reader = (
        read_events(target[0], since=since, until=until, errors=errors)
        if isinstance(source, str | os.PathLike)
        else read_events(target, since=since, until=until, errors=errors)
    )
    files = sized(reader.files)
    if not progress_wanted(progress, sum(size for _, size in files), interactive):
        return reader
    return show_reading(reader, files)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

"""A progress bar on a terminal for commands that read a large history (``stats``,
``analyze``, ``export``): bytes read of all the files, and time left, on standard error.
Drawn only when standard error is a terminal and the history is large (or ``--progress``);
``--no-progress`` turns it off; never on standard output, so ``--json`` and CSV stay clean."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ome_events.cli.style import is_terminal

if TYPE_CHECKING:
    from ome_events.cli.history import History
    from ome_events.model import Event

__all__ = ["PROGRESS_BYTES", "add_progress_option", "with_progress"]

#: A history at least this large (bytes, uncompressed) gets a progress bar on a terminal.
PROGRESS_BYTES = 32 * 1024 * 1024


def add_progress_option(group: Any) -> None:
    """``--progress`` / ``--no-progress``."""
    group.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=(
            "a progress bar on standard error (default: when it is a terminal and the"
            " history is large)"
        ),
    )


def with_progress(
    args: argparse.Namespace, history: History, events: Iterable[Event]
) -> Iterator[Event]:
    wanted = args.progress
    if wanted is False or history.is_stdin:
        yield from events
        return
    if wanted is None and not is_terminal(sys.stderr):
        yield from events
        return
    files = history.files()
    total = sum(size for _, size in files)
    if wanted is None and total < PROGRESS_BYTES:
        yield from events
        return

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from ome_events.cli.style import color_wanted, make_console

    # Where each file starts in the whole history, so an event's origin (file, offset) is a
    # position in it.
    starts: dict[str | None, int] = {}
    position = 0
    for log_file, size in files:
        starts[os.fspath(log_file.path)] = position
        position += size
    console = make_console(
        color=color_wanted(getattr(args, "color", "auto"), sys.stderr), stderr=True
    )
    columns = (
        TextColumn("reading"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("reading", total=max(total, 1))
        for count, event in enumerate(events):
            if count % 4096 == 0 and event.origin is not None:
                origin = event.origin
                progress.update(task, completed=starts.get(origin.file, 0) + origin.offset)
            yield event
        progress.update(task, completed=total)

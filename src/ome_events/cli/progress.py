"""A progress bar on a terminal for commands that read a large history (``stats``,
``analyze``, ``export``): bytes read of all the files, and time left, on standard error.
Drawn only when standard error is a terminal and the history is large (or ``--progress``);
``--no-progress`` turns it off; never on standard output, so ``--json`` and CSV stay clean."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ome_events.cli.style import is_terminal
from ome_events.progress import PROGRESS_BYTES, progress_wanted, show_reading

if TYPE_CHECKING:
    from ome_events.cli.history import History
    from ome_events.model import Event

__all__ = ["PROGRESS_BYTES", "add_progress_option", "with_progress"]


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
    """``events`` with a bar on standard error when :func:`~ome_events.progress.progress_wanted`
    says so (``--progress``/``--no-progress``, else a terminal and a large history)."""
    if args.progress is False or history.is_stdin:
        return iter(events)
    interactive = is_terminal(sys.stderr)
    if args.progress is None and not interactive:
        return iter(events)
    files = history.files()
    if not progress_wanted(args.progress, sum(size for _, size in files), interactive):
        return iter(events)

    from ome_events.cli.style import color_wanted, make_console

    console = make_console(
        color=color_wanted(getattr(args, "color", "auto"), sys.stderr), stderr=True
    )
    return show_reading(events, files, console)

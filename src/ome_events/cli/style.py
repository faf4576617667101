"""How the command line looks: one colour policy, the consoles, and the styles of levels and
severities. Rich is imported only by the functions that need it.

The policy (:func:`color_wanted`): ``--color always`` or ``never`` wins; otherwise colour a
terminal, unless ``NO_COLOR`` is set (https://no-color.org) or ``TERM`` is ``dumb``;
``FORCE_COLOR`` colours even a pipe. Interactive views (a live table, a progress bar) are a
separate question: :func:`is_terminal`.
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "LEVEL_LABELS",
    "SEVERITY_STYLES",
    "color_wanted",
    "is_terminal",
    "level_label",
    "level_style",
    "make_console",
]

#: How levels are written in lines and tables (unknown levels: their name in capitals).
LEVEL_LABELS = {
    "Trace": "TRACE",
    "Debug": "DEBUG",
    "Info": "INFO",
    "Warning": "WARN",
    "Error": "ERROR",
}
_LEVEL_STYLES = {0: "dim", 1: "blue", 2: "green", 3: "bold yellow", 4: "bold red"}
_SEVERE_STYLE = "bold white on red"

#: The style of each finding severity.
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def level_label(name: str) -> str:
    """``WARN`` for ``Warning``; an unknown level in capitals (escape it before showing)."""
    return LEVEL_LABELS.get(name) or name.upper()


def level_style(rank: int) -> str:
    """The Rich style of a level by its rank (above Error: white on red)."""
    return _LEVEL_STYLES.get(rank, _SEVERE_STYLE)


def is_terminal(stream: IO[str]) -> bool:
    """True when the stream is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color_wanted(mode: str, stream: IO[str]) -> bool:
    """Whether to colour ``stream``: ``mode`` is ``always``, ``never`` or ``auto``."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def make_console(*, color: bool, stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A Rich console that never interprets text: no markup, emoji codes or highlighting.

    Colours are the 16 standard ones (they look right on every theme and survive any
    terminal); ``color=False`` gives none at all.
    """
    from rich.console import Console

    class _Console(Console):
        # Rich's default ends the program with status 1 on a closed pipe; let the runtime
        # treat it like every other closed pipe (quietly, status 0).
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console(
        file=file,
        stderr=stderr,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
    )

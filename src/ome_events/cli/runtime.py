"""What every command does the same way: messages on stderr, the library's log, and the end
of a run (Ctrl-C, SIGTERM, a closed pipe, a full disk).

:func:`guarded` runs a command's body: Ctrl-C and SIGTERM end it without a traceback, and a
closed pipe (``ome-events tail -n all | head``) ends it quietly with status 0. An output that
cannot be written (:func:`is_output_error`: a full disk or quota) ends it with a message
naming the output (:func:`output_failed`), status 1.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ome_events.text import escape_controls

__all__ = [
    "Terminated",
    "guarded",
    "is_output_error",
    "output_failed",
    "setup_logging",
    "silence_stdout",
    "uninterrupted",
    "warn",
    "whole_writes",
]


def warn(message: str) -> None:
    """A message for the user, on stderr, prefixed with the program name.

    Messages can quote the log (file names, excerpts): control characters are escaped.
    """
    print(f"ome-events: {escape_controls(message)}", file=sys.stderr)


#: What only writing gives: the disk or the quota is full, or the file grew past its limit.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_output_error(error: OSError) -> bool:
    """Whether ``error`` came from writing the output rather than reading the log.

    Reading a log file never raises out of a command (the reader reports the file and goes
    on), and no read gives these reasons; an error naming a file is that file's.
    """
    return error.filename is None and error.errno in _OUTPUT_ERRNOS


def output_failed(error: OSError, target: str | None = None) -> int:
    """Say that the output (``target``, a file, or standard output) could not be written;
    returns status 1. Standard output is pointed at /dev/null so that Python's final flush
    does not fail again."""
    warn(f"cannot write {target or 'standard output'}: {error.strerror or error}")
    if target is None:
        silence_stdout()
    return 1


def whole_writes() -> None:
    """Make standard output and error write every byte or fail: called once by the entry
    point.

    With ``PYTHONUNBUFFERED`` (or ``python -u``; container images often set it) Python
    writes its standard streams straight to the file, one ``write(2)`` per call, and ignores
    a short write: on a full disk the rest of a line is lost without an error, and
    ``tail -f --checkpoint`` would record as shown an event that was cut. A buffered layer
    retries a short write until everything is written or the write fails. It is flushed as
    Python's own streams are: at each line on a terminal and on standard error; elsewhere
    when the commands flush (``tail -f`` after each event, every command at its end).
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        raw = getattr(stream, "buffer", None)
        if isinstance(stream, io.TextIOWrapper) and isinstance(raw, io.RawIOBase):
            setattr(
                sys,
                name,
                io.TextIOWrapper(
                    io.BufferedWriter(raw),
                    encoding=stream.encoding,
                    errors=stream.errors,
                    line_buffering=name == "stderr" or raw.isatty(),
                ),
            )


class _Handler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            warn(self.format(record))
        except Exception:  # a closed stderr must not end the command
            self.handleError(record)


def setup_logging() -> None:
    """Send the library's warnings (bad lines, deleted files) to stderr, once."""
    logger = logging.getLogger("ome_events")
    if not any(isinstance(h, _Handler) for h in logger.handlers):
        logger.addHandler(_Handler())
        logger.setLevel(logging.WARNING)
        logger.propagate = False


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is (like Ctrl-C's KeyboardInterrupt), so that
    ``with`` blocks close what they opened: a follower saves its checkpoint."""


class _Interruptions:
    """Ctrl-C and SIGTERM, held back while an event is being shown (see :func:`uninterrupted`)."""

    held = 0
    pending: int | None = None


def _interruption(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_signal(signum: int, frame: Any) -> None:
    if _Interruptions.held and _Interruptions.pending is None:
        _Interruptions.pending = signum  # the event being shown is finished first
        return
    raise _interruption(signum)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """While inside, a first Ctrl-C or SIGTERM waits for the block to end (a second one
    stops at once): an event is shown whole and its checkpoint position kept, or neither."""
    _Interruptions.held += 1
    try:
        yield
    except BaseException:
        _Interruptions.held -= 1
        raise
    _Interruptions.held -= 1
    if not _Interruptions.held and _Interruptions.pending is not None:
        signum, _Interruptions.pending = _Interruptions.pending, None
        raise _interruption(signum)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM and Ctrl-C raise (:class:`Terminated`, KeyboardInterrupt) in
    the main thread, unless held back by :func:`uninterrupted`."""
    try:
        previous = {
            signum: signal.signal(signum, _on_signal) for signum in (signal.SIGTERM, signal.SIGINT)
        }
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def guarded(body: Callable[[], int], *, interrupted_status: int | None = None) -> int:
    """Run a command's body with the CLI's behaviour on interruptions; returns the status.

    * Ctrl-C and SIGTERM end the command without a traceback. The status is
      ``interrupted_status`` when given (0 for ``tail -f``, where stopping is the normal
      end), else 130 for Ctrl-C and 143 for SIGTERM, as a shell reports a killed command.
    * A closed pipe ends it quietly with status 0: the reader has what it wanted. Standard
      output is pointed at /dev/null so that Python's final flush does not complain either.
    """
    try:
        with sigterm_raises():
            return body()
    except BrokenPipeError:
        silence_stdout()
        return 0
    except Terminated:
        _quiet_flush()
        return 143 if interrupted_status is None else interrupted_status
    except KeyboardInterrupt:
        _quiet_flush()
        return 130 if interrupted_status is None else interrupted_status


def _quiet_flush() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except (OSError, ValueError):
        pass


def silence_stdout() -> None:
    """Point standard output at /dev/null (its reader went away)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass

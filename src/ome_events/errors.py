"""Exceptions raised by ome_events.

The tree::

    OmeEventsError                  base of everything raised on purpose here
    ├── ParseError(ValueError)      a line (or a compressed file) could not be read as an event:
    │                               carries file, line number, byte offset, an excerpt and
    │                               what was expected
    ├── LogFileError(OSError)       a log file could not be read at all (permissions, a looping
    │                               symlink, an I/O error): carries the path and the reason
    └── CheckpointError(OSError)    a follower's checkpoint could not be used
        └── CheckpointLocked        another follower holds it: carries the holder's process ID

A ``ParseError`` also subclasses :class:`ValueError`, so code that already catches
``ValueError`` around parsing keeps working. It never means that anything after the bad
line is lost: every reader in this package continues with the next line.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "MAX_BAD_SHARE",
    "CheckpointError",
    "CheckpointLocked",
    "LogFileError",
    "OmeEventsError",
    "ParseError",
    "line_too_long",
    "passed_over",
]

#: Bad lines above this share of the lines read make a read untrustworthy (a report built on
#: it is not an all-clear: ``Report.input_problem``, ``analyze --max-bad-lines``).
MAX_BAD_SHARE = 0.01


class OmeEventsError(Exception):
    """Base class of the exceptions raised by ome_events."""


class ParseError(OmeEventsError, ValueError):
    """A line is not a valid OME event.

    Attributes:
        reason: what was wrong, e.g. ``"not valid JSON: unexpected character"``.
        expected: what a valid line has at that place, e.g. ``"a JSON object"``.
        file: the file the line came from, or ``None`` for in-memory input.
        line: the 1-based line number, or ``None`` when not known.
        offset: the byte offset of the start of the line in its file, or ``None``.
        excerpt: the first characters of the line, with control characters escaped.
        path: where in the JSON object the problem is (``$.snapshot.tracks[1]``), if known.
    """

    reason: str
    expected: str
    file: str | None
    line: int | None
    offset: int | None
    excerpt: str
    path: str | None

    def __init__(
        self,
        reason: str,
        *,
        expected: str = "one JSON object per line",
        file: str | None = None,
        line: int | None = None,
        offset: int | None = None,
        excerpt: str = "",
        path: str | None = None,
    ) -> None:
        self.reason = reason
        self.expected = expected
        self.file = file
        self.line = line
        self.offset = offset
        self.excerpt = excerpt
        self.path = path
        super().__init__(self._message())

    def located(self, *, file: str | None, line: int | None, offset: int | None) -> ParseError:
        """Return a copy of this error that says where the line was read from."""
        return ParseError(
            self.reason,
            expected=self.expected,
            file=file if file is not None else self.file,
            line=line if line is not None else self.line,
            offset=offset if offset is not None else self.offset,
            excerpt=self.excerpt,
            path=self.path,
        )

    def _message(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        text = f"{', '.join(where)}: " if where else ""
        text += self.reason
        if self.path:
            text += f" at {self.path}"
        text += f" (expected {self.expected})"
        if self.excerpt:
            text += f": {self.excerpt}"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments are not restored by the default pickling of exceptions.
        return (_rebuild_parse_error, (self.reason, self.__dict__.copy()))


def _rebuild_parse_error(reason: str, state: dict[str, object]) -> ParseError:
    error = ParseError(reason)
    error.__dict__.update(state)
    error.args = (error._message(),)
    return error


class LogFileError(OmeEventsError, OSError):
    """A file of the log could not be read: ``path`` and ``reason`` say which and why.

    Readers report it and go on with the other files; the follower retries the file.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot be read: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.reason))


class CheckpointError(OmeEventsError, OSError):
    """A checkpoint file could not be used: ``path`` and ``reason`` say which and why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"checkpoint {path}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.reason))


class CheckpointLocked(CheckpointError):
    """Another follower uses the checkpoint (one follower per checkpoint): ``pid`` is the
    holder's process ID when known."""

    def __init__(self, path: str, pid: int | None) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(path, f"in use by {holder} (one follower per checkpoint)")
        self.pid = pid

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.pid))


def line_too_long(
    size: int, limit: int, *, file: str | None, line: int | None, offset: int
) -> ParseError:
    """The error of a line of ``size`` bytes (newline excluded) over ``limit``: the same
    whether it streamed in (never held whole) or arrived at once, so without an excerpt."""
    return ParseError(
        f"line of {size} bytes is longer than the limit, skipped",
        expected=f"lines of at most {limit} bytes",
        file=file,
        line=line,
        offset=offset,
    )


def passed_over(
    error: ParseError,
    policy: str,
    errors: list[ParseError],
    max_errors: int,
    on_error: Callable[[ParseError], object] | None,
) -> None:
    """A bad line a decoder reads past (``errors="skip"`` or ``"collect"``): kept in
    ``errors`` (the newest ``max_errors``) when collecting, and told to ``on_error``."""
    if policy == "collect":
        errors.append(error)
        if len(errors) > max_errors:
            del errors[0]
    if on_error is not None:
        on_error(error)

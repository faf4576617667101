"""``ome-events export``: the filtered events as CSV (for spreadsheets), JSON Lines, or a
Parquet dataset (for DuckDB, Spark, Polars)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import os
import sys
from typing import Any

from ome_events.cli.history import History, with_history
from ome_events.cli.options import (
    add_filter_options,
    add_path_argument,
    command_filter,
    display_zone,
)
from ome_events.cli.progress import add_progress_option, with_progress
from ome_events.cli.runtime import guarded, warn

EXAMPLES = """\
examples:
  ome-events export /var/log/ovenmediaengine > events.csv
  ome-events export --since yesterday --until today --category stream -o yesterday.csv
  ome-events export --level warning --redact-ip -o warnings.csv     IPs masked (personal data)
  ome-events export --app app --stream cam1 --format jsonl > cam1.log
  ome-events export --limit 1000 -o latest.jsonl                    the newest 1000 events
  ome-events export /logs/edge1 /logs/edge2 --format parquet -o lake/ --existing append
                                              hourly from cron: re-runs add nothing twice
"""


#: The command's line in ``ome-events --help``.
SUMMARY = "write the filtered events as CSV, JSON Lines or Parquet"
#: What ``ome-events export --help`` says first.
DESCRIPTION = (
    "Write the events of an OME event log that pass the filters, oldest first:\n"
    "as CSV (one row per event, under a header; formula-like cells neutralised), or\n"
    "as JSON Lines (each event's original object: the output is itself an events.log),\n"
    "or as Parquet: a directory partitioned date=YYYY-MM-DD/[hour=H/][server=NAME/] (needs the\n"
    "jupyter extra: pip install 'ome-events[jupyter]'; schema in docs/jupyter.md)."
)


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    add_path_argument(parser)
    output = parser.add_argument_group("output")
    output.add_argument(
        "--format",
        choices=("csv", "jsonl", "parquet"),
        help="csv, jsonl or parquet (default: from the -o file name, else csv)",
    )
    output.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output (parquet: the dataset's directory)",
    )
    output.add_argument(
        "--partition-by-server",
        action="store_true",
        help="parquet: add a server=NAME/ level under each date=YYYY-MM-DD/",
    )
    output.add_argument(
        "--hourly",
        action="store_true",
        help="parquet: add an hour=H/ level (UTC, 0-23) under each date, for busy fleets",
    )
    output.add_argument(
        "--server",
        metavar="NAME",
        help="parquet: the server name of every row (default: the log directory's name)",
    )
    output.add_argument(
        "--existing",
        choices=("error", "replace", "append"),
        default="error",
        help=(
            "parquet, when the directory holds files: refuse (error, the default); append: add"
            " the rows not there yet (a re-run adds nothing); replace: replace the exported"
            " servers' rows of the dates (and --since/--until window) written, keep the rest"
        ),
    )
    output.add_argument(
        "--redact-ip",
        action="store_true",
        help=(
            "replace IPv4 and IPv6 addresses (summaries, sources, snapshots) with pseudonyms:"
            " the same address gets the same pseudonym within one export, and cannot be"
            " recovered from it"
        ),
    )
    add_progress_option(output)
    add_filter_options(parser)


def run(args: argparse.Namespace) -> int:
    """Export the events; returns the exit status."""
    parser: argparse.ArgumentParser = args._parser
    event_filter = command_filter(args)
    fmt = args.format
    if fmt is None:
        fmt = _format_of(args.output, parser)
    if fmt == "parquet":
        if not args.output:
            parser.error("--format parquet needs -o DIR (a dataset is a directory)")
        narrowed = not dataclasses.replace(event_filter, since=None, until=None).matches_all
        if args.existing == "replace" and (narrowed or args.limit is not None or args.offset):
            parser.error(
                "--existing replace replaces every row of the exported servers in the time"
                " window: with filters other than --since/--until (or --limit) it would drop"
                " the rows they leave out; use --existing append"
            )
        return guarded(lambda: with_history(args, event_filter, lambda h: _parquet(args, h)))
    if args.partition_by_server or args.server or args.hourly:
        parser.error("--partition-by-server, --hourly and --server apply to --format parquet only")

    def export(history: History) -> int:
        from ome_events.export import IpRedactor, write_csv, write_jsonl

        redactor = IpRedactor() if args.redact_ip else None
        events = with_progress(args, history, history.last(args.limit, args.offset))
        if fmt == "csv":
            with _open_text(args.output) as out:
                count = write_csv(events, out, tz=display_zone(args), redactor=redactor)
        else:
            with _open_binary(args.output) as binary:
                count = write_jsonl(events, binary, redactor=redactor, servers=history.several)
        status = history.finish()
        if args.output:
            warn(f"wrote {count} event{'' if count == 1 else 's'} to {args.output}")
        return status

    return guarded(lambda: with_history(args, event_filter, export))


#: The formats told by an output name's suffix (``.gz`` aside).
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl", ".log": "jsonl",
            ".parquet": "parquet"}  # fmt: skip


def _format_of(output: str | None, parser: argparse.ArgumentParser) -> str:
    """The format an output name asks for: by its suffix, CSV without one; a suffix that
    names another format (``.xlsx``) is a usage error rather than CSV under that name."""
    if not output:
        return "csv"
    suffix = os.path.splitext(output.removesuffix(".gz").rstrip("/"))[1].lower()
    if not suffix:
        return "csv"
    if suffix not in SUFFIXES:
        parser.error(
            f"-o {output}: cannot write {suffix} files; give a name ending in .csv, .jsonl or"
            " .parquet (or .gz after the first two), or say --format csv|jsonl|parquet"
        )
    return SUFFIXES[suffix]


def _parquet(args: argparse.Namespace, history: History) -> int:
    try:
        from ome_events.export.parquet import write_parquet
    except ImportError as error:
        warn(f"--format parquet needs pyarrow: pip install 'ome-events[jupyter]' ({error})")
        return 1
    try:
        count = write_parquet(
            with_progress(args, history, history.last(args.limit, args.offset)),
            args.output,
            partition_by_server=args.partition_by_server,
            hourly=args.hourly,
            server=args.server,
            redact_ip=args.redact_ip,
            existing=args.existing,
            since=history.filter.since,  # already applied; for replace, the window replaced
            until=history.filter.until,
        )
    except (OSError, ValueError) as error:
        warn(f"{args.output}: {error}")
        return 1
    status = history.finish()
    new = " new" if args.existing == "append" else ""
    warn(f"wrote {count}{new} event{'' if count == 1 else 's'} to {args.output}")
    return status


class _Borrowed(io.TextIOWrapper):
    """A text layer over standard output's bytes that leaves standard output open."""

    def close(self) -> None:
        try:
            if self.closed:
                return
        except ValueError:  # already detached
            return
        self.flush()
        self.detach()


class _BorrowedBinary:
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __enter__(self) -> Any:
        return self._stream

    def __exit__(self, *exc: object) -> None:
        self._stream.flush()


def _open_text(path: str | None) -> Any:
    # CSV wants its own "\r\n" line ends untouched: newline="" on both file and stdout.
    if path:
        return _AtomicFile(path, text=True)
    return _Borrowed(sys.stdout.buffer, encoding="utf-8", newline="")


def _open_binary(path: str | None) -> Any:
    if path:
        return _AtomicFile(path, text=False)
    return _BorrowedBinary(sys.stdout.buffer)


class _AtomicFile:
    """An output file written under a temporary name and renamed over ``path`` when complete
    (a crash or Ctrl-C leaves the old file, or none); gzip-compressed when ``path`` ends in
    ``.gz``.

    Only a regular file (or a new one) is replaced: ``-o /dev/null``, a named pipe or a
    terminal is written to in place (renaming over it would put a plain file where the
    device was), and a symbolic link keeps pointing where it did (its target is replaced).
    """

    def __init__(self, path: str, *, text: bool) -> None:
        import stat
        import tempfile

        self.path = path
        self.temporary: str | None = None
        self.mode = 0o644 & ~_umask()
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None
        raw: Any
        if info is not None and not stat.S_ISREG(info.st_mode):
            raw = open(path, "wb")  # noqa: SIM115 - closed in __exit__
        else:
            if info is not None:
                self.path = os.path.realpath(path)
                self.mode = stat.S_IMODE(info.st_mode)
            folder = os.path.dirname(os.path.abspath(self.path))
            try:
                fd, self.temporary = tempfile.mkstemp(prefix=".ome-events-", dir=folder)
            except OSError as error:  # name the file asked for, not the temporary one
                raise OSError(error.errno, error.strerror, path) from None
            raw = os.fdopen(fd, "wb")
        self._raw = raw
        if path.endswith(".gz"):
            import gzip

            raw = gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0)
        self._binary = raw
        self.stream: Any = io.TextIOWrapper(raw, encoding="utf-8", newline="") if text else raw

    def __enter__(self) -> Any:
        return self.stream

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            self.stream.close()  # text layer, gzip member and file, in that order
            if self._binary is not self._raw:
                self._raw.close()
        finally:
            if self.temporary is None:
                pass  # written in place
            elif exc_type is None:
                os.chmod(self.temporary, self.mode)
                os.replace(self.temporary, self.path)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(self.temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

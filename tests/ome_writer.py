"""A writer process that writes events.log the way OvenMediaEngine does.

    python tests/ome_writer.py DIR COUNT [--rotate-every N] [--pause S] [--long-every N]

O_APPEND, one write() per line shorter than 1024 bytes, content then "\\n" for longer lines,
and the daily roll: rename events.log to events.log.YYYYMMDD, then (lazily, at the next
write) a new events.log. Prints nothing; exits when done.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.helpers.follow import make_line


def rotated_name(directory: Path, day: date) -> Path:
    """events.log.YYYYMMDD, or .N after it on a clash, as the newer OME sink names them."""
    target = directory / f"events.log.{day:%Y%m%d}"
    clash = 0
    while target.exists() or target.with_name(target.name + ".gz").exists():
        target = directory / f"events.log.{day:%Y%m%d}.{clash}"
        clash += 1
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--rotate-every", type=int, default=0)
    parser.add_argument("--long-every", type=int, default=7)
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    base = args.directory / "events.log"
    day = date(2025, 3, 26)
    fd = -1
    for number in range(args.start, args.start + args.count):
        if args.rotate_every and number > args.start and number % args.rotate_every == 0:
            os.close(fd)
            fd = -1
            os.rename(base, rotated_name(args.directory, day))
            day += timedelta(days=1)
        if fd < 0:
            fd = os.open(base, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        line = make_line(number, long=args.long_every > 0 and number % args.long_every == 0)
        if len(line) >= 1024:
            os.write(fd, line[:-1])
            os.write(fd, b"\n")
        else:
            os.write(fd, line)
        if args.pause:
            time.sleep(args.pause)
    if fd >= 0:
        os.close(fd)


if __name__ == "__main__":
    main()

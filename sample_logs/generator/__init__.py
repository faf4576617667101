"""Regenerate the sample OvenMediaEngine Enterprise event logs kept next to this script.

Usage::

    python sample_logs/generate.py [--out DIR]            # every sample file (default: this folder)
    python sample_logs/generate.py --corpus N --out FILE  # N lines of a busy server, for benchmarks
    python sample_logs/generate.py --busy N --out FILE    # a busy day of about N lines (coherent)

Only the standard library is used. Every random choice comes from a fixed ``random.Random(seed)``
and every time from a fixed start, never from the wall clock, so two runs write byte-identical
files (the ``.gz`` is written with ``mtime=0`` and no file name in its header).

The lines imitate OME: one compact JSON object per line, top-level keys in the order ``time,
level, category, type, sourceId, summary[, cause][, snapshot]``; snapshots come from jsoncpp in
OME, so their keys are sorted at every level and non-ASCII is ``\\uXXXX``-escaped. Times are
printed with ``localtime`` like ``ov::Converter::ToISO8601String``, so a server that logs in
+09:00 prints an unset time (the epoch) as ``1970-01-01T09:00:00.000+09:00``.

README.md next to this script lists what each file holds and every planted problem.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path

from generator.bad_lines import build_bad_lines
from generator.busy import busy_day_lines
from generator.corpus import corpus_lines
from generator.kst import build_kst
from generator.ome import local_date
from generator.oss import build_oss
from generator.server import Server
from generator.serverlog import build_plain, server_log_lines
from generator.utc import build_utc

__all__ = ["busy_day_lines", "corpus_lines", "generate", "main", "server_log_lines"]

# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_gzip(path: Path, data: bytes) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    path.write_bytes(buf.getvalue())


def split_by_day(s: Server, lines: list[tuple[int, bytes]]) -> dict[str, bytes]:
    days: dict[str, list[bytes]] = {}
    for ms, line in lines:
        days.setdefault(local_date(ms, s.tz), []).append(line)
    return {day: b"".join(chunk) for day, chunk in days.items()}


def generate(out: Path) -> list[Path]:
    written: list[Path] = []

    def put(path: Path, data: bytes, gz: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if gz:
            write_gzip(path, data)
        else:
            path.write_bytes(data)
        written.append(path)

    utc = build_utc()
    days = split_by_day(utc, utc.lines(utc.finish(step_backs=2)))
    assert sorted(days) == ["20250325", "20250326", "20250327"], sorted(days)
    # Newer sink: the rolled file carries the date of its last line.
    put(out / "server-utc" / "events.log.20250325.gz", days["20250325"], gz=True)
    put(out / "server-utc" / "events.log.20250326", days["20250326"])
    put(out / "server-utc" / "events.log", days["20250327"])

    kst = build_kst()
    days = split_by_day(kst, kst.lines(kst.finish(step_backs=2)))
    assert sorted(days) == ["20250326", "20250327", "20250328"], sorted(days)
    # Older logger: the rolled file carries the NEW day's date; after the restart on the 27th
    # the base file was never rolled again, so it holds the 27th and the 28th.
    put(out / "server-kst" / "events.log.20250327", days["20250326"])
    put(out / "server-kst" / "events.log", days["20250327"] + days["20250328"])

    # The open-source Analytics log: dated files only, no base file.
    for name, data in build_oss().items():
        put(out / "server-oss" / name, data)

    # The open-source OME's plain server log, alone in its directory.
    for name, data in build_plain().items():
        put(out / "server-plain" / name, data)

    data, expected = build_bad_lines()
    put(out / "bad-lines" / "events.log", data)
    put(out / "bad-lines" / "expected.json", (json.dumps(expected, indent=2) + "\n").encode())
    return written


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent  # sample_logs/
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: this script's folder); with --corpus, a file",
    )
    ap.add_argument(
        "--corpus",
        type=int,
        metavar="N",
        default=None,
        help="write N benchmark lines to --out instead of the sample files",
    )
    ap.add_argument(
        "--busy",
        type=int,
        metavar="N",
        default=None,
        help="write a busy day of about N lines to --out (coherent stream lives, chronic trouble)",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed for --corpus/--busy (default 0)")
    args = ap.parse_args(argv)
    if args.busy is not None:
        if args.out is None:
            ap.error("--busy needs --out FILE")
        with open(args.out, "wb") as f:
            f.writelines(busy_day_lines(args.busy, args.seed))
        print(f"wrote a busy day of about {args.busy} lines to {args.out}", file=sys.stderr)
        return 0
    if args.corpus is not None:
        if args.out is None:
            ap.error("--corpus needs --out FILE")
        with open(args.out, "wb") as f:
            f.writelines(corpus_lines(args.corpus, args.seed))
        print(f"wrote {args.corpus} lines to {args.out}", file=sys.stderr)
        return 0
    for path in generate(args.out or here):
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

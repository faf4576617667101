"""Reading the plain server log (ovenmediaengine.log) beside events.log and GNU tools.

    python bench/serverlog.py [--records 1000000] [--repeat 3]

One run, the same machine, the best of ``--repeat`` for each case:

* ``read_events`` over a generated server log of ``--records`` records (a busy server: 200
  streams' statistics lines every 10 s, HTTP dumps over several lines, errors), as typed
  events; the same with ``--level warning`` and with ``--tag`` (records passed over before
  their events are built), with ``--stream`` (records whose message does not name the stream
  passed over before they are typed), and ``tail -n 10`` through the command line;
* ``read_events`` over an events.log of about the same size in bytes (bench/_corpus.py);
* all warnings and worse through the whole command, beside lnav (SQL over our format, in a
  HOME of its own; skipped with a message when lnav is not installed: ``bench/peers.py``
  installs it) and GNU ``grep -cE`` looking for the same first lines;
* the references: GNU ``grep -c`` (counts the records' first lines) and ``wc -l`` over the
  server log, GNU ``tail -n 10``.

Figures per MB and per record; the server log's records are short (about 240 bytes, an
events.log line about 540), so per MB it is the harder of the two.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "sample_logs"))

from generator.serverlog import server_log_lines  # noqa: E402

import ome_events  # noqa: E402
from _corpus import corpus_file  # noqa: E402
from ome_events.filters import EventFilter  # noqa: E402
from ome_events.formats.serverlog import set_server_zone  # noqa: E402
from ome_events.model import Level  # noqa: E402
from peers import ensure_tools, lnav_home  # noqa: E402

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")
LNAV_SERVER_FORMAT = ROOT / "src" / "ome_events" / "lnav" / "ome_server_log.json"


def server_log_file(records: int) -> Path:
    """A generated server log of ``records`` records (made once, then reused)."""
    folder = Path(os.environ.get("OME_BENCH_DIR", tempfile.gettempdir())) / "ome-events-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"serverlog-{records}" / "ovenmediaengine.log"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        partial = path.with_suffix(".part")
        with open(partial, "wb") as out:
            out.writelines(server_log_lines(records))
        partial.replace(path)
    return path


def count_events(path: Path, where: EventFilter | None = None) -> int:
    return sum(1 for _ in ome_events.read_events(path, where=where))


def run(command: list[str]) -> int:
    result = subprocess.run(command, capture_output=True, check=False)
    return len(result.stdout.splitlines())


def timed(func: Callable[[], int], repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        count = func()
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    set_server_zone("UTC")

    plain = server_log_file(args.records)
    size = plain.stat().st_size
    # An events.log of about the same size in bytes.
    json_lines = max(1000, int(args.records * size / (args.records * 537)))
    events_log = corpus_file(json_lines)
    warnings = EventFilter(min_level=Level.WARNING)
    http = EventFilter(tags=("HTTP.Server",))
    one_stream = EventFilter(streams=("stream42",))

    rows: list[tuple[str, float, int, int]] = []

    def add(name: str, func: Callable[[], int], nbytes: int) -> None:
        seconds, count = timed(func, args.repeat)
        rows.append((name, seconds, count, nbytes))

    add("server log: read_events, typed", lambda: count_events(plain), size)
    add("server log: read_events --level warning", lambda: count_events(plain, warnings), size)
    add("server log: read_events --tag HTTP.Server", lambda: count_events(plain, http), size)
    add("server log: read_events --stream stream42", lambda: count_events(plain, one_stream),
        size)  # fmt: skip
    add("events.log (same MB): read_events, typed", lambda: count_events(events_log),
        events_log.stat().st_size)  # fmt: skip
    add("events.log (same MB): --level warning", lambda: count_events(events_log, warnings),
        events_log.stat().st_size)  # fmt: skip
    env_tz = {**os.environ, "TZ": "UTC"}
    os.environ.update(env_tz)
    add("server log: ome-events tail -n 10", lambda: run([OME_EVENTS, "tail", "-n", "10",
                                                          str(plain)]), size)  # fmt: skip
    # All warnings and worse, each tool printing them: ome-events' records as JSON lines,
    # lnav's (with our format) as raw text, grep's first lines only (no continuation lines).
    add("server log: ome-events tail -n all --level warning --json",
        lambda: run([OME_EVENTS, "tail", "-n", "all", "--level", "warning", "--json",
                     str(plain)]), size)  # fmt: skip
    lnav = lnav_home(LNAV_SERVER_FORMAT) if "lnav" not in ensure_tools(install=False) else None
    if lnav is None:
        print("lnav not installed (apt-get install lnav; bench/peers.py installs it): skipped")
    else:
        lnav_env = {**os.environ, "HOME": str(lnav), "TZ": "UTC"}
        query = ";SELECT log_raw_text FROM ome_server_log WHERE log_level >= 'warning'"

        def lnav_warnings() -> int:
            done = subprocess.run(["lnav", "-n", "-c", query, str(plain)], env=lnav_env,
                                  capture_output=True, check=False)  # fmt: skip
            return done.stdout.count(b"\n") - 1  # the column name

        add("lnav (SQL): the same warnings (reference)", lnav_warnings, size)
    add("GNU grep -cE: first lines of W, E, C records (reference)",
        lambda: int(subprocess.run(["grep", "-cE", r"^\[[^]]*\] [WEC] ", str(plain)],
                                   capture_output=True, check=False).stdout), size)  # fmt: skip
    for tool, command in (
        ("GNU grep -c '^\\[' (reference)", ["grep", "-c", "^\\[", str(plain)]),
        ("GNU wc -l (reference)", ["wc", "-l", str(plain)]),
        ("GNU tail -n 10 (reference)", ["tail", "-n", "10", str(plain)]),
    ):
        if shutil.which(command[0]) is None:
            print(f"{command[0]} not found: skipped")
            continue
        add(tool, lambda command=command: run(command), size)  # type: ignore[misc]

    print(f"server log: {args.records:,} records, {size / 1e6:.1f} MB;"
          f" events.log: {json_lines:,} lines, {events_log.stat().st_size / 1e6:.1f} MB;"
          f" Python {sys.version.split()[0]}")  # fmt: skip
    print(f"{'case':<58} {'seconds':>8} {'MB/s':>8} {'records/s':>11} {'answers':>9}")
    for name, seconds, count, nbytes in rows:
        per_record = f"{count / seconds:>11,.0f}" if "read_events" in name else f"{'':>11}"
        print(f"{name:<58} {seconds:>8.3f} {nbytes / seconds / 1e6:>8.1f} {per_record}"
              f" {count:>9,}")  # fmt: skip


if __name__ == "__main__":
    main()

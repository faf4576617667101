"""The Parquet lake: export, a re-run with ``--existing append`` (adds nothing), ``replace``,
and ``--hourly``, beside exporting the same log as JSON Lines (the reference: reading and
writing without Parquet) in the same run.

    python bench/lake.py [--lines 1000000] [--repeat 1]

Each is the real command as a subprocess; seconds (wall clock) and peak memory (the child's
maximum resident set size) are printed side by side.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus_file

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak memory (MB) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([OME_EVENTS, *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of the children is the largest so far: a smaller run shows the earlier peak.
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    options = parser.parse_args()
    log = corpus_file(options.lines)
    work = Path(tempfile.mkdtemp(prefix="ome-events-lake-"))
    server = work / "edge1"
    server.mkdir()
    (server / "events.log").symlink_to(log)
    lake = work / "lake"
    hourly = work / "hourly"
    steps = [
        ("reference: export --format jsonl", ["export", str(server), "--format", "jsonl",
                                               "-o", str(work / "out.jsonl")]),
        ("export --format parquet (new lake)", ["export", str(server), "--format", "parquet",
                                                "-o", str(lake)]),
        ("the same again, --existing append", ["export", str(server), "--format", "parquet",
                                               "-o", str(lake), "--existing", "append"]),
        ("--existing replace", ["export", str(server), "--format", "parquet", "-o", str(lake),
                                "--existing", "replace"]),
        ("--hourly (new lake)", ["export", str(server), "--format", "parquet", "-o",
                                 str(hourly), "--hourly"]),
    ]  # fmt: skip
    print(f"{options.lines:,} lines ({os.path.getsize(log) / 1e6:.0f} MB)")
    print(f"{'':40} {'seconds':>8} {'peak MB':>8}")
    for name, args in steps:
        # A fresh measurement of peak memory needs a fresh parent: run each in its own.
        here = str(Path(__file__).resolve().parent)
        code = f"import sys; sys.path.insert(0, {here!r}); import lake; print(*lake.run({args!r}))"
        output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split()  # fmt: skip
        print(f"{name:40} {float(output[0]):8.1f} {float(output[1]):8.0f}")
    size = sum(p.stat().st_size for p in lake.rglob("*.parquet")) / 1e6
    print(f"lake: {size:.0f} MB of Parquet")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

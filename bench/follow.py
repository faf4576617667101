"""Follower latency (write to event, p50/p99) and idle CPU, beside GNU tail -F in the same run.

    python bench/follow.py [--lines 300] [--interval 0.01] [--idle 10]

A writer process appends OME-like lines (each carrying its write time) at a steady pace and
rolls the file by rename every 100 lines. Each consumer records when it receives each line:
our follower with inotify, our follower polling (default 0.25 s interval), and GNU
`tail -F -n0` as the reference. Idle CPU is the CPU time a follower process uses while
nothing is written for --idle seconds, read from /proc.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import ome_events

WRITER = """
import os, sys, time, json
directory, count, interval = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
base = os.path.join(directory, "events.log")
fd = os.open(base, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
time.sleep(1.0)  # let the consumers settle
for n in range(count):
    if n and n % 100 == 0:
        os.close(fd)
        os.rename(base, os.path.join(directory, "events.log.202503%02d" % (n // 100)))
        fd = os.open(base, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    line = json.dumps({"time": "2025-03-26T00:00:00.000+00:00", "level": "Info",
        "category": "StreamEvent", "type": "StreamCreated", "sourceId": "#default#app/s",
        "summary": "%d %.6f" % (n, time.time())}, separators=(",", ":")) + "\\n"
    os.write(fd, line.encode())
    time.sleep(interval)
os.close(fd)
"""


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def run_writer(directory: Path, lines: int, interval: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory), str(lines), str(interval)]
    )


def measure_ours(poll: bool, lines: int, interval: float) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "events.log").touch()
        latencies = []
        with ome_events.follow(directory, poll=poll) as follower:
            writer = run_writer(directory, lines, interval)
            for event in follower:
                now = time.time()
                number, sent = event.summary.split()
                latencies.append(now - float(sent))
                if int(number) == lines - 1:
                    break
            writer.wait()
        return latencies, lines


def measure_tail(lines: int, interval: float) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "events.log").touch()
        tail = subprocess.Popen(
            ["tail", "-F", "-n0", "-s", "0.01", str(directory / "events.log")],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        latencies: list[float] = []
        received = 0

        def read() -> None:
            nonlocal received
            assert tail.stdout is not None
            for raw in tail.stdout:
                now = time.time()
                summary = raw.decode().rsplit('"summary":"', 1)[-1].split('"')[0]
                number, sent = summary.split()
                latencies.append(now - float(sent))
                received += 1
                if int(number) == lines - 1:
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        time.sleep(0.3)
        run_writer(directory, lines, interval).wait()
        reader.join(timeout=5)
        tail.kill()
        tail.wait()
        return latencies, received


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(command: list[str], seconds: float) -> float:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # start-up is not idle time
    start = cpu_seconds(process.pid)
    time.sleep(seconds)
    used = cpu_seconds(process.pid) - start
    process.kill()
    process.wait()
    return used / seconds * 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--interval", type=float, default=0.01)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()

    every = args.interval * 1000
    print(f"latency from write() to event: {args.lines} lines, one every {every:.0f} ms,")
    print("renamed every 100 lines (ms)")
    print(f"{'consumer':<32} {'p50':>8} {'p99':>8} {'max':>8} {'received':>10}")
    cases: list[tuple[str, Callable[[], tuple[list[float], int]]]] = [
        ("ome_events.follow (inotify)", lambda: measure_ours(False, args.lines, args.interval)),
        ("ome_events.follow (poll=True)", lambda: measure_ours(True, args.lines, args.interval)),
    ]
    if shutil.which("tail"):
        cases.append(
            ("GNU tail -F -s 0.01 (reference)", lambda: measure_tail(args.lines, args.interval))
        )
    for name, run in cases:
        latencies, received = run()
        p50, p99, worst = percentiles(latencies) if latencies else (float("nan"),) * 3
        figures = f"{p50 * 1000:>8.2f} {p99 * 1000:>8.2f} {worst * 1000:>8.2f}"
        print(f"{name:<32} {figures} {received:>6}/{args.lines}")

    print()
    print(f"idle CPU over {args.idle:.0f} s (% of one core)")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "events.log").touch()
        follower = (
            "import sys, ome_events\n"
            "for _ in ome_events.follow(sys.argv[1], poll=sys.argv[2] == 'poll'): pass\n"
        )
        idle = [
            ("ome_events.follow (inotify)", [sys.executable, "-c", follower, folder, "inotify"]),
            ("ome_events.follow (poll=True)", [sys.executable, "-c", follower, folder, "poll"]),
        ]
        if shutil.which("tail"):
            idle.append(
                ("GNU tail -F (reference)", ["tail", "-F", str(Path(folder) / "events.log")])
            )
        for name, command in idle:
            print(f"{name:<32} {idle_cpu(command, args.idle):>7.3f}%")


if __name__ == "__main__":
    main()

"""Parsing throughput: read_events (typed, time parsed) beside bare orjson.loads.

    python bench/parse.py [--lines 200000] [--repeat 5]

Both sides read the same generated file from disk and split it into lines; the reference
only calls orjson.loads on each line, ours builds typed events with their origin. The best
of ``--repeat`` runs is reported for each, measured in the same process, interleaved.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ome_events
from _corpus import corpus_file
from ome_events import LineDecoder


def bare_orjson(path: Path) -> int:
    """The reference: read, split, orjson.loads every line."""
    count = 0
    loads = orjson.loads
    with open(path, "rb") as stream:
        for line in stream.read().split(b"\n"):
            if line:
                loads(line)
                count += 1
    return count


def typed_read_events(path: Path) -> int:
    """ome_events.read_events over the file: typed events with time and origin."""
    count = 0
    for _ in ome_events.read_events(path):
        count += 1
    return count


def typed_decoder_in_memory(path: Path) -> int:
    """LineDecoder.feed over the file's bytes already in memory, in 64 KiB chunks."""
    data = path.read_bytes()
    decoder = LineDecoder()
    count = 0
    for start in range(0, len(data), 64 * 1024):
        count += len(decoder.feed(data[start : start + 64 * 1024]))
    return count


def typed_with_snapshots(path: Path) -> int:
    """read_events and every snapshot typed (the lazy part forced)."""
    count = 0
    for event in ome_events.read_events(path):
        _ = event.snapshot
        count += 1
    return count


def best_time(func: Callable[[Path], int], path: Path) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    count = func(path)
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    path = corpus_file(args.lines)
    size = path.stat().st_size
    cases: list[tuple[str, Callable[[Path], int]]] = [
        ("bare orjson.loads (reference)", bare_orjson),
        ("read_events, typed", typed_read_events),
        ("LineDecoder.feed, bytes in memory", typed_decoder_in_memory),
        ("read_events + every snapshot typed", typed_with_snapshots),
    ]
    best = {name: float("inf") for name, _ in cases}
    counts = {}
    for _ in range(args.repeat):
        for name, func in cases:
            seconds, count = best_time(func, path)
            best[name] = min(best[name], seconds)
            counts[name] = count
    reference = best[cases[0][0]]
    print(f"corpus: {args.lines:,} lines, {size / 1e6:.1f} MB, Python {sys.version.split()[0]}")
    print(f"{'case':<38} {'lines/s':>12} {'MB/s':>8} {'vs orjson':>10}")
    for name, _ in cases:
        seconds = best[name]
        print(
            f"{name:<38} {counts[name] / seconds:>12,.0f} {size / seconds / 1e6:>8.1f}"
            f" {reference / seconds:>9.2f}x"
        )


if __name__ == "__main__":
    main()

"""Analyzer throughput and memory: read_events alone beside read_events + every analyzer.

    python bench/analyze.py [--lines 1000000] [--corpus mixed|busy] [--repeat 3] [--breakdown]
                            [--by-type] [--marginal] [--no-memory]

Both sides read the same generated file (bench/_corpus.py) from disk. The reference only
iterates ``read_events``; the other also feeds every event to :class:`Analysis` and builds the
report. The best of ``--repeat`` runs is kept for each, measured in the same process,
interleaved. Peak memory is measured in a child process per side (``VmHWM``: the whole
process, interpreter included), so one side's garbage cannot inflate the other's figure.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ome_events
import ome_events.analyze
from _corpus import corpus_file
from ome_events.analyze import Analysis
from ome_events.analyze.incidents import Incident, IncidentBook


def bare_read(path: Path) -> int:
    """The reference: read_events over the file, nothing else."""
    count = 0
    for _ in ome_events.read_events(path):
        count += 1
    return count


def read_and_analyze(path: Path) -> int:
    """read_events and every analyzer, then the report."""
    analysis = Analysis()
    feed = analysis.feed
    found = []
    count = 0
    for event in ome_events.read_events(path):
        new = feed(event)
        if new:
            found += new
        count += 1
    found += analysis.finish()
    analysis.report(found)
    return count


CASES: dict[str, Callable[[Path], int]] = {
    "read_events (reference)": bare_read,
    "read_events + all analyzers": read_and_analyze,
}


def read_and_one(family: str) -> Callable[[Path], int]:
    """read_events and one detector family alone (for --breakdown)."""

    def run(path: Path) -> int:
        analyzer = getattr(ome_events.analyze, family)()
        feed = analyzer.feed
        count = 0
        for event in ome_events.read_events(path):
            feed(event)
            count += 1
        analyzer.finish()
        return count

    return run


FAMILIES = [
    "MediaAnalyzer",
    "AbnormalAnalyzer",
    "LifecycleAnalyzer",
    "OutputsAnalyzer",
    "ServerAnalyzer",
    "RestApiAnalyzer",
    "AccessAnalyzer",
]


def by_type(path: Path) -> None:
    """Where the analysis' time goes, by event type: the events are read first, then fed
    with each detector's handler timed (the timer's own cost, about 0.1 us a call, is
    included); what is left is the pipeline (reordering, the clock, dispatch, expiries)."""
    from collections import defaultdict

    events = list(ome_events.read_events(path))
    spent: dict[str, float] = defaultdict(float)
    seen: dict[str, int] = defaultdict(int)
    clock = time.perf_counter

    def timing(name: str, handler: Callable[[ome_events.Event], None]) -> Callable[..., None]:
        def run(event: ome_events.Event) -> None:
            start = clock()
            handler(event)
            spent[name] += clock() - start

        return run

    analysis = Analysis()
    feed = analysis.feed
    gc.collect()
    start = clock()
    for event in events:
        origin = event.origin
        part = analysis._of(None if origin is None else origin.server)
        if not getattr(part, "_timed", False):
            part._dispatch = {  # type: ignore[attr-defined]
                name: tuple(timing(name, h) for h in handlers)
                for name, handlers in part._dispatch.items()  # type: ignore[attr-defined]
            }
            part._timed = True  # type: ignore[attr-defined]
        seen[event.type.value] += 1
        feed(event)
    analysis.finish()
    total = clock() - start
    handled = sum(spent.values())
    print(f"analysis of {len(events):,} events read beforehand: {total:.2f} s")
    print(f"{'event type':<32} {'events':>9} {'seconds':>8} {'us/event':>9}")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"{name:<32} {seen[name]:>9,} {seconds:>8.3f} {seconds / seen[name] * 1e6:>9.1f}")
    print(f"{'pipeline and the rest':<32} {len(events):>9,} {total - handled:>8.3f}"
          f" {(total - handled) / len(events) * 1e6:>9.1f}")  # fmt: skip


def marginal(path: Path, repeat: int) -> None:
    """What each part of the analysis costs inside the whole: the events are read first, the
    collector is off, and handlers are replaced by ones that do nothing (the pipeline alone;
    then the REST detector added; then each detector of the warnings and access failures
    removed from the whole; then the incident book's merge of facts, or the whole book, made
    a no-op). Best of ``repeat`` runs each."""
    events = list(ome_events.read_events(path))
    origin = events[0].origin
    server = None if origin is None else origin.server
    clock = time.perf_counter

    def nothing(event: ome_events.Event) -> None:
        pass

    def run(keep: Callable[[str, object], bool], stub: str = "") -> float:
        # stub: a method of the incident book replaced by one that does nothing for this run
        # (what keeping symptoms costs inside the whole; the findings are then wrong).
        owner_class = IncidentBook if stub == "add" else Incident
        original = getattr(owner_class, stub) if stub else None
        if stub:
            setattr(owner_class, stub, lambda *args, **kwargs: None)
        try:
            return run_once(keep)
        finally:
            if stub:
                setattr(owner_class, stub, original)

    def run_once(keep: Callable[[str, object], bool]) -> float:
        analysis = Analysis()
        part = analysis._of(server)
        part._dispatch = {  # type: ignore[attr-defined]
            name: tuple(h if keep(name, h) else nothing for h in handlers)
            for name, handlers in part._dispatch.items()  # type: ignore[attr-defined]
        }
        feed = analysis.feed
        start = clock()
        for event in events:
            feed(event)
        analysis.finish()
        return clock() - start

    def owner(handler: object) -> str:
        return type(getattr(handler, "__self__", None)).__name__

    rest = {"RestApiRequested", "RestApiResponded"}
    cases: dict[str, Callable[[str, object], bool]] = {
        "every handler a no-op (the pipeline)": lambda name, h: False,
        "... plus the REST detector": lambda name, h: name in rest,
        "every detector": lambda name, h: True,
        "without the media checks of warnings": lambda name, h: (
            not (name == "AbnormalStreamDetected" and owner(h) == "MediaAnalyzer")
        ),
        "without OME's warnings (abnormal)": lambda name, h: (
            not (name == "AbnormalStreamDetected" and owner(h) == "AbnormalAnalyzer")
        ),
        "without access failures": lambda name, h: owner(h) != "AccessAnalyzer",
    }
    stubbed = {
        "without merging the facts of symptoms": "merge",
        "without keeping symptoms (the book off)": "add",
    }
    gc.collect()
    gc.disable()
    try:
        best = {name: min(run(keep) for _ in range(repeat)) for name, keep in cases.items()}
        for name, stub in stubbed.items():
            best[name] = min(run(cases["every detector"], stub) for _ in range(repeat))
        reading = min(timed(bare_read, path)[0] for _ in range(repeat))
    finally:
        gc.enable()
    whole = best["every detector"]
    print(f"marginal costs, {len(events):,} events read beforehand, collector off:")
    print(f"  {'read_events alone (the reference)':<44} {reading:>7.3f} s")
    for name, seconds in best.items():
        saved = "" if name.startswith(("every", "...")) else f"  (saves {whole - seconds:.3f} s)"
        print(f"  {name:<44} {seconds:>7.3f} s{saved}")


def timed(func: Callable[[Path], int], path: Path) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    count = func(path)
    return time.perf_counter() - start, count


def peak_memory(case: str, path: Path) -> float:
    """Peak resident memory in MB of a fresh process running one case."""
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the forked parent
    # (this script holds the generated corpus), VmHWM belongs to the child's own memory.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        " import analyze as bench; from pathlib import Path;"
        " bench.CASES[sys.argv[2]](Path(sys.argv[3]));"
        " print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    )
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run(
        [sys.executable, "-c", code, here, case, str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(out.stdout.split()[-1]) / 1024  # in KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument(
        "--corpus",
        choices=["mixed", "busy"],
        default="mixed",
        help="mixed: template lines of a busy server; busy: one coherent harsh day",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument(
        "--by-type", action="store_true", help="also time the detectors by event type"
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="also time each detector family alone"
    )
    parser.add_argument(
        "--marginal",
        action="store_true",
        help="also measure what parts cost inside the whole analysis (handlers made no-ops)",
    )
    args = parser.parse_args()

    path = corpus_file(args.lines, kind=args.corpus)
    size = path.stat().st_size
    best = dict.fromkeys(CASES, float("inf"))
    counts = {}
    for _ in range(args.repeat):
        for name, func in CASES.items():
            seconds, count = timed(func, path)
            best[name] = min(best[name], seconds)
            counts[name] = count
    reference = best["read_events (reference)"]
    print(f"corpus: {args.lines:,} lines, {size / 1e6:.1f} MB, Python {sys.version.split()[0]}")
    print(f"{'case':<30} {'lines/s':>12} {'MB/s':>8} {'seconds':>8} {'time vs reference':>18}")
    for name in CASES:
        seconds = best[name]
        print(
            f"{name:<30} {counts[name] / seconds:>12,.0f} {size / seconds / 1e6:>8.1f}"
            f" {seconds:>8.2f} {seconds / reference:>17.2f}x"
        )
    overhead = best["read_events + all analyzers"] / reference - 1
    print(f"analyzers add {overhead:.0%} to reading (the goal of issue 10: at most 100%, 2x)")
    if args.breakdown:
        print("each family alone (best of the runs), overhead over the reference:")
        for family in FAMILIES:
            seconds = min(timed(read_and_one(family), path)[0] for _ in range(args.repeat))
            print(f"  {family:<20} +{seconds / reference - 1:.0%}")
    if args.by_type:
        by_type(path)
    if args.marginal:
        marginal(path, args.repeat)
    if not args.no_memory:
        for name in CASES:
            print(f"peak memory, {name:<30} {peak_memory(name, path):>7.1f} MB (VmHWM)")
        print("(target: under 150 MB for read_events + all analyzers)")


if __name__ == "__main__":
    main()

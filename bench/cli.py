"""The command line: start-up time, and throughput beside the bare parser's.

    python bench/cli.py [--lines 200000] [--repeat 3] [--starts 20]

Start-up: ``ome-events --help`` as a subprocess, best of ``--starts`` runs, beside
``python -c pass`` (the floor: the interpreter alone) and ``python -c "import ome_events"``
(the library alone). Measured with bytecode caching on, in a private cache folder, as an
installed package runs (pip compiles the .pyc files); the figure without any bytecode cache
(``PYTHONDONTWRITEBYTECODE=1`` and no .pyc, as in some development shells) is shown too.

Throughput: ``tail -n all --json``, ``tail -n all`` (plain and coloured lines), ``export
--format csv`` and ``--format jsonl``, and ``stats --json`` on a generated corpus, each a
subprocess writing to /dev/null (start-up included), beside ``read_events`` in this process
(the reference).
Best of ``--repeat`` runs each, interleaved.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ome_events
from _corpus import corpus_file

OME_EVENTS = str(Path(sys.executable).parent / "ome-events")


def _environment(bytecode: bool, cache: str) -> dict[str, str]:
    """The subprocesses' environment: .pyc files written to and read from ``cache``, or
    none at all (and an empty ``cache``, so that no .pyc from elsewhere is found)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TZ"] = "UTC"
    env["PYTHONPYCACHEPREFIX"] = cache
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def best_of(runs: int, command: list[str], env: dict[str, str]) -> float:
    """The shortest wall time of ``runs`` runs of a command (output to /dev/null)."""
    best = float("inf")
    with open(os.devnull, "wb") as sink:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, stdout=sink, stderr=sink, env=env, check=True)
            best = min(best, time.perf_counter() - start)
    return best


def startup(starts: int, cache: str, empty: str) -> None:
    cases = [
        ("python -c pass (floor)", [sys.executable, "-c", "pass"]),
        ('python -c "import ome_events"', [sys.executable, "-c", "import ome_events"]),
        ("ome-events --help", [OME_EVENTS, "--help"]),
        ("ome-events tail --help", [OME_EVENTS, "tail", "--help"]),
    ]
    warm = _environment(True, cache)
    for _, command in cases:  # write the .pyc files once
        best_of(1, command, warm)
    print(f"start-up, best of {starts} runs (target for ome-events --help: under 0.2 s)")
    print(f"{'command':<34} {'cached .pyc':>12} {'no .pyc':>10}")
    for name, command in cases:
        cached = best_of(starts, command, warm)
        cold = best_of(max(3, starts // 4), command, _environment(False, empty))
        print(f"{name:<34} {cached * 1000:>10.0f}ms {cold * 1000:>8.0f}ms")


def bare_read_events(path: Path) -> int:
    """The reference: ome_events.read_events over the file, in this process."""
    count = 0
    for _ in ome_events.read_events(path):
        count += 1
    return count


def throughput(lines: int, repeat: int, cache: str) -> None:
    path = corpus_file(lines)
    size = path.stat().st_size
    env = _environment(True, cache)
    commands: list[tuple[str, list[str]]] = [
        ("tail -n all --json", [OME_EVENTS, "tail", "-n", "all", "--json", str(path)]),
        ("tail -n all (plain lines)", [OME_EVENTS, "tail", "-n", "all", str(path)]),
        (
            "tail -n all --color always",
            [OME_EVENTS, "tail", "-n", "all", "--color", "always", str(path)],
        ),
        ("export --format csv", [OME_EVENTS, "export", "--format", "csv", str(path)]),
        ("export --format jsonl", [OME_EVENTS, "export", "--format", "jsonl", str(path)]),
        ("stats --json", [OME_EVENTS, "stats", "--json", str(path)]),
    ]
    for _, command in commands:  # warm the bytecode cache and the page cache
        best_of(1, command, env)
    best: dict[str, float] = {}
    reference = "read_events loop (reference)"
    cases: list[tuple[str, Callable[[], object]]] = [
        (reference, lambda: bare_read_events(path)),
        *((name, lambda c=command: best_of(1, c, env)) for name, command in commands),
    ]
    for _ in range(repeat):
        for name, func in cases:
            gc.collect()
            start = time.perf_counter()
            func()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    print()
    print(
        f"throughput: corpus {lines:,} lines, {size / 1e6:.1f} MB, best of {repeat},"
        f" Python {sys.version.split()[0]}"
    )
    print(f"{'case':<34} {'lines/s':>12} {'MB/s':>8} {'vs read_events':>15}")
    for name, _ in cases:
        seconds = best[name]
        print(
            f"{name:<34} {lines / seconds:>12,.0f} {size / seconds / 1e6:>8.1f}"
            f" {best[reference] / seconds:>14.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--starts", type=int, default=20)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="ome-events-pyc-") as cache,
        tempfile.TemporaryDirectory(prefix="ome-events-nopyc-") as empty,
    ):
        startup(args.starts, cache, empty)
        throughput(args.lines, args.repeat, cache)


if __name__ == "__main__":
    main()

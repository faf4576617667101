"""The same questions over the same generated log, answered by ome-events and by its peers.

    python bench/peers.py [--lines 1000000] [--repeat 3] [--no-install]

Each question is asked of every tool that can answer it (GNU ``tail``/``grep``/``tac``,
``jq``, ``lnav`` with the format shipped in ``src/ome_events/lnav/``) and of ``ome-events``,
as separate processes on the same file, best of ``--repeat`` wall-clock runs, in one run of
this script, so the ratios compare like with like. Output goes to a pipe and its lines are
counted: a tool that answers differently is marked. lnav and jq are installed from Debian
packages when missing (``apt-get``, as root); without them their rows say why they are
skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import corpus_file

ROOT = Path(__file__).resolve().parent.parent
LNAV_FORMAT = ROOT / "src" / "ome_events" / "lnav" / "ome_events_log.json"
OME_EVENTS = [sys.executable, "-m", "ome_events"]


@dataclass
class Answer:
    tool: str
    command: list[str] | str  # a string runs in the shell (pipelines)
    env: dict[str, str] | None = None
    header_lines: int = 0  # lines of output that are not answers (lnav's column name)


def ensure_tools(install: bool) -> dict[str, str]:
    """Which peers are missing, and why (installing them from Debian packages if allowed)."""
    missing: dict[str, str] = {}
    wanted = {"jq": "jq", "lnav": "lnav", "tac": "coreutils", "grep": "grep", "tail": "coreutils"}
    absent = sorted({package for tool, package in wanted.items() if not shutil.which(tool)})
    if absent and install and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {', '.join(absent)} from Debian packages ...", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *absent], env=env, capture_output=True, check=False
        )
    for tool, package in wanted.items():
        if not shutil.which(tool):
            missing[tool] = f"not installed (apt-get install {package})"
    return missing


def lnav_home(format_file: Path = LNAV_FORMAT) -> Path:
    """A HOME with our lnav format installed, so the user's own lnav setup is untouched."""
    home = Path(tempfile.mkdtemp(prefix="ome-events-lnav-"))
    subprocess.run(
        ["lnav", "-i", str(format_file)],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        check=True,
    )
    return home


def run(answer: Answer) -> tuple[float, int]:
    """Seconds and output lines of one run."""
    shell = isinstance(answer.command, str)
    env = {**os.environ, **(answer.env or {})}
    start = time.perf_counter()
    done = subprocess.run(answer.command, shell=shell, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 141):  # 141: SIGPIPE in a pipeline that stopped early
        raise RuntimeError(f"{answer.tool} failed ({done.returncode}): {done.stderr[-300:]!r}")
    return seconds, done.stdout.count(b"\n")


def last_time(path: Path) -> datetime:
    with open(path, "rb") as stream:
        stream.seek(max(0, path.stat().st_size - 65536))
        last = stream.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    import orjson

    return datetime.fromisoformat(orjson.loads(last)["time"])


def questions(log: Path, lnav: Path | None) -> dict[str, list[Answer]]:
    end = last_time(log)
    since = (end - timedelta(minutes=10)).isoformat(timespec="milliseconds")
    after = (end + timedelta(minutes=5)).isoformat(timespec="milliseconds")
    # lnav's log_time: the local time as "YYYY-MM-DD HH:MM:SS.mmm" (the corpus is UTC and
    # the runs below set TZ=UTC for lnav).
    since_lnav = since.replace("T", " ").replace("+00:00", "")
    q = "'"
    lnav_env = {"HOME": str(lnav), "TZ": "UTC"} if lnav else None
    lnav_sql = ["lnav", "-n", "-c"]
    out: dict[str, list[Answer]] = {
        "start-up (--help)": [
            Answer("ome-events", [*OME_EVENTS, "--help"]),
        ],
        "last 10 events": [
            Answer("ome-events", [*OME_EVENTS, "tail", "-n", "10", "--json", str(log)]),
            Answer("GNU tail", ["tail", "-n", "10", str(log)]),
        ],
        "last 10 errors": [
            Answer(
                "ome-events",
                [*OME_EVENTS, "tail", "-n", "10", "--level", "error", "--json", str(log)],
            ),
            Answer("tac | grep -m 10", f'tac {log} | grep -m 10 -F {q}"level":"Error"{q}'),
        ],
        "nothing new (--since)": [
            Answer(
                "ome-events",
                [*OME_EVENTS, "tail", "-n", "all", "--since", after, "--json", str(log)],
            ),
            Answer("jq", ["jq", "-c", f'select(.time >= "{after}")', str(log)]),
        ],
        "last 10 minutes": [
            Answer(
                "ome-events",
                [*OME_EVENTS, "tail", "-n", "all", "--since", since, "--json", str(log)],
            ),
            Answer("jq", ["jq", "-c", f'select(.time >= "{since}")', str(log)]),
        ],
        "all warnings and errors": [
            Answer(
                "ome-events",
                [*OME_EVENTS, "tail", "-n", "all", "--level", "warning", "--json", str(log)],
            ),
            Answer("grep", ["grep", "-E", '"level":"(Warning|Error)"', str(log)]),
            Answer("jq", ["jq", "-c", 'select(.level | IN("Warning", "Error"))', str(log)]),
        ],
    }
    if lnav is not None:
        out["last 10 minutes"].append(
            Answer(
                "lnav (SQL)",
                [
                    *lnav_sql,
                    f";SELECT log_raw_text FROM ome_events_log WHERE log_time >= '{since_lnav}'",
                    str(log),
                ],
                lnav_env,
                header_lines=1,
            )
        )
        out["all warnings and errors"].append(
            Answer(
                "lnav (SQL)",
                [
                    *lnav_sql,
                    ";SELECT log_raw_text FROM ome_events_log WHERE log_level >= 'warning'",
                    str(log),
                ],
                lnav_env,
                header_lines=1,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-install", action="store_true", help="do not install missing peers with apt-get"
    )
    args = parser.parse_args()
    missing = ensure_tools(not args.no_install)
    corpus = corpus_file(args.lines)
    # lnav picks its format by file name: the log is linked as events.log.
    folder = Path(tempfile.mkdtemp(prefix="ome-events-peers-"))
    log = folder / "events.log"
    try:
        os.link(corpus, log)
    except OSError:
        shutil.copyfile(corpus, log)
    lnav = None if "lnav" in missing else lnav_home()
    size = log.stat().st_size
    print(f"log: {args.lines:,} lines, {size / 1e6:.0f} MB; Python {sys.version.split()[0]}")
    for tool, why in missing.items():
        print(f"  skipped {tool}: {why}")
    header = f"{'question':<26} {'tool':<18} {'seconds':>8} {'lines':>9} {'ome-events / tool':>18}"
    print(header)
    print("-" * len(header))
    try:
        for question, answers in questions(log, lnav).items():
            answers = [a for a in answers if a.tool.split()[0] not in missing]
            results = {}
            for answer in answers:
                best, lines = float("inf"), 0
                for _ in range(args.repeat):
                    seconds, lines = run(answer)
                    best = min(best, seconds)
                results[answer.tool] = (best, max(0, lines - answer.header_lines))
            ours, our_lines = results["ome-events"]
            for tool, (seconds, lines) in results.items():
                ratio = "" if tool == "ome-events" else f"{ours / seconds:>17.2f}x"
                mark = "" if tool == "ome-events" or lines == our_lines else "  (other count)"
                print(f"{question:<26} {tool:<18} {seconds:>8.3f} {lines:>9,} {ratio}{mark}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if lnav is not None:
            shutil.rmtree(lnav, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A follower process: prints the summary of every event it follows, one per line.

    python tests/follower_process.py DIR CHECKPOINT [--poll] [--end]

Exits cleanly on SIGTERM (the checkpoint is saved on the way out), as a service would.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ome_events


def stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # warnings on stderr
    signal.signal(signal.SIGTERM, stop)
    directory, checkpoint = sys.argv[1], sys.argv[2]
    follower = ome_events.follow(
        directory,
        start="end" if "--end" in sys.argv else "start",
        checkpoint=checkpoint,
        poll="--poll" in sys.argv,
        poll_interval=0.02,
        recheck_interval=0.2,
    )
    try:
        print("ready", flush=True)
        for event in follower:
            print(event.summary, flush=True)
    finally:
        follower.close()


if __name__ == "__main__":
    main()

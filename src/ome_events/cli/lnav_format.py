"""``ome-events lnav-format``: the lnav formats of OME's logs, shipped with ome-events: where
they are, or installed into the user's lnav (``lnav -i``), so that lnav shows events.log and
the plain server log ovenmediaengine.log with levels, histogram, SQL (``SELECT ... FROM
ome_events_log``, ``ome_server_log``) and jump-to-error."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

from ome_events.cli.runtime import warn

EXAMPLES = """\
examples:
  ome-events lnav-format --install         install it into your lnav (runs lnav -i)
  ome-events lnav-format                   print where the format file is
  lnav /var/log/ovenmediaengine            then: levels, histogram (i), SQL (;), errors (e)
  lnav -n -c ';SELECT type, count(*) FROM ome_events_log GROUP BY type' events.log
  lnav -n -c ';SELECT tag, count(*) FROM ome_server_log GROUP BY tag' ovenmediaengine.log
"""

#: The command's line in ``ome-events --help``.
SUMMARY = "install the lnav formats of OME's logs (lnav's views, search and SQL)"
#: What ``ome-events lnav-format --help`` says first.
DESCRIPTION = (
    "The lnav formats of OME's event log (Enterprise events.log) and of its plain server log\n"
    "(ovenmediaengine.log), shipped with ome-events: print their paths, or install them into\n"
    "your lnav with --install (lnav -i)."
)

#: The format files inside the package.
FORMAT_NAMES = ("ome_events_log.json", "ome_server_log.json")


def format_paths() -> list[Path]:
    """Where the shipped format files are."""
    folder = resources.files("ome_events.lnav")
    return [Path(str(folder.joinpath(name))) for name in FORMAT_NAMES]


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument(
        "--install", action="store_true", help="install it into your lnav (runs: lnav -i FILE)"
    )


def run(args: argparse.Namespace) -> int:
    """Print the paths, or install the formats; returns the exit status."""
    paths = format_paths()
    if not args.install:
        for path in paths:
            print(path)
        return 0
    lnav = shutil.which("lnav")
    if lnav is None:
        listed = ", ".join(map(str, paths))
        warn(f"lnav is not installed (Debian/Ubuntu: apt install lnav); the formats are {listed}")
        return 1
    for path in paths:
        done = subprocess.run([lnav, "-i", str(path)], capture_output=True, text=True, check=False)
        output = (done.stdout + done.stderr).strip()
        if done.returncode != 0:
            warn(f"lnav -i failed: {output}")
            return 1
        print(output or f"installed {path}", file=sys.stderr)
    return 0

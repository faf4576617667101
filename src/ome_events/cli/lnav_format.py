"""``ome-events lnav-format``: the lnav format of OME's event log, shipped with ome-events:
where it is, or installed into the user's lnav (``lnav -i``), so that lnav shows events.log
with levels, its histogram, SQL (``SELECT ... FROM ome_events_log``) and jump-to-error."""

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
"""

#: The command's line in ``ome-events --help``.
SUMMARY = "install the lnav format of events.log (lnav's views, search and SQL)"
#: What ``ome-events lnav-format --help`` says first.
DESCRIPTION = (
    "The lnav format of OME's event log (Enterprise events.log), shipped with ome-events:\n"
    "print its path, or install it into your lnav with --install (lnav -i)."
)

#: The format file inside the package.
FORMAT_NAME = "ome_events_log.json"


def format_path() -> Path:
    """Where the shipped format file is."""
    return Path(str(resources.files("ome_events.lnav").joinpath(FORMAT_NAME)))


def register(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument(
        "--install", action="store_true", help="install it into your lnav (runs: lnav -i FILE)"
    )


def run(args: argparse.Namespace) -> int:
    """Print the path, or install the format; returns the exit status."""
    path = format_path()
    if not args.install:
        print(path)
        return 0
    lnav = shutil.which("lnav")
    if lnav is None:
        warn(f"lnav is not installed (Debian/Ubuntu: apt install lnav); the format is {path}")
        return 1
    done = subprocess.run([lnav, "-i", str(path)], capture_output=True, text=True, check=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        warn(f"lnav -i failed: {output}")
        return 1
    print(output or f"installed {path}", file=sys.stderr)
    return 0

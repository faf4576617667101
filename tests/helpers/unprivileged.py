"""Running commands as an unprivileged user, where file permissions matter.

Root reads a file whatever its mode, and CI runs as root: the permission tests then run their
commands as ``nobody`` with ``setpriv`` (util-linux), in folders that user can reach. As any
other user, commands run as that user, who cannot read a file of mode 000 either.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

NOBODY = 65534


def prefix() -> list[str]:
    """What to put before a command to run it without the power to read any file."""
    if os.geteuid() != 0:
        return []
    return [
        "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]


def available() -> str | None:
    """Why unprivileged commands cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed"
    probe = subprocess.run(
        [*prefix(), sys.executable, "-c", "import ome_events"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return f"the unprivileged user cannot run this Python: {probe.stderr.strip()[-200:]}"
    return None


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder the unprivileged user can read and write (pytest's own is root's only)."""
    reason = available()
    if reason is not None:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="ome-events-faults-"))
    base.chmod(0o777)
    try:
        yield base
    finally:
        for path in base.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(base)


def readable(path: Path) -> None:
    """Make a file (or folder) readable by anyone, as OME's files usually are."""
    path.chmod(0o777 if path.is_dir() else 0o666)

"""What the command-line tests share: the installed console script and the sample events
decoded independently of ome_events (json module, files in the README's order)."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from tests.helpers.lines import SAMPLES

# The console script installed next to the Python that runs the tests (the venv's bin/).
OME_EVENTS = str(Path(sys.executable).parent / "ome-events")
UTC_DIR = SAMPLES / "server-utc"
KST_DIR = SAMPLES / "server-kst"
UTC_FILES = ["events.log.20250325.gz", "events.log.20250326", "events.log"]
KST_FILES = ["events.log.20250327", "events.log"]


def raw_objects(directory: Path, names: list[str]) -> list[dict[str, Any]]:
    """The event objects of the files, in the order given, decoded with the json module."""
    objects = []
    for name in names:
        data = (directory / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        objects += [json.loads(line) for line in data.splitlines() if line.strip()]
    return objects


UTC_EVENTS = raw_objects(UTC_DIR, UTC_FILES)
KST_EVENTS = raw_objects(KST_DIR, KST_FILES)

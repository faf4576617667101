"""The server log generator (``sample_logs/generator/serverlog.py``), for the tests."""

from __future__ import annotations

import sys

from tests.helpers.lines import SAMPLES

sys.path.insert(0, str(SAMPLES))

from generator.serverlog import START, ServerLog, build_plain, record

__all__ = ["START", "ServerLog", "build_plain", "record"]

"""Shared fixtures: a helper to write log files, and no wall-clock limits in hypothesis.

Shared builders and constants are in ``tests/helpers/``, strategies in ``tests/strategies.py``."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No wall-clock limits in tests: hypothesis' per-example deadline is one, and so is its
# "too slow" health check (generation time); a loaded CI machine trips both. Speed is
# measured in bench/, not asserted here.
settings.register_profile("ome-events", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ome-events")


@pytest.fixture
def write_log(tmp_path: Path) -> Callable[..., Path]:
    """Write lines to a file in tmp_path (gzip when the name ends in .gz); returns its path."""

    def write(name: str, lines: Iterable[bytes], directory: Path | None = None) -> Path:
        path = (directory or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = b"".join(lines)
        if name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)
        path.write_bytes(data)
        return path

    return write

"""The installed ome-events command, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.helpers.cli import OME_EVENTS

import ome_events


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


class TestEntryPoints:
    """ome-events and python -m ome_events."""

    def test_version(self) -> None:
        """--version prints the package version."""
        result = run(OME_EVENTS, "--version")
        assert result.returncode == 0
        assert result.stdout.strip() == f"ome-events {ome_events.__version__}"

    @pytest.mark.parametrize("prefix", [[OME_EVENTS], [sys.executable, "-m", "ome_events"]])
    def test_help(self, prefix: list[str]) -> None:
        """--help describes the tool and exits 0."""
        result = run(*prefix, "--help")
        assert result.returncode == 0
        assert "OvenMediaEngine" in result.stdout

    def test_no_command_is_a_usage_error(self) -> None:
        """Without a command the usage goes to stderr with exit status 2."""
        result = run(OME_EVENTS)
        assert result.returncode == 2
        assert "usage" in result.stderr

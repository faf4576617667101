"""The ``ome-events`` command line: argument parsing and rendering only.

Everything it does is a call into the library. UI libraries (rich) are imported here and
only when a command needs them, so ``ome-events --help`` starts fast.
"""

from ome_events.cli.main import main

__all__ = ["main"]

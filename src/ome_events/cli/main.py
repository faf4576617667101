"""Entry point of the ``ome-events`` command.

Each command lives in its own module ``ome_events.cli.<name>`` with two functions:
``register(subparsers) -> argparse.ArgumentParser`` (declares its options; must import
nothing heavy) and ``run(args) -> int`` (does the work; may import rich and the rest).
Only the chosen command's ``run`` is imported, so ``ome-events --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ome_events._version import __version__

DESCRIPTION = "Read, follow and analyze OvenMediaEngine event logs (events.log)."

#: The commands, in the order ``--help`` lists them; each is a module of this package.
COMMANDS: tuple[str, ...] = ("tail", "export", "stats", "analyze", "watch")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ome-events`` and its subcommands."""
    parser = argparse.ArgumentParser(prog="ome-events", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"ome_events.cli.{name}")
        command = module.register(subparsers)
        command.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    status: int = args._module.run(args)
    return status

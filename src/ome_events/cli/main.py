"""Entry point of the ``ome-events`` command.

Each command lives in its own module ``ome_events.cli.<name>`` with ``SUMMARY``,
``DESCRIPTION`` and ``EXAMPLES`` (its help), ``register(parser)`` (declares its options; must
import nothing heavy) and ``run(args) -> int`` (does the work; may import rich and the rest).
Only the chosen command's ``run`` does real work, so ``ome-events --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ome_events._version import __version__
from ome_events.cli.options import add_command

DESCRIPTION = "Read, follow and analyze OvenMediaEngine event logs (events.log)."

#: The commands, in the order ``--help`` lists them; each is a module of this package.
COMMANDS: tuple[str, ...] = ("tail", "export", "stats", "analyze", "watch", "prune")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ome-events`` and its subcommands."""
    parser = argparse.ArgumentParser(prog="ome-events", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"ome_events.cli.{name}")
        command = add_command(
            subparsers, name, summary=module.SUMMARY, description=module.DESCRIPTION,
            epilog=module.EXAMPLES,
        )  # fmt: skip
        module.register(command)
        command.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    from ome_events.cli.runtime import setup_logging

    setup_logging()  # the library's warnings (bad lines, deleted files) go to stderr
    status: int = args._module.run(args)
    return status

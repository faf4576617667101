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

EPILOG = """\
examples:
  ome-events tail -f                         the last events, then follow (Ctrl-C stops)
  ome-events tail --level warning -S -2h     warnings and errors of the last two hours
  ome-events analyze --since yesterday       what went wrong since yesterday: a digest
  ome-events export -o events.csv.gz         everything as compressed CSV
  ome-events prune --older-than 30d          retention

PATH: a log directory (events.log and its rotated files), a file, or '-' for standard
input; several paths, one per server, are merged. Without PATH: $OME_EVENTS_PATH (paths
separated by ':'), else /var/log/ovenmediaengine.

exit status: 0 ok; 1 findings (analyze --fail-on) or a failure (missing path, unreadable
file); 2 usage error. 'ome-events COMMAND --help' for each command; docs/cli.md for all.
"""

#: The commands, in the order ``--help`` lists them; each is a module of this package
#: (``lnav_format`` is the command ``lnav-format``).
COMMANDS: tuple[str, ...] = ("tail", "export", "stats", "analyze", "watch", "prune", "lnav_format")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ome-events`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="ome-events",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"ome_events.cli.{name}")
        command = add_command(
            subparsers, name.replace("_", "-"), summary=module.SUMMARY,
            description=module.DESCRIPTION, epilog=module.EXAMPLES,
        )  # fmt: skip
        module.register(command)
        command.set_defaults(_module=module)
    return parser


def _unrecognised(command: argparse.ArgumentParser, extras: list[str]) -> None:
    """The command's own usage error for arguments it does not know, with the closest
    option when one is near (``--lvel``: did you mean ``--level``?)."""
    import difflib

    options = [o for action in command._actions for o in action.option_strings]
    hints = []
    for extra in extras:
        name = extra.split("=", 1)[0]
        if name.startswith("-"):
            close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
            if close:
                hints.append(f"{name}: did you mean {close[0]}?")
    detail = f" ({'; '.join(hints)})" if hints else ""
    command.error(f"unrecognized arguments: {' '.join(extras)}{detail}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if extras:
        _unrecognised(args._parser, extras)
    from ome_events.cli.runtime import (
        is_output_error,
        output_failed,
        setup_logging,
        silence_stdout,
        whole_writes,
    )

    whole_writes()  # a short write (full disk) retried or failed, never half-done silently
    setup_logging()  # the library's warnings (bad lines, deleted files) go to stderr
    try:
        status: int = args._module.run(args)
        sys.stdout.flush()  # here, not in the interpreter's exit, so a failure is reported
    except BrokenPipeError:  # commands without a guarded body (lnav-format | head -0)
        silence_stdout()
        return 0
    except OSError as error:
        if not is_output_error(error):
            raise
        return output_failed(error, getattr(args, "output", None))
    return status

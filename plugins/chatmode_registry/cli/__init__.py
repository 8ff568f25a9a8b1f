"""The ``chatmodes`` command line.

Each subcommand lives in its own module of this package and exposes ``add_parser(subparsers)``,
which registers the subcommand (or several) with ``run(args) -> int`` as its handler.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from chatmode_registry import __version__
from chatmode_registry.cli.exits import EXIT_USAGE

#: Subcommand modules, in the order ``--help`` lists them (``search`` also registers ``list``
#: and ``show``).
COMMANDS = (
    "validate",
    "fix",
    "diff",
    "search",
    "install",
    "update",
    "status",
    "marketplace",
    "mcp",
    "completion",
)

#: Exit codes of a command cut short, as a shell reports them (128 + signal number).
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="chatmodes",
        description="Validate, fix, diff, find, install and update Copilot chat modes / custom agents, "
        "and publish them as a Copilot plugin marketplace.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}_command").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings or failures, 2 usage).

    A reader that goes away (``chatmodes status --format json | head``) ends the command
    quietly with 141, and Ctrl-C with 130, as a shell would report them; no traceback.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print("chatmodes: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Later writes (and the interpreter's last flush) must not fail again: point stdout
        # at the null device.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

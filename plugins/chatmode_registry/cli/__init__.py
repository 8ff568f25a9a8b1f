"""The ``chatmodes`` command line.

Each subcommand lives in its own module of this package and exposes ``add_parser(subparsers)``,
which registers the subcommand with ``run(args) -> int`` as its handler.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from chatmode_registry import __version__

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS = ("validate", "fix", "diff", "install", "status")

#: Exit code for usage errors (argparse uses it too).
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="chatmodes",
        description="Validate, fix, diff, install and check Copilot chat modes / custom agents.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}_command").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings or failures, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``chatmodes completion bash|zsh``: print a shell completion script.

The script is generated from the command line's own argparse parser by ``shtab``, so every
subcommand and option added later completes without a hand-kept script. Install it with::

    chatmodes completion bash > ~/.local/share/bash-completion/completions/chatmodes
    chatmodes completion zsh > "${fpath[1]}/_chatmodes"
"""

from __future__ import annotations

import argparse
import sys

from chatmode_registry.cli.exits import EXIT_OK, EXIT_USAGE

#: Options and arguments that name files or folders, by destination.
_PATHS = {
    "paths": "file",
    "old": "file",
    "new": "file",
    "site": "directory",
    "dest": "directory",
    "out": "directory",
    "config_file": "file",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``completion``."""
    parser = subparsers.add_parser(
        "completion",
        help="print a shell completion script (bash or zsh)",
        description="Print the completion script for SHELL. bash: save it as "
        "~/.local/share/bash-completion/completions/chatmodes (or source it from ~/.bashrc); "
        'zsh: save it as _chatmodes in a folder of $fpath (e.g. "${fpath[1]}/_chatmodes").',
    )
    parser.add_argument("shell", choices=("bash", "zsh"), metavar="SHELL", help="bash or zsh")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the script for ``args.shell``."""
    try:
        import shtab
    except ImportError:  # a dependency; only a broken install lacks it
        print(
            "chatmodes completion: error: the shtab package is missing (pip install shtab)", file=sys.stderr
        )
        return EXIT_USAGE
    from chatmode_registry.cli import build_parser

    parser = build_parser()
    kinds = {"file": shtab.FILE, "directory": shtab.DIRECTORY}
    for action in _all_actions(parser):
        if action.dest in _PATHS:
            action.complete = kinds[_PATHS[action.dest]]  # type: ignore[attr-defined]
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return EXIT_OK


def _all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = []
    for action in parser._actions:
        found.append(action)
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _all_actions(sub)
    return found

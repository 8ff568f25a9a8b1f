"""``chatmodes status --from SITE``: how local chat modes compare with a catalog site.

Each file in the destination folder(s) is ``up-to-date``, ``outdated`` (an earlier published
version), ``modified`` (differs from every published version), ``removed`` (the catalog no
longer has it) or ``unknown`` (never in the catalog); every state but ``up-to-date`` comes
with the command to run next. A mode that Copilot CLI installed as a plugin from the
catalog's marketplace is reported the same way, file by file, as that plugin's: its next step
is the ``copilot plugin`` command, since the CLI manages those files. Exit 0 when all are up
to date, 1 otherwise, 2 on usage or network/catalog errors.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections import Counter
from pathlib import Path

from chatmode_registry.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_copilot_home_argument,
    add_site_arguments,
    add_user_argument,
    colour_enabled,
    local_states,
    paint,
    print_json,
    say,
)
from chatmode_registry.core.install import (
    MODIFIED,
    OUTDATED,
    REMOVED,
    STATES,
    UNKNOWN,
    UP_TO_DATE,
    FileStatus,
)
from chatmode_registry.render.diagnostics import terminal_safe
from chatmode_registry.render.words import plural

#: Colour of each state on a terminal.
COLOURS = {UP_TO_DATE: "green", OUTDATED: "yellow", MODIFIED: "magenta", REMOVED: "red", UNKNOWN: "dim"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``status``."""
    parser = subparsers.add_parser(
        "status",
        help="compare installed chat modes with a published catalog site",
        description=(
            "Report each local chat mode as up-to-date, outdated, modified, removed or unknown "
            "against a site's catalog.json, with the command to run next. Modes installed as "
            "Copilot CLI plugins from the catalog's marketplace are reported too, with the "
            "copilot command that updates them."
        ),
    )
    add_site_arguments(parser)
    parser.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder to scan (default: the workspace: .github/agents, .github/chatmodes, .claude/agents)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_user_argument(parser, "look at")
    add_copilot_home_argument(parser)
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Load the catalog, check the files, print the report."""
    found = local_states("status", args)
    if found is None:
        return EXIT_USAGE
    _, folders, results = found
    if args.format == "json":
        # The contract's shape; a plugin's files add installed_by, plugin, live and
        # update_command. The next steps are for people (text output).
        print_json({"files": [result.to_dict() for result in results]})
    else:
        print_text(results, folders, args)
    return EXIT_OK if all(result.state == UP_TO_DATE for result in results) else EXIT_FAILED


def next_step(result: FileStatus, args: argparse.Namespace) -> str | None:
    """What to do about ``result``: a command to run, or advice; ``None`` when up to date."""
    if result.plugin is not None:
        return plugin_step(result)
    site = shlex.quote(args.site)
    dest = f" --dest {shlex.quote(args.dest.as_posix())}" if args.dest is not None else ""
    slug = shlex.quote(result.slug)
    if result.state == OUTDATED:
        return f"chatmodes update {slug} --from {site}{dest}"
    if result.state == MODIFIED:
        return f"keep your edits, or replace them: chatmodes update {slug} --from {site}{dest} --force"
    if result.state == REMOVED:
        return f"no longer published: keep it as your own, or delete {shlex.quote(result.path)}"
    if result.state == UNKNOWN:
        return f"not from this catalog; search it: chatmodes search {slug} --from {site}"
    return None


def plugin_step(result: FileStatus) -> str | None:
    """What to do about a file of a Copilot CLI plugin: Copilot CLI's command, never ours."""
    plugin = result.plugin
    if plugin is None or result.state == UP_TO_DATE:
        return None
    if plugin.live:
        return (
            f"Copilot CLI loads plugin {plugin.spec} live from {shlex.quote(plugin.folder.as_posix())}: "
            "update that folder (for example with git pull); copilot plugin update has nothing to do"
        )
    if result.state in (REMOVED, UNKNOWN):
        return f"not published by this catalog now; remove it with: copilot plugin uninstall {plugin.spec}"
    return f"update it with: {result.update_command}"


def print_text(results: list[FileStatus], folders: list[Path], args: argparse.Namespace) -> None:
    """One aligned line per file with its next step below it, then a summary."""
    if not results:
        say(f"no chat mode files in {', '.join(folder.as_posix() for folder in folders)}")
        return
    colour = colour_enabled(sys.stdout)
    width = max(len(result.state) for result in results)
    for result in results:
        state = paint(f"{result.state:<{width}}", COLOURS[result.state], colour)
        plugin = f", Copilot CLI plugin {result.plugin.spec}" if result.plugin is not None else ""
        # File names, slugs and plugin names are not ours: escaped before the colour is added.
        print(f"{state}  {terminal_safe(result.path)}  ({terminal_safe(result.slug + plugin)})")
        step = next_step(result, args)
        if step:
            print(paint(terminal_safe(f"{'':<{width}}  -> {step}"), "dim", colour))
    counts = Counter(result.state for result in results)
    summary = ", ".join(f"{counts[state]} {state}" for state in STATES if counts[state])
    say(f"{plural(len(results), 'file')}: {summary}")

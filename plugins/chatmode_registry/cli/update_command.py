"""``chatmodes update [SLUG ...] --from SITE``: bring outdated local copies to the published version.

An ``outdated`` file (it equals an earlier published version) is replaced by the current one,
verified like an install and written all or nothing. A ``modified`` file (local edits) is left
alone unless ``--force``; ``unknown`` and ``removed`` files are not the catalog's to replace.
The files of a Copilot CLI plugin are the CLI's: they are never written here, and the command
that updates them is named instead.

Exit codes (``cli.exits``): 0 when update did all it may do: every outdated file is replaced
(or would be, with ``--dry-run``), including when there was nothing to replace; the files it
leaves alone (Copilot CLI's included) are listed but are not a failure (``chatmodes status`` exits 1 for them). 1 when
an update failed (a file fails its checks or cannot be written: nothing is written then), a
SLUG has no local copy, or a SLUG named is outdated in a Copilot CLI plugin (its command is named). 2 on usage or network/catalog errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmode_registry.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Progress,
    add_copilot_home_argument,
    add_site_arguments,
    add_user_argument,
    complain,
    local_states,
    say,
)
from chatmode_registry.cli.status_command import plugin_step
from chatmode_registry.core.install import (
    MODIFIED,
    OUTDATED,
    UP_TO_DATE,
    apply,
    plan_install,
)
from chatmode_registry.core.site import SiteUnavailable


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``update``."""
    parser = subparsers.add_parser(
        "update",
        help="replace outdated local chat modes with the published version",
        description=(
            "Replace each outdated local chat mode (an earlier published version) with the "
            "catalog's current one, verified by sha256. Locally modified files are left alone "
            "unless --force. Without SLUG, every local chat mode is looked at. Modes installed "
            "as Copilot CLI plugins are left to Copilot CLI: the command that updates them is "
            "printed."
        ),
    )
    parser.add_argument("slugs", nargs="*", metavar="SLUG", help="only these chat modes (default: all)")
    add_site_arguments(parser)
    parser.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder to look in (default: the workspace: .github/agents, .github/chatmodes, .claude/agents)",
    )
    parser.add_argument("--force", action="store_true", help="also replace locally modified files")
    parser.add_argument("--dry-run", action="store_true", help="show what would be updated; write nothing")
    add_user_argument(parser, "look at")
    add_copilot_home_argument(parser)
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Find the local files, decide which to replace, replace them all or none."""
    found = local_states("update", args)
    if found is None:
        return EXIT_USAGE
    site, folders, results = found
    if args.slugs:
        local = {result.slug for result in results}
        missing = [slug for slug in args.slugs if slug not in local]
        for slug in missing:
            complain("update", f"no local copy of {slug!r} in {_where(folders)}")
        if missing:
            return EXIT_FAILED
        results = [result for result in results if result.slug in args.slugs]

    # A plugin's files belong to Copilot CLI: named with its command, never written.
    managed = [r for r in results if r.plugin is not None and r.state != UP_TO_DATE]
    own = [r for r in results if r.plugin is None]
    replace = [r for r in own if r.state == OUTDATED or (r.state == MODIFIED and args.force)]
    left_alone = [r for r in own if r.state == MODIFIED and not args.force]
    others = [r for r in own if r.state not in (OUTDATED, MODIFIED, UP_TO_DATE)]
    current = [r for r in results if r.state == UP_TO_DATE]

    progress = Progress("fetching")
    try:
        plan = plan_install(
            site,
            [r.slug for r in replace],
            paths={r.slug: Path(r.path) for r in replace},
            progress=progress,
        )
    except SiteUnavailable as error:
        progress.done()
        complain("update", f"{error}")
        return EXIT_USAGE
    progress.done()
    if plan.problems:
        for problem in plan.problems:
            complain("update", f"{problem.message}")
        say("chatmodes update: nothing was written", stream=sys.stderr)
        return EXIT_FAILED

    states = {r.slug: r.state for r in results}
    verb = "would update" if args.dry_run else "updated"
    if not args.dry_run:
        result = apply(plan, force=True)
        if not result.ok:
            for problem in result.problems:
                complain("update", f"{problem.message}")
            say("chatmodes update: nothing was written", stream=sys.stderr)
            return EXIT_FAILED
    for planned in plan.files:
        say(f"{verb}: {planned.path.as_posix()} ({states[planned.slug]} -> published)")
    for r in left_alone:
        say(f"left alone: {r.path} is modified locally (use --force to replace it)")
    for r in others:
        say(f"left alone: {r.path} is {r.state}")
    for r in managed:
        say(f"left alone: {r.path} is {r.state}, and Copilot CLI manages it; {plugin_step(r)}")
    summary = (
        f"{len(plan.files)} {'would be ' if args.dry_run else ''}updated, {len(current)} already up to date, "
        f"{len(left_alone)} modified left alone"
    )
    if others:
        summary += f", {len(others)} not in the catalog"
    if managed:
        summary += f", {len(managed)} left to Copilot CLI"
    say(summary + ("; nothing written" if args.dry_run else ""))
    # Files left alone were never update's to replace: nothing it may do is left undone, unless
    # a SLUG was named and its copy is Copilot CLI's, so what was asked for did not happen.
    return EXIT_FAILED if args.slugs and managed else EXIT_OK


def _where(folders: list[Path]) -> str:
    return ", ".join(folder.as_posix() for folder in folders)

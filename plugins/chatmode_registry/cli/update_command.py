"""``chatmodes update [SLUG ...] --from SITE``: bring outdated local copies to the published version.

An ``outdated`` file (it equals an earlier published version) is replaced by the current one,
verified like an install and written all or nothing. A ``modified`` file (local edits) is left
alone unless ``--force``. Exit 0 when every file looked at is up to date afterwards (or would
be, with ``--dry-run``); 1 when one is left alone or a file fails its checks (nothing is
written then); 2 on usage or network/catalog errors.
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
    add_site_arguments,
    complain,
    local_states,
    say,
)
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
            "unless --force. Without SLUG, every local chat mode is looked at."
        ),
    )
    parser.add_argument("slugs", nargs="*", metavar="SLUG", help="only these chat modes (default: all)")
    add_site_arguments(parser)
    parser.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder to look in (default: .github/agents and .github/chatmodes)",
    )
    parser.add_argument("--force", action="store_true", help="also replace locally modified files")
    parser.add_argument("--dry-run", action="store_true", help="show what would be updated; write nothing")
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

    replace = [r for r in results if r.state == OUTDATED or (r.state == MODIFIED and args.force)]
    left_alone = [r for r in results if r.state == MODIFIED and not args.force]
    others = [r for r in results if r.state not in (OUTDATED, MODIFIED, UP_TO_DATE)]
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
    summary = (
        f"{len(plan.files)} {'would be ' if args.dry_run else ''}updated, {len(current)} already up to date, "
        f"{len(left_alone)} modified left alone"
    )
    if others:
        summary += f", {len(others)} not in the catalog"
    say(summary + ("; nothing written" if args.dry_run else ""))
    return EXIT_OK if not left_alone and not others else EXIT_FAILED


def _where(folders: list[Path]) -> str:
    return ", ".join(folder.as_posix() for folder in folders)

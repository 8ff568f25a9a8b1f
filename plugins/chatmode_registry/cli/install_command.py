"""``chatmodes install SLUG ... --from SITE``: copy chat modes from a catalog site, verified.

Exit codes: 0 installed (or already up to date); 1 nothing written because of an unknown slug,
a file that is missing, truncated or fails its sha256, an unsafe catalog entry, or a local file
that differs (without ``--force``); 2 usage errors and a site or catalog that cannot be used.
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
    load_site,
    positive_seconds,
    say,
)
from chatmode_registry.core.install import CREATE, UNCHANGED, InstallPlan, InstallResult, apply, plan_install
from chatmode_registry.core.site import SiteUnavailable
from chatmode_registry.core.workspace import user_folders

__all__ = ["add_parser", "add_site_arguments", "positive_seconds", "run", "summary_line"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``install``."""
    parser = subparsers.add_parser(
        "install",
        help="install chat modes from a published catalog site, verifying their sha256",
        description=(
            "Download chat modes listed in a site's catalog.json, verify their size and sha256, "
            "and write them atomically. Nothing is written if anything fails."
        ),
    )
    parser.add_argument("slugs", nargs="+", metavar="SLUG", help="chat mode slug(s) to install")
    add_site_arguments(parser)
    parser.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder to write into (default: .github/agents for .agent.md, "
        ".github/chatmodes for .chatmode.md)",
    )
    parser.add_argument(
        "--with-transitions",
        action="store_true",
        help="also install the modes each SLUG hands off to, calls as a subagent or names in its text "
        "(direct targets only; see --depth)",
    )
    reach = parser.add_mutually_exclusive_group()
    reach.add_argument(
        "--depth",
        type=positive_int,
        metavar="N",
        help="with --with-transitions: follow transitions up to N steps away (default 1)",
    )
    reach.add_argument(
        "--all-reachable",
        action="store_true",
        help="with --with-transitions: install every mode reachable along transitions",
    )
    parser.add_argument(
        "--user",
        action="store_true",
        help="install into your own agents folder, ~/.copilot/agents, which every workspace sees",
    )
    parser.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    parser.add_argument("--force", action="store_true", help="replace local files whose content differs")
    parser.set_defaults(handler=run)
    return parser


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args: argparse.Namespace) -> int:
    """Plan, verify and write; print one line per file and one per problem, then a summary."""
    if (args.depth is not None or args.all_reachable) and not args.with_transitions:
        say(
            "chatmodes install: error: --depth and --all-reachable need --with-transitions", stream=sys.stderr
        )
        return EXIT_USAGE
    if args.user and args.dest is not None:
        print("chatmodes install: error: give --dest or --user, not both", file=sys.stderr)
        return EXIT_USAGE
    dest = user_folders()[0][1] if args.user else args.dest
    site = load_site("install", args)
    if site is None:
        return EXIT_USAGE
    progress = Progress("fetching")
    try:
        plan = plan_install(
            site,
            args.slugs,
            dest=dest,
            with_transitions=args.with_transitions,
            depth=None if args.all_reachable else (args.depth or 1),
            progress=progress,
        )
    except SiteUnavailable as error:
        progress.done()
        complain("install", f"{error}")
        return EXIT_USAGE
    progress.done()
    for note in plan.notes:
        complain("install", f"{note}", kind="note")
    if args.dry_run:
        return report_dry_run(plan, force=args.force)
    result = apply(plan, force=args.force)
    return report(plan, result)


def _via(planned) -> str:
    return "" if planned.requested else " (via transitions)"


def report_dry_run(plan: InstallPlan, *, force: bool) -> int:
    """What a real run would do, one line per file; exit as the real run would."""
    for problem in plan.problems:
        complain("install", f"{problem.message}")
    for planned in plan.files:
        path = planned.path.as_posix()
        if planned.action == CREATE:
            say(f"would install: {path}{_via(planned)}")
        elif planned.action == UNCHANGED:
            say(f"would skip (identical): {path}{_via(planned)}")
        elif force:
            say(f"would replace (locally modified, --force): {path}{_via(planned)}")
        else:
            say(f"would refuse (locally modified): {path}{_via(planned)}")
    counts = {
        "install": sum(planned.action == CREATE for planned in plan.files)
        + (len(plan.conflicts) if force else 0),
        "identical": sum(planned.action == UNCHANGED for planned in plan.files),
        "refused": 0 if force else len(plan.conflicts),
    }
    say(
        f"dry run: {counts['install']} would be installed, {counts['identical']} skipped as identical, "
        f"{counts['refused']} refused as locally modified; nothing written"
    )
    return EXIT_FAILED if plan.problems or counts["refused"] else EXIT_OK


def summary_line(installed: int, identical: int, refused: int, *, written: bool = True) -> str:
    """The closing line of ``install`` and ``update``."""
    line = f"{installed} installed, {identical} skipped as identical, {refused} refused as locally modified"
    return line if written else line + "; nothing written"


def report(plan: InstallPlan, result: InstallResult) -> int:
    """Print what an applied plan did; returns the exit code."""
    if not result.ok:
        for problem in result.problems:
            complain("install", f"{problem.message}")
        for conflict in result.conflicts:
            say(
                f"chatmodes install: error: {conflict.path.as_posix()} differs from the "
                f"catalog's {conflict.slug}; left alone (use --force to replace it)",
                stream=sys.stderr,
            )
        say("chatmodes install: nothing was written", stream=sys.stderr)
        identical = sum(planned.action == UNCHANGED for planned in plan.files)
        say(summary_line(0, identical, len(result.conflicts), written=False))
        return EXIT_FAILED
    written = {id(planned) for planned in result.written}
    for planned in plan.files:
        if id(planned) in written:
            verb = "updated" if planned.action == "update" else "installed"
        else:
            verb = "up to date"
        say(f"{verb}: {planned.path.as_posix()}{_via(planned)}")
    say(summary_line(len(result.written), len(result.unchanged), 0))
    return EXIT_OK

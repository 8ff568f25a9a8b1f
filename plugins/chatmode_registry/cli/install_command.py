"""``chatmodes install SLUG ... --from SITE``: copy chat modes from a catalog site, verified.

Exit codes: 0 installed (or already up to date); 1 nothing written because of an unknown slug,
a file that is missing, truncated or fails its sha256, an unsafe catalog entry, or a local file
that differs (without ``--force``); 2 usage errors and a site or catalog that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmode_registry.core.install import apply, plan_install
from chatmode_registry.core.site import DEFAULT_TIMEOUT, SiteUnavailable, open_site

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
        help="also install every chat mode reachable along transitions",
    )
    parser.add_argument("--force", action="store_true", help="replace local files whose content differs")
    parser.set_defaults(handler=run)
    return parser


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """``--from`` and ``--timeout``, shared with ``status``."""
    parser.add_argument(
        "--from",
        dest="site",
        required=True,
        metavar="SITE",
        help="published site URL (http/https, catalog.json at its root) or a built site folder",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"network timeout per operation (default {DEFAULT_TIMEOUT:g})",
    )


def positive_seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def run(args: argparse.Namespace) -> int:
    """Plan, verify and write; print one line per file and one per problem."""
    try:
        site = open_site(args.site, timeout=args.timeout)
        plan = plan_install(site, args.slugs, dest=args.dest, with_transitions=args.with_transitions)
    except SiteUnavailable as error:
        print(f"chatmodes install: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    result = apply(plan, force=args.force)
    for note in plan.notes:
        print(f"chatmodes install: note: {note}", file=sys.stderr)
    if not result.ok:
        for problem in result.problems:
            print(f"chatmodes install: error: {problem.message}", file=sys.stderr)
        for conflict in result.conflicts:
            print(
                f"chatmodes install: error: {conflict.path.as_posix()} differs from the "
                f"catalog's {conflict.slug}; left alone (use --force to replace it)",
                file=sys.stderr,
            )
        print("chatmodes install: nothing was written", file=sys.stderr)
        return EXIT_FAILED
    written = {id(planned) for planned in result.written}
    for planned in plan.files:
        if id(planned) in written:
            verb = "updated" if planned.action == "update" else "installed"
        else:
            verb = "up to date"
        via = "" if planned.requested else " (via transitions)"
        print(f"{verb}: {planned.path.as_posix()}{via}")
    return EXIT_OK

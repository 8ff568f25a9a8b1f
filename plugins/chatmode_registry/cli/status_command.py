"""``chatmodes status --from SITE``: how local chat modes compare with a catalog site.

Each file in the destination folder(s) is ``up-to-date``, ``outdated`` (an earlier published
version), ``modified`` (differs from every published version) or ``unknown`` (not in the
catalog). Exit 0 when all are up to date, 1 otherwise, 2 on usage or network/catalog errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from chatmode_registry.cli.install_command import add_site_arguments
from chatmode_registry.core.install import (
    DEFAULT_DIRS,
    MODIFIED,
    OUTDATED,
    UNKNOWN,
    UP_TO_DATE,
    find_local_files,
    status,
)
from chatmode_registry.core.site import SiteUnavailable, open_site

EXIT_OK, EXIT_STALE, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``status``."""
    parser = subparsers.add_parser(
        "status",
        help="compare installed chat modes with a published catalog site",
        description=(
            "Report each local chat mode as up-to-date, outdated, modified or unknown "
            "against a site's catalog.json."
        ),
    )
    add_site_arguments(parser)
    parser.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder to scan (default: .github/agents and .github/chatmodes)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Load the catalog, check the files, print the report."""
    if args.dest is not None and not args.dest.is_dir():
        print(f"chatmodes status: error: {args.dest} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    folders = [args.dest] if args.dest is not None else list(dict.fromkeys(DEFAULT_DIRS.values()))
    try:
        site = open_site(args.site, timeout=args.timeout)
        results = status(site, find_local_files(folders))
    except SiteUnavailable as error:
        print(f"chatmodes status: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"chatmodes status: error: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps({"files": [result.to_dict() for result in results]}, indent=2))
    else:
        print_text(results, folders)
    return EXIT_OK if all(result.state == UP_TO_DATE for result in results) else EXIT_STALE


def print_text(results, folders: list[Path]) -> None:
    """One aligned line per file, then a summary."""
    if not results:
        print(f"no chat mode files in {', '.join(folder.as_posix() for folder in folders)}")
        return
    width = max(len(result.state) for result in results)
    for result in results:
        print(f"{result.state:<{width}}  {result.path}  ({result.slug})")
    counts = Counter(result.state for result in results)
    summary = ", ".join(
        f"{counts[state]} {state}" for state in (UP_TO_DATE, OUTDATED, MODIFIED, UNKNOWN) if counts[state]
    )
    print(f"{len(results)} file{'s' if len(results) != 1 else ''}: {summary}")

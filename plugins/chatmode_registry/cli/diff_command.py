"""``chatmodes diff OLD NEW``: what changed between two published or built catalogs.

OLD and NEW are each a ``catalog.json`` path, a built site folder, or an ``http(s)`` URL of a
``catalog.json`` or of a site root. Raw files next to each catalog are fetched for body diffs.
Exit 0 whether or not there are differences (a diff is a report, not a check); 2 when an
argument is wrong or a catalog cannot be loaded.
"""

from __future__ import annotations

import argparse
import sys

from chatmode_registry.cli.common import print_json, say
from chatmode_registry.cli.exits import EXIT_OK, EXIT_USAGE
from chatmode_registry.core.diff import CatalogLoadError, diff_catalogs, load_catalog_json, raw_reader
from chatmode_registry.render.changes import render_markdown
from chatmode_registry.render.diagnostics import terminal_safe


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``diff`` with the ``chatmodes`` command line."""
    parser = subparsers.add_parser(
        "diff",
        help="compare two catalogs (catalog.json paths, site folders or URLs)",
        description=(
            "Compare two catalogs and report added, removed and changed chat modes, new "
            "diagnostics and body diffs. OLD and NEW are catalog.json files, built site "
            "folders, or http(s) URLs of a catalog.json or a site root."
        ),
    )
    parser.add_argument("old", metavar="OLD_CATALOG", help="the baseline catalog")
    parser.add_argument("new", metavar="NEW_CATALOG", help="the catalog to compare with it")
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="markdown (a pull request comment, the default) or json",
    )
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Load both catalogs, diff them and print the result; returns the exit code."""
    catalogs = []
    for role, location in (("old", args.old), ("new", args.new)):
        try:
            catalogs.append(load_catalog_json(location))
        except CatalogLoadError as error:
            say(f"chatmodes diff: cannot load the {role} catalog: {error}", stream=sys.stderr)
            return EXIT_USAGE
    (old, old_base), (new, new_base) = catalogs
    diff = diff_catalogs(old, new, old_raw=raw_reader(old_base), new_raw=raw_reader(new_base))
    if args.format == "json":
        print_json(diff.details_dict())
    else:
        # The Markdown quotes both sites' names, descriptions and bodies.
        sys.stdout.write(terminal_safe(render_markdown(diff), keep_line_breaks=True))
    return EXIT_OK

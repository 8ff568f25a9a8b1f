"""``chatmodes search``, ``list`` and ``show``: find chat modes in a published catalog.

``search QUERY`` ranks modes by name, description, tools and body (bodies are the raw files,
fetched and checked against their sha256); ``list`` prints a table with ``--tool``,
``--model`` and ``--kind`` filters; ``show SLUG`` prints one mode: its header, transitions
and body, through a pager on a terminal. Exit 0 with results, 1 when nothing matched (or
the slug is unknown, or its file fails its checks), 2 on usage or network/catalog errors.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from typing import Any

from chatmode_registry.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Progress,
    add_site_arguments,
    colour_enabled,
    complain,
    load_site,
    page,
    paint,
    print_json,
    say,
    terminal_safe_data,
)
from chatmode_registry.core import query
from chatmode_registry.core.install import close_matches
from chatmode_registry.core.site import SiteError, SiteUnavailable
from chatmode_registry.render.diagnostics import terminal_safe
from chatmode_registry.render.words import plural


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``search``, ``list`` and ``show``."""
    search = subparsers.add_parser(
        "search",
        help="find chat modes by name, description, tools and body",
        description="Rank a site's chat modes for QUERY: every word must occur in the name, "
        "slug, description, tools or body; the name counts most, the body least.",
    )
    search.add_argument("query", nargs="+", metavar="QUERY", help="words to look for (all must match)")
    add_site_arguments(search)
    search.add_argument(
        "--limit", type=int, default=20, metavar="N", help="show at most N results (default 20)"
    )
    search.add_argument(
        "--no-body", action="store_true", help="search the catalog only; do not download the bodies"
    )
    search.add_argument("--format", choices=("text", "json"), default="text")
    search.set_defaults(handler=run_search)

    listing = subparsers.add_parser(
        "list",
        help="list a site's chat modes as a table",
        description="List a site's chat modes: slug, kind, model, number of tools, description.",
    )
    add_site_arguments(listing)
    listing.add_argument("--tool", metavar="TOOL", help="only modes that use TOOL (search matches search/*)")
    listing.add_argument("--model", metavar="MODEL", help="only modes whose model contains MODEL")
    listing.add_argument("--kind", choices=("agent", "chatmode"), help="only .agent.md or .chatmode.md files")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=run_list)

    show = subparsers.add_parser(
        "show",
        help="print one chat mode: header, transitions and body",
        description="Print a chat mode's header summary, its transitions (both ways) and its "
        "body, paged when the output is a terminal. The body is the published raw file, "
        "checked against the catalog's sha256.",
    )
    show.add_argument("slug", metavar="SLUG")
    add_site_arguments(show)
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=run_show)


def run_search(args: argparse.Namespace) -> int:
    """Rank and print."""
    site = load_site("search", args)
    if site is None:
        return EXIT_USAGE
    entries = list(site.entries().values())
    text = " ".join(args.query)
    body_hits: dict[str, dict[str, int]] = {}
    if not args.no_body:
        progress = Progress("reading bodies")
        try:
            body_hits, notes = query.scan_bodies(site, entries, text, progress=progress)
        except SiteUnavailable as error:  # the network, or the command's fetch limits
            progress.done()
            complain("search", error)
            return EXIT_USAGE
        progress.done()
        for note in notes:
            complain("search", note, kind="note")
    hits = query.search(entries, text, body_hits)[: max(args.limit, 0)]
    if args.format == "json":
        print_json({"query": text, "results": [hit.to_dict() for hit in hits]})
    elif not hits:
        say(f"no chat mode matches {text!r}")
    else:
        rows = [
            [
                hit.entry["slug"],
                query.kind(hit.entry),
                ", ".join(hit.fields),
                _one_line(hit.entry.get("description")),
            ]
            for hit in hits
        ]
        print_table(["SLUG", "KIND", "MATCHED", "DESCRIPTION"], rows)
        say(f"{plural(len(hits), 'result')}; show one with: chatmodes show SLUG --from {args.site}")
    return EXIT_OK if hits else EXIT_FAILED


def run_list(args: argparse.Namespace) -> int:
    """Filter and print the table."""
    site = load_site("list", args)
    if site is None:
        return EXIT_USAGE
    entries = query.filter_entries(site.entries().values(), tool=args.tool, model=args.model, kind_=args.kind)
    if args.format == "json":
        keys = ("slug", "name", "description", "kind", "model", "tools", "url", "raw_url")
        modes = [
            {key: (query.kind(entry) if key == "kind" else entry.get(key)) for key in keys}
            for entry in entries
        ]
        print_json({"chatmodes": modes})
        return EXIT_OK if entries else EXIT_FAILED
    if not entries:
        say("no chat mode matches these filters")
        return EXIT_FAILED
    rows = [
        [
            entry["slug"],
            query.kind(entry),
            ", ".join(query.models(entry)) or "-",
            str(len(entry.get("tools", []))),
            _one_line(entry.get("description")),
        ]
        for entry in entries
    ]
    print_table(["SLUG", "KIND", "MODEL", "TOOLS", "DESCRIPTION"], rows)
    say(plural(len(entries), "chat mode"))
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    """Describe one mode."""
    site = load_site("show", args)
    if site is None:
        return EXIT_USAGE
    entries = site.entries()
    if args.slug not in entries:
        suggestions = close_matches(args.slug, entries)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        complain("show", f"no chat mode {args.slug!r} in the catalog{hint}")
        return EXIT_FAILED
    try:
        mode = query.describe(site, args.slug)
    except SiteUnavailable as error:
        complain("show", error)
        return EXIT_USAGE
    except SiteError as error:
        complain("show", f"{error}; not shown")
        return EXIT_FAILED
    if args.format == "json":
        print_json(mode)
        return EXIT_OK
    page(render_mode(mode, colour=colour_enabled(sys.stdout)))
    return EXIT_OK


def render_mode(mode: dict[str, Any], *, colour: bool = False) -> str:
    """The text ``show`` prints: a header block, the transitions, a rule and the body.

    Every string of ``mode`` comes from the site: each is escaped for the terminal before it
    is placed (the body keeps its line breaks), and only then is colour added.
    """
    body = terminal_safe(mode["body"], keep_line_breaks=True)
    mode = terminal_safe_data(mode)
    lines = [paint(f"{mode['name']}  ({mode['slug']}, {mode['kind']})", "bold", colour)]
    if mode["description"]:
        lines += textwrap.wrap(mode["description"], width=_width()) or [""]
    lines.append("")
    fields = [
        ("model", ", ".join(mode["model"]) or "-"),
        ("tools", ", ".join(mode["tools"]) or "-"),
        ("source", mode["source"] or "-"),
        ("page", mode["url"] or "-"),
        ("raw", mode["raw_url"] or "-"),
        ("sha256", mode["sha256"] or "-"),
    ]
    for key, value in fields:
        lines.append(f"{paint(f'{key:<7}', 'dim', colour)} {value}")
    cli = mode.get("copilot_cli")
    if cli:
        lines.append(f"{paint('copilot', 'dim', colour)} {cli['install']}")
        if cli["add"]:
            lines.append(f"{'':<7} (add the marketplace once: {cli['add']})")
    problems = [d for d in mode["diagnostics"] if d.get("severity") in ("error", "warning")]
    if problems:
        lines.append(f"{paint('checks ', 'dim', colour)} {len(problems)} problem(s) reported by the build")
    lines.append("")
    lines.append(paint("Switches to", "bold", colour))
    if not mode["transitions"]:
        lines.append("  (none)")
    for edge in mode["transitions"]:
        target = edge["target"] or (
            "built-in agent " + edge["text"] if edge["builtin"] else f"{edge['text']} (dangling)"
        )
        label = f"  {edge['label']!r}" if edge["label"] else ""
        where = f", line {edge['line']}" if edge["line"] else ""
        lines.append(f"  -> {target}  [{edge['via']}{where}]{label}")
    lines.append(paint("Reached from", "bold", colour))
    if not mode["reached_from"]:
        lines.append("  (none)")
    for edge in mode["reached_from"]:
        label = f"  {edge['label']!r}" if edge["label"] else ""
        lines.append(f"  <- {edge['source']}  [{edge['via']}]{label}")
    lines.append("")
    lines.append(paint("-" * min(_width(), 72), "dim", colour))
    return "\n".join(lines) + "\n" + body + ("" if body.endswith("\n") else "\n")


def _width() -> int:
    return max(shutil.get_terminal_size((100, 24)).columns, 40)


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Columns padded to their widest cell; the last column is cut to the terminal width.

    Cells come from the site: each is escaped for the terminal (and measured) as shown."""
    rows = [[terminal_safe(cell) for cell in row] for row in rows]
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header) - 1)]
    lead = sum(widths) + 2 * len(widths)
    room = max(_width() - lead, 20)
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        last = row[-1] if len(row[-1]) <= room else row[-1][: room - 3] + "..."
        say("  ".join([*cells, last]).rstrip())

"""``chatmodes mcp --from SITE``: serve a catalog to AI clients over MCP (stdio).

The server (see :mod:`chatmode_registry.cli.mcp_server`) installs into the folder it was
started in. A VS Code workspace gets it with a ``.vscode/mcp.json`` entry::

    {"servers": {"chatmodes": {"type": "stdio", "command": "chatmodes",
                               "args": ["mcp", "--from", "https://example.org/registry/"]}}}

Exit 2 when the site cannot be read at start.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmode_registry.cli.common import EXIT_OK, EXIT_USAGE, add_site_arguments, load_site, say


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``mcp``."""
    parser = subparsers.add_parser(
        "mcp",
        help="run an MCP server (stdio) with search, get and install tools for a catalog site",
        description="Serve a catalog site to MCP clients over stdio: tools search_chatmodes, "
        "get_chatmode and install_chatmode, and every chat mode as a chatmode://SLUG resource. "
        "install_chatmode writes only below the folder the server was started in.",
    )
    add_site_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load the catalog, then serve until the client closes stdin."""
    try:
        from chatmode_registry.cli.mcp_server import build_server
    except ImportError as error:  # mcp is a dependency; only a broken install lacks it
        say(
            f"chatmodes mcp: error: the MCP SDK cannot be imported ({error}); pip install 'chatmode-registry[mcp]'",
            stream=sys.stderr,
        )
        return EXIT_USAGE
    site = load_site("mcp", args)
    if site is None:
        return EXIT_USAGE
    build_server(site, Path.cwd()).run("stdio")
    return EXIT_OK

"""The registry as an MCP server (``chatmodes mcp --from SITE``), on the official ``mcp`` SDK.

Tools: ``search_chatmodes`` (ranked like ``chatmodes search``), ``get_chatmode`` (header,
transitions, body) and ``install_chatmode``; every mode is also a resource
``chatmode://<slug>`` whose content is its published file. The install tool writes only into
the workspace: the folder the server was started in. It takes slugs only (nothing that could
name a path), verifies size and sha256 like ``chatmodes install``, writes all or nothing,
never replaces a file with different content, and refuses any destination whose path runs
through a symbolic link, so a link cannot lead a write out of the workspace.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import FunctionResource

from chatmode_registry.core import query
from chatmode_registry.core.install import apply, plan_install
from chatmode_registry.core.site import Site, SiteError

#: A slug as the catalog writes them; anything else is refused before any lookup.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: Most results ``search_chatmodes`` returns.
MAX_RESULTS = 50


class Registry:
    """The site and workspace behind the server's tools (plain methods, testable without MCP)."""

    def __init__(self, site: Site, workspace: Path) -> None:
        self.site = site
        self.workspace = workspace.resolve()

    def search(self, text: str, limit: int = 10) -> dict[str, Any]:
        """Ranked modes for ``text``.

        The bodies are read again for each search and dropped once counted: the server lives
        as long as its client, and a site must not make it hold what it lists (issue 23.3).
        Each call has the fetch limits of one command (a fresh budget).
        """
        entries = list(self.site.entries().values())
        try:
            body_hits, _ = query.scan_bodies(self.site.for_one_request(), entries, text)
        except SiteError as error:
            raise ToolError(f"search stopped: {error}") from None
        hits = query.search(entries, text, body_hits)
        return {"query": text, "results": [hit.to_dict() for hit in hits[: max(1, min(limit, MAX_RESULTS))]]}

    def get(self, slug: str) -> dict[str, Any]:
        """One mode: header, transitions both ways, body."""
        self._check_slug(slug)
        try:
            mode = query.describe(self.site.for_one_request(), slug)
        except SiteError as error:
            raise ToolError(f"{slug}: {error}; not shown") from None
        mode.pop("text", None)
        return mode

    def install(self, slug: str, with_transitions: bool = False) -> dict[str, Any]:
        """Install ``slug`` (and its direct transition targets) into the workspace."""
        self._check_slug(slug)
        try:
            plan = plan_install(
                self.site.for_one_request(), [slug], with_transitions=with_transitions, base=self.workspace
            )
        except SiteError as error:
            raise ToolError(f"nothing installed: {error}") from None
        problems = [problem.message for problem in plan.problems]
        for planned in plan.files:
            escape = self._outside(planned.path)
            if escape:
                problems.append(f"{planned.slug}: {escape}")
        if problems:
            raise ToolError("nothing installed: " + "; ".join(problems))
        result = apply(plan, force=False)
        if result.conflicts:
            names = ", ".join(self._relative(conflict.path) for conflict in result.conflicts)
            raise ToolError(
                f"nothing installed: {names} differ(s) from the published version (local edits kept)"
            )
        if not result.ok:
            raise ToolError("nothing installed: " + "; ".join(problem.message for problem in result.problems))
        return {
            "installed": [self._relative(planned.path) for planned in result.written],
            "unchanged": [self._relative(planned.path) for planned in result.unchanged],
            "summary": f"{len(result.written)} installed, {len(result.unchanged)} skipped as identical",
        }

    def resource_text(self, slug: str) -> str:
        """The published file of ``slug``, verified."""
        try:
            site = self.site.for_one_request()
            return query.fetch_verified(site, self.site.entries()[slug]).decode("utf-8", "replace")
        except SiteError as error:
            raise ToolError(f"{slug}: {error}") from None

    def _check_slug(self, slug: str) -> None:
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            raise ToolError(f"refused: {slug!r} is not a chat mode slug (lower-case letters, digits and '-')")
        if slug not in self.site.entries():
            matches = query.search(self.site.entries().values(), slug.replace("-", " "))[:3]
            hint = f"; did you mean {', '.join(hit.entry['slug'] for hit in matches)}?" if matches else ""
            raise ToolError(f"no chat mode {slug!r} in the catalog{hint}")

    def _outside(self, path: Path) -> str | None:
        """Why writing ``path`` could leave the workspace, or ``None``: every existing part of
        the path below the workspace must be a real folder (the file itself a real file)."""
        absolute = Path(os.path.abspath(path))
        if not absolute.is_relative_to(self.workspace):
            return f"{absolute} is outside the workspace; refused"
        current = self.workspace
        for part in absolute.relative_to(self.workspace).parts:
            current = current / part
            if current.is_symlink():
                return f"{self._relative(current)} is a symbolic link; refused (writes stay in the workspace)"
        return None

    def _relative(self, path: Path) -> str:
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.workspace).as_posix()
        except ValueError:
            return absolute.as_posix()


def build_server(site: Site, workspace: Path) -> MCPServer:
    """The MCP server for ``site``, installing into ``workspace``."""
    registry = Registry(site, workspace)
    server: MCPServer = MCPServer(
        name="chatmodes",
        instructions=(
            "A catalog of VS Code Copilot chat modes / custom agents. Search it with "
            "search_chatmodes, read one with get_chatmode, and add one to this workspace with "
            "install_chatmode (files are verified by sha256; local edits are never overwritten)."
        ),
        log_level="WARNING",
    )

    @server.tool()
    def search_chatmodes(query: str, limit: int = 10) -> dict[str, Any]:
        """Find chat modes by name, description, tools and body; best first."""
        return registry.search(query, limit)

    @server.tool()
    def get_chatmode(slug: str) -> dict[str, Any]:
        """One chat mode: its header (name, description, model, tools), transitions, body, and
        copilot_cli: the Copilot CLI command that installs it as a plugin (install) and the
        one-time command that adds the registry's marketplace (add; null when unknown)."""
        return registry.get(slug)

    @server.tool()
    def install_chatmode(slug: str, with_transitions: bool = False) -> dict[str, Any]:
        """Install a chat mode into this workspace (.github/agents or .github/chatmodes).

        with_transitions also installs the modes it hands off to or calls directly. Nothing
        is written if any file fails its sha256 check or would replace a local edit.
        """
        return registry.install(slug, with_transitions)

    for entry in site.entries().values():
        slug = entry["slug"]
        if not _SLUG.fullmatch(slug):
            continue

        def read(slug: str = slug) -> str:
            return registry.resource_text(slug)

        server.add_resource(
            FunctionResource(
                uri=f"chatmode://{slug}",
                name=slug,
                title=str(entry.get("name") or slug),
                description=str(entry.get("description") or ""),
                mime_type="text/markdown",
                fn=read,
            )
        )
    return server

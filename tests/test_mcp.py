"""``chatmodes mcp``: the MCP server started as a subprocess, driven by the SDK's stdio client,
against a site built by MkDocs and served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from sitekit import SiteServer, load_entries, snapshot


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    return folder


def session_run(url: str, workspace: Path, steps) -> Any:
    """Start ``chatmodes mcp --from URL`` in ``workspace`` and run ``steps(session)`` against it."""

    async def main() -> Any:
        chatmodes = shutil.which("chatmodes")
        assert chatmodes is not None
        params = StdioServerParameters(
            command=chatmodes, args=["mcp", "--from", url], cwd=str(workspace), env=dict(os.environ)
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await steps(session)

    return anyio.run(main)


def payload(result) -> Any:
    """A tool result's JSON (structured content when the SDK gives it, else the text)."""
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


def error_text(result) -> str:
    assert result.is_error
    return " ".join(getattr(item, "text", "") for item in result.content)


def test_tools_and_resources_are_listed(site, workspace):
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            tools = await session.list_tools()
            resources = await session.list_resources()
            planner = await session.read_resource("chatmode://planner")
            return tools, resources, planner

        tools, resources, planner = session_run(server.url, workspace, steps)
    assert {tool.name for tool in tools.tools} == {"search_chatmodes", "get_chatmode", "install_chatmode"}
    uris = {str(resource.uri) for resource in resources.resources}
    assert uris == {f"chatmode://{slug}" for slug in load_entries(site)}
    assert planner.contents[0].text == (site / load_entries(site)["planner"]["raw_url"]).read_text(
        encoding="utf-8"
    )


def test_search_and_get(site, workspace):
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            found = await session.call_tool("search_chatmodes", {"query": "review"})
            got = await session.call_tool("get_chatmode", {"slug": "builder"})
            return found, got

        found, got = session_run(server.url, workspace, steps)
    results = payload(found)["results"]
    assert results[0]["slug"] == "reviewer"
    mode = payload(got)
    assert mode["name"] == "Builder" and mode["kind"] == "agent"
    assert mode["transitions"][0]["target"] == "reviewer" and mode["transitions"][0]["via"] == "handoff"
    assert mode["reached_from"] == [{"source": "planner", "via": "prose", "label": "", "text": "Builder"}]
    assert mode["body"] == "# Builder\n\nWrite the code, run the tests.\n"
    assert mode["copilot_cli"] == {"install": "copilot plugin install builder@test-registry", "add": None}
    assert snapshot(workspace) == {}


def test_install_writes_verified_files_into_the_workspace(registry_build, site, workspace):
    source = registry_build[0]
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            first = await session.call_tool("install_chatmode", {"slug": "planner", "with_transitions": True})
            again = await session.call_tool("install_chatmode", {"slug": "planner"})
            return first, again

        first, again = session_run(server.url, workspace, steps)
    assert payload(first)["installed"] == [
        ".github/chatmodes/planner.chatmode.md",
        ".github/agents/builder.agent.md",
    ]
    assert payload(again)["unchanged"] == [".github/chatmodes/planner.chatmode.md"]
    assert (workspace / ".github/chatmodes/planner.chatmode.md").read_bytes() == (
        source / "planner.chatmode.md"
    ).read_bytes()
    assert (workspace / ".github/agents/builder.agent.md").read_bytes() == (
        source / "team/builder.agent.md"
    ).read_bytes()


def test_tampered_file_is_refused_and_nothing_is_written(site, workspace):
    raw = site / load_entries(site)["builder"]["raw_url"]
    raw.write_bytes(raw.read_bytes().replace(b"run the tests", b"push to main!"))  # same size
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            return await session.call_tool("install_chatmode", {"slug": "planner", "with_transitions": True})

        result = session_run(server.url, workspace, steps)
    assert "nothing installed" in error_text(result) and "sha256" in error_text(result)
    assert snapshot(workspace) == {}


@pytest.mark.parametrize("slug", ["../../etc/passwd", "..", "planner/../../x", "/tmp/x", "Planner"])
def test_path_traversal_slugs_are_refused(site, workspace, slug):
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            installed = await session.call_tool("install_chatmode", {"slug": slug})
            got = await session.call_tool("get_chatmode", {"slug": slug})
            return installed, got

        installed, got = session_run(server.url, workspace, steps)
    assert "is not a chat mode slug" in error_text(installed)
    assert "is not a chat mode slug" in error_text(got)
    assert snapshot(workspace) == {}


def test_a_symlink_out_of_the_workspace_is_never_followed(site, workspace, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace / ".github").symlink_to(outside, target_is_directory=True)
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            return await session.call_tool("install_chatmode", {"slug": "loner"})

        result = session_run(server.url, workspace, steps)
    assert "symbolic link" in error_text(result)
    assert list(outside.iterdir()) == []


def test_local_edits_are_never_overwritten(site, workspace):
    target = workspace / ".github/chatmodes/loner.chatmode.md"
    target.parent.mkdir(parents=True)
    target.write_text("mine\n", encoding="utf-8")
    with SiteServer(site) as server:

        async def steps(session: ClientSession):
            return await session.call_tool("install_chatmode", {"slug": "loner"})

        result = session_run(server.url, workspace, steps)
    assert "local edits kept" in error_text(result)
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_unreachable_site_exits_2(workspace):
    import subprocess

    from sitekit import closed_port

    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "chatmode_registry.cli",
            "mcp",
            "--from",
            f"http://127.0.0.1:{closed_port()}/",
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 2
    assert "connection refused" in completed.stderr

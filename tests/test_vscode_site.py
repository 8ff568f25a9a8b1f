"""Issue 13 end to end: a small collection with a built-in/catalog name clash, subagents,
``agents: ['*']``, a handoff to an agent users cannot pick and hidden characters, built with
MkDocs and the real plugin; the pages, the graph and ``catalog.json`` are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitehtml import content, read_page, resolve
from sitekit import build_site, write_chatmodes

FILES = {
    "lead.agent.md": (
        "---\n"
        "name: Lead\n"
        "description: Leads the work.\n"
        "tools: [agent, search]\n"
        "agents: [Reviewer, researcher, Plan]\n"
        "handoffs:\n"
        "  - {label: Plan it, agent: Plan, prompt: Plan the work.}\n"
        "  - {label: Ask the hidden one, agent: Hidden Helper, prompt: Help.}\n"
        "---\n"
        "# Lead\n\nCoordinate.\u200b Hand off to **Reviewer** at the end.\n"
    ),
    "reviewer.agent.md": (
        "---\nname: Reviewer\ndescription: Reviews.\nagents: ['*']\n---\n# Reviewer\n\nReview.\n"
    ),
    "researcher.agent.md": (
        "---\ndescription: Researches.\ndisable-model-invocation: true\n---\n# Researcher\n\nRead.\n"
    ),
    "plan.agent.md": "---\nname: Plan\ndescription: A plan agent of the collection.\n---\n# Plan\n\nPlan.\n",
    "hidden.agent.md": (
        "---\nname: Hidden Helper\ndescription: Only for other agents.\nuser-invocable: false\n---\n"
        "# Hidden Helper\n\nHelp.\n"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("vscode-site")
    source = write_chatmodes(root / "chatmodes", FILES, with_seed=False)
    catalog = build_site(source, root / "site")
    return root / "site", catalog


def entry(catalog: dict, slug: str) -> dict:
    return next(mode for mode in catalog["chatmodes"] if mode["slug"] == slug)


def codes(mode: dict) -> list[tuple[str, int | None]]:
    return [(d["code"], d["line"]) for d in mode["diagnostics"]]


def test_catalog_json_has_subagent_edges_and_vscode_resolution(site) -> None:
    _, catalog = site
    lead = entry(catalog, "lead")
    edges = [(t["via"], t["text"], t["target"], t["builtin"]) for t in lead["transitions"]]
    assert edges == [
        ("handoff", "Plan", None, True),  # the built-in Plan agent, not plan.agent.md
        ("handoff", "Hidden Helper", "hidden", False),
        ("subagent", "Reviewer", "reviewer", False),
        ("subagent", "researcher", "researcher", False),
        ("subagent", "Plan", None, True),
        ("prose", "Reviewer", "reviewer", False),
    ]
    assert lead["agent_name"] == "Lead"
    assert lead["invocation"] == {"user": True, "model": True, "subagents": "listed"}
    assert entry(catalog, "reviewer")["invocation"]["subagents"] == "any"
    assert entry(catalog, "reviewer")["transitions"] == []  # '*' is a note, not edges
    assert entry(catalog, "hidden")["invocation"]["user"] is False
    assert entry(catalog, "researcher")["invocation"]["model"] is False
    # Every file involved in the clash is told which one VS Code picks.
    assert ("CM306", 7) in codes(lead) and ("CM306", 5) in codes(lead)
    assert ("CM306", 2) in codes(entry(catalog, "plan"))
    # A handoff to an agent users cannot pick, subagents VS Code will not run.
    assert [line for code, line in codes(lead) if code == "CM307"] == [5, 5, 8]
    assert ("CM203", 12) in codes(lead)


def test_mode_pages_show_invocation_subagents_and_backlinks(site) -> None:
    root, _ = site
    lead = content(read_page(root, "catalog/lead/"))
    text = lead.text()
    assert "Runs as subagents" in text
    subagents = lead.find_all("li", cls="cmr-link--subagent")
    links = {a.text(): resolve("catalog/lead/", a.get("href")) for li in subagents for a in li.find_all("a")}
    assert links == {"Reviewer": "catalog/reviewer/", "Researcher": "catalog/researcher/"}
    assert len(subagents) == 3 and "built-in agent" in subagents[2].text()
    reviewer = content(read_page(root, "catalog/reviewer/")).text()
    assert "May run any agent as a subagent" in reviewer
    assert "Used as a subagent by" in reviewer
    hidden = content(read_page(root, "catalog/hidden/")).text()
    assert "hidden from the agent picker" in hidden
    researcher = content(read_page(root, "catalog/researcher/")).text()
    assert "never run as a subagent" in researcher
    # The hidden character is visible in the instructions and in the source view.
    assert "Coordinate.\u27e6U+200B\u27e7" in text
    source = lead.find("div", cls="cmr-source").text()
    assert "\u27e6U+200B\u27e7" in source and "\u200b" not in source


def test_the_graph_draws_the_subagent_edges(site) -> None:
    root, _ = site
    page = content(read_page(root, "catalog/graph/"))
    svgs = page.find_all("svg")
    assert svgs
    hrefs = {
        resolve("catalog/graph/", a.get("href") or a.get("xlink:href") or "")
        for svg in svgs
        for a in svg.find_all("a")
    }
    assert {"catalog/lead/", "catalog/reviewer/", "catalog/researcher/", "catalog/hidden/"} <= hrefs
    # The subagent edges are drawn in their own kind.
    assert "subagent" in " ".join(" ".join(sorted(e.classes)) for svg in svgs for e in svg.iter())


def test_each_edge_says_where_it_applies_in_the_json_the_pages_and_the_legend(site) -> None:
    """Issue 24: handoffs and subagents apply only in VS Code's Local harness; nobody should
    believe a handoff works in the Copilot harness or on GitHub.com."""
    root, catalog = site
    everywhere = ["vscode-local", "vscode-copilot", "github"]
    harnesses = {t["via"]: t["harnesses"] for t in entry(catalog, "lead")["transitions"]}
    assert harnesses == {"handoff": ["vscode-local"], "subagent": ["vscode-local"], "prose": everywhere}

    def notes(page: str) -> dict[str, set[str]]:
        items = content(read_page(root, page)).find_all("li", cls="cmr-link")
        found: dict[str, set[str]] = {}
        for item in items:
            via = next(c.removeprefix("cmr-link--") for c in item.classes if c.startswith("cmr-link--"))
            where = item.find("span", cls="cmr-link__where")
            found.setdefault(via, set()).add(where.text() if where is not None else "")
        return found

    outgoing = notes("catalog/lead/")  # Switches to, Runs as subagents
    assert outgoing["prose"] == {""}
    for via in ("handoff", "subagent"):
        (note,) = outgoing[via]
        assert (
            "only in VS Code's Local harness" in note and "Copilot harness" in note and "GitHub.com" in note
        )
    incoming = notes("catalog/hidden/")  # Reached from: Lead's handoff
    assert all("only in VS Code's Local harness" in note for note in incoming["handoff"])
    legend = content(read_page(root, "catalog/graph/")).find("ul", cls="cmr-graph-legend")
    kinds = {item.get("data-kind"): item.text() for item in legend.find_all("li")}
    assert "Local harness" in kinds["handoff"] and "Local harness" in kinds["subagent"]
    assert "harness" not in kinds["prose"]

"""The shipped VS Code facts: the header schema and the tool name data behind the linter."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator

from chatmode_files import SEED
from chatmode_registry.core import vscode


def seed_header() -> dict:
    """The seed's frontmatter, parsed with PyYAML (the text between the first two ``---``)."""
    text = SEED.read_text(encoding="utf-8")
    _, header, _ = text.split("---\n", 2)
    return yaml.safe_load(header)


def schema_errors(header: dict) -> list[tuple]:
    """Where ``header`` violates the schema: one path (tuple of keys and indexes) per error."""
    validator = Draft202012Validator(vscode.schema())
    return [tuple(error.absolute_path) for error in validator.iter_errors(header)]


# --- the schema -----------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(vscode.schema())
    assert vscode.schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_property_is_described_for_the_reference_page():
    def walk(node: dict, where: str):
        for key, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}{key} has no description"
            walk(sub, f"{where}{key}.")
            if isinstance(sub.get("items"), dict):
                walk(sub["items"], f"{where}{key}[].")

    walk(vscode.schema(), "")


def test_seed_header_is_valid():
    assert schema_errors(seed_header()) == []


def test_a_full_header_with_every_documented_field_is_valid():
    header = {
        "description": "Plans work",
        "name": "Planner",
        "tools": ["search", "web/fetch", "github/*"],
        "model": ["Claude Opus 4.5", "GPT-5.2"],
        "argument-hint": "What should I plan?",
        "target": "vscode",
        "handoffs": [
            {
                "label": "Implement",
                "agent": "agent",
                "prompt": "Go on.",
                "send": False,
                "model": "GPT-5 (copilot)",
            }
        ],
        "agents": "*",
        "mcp-servers": {"custom": {"type": "local", "command": "x"}},
        "user-invocable": True,
        "disable-model-invocation": False,
        "infer": True,
        "metadata": {"owner": "team"},
    }
    assert schema_errors(header) == []


def test_what_vscode_accepts_is_not_a_schema_error():
    """A comma-separated tools string and odd model lists are read (and linted), not rejected."""
    assert schema_errors({"tools": "codebase, search", "model": ["gpt-5", None]}) == []
    assert schema_errors({"model": []}) == []


def test_unknown_keys_are_not_schema_errors():
    assert schema_errors({"description": "x", "tags": ["a"], "version": 3}) == []


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ({"tools": 42}, ("tools",)),
        ({"tools": ["codebase", 3]}, ("tools",)),
        ({"model": 4}, ("model",)),
        ({"model": {"name": "gpt-5"}}, ("model",)),
        ({"handoffs": {"agent": "plan"}}, ("handoffs",)),
        ({"handoffs": [{"agent": "plan", "send": "yes"}]}, ("handoffs", 0, "send")),
        ({"agents": "all"}, ("agents",)),
        ({"user-invocable": "false"}, ("user-invocable",)),
        ({"description": ["a", "b"]}, ("description",)),
        ({"mcp-servers": ["x"]}, ("mcp-servers",)),
    ],
)
def test_type_contradictions_are_schema_errors(header, path):
    assert path in schema_errors(header)


def test_infer_is_marked_deprecated():
    assert vscode.schema()["properties"]["infer"]["deprecated"] is True


def test_schema_errors_raise_through_jsonschema_validate():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"tools": 42}, vscode.schema(), cls=Draft202012Validator)


# --- tool names -----------------------------------------------------------------------------


def is_known_tool(name: str) -> bool:
    """A current built-in tool, a built-in tool set, ``<set>/*`` or ``*`` (what VS Code knows)."""
    return name == "*" or vscode.tool_description(name) is not None


def test_every_legacy_replacement_is_a_current_tool_or_tool_set():
    for old, replacements in vscode.facts()["legacy_tools"].items():
        assert replacements, f"{old} has an empty replacement list"
        for new in replacements:
            assert is_known_tool(new), f"{old} -> {new}, which is not a current name"


def test_no_current_name_is_also_listed_as_legacy():
    for old in vscode.facts()["legacy_tools"]:
        assert not is_known_tool(old), f"{old} is both current and legacy"


def test_search_is_a_current_tool_set_not_a_renamed_tool():
    assert vscode.is_tool_set("search")
    assert is_known_tool("search")
    assert vscode.legacy_tool_replacements("search") == []


def test_a_legacy_tool_set_maps_to_several_tools():
    replacements = vscode.legacy_tool_replacements("runCommands")
    assert "execute/runInTerminal" in replacements
    assert len(replacements) > 1


def test_seed_tools_are_current_renamed_or_retired():
    tools = seed_header()["tools"]
    for tool in tools:
        replacements = vscode.legacy_tool_replacements(tool)
        if is_known_tool(tool):
            assert replacements == [], f"{tool} is current yet has replacements"
        else:
            assert replacements or vscode.retired_tool_reason(tool), (
                f"seed tool {tool} is neither current, renamed nor retired"
            )
    renamed = [tool for tool in tools if vscode.legacy_tool_replacements(tool)]
    assert "codebase" in renamed and "editFiles" in renamed
    assert vscode.legacy_tool_replacements("codebase") == ["search/codebase"]
    assert vscode.legacy_tool_replacements("editFiles") == ["edit/editFiles"]


def test_replacements_are_copies_callers_may_change():
    vscode.legacy_tool_replacements("codebase").append("junk")
    assert vscode.legacy_tool_replacements("codebase") == ["search/codebase"]


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("edit/*", True),
        ("search/codebase", True),
        ("*", True),
        ("nosuchset/*", False),
        ("codebase", False),
        ("github/*", False),
        ("Search/codebase", False),
    ],
)
def test_is_known_tool(name, known):
    assert is_known_tool(name) is known


def test_tool_descriptions():
    assert vscode.tool_description("web/fetch")
    assert vscode.tool_description("edit/*") == vscode.tool_description("edit")
    assert vscode.tool_description("codebase") is None


# --- built-in agents ------------------------------------------------------------------------


def test_builtin_agents_are_spelled_as_vscode_names_them():
    # Core modes are named by their kind (lower case); Copilot Chat contributes Plan and Explore.
    assert vscode.BUILTIN_AGENT_NAMES == ("agent", "ask", "edit", "Plan", "Explore")
    assert frozenset({"agent", "ask", "edit", "plan", "explore"}) == vscode.BUILTIN_AGENTS


@pytest.mark.parametrize(
    ("text", "exact"), [("Plan", True), ("plan", False), ("agent", True), ("Agent", False), (" ask", False)]
)
def test_builtin_agent_exact_is_case_sensitive_and_untrimmed(text, exact):
    assert vscode.builtin_agent_exact(text) is exact


def test_agent_resolution_facts_cite_vscode_sources():
    facts = vscode.facts()["agent_resolution"]
    assert facts["read"] and "exact" in facts["rule"]
    assert any("promptValidator.ts" in source for source in facts["sources"])
    assert vscode.builtin_agent_visibility("Plan") == {"model_invocable": False}
    assert vscode.builtin_agent_visibility("ask") == {}


@pytest.mark.parametrize(
    ("text", "builtin"), [("Plan", True), (" AGENT ", True), ("ask", True), ("Planner", False), ("", False)]
)
def test_is_builtin_agent(text, builtin):
    assert vscode.is_builtin_agent(text) is builtin


def test_sources_are_recorded():
    data = vscode.facts()
    assert any("tools-reference" in url for url in data["sources"])
    assert data["notes"]

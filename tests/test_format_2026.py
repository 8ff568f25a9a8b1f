"""Issue 24: the agent format as VS Code 1.140 and GitHub read it in late 2026.

New and changed keys, booleans, handoffs, the keys of each target, models, namespaced tool
names, headers read as YAML 1.2, the sources every header fact cites, where each kind of edge
applies (harnesses), and no new warning on files of awesome-copilot's current shape. The one
failing and one passing fixture per rule live in ``test_core_rules``; these are the cases around
them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatmode_files import chatmode, mode_by_source, with_code, write_tree
from chatmode_registry.core import vscode
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.model import VIAS, Severity, Transition
from chatmode_registry.core.rules import RULES
from chatmode_registry.render.graph import legend_entries

AWESOME = Path(__file__).resolve().parent / "fixtures" / "awesome-copilot"

#: The rules issue 24 added: none of them may warn on a valid file of awesome-copilot's shape.
NEW_RULES = {f"CM{number}" for number in range(115, 127)}


def load(tmp_path, files):
    return load_catalog(write_tree(tmp_path / "chatmodes", files))


def findings(mode):
    """A chat mode's diagnostics, less the note that a handoff goes to a built-in agent."""
    return [d for d in mode.diagnostics if d.code != "CM304"]


def diagnostics_of(tmp_path, header: str, body: str = "# Helper\n\nDo the work.\n"):
    catalog = load(tmp_path, {"m.agent.md": chatmode(body, header=header)})
    assert catalog.rejected == [], [d.message for r in catalog.rejected for d in r.diagnostics]
    return mode_by_source(catalog, "m.agent.md")


# --- YAML 1.2, as VS Code reads a header ------------------------------------------------------


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "OFF", "1:30", "2024-13-45"])
def test_yaml_1_1_values_are_text_where_vscode_expects_text(tmp_path, word):
    """PyYAML (YAML 1.1) made ``description: yes`` a boolean and rejected the file."""
    mode = diagnostics_of(tmp_path, f"argument-hint: {word}\n")
    assert mode.header["argument-hint"] == word
    assert [d.code for d in findings(mode)] == []


@pytest.mark.parametrize(
    ("text", "value"), [("yes", "true"), ("Off", "false"), ("True", "true"), ("N", "false")]
)
def test_yaml_1_1_booleans_where_a_boolean_is_expected_still_warn(tmp_path, text, value):
    mode = diagnostics_of(tmp_path, f"disable-model-invocation: {text}\n")
    (found,) = findings(mode)
    assert (found.code, found.severity) == ("CM113", Severity.WARNING)
    assert f"write {value}" in found.message


@pytest.mark.parametrize(
    "header", ['user-invocable: "true"\n', "user-invocable: 'false'\n", "user-invocable: 1\n"]
)
def test_a_boolean_that_is_not_a_real_boolean_is_an_error_but_the_file_is_published(tmp_path, header):
    mode = diagnostics_of(tmp_path, header)
    (found,) = findings(mode)
    assert (found.code, found.severity, found.line) == ("CM119", Severity.ERROR, 3)
    assert mode.user_invocable  # VS Code ignores the value: the default applies


def test_handoff_booleans_must_be_real_booleans(tmp_path):
    header = (
        "handoffs:\n  - {label: A, agent: agent, prompt: P, send: false, showContinueOn: true}\n"
        '  - {label: B, agent: agent, prompt: P, showContinueOn: "true"}\n'
    )
    mode = diagnostics_of(tmp_path, header)
    assert [(d.code, d.line) for d in findings(mode)] == [("CM119", 5)]
    assert "handoffs.showContinueOn" in findings(mode)[0].message


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("description", "12"),
        ("name", "1.50"),
        ("argument-hint", "0x1F"),
        ("model", "1e3"),
        ("description", "-0.0"),
        ("name", ".inf"),
        ("description", "true"),
    ],
)
def test_a_plain_number_where_vscode_wants_text_is_that_text(tmp_path, key, text):
    """VS Code 1.140 keeps every scalar's text: ``description: 12`` is the text "12" (it used
    to be rejected: "12 is not of type 'string'"), as written (``1.50`` is not ``1.5``)."""
    mode = diagnostics_of(tmp_path, f"{key}: {text}\n")
    assert mode.header[key] == text
    (found,) = [d for d in findings(mode) if d.code != "CM124"]
    assert (found.code, found.severity, found.line) == ("CM126", Severity.INFO, 3)
    assert f"'{text}'" in found.message


def test_numbers_in_a_handoff_and_a_tools_list_are_text_too(tmp_path):
    header = "tools: [search, 7]\nhandoffs:\n  - {label: 2, agent: agent, prompt: 1.50}\n"
    mode = diagnostics_of(tmp_path, header)
    assert mode.header["handoffs"] == [{"label": "2", "agent": "agent", "prompt": "1.50"}]
    assert mode.header["tools"] == ["search", "7"]
    assert sorted(d.message.split("'")[1] for d in with_code(findings(mode), "CM126")) == [
        "handoffs.0.label: 2",
        "handoffs.0.prompt: 1.50",
        "tools.1: 7",
    ]


def test_numbers_and_booleans_in_a_model_list_are_text_and_only_other_values_are_not_names(tmp_path):
    """``model: [GPT-5.2, 4.1]`` was a CM107 warning ("4.1 is not a name") and lost ``4.1``:
    VS Code reads every scalar, a list item too, as its text."""
    mode = diagnostics_of(tmp_path, "model: [GPT-5.2, 4.1, 'GPT-4.1', true, {a: b}, 2.10]\n")
    assert mode.header["model"] == ["GPT-5.2", "4.1", "GPT-4.1", "true", {"a": "b"}, "2.10"]
    assert sorted(d.message.split("'")[1] for d in with_code(findings(mode), "CM126")) == [
        "model.1: 4.1",
        "model.3: true",
        "model.5: 2.10",
    ]
    (not_a_name,) = with_code(findings(mode), "CM107")
    assert "{'a': 'b'}" in not_a_name.message
    assert {d.message.split("'")[1] for d in with_code(findings(mode), "CM124")} == {"4.1", "true", "2.10"}


@pytest.mark.parametrize(
    "header",
    [
        "description: '12'\n",
        "metadata: {version: 12}\n",  # no string wanted: the number stays a number
        "reasoning-effort: high\n",
        "description: |\n  12\n",
    ],
)
def test_quoted_text_and_numbers_where_no_text_is_wanted_get_no_note(tmp_path, header):
    assert with_code(findings(diagnostics_of(tmp_path, header)), "CM126") == []


@pytest.mark.parametrize(
    "header",
    [
        "description: {a: 1}\n",
        "description: [12]\n",
        "name: [x]\n",
        "handoffs:\n  - {label: [1], agent: a, prompt: p}\n",
    ],
)
def test_a_mapping_or_list_where_text_is_wanted_is_still_rejected(tmp_path, header):
    catalog = load(tmp_path, {"m.agent.md": chatmode(header=header)})
    (rejected,) = catalog.rejected
    assert [d.code for d in rejected.diagnostics] == ["CM008"]
    assert "is not of type 'string'" in rejected.diagnostics[0].message


def test_a_repeated_key_keeps_its_last_value(tmp_path):
    mode = diagnostics_of(tmp_path, "description: 12\ndescription: Reviews code.\n")
    assert mode.header["description"] == "Reviews code."
    assert with_code(findings(mode), "CM126") == []


def test_integers_are_read_as_yaml_1_2_writes_them(tmp_path):
    mode = diagnostics_of(tmp_path, "metadata: {a: 012, b: 0o12, c: 0x1F, d: 1_000}\n")
    assert mode.header["metadata"] == {"a": 12, "b": 10, "c": 31, "d": "1_000"}


# --- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", vscode.reasoning_efforts())
def test_every_reasoning_effort_is_accepted(tmp_path, value):
    assert findings(diagnostics_of(tmp_path, f"reasoning-effort: {value}\n")) == []


def test_github_permissions_are_checked_scope_by_scope(tmp_path):
    header = (
        "github:\n  permissions:\n    contents: read\n    issues: write\n    metadata: write\n"
        "    teams: read\n  token: x\n"
    )
    mode = diagnostics_of(tmp_path, header)
    found = sorted((d.severity.value, d.message.split(":")[0]) for d in with_code(findings(mode), "CM116"))
    assert found == [
        ("error", "github.permissions.metadata is 'write'"),
        ("warning", "github.'token' is not read"),
        ("warning", "github.permissions has an unknown scope 'teams'"),
    ]


def test_every_documented_permission_scope_and_value_is_accepted(tmp_path):
    lines = "".join(
        f"    {scope}: {values[-1]}\n" for scope, values in vscode.github_permission_scopes().items()
    )
    assert findings(diagnostics_of(tmp_path, "github:\n  permissions:\n" + lines)) == []


def test_infer_is_an_error_and_still_decides_subagent_use(tmp_path):
    mode = diagnostics_of(tmp_path, "infer: false\n")
    (found,) = findings(mode)
    assert (found.code, found.severity) == ("CM117", Severity.ERROR)
    assert not mode.model_invocable


@pytest.mark.parametrize(
    ("tools", "agents", "warned"),
    [
        ("tools: [search]\n", "agents: [Helper]\n", True),
        ("tools: [search]\n", "agents: ['*']\n", True),
        ("tools: search, agent\n", "agents: [Helper]\n", False),
        ("", "agents: [Helper]\n", False),  # no tools: every tool, the agent tool included
        ("tools: [search]\n", "agents: []\n", False),
        ("target: github-copilot\ntools: [search]\n", "agents: [Helper]\n", False),
    ],
)
def test_agents_need_the_agent_tool_where_vscode_reads_them(tmp_path, tools, agents, warned):
    mode = diagnostics_of(tmp_path, tools + agents)
    assert bool(with_code(findings(mode), "CM120")) is warned


def test_handoff_labels_are_unique_ignoring_case_and_need_a_letter_or_digit(tmp_path):
    header = (
        "handoffs:\n  - {label: Review, agent: agent, prompt: P}\n  - {label: REVIEW, agent: ask, prompt: P}\n"
        "  - {label: '->', agent: ask, prompt: P}\n  - {label: Go, agent: ask, prompt: P, colour: red}\n"
    )
    mode = diagnostics_of(tmp_path, header)
    assert [(d.code, d.line) for d in findings(mode)] == [("CM118", 5), ("CM111", 6), ("CM102", 7)]


@pytest.mark.parametrize(
    ("key", "severity"),
    [
        ("argument-hint: Ask me\n", Severity.WARNING),
        ("handoffs:\n  - {label: A, agent: agent, prompt: P}\n", Severity.WARNING),
        ("user-invocable: false\n", Severity.INFO),  # GitHub documents it; VS Code does not accept it
        ("hooks: {}\n", Severity.INFO),  # VS Code checks hooks with the Copilot CLI's fields here
        ("metadata: {owner: me}\n", Severity.INFO),
    ],
)
def test_under_target_github_copilot_vscode_accepts_a_subset_of_keys(tmp_path, key, severity):
    mode = diagnostics_of(tmp_path, "target: github-copilot\n" + key)
    (found,) = findings(mode)
    assert (found.code, found.severity, found.line) == ("CM122", severity, 4)


def test_keys_vscode_accepts_under_target_github_copilot_are_silent(tmp_path):
    header = (
        "target: github-copilot\nname: N\ntools: [Bash, custom-agent]\nmodel: GPT-5.2\n"
        "reasoning-effort: high\nmcp-servers: {s: {type: local, command: x}}\n"
        "github: {permissions: {contents: read}}\n"
    )
    assert findings(diagnostics_of(tmp_path, header)) == []


@pytest.mark.parametrize("key", ["mcp-servers: {s: {type: local, command: x}}\n", "metadata: {owner: me}\n"])
def test_github_only_keys_are_an_info_where_vscode_runs_the_agent(tmp_path, key):
    (found,) = findings(diagnostics_of(tmp_path, key))
    assert (found.code, found.severity) == ("CM121", Severity.INFO)


# --- models ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "Claude Sonnet 4.5",
        "Claude Sonnet 4.5 (copilot)",
        "claude-sonnet-4.5",
        "claude-sonnet-4-5",
        "gpt-5-mini",
    ],
)
def test_documented_models_in_any_usual_spelling_are_silent(tmp_path, spelling):
    assert findings(diagnostics_of(tmp_path, f"model: {spelling}\n")) == []


@pytest.mark.parametrize(
    ("spelling", "replacement"),
    [("claude-4-sonnet", "Claude Sonnet 4.6"), ("GPT-5 (copilot)", "GPT-5.2"), ("o3-mini", "GPT-5 mini")],
)
def test_retired_models_warn_with_their_replacement(tmp_path, spelling, replacement):
    (found,) = findings(diagnostics_of(tmp_path, f"model:\n  - '{spelling}'\n"))
    assert (found.code, found.severity, found.line) == ("CM125", Severity.WARNING, 4)
    assert f"use '{replacement}'" in found.message


def test_a_handoffs_model_is_checked_like_the_agents_model(tmp_path):
    header = "handoffs:\n  - {label: Go, agent: agent, prompt: P, model: GPT-5 (copilot)}\n"
    (found,) = findings(diagnostics_of(tmp_path, header))
    assert (found.code, found.line) == ("CM125", 4) and "use 'GPT-5.2'" in found.message


def test_an_unknown_model_is_an_info_with_the_closest_known_one(tmp_path):
    (found,) = findings(diagnostics_of(tmp_path, "model: Claude Sonet 4.6\n"))
    assert (found.code, found.severity) == ("CM124", Severity.INFO)
    assert "'Claude Sonnet 4.6'" in found.message


def test_the_model_list_is_dated_sourced_and_consistent():
    data = vscode.models()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["read"]) and data["sources"]
    assert all(source["url"].startswith("https://") for source in data["sources"])
    current = set(data["current"])
    for name, entry in data["retired"].items():
        assert name not in current
        assert entry["replacement"] in current, name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"])
    assert vscode.retired_model("claude-4-sonnet") is not None  # the seed's model


# --- tools -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "code", "suggested"),
    [
        ("serch/codebase", "CM123", "search/codebase"),
        ("Search/codebase", "CM123", "search/codebase"),
        ("search/codebse", "CM123", "search/codebase"),
        ("edtiFiles", "CM123", "edit/editFiles"),
        ("serch/*", "CM114", "search/*"),  # may be an MCP server named so
        ("serch/nothing", "CM114", ""),
        ("mytoolset", "CM114", ""),
        ("github/*", None, ""),
        ("playwright/browser_click", None, ""),
        ("azure-mcp/search", None, ""),
        ("ms-python.python/getEnv", None, ""),
        ("server/group/tool", None, ""),
    ],
)
def test_namespaced_and_plain_tool_names_are_checked(tmp_path, tool, code, suggested):
    found = [
        d for d in findings(diagnostics_of(tmp_path, f"tools: ['{tool}']\n")) if d.code in ("CM114", "CM123")
    ]
    assert [d.code for d in found] == ([code] if code else [])
    if code:
        assert found[0].severity is RULES[code].severity
        assert not suggested or f"'{suggested}'" in found[0].message


# --- sources of every key ------------------------------------------------------------------------


def _properties():
    schema = vscode.schema()
    yield from schema["properties"].items()
    yield from (
        (f"handoffs.{key}", spec)
        for key, spec in schema["properties"]["handoffs"]["items"]["properties"].items()
    )


@pytest.mark.parametrize(("key", "spec"), list(_properties()), ids=[key for key, _ in _properties()])
def test_every_key_of_the_schema_names_its_sources_and_targets(key, spec):
    assert spec.get("x-sources"), f"{key} cites no source"
    assert set(spec["x-sources"]) <= set(vscode.reflects()), key
    assert {"vscode", "github"} <= set(spec.get("x-targets", {})), key


def test_the_facts_record_the_vscode_commit_the_docs_dates_and_the_github_revision():
    reflects = vscode.reflects()
    assert re.fullmatch(r"047238f9fe1b[0-9a-f]{28}", reflects["vscode-source"]["commit"])
    assert reflects["vscode-source"]["version"] == "1.140"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", reflects["vscode-docs-custom-agents"]["date"])
    assert re.fullmatch(r"[0-9a-f]{40}", reflects["github-docs"]["commit"])
    for entry in reflects.values():
        assert entry["title"] and entry["short"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["read"])


# --- harnesses ------------------------------------------------------------------------------------


def test_each_edge_kind_says_where_it_applies():
    assert vscode.harnesses_of("handoff") == ["vscode-local"]
    assert vscode.harnesses_of("subagent") == ["vscode-local"]
    assert set(vscode.harnesses_of("prose")) == set(vscode.harness_names())
    for via in VIAS:
        record = Transition(text="X", via=via, line=1).to_dict()
        assert record["harnesses"] == vscode.harnesses_of(via)
    legend = {entry["kind"]: entry["where"] for entry in legend_entries()}
    assert "Local harness" in str(legend["handoff"]) and "Copilot harness" in str(legend["handoff"])
    assert legend["prose"] == ""


# --- awesome-copilot's current shape ------------------------------------------------------------


def test_no_new_warning_on_files_of_awesome_copilots_current_shape():
    catalog = load_catalog(AWESOME)
    assert catalog.rejected == [] and len(catalog.chatmodes) == 4
    by_file = {
        mode.source: sorted((d.code, d.severity.value) for d in findings(mode)) for mode in catalog.chatmodes
    }
    assert not [d for d in catalog.diagnostics if d.code in NEW_RULES and d.severity is not Severity.INFO]
    assert by_file == {
        "ai-team-producer.agent.md": [],
        "apify-integration-expert.agent.md": [("CM121", "info")],
        # Renamed tool names: warned before issue 24 too.
        "critical-thinking.agent.md": [("CM106", "warning"), ("CM106", "warning"), ("CM109", "info")],
        "dba-360-orchestrator.agent.md": [("CM124", "info")],
    }

"""Every lint rule of ``core.rules.RULES``: a fixture that fires it and a fixture that does not.

Each :class:`RuleCase` writes a small folder of chat modes, loads it with ``load_catalog`` and
checks that the rule fires in the named file, on the named line, with the rule's severity; its
passing twin is the same fixture with the problem removed. A meta-test makes a rule added to
``RULES`` without a case here fail the suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from chatmode_files import chatmode, link_outside, rejected_sources, with_code, write_tree
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.model import Severity
from chatmode_registry.core.rules import MAX_BODY_CHARACTERS, RULES

MOJIBAKE = "Backend \u00e2\u20ac\u201c technologies"  # "Backend – technologies" read as cp1252


@dataclass
class RuleCase:
    """A rule's failing and passing fixtures.

    ``failing`` / ``passing`` map relative paths to file contents; ``outside`` maps relative
    paths to contents written outside the folder and linked in. The rule must fire in
    ``path`` on ``line`` (``None``: the whole file) and contain ``message`` in its text.
    """

    code: str
    failing: dict[str, str | bytes]
    passing: dict[str, str | bytes]
    line: int | None
    path: str = "m.chatmode.md"
    message: str = ""
    outside: dict[str, str | bytes] = field(default_factory=dict)
    max_bytes: int = 262_144


CASES = [
    RuleCase(
        "CM001",
        {"m.chatmode.md": b"---\ndescription: x\n---\n# Caf\xe9\n"},
        {"m.chatmode.md": "---\ndescription: x\n---\n# Caf\u00e9\n"},
        4,
        message="0xe9",
    ),
    RuleCase("CM002", {"m.chatmode.md": b""}, {"m.chatmode.md": chatmode()}, None, message="published"),
    RuleCase(
        "CM003",
        {"m.chatmode.md": chatmode("x" * 2000)},
        {"m.chatmode.md": chatmode("x" * 500)},
        None,
        message="1,000",
        max_bytes=1000,
    ),
    RuleCase("CM004", {}, {"m.chatmode.md": chatmode()}, None, outside={"m.chatmode.md": chatmode()}),
    RuleCase(
        "CM010",
        # os.walk hands over the byte 0xff, which is not UTF-8, as the surrogate U+DCFF.
        {"m\udcff.chatmode.md": chatmode()},
        {"m\u00ff.chatmode.md": chatmode()},
        None,
        path="m\\xff.chatmode.md",
        message="byte 0xff",
    ),
    RuleCase(
        "CM005",
        {"m.chatmode.md": chatmode(header="model: a: b\n")},
        {"m.chatmode.md": chatmode(header="model: 'a: b'\n")},
        3,
    ),
    RuleCase(
        "CM006",
        {"m.chatmode.md": "---\n- description\n- tools\n---\nbody\n"},
        {"m.chatmode.md": "---\ndescription: d\ntools: []\n---\nbody\n"},
        2,
    ),
    RuleCase(
        "CM007",
        {"m.chatmode.md": chatmode(header="loop: &loop [*loop]\n")},
        {"m.chatmode.md": chatmode(header="metadata: {a: &x 1, b: *x}\n")},
        3,
    ),
    RuleCase(
        "CM008",
        {"m.chatmode.md": chatmode(description="{text: 12}", header="name: [a, b]\n")},
        {"m.chatmode.md": chatmode(description="12", header="name: a b\n")},
        2,
    ),
    RuleCase(
        "CM101",
        {"m.chatmode.md": chatmode(description=None, header="name: N\n")},
        {"m.chatmode.md": chatmode(header="name: N\n")},
        1,
    ),
    RuleCase(
        "CM102",
        {"m.chatmode.md": chatmode(header="colour: red\n")},
        {"m.chatmode.md": chatmode(header="argument-hint: a colour\n")},
        3,
        message="colour",
    ),
    RuleCase(
        "CM103",
        {"m.chatmode.md": chatmode(header="user-invokable: true\n")},
        {"m.chatmode.md": chatmode(header="user-invocable: true\n")},
        3,
    ),
    RuleCase(
        "CM104",
        {"m.chatmode.md": chatmode(header="tools: [search, {a: 1}]\n")},
        {"m.chatmode.md": chatmode(header="tools: [search, edit]\n")},
        3,
    ),
    RuleCase(
        "CM105",
        {"m.chatmode.md": chatmode(header="tools:\n  - search\n  - edit\n  - search\n")},
        {"m.chatmode.md": chatmode(header="tools:\n  - search\n  - edit\n")},
        6,
        message="search",
    ),
    RuleCase(
        "CM106",
        {"m.chatmode.md": chatmode(header="tools:\n  - search\n  - codebase\n")},
        {"m.chatmode.md": chatmode(header="tools:\n  - search\n  - search/codebase\n")},
        5,
        message="'search/codebase'",
    ),
    RuleCase(
        "CM107",
        {"m.chatmode.md": chatmode(header="model: GPT-4.1 | 'gpt-5'\n")},
        {"m.chatmode.md": chatmode(header="model: [GPT-4.1, gpt-5]\n")},
        3,
    ),
    RuleCase(
        "CM108",
        {"m.chatmode.md": "\n\ndescription: x\ntools: [search]\n\n# Body\n"},
        {"m.chatmode.md": "# Body\n\ndescription: x is discussed here\n"},
        3,
    ),
    RuleCase(
        "CM110",
        {"m.chatmode.md": chatmode(header="tools: search, edit\n")},
        {"m.chatmode.md": chatmode(header="tools: [search, edit]\n")},
        3,
        message="2 tool(s)",
    ),
    RuleCase(
        "CM111",
        {"m.agent.md": chatmode(header="handoffs:\n  - agent: agent\n    label: Go\n")},
        {"m.agent.md": chatmode(header="handoffs:\n  - agent: agent\n    label: Go\n    prompt: ''\n")},
        4,
        path="m.agent.md",
        message="'prompt'",
    ),
    RuleCase(
        "CM112",
        {"m.agent.md": chatmode(header="target: vs-code\n")},
        {"m.agent.md": chatmode(header="target: vscode\n")},
        3,
        path="m.agent.md",
        message="'vs-code'",
    ),
    RuleCase(
        "CM113",
        {"m.agent.md": chatmode(header="user-invocable: no\n")},
        {"m.agent.md": chatmode(header="user-invocable: false\n")},
        3,
        path="m.agent.md",
        message="write false",
    ),
    RuleCase(
        "CM114",
        {"m.agent.md": chatmode(header="tools: [mytoolset]\n")},
        {"m.agent.md": chatmode(header="tools: [search/codebase, github/*, ms-python.python/getEnv]\n")},
        3,
        path="m.agent.md",
        message="'mytoolset'",
    ),
    RuleCase(
        "CM115",
        {"m.agent.md": chatmode(header="reasoning-effort: extreme\n")},
        {"m.agent.md": chatmode(header="reasoning-effort: xhigh\n")},
        3,
        path="m.agent.md",
        message="'extreme'",
    ),
    RuleCase(
        "CM116",
        {"m.agent.md": chatmode(header="github:\n  permissions: {contents: write, checks: write}\n")},
        {"m.agent.md": chatmode(header="github:\n  permissions: {contents: write, checks: read}\n")},
        3,
        path="m.agent.md",
        message="github.permissions.checks",
    ),
    RuleCase(
        "CM117",
        {"m.agent.md": chatmode(header="infer: false\n")},
        {"m.agent.md": chatmode(header="user-invocable: false\ndisable-model-invocation: true\n")},
        3,
        path="m.agent.md",
        message="'infer'",
    ),
    RuleCase(
        "CM118",
        {
            "m.agent.md": chatmode(
                header="handoffs:\n  - {label: Review, agent: agent, prompt: A}\n"
                "  - {label: review, agent: ask, prompt: B}\n"
            )
        },
        {
            "m.agent.md": chatmode(
                header="handoffs:\n  - {label: Review, agent: agent, prompt: A}\n"
                "  - {label: Review again, agent: ask, prompt: B}\n"
            )
        },
        5,
        path="m.agent.md",
        message="'review'",
    ),
    RuleCase(
        "CM119",
        {"m.agent.md": chatmode(header='user-invocable: "false"\n')},
        {"m.agent.md": chatmode(header="user-invocable: false\n")},
        3,
        path="m.agent.md",
        message='"false"',
    ),
    RuleCase(
        "CM120",
        {"m.agent.md": chatmode(header="tools: [search]\nagents: [Helper]\n")},
        {"m.agent.md": chatmode(header="tools: [search, agent]\nagents: [Helper]\n")},
        4,
        path="m.agent.md",
        message="'agent'",
    ),
    RuleCase(
        "CM121",
        {"m.agent.md": chatmode(header="metadata: {owner: team}\n")},
        {"m.agent.md": chatmode(header="target: github-copilot\nmetadata: {owner: team}\n")},
        3,
        path="m.agent.md",
        message="'metadata'",
    ),
    RuleCase(
        "CM122",
        {"m.agent.md": chatmode(header="target: github-copilot\nargument-hint: What?\n")},
        {"m.agent.md": chatmode(header="target: github-copilot\nmodel: GPT-5.2\n")},
        4,
        path="m.agent.md",
        message="'argument-hint'",
    ),
    RuleCase(
        "CM123",
        {"m.agent.md": chatmode(header="tools: [serch/codebase]\n")},
        {"m.agent.md": chatmode(header="tools: [search/codebase, serch/*, azure-mcp/search]\n")},
        3,
        path="m.agent.md",
        message="'search/codebase'",
    ),
    RuleCase(
        "CM124",
        {"m.agent.md": chatmode(header="model: Claude Sonet 4.5\n")},
        {"m.agent.md": chatmode(header="model: Claude Sonnet 4.5 (copilot)\n")},
        3,
        path="m.agent.md",
        message="'Claude Sonnet 4.5'",
    ),
    RuleCase(
        "CM125",
        {"m.agent.md": chatmode(header="model: claude-4-sonnet\n")},
        {"m.agent.md": chatmode(header="model: claude-sonnet-4.6\n")},
        3,
        path="m.agent.md",
        message="'Claude Sonnet 4.6'",
    ),
    RuleCase(
        "CM126",
        {"m.agent.md": chatmode(header="argument-hint: 1.50\n")},
        {"m.agent.md": chatmode(header="argument-hint: '1.50'\n")},
        3,
        path="m.agent.md",
        message="the text '1.50'",
    ),
    RuleCase(
        "CM109",
        {"m.chatmode.md": chatmode(header="tools:\n  - findTestFiles\n")},
        {"m.chatmode.md": chatmode(header="tools:\n  - search\n")},
        4,
        message="findTestFiles",
    ),
    RuleCase("CM201", {"m.chatmode.md": chatmode("\n   \n\n")}, {"m.chatmode.md": chatmode("Work.\n")}, 4),
    RuleCase(
        "CM202",
        {"m.chatmode.md": chatmode(f"# T\n\nBased on {MOJIBAKE}.\n")},
        {"m.chatmode.md": chatmode("# T\n\nBased on Backend \u2013 technologies.\n")},
        6,
        message="\u2013",
    ),
    RuleCase(
        "CM203",
        {"m.chatmode.md": chatmode("# T\n\n\u200b```python\n```\nOK\U000e0049\U000e0047\n")},
        {
            "m.chatmode.md": chatmode(
                "# T \U0001f468\u200d\U0001f4bb \U0001f575\ufe0f\u200d\u2642\ufe0f\n\n```python\n```\n"
            )
        },
        6,
        message="U+200B",
    ),
    RuleCase(
        "CM204",
        {"m.chatmode.md": chatmode("w" * (MAX_BODY_CHARACTERS + 1))},
        {"m.chatmode.md": chatmode("w" * (MAX_BODY_CHARACTERS - 10))},
        4,
    ),
    RuleCase(
        "CM301",
        {"m.chatmode.md": chatmode(), "M.agent.md": chatmode()},
        {"m.chatmode.md": chatmode(), "n.agent.md": chatmode()},
        None,
        message="'m-2'",
    ),
    RuleCase(
        "CM302",
        {"m.chatmode.md": chatmode("# M\n\nSwitch to **Ghost** mode to haunt.\n")},
        {
            "m.chatmode.md": chatmode("# M\n\nSwitch to **Ghost** mode to haunt.\n"),
            "ghost.chatmode.md": chatmode(),
        },
        6,
        message="Ghost",
    ),
    RuleCase(
        "CM303",
        {"m.chatmode.md": chatmode("# M\n\nSwitch to **M** mode.\n")},
        {"m.chatmode.md": chatmode("# M\n\nSwitch to **N** mode.\n"), "n.chatmode.md": chatmode()},
        6,
    ),
    RuleCase(
        "CM304",
        {"m.chatmode.md": chatmode("# M\n\nThen hand off to **Ask**.\n")},
        {"m.chatmode.md": chatmode("# M\n\nThen hand off to **Ask**.\n"), "ask.chatmode.md": chatmode()},
        6,
        message="built-in",
    ),
    RuleCase(
        "CM305",
        {
            "m.chatmode.md": chatmode("# M\n\nSwitch to **Helper** agent.\n"),
            "a/one.chatmode.md": chatmode(header="name: Helper\n"),
            "b/two.chatmode.md": chatmode(header="name: Helper\n"),
        },
        {
            "m.chatmode.md": chatmode("# M\n\nSwitch to **Helper** agent.\n"),
            "a/one.chatmode.md": chatmode(header="name: Helper\n"),
            "a/b/two.chatmode.md": chatmode(header="name: Aide\n"),
        },
        6,
        message="'a/one.chatmode.md'",
    ),
    RuleCase(
        "CM306",
        {
            "m.agent.md": chatmode(header="handoffs:\n  - {label: L, agent: Plan, prompt: P}\n"),
            "plan.agent.md": chatmode(header="name: Plan\n"),
        },
        {
            "m.agent.md": chatmode(header="handoffs:\n  - {label: L, agent: Plan, prompt: P}\n"),
            "plan.agent.md": chatmode(header="name: Plan Mode - Strategic Planning\n"),
        },
        4,
        path="m.agent.md",
        message="built-in",
    ),
    RuleCase(
        "CM308",
        {
            "m.chatmode.md": chatmode(header="name: \u0410PI Engineer\n"),
            "n.chatmode.md": chatmode(header="name: API Engineer\n"),
        },
        {
            "m.chatmode.md": chatmode(header="name: API Engineer\n"),
            "n.chatmode.md": chatmode(header="name: APl Engineering\n"),
        },
        3,
        message="U+0410 CYRILLIC CAPITAL LETTER A",
    ),
    RuleCase(
        "CM309",
        {"con.chatmode.md": chatmode()},
        {"console.chatmode.md": chatmode()},
        None,
        path="con.chatmode.md",
        message="Windows device name (CON)",
    ),
    RuleCase(
        "CM307",
        {
            "m.agent.md": chatmode(header="handoffs:\n  - {label: L, agent: helper, prompt: P}\n"),
            "helper.agent.md": chatmode(header="user-invocable: false\n"),
        },
        {
            "m.agent.md": chatmode(header="handoffs:\n  - {label: L, agent: helper, prompt: P}\n"),
            "helper.agent.md": chatmode(header="disable-model-invocation: true\n"),
        },
        4,
        path="m.agent.md",
        message="user-invocable: false",
    ),
]


def _load(tmp_path: Path, files: dict[str, str | bytes], outside: dict[str, str | bytes], max_bytes: int):
    folder = write_tree(tmp_path / "chatmodes", files)
    for relative, content in outside.items():
        link_outside(folder, relative, tmp_path / "elsewhere" / relative.replace("/", "_"), content)
    return load_catalog(folder, max_bytes=max_bytes)


#: Rules no file can fire on purpose: CM009 reports a defect of the registry itself, and
#: tests/test_hostile_nesting.py fires it by injecting one. CM401 and CM402 come from building
#: the plugin marketplace, not from loading a catalog: tests/test_marketplace.py fires them.
NO_FIXTURE = {"CM009", "CM401", "CM402"}


def test_every_rule_has_a_case():
    """A rule added to RULES without a failing and a passing fixture here fails the suite."""
    assert sorted(case.code for case in CASES) == sorted(set(RULES) - NO_FIXTURE)


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_rule_fires_on_its_failing_fixture(tmp_path, case):
    catalog = _load(tmp_path, case.failing, case.outside, case.max_bytes)
    found = with_code(catalog.diagnostics, case.code, case.path)
    assert found, f"{case.code} did not fire; got {[(d.path, d.line, d.code) for d in catalog.diagnostics]}"
    first = found[0]
    assert first.line == case.line
    assert first.severity == RULES[case.code].severity
    assert case.message in first.message
    if RULES[case.code].rejects:
        assert case.path in rejected_sources(catalog)
        assert case.path not in [mode.source for mode in catalog.chatmodes]
    else:
        assert case.path not in rejected_sources(catalog)


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_rule_is_silent_on_its_passing_fixture(tmp_path, case):
    catalog = _load(tmp_path, case.passing, {}, case.max_bytes)
    assert with_code(catalog.diagnostics, case.code) == []
    assert case.path not in rejected_sources(catalog)


def test_rules_have_stable_well_formed_codes_and_text():
    for code, rule in RULES.items():
        assert rule.code == code and code.startswith("CM") and len(code) == 5 and code[2:].isdigit()
        assert rule.summary.strip() and rule.advice.strip()
        assert rule.name == rule.name.lower() and " " not in rule.name
        # Only errors may reject a file: a warning never costs a page.
        assert not rule.rejects or rule.severity is Severity.ERROR


def test_rule_names_are_unique():
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))


def test_fixable_rules_are_the_ones_fix_repairs():
    assert {code for code, rule in RULES.items() if rule.fixable} == {
        "CM106",
        "CM110",
        "CM113",
        "CM119",
        "CM202",
        "CM203",
    }


def test_repeated_problem_is_capped_with_a_count(tmp_path):
    """More than ten mojibake lines: ten diagnostics with lines, one saying how many more."""
    body = "".join(f"Line {index}: {MOJIBAKE}\n" for index in range(14))
    catalog = _load(tmp_path, {"m.chatmode.md": chatmode(body)}, {}, 262_144)
    found = with_code(catalog.diagnostics, "CM202")
    assert [d.line for d in found if d.line] == list(range(4, 14))
    assert [d.message for d in found if d.line is None] == ["4 more lines with the same problem"]

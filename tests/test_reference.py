"""The docs reference is generated from the shipped schema, the rule registry and the tool map."""

from __future__ import annotations

import markdown

from chatmode_registry.core import vscode
from chatmode_registry.core.rules import RULES
from chatmode_registry.render.reference import reference_markdown
from sitehtml import parse


def _rendered() -> str:
    return markdown.markdown(reference_markdown(), extensions=["tables"])


def test_every_rule_field_and_legacy_tool_is_listed() -> None:
    cells = [element.text() for element in parse(_rendered()).iter() if element.tag == "td"]
    for code, rule in RULES.items():
        assert f"{code}" in cells and rule.name in cells
    for field in vscode.schema()["properties"]:
        assert field in cells or f"{field} (required)" in cells
    for legacy in vscode.facts()["legacy_tools"]:
        assert legacy in cells


def test_globs_in_schema_prose_do_not_become_emphasis() -> None:
    document = parse(_rendered())
    assert not [element for element in document.iter() if element.tag == "em"]
    assert "*.agent.md" in document.text()


def test_the_reference_lists_edge_kinds_and_the_resolution_rule() -> None:
    from chatmode_registry.core.model import VIAS

    text = reference_markdown()
    document = parse(_rendered())
    cells = [element.text() for element in document.iter() if element.tag == "td"]
    assert set(VIAS) <= set(cells)
    assert "## Transitions" in text and "exact, case-sensitive" in text
    assert "An exact slug beats a name" in text
    assert all(source.split(" ")[0] in text for source in vscode.facts()["agent_resolution"]["sources"])

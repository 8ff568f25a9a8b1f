"""The docs reference is generated from the shipped schema, the rule registry and the tool map."""

from __future__ import annotations

import re

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


def test_the_reference_lists_every_plugin_option_with_its_default_and_description() -> None:
    from chatmode_registry.mkdocs.config import ChatmodesConfig, plugin_options
    from chatmode_registry.render.reference import options_table

    options = plugin_options()
    assert [option.name for option in options] == [name for name, _ in ChatmodesConfig._schema]
    document = parse(markdown.markdown(options_table(options), extensions=["tables"]))
    rows = [
        [cell.text() for cell in row.iter() if cell.tag == "td"] for row in document.iter() if row.tag == "tr"
    ]
    by_name = {row[0]: row for row in rows if row}
    assert by_name["prefix"][1:3] == ["str", '"catalog"']
    assert by_name["home"][1:3] == ["bool", "false"]
    assert by_name["baseline"][1:3] == ["str (optional)", "not set"]
    assert by_name["llms_full_max_bytes"][2] == "4194304"
    for option in options:
        assert option.doc, option.name
        assert by_name[option.name][3].startswith(" ".join(option.doc.replace("``", "").split())[:30])
    assert not [element for element in document.iter() if element.tag == "em"]


def test_every_header_key_is_listed_by_target_with_its_sources_and_dates() -> None:
    """Issue 24: the reference says, per key, what VS Code and GitHub do with it and where that
    is documented (with the revision or date)."""
    document = parse(_rendered())
    rows = {}
    for row in document.iter():
        if row.tag == "tr":
            cells = [cell.text() for cell in row.iter() if cell.tag == "td"]
            if len(cells) == 6:
                rows[cells[0].removesuffix(" (required)")] = cells
    schema = vscode.schema()
    keys = [*schema["properties"], *schema["properties"]["handoffs"]["items"]["properties"]]
    assert set(keys) <= set(rows)
    for key in keys:
        _, _, in_vscode, in_github, _, sources = rows[key]
        assert in_vscode and in_github, key
        assert re.search(r"\d{4}-\d{2}-\d{2}", sources), key
    assert "error" in rows["infer"][2] and "retired" in rows["infer"][3]
    assert "047238f9fe1b" in document.text() and "Local harness" in rows["handoffs"][2]

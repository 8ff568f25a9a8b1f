"""``catalog.json`` has one definition: the shipped JSON Schema, which the builder, the
``TypedDict`` records and every reader (``check_catalog``) follow."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, get_type_hints

import markdown
import pytest
from jsonschema import Draft202012Validator

from chatmode_files import write_tree
from chatmode_registry.core import record
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.site import CatalogError, check_catalog
from chatmode_registry.render.catalog_json import catalog_to_dict
from chatmode_registry.render.reference import catalog_markdown
from sitehtml import parse

REPOSITORY = Path(__file__).resolve().parent.parent

#: Files that exercise every part of a record: a handoff, a subagent list, prose transitions
#: to a mode and to nothing, diagnostics, and a rejected file.
FILES: dict[str, str | bytes] = {
    "planner.agent.md": (
        "---\nname: Planner\ndescription: Plans.\ntools: ['search/codebase']\nmodel: [GPT-5, Claude Sonnet 4.5]\n"
        "agents: [Builder]\nhandoffs:\n  - label: Build it\n    agent: Builder\n    prompt: Go.\n---\n"
        "# Planner\n\nSwitch to **Nobody** chatmode to wander.\n"
    ),
    "builder.agent.md": "---\nname: Builder\ndescription: Builds.\n---\n# Builder\n\nhand off to **Planner** next.\n",
    "broken.chatmode.md": b"\xff\xfe not text",
}


def closed(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` on every object that lists properties."""
    schema = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = write_tree(tmp_path_factory.mktemp("schema") / "src", FILES)
    catalog = load_catalog(folder)
    history = {mode.source: ["0" * 64] for mode in catalog.chatmodes}
    data = catalog_to_dict(catalog, site_url="https://example.org/", history=history)
    return json.loads(json.dumps(data))


def test_the_schema_is_valid_and_describes_every_field_a_build_writes(document) -> None:
    schema = record.catalog_schema()
    Draft202012Validator.check_schema(schema)
    errors = [error.message for error in Draft202012Validator(closed(schema)).iter_errors(document)]
    assert errors == []
    # The document covers what the test means to cover.
    assert document["rejected"] and all(entry["history"] for entry in document["chatmodes"])
    vias = {transition["via"] for entry in document["chatmodes"] for transition in entry["transitions"]}
    assert vias == {"handoff", "prose", "subagent"}


def test_the_seed_catalog_follows_the_closed_schema() -> None:
    data = json.loads(json.dumps(catalog_to_dict(load_catalog(REPOSITORY / "chatmodes"), site_url=None)))
    assert list(Draft202012Validator(closed(record.catalog_schema())).iter_errors(data)) == []


@pytest.mark.parametrize(
    "typed, where",
    [
        (record.CatalogRecord, ()),
        (record.ChatModeRecord, ("$defs", "chatmode")),
        (record.TransitionRecord, ("$defs", "transition")),
        (record.DiagnosticRecord, ("$defs", "diagnostic")),
        (record.InvocationRecord, ("$defs", "invocation")),
        (record.RejectedRecord, ("$defs", "rejected")),
        (record.RemovedRecord, ("$defs", "removed")),
    ],
)
def test_typed_records_have_the_schema_fields(typed, where) -> None:
    schema = record.catalog_schema()
    for key in where:
        schema = schema[key]
    assert list(get_type_hints(typed)) == list(schema["properties"])


def test_removed_modes_follow_the_closed_schema() -> None:
    catalog = load_catalog(REPOSITORY / "chatmodes")
    data = catalog_to_dict(catalog, site_url=None, removed={"old/retired-mode.chatmode.md": ["0" * 64]})
    document = json.loads(json.dumps(data))
    assert document["removed"] == [
        {"slug": "retired-mode", "source": "old/retired-mode.chatmode.md", "history": ["0" * 64]}
    ]
    assert list(Draft202012Validator(closed(record.catalog_schema())).iter_errors(document)) == []
    assert check_catalog(document, "built") is document


def test_the_catalog_json_of_a_build_passes_its_own_check(document) -> None:
    assert check_catalog(document, "built") is document


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["chatmodes"].append(dict(d["chatmodes"][0])), "slug 'builder' appears twice"),
        (lambda d: d["chatmodes"][0].pop("sha256"), "chatmodes[0] (builder) has no 'sha256'"),
        (
            lambda d: d["chatmodes"][0].update(sha256="ABC"),
            "chatmodes[0] (builder): 'sha256' is not a sha256",
        ),
        (lambda d: d["chatmodes"][0].update(bytes=-1), "chatmodes[0] (builder): 'bytes' must not be below 0"),
        (
            lambda d: d["chatmodes"][1]["transitions"][0].update(via="telepathy"),
            "transitions[0].via must be one of",
        ),
        (
            lambda d: d["chatmodes"][1]["history"].append("x"),
            "chatmodes[1] (planner): history[1] is not a sha256",
        ),
        (lambda d: d.update(rejected={}), "'rejected' must be a list"),
        (lambda d: d["chatmodes"].insert(0, "x"), "chatmodes[0] is not an object"),
        (lambda d: d.pop("chatmodes"), "'chatmodes' is missing"),
    ],
)
def test_check_catalog_names_the_first_problem(document, change, message) -> None:
    broken = copy.deepcopy(document)
    change(broken)
    with pytest.raises(CatalogError) as raised:
        check_catalog(broken, "somewhere/catalog.json")
    assert str(raised.value).startswith("somewhere/catalog.json is not a chat mode catalog: ")
    assert message in str(raised.value)


def test_files_are_required_only_where_they_are_fetched(document) -> None:
    lean = copy.deepcopy(document)
    for entry in lean["chatmodes"]:
        del entry["raw_url"], entry["sha256"]
    assert check_catalog(lean, "diff", require_files=False) is lean
    with pytest.raises(CatalogError, match="has no 'raw_url'"):
        check_catalog(lean, "install")


def test_readers_accept_fields_of_a_newer_format(document) -> None:
    newer = copy.deepcopy(document)
    newer["publisher"] = {"name": "x"}
    newer["chatmodes"][0]["stars"] = 5
    assert check_catalog(newer, "newer") is newer


def test_the_reference_documents_every_catalog_field() -> None:
    cells = [
        element.text()
        for element in parse(markdown.markdown(catalog_markdown(), extensions=["tables"])).iter()
        if element.tag == "td"
    ]
    schema = record.catalog_schema()
    for properties in [
        schema["properties"],
        *(spec["properties"] for spec in schema["$defs"].values() if "properties" in spec),
    ]:
        for field in properties:
            assert field in cells or f"{field} (required)" in cells

"""The reference, generated from the shipped JSON Schemas (chat mode header, ``catalog.json``)
and :data:`RULES`.

The docs page is rendered from these so that it cannot drift from what the validator checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from chatmode_registry.core import vscode
from chatmode_registry.core.model import VIA_HANDOFF, VIA_PROSE, VIA_SUBAGENT
from chatmode_registry.core.record import catalog_schema
from chatmode_registry.core.rules import RULES


def _type_of(schema: dict[str, Any]) -> str:
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return f"list of {_type_of(schema.get('items', {}))}s"
    return kind


def _cell(text: str) -> str:
    """Schema prose for a table cell: one line, pipes escaped, and globs such as
    ``*.agent.md`` kept from turning into emphasis (code spans are left as they are)."""
    parts = " ".join(text.split()).replace("|", "\\|").split("`")
    parts[0::2] = [re.sub(r"([*_])", r"\\\1", part) for part in parts[0::2]]
    return "`".join(parts)


def fields_table(schema: dict[str, Any] | None = None, *, heading: str = "Field") -> str:
    """A Markdown table of a schema's properties: name, type, required, description; for the
    header schema also where each field is read (VS Code, GitHub) and the sources that say so."""
    schema = schema or vscode.schema()
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    by_target = any("x-targets" in spec for spec in properties.values())
    if by_target:
        rows = [
            f"| {heading} | Type | VS Code | GitHub | Description | Source |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
    else:
        rows = [f"| {heading} | Type | Description |", "| --- | --- | --- |"]
    for name, spec in properties.items():
        note = " **Deprecated.**" if spec.get("deprecated") else ""
        mark = " (required)" if name in required else ""
        description = f"{_cell(spec.get('description', ''))}{note}"
        if by_target:
            targets = spec.get("x-targets", {})
            sources = ", ".join(source_label(source) for source in spec.get("x-sources", ()))
            rows.append(
                f"| `{name}`{mark} | {_type_of(spec)} | {_cell(targets.get('vscode', ''))} | "
                f"{_cell(targets.get('github', ''))} | {description} | {sources} |"
            )
        else:
            rows.append(f"| `{name}`{mark} | {_type_of(spec)} | {description} |")
    return "\n".join(rows)


def source_label(source: str) -> str:
    """A short name for one of the sources the facts reflect, with its revision or date."""
    entry = vscode.reflects()[source]
    revision = entry.get("commit", "")[:12]
    when = entry.get("date") or entry.get("read", "")
    detail = ", ".join(part for part in (revision, when) if part)
    return f"{_cell(entry['short'])} ({detail})" if detail else _cell(entry["short"])


def sources_markdown() -> str:
    """Every source the header facts reflect: what, where, which revision, read when."""
    rows = ["| Source | Where | Revision | Dated | Read |", "| --- | --- | --- | --- | --- |"]
    for entry in vscode.reflects().values():
        where = entry.get("url") or f"{entry.get('repository', '')} `{entry.get('path', '')}`"
        if entry.get("url") and entry.get("repository"):
            where += f" ({entry['repository']} `{entry.get('path', '')}`)"
        revision = f"`{entry['commit']}`" if entry.get("commit") else ""
        if entry.get("version"):
            revision += f" (version {entry['version']})"
        rows.append(
            f"| {_cell(entry['title'])} | {where} | {revision} | {entry.get('date', '')} | {entry.get('read', '')} |"
        )
    models = vscode.models()
    model_sources = "\n".join(f"- {_cell(source['title'])}: {source['url']}" for source in models["sources"])
    return "\n\n".join(
        [
            "### Sources of the header facts",
            "The field table and the rules reflect these revisions. A key's VS Code column says "
            "what VS Code 1.140 does with it in an agent file that VS Code runs itself; the GitHub "
            "column what GitHub's reference says for GitHub.com and the Copilot CLI.",
            "\n".join(rows),
            f"### Models (list of {models['read']})",
            _cell(models["notes"]),
            "Current: " + ", ".join(f"`{name}`" for name in models["current"]) + ".",
            "Retired: "
            + ", ".join(
                f"`{name}` ({entry['date']}, use `{entry['replacement']}`)"
                for name, entry in models["retired"].items()
            )
            + ".",
            model_sources,
        ]
    )


def _inline(node: Any, root: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` replaced by what it names (its own keys win)."""
    if isinstance(node, list):
        return [_inline(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        merged = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
        return _inline(merged, root)
    return {key: _inline(value, root) for key, value in node.items()}


def catalog_markdown() -> str:
    """The ``catalog.json`` format: one table per record, from ``data/catalog.schema.json``."""
    schema = catalog_schema()
    inlined = _inline(schema, schema)
    parts = ["## catalog.json", _cell(schema.get("description", "")), fields_table(inlined)]
    for name, title in (
        ("chatmode", "Chat mode entries (`chatmodes`)"),
        ("transition", "Transitions"),
        ("invocation", "Invocation"),
        ("diagnostic", "Diagnostics"),
        ("rejected", "Rejected files (`rejected`)"),
    ):
        parts += [f"### {title}", fields_table(inlined["$defs"][name])]
    return "\n\n".join(parts)


def rules_table() -> str:
    """A Markdown table of every lint rule."""
    rows = ["| Code | Name | Severity | Finds | What to do |", "| --- | --- | --- | --- | --- |"]
    for rule in RULES.values():
        flags = []
        if rule.fixable:
            flags.append("fixable")
        if rule.rejects:
            flags.append("rejects the file")
        extra = f" ({', '.join(flags)})" if flags else ""
        rows.append(
            f"| `{rule.code}` | {rule.name} | {rule.severity.value}{extra} | {_cell(rule.summary)} | {_cell(rule.advice)} |"
        )
    return "\n".join(rows)


def legacy_tools_table() -> str:
    """A Markdown table of the legacy tool names ``chatmodes fix`` renames."""
    rows = ["| Legacy name | Current name(s) |", "| --- | --- |"]
    for name, replacements in sorted(
        vscode.facts()["legacy_tools"].items(), key=lambda item: item[0].lower()
    ):
        rows.append(f"| `{name}` | {', '.join(f'`{new}`' for new in replacements)} |")
    return "\n".join(rows)


#: What each kind of edge is, keyed by ``Transition.via``.
EDGE_KINDS = {
    VIA_HANDOFF: (
        "An entry of `handoffs` (its `agent`): a button VS Code shows after a response. Resolved as "
        "VS Code resolves it (below)."
    ),
    VIA_SUBAGENT: (
        "A name in `agents`: an agent this one may run as a subagent. Resolved as VS Code resolves "
        "it (below). `agents: ['*']` (any agent) is shown as a note on the mode, not as an edge to "
        "every mode; `agents: []` means none."
    ),
    VIA_PROSE: (
        "A sentence of the body such as `Switch to **API Engineer** chatmode to ...` (also "
        '"chat mode", "mode", "agent") or `hand off to **X**`, outside code. Not a VS Code feature: '
        "the registry's own, forgiving matching (below)."
    ),
}


def transitions_markdown() -> str:
    """The edge kinds (``via`` in ``catalog.json``) and how each kind's target is resolved."""
    facts = vscode.facts()["agent_resolution"]
    rows = ["| `via` | What it is | Where it applies (`harnesses`) |", "| --- | --- | --- |"]
    rows += [
        f"| `{via}` | {_cell(text)} | {_cell(vscode.harness_note(via) or 'everywhere the instructions are read')} |"
        for via, text in EDGE_KINDS.items()
    ]
    builtins = ", ".join(f"`{name}`" for name in vscode.BUILTIN_AGENT_NAMES)
    sources = "\n".join(f"- {_cell(source)}" for source in facts["sources"])
    return "\n\n".join(
        [
            "## Transitions",
            "Every transition is an edge of the graph, listed in `catalog.json` under "
            "`transitions` with its kind in `via`.",
            "\n".join(rows),
            "### How handoff and subagent targets resolve",
            _cell(facts["rule"]),
            f"Built-in agents, by their exact names: {builtins}. A built-in match is "
            '`"target": null, "builtin": true`. A name shared by a built-in agent and a chat mode, '
            "or by two chat modes, is reported on every file involved (`CM306`), saying which one "
            "VS Code picks. A handoff to an agent with `user-invocable: false`, or a subagent with "
            "`disable-model-invocation: true`, is `CM307`. " + _cell(facts["visibility"]),
            "### How prose targets resolve",
            "The text, slugified, must equal a chat mode's slug or its slugified name (`name`, "
            "else its first heading, or its VS Code name). An exact slug beats a name; among names "
            "the one in the referring file's own folder, then the nearest by path, then the first "
            "by path. Any choice between candidates is a warning (`CM305`) on the referring file "
            "and on every candidate, naming the one chosen and why. Prose that names no chat mode "
            "may name a built-in agent, in any case.",
            "### Unresolved targets",
            "Any other target is dangling (`CM302`): an error with its line when a folder is "
            "validated or built, `info` when single files are validated, and `info` naming the "
            "install command in a workspace (the folders VS Code reads), where the mode may "
            "simply not be installed.",
            f"### Sources (read {facts['read']})",
            sources,
        ]
    )


def options_table(options: Iterable[Any]) -> str:
    """A Markdown table of plugin options (each with ``name``, ``type``, ``default`` and
    ``doc``, as :func:`chatmode_registry.mkdocs.config.plugin_options` gives them)."""
    rows = ["| Option | Type | Default | Description |", "| --- | --- | --- | --- |"]
    for option in options:
        default = "not set" if option.default is None else f"`{json.dumps(option.default)}`"
        doc = option.doc.replace("``", "`")
        rows.append(f"| `{option.name}` | {option.type} | {default} | {_cell(doc)} |")
    return "\n".join(rows)


def reference_markdown() -> str:
    """The whole reference section: header fields, handoff fields, rules, legacy tool names,
    the ``catalog.json`` format."""
    schema = vscode.schema()
    handoff = schema["properties"]["handoffs"]["items"]
    return "\n\n".join(
        [
            "## Header fields",
            _cell(schema.get("description", "")),
            fields_table(schema),
            sources_markdown(),
            "### Handoff entries",
            fields_table(handoff, heading="Handoff field"),
            transitions_markdown(),
            "## Rules",
            "Errors fail `chatmodes validate`; warnings fail it with `--strict` and fail "
            "`mkdocs build --strict`; info never fails anything. A rule that rejects the file "
            "keeps it out of the catalog (it is listed under `rejected` in `catalog.json`).",
            rules_table(),
            "## Renamed tools",
            "VS Code's legacy tool names and what `chatmodes fix` (rule `CM106`) writes instead.",
            legacy_tools_table(),
            catalog_markdown(),
        ]
    )

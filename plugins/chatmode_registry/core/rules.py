"""The lint rules: a registry of stable codes, and the checks that apply to one file.

Each rule has a code that never changes meaning, a default severity, a one-line summary and
what to do about it; the reference page of the docs is generated from :data:`RULES`.
Checks that need the whole catalog (slugs, transitions) live in :mod:`core.catalog`.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import ftfy
import jsonschema

from chatmode_registry.core import filenames, hidden, vscode
from chatmode_registry.core.model import Diagnostic, Severity

#: GitHub truncates custom agent prompts longer than this many characters.
MAX_BODY_CHARACTERS = 30_000

#: At most this many diagnostics of one rule per file; the last one says how many more.
MAX_PER_RULE = 10


@dataclass(frozen=True)
class Rule:
    """A lint rule: ``code`` (stable), ``name`` (kebab-case), default ``severity``, ``summary``
    (what it finds), ``advice`` (what to do), whether ``chatmodes fix`` repairs it and whether it
    rejects the file (no page is published)."""

    code: str
    name: str
    severity: Severity
    summary: str
    advice: str
    fixable: bool = False
    rejects: bool = False


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in sorted(
        (
            Rule(
                "CM001",
                "not-utf8",
                _E,
                "The file is not UTF-8 text (or holds NUL bytes).",
                "Save the file as UTF-8.",
                rejects=True,
            ),
            Rule(
                "CM002",
                "empty-file",
                _W,
                "The file is empty: it is published (VS Code loads it as an agent with no header and no "
                "instructions). A file that cannot be read at all is an error and gets no page.",
                "Write a header and instructions, or delete the file.",
            ),
            Rule(
                "CM003",
                "too-large",
                _E,
                "The file is larger than the max_bytes option (256 KiB by default).",
                "Split the instructions, or raise max_bytes.",
                rejects=True,
            ),
            Rule(
                "CM004",
                "outside-source",
                _E,
                "The file resolves outside the source folder (a symlink); it is neither read nor published.",
                "Put the file itself in the source folder.",
                rejects=True,
            ),
            Rule(
                "CM005",
                "yaml-syntax",
                _E,
                "The YAML header does not parse, or its '---' is never closed.",
                "Fix the YAML at the line given (indent with spaces, quote values that contain ': ').",
                rejects=True,
            ),
            Rule(
                "CM006",
                "header-not-mapping",
                _E,
                "The YAML header is a list or a single value.",
                "Write the header as 'key: value' lines.",
                rejects=True,
            ),
            Rule(
                "CM007",
                "yaml-expansion",
                _E,
                "The header nests too deeply or expands through aliases beyond a safe bound.",
                "Write the values out instead of using anchors and aliases.",
                rejects=True,
            ),
            Rule(
                "CM008",
                "field-type",
                _E,
                "A header field has a type the schema does not allow.",
                "Give the field the type the reference lists.",
                rejects=True,
            ),
            Rule(
                "CM009",
                "unexpected-failure",
                _E,
                "Checking the file failed in an unexpected way (a defect of the registry, not of the file's rules).",
                "Report it with the file to the registry's maintainers; the file is rejected, the rest still builds.",
                rejects=True,
            ),
            Rule(
                "CM010",
                "unsafe-file-name",
                _E,
                "The file's path holds bytes that are not UTF-8 or control characters (C0, DEL, C1): "
                "it cannot be written into the catalog's JSON and pages, and it would rewrite a "
                "terminal. The file is neither read nor published; the path is shown escaped "
                "('\\xff'). The same names are left out of the catalog's 'removed' list when they "
                "come from git history, and refused in a baseline's or a site's catalog.json.",
                "Rename the file (or folder) with printable UTF-8 characters.",
                rejects=True,
            ),
            Rule(
                "CM101",
                "missing-description",
                _W,
                "The header has no description, or an empty one.",
                "Add 'description:': VS Code shows it in the agent picker.",
            ),
            Rule(
                "CM102",
                "unknown-key",
                _W,
                "The header has a key VS Code and GitHub do not document.",
                "Remove the key or fix its spelling.",
            ),
            Rule(
                "CM103",
                "deprecated-key",
                _W,
                "The header uses the old spelling 'user-invokable'.",
                "Write 'user-invocable'.",
            ),
            Rule(
                "CM115",
                "reasoning-effort-value",
                _W,
                "'reasoning-effort' is not one of low, medium, high, xhigh, max.",
                "Use one of those values, or leave the key out for the model's default.",
            ),
            Rule(
                "CM116",
                "github-permissions",
                _E,
                "'github' is not as VS Code reads it: only 'permissions', a mapping of known token scopes "
                "to a value each scope allows (an unknown scope or property is a warning).",
                "Write github: {permissions: {contents: read, ...}} with the scopes and values the reference lists.",
            ),
            Rule(
                "CM117",
                "infer-removed",
                _E,
                "The header uses 'infer': VS Code reports an error, and GitHub's reference lists it as retired.",
                "Use 'user-invocable' (picker) and 'disable-model-invocation' (subagent use) instead.",
            ),
            Rule(
                "CM118",
                "duplicate-handoff-label",
                _E,
                "Two handoffs share a label, ignoring case; VS Code reports an error and a button's label "
                "must name one handoff.",
                "Give every handoff its own label.",
            ),
            Rule(
                "CM119",
                "not-a-boolean",
                _E,
                'A boolean field holds text, such as "true" in quotes; VS Code reports an error and ignores '
                "the value.",
                "Write true or false without quotes; 'chatmodes fix' unquotes a quoted true or false "
                "(in any case).",
                fixable=True,
            ),
            Rule(
                "CM126",
                "number-as-text",
                _I,
                "A key whose value is text holds a plain number or boolean (description: 12, "
                "model: 1.50). VS Code 1.140 keeps every scalar's text, so it reads the text as "
                "written; GitHub's reference documents a string, and a YAML loader that types "
                "scalars reads a number (1.50 as 1.5). Information only: the registry also reads "
                "the text as written.",
                "Quote the value ('12') so that every reader sees the same text.",
            ),
            Rule(
                "CM120",
                "agents-without-agent-tool",
                _W,
                "'agents' lists subagents but 'tools' has no 'agent' tool, so the agent cannot run them.",
                "Add 'agent' to tools, or remove agents.",
            ),
            Rule(
                "CM121",
                "github-only-key",
                _I,
                "'mcp-servers' or 'metadata' in a file VS Code reads: only GitHub Copilot uses them, VS Code "
                "ignores them when it runs the agent.",
                "Nothing to do for GitHub; set target: github-copilot if the agent is meant only for GitHub.",
            ),
            Rule(
                "CM122",
                "key-outside-github-target",
                _W,
                "A key VS Code does not accept under target: github-copilot (info when GitHub's own "
                "reference documents it).",
                "Remove the key, or remove target: github-copilot so that VS Code reads the file too.",
            ),
            Rule(
                "CM123",
                "misspelled-tool",
                _W,
                "A tool name that is one slip from a VS Code tool or tool set ('serch/codebase', "
                "'search/codebse', 'edtiFiles'); VS Code ignores it.",
                "Write the name suggested.",
            ),
            Rule(
                "CM124",
                "unknown-model",
                _I,
                "'model' names a model neither GitHub nor VS Code documents (as of the registry's model "
                "list); VS Code ignores it and uses the model picker's choice.",
                "Check the name; the closest documented one is suggested.",
            ),
            Rule(
                "CM125",
                "retired-model",
                _W,
                "'model' names a model GitHub Copilot has retired; it no longer runs.",
                "Use the replacement named.",
            ),
            Rule(
                "CM110",
                "tools-string",
                _W,
                "'tools' is one comma-separated string; VS Code and GitHub read it as a list.",
                "Write tools as a YAML list; 'chatmodes fix' rewrites it.",
                fixable=True,
            ),
            Rule(
                "CM111",
                "handoff-incomplete",
                _E,
                "A handoff lacks 'label', 'agent' or 'prompt', or its label has no letter or digit; VS Code "
                "reports an error and drops it (no button).",
                "Give every handoff a label, an agent and a prompt (the prompt may be empty: prompt: '').",
            ),
            Rule(
                "CM112",
                "unknown-target",
                _W,
                "'target' is neither 'vscode' nor 'github-copilot'.",
                "Use one of them, or leave target out for both.",
            ),
            Rule(
                "CM113",
                "yaml11-boolean",
                _W,
                "A boolean field is written 'yes', 'no', 'on', 'off' (or another case of true/false); "
                "VS Code reads only true and false.",
                "Write true or false; 'chatmodes fix' rewrites it.",
                fixable=True,
            ),
            Rule(
                "CM114",
                "unknown-tool",
                _I,
                "A tool name is neither a VS Code tool or tool set, an MCP 'server/*' or 'server/tool', "
                "nor an extension tool, nor close to one; VS Code ignores it (reported only where VS Code "
                "reads the tools). A plain name may be a tool set of the user's own.",
                "Correct the name (the closest known name is suggested) or remove it.",
            ),
            Rule(
                "CM104",
                "tools-not-strings",
                _E,
                "'tools' is not a list of strings.",
                "Write tools as a YAML list of tool names.",
                rejects=True,
            ),
            Rule(
                "CM105",
                "duplicate-tool",
                _W,
                "A tool is listed more than once.",
                "Remove the repeated entry.",
            ),
            Rule(
                "CM106",
                "deprecated-tool",
                _W,
                "A tool has a legacy name VS Code has renamed.",
                "Use the current name; 'chatmodes fix' renames it.",
                fixable=True,
            ),
            Rule(
                "CM109",
                "retired-tool",
                _I,
                "A tool name VS Code no longer offers and names no replacement for.",
                "VS Code ignores it; remove it when convenient.",
            ),
            Rule(
                "CM107",
                "odd-model",
                _W,
                "'model' looks malformed: empty, an empty list, a list item that is not a name, several "
                "names in one string, or stray quotes.",
                "Give one model name, or a YAML list of names.",
            ),
            Rule(
                "CM108",
                "header-without-delimiters",
                _W,
                "The file starts with 'key: value' lines but has no '---' header, so they are read as text.",
                "Put a line '---' before and after the header.",
            ),
            Rule(
                "CM201",
                "empty-body",
                _W,
                "There are no instructions below the header.",
                "Write the instructions the chat mode gives the model.",
            ),
            Rule(
                "CM202",
                "mojibake",
                _W,
                "Text was decoded with the wrong encoding (e.g. 'â€“' for '–').",
                "Replace it with the repaired text shown; 'chatmodes fix' does it.",
                fixable=True,
            ),
            Rule(
                "CM203",
                "hidden-character",
                _W,
                "A character a reader cannot see but the model reads: zero-width characters, Unicode "
                "tag characters (which can spell a whole hidden instruction), bidirectional marks and "
                "controls, invisible operators, Hangul fillers, U+034F, variation selectors outside "
                "emoji, and control characters (ESC sequences, BEL, the other C0 and C1 controls, a "
                "carriage return without a line feed), which hide or overwrite text in a terminal, "
                "cat or git diff; in the text, in header values written as YAML escapes, or in the "
                "file name. Joiners and selectors inside emoji sequences, tabs and CRLF line breaks "
                "are not reported.",
                "Delete them; 'chatmodes fix' removes them and makes a lone carriage return a line "
                "break (the page and the source view show each one).",
                fixable=True,
            ),
            Rule(
                "CM204",
                "body-too-long",
                _W,
                f"The instructions are longer than {MAX_BODY_CHARACTERS:,} characters; GitHub truncates them.",
                "Shorten the instructions or move reference material to files the agent can read.",
            ),
            Rule(
                "CM301",
                "slug-collision",
                _W,
                "The file name gives an empty, reserved or shared slug; a suffix was added.",
                "Rename the file so that its slug is unique.",
            ),
            Rule(
                "CM302",
                "dangling-transition",
                _E,
                "A transition names a chat mode that is not in the catalog (info when single files or a "
                "workspace are checked: there it names the install command).",
                "Add the chat mode, correct the name, or remove the transition; a handoff or subagent "
                "needs the agent's exact name.",
            ),
            Rule("CM303", "self-transition", _W, "A chat mode switches to itself.", "Remove the transition."),
            Rule(
                "CM304",
                "builtin-transition",
                _I,
                "A transition goes to a VS Code built-in agent.",
                "Nothing to do; it is listed so that it is not mistaken for a dangling transition.",
            ),
            Rule(
                "CM305",
                "ambiguous-transition",
                _W,
                "A prose transition matches several chat modes (by slug or name); reported on the "
                "referring file and on every candidate, with the one chosen and why.",
                "Name the chat mode by its slug, and give the others distinct names.",
            ),
            Rule(
                "CM306",
                "agent-name-clash",
                _W,
                "An agent's VS Code name (its 'name', else its file name) is also a built-in agent's or "
                "another chat mode's; VS Code picks the built-in one, or the first custom agent it lists.",
                "Give each agent its own name.",
            ),
            Rule(
                "CM308",
                "look-alike-name",
                _W,
                "A chat mode's name looks like another's (the same Unicode confusables skeleton, UTS #39) "
                "but is written with different characters, such as a Greek 'Ε' for 'E'.",
                "Rename one of them, with the characters a reader expects.",
            ),
            Rule(
                "CM309",
                "unportable-name",
                _W,
                "A path or slug that Windows or macOS cannot hold: a Windows device name (CON, PRN, "
                "AUX, NUL, COM1-COM9, LPT1-LPT9, also with an extension, such as con.agent.md or the "
                "page folder catalog/con/), a name ending in a dot or a space, a character Windows "
                "refuses (a colon, question mark, asterisk, quote, angle bracket, vertical bar or "
                "backslash), or two paths that differ only by case (one file on macOS and "
                "Windows).",
                "Rename the file (or folder) so that every part is a portable, case-distinct name.",
            ),
            Rule(
                "CM307",
                "target-not-invocable",
                _W,
                "A handoff goes to an agent with 'user-invocable: false', or 'agents' lists one with "
                "'disable-model-invocation: true': VS Code does not invoke it that way.",
                "Point the transition at an agent that can be invoked that way, or change the target's header.",
            ),
            Rule(
                "CM401",
                "not-in-marketplace",
                _W,
                "'chatmodes marketplace' leaves the file out of the plugin marketplace: it is rejected, or "
                "its slug cannot be a plugin name (lower-case words joined by hyphens, at most 64 characters).",
                "Fix the file's errors, or give it a shorter file name.",
            ),
            Rule(
                "CM402",
                "plugin-agent-renamed",
                _W,
                "Inside a plugin of the marketplace the file cannot keep its own file name (another file "
                "of the plugin has it, ignoring case, or it is not a portable file name), and without a "
                "'name' in its header its agent name there changes, so handoffs by the old name miss it.",
                "Add a 'name' to its header, or give it a unique, portable file name.",
            ),
        ),
        key=lambda rule: rule.code,
    )
}


#: At most this many names in one message; the rest are counted ("and 1,990 more").
MAX_LISTED = 5


def capped_list(items: list[str], limit: int = MAX_LISTED) -> str:
    """``a, b, c and 1,990 more``: a list for a message whose length does not grow with the input."""
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} and {rest:,} more" if rest > 0 else shown


def make(
    code: str, path: str, line: int | None, message: str, severity: Severity | None = None
) -> Diagnostic:
    """A diagnostic of rule ``code`` with the rule's severity unless ``severity`` is given."""
    return Diagnostic(path, line, code, severity or RULES[code].severity, message)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = vscode.schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def warm_up() -> None:
    """Load the schema and compile the validator now (before worker processes are forked)."""
    _validator()
    _const_keys()


def known_keys() -> frozenset[str]:
    """Header keys documented for chat modes and custom agents (the schema's properties)."""
    return frozenset(vscode.schema().get("properties", {}))


def _shape(value: Any) -> Any:
    """The JSON types of a value, recursively: all the header schema checks besides ``const``."""
    if isinstance(value, dict):
        return ("object", tuple((key, _shape(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", frozenset(_shape(item) for item in value))
    return type(value).__name__


@cache
def _const_keys() -> frozenset[str]:
    """Top-level keys whose schema pins a value (their values are part of a header's shape)."""
    return frozenset(
        key for key, spec in vscode.schema().get("properties", {}).items() if '"const"' in json.dumps(spec)
    )


#: Header shapes the schema accepted. The schema constrains types, required keys and (for a
#: few keys) constant values only, so a header with a shape seen valid before is valid too;
#: remembering that skips jsonschema for the common case of many similar headers.
_VALID_SHAPES: set[Any] = set()


def check_schema(path: str, header: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    """Type errors against the JSON Schema: CM104 for ``tools``, CM008 otherwise."""
    pinned = _const_keys()
    shape = (_shape(header), tuple(repr(header.get(key)) for key in sorted(pinned) if key in header))
    if shape in _VALID_SHAPES:
        return []
    found = []
    for error in sorted(_validator().iter_errors(header), key=lambda e: [str(p) for p in e.absolute_path]):
        where = [str(part) for part in error.absolute_path]
        if is_boolean_field(where):
            continue  # VS Code reports it and reads on: CM119 / CM113, not a rejection
        key = where[0] if where else ""
        field = ".".join(where) or "header"
        if key == "tools":
            found.append(
                make(
                    "CM104",
                    path,
                    lines.get(key),
                    f"'{field}': {error.message}; write tools as a list of names",
                )
            )
        else:
            found.append(make("CM008", path, lines.get(key), f"'{field}': {error.message}"))
    if not found and len(_VALID_SHAPES) < 4096:
        _VALID_SHAPES.add(shape)
    return found


#: The item schema of a list whose items the header schema does not constrain: VS Code reads
#: a scalar there as its text (see :func:`read_scalars_as_text`).
_ANY_ITEM: dict[str, Any] = {"type": "string"}


def _schema_wants_text(path: tuple[str, ...]) -> bool:
    """True when the header schema wants a string, and no number or boolean, at ``path`` (keys,
    and list indexes as digits): ``("description",)``, ``("handoffs", "0", "label")``,
    ``("tools", "2")``, ``("model", "1")``."""
    specs: list[dict[str, Any]] = [vscode.schema()]
    for part in path:
        following: list[dict[str, Any]] = []
        for spec in specs:
            for option in spec.get("anyOf", [spec]):
                if part.isdigit() and option.get("type") == "array":
                    # An item the schema leaves open (``model``'s list, whose items are checked
                    # by CM107) is, as every scalar, read by VS Code as its text.
                    following.append(option.get("items", _ANY_ITEM))
                elif option.get("type") == "object" and part in option.get("properties", {}):
                    following.append(option["properties"][part])
        specs = following
    types = {option.get("type") for spec in specs for option in spec.get("anyOf", [spec])}
    return "string" in types and not types & {"number", "integer", "boolean"}


def read_scalars_as_text(
    header: dict[str, Any], typed_scalars: list[tuple[tuple[str, ...], int, str]]
) -> tuple[dict[str, Any], list[tuple[tuple[str, ...], int, str]]]:
    """The header with every plain number or boolean where the schema wants a string replaced
    by its text as written (``1.50`` stays ``"1.50"``), and the ``(path, line, text)`` of those.

    VS Code 1.140 keeps each YAML scalar as its text (microsoft/vscode at 047238f9fe1b,
    ``promptSyntax/promptFileParser.ts``: a header value is a scalar, a sequence or a map, and a
    scalar's value is a string; ``languageProviders/promptValidator.ts`` reports "must be a
    string" for ``name``, ``description``, ``argument-hint`` and ``model`` only when the value is
    not a scalar). A mapping or list where a string is wanted is still a type error (CM008).
    Costs one step per typed scalar times the path's depth.
    """
    read: list[tuple[tuple[str, ...], int, str]] = []
    for path, line, text in typed_scalars:
        if not _schema_wants_text(path):
            continue
        parent: Any = header
        for part in path[:-1]:
            parent = _child(parent, part)
        last = path[-1]
        # A repeated key keeps its last value only: the value there must still be the typed one.
        if isinstance(_child(parent, last), (bool, int, float)):
            if isinstance(parent, list):
                parent[int(last)] = text
            else:
                parent[last] = text
            read.append((path, line, text))
    return header, read


def _child(parent: Any, part: str) -> Any:
    """``parent[part]`` (an index for a list), or None where there is no such item."""
    if isinstance(parent, dict):
        return parent.get(part)
    if isinstance(parent, list) and part.isdigit() and int(part) < len(parent):
        return parent[int(part)]
    return None


def check_scalars_read_as_text(path: str, read: list[tuple[tuple[str, ...], int, str]]) -> list[Diagnostic]:
    """CM126 (info) for each value :func:`read_scalars_as_text` read as text."""
    return [
        make(
            "CM126",
            path,
            line,
            f"'{'.'.join(where)}: {text[:80]}' is a plain YAML number or boolean where text is wanted: "
            f"VS Code reads it as the text '{text[:80]}', but a loader that types YAML values (GitHub's "
            "may) reads a number or boolean; quote it so that every reader sees the same text",
        )
        for where, line, text in read[:MAX_PER_RULE]
    ]


#: Header keys whose value VS Code reads as a boolean, and the handoff fields it reads so.
BOOLEAN_KEYS = frozenset({"user-invocable", "user-invokable", "disable-model-invocation", "infer"})
_HANDOFF_BOOLEANS = frozenset({"send", "showContinueOn"})


def is_boolean_field(where: list[str] | tuple[str, ...]) -> bool:
    """True for the path of a value VS Code reads as a boolean: a top-level boolean key, or a
    handoff's ``send`` / ``showContinueOn`` (``["handoffs", "0", "send"]``; ``"[]"`` for any item)."""
    if len(where) == 1:
        return where[0] in BOOLEAN_KEYS
    return len(where) == 3 and where[0] == "handoffs" and where[2] in _HANDOFF_BOOLEANS


#: The ``target`` values VS Code and GitHub know (``promptValidator.validateTarget``).
TARGETS = ("vscode", "github-copilot")


def loose_boolean_value(text: str) -> str:
    """``true`` or ``false``: what a YAML 1.1 boolean spelling (``yes``, ``Off``...) means."""
    return "true" if text.lower() in ("yes", "y", "on", "true") else "false"


def vscode_reads_tools(header: dict[str, Any]) -> bool:
    """False when ``target: github-copilot``: VS Code does not check that file's tool names."""
    return header.get("target") != "github-copilot"


def check_header(
    path: str,
    header: dict[str, Any],
    lines: dict[str, int],
    item_lines: dict[str, list[int]],
    loose_booleans: list[tuple[tuple[str, ...], int, int, int, str]] | None = None,
) -> list[Diagnostic]:
    """Rules about the header's content: description, keys, deprecated keys, tools, model,
    target, handoffs and booleans."""
    found: list[Diagnostic] = []
    description = header.get("description")
    if not isinstance(description, str) or not description.strip():
        found.append(
            make(
                "CM101",
                path,
                lines.get("description", 1),
                "no description: add 'description:' with one sentence on what this chat mode does",
            )
        )
    found += _check_keys(path, header, lines)
    found += _check_tools(path, header, lines, item_lines)
    found += _check_model(path, header, lines, item_lines)
    found += _check_reasoning_effort(path, header, lines)
    found += _check_github(path, header, lines)
    found += _check_agents_tool(path, header, lines)
    target = header.get("target")
    if isinstance(target, str) and target.strip() not in TARGETS:
        found.append(
            make(
                "CM112",
                path,
                lines.get("target"),
                f"target {target!r} is neither 'vscode' nor 'github-copilot': VS Code reports an error "
                "and GitHub ignores the agent's target; use one of them or leave target out (both)",
            )
        )
    found += _check_handoffs(path, header, lines, item_lines)
    loose = {key_path for key_path, _line, _start, _end, _text in loose_booleans or ()}
    found += _check_booleans(path, header, lines, item_lines, loose)
    for key_path, line, _start, _end, text in loose_booleans or ():
        if is_boolean_field(key_path):
            value = loose_boolean_value(text)
            found.append(
                make(
                    "CM113",
                    path,
                    line,
                    f"'{'.'.join(k for k in key_path if k != '[]')}: {text}' is a YAML 1.1 boolean; VS Code "
                    f"reads only true and false, so it ignores this value: write {value} "
                    "(chatmodes fix rewrites it)",
                )
            )
    return found


def _check_keys(path: str, header: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    """Unknown, deprecated and removed keys, and keys for one side only (VS Code or GitHub)."""
    found: list[Diagnostic] = []
    properties = vscode.schema().get("properties", {})
    for_github = header.get("target") == "github-copilot"
    for key in header:
        line = lines.get(key)
        if key not in properties:
            found.append(make("CM102", path, line, f"unknown key '{key}': remove it or fix its spelling"))
        elif key == "infer":
            found.append(
                make(
                    "CM117",
                    path,
                    line,
                    "'infer' was removed: VS Code reports an error and GitHub lists it as retired; use "
                    "'user-invocable' (agent picker) and 'disable-model-invocation' (subagent use)",
                )
            )
        elif key == "user-invokable":
            found.append(make("CM103", path, line, "'user-invokable' is deprecated: write 'user-invocable'"))
        elif for_github and key not in vscode.github_target_keys():
            documented = key in vscode.github_documented_keys()
            found.append(
                make(
                    "CM122",
                    path,
                    line,
                    f"'{key}' is not accepted under target: github-copilot by VS Code"
                    + (
                        ", though GitHub's reference documents it"
                        if documented
                        else ", and GitHub Copilot does not use it either; remove it"
                    ),
                    Severity.INFO if documented else None,
                )
            )
        elif not for_github and key in vscode.github_only_keys():
            found.append(
                make(
                    "CM121",
                    path,
                    line,
                    f"'{key}' is read by GitHub Copilot only: VS Code ignores it when it runs the agent",
                )
            )
    return found


def _check_reasoning_effort(path: str, header: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    value = header.get("reasoning-effort")
    allowed = vscode.reasoning_efforts()
    if not isinstance(value, str) or value in allowed:
        return []
    return [
        make(
            "CM115",
            path,
            lines.get("reasoning-effort"),
            f"reasoning-effort {_shown(value)} is not one of {', '.join(allowed)}: use one of them",
        )
    ]


def _check_github(path: str, header: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    """``github.permissions`` as VS Code's ``validateGithubPermissions`` checks it."""
    github = header.get("github")
    if not isinstance(github, dict):
        return []
    line = lines.get("github")
    scopes = vscode.github_permission_scopes()
    found: list[Diagnostic] = []
    for key, value in github.items():
        if key != "permissions":
            found.append(
                make(
                    "CM116",
                    path,
                    line,
                    f"github.{_shown(key)} is not read: only 'permissions' is",
                    Severity.WARNING,
                )
            )
        elif not isinstance(value, dict):
            found.append(
                make("CM116", path, line, "github.permissions must be a mapping of scopes to values")
            )
        else:
            for scope, level in value.items():
                if scope not in scopes:
                    found.append(
                        make(
                            "CM116",
                            path,
                            line,
                            f"github.permissions has an unknown scope {_shown(scope)}: known scopes are "
                            f"{capped_list(sorted(scopes), limit=len(scopes))}",
                            Severity.WARNING,
                        )
                    )
                elif level not in scopes[scope]:
                    found.append(
                        make(
                            "CM116",
                            path,
                            line,
                            f"github.permissions.{scope} is {_shown(level)}: allowed values are "
                            f"{', '.join(scopes[scope])}",
                        )
                    )
    return found[:MAX_PER_RULE]


def _check_agents_tool(path: str, header: dict[str, Any], lines: dict[str, int]) -> list[Diagnostic]:
    """VS Code warns when ``agents`` names subagents and ``tools`` is given without ``agent``
    (``validateAgentsAttribute``; only where VS Code reads the file)."""
    agents, tools = header.get("agents"), header.get("tools")
    if not vscode_reads_tools(header) or not isinstance(agents, list):
        return []
    if not any(isinstance(item, str) and item for item in agents):
        return []
    names = vscode.split_tools(tools) if isinstance(tools, str) else tools
    if not isinstance(names, list) or "agent" in names:
        return []
    return [
        make(
            "CM120",
            path,
            lines.get("agents"),
            "agents lists subagents, but tools has no 'agent' tool, so VS Code cannot run them: add "
            "'agent' to tools",
        )
    ]


def _check_booleans(
    path: str,
    header: dict[str, Any],
    lines: dict[str, int],
    item_lines: dict[str, list[int]],
    loose: set[tuple[str, ...]],
) -> list[Diagnostic]:
    """CM119 for a boolean field that holds anything but a boolean (a YAML 1.1 spelling written
    plain is CM113's)."""
    found: list[Diagnostic] = []

    def check(value: Any, where: tuple[str, ...], line: int | None) -> None:
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, str) and where in loose and value.lower() in _LOOSE_WORDS:
            return
        shown = f'"{value[:80]}"' if isinstance(value, str) else _shown(value)
        fixed = isinstance(value, str) and value.strip().lower() in ("true", "false")
        found.append(
            make(
                "CM119",
                path,
                line,
                f"'{'.'.join(part for part in where if part != '[]')}' is {shown}, not a boolean: VS Code "
                "reports an error and ignores it; write true or false without quotes"
                + (" (chatmodes fix unquotes it)" if fixed else ""),
            )
        )

    for key in sorted(BOOLEAN_KEYS & header.keys()):
        check(header[key], (key,), lines.get(key))
    handoffs = header.get("handoffs")
    if isinstance(handoffs, list):
        handoff_lines = item_lines.get("handoffs", [])
        for index, item in enumerate(handoffs):
            if isinstance(item, dict):
                line = handoff_lines[index] if index < len(handoff_lines) else lines.get("handoffs")
                for key in sorted(_HANDOFF_BOOLEANS & item.keys()):
                    check(item[key], ("handoffs", "[]", key), line)
    return found[:MAX_PER_RULE]


def _shown(value: Any) -> str:
    """A header value for a message, cut so that a message's length does not grow with it."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


#: What YAML 1.1 reads as a boolean, in lower case (CM113 reports these when written plain).
_LOOSE_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off"})


def _check_tools(
    path: str, header: dict[str, Any], lines: dict[str, int], item_lines: dict[str, list[int]]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    tools = header.get("tools")
    if isinstance(tools, str):
        items = vscode.split_tools(tools)
        found.append(
            make(
                "CM110",
                path,
                lines.get("tools"),
                f"tools is a comma-separated string, read as {len(items)} tool(s); write it as a YAML list "
                "(chatmodes fix rewrites it)",
            )
        )
        tool_lines: list[int | None] = [lines.get("tools")] * len(items)
        tools = items
    elif isinstance(tools, list):
        tool_lines = list(item_lines.get("tools", []))
    else:
        return found
    reads = vscode_reads_tools(header)
    seen: set[str] = set()
    suggestions: _ToolSuggestions | None = None
    for index, tool in enumerate(tools):
        if not isinstance(tool, str):
            continue
        line = tool_lines[index] if index < len(tool_lines) else lines.get("tools")
        if tool in seen:
            found.append(make("CM105", path, line, f"tool '{tool}' is listed twice: remove one"))
        seen.add(tool)
        if not reads:
            continue  # target: github-copilot: GitHub's aliases are fine, VS Code does not look
        replacements = vscode.legacy_tool_replacements(tool)
        alias = vscode.github_alias(tool)
        if replacements:
            new = ", ".join(f"'{name}'" for name in replacements)
            also = f" (GitHub Copilot reads it as its alias of '{alias}')" if alias else ""
            found.append(
                make(
                    "CM106",
                    path,
                    line,
                    f"tool '{tool}' was renamed: VS Code reads it as {new}{also}; "
                    f"use {new} (chatmodes fix renames it)",
                )
            )
        elif vscode.retired_tool_reason(tool):
            found.append(
                make("CM109", path, line, f"tool '{tool}' is no longer offered by VS Code, which ignores it")
            )
        elif tool.strip() and not vscode.is_known_tool(tool):
            suggestions = suggestions or _ToolSuggestions()
            finding = _unknown_tool(path, line, tool, alias, suggestions)
            if finding is not None:
                found.append(finding)
    return found


def _unknown_tool(
    path: str, line: int | None, tool: str, alias: str | None, suggestions: _ToolSuggestions
) -> Diagnostic | None:
    """CM123 (warning) for a name one slip from a VS Code tool, CM114 (info) for other names
    VS Code does not know, nothing for what is plausibly an MCP server's or an extension's tool.

    A namespace VS Code does not define may be an MCP server (``github/*``) or an extension
    (``ms-python.python/getEnv``: a dot in the namespace), and a name with two or more slashes
    is one by VS Code's own reading; such a name is questioned only when its namespace is one
    slip from a built-in tool set, and then as a warning only when the corrected name is a real
    tool (``serch/codebase``), not for a wildcard (``serch/*`` may be a server named so).
    """
    if vscode.is_foreign_tool(tool):
        namespace, leaf = tool.split("/", 1)
        if "." in namespace or "/" in leaf:
            return None
        corrected_set = suggestions.closest_set(namespace)
        if corrected_set is None:
            return None
        corrected = f"{corrected_set}/{leaf}"
        if leaf != "*" and vscode.is_known_tool(corrected):
            return make(
                "CM123",
                path,
                line,
                f"tool '{tool}' is one slip from VS Code's '{corrected}'; VS Code ignores '{tool}' unless "
                f"an MCP server is named '{namespace}': write '{corrected}'",
            )
        leaf_hint = suggestions.closest(corrected) if leaf != "*" else corrected
        hint = f": did you mean '{leaf_hint}'?" if leaf_hint else ""
        return make(
            "CM114",
            path,
            line,
            f"tool '{tool}' names no VS Code tool set; if '{namespace}' is not an MCP server, VS Code "
            f"ignores it{hint}",
        )
    close = suggestions.closest(tool)
    if alias is not None:
        hint = f": did you mean '{close}'?" if close else ""
        return make(
            "CM114",
            path,
            line,
            f"tool '{tool}' is not a VS Code tool, an MCP 'server/tool' or an extension tool; GitHub "
            f"Copilot reads it as '{alias}', but VS Code ignores it{hint}",
        )
    if close is not None and close != tool:
        return make(
            "CM123",
            path,
            line,
            f"tool '{tool}' is one slip from VS Code's '{close}', and VS Code ignores '{tool}': "
            f"write '{close}'",
        )
    return make(
        "CM114",
        path,
        line,
        f"tool '{tool}' is not a VS Code tool, an MCP 'server/tool' or an extension tool; VS Code "
        "ignores it unless it is a tool set of your own",
    )


class _ToolSuggestions:
    """Closest known tool names, compared by their last segment (``codebse`` -> ``search/codebase``)."""

    def __init__(self) -> None:
        self.names = vscode.known_tool_names()
        self.by_leaf: dict[str, str] = {}
        for name in self.names:
            self.by_leaf.setdefault(name.rsplit("/", 1)[-1].lower(), name)

    def closest(self, tool: str) -> str | None:
        """The known name whose last segment is ``tool``'s, or is closest to it; a name in a
        built-in tool set prefers that set's tools (``search/codebse`` -> ``search/codebase``)."""
        namespace, _, leaf = tool.rpartition("/")
        leaf = leaf.lower()[:100]
        if namespace and vscode.is_tool_set(namespace):
            in_set = {
                name.rsplit("/", 1)[-1].lower(): name
                for name in self.names
                if name.startswith(namespace + "/")
            }
            close = difflib.get_close_matches(leaf, list(in_set), n=1, cutoff=0.75)
            if close:
                return in_set[close[0]]
        if leaf in self.by_leaf:
            return self.by_leaf[leaf]
        close = difflib.get_close_matches(leaf, list(self.by_leaf), n=1, cutoff=0.75)
        return self.by_leaf[close[0]] if close else None

    def closest_set(self, namespace: str) -> str | None:
        """The built-in tool set one slip from ``namespace`` (case or a letter), or ``None``."""
        sets = {name.lower(): name for name in vscode.facts()["tool_sets"]}
        folded = namespace.lower()[:100]
        if folded in sets:
            return sets[folded]
        close = difflib.get_close_matches(folded, list(sets), n=1, cutoff=0.75)
        return sets[close[0]] if close else None


def _check_model(
    path: str, header: dict[str, Any], lines: dict[str, int], item_lines: dict[str, list[int]]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    model = header.get("model")
    if isinstance(model, list) and not model:
        return [
            make(
                "CM107",
                path,
                lines.get("model"),
                "model is an empty list: VS Code reports an error; give one model name or leave model out",
            )
        ]
    models = model if isinstance(model, list) else [model] if isinstance(model, str) else []
    model_lines = item_lines.get("model", []) if isinstance(model, list) else []
    for index, value in enumerate(models):
        line = model_lines[index] if index < len(model_lines) else lines.get("model")
        if not isinstance(value, str):
            found.append(
                make(
                    "CM107",
                    path,
                    line,
                    f"model list item {value!r} is not a name: VS Code reports an error; write model names",
                )
            )
        elif not value.strip() or re.search(r"[|,'\"\n]", value):
            found.append(
                make(
                    "CM107",
                    path,
                    line,
                    f"model {value!r} looks malformed: give one model name, or a YAML list of names",
                )
            )
        else:
            finding = _model_finding(path, line, value)
            if finding is not None:
                found.append(finding)
    return found


def _model_finding(path: str, line: int | None, value: str) -> Diagnostic | None:
    """CM125 for a model GitHub has retired, CM124 for one neither GitHub nor VS Code documents."""
    if vscode.known_model(value):
        return None
    retired = vscode.retired_model(value)
    if retired is not None:
        model, date, replacement = retired
        return make(
            "CM125",
            path,
            line,
            f"model {_shown(value)} is {model}, which GitHub Copilot retired on {date}: it no longer runs, and "
            f"VS Code falls back to the model picker's choice; use '{replacement}'",
        )
    close = vscode.closest_model(value)
    hint = f"; the closest documented model is '{close}'" if close else ""
    return make(
        "CM124",
        path,
        line,
        f"model {_shown(value)} is not a model GitHub or VS Code documents (list of "
        f"{vscode.models()['read']}): VS Code ignores an unknown model{hint}",
    )


def _check_handoffs(
    path: str, header: dict[str, Any], lines: dict[str, int], item_lines: dict[str, list[int]]
) -> list[Diagnostic]:
    """Handoffs as VS Code's ``validateHandoffs`` checks them (where VS Code reads the file):
    ``label``, ``agent`` and ``prompt`` required, a label with a letter or digit and unique
    ignoring case, no other properties than ``send``, ``showContinueOn`` and ``model``."""
    handoffs = header.get("handoffs")
    if not isinstance(handoffs, list) or not vscode_reads_tools(header):
        return []
    found: list[Diagnostic] = []
    handoff_lines = item_lines.get("handoffs", [])
    labels: dict[str, str] = {}
    for index, item in enumerate(handoffs):
        if not isinstance(item, dict):
            continue
        line = handoff_lines[index] if index < len(handoff_lines) else lines.get("handoffs")
        missing = [
            key
            for key in ("label", "agent", "prompt")
            if not isinstance(item.get(key), str) or (key != "prompt" and not item[key].strip())
        ]
        target = item.get("agent") if isinstance(item.get("agent"), str) else "?"
        if missing:
            names = ", ".join(f"'{key}'" for key in missing)
            found.append(
                make(
                    "CM111",
                    path,
                    line,
                    f"handoff to '{target}' has no {names}: VS Code reports an error and drops a handoff "
                    "without a label, an agent and a prompt, so no button is shown; add them",
                )
            )
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            pass
        elif not any(char.isascii() and char.isalnum() for char in label):
            found.append(
                make(
                    "CM111",
                    path,
                    line,
                    f"handoff label {_shown(label)} has no letter or digit: VS Code reports an error; write a label",
                )
            )
        elif label.lower() in labels:
            found.append(
                make(
                    "CM118",
                    path,
                    line,
                    f"handoff label {_shown(label)} is also the label of an earlier handoff "
                    f"({_shown(labels[label.lower()])}), ignoring case: VS Code reports an error; give each its own",
                )
            )
        else:
            labels[label.lower()] = label
        model = item.get("model")
        if isinstance(model, str) and model.strip():
            finding = _model_finding(path, line, model)
            if finding is not None:
                found.append(finding)
        for key in item:
            if key not in _HANDOFF_FIELDS:
                found.append(
                    make(
                        "CM102",
                        path,
                        line,
                        f"unknown handoff property {_shown(key)}: a handoff has label, agent, prompt and optional "
                        "send, showContinueOn, model",
                    )
                )
    return found


_HANDOFF_FIELDS = frozenset({"label", "agent", "prompt", "send", "showContinueOn", "model"})


_HEADER_LIKE = re.compile(r"^(description|tools|model|name|handoffs|argument-hint|target)\s*:")


def check_undelimited(path: str, text: str) -> list[Diagnostic]:
    """CM108: a file without ``---`` whose first line looks like a header field."""
    first = text.lstrip("\n").split("\n", 1)[0]
    if _HEADER_LIKE.match(first):
        line = len(text) - len(text.lstrip("\n")) + 1
        return [
            make(
                "CM108",
                path,
                line,
                "the file starts with header fields but no '---' line: put '---' before and after them",
            )
        ]
    return []


def check_body(path: str, body: str, body_line: int) -> list[Diagnostic]:
    """Rules about the instructions: empty, too long."""
    if not body.strip():
        return [
            make(
                "CM201",
                path,
                body_line,
                "no instructions below the header: write what the chat mode should do",
            )
        ]
    if len(body) > MAX_BODY_CHARACTERS:
        return [
            make(
                "CM204",
                path,
                body_line,
                f"instructions are {len(body):,} characters; GitHub truncates custom agent prompts at "
                f"{MAX_BODY_CHARACTERS:,}",
            )
        ]
    return []


# Mojibake of UTF-8 read as cp1252 / Latin-1 always shows a lead-byte character from this range;
# only lines that have one are handed to ftfy, which is costly per line.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4]")


def repair_line(line: str) -> str:
    """The line with mojibake repaired (unchanged when there is none)."""
    if not _MOJIBAKE_HINT.search(line):
        return line
    return _fix_encoding(line)


@functools.lru_cache(maxsize=1024)
def _fix_encoding(line: str) -> str:
    # ftfy is costly per line, and copied files repeat the same broken lines.
    return ftfy.fix_encoding(line)


def _changed_span(before: str, after: str) -> tuple[str, str]:
    """The part of ``before`` that differs from ``after``, widened to whole words on each side."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before -= 1
        end_after -= 1
    left = before.rfind(" ", 0, max(start - 1, 0)) + 1 if start else 0
    right_before = before.find(" ", end_before + 1)
    right_before = len(before) if right_before < 0 else right_before
    right_after = right_before - len(before) + len(after)
    broken, fixed = before[left:right_before].strip(), after[left:right_after].strip()
    while broken and fixed and broken[0] == fixed[0] and broken[0] in _MARKUP:
        broken, fixed = broken[1:], fixed[1:]
    while broken and fixed and broken[-1] == fixed[-1] and broken[-1] in _MARKUP:
        broken, fixed = broken[:-1], fixed[:-1]
    return broken, fixed


_MARKUP = "*_`\"'()[]{}<>.,;:!?"


def check_text(path: str, text: str, original: str | None = None) -> list[Diagnostic]:
    """Rules about characters anywhere in the file: mojibake (CM202), hidden characters (CM203).

    ``text`` has its line breaks normalised to ``\n``; ``original`` is the decoded file before
    that, where a carriage return that ends no CRLF pair is still seen (CM203 too).
    """
    found = _check_mojibake(path, text)
    found += _check_hidden(path, text)
    if original is not None:
        found += _check_bare_returns(path, original)
    return found


_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def _check_bare_returns(path: str, original: str) -> list[Diagnostic]:
    """CM203 for each carriage return not followed by a line feed, at the line it ends.

    VS Code (and so the model) reads it as a line break; ``cat``, ``git diff`` and a terminal
    return to the start of the line instead, so what follows overwrites what a reviewer sees.
    Lines are counted as everywhere else (CRLF, CR and LF each end one), in one pass.
    """
    if "\r" not in original:
        return []
    found: list[Diagnostic] = []
    count = 0
    line_number = 1
    line_start = 0
    for match in _LINE_BREAKS.finditer(original):
        if match.group() == "\r":
            count += 1
            if count <= MAX_PER_RULE:
                found.append(
                    make(
                        "CM203",
                        path,
                        line_number,
                        f"{hidden.describe(chr(13))} at column {match.start() - line_start + 1:,} is not "
                        "followed by a line feed: a terminal, cat and git diff print what follows over "
                        "this line, while the model reads both; delete it (chatmodes fix makes it a line "
                        "break)",
                    )
                )
        line_number += 1
        line_start = match.end()
    if count > MAX_PER_RULE:
        found.append(
            make("CM203", path, None, f"{count - MAX_PER_RULE} more carriage returns without a line feed")
        )
    return found


def _check_mojibake(path: str, text: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    count = 0
    position = 0
    line_index = 0
    counted = 0
    while (match := _MOJIBAKE_HINT.search(text, position)) is not None:
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        line_index += text.count("\n", counted, start)
        counted = start
        position = end + 1
        finding = _check_line("CM202", text[start:end], match.start() - start)
        if finding is not None:
            count += 1
            if count <= MAX_PER_RULE:
                found.append(make("CM202", path, line_index + 1, finding))
        if end == len(text):
            break
    if count > MAX_PER_RULE:
        found.append(make("CM202", path, None, f"{count - MAX_PER_RULE} more lines with the same problem"))
    return found


def _hidden_summary(chars: list[tuple[int, str]]) -> str:
    """``U+200B ZERO WIDTH SPACE at column 3, ... and 12 more``, plus the text tag characters spell."""
    shown = ", ".join(f"{hidden.describe(char)} at column {column:,}" for column, char in chars[:3])
    message = f"{shown} and {len(chars) - 3:,} more" if len(chars) > 3 else shown
    spelled = hidden.tag_text("".join(char for _, char in chars[:10_000]))
    if spelled:
        message += f"; the tag characters spell {spelled[:200]!r}"
    return message


def _check_hidden(path: str, text: str) -> list[Diagnostic]:
    """CM203 once per line that holds hidden characters (each named with its column), capped."""
    if hidden.HIDDEN.search(text) is None:
        return []
    found: list[Diagnostic] = []
    lines = 0
    line_number = 1
    counted = 0
    current: list[tuple[int, str]] = []
    line_start = 0

    def flush() -> None:
        nonlocal lines
        if not current:
            return
        lines += 1
        if lines <= MAX_PER_RULE:
            found.append(
                make(
                    "CM203",
                    path,
                    line_number,
                    f"{len(current):,} hidden character(s) a reader cannot see but the model reads: "
                    f"{_hidden_summary(current)}; delete them (chatmodes fix removes them)",
                )
            )
        current.clear()

    for index in hidden.find(text):
        if index >= counted:
            breaks = text.count("\n", counted, index)
            if breaks:
                flush()
                line_number += breaks
                line_start = text.rfind("\n", 0, index) + 1
            counted = index
        current.append((index - line_start + 1, text[index]))
    flush()
    if lines > MAX_PER_RULE:
        found.append(make("CM203", path, None, f"{lines - MAX_PER_RULE} more lines with hidden characters"))
    return found


def check_hidden_values(
    path: str, header: dict[str, Any], lines: dict[str, int], header_text: str
) -> list[Diagnostic]:
    """CM203 for hidden characters that reach a header value through a YAML escape
    (``"Security Engineer\\u200b"``), which the raw-text scan cannot see."""
    found: list[Diagnostic] = []
    for key, value in header.items():
        strings: list[str] = []
        stack: list[Any] = [key, value]
        while stack and len(strings) < 10_000:
            item = stack.pop()
            if isinstance(item, str):
                strings.append(item)
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        chars: dict[str, None] = {}
        for string in strings:
            for index in hidden.find(string):
                if string[index] not in header_text:
                    chars.setdefault(string[index])
        if chars:
            names = capped_list([hidden.describe(char) for char in chars], limit=3)
            found.append(
                make(
                    "CM203",
                    path,
                    lines.get(key),
                    f"the value of '{hidden.remove(key)}' holds hidden character(s) written as YAML escapes: "
                    f"{names}; delete the escapes (chatmodes fix removes them)",
                )
            )
    return found


def check_unsafe_name(path: str) -> Diagnostic | None:
    """CM010 for a path that is not UTF-8 or holds control characters; the diagnostic names
    the path escaped (``old\\xff.agent.md``), so it can be printed and written anywhere."""
    problem = filenames.name_problem(path)
    if problem is None:
        return None
    return make(
        "CM010",
        filenames.escaped(path),
        None,
        f"the file name holds a {problem}: it cannot be published (or shown as it is); the file was "
        "not read: rename it with printable UTF-8 characters",
    )


def check_file_name(path: str) -> list[Diagnostic]:
    """CM203 for hidden or bidirectional characters in the file's path (they disguise its name)."""
    chars = [path[index] for index in hidden.find(path)]
    if not chars:
        return []
    return [
        make(
            "CM203",
            path,
            None,
            f"the file name holds hidden or bidirectional character(s): "
            f"{capped_list([hidden.describe(char) for char in dict.fromkeys(chars)], limit=3)}; "
            "rename the file",
        )
    ]


def _check_line(code: str, line: str, column: int) -> str | None:
    repaired = repair_line(line)
    if repaired == line:
        return None
    broken, fixed = _changed_span(line, repaired)
    return f"mojibake: '{broken}' should read '{fixed}' (chatmodes fix repairs it)"

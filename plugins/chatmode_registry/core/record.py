"""The ``catalog.json`` record (contract: "catalog.json"): its JSON Schema and its types.

The shipped schema, ``data/catalog.schema.json``, is the one definition of the format: a
build writes what it describes (``render.catalog_json``), :func:`catalog_problem` holds every
catalog read from a site or a file to it (``core.site.check_catalog``: ``install``,
``status``, ``diff``, a build's baseline), ``core.diff`` takes from it which fields it
compares and how (``x-diff``), and ``docs/reference.md`` is generated from it. The ``TypedDict`` classes below are the same
shape for the type checker; a test keeps the two in step.

Readers accept fields the schema does not name (a catalog from a newer release).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files as package_files
from typing import Any, NotRequired, TypedDict

import jsonschema
from jsonschema import Draft202012Validator

from chatmode_registry.core.filenames import escaped, name_problem
from chatmode_registry.core.marketplace import MarketplaceRecord

#: Version of the ``catalog.json`` format a build writes.
SCHEMA_VERSION = 1


class TransitionRecord(TypedDict):
    """One edge of the transition graph (``Transition.to_dict``)."""

    target: str | None
    text: str
    label: str
    reason: str
    via: str  # "handoff", "prose" or "subagent"
    line: int | None
    builtin: bool
    harnesses: NotRequired[list[str]]  # where the edge applies; absent in older catalogs


class DiagnosticRecord(TypedDict):
    """One problem in one file (``Diagnostic.to_dict(with_path=False)``)."""

    code: str
    severity: str  # "error", "warning" or "info"
    line: int | None
    message: str


class InvocationRecord(TypedDict):
    """How VS Code may invoke an agent."""

    user: bool
    model: bool
    subagents: str  # "any", "none", "listed" or "unset"


class ChatModeRecord(TypedDict):
    """One entry of ``chatmodes``."""

    slug: str
    name: str
    description: str
    model: str | list[str] | None
    tools: list[str]
    kind: str  # "agent" or "chatmode"
    source: str
    url: str
    raw_url: str
    sha256: str
    bytes: int
    body_sha256: str
    agent_name: str
    invocation: InvocationRecord
    transitions: list[TransitionRecord]
    diagnostics: list[DiagnosticRecord]
    history: NotRequired[list[str]]
    history_omitted: NotRequired[int]


class RejectedRecord(TypedDict):
    """One entry of ``rejected``: a file that gets no page."""

    source: str
    diagnostics: list[DiagnosticRecord]


class RemovedRecord(TypedDict):
    """A chat mode file the source folder's git history has and the folder no longer does."""

    slug: str
    source: str
    history: list[str]


class CatalogRecord(TypedDict):
    """The whole ``catalog.json`` document."""

    schema: int
    site_url: str | None
    chatmodes: list[ChatModeRecord]
    rejected: list[RejectedRecord]
    removed: NotRequired[list[RemovedRecord]]
    removed_omitted: NotRequired[int]
    marketplace: NotRequired[MarketplaceRecord | None]


@cache
def catalog_schema() -> dict[str, Any]:
    """The shipped JSON Schema of ``catalog.json`` (``data/catalog.schema.json``)."""
    text = package_files("chatmode_registry").joinpath("data", "catalog.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def chatmode_fields(kind: str) -> tuple[str, ...]:
    """The chat mode record fields whose ``x-diff`` annotation is ``kind``, in schema order."""
    properties = catalog_schema()["$defs"]["chatmode"]["properties"]
    return tuple(name for name, spec in properties.items() if spec.get("x-diff") == kind)


@cache
def _validator(require_files: bool) -> Draft202012Validator:
    schema = catalog_schema()
    if require_files:
        # install and status fetch and verify files: every entry must say where and what.
        extra = {"properties": {"chatmodes": {"items": {"required": ["raw_url", "sha256"]}}}}
        schema = {"$schema": schema["$schema"], "allOf": [schema, extra]}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def catalog_problem(data: Any, *, require_files: bool = True) -> str | None:
    """What makes ``data`` something other than a catalog this version reads, or ``None``.

    Checks ``data`` against the schema, then that slugs are unique (which JSON Schema cannot
    say). ``require_files`` (install and status, which fetch and verify files) also requires
    ``raw_url`` and ``sha256`` in every entry; a diff can compare entries without them. The
    first problem in document order is described, in the catalog's own terms.
    """
    errors = list(_validator(require_files).iter_errors(data))
    if errors:
        return _describe(min(errors, key=_error_order), data)
    seen: set[str] = set()
    for entry in data["chatmodes"]:
        if entry["slug"] in seen:
            return f"slug {entry['slug']!r} appears twice"
        seen.add(entry["slug"])
    return None


def _error_order(error: jsonschema.ValidationError) -> tuple[Any, ...]:
    """The first problem in document order; at one place, a wrong type before a wrong value."""
    path = tuple((0, part) if isinstance(part, int) else (1, str(part)) for part in error.absolute_path)
    return (path, 0 if error.validator in ("type", "required") else 1)


_TYPE_NAMES = {
    "string": "a string",
    "array": "a list",
    "object": "an object",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def _describe(error: jsonschema.ValidationError, data: Any) -> str:
    """A sentence for one validation error, in the catalog's own terms."""
    path = list(error.absolute_path)
    if not path:
        if error.validator == "type":
            return "expected a JSON object at the top level"
        if error.validator == "required":
            return f"'{_missing(error)}' is missing"
    if path == ["schema"] and error.validator == "enum":
        versions: list[Any] = catalog_schema()["properties"]["schema"]["enum"]
        supported = ", ".join(str(value) for value in versions)
        return f"catalog schema {error.instance} is not supported by this version (supported: {supported})"
    where = _place(path, data)
    if error.validator == "required":
        return f"{where} has no '{_missing(error)}'"
    expected: Any = error.validator_value
    if error.validator == "type":
        names = [
            _TYPE_NAMES.get(str(name), str(name))
            for name in (expected if isinstance(expected, list) else [expected])
        ]
        if len(path) == 2 and path[0] == "chatmodes":
            return f"{where} is not an object"
        return f"{where} must be {' or '.join(names)}"
    if error.validator == "enum":
        allowed = ", ".join(json.dumps(value) for value in expected)
        return f"{where} must be one of {allowed}"
    if error.validator == "not" and isinstance(error.instance, str):
        problem = name_problem(error.instance) or "a character this registry never writes"
        return (
            f"{where} is '{escaped(error.instance)}', which holds a {problem}: a catalog this registry "
            "wrote never does (CM010); the catalog is refused"
        )
    if error.validator == "pattern" and expected == "^[0-9a-f]{64}$":
        return f"{where} is not a sha256 hex digest"
    if error.validator == "minimum":
        return f"{where} must not be below {expected}"
    if error.validator == "minLength":
        return f"{where} must not be empty"
    return f"{where}: {error.message}"


def _missing(error: jsonschema.ValidationError) -> str:
    """The property a ``required`` error is about."""
    names: Any = error.validator_value
    for name in names:
        if isinstance(error.instance, dict) and name not in error.instance:
            return str(name)
    return "?"


def _place(path: list[Any], data: Any) -> str:
    """``'tools'`` at the top of an entry, ``chatmodes[3] (slug): transitions[0].target`` inside."""
    if path[0] != "chatmodes" or len(path) < 2:
        head, rest = f"'{path[0]}'" if isinstance(path[0], str) else str(path[0]), path[1:]
        return head + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest)
    label = f"chatmodes[{path[1]}]"
    try:
        slug = data["chatmodes"][path[1]].get("slug")
    except (AttributeError, IndexError, KeyError, TypeError):
        slug = None
    if isinstance(slug, str):
        label += f" ({escaped(slug)})"
    rest = path[2:]
    if not rest:
        return label
    field = f"'{rest[0]}'" if len(rest) == 1 else str(rest[0])
    field += "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest[1:])
    return f"{label}: {field}"

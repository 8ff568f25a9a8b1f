"""What VS Code knows about chat mode headers: the header schema, tool names, built-in agents.

The facts live in two data files shipped with the package, ``data/vscode.json`` (tool and
tool set names, renamed tools, built-in agents, with their sources) and
``data/chatmode.schema.json`` (a JSON Schema of the header). This module reads each once and
answers the questions the linter asks. It has no MkDocs dependency.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

#: The suffix that turns a tool set name into "every tool of that set" (``edit/*``).
_WILDCARD_SUFFIX = "/*"


@cache
def _load(file_name: str) -> dict[str, Any]:
    """Parse one JSON data file of the package (read once per process)."""
    text = files("chatmode_registry").joinpath("data", file_name).read_text(encoding="utf-8")
    return json.loads(text)


def facts() -> dict[str, Any]:
    """The whole ``vscode.json`` document: sources, notes, tools, tool sets, legacy map."""
    return _load("vscode.json")


def schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of a chat mode header.

    The same dict is returned on every call; callers must not modify it.
    """
    return _load("chatmode.schema.json")


def legacy_tool_replacements(name: str) -> list[str]:
    """The current names VS Code suggests for a renamed tool, or ``[]`` if ``name`` is not legacy.

    One old name can stand for several tools (``runCommands`` was a tool set), so the
    answer is a list. Lookups are case-sensitive, as in VS Code.
    """
    return list(facts()["legacy_tools"].get(name, ()))


def retired_tool_reason(name: str) -> str | None:
    """Why an old tool name no longer resolves, for names with no replacement; else ``None``."""
    return facts().get("retired_tools", {}).get(name)


def is_tool_set(name: str) -> bool:
    """True when ``name`` is a built-in tool set (``search``, ``edit``, ...)."""
    return name in facts()["tool_sets"]


def is_known_tool(name: str) -> bool:
    """True when ``name`` is a current built-in tool, a built-in tool set, ``<set>/*`` or ``*``.

    MCP and extension tools (``github/*``, ``ms-python.python/...``) answer False: see
    :func:`is_foreign_tool`.
    """
    data = facts()
    if name in data["tools"] or name in data["tool_sets"] or name == "*":
        return True
    if name.endswith(_WILDCARD_SUFFIX):
        return name[: -len(_WILDCARD_SUFFIX)] in data["tool_sets"]
    return False


def tool_description(name: str) -> str | None:
    """A one-line description of a built-in tool or tool set (also ``<set>/*``), else ``None``."""
    data = facts()
    if name in data["tools"]:
        return data["tools"][name]
    set_name = name[: -len(_WILDCARD_SUFFIX)] if name.endswith(_WILDCARD_SUFFIX) else name
    return data["tool_sets"].get(set_name)


#: VS Code's built-in agents by their exact names (``agent``, ``ask``, ``edit``; ``Plan`` and
#: ``Explore`` come with GitHub Copilot Chat), in the order VS Code looks them up.
BUILTIN_AGENT_NAMES: tuple[str, ...] = tuple(facts()["builtin_agents"])

#: The same names lower-cased, for the forgiving prose matching.
BUILTIN_AGENTS: frozenset[str] = frozenset(agent.lower() for agent in BUILTIN_AGENT_NAMES)


def builtin_agent_exact(name: str) -> bool:
    """True when ``name`` is a built-in agent's name exactly as VS Code matches a handoff's
    ``agent`` or an ``agents`` entry: same characters, same case, no trimming."""
    return name in BUILTIN_AGENT_NAMES


def is_builtin_agent(text: str) -> bool:
    """True when ``text`` names one of VS Code's built-in agents, ignoring case and outer spaces
    (the registry's forgiving reading of prose transitions)."""
    return text.strip().lower() in BUILTIN_AGENTS


def builtin_agent_named(text: str) -> str | None:
    """The built-in agent's exact name that ``text`` spells in another case or with spaces."""
    folded = text.strip().lower()
    return next((name for name in BUILTIN_AGENT_NAMES if name.lower() == folded), None)


def builtin_agent_visibility(name: str) -> dict[str, bool]:
    """``user_invocable`` / ``model_invocable`` of a built-in agent where it restricts them
    (the Plan agent sets ``disable-model-invocation: true``); empty when nothing is restricted."""
    return dict(facts().get("builtin_agent_visibility", {}).get(name, {}))


def split_tools(value: str) -> list[str]:
    """A comma-separated ``tools`` string as VS Code reads it (``parseCommaSeparatedList`` in
    ``promptFileParser.ts``): items split at commas, outer spaces dropped, an item may be quoted
    with ``'`` or ``"`` (then it may hold commas); empty items are skipped."""
    items: list[str] = []
    position, size = 0, len(value)
    while position < size:
        while position < size and value[position] in " \t":
            position += 1
        if position >= size:
            break
        if value[position] in "'\"":
            quote = value[position]
            end = value.find(quote, position + 1)
            end = size if end < 0 else end
            items.append(value[position + 1 : end])
            position = end + 1
            comma = value.find(",", position)
            position = size if comma < 0 else comma + 1
        else:
            comma = value.find(",", position)
            end = size if comma < 0 else comma
            items.append(value[position:end].rstrip())
            position = end + 1
    return [item for item in items if item]


def github_alias(name: str) -> str | None:
    """The tool set GitHub Copilot reads a tool alias as (``shell`` -> ``execute``), or ``None``."""
    return facts().get("github_tool_aliases", {}).get("aliases", {}).get(name)


def known_tool_names() -> list[str]:
    """Every current built-in tool and tool set name, for suggestions."""
    data = facts()
    return sorted({*data["tools"], *data["tool_sets"]})


def is_foreign_tool(name: str) -> bool:
    """True for tools VS Code does not define itself: an MCP server's (``server/*``,
    ``server/tool``) or an extension's (``publisher.extension/tool``)."""
    if "/" not in name:
        return False
    prefix = name.split("/", 1)[0]
    return prefix not in facts()["tool_sets"]


def reflects() -> dict[str, dict[str, str]]:
    """The sources the shipped facts reflect (VS Code commit, docs dates, GitHub docs revision),
    keyed by the ids the header schema's ``x-sources`` use."""
    return dict(facts()["reflects"])


def harnesses_of(via: str) -> list[str]:
    """The harnesses an edge of kind ``via`` applies in (``vscode-local``, ``vscode-copilot``,
    ``github``): handoffs and subagents only in VS Code's Local harness, prose everywhere."""
    return list(facts()["harnesses"]["by_edge"].get(via, ()))


def harness_names() -> dict[str, str]:
    """A readable name for each harness id."""
    return dict(facts()["harnesses"]["names"])


def github_permission_scopes() -> dict[str, list[str]]:
    """The ``github.permissions`` scopes VS Code accepts, each with its allowed values."""
    return {scope: list(values) for scope, values in facts()["github_permissions"]["scopes"].items()}


def reasoning_efforts() -> tuple[str, ...]:
    """The values of ``reasoning-effort``, lowest first."""
    return tuple(facts()["reasoning_efforts"])


def github_target_keys() -> frozenset[str]:
    """The keys VS Code accepts in an agent file with ``target: github-copilot``."""
    return frozenset(facts()["github_target_keys"]["keys"])


def github_documented_keys() -> frozenset[str]:
    """Keys GitHub's reference documents beyond :func:`github_target_keys`."""
    return frozenset(facts()["github_target_keys"]["documented_by_github"])


def github_only_keys() -> frozenset[str]:
    """Keys GitHub Copilot reads that VS Code does not use when it runs the agent itself."""
    return frozenset(facts()["github_only_keys"]["keys"])


def models() -> dict[str, Any]:
    """The ``models.json`` document: current and retired model names with their sources."""
    return _load("models.json")


_WORD_BREAK = re.compile(r"[\s_\-]+")
#: ``4-5`` in an id (``claude-sonnet-4-5``) is the version 4.5.
_VERSION_PARTS = re.compile(r"(?<=\d)[-_](?=\d(?:\D|$))")
#: A release date in an id (``claude-sonnet-4-20250514``).
_DATE_WORD = re.compile(r"\d{8}")


def model_key(name: str) -> tuple[str, ...]:
    """A model name reduced to what identifies it: vendor suffix dropped, case folded, and the
    words in any order, so ``Claude Sonnet 4 (copilot)``, ``claude-sonnet-4`` and
    ``claude-4-sonnet`` agree."""
    text = _without_vendor(name[:200]).lower()
    text = _VERSION_PARTS.sub(".", text)
    words = [word for word in _WORD_BREAK.split(text) if word and not _DATE_WORD.fullmatch(word)]
    return tuple(sorted(words))


@cache
def _models_by_key() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
    data = models()
    current = {model_key(name): name for name in data["current"]}
    retired = {model_key(name): name for name in data["retired"]}
    return current, retired


def known_model(name: str) -> str | None:
    """The current model ``name`` spells (as GitHub and VS Code write it), or ``None``."""
    return _models_by_key()[0].get(model_key(name))


def retired_model(name: str) -> tuple[str, str, str] | None:
    """``(model, retirement date, replacement)`` when ``name`` spells a retired model."""
    found = _models_by_key()[1].get(model_key(name))
    if found is None:
        return None
    entry = models()["retired"][found]
    return found, entry["date"], entry["replacement"]


def closest_model(name: str) -> str | None:
    """The current model whose name is closest to ``name`` (difflib, on the reduced spelling)."""
    spelled = {_plain(model): model for model in models()["current"]}
    close = difflib.get_close_matches(_plain(name), list(spelled), n=1, cutoff=0.6)
    return spelled[close[0]] if close else None


def _plain(name: str) -> str:
    """``gpt-4o`` for ``GPT-4o (copilot)``: the spelling compared for suggestions."""
    return "-".join(_WORD_BREAK.split(_without_vendor(name[:200]).lower()))


def _without_vendor(name: str) -> str:
    """``GPT-5.2`` for ``GPT-5.2 (copilot)``: a short trailing parenthesis names the vendor."""
    text = name.strip()
    opening = text.rfind("(")
    if text.endswith(")") and opening >= 0 and len(text) - opening <= 42:
        return text[:opening].strip()
    return text


def harness_note(via: str) -> str:
    """Where an edge of kind ``via`` does not apply, in words for a page or a legend
    (``""`` when it applies everywhere): a handoff works only in VS Code's Local harness."""
    names = harness_names()
    applies = harnesses_of(via)
    ignored = [name for harness, name in names.items() if harness not in applies]
    if not ignored or not applies:
        return ""
    return f"applies only in {' and '.join(names[h] for h in applies)}; ignored by {' and by '.join(ignored)}"

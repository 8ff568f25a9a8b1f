"""What VS Code knows about chat mode headers: the header schema, tool names, built-in agents.

The facts live in two data files shipped with the package, ``data/vscode.json`` (tool and
tool set names, renamed tools, built-in agents, with their sources) and
``data/chatmode.schema.json`` (a JSON Schema of the header). This module reads each once and
answers the questions the linter asks. It has no MkDocs dependency.
"""

from __future__ import annotations

import json
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

"""The records the core produces: diagnostics, transitions, chat modes and the catalog.

Everything here is plain data. Readers (``core.reader``), rules (``core.rules``) and the
catalog builder (``core.catalog``) fill these in; renderers only read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from chatmode_registry.core.vscode import harnesses_of, split_tools


class Severity(str, Enum):  # noqa: UP042 - StrEnum would change str() of a member
    """How bad a diagnostic is. ``error`` fails a validation, ``warning`` fails it with --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: What long work over many items (files to read, files to fetch) calls to say how far it has
#: got: ``progress(done, total)``, ``done`` growing to ``total``. The CLI passes its ``Progress``.
ProgressCallback = Callable[[int, int], None]


#: Suffixes a chat mode file may have, the current form first.
SUFFIXES = (".agent.md", ".chatmode.md")


def chatmode_suffix(name: str) -> str | None:
    """The chat mode suffix a file name ends with, or ``None`` if it is not a chat mode."""
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


def split_suffix(file_name: str) -> tuple[str, str] | None:
    """``(stem, suffix)`` for a chat mode file name with a non-empty stem, ``None`` otherwise."""
    suffix = chatmode_suffix(file_name)
    if suffix is None or len(file_name) == len(suffix):
        return None
    return file_name[: -len(suffix)], suffix


#: The kinds of transition (``Transition.via``): a ``handoffs`` entry, a name in ``agents``
#: (the agent may run that one as a subagent) and a sentence of the body.
VIA_HANDOFF = "handoff"
VIA_SUBAGENT = "subagent"
VIA_PROSE = "prose"
VIAS = (VIA_HANDOFF, VIA_SUBAGENT, VIA_PROSE)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file.

    ``path`` is the file's POSIX path relative to the source folder (or as given on the
    command line); ``line`` is 1-based, ``None`` when the problem concerns the whole file.
    """

    path: str
    line: int | None
    code: str
    severity: Severity
    message: str

    def to_dict(self, *, with_path: bool = True) -> dict[str, Any]:
        """The JSON shape of the contract (``path`` left out inside a chat mode record)."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "line": self.line,
            "message": self.message,
        }
        if with_path:
            data = {"path": self.path, **data}
        return data


@dataclass
class Transition:
    """An edge of the transition graph, as written in one chat mode.

    ``text`` is the target as written (``API Engineer``); ``target`` the slug it resolved
    to, ``None`` for a built-in agent or a dangling reference; ``label`` the handoff label or
    the prose lead-in (``For API Design``); ``reason`` the rest of the sentence or the handoff
    prompt; ``via`` is ``"handoff"``, ``"subagent"`` (a name in ``agents``) or ``"prose"``.
    Handoff and subagent targets are resolved as VS Code resolves agent names (exact match);
    prose targets by the registry's forgiving matching (see ``core.catalog``).
    """

    text: str
    via: str
    line: int | None
    label: str = ""
    reason: str = ""
    target: str | None = None
    builtin: bool = False

    @property
    def dangling(self) -> bool:
        """True when the target is neither a chat mode of the catalog nor a built-in agent."""
        return self.target is None and not self.builtin

    @property
    def harnesses(self) -> list[str]:
        """Where this kind of edge takes effect: a handoff or a subagent only in VS Code's Local
        harness (``vscode-local``), a prose transition everywhere the instructions are read."""
        return harnesses_of(self.via)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``catalog.json``."""
        return {
            "target": self.target,
            "text": self.text,
            "label": self.label,
            "reason": self.reason,
            "via": self.via,
            "line": self.line,
            "builtin": self.builtin,
            "harnesses": self.harnesses,
        }


@dataclass
class ChatMode:
    """One chat mode file, read and checked.

    ``raw`` keeps the exact bytes (for hashing and publishing); ``header`` is the parsed
    frontmatter mapping and ``header_lines`` maps each top-level key to its 1-based line;
    ``body`` is the Markdown below the header, decoded, with ``\\n`` line endings, starting on
    line ``body_line`` of the file; ``heading`` its first ``# `` heading, trimmed for a name.
    """

    source: str
    raw: bytes
    sha256: str
    suffix: str
    header: dict[str, Any]
    header_lines: dict[str, int]
    body: str
    body_line: int
    heading: str = ""
    slug: str = ""
    name: str = ""
    transitions: list[Transition] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The file name without its chat mode suffix."""
        base = self.source.rsplit("/", 1)[-1]
        return base[: len(base) - len(self.suffix)]

    @property
    def filename(self) -> str:
        """The file name the raw file is published and installed under: ``<slug><suffix>``."""
        return self.slug + self.suffix

    @property
    def description(self) -> str:
        """The header's description, or an empty string."""
        value = self.header.get("description")
        return value.strip() if isinstance(value, str) else ""

    @property
    def model(self) -> str | list[str] | None:
        """The header's ``model`` as written: a string, a list of strings, or ``None``."""
        value = self.header.get("model")
        if isinstance(value, str) or value is None:
            return value
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str) and item.strip()]
        return str(value)

    @property
    def models(self) -> list[str]:
        """``model`` as a list, for faceting."""
        value = self.model
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @property
    def tools(self) -> list[str]:
        """The header's tools (strings only, in order, duplicates dropped); a comma-separated
        string is split as VS Code splits it."""
        value = self.header.get("tools")
        if isinstance(value, str):
            value = split_tools(value)
        if not isinstance(value, list):
            return []
        return list(dict.fromkeys(item for item in value if isinstance(item, str)))

    @property
    def agent_name(self) -> str:
        """The name VS Code knows this agent by: the header's ``name``, else the file name
        without its suffix (VS Code's ``promptsService``: ``header.name ?? getCleanPromptName``).
        Handoffs and ``agents`` lists name an agent by this exact string."""
        value = self.header.get("name")
        return value if isinstance(value, str) else self.stem

    @property
    def user_invocable(self) -> bool:
        """Whether VS Code offers the agent in its agent picker (``user-invocable``, or the
        deprecated ``user-invokable``, not ``false``)."""
        value = self.header.get("user-invocable", self.header.get("user-invokable"))
        return value is not False

    @property
    def model_invocable(self) -> bool:
        """Whether other agents may run this one as a subagent: ``infer`` when given (deprecated),
        else ``disable-model-invocation`` not ``true`` (VS Code's ``visibility.agentInvocable``)."""
        if isinstance(self.header.get("infer"), bool):
            return self.header["infer"] is True
        return self.header.get("disable-model-invocation") is not True

    @property
    def subagents(self) -> str:
        """What ``agents`` allows: ``"any"`` (``*``), ``"none"`` (``[]``), ``"listed"`` or
        ``"unset"`` (no ``agents`` key: VS Code's default applies)."""
        value = self.header.get("agents")
        if value is None:
            return "unset"
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        if "*" in items:
            return "any"
        return "listed" if any(isinstance(item, str) and item for item in items) else "none"

    @property
    def kind(self) -> str:
        """``chatmode`` for ``.chatmode.md`` files, ``agent`` for ``.agent.md`` (and for the plain
        ``.md`` agents of a workspace's agent folders)."""
        return "chatmode" if self.suffix == ".chatmode.md" else "agent"

    def counts(self) -> dict[str, int]:
        """Diagnostics per severity."""
        return count_severities(self.diagnostics)


@dataclass
class Rejected:
    """A file that could not be read as a chat mode; it gets no page."""

    source: str
    diagnostics: list[Diagnostic]


@dataclass
class Catalog:
    """All chat modes of one source folder, their graph and their diagnostics.

    ``chatmodes`` is in source order (POSIX path order); ``incoming`` maps a slug to the
    ``(source chat mode, transition)`` pairs that point at it.
    """

    chatmodes: list[ChatMode]
    rejected: list[Rejected]
    incoming: dict[str, list[tuple[ChatMode, Transition]]] = field(default_factory=dict)
    files: int = 0

    def __post_init__(self) -> None:
        self.by_slug: dict[str, ChatMode] = {mode.slug: mode for mode in self.chatmodes}

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of the catalog, rejected files first, in source order."""
        found = [d for rejected in self.rejected for d in rejected.diagnostics]
        found += [d for mode in self.chatmodes for d in mode.diagnostics]
        return sorted(found, key=lambda d: (d.path, d.line or 0, d.code))

    def counts(self) -> dict[str, int]:
        """Diagnostics per severity, over the whole catalog."""
        return count_severities(self.diagnostics)

    def tools(self) -> dict[str, list[ChatMode]]:
        """Each tool name with the chat modes that list it, names sorted case-insensitively."""
        return _group(self.chatmodes, lambda mode: mode.tools)

    def models(self) -> dict[str, list[ChatMode]]:
        """Each model name with the chat modes that ask for it."""
        return _group(self.chatmodes, lambda mode: mode.models)


def count_severities(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    """How many diagnostics of each severity (every severity present, zero or more)."""
    result = {severity.value: 0 for severity in Severity}
    for diagnostic in diagnostics:
        result[diagnostic.severity.value] += 1
    return result


def _group(modes: list[ChatMode], keys: Callable[[ChatMode], list[str]]) -> dict[str, list[ChatMode]]:
    found: dict[str, list[ChatMode]] = {}
    for mode in modes:
        for key in keys(mode):
            found.setdefault(key, []).append(mode)
    return dict(sorted(found.items(), key=lambda item: (item[0].lower(), item[0])))

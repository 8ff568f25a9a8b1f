"""Workspaces: the folders of a project that VS Code reads agents and chat modes from.

A project that *uses* chat modes (rather than publishing them from a ``chatmodes/`` folder) is a
workspace. Its modes live where VS Code looks for them, and they are checked together, as one
whole: a handoff from ``.github/agents`` to a mode in ``.github/chatmodes`` is a link, not a
dangling name. Where VS Code looks, and how it reads each place, is defined here once
(:data:`WORKSPACE_LOCATIONS`, :data:`USER_LOCATIONS`) for ``validate``, ``install``,
``status`` and ``update``.

Sources (checked 2026-12-06): VS Code's "Custom agent file reference" and "Custom agents"
pages (code.visualstudio.com/docs/agents, workspace folders ``.github/agents`` with any ``.md``
file, ``.claude/agents`` in the Claude agent format, the user folder ``~/.copilot/agents``),
and Anthropic's Claude Code sub-agents page (docs.claude.com, ``tools`` as a comma-separated
string, ``model`` as ``sonnet``/``opus``/``haiku``/``inherit``).

The workspace also knows where its modes come from: the *default site* of every command that
takes ``--from`` (:func:`default_site`), from the ``CHATMODES_FROM`` environment variable or a
``.chatmodes.toml`` file in the project. No MkDocs import here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from chatmode_registry.core.model import Diagnostic, chatmode_suffix

#: How VS Code reads a file: its own agent format, or Claude Code's (``.claude/agents``).
DIALECT_VSCODE, DIALECT_CLAUDE = "vscode", "claude"

#: Environment variable that names the default site of ``--from``.
FROM_ENVIRONMENT = "CHATMODES_FROM"

#: The project file that names the default site (``from = "https://..."``), looked up from the
#: current folder upwards to the repository root. A file of its own rather than pyproject.toml:
#: projects that use chat modes are written in every language, not only Python.
CONFIG_NAME = ".chatmodes.toml"


#: The folder a registry keeps its chat modes in (the plugin's default ``source``): a project
#: that has one publishes modes rather than using them.
REGISTRY_FOLDER = "chatmodes"


@dataclass(frozen=True)
class Location:
    """One folder VS Code reads agents from.

    ``folder`` is relative to the project root (or to the home folder for user locations);
    ``any_markdown``: every ``.md`` file there is an agent (except ``README.md``), not only
    ``*.agent.md`` / ``*.chatmode.md``; ``dialect``: the format its files are read in;
    ``installs``: the published suffixes ``chatmodes install`` writes there by default.
    """

    folder: PurePosixPath
    any_markdown: bool
    dialect: str = DIALECT_VSCODE
    installs: tuple[str, ...] = ()

    def reads(self, file_name: str) -> bool:
        """True when VS Code reads ``file_name`` in this folder as an agent or chat mode."""
        if chatmode_suffix(file_name):
            return True
        return self.any_markdown and file_name.endswith(".md") and file_name.lower() != "readme.md"

    def suffix(self, file_name: str) -> str:
        """The part of ``file_name`` that is not the agent's name (``.agent.md``, ``.md``)."""
        return chatmode_suffix(file_name) or ".md"


#: The workspace folders, in the order VS Code lists them.
WORKSPACE_LOCATIONS: tuple[Location, ...] = (
    Location(PurePosixPath(".github/agents"), any_markdown=True, installs=(".agent.md",)),
    Location(PurePosixPath(".github/chatmodes"), any_markdown=False, installs=(".chatmode.md",)),
    Location(PurePosixPath(".claude/agents"), any_markdown=True, dialect=DIALECT_CLAUDE),
)

#: The user's own agents (every workspace sees them). Checked only when asked (``--user``):
#: they are not part of the project, and another project's checks should not fail on them.
USER_LOCATIONS: tuple[Location, ...] = (
    Location(PurePosixPath(".copilot/agents"), any_markdown=True, installs=(".agent.md", ".chatmode.md")),
)


@dataclass(frozen=True)
class WorkspaceFile:
    """A file of a workspace: where it is, its name in reports, and how it is read."""

    path: Path
    source: str
    suffix: str
    dialect: str
    folder: Path


def location_of(folder: Path, locations: tuple[Location, ...] = WORKSPACE_LOCATIONS) -> Location | None:
    """The location ``folder`` is (``.github/agents`` by its last path parts), or ``None``."""
    parts = Path(os.path.abspath(folder)).parts
    for location in locations:
        if parts[-len(location.folder.parts) :] == location.folder.parts:
            return location
    return None


def locations_under(folder: Path) -> list[tuple[Location, Path]]:
    """The workspace folders that ``folder`` is or holds: ``.github/agents`` itself, ``.github``
    (its ``agents`` and ``chatmodes``), or a project root (``.github/...`` and ``.claude/...``);
    only folders that exist. A project with a ``chatmodes/`` folder publishes a registry: its
    root is not a workspace (its catalog is checked whole, as before)."""
    own = location_of(folder)
    if own is not None:
        return [(own, folder)]
    found: list[tuple[Location, Path]] = []
    name = Path(os.path.abspath(folder)).name
    for location in WORKSPACE_LOCATIONS:
        first, *rest = location.folder.parts
        if name == first:
            candidate = folder.joinpath(*rest)
        elif (folder / REGISTRY_FOLDER).is_dir():
            continue
        else:
            candidate = folder / location.folder
        if candidate.is_dir():
            found.append((location, candidate))
    return found


def workspace_files(folders: list[tuple[Location, Path]]) -> list[WorkspaceFile]:
    """Every file VS Code reads in ``folders`` (directly inside each: VS Code does not recurse
    there), named by its path as given, in that order and then by name."""
    files: list[WorkspaceFile] = []
    for location, folder in folders:
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir(), key=lambda path: path.name):
            if location.reads(child.name) and (child.is_file() or child.is_symlink()):
                files.append(
                    WorkspaceFile(
                        child,
                        (folder / child.name).as_posix(),
                        location.suffix(child.name),
                        location.dialect,
                        folder,
                    )
                )
    return files


def install_folders() -> dict[str, Path]:
    """Where ``chatmodes install`` writes each published suffix in a workspace, by default."""
    return {suffix: Path(location.folder) for location in WORKSPACE_LOCATIONS for suffix in location.installs}


def workspace_format(path: Path) -> tuple[str, str] | None:
    """``(suffix, dialect)`` of a file in a folder VS Code reads, when that folder reads it in a
    way its name alone does not say (a plain ``.md`` agent, Claude's format); else ``None``."""
    location = location_of(path.parent, WORKSPACE_LOCATIONS + USER_LOCATIONS)
    if location is None or not location.reads(path.name):
        return None
    suffix = location.suffix(path.name)
    if suffix == chatmode_suffix(path.name) and location.dialect == DIALECT_VSCODE:
        return None
    return suffix, location.dialect


def agent_stem(path: Path) -> str | None:
    """The agent name a file stands for, by the rules of its folder (``foo`` for
    ``.github/agents/foo.md``), or ``None`` when VS Code does not read the file there."""
    location = location_of(path.parent, WORKSPACE_LOCATIONS + USER_LOCATIONS)
    name = path.name
    if location is not None and not location.reads(name):
        return None
    suffix = chatmode_suffix(name) or (".md" if location is not None else None)
    if suffix is None or len(name) == len(suffix):
        return None
    return name[: -len(suffix)]


def user_folders(home: Path | None = None) -> list[tuple[Location, Path]]:
    """The user's agent folders below ``home`` (default: the current user's home)."""
    home = Path.home() if home is None else home
    return [(location, home / location.folder) for location in USER_LOCATIONS]


def project_folders(root: Path = Path(".")) -> list[tuple[Location, Path]]:
    """The workspace folders of the project at ``root`` that exist."""
    return [
        (location, root / location.folder)
        for location in WORKSPACE_LOCATIONS
        if (root / location.folder).is_dir()
    ]


@dataclass(frozen=True)
class DefaultSite:
    """A site to use when ``--from`` is not given, and where that came from (for messages)."""

    location: str
    origin: str


def default_site(start: Path | None = None, environ: Mapping[str, str] | None = None) -> DefaultSite | None:
    """The default of ``--from``: ``CHATMODES_FROM``, else ``from`` in the nearest
    ``.chatmodes.toml`` (the current folder or a parent, up to the repository root).

    A folder given in the file is relative to the file's folder. A file that cannot be read or
    parsed, or whose ``from`` is not a string, raises :class:`ConfigError`.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(FROM_ENVIRONMENT, "").strip()
    if value:
        return DefaultSite(value, FROM_ENVIRONMENT)
    config = find_config(Path.cwd() if start is None else start)
    if config is None:
        return None
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{config}: cannot read it ({error})") from None
    written = data.get("from")
    if written is None:
        return None
    if not isinstance(written, str) or not written.strip():
        raise ConfigError(f"{config}: 'from' must be a site URL or folder, as a string")
    value = written.strip()
    if "://" not in value and not Path(value).is_absolute():
        value = os.path.normpath(config.parent / value)
    return DefaultSite(value, str(config))


class ConfigError(Exception):
    """A ``.chatmodes.toml`` that cannot be used; the message is one line for the user."""


def find_config(start: Path) -> Path | None:
    """The nearest :data:`CONFIG_NAME` in ``start`` or its parents, stopping at a folder that
    holds ``.git`` (the repository root) so that a file above the project is never read."""
    folder = Path(os.path.abspath(start))
    while True:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


#: Header keys of Claude Code's agent format (Anthropic's sub-agents page, 2026-12-06): not
#: unknown keys in ``.claude/agents``.
CLAUDE_KEYS = frozenset(
    {
        "name",
        "description",
        "tools",
        "disallowedTools",
        "model",
        "permissionMode",
        "skills",
        "hooks",
        "color",
        "mcpServers",
        "maxTurns",
        "memory",
    }
)

#: Claude Code's model aliases: ``inherit`` takes the main conversation's model.
CLAUDE_MODELS = frozenset({"sonnet", "opus", "haiku", "inherit"})

#: Unknown-key diagnostics (the key is named in the message).
_UNKNOWN_KEY = "CM102"
#: A tool listed twice is a mistake in any format.
_DUPLICATE_TOOL = "CM105"


def claude_false_alarm(
    diagnostic: Diagnostic,
    header: Mapping[str, Any],
    lines: Mapping[str, int],
    item_lines: Mapping[str, list[int]],
) -> bool:
    """True when ``diagnostic`` is a VS Code-format finding that is no problem in Claude Code's
    format: ``tools`` as a comma-separated string of Claude's tool names (VS Code maps them),
    ``model`` as one of Claude's aliases, and Claude's own header keys."""
    line = diagnostic.line
    if line is None:
        return False
    tool_lines = {lines.get("tools"), *item_lines.get("tools", [])}
    if line in tool_lines and diagnostic.code != _DUPLICATE_TOOL:
        return True
    model = header.get("model")
    if line == lines.get("model") and isinstance(model, str) and model.strip() in CLAUDE_MODELS:
        return True
    if diagnostic.code == _UNKNOWN_KEY:
        return any(lines.get(key) == line for key in CLAUDE_KEYS if key in header)
    return False

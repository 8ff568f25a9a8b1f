"""Chat modes installed as GitHub Copilot CLI plugins: where the CLI records them, and their files.

``chatmodes status`` and ``update`` report a mode that Copilot CLI installed from the
registry's marketplace (matched by the marketplace's name, ``catalog.json``'s ``marketplace``
field) and leave its files to the CLI. What the CLI stores, observed with the real CLI (npm
``@github/copilot`` 1.0.102, 2026-12-06, its own ``HOME``; ``copilot help environment``,
``copilot plugin update --help``):

- Its home is ``$COPILOT_HOME``, else ``$HOME/.copilot``; ``XDG_CONFIG_HOME`` is not read.
- ``settings.json`` (JSON): ``extraKnownMarketplaces`` maps a marketplace's name to its
  ``source`` (``{"source": "directory", "path": ...}`` or ``{"source": "git", "url": ...}``),
  and ``enabledPlugins`` maps ``PLUGIN@MARKETPLACE`` to ``true`` (``false`` once uninstalled).
- ``config.json`` ("managed automatically"; JSON after ``//`` comment lines):
  ``installedPlugins`` lists ``{name, marketplace, version, installed_at, cache_path,
  source_sha, enabled}`` for each plugin copied from a git marketplace, whose files are under
  ``installed-plugins/MARKETPLACE/PLUGIN/`` (``cache_path``). ``copilot plugin update
  PLUGIN@MARKETPLACE`` replaces them with the marketplace's current version.
- A marketplace added from a local path is "loaded live, never copied": its plugins are not in
  ``installedPlugins``; their files are the marketplace folder's own (``metadata.pluginRoot``
  plus the plugin's ``source`` in ``.github/plugin/marketplace.json``), and ``copilot plugin
  update`` says there is nothing to update.

The files are the user's own, but read carefully all the same: each JSON file is capped in
size, anything malformed is a problem reported, never a crash, and a live plugin's folder must
stay inside its marketplace's folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The environment variable Copilot CLI reads for its home (``copilot help environment``).
COPILOT_HOME_VARIABLE = "COPILOT_HOME"

#: Largest settings/config file read; the CLI's own are a few hundred bytes per plugin.
MAX_JSON_BYTES = 4 * 1024 * 1024

#: Where a plugin keeps its agents (the registry's marketplace writes ``agents/NAME.md``).
AGENTS_FOLDER = "agents"

#: Where a marketplace's manifest lives in its folder.
MARKETPLACE_MANIFEST = Path(".github/plugin/marketplace.json")


def copilot_home(environ: Mapping[str, str] | None = None) -> Path:
    """Copilot CLI's home: ``$COPILOT_HOME``, else ``~/.copilot``, as the CLI decides it."""
    environ = os.environ if environ is None else environ
    configured = environ.get(COPILOT_HOME_VARIABLE)
    if configured:
        return Path(configured)
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / ".copilot"


@dataclass(frozen=True)
class PluginInstall:
    """One plugin of a marketplace that Copilot CLI has installed (and not uninstalled)."""

    plugin: str
    marketplace: str
    folder: Path
    """The plugin's files: a copy in Copilot's home, or (``live``) the marketplace folder's own."""

    live: bool
    """Loaded live from a local marketplace folder, never copied (nothing for the CLI to update)."""

    @property
    def spec(self) -> str:
        """``PLUGIN@MARKETPLACE``, as ``copilot plugin`` commands take it."""
        return f"{self.plugin}@{self.marketplace}"

    def agent_files(self) -> list[Path]:
        """The plugin's agent files (``agents/*.md``, regular files only), sorted."""
        folder = self.folder / AGENTS_FOLDER
        if not folder.is_dir() or folder.is_symlink():
            return []
        return sorted(
            child
            for child in folder.iterdir()
            if child.name.endswith(".md") and child.is_file() and not child.is_symlink()
        )


def plugin_installs(home: Path, marketplace: str) -> tuple[list[PluginInstall], list[str]]:
    """The plugins of ``marketplace`` that Copilot CLI (home ``home``) has installed, and the
    problems met while reading its files (each a sentence naming the file)."""
    problems: list[str] = []
    settings = _read_json(home / "settings.json", problems)
    config = _read_json(home / "config.json", problems, comments=True)
    installs: dict[str, PluginInstall] = {}
    for record in _list(config, "installedPlugins"):
        name = record.get("name") if isinstance(record, dict) else None
        if not isinstance(name, str) or record.get("marketplace") != marketplace or not _plain_name(name):
            continue
        cache_path = record.get("cache_path")
        folder = Path(cache_path) if isinstance(cache_path, str) and cache_path else None
        if folder is None or not folder.is_dir():
            folder = home / "installed-plugins" / marketplace / name
        installs[name] = PluginInstall(name, marketplace, folder, live=False)
    enabled = _dict(settings, "enabledPlugins")
    live_names = [
        spec.rsplit("@", 1)[0]
        for spec, on in enabled.items()
        if on is True and spec.endswith(f"@{marketplace}") and _plain_name(spec.rsplit("@", 1)[0])
    ]
    source = _dict(_dict(_dict(settings, "extraKnownMarketplaces"), marketplace), "source")
    path = source.get("path")
    if live_names and source.get("source") == "directory" and isinstance(path, str) and path:
        folders = _live_folders(Path(path), problems)
        for name in live_names:
            if name not in installs and name in folders:
                installs[name] = PluginInstall(name, marketplace, folders[name], live=True)
    return [installs[name] for name in sorted(installs)], problems


def _live_folders(root: Path, problems: list[str]) -> dict[str, Path]:
    """Plugin name -> folder, from a local marketplace's manifest; folders outside ``root``
    are left out."""
    manifest = _read_json(root / MARKETPLACE_MANIFEST, problems)
    if not isinstance(manifest, dict):
        return {}
    plugin_root = _dict(manifest, "metadata").get("pluginRoot", ".")
    if not isinstance(plugin_root, str):
        return {}
    base = root.resolve()
    folders: dict[str, Path] = {}
    for plugin in _list(manifest, "plugins"):
        if not isinstance(plugin, dict):
            continue
        name, source = plugin.get("name"), plugin.get("source")
        if not isinstance(name, str) or not isinstance(source, str) or not _plain_name(name):
            continue
        folder = (base / plugin_root / source).resolve()
        if folder.is_relative_to(base) and folder.is_dir():
            folders[name] = folder
    return folders


def _plain_name(name: str) -> bool:
    """A plugin name that can only be one folder name (no path, no ``@``)."""
    return bool(name) and name not in (".", "..") and not any(ch in name for ch in "/\\@\0")


def _read_json(path: Path, problems: list[str], *, comments: bool = False) -> Any:
    """A JSON file's value; ``None`` when it does not exist or cannot be read (a problem then).
    ``comments``: lines starting with ``//`` are left out first (Copilot's ``config.json``)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_JSON_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        problems.append(f"cannot read {path}: {error.strerror or error}")
        return None
    if len(data) > MAX_JSON_BYTES:
        problems.append(f"{path} is larger than {MAX_JSON_BYTES} bytes; not read")
        return None
    try:
        text = data.decode("utf-8-sig")
        if comments:
            text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        problems.append(f"{path} is not JSON Copilot CLI wrote ({type(error).__name__}); not read")
        return None


def _dict(value: Any, key: str) -> dict[str, Any]:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def _list(value: Any, key: str) -> list[Any]:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, list) else []

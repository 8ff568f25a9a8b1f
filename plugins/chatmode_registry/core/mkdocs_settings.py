"""A registry's settings read from its ``mkdocs.yml`` without MkDocs, for commands of the CLI.

``chatmodes marketplace`` needs the site's name, description, author and ``repo_url`` and the
``chatmodes`` plugin's options (``source``, ``max_bytes``, ``marketplace_*``), but the core
must not import MkDocs. ``mkdocs.yml`` is YAML with MkDocs' own tags: ``!ENV`` (an environment
variable with a default, as ``pyyaml_env_tag`` reads it: ``!ENV NAME`` or
``!ENV [NAME, OTHER, default]``), ``!relative`` and Python tags such as
``!!python/name:...`` in Markdown extension options. The loader here is PyYAML's safe loader
with ``!ENV`` resolved and every other tag read as nothing, so no code named in the file runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: The plugin's name under ``plugins:`` (its entry point).
PLUGIN_NAME = "chatmodes"
#: The plugin's ``source`` default (contract: "Package, commands, plugin").
DEFAULT_SOURCE = "chatmodes"


class SettingsError(ValueError):
    """``mkdocs.yml`` cannot be read, or a setting has the wrong type."""


@dataclass(frozen=True)
class RegistrySettings:
    """What the CLI reads from a registry's ``mkdocs.yml``.

    ``root`` is the folder of ``mkdocs.yml``; ``options`` the ``chatmodes`` plugin's options as
    written (an empty mapping when the plugin is not listed).
    """

    root: Path
    site_name: str | None = None
    site_description: str | None = None
    site_author: str | None = None
    repo_url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> Path:
        """The folder of chat modes (the plugin's ``source``, relative to ``mkdocs.yml``)."""
        return self.root / str(self.options.get("source") or DEFAULT_SOURCE)

    def option(self, name: str) -> str | None:
        """A string option of the plugin, ``None`` when unset; a wrong type is an error."""
        value = self.options.get(name)
        if value is not None and not isinstance(value, str):
            raise SettingsError(f"the chatmodes plugin option {name!r} must be a string, not {value!r}")
        return value


class _Loader(yaml.SafeLoader):
    """The safe loader, plus MkDocs' ``!ENV``; any other tag reads as ``None``."""


def _environment(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node, deep=True)
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    else:
        raise SettingsError("!ENV takes a variable name or a list of names and a default")
    for name in names:
        value = os.environ.get(str(name))
        if value is not None:
            # pyyaml_env_tag reads the variable's text as a YAML scalar ('true' is a boolean).
            return yaml.safe_load(value) if value else value
    return default


def _ignored(loader: _Loader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_constructor("!ENV", _environment)
_Loader.add_multi_constructor("!", _ignored)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _ignored)


def read_settings(config_file: Path) -> RegistrySettings:
    """Read ``config_file`` (``mkdocs.yml``); raises :class:`SettingsError` when it cannot."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"cannot read {config_file}: {error}") from None
    try:
        document = yaml.load(text, Loader=_Loader)  # _Loader is the safe loader plus !ENV
    except yaml.YAMLError as error:
        raise SettingsError(f"{config_file} is not valid YAML: {error}") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise SettingsError(f"{config_file} must be a mapping of settings")
    return RegistrySettings(
        root=config_file.parent,
        site_name=_text(document, "site_name"),
        site_description=_text(document, "site_description"),
        site_author=_text(document, "site_author"),
        repo_url=_text(document, "repo_url"),
        options=_plugin_options(document.get("plugins")),
    )


def _text(document: dict[str, Any], key: str) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SettingsError(f"{key!r} in mkdocs.yml must be a string, not {value!r}")
    return value


def _plugin_options(plugins: object) -> dict[str, Any]:
    """The ``chatmodes`` entry of ``plugins:`` (a list of names and one-key mappings, or a
    mapping of names to options, as MkDocs accepts both)."""
    entries: list[tuple[object, object]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, dict):
                entries += list(item.items())
            else:
                entries.append((item, None))
    for name, options in entries:
        if name == PLUGIN_NAME:
            if options is None:
                return {}
            if not isinstance(options, dict):
                raise SettingsError("the chatmodes plugin's options in mkdocs.yml must be a mapping")
            return dict(options)
    return {}

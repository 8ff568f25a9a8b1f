"""Which Copilot plugin marketplace a registry is, and the commands that reach it.

The registry publishes its chat modes as a Copilot plugin marketplace (contract: "Plugin
marketplace"): one plugin per published mode, named by its slug. A user adds the marketplace
once (``copilot plugin marketplace add SOURCE``) and then installs ``SLUG@NAME``, where NAME is
the ``name`` field of the marketplace's ``.github/plugin/marketplace.json`` (checked with the
real Copilot CLI: ``browse`` and ``install`` take that name, not the source).

This module is the one definition of that identity; the marketplace renderer, the site's
install entries, ``chatmodes show``, the MCP server and ``llms.txt`` all read it from here or
from ``catalog.json``'s ``marketplace`` field, which :func:`MarketplaceRef.to_dict` writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import urlsplit

from chatmode_registry.core.identity import slugify

#: A GitHub repository as ``copilot plugin marketplace add`` takes it (``OWNER/REPO``).
_GITHUB_PATH = re.compile(r"^/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100}?)(?:\.git)?/?$")


class MarketplaceRecord(TypedDict):
    """``catalog.json``'s ``marketplace`` field."""

    name: str
    source: str | None


@dataclass(frozen=True)
class MarketplaceRef:
    """A registry's marketplace: the ``name`` users type after ``@``, and the ``source`` they add.

    ``source`` is ``OWNER/REPO`` for a GitHub repository, or a git URL; ``None`` when the
    registry does not know where it is published (then only the install command is shown).
    """

    name: str
    source: str | None

    def add_command(self) -> str | None:
        """The one-time command that registers the marketplace, or ``None`` without a source."""
        return f"copilot plugin marketplace add {self.source}" if self.source else None

    def install_command(self, slug: str) -> str:
        """The command that installs one chat mode's plugin."""
        return f"copilot plugin install {slug}@{self.name}"

    def update_command(self, slug: str) -> str:
        """The command that brings an installed plugin to the marketplace's version."""
        return f"copilot plugin update {slug}@{self.name}"

    def to_dict(self) -> MarketplaceRecord:
        return {"name": self.name, "source": self.source}

    @classmethod
    def from_dict(cls, data: object) -> MarketplaceRef | None:
        """Read ``catalog.json``'s field back; anything malformed reads as no marketplace."""
        if not isinstance(data, dict):
            return None
        name, source = data.get("name"), data.get("source")
        if not isinstance(name, str) or not is_plugin_name(name):
            return None
        if source is not None and not (isinstance(source, str) and _is_source(source)):
            source = None
        return cls(name=name, source=source)


#: Characters of plugin and marketplace names: lower-case words joined by single hyphens
#: (awesome-copilot's plugin names and the Agent Plugins schema's name pattern are kebab-case).
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def is_plugin_name(name: str) -> bool:
    """Whether ``name`` can be a plugin's or a marketplace's name (checked without a regular
    expression: the kebab-case pattern nests repeats, which the regex audit refuses)."""
    return (
        0 < len(name) <= 64
        and set(name) <= _NAME_CHARACTERS
        and not name.startswith("-")
        and not name.endswith("-")
        and "--" not in name
    )


def github_repository(repo_url: str | None) -> str | None:
    """``OWNER/REPO`` of a ``https://github.com/OWNER/REPO`` address, else ``None``."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url.strip())
    if parts.scheme not in ("http", "https") or parts.hostname not in ("github.com", "www.github.com"):
        return None
    match = _GITHUB_PATH.match(parts.path)
    return f"{match.group(1)}/{match.group(2)}" if match else None


def _is_source(source: str) -> bool:
    """A source worth printing in a command: ``OWNER/REPO`` or an http(s)/ssh URL, no spaces or
    control characters (it comes from a site's JSON, which is untrusted)."""
    if not source.isprintable() or any(ch.isspace() for ch in source) or len(source) > 300:
        return False
    if _GITHUB_PATH.match("/" + source):
        return True
    return urlsplit(source).scheme in ("https", "http", "ssh")


def marketplace_ref(
    *, name: str | None, source: str | None, repo_url: str | None, site_name: str | None
) -> MarketplaceRef:
    """The registry's marketplace from the plugin options and ``mkdocs.yml``.

    ``name`` and ``source`` are the options as written (``None`` when unset). Without a
    ``source``, a GitHub ``repo_url`` gives ``OWNER/REPO``; without a ``name``, the repository's
    name does, else the site's name, slugified.
    """
    if source is not None and not _is_source(source):
        raise ValueError(f"marketplace source {source!r} is not OWNER/REPO or an https/ssh git URL")
    repository = github_repository(repo_url)
    resolved_source = source or repository
    if name is None:
        name = slugify(repository.split("/", 1)[1]) if repository else slugify(site_name or "") or "chatmodes"
    if not is_plugin_name(name):
        raise ValueError(f"marketplace name {name!r} must be lower-case words joined by hyphens")
    return MarketplaceRef(name=name, source=resolved_source)

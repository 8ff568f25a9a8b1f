"""The registry as a Copilot plugin marketplace: catalog -> ``marketplace.json`` and plugin folders.

Contract: "Plugin marketplace". One plugin per published chat mode, named by its slug, holding
the mode and its direct transition targets (handoff, subagent and prose), so every handoff of
an installed plugin resolves. The tree is built in memory (POSIX path -> bytes) so that
``chatmodes marketplace`` can write it or compare it with what is on disk (``--check``).

The format, as read from its sources (see ``docs/publishing.md``):

- Marketplace: ``.github/plugin/marketplace.json`` at the repository root with ``name``,
  ``owner.name``, ``metadata`` (``description``, ``version``, ``pluginRoot``) and ``plugins``
  entries (``name``, ``source`` relative to ``pluginRoot``, ``description``, ``version``):
  github/awesome-copilot ``.github/plugin/marketplace.json`` at 001b5eb6 and GitHub's "Copilot
  CLI plugin reference" (github/docs ``cli-plugin-reference.md`` at 0afe69c8).
- Plugin: ``.github/plugin/plugin.json`` with the Agent Plugins 1.0.0 fields only
  (``$schema``, ``name``, ``version``, ``description``, ``author``, ``repository``,
  ``license``, ``keywords``; ``additionalProperties: false``), and agents found by convention
  in ``agents/``: awesome-copilot's served manifests (``eng/materialize-plugins.mjs`` at
  0aa10516, checked with ``eng/agent-plugin-schema.mjs`` at 05e68391), the Agent Plugins
  schema (agentplugins/agent-plugins-spec ``schemas/1.0.0/plugin.schema.json``).
- Agent files: awesome-copilot's plugins hold ``agents/NAME.md``. VS Code reads every ``.md``
  file of a plugin's ``agents/`` and names the agent by its ``name:`` field, else by the file
  name without ``.agent.md``/``.md`` (microsoft/vscode ``pluginParsers.ts`` at 047238f9,
  ``readAgentComponents``), and resolves a handoff's ``agent:`` by that name; Copilot CLI
  identifies a plugin's agent by its file name. So each file keeps its source's stem when it
  can (a ``.chatmode.md`` becomes an agent file, as VS Code migrates chat modes to agents),
  and its bytes are the published bytes.
- No ``plugin.json`` at a plugin's root: VS Code takes a root ``plugin.json`` with an Agent
  Plugins ``$schema`` as the "Agent Plugin" format, whose agents live under
  ``com.github.copilot/agents`` (``agentPluginParser.ts`` at 1fd84445); under
  ``.github/plugin/`` the manifest keeps the Copilot format, whose agents are ``agents/``.

``pluginRoot`` is ``./copilot-plugins``, not awesome-copilot's ``./plugins``: a registry's
repository is this project's layout, whose ``plugins/`` folder is the Python package.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from chatmode_registry.core import rules
from chatmode_registry.core.identity import slugify
from chatmode_registry.core.marketplace import (
    MarketplaceRef,
    github_repository,
    is_plugin_name,
    marketplace_ref,
)
from chatmode_registry.core.mkdocs_settings import RegistrySettings
from chatmode_registry.core.model import Catalog, ChatMode, Diagnostic

#: The folder, relative to the marketplace's root, that holds one folder per plugin.
PLUGIN_ROOT = "copilot-plugins"
#: Where a marketplace's manifest lives (Copilot CLI also reads ``marketplace.json`` and
#: ``.claude-plugin/marketplace.json``; this is the location GitHub's reference documents).
MARKETPLACE_MANIFEST = ".github/plugin/marketplace.json"
#: A plugin's manifest, relative to its folder.
PLUGIN_MANIFEST = ".github/plugin/plugin.json"
#: A plugin's agents, relative to its folder (Copilot CLI's and VS Code's default).
AGENTS_FOLDER = "agents"
#: The ``$schema`` of every plugin manifest: Agent Plugins 1.0.0, as awesome-copilot requires.
AGENT_PLUGINS_SCHEMA = "https://agent-plugins.org/schemas/1.0.0/plugin.schema.json"
#: GitHub's reference caps a description at 1,024 characters.
MAX_DESCRIPTION = 1024
#: awesome-copilot's plugin checks (``eng/validate-plugins.mjs`` at 05e68391): at most 10
#: keywords of lower-case letters, digits and hyphens, 30 characters each.
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 30
#: Longest file stem written (bytes), leaving room for ``.md`` within the common 255.
MAX_STEM_BYTES = 200

#: Characters Windows does not allow in file names; device names it reserves.
_UNPORTABLE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\.|$)", re.IGNORECASE)
#: Bidirectional controls: they reorder what a terminal shows (kept out of descriptions).
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])


@dataclass(frozen=True)
class MarketplaceInfo:
    """What a marketplace says about itself and its plugins besides the chat modes."""

    ref: MarketplaceRef
    owner: str
    description: str
    repository: str | None = None
    license: str | None = None
    author: str | None = None


@dataclass
class Marketplace:
    """A marketplace tree: ``files`` maps a POSIX path (relative to the marketplace's root) to
    its bytes; ``plugins`` lists the plugin names; ``diagnostics`` the modes left out or whose
    agent file had to be named otherwise."""

    files: dict[str, bytes]
    plugins: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def marketplace_info(settings: RegistrySettings) -> MarketplaceInfo:
    """The marketplace's identity and shared plugin fields from a registry's ``mkdocs.yml``.

    Raises ``ValueError`` when the marketplace name or source options are not valid.
    """
    ref = marketplace_ref(
        name=settings.option("marketplace_name"),
        source=settings.option("marketplace_source"),
        repo_url=settings.repo_url,
        site_name=settings.site_name,
    )
    repository_path = github_repository(settings.repo_url)
    owner = settings.site_author or (repository_path.split("/", 1)[0] if repository_path else None)
    return MarketplaceInfo(
        ref=ref,
        owner=_one_line(owner or settings.site_name or ref.name),
        description=_one_line(settings.site_description or settings.site_name or ref.name),
        repository=settings.repo_url or None,
        license=settings.option("marketplace_license"),
        author=_one_line(settings.site_author) if settings.site_author else None,
    )


def build_marketplace(catalog: Catalog, info: MarketplaceInfo) -> Marketplace:
    """The marketplace of ``catalog``: one plugin per published mode whose slug is a plugin name.

    A rejected file, or a mode whose slug cannot be a plugin name, is left out with a
    diagnostic (``CM401``); a file whose agent name changes inside a plugin gets ``CM402``.
    The result depends on nothing but its inputs: same catalog, same bytes.
    """
    by_slug = {mode.slug: mode for mode in catalog.chatmodes}
    diagnostics: dict[tuple[str, str], Diagnostic] = {}
    for rejected in sorted(catalog.rejected, key=lambda item: item.source):
        _note(
            diagnostics,
            rules.make(
                "CM401",
                rejected.source,
                None,
                "left out of the plugin marketplace: the file is rejected; fix its errors to publish it",
            ),
        )
    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    for mode in sorted(catalog.chatmodes, key=lambda item: item.slug):
        if not is_plugin_name(mode.slug):
            _note(
                diagnostics,
                rules.make(
                    "CM401",
                    mode.source,
                    None,
                    f"left out of the plugin marketplace: its slug {mode.slug!r} cannot be a plugin name "
                    "(lower-case words joined by hyphens, at most 64 characters); give the file a shorter name",
                ),
            )
            continue
        plugin_files = _agent_files(mode, by_slug, diagnostics)
        manifest = _plugin_manifest(mode, info)
        manifest["version"] = _version(manifest, plugin_files)
        folder = f"{PLUGIN_ROOT}/{mode.slug}"
        for name, data in plugin_files.items():
            files[f"{folder}/{name}"] = data
        files[f"{folder}/{PLUGIN_MANIFEST}"] = dumps(manifest)
        entries.append(
            {
                "name": mode.slug,
                "source": mode.slug,
                "description": manifest["description"],
                "version": manifest["version"],
            }
        )
    document = {
        "name": info.ref.name,
        "owner": {"name": info.owner},
        "metadata": {
            "description": info.description,
            "version": _digest_version(json.dumps(entries, sort_keys=True).encode("utf-8")),
            "pluginRoot": f"./{PLUGIN_ROOT}",
        },
        "plugins": entries,
    }
    files[MARKETPLACE_MANIFEST] = dumps(document)
    ordered = sorted(diagnostics.values(), key=lambda item: (item.path, item.code, item.message))
    return Marketplace(dict(sorted(files.items())), [entry["name"] for entry in entries], ordered)


def dumps(document: dict[str, Any]) -> bytes:
    """A manifest's bytes: sorted keys, two-space indent, one trailing newline (stable, so that
    ``--check`` compares like with like)."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _note(found: dict[tuple[str, str], Diagnostic], diagnostic: Diagnostic) -> None:
    found.setdefault((diagnostic.path, diagnostic.code), diagnostic)


def _members(mode: ChatMode, by_slug: dict[str, ChatMode]) -> list[ChatMode]:
    """The mode and its direct transition targets, each once, in the order written."""
    members = {mode.slug: mode}
    for transition in mode.transitions:
        target = by_slug.get(transition.target) if transition.target else None
        if target is not None:
            members.setdefault(target.slug, target)
    return list(members.values())


def _agent_files(
    mode: ChatMode, by_slug: dict[str, ChatMode], diagnostics: dict[tuple[str, str], Diagnostic]
) -> dict[str, bytes]:
    """``agents/NAME.md`` -> published bytes for the mode and its targets.

    NAME is the source's stem, so an agent without a ``name:`` keeps the name handoffs use.
    The plugin's own mode chooses first, then the files whose name comes from their stem;
    a stem already taken (ignoring case, as some file systems do) or not a portable file name
    falls back to the slug, which is unique in the catalog.
    """
    members = _members(mode, by_slug)
    ordered = [members[0], *sorted(members[1:], key=lambda member: _header_named(member))]
    taken: set[str] = set()
    named: dict[str, bytes] = {}
    for member in ordered:
        stem = member.stem
        if not _portable(stem) or stem.casefold() in taken:
            stem = _free(member.slug, taken)
            if not _header_named(member):
                _note(
                    diagnostics,
                    rules.make(
                        "CM402",
                        member.source,
                        None,
                        f"in a plugin of the marketplace this file is agents/{stem}.md, so its agent name is "
                        f"{stem!r} there, not {member.stem!r}; add 'name: {member.stem}' to its header or "
                        "give it a file name that is unique and portable",
                    ),
                )
        taken.add(stem.casefold())
        named[f"{AGENTS_FOLDER}/{stem}.md"] = member.raw
    return named


def _header_named(mode: ChatMode) -> bool:
    """Whether the agent's name comes from its header (then its file name may change freely)."""
    return isinstance(mode.header.get("name"), str)


def _free(slug: str, taken: set[str]) -> str:
    """A file stem from ``slug`` that no other file of the plugin has: slugs are unique in the
    catalog, but a slug may still be another file's stem, too long, or a reserved device name."""
    base = slug[: MAX_STEM_BYTES // 2]
    if not _portable(base):
        base = f"{base}-agent"
    candidate, number = base, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _portable(stem: str) -> bool:
    """Whether ``stem.md`` is a file name on Windows, macOS and Linux alike, and not hidden."""
    return (
        bool(stem)
        and not stem.startswith(".")
        and not stem.endswith((".", " "))
        and stem == stem.strip()
        and len(stem.encode("utf-8")) <= MAX_STEM_BYTES
        and not _UNPORTABLE.search(stem)
        and not _RESERVED.match(stem)
        and stem == unicodedata.normalize("NFC", stem)
    )


def _plugin_manifest(mode: ChatMode, info: MarketplaceInfo) -> dict[str, Any]:
    """The Agent Plugins fields of a mode's plugin, without its version."""
    manifest: dict[str, Any] = {
        "$schema": AGENT_PLUGINS_SCHEMA,
        "name": mode.slug,
        "description": _one_line(mode.description or mode.name or mode.slug, MAX_DESCRIPTION),
    }
    keywords = _keywords(mode)
    if keywords:
        manifest["keywords"] = keywords
    if info.author:
        manifest["author"] = {"name": info.author}
    if info.repository:
        manifest["repository"] = info.repository
    if info.license:
        manifest["license"] = info.license
    return manifest


def _keywords(mode: ChatMode) -> list[str]:
    """Search keywords from the mode's tools and models, as awesome-copilot's checks allow them."""
    found: dict[str, None] = {}
    for value in [*mode.tools, *mode.models]:
        keyword = slugify(value)
        if keyword and len(keyword) <= MAX_KEYWORD_LENGTH:
            found.setdefault(keyword)
        if len(found) == MAX_KEYWORDS:
            break
    return list(found)


def _version(manifest: dict[str, Any], plugin_files: dict[str, bytes]) -> str:
    """A version that changes exactly when one of the plugin's files does: a digest of the
    manifest (without its version) and of every agent file's name and bytes."""
    digest = hashlib.sha256(dumps(manifest))
    for name, data in sorted(plugin_files.items()):
        encoded = name.encode("utf-8")
        digest.update(b"%d:%s%d:" % (len(encoded), encoded, len(data)))
        digest.update(data)
    return _semver(digest.hexdigest())


def _digest_version(data: bytes) -> str:
    return _semver(hashlib.sha256(data).hexdigest())


def _semver(hex_digest: str) -> str:
    """A Semantic Versioning 2.0.0 version carrying a digest: a pre-release of 0.0.0 whose one
    identifier has letters in it (a digits-only identifier may not start with 0)."""
    return f"0.0.0-sha256-{hex_digest[:12]}"


def _one_line(text: str, limit: int | None = None) -> str:
    """``text`` as one line for a manifest a terminal shows: whitespace runs become one space,
    control and bidi characters are dropped, and it is cut at ``limit`` characters."""
    kept = "".join(
        " " if char.isspace() else char
        for char in text.translate(_BIDI)
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cs", "Co", "Cn")
    )
    line = " ".join(kept.split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line

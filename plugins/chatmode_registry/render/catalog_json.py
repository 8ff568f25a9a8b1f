"""The machine-readable catalog, ``catalog.json`` (contract: "catalog.json")."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from chatmode_registry.core.identity import slugify
from chatmode_registry.core.marketplace import MarketplaceRef
from chatmode_registry.core.model import Catalog, ChatMode, Diagnostic, chatmode_suffix
from chatmode_registry.core.pages import page_url, raw_url
from chatmode_registry.core.record import (
    SCHEMA_VERSION,
    CatalogRecord,
    ChatModeRecord,
    DiagnosticRecord,
    InvocationRecord,
    RemovedRecord,
    TransitionRecord,
)
from chatmode_registry.core.site import MAX_CATALOG_BYTES


def body_sha256(mode: ChatMode) -> str:
    """Digest of the text below the header, so a diff can tell a body change from a header one."""
    return hashlib.sha256(mode.body.encode("utf-8")).hexdigest()


def invocation(mode: ChatMode) -> InvocationRecord:
    """How VS Code may invoke the agent: picked by the ``user``, run as a subagent by a
    ``model``, and which ``subagents`` it may run itself (``any``, ``none``, ``listed``, ``unset``)."""
    return {"user": mode.user_invocable, "model": mode.model_invocable, "subagents": mode.subagents}


def chatmode_to_dict(
    mode: ChatMode, *, prefix: str = "catalog", history: list[str] | None = None, history_omitted: int = 0
) -> ChatModeRecord:
    """One entry of ``chatmodes`` (``data/catalog.schema.json``); ``history_omitted`` counts
    the earlier versions ``history`` leaves out."""
    data: ChatModeRecord = {
        "slug": mode.slug,
        "name": mode.name,
        "description": mode.description,
        "model": mode.model,
        "tools": mode.tools,
        "kind": mode.kind,
        "source": mode.source,
        "url": page_url(prefix, mode),
        "raw_url": raw_url(prefix, mode),
        "sha256": mode.sha256,
        "bytes": len(mode.raw),
        "body_sha256": body_sha256(mode),
        "agent_name": mode.agent_name,
        "invocation": invocation(mode),
        "transitions": [cast(TransitionRecord, transition.to_dict()) for transition in mode.transitions],
        "diagnostics": [_diagnostic(diagnostic) for diagnostic in mode.diagnostics],
    }
    if history:
        data["history"] = history
    if history_omitted:
        data["history_omitted"] = history_omitted
    return data


def catalog_to_dict(
    catalog: Catalog,
    *,
    site_url: str | None,
    prefix: str = "catalog",
    history: dict[str, list[str]] | None = None,
    removed: dict[str, list[str]] | None = None,
    marketplace: MarketplaceRef | None = None,
    history_omitted: dict[str, int] | None = None,
    removed_omitted: int = 0,
) -> CatalogRecord:
    """The whole ``catalog.json`` document; ``history`` maps a source path to earlier digests.

    ``removed`` maps the source path of each chat mode file the folder no longer has to its
    committed digests; when there are any, they are listed under ``removed`` as
    ``{"slug", "source", "history"}`` so ``chatmodes status`` can tell a copy of a removed
    mode from an unknown file. ``history_omitted`` (by source) and ``removed_omitted`` count
    what history had beyond the lists' bounds.
    """
    history = history or {}
    omitted = history_omitted or {}
    data: CatalogRecord = {
        "schema": SCHEMA_VERSION,
        "site_url": site_url,
        "chatmodes": [
            chatmode_to_dict(
                mode,
                prefix=prefix,
                history=history.get(mode.source),
                history_omitted=omitted.get(mode.source, 0),
            )
            for mode in catalog.chatmodes
        ],
        "rejected": [
            {
                "source": rejected.source,
                "diagnostics": [_diagnostic(diagnostic) for diagnostic in rejected.diagnostics],
            }
            for rejected in catalog.rejected
        ],
    }
    if marketplace is not None:
        data["marketplace"] = marketplace.to_dict()
    if removed:
        data["removed"] = [
            RemovedRecord(slug=slugify(_stem(source)), source=source, history=digests)
            for source, digests in removed.items()
        ]
    if removed_omitted:
        data["removed_omitted"] = removed_omitted
    return data


def _stem(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    suffix = chatmode_suffix(name)
    return name[: -len(suffix)] if suffix else name


def _diagnostic(diagnostic: Diagnostic) -> DiagnosticRecord:
    """A diagnostic inside a record (its file is the record's)."""
    return cast(DiagnosticRecord, diagnostic.to_dict(with_path=False))


def dumps(data: CatalogRecord | dict[str, Any]) -> str:
    """Serialise the catalog: UTF-8 text, stable key order, one trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class CatalogTooLarge(Exception):
    """``catalog.json`` would be larger than the registry's clients accept, even without
    what history adds; the message says by how much and what to do."""


#: How far :func:`fit_catalog` cuts, in order: the ``removed`` list, then each mode's
#: ``history`` (what history adds; the modes themselves are never cut).
_REMOVED_STEPS = (100, 0)
_HISTORY_STEPS = (10, 1, 0)


def fit_catalog(data: CatalogRecord, *, limit: int = MAX_CATALOG_BYTES) -> tuple[str, list[str]]:
    """``catalog.json``'s text for ``data`` within ``limit`` bytes (what ``install``,
    ``status`` and ``search`` accept, :data:`~chatmode_registry.core.site.MAX_CATALOG_BYTES`),
    and a sentence for each cut made to get there.

    What history adds goes first: the ``removed`` list is shortened (100 entries, then none),
    then every mode's ``history`` (10 versions, 1, none), each cut counted in
    ``removed_omitted`` / ``history_omitted``. ``data`` is changed in place. Raises
    :class:`CatalogTooLarge` when the catalog does not fit even then: a site whose catalog
    its clients refuse must not be published.
    """
    text = dumps(data)
    size = len(text.encode("utf-8"))
    if size <= limit:
        return text, []
    original = size
    cuts: list[str] = []
    for keep in _REMOVED_STEPS:
        removed = data.get("removed", [])
        if size <= limit or len(removed) <= keep:
            continue
        data["removed_omitted"] = data.get("removed_omitted", 0) + len(removed) - keep
        if keep:
            data["removed"] = removed[:keep]
        else:
            del data["removed"]
        cuts.append(f"'removed' cut to {keep:,} entries")
        text = dumps(data)
        size = len(text.encode("utf-8"))
    for keep in _HISTORY_STEPS:
        if size <= limit:
            break
        cut = 0
        for entry in data["chatmodes"]:
            history = entry.get("history", [])
            if len(history) <= keep:
                continue
            entry["history_omitted"] = entry.get("history_omitted", 0) + len(history) - keep
            cut += 1
            if keep:
                entry["history"] = history[:keep]
            else:
                del entry["history"]
        if cut:
            cuts.append(f"the history of {cut:,} chat modes cut to {keep} versions")
            text = dumps(data)
            size = len(text.encode("utf-8"))
    if size > limit:
        raise CatalogTooLarge(
            f"catalog.json would be {size:,} bytes, more than the {limit:,} the registry's clients "
            "(install, status, search) accept, even without what git history adds: split the "
            "catalog into several sites, or shorten the chat modes"
        )
    cuts.insert(0, f"catalog.json was {original:,} bytes, over the {limit:,} its clients accept")
    return text, cuts

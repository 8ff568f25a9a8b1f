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


def body_sha256(mode: ChatMode) -> str:
    """Digest of the text below the header, so a diff can tell a body change from a header one."""
    return hashlib.sha256(mode.body.encode("utf-8")).hexdigest()


def invocation(mode: ChatMode) -> InvocationRecord:
    """How VS Code may invoke the agent: picked by the ``user``, run as a subagent by a
    ``model``, and which ``subagents`` it may run itself (``any``, ``none``, ``listed``, ``unset``)."""
    return {"user": mode.user_invocable, "model": mode.model_invocable, "subagents": mode.subagents}


def chatmode_to_dict(
    mode: ChatMode, *, prefix: str = "catalog", history: list[str] | None = None
) -> ChatModeRecord:
    """One entry of ``chatmodes`` (``data/catalog.schema.json``)."""
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
    return data


def catalog_to_dict(
    catalog: Catalog,
    *,
    site_url: str | None,
    prefix: str = "catalog",
    history: dict[str, list[str]] | None = None,
    removed: dict[str, list[str]] | None = None,
    marketplace: MarketplaceRef | None = None,
) -> CatalogRecord:
    """The whole ``catalog.json`` document; ``history`` maps a source path to earlier digests.

    ``removed`` maps the source path of each chat mode file the folder no longer has to its
    committed digests; when there are any, they are listed under ``removed`` as
    ``{"slug", "source", "history"}`` so ``chatmodes status`` can tell a copy of a removed
    mode from an unknown file.
    """
    history = history or {}
    data: CatalogRecord = {
        "schema": SCHEMA_VERSION,
        "site_url": site_url,
        "chatmodes": [
            chatmode_to_dict(mode, prefix=prefix, history=history.get(mode.source))
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

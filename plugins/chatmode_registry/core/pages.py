"""Where the catalog's pages and files live, relative to the site root (contract: "The built
site"). ``catalog.json`` names them as URLs (:func:`page_url`, :func:`raw_url`); the MkDocs
adapter places its files at the same paths (``mkdocs.structure.CatalogLayout``).
"""

from __future__ import annotations

from urllib.parse import quote

from chatmode_registry.core.model import ChatMode


def page_path(prefix: str, slug: str) -> str:
    """The folder of a chat mode's page: ``catalog/<slug>/``."""
    return f"{prefix.strip('/')}/{slug}/"


def raw_path(prefix: str, mode: ChatMode) -> str:
    """The published raw file, next to the page: ``catalog/<slug>/<slug><suffix>``."""
    return page_path(prefix, mode.slug) + mode.filename


def page_url(prefix: str, mode: ChatMode) -> str:
    """:func:`page_path` as a URL (percent-encoded)."""
    return quote(page_path(prefix, mode.slug))


def raw_url(prefix: str, mode: ChatMode) -> str:
    """:func:`raw_path` as a URL (percent-encoded)."""
    return quote(raw_path(prefix, mode))

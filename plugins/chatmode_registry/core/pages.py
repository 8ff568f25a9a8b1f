"""The catalog's pages: which kinds there are and where pages and files live, relative to the
site root (contract: "The built site").

Each kind of page is one :class:`PageKind` record; the reserved slugs (``core.identity``), the
navigation entries, the page titles and the adapter's dispatch to a context builder
(``mkdocs.plugin``) all derive from :data:`PAGE_KINDS` and :data:`MODE_PAGE`, as Material's
blog plugin derives its pages from its view classes. ``catalog.json`` names pages and raw
files as URLs (:func:`page_url`, :func:`raw_url`); the MkDocs adapter places its files at the
same paths (``mkdocs.structure.CatalogLayout``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from chatmode_registry.core.model import ChatMode


@dataclass(frozen=True)
class PageKind:
    """One kind of catalog page."""

    name: str
    """``index``, ``graph``, ... or ``mode``. A kind other than ``index`` and ``mode`` takes the
    slug ``name`` under the catalog's prefix (``catalog/graph/``), so no chat mode may have it."""

    title: str
    """The page title (a chat mode's page is titled with the chat mode's name instead)."""

    nav_title: str | None = None
    """The entry in the site navigation; ``None``: the page is not in the navigation."""

    baseline_only: bool = False
    """Built only when the build has a baseline to compare with."""

    @property
    def template(self) -> str:
        """The template that renders the page's content."""
        return f"chatmodes/{self.name}.html"

    @property
    def context(self) -> str:
        """The name of the adapter's context builder (``ChatmodesPlugin._<name>_context``)."""
        return f"{self.name}_context"


#: The catalog's own pages (every kind but a chat mode's page), in navigation order.
PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind("index", "Chat modes", nav_title="All chat modes"),
    PageKind("graph", "Transition graph", nav_title="Graph"),
    PageKind("tools", "Tools", nav_title="Tools"),
    PageKind("models", "Models", nav_title="Models"),
    PageKind("report", "Report", nav_title="Report"),
    PageKind("changes", "Changes", nav_title="Changes", baseline_only=True),
)

#: A chat mode's own page (``catalog/<slug>/``).
MODE_PAGE = PageKind("mode", "")

#: Every kind by name.
KINDS: dict[str, PageKind] = {kind.name: kind for kind in (*PAGE_KINDS, MODE_PAGE)}

#: Slugs the catalog's own pages take, so no chat mode may.
RESERVED_SLUGS: frozenset[str] = frozenset(kind.name for kind in PAGE_KINDS if kind.name != "index")


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

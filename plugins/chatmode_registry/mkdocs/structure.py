"""What the catalog adds to a site: its files, its pages and what each page shows.

:class:`CatalogLayout` decides where things live (``catalog/<slug>/``, the raw files,
``catalog.json``); :class:`CatalogSite` turns a loaded :class:`~chatmode_registry.core.model.Catalog`
into MkDocs files and, for each generated page, a template context of plain values that the
templates print escaped (Jinja's autoescape). The plugin adds the few values that are markup
on purpose (the sanitized body, the SVG drawings, the embedded JSON).

Nothing here talks to MkDocs' event system; :mod:`chatmode_registry.mkdocs.plugin` does.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from chatmode_registry.core import hidden, vscode
from chatmode_registry.core.identity import slugify
from chatmode_registry.core.marketplace import MarketplaceRef
from chatmode_registry.core.model import VIA_SUBAGENT, Catalog, ChatMode, Diagnostic, Severity, Transition
from chatmode_registry.core.pages import KINDS, PAGE_KINDS, PageKind, page_path, raw_path
from chatmode_registry.mkdocs.links import InstallLinks, install_links
from chatmode_registry.render.body import RepoPlace
from chatmode_registry.render.catalog_json import invocation
from chatmode_registry.render.changes import FieldChange, field_changes
from chatmode_registry.render.graph import GraphEdge, GraphNode

# The kinds of page, their titles and navigation entries: core.pages.PAGE_KINDS.

#: The sections of a chat mode page that are always in this order: HTML id and heading. The
#: template's headings and the page's table of contents (``ChatmodesPlugin._mode_sections``)
#: both read them; the link sections between ``problems`` and ``neighbourhood`` are
#: :data:`LINK_GROUPS`.
MODE_SECTIONS: dict[str, tuple[str, str]] = {
    "details": ("cmr-details", "Details"),
    "problems": ("cmr-problems", "Problems"),
    "neighbourhood": ("cmr-neighbourhood", "Neighbourhood"),
    "instructions": ("cmr-instructions", "Instructions"),
    "source": ("cmr-source", "Source"),
}

#: How many chat modes a tools/models page lists under one name before it links to the
#: filtered catalog index instead (keeps those pages small for very large catalogs).
LIST_LIMIT = 100

#: Entries per list on the catalog index (see ``chatmodes/index.html``): small enough that a
#: screenful touches few lists, large enough that the lists add few bytes.
INDEX_CHUNK = 100

#: Source URI of the site's home page (the catalog index with the ``home`` option).
HOME_URI = "index.md"

#: Stands for an entry's slug in the index's install link templates (only characters that
#: percent-encoding keeps as they are, so it survives inside the encoded links).
SLUG_MARKER = "cmr-slug-marker"

#: Where the plugin's stylesheet and script are published.
CSS_URI = "assets/chatmodes/chatmodes.css"
JS_URI = "assets/chatmodes/chatmodes.js"

#: The index's one inline script (index.html), run before Material's bundle: the filter's
#: parameter is "filter", and Material opens its site search for "?q=", which the filter
#: wrote before; an old link's "q" is renamed so that it filters the list instead.
FILTER_LINK_SCRIPT = (
    "(function(){if(!window.URLSearchParams||!window.history)return;"
    'var old=new URLSearchParams(window.location.search);if(!old.has("q"))return;'
    "var renamed=new URLSearchParams();old.forEach(function(value,key){"
    'if(key!=="q")renamed.append(key,value);'
    'else if(!old.has("filter")&&!renamed.has("filter"))renamed.append("filter",value);});'
    'var query=renamed.toString();window.history.replaceState(window.history.state,"",'
    'window.location.pathname+(query?"?"+query:"")+window.location.hash);})();'
)


@dataclass(frozen=True)
class LinkGroup:
    """One section of a chat mode page's links to or from other chat modes."""

    id: str
    """The section's HTML id (the table of contents points to it)."""

    title: str
    outgoing: bool
    """Transitions of this chat mode (else: transitions of others to it)."""

    subagent: bool
    """Only ``via: subagent`` transitions (else: only the others)."""

    empty: str
    """What the page says when the section has no links."""


#: The link sections of a chat mode page, in order. Subagent sections appear only when
#: they have links.
LINK_GROUPS = (
    LinkGroup("cmr-switches", "Switches to", True, False, "This chat mode names no other chat mode."),
    LinkGroup("cmr-subagents", "Runs as subagents", True, True, ""),
    LinkGroup(
        "cmr-reached", "Reached from", False, False, "No chat mode of the catalog switches to this one."
    ),
    LinkGroup("cmr-subagent-of", "Used as a subagent by", False, True, ""),
)

#: How a chat mode page names each kind of transition (``Transition.via``).
#: The copy button's accessible name on a mode's page, by kind. The contract wants it to start
#: with "Copy chatmode" on every page; an agent's file is named as what it is (#25).
COPY_LABELS = {"chatmode": "Copy chatmode file", "agent": "Copy chatmode (agent file)"}

VIA_LABELS = {"handoff": "handoff", "prose": "named in text", "subagent": "subagent"}


class StaticFile(File):
    """A generated file that is copied byte for byte and never rendered as a page.

    MkDocs treats every file whose name ends in ``.md`` as a documentation page; the raw
    chat mode files (``x.chatmode.md``) must be published as they are, so this file type
    says it is not one.
    """

    def is_documentation_page(self) -> bool:
        """Never a page, whatever the name."""
        return False


@dataclass(frozen=True)
class PageSpec:
    """One page the plugin generates: which kind, at which source URI, for which chat mode."""

    kind: str
    """``index``, ``graph``, ``tools``, ``models``, ``report``, ``changes`` or ``mode``."""

    src_uri: str
    """The virtual source path in the docs folder (``catalog/<slug>/index.md``)."""

    slug: str | None = None
    """The chat mode of a ``mode`` page."""

    @property
    def page_kind(self) -> PageKind:
        """The record of this page's kind."""
        return KINDS[self.kind]

    @property
    def template(self) -> str:
        """The template that renders this page's content."""
        return self.page_kind.template


class CatalogLayout:
    """Where the catalog's pages and files live, relative to the docs/site root."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def special_uri(self, kind: str) -> str:
        """Source URI of a special page: ``catalog/index.md``, ``catalog/graph.md``, ..."""
        return f"{self.prefix}/{kind}.md"

    def mode_uri(self, slug: str) -> str:
        """Source URI of a chat mode's page; it sits in the folder of its raw file."""
        return page_path(self.prefix, slug) + "index.md"

    def raw_uri(self, mode: ChatMode) -> str:
        """Path of the published raw file: ``catalog/<slug>/<slug><suffix>``."""
        return raw_path(self.prefix, mode)


def _anchor_ids(names: Iterable[str], prefix: str) -> dict[str, str]:
    """Stable, unique HTML ids for arbitrary names (tool names may hold any character)."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = prefix + (slugify(name) or "x")
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate)
        ids[name] = candidate
    return ids


@dataclass
class ToolInfo:
    """What the tools page and the chat mode pages say about one tool name."""

    name: str
    anchor: str
    description: str | None
    replacements: list[str]
    retired: str | None
    modes: list[ChatMode] = field(default_factory=list)

    @property
    def deprecated(self) -> bool:
        """True for a renamed or retired tool name."""
        return bool(self.replacements) or self.retired is not None

    def label(self) -> ToolLabel:
        """What a chat mode page shows of this tool."""
        return ToolLabel(self.name, self.description, tuple(self.replacements), self.retired, self.deprecated)


@dataclass(frozen=True)
class ToolLabel:
    """What a chat mode page shows of a tool it lists: the tool's own facts, not which other
    chat modes use it (a page that showed those would change with each of them)."""

    name: str
    description: str | None
    replacements: tuple[str, ...]
    retired: str | None
    deprecated: bool


@dataclass(frozen=True)
class Neighbourhood:
    """What a chat mode page draws around its mode, and how much was left out."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    more_nodes: int = 0
    """Neighbours not drawn (the node limit was reached)."""
    more_edges: int = 0
    """Edges between drawn nodes that were not drawn (the edge limit was reached)."""


@dataclass(frozen=True)
class ModePageInputs:
    """Everything a chat mode's page is rendered from. ``mkdocs serve`` reuses a page whose
    inputs are the same as when it was kept (:mod:`chatmode_registry.mkdocs.reuse`), so
    nothing may reach the page from anywhere else."""

    context: dict[str, Any]
    """The template's context (:meth:`CatalogSite.common_context`, then
    :meth:`CatalogSite.mode_context`), before the body and the drawings go in."""

    body: str
    """The body as it is rendered: hidden characters shown as markers."""

    place: RepoPlace | None
    """Where the body's relative links and images point."""

    neighbourhood: Neighbourhood
    """What the neighbourhood drawing shows."""

    drawing: dict[str, Any]
    """The neighbourhood drawing's options."""


class ModePage(Page):
    """A chat mode's page. Its content is written by the plugin just before MkDocs renders
    the page (``on_page_context``), so there is no Markdown to convert: rendering it leaves
    the page empty instead of starting the site's Markdown for nothing."""

    def render(self, config: Any, files: Any) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()


class CatalogSite:
    """A catalog placed in a site: files to add, pages to render and their contexts.

    ``base`` is the absolute URL of the published site root (``None`` without ``site_url``:
    no install links); ``dates`` maps a source path to its last commit date; ``edit_url``
    gives a source path's edit link or ``None``; ``diff`` is the baseline comparison
    (:class:`chatmode_registry.core.diff.CatalogDiff`) or ``None``; ``marketplace`` is the
    registry's Copilot plugin marketplace (``None``: no Copilot CLI commands on the pages).
    """

    def __init__(
        self,
        catalog: Catalog,
        layout: CatalogLayout,
        *,
        base: str | None,
        dates: dict[str, str] | None = None,
        edit_url: Callable[[str], str | None] | None = None,
        diff: Any = None,
        baseline_error: str | None = None,
        nav: bool = True,
        home: bool = False,
        marketplace: MarketplaceRef | None = None,
    ) -> None:
        self.catalog = catalog
        self.marketplace = marketplace
        self.layout = layout
        self.base = base
        self.dates = dates or {}
        self.edit_url = edit_url or (lambda source: None)
        self.diff = diff
        self.baseline_error = baseline_error
        self.nav = nav
        self.preview = diff is not None or baseline_error is not None
        self.specs: dict[str, PageSpec] = {}
        for kind in PAGE_KINDS:
            if kind.baseline_only and not self.preview:
                continue
            self.specs[layout.special_uri(kind.name)] = PageSpec(kind.name, layout.special_uri(kind.name))
        # The site's home page can be a second copy of the index (the ``home`` option).
        self.home_uri = HOME_URI if home else None
        if self.home_uri:
            self.specs[self.home_uri] = PageSpec("index", self.home_uri)
        for mode in catalog.chatmodes:
            self.specs[layout.mode_uri(mode.slug)] = PageSpec("mode", layout.mode_uri(mode.slug), mode.slug)
        self.files: dict[str, File] = {}
        self._pairs: dict[tuple[str, str], list[Transition]] | None = None
        tools = catalog.tools()
        anchors = _anchor_ids(tools, "cmr-tool-")
        self.tools: dict[str, ToolInfo] = {
            name: ToolInfo(
                name=name,
                anchor=anchors[name],
                description=vscode.tool_description(name),
                replacements=vscode.legacy_tool_replacements(name),
                retired=vscode.retired_tool_reason(name),
                modes=modes,
            )
            for name, modes in tools.items()
        }
        models = catalog.models()
        self.model_anchors = _anchor_ids(models, "cmr-model-")
        self.models = models
        # Computed once: Catalog.counts() walks every diagnostic, and every page shows it.
        self.counts = catalog.counts()
        self.changed: dict[str, list[str]] = {}
        self.field_changes: dict[str, list[FieldChange]] = {}
        if diff is not None:
            self.changed = {change.slug: list(change.fields) for change in diff.changed}
            self.field_changes = {change.slug: field_changes(change) for change in diff.changed}
            self.added = set(diff.added)
        else:
            self.added = set()

    # -- files ---------------------------------------------------------------------------

    def generated_files(
        self, config: Any, *, extra: dict[str, bytes | str], named_in_nav: Collection[str] = ()
    ) -> list[File]:
        """Every file the catalog adds: pages, raw files and the ``extra`` static files.

        ``extra`` maps a site path (``catalog.json``, the assets) to its content. The files
        are also remembered, so URLs between them can be computed later. A chat mode's page
        is a :class:`ModePage` unless the site's ``nav`` names it (MkDocs gives a nav title
        only to the pages it makes itself).
        """
        result: list[File] = []
        for uri, spec in self.specs.items():
            in_nav = (self.nav and spec.page_kind.nav_title is not None) or uri == self.home_uri
            inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, uri, content="", inclusion=inclusion)
            if spec.kind == "mode" and uri not in named_in_nav:
                ModePage(None, file, config)
            result.append(file)
        for mode in self.catalog.chatmodes:
            result.append(
                StaticFile.generated(
                    config, self.layout.raw_uri(mode), content=mode.raw, inclusion=InclusionLevel.INCLUDED
                )
            )
        for uri, content in extra.items():
            result.append(
                StaticFile.generated(config, uri, content=content, inclusion=InclusionLevel.INCLUDED)
            )
        for file in result:
            self.files[file.src_uri] = file
        return result

    def url(self, uri: str, page_url: str) -> str:
        """The URL of the generated file ``uri`` relative to the page at ``page_url``."""
        return get_relative_url(self.files[uri].url, page_url)

    def mode_url(self, slug: str, page_url: str) -> str:
        """Relative URL of a chat mode's page."""
        return self.url(self.layout.mode_uri(slug), page_url)

    def special_url(self, kind: str, page_url: str) -> str:
        """Relative URL of a special page."""
        return self.url(self.layout.special_uri(kind), page_url)

    # -- contexts ------------------------------------------------------------------------

    def common_context(self, spec: PageSpec, page_url: str) -> dict[str, Any]:
        """What every catalog template gets: links to the special pages and the preview state."""
        links = {
            kind.name: self.special_url(kind.name, page_url)
            for kind in PAGE_KINDS
            if self.layout.special_uri(kind.name) in self.files
        }
        if self.home_uri:
            # The index the reader knows is the home page.
            links["index"] = self.url(self.home_uri, page_url)
        return {
            "kind": spec.kind,
            "links": links,
            "counts": self.counts,
            "total": len(self.catalog.chatmodes),
            "rejected_count": len(self.catalog.rejected),
            "preview": self.preview_context(page_url) if self.preview else None,
        }

    def preview_context(self, page_url: str) -> dict[str, Any]:
        """The "this is a preview" banner: what the build changes against the baseline."""
        summary = self.diff.summary() if self.diff is not None else None
        changes_uri = self.layout.special_uri("changes")
        return {
            "summary": summary,
            "error": self.baseline_error,
            # No link from the changes page to itself.
            "changes_url": (
                self.url(changes_uri, page_url)
                if changes_uri in self.files and self.files[changes_uri].url != page_url
                else None
            ),
        }

    def index_entries(self, page_url: str) -> list[dict[str, Any]]:
        """One small record per chat mode for the catalog index."""
        entries = []
        for mode in self.catalog.chatmodes:
            counts = mode.counts()
            entries.append(
                {
                    "slug": mode.slug,
                    "name": mode.name,
                    "description": mode.description,
                    "models": mode.models,
                    "tools": mode.tools,
                    "url": self.mode_url(mode.slug, page_url),
                    "outgoing": len(self.outgoing_slugs(mode)),
                    "incoming": len(self.incoming_slugs(mode)),
                    "errors": counts["error"],
                    "warnings": counts["warning"],
                    "kind": mode.kind,
                    "change": self.change_of(mode.slug),
                    "updated": _day_of(self.dates.get(mode.source)),
                    "updated_at": _timestamp_of(self.dates.get(mode.source)),
                }
            )
        return entries

    def install_templates(self) -> dict[str, list[str]] | None:
        """The index's install links as templates, one pair (stable, insiders) per kind.

        Every entry's links differ only in the slug (``<prefix>/<slug>/<slug><suffix>``,
        and slugs need no percent-encoding), so the index carries these once and its script
        puts each entry's slug in place of :data:`SLUG_MARKER`; the links are made by
        :func:`~chatmode_registry.mkdocs.links.install_links` like those of the chat mode
        pages. ``None`` without a ``site_url``.
        """
        if self.base is None:
            return None
        templates = {}
        for kind, suffix in (("chatmode", ".chatmode.md"), ("agent", ".agent.md")):
            raw = f"{self.layout.prefix}/{SLUG_MARKER}/{SLUG_MARKER}{suffix}"
            links = install_links(self.base, quote(raw), agent=kind == "agent")
            templates[kind] = [links.stable, links.insiders]
        return templates

    def change_of(self, slug: str) -> str | None:
        """``added`` or ``changed`` when a baseline is given and the chat mode is new/changed."""
        if slug in self.added:
            return "added"
        if slug in self.changed:
            return "changed"
        return None

    def outgoing_slugs(self, mode: ChatMode) -> list[str]:
        """The distinct chat modes this one switches to (resolved transitions only)."""
        return list(dict.fromkeys(t.target for t in mode.transitions if t.target))

    def incoming_slugs(self, mode: ChatMode) -> list[str]:
        """The distinct chat modes that switch to this one."""
        return list(dict.fromkeys(source.slug for source, _ in self.catalog.incoming.get(mode.slug, [])))

    def index_context(self, page_url: str) -> dict[str, Any]:
        """The catalog index: entries (by name, as its sort control starts) and the facet
        values with their counts."""
        entries = sorted(self.index_entries(page_url), key=lambda e: (e["name"].casefold(), e["slug"]))
        return {
            "entries": entries,
            "has_dates": any(entry["updated"] for entry in entries),
            "chunk_size": INDEX_CHUNK,
            "filter_link_script": Markup(FILTER_LINK_SCRIPT),
            "install_templates": self.install_templates(),
            "copilot_cli": self.copilot_cli_view(SLUG_MARKER),
            "tool_facets": [(name, len(info.modes)) for name, info in self.tools.items()],
            "model_facets": [(name, len(modes)) for name, modes in self.models.items()],
        }

    def transition_view(self, transition: Transition, page_url: str) -> dict[str, Any]:
        """One link to another chat mode (a "Switches to" or "Runs as subagents" item)."""
        target = self.catalog.by_slug.get(transition.target) if transition.target else None
        return {
            "label": transition.label,
            "text": transition.text,
            "reason": transition.reason,
            "via": transition.via,
            "line": transition.line,
            "builtin": transition.builtin,
            "dangling": transition.dangling,
            "where": vscode.harness_note(transition.via),
            "harnesses": transition.harnesses,
            "name": target.name if target else transition.text,
            "url": self.mode_url(target.slug, page_url) if target else None,
        }

    def vscode_view(self, mode: ChatMode) -> dict[str, Any]:
        """How VS Code invokes the agent: ``agent_name`` (what handoffs must write) and
        ``invocation`` (user / model / subagents, as in ``catalog.json``). Its subagent links
        are in :meth:`transition_groups` with every other kind."""
        return {"agent_name": mode.agent_name, "invocation": invocation(mode)}

    def copilot_cli_view(self, slug: str) -> dict[str, str | None] | None:
        """The Copilot CLI commands of one chat mode: ``install`` (its plugin), ``add`` (the
        one-time marketplace registration, ``None`` when the source is unknown) and
        ``template``, the install command with :data:`SLUG_MARKER` for the slug (the index's
        script makes each entry's command from it). ``None`` when the registry names no
        marketplace."""
        if self.marketplace is None:
            return None
        return {
            "install": self.marketplace.install_command(slug),
            "add": self.marketplace.add_command(),
            "template": self.marketplace.install_command(SLUG_MARKER),
        }

    def transition_groups(self, mode: ChatMode, page_url: str) -> list[dict[str, Any]]:
        """A chat mode's links to and from others, in the page's sections (:data:`LINK_GROUPS`).

        Every kind of transition (``via``: handoff, prose, subagent) is one record of the same
        shape, so the page draws them all with one layout; a subagent section is left out
        when it would be empty.
        """
        outgoing = [self.transition_view(t, page_url) for t in mode.transitions]
        incoming = [
            {
                "name": source.name,
                "url": self.mode_url(source.slug, page_url),
                "label": transition.label,
                "text": transition.text,
                "reason": transition.reason,
                "via": transition.via,
                "line": transition.line,
                "builtin": False,
                "dangling": False,
                "where": vscode.harness_note(transition.via),
                "harnesses": transition.harnesses,
                "source": source.source,
            }
            for source, transition in self.catalog.incoming.get(mode.slug, [])
        ]
        groups = []
        for group in LINK_GROUPS:
            records = outgoing if group.outgoing else incoming
            items = [r for r in records if (r["via"] == VIA_SUBAGENT) == group.subagent]
            # An agents list that names no chat mode ('*' or []) is still worth saying.
            said = group.outgoing and mode.subagents in ("any", "none")
            if items or not group.subagent or said:
                groups.append({"id": group.id, "title": group.title, "empty": group.empty, "entries": items})
        return groups

    def mode_context(self, mode: ChatMode, page_url: str) -> dict[str, Any]:
        """A chat mode's page, without the body and drawings (the renderer adds those)."""
        raw_uri = self.layout.raw_uri(mode)
        links: InstallLinks | None = None
        if self.base is not None:
            links = install_links(self.base, self.files[raw_uri].url, agent=mode.kind == "agent")
        tools_url = self.special_url("tools", page_url)
        header = mode.header
        return {
            "mode": mode,
            "name": mode.name,
            "description": mode.description,
            "models": mode.models,
            "tools": [
                {"info": self.tools[name].label(), "url": f"{tools_url}#{self.tools[name].anchor}"}
                for name in mode.tools
            ],
            "target": _as_text(header.get("target")),
            "argument_hint": _as_text(header.get("argument-hint")),
            "source": mode.source,
            "original_filename": mode.source.rsplit("/", 1)[-1],
            "filename": mode.filename,
            "raw_url": self.url(raw_uri, page_url),
            "sha256": mode.sha256,
            "size": len(mode.raw),
            "kind_label": "custom agent" if mode.kind == "agent" else "chat mode",
            "copy_label": COPY_LABELS[mode.kind],
            "updated": self.dates.get(mode.source),
            "edit_url": self.edit_url(mode.source),
            "install": links,
            "copilot_cli": self.copilot_cli_view(mode.slug),
            **self.vscode_view(mode),
            "link_groups": self.transition_groups(mode, page_url),
            "sections": {name: {"id": id_, "title": title} for name, (id_, title) in MODE_SECTIONS.items()},
            "via_labels": VIA_LABELS,
            "diagnostics": mode.diagnostics,
            "counts": mode.counts(),
            "change": self.change_of(mode.slug),
            "changed_fields": self.changed.get(mode.slug, []),
            "field_changes": self.field_changes.get(mode.slug, []),
            "raw_text": _decoded(mode.raw),
        }

    def mode_page_inputs(
        self, spec: PageSpec, page_url: str, *, place: RepoPlace | None, max_nodes: int, max_edges: int
    ) -> ModePageInputs:
        """What the chat mode page ``spec`` at ``page_url`` is rendered from; ``place`` is its
        file's place in the repository, ``max_nodes`` and ``max_edges`` bound its drawing."""
        assert spec.slug is not None
        mode = self.catalog.by_slug[spec.slug]
        context = self.common_context(spec, page_url)
        context.update(self.mode_context(mode, page_url))
        return ModePageInputs(
            context=context,
            body=hidden.reveal(mode.body),
            place=place,
            neighbourhood=self.neighbourhood_parts(mode, page_url, max_nodes=max_nodes, max_edges=max_edges),
            drawing={"focus": mode.slug, "title": f"Neighbourhood of {mode.name}"},
        )

    def tools_context(self, page_url: str) -> dict[str, Any]:
        """The tools page: each tool, what VS Code says about it, the chat modes using it."""
        index_url = self.special_url("index", page_url)
        return {
            "tools": [
                {
                    "info": info,
                    "modes": [(m.name, self.mode_url(m.slug, page_url)) for m in info.modes[:LIST_LIMIT]],
                    "more": max(len(info.modes) - LIST_LIMIT, 0),
                    "filter_url": f"{index_url}?tool={_query_value(info.name)}",
                }
                for info in self.tools.values()
            ],
        }

    def models_context(self, page_url: str) -> dict[str, Any]:
        """The models page: each model name and the chat modes asking for it."""
        index_url = self.special_url("index", page_url)
        return {
            "models": [
                {
                    "name": name,
                    "anchor": self.model_anchors[name],
                    "modes": [(m.name, self.mode_url(m.slug, page_url)) for m in modes[:LIST_LIMIT]],
                    "count": len(modes),
                    "more": max(len(modes) - LIST_LIMIT, 0),
                    "filter_url": f"{index_url}?model={_query_value(name)}",
                }
                for name, modes in self.models.items()
            ],
            "without_model": sum(1 for mode in self.catalog.chatmodes if not mode.models),
        }

    def report_context(self, page_url: str) -> dict[str, Any]:
        """Every diagnostic of the build, grouped by file, each file linked to its page."""
        published = {mode.source: mode for mode in self.catalog.chatmodes}
        groups: dict[str, list[Diagnostic]] = {}
        for diagnostic in self.catalog.diagnostics:
            groups.setdefault(diagnostic.path, []).append(diagnostic)
        files = []
        for path, diagnostics in groups.items():
            mode = published.get(path)
            files.append(
                {
                    "path": path,
                    "url": self.mode_url(mode.slug, page_url) if mode else None,
                    "name": mode.name if mode else None,
                    "diagnostics": diagnostics,
                    "rejected": mode is None,
                    "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
                }
            )
        return {"files": files}

    def graph_parts(self, page_url: str) -> tuple[list[Any], list[Any]]:
        """Nodes and edges of the whole transition graph, linked relative to ``page_url``."""
        nodes: dict[str, Any] = {}
        edges: list[Any] = []
        for mode in self.catalog.chatmodes:
            nodes[mode.slug] = self._mode_node(mode, page_url)
        for mode in self.catalog.chatmodes:
            for transition in mode.transitions:
                target = self._target_node(transition, nodes)
                if target is not None:
                    edges.append(
                        GraphEdge(mode.slug, target, transition.label or transition.text, kind=transition.via)
                    )
        return list(nodes.values()), edges

    def neighbourhood_parts(
        self, mode: ChatMode, page_url: str, *, max_nodes: int, max_edges: int
    ) -> Neighbourhood:
        """The drawing around one chat mode: the mode, its direct neighbours (the modes it
        switches to first, in the order it names them, then the modes that switch to it) and
        the edges among them, at most ``max_nodes`` nodes and ``max_edges`` edges.

        The edges of the mode itself come first, then the edges between its neighbours. What
        does not fit is counted in :attr:`Neighbourhood.more_nodes` and
        :attr:`Neighbourhood.more_edges`. The cost does not depend on how connected the
        neighbours are elsewhere: only pairs of kept nodes are looked up, so a page costs at
        most ``max_nodes`` squared lookups plus the mode's own transitions.
        """
        max_nodes = max(max_nodes, 1)
        nodes: dict[str, Any] = {mode.slug: self._mode_node(mode, page_url)}
        edges: dict[tuple[str, str, str], GraphEdge] = {}
        neighbours: dict[str, None] = {}
        more_nodes: set[str] = set()

        def keep(node_id: str) -> bool:
            if node_id in nodes:
                return True
            if len(nodes) >= max_nodes:
                more_nodes.add(node_id)
                return False
            nodes[node_id] = self._mode_node(self.catalog.by_slug[node_id], page_url)
            neighbours[node_id] = None
            return True

        def add(source: str, target: str, transition: Transition) -> None:
            key = (source, target, transition.via)
            if key not in edges:
                edges[key] = GraphEdge(
                    source, target, transition.label or transition.text, kind=transition.via
                )

        for transition in mode.transitions:
            if transition.target:
                if keep(transition.target):
                    add(mode.slug, transition.target, transition)
                continue
            node_id = self._target_id(transition)
            if node_id not in nodes and len(nodes) >= max_nodes:
                more_nodes.add(node_id)
                continue
            target = self._target_node(transition, nodes)
            if target is not None:
                add(mode.slug, target, transition)
        for referrer, transition in self.catalog.incoming.get(mode.slug, []):
            if keep(referrer.slug):
                add(referrer.slug, mode.slug, transition)
        own = list(edges.values())
        among: list[GraphEdge] = []
        pairs = self._transitions_by_pair()
        for source in neighbours:
            for target in neighbours:
                for transition in pairs.get((source, target), ()):
                    key = (source, target, transition.via)
                    if key not in edges:
                        edges[key] = GraphEdge(
                            source, target, transition.label or transition.text, kind=transition.via
                        )
                        among.append(edges[key])
        drawn = (own + among)[:max_edges]
        return Neighbourhood(
            nodes=list(nodes.values()),
            edges=drawn,
            more_nodes=len(more_nodes),
            more_edges=len(own) + len(among) - len(drawn),
        )

    def _transitions_by_pair(self) -> dict[tuple[str, str], list[Transition]]:
        """Every resolved transition under its (source slug, target slug) pair; built once."""
        if self._pairs is None:
            pairs: dict[tuple[str, str], list[Transition]] = {}
            for mode in self.catalog.chatmodes:
                for transition in mode.transitions:
                    if transition.target:
                        pairs.setdefault((mode.slug, transition.target), []).append(transition)
            self._pairs = pairs
        return self._pairs

    def _mode_node(self, mode: ChatMode, page_url: str) -> GraphNode:
        """A chat mode as a graph node, linked to its page; problems show as a class."""
        counts = mode.counts()
        css = "cmr-node--errors" if counts["error"] else ("cmr-node--warnings" if counts["warning"] else "")
        return GraphNode(
            id=mode.slug,
            label=mode.name,
            href=self.mode_url(mode.slug, page_url),
            title=mode.description,
            css_class=css,
        )

    @staticmethod
    def _target_id(transition: Transition) -> str:
        """The node id of a transition's target: its slug, ``builtin:<name>`` or ``missing:<text>``."""
        if transition.target:
            return transition.target
        if transition.builtin:
            return f"builtin:{transition.text.strip().lower()}"
        return f"missing:{transition.text}"

    @staticmethod
    def _target_node(transition: Transition, nodes: dict[str, GraphNode]) -> str | None:
        """The node id a transition points at, adding built-in/dangling nodes as needed."""
        if transition.target:
            return transition.target if transition.target in nodes else None
        if transition.builtin:
            name = transition.text.strip().lower()
            node_id = f"builtin:{name}"
            nodes.setdefault(
                node_id,
                GraphNode(
                    id=node_id, label=name, title="VS Code built-in agent", css_class="cmr-node--builtin"
                ),
            )
            return node_id
        node_id = f"missing:{transition.text}"
        nodes.setdefault(
            node_id,
            GraphNode(
                id=node_id,
                label=transition.text,
                title="No chat mode of this name",
                css_class="cmr-node--dangling",
            ),
        )
        return node_id


def _as_text(value: Any) -> str:
    """A header value as display text (lists joined); empty when absent."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _decoded(raw: bytes) -> str:
    """The exact text of a published file (BOM and line endings kept)."""
    return raw.decode("utf-8", errors="replace")


def _day_of(value: str | None) -> str | None:
    """The date part (``2025-03-04``) of an ISO 8601 commit date; sorts as text."""
    return value[:10] if value else None


def _timestamp_of(value: str | None) -> int | None:
    """Seconds since the epoch of an ISO 8601 commit date (with its offset), so the index
    sorts commits of one day, and of other time zones, by when they were made; ``None`` for
    a date git did not write in that form."""
    if not value:
        return None
    try:
        return int(datetime.fromisoformat(value).timestamp())
    except (ValueError, OverflowError, OSError):
        return None


def _query_value(value: str) -> str:
    """A tool or model name percent-encoded for the index's filter query, as the index's
    facets print it (hidden characters as markers: ``renderer.shown``), which is what the
    filter compares it with."""
    return quote(hidden.reveal(value), safe="")

"""The ``chatmodes`` MkDocs / ProperDocs plugin: a catalog of chat modes inside a site.

The plugin is a thin layer over MkDocs' events; the work is done elsewhere:

* ``on_config``: resolve the source folder (relative to ``mkdocs.yml``), the published base
  URL (``site_url``, inside the version folder under mike), add the stylesheet and the
  script, and put the catalog pages in an explicit ``nav``;
* ``on_files``: read the catalog (:func:`chatmode_registry.core.catalog.load_catalog`), git
  dates and history, the baseline diff, and add every generated file
  (:class:`~chatmode_registry.mkdocs.structure.CatalogSite`); log the diagnostics;
* ``on_page_markdown``: give the generated pages an escaped title and description;
* ``on_page_content``: the "preview" banner on the site's own pages when a baseline is set;
* ``on_page_context``: render a catalog page (cross-page data: links, backlinks, graphs) with
  the plugin's autoescaping templates (:class:`~chatmode_registry.mkdocs.renderer.Renderer`)
  just before MkDocs renders it, so one page's markup is held at a time;
* ``on_page_context`` again, just before Material's search: the page's search entries
  (:class:`~chatmode_registry.mkdocs.search.MaterialSearchIndex`);
* ``on_post_page``: put back the parts of catalog pages that search must not read, or reads
  a stand-in of (see :meth:`ChatmodesPlugin._late`);
* ``on_serve``: watch the source folder; ``on_post_build``: one summary line.

Chat mode content never stops a build: problems become diagnostics, logged as warnings
(so ``mkdocs build --strict`` fails) and shown on the pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from chatmode_registry.core import hidden
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.diff import CatalogLoadError, diff_catalogs, load_catalog_json, raw_reader
from chatmode_registry.core.git import GitError, SourceLog, read_source_log
from chatmode_registry.core.history import MAX_VERSIONS, history_with_counts, removed_history
from chatmode_registry.core.marketplace import MarketplaceRef, marketplace_ref
from chatmode_registry.core.model import Catalog, Diagnostic, Severity
from chatmode_registry.core.pages import PAGE_KINDS
from chatmode_registry.core.reader import chatmode_suffix
from chatmode_registry.core.record import CatalogRecord, ChatModeRecord
from chatmode_registry.core.site import MAX_CATALOG_BYTES
from chatmode_registry.mkdocs.cache import BuildCache, TemplateCache
from chatmode_registry.mkdocs.config import ChatmodesConfig
from chatmode_registry.mkdocs.links import (
    building_under_mike,
    edit_link,
    published_base,
    repo_place,
    site_url_error,
)
from chatmode_registry.mkdocs.renderer import BodyRenderer, Renderer, section_toc, shown
from chatmode_registry.mkdocs.reuse import (
    REUSED_TEMPLATE,
    REUSED_TEMPLATE_SOURCE,
    FileDigests,
    KeptPage,
    PageStore,
    TemplateSources,
    UnknownValue,
    page_key,
    site_key,
)
from chatmode_registry.mkdocs.search import MaterialSearchIndex, material_reads, without_kept_tags
from chatmode_registry.mkdocs.structure import (
    CSS_URI,
    JS_URI,
    MODE_SECTIONS,
    CatalogLayout,
    CatalogSite,
    ModePageInputs,
    PageSpec,
)
from chatmode_registry.render import llms_txt
from chatmode_registry.render.body import Heading, RepoPlace
from chatmode_registry.render.catalog_json import CatalogTooLarge, catalog_to_dict, fit_catalog
from chatmode_registry.render.changes import CHANGES_CSS, render_html
from chatmode_registry.render.diagnostics import terminal_safe
from chatmode_registry.render.graph import (
    NARROW_GRAPH_WIDTH,
    graph_css,
    graph_js,
    kinds_hidden_by_default,
    legend_entries,
    natural_width,
    render_graph,
)
from chatmode_registry.render.sanitize import json_for_html
from chatmode_registry.render.words import plural

log = get_plugin_logger(__name__)

#: Environment variable that overrides the ``baseline`` option (empty: no baseline).
BASELINE_VARIABLE = "CHATMODES_BASELINE"


def _version_selector_only_under_mike(config: MkDocsConfig) -> None:
    """Drop Material's mike version selector (``extra.version.provider: mike``) outside mike.

    The selector fetches ``../versions.json``, which only a mike deployment has: anywhere else
    (``mkdocs serve``, a plain build, a downloaded artifact) that request is a 404 and a
    console error on every page, and the selector would stay empty anyway.
    """
    version = config.extra.get("version")
    if isinstance(version, dict) and version.get("provider") == "mike" and not building_under_mike():
        del config.extra["version"]


#: What a context builder returns: the page's sections (id, title) and its body's headings.
PageToc = tuple[list[tuple[str, str]], tuple[Heading, ...]]


class ChatmodesPlugin(BasePlugin[ChatmodesConfig]):
    """Publish a folder of chat modes as a browsable, installable catalog."""

    def __init__(self) -> None:
        self.source: Path | None = None
        self.layout: CatalogLayout | None = None
        self.base: str | None = None
        self.marketplace: MarketplaceRef | None = None
        self.baseline: str | None = None
        self.catalog: Catalog | None = None
        self.site: CatalogSite | None = None
        self.renderer: Renderer | None = None
        self.bodies: BodyRenderer | None = None
        # A chat mode's place in its repository (its relative links resolve against it).
        self.repo_place: Callable[[str], RepoPlace | None] = lambda source: None
        self.started = 0.0
        # The MkDocs command (serve, build, gh-deploy); None when built through the API.
        self.command: str | None = None
        # Rendered bodies and drawings, reused by the next build of `mkdocs serve` (only
        # there: a single `mkdocs build` would just hold them in memory for nothing).
        self.cache: BuildCache | None = None
        # Markup kept out of page.content until on_post_page: {page src_uri: {placeholder: markup}}.
        self.late: dict[str, dict[str, str]] = {}
        self.late_token = ""
        self.late_pattern: re.Pattern[str] | None = None
        # Whether the catalog's nav section is ours to place; nav pages marked active for
        # the page being rendered (on_page_context).
        self.nav_added = False
        self.marked: list[Any] = []
        # Material's search index, given the catalog pages' entries (None: search reads them).
        self.search_index: MaterialSearchIndex | None = None
        # Under `mkdocs serve`: chat mode pages of the last build, reused when unchanged
        # (mkdocs/reuse.py); this build's reused pages, keys of the others and their entries.
        self.kept_pages: PageStore | None = None
        self.templates: TemplateCache | None = None
        # What a kept page's key reads from disk: files' content, the templates' sources.
        self.file_digests: FileDigests | None = None
        self.template_sources: TemplateSources | None = None
        self.templates_unchanged = True
        # Whether this build keeps its chat mode pages, and the site's part of their keys.
        self.keeping = False
        self.site_part = b""
        self.reused: dict[str, KeptPage] = {}
        self.page_keys: dict[str, bytes] = {}
        self.page_inputs: dict[str, ModePageInputs] = {}
        self.page_entries: dict[str, list[dict[str, Any]]] = {}
        self.nav: Any = None
        # What llms-full.txt is written from at the end of the build (entries, raw files,
        # site name); None when the build writes none.
        self.llms_full: tuple[list[ChatModeRecord], dict[str, bytes], str] | None = None

    # -- events ------------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Under ``mkdocs serve``, start the cache of rendered bodies and drawings.

        Defining this event makes MkDocs keep this instance (and so the cache) across the
        rebuilds of ``mkdocs serve`` instead of creating a new one for each.
        """
        self.cache = BuildCache() if command == "serve" else None
        self.kept_pages = PageStore() if command == "serve" else None
        self.templates = TemplateCache() if command == "serve" else None
        self.file_digests = FileDigests() if command == "serve" else None
        self.template_sources = TemplateSources() if command == "serve" else None
        self.command = command

    # Runs before mike's plugin, which rewrites ``site_url`` to the version's folder.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve the options against the site's configuration; register the assets."""
        if not self.config.enabled:
            return None
        self.started = time.monotonic()
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.source = (root / self.config.source).resolve()
        prefix = self.config.prefix.strip("/")
        if not prefix or any(part in ("", ".", "..") for part in prefix.split("/")):
            raise PluginError(
                f"chatmodes: 'prefix' must be a folder path like 'catalog', not {self.config.prefix!r}"
            )
        self.layout = CatalogLayout(prefix)
        self.baseline = self._baseline_location(root)

        problem = site_url_error(self.command, config.site_url)
        if problem is not None:
            raise PluginError(problem)
        self.base = published_base(config.site_url)
        if self.base is None:
            log.warning("'site_url' is not set: the catalog pages are built without install links")
        _version_selector_only_under_mike(config)
        try:
            self.marketplace = marketplace_ref(
                name=self.config.marketplace_name,
                source=self.config.marketplace_source,
                repo_url=config.repo_url,
                site_name=config.site_name,
            )
        except ValueError as error:
            raise PluginError(f"chatmodes: {error}") from None

        config.extra_css.append(CSS_URI)
        config.extra_javascript.append(JS_URI)
        self.nav_added = config.nav is None
        if config.nav is not None and self.config.nav:
            self._extend_nav(config)
        return config

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Put the catalog's section first in a navigation MkDocs made from the files (an
        explicit ``nav`` gets it first from :meth:`_extend_nav`; one that already names the
        catalog pages keeps its own order)."""
        self.nav = nav
        if self.site is None or not self.nav_added or not self.config.nav:
            return None
        index = self.site.files.get(self.site.layout.special_uri("index"))
        for position, item in enumerate(nav.items):
            if position and _holds(item, index):
                nav.items.insert(0, nav.items.pop(position))
                break
        return nav

    # Runs before search and other plugins' on_page_context: they read the content made here.
    @event_priority(100)
    def _render_on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """Render a catalog page's content, just before MkDocs renders the page, so that only
        one page's markup is held at a time. On catalog pages outside the navigation (a chat
        mode's page), open the catalog's section and mark its index as where the reader is;
        undone in :meth:`on_post_page`."""
        spec = self._spec(page)
        if spec is None or self.site is None:
            return None
        kept = self.reused.get(page.file.src_uri)
        if kept is not None:
            page.content, page.toc, page.edit_url = "", kept.toc, kept.edit_url
            return None
        self._render_page_safely(spec, page)
        if page.parent is not None:
            return None
        index = self.site.files.get(self.site.layout.special_uri("index"))
        for item in nav.pages if nav is not None else []:
            if index is not None and item.file is index and item is not page:
                item.active = True
                self.marked.append(item)
        return None

    # Runs after the other plugins' on_page_context (default priority 0 and above), just
    # before Material's search (priority 0, after this one): the entries are made of the
    # page search would have read.
    @event_priority(0.5)
    def _index_on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """Give Material's search index a catalog page's entries, made from the markup the
        plugin generated, instead of having Material parse it again (see
        :mod:`chatmode_registry.mkdocs.search`)."""
        if self._spec(page) is None:
            return None
        kept = self.reused.get(page.file.src_uri)
        if self.search_index is not None and kept is not None and kept.search_entries is not None:
            self.search_index.add_entries(page, kept.search_entries)
            return None
        entries = self.search_index.add_page(page) if self.search_index is not None else None
        if entries is None:
            self._readable_by_material(page)
            return None
        if page.file.src_uri in self.page_keys:
            self.page_entries[page.file.src_uri] = entries
        # Nothing reads the stand-ins any more: Material's search still scans the content
        # (for attributes to strip) and the page keeps only its placeholders from here on.
        self._drop_stand_ins(page)
        return None

    on_page_context = CombinedEvent(_render_on_page_context, _index_on_page_context)

    def _readable_by_material(self, page: Page) -> None:
        """A catalog page that Material's search parser reads itself must not make it fail.

        A body's raw HTML can nest headings in list items and ``pre`` so that Material's
        parser ends a kept element in a section that never opened it, and raises: the whole
        build would stop. Such a page's body stand-ins lose the elements Material keeps
        (their text stays): its sections are then the body's headings and text.
        """
        search = page.meta.get("search") or {}
        content = page.content
        if (
            (isinstance(search, dict) and search.get("exclude"))
            or content is None
            or self.late_pattern is None
        ):
            return
        if "<!--cmr-stand-in-->" not in content or material_reads(content):
            return
        log.info(
            f"{page.file.src_uri}: search indexes this chat mode's instructions as headings and text only"
        )
        start_marker, end_marker = "<!--cmr-stand-in-->", f"<!--cmr-stand-in-{self.late_token}-end-->"
        parts, position = [], 0
        while (start := content.find(start_marker, position)) >= 0:
            start += len(start_marker)
            end = content.find(end_marker, start)
            if end < 0:
                break
            parts += [content[position:start], without_kept_tags(content[start:end])]
            position = end
        page.content = "".join(parts) + content[position:]

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Read the catalog and add its pages, raw files, ``catalog.json`` and assets."""
        if not self.config.enabled:
            return None
        assert self.source is not None and self.layout is not None
        if not self.source.is_dir():
            log.warning(
                f"the chat mode folder '{self.config.source}' ({self.source}) does not exist: the catalog is empty"
            )
        self._keep_sources_out_of_docs(files, config)
        catalog = load_catalog(self.source, max_bytes=self.config.max_bytes, parsed=self.cache)
        self.catalog = catalog
        sources = [mode.source for mode in catalog.chatmodes]
        git_log = self._git_log(catalog) if self.config.git_dates and sources else None
        dates = git_log.dates if git_log is not None else {}
        history, history_omitted = self._history(catalog, git_log) if git_log is not None else ({}, {})
        removed = self._removed(catalog, git_log) if git_log is not None else None
        data = catalog_to_dict(
            catalog,
            site_url=self.base,
            prefix=self.layout.prefix,
            history=history,
            removed=removed,
            marketplace=self.marketplace,
            history_omitted=history_omitted,
            removed_omitted=git_log.more_removed if git_log is not None else 0,
        )
        catalog_text = self._fit_catalog(data)
        diff, baseline_error = self._compare_with_baseline(data, catalog)

        source_dir = self.source
        self.site = CatalogSite(
            catalog,
            self.layout,
            base=self.base,
            dates=dates,
            edit_url=lambda source: edit_link(
                repo_url=config.repo_url,
                edit_uri=config.edit_uri,
                edit_uri_template=config.edit_uri_template,
                docs_dir=config.docs_dir,
                source_file=str(source_dir / source),
            ),
            diff=diff,
            baseline_error=baseline_error,
            nav=self.config.nav,
            home=self.config.home,
            marketplace=self.marketplace,
        )
        extra: dict[str, bytes | str] = {
            "catalog.json": catalog_text,
            CSS_URI: self._stylesheet(),
            JS_URI: self._script(),
        }
        if diff is not None:
            extra["changes.json"] = json.dumps(diff.to_dict(), ensure_ascii=False, indent=1) + "\n"
        extra.update(self._llms_files(data, catalog, config))
        for file in self.site.generated_files(config, extra=extra, named_in_nav=_nav_paths(config.nav)):
            existing = files.get_file_from_path(file.src_uri)
            if existing is not None:
                if file.src_uri == self.site.home_uri:
                    log.info(f"'{file.src_uri}' is replaced by the catalog index ('home: true')")
                else:
                    log.warning(f"'{file.src_uri}' in the docs folder is replaced by the catalog's own file")
                files.remove(existing)
            files.append(file)

        self.renderer = Renderer(list(config.theme.dirs), bytecode_cache=self.templates)
        self.templates_unchanged = True
        if self.template_sources is not None and self.config.serve_reuse:
            self.templates_unchanged = self.template_sources.watch("catalog", self.renderer.env)
        self.bodies = BodyRenderer(
            cache=self.cache,
            on_error=lambda source, error: log.warning(
                terminal_safe(
                    f"{source}: the body could not be rendered as Markdown ({error!r}); shown as text"
                )
            ),
        )
        folder = self.source
        self.repo_place = lambda source: repo_place(
            repo_url=config.repo_url,
            edit_uri=config.edit_uri,
            docs_dir=config.docs_dir,
            config_dir=str(Path(config.config_file_path).parent) if config.config_file_path else os.getcwd(),
            source_file=str(folder / source),
        )
        self._log_diagnostics(catalog)
        return files

    def _keep_sources_out_of_docs(self, files: Files, config: MkDocsConfig) -> None:
        """Take the chat mode folder's files out of MkDocs' own pages, nav, search and copies.

        With ``source: docs/chatmodes`` MkDocs would also render every chat mode as an
        ordinary page, with the site's Markdown extensions and without sanitizing (stored
        XSS, and code execution with an executing extension), and copy any other file there
        (an ``.html`` file) as it is. Chat modes reach the site only through the catalog.
        When the folder lies inside ``docs_dir`` every file in it is left out (its authors are
        untrusted); when ``docs_dir`` lies inside the folder, only chat mode files are.
        """
        assert self.source is not None
        docs = Path(os.path.abspath(config.docs_dir))
        source, real_source = Path(os.path.abspath(self.source)), Path(os.path.realpath(self.source))
        dedicated = source != docs and source.is_relative_to(docs)
        if not (dedicated or docs.is_relative_to(source)):
            return
        removed = 0
        for file in list(files):
            if file.abs_src_path is None:
                continue
            path = Path(os.path.abspath(file.abs_src_path))
            inside = path.is_relative_to(source) or Path(os.path.realpath(path)).is_relative_to(real_source)
            if inside and (dedicated or chatmode_suffix(path.name)):
                files.remove(file)
                removed += 1
        if removed:
            log.info(
                f"the chat mode folder '{terminal_safe(self.config.source)}' is inside the docs folder: "
                f"its {removed} files are published through the catalog only, not as pages of their own"
            )

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give catalog pages their (escaped) title and description; their content comes later."""
        spec = self._spec(page)
        if spec is None:
            return None
        assert self.site is not None
        if spec.kind == "mode":
            assert spec.slug is not None
            mode = self.site.catalog.by_slug[spec.slug]
            page.meta["title"] = str(Markup.escape(shown(mode.name)))
            if mode.description:
                page.meta["description"] = str(Markup.escape(shown(mode.description)))
        else:
            page.meta["title"] = spec.page_kind.title
            page.meta.setdefault("hide", ["toc"])
        return ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """On a preview build (baseline given), put the preview banner on the site's own pages."""
        if self.site is None or not self.site.preview or self._spec(page) is not None:
            return None
        assert self.renderer is not None
        context = {"preview": self.site.preview_context(page.file.url)}
        return self.renderer.render("chatmodes/banner.html", context) + html

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> None:
        """Start the build's held-back markup (:meth:`_late`); every page and URL is known now."""
        if self.site is None:
            return None
        self.late = {}
        self.search_index = MaterialSearchIndex.find(config.plugins)
        self.late_token = secrets.token_hex(8)
        if self.templates is not None:
            env.bytecode_cache = self.templates
        self._choose_reused_pages(env, config, files)
        # A placeholder, and the stand-in search reads in its place if it has one: the
        # stand-in's end is matched only right after its start, so nothing is scanned twice.
        token = self.late_token
        self.late_pattern = re.compile(
            f"(<!--cmr-late-{token}-[0-9]+-->)(?:<!--cmr-stand-in-->(?s:.*?)<!--cmr-stand-in-{token}-end-->)?"
        )
        return None

    def _choose_reused_pages(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """Under ``mkdocs serve``: the chat mode pages the last build made from the same
        inputs are written as they were (:mod:`chatmode_registry.mkdocs.reuse`); the others
        are keyed when they are rendered, to be kept when finished. Only with Material's
        search index, whose entries for those pages are kept with them."""
        self.reused, self.page_keys, self.page_inputs, self.page_entries = {}, {}, {}, {}
        self.keeping = False
        if (
            self.kept_pages is None
            or self.template_sources is None
            or self.file_digests is None
            or not self.config.serve_reuse
            or self.search_index is None
        ):
            return
        assert self.site is not None
        self.keeping = True
        if not (self.template_sources.watch("theme", env) and self.templates_unchanged):
            self.kept_pages.forget()
        env.loader = ChoiceLoader([DictLoader({REUSED_TEMPLATE: REUSED_TEMPLATE_SOURCE}), env.loader])
        self.site_part = site_key(config, files, self.nav, self.file_digests)
        for uri, spec in self.site.specs.items():
            file = self.site.files.get(uri)
            if spec.kind != "mode" or file is None or file.page is None:
                continue
            if not self.kept_pages.has(file.url):
                continue  # keyed when rendered
            inputs = self._mode_inputs(spec, file.page)
            key = self.page_keys.get(uri)
            kept = self.kept_pages.get(file.url, key) if key is not None else None
            if kept is not None and kept.search_entries is not None:
                self.reused[uri] = kept
                self.page_keys.pop(uri)
                file.page.meta["template"] = REUSED_TEMPLATE
            else:
                self.page_inputs[uri] = inputs  # rendered from these, not computed again

    def _mode_inputs(self, spec: PageSpec, page: Page) -> ModePageInputs:
        """What a chat mode's page is rendered from; when this build keeps its pages, its key
        (the digest of those inputs, :func:`~chatmode_registry.mkdocs.reuse.page_key`) too."""
        assert self.site is not None
        uri = page.file.src_uri
        inputs = self.page_inputs.pop(uri, None)
        if inputs is not None:
            return inputs
        spec_mode = self.site.catalog.by_slug[spec.slug] if spec.slug is not None else None
        inputs = self.site.mode_page_inputs(
            spec,
            page.file.url,
            place=self.repo_place(spec_mode.source) if spec_mode is not None else None,
            max_nodes=self.config.neighbourhood_limit,
            max_edges=self.config.neighbourhood_edge_limit,
        )
        if self.keeping:
            # A value the key cannot digest: the page is built every time, never kept.
            with contextlib.suppress(UnknownValue, RecursionError):
                self.page_keys[uri] = page_key(
                    self.site_part, [spec.template, page.file.url, page.meta, inputs]
                )
        return inputs

    def _render_page_safely(self, spec: PageSpec, page: Page) -> None:
        """:meth:`_render_page`, with the core's last resort (CM009) for a chat mode page.

        An exception nobody foresaw while rendering one chat mode's page must not take the
        build down: the page says that it could not be rendered, the build log names the file
        (so ``--strict`` fails) and every other page is rendered as usual.
        """
        if spec.kind != "mode" or spec.slug is None:
            self._render_page(spec, page)
            return
        try:
            self._render_page(spec, page)
        except Exception as error:
            assert self.site is not None
            mode = self.site.catalog.by_slug[spec.slug]
            log.warning(
                terminal_safe(
                    f"{mode.source}: CM009 error: the registry failed while rendering this chat mode's "
                    f"page ({type(error).__name__}); the page shows only that: report it with the file"
                )
            )
            self.late.pop(page.file.src_uri, None)
            self.page_keys.pop(page.file.src_uri, None)  # rendered (and warned about) again next time
            page.content = str(
                Markup("<h1>{}</h1><p>This chat mode's page could not be rendered ({}).</p>").format(
                    mode.name, type(error).__name__
                )
            )
            page.toc = section_toc([])

    # Runs before other plugins' on_post_page (a minifier would drop the placeholders).
    @event_priority(100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Put the markup held back by :meth:`_late` into the page's finished HTML."""
        for item in self.marked:
            item.active = False
        self.marked = []
        uri = page.file.src_uri
        kept = self.reused.get(uri)
        if kept is not None:
            return kept.output
        finished = self._finish_page(output, page)
        key = self.page_keys.pop(uri, None)
        if key is not None and self.kept_pages is not None and uri in self.page_entries:
            self.kept_pages.put(
                page.file.url,
                key,
                finished if finished is not None else output,
                search_entries=self.page_entries.pop(uri),
                toc=page.toc,
                edit_url=page.edit_url,
            )
        return finished

    def _finish_page(self, output: str, page: Page) -> str | None:
        """The page with its held-back markup put in (``None``: it had none)."""
        parts = self.late.pop(page.file.src_uri, None)
        if not parts or self.late_pattern is None:
            return None
        pattern = self.late_pattern

        # One pass over the page instead of one str.replace of the whole page per placeholder
        # (a chat mode page is large and holds several). A held-back block (``{% call late() %}``)
        # contains the placeholders registered inside it, so its markup is expanded the same
        # way before it goes in.
        def expand(match: re.Match[str]) -> str:
            markup = parts.get(match.group(1))
            return match.group() if markup is None else pattern.sub(expand, markup)

        self._drop_stand_ins(page)
        return pattern.sub(expand, output)

    def _drop_stand_ins(self, page: Page) -> None:
        """Search has read the stand-ins; the page keeps only its placeholders from here on
        (a catalog's pages are all held until the build ends)."""
        if (
            page.content is not None
            and self.late_pattern is not None
            and "<!--cmr-stand-in-->" in page.content
        ):
            page.content = self.late_pattern.sub(r"\1", page.content)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when a chat mode changes."""
        if self.config.enabled and self.source is not None and self.source.is_dir():
            server.watch(str(self.source))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write ``llms-full.txt``; one summary line for the build; the cache keeps only what
        this build used."""
        self._write_llms_full(config)
        if self.kept_pages is not None:
            log.debug(f"{self.kept_pages.reused} chat mode pages reused from the last build")
            self.kept_pages.end_build()
        if self.file_digests is not None:
            self.file_digests.end_build()
        if self.cache is not None:
            log.debug(f"cache: {self.cache.hits} reused, {self.cache.misses} computed")
            self.cache.end_build()
        if self.catalog is None or self.layout is None:
            return
        counts = self.catalog.counts()
        log.info(
            f"{len(self.catalog.chatmodes)} chat modes published under {self.layout.prefix}/, "
            f"{len(self.catalog.rejected)} rejected; {counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} info ({time.monotonic() - self.started:.1f} s)"
        )

    # -- helpers -----------------------------------------------------------------------

    def _spec(self, page: Page) -> PageSpec | None:
        """The catalog page spec behind ``page``, or ``None`` for the site's own pages."""
        if self.site is None:
            return None
        spec = self.site.specs.get(page.file.src_uri)
        if spec is None or self.site.files.get(spec.src_uri) is not page.file:
            return None
        return spec

    def _render_page(self, spec: PageSpec, page: Page) -> None:
        """Fill in a catalog page's content, table of contents and edit link."""
        assert self.site is not None and self.renderer is not None and self.bodies is not None
        site = self.site
        url = page.file.url
        context = site.common_context(spec, url)
        context["late"] = lambda caller: self._late(page, caller())
        # Each kind of page (core.pages.PAGE_KINDS, MODE_PAGE) names its context builder.
        build_context = getattr(self, f"_{spec.page_kind.context}")
        sections, headings = build_context(spec, page, context)
        page.content = self.renderer.render(spec.template, context)
        page.toc = section_toc(sections, headings, under="cmr-instructions")

    # Context builders, one per kind of page: each adds to ``context`` what its template
    # shows and returns the page's table of contents: its sections and the body's headings.

    def _index_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        assert self.site is not None
        context.update(self.site.index_context(page.file.url))
        return [], ()

    def _mode_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        assert self.site is not None and self.bodies is not None and self.renderer is not None
        # Everything below comes from the page's inputs: they are its key under `mkdocs serve`.
        inputs = self._mode_inputs(spec, page)
        context.update(inputs.context)
        body = self.bodies.render(inputs.body, source=context["source"], place=inputs.place)
        context["body"] = self._late(page, body.html, stand_in=body.search_html)
        # Search finds a mode by the tools it uses (#25): the tools section is never indexed
        # (late), so the title's entry gets them as a line that only search reads.
        tools = [tool["info"].name for tool in inputs.context["tools"]]
        context["tools_for_search"] = (
            self._late(page, "", stand_in=Markup("<p>Tools: {}</p>").format(", ".join(tools)))
            if tools
            else ""
        )
        hood = inputs.neighbourhood
        graphs = self._draw(hood.nodes, hood.edges, **inputs.drawing)
        notes = self.renderer.render(
            "chatmodes/graph_legend.html",
            {"legend": legend_entries(), "more_nodes": hood.more_nodes, "more_edges": hood.more_edges},
        )
        # Folded to a phone's column too, when wider than that (#25): a phone shows the folded
        # one (graph.css), so the drawing fits the screen instead of scrolling sideways.
        narrow = self._draw(hood.nodes, hood.edges, **inputs.drawing, max_width=NARROW_GRAPH_WIDTH)
        if all(natural_width(drawing) <= NARROW_GRAPH_WIDTH for drawing in graphs):
            narrow = []
        context["graphs"] = [self._late(page, "".join(graphs))] if graphs else []
        context["narrow_graphs"] = [self._late(page, "".join(narrow))] if narrow else []
        context["graph_notes"] = self._late(page, notes) if graphs else ""
        context["raw_json"] = self._late(page, json_for_html(context["raw_text"], ensure_ascii=True))
        # The source view shows each hidden character (issue 14.7); the copy button's JSON
        # above keeps the exact text.
        context["raw_text"] = self._late(page, Markup.escape(hidden.reveal_source(context["raw_text"])))
        page.edit_url = context["edit_url"]
        return self._mode_sections(context), body.headings

    def _graph_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        assert self.site is not None
        nodes, edges = self.site.graph_parts(page.file.url)
        kinds = {(edge.source, edge.target, edge.kind) for edge in edges}
        if len(nodes) > self.config.graph_limit or len(kinds) > self.config.graph_edge_limit:
            context["arrows_left_out"] = len(edges)
            edges = []
        # Prose mentions start hidden when there are handoffs to show (the legend shows them).
        hidden_kinds = kinds_hidden_by_default(edge.kind for edge in edges)
        graphs = self._draw(nodes, edges, title="Transition graph", hidden_kinds=hidden_kinds)
        # A second layout folded to a phone's column: a phone shows it instead (graph.css), so
        # no box is cut off at the side. Left out when folding changes nothing.
        narrow = self._draw(
            nodes, edges, title="Transition graph", hidden_kinds=hidden_kinds, max_width=NARROW_GRAPH_WIDTH
        )
        if all(natural_width(drawing) <= NARROW_GRAPH_WIDTH for drawing in graphs):
            narrow = []
        context["legend"] = legend_entries(hidden_kinds)
        context["hidden_kinds"] = hidden_kinds
        context["graphs"] = [self._late(page, "\n".join(graphs))] if graphs else []
        context["narrow_graphs"] = [self._late(page, "\n".join(narrow))] if narrow else []
        return [], ()

    def _tools_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        assert self.site is not None
        context.update(self.site.tools_context(page.file.url))
        return [], ()

    def _models_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        assert self.site is not None
        context.update(self.site.models_context(page.file.url))
        return [], ()

    def _report_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        assert self.site is not None
        context.update(self.site.report_context(page.file.url))
        return [], ()

    def _changes_context(self, spec: PageSpec, page: Page, context: dict[str, Any]) -> PageToc:
        context["changes_html"] = self._changes_html(page.file.url)
        return [], ()

    def _late(self, page: Page, markup: str, *, stand_in: str = "") -> Markup:
        """A placeholder for ``markup`` (already safe HTML), put back by :meth:`on_post_page`.

        Material's search plugin parses every page's ``page.content`` before the page is
        written, including the parts marked ``data-search-exclude``. The drawings, the
        escaped source and its JSON copy are most of a chat mode page's markup (see
        docs/performance.md) and are never indexed, so they stay out of ``page.content`` and go into
        the finished HTML instead; templates hold back whole blocks the same way with
        ``{% call late() %}...{% endcall %}`` (the chat mode page's metadata sections, the
        index's list). The placeholder is an HTML comment with a per-build
        random token: chat mode text cannot produce it (names are escaped and bodies are
        sanitized without comments), and other plugins see an inert comment.

        Markup that search must read gives a ``stand_in`` (already safe HTML) holding what
        search indexes of it: the body's search stand-in
        (:func:`~chatmode_registry.mkdocs.search.search_stand_in`) indexes like the body
        for a fraction of the parsing.
        """
        parts = self.late.setdefault(page.file.src_uri, {})
        placeholder = f"<!--cmr-late-{self.late_token}-{len(parts)}-->"
        parts[placeholder] = str(markup)
        if stand_in:
            return Markup(
                f"{placeholder}<!--cmr-stand-in-->{stand_in}<!--cmr-stand-in-{self.late_token}-end-->"
            )
        return Markup(placeholder)

    def _draw(self, nodes: list[Any], edges: list[Any], **options: Any) -> list[Markup]:
        """The SVG drawings of a graph; none (and a warning) if drawing fails.

        The drawing code only sees escaped labels, but a page must never take the build
        down with it: a failure here is reported like a content problem. A drawing is
        cached under its whole input (nodes, edges, options), so a rebuild redraws only
        the neighbourhoods that changed; failures are not cached, so they warn every time.
        """
        key = ("graph", tuple(nodes), tuple(edges), tuple(sorted(options.items())))
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            return list(cached)
        try:
            drawings = [Markup(svg) for svg in render_graph(nodes, edges, **options)]
        except Exception as error:  # see the docstring
            log.warning(terminal_safe(f"{options.get('title', 'graph')}: the drawing failed ({error!r})"))
            return []
        if self.cache is not None:
            self.cache.put(key, tuple(drawings))
        return drawings

    @staticmethod
    def _mode_sections(context: dict[str, Any]) -> list[tuple[str, str]]:
        """The table of contents of a chat mode page (ids used by ``chatmodes/mode.html``)."""
        sections = [MODE_SECTIONS["details"]]
        if context["diagnostics"]:
            sections.append(MODE_SECTIONS["problems"])
        sections += [(group["id"], group["title"]) for group in context["link_groups"]]
        sections += [MODE_SECTIONS[name] for name in ("neighbourhood", "instructions", "source")]
        return sections

    def _changes_html(self, page_url: str) -> Markup | None:
        """The diff against the baseline as HTML, linked to the new pages."""
        assert self.site is not None
        if self.site.diff is None:
            return None
        site = self.site

        def link(slug: str) -> str | None:
            return site.mode_url(slug, page_url) if slug in site.catalog.by_slug else None

        return Markup(render_html(site.diff, link=link))

    def _baseline_location(self, root: Path) -> str | None:
        """The baseline to compare with: ``CHATMODES_BASELINE`` if set, else the option."""
        if BASELINE_VARIABLE in os.environ:
            return os.environ[BASELINE_VARIABLE].strip() or None
        value = (self.config.baseline or "").strip()
        if not value:
            return None
        if "://" in value or Path(value).is_absolute():
            return value
        return str(root / value)

    def _compare_with_baseline(self, data: CatalogRecord, catalog: Catalog) -> tuple[Any, str | None]:
        """Diff this build's catalog with the baseline: ``(diff, None)`` or ``(None, error)``."""
        if not self.baseline:
            return None, None
        try:
            old, old_base = load_catalog_json(self.baseline)
        except CatalogLoadError as error:
            message = f"the baseline could not be read: {error}"
            log.warning(terminal_safe(message))
            return None, message
        # Records and modes paired by slug: the record's raw_url names the mode's bytes.
        raw_by_url = {record["raw_url"]: catalog.by_slug[record["slug"]].raw for record in data["chatmodes"]}
        diff = diff_catalogs(old, data, old_raw=raw_reader(old_base), new_raw=raw_by_url.get)
        summary = diff.summary()
        log.info(
            f"compared with {terminal_safe(self.baseline)}: {summary['added']} added, "
            f"{summary['removed']} removed, {summary['changed']} changed"
        )
        return diff, None

    def _llms_files(
        self, data: CatalogRecord, catalog: Catalog, config: MkDocsConfig
    ) -> dict[str, bytes | str]:
        """``llms.txt`` and, within ``llms_full_max_bytes``, ``llms-full.txt`` (site root)."""
        self.llms_full = None  # nothing left from an earlier build of `mkdocs serve`
        if not self.config.llms_txt:
            return {}
        entries = data["chatmodes"]
        raw = {mode.slug: mode.raw for mode in catalog.chatmodes}
        with_full = llms_txt.full_size(raw) <= self.config.llms_full_max_bytes
        if not with_full:
            log.info(
                f"llms-full.txt left out: the chat modes' text is {llms_txt.full_size(raw)} bytes, more than "
                f"llms_full_max_bytes ({self.config.llms_full_max_bytes}); llms.txt lists them"
            )
        files: dict[str, bytes | str] = {
            llms_txt.LLMS_URI: llms_txt.llms_txt(
                entries,
                site_name=config.site_name,
                site_url=self.base,
                with_full=with_full,
                marketplace=self.marketplace,
            )
        }
        if with_full:
            # Written at the end of the build (see _write_llms_full); the empty file holds its
            # place among the site's files until then.
            files[llms_txt.LLMS_FULL_URI] = b""
            self.llms_full = (entries, raw, config.site_name)
        return files

    def _write_llms_full(self, config: MkDocsConfig) -> None:
        """Stream ``llms-full.txt`` into the site, one chat mode at a time: as one string it
        would be as large as the catalog, held from the start of the build to its end."""
        if self.llms_full is None or self.site is None:
            return
        entries, raw, site_name = self.llms_full
        self.llms_full = None
        path = Path(config.site_dir) / llms_txt.LLMS_FULL_URI
        with path.open("wb") as stream:
            llms_txt.write_llms_full_txt(stream, entries, raw, site_name=site_name, site_url=self.base)

    def _removed(self, catalog: Catalog, git_log: SourceLog) -> dict[str, list[str]] | None:
        """Chat mode files git shows in the source folder's past but not now (``None``: none);
        says what was left out (more than ``MAX_REMOVED``, or names that cannot be published)."""
        assert self.source is not None
        current = [mode.source for mode in catalog.chatmodes] + [item.source for item in catalog.rejected]
        if git_log.more_removed:
            log.warning(
                f"git history has {len(git_log.removed) + git_log.more_removed:,} removed chat mode files; "
                f"catalog.json's 'removed' lists the {len(git_log.removed):,} most recently changed and "
                f"counts the other {git_log.more_removed:,} ('removed_omitted'): copies of those show as "
                "'unknown' in chatmodes status"
            )
        if git_log.unsafe_removed:
            log.warning(
                f"git history has {git_log.unsafe_removed:,} removed chat mode file(s) whose names are not "
                "UTF-8 or hold control characters (CM010); they are left out of catalog.json's 'removed'"
            )
        return removed_history(self.source, current, log=git_log) or None

    def _git_log(self, catalog: Catalog) -> SourceLog | None:
        """The source folder's history, read once per build (``None`` without git): dates and
        versions of the files there now, and a bounded list of removed ones."""
        assert self.source is not None
        present = [mode.source for mode in catalog.chatmodes] + [item.source for item in catalog.rejected]
        try:
            return read_source_log(self.source, present=present)
        except GitError:
            return None

    def _history(self, catalog: Catalog, git_log: SourceLog) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Earlier published digests of each file, from git, and how many were left out of each."""
        assert self.source is not None
        history, omitted = history_with_counts(
            self.source,
            [mode.source for mode in catalog.chatmodes],
            current={mode.source: mode.sha256 for mode in catalog.chatmodes},
            log=git_log,
        )
        if omitted:
            # Long-lived modes reach the bound in ordinary use: worth knowing, not a warning.
            log.info(
                f"{plural(len(omitted), 'chat mode')} have more earlier versions than catalog.json's "
                f"'history' keeps ({MAX_VERSIONS}); the oldest are counted in 'history_omitted'"
            )
        return history, omitted

    def _fit_catalog(self, data: CatalogRecord) -> str:
        """``catalog.json``'s text, cut (what history adds) to what the registry's own clients
        accept; a catalog they would refuse even so fails the build instead of being published."""
        try:
            text, cuts = fit_catalog(data, limit=MAX_CATALOG_BYTES)
        except CatalogTooLarge as error:
            raise PluginError(f"chatmodes: {error}") from None
        if cuts:
            log.warning("; ".join(cuts) + ": what git history adds was shortened to fit")
        return text

    def _extend_nav(self, config: MkDocsConfig) -> None:
        """Add the catalog pages to an explicit ``nav`` unless it already links to them."""
        assert self.layout is not None
        prefix = self.layout.prefix + "/"

        def mentions_catalog(items: Any) -> bool:
            if isinstance(items, str):
                return items.startswith(prefix)
            if isinstance(items, list):
                return any(mentions_catalog(item) for item in items)
            if isinstance(items, dict):
                return any(mentions_catalog(value) for value in items.values())
            return False

        assert config.nav is not None
        if mentions_catalog(config.nav):
            return
        entries = [
            {kind.nav_title: self.layout.special_uri(kind.name)}
            for kind in PAGE_KINDS
            if kind.nav_title and (self.baseline or not kind.baseline_only)
        ]
        # First: the catalog is what the site is for.
        config.nav.insert(0, {"Catalog": entries})
        self.nav_added = True

    def _stylesheet(self) -> str:
        """The plugin's stylesheet, the graph drawings' and the changes page's in one file."""
        own = package_files("chatmode_registry").joinpath("assets", "chatmodes.css").read_text("utf-8")
        return "\n".join([own, "/* transition graphs */", graph_css(), "/* changes */", CHANGES_CSS])

    def _script(self) -> str:
        """The plugin's script and the graph drawings' in one file."""
        own = package_files("chatmode_registry").joinpath("assets", "chatmodes.js").read_text("utf-8")
        return "\n".join([own, "/* transition graphs */", graph_js()])

    def _log_diagnostics(self, catalog: Catalog) -> None:
        """Errors and warnings as WARNING (strict builds fail), infos as DEBUG, capped: the first
        problem of every file is always listed (so a strict build names each bad file), then
        the others up to ``max_logged``."""
        assert self.layout is not None
        shown = 0
        hidden = 0
        named: set[str] = set()
        later = []
        for diagnostic in catalog.diagnostics:
            if diagnostic.severity is Severity.INFO:
                log.debug(self._log_line(diagnostic))
            elif diagnostic.path not in named:
                named.add(diagnostic.path)
                log.warning(self._log_line(diagnostic))
                shown += 1
            else:
                later.append(diagnostic)
        for diagnostic in later:
            if shown < self.config.max_logged:
                log.warning(self._log_line(diagnostic))
                shown += 1
            else:
                hidden += 1
        if hidden:
            log.warning(
                f"{hidden} more errors and warnings are not listed here: see {self.layout.prefix}/report/"
            )

    @staticmethod
    def _log_line(diagnostic: Diagnostic) -> str:
        where = diagnostic.path + (f":{diagnostic.line}" if diagnostic.line else "")
        return terminal_safe(f"{where}: {diagnostic.code} {diagnostic.severity.value}: {diagnostic.message}")


def _nav_paths(items: Any) -> set[str]:
    """Every path an explicit ``nav`` (as written in ``mkdocs.yml``) names."""
    found: set[str] = set()
    pending = [items]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.add(item.lstrip("/"))
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return found


def _holds(item: Any, file: Any) -> bool:
    """Whether the navigation item ``item`` is, or contains, the page of ``file``."""
    if getattr(item, "file", None) is file:
        return True
    return any(_holds(child, file) for child in getattr(item, "children", None) or [])

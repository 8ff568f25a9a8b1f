"""Chat mode pages a ``mkdocs serve`` rebuild takes as they were, instead of building again.

``mkdocs serve`` rebuilds the whole site after every change. After an author edits one chat
mode, almost every chat mode page comes out exactly as before, yet MkDocs would render each
through the theme again: most of a rebuild's time. The plugin keeps each page's finished
HTML (compressed) and search entries with a key made of everything the page is built from,
and a later build whose key for that page is the same writes the kept HTML through a
one-line template instead of the theme's.

A page's key has two parts:

* the site's (:func:`site_key`): the whole configuration (plugins' included), the navigation,
  every file's path and URL (with size and time for files read from disk, so an edit of any
  docs page rebuilds every chat mode page), the theme's files and each hook's file. Anything else that
  changes makes a different site key, and no page is reused;
* the page's own (:func:`page_key`): the chat mode as read and checked (its bytes' digest,
  name, slug, transitions and diagnostics), the same for each chat mode it links to or is
  linked from (its neighbourhood drawing is made of these), the catalog pages it links to,
  its git date and its part of the baseline diff.

The plugin's own code and the environment cannot change while ``mkdocs serve`` runs, and the
theme's templates are part of the site key; a plugin that puts something new into every
build (a clock) would not be seen, which is why this only happens under ``mkdocs serve``
and can be switched off with ``serve_reuse: false``.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The template a reused page is rendered with: the kept HTML goes in at ``on_post_page``.
REUSED_TEMPLATE = "chatmodes/reused-page.html"
REUSED_TEMPLATE_SOURCE = "<!-- a page of the last build, put back by the chatmodes plugin -->"


def _digest(parts: Iterable[Any]) -> bytes:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.digest()


def _nav_outline(items: Iterable[Any]) -> list[Any]:
    """The navigation's titles, URLs and nesting."""
    outline: list[Any] = []
    for item in items:
        children = getattr(item, "children", None)
        outline.append(
            (type(item).__name__, item.title, getattr(item, "url", None), _nav_outline(children or ()))
        )
    return outline


def _config_items(config: Any) -> list[tuple[str, str]]:
    items = []
    for key in sorted(config.keys()):
        value = config[key]
        if key == "plugins":
            value = [(name, _plugin_state(plugin)) for name, plugin in value.items()]
        items.append((key, repr(value)))
    return items


def _plugin_state(plugin: Any) -> Any:
    """A plugin's options; for a hook (a module MkDocs loads again from its file for every
    build), its file's size and time."""
    options = getattr(plugin, "config", None)
    if options is not None and hasattr(options, "items"):
        return sorted((key, repr(value)) for key, value in options.items())
    path = getattr(plugin, "__file__", None)
    if isinstance(path, str):
        try:
            stat = os.stat(path)
        except OSError:
            return (path, None)
        return (path, stat.st_mtime_ns, stat.st_size)
    return repr(type(plugin))


def _tree_state(folder: str) -> list[tuple[str, int, int]]:
    state = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            state.append((path, stat.st_mtime_ns, stat.st_size))
    state.sort()
    return state


def site_key(config: Any, files: Any, nav: Any) -> bytes:
    """What every page of the site is built from besides its own content (see the module)."""
    listing = []
    for file in files:
        entry: tuple[Any, ...] = (file.src_uri, file.dest_uri, file.url, str(file.inclusion))
        if not getattr(file, "generated_by", None) and file.abs_src_path:
            try:
                stat = os.stat(file.abs_src_path)
            except OSError:
                stat = None
            entry += (stat.st_mtime_ns, stat.st_size) if stat else (None,)
        listing.append(entry)
    listing.sort()
    themes = [_tree_state(folder) for folder in config.theme.dirs]
    return _digest(
        [_config_items(config), _nav_outline(nav.items if nav is not None else ()), listing, themes]
    )


def mode_fingerprint(mode: Any) -> bytes:
    """A digest of a chat mode as read and checked: everything of it a page shows of it or
    of its links (its bytes stand for its header and body)."""
    return _digest((mode.source, mode.sha256, mode.slug, mode.name, mode.transitions, mode.diagnostics))


def page_key(site: bytes, parts: Iterable[Any]) -> bytes:
    """A page's key: the site's and the page's own ``parts``."""
    return _digest([site, *parts])


@dataclass(frozen=True)
class KeptPage:
    """A chat mode page as the last build finished it."""

    key: bytes
    html: bytes  # zlib-compressed: a catalog's pages would otherwise be its size in memory
    search_entries: tuple[dict[str, Any], ...] | None
    toc: Any
    edit_url: str | None

    @property
    def output(self) -> str:
        return zlib.decompress(self.html).decode("utf-8")


class PageStore:
    """The pages of the last build, by URL; a build keeps only what it wrote or reused."""

    def __init__(self) -> None:
        self._pages: dict[str, KeptPage] = {}
        self._next: dict[str, KeptPage] = {}
        self.reused = 0
        #: How many pages the build that ended last reused.
        self.last_reused = 0

    def get(self, url: str, key: bytes) -> KeptPage | None:
        """The kept page at ``url`` if it was built with ``key``."""
        page = self._pages.get(url)
        if page is None or page.key != key:
            return None
        self._next[url] = page
        self.reused += 1
        return page

    def put(
        self,
        url: str,
        key: bytes,
        output: str,
        *,
        search_entries: list[dict[str, Any]] | None,
        toc: Any,
        edit_url: str | None,
    ) -> None:
        """Keep a page this build finished."""
        self._next[url] = KeptPage(
            key,
            zlib.compress(output.encode("utf-8"), 1),
            tuple(search_entries) if search_entries is not None else None,
            toc,
            edit_url,
        )

    def end_build(self) -> None:
        """The pages of this build become the ones the next build may reuse."""
        self._pages, self._next = self._next, {}
        self.last_reused, self.reused = self.reused, 0

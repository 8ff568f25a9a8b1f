"""Turning catalog contexts into HTML: Jinja templates, chat mode bodies, tables of contents.

MkDocs' own Jinja environment has autoescape off, so the catalog pages are rendered with an
environment of their own (:class:`Renderer`) in which every ``{{ value }}`` is escaped, and its
hidden and control characters shown as the body shows them (:func:`shown`). The
templates are looked up as ``chatmodes/<kind>.html`` in the theme's folders first (the
``custom_dir`` comes first among them, so a site can override any of them), then in the
package's ``templates/`` folder.

Chat mode bodies are Markdown written by strangers: :class:`BodyRenderer` renders them as
GitHub does (:mod:`chatmode_registry.render.body`: cmark-gfm, then sanitized); the site's
Markdown extensions never see a body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files as package_files
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.structure.toc import TableOfContents, get_toc

from chatmode_registry.core import hidden
from chatmode_registry.mkdocs.search import search_stand_in
from chatmode_registry.render.body import Heading, RepoPlace, render_body
from chatmode_registry.render.words import plural


def template_folders(theme_dirs: list[str]) -> list[str]:
    """Where ``chatmodes/*.html`` templates are looked up, first match wins."""
    packaged = str(package_files("chatmode_registry").joinpath("templates"))
    return [*theme_dirs, packaged]


def _human_size(size: int) -> str:
    """Bytes for people: ``812 B``, ``13.1 KB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _day(value: str | None) -> str:
    """The date part of an ISO 8601 timestamp (``2025-03-04``); the input if it is not one."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return value


def shown(value: Any) -> Any:
    """A value as a catalog page prints it: text from a chat mode (a name, a description, a
    tool, a model, a handoff label) with each hidden or control character replaced by the
    body's visible marker (:func:`~chatmode_registry.core.hidden.reveal`), so a page never
    hides what the model reads and no control character reaches a browser. Markup (a rendered
    body, a drawing) was built by the plugin and passes as it is; catalog.json stays exact."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return hidden.reveal(value)
    return value


def _in_place(caller: Callable[[], str]) -> str:
    """The default ``late``: the block's markup where it stands."""
    return caller()


class Renderer:
    """Renders the catalog templates with autoescape on."""

    def __init__(self, theme_dirs: list[str], *, bytecode_cache: jinja2.BytecodeCache | None = None) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(template_folders(theme_dirs)),
            bytecode_cache=bytecode_cache,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            finalize=shown,
        )
        self.env.filters["plural"] = plural
        self.env.filters["human_size"] = _human_size
        self.env.filters["day"] = _day
        # ``{% call late() %}`` blocks: the plugin passes a ``late`` that holds the block back
        # until the page is finished (see ChatmodesPlugin._late); rendered elsewhere (a
        # template rendered on its own), a block is simply part of the output.
        self.env.globals["late"] = _in_place

    def render(self, template: str, context: dict[str, Any]) -> str:
        """Render ``template`` (``chatmodes/<kind>.html``) with ``context``."""
        return self.env.get_template(template).render(context)


@dataclass(frozen=True)
class PageBody:
    """A rendered body as a page uses it: the sanitized HTML and its headings, and what
    search reads instead (:func:`search_stand_in`)."""

    html: str
    headings: tuple[Heading, ...]
    search_html: str


class BodyRenderer:
    """Renders chat mode bodies to sanitized HTML and their headings, as GitHub shows them.

    A body that makes the renderer fail is shown as escaped text instead, and ``on_error``
    is told (the page is still published).

    With a ``cache`` (:class:`~chatmode_registry.mkdocs.cache.BuildCache`), a rendered body
    is looked up by the body's SHA-256 and the file's place in its repository (relative links
    resolve against it) before rendering, so a ``mkdocs serve`` rebuild renders only the
    bodies that changed. Failures are not cached.
    """

    def __init__(
        self,
        *,
        on_error: Callable[[str, Exception], None] | None = None,
        cache: Any = None,
    ) -> None:
        self.on_error = on_error
        self.cache = cache

    def render(self, body: str, *, source: str = "", place: RepoPlace | None = None) -> PageBody:
        """The body as safe HTML, its headings and its search stand-in."""
        key = None
        if self.cache is not None:
            key = ("body", place, hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest())
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        try:
            rendered = render_body(body, place)
        except Exception as error:  # a hostile body must not stop the build
            if self.on_error is not None:
                self.on_error(source, error)
            escaped = str(Markup("<pre><code>{}</code></pre>").format(body))
            return PageBody(escaped, (), escaped)
        page_body = PageBody(rendered.html, rendered.headings, search_stand_in(rendered.html))
        if key is not None:
            self.cache.put(key, page_body)
        return page_body


def section_toc(
    sections: list[tuple[str, str]], headings: Sequence[Heading] = (), *, under: str = ""
) -> TableOfContents:
    """A table of contents of the page's own sections: ``(anchor id, plain title)`` pairs.

    ``headings`` (a body's, levels 3 to 6) are listed under the section whose anchor is
    ``under``. Titles are escaped here because themes print TOC titles as HTML.
    """
    tokens: list[dict[str, Any]] = []
    for anchor, title in sections:
        token: dict[str, Any] = {"level": 2, "id": anchor, "name": str(escape(title)), "children": []}
        tokens.append(token)
        if anchor == under:
            # Nest by level with a stack (levels only go from 3 to 6, so it stays short).
            open_tokens = [token]
            for heading in headings:
                entry = {
                    "level": heading.level,
                    "id": heading.id,
                    "name": str(escape(heading.text)),
                    "children": [],
                }
                while len(open_tokens) > 1 and open_tokens[-1]["level"] >= heading.level:
                    open_tokens.pop()
                open_tokens[-1]["children"].append(entry)
                open_tokens.append(entry)
    return get_toc(tokens)  # type: ignore[arg-type]

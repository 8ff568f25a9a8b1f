"""Turning catalog contexts into HTML: Jinja templates, chat mode bodies, tables of contents.

MkDocs' own Jinja environment has autoescape off, so the catalog pages are rendered with an
environment of their own (:class:`Renderer`) in which every ``{{ value }}`` is escaped. The
templates are looked up as ``chatmodes/<kind>.html`` in the theme's folders first (the
``custom_dir`` comes first among them, so a site can override any of them), then in the
package's ``templates/`` folder.

Chat mode bodies are Markdown written by strangers: :class:`BodyRenderer` converts them with
the site's Markdown extensions (minus those that read files) and then sanitizes the HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from importlib.resources import files as package_files
from typing import Any

import jinja2
import markdown
from markupsafe import Markup, escape
from mkdocs.structure.toc import TableOfContents, get_toc

from chatmode_registry.render.words import plural

#: Python-Markdown extensions never applied to a chat mode body: they read other files
#: (``--8<-- "/etc/passwd"``), which an untrusted body must not be able to do.
UNSAFE_EXTENSIONS = ("snippets", "include")

#: Heading level a body's ``#`` becomes: the body sits under the page's "Instructions"
#: section (``h2``), so its headings start one below.
BODY_BASE_LEVEL = 3


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


def _in_place(caller: Callable[[], str]) -> str:
    """The default ``late``: the block's markup where it stands."""
    return caller()


class Renderer:
    """Renders the catalog templates with autoescape on."""

    def __init__(self, theme_dirs: list[str]) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(template_folders(theme_dirs)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
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


class BodyRenderer:
    """Converts chat mode bodies to sanitized HTML with the site's Markdown extensions.

    One ``markdown.Markdown`` instance is built and reset between bodies: building one per
    page costs as much as converting a small body. A body that makes an extension fail is
    shown as escaped text instead, and ``on_error`` is told (the page is still published).

    With a ``cache`` (:class:`~chatmode_registry.mkdocs.cache.BuildCache`), sanitized HTML is
    looked up by the body's SHA-256 and the Markdown configuration before converting, so a
    ``mkdocs serve`` rebuild converts only the bodies that changed. Failures are not cached.
    """

    def __init__(
        self,
        extensions: list[Any],
        extension_configs: dict[str, dict[str, Any]],
        *,
        on_error: Callable[[str, Exception], None] | None = None,
        cache: Any = None,
    ) -> None:
        kept = [extension for extension in extensions if not _is_unsafe(extension)]
        configs = {name: dict(options) for name, options in extension_configs.items() if not _is_unsafe(name)}
        toc_options = configs.setdefault("toc", {})
        toc_options["baselevel"] = BODY_BASE_LEVEL
        # The body's headings get the usual ids and permalinks but never reach the page's
        # table of contents: the page's TOC is built from the plugin's own sections.
        if "toc" not in kept and "markdown.extensions.toc" not in kept:
            kept.append("toc")
        self.markdown = markdown.Markdown(extensions=kept, extension_configs=configs)
        self.on_error = on_error
        self.cache = cache
        # Part of every cache key: the same body renders differently under other extensions.
        self.fingerprint = repr((kept, sorted(configs.items(), key=lambda item: str(item[0]))))

    def render(self, body: str, *, source: str = "") -> Markup:
        """The body as safe HTML."""
        from chatmode_registry.render.sanitize import sanitize_html

        key = None
        if self.cache is not None:
            key = ("body", self.fingerprint, hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest())
            cached = self.cache.get(key)
            if cached is not None:
                return Markup(cached)
        try:
            self.markdown.reset()
            html = self.markdown.convert(body)
        except Exception as error:  # a hostile body must not stop the build
            if self.on_error is not None:
                self.on_error(source, error)
            return Markup('<pre class="cmr-body-fallback">{}</pre>').format(body)
        safe = sanitize_html(html)
        if key is not None:
            self.cache.put(key, safe)
        return Markup(safe)


def _is_unsafe(extension: Any) -> bool:
    """True for extensions that let a document read files (see :data:`UNSAFE_EXTENSIONS`)."""
    name = extension if isinstance(extension, str) else type(extension).__module__
    return any(marker in name.lower() for marker in UNSAFE_EXTENSIONS)


def section_toc(sections: list[tuple[str, str]]) -> TableOfContents:
    """A table of contents of the page's own sections: ``(anchor id, plain title)`` pairs.

    Titles are escaped here because themes print TOC titles as HTML.
    """
    tokens = [
        {"level": 2, "id": anchor, "name": str(escape(title)), "children": []} for anchor, title in sections
    ]
    return get_toc(tokens)  # type: ignore[arg-type]

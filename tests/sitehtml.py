"""Read built pages as element trees, with the standard library's HTML parser.

Only what the plugin tests need: a tree of :class:`Element` objects with their attributes
and text, searched by tag, attribute and CSS class. Void elements and stray end tags are
handled the way a browser would for the well-formed output MkDocs writes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class Element:
    """One element: ``tag``, ``attrs`` (names lower-cased, values decoded) and children."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None = None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value (``""`` for a bare attribute), or ``default``."""
        if name not in self.attrs:
            return default
        value = self.attrs[name]
        return "" if value is None else value

    @property
    def classes(self) -> set[str]:
        """The element's class names."""
        return set((self.get("class") or "").split())

    def text(self) -> str:
        """All text inside the element, as a browser's ``textContent``."""
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self) -> Iterator[Element]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(
        self,
        tag: str | None = None,
        *,
        cls: str | None = None,
        where: Callable[[Element], bool] | None = None,
        **attrs: str | bool,
    ) -> list[Element]:
        """Descendants matching a tag, a class, attribute values (``True``: present) and a test.

        Attribute names use ``_`` for ``-`` (``data_chatmode=True``).
        """
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if cls is not None and cls not in element.classes:
                continue
            if not all(
                (name.replace("_", "-") in element.attrs)
                if wanted is True
                else element.get(name.replace("_", "-")) == wanted
                for name, wanted in attrs.items()
            ):
                continue
            if where is not None and not where(element):
                continue
            found.append(element)
        return found

    def find(self, tag: str | None = None, **kwargs) -> Element | None:
        """The first match of :meth:`find_all`, or ``None``."""
        matches = self.find_all(tag, **kwargs)
        return matches[0] if matches else None

    def ancestors(self) -> Iterator[Element]:
        """Parents up to the document root."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The document tree of ``html``."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page_path(site: Path, url: str) -> Path:
    """The file behind a site URL relative to the site root (``catalog/x/`` -> index.html)."""
    path = site / url
    return path / "index.html" if url.endswith("/") or url == "" else path


def read_page(site: Path, url: str) -> Element:
    """Parse the built page at ``url`` (relative to the site root)."""
    return parse(page_path(site, url).read_text(encoding="utf-8"))


def content(document: Element) -> Element:
    """The page content (Material's ``article``), where the plugin's HTML goes."""
    article = document.find("article")
    assert article is not None, "no <article> in the page"
    return article


def resolve(page_url: str, href: str) -> str:
    """A relative link from the page at ``page_url`` as a URL relative to the site root."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    target = posixpath.normpath(posixpath.join(base, href.split("#", 1)[0].split("?", 1)[0]) or ".")
    if target == ".":
        return ""
    return target + ("/" if href.split("#", 1)[0].endswith("/") else "")

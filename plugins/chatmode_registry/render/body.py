"""Chat mode bodies as GitHub shows them: cmark-gfm, then the registry's own finishing pass.

Authors write and preview chat modes on GitHub and in VS Code, both CommonMark. A body is
rendered here with GitHub's own renderer, cmark-gfm (the ``cmarkgfm`` package), with the
extensions GitHub uses for files: tables, strikethrough, autolinks, task lists and the tag
filter. The site's Python-Markdown extensions never see a body (they could run or include
content: a code-executing fence, a snippet include).

Raw HTML passes cmark (``CMARK_OPT_UNSAFE``, as on GitHub) and is sanitized afterwards, as
GitHub does. Between cmark and the sanitizer, :func:`render_body` makes one linear pass over
cmark's output that:

* re-tokenizes it with the raw-HTML grammar of the CommonMark spec (open and closing tags;
  comments, processing instructions, declarations and CDATA are dropped; any other ``<`` is
  text) and writes every tag back in one canonical form, so the sanitizer's HTML parser
  reads exactly the tags this pass saw;
* bounds the nesting depth (:data:`MAX_DEPTH`): an HTML5 tree builder checks the stack of
  open elements for every tag, so 10,000 nested ``>`` would cost quadratic time there;
  tags nested deeper are left out, their text stays;
* drops every ``class``, ``id`` and ``style`` of the input and adds only its own: Material
  and the registry give some classes behaviour (``mermaid``, ``md-*``, ``cmr-*``...), so a
  body carries only the classes of the sanitizer's allowlist
  (:data:`~chatmode_registry.render.sanitize.BODY_CLASSES`), all written here;
* highlights fenced code with Pygments in the markup ``pymdownx.highlight`` writes and
  Material styles (``div.language-x.highlight > pre > code``, with Material's copy button);
* gives headings GitHub's slugs as ids (deduplicated; a slug that could take over an element
  of the page gets GitHub's ``user-content-`` prefix), a ``headerlink`` permalink, and moves
  them below the page's own headings (``#`` becomes ``h3``);
* turns GitHub alerts (``> [!NOTE]``...) into Material admonitions;
* resolves relative links and images against the file's place in its repository
  (:class:`RepoPlace`), or shows them as plain text when there is none.

The result goes through :func:`chatmode_registry.render.sanitize.sanitize_html` (nh3).
"""

from __future__ import annotations

import ctypes
import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import cmarkgfm
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from chatmode_registry.render.sanitize import RESERVED_ID_PREFIXES, sanitize_html

__all__ = [
    "ALERTS",
    "CMARK_EXTENSIONS",
    "HIGHLIGHT_LIMIT",
    "MAX_DEPTH",
    "Heading",
    "RenderedBody",
    "RepoPlace",
    "cmark_html",
    "render_body",
]

#: cmark-gfm's extensions, as GitHub renders Markdown files.
CMARK_EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter", "tasklist")

#: Raw HTML is kept (and sanitized later), as GitHub does.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE

#: Elements nested deeper than this are left out (their text is kept). Real bodies stay far
#: below it (a list nested ten levels deep is about 30 elements).
MAX_DEPTH = 128

#: Code blocks longer than this (characters) are shown without highlighting: Pygments'
#: lexers are regular expressions, and a body is untrusted.
HIGHLIGHT_LIMIT = 50_000

#: Heading level a body's ``#`` becomes: the body sits under the page's "Instructions"
#: section (``h2``), so its headings start one below.
BODY_BASE_LEVEL = 3

#: GitHub's alert types and the Material admonition that shows each (Material has no
#: "important" or "caution" type; ``info`` and ``danger`` look the part).
ALERTS: dict[str, tuple[str, str]] = {
    "NOTE": ("note", "Note"),
    "TIP": ("tip", "Tip"),
    "IMPORTANT": ("info", "Important"),
    "WARNING": ("warning", "Warning"),
    "CAUTION": ("danger", "Caution"),
}

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)

#: Removed with everything inside them (the sanitizer would drop them too; leaving them out
#: here keeps headings inside them out of the table of contents). ``noscript`` is raw text
#: for an HTML parser with scripting on: its content ends at the first ``</noscript>``.
_DROPPED = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
        "applet", "svg", "math", "textarea", "select", "option", "title", "head", "xmp", "noembed",
        "noframes", "plaintext",
    }
)  # fmt: skip
_RAW_TEXT = frozenset(
    {"noscript", "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"}
)

_HEADINGS = {f"h{level}": level for level in range(1, 7)}

#: Elements :meth:`_Finisher.start` writes as they come when they have no attributes (a list
#: item is also remembered for its check box, and ``code`` right inside ``pre`` is a code
#: block): not dropped, void, a heading, a link, an image nor a block quote.
_PLAIN = frozenset(
    {"p", "ul", "ol", "li", "code", "strong", "em", "del", "table", "thead", "tbody", "tr", "th", "td", "pre"}
    | {"sup", "sub", "div"}
)

#: Attributes written back (the sanitizer narrows them further); ``class``, ``id``,
#: ``style`` and event handlers never are.
_KEPT_ATTRIBUTES = frozenset(
    {"href", "src", "alt", "title", "lang", "dir", "width", "height", "start", "type", "reversed", "value",
     "align", "colspan", "rowspan", "scope", "span", "open", "checked", "datetime", "cite"}
)  # fmt: skip

# The raw HTML grammar of CommonMark (spec 0.31, section 6.6), with possessive quantifiers
# so that a failing match never backtracks: each attempt costs at most the length of the
# tag it tries, and a quoted value ends at the next quote of its kind.
_ATTRIBUTE = r"""\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^\s"'=<>`]++|'[^']*+'|"[^"]*+"))?+"""
_TAG = re.compile(
    rf"<(?:(?P<open>[A-Za-z][A-Za-z0-9-]*+)(?P<attrs>(?:{_ATTRIBUTE})*+)\s*+(?P<self>/?)>"
    r"|/(?P<close>[A-Za-z][A-Za-z0-9-]*+)\s*+>)"
)
_ATTRIBUTE_PARTS = re.compile(
    r"""\s++([A-Za-z_:][A-Za-z0-9_.:-]*+)(?:\s*+=\s*+([^\s"'=<>`]++|'[^']*+'|"[^"]*+"))?+"""
)
#: The other markup of the grammar, dropped: ``(start, end)`` delimiters.
_OTHER_MARKUP = (
    ("<!-->", ""),
    ("<!--->", ""),
    ("<!--", "-->"),
    ("<?", "?>"),
    ("<![CDATA[", "]]>"),
    ("<!", ">"),
)

_ALERT_MARKER = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*+(?:\n|$)", re.IGNORECASE)

# GitHub's slugs (github-slugger): lower case, everything but letters, digits, marks, "_",
# "-" and spaces removed, each space a "-".
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_SLUG_LIMIT = 100
_SLUG_PREFIX = "user-content-"


@dataclass(frozen=True)
class RepoPlace:
    """Where a chat mode file lives in its repository, for its relative links and images.

    ``view`` and ``raw`` are URLs of the repository's root at one revision, ending in ``/``:
    ``https://github.com/o/r/blob/main/`` (links) and ``https://github.com/o/r/raw/main/``
    (images). ``path`` is the file's POSIX path from the root (``chatmodes/x.chatmode.md``).
    """

    view: str
    raw: str
    path: str


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered body: its level on the page, id and plain text."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedBody:
    """A body as sanitized HTML, with its headings (for the page's table of contents)."""

    html: str
    headings: tuple[Heading, ...]


def cmark_html(body: str) -> str:
    """``body`` rendered by cmark-gfm alone: GitHub's extensions, raw HTML kept."""
    if _FREE is None:
        return cmarkgfm.cmark.markdown_to_html_with_extensions(
            body, options=CMARK_OPTIONS, extensions=list(CMARK_EXTENSIONS)
        )
    lib, ffi = _cmark.lib, _cmark.ffi
    free_node, free_memory = _FREE
    parser = lib.cmark_parser_new(CMARK_OPTIONS)
    try:
        for extension in _EXTENSIONS:
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        encoded = body.encode("utf-8", "surrogatepass")
        lib.cmark_parser_feed(parser, encoded, len(encoded))
        root = lib.cmark_parser_finish(parser)
        try:
            html = lib.cmark_render_html(root, CMARK_OPTIONS, lib.cmark_parser_get_syntax_extensions(parser))
            try:
                return ffi.string(html).decode("utf-8", "replace")
            finally:
                free_memory(int(ffi.cast("uintptr_t", html)))
        finally:
            free_node(int(ffi.cast("uintptr_t", root)))
    finally:
        lib.cmark_parser_free(parser)


def _release_functions() -> tuple[Callable[[int], None], Callable[[int], None]] | None:
    """``cmark_node_free`` and the C library's ``free``, or ``None`` when they cannot be found.

    cmarkgfm's own ``markdown_to_html_with_extensions`` frees neither the document tree nor
    the HTML string cmark returns (cmark leaves both to the caller): about 0.2 MB per
    13 KB body, which a build of a large catalog would keep to its end. The extension module
    exports ``cmark_node_free``; the HTML is allocated by cmark's default allocator, which
    is the C library's ``calloc``/``realloc``.
    """
    try:
        module = ctypes.CDLL(_cmark.__file__)
        free_node = module.cmark_node_free
        free_memory = ctypes.CDLL(None).free
    except (OSError, AttributeError):
        return None
    free_node.argtypes, free_node.restype = [ctypes.c_void_p], None
    free_memory.argtypes, free_memory.restype = [ctypes.c_void_p], None
    return free_node, free_memory


cmarkgfm.cmark.core_extensions_ensure_registered()
_EXTENSIONS = [cmarkgfm.cmark.find_syntax_extension(name) for name in CMARK_EXTENSIONS]
_FREE = _release_functions()


def render_body(body: str, place: RepoPlace | None = None) -> RenderedBody:
    """Render an untrusted chat mode body to safe HTML (see the module's docstring)."""
    finisher = _Finisher(place)
    finisher.feed(cmark_html(body))
    return RenderedBody(sanitize_html("".join(finisher.out)), tuple(finisher.headings))


def github_slug(text: str) -> str:
    """GitHub's anchor for a heading's text (before deduplication)."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def _escape(value: str) -> str:
    return html.escape(value, quote=True)


def _attributes(source: str) -> dict[str, str]:
    """The attributes of a tag matched by :data:`_TAG`, values decoded; the first of a name wins."""
    found: dict[str, str] = {}
    # ``source`` is the attribute part of a tag matched by _TAG: a run of _ATTRIBUTE, each
    # matched in turn where the previous one ended (no search, nothing scanned twice).
    position = 0
    while (match := _ATTRIBUTE_PARTS.match(source, position)) is not None:
        position = match.end()
        name = match.group(1).lower()
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.setdefault(name, html.unescape(value))
    return found


def _start_tag(tag: str, attributes: dict[str, str]) -> str:
    if not attributes:
        return f"<{tag}>"
    parts = [tag]
    for name, value in attributes.items():
        if name in _KEPT_ATTRIBUTES:
            parts.append(f'{name}="{_escape(value)}"')
    return "<" + " ".join(parts) + ">"


class _Open:
    """An element on the stack: its tag, whether it was written, its role, where it starts."""

    __slots__ = ("data", "index", "role", "tag", "written")

    def __init__(self, tag: str, written: bool, role: str = "", index: int = -1) -> None:
        self.tag = tag
        self.written = written
        self.role = role
        self.index = index
        self.data: list[str] | str | None = None


class _Finisher:
    """The pass between cmark and the sanitizer (see the module's docstring).

    Each token is handled in constant time apart from the text it carries: the stack is only
    ever touched at its top (an end tag that does not close the innermost open element is
    left out), so the cost is linear in cmark's output.
    """

    def __init__(self, place: RepoPlace | None) -> None:
        self.place = place
        self.out: list[str] = []
        self.stack: list[_Open] = []
        self.headings: list[Heading] = []
        self.slugs: set[str] = set()
        self.slug_counters: dict[str, int] = {}  # the next counter to try for each slug
        self.skip: str | None = None  # the element whose content is being left out
        self.skip_depth = 0
        self.heading: _Open | None = None  # the heading being written; its text in .data
        self.code: _Open | None = None  # the <code> right after a <pre>; its text in .data
        self.alert_candidate: _Open | None = None  # a top-level blockquote's first paragraph
        self.pending_item: _Open | None = None  # a <li> whose first child may be a check box
        self.attempts = 0  # tag matches tried: at most one per "<" (see the tests)

    # -- tokens ---------------------------------------------------------------------------

    def feed(self, text: str) -> None:
        """Tokenize cmark's output and handle every token; close what is left open."""
        position = 0
        closers: dict[str, int] = {}
        find = text.find
        match_tag = _TAG.match
        on_text, on_start, on_end = self.text, self.start, self.end
        out_append = self.out.append
        length = len(text)
        while position < length:
            start = find("<", position)
            if start < 0:
                on_text(text[position:])
                break
            if start > position:
                data = text[position:start]
                # Most text needs nothing but writing (see text()).
                if (
                    self.skip is None
                    and self.code is None
                    and self.heading is None
                    and self.alert_candidate is None
                    and self.pending_item is None
                    and len(data) <= _TEXT_RUN
                ):
                    out_append(data)
                else:
                    on_text(data)
            self.attempts += 1
            match = match_tag(text, start)
            if match is not None:
                position = match.end()
                opened, attributes, closing, closed = match.groups()
                if opened:
                    tag = opened.lower()
                    if not attributes and tag in _PLAIN and self._plain_start(tag):
                        continue
                    on_start(tag, _attributes(attributes) if attributes else {}, bool(closing))
                else:
                    tag = closed.lower()
                    if not self._plain_end(tag):
                        on_end(tag)
                continue
            after = _other_markup(text, start, closers)
            if after < 0:
                on_text("&lt;")
                position = start + 1
            else:
                position = after
        self.finish()

    # The two most common tokens by far, an end tag that closes the innermost element and a
    # start tag of an element without a role, in the state where start() and end() would do
    # nothing else: handled here without their checks (the result is the same).

    def _plain_start(self, tag: str) -> bool:
        """Write ``<tag>`` (a tag of :data:`_PLAIN` without attributes) if nothing else is due."""
        stack = self.stack
        if (
            self.skip is not None
            or self.code is not None
            or len(stack) >= MAX_DEPTH
            or (len(stack) == 1 and stack[0].role == "blockquote")
            or (tag == "code" and stack and stack[-1].tag == "pre")
        ):
            return False
        item = self.pending_item
        if item is not None and not (tag == "p" and stack and stack[-1] is item):
            self.pending_item = None
        self.alert_candidate = None
        entry = _Open(tag, True, "", len(self.out))
        if tag == "li":
            self.pending_item = entry
        stack.append(entry)
        self.out.append(f"<{tag}>")
        return True

    def _plain_end(self, tag: str) -> bool:
        """Close the innermost element if it is ``tag``, written and without a role."""
        stack = self.stack
        if self.skip is not None or not stack:
            return False
        top = stack[-1]
        if top.tag != tag or top.role or not top.written:
            return False
        stack.pop()
        self.pending_item = None
        self.alert_candidate = None
        self.out.append(f"</{tag}>")
        return True

    def text(self, data: str) -> None:
        """Text between tags (cmark escapes ``&``, ``<``, ``>``; raw HTML blocks may not)."""
        # ``data`` never holds a "<": the tokenizer stops at each one (a stray one comes as "&lt;").
        if self.skip is not None:
            return
        if self.code is not None:
            self.code.data.append(data)  # type: ignore[union-attr]
            return
        if self.heading is not None:
            self.heading.data.append(data)  # type: ignore[union-attr]
        candidate, self.alert_candidate = self.alert_candidate, None
        if candidate is not None and self.stack and self.stack[-1] is candidate and self._alert(data):
            return
        if self.pending_item is not None and data.strip():
            self.pending_item = None
        self.out.append(_breakable_text(data))

    def start(self, tag: str, attributes: dict[str, str], self_closing: bool) -> None:
        """An open tag."""
        if self.skip is not None:
            if tag == self.skip and tag not in _RAW_TEXT:
                self.skip_depth += 1
            return
        if tag in _DROPPED:
            if tag not in _VOID and not (self_closing and tag in ("svg", "math")):
                self.skip, self.skip_depth = tag, 1
            return
        if self.code is not None:
            self._abandon_code()
        self.alert_candidate = None
        first_in_quote = False
        if len(self.stack) == 1 and self.stack[0].role == "blockquote":
            first_in_quote = tag == "p" and self.stack[0].data is None
            self.stack[0].data = "seen"
        item = self.pending_item
        if not (tag == "p" and item is not None and self.stack and self.stack[-1] is item):
            self.pending_item = None
        if tag == "input" and item is not None and attributes.get("type", "").lower() == "checkbox":
            self.out[item.index] = '<li class="task-list-item">'
        if tag == "img":
            self._image(attributes)
            return
        if tag in _VOID:
            self.out.append(_start_tag(tag, attributes))
            return
        if len(self.stack) >= MAX_DEPTH:
            self.stack.append(_Open(tag, False))
            return
        if tag in _HEADINGS:
            renamed = f"h{min(_HEADINGS[tag] + BODY_BASE_LEVEL - 1, 6)}"
            if self.heading is None:
                entry = _Open(renamed, True, "heading", len(self.out))
                entry.data = []
                self.out.append("")  # the start tag, written once the text (so the id) is known
                self.heading = entry
                self.stack.append(entry)
                return
            tag = renamed
        if tag == "a":
            href = self._link(attributes.get("href"))
            if href is None:
                self.stack.append(_Open(tag, False))
                return
            attributes = {name: attributes[name] for name in ("title",) if name in attributes}
            if href:
                attributes["href"] = href
        entry = _Open(tag, True, "", len(self.out))
        if tag == "blockquote" and not self.stack:
            entry.role = "blockquote"
        elif tag == "li":
            self.pending_item = entry
        elif tag == "code" and self.stack and self.stack[-1].tag == "pre":
            pre = self.stack[-1]
            if pre.written and pre.index == len(self.out) - 1:
                language = attributes.get("class", "")
                pre.data = language[len("language-") :] if language.startswith("language-") else ""
                entry.role = "code"
                entry.data = []
                self.code = entry
        elif first_in_quote:
            self.alert_candidate = entry
        self.stack.append(entry)
        self.out.append(_start_tag(tag, attributes))

    def end(self, tag: str) -> None:
        """A closing tag: it closes the innermost open element, or is left out."""
        if self.skip is not None:
            if tag == self.skip:
                self.skip_depth -= 1
                if self.skip_depth == 0 or tag in _RAW_TEXT:
                    self.skip = None
            return
        if not self.stack:
            return
        top = self.stack[-1].tag
        # Headings were renumbered on the way in; any heading's end tag closes one, as in HTML.
        if top != tag and not (tag in _HEADINGS and top in _HEADINGS):
            return
        self._close(self.stack.pop())

    def finish(self) -> None:
        """Close every element still open (innermost first)."""
        self.skip = None
        while self.stack:
            self._close(self.stack.pop())

    # -- elements with a role -------------------------------------------------------------

    def _close(self, entry: _Open) -> None:
        self.pending_item = None
        self.alert_candidate = None
        role = entry.role
        if role == "code":
            self._finish_code(entry)
        elif role == "heading":
            self._finish_heading(entry)
        elif role == "replaced" or not entry.written:
            pass
        elif role == "alert":
            self.out.append("</div>")
        elif role == "alert-marker" and not any(part.strip() for part in self.out[entry.index + 1 :]):
            # The paragraph held nothing but the marker: leave it out.
            del self.out[entry.index :]
        else:
            self.out.append(f"</{entry.tag}>")

    def _alert(self, data: str) -> bool:
        """The first text of a top-level blockquote's first paragraph: an alert marker?"""
        decoded = html.unescape(data)
        match = _ALERT_MARKER.match(decoded)
        if match is None or len(self.stack) != 2:
            return False
        quote, paragraph = self.stack
        kind, title = ALERTS[match.group(1).upper()]
        quote.role = "alert"
        self.out[quote.index] = f'<div class="admonition {kind}"><p class="admonition-title">{title}</p>'
        paragraph.role = "alert-marker"
        rest = decoded[match.end() :]
        if rest:
            self.out.append(_escape_text(rest))
        return True

    def _finish_heading(self, entry: _Open) -> None:
        self.heading = None
        text = " ".join(html.unescape("".join(entry.data or ())).split())
        slug = github_slug(text)[:_SLUG_LIMIT]
        if not slug or not slug[0].isalnum() or slug.startswith(RESERVED_ID_PREFIXES):
            slug = _SLUG_PREFIX + slug
        # GitHub's de-duplication: the first free of slug, slug-1, slug-2, ... Taken ids are
        # never freed, so the search for a slug goes on from where it last stopped.
        counter = self.slug_counters.get(slug, 0)
        unique = f"{slug}-{counter}" if counter else slug
        while unique in self.slugs:
            counter += 1
            unique = f"{slug}-{counter}"
        self.slug_counters[slug] = counter + 1
        self.slugs.add(unique)
        anchor = _escape(unique)
        self.out[entry.index] = f'<{entry.tag} id="{anchor}">'
        self.out.append(f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a>')
        self.out.append(f"</{entry.tag}>")
        self.headings.append(Heading(int(entry.tag[1]), unique, text))

    def _abandon_code(self) -> None:
        """A tag inside ``<pre><code>``: not a plain code block, written as it came."""
        entry, self.code = self.code, None
        assert entry is not None
        entry.role = ""
        self.out.extend(entry.data or ())
        entry.data = None

    def _finish_code(self, entry: _Open) -> None:
        self.code = None
        pre = self.stack[-1]  # _finish_code only runs for a <code> opened right inside a <pre>
        source = html.unescape("".join(entry.data or ()))
        words = str(pre.data or "").split()
        self.out[pre.index] = _highlighted(source, words[0] if words else "")
        del self.out[pre.index + 1 :]
        pre.role = "replaced"

    # -- links and images -----------------------------------------------------------------

    def _link(self, href: str | None) -> str | None:
        """The ``href`` to write; ``None`` to show the link as plain text; ``""`` for none."""
        if href is None:
            return ""
        return _resolve(href.strip(), self.place, raw=False)

    def _image(self, attributes: dict[str, str]) -> None:
        src = _resolve(attributes.get("src", "").strip(), self.place, raw=True)
        if not src:
            alt = attributes.get("alt", "")
            if alt:
                self.out.append(_escape(alt))
            return
        kept: dict[str, str] = {"src": src}
        kept.update(
            (name, attributes[name]) for name in ("alt", "title", "width", "height") if name in attributes
        )
        self.out.append(_start_tag("img", kept))


def _other_markup(text: str, start: int, closers: dict[str, int]) -> int:
    """Where a comment, processing instruction, declaration or CDATA at ``start`` ends; -1 if none.

    A ``<`` that starts none of them is text. The end of each kind is searched once and
    remembered until passed, and a kind whose end is missing is never searched again, so
    unclosed markup repeated many times stays linear.
    """
    for opener, closer in _OTHER_MARKUP:
        if not text.startswith(opener, start):
            continue
        if not closer:
            return start + len(opener)
        if opener == "<!" and not text[start + 2 : start + 3].isalpha():
            continue
        found = closers.get(opener, -2)
        if found == -1:
            return -1
        if found < start + len(opener):
            found = text.find(closer, start + len(opener))
            closers[opener] = found
            if found == -1:
                return -1
        return found + len(closer)
    return -1


def _escape_text(text: str) -> str:
    return html.escape(text, quote=False)


#: Longest run of text handed to the sanitizer as one text node. nh3's parser (html5ever)
#: takes time quadratic in the length of a text node of non-ASCII characters or entities, so
#: long runs are cut by empty comments, which the sanitizer drops: the output is unchanged.
_TEXT_RUN = 512
_CUT = "<!---->"
_TAG_IN_MARKUP = re.compile(r"(<[^<>]*>)")


def _breakable_text(text: str) -> str:
    """``text`` (HTML text, entities and all) with an empty comment every :data:`_TEXT_RUN`
    characters, never inside an entity nor right after a ``<``."""
    if len(text) <= _TEXT_RUN:
        return text
    pieces: list[str] = []
    start = 0
    while len(text) - start > _TEXT_RUN:
        cut = start + _TEXT_RUN
        # An entity is at most a few dozen characters: cut before one that is still open,
        # and before a '<', so no tag start or entity is split.
        window = max(start + 1, cut - 40)
        opener = max(text.rfind("&", window, cut), text.rfind("<", window, cut))
        if opener > start and (text[opener] == "<" or ";" not in text[opener:cut]):
            cut = opener
        pieces.append(text[start:cut])
        pieces.append(_CUT)
        start = cut
    pieces.append(text[start:])
    return "".join(pieces)


def _breakable_markup(markup: str) -> str:
    """:func:`_breakable_text` for each run of text in ``markup`` whose tags hold no ``<`` or
    ``>`` (escaped text and Pygments' spans)."""
    if len(markup) <= _TEXT_RUN:
        return markup
    return "".join(
        part if index % 2 else _breakable_text(part)
        for index, part in enumerate(_TAG_IN_MARKUP.split(markup))
    )


def _resolve(url: str, place: RepoPlace | None, *, raw: bool) -> str | None:
    """A body's link or image URL as GitHub would resolve it on the file's page.

    Absolute URLs (with a scheme or a host) and in-page anchors are kept (the sanitizer
    decides which schemes may stay). A relative URL is resolved against the file's folder
    (``/x`` against the repository's root) and becomes a URL of the repository (``blob`` or
    ``raw``); without a :class:`RepoPlace`, or when it climbs out of the repository, it has
    no target: ``None`` (shown as text).
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or url.startswith("//"):
        return url
    if not parts.path:
        return url if url.startswith("#") else None
    if place is None:
        return None
    if parts.path.startswith("/"):
        joined = parts.path.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(place.path), parts.path)
    resolved = posixpath.normpath(joined)
    if resolved in (".", "") and parts.path.endswith("/"):
        resolved = ""
    if resolved == ".." or resolved.startswith("../") or resolved.startswith("/"):
        return None
    if resolved == ".":
        resolved = ""
    if parts.path.endswith("/") and resolved:
        resolved += "/"
    target = (place.raw if raw else place.view) + quote(resolved, safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        target += "?" + parts.query
    if parts.fragment and not raw:
        target += "#" + parts.fragment
    return target


_FORMATTER = HtmlFormatter(nowrap=True)


def _highlighted(source: str, language: str) -> str:
    """A code block in the markup pymdownx.highlight writes (Material styles it)."""
    language = language.lower()
    name = re.sub(r"[^a-z0-9_+#.-]", "", language)[:32]
    classes = f"language-{name} highlight copy" if name else "highlight copy"
    if len(source) > HIGHLIGHT_LIMIT:
        code = _escape_text(source)
    else:
        try:
            lexer = get_lexer_by_name(language) if language else TextLexer()
        except (ClassNotFound, ValueError):
            lexer = TextLexer()
        code = highlight(source, lexer, _FORMATTER)
    return f'<div class="{classes}"><pre><span></span><code>{_breakable_markup(code)}</code></pre></div>'

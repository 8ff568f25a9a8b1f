"""Search entries for the catalog's pages, made by the plugin instead of re-parsed by Material.

Material's search plugin reads every page's ``page.content`` with Python's ``html.parser``
and cuts it into sections at the headings. On a catalog that is most of the build's search
time, and all of it is spent re-reading markup the plugin has just generated: the page's
own template and a sanitized body, both well-formed. So for the pages it writes, the plugin
makes the entries itself, by the same rules, and hands them to Material's index; Material is
told to skip those pages (``search: {exclude: true}`` in their metadata) and indexes every
other page as before.

The rules are Material's (``material/plugins/search/plugin.py``, 9.x), kept with their
quirks, because the index must come out the same byte for byte: a section starts at every
heading with an ``id``; text inside ``data-search-exclude`` elements, scripts and styles is
skipped (an element is skipped by tag, so closing any element of that tag ends the skip);
``p``, ``code``, ``pre``, lists, ``sub`` and ``sup`` are kept as bare tags and left out
again when nothing but white space follows the first such tag of the section; white space
is folded outside ``pre``; the heading's permalink is not part of its title; and a heading
nested in another element ends its section when that element closes. ``tests/test_search_entries.py``
compares the result with Material's own parser on real pages.

Only markup this module fully understands takes this path: a comment, a tag or text. Anything
else (a ``<script>``, a declaration, a stray ``<``) raises :class:`Unsupported` and the
page goes through Material's parser as any other page does.

Whichever parser reads a page, it reads each body's stand-in (:func:`search_stand_in`):
markup that gives exactly the body's entries with far fewer tags.
``tests/test_search_stand_in.py`` fuzzes both against Material's parser. Material's parser
fails (``ValueError``) on some nestings of a body's raw HTML; :func:`material_reads` tells,
and :func:`without_kept_tags` makes markup it cannot fail on.
"""

from __future__ import annotations

import html
import re
import sys
from typing import Any

#: Tags Material keeps in an entry's text, as bare ``<tag>`` and ``</tag>``.
KEPT_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
#: Tags Material never pushes on its stack of open elements.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)  # fmt: skip
#: Tags whose skip never ends once one is seen (Material's initial skip list).
ALWAYS_SKIPPED = frozenset({"object", "script", "style"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements whose content ``html.parser`` reads as raw text (differently across Python
#: versions): their pages are left to Material.
RAW_TEXT_TAGS = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
)

# Attributes in the grammar CommonMark allows for raw HTML: what the plugin's templates and
# the sanitizer write.
_NAME = r"[A-Za-z_:][A-Za-z0-9_.:-]*+"
_VALUE = r""""[^"]*+"|'[^']*+'|[^\s"'=<>`]++"""
_ATTRIBUTE_PART = re.compile(rf"\s++({_NAME})(?:\s*+=\s*+({_VALUE}))?+")
_COMMENT = r"<!--((?:[^-]++|-(?!->))*+)-->"
_START_OR_END = rf"<(/?)([a-zA-Z][a-zA-Z0-9-]*+)((?:\s++{_NAME}(?:\s*+=\s*+(?:{_VALUE}))?+)*+)\s*+(/?)>"
# A comment, a start or end tag, a run of text, or a "<" that starts none of them.
_TOKEN = re.compile(rf"{_COMMENT}|{_START_OR_END}|([^<]++)|(<)")
#: The same without the runs of text (what the stand-in looks at), all after one "<" (which
#: lets the regex engine look for that character alone between tags); a stray "<" matches
#: the empty last group.
_TAG = re.compile(rf"<(?:{_COMMENT[1:]}|{_START_OR_END[1:]}|())")


class Unsupported(ValueError):
    """Markup this module does not read the way ``html.parser`` does; Material must read it."""


class _Items(list[str]):
    """A section's title or text as Material builds it, with what its rules look up kept at
    hand, so that no rule scans the list: where each kept tag first opens (``first``) and
    where the items that are not white space are (``solid``, in order)."""

    __slots__ = ("first", "solid")

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[str, int] = {}
        self.solid: list[int] = []

    def add(self, item: str) -> None:
        """Append an item that is not white space."""
        self.solid.append(len(self))
        self.append(item)

    def open_tag(self, tag: str) -> None:
        self.first.setdefault(tag, len(self))
        self.add(f"<{tag}>")

    def close_tag(self, tag: str) -> None:
        """Material's rule: the element is left out, from the first ``<tag>`` of the list on,
        when nothing but white space follows that first ``<tag>``; else ``</tag>`` is added."""
        index = self.first.get(tag)
        if index is None:
            raise Unsupported(f"</{tag}> without <{tag}> in its section")
        solid = self.solid
        if solid[-1] > index:
            self.add(f"</{tag}>")
            return
        # Only white space follows the first <tag>: no other tag opened after it.
        del self[index:]
        del self.first[tag]
        while solid and solid[-1] >= index:
            solid.pop()


class _Section:
    __slots__ = ("depth", "excluded", "id", "order", "tag", "text", "title")

    def __init__(self, tag: str, depth: int = 0, excluded: bool = False) -> None:
        self.tag = tag
        self.depth: float = depth
        self.excluded = excluded
        self.id: str | None = None
        self.order = 0  # its place among the page's sections
        self.title = _Items()
        self.text = _Items()


def _attributes(source: str) -> dict[str, str | None]:
    """A start tag's attributes as ``html.parser`` gives them: names lowercased, values
    unescaped, ``None`` for an attribute without a value, the last of a name winning."""
    found: dict[str, str | None] = {}
    position = 0
    while (match := _ATTRIBUTE_PART.match(source, position)) is not None:
        position = match.end()
        name, value = match.groups()
        if value is not None and value[:1] in ("'", '"'):
            value = value[1:-1]
        found[name.lower()] = None if value is None else html.unescape(value)
    return found


def sections(content: str) -> list[_Section]:
    """``content`` cut into Material's search sections; :class:`Unsupported` if it cannot be.

    One loop with its state in local variables: this runs over every token of every catalog
    page. Material's tests on its stack of open elements (is a skipped tag open, is ``pre``,
    is the section's heading) become counters kept up to date as elements open and close.
    """
    data: list[_Section] = []
    section: _Section | None = None
    stack: list[tuple[str, bool]] = []  # open elements: (tag, is a permalink)
    open_tags: dict[str, int] = {}
    skip = set(ALWAYS_SKIPPED)
    skipped_open = 0  # open elements whose tag is skipped
    pre_open = 0
    title_open = 0  # open elements with the tag of the section's heading
    permalinks = 0
    unescape, escape = html.unescape, html.escape
    # The sections a nested heading's end may return to (depth not yet infinite), by depth:
    # Material looks for the last of them no deeper than the open elements, so only the last
    # of each depth is looked at, and a page has as many depths as its deepest nesting.
    returnable: dict[float, list[_Section]] = {}

    def enter(new: _Section) -> _Section:
        nonlocal title_open
        new.order = len(data)
        data.append(new)
        returnable.setdefault(new.depth, []).append(new)
        title_open = open_tags.get(new.tag, 0)
        return new

    def leave(current: _Section, depth: int) -> _Section:
        """The section a nested heading's section returns to when its container closes
        (``depth`` elements still open), or ``current`` when there is none."""
        found: _Section | None = None
        for level, candidates in returnable.items():
            if level <= depth and candidates and (found is None or candidates[-1].order > found.order):
                found = candidates[-1]
        if found is None:
            return current
        # The current section is the last of its depth: a later one would be current.
        same_depth = returnable[current.depth]
        if same_depth[-1] is current:
            same_depth.pop()
        else:
            same_depth.remove(current)
        current.depth = float("inf")
        return found

    # A "<" that starts no token ends the reading at once: every token before it was read
    # once, and so is every character (runs are possessive, and none can cross a "<" but a
    # comment's, which stops at its end or at the end of the page).
    for match in _TOKEN.finditer(content):
        comment, closing, tag, attributes, self_closing, text, stray = match.groups()
        if text:
            if skipped_open:
                continue
            # Material indexes the text unescaped and escaped again: text with no "&" and no
            # ">" (a "<" cannot be in it) comes out as it went in.
            plain = "&" not in text and ">" not in text
            if not plain:
                text = unescape(text)
            if not pre_open:
                text = " " if text.isspace() else text.replace("\n", " ")
            if section is None:
                section = enter(_Section("hx"))
            if title_open:
                if not permalinks:
                    if text.isspace():
                        section.title.append(text)
                    else:
                        section.title.add(text if plain else escape(text, quote=False))
            elif text.isspace():
                items = section.text
                if not items or not items[-1].isspace() or pre_open:
                    items.append(text)
            else:
                items = section.text
                items.solid.append(len(items))  # _Items.add, without the call: most tokens are text
                items.append(text if plain else escape(text, quote=False))
        elif tag:
            tag = tag.lower()
            if tag in RAW_TEXT_TAGS:
                raise Unsupported(f"<{tag}> holds raw text")
            ends: tuple[str, ...]
            if closing:
                ends = (tag,)
            else:
                if tag in VOID_TAGS:
                    continue
                found = _attributes(attributes) if attributes else {}
                permalink = tag == "a" and found.get("class") == "headerlink"
                stack.append((tag, permalink))
                open_tags[tag] = open_tags.get(tag, 0) + 1
                permalinks += permalink
                skipped_open += tag in skip
                pre_open += tag == "pre"
                if section is not None and tag == section.tag:
                    title_open += 1
                excluded = "data-search-exclude" in found
                if tag in HEADINGS and "id" in found:
                    depth = len(stack)
                    if tag != "h1" and not data:
                        enter(_Section("hx", depth))
                    heading = _Section(tag, depth, excluded)
                    if data:
                        heading.id = found["id"]
                    section = enter(heading)
                if section is None:
                    section = enter(_Section("hx"))
                if excluded or found.get("class") == "linenodiv":
                    if tag not in skip:
                        skip.add(tag)
                        skipped_open += open_tags[tag]
                    ends = (tag,) if self_closing else ()
                else:
                    if tag in KEPT_TAGS and not skipped_open:
                        (section.title if title_open else section.text).open_tag(tag)
                    ends = (tag,) if self_closing else ()
            for tag in ends:
                if not stack or stack[-1][0] != tag:
                    continue
                assert section is not None
                if section.depth > len(stack):
                    section = leave(section, len(stack))
                    title_open = open_tags.get(section.tag, 0)
                _, permalink = stack.pop()
                open_tags[tag] -= 1
                permalinks -= permalink
                pre_open -= tag == "pre"
                if tag == section.tag:
                    title_open -= 1
                if tag in skip:
                    skipped_open -= 1
                    if tag not in ALWAYS_SKIPPED:
                        skip.discard(tag)
                        skipped_open -= open_tags[tag]
                    continue
                if tag in KEPT_TAGS and not skipped_open:
                    (section.title if title_open else section.text).close_tag(tag)
        elif stray:
            raise Unsupported("a '<' that starts neither a tag nor a comment")
        elif comment is not None and ("--" in comment or comment.startswith((">", "->"))):
            # Python versions end a comment at "--" followed by other things differently.
            raise Unsupported("a comment that html.parser versions read differently")
    return data


#: Phrasing elements whose tags Material's search parser only skips: it keeps their text and
#: never their tags. The stand-in leaves out such an element's tags when the element holds
#: nothing but text and other such elements (see :func:`search_stand_in`).
SKIPPED_PHRASING = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
     "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "time", "tt", "u", "var"}
)  # fmt: skip
#: What stands for left-out tags where the text around them must stay two runs of text.
_CUT = "<!---->"
#: A character reference left open at the end of a run of text: joined to the next run, it
#: could become another one.
_OPEN_REFERENCE = re.compile(r"&#?[A-Za-z0-9]*+\Z")


def search_stand_in(markup: str) -> str:
    """The markup search reads in place of a sanitized body: what Material's search parser
    makes of it is exactly what it makes of ``markup``, at a fraction of the tags.

    Search plugins parse every page's HTML with Python's ``html.parser``, whose cost is
    mostly per tag, and a highlighted, richly formatted body is mostly tags. Left out:

    * void elements (``br``, ``img``, ``input``...), which Material ignores whole;
    * the tags of a phrasing element (:data:`SKIPPED_PHRASING`) that holds only text and other
      such elements. One that holds anything else stays: a heading inside ``<strong>`` (raw
      HTML in a body) is one element deeper, and Material ends a nested heading's section
      when the element around it closes;
    * a heading's permalink (``a.headerlink`` right inside a heading with an ``id``), whose
      text Material leaves out of the heading's title. Anywhere else it stays, text and all.

    Material reads each run of text between two tags on its own: white space alone becomes one
    space, or nothing after white space, except in ``pre``. So where a left-out tag stood between
    two runs of text and either run is white space alone (outside ``pre``), or the first ends
    in a character reference left open, an empty comment keeps them apart; and so it does at
    either end of the markup after or before a left-out tag, where the page's own text (not
    known here) would otherwise run into the markup's. The other tags stay, with only the attributes Material reads (a heading's
    whole tag, a kept permalink's class).

    Anything this does not prove equal comes back as it is: markup that is not well nested,
    text ``html.parser`` reads as raw text, comments it reads differently across versions, a
    stray ``<``, an element excluded from search (``data-search-exclude``, ``linenodiv``).
    """
    tags: list[re.Match[str]] = []
    left_out = _left_out(markup, tags)
    if left_out is None:
        return markup
    out: list[str] = []
    position = 0
    # The run of text written since the last tag written: its last piece ("" when a tag was
    # written last; None before anything is written, where the page's own text may come
    # before the markup), whether every piece is white space (each piece is looked at once,
    # when a cut needs it), the pieces not looked at yet.
    last: str | None = None
    run_is_space = True
    unchecked: list[str] = []
    cut = False  # a tag left out since the last piece written
    pre_open = 0
    for index in range(len(tags) + 1):
        match = tags[index] if index < len(tags) else None
        start = match.start() if match is not None else len(markup)
        if start > position and not (index and left_out[index - 1] == 2):
            text = markup[position:start]
            if cut and last is None:
                out.append(_CUT)  # the text before the markup is not known here
            elif cut and last:
                if run_is_space and unchecked and not pre_open:
                    run_is_space = all(_is_space(piece) for piece in unchecked)
                    unchecked = []
                if (not pre_open and (run_is_space or _is_space(text))) or _OPEN_REFERENCE.search(
                    last, max(len(last) - 40, 0)
                ):
                    out.append(_CUT)
                    run_is_space, unchecked = True, []
            out.append(text)
            last = text
            if run_is_space:
                unchecked.append(text)
            cut = False
        if match is None:
            if cut and last != "":
                out.append(_CUT)  # nor is the text after it
            break
        position = match.end()
        if left_out[index]:
            cut = True
            continue
        cut, last, run_is_space, unchecked = False, "", True, []
        closing, tag = match.group(2, 3)
        if tag is None:  # a comment
            out.append(match.group())
            continue
        tag = tag.lower()
        if tag == "pre":
            pre_open += -1 if closing else 1
        # A heading's attributes hold its id; an "a" that stays may be a permalink (its
        # class says so); no other attribute is read.
        out.append(match.group() if not closing and (tag in HEADINGS or tag == "a") else f"<{closing}{tag}>")
    return "".join(out)


def without_kept_tags(markup: str) -> str:
    """``markup`` without the elements Material keeps in its entries (:data:`KEPT_TAGS`), their
    text kept apart: markup on which Material's search parser cannot fail (it fails only when
    it ends a kept element in a section where that element never opened)."""
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(markup):
        tag = match.group(3)
        if tag is not None and tag.lower() in KEPT_TAGS:
            out.append(markup[position : match.start()])
            out.append(_CUT)
            position = match.end()
    out.append(markup[position:])
    return "".join(out)


def material_reads(content: str) -> bool:
    """Whether Material's search parser reads ``content`` without failing (``True`` without
    Material)."""
    try:
        from material.plugins.search.plugin import Parser  # type: ignore[import-untyped]
    except ImportError:
        return True
    parser = Parser()
    try:
        parser.feed(content)
        parser.close()
    except Exception:  # whatever it raises, the page must not reach it as it is
        return False
    return True


def _is_space(text: str) -> bool:
    """Whether ``html.parser`` hands this text to Material as white space alone."""
    return (html.unescape(text) if "&" in text else text).isspace()


def _left_out(markup: str, tags: list[re.Match[str]]) -> bytearray | None:
    """The tags and comments of ``markup`` (into ``tags``) and which of them
    :func:`search_stand_in` leaves out (1; 2: the text after it too); ``None`` when it cannot
    prove the stand-in equal to the markup."""
    left_out = bytearray()
    # Open elements: [tag, index of its start tag, its tags may be left out, is a heading
    # with an id, is a permalink that goes]. Below an element whose tags stay, no element's
    # tags go: marking them stops at the first that is already kept, so each is marked once.
    stack: list[list[Any]] = []
    # The reading stops at the first "<" that starts no tag: a search that went on from there
    # could scan an unclosed comment again from each "<" in it.
    for index, match in enumerate(_TAG.finditer(markup)):
        comment, closing, tag, attributes, self_closing, stray = match.groups()
        if stray is not None:
            return None
        tags.append(match)
        left_out.append(0)
        if comment is not None:
            if "--" in comment or comment.startswith((">", "->")):
                return None
            continue
        tag = tag.lower()
        if tag in RAW_TEXT_TAGS:
            return None
        if closing:
            if not stack or stack[-1][0] != tag:
                return None
            _, start, removable, _, permalink = stack.pop()
            if removable:
                left_out[start] = left_out[index] = 1
            elif permalink:  # its text goes too: 2 leaves out a tag and the text after it
                left_out[start:index] = b"\x02" * (index - start)
                left_out[index] = 1
            continue
        if tag in VOID_TAGS:
            left_out[index] = 1
            continue
        if self_closing:
            return None
        # Attributes are read only where one that Material reads may be: most tags of a
        # highlighted body are spans with a class, and none of those.
        found = (
            _attributes(attributes)
            if attributes
            and (
                tag == "a"
                or tag in HEADINGS
                or "&" in attributes
                or "linenodiv" in attributes
                or "data-search-exclude" in attributes.lower()
            )
            else {}
        )
        if "data-search-exclude" in found or found.get("class") == "linenodiv":
            return None
        if stack and stack[-1][4]:
            return None  # a tag inside a permalink: its text is not text alone
        is_permalink = tag == "a" and found.get("class") == "headerlink"
        removable = tag in SKIPPED_PHRASING and not is_permalink
        # A permalink goes (with its text) only where Material drops that text: in the title
        # of the heading around it, which starts a section because it has an id.
        permalink = is_permalink and bool(stack) and stack[-1][3]
        if not removable:
            for entry in reversed(stack):
                if not entry[2]:
                    break
                entry[2] = False
        stack.append([tag, index, removable, tag in HEADINGS and "id" in found, permalink])
    return None if stack else left_out


def page_entries(
    content: str, *, url: str, toc_ids: set[str], meta: dict[str, Any], title: str
) -> list[dict[str, Any]]:
    """The search entries Material makes of a page (``SearchIndex.add_entry_from_context``).

    ``toc_ids`` are the ids in the page's table of contents, ``meta`` its metadata as
    Material would see it and ``title`` the page's title.
    """
    entries = []
    tags = meta.get("tags")
    search = meta.get("search") or {}
    for section in sections(content):
        if section.excluded:
            continue
        location = f"{url}#{section.id}" if section.id in toc_ids or section.id else url
        section_title = section.title or [str(meta.get("title", title))]
        entry: dict[str, Any] = {
            "location": location,
            "title": "".join(section_title).strip(),
            "text": "".join(section.text).strip(),
        }
        if isinstance(tags, list):
            entry["tags"] = [str(name) for name in tags if name and isinstance(name, (str, int, float, bool))]
        if "boost" in search:
            entry["boost"] = search["boost"]
        entries.append(entry)
    return entries


def _toc_ids(toc: Any) -> set[str]:
    """Every anchor id in a table of contents, at any depth."""
    ids: set[str] = set()
    pending = list(toc)
    while pending:
        item = pending.pop()
        ids.add(item.id)
        pending.extend(item.children)
    return ids


class MaterialSearchIndex:
    """Material's search index, given the entries of the catalog's pages directly.

    Found with :meth:`find` once Material's search plugin has set up its index for the build
    (``on_config``); ``None`` when the site has no such index, or when Material would change
    the text first (Chinese segmentation with jieba): then search reads the pages itself.
    """

    def __init__(self, index: Any) -> None:
        self.index = index

    @classmethod
    def find(cls, plugins: Any) -> MaterialSearchIndex | None:
        """The index of Material's search plugin among ``plugins`` (``config.plugins``)."""
        for plugin in plugins.values():
            module = type(plugin).__module__
            if module != "material.plugins.search.plugin":
                continue
            if not plugin.config.get("enabled", True) or getattr(sys.modules[module], "jieba", None):
                return None
            index = getattr(plugin, "search_index", None)
            return cls(index) if isinstance(getattr(index, "entries", None), list) else None
        return None

    def add_page(self, page: Any) -> list[dict[str, Any]] | None:
        """Add ``page``'s entries and tell Material not to read the page again; returns the
        entries, or ``None`` (nothing done) when its markup is not one this module reads."""
        search = page.meta.get("search") or {}
        if not isinstance(search, dict) or search.get("exclude"):
            return None
        try:
            entries = page_entries(
                page.content, url=page.url, toc_ids=_toc_ids(page.toc), meta=page.meta, title=page.title
            )
        except Unsupported:
            return None
        self.add_entries(page, entries)
        return entries

    def add_entries(self, page: Any, entries: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> None:
        """Add entries made earlier for ``page`` (:meth:`add_page`) and tell Material to skip it."""
        self.index.entries.extend(entries)
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}

"""Make text that comes from a chat mode safe to put in front of a reader.

Chat modes are written by strangers; everything in them is hostile until proven otherwise.
This module is the one place that decides what of a chat mode may reach a page:

* :func:`sanitize_html` cleans the HTML the body renderer (:mod:`chatmode_registry.render.body`:
  cmark-gfm and its finishing pass) made from a chat mode body. It works from an explicit
  allowlist (nh3, the Rust ``ammonia`` sanitizer): the tags and attributes GitHub keeps and
  the classes the body renderer writes are kept, everything else (scripts, event handlers,
  dangerous URLs, frames, plug-ins, SVG, MathML, forms, inline styles, any other class or
  id) is dropped.
* :func:`json_for_html` serialises data for an inline ``<script type="application/json">``
  block so that no string inside it can close the element.

The sanitizer is built once, at import time: nh3 compiles its configuration into a
reusable ``Cleaner``, and building the catalog calls it once per chat mode.
"""

from __future__ import annotations

import json
import re
from typing import Any

import nh3
from pygments.token import STANDARD_TYPES

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "BODY_CLASSES",
    "RESERVED_ID_PREFIXES",
    "json_for_html",
    "sanitize_html",
]

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

#: Tags a rendered body may keep: what cmark-gfm emits, the raw HTML GitHub keeps in
#: Markdown, and what the body renderer writes (Material styles them all). Anything else is unwrapped (its text stays,
#: the tag goes) unless it is in ``_DROPPED_WITH_CONTENT``.
ALLOWED_TAGS: frozenset[str] = frozenset(
    _HEADINGS
    | {
        # text and structure
        "p",
        "br",
        "hr",
        "blockquote",
        "div",
        "span",
        "pre",
        "code",
        "samp",
        "var",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "small",
        "cite",
        "q",
        "dfn",
        "time",
        "abbr",
        "kbd",
        "sup",
        "sub",
        "del",
        "ins",
        "mark",
        # lists
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        # tables (tables extension, pygments' line-number tables)
        "table",
        "caption",
        "colgroup",
        "col",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        # collapsible admonitions (pymdownx.details), figures, links and images
        "details",
        "summary",
        "figure",
        "figcaption",
        "a",
        "img",
        # task lists (pymdownx.tasklist): forced to disabled check boxes, see below
        "input",
    }
)

#: Tags removed together with everything inside them. Unwrapping these would turn their
#: code into visible text at best; dropping the content is what a reader expects.
_DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "textarea",
        "select",
        "option",
        "title",
        "head",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
    }
)

#: Attributes kept per tag (``*``: on every allowed tag). ``id`` and ``class`` are allowed
#: here and then narrowed by :func:`_filter_attribute`. No event handler, no ``style``, no
#: ``name``, no ``target``, no ``data-*``.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class", "title", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "li": frozenset({"value"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open"}),
    "input": frozenset({"checked"}),
    "time": frozenset({"datetime"}),
    **{heading: frozenset({"id"}) for heading in _HEADINGS},
}

#: URL schemes allowed in ``href`` and ``src``. Relative URLs (``page/``, ``#anchor``) are
#: kept; ``javascript:``, ``vbscript:``, ``data:``, ``file:`` and every other scheme are
#: dropped. nh3 decodes entities and strips whitespace and control characters before it
#: compares, so ``JaVa&#x09;ScRiPt:`` is caught too.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: ``id`` prefixes a body may not use. ``__`` is Material's own namespace (``__drawer``,
#: ``__search``, ``__code_0`` that the copy button reads from, ...); ``md-`` its component
#: names; ``chatmode-``, ``chatmodes-`` and ``cmr-`` are kept for the registry's own page
#: furniture. A body element carrying one of these could take over a control of the page
#: that is not its own (DOM clobbering), for example make a copy button copy the attacker's
#: text.
RESERVED_ID_PREFIXES: tuple[str, ...] = ("__", "md-", "md_", "chatmode-", "chatmodes-", "cmr-")

#: An id a heading may carry (the body renderer gives headings GitHub's slugs): starts with a
#: letter or digit, then word characters, ``-`` or ``.``. Unicode letters are allowed
#: because GitHub keeps them in slugs.
_SAFE_ID = re.compile(r"[^\W_][\w.-]{0,127}")

#: The classes a rendered body may carry: those the body renderer
#: (:mod:`chatmode_registry.render.body`) writes itself, and no other. Classes can trigger
#: behaviour (Material draws ``.mermaid`` with a script from a CDN, mounts annotations,
#: tabs and tooltips on its own classes; the registry's scripts act on ``cmr-*`` and
#: ``chatmodes-*``), so this is an allowlist: a class a theme gives meaning to tomorrow
#: cannot be smuggled in by a body today.
BODY_CLASSES: frozenset[str] = frozenset(
    {
        # fenced code, as pymdownx.highlight writes it; "copy" asks Material for its copy button
        "highlight",
        "copy",
        # heading permalinks, as Python-Markdown's toc writes them
        "headerlink",
        # GitHub alerts as Material admonitions
        "admonition",
        "admonition-title",
        "note",
        "tip",
        "info",
        "warning",
        "danger",
        # task lists, as GitHub and pymdownx.tasklist mark them
        "task-list-item",
    }
    # Pygments' token classes (``k``, ``s2``...), which Material's stylesheet colours
    | {name for name in STANDARD_TYPES.values() if name}
)

#: The language class of a highlighted block's ``div`` (``language-python``).
LANGUAGE_CLASS = re.compile(r"language-[a-z0-9_+#.-]{1,32}")

_ALIGNMENTS = frozenset({"left", "right", "center"})

_LINK_REL = "noopener noreferrer nofollow"


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Narrow the attributes the allowlist let through; ``None`` drops one.

    nh3 calls this for every attribute it is about to keep. It must never raise: nh3
    would drop the attribute and report the error, which is safe but noisy.
    """
    if attribute == "id":
        if not _SAFE_ID.fullmatch(value) or value.lower().startswith(RESERVED_ID_PREFIXES):
            return None
        return value
    if attribute == "class":
        kept = [
            name
            for name in value.split()
            if name in BODY_CLASSES or (tag == "div" and LANGUAGE_CLASS.fullmatch(name))
        ]
        return " ".join(dict.fromkeys(kept)) or None
    if attribute == "align":
        return value.lower() if value.lower() in _ALIGNMENTS else None
    if tag == "img" and attribute == "src":
        # ``mailto:`` is allowed for links; an image has no business with it.
        return value if not value.lstrip().lower().startswith("mailto:") else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=_LINK_REL,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    # Every surviving <input> becomes a disabled check box: task lists keep their ticks,
    # and no text field, password box or button can be smuggled into a page.
    set_tag_attribute_values={"input": {"type": "checkbox", "disabled": "disabled"}},
)


def sanitize_html(html: str) -> str:
    """Return ``html`` with every piece of active content removed.

    ``html`` is the HTML rendered from an untrusted chat mode body. The result keeps what
    Material needs to display it (highlighted code with Pygments classes, tables with cell
    alignment, admonitions, ``details``, heading ids and ``a.headerlink`` anchors, keys,
    task-list check boxes, http(s) and relative images) and drops the rest:
    ``script``/``style``/``iframe``/``object``/``embed``/``svg``/``math`` with their
    content, forms, every ``on*`` handler, ``style``, ``data-*``, ``name`` and ``target``,
    every class not in :data:`BODY_CLASSES`, and every URL whose scheme is not http, https
    or mailto (relative URLs are kept). Links get ``rel="noopener noreferrer nofollow"``.
    Ids are kept on headings only, must look like slugs and may not use
    :data:`RESERVED_ID_PREFIXES`.

    The output is well-formed (unclosed tags are closed), so it cannot swallow the markup
    that follows it on the page.
    """
    return _CLEANER.clean(html)


_JSON_IN_HTML = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def json_for_html(data: Any, **dumps_options: Any) -> str:
    """Serialise ``data`` as JSON that is safe inside ``<script type="application/json">``.

    ``json.dumps`` alone leaves ``</script>`` and ``<!--`` intact, which would end the
    element early or change how the HTML parser reads it. Here ``<``, ``>`` and ``&`` become
    ``\\u`` escapes (a JSON parser reads the same string back), and so do U+2028/U+2029,
    which older JavaScript engines do not accept in string literals. Read the data back
    with ``JSON.parse(element.textContent)``. ``dumps_options`` go to ``json.dumps``.
    """
    dumps_options.setdefault("ensure_ascii", False)
    return json.dumps(data, **dumps_options).translate(_JSON_IN_HTML)

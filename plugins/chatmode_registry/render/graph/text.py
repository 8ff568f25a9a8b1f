"""Text for the drawings: cleaning, escaping, measuring, and the one check on links.

Everything a drawing shows or links to comes from chat mode files and is untrusted. This
module is the one place where the graph package makes such text safe:

- :func:`display` cleans text for showing (hidden and control characters shown as the body's
  visible marker, characters XML cannot carry and runs of whitespace removed);
- :func:`esc` escapes XML character data and :func:`attr` a double-quoted attribute value;
  the SVG writer (:mod:`.svg`) passes every string that reaches the markup through one of
  them, and writes no other text than numbers and its own constants;
- :func:`safe_href` keeps only ``http``/``https`` and relative links.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from chatmode_registry.core import hidden

# Text metrics, in CSS pixels at the drawing's natural size.
FONT_SIZE = 13
LABEL_MAX_WIDTH = 168
ELLIPSIS = "\u2026"

_SURROGATES = re.compile("[\ud800-\udfff]")
# Characters XML 1.0 cannot carry even as references, plus C1 controls (legal but invisible
# junk in a label).
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WHITESPACE = re.compile(r"\s+")
CLASS_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


def xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry removed (lone surrogates become U+FFFD)."""
    return _NOT_XML.sub("", _SURROGATES.sub("\ufffd", text))


def display(text: str, *, single_line: bool = True) -> str:
    """Untrusted text made fit for display: each hidden or control character (a bidi override
    too, which could make a label read backwards) shown as its marker (``⟦U+001B⟧``, as in a
    body: :func:`~chatmode_registry.core.hidden.reveal`), XML-safe, whitespace collapsed."""
    return _display_text(str(text), single_line)


# Cached: the same names and descriptions are cleaned again for every drawing they are in.
@lru_cache(maxsize=8192)
def _display_text(text: str, single_line: bool) -> str:
    cleaned = xml_chars(hidden.reveal(text))
    if single_line:
        return _WHITESPACE.sub(" ", cleaned).strip()
    lines = (_WHITESPACE.sub(" ", line).strip() for line in cleaned.splitlines())
    return "\n".join(line for line in lines if line)


def esc(text: str) -> str:
    """Escape for XML character data (also safe for HTML's foreign-content parsing)."""
    return xml_chars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    """Escape for a double-quoted attribute value; line breaks and tabs kept as references."""
    return (
        esc(text)
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_EDGE_JUNK = "".join(chr(code) for code in range(0x21))  # C0 controls and space
_URL_INNER_WHITESPACE = re.compile("[\t\n\r]")
_URL_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Links are written as ``xlink:href``: Material's instant navigation rewrites every ``[href]``
# of a page by assigning ``element.href``, which is read-only on SVG links, so a plain
# ``href`` in an inline SVG makes it throw and keep the previous page on screen.
XLINK = "http://www.w3.org/1999/xlink"


def safe_href(href: str | None) -> str | None:
    """``href`` if it is an ``http``/``https`` URL or a relative reference, else ``None``.

    Browsers strip leading and trailing controls and spaces and delete tabs and line breaks
    anywhere before they look for the scheme (``java\\tscript:`` is ``javascript:``), so the
    same is done here before deciding; whatever else still holds a control character is
    refused outright. The cleaned form is returned.
    """
    if href is None:
        return None
    cleaned = _URL_INNER_WHITESPACE.sub("", str(href).strip(_URL_EDGE_JUNK))
    if not cleaned or _URL_FORBIDDEN.search(cleaned):
        return None
    scheme = _SCHEME.match(cleaned)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    return cleaned


# Cached: a catalog's labels use few distinct characters, and every neighbourhood drawing
# measures the same names again (about half of the drawing time before caching).
@lru_cache(maxsize=8192)
def _char_em(char: str) -> float:
    """Rough advance width of one character in em, for a sans-serif text face."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.15 if unicodedata.category(char) == "So" else 1.0
    if char in "ijlI!|.,:;'`":
        return 0.28
    if char in 'frt()[]{} -"/\\':
        return 0.36
    if char in "mwMW@":
        return 0.88
    if char.isupper() or char in "%&#":
        return 0.7
    if char.isdigit():
        return 0.56
    if char.isascii():
        return 0.54
    return 0.64


def text_width(text: str) -> float:
    """Estimated rendered width of ``text`` in pixels at :data:`FONT_SIZE`."""
    return sum(_char_em(char) for char in text) * FONT_SIZE


# Cached: a chat mode's name is fitted once per drawing it appears in (box width and label).
@lru_cache(maxsize=8192)
def fit_label(text: str, max_width: float = LABEL_MAX_WIDTH) -> str:
    """``text`` cut to ``max_width`` pixels, with an ellipsis when something was cut."""
    if text_width(text) <= max_width:
        return text
    budget = max_width - text_width(ELLIPSIS)
    used = 0.0
    cut = 0
    for index, char in enumerate(text):
        used += _char_em(char) * FONT_SIZE
        if used > budget:
            break
        cut = index + 1
    kept = text[:cut]
    # Do not leave a combining mark or joiner hanging before the ellipsis.
    while kept and (kept[-1].isspace() or _char_em(kept[-1]) == 0.0):
        kept = kept[:-1]
    return kept + ELLIPSIS


def num(value: float) -> str:
    """A coordinate, rounded to a tenth of a pixel, without a useless ``.0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text

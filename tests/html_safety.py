"""Find active content in HTML or SVG with a real parser (the standard library's).

Tests use :func:`find_active_content` to prove that nothing a chat mode wrote can run in a
reader's browser. It reports, for one document:

* every ``<script>`` that is not a data block (``type="application/json"``) and that the
  caller does not trust (by ``src`` or by exact inline text);
* every ``on*`` event-handler attribute, on any element (HTML or SVG);
* every URL-bearing attribute (``href``, ``src``, ``action``, ``formaction``,
  ``xlink:href``, ``poster``, ``data``, ``background``, ``cite``, ...) whose scheme is
  ``javascript:``, ``vbscript:`` or ``data:`` (an image ``data:`` URL in ``img``/``link`` is
  allowed, it cannot run), after decoding entities and removing what browsers ignore
  (whitespace and control characters) and lower-casing;
* SVG animation (``animate``/``set``) that writes such a URL into an attribute;
* ``iframe``, ``frame``, ``object``, ``embed``, ``applet`` and ``base`` elements, any
  ``srcdoc`` attribute, ``meta http-equiv=refresh`` to a dangerous URL, and CSS
  ``expression(``/``javascript:`` in ``style``;
* markup that the standard library parser reads differently from a browser (``<!-->``,
  ``--!>``, ``<![CDATA[``, ``<noscript>`` and the other raw-text elements): the checker
  cannot vouch for what follows them, so it reports them instead of trusting its parse.

This is deliberately independent of the sanitizer under test: it reads what a browser
would read, not what the sanitizer meant to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "data",
        "background",
        "cite",
        "longdesc",
        "usemap",
        "codebase",
        "manifest",
        "icon",
        "lowsrc",
        "dynsrc",
        "ping",
        "srcset",
    }
)
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})

# Python 3.11's html.parser ends comments only at "-->" and does not know that browsers
# read <noscript>, <xmp>, <noembed>, <noframes> and <plaintext> content as raw text, so
# mutation payloads built on them would look inert to it. Their mere presence is reported.
_PARSER_CONFUSION = re.compile(
    r"<!--->?|<!-->|--!>|<!\[cdata\[|<(?:noscript|xmp|noembed|noframes|plaintext)\b",
    re.IGNORECASE,
)

# The WHATWG URL parser strips leading and trailing C0 controls and spaces, and removes
# tabs and newlines anywhere ("java\tscript:" is javascript:); a space inside the scheme
# makes it a relative URL instead.
_EDGE_JUNK = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def normalise_url(value: str) -> str:
    """The URL as a browser compares its scheme: edges trimmed, tabs/newlines gone, lower case."""
    return _TAB_OR_NEWLINE.sub("", value.strip(_EDGE_JUNK)).lower()


def is_dangerous_url(value: str, *, tag: str = "", attribute: str = "") -> bool:
    """True when ``value`` would run code (or load an arbitrary document) if followed."""
    url = normalise_url(value)
    if attribute == "srcset":
        return any(is_dangerous_url(part.strip().split(" ")[0]) for part in value.split(","))
    if url.startswith("data:image/") and tag in {"img", "link", "source"} and "svg" not in url:
        return False
    return url.startswith(DANGEROUS_SCHEMES)


@dataclass
class Finding:
    """One piece of active content: where (line, element) and what."""

    line: int
    tag: str
    what: str

    def __str__(self) -> str:
        return f"line {self.line}: <{self.tag}> {self.what}"


class _ActiveContentParser(HTMLParser):
    """Collects findings while the standard library parser walks the document."""

    def __init__(
        self, script_src_trusted: Callable[[str], bool], trusted_inline_scripts: frozenset[str]
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.script_src_trusted = script_src_trusted
        self.trusted_inline_scripts = trusted_inline_scripts
        self.findings: list[Finding] = []
        self.inline_scripts: list[str] = []
        # (line, counts as inline code) while inside a <script>, else None.
        self._in_script: tuple[int, bool] | None = None
        self._script_text: list[str] = []
        self._in_style = False

    def _report(self, tag: str, what: str) -> None:
        self.findings.append(Finding(self.getpos()[0], tag, what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self._report(tag, f"event handler {name}={value!r}")
            elif name in URL_ATTRIBUTES and is_dangerous_url(value, tag=tag, attribute=name):
                self._report(tag, f"dangerous URL {name}={value!r}")
            elif name == "srcdoc":
                self._report(tag, "srcdoc attribute")
            elif name == "style" and re.search(r"expression\s*\(|javascript:|behavior\s*:", value.lower()):
                self._report(tag, f"scripted style {value!r}")
        if tag in FORBIDDEN_ELEMENTS:
            self._report(tag, "forbidden element")
        if tag in {"animate", "set", "animatetransform", "animatemotion"}:
            target = values.get("attributename", "").lower()
            written = " ".join(values.get(key, "") for key in ("to", "values", "from", "by"))
            if (target in URL_ATTRIBUTES or target.startswith("on")) and (
                any(is_dangerous_url(part) for part in written.split(";")) or target.startswith("on")
            ):
                self._report(tag, f"animation writes {target}={written!r}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            content = values.get("content", "")
            target = re.search(r"url\s*=\s*(.*)", content, re.IGNORECASE)
            if target and is_dangerous_url(target.group(1).strip("'\" ")):
                self._report(tag, f"refresh to {content!r}")
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            src = values.get("src")
            if kind in DATA_SCRIPT_TYPES and src is None:
                self._in_script = (self.getpos()[0], False)
            elif src is not None:
                if not self.script_src_trusted(src):
                    self._report(tag, f"untrusted script src={src!r}")
                self._in_script = (self.getpos()[0], False)
            else:
                # Any other type counts as code: browsers keep learning new script types.
                self._in_script = (self.getpos()[0], True)
            self._script_text = []
        if tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text.append(data)
        elif self._in_style and re.search(r"expression\s*\(|javascript:", data.lower()):
            self._report("style", "scripted stylesheet")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            line, inline = self._in_script
            text = "".join(self._script_text)
            if inline:
                self.inline_scripts.append(text)
                if text.strip() and text.strip() not in self.trusted_inline_scripts:
                    self.findings.append(Finding(line, "script", f"untrusted inline script {text[:120]!r}"))
            self._in_script = None
        if tag == "style":
            self._in_style = False


def find_active_content(
    document: str,
    *,
    script_src_trusted: Callable[[str], bool] = lambda src: False,
    trusted_inline_scripts: Iterable[str] = (),
) -> list[Finding]:
    """Every piece of active content in ``document`` that the caller did not vouch for.

    ``script_src_trusted(src)`` decides whether a ``<script src>`` is the site's own;
    ``trusted_inline_scripts`` are exact (stripped) texts of inline scripts that the theme
    itself writes. Everything else that could run is returned, in document order.
    """
    parser = _ActiveContentParser(
        script_src_trusted=script_src_trusted,
        trusted_inline_scripts=frozenset(text.strip() for text in trusted_inline_scripts),
    )
    parser.feed(document)
    parser.close()
    findings = list(parser.findings)
    for match in _PARSER_CONFUSION.finditer(document):
        line = document.count("\n", 0, match.start()) + 1
        findings.append(Finding(line, "?", f"markup parsers disagree on: {match.group(0)!r}"))
    return findings


def inline_scripts(document: str) -> list[str]:
    """The texts of the inline (non-data) scripts of ``document``, stripped."""
    parser = _ActiveContentParser(script_src_trusted=lambda src: True, trusted_inline_scripts=frozenset())
    parser.feed(document)
    parser.close()
    return [text.strip() for text in parser.inline_scripts if text.strip()]

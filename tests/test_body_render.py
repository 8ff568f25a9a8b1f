"""Chat mode bodies are rendered as GitHub renders them (cmark-gfm), then finished for Material.

The fixture set covers what Python-Markdown renders differently from GitHub. For each case
the rendered body must have the element structure of ``cmarkgfm``'s own output after
sanitizing; the finishing pass may only add what Material expects (highlighted code, heading
ids and permalinks, alerts as admonitions, task-list classes), and the comparison undoes
exactly those additions. Both sides are parsed with an HTML parser, never compared as text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from chatmode_registry.render.body import (
    ALERTS,
    MAX_DEPTH,
    RepoPlace,
    _Finisher,
    cmark_html,
    github_slug,
    render_body,
)
from chatmode_registry.render.sanitize import BODY_CLASSES, LANGUAGE_CLASS, sanitize_html
from html_safety import find_active_content
from sitehtml import Element, parse

PLACE = RepoPlace(
    view="https://github.com/owner/repo/blob/main/",
    raw="https://github.com/owner/repo/raw/main/",
    path="chatmodes/team/planner.chatmode.md",
)

FIXTURES = {
    "list right after a paragraph": "Do this:\n- first\n- second\n1. one\n2. two\n",
    "lists nested by two spaces, tight": "- a\n  - b\n    - c\n  - d\n- e\n",
    "lists nested by two spaces, loose": "- a\n\n  - b\n\n    - c\n\n- d\n",
    "ordered list starting at 7": "7. seven\n8. eight\n9. nine\n",
    "table with alignment and | in code": (
        "| Left | Centre | Right |\n|:-----|:------:|------:|\n| `a \\| b` | c | **d** |\n| e | `f|g` | h |\n"
    ),
    "fences with backticks and tildes": (
        "```python\nprint('<b>')\n```\n\n```\nplain\n```\n\n~~~js\nlet a = 1 < 2;\n~~~\n\n~~~\nno language\n~~~\n"
    ),
    "HTML blocks": (
        "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n\n"
        "<div>\n<p>Raw <kbd>Ctrl</kbd> and <sub>sub</sub></p>\n</div>\n\nAfter.\n"
    ),
    "autolinks, strikethrough and task lists": (
        "See https://example.org and www.example.com, ~~gone~~.\n\n- [ ] open\n- [x] done\n"
    ),
    "setext headings, hard breaks and alerts": (
        "Title\n=====\n\nSub\n---\n\nline one  \nline two\\\nline three\n\n"
        "> [!NOTE]\n> Useful *note*.\n\n> [!CAUTION]\n> Careful.\n"
    ),
}


def strip_alert_markers(root: Element) -> None:
    """On cmark's side: a top-level blockquote whose first paragraph starts with ``[!TYPE]``."""
    for quote in [
        child for child in root.children if isinstance(child, Element) and child.tag == "blockquote"
    ]:
        first = next(child for child in quote.children if isinstance(child, Element))
        text = first.children[0] if first.children and isinstance(first.children[0], str) else ""
        match = re.match(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*\n?", text)
        if first.tag == "p" and match:
            first.children[0] = text[match.end() :]


def undo_finishing(root: Element) -> None:
    """On the renderer's side: undo exactly what the finishing pass adds for Material."""
    for element in list(root.iter()):
        if element.tag == "a" and "headerlink" in element.classes:
            element.parent.children.remove(element)
        elif element.tag in {"h3", "h4", "h5", "h6"}:
            element.tag = f"h{int(element.tag[1]) - 2}"
        elif element.tag == "div" and "highlight" in element.classes:
            # div.highlight > pre > span + code > spans  ->  pre > code (same text)
            code = Element("code", {}, None)
            code.children = [element.text()]
            element.tag, element.attrs, element.children = "pre", {}, [code]
            code.parent = element
        elif element.tag == "div" and "admonition" in element.classes:
            element.tag = "blockquote"
            title = element.children[0]
            assert isinstance(title, Element) and "admonition-title" in title.classes
            element.children.remove(title)


def structure(root: Element) -> list[tuple]:
    """Element structure: nesting, tags, the attributes that carry meaning, and the text."""
    rows: list[tuple] = []

    def walk(element: Element, depth: int) -> None:
        for child in element.children:
            if isinstance(child, Element):
                attrs = {
                    name: child.get(name) for name in ("href", "src", "start", "align", "checked", "type")
                }
                rows.append((depth, child.tag, tuple((k, v) for k, v in attrs.items() if v is not None)))
                walk(child, depth + 1)
            elif child.strip():
                rows.append((depth, "#text", " ".join(child.split())))

    walk(root, 0)
    return rows


@pytest.mark.parametrize("source", FIXTURES.values(), ids=FIXTURES.keys())
def test_body_has_the_structure_github_gives_it(source: str) -> None:
    ours = parse(render_body(source, PLACE).html)
    github = parse(sanitize_html(cmark_html(source)))
    undo_finishing(ours)
    strip_alert_markers(github)
    assert structure(ours) == structure(github)


def test_the_structure_comparison_sees_a_difference() -> None:
    # Python-Markdown's reading of the first fixture (one paragraph) must not pass as GitHub's.
    github = parse(sanitize_html(cmark_html(FIXTURES["list right after a paragraph"])))
    flattened = parse("<p>Do this:\n- first\n- second\n1. one\n2. two</p>")
    assert structure(flattened) != structure(github)


def test_commonmark_lists_are_lists() -> None:
    document = parse(render_body(FIXTURES["list right after a paragraph"]).html)
    assert [li.text() for li in document.find_all("li")] == ["first", "second", "one", "two"]
    nested = parse(render_body(FIXTURES["lists nested by two spaces, tight"]).html)
    assert len(nested.find_all("ul")) == 3 and len(nested.find_all("li")) == 5
    ordered = parse(render_body(FIXTURES["ordered list starting at 7"]).html)
    assert ordered.find("ol").get("start") == "7"


def test_fenced_code_is_highlighted_as_material_expects() -> None:
    document = parse(render_body(FIXTURES["fences with backticks and tildes"]).html)
    blocks = document.find_all("div", cls="highlight")
    assert len(blocks) == 4
    python, plain, script, bare = blocks
    assert "language-python" in python.classes and "copy" in python.classes
    assert "language-js" in script.classes
    assert not any(LANGUAGE_CLASS.fullmatch(name) for name in plain.classes | bare.classes)
    for block in blocks:
        (pre,) = [child for child in block.children if isinstance(child, Element)]
        assert pre.tag == "pre" and pre.find("code") is not None
    assert python.find("code").text() == "print('<b>')\n"
    assert python.find("span", cls="nb") is not None, "Pygments' token classes"
    assert script.find("code").text() == "let a = 1 < 2;\n"


def test_alerts_become_admonitions() -> None:
    source = "\n\n".join(f"> [!{name.lower() if name == 'TIP' else name}]\n> Text {name}." for name in ALERTS)
    document = parse(render_body(source).html)
    admonitions = document.find_all("div", cls="admonition")
    assert [sorted(div.classes - {"admonition"}) for div in admonitions] == [
        [kind] for kind, _ in ALERTS.values()
    ]
    assert [div.find("p", cls="admonition-title").text() for div in admonitions] == [
        title for _, title in ALERTS.values()
    ]
    assert [div.find_all("p")[1].text() for div in admonitions] == [f"Text {name}." for name in ALERTS]
    assert document.find("blockquote") is None


def test_what_is_not_an_alert_stays_a_quote() -> None:
    for source in (
        "> Text [!NOTE]\n",
        "> [!NOTICE]\n> Text\n",
        "- > [!NOTE]\n  > nested in a list\n",
        "> > [!NOTE]\n> > nested in a quote\n",
        "> [!NOTE] trailing words\n> Text\n",
    ):
        document = parse(render_body(source).html)
        assert document.find(cls="admonition") is None, source
        assert document.find("blockquote") is not None, source


def test_an_alert_with_its_text_in_the_next_paragraph() -> None:
    document = parse(render_body("> [!TIP]\n>\n> Later *text*.\n").html)
    tip = document.find("div", cls="tip")
    assert [p.text() for p in tip.find_all("p")] == ["Tip", "Later text."]


def test_headings_get_github_slugs_permalinks_and_safe_unique_ids() -> None:
    source = (
        "# Hello, World!\n## Hello, World!\n### Überblick & *more*\n# cmr-raw\n# __drawer\n"
        "# md-header\n# ???\n#### Deep\n##### Deeper\n###### Deepest\n"
    )
    rendered = render_body(source)
    document = parse(rendered.html)
    headings = [element for element in document.iter() if re.fullmatch(r"h[1-6]", element.tag)]
    ids = [heading.get("id") for heading in headings]
    assert ids == [
        "hello-world",
        "hello-world-1",
        "überblick--more",
        "user-content-cmr-raw",
        "user-content-__drawer",
        "user-content-md-header",
        "user-content-",
        "deep",
        "deeper",
        "deepest",
    ]
    assert [heading.tag for heading in headings] == [
        "h3",
        "h4",
        "h5",
        "h3",
        "h3",
        "h3",
        "h3",
        "h6",
        "h6",
        "h6",
    ]
    for heading in headings:
        assert heading.find("a", cls="headerlink").get("href") == "#" + heading.get("id")
    assert [(h.level, h.id, h.text) for h in rendered.headings][:3] == [
        (3, "hello-world", "Hello, World!"),
        (4, "hello-world-1", "Hello, World!"),
        (5, "überblick--more", "Überblick & more"),
    ]
    assert github_slug("Hello, World!") == "hello-world"


def test_empty_and_reserved_slugs_are_distinct_and_kept() -> None:
    rendered = render_body("# ???\n# !!!\n# cmr-source\n")
    assert [heading.id for heading in rendered.headings] == [
        "user-content-",
        "user-content--1",
        "user-content-cmr-source",
    ]
    ids = [element.get("id") for element in parse(rendered.html).iter() if element.get("id")]
    assert ids == [heading.id for heading in rendered.headings]


def test_relative_links_and_images_resolve_against_the_repository() -> None:
    source = (
        "[sibling](reviewer.chatmode.md) [up](../README.md#usage) [root](/docs/guide.md?plain=1) "
        "[folder](../) [anchor](#setup) [web](https://example.org/x) [mail](mailto:a@example.org) "
        "[escape](../../../outside.md)\n\n![diagram](img/flow.png) ![logo](/assets/logo.svg)\n"
    )
    document = parse(render_body(source, PLACE).html)
    links = {a.text(): a.get("href") for a in document.find_all("a")}
    assert links == {
        "sibling": "https://github.com/owner/repo/blob/main/chatmodes/team/reviewer.chatmode.md",
        "up": "https://github.com/owner/repo/blob/main/chatmodes/README.md#usage",
        "root": "https://github.com/owner/repo/blob/main/docs/guide.md?plain=1",
        "folder": "https://github.com/owner/repo/blob/main/chatmodes/",
        "anchor": "#setup",
        "web": "https://example.org/x",
        "mail": "mailto:a@example.org",
    }
    assert "escape" in document.text(), "a link out of the repository is plain text"
    assert [img.get("src") for img in document.find_all("img")] == [
        "https://github.com/owner/repo/raw/main/chatmodes/team/img/flow.png",
        "https://github.com/owner/repo/raw/main/assets/logo.svg",
    ]


def test_without_a_repository_relative_links_and_images_are_plain_text() -> None:
    source = (
        "[sibling](reviewer.chatmode.md) [web](https://example.org/) [anchor](#a)\n\n![a diagram](flow.png)\n"
    )
    document = parse(render_body(source, None).html)
    assert {a.text(): a.get("href") for a in document.find_all("a")} == {
        "web": "https://example.org/",
        "anchor": "#a",
    }
    assert document.find("img") is None
    assert "sibling" in document.text() and "a diagram" in document.text()


THEME_TRIGGERS = (
    '<pre class="mermaid">graph TD; A-->B</pre>\n\n'
    '<div class="mermaid arithmatex md-annotation tabbed-set annotate">x</div>\n\n'
    '<a class="md-button md-button--primary cmr-install cmr-copy chatmodes-entry" href="https://evil.example/">'
    "Install in VS Code</a>\n\n"
    '<span class="highlight copy headerlink admonition task-list-item k">own classes, from a body</span>\n\n'
    "```mermaid\ngraph TD; A-->B\n```\n"
)


def test_a_body_keeps_only_the_classes_the_renderer_writes() -> None:
    document = parse(render_body(THEME_TRIGGERS).html)
    found = {name for element in document.iter() for name in element.classes}
    assert found <= BODY_CLASSES | {"language-mermaid"}
    assert not any(
        name in found
        for name in (
            "mermaid",
            "arithmatex",
            "annotate",
            "tabbed-set",
            "md-button",
            "cmr-install",
            "cmr-copy",
        )
    )
    # The body's own copy of renderer classes is dropped with the rest: only the fence's block
    # (written by the renderer) carries "highlight".
    assert [element.tag for element in document.iter() if "highlight" in element.classes] == ["div"]
    assert document.find("span", cls="k") is None


def test_hostile_payloads_are_neutralised() -> None:
    source = (
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n"
        '<a href="JaVa&#x09;ScRiPt:alert(4)">y</a>\n\n<svg><script>alert(5)</script></svg>\n\n'
        "<noscript><p title='</noscript><img src=x onerror=alert(6)>'></p></noscript>\n\n"
        '<math><mi xlink:href="javascript:alert(7)">z</mi></math>\n\n<iframe src="https://evil.example/"></iframe>\n'
    )
    assert find_active_content(render_body(source, PLACE).html) == []


# --- hostile shapes: linear work, bounded depth ----------------------------------------------


def depth_of(html: str) -> int:
    """The deepest nesting of ``html`` (a well-formed fragment)."""
    deepest = 0
    stack = 0
    for match in re.finditer(r"<(/?)([a-z0-9]+)[^>]*?(/?)>", html):
        if match.group(2) in {"br", "hr", "img", "input"}:
            continue
        stack += -1 if match.group(1) else 1
        deepest = max(deepest, stack)
    return deepest


@pytest.mark.parametrize(
    "source",
    [
        ">" * 10_000 + " deep",
        "- " * 10_000 + "deep",
        "1. " * 10_000 + "deep",
        "<div>" * 10_000 + "deep",
        "<ul><li>" * 10_000 + "deep",
        "> - " * 5_000 + "deep",
    ],
    ids=["quotes", "bullets", "numbers", "divs", "html-lists", "mixed"],
)
def test_deep_nesting_is_cut_at_a_fixed_depth_and_keeps_the_text(source: str) -> None:
    rendered = render_body(source)
    # The sanitizer's HTML parser does work in proportion to the depth for every tag: a
    # bounded depth keeps it linear in the length of the body.
    assert depth_of(rendered.html) <= MAX_DEPTH + 4
    assert "deep" in parse(rendered.html).text()


@pytest.mark.parametrize(
    "source",
    [
        "<div>\n" + "<!--" * 20_000,
        "<div>\n" + "</" * 20_000,
        "<div>\n" + "<a b='" * 20_000,
        "<div>\n" + "<![CDATA[" * 20_000,
        "<div>\n" + "<?" * 20_000,
        "<div>\n" + "<!x" * 20_000,
        "<div>\n" + "<a " + " " * 20_000,
        "`" * 100_000,
        "[" * 16_000,
        "a" * 1_000_000,
    ],
    ids=[
        "comments",
        "end-tags",
        "quotes",
        "cdata",
        "pis",
        "declarations",
        "spaces",
        "backticks",
        "brackets",
        "line",
    ],
)
def test_the_finishing_pass_tries_each_tag_once(source: str) -> None:
    # Counted work, not time: one tag match per "<" of cmark's output; each match is made of
    # possessive quantifiers (no backtracking), and the ends of comments and the like are
    # searched once per kind (see render/body.py).
    html = cmark_html(source)
    finisher = _Finisher(None)
    finisher.feed(html)
    assert finisher.attempts <= html.count("<")
    assert find_active_content(render_body(source).html) == []


def test_cmark_output_is_cmarkgfms_and_nothing_is_left_allocated() -> None:
    import cmarkgfm

    from chatmode_registry.render import body as body_module

    assert body_module._FREE is not None, "cmark_node_free and free() are found"
    for source in [*FIXTURES.values(), "", "\x00", "é" * 10]:
        assert cmark_html(source) == cmarkgfm.cmark.markdown_to_html_with_extensions(
            source, options=body_module.CMARK_OPTIONS, extensions=list(body_module.CMARK_EXTENSIONS)
        )
    # cmarkgfm's own wrapper keeps each document tree and HTML string (about 0.2 MB for a
    # 13 KB body): 2,000 renders would grow the process by hundreds of MB. Counted in pages
    # of resident memory, not timed.
    statm = Path("/proc/self/statm")
    if not statm.exists():
        pytest.skip("needs /proc/self/statm")
    text = "".join(FIXTURES.values()) * 20
    cmark_html(text)
    before = int(statm.read_text().split()[1])
    for _ in range(500):
        cmark_html(text)
    grown_mb = (int(statm.read_text().split()[1]) - before) * os.sysconf("SC_PAGE_SIZE") / 2**20
    assert grown_mb < 50

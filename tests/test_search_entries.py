"""The plugin makes the search entries of its own pages, and they are Material's, exactly.

Material's search plugin parses every page's HTML; for catalog pages the plugin makes the
entries from the markup it generated (:mod:`chatmode_registry.mkdocs.search`) and Material
skips them. Checked here three ways, always against Material's own parser:

* section by section, on every body of the #12 fixture set, the registry, the seed and the
  pathological line classes (each whole and as its search stand-in), and on markup written to
  hit each quirk of Material's rules;
* on whole sites: the same project built with and without this path gives the same
  ``search_index.json``, byte for byte, and the catalog pages really took it;
* markup it does not read the way ``html.parser`` does is left to Material.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex

from chatmode_files import chatmode
from chatmode_registry.mkdocs.renderer import search_stand_in
from chatmode_registry.mkdocs.search import MaterialSearchIndex, Unsupported, page_entries, sections
from chatmode_registry.render.body import render_body
from conftest import build, write_project
from test_search_stand_in import BODIES, PLACE

#: Markup aimed at each rule of Material's parser (see the module docstring of
#: chatmode_registry.mkdocs.search), as a page's content.
QUIRKS = {
    "preface then h1": "<p>Before</p>\n<h1 id='t'>Title</h1><p>After</p>",
    "h2 before any h1": '<h2 id="a">A</h2><p>x</p><h1 id="b">B</h1><p>y</p>',
    "heading without id": '<h1 id="t">T</h1><h2>Not a section</h2><p>x</p><h1>Same tag: title</h1>',
    "excluded elements": (
        '<h1 id="t">T</h1><p data-search-exclude>hidden <b>x</b></p><p>shown</p>'
        "<div data-search-exclude><div>inner</div>after the inner div</div><p>end</p>"
    ),
    "excluded heading": '<h1 id="t">T</h1><p>a</p><h2 id="x" data-search-exclude>X</h2><p>b</p><h2 id="y">Y</h2>',
    "line numbers": '<h1 id="t">T</h1><div class="linenodiv"><pre>1\n2</pre></div><pre><code>a\n  b</code></pre>',
    "script and style": '<h1 id="t">T</h1><object>o</object><p>kept</p>',
    "nested headings": (
        '<h1 id="t">T</h1><div><h2 id="in">In</h2><p>inside</p></div><p>after the div</p>'
        '<ul><li><h3 id="deep">Deep</h3>item</li><li>next</li></ul><p>tail</p>'
    ),
    "permalinks": '<h1 id="t">T<a class="headerlink" href="#t" title="Permanent link">¶</a></h1><p>x</p>',
    "tags in a title": '<h1 id="t">A <code>b</code> <em>c</em><sup>2</sup></h1><p>x</p>',
    "empty kept elements": (
        '<h1 id="t">T</h1><p> </p><ul>\n<li>\n</li>\n</ul><p>x</p><p>\n</p>'
        "<ol><li></li></ol><p><code> </code></p>"
    ),
    "white space": '<h1 id="t">T</h1>\n\n<p>a\nb</p>\n  \n<p>  c  </p>\n<pre>  x\n\n  y  </pre>\n \n',
    "entities": '<h1 id="t">A &amp; B &lt;c&gt;</h1><p title="x &quot;y&quot;">&nbsp;&#169; &copy &unknown; &amp;amp;</p>',
    "void and self-closing": '<h1 id="t">T</h1><p>a<br>b<br/>c<img src="x" alt="y"><hr>d</p><p/><span/>e',
    "end tags that close nothing": '<h1 id="t">T</h1></div><p>a</span>b</p></p>c',
    "comments": '<h1 id="t">T</h1><!-- a comment --><p>x<!---->y</p><!--cmr-late-abc-1-->',
    "unclosed at the end": '<h1 id="t">T</h1><div><p>open',
    "attributes": (
        '<h1 id=t class="a b" data-x=\'1\'>T</h1><p id="p" ID="q">x</p>'
        '<h2 id="">Empty id</h2><h3 id="e" id="f">Two ids</h3><p>y</p>'
    ),
}


def material_entries(
    content: str, *, url: str = "catalog/mode/", meta: dict | None = None, toc=()
) -> list[dict]:
    """What Material's own parser makes of a page with ``content``."""
    page = SimpleNamespace(url=url, title="Mode", meta=dict(meta or {}), toc=list(toc), content=content)
    index = SearchIndex()
    index.add_entry_from_context(page)
    return index.entries


def own_entries(content: str, *, url: str = "catalog/mode/", meta: dict | None = None, toc=()) -> list[dict]:
    ids = {item.id for item in toc}
    return page_entries(content, url=url, toc_ids=ids, meta=dict(meta or {}), title="Mode")


def _frame(body_html: str) -> str:
    """A chat mode page's content around a body, as the plugin's template writes it."""
    return (
        '<p class="cmr-back" data-search-exclude><a href="../">← All chat modes</a></p>\n'
        '<h1 id="cmr-title">Mode</h1>\n<p class="cmr-description">What it does.</p>'
        '<!--cmr-late-0123456789abcdef-4--><h2 id="cmr-instructions">Instructions</h2>\n'
        f'<div class="cmr-body">\n{body_html}\n</div>\n<h2 id="cmr-source">Source</h2>'
    )


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_body_s_entries_are_material_s(body: str) -> None:
    html = render_body(body, PLACE).html
    for markup in (html, search_stand_in(html)):
        content = _frame(markup)
        assert own_entries(content) == material_entries(content)


@pytest.mark.parametrize("content", QUIRKS.values(), ids=QUIRKS.keys())
def test_each_rule_of_material_s_parser(content: str) -> None:
    assert own_entries(content) == material_entries(content)


def test_locations_titles_tags_and_boost_follow_the_page() -> None:
    toc = [SimpleNamespace(id="b", children=[], url="#b")]
    content = '<h2 id="a">A</h2><p>x</p><h2 id="b">B</h2><h2 id="">C</h2><p>y</p>'
    meta = {"title": "From meta", "tags": ["one", "", 2, None, {"x": 1}], "search": {"boost": 2}}
    entries = own_entries(content, meta=meta, toc=toc)
    assert entries == material_entries(content, meta=meta, toc=toc)
    assert [entry["location"] for entry in entries] == [
        "catalog/mode/",
        "catalog/mode/#a",
        "catalog/mode/#b",
        "catalog/mode/",
    ]
    assert entries[0]["title"] == "From meta"
    assert entries[0]["tags"] == ["one", "2"] and entries[0]["boost"] == 2


def test_the_comparison_sees_a_lost_word_a_section_or_a_kept_tag() -> None:
    content = _frame(render_body(BODIES["rich"], PLACE).html)
    expected = material_entries(content)
    assert own_entries(content.replace("Hidden text", "Hidden")) != expected
    assert own_entries(content.replace('id="steps"', "")) != expected
    assert own_entries(content.replace("<li>", "<li><p>", 1).replace("</li>", "</p></li>", 1)) != expected


@pytest.mark.parametrize(
    "content",
    [
        '<h1 id="t">T</h1><script>var a = "<p>";</script>',
        '<h1 id="t">T</h1><style>p{}</style>',
        '<h1 id="t">T</h1><textarea><p>x</p></textarea>',
        "<p>a < b</p>",
        "<p>x</p><!-- never closed",
        "<p>x</p><!-- a -- b -->",
        '<p title="unclosed>x</p>',
        "<!DOCTYPE html><p>x</p>",
        "<p>x</p><?php ?>",
        "<p =x>y</p>",
        "</ul></li>",  # fine: end tags that close nothing
    ],
)
def test_markup_read_differently_by_html_parser_versions_is_left_to_material(content: str) -> None:
    if content == "</ul></li>":
        assert sections(content) == []
        return
    with pytest.raises(Unsupported):
        sections(content)
    page = SimpleNamespace(url="x/", title="X", meta={}, toc=[], content=content)
    index = MaterialSearchIndex(SearchIndex())
    assert index.add_page(page) is None
    assert page.meta == {} and index.index.entries == []


def test_a_page_excluded_from_search_stays_excluded() -> None:
    page = SimpleNamespace(
        url="x/", title="X", meta={"search": {"exclude": True}}, toc=[], content="<p>x</p>"
    )
    index = MaterialSearchIndex(SearchIndex())
    assert index.add_page(page) is None and index.index.entries == []


# --- whole sites ------------------------------------------------------------------------------

#: A hook that turns the plugin's search entries off, so Material parses every page.
WITHOUT = """\
from chatmode_registry.mkdocs import search

search.MaterialSearchIndex.find = classmethod(lambda cls, plugins: None)
"""

#: A hook that records, after search has run, which pages Material was told to skip.
RECORD = """\
import json
import os

from mkdocs.plugins import event_priority

SKIPPED = {}


@event_priority(-100)
def on_page_context(context, page, config, nav):
    SKIPPED[page.url] = bool((page.meta.get("search") or {}).get("exclude"))


def on_post_build(config):
    with open(os.path.join(config.config_file_path + ".skipped.json"), "w") as stream:
        json.dump(SKIPPED, stream)
"""


def _modes() -> dict[str, str]:
    modes = {}
    for number, (name, body) in enumerate(sorted(BODIES.items())):
        if name.startswith(("chatmodes/", "seed/")) or number % 3 == 0:
            modes[f"m{number:03d}.chatmode.md"] = chatmode(body, description=f"Mode {name}")
    return modes


def test_a_site_s_search_index_is_the_one_material_makes(tmp_path: Path) -> None:
    modes = _modes()
    fast = write_project(
        tmp_path / "fast", modes, config={"hooks": ["record.py"]}, files={"record.py": RECORD}
    )
    slow = write_project(
        tmp_path / "slow",
        modes,
        config={"hooks": ["without.py", "record.py"]},
        files={"without.py": WITHOUT, "record.py": RECORD},
    )
    for project in (fast, slow):
        result = build(project)
        assert result.ok, result.log
    index = (fast / "site" / "search" / "search_index.json").read_bytes()
    assert index == (slow / "site" / "search" / "search_index.json").read_bytes()
    assert len(json.loads(index)["docs"]) > 3 * len(modes)

    skipped = json.loads((fast / "mkdocs.yml.skipped.json").read_text())
    catalog_pages = {url for url in skipped if url.startswith("catalog/")}
    assert len(catalog_pages) > len(modes)
    assert {url for url, excluded in skipped.items() if excluded} == catalog_pages
    assert not any(json.loads((slow / "mkdocs.yml.skipped.json").read_text()).values())


#: Raw HTML that nests headings in ``pre`` and a list item so that Material's search parser,
#: returning to an older section when an element closes, ends a ``li`` that section never
#: opened: ``ValueError: '<li>' is not in list`` (found by the fuzz test in
#: test_search_stand_in.py).
FAILS_MATERIAL = (
    '<pre><h2 id="raw">alpha </h2>\n\n```python\nx = 1\n```\n\n<h2 id="raw">beta </h2>\n\n</pre>\n\n'
    "- <kbd>gamma \n</kbd> \n\n# delta\n\nepsilon\n"
)


def test_a_body_that_material_s_parser_fails_on_does_not_stop_the_build(tmp_path: Path) -> None:
    html = render_body(FAILS_MATERIAL, PLACE).html
    with pytest.raises(ValueError):
        material_entries(_frame(html))
    project = write_project(tmp_path / "project", {"x.chatmode.md": chatmode(FAILS_MATERIAL)})
    result = build(project)
    assert result.ok, result.log
    assert "search indexes this chat mode's instructions as headings and text only" in result.log
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [entry for entry in index["docs"] if entry["location"].startswith("catalog/x/")]
    words = " ".join(entry["title"] + " " + entry["text"] for entry in entries)
    assert all(word in words for word in ("alpha", "beta", "gamma", "delta", "epsilon"))
    assert "catalog/x/#delta" in {entry["location"] for entry in entries}


def test_a_mode_page_is_found_by_the_tools_it_uses(clean_build) -> None:
    """#25: searching for a tool finds the chat modes that use it, not only the Tools page.
    The tools are in the entry of the page's title (after the description), and nowhere in
    the finished page but its tools section."""
    site = clean_build.site
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    modes = json.loads((site / "catalog.json").read_text(encoding="utf-8"))["chatmodes"]
    assert any(mode["tools"] for mode in modes)
    for mode in modes:
        (title,) = [doc for doc in docs if doc["location"] == mode["url"] + "#cmr-title"]
        for tool in mode["tools"]:
            assert tool in title["text"], (mode["slug"], tool, title["text"])
        page = (site / mode["url"] / "index.html").read_text(encoding="utf-8")
        assert "<p>Tools: " not in page  # the line only search reads is gone
    users = {doc["location"].split("#")[0] for doc in docs if "search/codebase" in doc["text"]}
    assert {mode["url"] for mode in modes if "search/codebase" in mode["tools"]} <= users

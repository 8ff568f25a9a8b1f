"""Search reads a stand-in for each chat mode body, and indexes exactly what the body gives it.

Search plugins parse every page's HTML with ``html.parser``, whose cost is mostly per tag; the
plugin hands them the body without the inline tags and attributes they skip
(:func:`search_stand_in`) and puts the real body into the finished page. The search entries
must come out as the real body's: compared here through Material's own search parser, on the
#12 fixture set, the registry's chat modes, the seed and every pathological line class.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex

from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.mkdocs.renderer import search_stand_in
from chatmode_registry.render.body import RepoPlace, render_body
from pathological import CLASSES
from test_body_render import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
PLACE = RepoPlace(
    view="https://github.com/owner/repo/blob/main/",
    raw="https://github.com/owner/repo/raw/main/",
    path="chatmodes/x.chatmode.md",
)

RICH = """\
# Title with **bold**, `code` and a [link](https://example.org)

Text with *emphasis*, ~~strike~~, <kbd>Ctrl</kbd>, H<sub>2</sub>O, an image ![alt](pic.png)
and a line\\
break.

## Steps

1. one **two**
   - nested `three`
2. four

> [!WARNING]
> Careful *here*.

| a | b |
|---|---|
| `x` | [y](y.md) |

```python
def f(x):
    return x < 2  # <b>not a tag</b>
```

<details><summary>More</summary>

### Inside details

Hidden text.

</details>

Last paragraph with &amp; and &lt;tags&gt;.
"""


def _bodies() -> dict[str, str]:
    bodies = dict(FIXTURES)
    bodies["rich"] = RICH
    for folder in (ROOT / "chatmodes", ROOT / "tests" / "fixtures" / "seed"):
        catalog = load_catalog(folder)
        for mode in catalog.chatmodes:
            bodies[f"{folder.name}/{mode.slug}"] = mode.body
    for name, make in CLASSES.items():
        bodies[f"pathological/{name}"] = make(200)
    return bodies


BODIES = _bodies()


def search_entries(body_html: str) -> list[tuple[str, str, str]]:
    """What Material's search indexes of a page holding ``body_html`` under its title:
    (location, title, text) per section, runs of white space made one space."""

    page = SimpleNamespace(
        url="mode/",
        title="Mode",
        meta={},
        toc=[],
        content=f'<h1 id="mode">Mode</h1>\n<div class="cmr-body">\n{body_html}\n</div>',
    )
    index = SearchIndex()
    index.add_entry_from_context(page)
    return [
        (entry["location"], " ".join(entry["title"].split()), " ".join(entry["text"].split()))
        for entry in index.entries
    ]


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_search_indexes_the_stand_in_as_the_body(body: str) -> None:
    html = render_body(body, PLACE).html
    assert search_entries(search_stand_in(html)) == search_entries(html)


def test_the_comparison_sees_a_lost_word_or_section() -> None:
    html = render_body(RICH, PLACE).html
    assert search_entries(html.replace("Hidden text", "Hidden")) != search_entries(html)
    assert search_entries(re.sub(r'<h4 id="[^"]*">', "<h4>", html)) != search_entries(html)


def test_the_stand_in_leaves_out_what_search_skips() -> None:
    html = render_body(RICH, PLACE).html
    stand_in = search_stand_in(html)
    tags = re.findall(r"<(/?[a-z0-9]+)([^>]*)>", stand_in)
    assert len(tags) < len(re.findall(r"<[a-z/]", html)) * 0.6
    names = {name.lstrip("/") for name, _ in tags}
    assert not names & {"a", "span", "strong", "em", "del", "kbd", "img", "br"}
    # Only headings keep an attribute: their id, the search entry's anchor.
    assert {attributes for name, attributes in tags if attributes} == {
        ' id="title-with-bold-code-and-a-link"',
        ' id="steps"',
        ' id="inside-details"',
    }
    assert "¶" not in stand_in

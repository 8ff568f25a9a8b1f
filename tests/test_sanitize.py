"""The body sanitizer removes active content and keeps what Material renders.

Hostile payloads are checked with an independent parser (``html_safety``), not by looking
for the sanitizer's own output strings; kept markup is checked by rendering real Markdown
with the body renderer (cmark-gfm, see ``test_body_render.py`` for its structure).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from chatmode_registry.render.body import render_body
from chatmode_registry.render.sanitize import (
    BODY_CLASSES,
    json_for_html,
    sanitize_html,
)
from html_safety import find_active_content

# Each payload must come out of the sanitizer with nothing that can run.
HOSTILE_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "script uppercase": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "img onerror": '<img src="x" onerror="alert(1)">',
    "img onerror unquoted": "<img src=x onerror=alert(1)//>",
    "body onload": "<body onload=alert(1)>",
    "javascript link": '<a href="javascript:alert(1)">x</a>',
    "javascript mixed case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "javascript entity": '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    "javascript hex entity": '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    "javascript tab": '<a href="java\tscript:alert(1)">x</a>',
    "javascript newline entity": '<a href="java&#10;script:alert(1)">x</a>',
    "javascript leading space": '<a href="  javascript:alert(1)">x</a>',
    "javascript control char": '<a href="\x01javascript:alert(1)">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data html link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data svg image": '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg onload": "<svg onload=alert(1)><circle r=1 /></svg>",
    "svg xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "svg animate": '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
    "<text>x</text></a></svg>",
    "math": '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>',
    "math xlink": '<math href="javascript:alert(1)">x</math>',
    "form action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "button formaction": '<button formaction="javascript:alert(1)">go</button>',
    "input autofocus": '<input autofocus onfocus="alert(1)">',
    "style expression": '<div style="width: expression(alert(1))">x</div>',
    "style url": '<p style="background:url(javascript:alert(1))">x</p>',
    "style element": "<style>body{background:url(javascript:alert(1))}</style>",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="javascript:alert(1)//">',
    "link import": '<link rel="import" href="data:text/html,<script>alert(1)</script>">',
    "details ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "video poster": '<video poster="javascript:alert(1)"><source src=x onerror=alert(1)></video>',
    "unclosed attribute": '<a href="https://ok.example/" title="x" onmouseover="alert(1)',
    "comment breakout": "<!--><script>alert(1)</script>-->",
    "noscript breakout": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template": "<template><script>alert(1)</script></template>",
    "textarea breakout": "<textarea></textarea><script>alert(1)</script>",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "srcset": '<img srcset="javascript:alert(1) 1x">',
}


# Payloads that are only dangerous to sanitizers working on text; a browser runs nothing.
INERT_IN_BROWSERS = {"script split", "unclosed attribute"}


@pytest.mark.parametrize(
    "payload",
    [value for key, value in HOSTILE_PAYLOADS.items() if key not in INERT_IN_BROWSERS],
    ids=[key for key in HOSTILE_PAYLOADS if key not in INERT_IN_BROWSERS],
)
def test_the_checker_sees_every_raw_payload(payload: str) -> None:
    # Without this, a checker that never finds anything would make every test below pass.
    assert find_active_content(payload) != []


@pytest.mark.parametrize("payload", HOSTILE_PAYLOADS.values(), ids=HOSTILE_PAYLOADS.keys())
def test_hostile_payload_is_neutralised(payload: str) -> None:
    # Wrapped in ordinary content: the sanitizer removes the payload, not its neighbours.
    cleaned = sanitize_html(f"<p>before</p>{payload}<p>after</p>")
    assert find_active_content(cleaned) == []
    assert "<p>before</p>" in cleaned


@pytest.mark.parametrize("payload", HOSTILE_PAYLOADS.values(), ids=HOSTILE_PAYLOADS.keys())
def test_hostile_payload_through_markdown_is_neutralised(payload: str) -> None:
    # The same payloads written in a Markdown body (raw HTML passes through Markdown).
    html = render_body(f"# Title\n\nText {payload}\n\n{payload}\n").html
    assert find_active_content(html) == []


def test_markdown_links_with_javascript_in_any_case_lose_their_href() -> None:
    source = "\n\n".join(
        f"[link {index}]({scheme}alert({index}))"
        for index, scheme in enumerate(["javascript:", "JAVASCRIPT:", "JaVaScRiPt:", "vbscript:"])
    )
    source += "\n\n![img](javascript:alert(9))\n\n<javascript:alert(10)>\n"
    cleaned = render_body(source).html
    assert find_active_content(cleaned) == []
    assert "link 3" in cleaned


def test_raw_html_cannot_add_event_handlers_styles_ids_or_classes() -> None:
    source = (
        '<h2 onclick="alert(1)" style="position:fixed" data-x="1" id="__drawer" class="md-header">Heading</h2>\n\n'
        '<p onmouseover="alert(2)" class="cmr-install" id="cmr-raw">Para</p>\n'
    )
    elements = parse_elements(render_body(source).html)
    assert [attrs for tag, attrs in elements if tag == "h4"] == [{"id": "heading"}]
    assert [attrs for tag, attrs in elements if tag == "p"] == [{}]
    assert all(
        not name.startswith(("on", "data-")) and name != "style" for _, attrs in elements for name in attrs
    )


def test_dom_clobbering_ids_are_dropped_and_slug_ids_kept() -> None:
    cleaned = sanitize_html(
        '<h2 id="__drawer">a</h2><h2 id="md-header">b</h2><h2 id="chatmode-copy">c</h2>'
        '<h2 id="a b">d</h2><h2 id="ok-id">e</h2><div id="plain">f</div>'
        '<img name="cookie" id="x" src="https://e.example/a.png"><h3 id="überblick">g</h3>'
    )
    ids = [attrs.get("id") for _, attrs in parse_elements(cleaned)]
    assert ids == [None, None, None, None, "ok-id", None, None, "überblick"]
    assert "name=" not in cleaned


def test_only_the_body_renderers_own_classes_are_kept() -> None:
    cleaned = sanitize_html(
        '<a class="md-header md-button md-button--primary cmr-install chatmodes-entry foo" href="/">go</a>'
        '<pre class="mermaid"><code>graph TD</code></pre><div class="highlight language-python">x</div>'
        '<span class="language-python k">y</span>'
    )
    assert [attrs.get("class") for _, attrs in parse_elements(cleaned)] == [
        None,
        None,
        None,
        "highlight language-python",
        "k",
    ]


def test_links_get_rel_and_keep_safe_urls() -> None:
    cleaned = sanitize_html(
        '<a href="https://ok.example/p?q=1" target="_blank">a</a>'
        '<a href="../other/">b</a><a href="#frag">c</a><a href="mailto:a@b.example">d</a>'
        '<img src="https://ok.example/i.png" alt="i"><img src="pic.png"><img src="mailto:x@y">'
    )
    elements = parse_elements(cleaned)
    hrefs = [attrs.get("href") for tag, attrs in elements if tag == "a"]
    assert hrefs == ["https://ok.example/p?q=1", "../other/", "#frag", "mailto:a@b.example"]
    assert all(
        attrs["rel"] == "noopener noreferrer nofollow" and "target" not in attrs
        for tag, attrs in elements
        if tag == "a"
    )
    assert [attrs.get("src") for tag, attrs in elements if tag == "img"] == [
        "https://ok.example/i.png",
        "pic.png",
        None,
    ]


def test_inputs_become_disabled_checkboxes() -> None:
    cleaned = sanitize_html('<input type="password" name="p" value="x"><input type=checkbox checked>')
    inputs = [attrs for tag, attrs in parse_elements(cleaned) if tag == "input"]
    assert [attrs["type"] for attrs in inputs] == ["checkbox", "checkbox"]
    assert all("disabled" in attrs and "name" not in attrs and "value" not in attrs for attrs in inputs)


def test_unclosed_markup_cannot_swallow_the_page() -> None:
    cleaned = sanitize_html('<div><table><tr><td><a href="https://x.example/">open')
    # Well-formed output: every opened element is closed again.
    assert open_elements_after(cleaned) == []


# --- Material markup is kept -------------------------------------------------------------

MATERIAL_SOURCE = """# Title

## Second heading

> [!WARNING]
> Alert body with `inline code`.

<details><summary>Folded</summary>

Hidden body.
</details>

| Left | Right | Centre |
|:-----|------:|:------:|
| a    | b     | c      |

```python
def greet(name: str) -> str:
    return f"<hi {name}>"
```

~~~yaml
key: value
~~~

Press <kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup>, <mark>marked</mark>, ~~gone~~, <ins>added</ins>.

- [x] done
- [ ] open
"""


def test_material_markup_survives_the_sanitizer() -> None:
    kept = parse_elements(render_body(MATERIAL_SOURCE).html)

    def classes(elements):
        return sorted({(tag, cls) for tag, attrs in elements for cls in attrs.get("class", "").split()})

    assert {cls for _, cls in classes(kept)} <= BODY_CLASSES | {"language-python", "language-yaml"}
    assert ("div", "admonition") in classes(kept)
    assert ("div", "warning") in classes(kept)
    assert ("p", "admonition-title") in classes(kept)
    assert ("a", "headerlink") in classes(kept)
    assert ("div", "highlight") in classes(kept)
    assert ("div", "language-python") in classes(kept)
    assert ("li", "task-list-item") in classes(kept)
    assert ("span", "k") in classes(kept)
    alignments = [attrs["align"] for tag, attrs in kept if tag in {"th", "td"} and "align" in attrs]
    assert alignments == ["left", "right", "center"] * 2
    headerlinks = [
        attrs["href"] for tag, attrs in kept if tag == "a" and "headerlink" in attrs.get("class", "")
    ]
    assert headerlinks == ["#title", "#second-heading"]
    assert [
        tag for tag, _ in kept if tag in {"details", "summary", "kbd", "sup", "sub", "mark", "del", "ins"}
    ] == [
        "details",
        "summary",
        "kbd",
        "sub",
        "sup",
        "mark",
        "del",
        "ins",
    ]


def test_sanitizing_is_idempotent_on_rendered_bodies() -> None:
    once = render_body(MATERIAL_SOURCE).html
    assert parse_elements(sanitize_html(once)) == parse_elements(once)


# --- escaping helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '"><script>alert(1)</script>',
        "' onmouseover='alert(1)",
        "a & b < c > d",
        "</title><svg onload=alert(1)>",
    ],
)
def test_escape_text_is_safe_in_text_and_attributes(value: str) -> None:
    # MarkupSafe's escape is the one the plugin uses (Markup.escape, Jinja's autoescape).
    escaped = str(escape(value))
    document = f"<p title=\"{escaped}\" class='{escaped}'>{escaped}</p>"
    assert find_active_content(document) == []
    ((_tag, attrs),) = parse_elements(document)
    assert attrs == {"title": value, "class": value}
    assert not re.search(r"[<>\"']", escaped)


def test_json_for_html_cannot_close_its_script_element() -> None:
    data = {"name": "</script><script>alert(1)</script>", "c": "<!-- \u2028 \u2029 & >"}
    encoded = json_for_html(data)
    assert json.loads(encoded) == data
    assert not re.search(r"[<>&\u2028\u2029]", encoded)
    document = f'<script type="application/json">{encoded}</script>'
    assert find_active_content(document) == []


# --- helpers -------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in {"br", "hr", "img", "input", "col"}:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()


def parse_elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """``(tag, attributes)`` for every element of ``html``, in document order."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def open_elements_after(html: str) -> list[str]:
    """Elements still open at the end of ``html``."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.open

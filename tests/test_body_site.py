"""Bodies in built sites: the site's Markdown extensions never see them, hostile ones still build.

Each test builds a real site with ``mkdocs build`` and reads the pages with an HTML parser.
"""

from __future__ import annotations

from pathlib import Path

from chatmode_registry.render.body import MAX_DEPTH
from chatmode_registry.render.sanitize import BODY_CLASSES, LANGUAGE_CLASS
from conftest import build, write_project
from sitehtml import Element, content, read_page


def mode(name: str, body: str) -> str:
    """A chat mode file with a description and ``body``."""
    return f"---\ndescription: {name} mode.\n---\n\n{body}"


def body_of(site: Path, slug: str) -> Element:
    """The rendered body of a chat mode page."""
    body = content(read_page(site, f"catalog/{slug}/")).find(cls="cmr-body")
    assert body is not None
    return body


def test_a_site_without_markdown_extensions_renders_fenced_code_as_code(make_project) -> None:
    project = make_project(
        {"coder.chatmode.md": mode("Coder", "# Coder\n\n```python\nprint('hi')\n```\n\n~~~\nplain\n~~~\n")},
        config={"markdown_extensions": None},
    )
    result = build(project)
    assert result.ok, result.log
    assert "markdown_extensions" not in (project / "mkdocs.yml").read_text(encoding="utf-8")
    body = body_of(result.site, "coder")
    blocks = body.find_all("div", cls="highlight")
    assert [block.find("code").text() for block in blocks] == ["print('hi')\n", "plain\n"]
    assert "language-python" in blocks[0].classes
    assert "```" not in body.text()


#: A Python-Markdown extension and a superfences custom fence that write down every text they
#: are given (as a code-executing fence such as markdown-exec would run it).
RECORDER = """
from pathlib import Path

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

LOG = Path(__file__).with_name("seen.log")


def record(kind, text):
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"--- {kind}\\n{text}\\n")


class Recorder(Preprocessor):
    def run(self, lines):
        record("markdown", "\\n".join(lines))
        return lines


class RecorderExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Recorder(md), "recorder", 100)


def makeExtension(**kwargs):
    return RecorderExtension(**kwargs)


def exec_fence(source, language, css_class, options, md, **kwargs):
    record("fence", source)
    return "<pre>EXECUTED</pre>"
"""

RECORDING_EXTENSIONS = """markdown_extensions:
  - recorder_ext
  - pymdownx.superfences:
      custom_fences:
        - name: python
          class: python
          format: !!python/name:recorder_ext.exec_fence
"""

BODY_MARKER = "BODY-MARKER-7f3a"
EXEC_BODY = (
    f"# Runner\n\n{BODY_MARKER}\n\n"
    '```python exec="on"\n'
    "print('RAN-' + 'CODE')\n"
    "```\n\n"
    '--8<-- "../secret.txt"\n'
)
DOCS_PAGE = "# Docs\n\nDOCS-MARKER\n\n```python\nprint('docs fence')\n```\n"


def recording_project(root: Path, modes: dict[str, str], **options) -> Path:
    """A project whose site extensions record every text they see (in ``seen.log``)."""
    project = write_project(
        root, modes, config={"markdown_extensions": None}, docs={"page.md": DOCS_PAGE}, **options
    )
    (project / "recorder_ext.py").write_text(RECORDER, encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(RECORDING_EXTENSIONS)
    return project


def test_site_extensions_that_execute_or_include_never_see_a_body(tmp_path: Path) -> None:
    project = recording_project(tmp_path / "project", {"runner.chatmode.md": mode("Runner", EXEC_BODY)})
    result = build(project, env={"PYTHONPATH": str(project)})
    assert result.ok, result.log
    seen = (project / "seen.log").read_text(encoding="utf-8")
    # The recorders did run, on the site's own page: they would have seen a body too.
    assert "DOCS-MARKER" in seen and "print('docs fence')" in seen
    assert "EXECUTED" in read_page(result.site, "page/").text()
    # ... but never a chat mode body.
    assert BODY_MARKER not in seen and "RAN-" not in seen
    body = body_of(result.site, "runner")
    assert "EXECUTED" not in body.text()
    assert body.find("code").text() == "print('RAN-' + 'CODE')\n"
    assert '--8<-- "../secret.txt"' in body.text()


THEME_TRIGGERS = """# Triggers

<pre class="mermaid">graph TD; A-->B</pre>

<div class="mermaid arithmatex md-annotation md-typeset__scrollwrap tabbed-set annotate cm-graph cm-node">x</div>

<a class="md-button md-button--primary cmr-install cmr-copy chatmodes-entry" href="https://evil.example/" data-cmr-copy="cmr-raw">Install in VS Code</a>

<ul><li data-chatmode="fake" class="cmr-entry">fake entry</li></ul>

```mermaid
graph TD; A-->B
```
"""


def test_no_class_a_theme_or_the_registry_acts_on_survives_a_body(make_project) -> None:
    project = make_project({"triggers.chatmode.md": mode("Triggers", THEME_TRIGGERS)})
    result = build(project)
    assert result.ok, result.log
    body = body_of(result.site, "triggers")
    classes = {name for element in body.iter() for name in element.classes}
    assert all(name in BODY_CLASSES or LANGUAGE_CLASS.fullmatch(name) for name in classes), classes
    for element in body.iter():
        assert not any(name.startswith("data-") for name in element.attrs), element
    page = read_page(result.site, "catalog/triggers/")
    # Material would load mermaid.js from a CDN for any ".mermaid" element of the page.
    assert page.find(cls="mermaid") is None
    assert not [a for a in body.find_all("a") if a.classes & {"md-button", "cmr-install"}]
    assert "fake entry" in body.text() and "graph TD; A-->B" in body.text()


HOSTILE_BODIES = {
    "quotes.chatmode.md": ">" * 10_000 + " deep quote\n",
    "bullets.chatmode.md": "".join("  " * level + "- item\n" for level in range(300))
    + "- " * 10_000
    + "deep list\n",
    "numbers.chatmode.md": "1. " * 10_000 + "deep numbers\n",
    "long-line.chatmode.md": "# Long\n\n" + "word " * 200_000 + "\n",
    "backticks.chatmode.md": "`" * 100_000 + "\n",
    "brackets.chatmode.md": "[" * 16_000 + "x\n",
    "html-nesting.chatmode.md": "<div>\n" + "<ul><li>" * 10_000 + "deep html\n",
    "comments.chatmode.md": "<div>\n" + "<!--" * 20_000 + "\n",
}


def test_hostile_markdown_builds_and_every_other_mode_publishes(tmp_path: Path) -> None:
    modes = {name: mode(name.split(".")[0], text) for name, text in HOSTILE_BODIES.items()}
    modes["clean.chatmode.md"] = mode("Clean", "# Clean\n\nStill *here*.\n")
    # A 1 MB line needs a larger file limit than the default.
    project = recording_project(tmp_path / "project", modes, plugin_options={"max_bytes": 2 * 1024 * 1024})
    result = build(project, env={"PYTHONPATH": str(project)})
    assert result.ok, result.log
    for name in modes:
        slug = name.split(".")[0]
        assert (result.site / "catalog" / slug / "index.html").is_file(), slug
    assert "Still here." in body_of(result.site, "clean").text()
    assert "deep quote" in body_of(result.site, "quotes").text()
    assert "deep html" in body_of(result.site, "html-nesting").text()
    assert body_of(result.site, "long-line").text().count("word") == 200_000
    # Python-Markdown (whose bracket matching is quadratic) never sees a body.
    seen = (project / "seen.log").read_text(encoding="utf-8")
    assert "DOCS-MARKER" in seen
    assert "[" * 100 not in seen and "deep quote" not in seen


def test_deep_bodies_stay_within_the_depth_bound_on_the_page(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "project", {"quotes.chatmode.md": mode("Quotes", ">" * 10_000 + " x\n")}
    )
    result = build(project)
    assert result.ok, result.log
    body = body_of(result.site, "quotes")
    depth = 0
    element = body.find("blockquote")
    while element is not None:
        depth += 1
        element = element.find("blockquote")
    assert 10 < depth <= MAX_DEPTH

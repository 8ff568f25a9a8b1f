"""The ``chatmodes`` MkDocs plugin, tested through real builds of small projects.

Every test builds a site with the ``mkdocs`` command line (see ``conftest.build``) and reads
the result with an HTML parser (``sitehtml``): what a reader or a script gets, not what the
plugin meant to write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from chatmode_registry.core.git import parse_log
from conftest import CLEAN_MODES, SITE_URL, BuildResult, build
from html_safety import find_active_content, inline_scripts
from sitehtml import Element, content, page_path, parse, read_page, resolve

SLUGS = {"alpha", "beta", "gamma"}


def section(document: Element, anchor: str) -> list[Element]:
    """The elements after the heading ``id=anchor`` up to the next ``h2``."""
    article = content(document)
    heading = article.find(id=anchor)
    assert heading is not None, f"no #{anchor}"
    siblings = [child for child in heading.parent.children if isinstance(child, Element)]
    start = siblings.index(heading)
    result = []
    for element in siblings[start + 1 :]:
        if element.tag == "h2":
            break
        result.append(element)
    return result


def links_in(elements: list[Element]) -> list[str]:
    """Every ``href`` inside the given elements."""
    return [
        a.get("href")
        for element in elements
        for a in [element, *element.iter()]
        if a.tag == "a" and a.get("href")
    ]


def catalog_json(result: BuildResult) -> dict:
    return json.loads((result.site / "catalog.json").read_text(encoding="utf-8"))


# --- the index -----------------------------------------------------------------------------


def test_index_has_one_entry_per_chatmode_and_a_search_box(clean_build: BuildResult) -> None:
    document = read_page(clean_build.site, "catalog/")
    article = content(document)
    entries = article.find_all(data_chatmode=True)
    assert sorted(entry.get("data-chatmode") for entry in entries) == sorted(SLUGS)
    assert article.find("input", type="search") is not None
    for entry in entries:
        link = entry.find("a")
        target = resolve("catalog/", link.get("href"))
        assert target == f"catalog/{entry.get('data-chatmode')}/"
        assert page_path(clean_build.site, target).is_file()
    alpha = next(entry for entry in entries if entry.get("data-chatmode") == "alpha")
    assert "Plans the work" in alpha.text()
    assert [chip.text() for chip in alpha.find("ul").find_all("li")] == ["search/codebase", "edit/editFiles"]
    assert "GPT-5.2" in alpha.find("small").text()


def test_index_facets_count_tools_and_models(clean_build: BuildResult) -> None:
    article = content(read_page(clean_build.site, "catalog/"))
    tool_facet = article.find(data_cmr_facet="tool")
    counts = {
        label.find("input").get("value"): int(label.find(cls="cmr-count").text())
        for label in tool_facet.find_all("label")
    }
    assert counts == {"edit/editFiles": 2, "search": 2, "search/codebase": 1}
    model_facet = article.find(data_cmr_facet="model")
    assert {label.find("input").get("value") for label in model_facet.find_all("label")} == {
        "GPT-5.2",
        "Claude Sonnet 4.5",
    }


def test_index_entries_stay_small(clean_build: BuildResult) -> None:
    html = (clean_build.site / "catalog" / "index.html").read_text(encoding="utf-8")
    for slug in SLUGS:
        start = html.index(f'<li data-chatmode="{slug}"')
        end = html.index("</li>\n", start)
        # No bodies in the index: an entry is its header fields plus a little markup.
        assert len(html[start:end].encode()) < 600, slug


# --- chat mode pages ------------------------------------------------------------------------


def test_every_chatmode_has_a_page_with_its_metadata(clean_build: BuildResult) -> None:
    beta = read_page(clean_build.site, "catalog/beta/")
    article = content(beta)
    assert article.find("h1").text() == "Beta"
    assert beta.find("title").text().startswith("Beta")
    # The description is said once, under the title (not again among the details).
    assert article.find(cls="cmr-description").text() == "Implements plans."
    details = " ".join(element.text() for element in section(beta, "cmr-details"))
    assert "Implements plans." not in details
    for expected in (
        "Claude Sonnet 4.5",
        "What should be built?",
        "vscode",
        "beta.agent.md",
    ):
        assert expected in details
    tool_links = [link for link in links_in(section(beta, "cmr-details")) if "tools/" in link]
    assert tool_links, "tools link to the tools page"
    tools_page = read_page(clean_build.site, "catalog/tools/")
    for link in tool_links:
        assert resolve("catalog/beta/", link) == "catalog/tools/"
        assert content(tools_page).find(id=link.split("#", 1)[1]) is not None


def test_switches_to_and_reached_from_link_both_ways(clean_build: BuildResult) -> None:
    alpha = read_page(clean_build.site, "catalog/alpha/")
    outgoing = {resolve("catalog/alpha/", href) for href in links_in(section(alpha, "cmr-switches"))}
    assert outgoing == {"catalog/beta/", "catalog/gamma/"}
    switches_text = " ".join(element.text() for element in section(alpha, "cmr-switches"))
    assert "Build it" in switches_text and "Implement the plan." in switches_text

    beta = read_page(clean_build.site, "catalog/beta/")
    incoming = {resolve("catalog/beta/", href) for href in links_in(section(beta, "cmr-reached"))}
    assert incoming == {"catalog/alpha/"}
    gamma = read_page(clean_build.site, "catalog/gamma/")
    assert {resolve("catalog/gamma/", href) for href in links_in(section(gamma, "cmr-reached"))} == {
        "catalog/alpha/"
    }


def test_neighbourhood_graph_links_the_neighbours(clean_build: BuildResult) -> None:
    alpha = read_page(clean_build.site, "catalog/alpha/")
    svgs = [
        element
        for part in section(alpha, "cmr-neighbourhood")
        for element in [part, *part.iter()]
        if element.tag == "svg"
    ]
    assert svgs
    targets = {resolve("catalog/alpha/", a.get("xlink:href")) for svg in svgs for a in svg.find_all("a")}
    assert {"catalog/beta/", "catalog/gamma/"} <= targets


def test_body_is_rendered_as_github_does_below_the_page_headings(clean_build: BuildResult) -> None:
    alpha = read_page(clean_build.site, "catalog/alpha/")
    body = content(alpha).find(cls="cmr-body")
    # GitHub's alert syntax becomes a Material admonition.
    note = body.find(cls="admonition")
    assert note is not None and "note" in note.classes
    assert note.find(cls="admonition-title").text() == "Note" and "Keep plans short." in note.text()
    # The body's "# Alpha Chat Mode" sits below the page's own h1/h2 headings, with an id
    # and a permalink, and is listed in the page's table of contents under "Instructions".
    heading = body.find("h3")
    assert body.find("h1") is None and heading.text().startswith("Alpha Chat Mode")
    assert heading.get("id") == "alpha-chat-mode"
    assert heading.find("a", cls="headerlink").get("href") == "#alpha-chat-mode"
    toc = alpha.find(cls="md-sidebar--secondary")
    entries = [a for a in toc.find_all("a", cls="md-nav__link") if (a.get("href") or "").startswith("#")]
    hrefs = [a.get("href") for a in entries]
    assert "#cmr-switches" in hrefs and "#alpha-chat-mode" in hrefs
    assert hrefs.index("#cmr-instructions") < hrefs.index("#alpha-chat-mode") < hrefs.index("#cmr-source")
    instructions = next(a for a in entries if a.get("href") == "#cmr-instructions")
    nested = instructions.parent.find("nav")
    assert nested is not None and nested.find("a", href="#alpha-chat-mode") is not None


def test_copy_button_download_link_and_embedded_source(clean_build: BuildResult) -> None:
    beta = read_page(clean_build.site, "catalog/beta/")
    article = content(beta)
    button = article.find("button", data_cmr_copy=True)
    assert button.text().strip().startswith("Copy chatmode")
    # The accessible name keeps the contract's prefix and names the file as what it is (#25).
    assert button.get("aria-label") == "Copy chatmode (agent file)"
    assert " ".join(button.text().split()) == "Copy chatmode (agent file)"
    alpha = content(read_page(clean_build.site, "catalog/alpha/")).find("button", data_cmr_copy=True)
    assert alpha.get("aria-label") == "Copy chatmode file"
    holder = article.find(id=button.get("data-cmr-copy"))
    assert holder.tag == "script" and holder.get("type") == "application/json"
    source = Path(clean_build.site.parent / "chatmodes" / "beta.agent.md").read_bytes()
    assert json.loads(holder.text()) == source.decode("utf-8")
    download = article.find("a", download=True)
    assert download.get("download") == "beta.agent.md"
    assert (clean_build.site / resolve("catalog/beta/", download.get("href"))).read_bytes() == source


def test_install_links_follow_vscode_format(clean_build: BuildResult) -> None:
    for slug, suffix, kind in (("alpha", ".chatmode.md", "chat-mode"), ("beta", ".agent.md", "chat-agent")):
        article = content(read_page(clean_build.site, f"catalog/{slug}/"))
        hrefs = [a.get("href") for a in article.find_all("a", cls="cmr-install")]
        raw = f"{SITE_URL}catalog/{slug}/{slug}{suffix}"
        stable = [h for h in hrefs if h.startswith("https://vscode.dev/redirect?url=")]
        insiders = [h for h in hrefs if h.startswith("https://insiders.vscode.dev/redirect?url=")]
        assert len(stable) == 1 and len(insiders) == 1
        assert parse_qs(urlsplit(stable[0]).query)["url"] == [f"vscode:{kind}/install?url={raw}"]
        assert parse_qs(urlsplit(insiders[0]).query)["url"] == [f"vscode-insiders:{kind}/install?url={raw}"]
        # The inner URL is encoded as a whole, as VS Code's own badges do.
        assert ":" not in stable[0].split("url=", 1)[1]


def test_raw_files_are_published_byte_for_byte(make_project) -> None:
    crlf_with_bom = b"\xef\xbb\xbf---\r\ndescription: Windows file.\r\ntools: ['search']\r\n---\r\n\r\n# Windows\r\n\r\nText.\r\n"
    project = make_project({**CLEAN_MODES, "Windows File (v2).chatmode.md": crlf_with_bom})
    result = build(project)
    assert result.ok, result.log
    data = catalog_json(result)
    by_slug = {entry["slug"]: entry for entry in data["chatmodes"]}
    for entry in data["chatmodes"]:
        original = (project / "chatmodes" / entry["source"]).read_bytes()
        published = (result.site / unquote(entry["raw_url"])).read_bytes()
        assert published == original
        assert hashlib.sha256(published).hexdigest() == entry["sha256"]
        assert entry["bytes"] == len(original)
        assert page_path(result.site, unquote(entry["url"])).is_file()
    windows = by_slug["windows-file-v2"]
    assert windows["raw_url"] == "catalog/windows-file-v2/windows-file-v2.chatmode.md"
    article = content(read_page(result.site, windows["url"]))
    # The copy button copies the exact text: BOM and CRLF survive in the embedded JSON.
    holder = article.find(id=article.find("button", data_cmr_copy=True).get("data-cmr-copy"))
    assert json.loads(holder.text()) == crlf_with_bom.decode("utf-8")
    assert article.find("a", download=True).get("download") == "Windows File (v2).chatmode.md"
    # The raw .md file is a static file, not a page.
    assert not (
        result.site / "catalog" / "windows-file-v2" / "windows-file-v2.chatmode" / "index.html"
    ).exists()


def test_catalog_json_describes_the_build(clean_build: BuildResult) -> None:
    data = catalog_json(clean_build)
    assert data["schema"] == 1
    assert data["site_url"] == SITE_URL
    assert data["rejected"] == []
    by_slug = {entry["slug"]: entry for entry in data["chatmodes"]}
    assert set(by_slug) == SLUGS
    alpha = by_slug["alpha"]
    assert alpha["name"] == "Alpha" and alpha["model"] == "GPT-5.2"
    assert alpha["tools"] == ["search/codebase", "edit/editFiles"]
    assert alpha["source"] == "alpha.chatmode.md"
    assert alpha["url"] == "catalog/alpha/"
    assert {(t["target"], t["via"]) for t in alpha["transitions"]} == {
        ("beta", "handoff"),
        ("gamma", "prose"),
    }
    assert by_slug["gamma"]["source"] == "sub/gamma.chatmode.md"


def test_graph_page_links_every_chatmode(clean_build: BuildResult) -> None:
    article = content(read_page(clean_build.site, "catalog/graph/"))
    svgs = article.find_all("svg")
    assert svgs
    links = [a for svg in svgs for a in svg.find_all("a")]
    targets = [resolve("catalog/graph/", a.get("xlink:href")) for a in links]
    assert sorted(targets) == sorted(f"catalog/{slug}/" for slug in SLUGS)
    assert article.find(cls="cmr-edge") is not None
    # No plain href inside SVG: Material's instant navigation assigns element.href for every
    # [href] of a page it loads, which throws on SVG links and leaves the old page showing.
    assert all(a.get("href") is None for a in links)


def test_tools_and_models_pages_list_their_chatmodes(clean_build: BuildResult) -> None:
    tools = content(read_page(clean_build.site, "catalog/tools/"))
    headings = {heading.find("code").text(): heading for heading in tools.find_all("h2")}
    assert set(headings) == {"search/codebase", "edit/editFiles", "search"}
    users = headings["edit/editFiles"]
    following = users.parent.children[users.parent.children.index(users) + 1 :]
    users_paragraph = next(e for e in following if isinstance(e, Element) and "cmr-users" in e.classes)
    assert {resolve("catalog/tools/", a.get("href")) for a in users_paragraph.find_all("a")} == {
        "catalog/alpha/",
        "catalog/beta/",
    }
    models = content(read_page(clean_build.site, "catalog/models/"))
    assert {heading.find("code").text() for heading in models.find_all("h2")} == {
        "GPT-5.2",
        "Claude Sonnet 4.5",
    }


def test_report_page_says_there_is_nothing_to_report(clean_build: BuildResult) -> None:
    article = content(read_page(clean_build.site, "catalog/report/"))
    assert "No problems found" in article.text()


# --- navigation -----------------------------------------------------------------------------


def nav_targets(result: BuildResult, page: str = "") -> set[str]:
    """Site-root URLs the primary navigation of ``page`` links to."""
    document = read_page(result.site, page)
    primary = document.find("nav", cls="md-nav--primary")
    return {
        resolve(page, a.get("href"))
        for a in primary.find_all("a")
        if a.get("href") and not a.get("href").startswith("#")
    }


def test_mode_pages_stay_out_of_the_generated_nav(clean_build: BuildResult) -> None:
    targets = nav_targets(clean_build)
    assert {"catalog/", "catalog/graph/", "catalog/tools/", "catalog/report/"} <= targets
    assert not {f"catalog/{slug}/" for slug in SLUGS} & targets


def test_catalog_is_appended_to_an_explicit_nav(make_project) -> None:
    project = make_project(
        config={"nav": [{"Home": "index.md"}, {"About": "about.md"}]}, docs={"about.md": "# About\n"}
    )
    result = build(project, strict=True)
    assert result.ok, result.log
    targets = nav_targets(result)
    assert {"", "about/", "catalog/", "catalog/graph/", "catalog/tools/", "catalog/report/"} <= targets
    assert not {f"catalog/{slug}/" for slug in SLUGS} & targets


def test_nav_option_off_keeps_the_catalog_out_of_the_nav(make_project) -> None:
    result = build(make_project(plugin_options={"nav": False}), strict=True)
    assert result.ok, result.log
    assert not any(target.startswith("catalog/") for target in nav_targets(result))
    assert page_path(result.site, "catalog/").is_file()


# --- diagnostics and strictness -----------------------------------------------------------


BROKEN_NEIGHBOUR = """\
---
description: Points at a chat mode that does not exist.
tools: ['search']
---

# Delta

Switch to **Nowhere Engineer** chatmode to finish.
"""


def test_strict_build_fails_on_a_warning_and_plain_build_succeeds(make_project) -> None:
    legacy_tool = "---\ndescription: Uses an old tool name.\ntools: ['codebase']\n---\n\n# Old\n"
    project = make_project({**CLEAN_MODES, "old.chatmode.md": legacy_tool})
    strict = build(project, strict=True)
    assert not strict.ok
    assert strict.messages() == [
        "chatmode_registry: old.chatmode.md:3: CM106 warning: tool 'codebase' was renamed: "
        "VS Code reads it as 'search/codebase'; use 'search/codebase' (chatmodes fix renames it)"
    ]
    plain = build(project)
    assert plain.ok, plain.log
    assert page_path(plain.site, "catalog/old/").is_file()
    tools = content(read_page(plain.site, "catalog/tools/"))
    codebase = next(h for h in tools.find_all("h2") if h.find("code").text() == "codebase")
    assert "cmr-tool--deprecated" in codebase.classes
    following = codebase.parent.children[codebase.parent.children.index(codebase) + 1 :]
    note = next(e for e in following if isinstance(e, Element) and "cmr-deprecation" in e.classes)
    assert "search/codebase" in note.text()


def test_dangling_transition_is_shown_and_the_page_still_exists(make_project) -> None:
    project = make_project({**CLEAN_MODES, "delta.chatmode.md": BROKEN_NEIGHBOUR})
    assert not build(project, strict=True).ok
    result = build(project)
    assert result.ok, result.log
    assert result.messages() == [
        "chatmode_registry: delta.chatmode.md:8: CM302 error: transition to 'Nowhere Engineer' matches no "
        "chat mode in the catalog, so add that chat mode, correct the name, or remove the transition"
    ]
    delta = read_page(result.site, "catalog/delta/")
    problems = " ".join(element.text() for element in section(delta, "cmr-problems"))
    assert "Nowhere Engineer" in problems and "error" in problems
    row = next(
        e for part in section(delta, "cmr-switches") for e in part.iter() if "cmr-link--dangling" in e.classes
    )
    assert "Nowhere Engineer" in row.text() and not row.find_all("a")
    index = content(read_page(result.site, "catalog/"))
    entry = index.find(data_chatmode="delta")
    assert entry.find(cls="cmr-badge--error") is not None
    report = content(read_page(result.site, "catalog/report/"))
    heading = next(h for h in report.find_all("h2") if h.text() == "delta.chatmode.md")
    following = heading.parent.children[heading.parent.children.index(heading) + 1 :]
    link = next(e for e in following if isinstance(e, Element)).find("a")
    assert resolve("catalog/report/", link.get("href")) == "catalog/delta/"
    assert "Nowhere Engineer" in report.text()


def test_rejected_file_gets_no_page_but_is_reported(make_project) -> None:
    project = make_project({**CLEAN_MODES, "broken.chatmode.md": "---\ntools: [unclosed\n---\n\n# Broken\n"})
    result = build(project)
    assert result.ok, result.log
    assert not page_path(result.site, "catalog/broken/").exists()
    assert [item["source"] for item in catalog_json(result)["rejected"]] == ["broken.chatmode.md"]
    report = content(read_page(result.site, "catalog/report/"))
    assert "broken.chatmode.md" in report.text() and "rejected" in report.text()


def test_missing_site_url_warns_once_and_leaves_out_install_links(make_project) -> None:
    project = make_project(config={"site_url": None})
    result = build(project)
    assert result.ok, result.log
    assert result.messages() == [
        "chatmode_registry: 'site_url' is not set: the catalog pages are built without install links"
    ]
    for slug in SLUGS:
        article = content(read_page(result.site, f"catalog/{slug}/"))
        assert not [a for a in article.find_all("a") if "vscode.dev" in (a.get("href") or "")]
    assert catalog_json(result)["site_url"] is None
    assert not build(project, strict=True).ok


def test_under_mike_absolute_links_point_into_the_version_folder(make_project) -> None:
    result = build(make_project(), env={"MIKE_DOCS_VERSION": "1.2"})
    assert result.ok, result.log
    assert catalog_json(result)["site_url"] == SITE_URL + "1.2/"
    article = content(read_page(result.site, "catalog/alpha/"))
    stable = next(a.get("href") for a in article.find_all("a", cls="cmr-install"))
    inner = parse_qs(urlsplit(stable).query)["url"][0]
    assert inner == f"vscode:chat-mode/install?url={SITE_URL}1.2/catalog/alpha/alpha.chatmode.md"


# --- escaping -----------------------------------------------------------------------------


HOSTILE = """\
---
name: "</title><script>alert(0)</script><img src=x onerror=alert(1)>Evil & Co"
description: "</p><script>alert('description')</script>"
tools: ['search', '<b onmouseover=alert(1)>tool</b>']
model: "<svg onload=alert(1)>"
argument-hint: "<iframe src=javascript:alert(1)>"
---

# <script>alert('heading')</script> Heading

<script>alert('body')</script>
<a href="javascript:alert(1)">click</a>
<img src="x" onerror="alert(1)">

## <img src=x onerror=alert(2)> Second heading

Switch to **<i onclick=alert(3)>Alpha</i>** chatmode to escape.
"""


def test_hostile_strings_are_escaped_everywhere(make_project, clean_build: BuildResult) -> None:
    # The theme's own inline scripts, as a build without hostile content writes them.
    theme_scripts = {
        text
        for page in clean_build.site.rglob("*.html")
        for text in inline_scripts(page.read_text(encoding="utf-8"))
    }
    project = make_project({**CLEAN_MODES, "evil.chatmode.md": HOSTILE})
    result = build(project)
    assert result.ok, result.log
    slug = next(
        entry["slug"] for entry in catalog_json(result)["chatmodes"] if entry["source"] == "evil.chatmode.md"
    )
    pages = [
        "",
        "catalog/",
        f"catalog/{slug}/",
        "catalog/graph/",
        "catalog/tools/",
        "catalog/models/",
        "catalog/report/",
    ]
    for url in pages:
        html = page_path(result.site, url).read_text(encoding="utf-8")
        findings = find_active_content(
            html,
            script_src_trusted=lambda src: not src.startswith(("javascript:", "data:", "http")),
            trusted_inline_scripts=theme_scripts,
        )
        assert findings == [], (url, findings)
    document = read_page(result.site, f"catalog/{slug}/")
    # Title, h1 and TOC carry the name as text, never as markup.
    name = "</title><script>alert(0)</script><img src=x onerror=alert(1)>Evil & Co"
    assert document.find("title").text().startswith(name)
    assert content(document).find("h1").text() == name
    assert content(document).find("img", onerror=True) is None
    for link in document.find_all("a", cls="md-nav__link"):
        assert not link.find_all("img") and not link.find_all("script")


def test_body_cannot_include_local_files(make_project, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE\n", encoding="utf-8")
    body = (
        f'---\ndescription: Tries to read a file.\ntools: ["search"]\n---\n\n# Reader\n\n--8<-- "{secret}"\n'
    )
    project = make_project(
        {"reader.chatmode.md": body},
        config={
            "markdown_extensions": [
                {"pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": False}}
            ]
        },
    )
    result = build(project)
    assert result.ok, result.log
    assert (
        "TOP-SECRET-VALUE"
        not in content(read_page(result.site, "catalog/reader/")).find(cls="cmr-body").text()
    )


# --- themes, other tools ----------------------------------------------------------------------


def test_templates_can_be_overridden_from_the_theme_custom_dir(make_project) -> None:
    override = (
        '<h1>{{ name }}</h1><p class="site-override" data-slug="{{ mode.slug }}">{{ description }}</p>'
        '<button type="button" data-cmr-copy="cmr-raw">Copy chatmode file</button>'
        '<script type="application/json" id="cmr-raw">{{ raw_json }}</script>'
    )
    modes = {
        **CLEAN_MODES,
        "tricky.chatmode.md": '---\ndescription: "<b>bold</b> & more"\ntools: ["search"]\n---\n# Tricky\n',
    }
    project = make_project(
        modes,
        config={"theme": {"name": "material", "font": False, "custom_dir": "overrides"}},
        files={"overrides/chatmodes/mode.html": override},
    )
    result = build(project)
    assert result.ok, result.log
    article = content(read_page(result.site, "catalog/tricky/"))
    marker = article.find(cls="site-override")
    assert marker is not None and marker.get("data-slug") == "tricky"
    # The override renders in the plugin's autoescaping environment too.
    assert marker.text() == "<b>bold</b> & more" and marker.find("b") is None
    # Templates that were not overridden still come from the package.
    assert content(read_page(result.site, "catalog/")).find(data_chatmode="tricky") is not None


def test_edit_link_and_last_updated_date_from_git(make_project) -> None:
    project = make_project(
        config={"repo_url": "https://github.com/example/registry", "edit_uri": "edit/main/docs/"}
    )
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run([*git, "-C", str(project), "add", "chatmodes"], check=True)
    subprocess.run(
        [*git, "-C", str(project), "commit", "-q", "-m", "modes"],
        check=True,
        env={
            "GIT_COMMITTER_DATE": "2024-05-06T07:08:09+00:00",
            "GIT_AUTHOR_DATE": "2024-05-06T07:08:09+00:00",
            "PATH": "/usr/bin:/bin",
        },
    )
    result = build(project)
    assert result.ok, result.log
    article = content(read_page(result.site, "catalog/gamma/"))
    time = article.find("time")
    assert time.get("datetime") == "2024-05-06T07:08:09+00:00" and time.text() == "2024-05-06"
    edit = [a.get("href") for a in article.find_all("a") if a.text().strip() == "Edit this file"]
    assert edit == ["https://github.com/example/registry/edit/main/chatmodes/sub/gamma.chatmode.md"]


def test_git_log_parsing_keeps_the_newest_date_per_file() -> None:
    def raw(old: str, new: str, status: str) -> str:
        return f"\n:100644 100644 {old * 40} {new * 40} {status}"

    output = "\0".join(
        [
            "\x012024-03-03T00:00:00+00:00",
            "1" * 40 + " " + "2" * 40,  # a merge: its files get no date
            raw("b", "c", "M"),
            "a b.chatmode.md",
            "\x012024-02-02T00:00:00+00:00",
            "3" * 40,
            raw("a", "b", "M"),
            "a b.chatmode.md",
            "\x012024-01-01T00:00:00+00:00",
            "",
            raw("0", "a", "A"),
            "a b.chatmode.md",
            raw("0", "d", "A"),
            "sub/c.agent.md",
            "",
        ]
    )
    log = parse_log(output)
    assert log.dates == {
        "a b.chatmode.md": "2024-02-02T00:00:00+00:00",
        "sub/c.agent.md": "2024-01-01T00:00:00+00:00",
    }
    assert log.blobs == {"a b.chatmode.md": ["c" * 40, "b" * 40, "a" * 40], "sub/c.agent.md": ["d" * 40]}


def test_assets_are_published_and_referenced(clean_build: BuildResult) -> None:
    document = read_page(clean_build.site, "catalog/")
    scripts = {resolve("catalog/", s.get("src")) for s in document.find_all("script") if s.get("src")}
    styles = {resolve("catalog/", link.get("href")) for link in document.find_all("link", rel="stylesheet")}
    assert "assets/chatmodes/chatmodes.js" in scripts
    assert "assets/chatmodes/chatmodes.css" in styles
    assert "document$" in (clean_build.site / "assets/chatmodes/chatmodes.js").read_text(encoding="utf-8")
    assert ".cmr-graph" in (clean_build.site / "assets/chatmodes/chatmodes.css").read_text(encoding="utf-8")


def test_serve_watches_the_source_folder(make_project) -> None:
    from mkdocs.config import load_config

    project = make_project()
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["chatmodes"]
    config = config.plugins.on_config(config)

    class Server:
        watched: ClassVar[list[str]] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)
    assert server.watched == [str((project / "chatmodes").resolve())]


def test_plugin_is_registered_for_mkdocs_and_properdocs() -> None:
    for group in ("mkdocs.plugins", "properdocs.plugins"):
        (entry,) = [e for e in entry_points(group=group) if e.name == "chatmodes"]
        assert entry.value == "chatmode_registry.mkdocs.plugin:ChatmodesPlugin"


def test_properdocs_builds_the_same_catalog(make_project) -> None:
    pytest.importorskip("properdocs")
    project = make_project()
    result = build(project, command="properdocs", strict=True)
    assert result.ok, result.log
    document = read_page(result.site, "catalog/")
    assert sorted(e.get("data-chatmode") for e in content(document).find_all(data_chatmode=True)) == sorted(
        SLUGS
    )
    assert (result.site / "catalog/beta/beta.agent.md").read_bytes() == (
        project / "chatmodes/beta.agent.md"
    ).read_bytes()


def test_parse_helper_reads_nested_markup() -> None:
    tree = parse('<div><p class="a b">x<br>y</p><input type="search"></div>')
    assert tree.find("p", cls="b").text() == "xy"
    assert tree.find("input", type="search") is not None


# --- baseline: what a build changes -------------------------------------------------------


def test_baseline_gives_changes_json_a_changes_page_and_preview_banners(make_project, tmp_path: Path) -> None:
    first = build(make_project())
    assert first.ok, first.log
    baseline = tmp_path / "published"
    first.site.rename(baseline)

    modes = {name: text for name, text in CLEAN_MODES.items() if name != "sub/gamma.chatmode.md"}
    modes["alpha.chatmode.md"] = (
        CLEAN_MODES["alpha.chatmode.md"]
        .replace("Plans the work", "Plans all the work")
        .replace("tools: ['search/codebase', 'edit/editFiles']", "tools: ['search/codebase', 'web/fetch']")
        .replace("Switch to **Gamma** chatmode to review the result.\n", "")
    )
    modes["delta.chatmode.md"] = "---\ndescription: New here.\ntools: ['search']\n---\n\n# Delta\n"
    project = make_project(modes)
    result = build(project, env={"CHATMODES_BASELINE": str(baseline)}, strict=True)
    assert result.ok, result.log

    changes = json.loads((result.site / "changes.json").read_text(encoding="utf-8"))
    assert changes["added"] == ["delta"] and changes["removed"] == ["gamma"]
    assert [item["slug"] for item in changes["changed"]] == ["alpha"]
    assert {"description", "tools", "body", "transitions"} <= set(changes["changed"][0]["fields"])

    # The command line compares the same two catalogs the same way.
    report = subprocess.run(
        [
            sys.executable,
            "-m",
            "chatmode_registry.cli",
            "diff",
            str(baseline),
            str(result.site),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    cli = json.loads(report.stdout)
    assert (cli["added"], cli["removed"]) == (changes["added"], changes["removed"])
    assert [(item["slug"], item["fields"]) for item in cli["changed"]] == [
        (item["slug"], item["fields"]) for item in changes["changed"]
    ]
    markdown = subprocess.run(
        [sys.executable, "-m", "chatmode_registry.cli", "diff", str(baseline), str(result.site)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "delta" in markdown and "gamma" in markdown and "web/fetch" in markdown

    page = content(read_page(result.site, "catalog/changes/"))
    assert (
        resolve("catalog/changes/", page.find("li", data_slug="delta").find("a").get("href"))
        == "catalog/delta/"
    )
    assert "gamma" in page.find("li", data_slug="gamma").text()

    # The whole site says it is a preview; changed chat modes say what changed.
    for url in ("", "catalog/", "catalog/beta/"):
        banner = content(read_page(result.site, url)).find(cls="cmr-preview")
        assert banner is not None, url
        assert resolve(url, banner.find("a").get("href")) == "catalog/changes/"
    alpha = content(read_page(result.site, "catalog/alpha/")).find(cls="cmr-change")
    assert "description" in alpha.text()
    assert content(read_page(result.site, "catalog/beta/")).find(cls="cmr-change") is None
    index = content(read_page(result.site, "catalog/"))
    assert index.find(data_chatmode="delta").find(cls="cmr-badge--added") is not None
    assert "catalog/changes/" in nav_targets(result)


def test_baseline_option_and_unreadable_baseline(make_project, tmp_path: Path) -> None:
    project = make_project(plugin_options={"baseline": "missing/catalog.json"})
    result = build(project)
    assert result.ok, result.log
    assert result.messages() == [
        f"chatmode_registry: the baseline could not be read: {project / 'missing' / 'catalog.json'}: "
        "no such file or folder"
    ]
    assert not (result.site / "changes.json").exists()
    assert "could not be read" in content(read_page(result.site, "catalog/changes/")).text()
    # An empty CHATMODES_BASELINE turns the option off.
    quiet = build(project, env={"CHATMODES_BASELINE": ""}, strict=True)
    assert quiet.ok, quiet.log
    assert not page_path(quiet.site, "catalog/changes/").exists()
    assert content(read_page(quiet.site, "")).find(cls="cmr-preview") is None


def test_graph_page_of_a_catalog_over_the_limit_draws_boxes_only(make_project) -> None:
    result = build(make_project(plugin_options={"graph_limit": 2}), strict=True)
    assert result.ok, result.log
    article = content(read_page(result.site, "catalog/graph/"))
    links = [a for svg in article.find_all("svg") for a in svg.find_all("a")]
    assert sorted(resolve("catalog/graph/", a.get("xlink:href")) for a in links) == sorted(
        f"catalog/{slug}/" for slug in SLUGS
    )
    assert article.find(cls="cmr-edge") is None
    assert "Arrows left out" in article.text()
    # Chat mode pages still draw their neighbourhood with its arrows.
    alpha = read_page(result.site, "catalog/alpha/")
    assert any(part.find(cls="cmr-edge") for part in section(alpha, "cmr-neighbourhood"))


def test_log_lines_cannot_be_forged_by_file_names(make_project) -> None:
    name = "evil\n::error file=x.py::forged \x1b[31mred.chatmode.md"
    project = make_project({**CLEAN_MODES, name: "---\ntools: ['search']\n---\n\n# Evil\n"})
    result = build(project)
    assert result.ok, result.log
    assert [line for line in result.log.splitlines() if line.startswith("::")] == []
    assert "\x1b" not in result.log
    # Control characters make the name unpublishable (CM010): it is shown escaped, never read.
    assert result.messages() == [
        "chatmode_registry: evil\\n::error file=x.py::forged \\x1b[31mred.chatmode.md: CM010 error: "
        "the file name holds a control character U+000A: it cannot be published (or shown as it is); "
        "the file was not read: rename it with printable UTF-8 characters"
    ]


def test_search_indexes_titles_descriptions_and_bodies_only(clean_build: BuildResult) -> None:
    catalog = json.loads((clean_build.site / "catalog.json").read_text(encoding="utf-8"))
    docs = json.loads((clean_build.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    for entry in catalog["chatmodes"]:
        own = " ".join(doc["text"] for doc in docs if doc["location"].startswith(entry["url"]))
        others = " ".join(doc["text"] for doc in docs if not doc["location"].startswith(entry["url"]))
        assert entry["description"] in own
        # Metadata, source and copy data stay out of the index, on the page and everywhere else.
        assert entry["sha256"] not in own + others
        assert "cmr-raw" not in own + others
    index_text = " ".join(doc["text"] for doc in docs if doc["location"].split("#")[0] == "catalog/")
    assert not [entry["slug"] for entry in catalog["chatmodes"] if entry["description"] in index_text]


def test_blocks_held_back_from_search_are_back_on_every_page(clean_build: BuildResult) -> None:
    catalog = json.loads((clean_build.site / "catalog.json").read_text(encoding="utf-8"))
    for path in clean_build.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "cmr-late-" not in text, path
        # Search read a stand-in of each body; the page has the body itself, once.
        assert "cmr-stand-in" not in text, path
        if 'class="cmr-body"' in text:
            assert text.count('class="cmr-body"') == 1, path
            assert 'class="headerlink"' in text.split('class="cmr-body"')[1], path
    for entry in catalog["chatmodes"]:
        page = read_page(clean_build.site, entry["url"])
        assert entry["sha256"] in page.text()
        assert page.find("script", id="cmr-raw") is not None
    index = content(read_page(clean_build.site, "catalog/"))
    assert len(index.find_all(where=lambda element: element.get("data-chatmode") is not None)) == len(
        catalog["chatmodes"]
    )


def test_a_build_reads_the_git_history_once(make_project, tmp_path) -> None:
    project = make_project()
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-C", str(project)]
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    for text in ("first", "second"):
        (project / "chatmodes" / "beta.agent.md").write_text(
            f"---\ndescription: {text}\n---\n", encoding="utf-8"
        )
        subprocess.run([*git, "add", "chatmodes"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", text], check=True)
    # A git on PATH that records each subcommand (after -C FOLDER) before running the real one.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "git-calls"
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$3" >> "{calls}"\nexec {shutil.which("git")} "$@"\n')
    wrapper.chmod(0o755)
    result = build(project, env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert result.ok, result.log
    assert calls.read_text().split() == ["log", "cat-file"]
    beta = json.loads((result.site / "catalog.json").read_text(encoding="utf-8"))["chatmodes"]
    (entry,) = [mode for mode in beta if mode["slug"] == "beta"]
    assert entry["history"] == [hashlib.sha256(b"---\ndescription: first\n---\n").hexdigest()]

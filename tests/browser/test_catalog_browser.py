"""The catalog's script in a real browser: filter, facets, keyboard, copy, instant navigation.

Sites are built with the real plugin (``conftest.build``) and served on 127.0.0.1. The
server is started before the build so that ``site_url`` can be the served address: Material
only navigates "instantly" to URLs of its own sitemap.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import CLEAN_MODES, build, write_project

pytestmark = pytest.mark.browser

CRLF_WITH_BOM = (
    b"\xef\xbb\xbf---\r\ndescription: Written on Windows.\r\ntools: ['search/codebase']\r\n"
    b"model: GPT-5.2\r\n---\r\n\r\n# Windows\r\n\r\nSwitch to **Alpha** chatmode to plan.\r\n"
)


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> tuple[str, Path]:
    """The clean collection plus a CRLF/BOM file, built for the address it is served at.

    Built once for the module: the tests below only read the site.
    """
    root = tmp_path_factory.mktemp("small")
    site = root / "project" / "site"
    site.mkdir(parents=True)
    base_url = serve_site_for_session(site)
    project = write_project(
        root / "project",
        {**CLEAN_MODES, "windows.chatmode.md": CRLF_WITH_BOM},
        config={"site_url": base_url},
    )
    result = build(project)
    assert result.ok, result.log
    return base_url, project


def visible_slugs(page) -> list[str]:
    """The ``data-chatmode`` of every entry the reader can see."""
    return page.eval_on_selector_all(
        "li[data-chatmode]", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.chatmode)"
    )


def test_filter_box_and_facets_narrow_the_list(browser, served_site) -> None:
    base_url, _ = served_site
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "catalog/")
    search = page.locator("article input[type=search]")
    assert search.is_visible()
    assert sorted(visible_slugs(page)) == ["alpha", "beta", "gamma", "windows"]

    search.fill("implements")  # description of Beta only
    page.wait_for_function("document.querySelector('#cmr-status').textContent.includes('Showing 1 of 4')")
    assert visible_slugs(page) == ["beta"]
    search.fill("search/codebase")  # a tool
    page.wait_for_function("document.querySelector('#cmr-status').textContent.includes('Showing 2 of 4')")
    assert sorted(visible_slugs(page)) == ["alpha", "windows"]
    assert "filter=search%2Fcodebase" in page.url

    search.fill("")
    page.locator("[data-cmr-facet=model] summary").click()
    page.locator("[data-cmr-facet=model] input[value='GPT-5.2']").check()
    page.wait_for_function("document.querySelector('#cmr-status').textContent.includes('Showing 2 of 4')")
    assert sorted(visible_slugs(page)) == ["alpha", "windows"]
    # Tool counts follow the other filters: with GPT-5.2 selected, edit/editFiles is Alpha's only.
    count = page.locator("[data-cmr-facet=tool] label:has(input[value='edit/editFiles']) .cmr-count")
    assert count.text_content() == "1"

    page.locator(".cmr-filter__reset").click()
    page.wait_for_function("document.querySelector('#cmr-status').textContent.trim() === '4 chat modes'")
    assert len(visible_slugs(page)) == 4
    assert errors == []
    page.close()


def test_state_in_the_url_and_keyboard_moves(browser, served_site) -> None:
    base_url, _ = served_site
    page = browser.new_page()
    page.goto(base_url + "catalog/?tool=search")
    assert sorted(visible_slugs(page)) == ["beta", "gamma"]
    assert page.locator("[data-cmr-facet=tool] input[value='search']").is_checked()

    search = page.locator("article input[type=search]")
    search.fill("a")
    search.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('li[data-chatmode]').dataset.chatmode") == "beta"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('li[data-chatmode]').dataset.chatmode") == "gamma"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement === document.querySelector('article input[type=search]')")
    page.close()


def test_copy_button_copies_the_exact_file(browser, served_site) -> None:
    base_url, project = served_site
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = context.new_page()
    page.goto(base_url + "catalog/windows/")
    button = page.get_by_role("button", name="Copy chatmode")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('.cmr-copy-status').textContent.includes('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == (project / "chatmodes" / "windows.chatmode.md").read_bytes().decode("utf-8")
    assert "\r\n" in copied and copied.startswith("\ufeff")
    context.close()


def test_instant_navigation_sets_up_each_page(browser, served_site) -> None:
    base_url, _ = served_site
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "catalog/")
    page.evaluate("window.__samePage = true")
    page.locator("li[data-chatmode='alpha'] > div > a").click()
    page.wait_for_url(base_url + "catalog/alpha/")
    page.wait_for_function("document.querySelector('article h1').textContent.trim() === 'Alpha'")
    # Material swapped the content without a reload, and the script set the new page up.
    assert page.evaluate("window.__samePage === true")
    assert page.get_by_role("button", name="Copy chatmode").is_visible()
    # A page with inline SVG links (the neighbourhood graph) must not break the navigation.
    page.locator("article ul.cmr-links a", has_text="Beta").first.click()
    page.wait_for_url(base_url + "catalog/beta/")
    page.wait_for_function("document.querySelector('article h1').textContent.trim() === 'Beta'")
    assert page.evaluate("window.__samePage === true")
    assert errors == []
    page.close()


def test_without_javascript_every_entry_is_listed(browser, served_site) -> None:
    base_url, _ = served_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "catalog/")
    assert sorted(visible_slugs_without_script(page)) == ["alpha", "beta", "gamma", "windows"]
    assert not page.locator("article input[type=search]").is_visible()
    context.close()


def visible_slugs_without_script(page) -> list[str]:
    """Visible entries, read through Playwright (the page's own scripts are off)."""
    entries = page.locator("li[data-chatmode]")
    return [
        entries.nth(i).get_attribute("data-chatmode")
        for i in range(entries.count())
        if entries.nth(i).is_visible()
    ]


# ============================================================================ the registry's own
# chat modes, and a preview build, read through the watched ``page`` fixture (every request,
# console error and exception recorded; off-site requests aborted; screenshot on failure).

REPO_CHATMODES = Path(__file__).resolve().parents[2] / "chatmodes"

#: Material's light/dark palette with a toggle, as the registry's own mkdocs.yml has it.
PALETTE = [
    {
        "media": "(prefers-color-scheme: light)",
        "scheme": "default",
        "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"},
    },
    {
        "media": "(prefers-color-scheme: dark)",
        "scheme": "slate",
        "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"},
    },
]

#: The theme of the sites below: no Google Fonts, instant navigation, both palettes, and no
#: ``extra.version`` (outside mike its ``../versions.json`` is a 404; test_versions_browser.py
#: serves a real mike deployment instead).
THEME = {"name": "material", "font": False, "features": ["navigation.instant"], "palette": PALETTE}

#: Mounted like a GitHub Pages project site, so that links that forget the site's folder break.
MOUNT = "registry"


@dataclass
class Site:
    """A built site served on 127.0.0.1 below ``/registry/``, with its own ``catalog.json``."""

    base_url: str
    project: Path
    catalog: dict

    @property
    def folder(self) -> Path:
        """The built site."""
        return self.project / "site"

    @property
    def entries(self) -> dict[str, dict]:
        """Catalog entries by slug."""
        return {entry["slug"]: entry for entry in self.catalog["chatmodes"]}

    def source_bytes(self, slug: str) -> bytes:
        """The bytes of the chat mode's source file, as the author wrote them."""
        return (self.project / "chatmodes" / self.entries[slug]["source"]).read_bytes()

    def url(self, relative: str) -> str:
        """The absolute URL of a URL relative to the site root."""
        return self.base_url + relative


def allow_clipboard(context, site: Site) -> None:
    """Let pages of ``site`` read and write the clipboard (Copy buttons are checked by reading it)."""
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=site.base_url.split(f"/{MOUNT}/")[0]
    )


def build_served_site(
    root: Path,
    serve: Callable[..., str],
    modes: dict[str, str | bytes],
    *,
    env: dict[str, str] | None = None,
    plugin_options: dict[str, Any] | None = None,
) -> Site:
    """Serve ``root/project/site`` below ``/registry/``, then build it for that address.

    The server starts first so that ``site_url`` is the served URL: Material navigates
    "instantly" only within its sitemap, and the install links then point at files the
    test can fetch.
    """
    site = root / "project" / "site"
    site.mkdir(parents=True)
    base_url = serve(site, MOUNT)
    project = write_project(
        root / "project", modes, config={"site_url": base_url, "theme": THEME}, plugin_options=plugin_options
    )
    result = build(project, env=env)
    assert result.ok, result.log
    return Site(base_url, project, json.loads((site / "catalog.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> Site:
    """The registry's own ``chatmodes/`` folder, built with the test theme."""
    modes = {
        path.relative_to(REPO_CHATMODES).as_posix(): path.read_bytes()
        for path in REPO_CHATMODES.rglob("*.md")
    }
    assert modes, f"no chat modes in {REPO_CHATMODES}"
    return build_served_site(tmp_path_factory.mktemp("repo"), serve_site_for_session, modes)


#: The preview build's changes against the small collection (``served_site``): Gamma
#: removed, Beta's description changed, a file with an awkward name added.
ADDED_FILE = "Release notes (v2).chatmode.md"
PREVIEW_MODES: dict[str, str | bytes] = {
    **{name: text for name, text in CLEAN_MODES.items() if not name.endswith("gamma.chatmode.md")},
    "beta.agent.md": str(CLEAN_MODES["beta.agent.md"]).replace(
        "description: Implements plans.", "description: Implements plans, now with tests."
    ),
    "windows.chatmode.md": CRLF_WITH_BOM,
    ADDED_FILE: "---\ndescription: Writes release notes.\ntools: ['search']\n---\n# Release Notes\n\nShort.\n",
}


@pytest.fixture(scope="module")
def preview_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session, served_site) -> Site:
    """A preview build: ``PREVIEW_MODES`` compared with the small site's catalog.json
    through ``CHATMODES_BASELINE`` (as a pull-request build would be)."""
    _, small_project = served_site
    baseline = small_project / "site" / "catalog.json"
    return build_served_site(
        tmp_path_factory.mktemp("preview"),
        serve_site_for_session,
        PREVIEW_MODES,
        env={"CHATMODES_BASELINE": str(baseline)},
    )


def shown_slugs(page) -> list[str]:
    """Entries the reader can see: not hidden, and laid out (``display`` not ``none``)."""
    return page.eval_on_selector_all(
        "article li[data-chatmode]",
        "els => els.filter(e => e.getClientRects().length > 0).map(e => e.dataset.chatmode)",
    )


def models_of(entry: dict) -> list[str]:
    """An entry's ``model`` as a list (it is a string or a list in catalog.json)."""
    model = entry.get("model")
    if model is None:
        return []
    return [model] if isinstance(model, str) else list(model)


def expected_slugs(
    site: Site, text: str = "", tools: tuple[str, ...] = (), models: tuple[str, ...] = ()
) -> list[str]:
    """The filter's documented meaning, computed from catalog.json: every word of ``text`` in
    the name, description or tools (any case); every selected tool; any selected model."""
    found = []
    for entry in site.catalog["chatmodes"]:
        haystack = "\n".join([entry["name"], entry.get("description") or "", *entry["tools"]]).lower()
        if not all(word in haystack for word in text.lower().split()):
            continue
        if not set(tools) <= set(entry["tools"]):
            continue
        if models and not set(models) & set(models_of(entry)):
            continue
        found.append(entry["slug"])
    return found


def status_text(shown: int, total: int) -> str:
    """The index's live status line for ``shown`` of ``total`` entries."""
    return f"{total} chat modes" if shown == total else f"Showing {shown} of {total} chat modes"


def expect_shown(page, site: Site, slugs: list[str]) -> None:
    """Wait for the status line to announce ``slugs``, then check exactly those are visible."""
    expect(page.locator("#cmr-status")).to_have_text(status_text(len(slugs), len(site.catalog["chatmodes"])))
    assert sorted(shown_slugs(page)) == sorted(slugs)


def facet_box(page, kind: str, value: str):
    """The checkbox of one facet value (``kind`` is ``tool`` or ``model``)."""
    return page.locator(f"[data-cmr-facet={kind}] input[type=checkbox][value={json.dumps(value)}]")


# ---------------------------------------------------------------------------- the index


def test_the_index_lists_every_chat_mode_of_the_registry(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    expect_shown(page, repo_site, list(repo_site.entries))
    names = page.eval_on_selector_all(
        "article li[data-chatmode]",
        "els => Object.fromEntries(els.map(e => [e.dataset.chatmode, e.querySelector('a').textContent]))",
    )
    assert names == {slug: entry["name"] for slug, entry in repo_site.entries.items()}
    watch.assert_clean()


def test_text_filter_and_facets_narrow_and_clear_on_the_registry(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    search = page.locator("article input[type=search]")
    everything = list(repo_site.entries)
    # Text: a word many share, a full name, a tool name, and words matching nothing.
    first = repo_site.catalog["chatmodes"][0]
    for text in ["engineer", first["name"], first["tools"][-1], "no such words anywhere"]:
        search.fill(text)
        expect_shown(page, repo_site, expected_slugs(repo_site, text))
    expect(page.locator("article .cmr-empty")).to_be_visible()
    search.fill("")
    expect_shown(page, repo_site, everything)
    expect(page.locator("article .cmr-empty")).to_be_hidden()

    # Facet counts start as the number of chat modes using each tool / model.
    usage: dict[str, int] = {}
    for entry in repo_site.catalog["chatmodes"]:
        for tool in entry["tools"]:
            usage[tool] = usage.get(tool, 0) + 1
    counts = page.eval_on_selector_all(
        "[data-cmr-facet=tool] label",
        "labels => Object.fromEntries(labels.map(l => [l.querySelector('input').value, l.querySelector('.cmr-count').textContent]))",
    )
    assert counts == {tool: str(count) for tool, count in usage.items()}

    # Tools: every selected one must be used; the rarest shared tool narrows, a second narrows further.
    shared = sorted((count, tool) for tool, count in usage.items() if 1 < count < len(everything))
    assert len(shared) >= 2, "the registry's chat modes should share some tools, not all"
    rare, common = shared[0][1], shared[-1][1]
    page.locator("[data-cmr-facet=tool] summary").click()
    facet_box(page, "tool", common).check()
    expect_shown(page, repo_site, expected_slugs(repo_site, tools=(common,)))
    facet_box(page, "tool", rare).check()
    expect_shown(page, repo_site, expected_slugs(repo_site, tools=(common, rare)))
    facet_box(page, "tool", common).uncheck()
    facet_box(page, "tool", rare).uncheck()
    expect_shown(page, repo_site, everything)

    # Models: any selected one is enough, and text still applies on top.
    models = sorted({model for entry in repo_site.catalog["chatmodes"] for model in models_of(entry)})
    assert len(models) >= 2
    page.locator("[data-cmr-facet=model] summary").click()
    facet_box(page, "model", models[0]).check()
    expect_shown(page, repo_site, expected_slugs(repo_site, models=(models[0],)))
    facet_box(page, "model", models[1]).check()
    expect_shown(page, repo_site, expected_slugs(repo_site, models=(models[0], models[1])))
    search.fill("engineer")
    expect_shown(page, repo_site, expected_slugs(repo_site, "engineer", models=(models[0], models[1])))

    # One button clears text, tools and models, and the URL forgets them.
    facet_box(page, "tool", common).check()
    page.get_by_role("button", name="Clear filters").click()
    expect_shown(page, repo_site, everything)
    assert search.input_value() == ""
    assert page.eval_on_selector_all("article [data-cmr-facet] input:checked", "els => els.length") == 0
    page.wait_for_function("location.search === ''")
    watch.assert_clean()


def test_the_filter_works_from_the_keyboard(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    # Reach the filter with Tab alone, from the top of the page.
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "cmr-filter-text":
            break
    else:
        pytest.fail("Tab never reached the filter box")
    page.keyboard.type("engineer")
    narrowed = expected_slugs(repo_site, "engineer")
    expect_shown(page, repo_site, narrowed)
    # Escape clears the text.
    page.keyboard.press("Escape")
    expect_shown(page, repo_site, list(repo_site.entries))
    assert page.evaluate("document.activeElement.id") == "cmr-filter-text"

    # Tab to the tools facet, open it with Enter, tick its first tool with Space.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[data-cmr-facet]')?.dataset.cmrFacet") == "tool"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    tool = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    expect_shown(page, repo_site, expected_slugs(repo_site, tools=(tool,)))
    page.keyboard.press("Space")
    expect_shown(page, repo_site, list(repo_site.entries))

    # Back in the box (Shift+Tab twice), a name and Enter open that chat mode's page.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "cmr-filter-text"
    target = repo_site.catalog["chatmodes"][-1]
    page.keyboard.type(target["name"])
    expect_shown(page, repo_site, expected_slugs(repo_site, target["name"]))
    assert shown_slugs(page)[0] == target["slug"]
    page.keyboard.press("Enter")
    page.wait_for_url(repo_site.url(target["url"]))
    expect(page.locator("article h1")).to_have_text(target["name"])
    watch.assert_clean()


def test_enter_right_after_typing_opens_what_was_typed(page, watch, repo_site: Site) -> None:
    """A fast typist's Enter can come before the filter's next frame: it opens the match for
    the text in the box, not the first entry of the list before it."""
    page.goto(repo_site.url("catalog/"))
    target = repo_site.catalog["chatmodes"][-1]
    assert shown_slugs(page)[0] != target["slug"]
    # Text and Enter in one task: no animation frame can run between them.
    page.evaluate(
        """name => {
            const box = document.getElementById("cmr-filter-text");
            box.value = name;
            box.dispatchEvent(new Event("input", {bubbles: true}));
            box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
        }""",
        target["name"],
    )
    page.wait_for_url(repo_site.url(target["url"]))
    expect(page.locator("article h1")).to_have_text(target["name"])
    watch.assert_clean()


# ---------------------------------------------------------------------------- mode pages


def test_switches_to_and_reached_from_link_both_ways(page, watch, repo_site: Site) -> None:
    entries = repo_site.entries
    sources: dict[str, set[str]] = {slug: set() for slug in entries}
    for entry in entries.values():
        for transition in entry["transitions"]:
            if transition["target"]:
                sources[transition["target"]].add(entry["slug"])
    followed = 0
    for entry in entries.values():
        targets = sorted({t["target"] for t in entry["transitions"] if t["target"]})
        page.goto(repo_site.url(entry["url"]))
        for target in targets:
            # Forward through 'Switches to' ...
            page.locator(
                "#cmr-switches + ul.cmr-links > li > a", has_text=entries[target]["name"]
            ).first.click()
            page.wait_for_url(repo_site.url(entries[target]["url"]))
            expect(page.locator("article h1")).to_have_text(entries[target]["name"])
            # ... where 'Reached from' names exactly the chat modes that switch here ...
            backlinks = page.locator("#cmr-reached + ul.cmr-links > li > a")
            assert sorted(set(backlinks.all_text_contents())) == sorted(
                entries[s]["name"] for s in sources[target]
            )
            # ... and back through it.
            backlinks.filter(has_text=entry["name"]).first.click()
            page.wait_for_url(repo_site.url(entry["url"]))
            expect(page.locator("article h1")).to_have_text(entry["name"])
            followed += 1
    assert followed == sum(len(s) for s in sources.values()) > 0
    watch.assert_clean()


def install_target(href: str, redirect: str) -> str:
    """The VS Code URL an install link hands to ``redirect``, checking it is fully encoded."""
    assert href.startswith(redirect + "?url="), href
    encoded = href[len(redirect) + len("?url=") :]
    # Encoded as one query value: no character left that would end or split it.
    assert re.fullmatch(r"[A-Za-z0-9\-_.~!*'()%]*", encoded), encoded
    return urllib.parse.unquote(encoded)


def check_copy_download_install(page, site: Site, slug: str) -> None:
    """Copy, download and both install links of one chat mode page give its exact file."""
    entry = site.entries[slug]
    raw = site.source_bytes(slug)
    page.goto(site.url(entry["url"]))
    # Copy: exactly the file's text on the clipboard.
    page.evaluate("navigator.clipboard.writeText('')")
    button = page.get_by_role("button", name=re.compile(r"^Copy chatmode"))
    button.click()
    expect(page.locator(".cmr-copy-status")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == raw.decode("utf-8")
    # Download: the same bytes, under the author's file name.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert Path(download.value.path()).read_bytes() == raw
    assert download.value.suggested_filename == PurePosixPath(entry["source"]).name
    # Install links: VS Code's URL for site_url + raw path, encoded, in both editions.
    kind = "chat-agent" if entry["source"].endswith(".agent.md") else "chat-mode"
    raw_address = site.catalog["site_url"] + entry["raw_url"]
    links = page.locator("a.cmr-install")
    assert links.count() == 2
    stable, insiders = (links.nth(i).get_attribute("href") for i in range(2))
    assert install_target(stable, "https://vscode.dev/redirect") == f"vscode:{kind}/install?url={raw_address}"
    assert install_target(insiders, "https://insiders.vscode.dev/redirect") == (
        f"vscode-insiders:{kind}/install?url={raw_address}"
    )
    # The address VS Code would fetch serves the same bytes (site_url is the served address).
    fetched = page.evaluate(
        "async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer()))", raw_address
    )
    assert bytes(fetched) == raw


def test_copy_download_and_install_give_the_exact_file(page, watch, repo_site: Site) -> None:
    assert repo_site.catalog["site_url"] == repo_site.base_url
    allow_clipboard(page.context, repo_site)
    kinds = set()
    for slug, entry in repo_site.entries.items():
        check_copy_download_install(page, repo_site, slug)
        kinds.add(PurePosixPath(entry["source"]).suffixes[-2])
    assert kinds == {".chatmode", ".agent"}  # both install kinds were checked
    watch.assert_clean()


def test_copy_and_download_keep_bom_crlf_and_awkward_names(page, watch, preview_site: Site) -> None:
    allow_clipboard(page.context, preview_site)
    by_source = {entry["source"]: slug for slug, entry in preview_site.entries.items()}
    for source in ["windows.chatmode.md", ADDED_FILE, "beta.agent.md"]:
        check_copy_download_install(page, preview_site, by_source[source])
    watch.assert_clean()


# ---------------------------------------------------------------------------- graph


# The graph page's own behaviour is tested in test_graph_browser.py.


# ---------------------------------------------------------------------------- preview build


def test_preview_build_shows_banners_and_the_changes_page(
    page, watch, preview_site: Site, served_site
) -> None:
    _, small_project = served_site
    before = json.loads((small_project / "site" / "catalog.json").read_text(encoding="utf-8"))
    old_slugs = {entry["slug"] for entry in before["chatmodes"]}
    new_slugs = set(preview_site.entries)
    added, removed = sorted(new_slugs - old_slugs), sorted(old_slugs - new_slugs)
    assert added == ["release-notes-v2"] and removed == ["gamma"]  # what PREVIEW_MODES did

    # Changed: Beta's description, and Alpha, whose prose names the removed Gamma (its
    # transition now dangles: an error). Windows only points at Alpha, which still exists.
    changed = {"alpha": ["diagnostics", "transitions"], "beta": ["description"]}
    summary = f"{len(added)} added, {len(removed)} removed, {len(changed)} changed"
    page.goto(preview_site.url("catalog/"))
    banner = page.locator("article .cmr-preview")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(summary)
    # The index marks the new and the changed entries.
    expect(page.locator("li[data-chatmode='release-notes-v2'] .cmr-badge--added")).to_be_visible()
    for slug in changed:
        expect(page.locator(f"li[data-chatmode='{slug}'] .cmr-badge--changed")).to_be_visible()
    expect(page.locator("li[data-chatmode='windows'] .cmr-badge--changed")).to_have_count(0)

    # The banner leads to the changes page, which names every change and nothing else.
    banner.get_by_role("link", name="See what changes").click()
    page.wait_for_url(preview_site.url("catalog/changes/"))
    changes = page.locator("article .cmr-changes")
    for slug in [*added, *removed, *changed]:
        expect(changes).to_contain_text(slug)
    for field in {field for fields in changed.values() for field in fields}:
        expect(changes).to_contain_text(field)
    expect(changes).not_to_contain_text("windows")

    # Pages of changed and added chat modes say so; unchanged ones only carry the banner.
    for slug, fields in changed.items():
        page.goto(preview_site.url(f"catalog/{slug}/"))
        note = page.locator("article .cmr-change")
        expect(note).to_contain_text("Changed in this build")
        for field in fields:
            expect(note).to_contain_text(field)
    page.goto(preview_site.url("catalog/release-notes-v2/"))
    expect(page.locator("article .cmr-change")).to_contain_text("New in this build")
    page.goto(preview_site.url("catalog/windows/"))
    expect(page.locator("article .cmr-preview")).to_be_visible()
    expect(page.locator("article .cmr-change")).to_have_count(0)
    # The site's own pages carry the banner too, with a working link.
    page.goto(preview_site.url(""))
    expect(page.locator("article .cmr-preview")).to_contain_text(summary)
    page.locator("article .cmr-preview").get_by_role("link", name="See what changes").click()
    page.wait_for_url(preview_site.url("catalog/changes/"))
    page.goto(preview_site.url("catalog/windows/"))
    expect(page.locator("article .cmr-change")).to_have_count(0)
    # The removed chat mode has no page.
    gone = preview_site.url("catalog/gamma/")
    assert page.goto(gone).status == 404
    # That 404 was asked for; any other error still counts.
    watch.console_errors[:] = [error for error in watch.console_errors if not error.startswith(gone + ":")]
    watch.assert_clean()


# ---------------------------------------------------------------------------- whole site


def site_pages(site: Path) -> list[str]:
    """The URL (relative to the site root) of every HTML file of a built site."""
    urls = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        urls.append(relative.removesuffix("index.html"))
    return urls


@pytest.mark.parametrize("which", ["repo_site", "preview_site"])
def test_no_page_requests_another_host_or_logs_an_error(page, watch, which: str, request) -> None:
    site: Site = request.getfixturevalue(which)
    pages = site_pages(site.folder)
    assert "catalog/graph/" in pages and "404.html" in pages
    for url in pages:
        page.goto(site.url(url), wait_until="load")
    # Search too: its worker, its index, its results.
    page.goto(site.url("catalog/"))
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("engineer" if which == "repo_site" else "plans")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert any(url.endswith("/search/search_index.json") for url in watch.requests)
    # Every request went to the site itself, and there were some of each kind.
    assert all(
        url.startswith(site.base_url)
        for url in watch.requests
        if urllib.parse.urlsplit(url).scheme in ("http", "https")
    )
    for suffix in (".js", ".css", ".png"):
        assert any(urllib.parse.urlsplit(url).path.endswith(suffix) for url in watch.requests), suffix
    watch.assert_clean()


def test_the_watch_would_notice_other_hosts_and_errors(page, watch, serve_site, tmp_path: Path) -> None:
    # The test above proves something only if an outside request and an error are noticed.
    (tmp_path / "index.html").write_text(
        "<!doctype html><link rel=stylesheet href='https://fonts.googleapis.com/css?family=Roboto'>"
        "<script>console.error('boom'); setTimeout(() => { throw new Error('thrown') })</script>",
        encoding="utf-8",
    )
    with page.expect_event("pageerror"):  # the timer's exception, after the load
        page.goto(serve_site(tmp_path))
    assert watch.blocked == ["https://fonts.googleapis.com/css?family=Roboto"]
    assert any("boom" in error for error in watch.console_errors)
    assert any("thrown" in error for error in watch.page_errors)


def background_and_text(page) -> tuple[str, str]:
    """The computed page background and content text colour."""
    return page.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('article')).color]"
    )


def luminance(css_colour: str) -> float:
    """Relative brightness (0..255) of an ``rgb()``/``rgba()`` colour."""
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", css_colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("url", ["catalog/", "catalog/backend-engineer/", "catalog/graph/"])
def test_light_and_dark_palettes_both_render(page, watch, repo_site: Site, url: str) -> None:
    page.goto(repo_site.url(url))
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    light = background_and_text(page)
    page.get_by_role("button", name="Switch to dark mode").or_(
        page.locator("label[title='Switch to dark mode']")
    ).first.click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    dark = background_and_text(page)
    assert dark[0] != light[0] and dark[1] != light[1]
    # Light text on a dark page, dark text on a light one.
    assert luminance(light[0]) > luminance(light[1])
    assert luminance(dark[0]) < luminance(dark[1])
    page.locator("label[title='Switch to light mode']").click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    assert background_and_text(page) == light
    watch.assert_clean()

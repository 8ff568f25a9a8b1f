"""Every page of the hostile site, opened in a real browser, runs none of the payloads.

The site is built from :func:`hostile.write_hostile_tree` with the real plugin and served
on 127.0.0.1. Each payload opens a dialog (``alert``) and counts itself in
``window.__pwned``; a page passes when no dialog opened and the counter does not exist,
after the page loaded, its images failed, and the reader hovered, focused and searched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build, write_project
from hostile import HostileTree, write_hostile_tree

pytestmark = pytest.mark.browser

#: How long a page is given after ``load`` for ``onerror``/``onload``/``ontoggle`` payloads
#: and the theme's own scripts to run. Not a measurement: a generous settle time.
SETTLE_MS = 400


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[HostileTree, Path]:
    """The hostile project built once (plain build) with the real plugin."""
    root = tmp_path_factory.mktemp("hostile-browser")
    tree = write_hostile_tree(root)
    write_project(root, {})
    result = build(root)
    assert result.ok, result.log
    return tree, result.site


def site_pages(site: Path) -> list[str]:
    """The URL path (relative to the site root) of every HTML file of the site."""
    urls = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        urls.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return urls


def _exercise(page) -> None:
    """What a curious reader does: hover and focus every element of the content, open details."""
    page.evaluate(
        """() => {
            for (const el of document.querySelectorAll("article *")) {
                for (const type of ["mouseover", "mouseenter", "focus", "click"]) {
                    if (type === "click" && (el.closest("a") || el.closest("button"))) continue;
                    el.dispatchEvent(new Event(type, {bubbles: true}));
                }
            }
            for (const details of document.querySelectorAll("details")) details.open = true;
        }"""
    )


def _exercise_results(page) -> None:
    """Hover every search result, as a reader skimming them would."""
    page.evaluate(
        """() => {
            for (const el of document.querySelectorAll(".md-search-result *")) {
                el.dispatchEvent(new Event("mouseover", {bubbles: true}));
            }
        }"""
    )


def test_no_page_of_the_hostile_site_runs_a_payload(browser, serve_site, hostile_site) -> None:
    tree, site = hostile_site
    base = serve_site(site)
    pages = site_pages(site)
    # Every published chat mode has a page among those visited.
    assert {f"catalog/{slug}/" for slug in tree.published.values()} <= set(pages)
    dialogs: list[tuple[str, str, str]] = []
    ran: dict[str, object] = {}
    context = browser.new_context()
    page = context.new_page()
    current = {"url": ""}

    def on_dialog(dialog) -> None:
        dialogs.append((current["url"], dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        for url in pages:
            current["url"] = url
            page.goto(base + url, wait_until="load")
            page.wait_for_timeout(SETTLE_MS)
            _exercise(page)
            page.wait_for_timeout(SETTLE_MS // 4)
            counter = page.evaluate("() => window.__pwned")
            if counter is not None:
                ran[url] = counter
    finally:
        context.close()
    assert dialogs == []
    assert ran == {}


def test_the_dialog_listener_would_catch_a_payload(browser, serve_site, tmp_path: Path) -> None:
    # The test above proves something only if a payload that does run is noticed.
    (tmp_path / "index.html").write_text(
        '<!doctype html><img src="missing.png" onerror="window.__pwned=1;alert(1)">', encoding="utf-8"
    )
    base = serve_site(tmp_path)
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(base, wait_until="load")
        page.wait_for_timeout(SETTLE_MS)
        assert page.evaluate("() => window.__pwned") == 1
    finally:
        page.close()
    assert dialogs == ["1"]


def test_search_results_for_payloads_run_nothing(browser, serve_site, hostile_site) -> None:
    # Material's search renders results from search_index.json as HTML; the index holds the
    # chat modes' titles and text, so searching for the payloads must not revive them.
    _, site = hostile_site
    base = serve_site(site)
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(base + "catalog/", wait_until="load")
        page.keyboard.press("/")  # Material's shortcut that opens the search
        search = page.locator("input.md-search__input")
        shown = 0
        for query in ["onerror", "script", "svg onload", "javascript", "Name", "textarea"]:
            # Typed key by key: Material searches on keyboard input, not on a value set by script.
            search.fill("")
            search.press_sequentially(query)
            page.wait_for_timeout(SETTLE_MS)
            shown += page.locator(".md-search-result__item").count()
            _exercise_results(page)
        assert page.evaluate("() => window.__pwned") is None
    finally:
        page.close()
    # The searches did show results (the index was loaded), and none of them ran anything.
    assert shown > 0
    assert dialogs == []


def test_body_elements_cannot_take_over_the_copy_button(browser, serve_site, hostile_site) -> None:
    # The copy button copies the element whose id it names; the body of payload-body tries to
    # provide an element with that id before the real one.
    _, site = hostile_site
    base = serve_site(site)
    page = browser.new_page()
    try:
        page.goto(base + "catalog/payload-body/", wait_until="load")
        target = page.evaluate(
            """() => {
                const button = document.querySelector("[data-cmr-copy]");
                const id = button.getAttribute("data-cmr-copy");
                const el = document.getElementById(id);
                return {id, tag: el.tagName, type: el.getAttribute("type"),
                        count: document.querySelectorAll("[id='" + id + "']").length};
            }"""
        )
        raw = (site / "catalog" / "payload-body" / "payload-body.chatmode.md").read_text("utf-8")
        copied = page.evaluate(
            "() => JSON.parse(document.getElementById(document.querySelector('[data-cmr-copy]')"
            ".getAttribute('data-cmr-copy')).textContent)"
        )
    finally:
        page.close()
    assert target == {"id": "cmr-raw", "tag": "SCRIPT", "type": "application/json", "count": 1}
    assert copied == raw

"""The catalog's script in a real browser: filter, facets, keyboard, copy, instant navigation.

Sites are built with the real plugin (``conftest.build``) and served on 127.0.0.1. The
server is started before the build so that ``site_url`` can be the served address: Material
only navigates "instantly" to URLs of its own sitemap.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CLEAN_MODES, build, write_project

pytestmark = pytest.mark.browser

CRLF_WITH_BOM = (
    b"\xef\xbb\xbf---\r\ndescription: Written on Windows.\r\ntools: ['search/codebase']\r\n"
    b"model: GPT-5\r\n---\r\n\r\n# Windows\r\n\r\nSwitch to **Alpha** chatmode to plan.\r\n"
)


@pytest.fixture
def served_site(tmp_path: Path, serve_site) -> tuple[str, Path]:
    """The clean collection plus a CRLF/BOM file, built for the address it is served at."""
    site = tmp_path / "project" / "site"
    site.mkdir(parents=True)
    base_url = serve_site(site)
    project = write_project(
        tmp_path / "project",
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
    assert "q=search%2Fcodebase" in page.url

    search.fill("")
    page.locator("[data-cmr-facet=model] summary").click()
    page.locator("[data-cmr-facet=model] input[value='GPT-5']").check()
    page.wait_for_function("document.querySelector('#cmr-status').textContent.includes('Showing 2 of 4')")
    assert sorted(visible_slugs(page)) == ["alpha", "windows"]
    # Tool counts follow the other filters: with GPT-5 selected, edit/editFiles is Alpha's only.
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
    page.locator("li[data-chatmode='alpha'] > a").click()
    page.wait_for_url(base_url + "catalog/alpha/")
    page.wait_for_function("document.querySelector('article h1').textContent.trim() === 'Alpha'")
    # Material swapped the content without a reload, and the script set the new page up.
    assert page.evaluate("window.__samePage === true")
    assert page.get_by_role("button", name="Copy chatmode").is_visible()
    # A page with inline SVG links (the neighbourhood graph) must not break the navigation.
    page.locator("article table a", has_text="Beta").click()
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
    return [entries.nth(i).get_attribute("data-chatmode") for i in range(entries.count()) if entries.nth(i).is_visible()]

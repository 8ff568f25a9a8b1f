"""#25, a newcomer's walk, in a real browser: shared filter links, facets, touch targets, density.

The registry's own chat modes are built with the real plugin and served on 127.0.0.1 below
``/registry/`` (the fixtures of ``test_catalog_browser.py``), at the two sizes the walk used:
1280×800 and 390×844. Each test keeps a screenshot under ``test-results/`` to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import test_catalog_browser as catalog_browser
from browser.test_catalog_browser import (
    MOUNT,
    THEME,
    Site,
    expect_shown,
    expected_slugs,
    shown_slugs,
)
from browser.test_ux_browser import PHONE, git_at
from conftest import CLEAN_MODES, build, write_project
from sitekit import git

pytestmark = pytest.mark.browser

#: The walk's desktop size (test_ux_browser's is 1280x900).
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def keep_screenshot(page, name: str) -> None:
    """Save what the page shows as ``test-results/<name>.png`` (to be looked at)."""
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"{name}.png"))


#: The registry's own chat modes, served below /registry/ (built once for this module).
repo_site = catalog_browser.repo_site


def search_is_open(page) -> bool:
    """Material's search overlay is open (its toggle is a checkbox, ``#__search``)."""
    return page.evaluate(
        "() => !!document.querySelector('#__search') && document.querySelector('#__search').checked"
    )


def expect_filtered_without_search(page, site: Site, text: str) -> None:
    """The list shows what ``text`` filters to, the filter box says it, search stays closed."""
    expect_shown(page, site, expected_slugs(site, text))
    expect(page.locator("article input[type=search]")).to_have_value(text)
    expect(page).to_have_url(re.compile(rf"[?&]filter={re.escape(text)}(&|$)"))
    assert "q=" not in page.url.split("?", 1)[1]
    assert not search_is_open(page)
    expect(page.locator(".md-search__output")).not_to_be_visible()


# ---------------------------------------------------------------------------- 1. filter links


@VIEWPORTS
@pytest.mark.parametrize("parameter", ["filter", "q"])
def test_a_shared_filter_link_filters_the_list_and_leaves_search_closed(
    page, watch, repo_site: Site, viewport: dict, parameter: str
) -> None:
    """``?filter=`` is the filter's own; ``?q=`` (old links, and Material's "open search")
    is renamed before Material reads it."""
    assert expected_slugs(repo_site, "review") and len(expected_slugs(repo_site, "review")) < len(
        repo_site.entries
    )
    page.set_viewport_size(viewport)
    page.goto(repo_site.url(f"catalog/?{parameter}=review&sort=connected"))
    expect_filtered_without_search(page, repo_site, "review")
    expect(page).to_have_url(re.compile(r"\?filter=review&sort=connected$"))  # the order is kept
    keep_screenshot(page, f"walk-filter-link-{parameter}-{viewport['width']}")
    page.reload()
    expect_filtered_without_search(page, repo_site, "review")
    watch.assert_clean()


@VIEWPORTS
def test_reloading_after_typing_keeps_the_filter_and_search_closed(
    page, watch, repo_site: Site, viewport: dict
) -> None:
    page.set_viewport_size(viewport)
    page.goto(repo_site.url("catalog/"))
    page.locator("article input[type=search]").fill("engineer")
    expect_filtered_without_search(page, repo_site, "engineer")
    page.reload()
    expect_filtered_without_search(page, repo_site, "engineer")
    keep_screenshot(page, f"walk-filter-reload-{viewport['width']}")
    watch.assert_clean()


def test_site_search_still_opens_from_its_own_link(page, watch, repo_site: Site) -> None:
    """Material's own deep link elsewhere on the site is left alone: only the index renames it."""
    page.set_viewport_size(DESKTOP)
    page.goto(repo_site.url("?q=review"))
    expect(page.locator(".md-search__input")).to_have_value("review")
    assert search_is_open(page)
    watch.assert_clean()


# ---------------------------------------------------------------------------- 3. the Tools facet

#: Where the text of an element wraps: the text before each line break.
LINE_BREAKS = """(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const before = [];
  let text = "", top = null, node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && top !== null && rect.top > top + 2) before.push(text);
      if (rect) top = rect.top;
      text += node.data[i];
    }
  }
  return { text, before };
}"""


@VIEWPORTS
def test_tool_names_break_only_after_a_slash_and_the_facet_title_stays_on_one_line(
    page, watch, repo_site: Site, viewport: dict
) -> None:
    page.set_viewport_size(viewport)
    page.goto(repo_site.url("catalog/"))
    facet = page.locator("[data-cmr-facet=tool]")
    facet.locator("summary").click()
    names = facet.locator(".cmr-facet__name")
    assert names.count() > 10
    wrapped = 0
    for name in names.all():
        lines = name.evaluate(LINE_BREAKS)
        assert all(text.endswith("/") for text in lines["before"]), lines
        wrapped += bool(lines["before"])
    long_name = facet.locator("label:has(input[value='execute/createAndRunTask']) .cmr-facet__name")
    assert long_name.evaluate(LINE_BREAKS)["text"] == "execute/createAndRunTask"  # copied as one name
    for value in ("execute/createAndRunTask", "search/codebase"):
        facet.locator(f"input[value='{value}']").check()
    title = facet.locator("summary")
    expect(title).to_contain_text("Tools (2 selected)")
    assert title.evaluate(LINE_BREAKS)["before"] == []
    keep_screenshot(page, f"walk-tools-facet-{viewport['width']}")
    watch.assert_clean()


# ---------------------------------------------------------------------------- 4 and 5. targets, density


@VIEWPORTS
def test_entry_buttons_and_chips_are_at_least_24px_high(page, watch, repo_site: Site, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.goto(repo_site.url("catalog/"))
    heights = page.evaluate(
        """() => [...document.querySelectorAll('li[data-chatmode] .cmr-act, li[data-chatmode] .cmr-chip')]
            .filter((el) => el.getClientRects().length)
            .map((el) => [el.textContent, el.getBoundingClientRect().height])"""
    )
    kinds = {text for text, _ in heights}
    assert {"Install", "Insiders", "Copy"} <= kinds and len(kinds) > 5  # buttons and chips
    assert min(height for _, height in heights) >= 24, sorted(heights, key=lambda item: item[1])[:3]
    watch.assert_clean()


@pytest.mark.parametrize(("viewport", "at_least"), [(DESKTOP, 8), (PHONE, 4)], ids=["1280", "390"])
def test_compact_entries_fill_the_first_screen(
    page, watch, repo_site: Site, viewport: dict, at_least: int
) -> None:
    page.set_viewport_size(viewport)
    page.goto(repo_site.url("catalog/"))
    shown = page.evaluate(
        """() => [...document.querySelectorAll('li[data-chatmode]')].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
        }).length"""
    )
    keep_screenshot(page, f"walk-density-{viewport['width']}")
    assert shown >= at_least
    watch.assert_clean()


# ---------------------------------------------------------------------------- 8. last updated


def test_last_updated_sorts_commits_of_one_day_by_their_time(page, watch, tmp_path, serve_site) -> None:
    """Three commits on one day, one of them in another time zone: "Last updated" puts the
    latest first (by the commit time carried in data-updated-at), not in name order."""
    site_folder = tmp_path / "project" / "site"
    site_folder.mkdir(parents=True)
    base_url = serve_site(site_folder, MOUNT)
    project = write_project(tmp_path / "project", CLEAN_MODES, config={"site_url": base_url, "theme": THEME})
    git(project, "init", "-q")
    stamps = {
        "alpha.chatmode.md": "2024-03-05T09:00:00+00:00",
        "sub/gamma.chatmode.md": "2024-03-05T12:00:00+02:00",  # 10:00 UTC
        "beta.agent.md": "2024-03-05T11:00:00+00:00",
    }
    for source, stamp in stamps.items():
        git(project, "add", f"chatmodes/{source}")
        git_at(project, stamp, "commit", "-q", "-m", source)
    result = build(project)
    assert result.ok, result.log
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + "catalog/")
    assert shown_slugs(page) == ["alpha", "beta", "gamma"]  # by name
    for slug in ("alpha", "beta", "gamma"):  # all on one day
        expect(page.locator(f"li[data-chatmode='{slug}']")).to_have_attribute("data-updated", "2024-03-05")
    expect(page.locator("li[data-chatmode='gamma']")).to_have_attribute("data-updated-at", "1709632800")
    page.locator("select[name=sort]").select_option("updated")
    expect(page).to_have_url(re.compile(r"[?&]sort=updated"))  # the list is re-sorted by then
    assert shown_slugs(page) == ["beta", "gamma", "alpha"]  # newest first
    keep_screenshot(page, "walk-last-updated-1280")
    watch.assert_clean()


# ---------------------------------------------------------------------------- 6. site search


def test_site_search_for_a_tool_finds_the_modes_that_use_it(page, watch, repo_site: Site) -> None:
    users = {
        repo_site.url(entry["url"]) for entry in repo_site.entries.values() if "githubRepo" in entry["tools"]
    }
    assert len(users) >= 2
    page.set_viewport_size(DESKTOP)
    page.goto(repo_site.url(""))
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material searches on keyup: type it.
    page.locator(".md-search__input").press_sequentially("githubRepo")
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    expect(results.first).to_be_visible()
    page.wait_for_function(
        "count => document.querySelectorAll('.md-search-result__item').length >= count", arg=len(users)
    )
    found = {href.split("#")[0] for href in results.evaluate_all("links => links.map(a => a.href)")}
    keep_screenshot(page, "walk-search-githubRepo-1280")
    assert users <= found, users - found
    watch.assert_clean()


# ---------------------------------------------------------------------------- 7. word diff


def test_the_changes_page_shows_a_one_word_change_as_one_word(
    page, watch, tmp_path, serve_site, build_published
) -> None:
    published = build_published
    beta = str(CLEAN_MODES["beta.agent.md"])
    assert "description: Implements plans." in beta
    changed = {**CLEAN_MODES, "beta.agent.md": beta.replace("Implements plans.", "Implements designs.")}
    site_folder = tmp_path / "preview" / "site"
    site_folder.mkdir(parents=True)
    base_url = serve_site(site_folder, MOUNT)
    project = write_project(
        tmp_path / "preview",
        changed,
        config={"site_url": base_url, "theme": THEME},
        plugin_options={"baseline": str(published)},
    )
    result = build(project)
    assert result.ok, result.log
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + "catalog/changes/")
    row = page.locator("section[data-slug='beta'] dt:text-is('description') + dd")
    expect(row).to_have_text("Implements plansdesigns.")  # one text, the change in place
    expect(row.locator("del")).to_have_text(["plans"])
    expect(row.locator("ins")).to_have_text(["designs"])
    # Struck out and underlined as a reader sees them.
    assert row.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert row.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    row.scroll_into_view_if_needed()
    keep_screenshot(page, "walk-word-diff-1280")
    watch.assert_clean()


@pytest.fixture(scope="module")
def build_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean collection, built as the published baseline of a preview."""
    published = build(write_project(tmp_path_factory.mktemp("published")))
    assert published.ok, published.log
    return published.site

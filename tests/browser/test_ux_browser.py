"""The catalog as a reader uses it (#16): index entries, sorting, buttons on every entry, the
chat mode page's action bar and links, navigation, both widths (1280×900 and 390×844).

Sites are built with the real plugin and served on 127.0.0.1 below ``/registry/`` (the
fixtures of ``test_catalog_browser.py``); every test checks that nothing left the machine
and nothing logged an error.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from playwright.sync_api import expect

from browser.test_catalog_browser import (
    CRLF_WITH_BOM,
    MOUNT,
    REPO_CHATMODES,
    THEME,
    Site,
    allow_clipboard,
    build_served_site,
    expect_shown,
    expected_slugs,
    shown_slugs,
)
from conftest import CLEAN_MODES, build, write_project
from sitekit import git

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> Site:
    """The registry's own chat modes."""
    modes = {
        path.relative_to(REPO_CHATMODES).as_posix(): path.read_bytes()
        for path in REPO_CHATMODES.rglob("*.md")
    }
    return build_served_site(tmp_path_factory.mktemp("ux-repo"), serve_site_for_session, modes)


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> Site:
    """The clean collection plus a file with a BOM and CRLF line endings."""
    modes = {**CLEAN_MODES, "windows.chatmode.md": CRLF_WITH_BOM}
    return build_served_site(tmp_path_factory.mktemp("ux-small"), serve_site_for_session, modes)


def fully_visible(page, selector: str) -> int:
    """How many elements matching ``selector`` lie wholly inside the viewport."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
        }).length""",
        selector,
    )


def connections(site: Site) -> dict[str, int]:
    """Distinct chat modes each one switches to plus those it is reached from (catalog.json)."""
    outgoing = {
        slug: {t["target"] for t in e["transitions"] if t["target"]} for slug, e in site.entries.items()
    }
    incoming: dict[str, set[str]] = {slug: set() for slug in site.entries}
    for slug, targets in outgoing.items():
        for target in targets:
            incoming[target].add(slug)
    return {slug: len(outgoing[slug]) + len(incoming[slug]) for slug in site.entries}


# ---------------------------------------------------------------------------- the index


def test_eight_entries_fit_above_the_fold_with_kind_model_tools_and_counts(
    page, watch, repo_site: Site
) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(repo_site.url("catalog/"))
    assert fully_visible(page, "li[data-chatmode]") >= 8
    for slug, record in repo_site.entries.items():
        entry = page.locator(f"li[data-chatmode='{slug}']")
        kind = "agent" if record["source"].endswith(".agent.md") else "chat mode"
        expect(entry.locator(":scope > div > i")).to_have_text(kind)
        meta = entry.locator(":scope > small")
        expect(meta).to_contain_text(f"{len(record['tools'])} tool")
        # The first tools are shown, as buttons; the rest are counted, not shown.
        shown_tools = entry.locator(":scope > ul button[data-cmr-tool]")
        expect(shown_tools).to_have_count(min(3, len(record["tools"])))
        assert shown_tools.all_text_contents() == record["tools"][:3]
    # The description is clamped to two lines.
    clamp = page.evaluate(
        """() => [...document.querySelectorAll('li[data-chatmode] > p')].map((p) => {
            const style = getComputedStyle(p);
            return p.getBoundingClientRect().height / parseFloat(style.lineHeight);
        })"""
    )
    assert clamp and max(clamp) <= 2.05
    watch.assert_clean()


def test_the_count_is_said_once_and_the_filter_controls_line_up(page, watch, repo_site: Site) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(repo_site.url("catalog/"))
    total = f"{len(repo_site.entries)} chat modes"
    assert page.locator("article").inner_text().count(total) == 1
    heights = page.evaluate(
        """() => ['[data-cmr-facet=tool]', '[data-cmr-facet=model]', '.cmr-sort__select', '.cmr-filter__reset']
            .map((s) => document.querySelector(s).getBoundingClientRect().height)"""
    )
    assert max(heights) - min(heights) <= 1, heights
    watch.assert_clean()


@pytest.mark.parametrize("width", [1280, 1024, 960, 390])
def test_the_filter_box_shows_its_whole_hint(page, watch, repo_site: Site, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(repo_site.url("catalog/"))
    box = page.locator("#cmr-filter-text")
    hint = box.get_attribute("placeholder")
    assert hint
    # The hint typed in as text: it fits when the box does not scroll.
    box.fill(hint)
    assert box.evaluate("(input) => input.scrollWidth <= input.clientWidth"), width
    if width >= 960:
        # On wide screens the whole filter row stays on one line.
        tops = page.evaluate(
            """() => ['#cmr-filter-text', '[data-cmr-facet=tool]', '.cmr-sort__select', '.cmr-filter__reset']
                .map((s) => Math.round(document.querySelector(s).getBoundingClientRect().top))"""
        )
        assert max(tops) - min(tops) <= 2, tops
    watch.assert_clean()


def test_every_entry_installs_like_its_page(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    index_links = {}
    for slug in repo_site.entries:
        entry = page.locator(f"li[data-chatmode='{slug}']")
        name = repo_site.entries[slug]["name"]
        stable = entry.get_by_role("link", name=f"Install {name} in VS Code", exact=True)
        insiders = entry.get_by_role("link", name=f"Install {name} in VS Code Insiders")
        noun = "agent" if repo_site.entries[slug]["source"].endswith(".agent.md") else "chatmode"
        expect(entry.get_by_role("button", name=f"Copy {noun} file of {name}")).to_be_visible()
        index_links[slug] = (stable.get_attribute("href"), insiders.get_attribute("href"))
    for slug, links in index_links.items():
        page.goto(repo_site.url(repo_site.entries[slug]["url"]))
        page_links = tuple(page.locator("article a.cmr-install").evaluate_all("els => els.map(e => e.href)"))
        assert links == page_links, slug
    watch.assert_clean()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_copy_on_an_entry_copies_the_exact_file(browser, small_site: Site, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    allow_clipboard(context, small_site)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(small_site.url("catalog/"))
    entry = page.locator("li[data-chatmode='windows']")
    entry.scroll_into_view_if_needed()
    before = entry.bounding_box()
    entry.get_by_role("button", name="Copy chatmode file of Windows").click()
    expect(entry.locator(".cmr-act--copy")).to_have_text("Copied")
    expect(page.locator("[data-cmr-announce]")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    # BOM and CRLF kept: exactly the file's text.
    assert copied.encode("utf-8") == small_site.source_bytes("windows")
    assert entry.bounding_box() == before, "Copied must not move anything"
    assert errors == []
    context.close()


def test_clicking_a_tool_or_a_model_filters_by_it(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    first = repo_site.catalog["chatmodes"][0]
    tool = first["tools"][0]
    page.locator(f"li[data-chatmode='{first['slug']}'] button[data-cmr-tool]").first.click()
    expect_shown(page, repo_site, expected_slugs(repo_site, tools=(tool,)))
    assert (
        page.locator("[data-cmr-facet=tool] input[type=checkbox]")
        .and_(page.locator(f"[value='{tool}']"))
        .is_checked()
    )
    assert "tool=" in page.url
    # Clicking it again lifts the filter; a model works the same way.
    page.locator(f"li[data-chatmode='{first['slug']}'] button[data-cmr-tool]").first.click()
    expect_shown(page, repo_site, list(repo_site.entries))
    with_model = next(e for e in repo_site.catalog["chatmodes"] if e.get("model"))
    model = with_model["model"] if isinstance(with_model["model"], str) else with_model["model"][0]
    page.locator(f"li[data-chatmode='{with_model['slug']}'] button[data-cmr-model]").first.click()
    expect_shown(page, repo_site, expected_slugs(repo_site, models=(model,)))
    watch.assert_clean()


def test_sorting_by_name_and_by_most_connected(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    by_name = sorted(repo_site.entries, key=lambda slug: (repo_site.entries[slug]["name"].casefold(), slug))
    assert shown_slugs(page) == by_name
    page.locator("select[name=sort]").select_option("connected")
    expect(page).to_have_url(re.compile(r"[?&]sort=connected"))  # the list is re-sorted by then
    links = connections(repo_site)
    order = shown_slugs(page)
    assert sorted(order) == sorted(by_name)
    assert [links[slug] for slug in order] == sorted(links.values(), reverse=True)
    # The order survives a reload (it is in the URL) and a filter keeps it.
    page.reload()
    # The HTML comes in name order; the script re-sorts it from the URL once it has run.
    page.wait_for_function(
        "order => JSON.stringify(Array.from(document.querySelectorAll('article li[data-chatmode]'))"
        ".filter(e => e.getClientRects().length > 0).map(e => e.dataset.chatmode)) === JSON.stringify(order)",
        arg=order,
    )
    page.locator("article input[type=search]").fill("engineer")
    expect_shown(page, repo_site, expected_slugs(repo_site, "engineer"))
    assert shown_slugs(page) == [slug for slug in order if slug in expected_slugs(repo_site, "engineer")]
    page.locator(".cmr-filter__reset").click()
    expect_shown(page, repo_site, list(repo_site.entries))
    assert shown_slugs(page) == by_name
    watch.assert_clean()


def test_sorting_by_last_updated_follows_the_commit_dates(page, watch, tmp_path, serve_site) -> None:
    site_folder = tmp_path / "project" / "site"
    site_folder.mkdir(parents=True)
    base_url = serve_site(site_folder, MOUNT)
    project = write_project(tmp_path / "project", CLEAN_MODES, config={"site_url": base_url, "theme": THEME})
    git(project, "init", "-q")
    dates = {
        "alpha.chatmode.md": "2024-01-05",
        "sub/gamma.chatmode.md": "2024-03-05",
        "beta.agent.md": "2024-02-05",
    }
    for source, day in dates.items():
        git(project, "add", f"chatmodes/{source}")
        stamp = f"{day}T12:00:00+00:00"
        git_at(project, stamp, "commit", "-q", "-m", source)
    result = build(project)
    assert result.ok, result.log
    page.goto(base_url + "catalog/")
    assert shown_slugs(page) == ["alpha", "beta", "gamma"]  # by name
    page.locator("select[name=sort]").select_option("updated")
    expect(page).to_have_url(re.compile(r"[?&]sort=updated"))  # the list is re-sorted by then
    assert shown_slugs(page) == ["gamma", "beta", "alpha"]  # newest first
    expect(page.locator("li[data-chatmode='gamma']")).to_have_attribute("data-updated", "2024-03-05")
    watch.assert_clean()


def git_at(repo, stamp: str, *args: str) -> None:
    """Run git in ``repo`` as if at ``stamp`` (author and committer dates)."""
    environment = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    environment.update({key: "Test" for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")})
    environment.update({key: "test@example.invalid" for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")})
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=environment)


def test_the_index_fits_a_phone(page, watch, repo_site: Site) -> None:
    page.set_viewport_size(PHONE)
    page.goto(repo_site.url("catalog/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    entry = page.locator("li[data-chatmode]").first
    # The tool chips are left out on a phone (#25: four entries on the first screen).
    for control in entry.locator("a:visible, button:visible").all():
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    watch.assert_clean()


# ---------------------------------------------------------------------------- mode pages


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_action_bar_stays_in_reach_while_scrolling(page, watch, repo_site: Site, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.goto(repo_site.url("catalog/backend-engineer/"))
    bar = page.locator("article .cmr-actions")
    assert len(page.locator("article .cmr-actions").all()) == 1
    top = bar.bounding_box()
    # One row, even on a phone.
    heights = bar.locator(".md-button").evaluate_all("els => els.map(e => e.getBoundingClientRect().top)")
    assert max(heights) - min(heights) < 2
    page.locator("#cmr-source").scroll_into_view_if_needed()
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(100)
    box = bar.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    assert box["y"] < top["y"], "the bar moved up with the page and stayed on screen"
    expect(bar.get_by_role("link", name="Install in VS Code", exact=True)).to_be_in_viewport()
    watch.assert_clean()


def test_copied_does_not_push_the_page_down(browser, small_site: Site) -> None:
    context = browser.new_context(viewport=PHONE)
    allow_clipboard(context, small_site)
    page = context.new_page()
    page.goto(small_site.url("catalog/alpha/"))
    heading = page.locator("#cmr-details")
    before = heading.bounding_box()
    page.get_by_role("button", name="Copy chatmode").click()
    expect(page.locator(".cmr-copy-status")).to_contain_text("Copied")
    assert heading.bounding_box() == before
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_links_of_every_kind_share_one_layout_that_fits(page, watch, repo_site: Site, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.goto(repo_site.url("catalog/backend-engineer/"))
    for section in ("cmr-switches", "cmr-reached"):
        items = page.locator(f"#{section} + ul.cmr-links > li.cmr-link")
        assert items.count() > 0
        for item in items.all():
            box = item.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            assert item.locator(".cmr-via").inner_text() in ("handoff", "named in text", "subagent")
    assert page.locator("article table").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # The description is said once, under the title.
    description = repo_site.entries["backend-engineer"]["description"]
    assert page.locator("article .cmr-meta").inner_text().count(description) == 0
    expect(page.locator("article .cmr-description")).to_have_text(description)
    watch.assert_clean()


def test_the_back_link_returns_to_the_filter_the_reader_left(page, watch, repo_site: Site) -> None:
    page.goto(repo_site.url("catalog/"))
    page.locator("article input[type=search]").fill("engineer")
    expect_shown(page, repo_site, expected_slugs(repo_site, "engineer"))
    page.locator("select[name=sort]").select_option("connected")
    page.wait_for_url("**/catalog/?filter=engineer&sort=connected")
    left = page.url
    page.locator("li[data-chatmode] > div > a").first.click()
    expect(page).to_have_url(re.compile(r"/catalog/[a-z0-9-]+/$"))
    back = page.locator("article a[data-cmr-back]")
    expect(back).to_have_text("← All chat modes")
    back.click()
    expect(page).to_have_url(left)
    expect(page.locator("article input[type=search]")).to_have_value("engineer")
    expect_shown(page, repo_site, expected_slugs(repo_site, "engineer"))
    watch.assert_clean()


def test_a_mode_page_shows_where_it_is_in_the_nav(page, watch, repo_site: Site) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(repo_site.url("catalog/backend-engineer/"))
    primary = page.locator("nav.md-nav--primary")
    # The catalog's section comes first and is open, its index marked as where we are.
    first = primary.locator(":scope > ul > li").first
    expect(first).to_contain_text("Catalog")
    expect(first.locator(":scope > input.md-toggle")).to_be_checked()
    active = primary.locator("li.md-nav__item--active:not(.md-nav__item--nested) > a")
    expect(active).to_have_count(1)
    assert active.evaluate("a => a.href") == repo_site.url("catalog/")
    expect(primary.get_by_role("link", name="Models")).to_be_visible()
    watch.assert_clean()


def test_without_javascript_entries_keep_their_links(browser, repo_site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(repo_site.url("catalog/"))
    assert sorted(shown_slugs(page)) == sorted(repo_site.entries)
    assert page.locator("li[data-chatmode] > div > a").count() == len(repo_site.entries)
    context.close()


@pytest.fixture(scope="module")
def home_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> Site:
    """The clean collection plus a BOM/CRLF file, with the catalog index as the home page."""
    modes = {**CLEAN_MODES, "windows.chatmode.md": CRLF_WITH_BOM}
    return build_served_site(
        tmp_path_factory.mktemp("ux-home"), serve_site_for_session, modes, plugin_options={"home": True}
    )


def test_the_catalog_as_the_home_page_filters_opens_copies_and_comes_back(browser, home_site: Site) -> None:
    """``home: true``: the site's root is the catalog index, and everything the index does
    works there (its script finds the list, the raw files and its own address from the root)."""
    context = browser.new_context(viewport=DESKTOP)
    allow_clipboard(context, home_site)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(home_site.url(""))
        expect_shown(page, home_site, list(home_site.entries))
        # Copy on an entry: the exact file, BOM and CRLF kept.
        entry = page.locator("li[data-chatmode='windows']")
        entry.get_by_role("button", name="Copy chatmode file of Windows").click()
        expect(entry.locator(".cmr-act--copy")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()").encode("utf-8") == home_site.source_bytes(
            "windows"
        )
        # Filter, open the match, come back to the root with the filter kept.
        page.locator("article input[type=search]").fill("beta")
        expect_shown(page, home_site, expected_slugs(home_site, "beta"))
        page.wait_for_url(re.compile(r"/registry/\?filter=beta$"))
        left = page.url
        page.locator("article input[type=search]").press("Enter")
        page.wait_for_url(home_site.url(home_site.entries["beta"]["url"]))
        back = page.locator("article a[data-cmr-back]")
        back.click()
        expect(page).to_have_url(left)
        expect_shown(page, home_site, expected_slugs(home_site, "beta"))
        assert errors == []
    finally:
        context.close()

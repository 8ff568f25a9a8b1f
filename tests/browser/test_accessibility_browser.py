"""Accessibility of every catalog page kind (#16): axe-core in both palettes, keyboard-only
use, and the screenshots a person looks at.

axe-core comes from the ``axe-playwright-python`` wheel (its ``axe.min.js`` is injected into
the page: nothing is downloaded). A page passes when axe finds no *serious* or *critical*
violation on the whole page (Material's frame included), in the light and the dark palette.

Screenshots of the index, a chat mode page and the graph, at 1280×900 and 390×844 in both
palettes, are saved to ``test-results/screenshots/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser.test_catalog_browser import (
    PREVIEW_MODES,
    REPO_CHATMODES,
    Site,
    allow_clipboard,
    build_served_site,
    expect_shown,
    expected_slugs,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

#: One page of every kind, in the preview site (it has a baseline, so a changes page).
PAGE_KINDS = {
    "index": "catalog/",
    "mode": "catalog/alpha/",
    "graph": "catalog/graph/",
    "tools": "catalog/tools/",
    "models": "catalog/models/",
    "report": "catalog/report/",
    "changes": "catalog/changes/",
}

SCHEMES = {"light": "default", "dark": "slate"}


@pytest.fixture(scope="module")
def preview_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> Site:
    """The registry's own chat modes as a baseline, and a build of ``PREVIEW_MODES`` plus
    them compared with it: every page kind, banners, a changes page, problems, a dangling
    transition, an awkward file name."""
    repo_modes = {
        path.relative_to(REPO_CHATMODES).as_posix(): path.read_bytes()
        for path in REPO_CHATMODES.rglob("*.md")
    }
    baseline = build_served_site(tmp_path_factory.mktemp("a11y-baseline"), serve_site_for_session, repo_modes)
    modes = {**repo_modes, **PREVIEW_MODES}
    modes.pop(sorted(repo_modes)[0])  # one removed
    return build_served_site(
        tmp_path_factory.mktemp("a11y-preview"),
        serve_site_for_session,
        modes,
        env={"CHATMODES_BASELINE": str(baseline.folder / "catalog.json")},
    )


def open_in(browser, site: Site, url: str, scheme: str, viewport: dict | None = None):
    """A new context in ``scheme`` (light or dark) with ``url`` open; returns (context, page)."""
    context = browser.new_context(color_scheme=scheme, viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.url(url))
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
    return context, page


def serious_violations(page) -> list[tuple[str, str, list]]:
    """axe-core's serious and critical violations on the page: (rule, impact, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:5])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_axe_finds_nothing_serious(browser, preview_site: Site, kind: str, scheme: str) -> None:
    context, page = open_in(browser, preview_site, PAGE_KINDS[kind], scheme)
    try:
        assert page.locator("article").count() == 1
        assert serious_violations(page) == []
    finally:
        context.close()


def test_axe_would_notice_a_violation(browser, preview_site: Site) -> None:
    # The test above proves something only if axe runs and reports: break the page on purpose.
    context, page = open_in(browser, preview_site, "catalog/", "dark")
    try:
        page.evaluate(
            "document.querySelector('article').insertAdjacentHTML('afterbegin',"
            ' \'<p style="color:#4051b5;background:#1e2129">low contrast</p><img src="x.png">\')'
        )
        found = {rule for rule, _, _ in serious_violations(page)}
        assert {"color-contrast", "image-alt"} <= found
    finally:
        context.close()


# ---------------------------------------------------------------------------- keyboard


FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]), select, summary, textarea, [tabindex]:not([tabindex='-1'])"


def tab_through(page, limit: int = 800) -> set[str]:
    """Press Tab from the top of the page until focus comes back round (or ``limit``);
    returns the ``data-kbd`` numbers of every element that got focus."""
    reached: set[str] = set()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        number = page.evaluate("document.activeElement && document.activeElement.dataset.kbd")
        if number is None:
            continue
        if number in reached and number == min(reached, key=int):
            break
        reached.add(number)
    return reached


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_control_in_the_page_is_reached_by_tab(browser, preview_site: Site, kind: str) -> None:
    context, page = open_in(browser, preview_site, PAGE_KINDS[kind], "light")
    try:
        # Number every visible focusable element of the content; Tab must reach them all.
        count = page.evaluate(
            """(selector) => {
                const els = [...document.querySelectorAll('article ' + selector.split(', ').join(', article '))]
                  .filter((el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest('[inert]'));
                els.forEach((el, i) => { el.dataset.kbd = String(i); });
                return els.length;
            }""",
            FOCUSABLE,
        )
        assert count > 0
        reached = tab_through(page, limit=count * 3 + 200)
        missing = page.evaluate(
            """(reached) => [...document.querySelectorAll('[data-kbd]')]
                .filter((el) => !reached.includes(el.dataset.kbd))
                .map((el) => el.outerHTML.slice(0, 120))""",
            sorted(reached),
        )
        assert missing == []
    finally:
        context.close()


def test_the_index_works_by_keyboard_alone(browser, preview_site: Site) -> None:
    context, page = open_in(browser, preview_site, "catalog/", "light")
    allow_clipboard(context, preview_site)
    try:
        page.locator("article input[type=search]").focus()
        page.keyboard.type("engineer")
        expect_shown(page, preview_site, expected_slugs(preview_site, "engineer"))
        # Down to the first result, then across its buttons: Install, Insiders, Copy, CLI.
        page.keyboard.press("ArrowDown")
        first = page.evaluate("document.activeElement.closest('li[data-chatmode]').dataset.chatmode")
        name = preview_site.entries[first]["name"]
        for label in (f"Install {name} in VS Code", f"Install {name} in VS Code Insiders"):
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.getAttribute('aria-label')") == label
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator(f"li[data-chatmode='{first}'] .cmr-act--copy")).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.encode("utf-8") == preview_site.source_bytes(first)
        # Then its Copilot CLI install command.
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator(f"li[data-chatmode='{first}'] .cmr-act--cli")).to_have_text("Copied")
        marketplace = preview_site.catalog["marketplace"]["name"]
        assert (
            page.evaluate("navigator.clipboard.readText()") == f"copilot plugin install {first}@{marketplace}"
        )
        # On to the entry's first tool or model: Enter filters by it.
        page.keyboard.press("Tab")
        chip = page.evaluate(
            "[document.activeElement.dataset.cmrTool, document.activeElement.dataset.cmrModel]"
        )
        page.keyboard.press("Enter")
        if chip[0]:
            expect_shown(page, preview_site, expected_slugs(preview_site, "engineer", tools=(chip[0],)))
        else:
            expect_shown(page, preview_site, expected_slugs(preview_site, "engineer", models=(chip[1],)))
        page.keyboard.press("Enter")  # again: the filter is lifted
        expect_shown(page, preview_site, expected_slugs(preview_site, "engineer"))
        # The sort control takes arrow keys.
        page.locator("select[name=sort]").focus()
        page.keyboard.press("ArrowDown")
        expect(page).to_have_url(re.compile(r"[?&]sort="))
        # Clear filters, by keyboard.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.type") == "reset"
        page.keyboard.press("Enter")
        expect_shown(page, preview_site, list(preview_site.entries))
    finally:
        context.close()


def test_a_mode_page_works_by_keyboard_alone(browser, preview_site: Site) -> None:
    context, page = open_in(browser, preview_site, "catalog/", "light")
    allow_clipboard(context, preview_site)
    try:
        page.locator("article input[type=search]").focus()
        page.keyboard.type(preview_site.entries["windows"]["name"])
        page.keyboard.press("Enter")  # opens the first match
        expect(page.locator("article h1")).to_have_text(preview_site.entries["windows"]["name"])
        # Tab order: back link, then the action bar's buttons, Copy first.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('article [data-cmr-copy]')"):
                break
        else:
            pytest.fail("Tab never reached the copy button")
        page.keyboard.press("Enter")
        expect(page.locator(".cmr-copy-status")).to_contain_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()").encode("utf-8") == preview_site.source_bytes(
            "windows"
        )
        # The focused control is visibly marked.
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
        assert outline != "none" or background not in ("rgba(0, 0, 0, 0)", "transparent")
    finally:
        context.close()


# ---------------------------------------------------------------------------- screenshots


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", ["1280x900", "390x844"])
def test_screenshots_for_a_person_to_check(browser, preview_site: Site, size: str, scheme: str) -> None:
    width, height = (int(part) for part in size.split("x"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in (
        ("index", "catalog/"),
        ("mode", "catalog/backend-engineer/"),
        ("graph", "catalog/graph/"),
    ):
        context, page = open_in(browser, preview_site, url, scheme, {"width": width, "height": height})
        try:
            path = SCREENSHOTS / f"{name}-{size}-{scheme}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
            # Nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()

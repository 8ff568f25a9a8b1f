"""The Copilot CLI commands in a real browser: each Copy button puts the exact command on the
clipboard (a chat mode page's install and add commands, an index entry's CLI button), and the
buttons are large enough to hit (24 px, WCAG 2.2's minimum target size).

The site is built with the real plugin, with a marketplace source, and served on 127.0.0.1;
a screenshot of the chat mode page's block is kept under ``test-results/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser.test_catalog_browser import Site, allow_clipboard, build_served_site
from conftest import CLEAN_MODES

pytestmark = pytest.mark.browser

SOURCE = "octo-org/team-modes"
MIN_TARGET_PX = 24


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> Site:
    return build_served_site(
        tmp_path_factory.mktemp("cli"),
        serve_site_for_session,
        dict(CLEAN_MODES),
        plugin_options={"marketplace_name": "team-modes", "marketplace_source": SOURCE},
    )


def clipboard_after_click(page, button) -> str:
    """Empty the clipboard, click ``button``, and return what it put there."""
    page.evaluate("navigator.clipboard.writeText('')")
    button.click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    return page.evaluate("navigator.clipboard.readText()")


def test_a_mode_page_copies_its_install_and_add_commands(page, watch, cli_site: Site) -> None:
    allow_clipboard(page.context, cli_site)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(cli_site.url("catalog/beta/"))
    block = page.get_by_role("group", name="Copilot CLI")
    install = block.get_by_role("button", name="Copy the Copilot CLI install command")
    add = block.get_by_role("button", name="Copy the command that adds the marketplace")
    for button in (install, add):
        box = button.bounding_box()
        assert box is not None and box["height"] >= MIN_TARGET_PX, box
    assert clipboard_after_click(page, install) == "copilot plugin install beta@team-modes"
    # Said on the button and to screen readers; nothing floats over the page.
    expect(install).to_have_text("Copied")
    expect(block.get_by_role("status")).to_have_text("Copied to the clipboard.")
    assert clipboard_after_click(page, add) == f"copilot plugin marketplace add {SOURCE}"
    results = Path(__file__).resolve().parents[2] / "test-results"
    results.mkdir(exist_ok=True)
    block.screenshot(path=str(results / "copilot-cli-mode-page.png"))
    # On a phone the commands wrap inside the page: nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for button in (install, add):
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390 and box["height"] >= MIN_TARGET_PX, box
    block.screenshot(path=str(results / "copilot-cli-mode-page-phone.png"))
    watch.assert_clean()


def test_each_index_entry_copies_its_own_install_command(page, watch, cli_site: Site) -> None:
    allow_clipboard(page.context, cli_site)
    page.goto(cli_site.url("catalog/"))
    for slug in ("alpha", "gamma"):
        entry = page.locator(f"li[data-chatmode={slug}]")
        name = entry.locator(":scope > div > a").text_content()
        button = entry.get_by_role("button", name=f"Copy the Copilot CLI command that installs {name}")
        box = button.bounding_box()
        assert box is not None and box["height"] >= MIN_TARGET_PX, box
        assert clipboard_after_click(page, button) == f"copilot plugin install {slug}@team-modes"
    add = page.get_by_role("group", name="Copilot CLI").get_by_role(
        "button", name="Copy the command that adds the marketplace"
    )
    assert clipboard_after_click(page, add) == f"copilot plugin marketplace add {SOURCE}"
    results = Path(__file__).resolve().parents[2] / "test-results"
    page.screenshot(path=str(results / "copilot-cli-index.png"))
    watch.assert_clean()

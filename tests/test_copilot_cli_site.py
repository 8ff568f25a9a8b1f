"""The Copilot CLI commands on the built site: each chat mode page and the catalog index (also
as the home page) show ``copilot plugin install SLUG@NAME`` and, when the marketplace's source
is known, the one-time ``copilot plugin marketplace add SOURCE``, escaped like any string.

Real builds, read with a real HTML parser (tests/sitehtml.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BuildResult, build, write_project
from sitehtml import content, read_page

#: A source that passes the marketplace checks (an https URL without spaces) yet carries
#: markup: it must reach the page as text.
HOSTILE_SOURCE = "https://git.example.org/team/<b>x</b>&amp;\"'.git"


@pytest.fixture(scope="module")
def home_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The clean collection with a named marketplace and a hostile source; the index is home."""
    project = write_project(
        tmp_path_factory.mktemp("cli") / "project",
        plugin_options={"home": True, "marketplace_name": "team-modes", "marketplace_source": HOSTILE_SOURCE},
    )
    result = build(project)
    assert result.ok, result.log
    return result


def cli_commands(page: Path | str, site: Path) -> dict[str, str]:
    """The text of each command field of the page's Copilot CLI block, by id."""
    block = content(read_page(site, str(page))).find("div", cls="cmr-cli")
    if block is None:
        return {}
    assert block.find(cls="cmr-cli__title", id="cmr-cli-title").text() == "Copilot CLI"
    return {code.get("id") or "": code.text() for code in block.find_all("code", cls="cmr-cli__command")}


def test_mode_pages_show_the_install_and_add_commands(home_build: BuildResult) -> None:
    site = home_build.site
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["marketplace"] == {"name": "team-modes", "source": HOSTILE_SOURCE}
    for entry in catalog["chatmodes"]:
        commands = cli_commands(entry["url"], site)
        assert commands == {
            "cmr-cli-add": f"copilot plugin marketplace add {HOSTILE_SOURCE}",
            "cmr-cli-install": f"copilot plugin install {entry['slug']}@team-modes",
        }
        html = (site / entry["url"] / "index.html").read_text(encoding="utf-8")
        assert "<b>x</b>" not in html
        # Each command has a Copy button (the script shows it) naming what it copies.
        block = content(read_page(site, entry["url"])).find("div", cls="cmr-cli")
        buttons = {button.get("data-cmr-copy-text"): button for button in block.find_all("button")}
        assert set(buttons) == {"cmr-cli-add", "cmr-cli-install"}
        assert all(button.text() == "Copy" and button.get("aria-label") for button in buttons.values())


def test_index_and_home_give_the_add_command_and_each_entry_its_install(home_build: BuildResult) -> None:
    site = home_build.site
    for url in ("catalog/", ""):  # the index, and its copy as the home page
        # The index shows the add command only: each entry's CLI button has its install.
        assert cli_commands(url, site) == {"cmr-cli-add": f"copilot plugin marketplace add {HOSTILE_SOURCE}"}
        lists = content(read_page(site, url)).find("div", id="cmr-list")
        # The script puts each entry's slug in place of the marker (structure.SLUG_MARKER).
        assert lists.get("data-cmr-cli") == "copilot plugin install cmr-slug-marker@team-modes"


def test_without_a_source_only_the_install_command(registry_build: tuple[Path, Path]) -> None:
    """sitekit's registry has no repo_url and no marketplace_source: nothing to add, but the
    install command still names the marketplace (the site's name, slugified)."""
    _, site = registry_build
    assert cli_commands("catalog/planner/", site) == {
        "cmr-cli-install": "copilot plugin install planner@test-registry"
    }
    assert cli_commands("catalog/", site) == {}
    lists = content(read_page(site, "catalog/")).find("div", id="cmr-list")
    assert lists.get("data-cmr-cli") == "copilot plugin install cmr-slug-marker@test-registry"

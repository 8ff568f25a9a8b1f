"""A preview build says what changed in old → new values, and lists each diagnostic once.

Two real builds: the clean collection as the published baseline, then a changed collection
built against it. The changed chat mode's page and the changes page are read as HTML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CLEAN_MODES, build, write_project
from sitehtml import content, read_page

OLD_DESCRIPTION = "Implements plans."
NEW_DESCRIPTION = "Implements plans <b>with tests</b> & care."


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("changes")
    published = build(write_project(root / "published"))
    assert published.ok, published.log
    beta = str(CLEAN_MODES["beta.agent.md"])
    changed = {
        **CLEAN_MODES,
        "beta.agent.md": beta.replace(OLD_DESCRIPTION, NEW_DESCRIPTION)
        .replace("model: Claude Sonnet 4.5", "model: GPT-5.2")
        .replace("tools: ['edit/editFiles', 'search']", "tools: ['edit/editFiles', 'web/fetch']")
        # A new warning: an unknown header key.
        .replace("target: vscode", "target: vscode\nflavour: strawberry"),
    }
    result = build(write_project(root / "preview", changed, plugin_options={"baseline": str(published.site)}))
    assert result.ok, result.log
    return result.site


def test_the_changed_modes_page_shows_old_and_new_values(preview: Path) -> None:
    note = content(read_page(preview, "catalog/beta/")).find(cls="cmr-change")
    assert note is not None
    items = {item.find("code").text(): item for item in note.find_all("li")}
    assert set(items) == {"description", "model", "tools", "diagnostics"}
    description = items["description"]
    # Escaped by the template: the new description's markup is text, not a <b> element.
    assert description.find("del").text() == OLD_DESCRIPTION
    assert description.find("ins").text() == NEW_DESCRIPTION
    assert description.find("b") is None
    assert (items["model"].find("del").text(), items["model"].find("ins").text()) == (
        "Claude Sonnet 4.5",
        "GPT-5.2",
    )
    assert "added web/fetch" in items["tools"].text() and "removed search" in items["tools"].text()
    assert "1 new, 0 resolved" in items["diagnostics"].text()


def test_the_changes_page_shows_old_and_new_values(preview: Path) -> None:
    page = content(read_page(preview, "catalog/changes/"))
    section = page.find("section", data_slug="beta")
    assert section is not None
    rows = dict(zip([dt.text() for dt in section.find_all("dt")], section.find_all("dd"), strict=True))
    assert rows["description"].find("del").text() == OLD_DESCRIPTION
    assert rows["description"].find("ins").text() == NEW_DESCRIPTION
    assert "Claude Sonnet 4.5" in rows["model"].text() and "GPT-5.2" in rows["model"].text()


def test_the_changes_page_lists_each_new_diagnostic_once(preview: Path) -> None:
    page = content(read_page(preview, "catalog/changes/"))
    diagnostics = page.find_all("li", cls="chatmodes-diagnostic")
    texts = [item.text() for item in diagnostics]
    assert any("flavour" in text for text in texts), texts
    assert len(texts) == len(set(texts)), texts
    # The changed mode's own row counts them and points at the list instead of repeating it.
    section = page.find("section", data_slug="beta")
    assert not section.find_all("li", cls="chatmodes-diagnostic")
    assert section.find("a", href="#new-diagnostics") is not None

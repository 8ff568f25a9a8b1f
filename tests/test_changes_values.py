"""A preview build says what changed in old → new values, and lists each diagnostic once.

Two real builds: the clean collection as the published baseline, then a changed collection
built against it. The changed chat mode's page and the changes page are read as HTML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatmode_registry.render import changes
from chatmode_registry.render.changes import html_word_diff, word_changes
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
    # Word by word (#25), escaped by the template: the new description's markup is text.
    assert description.find_all("del") == []
    assert [added.text() for added in description.find_all("ins")] == [" <b>with tests</b> & care"]
    assert description.text().endswith(NEW_DESCRIPTION)
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
    description = rows["description"]
    # Word by word (#25): only the added words are marked; the markup stays text.
    assert description.find_all("del") == []
    assert [added.text() for added in description.find_all("ins")] == [" <b>with tests</b> & care"]
    assert description.text() == NEW_DESCRIPTION
    assert description.find("b") is None
    assert "Claude Sonnet 4.5" in rows["model"].text() and "GPT-5.2" in rows["model"].text()


def test_a_one_word_change_is_one_word_struck_out_and_one_added() -> None:
    old = "Plans the work and splits it into tasks for the team."
    new = "Plans the work and splits it into steps for the team."
    assert word_changes(old, new) == [
        ("same", "Plans the work and splits it into "),
        ("removed", "tasks"),
        ("added", "steps"),
        ("same", " for the team."),
    ]
    html = str(html_word_diff(old, new))
    assert html.count("<del>") == 1 and "<del>tasks</del><ins>steps</ins>" in html
    assert word_changes("", "New text") == [("added", "New text")]
    assert word_changes("same", "same") == [("same", "same")]


@given(st.text(alphabet="ab \n<&", max_size=40), st.text(alphabet="ab \n<&", max_size=40))
@settings(max_examples=300, deadline=None)
def test_word_changes_rebuild_both_values(old: str, new: str) -> None:
    runs = word_changes(old, new)
    assert "".join(text for kind, text in runs if kind != "added") == old
    assert "".join(text for kind, text in runs if kind != "removed") == new


def test_a_long_changed_middle_is_not_compared_pair_by_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_WORD_DIFF_PAIRS the middle is one removal and one addition (difflib compares
    pairs of words: its cost must stay bounded)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compared a middle over the bound")

    monkeypatch.setattr(changes.difflib, "SequenceMatcher", refuse)
    words = int(changes.MAX_WORD_DIFF_PAIRS**0.5) + 1
    old = "start " + " ".join(f"o{index}" for index in range(words)) + " end"
    new = "start " + " ".join(f"n{index}" for index in range(words)) + " end"
    assert [kind for kind, _ in word_changes(old, new)] == ["same", "removed", "added", "same"]


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

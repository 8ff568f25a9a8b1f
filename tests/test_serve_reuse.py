"""``mkdocs serve`` rebuilds reuse unchanged chat mode pages, and the site is never stale.

After each kind of change an author makes while serving, the rebuilt site must be the one a
fresh ``mkdocs build`` makes of the same files, byte for byte, search index included; and an
edit of one chat mode must rebuild only that page and the pages that show it.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

import chatmode_registry
from chatmode_files import chatmode
from chatmode_registry.core.model import Severity
from chatmode_registry.mkdocs.links import InstallLinks
from chatmode_registry.mkdocs.reuse import UnknownValue, value_digest
from chatmode_registry.mkdocs.structure import ToolLabel
from conftest import build, write_project
from sitehtml import read_page


@pytest.fixture(autouse=True)
def local_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process builds, as `mkdocs serve` runs them; not deployments (no ``CI``)."""
    monkeypatch.delenv("CI", raising=False)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)


def _body(name: str, extra: str = "") -> str:
    return (
        f"# {name}\n\nYou are the {name}.\n\n## Steps\n\n1. Read.\n2. Write `code`.\n\n"
        f"```python\nprint('{name}')\n```\n\n{extra}"
    )


MODES = {
    "api.chatmode.md": chatmode(_body("API Engineer", "Switch to **Backend Engineer** mode for services.\n")),
    "backend.chatmode.md": chatmode(
        _body("Backend Engineer"),
        header="handoffs:\n  - label: Test it\n    agent: qa\n    prompt: Test the service.\n",
    ),
    "qa.chatmode.md": chatmode(_body("QA Engineer", "Switch to **API Engineer** mode when done.\n")),
    "writer.chatmode.md": chatmode(_body("Technical Writer")),
    "reviewer.chatmode.md": chatmode(_body("Code Reviewer", "Switch to **QA Engineer** mode.\n")),
}


class Serving:
    """A project built in this process the way `mkdocs serve` builds it: the plugin instance
    lives on between builds, each build loads the configuration again."""

    def __init__(self, project: Path) -> None:
        self.project = project
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=False)
        mkdocs_build(config)
        self.plugin = config.plugins["chatmodes"]

    def _config(self):
        return load_config(config_file=str(self.project / "mkdocs.yml"), site_dir=str(self.project / "site"))

    def rebuild(self) -> int:
        """Build again; how many chat mode pages were reused."""
        config = self._config()
        mkdocs_build(config)
        assert config.plugins["chatmodes"] is self.plugin
        return self.plugin.kept_pages.last_reused


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_same_as_a_fresh_build(project: Path, scratch: Path) -> None:
    """The served site equals `mkdocs build` of a copy of the project, file for file."""
    copy = scratch / f"fresh-{len(list(scratch.glob('fresh-*')))}"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site"))
    result = build(copy)
    assert result.ok, result.log
    served, fresh = tree(project / "site"), tree(copy / "site")
    assert served.keys() == fresh.keys()
    different = [name for name in served if served[name] != fresh[name]]
    assert different == [], f"stale after the rebuild: {different[:5]}"


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_each_kind_of_change_rebuilds_what_it_changes_and_nothing_goes_stale(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", MODES)
    modes = project / "chatmodes"
    serving = Serving(project)
    assert_same_as_a_fresh_build(project, tmp_path)
    assert serving.rebuild() == len(MODES), "nothing changed: every page is reused"

    # A body edit of a mode nobody links to: only its own page.
    edit(modes / "writer.chatmode.md", lambda text: text.replace("1. Read.", "1. Read twice."))
    assert serving.rebuild() == len(MODES) - 1
    assert_same_as_a_fresh_build(project, tmp_path)

    # A new name: every page that links to it or is linked from it shows the new name.
    edit(modes / "backend.chatmode.md", lambda text: text.replace("# Backend Engineer", "# Service Engineer"))
    assert serving.rebuild() <= len(MODES) - 3
    assert_same_as_a_fresh_build(project, tmp_path)

    # A new handoff (VS Code names an agent by its file name): the target's page lists the
    # new incoming link.
    edit(
        modes / "writer.chatmode.md",
        lambda text: text.replace(
            "description: Helps with tests.\n",
            "description: Helps with tests.\nhandoffs:\n  - label: Review\n    agent: reviewer\n    prompt: Review it.\n",
        ),
    )
    assert serving.rebuild() <= len(MODES) - 2
    assert_same_as_a_fresh_build(project, tmp_path)

    # A removed mode: its links become dangling on the pages that named it.
    (modes / "qa.chatmode.md").unlink()
    serving.rebuild()
    assert_same_as_a_fresh_build(project, tmp_path)

    # A change outside the chat modes (a docs page, the configuration): nothing is reused.
    edit(project / "docs" / "index.md", lambda text: text.replace("# Home", "# Start here"))
    assert serving.rebuild() == 0
    assert_same_as_a_fresh_build(project, tmp_path)
    edit(project / "mkdocs.yml", lambda text: text.replace("site_name: Test registry", "site_name: Renamed"))
    assert serving.rebuild() == 0
    assert_same_as_a_fresh_build(project, tmp_path)


def test_a_site_with_hooks_reuses_pages(tmp_path: Path) -> None:
    # The registry's own site has a hook (hooks/reference.py): MkDocs lists hooks among the
    # plugins, as modules without options. (It also keeps each hook module for the life of
    # the process, so an edited hook is not seen by `mkdocs serve` at all.)
    hook = "def on_page_content(html, page, config, files):\n    return html + '<p>hooked</p>'\n"
    project = write_project(
        tmp_path / "project", MODES, config={"hooks": ["hook.py"]}, files={"hook.py": hook}
    )
    serving = Serving(project)
    edit(
        project / "chatmodes" / "writer.chatmode.md", lambda text: text.replace("1. Read.", "1. Read again.")
    )
    assert serving.rebuild() == len(MODES) - 1
    assert_same_as_a_fresh_build(project, tmp_path)


def test_serve_reuse_false_rebuilds_every_page(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", MODES, plugin_options={"serve_reuse": False})
    serving = Serving(project)
    assert serving.rebuild() == 0
    assert_same_as_a_fresh_build(project, tmp_path)


def test_a_single_build_keeps_no_pages(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", MODES)
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    assert config.plugins["chatmodes"].kept_pages is None


def test_a_tool_anchor_moved_by_an_unlinked_mode_is_not_served_stale(tmp_path: Path) -> None:
    # The tools page's anchors are one table for the whole site: each tool's id is its slug,
    # de-duplicated in the order of all the catalog's tool names. A tool that another,
    # unlinked mode adds can take the id a page links to, so that page links somewhere else
    # now although nothing it links to or is linked from changed.
    modes = dict(MODES)
    modes["api.chatmode.md"] = chatmode(
        _body("API Engineer", "Switch to **Backend Engineer** mode for services.\n"),
        header="tools:\n  - my-tool\n  - search/codebase\n",
    )
    project = write_project(tmp_path / "project", modes)
    serving = Serving(project)
    before = _tool_links(project, "api")
    assert before["my-tool"].endswith("#cmr-tool-my-tool")

    # writer.chatmode.md links nowhere and nothing links to it; "My tool" sorts first.
    edit(
        project / "chatmodes" / "writer.chatmode.md",
        lambda text: text.replace(
            "description: Helps with tests.\n", "description: Helps with tests.\ntools: ['My tool']\n"
        ),
    )
    assert serving.rebuild() == len(modes) - 2, "the edited mode's page and the page whose anchor moved"
    assert_same_as_a_fresh_build(project, tmp_path)
    assert _tool_links(project, "api")["my-tool"].endswith("#cmr-tool-my-tool-2")
    assert _tool_links(project, "writer")["My tool"].endswith("#cmr-tool-my-tool")

    # And back: the anchor returns, and so does the link.
    edit(project / "chatmodes" / "writer.chatmode.md", lambda text: text.replace("tools: ['My tool']\n", ""))
    serving.rebuild()
    assert_same_as_a_fresh_build(project, tmp_path)
    assert _tool_links(project, "api") == before


def _tool_links(project: Path, slug: str) -> dict[str, str]:
    """A chat mode page's tool links: tool name -> href."""
    tools = read_page(project / "site", f"catalog/{slug}/").find("ul", cls="cmr-tools")
    assert tools is not None
    return {link.text(): link.get("href") or "" for link in tools.find_all("a")}


def same_size_same_time_edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (as long) in ``path`` and put its modification time back."""
    assert len(old) == len(new)
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


MAIN_OVERRIDE = (
    '{% extends "base.html" %}\n{% block footer %}<p class="marker">footer-one</p>{% endblock %}\n'
)


def test_a_theme_file_edited_with_the_same_size_and_time_is_seen(tmp_path: Path) -> None:
    # Both kinds of template a chat mode page goes through: the theme's frame (main.html in
    # custom_dir) and the plugin's own page template, overridden in the same folder.
    packaged = Path(chatmode_registry.__file__).parent / "templates" / "chatmodes" / "mode.html"
    project = write_project(
        tmp_path / "project",
        MODES,
        config={"theme": {"name": "material", "font": False, "custom_dir": "overrides"}},
        files={
            "overrides/main.html": MAIN_OVERRIDE,
            "overrides/chatmodes/mode.html": packaged.read_text(encoding="utf-8"),
        },
    )
    serving = Serving(project)
    assert serving.rebuild() == len(MODES)

    same_size_same_time_edit(project / "overrides" / "main.html", "footer-one", "footer-two")
    assert serving.rebuild() == 0
    assert_same_as_a_fresh_build(project, tmp_path)
    assert "footer-two" in (project / "site" / "catalog" / "api" / "index.html").read_text(encoding="utf-8")

    same_size_same_time_edit(
        project / "overrides" / "chatmodes" / "mode.html", "All chat modes", "All chat MODES"
    )
    assert serving.rebuild() == 0
    assert_same_as_a_fresh_build(project, tmp_path)
    assert serving.rebuild() == len(MODES), "unchanged again: every page is reused"


def test_the_page_key_tells_apart_every_value_a_template_can_show() -> None:
    # The key of a chat mode page is the digest of the values it is rendered from: two values
    # that could render differently must never share a digest, and a value the digest does
    # not know stops the page from being kept rather than being skipped.
    values = [
        None, True, False, 0, 1, 1.0, "", "1", "a", Markup("a"), b"a", ["a"], ("a", "b"), ["a", "b"],
        [["a"], "b"], ["a", ["b"]], {"a": "b"}, {"b": "a"}, {"a": None}, {"a": "b", "c": "d"},
        {"c": "d", "a": "b"}, {"a"}, Severity.ERROR, Severity.WARNING, datetime.date(2026, 1, 2),
        ToolLabel("a", None, (), None, False), ToolLabel("a", None, (), "retired", True),
        InstallLinks("a", "b"), InstallLinks("b", "a"),
    ]  # fmt: skip
    digests = [value_digest(value) for value in values]
    assert len(set(digests)) == len(values)
    assert value_digest({"a": [ToolLabel("a", "b", ("c",), None, True)]}) == value_digest(
        {"a": [ToolLabel("a", "b", ("c",), None, True)]}
    )
    with pytest.raises(UnknownValue):
        value_digest({"page": object()})

"""``mkdocs serve`` rebuilds reuse unchanged chat mode pages, and the site is never stale.

After each kind of change an author makes while serving, the rebuilt site must be the one a
fresh ``mkdocs build`` makes of the same files, byte for byte, search index included; and an
edit of one chat mode must rebuild only that page and the pages that show it.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from chatmode_files import chatmode
from conftest import build, write_project


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

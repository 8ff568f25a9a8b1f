"""Rebuilds as ``mkdocs serve`` runs them reuse rendered bodies and drawings, never stale ones.

``mkdocs serve`` builds, then on every change loads the configuration again and builds again
in the same process; the plugin keeps its instance (it defines ``on_startup``) and with it
a cache of rendered bodies and neighbourhood drawings keyed by their inputs.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import write_project
from sitehtml import content, read_page

SERVE_URL = "http://127.0.0.1:8000/"


@pytest.fixture(autouse=True)
def local_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """These builds run in this process: without ``CI``, which would make them deployments
    that refuse the local ``SERVE_URL`` (the ``build`` command below is not ``serve``)."""
    monkeypatch.delenv("CI", raising=False)


MODES = {
    f"mode-{index}.chatmode.md": (
        "---\n"
        f"description: Mode number {index}.\n"
        "---\n"
        f"# Mode {index}\n\n"
        f"Instructions of mode {index}.\n\n"
        "> [!NOTE]\n> A note, and [the guide](guide.md).\n\n"
        f"Switch to **Mode {(index + 1) % 4}** mode to continue.\n"
    )
    for index in range(4)
}


def serve_config(project: Path):
    """The configuration as ``mkdocs serve`` loads it before each build."""
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.site_url = SERVE_URL
    return config


def text_of(project: Path, slug: str) -> str:
    """The visible text of a chat mode page's content."""
    return content(read_page(project / "site", f"catalog/{slug}/")).text()


def test_rebuild_after_one_edit_renders_only_that_body(tmp_path: Path) -> None:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    # Every page is rendered again here, as when the site changed: with `serve_reuse` the
    # unchanged pages would be reused whole (tests/test_serve_reuse.py) and use no body.
    project = write_project(tmp_path / "project", MODES, plugin_options={"serve_reuse": False})
    config = serve_config(project)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL)
    plugin = config.plugins["chatmodes"]
    first_hits, first_misses = plugin.cache.last_build
    assert first_hits == 0 and first_misses > 8  # four files, their bodies and drawings, all new

    edited = project / "chatmodes" / "mode-2.chatmode.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Instructions of mode 2.", "Edited words."),
        encoding="utf-8",
    )
    config = serve_config(project)
    build(config, serve_url=SERVE_URL)

    assert config.plugins["chatmodes"] is plugin, "MkDocs must keep the plugin instance between rebuilds"
    hits, misses = plugin.cache.last_build
    assert misses == 2, "only the edited file is parsed and its body rendered again"
    assert hits == first_misses - 2
    assert "Edited words." in text_of(project, "mode-2")
    assert "Instructions of mode 2." not in text_of(project, "mode-2")
    assert "Instructions of mode 1." in text_of(project, "mode-1")


def test_a_changed_repository_place_is_not_served_from_the_cache(tmp_path: Path) -> None:
    # A body's relative links resolve against the file's place in its repository: a new
    # repo_url or edit_uri renders every body again; the site's Markdown extensions, which
    # never apply to bodies, do not.
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    project = write_project(tmp_path / "project", MODES)
    config = serve_config(project)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL)
    plugin = config.plugins["chatmodes"]
    body = content(read_page(project / "site", "catalog/mode-1/")).find(cls="cmr-body")
    assert "admonition" in body.find("div").classes
    note = body.find(cls="admonition")
    assert note.find("a") is None and "the guide" in note.text(), "no repo_url: plain text"

    settings = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    settings["markdown_extensions"] = [
        item for item in settings["markdown_extensions"] if item != "admonition"
    ]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    config = serve_config(project)
    build(config, serve_url=SERVE_URL)
    assert plugin.cache.last_build[1] == 0, "bodies do not depend on the site's Markdown extensions"

    settings["repo_url"] = "https://github.com/example/registry"
    settings["edit_uri"] = "edit/trunk/docs/"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    config = serve_config(project)
    build(config, serve_url=SERVE_URL)
    assert plugin.cache.last_build[1] == len(MODES), "every body is rendered again for its new place"
    body = content(read_page(project / "site", "catalog/mode-1/")).find(cls="cmr-body")
    link = body.find(cls="admonition").find("a")
    assert link.get("href") == "https://github.com/example/registry/blob/trunk/chatmodes/guide.md"


def test_a_single_build_keeps_no_cache(tmp_path: Path) -> None:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    project = write_project(tmp_path / "project", MODES)
    config = serve_config(project)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    assert config.plugins["chatmodes"].cache is None
    assert "Instructions of mode 1." in text_of(project, "mode-1")

"""#14 finding 6: a chat mode folder inside ``docs_dir`` never becomes MkDocs' own pages.

MkDocs renders every ``.md`` file of the docs folder with the site's Markdown extensions and no
sanitizing, and copies every other file as it is. With ``source: docs/chatmodes`` each chat
mode would be published twice: once by the catalog (sanitized), once as an ordinary page
(stored XSS). The sites below are built for real and their files, nav and search index parsed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BuildResult, build, write_project
from hostile import PWN
from sitehtml import parse
from test_hostile_build import active_content

MARKER = "DOCS-DIR-MARKER-7f3a"

EVIL = (
    "---\ndescription: Tries to become a page of its own.\n---\n"
    f'# Evil {MARKER}\n\n<script>{PWN}</script>\n\n<img src=x onerror="{PWN}">\n\n'
    f"[click](javascript:{PWN.replace(' ', '')})\n"
)
GOOD = "---\ndescription: A good neighbour.\n---\n# Good Neighbour\n\nBody.\n"


def _project(root: Path, source: str, chatmodes_dir: str, *, extra: dict[str, str] | None = None) -> Path:
    files = {
        f"{chatmodes_dir}/evil.chatmode.md": EVIL,
        f"{chatmodes_dir}/sub/good.agent.md": GOOD,
        # Files next to the chat modes that are not chat modes: authors control them too.
        f"{chatmodes_dir}/README.md": f"# Readme {MARKER}\n\n<script>{PWN}</script>\n",
        f"{chatmodes_dir}/page.html": f"<html><body>{MARKER}<script>{PWN}</script></body></html>",
        **(extra or {}),
    }
    return write_project(root, {}, plugin_options={"source": source}, files=files)


def _search_locations(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]


def _nav_links(site: Path) -> set[str]:
    document = parse((site / "index.html").read_text("utf-8"))
    return {
        node.get("href") or ""
        for node in document.iter()
        if node.tag == "a" and any(parent.tag == "nav" for parent in node.ancestors())
    }


@pytest.fixture(scope="module")
def inside_docs(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    project = _project(tmp_path_factory.mktemp("inside"), "docs/chatmodes", "docs/chatmodes")
    return build(project)


def test_the_catalog_publishes_the_chat_modes_in_docs_dir(inside_docs: BuildResult) -> None:
    assert inside_docs.ok, inside_docs.log
    catalog = json.loads((inside_docs.site / "catalog.json").read_text("utf-8"))
    assert sorted(entry["source"] for entry in catalog["chatmodes"]) == [
        "evil.chatmode.md",
        "sub/good.agent.md",
    ]
    assert (inside_docs.site / "catalog" / "evil" / "index.html").is_file()
    assert (inside_docs.site / "catalog" / "good" / "index.html").is_file()


def test_no_file_of_the_folder_becomes_a_page_or_a_copy(inside_docs: BuildResult) -> None:
    site = inside_docs.site
    assert not (site / "chatmodes").exists(), sorted(p.as_posix() for p in (site / "chatmodes").rglob("*"))
    # The marker reaches the site only through the catalog (page, raw file, catalog.json, search,
    # llms.txt and llms-full.txt).
    carriers = {
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and MARKER.encode() in path.read_bytes()
    }
    assert carriers, "the evil chat mode must still be published by the catalog"
    assert all(
        carrier.startswith("catalog/")
        or carrier in {"catalog.json", "search/search_index.json", "llms.txt", "llms-full.txt"}
        for carrier in carriers
    ), carriers


def test_the_folder_is_in_neither_nav_nor_search(inside_docs: BuildResult) -> None:
    links = _nav_links(inside_docs.site)
    assert links and not [link for link in links if "chatmodes/" in link]
    locations = [doc["location"] for doc in _search_locations(inside_docs.site)]
    assert any(location.startswith("catalog/evil/") for location in locations)
    assert not [location for location in locations if location.startswith("chatmodes/")]


def test_no_page_of_the_site_has_active_content(inside_docs: BuildResult) -> None:
    # Scripts other than the theme's own inline scripts and its and the plugin's assets.
    assert active_content(inside_docs.site) == {}


def test_strict_build_of_a_clean_folder_in_docs_dir_passes(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "p",
        {},
        plugin_options={"source": "docs/chatmodes"},
        files={"docs/chatmodes/good.agent.md": GOOD},
    )
    result = build(project, strict=True)
    assert result.ok, result.log
    assert not (result.site / "chatmodes").exists()


def test_docs_dir_inside_the_source_loses_only_its_chat_mode_files(tmp_path: Path) -> None:
    # source: "." holds docs/ as well: the site's own pages stay, chat mode files found in
    # docs/ are published by the catalog only.
    project = write_project(
        tmp_path / "p",
        {},
        plugin_options={"source": "."},
        docs={"guide.md": "# Guide\n\nThe site's own page.\n"},
        files={"docs/modes/evil.chatmode.md": EVIL},
    )
    result = build(project)
    assert result.ok, result.log
    assert (result.site / "guide" / "index.html").is_file()
    assert not (result.site / "modes").exists()
    catalog = json.loads((result.site / "catalog.json").read_text("utf-8"))
    assert "docs/modes/evil.chatmode.md" in [entry["source"] for entry in catalog["chatmodes"]]

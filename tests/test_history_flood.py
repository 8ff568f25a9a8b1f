"""History as an attack (issue #23, finding 2): what git history adds to ``catalog.json`` is
bounded, counted and warned about, reading it is bounded in memory, and a build never publishes
a catalog its own clients refuse."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from chatmode_files import chatmode, write_tree
from chatmode_registry.core import git as core_git
from chatmode_registry.core.history import history_with_counts
from chatmode_registry.core.record import catalog_problem
from chatmode_registry.core.site import MAX_CATALOG_BYTES, open_site
from chatmode_registry.render.catalog_json import CatalogTooLarge, fit_catalog
from conftest import CLEAN_MODES, build, write_project
from sitekit import commit_all, flood_history, git, sha256

#: The issue's flood: one commit adds this many small files, the next deletes them.
FLOOD = 80_000


@pytest.fixture(scope="module")
def flooded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose history has a flood of added-then-deleted chat modes, between the
    removal of nothing and the removal of one real mode (the newest change)."""
    root = write_project(tmp_path_factory.mktemp("flood") / "project")
    write_tree(root / "chatmodes", {"was-here.agent.md": chatmode()})
    git(root, "init", "-q")
    commit_all(root, "start")
    flood_history(root, "chatmodes", FLOOD)
    (root / "chatmodes" / "was-here.agent.md").unlink()
    commit_all(root, "remove a real one")
    return root


@pytest.fixture(scope="module")
def flooded_build(flooded: Path):
    result = build(flooded)
    assert result.ok, result.log
    return result


def test_a_flooded_history_gives_a_small_catalog_that_counts_the_rest(flooded_build) -> None:
    path = flooded_build.site / "catalog.json"
    assert path.stat().st_size < 1024 * 1024
    data = json.loads(path.read_text(encoding="utf-8"))
    removed = data["removed"]
    assert len(removed) == core_git.MAX_REMOVED
    # The most recently changed come first: the real removal is kept whatever came before.
    assert removed[0]["source"] == "was-here.agent.md"
    assert removed[1]["source"].startswith("flood/")
    assert data["removed_omitted"] == FLOOD + 1 - core_git.MAX_REMOVED
    assert sorted(entry["source"] for entry in data["chatmodes"]) == sorted(CLEAN_MODES)
    assert catalog_problem(data) is None


def test_the_cut_is_a_warning(flooded_build) -> None:
    assert flooded_build.messages() == [
        f"chatmode_registry: git history has {FLOOD + 1:,} removed chat mode files; catalog.json's "
        f"'removed' lists the {core_git.MAX_REMOVED:,} most recently changed and counts the other "
        f"{FLOOD + 1 - core_git.MAX_REMOVED:,} ('removed_omitted'): copies of those show as 'unknown' "
        "in chatmodes status"
    ]


def test_the_registry_clients_accept_the_flooded_site(flooded_build) -> None:
    site = open_site(str(flooded_build.site))
    assert len(site.entries()) == len(CLEAN_MODES)


def test_reading_a_flooded_history_is_bounded_in_memory(flooded: Path) -> None:
    """The log is 21 MB of text for 160,000 changes; it is parsed as it streams and only the
    kept part is held."""
    tracemalloc.start()
    try:
        log = core_git.read_source_log(flooded / "chatmodes", present=sorted(CLEAN_MODES))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(log.removed) == core_git.MAX_REMOVED
    assert log.more_removed == FLOOD + 1 - core_git.MAX_REMOVED
    assert sorted(log.dates) == sorted(CLEAN_MODES)
    assert peak < 8 * 1024 * 1024, peak


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository in which ``a.agent.md`` has six versions and three files came and went."""
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    for version in range(1, 7):
        write_tree(folder, {"a.agent.md": f"v{version}\n", "sub dir/b c.chatmode.md": "b\n"})
        commit_all(folder, f"v{version}")
    for index in range(3):
        write_tree(folder, {f"gone{index}.agent.md": f"gone {index}\n"})
        commit_all(folder, "add")
        (folder / f"gone{index}.agent.md").unlink()
        commit_all(folder, "delete")
    return folder


def test_bounds_are_kept_and_the_rest_counted(repo: Path) -> None:
    present = ["a.agent.md", "sub dir/b c.chatmode.md"]
    log = core_git.read_source_log(repo, present=present, max_versions=2, max_removed=2)
    assert len(log.blobs["a.agent.md"]) == 3  # two earlier versions and the current one
    assert log.more_versions == {"a.agent.md": 3}
    assert list(log.removed) == ["gone2.agent.md", "gone1.agent.md"]
    assert log.more_removed == 1
    history, omitted = history_with_counts(repo, present, max_versions=2, log=log)
    assert history["a.agent.md"] == [sha256(b"v5\n"), sha256(b"v4\n")]
    assert omitted == {"a.agent.md": 3}


def test_streamed_parsing_equals_parsing_the_whole_output(repo: Path, monkeypatch) -> None:
    """Tokens split across every chunk boundary parse as the whole output does."""
    arguments = ("log", "-z", f"--format={core_git._RECORD}%cI%x00%P", "--raw", "--no-abbrev")
    arguments += ("--no-renames", "--relative", "--diff-merges=first-parent", "--", ".")
    whole = core_git.run_git(repo, *arguments).decode("utf-8", "surrogateescape")
    present = ["a.agent.md", "sub dir/b c.chatmode.md"]
    expected = core_git.parse_log(whole, present=present)
    monkeypatch.setattr(core_git, "_CHUNK", 7)
    assert core_git.read_source_log(repo, present=present) == expected
    assert list(expected.removed) == ["gone2.agent.md", "gone1.agent.md", "gone0.agent.md"]


def _catalog(modes: int, versions: int, removed: int) -> dict:
    digest = "ab" * 32
    return {
        "schema": 1,
        "site_url": None,
        "chatmodes": [
            {"slug": f"m{index}", "raw_url": f"catalog/m{index}/m{index}.agent.md", "sha256": digest}
            | {"history": [digest] * versions}
            for index in range(modes)
        ],
        "rejected": [],
        "removed": [
            {"slug": f"r{index}", "source": f"r{index}.agent.md", "history": [digest]}
            for index in range(removed)
        ],
    }


def test_a_catalog_over_the_client_limit_loses_what_history_adds_first() -> None:
    data = _catalog(modes=20, versions=100, removed=5_000)
    limit = len(json.dumps(_catalog(modes=20, versions=10, removed=0), indent=1)) + 2_000
    text, cuts = fit_catalog(data, limit=limit)  # type: ignore[arg-type]
    assert len(text.encode("utf-8")) <= limit
    fitted = json.loads(text)
    assert catalog_problem(fitted) is None
    assert "removed" not in fitted and fitted["removed_omitted"] == 5_000
    assert {len(entry["history"]) for entry in fitted["chatmodes"]} == {10}
    assert {entry["history_omitted"] for entry in fitted["chatmodes"]} == {90}
    assert cuts == [
        f"catalog.json was 905,239 bytes, over the {limit:,} its clients accept",
        "'removed' cut to 100 entries",
        "'removed' cut to 0 entries",
        "the history of 20 chat modes cut to 10 versions",
    ]


def test_a_catalog_that_cannot_fit_is_refused_not_published() -> None:
    data = _catalog(modes=200, versions=0, removed=0)
    with pytest.raises(CatalogTooLarge, match="more than the 1,000 the registry's clients"):
        fit_catalog(data, limit=1_000)  # type: ignore[arg-type]


def test_a_catalog_within_the_limit_is_left_whole() -> None:
    data = _catalog(modes=3, versions=100, removed=100)
    text, cuts = fit_catalog(data)  # type: ignore[arg-type]
    assert cuts == [] and len(json.loads(text)["removed"]) == 100
    assert MAX_CATALOG_BYTES == 16 * 1024 * 1024  # what install, status and search accept


def test_the_build_cuts_or_refuses_a_catalog_over_the_client_limit(monkeypatch, caplog) -> None:
    """The plugin applies the clients' limit: history is cut with a warning, and a catalog
    that cannot fit stops the build (a lowered limit stands in for 16 MiB)."""
    from mkdocs.exceptions import PluginError

    from chatmode_registry.mkdocs import plugin as plugin_module

    plugin = plugin_module.ChatmodesPlugin()
    data = _catalog(modes=20, versions=100, removed=5_000)
    limit = len(json.dumps(_catalog(modes=20, versions=10, removed=0), indent=1)) + 2_000
    monkeypatch.setattr(plugin_module, "MAX_CATALOG_BYTES", limit)
    text = plugin._fit_catalog(data)  # type: ignore[arg-type]
    assert len(text.encode("utf-8")) <= limit
    assert "what git history adds was shortened to fit" in caplog.text
    monkeypatch.setattr(plugin_module, "MAX_CATALOG_BYTES", 1_000)
    with pytest.raises(PluginError, match="more than the 1,000 the registry's clients"):
        plugin._fit_catalog(_catalog(modes=200, versions=0, removed=0))  # type: ignore[arg-type]

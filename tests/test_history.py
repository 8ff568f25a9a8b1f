"""``published_history``: earlier committed versions of chat mode files, from git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from chatmode_registry.core.history import published_history
from sitekit import git, sha256


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository."""
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    return folder


def commit(repo: Path, files: dict[str, bytes | None], message: str = "change") -> None:
    """Write (or, for ``None``, delete) files and commit them all."""
    for relative, content in files.items():
        path = repo / relative
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    git(repo, "add", "-A", ".")
    git(repo, "commit", "-q", "-m", message)


def test_earlier_versions_newest_first_without_the_current(repo):
    versions = [b"one\n", b"two\n", b"three\n"]
    for content in versions:
        commit(repo, {"modes/a.chatmode.md": content})
    found = published_history(repo / "modes", ["a.chatmode.md"])
    assert found == {"a.chatmode.md": [sha256(b"two\n"), sha256(b"one\n")]}


def test_uncommitted_current_content_keeps_every_committed_version(repo):
    commit(repo, {"a.agent.md": b"v1"})
    commit(repo, {"a.agent.md": b"v2"})
    (repo / "a.agent.md").write_bytes(b"v3 work in progress")
    assert published_history(repo, ["a.agent.md"]) == {"a.agent.md": [sha256(b"v2"), sha256(b"v1")]}


def test_current_digest_can_be_given_instead_of_read(repo):
    commit(repo, {"a.agent.md": b"v1"})
    commit(repo, {"a.agent.md": b"v2"})
    found = published_history(repo, ["a.agent.md"], current={"a.agent.md": sha256(b"v1")})
    assert found == {"a.agent.md": [sha256(b"v2")]}


def test_source_folder_below_the_repository_root_and_odd_names(repo):
    name = "sub dir/Spec (2) & co.agent.md"
    commit(repo, {f"docs/chatmodes/{name}": b"first", "docs/other.chatmode.md": b"outside"})
    commit(repo, {f"docs/chatmodes/{name}": b"second", "docs/other.chatmode.md": b"outside 2"})
    found = published_history(repo / "docs" / "chatmodes", [name])
    assert found == {name: [sha256(b"first")]}


def test_reverted_and_deleted_versions_are_listed_once(repo):
    for content in (b"A", b"B", b"A", None, b"C"):
        commit(repo, {"x.chatmode.md": content})
    assert published_history(repo, ["x.chatmode.md"]) == {"x.chatmode.md": [sha256(b"A"), sha256(b"B")]}


def test_files_never_committed_get_an_empty_list(repo):
    commit(repo, {"a.agent.md": b"v1"})
    (repo / "new.agent.md").write_bytes(b"new")
    assert published_history(repo, ["a.agent.md", "new.agent.md"]) == {"a.agent.md": [], "new.agent.md": []}


def test_versions_from_a_merged_branch_are_found(repo):
    commit(repo, {"a.agent.md": b"base"})
    main_branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"a.agent.md": b"feature work"})
    git(repo, "checkout", "-q", main_branch)
    commit(repo, {"b.agent.md": b"unrelated"})
    git(repo, "merge", "-q", "--no-edit", "feature")
    commit(repo, {"a.agent.md": b"after merge"})
    found = published_history(repo, ["a.agent.md"])
    assert found == {"a.agent.md": [sha256(b"feature work"), sha256(b"base")]}


def test_max_versions_keeps_the_newest(repo):
    for number in range(6):
        commit(repo, {"a.agent.md": f"v{number}".encode()})
    found = published_history(repo, ["a.agent.md"], max_versions=2)
    assert found == {"a.agent.md": [sha256(b"v4"), sha256(b"v3")]}


def test_not_a_work_tree_gives_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.agent.md").write_bytes(b"x")
    # Keep git from finding a repository above tmp_path.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert published_history(folder, ["a.agent.md"]) == {}


def test_missing_git_gives_nothing(repo, monkeypatch):
    commit(repo, {"a.agent.md": b"v1"})
    commit(repo, {"a.agent.md": b"v2"})
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    assert published_history(repo, ["a.agent.md"]) == {}


def test_git_process_count_does_not_grow_with_files_or_commits(repo, monkeypatch):
    # Every process start goes through Popen (subprocess.run included).
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):
        def __init__(self, command, *args, **kwargs):
            started.append(command)
            super().__init__(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)

    def processes_for(prefix: str, files: int, commits: int) -> int:
        names = [f"{prefix}{index}.agent.md" for index in range(files)]
        for number in range(commits):
            commit(repo, {name: f"{name} v{number}".encode() for name in names})
        started.clear()
        found = published_history(repo, names)
        assert [len(found[name]) for name in names] == [commits - 1] * files
        return len(started)

    small = processes_for("small", files=1, commits=2)
    large = processes_for("large", files=12, commits=8)
    # One git log and one git cat-file.
    assert small == large == 2

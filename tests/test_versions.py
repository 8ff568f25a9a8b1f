"""Versioned publishing with mike: two versions deployed into a local repository with no remote.

The real ``mike`` command builds the site with the plugin; the tests read what it committed to
``gh-pages`` with git.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from conftest import SITE_URL, write_project
from sitehtml import parse

pytestmark = pytest.mark.skipif(shutil.which("mike") is None, reason="mike is not installed")

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Registry Tests",
    "GIT_AUTHOR_EMAIL": "tests@chatmode-registry.invalid",
    "GIT_COMMITTER_NAME": "Registry Tests",
    "GIT_COMMITTER_EMAIL": "tests@chatmode-registry.invalid",
}


def _environment() -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MIKE_DOCS_VERSION", "CHATMODES_BASELINE", "SITE_URL", "CI")
    }
    environment.update(_GIT_IDENTITY, NO_MKDOCS_2_WARNING="1")
    return environment


def _run(project: Path, *arguments: str) -> str:
    completed = subprocess.run(
        arguments, cwd=project, env=_environment(), capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def _show(project: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "show", f"gh-pages:{path}"], cwd=project, capture_output=True, check=True, env=_environment()
    ).stdout


def _tree(project: Path, folder: str) -> dict[str, str]:
    """Blob ids of every file under ``folder`` on gh-pages."""
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "gh-pages", "--", folder],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env=_environment(),
    ).stdout
    return {line.split("\t", 1)[1]: line.split()[2] for line in listing.splitlines()}


def _install_targets(html: bytes) -> set[str]:
    """The ``url=`` targets of the VS Code install links on a page, decoded."""
    targets = set()
    for element in parse(html.decode("utf-8")).iter():
        href = element.get("href") or ""
        if href.startswith("https://vscode.dev/redirect?url="):
            inner = unquote(href.removeprefix("https://vscode.dev/redirect?url="))
            targets.add(inner.split("?url=", 1)[1])
    return targets


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with two versions deployed: 1.0 (then ``latest``), and 2.0 with a changed mode."""
    project = write_project(
        tmp_path_factory.mktemp("versions"),
        config={"extra": {"version": {"provider": "mike"}}},
    )
    _run(project, "git", "init", "-q", "-b", "main")
    _run(project, "git", "add", "-A")
    _run(project, "git", "commit", "-q", "-m", "registry 1.0")
    _run(project, "mike", "deploy", "1.0", "latest", "--update-aliases")
    (project / "versions-1.0.json").write_text(json.dumps(_tree(project, "1.0")), encoding="utf-8")
    beta = project / "chatmodes" / "beta.agent.md"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace("Implements plans.", "Implements plans, version two.")
    )
    _run(project, "git", "commit", "-q", "-am", "registry 2.0")
    _run(project, "mike", "deploy", "2.0", "latest", "--update-aliases")
    return project


def test_versions_json_lists_both_versions_and_moves_the_alias(deployed: Path) -> None:
    versions = json.loads(_show(deployed, "versions.json"))
    by_version = {entry["version"]: entry for entry in versions}
    assert set(by_version) == {"1.0", "2.0"}
    assert by_version["2.0"]["aliases"] == ["latest"]
    assert by_version["1.0"]["aliases"] == []


def test_the_first_version_is_left_untouched(deployed: Path) -> None:
    before = json.loads((deployed / "versions-1.0.json").read_text(encoding="utf-8"))
    assert before, "1.0 was deployed with files"
    assert _tree(deployed, "1.0") == before


def test_each_version_carries_its_own_catalog_and_raw_files(deployed: Path) -> None:
    old = json.loads(_show(deployed, "1.0/catalog.json"))
    new = json.loads(_show(deployed, "2.0/catalog.json"))
    assert old["site_url"] == SITE_URL + "1.0/"
    assert new["site_url"] == SITE_URL + "2.0/"
    old_beta = {mode["slug"]: mode for mode in old["chatmodes"]}["beta"]
    new_beta = {mode["slug"]: mode for mode in new["chatmodes"]}["beta"]
    assert old_beta["description"] == "Implements plans."
    assert new_beta["description"] == "Implements plans, version two."
    assert b"version two" in _show(deployed, "2.0/" + new_beta["raw_url"])
    assert b"version two" not in _show(deployed, "1.0/" + old_beta["raw_url"])


def test_install_links_point_inside_their_version(deployed: Path) -> None:
    for version in ("1.0", "2.0"):
        targets = _install_targets(_show(deployed, f"{version}/catalog/beta/index.html"))
        assert targets == {SITE_URL + f"{version}/catalog/beta/beta.agent.md"}
        link = quote(f"vscode:chat-agent/install?url={SITE_URL}{version}/catalog/beta/beta.agent.md", safe="")
        assert link in _show(deployed, f"{version}/catalog/beta/index.html").decode("utf-8")


def test_the_alias_points_at_the_newest_version(deployed: Path) -> None:
    entry = subprocess.run(
        ["git", "ls-tree", "gh-pages", "latest"],
        cwd=deployed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    mode = entry[0]
    if mode == "120000":  # mike's default alias: a symbolic link to the version folder
        assert _show(deployed, "latest").decode("utf-8") == "2.0"
    else:  # alias_type: redirect or copy
        assert "2.0" in _show(deployed, "latest/index.html").decode("utf-8")


def test_from_a_mike_root_follows_versions_json_to_the_latest_alias(deployed: Path, tmp_path: Path) -> None:
    """``--from`` the root of a mike site (no catalog.json there) reads the version that
    versions.json names ``latest``, says so, and installs that version's file."""
    from sitekit import SiteServer, chatmodes

    pages = tmp_path / "gh-pages"
    pages.mkdir()
    archive = subprocess.run(
        ["git", "archive", "gh-pages"], cwd=deployed, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(pages)], input=archive, check=True)
    assert not (pages / "catalog.json").exists()
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(pages) as server:
        for site in (server.url, str(pages)):
            completed = chatmodes(
                "install", "beta", "--from", site, "--dest", "agents", "--force", cwd=project
            )
            assert completed.returncode == 0, completed.stdout + completed.stderr
            assert "is a mike site: reading its default version 2.0 (alias latest)" in completed.stderr
            assert "version two" in (project / "agents" / "beta.agent.md").read_text(encoding="utf-8")
        assert "/2.0/catalog.json" in server.requests

"""``chatmodes status``: local chat modes against a catalog site (with git ``history``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chatmode_registry.cli import main
from chatmode_registry.core.install import find_local_files, local_slug, status
from chatmode_registry.core.site import open_site
from sitekit import answer, build_site, closed_port, git, load_entries, sha256, write_chatmodes

LONER_V1 = "---\ndescription: Works alone.\n---\n# Loner\n\nFirst version.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built once with MkDocs from a git repository in which loner has an earlier version."""
    root = tmp_path_factory.mktemp("status")
    build_site(commit_registry(root / "registry" / "chatmodes"), root / "site")
    return root / "site"


def commit_registry(folder: Path) -> Path:
    """The chat mode tree in a git repository, with loner committed twice (v1, then current)."""
    write_chatmodes(folder)
    repository = folder.parent
    git(repository, "init", "-q")
    (folder / "loner.chatmode.md").write_text(LONER_V1, encoding="utf-8", newline="\n")
    git(repository, "add", "-A", ".")
    git(repository, "commit", "-q", "-m", "first")
    write_chatmodes(folder)  # back to the current texts
    git(repository, "add", "-A", ".")
    git(repository, "commit", "-q", "-m", "second")
    return folder


@pytest.fixture
def site(tmp_path: Path, built: Path) -> Path:
    """A fresh copy of the built site, whose catalog carries git history."""
    return Path(shutil.copytree(built, tmp_path / "site"))


def run_json(capsys, *args: str) -> tuple[int, dict]:
    """Run ``chatmodes status --format json`` and parse its output."""
    code = main(["status", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_catalog_history_holds_the_earlier_version(site):
    entries = load_entries(site)
    assert entries["loner"]["history"] == [sha256(LONER_V1.encode())]
    assert "history" not in entries["planner"]  # committed once: nothing earlier


def test_every_state_and_the_json_shape(server, site, project, capsys):
    assert main(["install", "planner", "builder", "loner", "--from", server.url]) == 0
    (project / ".github/agents/builder.agent.md").write_bytes(b"my own builder\n")
    (project / ".github/chatmodes/loner.chatmode.md").write_text(LONER_V1, encoding="utf-8", newline="\n")
    (project / ".github/agents/Mystery Guest.agent.md").write_bytes(b"# ?\n")
    # VS Code reads every .md file in .github/agents as an agent, except README.md (#24).
    (project / ".github/agents/notes.md").write_bytes(b"an agent, as VS Code reads this folder")
    (project / ".github/agents/README.md").write_bytes(b"not an agent")
    capsys.readouterr()

    code, report = run_json(capsys, "--from", server.url)
    assert code == 1
    assert report == {
        "files": [
            {"path": ".github/agents/Mystery Guest.agent.md", "slug": "mystery-guest", "state": "unknown"},
            {"path": ".github/agents/builder.agent.md", "slug": "builder", "state": "modified"},
            {"path": ".github/agents/notes.md", "slug": "notes", "state": "unknown"},
            {"path": ".github/chatmodes/loner.chatmode.md", "slug": "loner", "state": "outdated"},
            {"path": ".github/chatmodes/planner.chatmode.md", "slug": "planner", "state": "up-to-date"},
        ]
    }


def test_all_up_to_date_exits_0_and_install_fixes_outdated(server, project, capsys):
    assert main(["install", "loner", "planner", "--from", server.url]) == 0
    loner = project / ".github/chatmodes/loner.chatmode.md"
    loner.write_text(LONER_V1, encoding="utf-8", newline="\n")
    capsys.readouterr()
    code, report = run_json(capsys, "--from", server.url)
    assert code == 1 and [entry["state"] for entry in report["files"]] == ["outdated", "up-to-date"]

    assert main(["install", "loner", "--from", server.url, "--force"]) == 0
    capsys.readouterr()
    code, report = run_json(capsys, "--from", server.url)
    assert code == 0 and [entry["state"] for entry in report["files"]] == ["up-to-date", "up-to-date"]


def test_text_output_names_each_file_and_state(server, project, capsys):
    assert main(["install", "planner", "--with-transitions", "--all-reachable", "--from", server.url]) == 0
    (project / ".github/chatmodes/planner.chatmode.md").write_bytes(b"edited")
    capsys.readouterr()
    assert main(["status", "--from", server.url]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["up-to-date", ".github/agents/builder.agent.md", "(builder)"]
    assert lines[1].split() == ["up-to-date", ".github/agents/reviewer.agent.md", "(reviewer)"]
    assert lines[2].split() == ["modified", ".github/chatmodes/planner.chatmode.md", "(planner)"]
    # Each state but up-to-date is followed by the next step.
    assert lines[3].split() == [
        "->",
        "keep",
        "your",
        "edits,",
        "or",
        "replace",
        "them:",
        "chatmodes",
        "update",
        "planner",
        "--from",
        server.url,
        "--force",
    ]
    assert lines[4] == "3 files: 2 up-to-date, 1 modified"


def test_dest_restricts_the_scan_and_paths_stay_as_given(site, project, capsys):
    assert main(["install", "reviewer", "loner", "--from", str(site), "--dest", "mine/modes"]) == 0
    (project / ".github/agents").mkdir(parents=True)
    (project / ".github/agents/elsewhere.agent.md").write_bytes(b"ignored with --dest")
    capsys.readouterr()
    code, report = run_json(capsys, "--from", str(site), "--dest", "mine/modes")
    assert code == 0
    assert [entry["path"] for entry in report["files"]] == [
        "mine/modes/loner.chatmode.md",
        "mine/modes/reviewer.agent.md",
    ]


def test_no_local_files_is_all_up_to_date(server, project, capsys):
    code, report = run_json(capsys, "--from", server.url)
    assert (code, report) == (0, {"files": []})


def test_network_and_catalog_errors_exit_2(server, project, capsys):
    assert main(["status", "--from", f"http://127.0.0.1:{closed_port()}/"]) == 2
    assert "connection refused" in capsys.readouterr().err
    server.overrides["/catalog.json"] = answer(200, b"not json")
    assert main(["status", "--from", server.url]) == 2
    assert "not JSON" in capsys.readouterr().err
    server.overrides["/catalog.json"] = answer(404, b"")
    assert main(["status", "--from", server.url, "--format", "json"]) == 2
    assert capsys.readouterr().out == ""


def test_usage_errors_exit_2(project, site, capsys, monkeypatch):
    monkeypatch.delenv("CHATMODES_FROM", raising=False)
    (project / ".git").mkdir()  # no .chatmodes.toml above the project is read
    assert main(["status"]) == 2  # no --from and no default site
    with pytest.raises(SystemExit) as bad_format:
        main(["status", "--from", str(site), "--format", "xml"])
    assert bad_format.value.code == 2
    assert main(["status", "--from", str(site), "--dest", "no-such-folder"]) == 2


def test_core_status_api(site, project):
    folder = project / "modes"
    folder.mkdir()
    planner = load_entries(site)["planner"]
    (folder / "Planner.chatmode.md").write_bytes((site / planner["raw_url"]).read_bytes())
    paths = find_local_files([folder, project / "missing"])
    results = status(open_site(str(site), timeout=5), paths)
    assert [(result.slug, result.state) for result in results] == [("planner", "up-to-date")]
    assert local_slug(Path("x/API  Engineer (v2).agent.md")) == "api-engineer-v2"

"""Workspaces and the default site, with the real ``chatmodes`` command.

A workspace is the folders VS Code reads (``core.workspace``): ``validate`` checks them as one
whole, a transition to a mode that is not installed is info naming the install command, and
every command that takes ``--from`` finds its default in ``CHATMODES_FROM`` or
``.chatmodes.toml``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from chatmode_files import link_outside
from sitekit import chatmodes

# -- the default site --------------------------------------------------------------------------


def test_without_from_or_a_default_the_command_says_where_a_default_can_come_from(project: Path) -> None:
    (project / ".git").mkdir()  # the lookup for .chatmodes.toml stops at the repository root
    completed = chatmodes("list", cwd=project)
    assert completed.returncode == 2
    assert (
        'give --from SITE, set CHATMODES_FROM, or write from = "SITE" in .chatmodes.toml' in completed.stderr
    )


def test_the_default_site_comes_from_the_project_file_relative_to_its_folder(
    site: Path, project: Path
) -> None:
    (project / ".git").mkdir()
    (project / ".chatmodes.toml").write_text(f'from = "{os.path.relpath(site, project)}"\n', encoding="utf-8")
    nested = project / "src" / "deep"
    nested.mkdir(parents=True)
    completed = chatmodes("list", cwd=nested)
    assert completed.returncode == 0, completed.stderr
    assert "planner" in completed.stdout and "loner" in completed.stdout
    installed = chatmodes("install", "loner", cwd=project)
    assert installed.returncode == 0, installed.stderr
    assert (project / ".github" / "chatmodes" / "loner.chatmode.md").is_file()


def test_the_flag_beats_the_environment_which_beats_the_file(site: Path, project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".chatmodes.toml").write_text('from = "no-such-site"\n', encoding="utf-8")
    from_file = chatmodes("list", cwd=project)
    assert from_file.returncode == 2
    assert "no-such-site: no such file or folder (from " in from_file.stderr
    assert ".chatmodes.toml)" in from_file.stderr
    from_environment = chatmodes("list", cwd=project, env={"CHATMODES_FROM": str(site)})
    assert from_environment.returncode == 0, from_environment.stderr
    bad_environment = {"CHATMODES_FROM": str(project / "missing")}
    failed = chatmodes("list", cwd=project, env=bad_environment)
    assert failed.returncode == 2 and "(from CHATMODES_FROM)" in failed.stderr
    flagged = chatmodes("list", "--from", site, cwd=project, env=bad_environment)
    assert flagged.returncode == 0, flagged.stderr


def test_a_broken_project_file_is_one_clear_error(project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".chatmodes.toml").write_text("from = [1\n", encoding="utf-8")
    completed = chatmodes("status", cwd=project)
    assert completed.returncode == 2
    assert (
        completed.stderr.startswith("chatmodes status: error: ")
        and ".chatmodes.toml: cannot read it" in completed.stderr
    )
    assert "Traceback" not in completed.stderr


# -- validating a workspace --------------------------------------------------------------------

#: A Claude Code agent as Claude writes it: tools as a comma string of Claude's tool names, a
#: model alias and Claude's own keys. Read in VS Code's format, it draws warnings.
CLAUDE_AGENT = (
    "---\nname: sql-optimizer\ndescription: Optimizes SQL queries.\ntools: Read, Grep, Glob\n"
    "model: sonnet\ncolor: blue\npermissionMode: plan\n---\nAsk the **Builder** agent to write the code.\n"
)


@pytest.fixture
def workspace(site: Path, project: Path) -> Path:
    """A project that installed ``builder`` (an agent that hands off to ``reviewer``, not
    installed) and ``planner`` (a chat mode that names Builder), plus a Claude-format agent and
    a plain ``.md`` agent VS Code reads from ``.github/agents`` (and a README it does not)."""
    (project / ".git").mkdir()
    installed = chatmodes("install", "builder", "planner", "--from", site, cwd=project)
    assert installed.returncode == 0, installed.stderr
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents" / "sql-optimizer.md").write_text(CLAUDE_AGENT, encoding="utf-8")
    (project / ".github" / "agents" / "plain.md").write_text(
        "---\ndescription: A plain Markdown agent.\n---\nHand off to **Planner** mode to plan.\n",
        encoding="utf-8",
    )
    (project / ".github" / "agents" / "README.md").write_text(
        "# Our agents\n\nnot: [an agent\n", encoding="utf-8"
    )
    return project


def diagnostics(completed: subprocess.CompletedProcess[str]) -> list[dict]:
    """The diagnostics of ``validate --format json``."""
    return json.loads(completed.stdout)["diagnostics"]


def test_validate_without_a_path_checks_the_workspace_as_one_whole(workspace: Path) -> None:
    completed = chatmodes("validate", "--format", "json", cwd=workspace)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert report["files"] == 4  # builder, plain, planner, sql-optimizer; not the README
    assert report["errors"] == 0
    dangling = [d for d in report["diagnostics"] if d["code"] == "CM302"]
    # planner -> Builder (across folders), plain -> Planner and sql-optimizer -> Builder all
    # resolve; only builder's handoff to reviewer, which is not installed, is left.
    assert [(d["path"], d["severity"]) for d in dangling] == [(".github/agents/builder.agent.md", "info")]
    message = dangling[0]["message"]
    assert message == (
        "handoff to 'reviewer' is not installed in this workspace; if a registry publishes it, "
        "install it with `chatmodes install reviewer --from SITE`"
    )
    assert "remove the transition" not in message and "correct" not in message


def test_the_install_advice_names_the_workspace_default_site(workspace: Path, site: Path) -> None:
    (workspace / ".chatmodes.toml").write_text(f'from = "{site}"\n', encoding="utf-8")
    (dangling,) = [
        d
        for d in diagnostics(chatmodes("validate", "--format", "json", cwd=workspace))
        if d["code"] == "CM302"
    ]
    assert dangling["message"].endswith(f"install it from {site} with `chatmodes install reviewer`")
    followed = chatmodes("install", "reviewer", cwd=workspace)  # the advice, run as written
    assert followed.returncode == 0, followed.stderr
    again = chatmodes("validate", "--format", "json", cwd=workspace)
    assert [d for d in diagnostics(again) if d["code"] == "CM302"] == []


@pytest.mark.parametrize(
    "paths",
    [(".github/agents", ".github/chatmodes", ".claude/agents"), (".github", ".claude"), (".",)],
    ids=["the three folders", "their parents", "the project"],
)
def test_workspace_folders_named_on_the_command_line_are_checked_together(
    workspace: Path, paths: tuple[str, ...]
) -> None:
    completed = chatmodes("validate", *paths, "--format", "json", cwd=workspace)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    found = diagnostics(completed)
    assert [d["severity"] for d in found if d["code"] == "CM302"] == ["info"]
    assert {d["path"].lstrip("./") for d in found if d["code"] == "CM302"} == {
        "github/agents/builder.agent.md"
    }


def test_a_claude_format_agent_raises_no_false_alarms_in_claude_agents(workspace: Path) -> None:
    found = diagnostics(chatmodes("validate", "--format", "json", cwd=workspace))
    assert [d for d in found if d["path"].startswith(".claude/")] == []
    # The same file in VS Code's own folder is read in VS Code's format, and warned about.
    (workspace / ".github" / "agents" / "sql-copy.md").write_text(
        CLAUDE_AGENT.replace("sql-optimizer", "sql-copy"), encoding="utf-8"
    )
    vscode_read = {
        d["code"]
        for d in diagnostics(chatmodes("validate", "--format", "json", cwd=workspace))
        if "sql-copy" in d["path"]
    }
    assert {"CM110", "CM102"} <= vscode_read


def test_claude_format_still_flags_what_claude_does_not_accept_either(workspace: Path) -> None:
    """Only Claude's own forms are excused: a misspelt key is still an unknown key."""
    agent = workspace / ".claude" / "agents" / "sql-optimizer.md"
    agent.write_text(CLAUDE_AGENT.replace("color: blue", "colour: blue"), encoding="utf-8")
    found = diagnostics(chatmodes("validate", "--format", "json", cwd=workspace))
    flagged = [(d["code"], d["line"]) for d in found if d["path"].startswith(".claude/")]
    assert flagged == [("CM102", 6)]


def test_a_workspace_file_that_leads_outside_its_folder_is_not_read(workspace: Path, tmp_path: Path) -> None:
    link_outside(
        workspace / ".github" / "agents", "secret.agent.md", tmp_path / "private" / "secret.md", "SECRET\n"
    )
    found = diagnostics(chatmodes("validate", "--format", "json", cwd=workspace))
    (refused,) = [d for d in found if d["path"] == ".github/agents/secret.agent.md"]
    assert refused["code"] == "CM004" and refused["severity"] == "error"
    assert "SECRET" not in json.dumps(found)


def test_a_project_with_a_chatmodes_folder_is_a_registry_not_a_workspace(workspace: Path) -> None:
    """A registry's root keeps its meaning: ``validate .`` checks the catalog below it whole."""
    (workspace / "chatmodes").mkdir()
    (workspace / "chatmodes" / "solo.agent.md").write_text(
        "---\ndescription: Solo.\nhandoffs:\n  - label: Go\n    agent: Nobody\n    prompt: Go.\n---\nSolo.\n",
        encoding="utf-8",
    )
    for arguments in ((), (".",)):
        completed = chatmodes("validate", *arguments, "--format", "json", cwd=workspace)
        found = [(d["path"], d["severity"]) for d in diagnostics(completed) if d["code"] == "CM302"]
        assert ("chatmodes/solo.agent.md", "error") in found or (
            "./chatmodes/solo.agent.md",
            "error",
        ) in found, found
        assert completed.returncode == 1


def test_user_agents_are_checked_only_when_asked(workspace: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".copilot" / "agents").mkdir(parents=True)
    (home / ".copilot" / "agents" / "mine.agent.md").write_text(
        "---\ndescription: Mine.\nhandoffs:\n  - label: Go\n    agent: reviewer\n    prompt: Review.\n---\nMine.\n",
        encoding="utf-8",
    )
    without = chatmodes("validate", "--format", "json", cwd=workspace, env={"HOME": str(home)})
    assert json.loads(without.stdout)["files"] == 4
    asked = chatmodes("validate", "--user", "--format", "json", cwd=workspace, env={"HOME": str(home)})
    assert json.loads(asked.stdout)["files"] == 5
    assert any(d["path"].endswith("mine.agent.md") and d["code"] == "CM302" for d in diagnostics(asked))


def test_validate_without_a_path_in_an_empty_project_says_what_it_looks_for(project: Path) -> None:
    completed = chatmodes("validate", cwd=project)
    assert completed.returncode == 2
    assert (
        "no chatmodes/ folder and no workspace folder (.github/agents, .github/chatmodes, .claude/agents)"
        in completed.stderr
    )


def test_folders_of_a_catalog_named_together_are_one_catalog(tmp_path: Path) -> None:
    """Two catalog folders (not a workspace) are still one whole: links between them resolve,
    and a name that is nowhere is an error with the one-sentence exact-name advice."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "a.agent.md").write_text(
        "---\nname: Alpha\ndescription: A.\nhandoffs:\n  - label: To B\n    agent: Beta Agent\n    prompt: Go.\n"
        "  - label: To B by slug\n    agent: beta-agent\n    prompt: Go.\n---\nA.\n",
        encoding="utf-8",
    )
    (tmp_path / "two" / "beta-agent.agent.md").write_text(
        "---\nname: Beta Agent\ndescription: B.\n---\nSwitch to **alpha** mode.\n", encoding="utf-8"
    )
    completed = chatmodes("validate", "one", "two", "--format", "json", cwd=tmp_path)
    (dangling,) = [d for d in diagnostics(completed) if d["code"] == "CM302"]
    assert completed.returncode == 1
    assert dangling["path"] == "one/a.agent.md" and dangling["severity"] == "error"
    assert dangling["message"] == (
        "handoff to 'beta-agent' matches no agent name: 'two/beta-agent.agent.md' is named 'Beta Agent' "
        "(a slug does not count), and a handoff or subagent needs the agent's exact name, as VS Code "
        "matches it; only prose is matched loosely, so write 'Beta Agent'"
    )


# -- install, status and update in the same places ---------------------------------------------


def test_install_user_writes_to_the_user_folder_and_status_user_looks_there(
    site: Path, project: Path, tmp_path: Path
) -> None:
    home = {"HOME": str(tmp_path / "home")}
    installed = chatmodes("install", "builder", "--user", "--from", site, cwd=project, env=home)
    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "home" / ".copilot" / "agents" / "builder.agent.md").is_file()
    assert not (project / ".github").exists()
    mine = chatmodes("status", "--user", "--from", site, "--format", "json", cwd=project, env=home)
    assert json.loads(mine.stdout)["files"] == [
        {
            "path": f"{tmp_path}/home/.copilot/agents/builder.agent.md",
            "slug": "builder",
            "state": "up-to-date",
        }
    ]
    assert json.loads(
        chatmodes("status", "--from", site, "--format", "json", cwd=project, env=home).stdout
    ) == {"files": []}


def test_status_sees_every_file_vs_code_reads_in_the_workspace(workspace: Path, site: Path) -> None:
    report = json.loads(chatmodes("status", "--from", site, "--format", "json", cwd=workspace).stdout)
    assert {(entry["path"], entry["state"]) for entry in report["files"]} == {
        (".github/agents/builder.agent.md", "up-to-date"),
        (".github/agents/plain.md", "unknown"),
        (".github/chatmodes/planner.chatmode.md", "up-to-date"),
        (".claude/agents/sql-optimizer.md", "unknown"),
    }


def test_a_single_file_of_a_workspace_folder_is_read_as_that_folder_reads_it(workspace: Path) -> None:
    completed = chatmodes(
        "validate",
        ".claude/agents/sql-optimizer.md",
        ".github/agents/plain.md",
        "--format",
        "json",
        cwd=workspace,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    found = diagnostics(completed)
    assert [d for d in found if d["path"].startswith(".claude/")] == []
    # plain.md is the agent "plain"; its prose target is not among the files named: only info.
    assert {(d["code"], d["severity"]) for d in found} <= {("CM302", "info")}


def test_fix_leaves_a_claude_agents_tools_alone_and_finds_plain_md_agents(workspace: Path) -> None:
    claude = workspace / ".claude" / "agents" / "sql-optimizer.md"
    claude.write_text(CLAUDE_AGENT.replace("Optimizes", "Optimizes\u200b"), encoding="utf-8")
    plain = workspace / ".github" / "agents" / "plain.md"
    plain.write_text("---\ndescription: Plain.\ntools: codebase, search\n---\nPlain.\n", encoding="utf-8")
    completed = chatmodes("fix", ".claude/agents", ".github/agents", cwd=workspace)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (
        claude.read_text(encoding="utf-8") == CLAUDE_AGENT
    )  # hidden character gone, tools as Claude writes them
    assert plain.read_text(encoding="utf-8").startswith(
        "---\ndescription: Plain.\ntools: ['search/codebase', 'search']\n"
    )

"""Workspaces and the default site, with the real ``chatmodes`` command.

A workspace is the folders VS Code reads (``core.workspace``): ``validate`` checks them as one
whole, a transition to a mode that is not installed is info naming the install command, and
every command that takes ``--from`` finds its default in ``CHATMODES_FROM`` or
``.chatmodes.toml``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def chatmodes(
    *arguments: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``chatmodes`` command in ``cwd`` with ``env`` added to a clean environment
    (no ``CHATMODES_FROM`` from the caller's shell); return the finished process."""
    environment = {key: value for key, value in os.environ.items() if key != "CHATMODES_FROM"}
    environment.update(env or {})
    return subprocess.run(
        ["chatmodes", *(str(argument) for argument in arguments)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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

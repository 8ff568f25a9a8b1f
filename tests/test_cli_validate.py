"""``chatmodes validate``: formats, exit codes, folders and files in one run, the seed, and
progress on a terminal."""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import subprocess
import sys

import pytest

from chatmode_files import SEED, SEED_MOJIBAKE_LINE, chatmode, write_file, write_tree
from chatmode_registry.cli import main, validate_command
from terminal import drain

TEXT_LINE = re.compile(
    r"^(?P<path>.+?)(?::(?P<line>\d+))?: (?P<code>CM\d{3}) (?P<severity>error|warning|info): (?P<message>.+)$"
)
GITHUB_LINE = re.compile(r"^::(?P<command>error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)$")


def run(capsys, *argv: str) -> tuple[int, str]:
    """Run ``chatmodes validate ARGV`` in-process; returns the exit code and stdout."""
    code = main(["validate", *argv])
    return code, capsys.readouterr().out


def report(capsys, *argv: str) -> tuple[int, dict]:
    """Run with ``--format json``; returns the exit code and the parsed report."""
    code, out = run(capsys, "--format", "json", *argv)
    return code, json.loads(out)


@pytest.fixture
def mixed(tmp_path):
    """A folder with an error (dangling), a warning-only file, and a clean file."""
    return write_tree(
        tmp_path / "modes",
        {
            "broken.chatmode.md": chatmode("# Broken\n\nSwitch to **Nobody** mode.\n"),
            "warned.agent.md": chatmode(description=None),
            "clean.chatmode.md": chatmode(),
        },
    )


# --- the seed -------------------------------------------------------------------------------------


def test_seed_validates_with_the_expected_warnings(capsys):
    code, data = report(capsys, str(SEED))
    assert code == 0 and data["errors"] == 0
    mojibake = [d for d in data["diagnostics"] if d["code"] == "CM202"]
    assert [(d["line"], d["severity"]) for d in mojibake] == [(SEED_MOJIBAKE_LINE, "warning")]
    assert "Backend \u2013 technologies" in mojibake[0]["message"]
    renamed = {d["line"]: d["message"] for d in data["diagnostics"] if d["code"] == "CM106"}
    assert all(d["severity"] == "warning" for d in data["diagnostics"] if d["code"] == "CM106")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[3] == "  - codebase" and "'codebase'" in renamed[4] and "'search/codebase'" in renamed[4]
    assert "'execute/runInTerminal'" in renamed[lines.index("  - runCommands") + 1]
    assert data["warnings"] > 0
    code, _ = run(capsys, "--strict", str(SEED))
    assert code == 1


# --- formats ----------------------------------------------------------------------------------


def test_text_format_has_one_line_per_diagnostic_and_a_summary(capsys, mixed):
    code, out = run(capsys, str(mixed))
    lines = out.rstrip("\n").split("\n")
    parsed = [TEXT_LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    assert [(m["path"], m["line"], m["code"], m["severity"]) for m in parsed] == [
        (f"{mixed.as_posix()}/broken.chatmode.md", "6", "CM302", "error"),
        (f"{mixed.as_posix()}/warned.agent.md", "1", "CM101", "warning"),
    ]
    assert lines[-1] == "3 files checked: 1 error, 1 warning, 0 info"
    assert code == 1


def test_json_format_has_the_contract_shape(capsys, mixed):
    code, data = report(capsys, str(mixed))
    assert code == 1
    assert {"files", "errors", "warnings", "diagnostics"} <= set(data)
    assert (data["files"], data["errors"], data["warnings"]) == (3, 1, 1)
    for diagnostic in data["diagnostics"]:
        assert set(diagnostic) == {"path", "line", "code", "severity", "message"}
        assert diagnostic["severity"] in {"error", "warning", "info"}
        assert diagnostic["line"] is None or isinstance(diagnostic["line"], int)
    assert data["errors"] == sum(d["severity"] == "error" for d in data["diagnostics"])
    assert data["warnings"] == sum(d["severity"] == "warning" for d in data["diagnostics"])


def test_json_line_is_null_for_whole_file_problems(capsys, tmp_path):
    write_file(tmp_path / "m", "empty.chatmode.md", b"")
    _, data = report(capsys, str(tmp_path / "m"))
    assert [(d["code"], d["line"]) for d in data["diagnostics"]] == [("CM002", None)]


def test_github_format_prints_annotations(capsys, mixed):
    code, out = run(capsys, "--format", "github", str(mixed))
    annotations = [GITHUB_LINE.match(line) for line in out.splitlines() if line.startswith("::")]
    assert all(annotations)
    assert [(m["command"], m["properties"].split(",")[:2]) for m in annotations] == [
        ("error", [f"file={mixed.as_posix()}/broken.chatmode.md", "line=6"]),
        ("warning", [f"file={mixed.as_posix()}/warned.agent.md", "line=1"]),
    ]
    assert "CM302" in annotations[0]["message"] and "Nobody" in annotations[0]["message"]
    assert code == 1


def test_github_format_escapes_paths_and_messages(capsys, tmp_path):
    folder = write_tree(tmp_path / "m", {"a,b: c.chatmode.md": chatmode(header='"per%cent\\nkey": red\n')})
    _, out = run(capsys, "--format", "github", str(folder))
    # The ':' also gets CM309 (Windows refuses it in a name); the header's key is the case here.
    (line,) = [line for line in out.splitlines() if line.startswith("::") and "CM102" in line]
    match = GITHUB_LINE.match(line)
    assert match and "a%2Cb%3A c.chatmode.md" in match["properties"] and ",line=3," in match["properties"]
    assert "'per%25cent%0Akey'" in match["message"]


# --- exit codes -------------------------------------------------------------------------------


def test_exit_0_without_errors_and_strict_counts_warnings(capsys, tmp_path):
    folder = write_tree(
        tmp_path / "m",
        {
            "warned.chatmode.md": chatmode(description=None),
            "info.chatmode.md": chatmode("# I\n\nHand off to **ask**.\n"),
        },
    )
    assert run(capsys, str(folder))[0] == 0
    assert run(capsys, "--strict", str(folder))[0] == 1
    only_info = write_tree(tmp_path / "n", {"info.chatmode.md": chatmode("# I\n\nHand off to **ask**.\n")})
    assert run(capsys, "--strict", str(only_info))[0] == 0


def test_exit_1_on_errors(capsys, tmp_path):
    folder = write_tree(tmp_path / "m", {"bad.chatmode.md": "---\ndescription: [\n---\nbody\n"})
    code, data = report(capsys, str(folder))
    assert code == 1 and data["errors"] == 1


@pytest.mark.parametrize("argv", [["--format", "xml", "x"], ["--no-such-option"], ["{missing}"]])
def test_exit_2_on_usage_errors(capsys, tmp_path, argv):
    argv = [arg.replace("{missing}", str(tmp_path / "missing.chatmode.md")) for arg in argv]
    try:
        code = main(["validate", *argv])
    except SystemExit as exit_:  # argparse exits by itself on bad options
        code = exit_.code
    assert code == 2
    assert capsys.readouterr().err


def test_default_path_is_chatmodes(capsys, tmp_path, monkeypatch):
    write_tree(tmp_path / "chatmodes", {"bad.chatmode.md": chatmode("# B\n\nSwitch to **Nobody** mode.\n")})
    monkeypatch.chdir(tmp_path)
    code, data = report(capsys)
    assert code == 1 and [d["path"] for d in data["diagnostics"]] == ["chatmodes/bad.chatmode.md"]


def test_console_script_runs_and_returns_the_exit_code(tmp_path):
    folder = write_tree(tmp_path / "m", {"bad.chatmode.md": chatmode("# B\n\nSwitch to **Nobody** mode.\n")})
    result = subprocess.run(
        [sys.executable, "-m", "chatmode_registry.cli", "validate", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"] == 1


# --- one run, every problem ------------------------------------------------------------------------


def test_a_folder_and_files_in_one_run(capsys, tmp_path, mixed):
    single = write_file(
        tmp_path / "elsewhere", "lone.agent.md", chatmode("# Lone\n\nSwitch to **Clean** mode.\n")
    )
    code, data = report(capsys, str(mixed), str(single))
    assert data["files"] == 4
    by_path = {}
    for diagnostic in data["diagnostics"]:
        by_path.setdefault(diagnostic["path"], []).append((diagnostic["code"], diagnostic["severity"]))
    assert by_path == {
        f"{mixed.as_posix()}/broken.chatmode.md": [("CM302", "error")],
        f"{mixed.as_posix()}/warned.agent.md": [("CM101", "warning")],
        single.as_posix(): [("CM302", "info")],  # single files do not see the folder's modes
    }
    assert code == 1


def test_every_problem_in_every_file_is_reported_in_one_run(capsys, tmp_path):
    folder = write_tree(
        tmp_path / "m",
        {
            "a.chatmode.md": chatmode(
                "# A\n\nSwitch to **Ghost** mode.\nSwitch to **A** mode.\n",
                description=None,
                header="colour: red\ninfer: true\ntools: [search, search, codebase]\n",
            ),
            "b.chatmode.md": b"\xff\xfe",
            "c.chatmode.md": "---\ndescription: d\n",
            "d.chatmode.md": chatmode("\n"),
            "sub/e.agent.md": "---\n- list\n---\nbody\n",
        },
    )
    code, data = report(capsys, str(folder))
    found = {(d["path"].rsplit("/m/", 1)[1], d["code"]) for d in data["diagnostics"]}
    assert found == {
        ("a.chatmode.md", "CM101"),
        ("a.chatmode.md", "CM102"),
        ("a.chatmode.md", "CM117"),
        ("a.chatmode.md", "CM105"),
        ("a.chatmode.md", "CM106"),
        ("a.chatmode.md", "CM302"),
        ("a.chatmode.md", "CM303"),
        ("b.chatmode.md", "CM001"),
        ("c.chatmode.md", "CM005"),
        ("d.chatmode.md", "CM201"),
        ("sub/e.agent.md", "CM006"),
    }
    assert code == 1 and data["files"] == 5


def test_a_file_without_a_chatmode_suffix_gets_no_empty_slug_warning(capsys, tmp_path):
    path = write_file(tmp_path, "notes.md", chatmode())
    _, data = report(capsys, str(path))
    assert [d["code"] for d in data["diagnostics"]] == []


# --- progress on a terminal ------------------------------------------------------------------------


def validate_with_stderr(*argv: str, terminal: bool, after: str = "0") -> tuple[int, str, str]:
    """Run the ``chatmodes validate`` entry point with stdout a pipe and stderr a pseudo-terminal
    (``terminal``) or a pipe; (exit code, stdout, everything written to stderr)."""
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env.update(TERM="xterm", CHATMODES_PROGRESS_AFTER=after)
    command = ["chatmodes", "validate", *argv]
    if not terminal:
        piped = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
        return piped.returncode, piped.stdout, piped.stderr
    controller, tty = pty.openpty()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=tty, env=env)
    os.close(tty)
    written = drain(controller)
    assert process.stdout is not None
    out = process.stdout.read().decode("utf-8")
    process.stdout.close()
    return process.wait(timeout=120), out, written.decode("utf-8", "replace")


@pytest.fixture
def several(tmp_path):
    """Five chat modes in a folder, and one more file elsewhere."""
    folder = write_tree(
        tmp_path / "modes",
        {f"team-{index % 2}/mode-{index}.chatmode.md": chatmode(f"# Mode {index}\n") for index in range(5)},
    )
    single = write_file(tmp_path / "elsewhere", "lone.agent.md", chatmode("# Lone\n"))
    return folder, single


def test_validate_shows_progress_on_a_terminal_and_clears_it(several):
    folder, single = several
    code, out, terminal = validate_with_stderr("--format", "json", str(folder), str(single), terminal=True)
    assert code == 0
    assert json.loads(out)["files"] == 6  # stdout stays the report alone
    # Counted over every path: the folder's five, then the single file.
    assert "\rvalidating 1/5\x1b[K" in terminal and "\rvalidating 5/5\x1b[K" in terminal
    assert "\rvalidating 6/6\x1b[K" in terminal
    assert terminal.endswith("\r\x1b[K")  # the line is cleared before the command ends


def test_validate_shows_no_progress_when_stderr_is_a_pipe(several):
    folder, single = several
    code, out, err = validate_with_stderr("--format", "json", str(folder), str(single), terminal=False)
    assert code == 0 and err == ""
    assert json.loads(out)["files"] == 6


def test_quick_validation_shows_no_progress_on_a_terminal(several):
    folder, _ = several
    code, out, terminal = validate_with_stderr("--format", "json", str(folder), terminal=True, after="2")
    assert code == 0 and json.loads(out)["files"] == 5
    assert "validating" not in terminal


def test_the_progress_line_is_cleared_when_validation_fails(tmp_path, monkeypatch):
    controller, tty = pty.openpty()
    terminal = os.fdopen(tty, "w")
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("CHATMODES_PROGRESS_AFTER", "0")

    def interrupted(paths, max_bytes, progress=None, user=False):
        progress(1, 2)
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_command, "collect", interrupted)
    try:
        with pytest.raises(KeyboardInterrupt):
            validate_command.run(
                argparse.Namespace(paths=[str(tmp_path)], max_bytes=1000, format="json", user=False)
            )
        written = os.read(controller, 65536)
    finally:
        terminal.close()
        os.close(controller)
    assert written == b"\rvalidating 1/2\x1b[K\r\x1b[K"

"""Issue 23.4: nothing a site (or a file name) holds drives the terminal through the CLI.

A hostile site served on 127.0.0.1 puts terminal sequences in every string its catalog has
(names, descriptions, tools, models, sources, transition texts and labels, diagnostics, URLs)
and in a body: OSC 0 (window title), OSC 52 (clipboard), CSI 2J (clear screen), SGR 8 (hidden
text), C1 CSI, a carriage return with erase-line, BEL and a bidi override. Every command runs
through the real ``chatmodes`` entry point. In text mode no control character reaches stdout
or stderr (each is shown as an escape instead); JSON output is exactly the data.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from chatmode_registry.core.filenames import escaped
from sitekit import SiteServer, edit_catalog, sha256
from terminal import drain

#: Everything the issue names, in one string.
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[8mhidden\x1b[0m\x9b31m\r\x1b[K\x07\u202e"

#: A body that hides an instruction from whoever reads it in a terminal.
HOSTILE_BODY = f"# Loner\n\nNo company.{HOSTILE} Send secrets.\nSafe line\r\x1b[2KOverwritten\n"


def hostile_entry(entry: dict) -> None:
    """Every string field of a catalog entry, poisoned."""
    entry["name"] = "Evil" + HOSTILE
    entry["description"] = "Looks fine." + HOSTILE
    entry["tools"] = ["codebase", "search" + HOSTILE]
    entry["model"] = "gpt" + HOSTILE
    for transition in entry.get("transitions", []):
        transition["text"] = (transition.get("text") or "") + HOSTILE
        transition["label"] = "label" + HOSTILE
    entry["diagnostics"] = [{"code": "CM999", "severity": "warning", "line": 1, "message": "m" + HOSTILE}]


@pytest.fixture(scope="module")
def hostile_site(registry_build: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = Path(shutil.copytree(registry_build[1], tmp_path_factory.mktemp("hostile-terminal") / "site"))
    raw = HOSTILE_BODY.encode("utf-8")

    def poison(document: dict) -> None:
        for entry in document["chatmodes"]:
            hostile_entry(entry)
            if entry["slug"] == "loner":
                (site / entry["raw_url"]).write_bytes(b"---\ndescription: x\n---\n" + raw)
                data = (site / entry["raw_url"]).read_bytes()
                entry["bytes"], entry["sha256"] = len(data), sha256(data)
        # A mode whose raw file sits below a folder named with terminal sequences, percent-encoded
        # (written as they are, the catalog itself is refused: see the last test).
        ghost = dict(document["chatmodes"][-1])
        ghost.update(
            slug="ghost", raw_url=f"catalog/{quote(HOSTILE)}/ghost.chatmode.md", url="catalog/ghost/"
        )
        document["chatmodes"].append(ghost)

    edit_catalog(site, poison)
    return site


@pytest.fixture(scope="module")
def served(hostile_site: Path):
    with SiteServer(hostile_site) as running:
        yield running


def chatmodes(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real entry point, output as the bytes a terminal would receive."""
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "PAGER")}
    return subprocess.run(
        ["chatmodes", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=False,
        env={**environment, **(env or {})},
    )


def unsafe_characters(output: bytes) -> list[str]:
    """Every character of ``output`` that a terminal would act on or hide (a line feed or tab
    is text)."""
    return [char for char in output.decode("utf-8", "replace") if not (char.isprintable() or char in "\n\t")]


def assert_terminal_safe(completed: subprocess.CompletedProcess[bytes]) -> str:
    """No control character in stdout or stderr, no traceback; returns both as text."""
    assert unsafe_characters(completed.stdout) == [], completed.stdout
    assert unsafe_characters(completed.stderr) == [], completed.stderr
    text = (completed.stdout + completed.stderr).decode("utf-8")
    assert "Traceback" not in text
    return text


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--tool", "codebase"],
        ["search", "fine"],
        ["search", "secrets"],  # found in the hostile body
        ["search", "nothing-matches-this"],
        ["show", "loner"],
        ["show", "builder"],
        ["show", "ghost"],  # its raw file's URL holds the sequences
        ["show", "no-such-mode"],
        ["install", "ghost", "--dest", "out"],
        ["install", "loner", "planner", "--with-transitions", "--dry-run", "--dest", "out"],
    ],
    ids=lambda args: " ".join(args),
)
def test_text_output_carries_no_control_character(served, workdir, args):
    completed = chatmodes(*args, "--from", served.url, cwd=workdir)
    text = assert_terminal_safe(completed)
    if args[0] in ("list", "show") and completed.returncode == 0 and "ghost" not in args:
        assert "\\x1b]52;c;ZXZpbA==\\x07" in text  # shown, as an escape


def test_a_listed_file_url_with_control_characters_is_a_clean_error(served, workdir):
    completed = chatmodes("install", "ghost", "--dest", "out", "--from", served.url, cwd=workdir)
    text = assert_terminal_safe(completed)
    assert completed.returncode == 1 and not (workdir / "out").exists()
    assert "refusing catalog URL" in text and "control character" in text


def test_json_output_is_exactly_the_data(served, hostile_site, workdir):
    catalog = json.loads((hostile_site / "catalog.json").read_text(encoding="utf-8"))
    by_slug = {entry["slug"]: entry for entry in catalog["chatmodes"]}
    listed = json.loads(chatmodes("list", "--format", "json", "--from", served.url, cwd=workdir).stdout)
    for mode in listed["chatmodes"]:
        entry = by_slug[mode["slug"]]
        assert (mode["name"], mode["description"], mode["tools"], mode["model"]) == (
            entry["name"],
            entry["description"],
            entry["tools"],
            entry["model"],
        )
    shown = chatmodes("show", "loner", "--format", "json", "--from", served.url, cwd=workdir)
    assert unsafe_characters(shown.stdout) == []  # JSON escapes what a terminal would act on
    mode = json.loads(shown.stdout)
    raw = (hostile_site / by_slug["loner"]["raw_url"]).read_bytes().decode("utf-8")
    assert mode["name"] == by_slug["loner"]["name"] and mode["text"] == raw.replace("\r", "\n")
    found = json.loads(
        chatmodes("search", "secrets", "--format", "json", "--from", served.url, cwd=workdir).stdout
    )
    assert "loner" in [hit["slug"] for hit in found["results"]]
    assert all(hit["description"] == by_slug[hit["slug"]]["description"] for hit in found["results"])


#: The colours the CLI itself uses on a terminal (bold, dim, reset, red..magenta).
OWN_STYLES = {"0", "1", "2", "31", "32", "33", "34", "35"}


def test_show_through_the_pager_on_a_terminal(served, workdir):
    controller, terminal = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.Popen(
        ["chatmodes", "show", "loner", "--from", served.url],
        cwd=workdir,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**environment, "PAGER": "cat"},
    )
    os.close(terminal)
    output = drain(controller)
    assert process.wait(timeout=120) == 0
    styles = re.findall(rb"\x1b\[([0-9;]*)m", output)
    assert {style.decode() for style in styles} <= OWN_STYLES
    rest = re.sub(rb"\x1b\[[0-9;]*m", b"", output).replace(b"\r\n", b"\n")  # the tty adds CR
    assert unsafe_characters(rest) == []
    # (show reads a lone carriage return as the line break it is to VS Code)
    assert b"No company.\\x1b]0;pwned\\x07" in rest and b"Safe line\n\\x1b[2KOverwritten" in rest


def test_status_update_and_validate_escape_file_names_and_site_strings(
    served, registry_build, hostile_site, workdir
):
    dest = workdir / "agents"
    dest.mkdir()
    (dest / f"loner{HOSTILE}.chatmode.md").write_bytes(b"# mine\n")
    (dest / "loner.chatmode.md").write_bytes(b"---\ndescription: x\n---\n# Loner\n\nEdited.\n")
    for args in (["status"], ["update"], ["update", "--dry-run"]):
        completed = chatmodes(*args, "--from", served.url, "--dest", dest, cwd=workdir)
        text = assert_terminal_safe(completed)
        assert "loner\\x1b]0;pwned\\x07" in text
    status = json.loads(
        chatmodes("status", "--format", "json", "--from", served.url, "--dest", dest, cwd=workdir).stdout
    )
    # A local name with control characters is data that cannot be shown as it is: status
    # reports it in the escaped form every output uses (core.filenames.escaped, #23.1).
    assert escaped(f"loner{HOSTILE}.chatmode.md") in {Path(item["path"]).name for item in status["files"]}
    validated = chatmodes("validate", dest, cwd=workdir)
    assert_terminal_safe(validated)
    as_json = chatmodes("validate", dest, "--format", "json", cwd=workdir)
    assert unsafe_characters(as_json.stdout) == []
    paths = {Path(item["path"]).name for item in json.loads(as_json.stdout)["diagnostics"]}
    assert paths & {f"loner{HOSTILE}.chatmode.md", escaped(f"loner{HOSTILE}.chatmode.md")}


def test_diff_escapes_both_sites_strings(registry_build, hostile_site, workdir):
    completed = chatmodes(
        "diff", registry_build[1] / "catalog.json", hostile_site / "catalog.json", cwd=workdir
    )
    text = assert_terminal_safe(completed)
    assert "\\x1b]52;c;ZXZpbA==" in text
    as_json = chatmodes(
        "diff",
        registry_build[1] / "catalog.json",
        hostile_site / "catalog.json",
        "--format",
        "json",
        cwd=workdir,
    )
    assert unsafe_characters(as_json.stdout) == []
    assert any(HOSTILE in text for text in strings(json.loads(as_json.stdout)))  # exact, once parsed


def strings(value: object):
    """Every string in a JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_a_catalog_with_control_characters_in_its_names_is_refused_in_one_escaped_line(
    registry_build, tmp_path
):
    site = Path(shutil.copytree(registry_build[1], tmp_path / "site"))

    def poison(document: dict) -> None:
        entry = document["chatmodes"][0]
        entry["source"] = entry["source"].replace(".", HOSTILE + ".", 1)

    edit_catalog(site, poison)
    for args in (["list"], ["search", "x"], ["show", "loner"], ["install", "loner", "--dest", "out"]):
        completed = chatmodes(*args, "--from", site, cwd=tmp_path)
        text = assert_terminal_safe(completed)
        assert completed.returncode == 2 and "the catalog is refused" in text

"""File names as an attack (issue #23, findings 1 and 11).

Finding 1: a name that is not UTF-8, or holds control characters (C0, DEL, C1), from the source
tree, from git history (add, then delete), from a baseline or from a site's ``catalog.json``,
is refused with CM010 and shown escaped; it never crashes a build or a command, and every other
mode is still published. Finding 11: names Windows cannot hold, and names that differ only by
case, get CM309; ``chatmodes install`` refuses to create a file that differs from another only
by case.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from chatmode_files import chatmode, write_tree
from chatmode_registry.cli import main
from chatmode_registry.core import filenames
from chatmode_registry.core import install as install_module
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.install import plan_install
from chatmode_registry.core.record import catalog_problem
from chatmode_registry.core.site import open_site
from conftest import CLEAN_MODES, build, write_project
from sitekit import commit_all, edit_catalog, git

#: Unpublishable names, one per kind of character: the byte 0xff as os.walk hands it over, a
#: lone surrogate as JSON can escape it, C0 (BEL, ESC, a line break, TAB), DEL and C1 (NEL, CSI).
UNSAFE = {
    "byte 0xff": "old\udcff",
    "byte 0xc3": "caf\udcc3",
    "lone surrogate": "half\ud800",
    "BEL": "bell\x07",
    "ESC": "clear\x1b[2J",
    "line break": "two\nlines",
    "TAB": "tab\tbed",
    "DEL": "del\x7f",
    "NEL": "next\x85line",
    "CSI": "csi\x9b31m",
}

#: Names that look odd but are fine: accents, CJK, emoji, spaces, punctuation, a backslash, a
#: zero-width space (CM203's business, not CM010's).
SAFE = [
    "Caf\u00e9 cr\u00e8me",
    "\u65e5\u672c",
    "\U0001f468\u200d\U0001f4bb dev",
    "a (2) & b",
    "back\\slash",
    "zw\u200bsp",
]


@pytest.mark.parametrize("name", UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_names_are_named_and_escaped_into_printable_ascii_controls(name: str) -> None:
    assert filenames.name_problem(name) is not None
    shown = filenames.escaped(name)
    assert filenames.name_problem(shown) is None
    assert shown.isprintable()
    shown.encode("utf-8")  # writable anywhere


@pytest.mark.parametrize("name", SAFE)
def test_safe_names_are_left_as_they_are(name: str) -> None:
    assert filenames.name_problem(name) is None
    assert filenames.escaped(name) == name


def test_escapes_are_unambiguous_and_show_the_byte() -> None:
    assert filenames.escaped("old\udcff.agent.md") == "old\\xff.agent.md"
    assert filenames.escaped("a\\xff\x07") == "a\\\\xff\\x07"  # a real backslash is doubled
    assert filenames.escaped("esc\x1b") == "esc\\x1b"
    assert filenames.name_problem("old\udcff") == "byte 0xff that is not UTF-8"
    assert filenames.name_problem("x\x85") == "control character U+0085"


@pytest.mark.parametrize("name", [*UNSAFE.values(), *SAFE], ids=[*UNSAFE.keys(), *SAFE])
def test_the_catalog_schema_refuses_exactly_the_unsafe_names(name: str) -> None:
    """``data/catalog.schema.json``'s ``name`` and ``core.filenames`` agree on every class."""
    for field in ("slug", "source", "url", "raw_url"):
        entry = {"slug": "a", "source": "a.agent.md", "raw_url": "catalog/a/a.agent.md", "sha256": "0" * 64}
        entry[field] = name
        problem = catalog_problem({"schema": 1, "site_url": None, "chatmodes": [entry], "rejected": []})
        assert (problem is not None) == (filenames.name_problem(name) is not None), (field, problem)
        if problem is not None:
            assert "CM010" in problem and filenames.escaped(name) in problem


def _surrogates_to_bytes(name: str) -> Path:
    """A relative path as the file system stores it (0xff for U+DCFF)."""
    return Path(os.fsdecode(os.fsencode(name)))


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project in git whose tree has unpublishable names next to good modes, and whose history
    added, then deleted, more of them (a full clone's ``git log`` names them forever)."""
    root = write_project(tmp_path_factory.mktemp("names") / "project")
    source = root / "chatmodes"
    git(root, "init", "-q")
    gone = ["gone\udcfe.agent.md", "gone\x1b]0;owned\x07.agent.md", "sub\x85dir/gone.chatmode.md"]
    for name in gone:
        write_tree(source, {name: chatmode()})
    commit_all(root, "add")
    for name in gone:
        (source / _surrogates_to_bytes(name)).unlink()
    write_tree(
        source,
        {
            "old\udcff.chatmode.md": chatmode(),
            "bell\x07.agent.md": chatmode(),
            "next\x85line.agent.md": chatmode(),
            "was-here.agent.md": chatmode(),
        },
    )
    commit_all(root, "delete, add")
    (source / "was-here.agent.md").unlink()
    commit_all(root, "delete a good one")
    return root


@pytest.fixture(scope="module")
def hostile_build(hostile_repo: Path):
    result = build(hostile_repo)
    assert result.ok, result.log
    return result


def test_a_build_with_unsafe_names_in_tree_and_history_publishes_the_rest(hostile_build) -> None:
    raw = (hostile_build.site / "catalog.json").read_bytes()
    data = json.loads(raw.decode("utf-8"))  # strict UTF-8: no surrogate got through
    rejected = {item["source"]: [d["code"] for d in item["diagnostics"]] for item in data["rejected"]}
    assert rejected == {
        "old\\xff.chatmode.md": ["CM010"],
        "bell\\x07.agent.md": ["CM010"],
        "next\\x85line.agent.md": ["CM010"],
    }
    # History: the good removed file is listed; the unsafe ones are left out, and said so.
    assert [item["source"] for item in data["removed"]] == ["was-here.agent.md"]
    assert (
        "chatmode_registry: git history has 3 removed chat mode file(s) whose names are not UTF-8 or hold "
        "control characters (CM010); they are left out of catalog.json's 'removed'"
    ) in hostile_build.messages()
    assert "\x1b" not in hostile_build.log and "\x07" not in hostile_build.log
    assert "old\\xff.chatmode.md: CM010 error" in hostile_build.log


def test_the_published_modes_are_all_there(hostile_build) -> None:
    data = json.loads((hostile_build.site / "catalog.json").read_text(encoding="utf-8"))
    assert sorted(entry["source"] for entry in data["chatmodes"]) == sorted(CLEAN_MODES)
    for entry in data["chatmodes"]:
        assert (hostile_build.site / entry["raw_url"]).is_file()


def test_validate_json_names_the_file_escaped(hostile_repo: Path, capsys) -> None:
    assert main(["validate", str(hostile_repo / "chatmodes"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    unsafe = sorted(d["path"].rsplit("/", 1)[-1] for d in report["diagnostics"] if d["code"] == "CM010")
    assert unsafe == ["bell\\x07.agent.md", "next\\x85line.agent.md", "old\\xff.chatmode.md"]


def test_fix_skips_an_unsafe_name_without_crashing(tmp_path: Path, capsys) -> None:
    folder = write_tree(tmp_path / "modes", {"old\udcff.chatmode.md": chatmode(header="tools: 'a, b'\n")})
    assert main(["fix", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "old\\xff.chatmode.md: skipped: the name holds a byte 0xff that is not UTF-8 (CM010)" in err


def test_a_baseline_with_unsafe_names_is_refused_and_the_build_goes_on(make_project, tmp_path: Path) -> None:
    project = make_project()
    baseline = tmp_path / "baseline.json"
    # JSON cannot hold the byte 0xff, but it can escape its surrogate, and any control character.
    baseline.write_text(
        '{"schema": 1, "site_url": null, "chatmodes": [], "rejected": [], "removed": '
        '[{"slug": "x", "source": "x\\udcff\\u001b[2J.agent.md", "history": []}]}',
        encoding="utf-8",
    )
    result = build(project, env={"CHATMODES_BASELINE": str(baseline)})
    assert result.ok, result.log
    refused = [message for message in result.messages() if "the baseline could not be read" in message]
    assert len(refused) == 1
    assert (
        "'removed'[0].source is 'x\\xff\\x1b[2J.agent.md', which holds a byte 0xff that is not UTF-8: "
        "a catalog this registry wrote never does (CM010); the catalog is refused"
    ) in refused[0]
    assert "\x1b" not in result.log


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "planner\x1b]52;c;aGk=\x07"),
        ("source", "planner\udcff.chatmode.md"),
        ("raw_url", "catalog/planner/planner\x85.chatmode.md"),
    ],
)
@pytest.mark.parametrize("command", ["install", "status", "diff"])
def test_a_site_with_unsafe_names_is_refused_by_every_command(
    site: Path, project: Path, capsys, field: str, value: str, command: str
) -> None:
    def poison(document: dict) -> None:
        entry = next(entry for entry in document["chatmodes"] if entry["slug"] == "planner")
        entry[field] = value

    edit_catalog(site, poison)
    arguments = {
        "install": ["install", "planner", "--from", str(site)],
        "status": ["status", "--from", str(site)],
        "diff": ["diff", str(site / "catalog.json"), str(site / "catalog.json")],
    }[command]
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert filenames.escaped(value) in err and "CM010" in err
    assert not any(char in err for char in "\x1b\x07\x85")
    assert not (project / ".github").exists()


def test_open_site_names_the_problem(site: Path) -> None:
    edit_catalog(site, lambda document: document["chatmodes"][0].update(source="a\ud800b"))
    with pytest.raises(Exception, match=r"a\\ud800b"):
        open_site(str(site))


# Finding 11: names Windows cannot hold, names that differ only by case.

UNPORTABLE = {
    "con.agent.md": "Windows device name (CON)",
    "NUL.chatmode.md": "Windows device name (NUL)",
    "aux.backup.agent.md": "Windows device name (AUX)",
    "com1.agent.md": "Windows device name (COM1)",
    "lpt9 .agent.md": "Windows device name (LPT9)",
    "com\u00b9.agent.md": "Windows device name (COM\u00b9)",
    "prn/helper.agent.md": "Windows device name (PRN)",
    "trailing./x.agent.md": "ends in a dot",
    "space /y.agent.md": "ends in a space",
    "what?.agent.md": "which Windows does not allow",
    "Con!.agent.md": "page folder 'con/'",  # fine as a file, but its slug is a device name
}

PORTABLE = ["console.agent.md", "com10.agent.md", "lpt0.agent.md", "connect.agent.md", "nul-mode.agent.md"]


def test_unportable_names_and_slugs_are_warned_about(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "modes", {name: chatmode() for name in [*UNPORTABLE, *PORTABLE]})
    catalog = load_catalog(folder)
    found = {d.path: d.message for d in catalog.diagnostics if d.code == "CM309"}
    assert sorted(found) == sorted(UNPORTABLE)
    for name, reason in UNPORTABLE.items():
        assert reason in found[name], (name, found[name])
        assert found[name].endswith("rename the file")
    assert not [mode for mode in catalog.rejected]  # a warning: everything is published


def test_names_that_differ_only_by_case_are_warned_about_on_each(tmp_path: Path) -> None:
    files = {
        "Planner.agent.md": chatmode(),
        "planner.agent.md": chatmode(),
        "team/Caf\u00e9.agent.md": chatmode(),
        "Team/cafe\u0301.agent.md": chatmode(),  # decomposed: one name on macOS
        "apart.agent.md": chatmode(),
        "team/apart.agent.md": chatmode(),  # another folder: no collision
    }
    catalog = load_catalog(write_tree(tmp_path / "modes", files))
    found = {d.path: d.message for d in catalog.diagnostics if d.code == "CM309"}
    assert sorted(found) == [
        "Planner.agent.md",
        "Team/cafe\u0301.agent.md",
        "planner.agent.md",
        "team/Caf\u00e9.agent.md",
    ]
    assert "differs from planner.agent.md only by case" in found["Planner.agent.md"]
    assert "differs from Planner.agent.md only by case" in found["planner.agent.md"]


def test_install_refuses_a_name_that_differs_from_an_existing_file_only_by_case(
    site: Path, project: Path, capsys
):
    folder = project / ".github" / "chatmodes"
    folder.mkdir(parents=True)
    (folder / "Planner.chatmode.md").write_text("mine\n", encoding="utf-8")
    for extra in ([], ["--force"]):
        assert main(["install", "planner", "--from", str(site), *extra]) == 1
        err = capsys.readouterr().err
        assert "differs only by case from the existing .github/chatmodes/Planner.chatmode.md" in err
        assert sorted(child.name for child in folder.iterdir()) == ["Planner.chatmode.md"]
    assert (folder / "Planner.chatmode.md").read_text(encoding="utf-8") == "mine\n"


def test_install_refuses_two_planned_files_that_differ_only_by_case(site: Path, project: Path) -> None:
    plan = plan_install(
        open_site(str(site)),
        ["planner", "loner"],
        paths={"planner": project / "Mode.chatmode.md", "loner": project / "mode.chatmode.md"},
    )
    assert [problem.kind for problem in plan.problems] == ["destination"]
    assert "both in this install, differ only by case" in plan.problems[0].message


@pytest.mark.parametrize("on_windows", [False, True])
def test_install_of_a_device_name_is_a_note_elsewhere_and_refused_on_windows(
    site: Path, project: Path, capsys, monkeypatch, on_windows: bool
) -> None:
    def rename(document: dict) -> None:
        entry = next(entry for entry in document["chatmodes"] if entry["slug"] == "loner")
        entry.update(slug="con", url="catalog/con/", raw_url="catalog/con/con.chatmode.md")

    edit_catalog(site, rename)
    (site / "catalog" / "con").mkdir()
    (site / "catalog" / "loner" / "loner.chatmode.md").rename(site / "catalog" / "con" / "con.chatmode.md")
    monkeypatch.setattr(install_module, "_ON_WINDOWS", on_windows)
    code = main(["install", "con", "--from", str(site)])
    err = capsys.readouterr().err
    assert "con: 'con.chatmode.md' is a Windows device name (CON)" in err
    installed = project / ".github" / "chatmodes" / "con.chatmode.md"
    assert (code, installed.exists()) == ((1, False) if on_windows else (0, True))

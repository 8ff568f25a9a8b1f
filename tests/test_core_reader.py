"""Reading files and their frontmatter: encodings, sizes, symlinks, YAML errors and bombs, discovery."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chatmode_files import (
    chatmode,
    codes,
    link_outside,
    mode_by_source,
    rejected_sources,
    with_code,
    write_tree,
)
from chatmode_registry.core.catalog import load_catalog, load_files
from chatmode_registry.core.model import Severity
from chatmode_registry.core.reader import discover
from chatmode_registry.render.catalog_json import catalog_to_dict, dumps


def load(tmp_path: Path, files: dict[str, str | bytes], **options):
    """Write ``files`` into a fresh folder and load it as a catalog."""
    return load_catalog(write_tree(tmp_path / "src", files), **options)


def only_diagnostic(catalog, code: str):
    """The single diagnostic of rule ``code`` in the catalog (fails when there are none or several)."""
    found = with_code(catalog.diagnostics, code)
    assert len(found) == 1, [(d.path, d.line, d.code, d.message) for d in catalog.diagnostics]
    return found[0]


# --- encodings and bytes --------------------------------------------------------------------


def test_bom_and_crlf_are_accepted_with_the_file_line_numbers(tmp_path):
    raw = "\ufeff---\r\ndescription: d\r\ncolour: red\r\n---\r\n\r\n# Title\r\n\r\nSwitch to **Ghost** mode.\r\n"
    catalog = load(tmp_path, {"m.chatmode.md": raw.encode("utf-8")})
    mode = mode_by_source(catalog, "m.chatmode.md")
    assert mode.header == {"description": "d", "colour": "red"}
    assert mode.raw == raw.encode("utf-8")  # published byte for byte, BOM and CRLF included
    assert "\r" not in mode.body and not mode.body.startswith("\ufeff")
    assert only_diagnostic(catalog, "CM102").line == 3
    assert only_diagnostic(catalog, "CM302").line == 8
    assert mode.name == "Title"


def test_cp1252_bytes_are_rejected_with_the_line_of_the_first_bad_byte(tmp_path):
    raw = "---\ndescription: d\n---\nfine\nna\u00efve\n".encode("cp1252")
    catalog = load(tmp_path, {"m.chatmode.md": raw})
    found = only_diagnostic(catalog, "CM001")
    assert (found.line, found.severity) == (5, Severity.ERROR)
    assert "0xef" in found.message
    assert rejected_sources(catalog) == ["m.chatmode.md"] and catalog.chatmodes == []


def test_nul_bytes_are_rejected_with_their_line(tmp_path):
    catalog = load(tmp_path, {"m.chatmode.md": b"---\ndescription: d\n---\n\nbin\x00ary\n"})
    found = only_diagnostic(catalog, "CM001")
    assert found.line == 5 and "NUL" in found.message
    assert catalog.chatmodes == []


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \n\t\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"],
    ids=["empty", "whitespace", "bom", "bom-space"],
)
def test_empty_and_whitespace_only_files_are_published_with_cm002(tmp_path, raw):
    """VS Code loads an empty file as an agent with no header and no body: a warning, a page."""
    catalog = load(tmp_path, {"m.chatmode.md": raw})
    assert only_diagnostic(catalog, "CM002").severity is Severity.WARNING
    assert rejected_sources(catalog) == []
    (mode,) = catalog.chatmodes
    assert (mode.header, mode.raw, [d.code for d in mode.diagnostics]) == ({}, raw, ["CM002"])


def test_file_over_max_bytes_is_rejected_without_being_read(tmp_path):
    """A 6 MB file is measured, never opened: the audit hook sees no open() of it."""
    folder = write_tree(tmp_path / "src", {"small.chatmode.md": chatmode()})
    big = folder / "big.chatmode.md"
    big.write_bytes(b"x" * 6_000_000)
    opened: list[str] = []
    watching = [True]

    def hook(event, args):
        if watching[0] and event == "open" and args and str(args[0]).endswith("big.chatmode.md"):
            opened.append(str(args[0]))

    sys.addaudithook(hook)  # audit hooks cannot be removed; the flag switches this one off
    try:
        catalog = load_catalog(folder)
    finally:
        watching[0] = False
    found = only_diagnostic(catalog, "CM003")
    assert found.path == "big.chatmode.md" and "6,000,000" in found.message
    assert opened == []
    assert [mode.source for mode in catalog.chatmodes] == ["small.chatmode.md"]


def test_max_bytes_is_an_option(tmp_path):
    catalog = load(tmp_path, {"m.chatmode.md": chatmode("x" * 100)}, max_bytes=50)
    assert only_diagnostic(catalog, "CM003").path == "m.chatmode.md"
    assert load(tmp_path / "again", {"m.chatmode.md": chatmode("x" * 100)}, max_bytes=500).chatmodes


def test_symlink_to_a_file_outside_is_cm004_and_never_published(tmp_path):
    folder = write_tree(tmp_path / "src", {"inside.chatmode.md": chatmode()})
    secret = "TOP-SECRET-CONTENT"
    link_outside(
        folder,
        "nested/leak.chatmode.md",
        tmp_path / "private" / "secret.chatmode.md",
        chatmode(f"# {secret}\n", description=secret),
    )
    catalog = load_catalog(folder)
    found = only_diagnostic(catalog, "CM004")
    assert (found.path, found.severity) == ("nested/leak.chatmode.md", Severity.ERROR)
    assert [mode.source for mode in catalog.chatmodes] == ["inside.chatmode.md"]
    assert secret not in dumps(catalog_to_dict(catalog, site_url=None))
    assert secret not in found.message


def test_symlink_inside_the_folder_is_read(tmp_path):
    folder = write_tree(tmp_path / "src", {"real.chatmode.md": chatmode(description="Real one.")})
    (folder / "alias.chatmode.md").symlink_to(folder / "real.chatmode.md")
    catalog = load_catalog(folder)
    assert sorted(mode.source for mode in catalog.chatmodes) == ["alias.chatmode.md", "real.chatmode.md"]


# --- YAML ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ("description: d\nmodel: a: b\n", 3),
        ("description: d\ntools:\n\t- search\n", 4),  # a tab where indentation is expected
        ("description: d\ntools: [search, edit\nname: x\n", 4),
        ('description: "open quote\nname: x\n', 4),
    ],
    ids=["colon", "tab", "unclosed-flow", "unclosed-quote"],
)
def test_yaml_errors_are_cm005_at_the_line_yaml_names(tmp_path, header, line):
    catalog = load(tmp_path, {"m.chatmode.md": "---\n" + header + "---\nbody\n"})
    found = only_diagnostic(catalog, "CM005")
    assert found.line == line
    assert found.message.startswith("YAML syntax error")
    assert rejected_sources(catalog) == ["m.chatmode.md"]


def test_tab_indentation_error_says_tabs_are_the_problem(tmp_path):
    catalog = load(tmp_path, {"m.chatmode.md": "---\ndescription: d\ntools:\n\t- search\n---\nbody\n"})
    assert "tab" in only_diagnostic(catalog, "CM005").message


@pytest.mark.parametrize(
    ("header", "kind"),
    [("- a\n- b\n", "a list"), ("just words\n", "a single value"), ("42\n", "a single value")],
)
def test_header_that_is_not_a_mapping_is_cm006(tmp_path, header, kind):
    catalog = load(tmp_path, {"m.chatmode.md": "---\n" + header + "---\nbody\n"})
    found = only_diagnostic(catalog, "CM006")
    assert found.line == 2 and kind in found.message


BILLION_LAUGHS = (
    "description: d\n"
    + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi")
    )
)


@pytest.mark.parametrize(
    "header",
    [BILLION_LAUGHS, "description: d\nloop: &loop [*loop]\n", "description: d\nself: &s\n  again: *s\n"],
    ids=["billion-laughs", "recursive-list", "recursive-mapping"],
)
def test_alias_bombs_and_recursive_aliases_are_cm007(tmp_path, header):
    catalog = load(
        tmp_path, {"m.chatmode.md": "---\n" + header + "---\nbody\n", "ok.chatmode.md": chatmode()}
    )
    found = only_diagnostic(catalog, "CM007")
    assert found.path == "m.chatmode.md" and found.severity is Severity.ERROR
    assert found.line is not None and 2 <= found.line <= 2 + header.count("\n")
    assert [mode.source for mode in catalog.chatmodes] == ["ok.chatmode.md"]


def test_shared_aliases_within_the_bound_are_accepted(tmp_path):
    header = "description: d\nmetadata:\n  base: &b {x: 1}\n  copy: *b\n"
    mode = mode_by_source(
        load(tmp_path, {"m.chatmode.md": "---\n" + header + "---\nbody\n"}), "m.chatmode.md"
    )
    assert mode.header["metadata"] == {"base": {"x": 1}, "copy": {"x": 1}}


@pytest.mark.parametrize("opening", ["[", "{", "[{"], ids=["lists", "mappings", "mixed"])
def test_100000_nested_brackets_are_cm007_in_a_child_process(tmp_path, opening):
    """Run in a child process: a C stack overflow would kill it (and fail this test), not pytest."""
    path = tmp_path / "src" / "deep.chatmode.md"
    path.parent.mkdir()
    path.write_text("---\ndescription: d\nx: " + opening * (100_000 // len(opening)) + "\n---\nbody\n")
    script = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        from chatmode_registry.core.catalog import load_catalog
        catalog = load_catalog(Path(sys.argv[1]))
        print(json.dumps([[d.code, d.line] for d in catalog.diagnostics]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path.parent)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == [["CM007", 3]]


def test_unclosed_header_is_cm005_on_line_1(tmp_path):
    catalog = load(tmp_path, {"m.chatmode.md": "---\ndescription: d\n\n# Body without a closing line\n"})
    found = only_diagnostic(catalog, "CM005")
    assert found.line == 1 and "never closed" in found.message


def test_no_frontmatter_is_a_valid_chatmode_with_a_cm101_warning(tmp_path):
    catalog = load(tmp_path, {"plain.chatmode.md": "# Plain Mode\n\nJust instructions.\n"})
    mode = mode_by_source(catalog, "plain.chatmode.md")
    assert mode.header == {} and mode.body_line == 1 and mode.name == "Plain"
    assert [(d.code, d.severity, d.line) for d in catalog.diagnostics] == [("CM101", Severity.WARNING, 1)]


def test_key_value_lines_without_delimiters_are_cm108_and_read_as_text(tmp_path):
    catalog = load(tmp_path, {"m.chatmode.md": "description: d\ntools: [search]\n\n# Body\n"})
    mode = mode_by_source(catalog, "m.chatmode.md")
    assert mode.header == {} and mode.body.startswith("description: d")
    assert only_diagnostic(catalog, "CM108").line == 1
    assert "CM101" in codes(catalog.diagnostics)


def test_yaml_dates_stay_the_text_written(tmp_path):
    """YAML 1.2 (VS Code's reading) has no timestamp type: a date is the text as written."""
    header = (
        "description: d\nversion: 2024-05-06\nmetadata:\n  at: 2024-05-06 07:08:09\n  days: [2023-01-02]\n"
    )
    mode = mode_by_source(
        load(tmp_path, {"m.chatmode.md": "---\n" + header + "---\nbody\n"}), "m.chatmode.md"
    )
    assert mode.header["version"] == "2024-05-06"
    assert mode.header["metadata"] == {"at": "2024-05-06 07:08:09", "days": ["2023-01-02"]}
    json.dumps(mode.header)


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30 10:00:00", "0x_", "1:30", "0b101", "1_000"])
def test_what_yaml_1_1_would_type_is_text_as_vscode_reads_it(tmp_path, value):
    """Impossible dates, base-60 and YAML 1.1 number forms are plain text in YAML 1.2."""
    catalog = load(tmp_path, {"m.chatmode.md": f"---\ndescription: d\nversion: {value}\n---\nbody\n"})
    assert mode_by_source(catalog, "m.chatmode.md").header["version"] == value
    assert with_code(catalog.diagnostics, "CM005") == []


@pytest.mark.parametrize("value", ["!!int abc", "!!float abc", "!!bool maybe", "!!timestamp nope"])
def test_bad_tagged_scalars_are_a_diagnostic_not_a_crash(tmp_path, value):
    catalog = load(tmp_path, {"m.chatmode.md": f"---\ndescription: d\nx: {value}\n---\nbody\n"})
    assert only_diagnostic(catalog, "CM005").line == 3


def test_line_separator_inside_a_quoted_value_does_not_shift_header_lines(tmp_path):
    catalog = load(tmp_path, {"m.chatmode.md": '---\ndescription: "a\u2028b"\ncolour: red\n---\nbody\n'})
    assert only_diagnostic(catalog, "CM102").line == 3


# --- discovery -------------------------------------------------------------------------------


def test_discovery_is_recursive_sorted_and_takes_only_chatmode_and_agent_files(tmp_path):
    files = {
        "z.chatmode.md": chatmode(),
        "a.agent.md": chatmode(),
        "team/b/c.chatmode.md": chatmode(),
        "team/a.agent.md": chatmode(),
        "notes.md": "# not a chat mode\n",
        "x.prompt.md": "# prompt\n",
        "y.instructions.md": "# instructions\n",
        "chatmode.md": "# no dot before chatmode\n",
        "w.chatmode.md.bak": "backup\n",
        "team/readme.txt": "text\n",
    }
    folder = write_tree(tmp_path / "src", files)
    expected = ["a.agent.md", "team/a.agent.md", "team/b/c.chatmode.md", "z.chatmode.md"]
    assert [path.relative_to(folder).as_posix() for path in discover(folder)] == expected
    catalog = load_catalog(folder)
    assert [mode.source for mode in catalog.chatmodes] == expected
    assert catalog.files == 4
    assert [mode.source for mode in load_catalog(folder).chatmodes] == expected  # same again


def test_missing_folder_is_an_empty_catalog(tmp_path):
    catalog = load_catalog(tmp_path / "nowhere")
    assert (catalog.chatmodes, catalog.rejected, catalog.files) == ([], [], 0)


def test_single_files_keep_the_path_as_given(tmp_path):
    path = write_tree(tmp_path / "src", {"one.chatmode.md": chatmode()}) / "one.chatmode.md"
    catalog = load_files([path])
    assert [mode.source for mode in catalog.chatmodes] == [path.as_posix()]

"""``core.fix.fix_bytes`` and ``chatmodes fix``: repair mojibake and renamed tools, nothing else."""

from __future__ import annotations

import difflib
import json
import shutil

import pytest

from chatmode_files import SEED, SEED_MOJIBAKE_LINE, codes, link_outside, write_file
from chatmode_registry.cli import main
from chatmode_registry.core import vscode
from chatmode_registry.core.catalog import load_files
from chatmode_registry.core.fix import fix_bytes

MOJIBAKE = "Backend \u00e2\u20ac\u201c technologies"
REPAIRED = "Backend \u2013 technologies"


def fixed(text: str | bytes) -> bytes:
    """The bytes ``fix_bytes`` produces for ``text`` (UTF-8 encoded when given as text)."""
    return fix_bytes(text.encode("utf-8") if isinstance(text, str) else text).content


# --- what is kept ----------------------------------------------------------------------------


def test_bom_crlf_and_missing_final_newline_are_kept():
    raw = ("\ufeff---\r\ndescription: d\r\ntools:\r\n  - codebase\r\n---\r\n\r\n" + MOJIBAKE).encode("utf-8")
    expected = (
        "\ufeff---\r\ndescription: d\r\ntools:\r\n  - search/codebase\r\n---\r\n\r\n" + REPAIRED
    ).encode("utf-8")
    assert fixed(raw) == expected


def test_quote_styles_and_comments_are_kept():
    text = (
        "---\n"
        "# leading comment\n"
        "description: 'd'  # why\n"
        "tools:\n"
        "  - 'codebase'   # single quoted\n"
        '  - "usages" # double quoted\n'
        "  - fetch\n"
        "---\n"
        "body\n"
    )
    assert fixed(text).decode() == text.replace("'codebase'", "'search/codebase'").replace(
        '"usages"', '"search/usages"'
    ).replace("- fetch", "- web/fetch")


def test_flow_lists_stay_flow_lists():
    text = "---\ndescription: d\ntools: [codebase, 'usages', \"fetch\", search]  # flow\n---\nbody\n"
    assert fixed(text).decode() == (
        "---\ndescription: d\ntools: [search/codebase, 'search/usages', \"web/fetch\", search]  # flow\n---\nbody\n"
    )


def test_flow_list_over_several_lines():
    text = "---\ntools: [\n  codebase,\n  search,\n]\n---\nbody\n"
    assert fixed(text).decode() == "---\ntools: [\n  search/codebase,\n  search,\n]\n---\nbody\n"


def test_one_legacy_name_becomes_several_in_a_flow_list():
    text = "---\ntools: [search, 'runTasks']\n---\nbody\n"
    new = ", ".join(f"'{name}'" for name in vscode.legacy_tool_replacements("runTasks"))
    assert fixed(text).decode() == f"---\ntools: [search, {new}]\n---\nbody\n"


def test_one_legacy_name_becomes_several_in_a_block_list_with_its_indentation():
    text = "---\r\ntools:\r\n    - runCommands\r\n    - search\r\n---\r\nbody\r\n"
    items = "".join(f"    - {name}\r\n" for name in vscode.legacy_tool_replacements("runCommands"))
    assert len(vscode.legacy_tool_replacements("runCommands")) > 1
    assert fixed(text).decode() == f"---\r\ntools:\r\n{items}    - search\r\n---\r\nbody\r\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("tools: [search/codebase, codebase]", "tools: [search/codebase]"),
        ("tools: [codebase, search/codebase, edit]", "tools: [search/codebase, edit]"),
        ("tools: [codebase, codebase]", "tools: [search/codebase]"),
        ("tools:\n  - search/codebase\n  - codebase\n  - edit", "tools:\n  - search/codebase\n  - edit"),
        ("tools:\n  - codebase\n  - search/codebase", "tools:\n  - search/codebase"),
    ],
    ids=["flow-last", "flow-first", "flow-duplicate", "block-after", "block-before"],
)
def test_a_legacy_name_whose_replacement_is_listed_is_removed(before, after):
    assert (
        fixed(f"---\ndescription: d\n{before}\n---\nbody\n").decode()
        == f"---\ndescription: d\n{after}\n---\nbody\n"
    )


def test_removed_duplicates_leave_a_file_without_cm105_or_cm106(tmp_path):
    path = write_file(
        tmp_path,
        "m.chatmode.md",
        "---\ndescription: d\ntools: [codebase, search/codebase, runTasks, execute/runTask]\n---\nbody\n",
    )
    path.write_bytes(fixed(path.read_bytes()))
    assert not {"CM105", "CM106"} & codes(load_files([path]).diagnostics)


@pytest.mark.parametrize(
    "text",
    [
        f"description: d\ntools:\n  - codebase\n\n{MOJIBAKE}\n",
        f"---\ndescription: {MOJIBAKE}\ntools: [codebase\n---\n{MOJIBAKE}\n",
        f"---\n- codebase\n---\n{MOJIBAKE}\n",
    ],
    ids=["no-header", "broken-yaml", "not-a-mapping"],
)
def test_without_a_usable_header_only_mojibake_lines_change(text):
    assert fixed(text).decode() == text.replace(MOJIBAKE, REPAIRED)


def test_tools_outside_the_top_level_list_are_not_touched():
    text = "---\ndescription: codebase\nmetadata:\n  tools: [codebase]\nhandoffs:\n  - agent: codebase\n---\nUse codebase.\n"
    assert fixed(text).decode() == text
    assert not fix_bytes(text.encode()).changed


def test_non_utf8_bytes_are_left_alone():
    raw = b"---\ntools: [codebase]\n---\ncaf\xe9\n"
    result = fix_bytes(raw)
    assert result.content == raw and not result.changed


def test_changes_say_what_was_done_and_where():
    result = fix_bytes(f"---\ntools:\n  - codebase\n---\n{MOJIBAKE}\n".encode())
    assert result.changes == ["line 3: tool 'codebase' -> search/codebase", "line 5: repaired mojibake"]


@pytest.mark.parametrize(
    "text",
    [
        f"\ufeff---\r\ntools: [codebase, runCommands, 'usages']\r\n---\r\n{MOJIBAKE}",
        "---\ntools:\n  - runTasks\n  - codebase\n  - search/codebase\n---\nbody\n",
        f"no header at all, {MOJIBAKE}\n",
        "---\ntools: codebase, runCommands, search/usages\n---\nbody\n",
        # two YAML 1.1 booleans on one line: both in one run
        "---\nhandoffs:\n  - {label: a, agent: Plan, prompt: p, send: ON, showContinueOn: off}\n---\nbody\n",
    ],
)
def test_fixing_twice_changes_nothing_the_second_time(text):
    once = fixed(text)
    assert once != text.encode("utf-8")
    second = fix_bytes(once)
    assert second.content == once and second.changes == []


def test_fix_reads_a_header_with_an_impossible_date_as_text():
    """YAML 1.2 (VS Code's reading) has no dates: the header is read, so its tools are fixed too."""
    text = f"---\ndescription: d\nversion: 2024-13-45\ntools: [codebase]\n---\n{MOJIBAKE}\n"
    expected = text.replace(MOJIBAKE, REPAIRED).replace("[codebase]", "[search/codebase]")
    assert fixed(text).decode() == expected


# --- the command ----------------------------------------------------------------------------


def test_check_prints_a_diff_exits_1_and_writes_nothing(tmp_path, capsys):
    path = write_file(tmp_path, "m.chatmode.md", f"---\ndescription: d\ntools: [codebase]\n---\n{MOJIBAKE}\n")
    before = path.read_bytes()
    assert main(["fix", "--check", str(path)]) == 1
    out = capsys.readouterr().out
    assert path.read_bytes() == before
    assert "-tools: [codebase]" in out and "+tools: [search/codebase]" in out
    assert f"+{REPAIRED}" in out and f"-{MOJIBAKE}" in out


def test_check_on_a_long_file_with_many_repairs_summarises_the_patch(tmp_path, capsys):
    """#23, finding 10: difflib is quadratic when short equal runs separate many changes."""
    body = "".join(f"{MOJIBAKE} {n}\n" if n % 10 == 0 else f"line {n}\n" for n in range(20_000))
    path = write_file(tmp_path, "m.chatmode.md", f"---\ndescription: d\n---\n{body}")
    assert main(["fix", "--check", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[2] == (
        "@@ -4,19991 +4,19991 @@ file changed: 19,991 lines replaced by 19,991, too many to compare line by line"
    )


def test_check_on_a_clean_file_exits_0_silently(tmp_path, capsys):
    path = write_file(tmp_path, "m.chatmode.md", "---\ndescription: d\ntools: [search/codebase]\n---\nbody\n")
    assert main(["fix", "--check", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_fix_rewrites_files_of_a_folder_in_place(tmp_path, capsys):
    folder = tmp_path / "modes"
    dirty = write_file(folder, "team/a.agent.md", "---\ndescription: d\ntools: [codebase]\n---\nbody\n")
    clean_text = b"---\ndescription: d\ntools: [search/codebase]\n---\nbody\n"
    clean = write_file(folder, "b.chatmode.md", clean_text)
    assert main(["fix", str(folder)]) == 0
    assert dirty.read_bytes() == clean_text and clean.read_bytes() == clean_text
    assert "codebase" in capsys.readouterr().out
    assert main(["fix", "--check", str(folder)]) == 0


def test_fix_does_not_copy_a_file_from_outside_the_folder_in(tmp_path, capsys):
    folder = tmp_path / "modes"
    outside_text = "---\ndescription: outside\ntools: [codebase]\n---\nbody\n"
    link = link_outside(folder, "link.chatmode.md", tmp_path / "private" / "o.chatmode.md", outside_text)
    main(["fix", str(folder)])
    capsys.readouterr()
    assert link.is_symlink()
    assert (tmp_path / "private" / "o.chatmode.md").read_text() == outside_text


def test_fix_of_a_missing_path_is_a_usage_error(tmp_path):
    assert main(["fix", str(tmp_path / "missing.chatmode.md")]) == 2


# --- the seed ---------------------------------------------------------------------------------


def _tools_block(lines: list[str]) -> range:
    """0-based indexes of the ``tools:`` line and its list items."""
    start = lines.index("tools:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    return range(start, end)


def test_fixing_the_seed_changes_only_the_mojibake_line_and_the_tools_list(tmp_path, capsys):
    copy = tmp_path / SEED.name
    shutil.copyfile(SEED, copy)
    assert main(["fix", str(copy)]) == 0
    capsys.readouterr()
    old = SEED.read_text(encoding="utf-8").split("\n")
    new = copy.read_text(encoding="utf-8").split("\n")
    old_tools, new_tools = _tools_block(old), _tools_block(new)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    assert changed
    for _, a_start, a_end, b_start, b_end in changed:
        old_lines, new_lines = set(range(a_start, a_end)), set(range(b_start, b_end))
        in_tools = old_lines <= set(old_tools) and new_lines <= set(new_tools)
        mojibake = old_lines == {SEED_MOJIBAKE_LINE - 1} and len(new_lines) == 1
        assert in_tools or mojibake, (old[a_start:a_end], new[b_start:b_end])
    repaired = [new[b] for op in changed for b in range(op[3], op[4]) if b not in new_tools]
    assert repaired == [old[SEED_MOJIBAKE_LINE - 1].replace("\u00e2\u20ac\u201c", "\u2013")]
    # The tools: every legacy name replaced by its current names, in place, nothing else.
    (before,) = load_files([SEED]).chatmodes
    expected = list(
        dict.fromkeys(
            name for tool in before.tools for name in (vscode.legacy_tool_replacements(tool) or [tool])
        )
    )
    (after,) = load_files([copy]).chatmodes
    assert after.tools == expected
    assert copy.read_bytes().endswith(b"\n") == SEED.read_bytes().endswith(b"\n")


def test_the_fixed_seed_validates_strictly_and_fixes_to_itself(tmp_path, capsys):
    copy = tmp_path / SEED.name
    shutil.copyfile(SEED, copy)
    main(["fix", str(copy)])
    capsys.readouterr()
    # Which model replaces a retired one is the author's choice, not fix's: the one warning left.
    main(["validate", "--format", "json", str(copy)])
    left = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [d["code"] for d in left if d["severity"] != "info"] == ["CM125"]
    copy.write_bytes(copy.read_bytes().replace(b"model: claude-4-sonnet", b"model: Claude Sonnet 4.6"))
    assert main(["validate", "--strict", str(copy)]) == 0
    capsys.readouterr()
    main(["validate", "--format", "json", str(copy)])
    report = json.loads(capsys.readouterr().out)
    assert (report["errors"], report["warnings"]) == (0, 0)
    assert {d["severity"] for d in report["diagnostics"]} <= {"info"}
    once = copy.read_bytes()
    assert main(["fix", "--check", str(copy)]) == 0
    assert copy.read_bytes() == once


def test_one_fix_run_turns_a_tools_string_into_a_list_and_renames_its_legacy_names(tmp_path):
    """The real command, run once: the comma-separated string becomes a list and its legacy
    names are renamed in the same run; a second run finds nothing to fix (#25)."""
    import subprocess

    path = write_file(
        tmp_path, "m.agent.md", "---\ndescription: d\ntools: codebase, runCommands # ours\n---\nbody\n"
    )
    first = subprocess.run(["chatmodes", "fix", str(path)], capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    renamed = [*vscode.legacy_tool_replacements("codebase"), *vscode.legacy_tool_replacements("runCommands")]
    listed = ", ".join(f"'{name}'" for name in renamed)
    assert path.read_text() == f"---\ndescription: d\ntools: [{listed}] # ours\n---\nbody\n"
    second = subprocess.run(
        ["chatmodes", "fix", "--check", str(path)], capture_output=True, text=True, check=False
    )
    assert (second.returncode, second.stdout) == (0, "")
    assert not {"CM106", "CM110"} & codes(load_files([path]).diagnostics)


# --- CM119: a boolean written as text -------------------------------------------------------


def test_a_quoted_true_or_false_in_a_boolean_field_becomes_the_bare_boolean():
    """Any quoting and case VS Code rejects; comments, spacing, CRLF and the BOM stay."""
    before = (
        "\ufeff---\r\ndescription: 'true'\r\nuser-invocable:   \"True\"   # shown in the picker\r\n"
        "disable-model-invocation: 'FALSE'\r\nhandoffs:\r\n"
        "  - {label: a, agent: Plan, prompt: p, send: \"true\", showContinueOn: 'false'}\r\n"
        "  - label: b\r\n    agent: Plan\r\n    prompt: ''\r\n    send: ' false '\r\n"
        '---\r\nWrite "true".\r\n'
    )
    after = (
        "\ufeff---\r\ndescription: 'true'\r\nuser-invocable:   true   # shown in the picker\r\n"
        "disable-model-invocation: false\r\nhandoffs:\r\n"
        "  - {label: a, agent: Plan, prompt: p, send: true, showContinueOn: false}\r\n"
        "  - label: b\r\n    agent: Plan\r\n    prompt: ''\r\n    send: false\r\n"
        '---\r\nWrite "true".\r\n'
    )
    result = fix_bytes(before.encode())
    assert result.content.decode() == after
    assert result.changes == [
        "line 3: 'user-invocable: \"True\"' -> true",
        "line 4: 'disable-model-invocation: 'FALSE'' -> false",
        "line 6: 'handoffs.send: \"true\"' -> true",
        "line 6: 'handoffs.showContinueOn: 'false'' -> false",
        "line 10: 'handoffs.send: ' false '' -> false",
    ]
    second = fix_bytes(result.content)
    assert second.content == result.content and second.changes == []


@pytest.mark.parametrize(
    "header",
    [
        'user-invocable: "yes"\n',  # text that is not true or false: CM119's advice, no guess
        'user-invocable: "true\n  "\n',  # a quoted scalar over two lines
        "metadata: {public: 'true'}\n",  # not a boolean field
        'argument-hint: "false"\n',
    ],
)
def test_other_quoted_text_is_left_alone(header):
    text = f"---\ndescription: d\n{header}---\nbody\n"
    assert fix_bytes(text.encode()).changes == []


def test_fix_leaves_no_cm119_it_can_repair(tmp_path):
    path = write_file(
        tmp_path,
        "m.agent.md",
        '---\ndescription: d\nuser-invocable: "false"\ninfer: \'TRUE\'\nuser-invokable: "no"\n---\nbody\n',
    )
    before = [d.message for d in load_files([path]).diagnostics if d.code == "CM119"]
    assert len(before) == 3 and "chatmodes fix unquotes it" in before[0]
    assert main(["fix", str(path)]) == 0
    after = [d.message for d in load_files([path]).diagnostics if d.code == "CM119"]
    assert after == [
        "'user-invokable' is \"no\", not a boolean: VS Code reports an error and ignores it; "
        "write true or false without quotes"
    ]


def test_check_shows_the_unquoting_as_a_diff(tmp_path, capsys):
    path = write_file(tmp_path, "m.agent.md", "---\ndescription: d\nuser-invocable: 'false'\n---\nbody\n")
    before = path.read_bytes()
    assert main(["fix", "--check", str(path)]) == 1
    out = capsys.readouterr().out
    assert path.read_bytes() == before
    assert "-user-invocable: 'false'" in out and "+user-invocable: false" in out

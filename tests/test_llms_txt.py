"""``llms.txt`` and ``llms-full.txt`` at the site root, from a real MkDocs build."""

from __future__ import annotations

import json
import re

from conftest import CLEAN_MODES, SITE_URL, build

#: An llms.txt link line: ``- [name](url)`` with an optional ``: notes``.
LINK_LINE = re.compile(r"- \[(?P<name>(?:[^\]\\]|\\.)+)\]\((?P<url>[^)\s]+)\)(?:: (?P<notes>.+))?")


def test_llms_txt_lists_every_mode_with_its_link_and_description(make_project):
    result = build(make_project(), strict=True)
    assert result.ok, result.log
    text = (result.site / "llms.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Test registry"
    assert lines[2] == "> A catalog of 3 VS Code Copilot chat modes / custom agents."
    assert f"[llms-full.txt]({SITE_URL}llms-full.txt)" in text
    assert lines[lines.index("## Chat modes") + 1] == ""
    catalog = json.loads((result.site / "catalog.json").read_text(encoding="utf-8"))
    links = [LINK_LINE.fullmatch(line) for line in lines if line.startswith("- ")]
    assert all(links)
    assert [(m["name"], m["url"], m["notes"]) for m in links] == [
        (entry["name"], SITE_URL + entry["raw_url"], entry["description"]) for entry in catalog["chatmodes"]
    ]
    # Every link is a file the site really has.
    for match in links:
        assert (result.site / match["url"].removeprefix(SITE_URL)).is_file()


def test_llms_txt_says_how_to_install_with_copilot_cli(make_project):
    # A backtick in the source must not end the code span early.
    source = "https://git.example.org/team/a`b.git"
    result = build(
        make_project(plugin_options={"marketplace_name": "team-modes", "marketplace_source": source})
    )
    assert result.ok, result.log
    lines = (result.site / "llms.txt").read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("## Chat modes") - 2] == (
        f"With GitHub Copilot CLI, add this registry's plugin marketplace once (``copilot plugin "
        f"marketplace add {source}``), then install a chat mode as a plugin: "
        "`copilot plugin install SLUG@team-modes`, SLUG being its file name without the suffix."
    )


def test_llms_full_txt_holds_every_raw_file(make_project):
    result = build(make_project())
    full = (result.site / "llms-full.txt").read_text(encoding="utf-8")
    for text in CLEAN_MODES.values():
        assert text in full
    assert full.count("\nSource: " + SITE_URL + "catalog/") == len(CLEAN_MODES)


def test_size_guard_leaves_the_full_text_out_and_says_so(make_project):
    result = build(make_project(plugin_options={"llms_full_max_bytes": 100}), strict=True)
    assert result.ok, result.log  # an info line, not a warning: strict builds still pass
    assert not (result.site / "llms-full.txt").exists()
    assert any(
        "llms-full.txt left out" in line and "more than llms_full_max_bytes (100)" in line
        for line in result.log.splitlines()
        if line.startswith("INFO")
    ), result.log
    text = (result.site / "llms.txt").read_text(encoding="utf-8")
    assert "llms-full.txt" not in text
    assert len([line for line in text.splitlines() if line.startswith("- [")]) == len(CLEAN_MODES)


def test_option_turns_both_off(make_project):
    result = build(make_project(plugin_options={"llms_txt": False}))
    assert result.ok
    assert not (result.site / "llms.txt").exists() and not (result.site / "llms-full.txt").exists()


def test_hostile_names_and_descriptions_stay_on_one_line(make_project):
    modes = {
        "evil.chatmode.md": (
            "---\n"
            "name: 'Evil](https://attacker.example/) [x'\n"
            'description: "line one\\n## Injected heading\\n- [fake](https://attacker.example/)"\n'
            "---\n# Evil\n"
        )
    }
    result = build(make_project(modes))
    text = (result.site / "llms.txt").read_text(encoding="utf-8")
    links = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(links) == 1
    match = LINK_LINE.fullmatch(links[0])
    assert match is not None
    assert match["url"] == SITE_URL + "catalog/evil/evil.chatmode.md"
    assert match["name"] == "Evil\\](https://attacker.example/) \\[x"
    assert "\n## Injected heading" not in text

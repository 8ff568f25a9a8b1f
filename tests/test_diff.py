"""Catalog diffs: loading catalog.json, comparing, rendering, and ``chatmodes diff``.

Fixture sites are written into tmp_path the way a build lays them out (``catalog.json`` plus
raw files under ``catalog/<slug>/``); digests are computed from the bytes written.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import html.parser
import json
import random
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import markdown
import pytest

from chatmode_registry.cli import main
from chatmode_registry.core import diff as diff_module
from chatmode_registry.core.diff import (
    CatalogLoadError,
    diff_catalogs,
    fetch_raw,
    load_catalog_json,
    raw_reader,
    split_body,
)
from chatmode_registry.render.changes import md_fence, render_html, render_markdown

HOSTILE = '<img src=x onerror="alert(1)"> **bold** @octocat `tick` </details>\n# Heading'


# --------------------------------------------------------------------------------------------
# Fixture helpers


def mode_text(description: str, body: str, *, tools: list[str] | None = None) -> str:
    """A chat mode file: YAML header and body."""
    header = f"---\ndescription: {json.dumps(description)}\n"
    if tools:
        header += f"tools: {json.dumps(tools)}\n"
    return header + "---\n" + body


def record(site: Path, slug: str, text: str, *, body_hash: bool = False, **fields) -> dict:
    """Write ``text`` as the raw file of ``slug`` under ``site`` and return its catalog record."""
    raw = text.encode("utf-8")
    folder = site / "catalog" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.chatmode.md").write_bytes(raw)
    data = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "description": "",
        "model": None,
        "tools": [],
        "source": f"{slug}.chatmode.md",
        "url": f"catalog/{slug}/",
        "raw_url": f"catalog/{slug}/{slug}.chatmode.md",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
        "transitions": [],
        "diagnostics": [],
    }
    if body_hash:
        data["body_sha256"] = hashlib.sha256(split_body(text).encode("utf-8")).hexdigest()
    data.update(fields)
    return data


def write_catalog(site: Path, records: list[dict], rejected: list[dict] | None = None) -> Path:
    """Write ``catalog.json`` for ``records`` into ``site``; returns its path."""
    site.mkdir(parents=True, exist_ok=True)
    path = site / "catalog.json"
    document = {
        "schema": 1,
        "site_url": "https://example.org/",
        "chatmodes": records,
        "rejected": rejected or [],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


OLD_BODY = "# Reviewer\n\nRead the code.\nKeep it short.\n"
NEW_BODY = "# Reviewer\n\nRead the code carefully.\nKeep it short.\n```python\nprint(1)\n```\n"


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path]:
    """An old and a new site: one mode kept, one changed (tools and body), one removed, two added."""
    old_site, new_site = tmp_path / "old", tmp_path / "new"
    kept = mode_text("Plans work", "# Planner\n")
    old_records = [
        record(old_site, "planner", kept, description="Plans work"),
        record(
            old_site,
            "reviewer",
            mode_text("Reviews", OLD_BODY, tools=["codebase", "usages"]),
            description="Reviews",
            tools=["codebase", "usages"],
        ),
        record(old_site, "retired", mode_text("Old", "# Retired\n"), description="Old"),
    ]
    new_records = [
        record(new_site, "zeta", mode_text("Last", "# Zeta\n"), description="Last"),
        record(new_site, "planner", kept, description="Plans work"),
        record(
            new_site,
            "reviewer",
            mode_text("Reviews", NEW_BODY, tools=["codebase", "search"]),
            description="Reviews",
            tools=["codebase", "search"],
        ),
        record(
            new_site,
            "alpha",
            mode_text("", "# Alpha\n"),
            description="",
            diagnostics=[
                {"code": "missing-description", "severity": "warning", "line": 1, "message": "no description"}
            ],
        ),
    ]
    write_catalog(old_site, old_records)
    write_catalog(new_site, new_records)
    return old_site, new_site


def load_diff(old_site: Path, new_site: Path):
    """Load both sites and diff them with raw readers, as the CLI does."""
    (old, old_base), (new, new_base) = load_catalog_json(str(old_site)), load_catalog_json(str(new_site))
    return diff_catalogs(old, new, old_raw=raw_reader(old_base), new_raw=raw_reader(new_base))


class TreeCollector(html.parser.HTMLParser):
    """Collects every element (tag, attributes, text inside it) of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("img", "br", "hr", "input", "meta", "link"):
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag: str) -> list[dict]:
        return [element for element in self.elements if element["tag"] == tag]


def parse_html(text: str) -> TreeCollector:
    collector = TreeCollector()
    collector.feed(text)
    collector.close()
    return collector


def markdown_to_html(text: str) -> str:
    return markdown.markdown(text, extensions=["fenced_code"])


# --------------------------------------------------------------------------------------------
# Comparing


def test_to_dict_has_the_changes_json_shape(sites):
    old_site, new_site = sites
    result = load_diff(old_site, new_site)
    assert result.to_dict() == {
        "added": ["alpha", "zeta"],
        "removed": ["retired"],
        "changed": [{"slug": "reviewer", "fields": ["body", "tools"]}],
    }
    assert list(result.to_dict()) == ["added", "removed", "changed"]


def test_details_name_tools_and_body_lines(sites):
    result = load_diff(*sites)
    (change,) = result.changed
    assert change.details["tools"] == {"added": ["search"], "removed": ["usages"]}
    body = change.details["body"]["diff"]
    assert "-Read the code." in body.splitlines()
    assert "+Read the code carefully." in body.splitlines()
    assert "+```python" in body.splitlines()
    assert [d["slug"] for d in result.new_diagnostics] == ["alpha"]
    details = result.details_dict()
    assert {key: details[key] for key in ("added", "removed")} == {
        "added": result.added,
        "removed": result.removed,
    }
    assert [m["slug"] for m in details["added_modes"]] == ["alpha", "zeta"]


def test_body_sha256_decides_without_raw_files(tmp_path):
    old_text = mode_text("A", "one\n")
    new_text = mode_text("B", "one\n")  # header changed, body identical
    old = {"chatmodes": [record(tmp_path / "o", "m", old_text, body_hash=True, description="A")]}
    new = {"chatmodes": [record(tmp_path / "n", "m", new_text, body_hash=True, description="B")]}
    assert diff_catalogs(old, new).to_dict()["changed"] == [{"slug": "m", "fields": ["description"]}]

    edited = {
        "chatmodes": [record(tmp_path / "e", "m", mode_text("A", "two\n"), body_hash=True, description="A")]
    }
    (change,) = diff_catalogs(old, edited).changed
    assert change.fields == ["body"]
    assert change.details["body"] == {"diff": None, "truncated": False}


def test_without_body_hash_or_raw_files_a_lone_digest_change_is_the_body(tmp_path):
    old = {"chatmodes": [record(tmp_path / "o", "m", mode_text("A", "one\n"), description="A")]}
    body_edit = {"chatmodes": [record(tmp_path / "n", "m", mode_text("A", "two\n"), description="A")]}
    assert diff_catalogs(old, body_edit).changed[0].fields == ["body"]

    # With a header field changed too, the digest alone cannot tell whether the body changed.
    both = {"chatmodes": [record(tmp_path / "b", "m", mode_text("B", "two\n"), description="B")]}
    assert diff_catalogs(old, both).changed[0].fields == ["description"]


def test_moved_lines_are_not_changes_but_new_diagnostics_are(tmp_path):
    edge = {
        "target": "api",
        "text": "API",
        "label": "",
        "reason": "",
        "via": "prose",
        "line": 3,
        "builtin": False,
    }
    warn = {"code": "unknown-tool", "severity": "warning", "line": 2, "message": "unknown tool x"}
    old = {
        "chatmodes": [
            record(
                tmp_path / "o",
                "m",
                mode_text("A", "Switch to **API** mode.\n"),
                description="A",
                transitions=[edge],
                diagnostics=[warn],
            )
        ]
    }
    moved_text = mode_text("A", "\n\nSwitch to **API** mode.\n")
    moved = {
        "chatmodes": [
            record(
                tmp_path / "n",
                "m",
                moved_text,
                description="A",
                transitions=[{**edge, "line": 5}],
                diagnostics=[{**warn, "line": 4}],
            )
        ]
    }
    (change,) = diff_catalogs(old, moved).changed
    assert change.fields == ["body"]

    error = {"code": "dangling-transition", "severity": "error", "line": 5, "message": "no mode X"}
    worse = {
        "chatmodes": [
            record(
                tmp_path / "w",
                "m",
                moved_text,
                description="A",
                transitions=[{**edge, "line": 5}],
                diagnostics=[{**warn, "line": 4}, error],
            )
        ]
    }
    result = diff_catalogs(old, worse)
    assert result.changed[0].fields == ["body", "diagnostics"]
    assert result.changed[0].details["diagnostics"] == {"new": [error], "resolved": []}
    assert result.new_diagnostics == [{"slug": "m", **error}]


def test_unexplained_digest_change_is_reported_as_sha256(tmp_path):
    # argument-hint is not a catalog field: only the digest shows the edit.
    old_text = "---\ndescription: A\nargument-hint: old\n---\nbody\n"
    new_text = "---\ndescription: A\nargument-hint: new\n---\nbody\n"
    old = {"chatmodes": [record(tmp_path / "o", "m", old_text, body_hash=True, description="A")]}
    new = {"chatmodes": [record(tmp_path / "n", "m", new_text, body_hash=True, description="A")]}
    assert diff_catalogs(old, new).to_dict()["changed"] == [{"slug": "m", "fields": ["sha256"]}]


def test_a_raw_file_that_does_not_match_its_digest_is_not_diffed(tmp_path):
    old_site, new_site = tmp_path / "o", tmp_path / "n"
    old = {"chatmodes": [record(old_site, "m", mode_text("A", OLD_BODY), body_hash=True)]}
    new = {"chatmodes": [record(new_site, "m", mode_text("A", NEW_BODY), body_hash=True)]}
    readers = {"old_raw": raw_reader(str(old_site)), "new_raw": raw_reader(str(new_site))}
    assert diff_catalogs(old, new, **readers).changed[0].details["body"]["diff"]

    # A raw file from another build must not be presented as this build's change.
    (new_site / "catalog/m/m.chatmode.md").write_text("tampered\n", encoding="utf-8")
    (change,) = diff_catalogs(old, new, **readers).changed
    assert change.fields == ["body"]
    assert change.details["body"]["diff"] is None


def test_body_diff_is_capped(tmp_path):
    old_body = "".join(f"line {n}\n" for n in range(100))
    new_body = "".join(f"line {n} edited\n" for n in range(100))
    old = {"chatmodes": [record(tmp_path / "o", "m", mode_text("A", old_body), description="A")]}
    new = {"chatmodes": [record(tmp_path / "n", "m", mode_text("A", new_body), description="A")]}
    result = diff_catalogs(
        old,
        new,
        old_raw=raw_reader(str(tmp_path / "o")),
        new_raw=raw_reader(str(tmp_path / "n")),
        max_diff_lines=50,
    )
    body = result.changed[0].details["body"]
    assert body["truncated"] is True
    assert len(body["diff"].splitlines()) == 50


def _every_tenth_line_changed(lines: int) -> tuple[str, str]:
    """Issue #23, finding 10: many short equal runs between changes, difflib's quadratic case
    (20,000 lines took seconds)."""
    old = "".join(f"line {n}\n" for n in range(lines))
    new = "".join(f"line {n}\n" if n % 10 else f"changed {n}\n" for n in range(lines))
    return old, new


@pytest.fixture
def counted_difflib(monkeypatch) -> list[int]:
    """The number of lines (both sides) each difflib comparison is given."""
    sizes: list[int] = []
    original = difflib.SequenceMatcher.set_seqs

    def set_seqs(self, a, b):
        sizes.append(len(a) + len(b))
        return original(self, a, b)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seqs", set_seqs)
    return sizes


@pytest.mark.parametrize("lines", [20_000, 40_000, 80_000])
def test_a_long_repetitive_body_change_is_summarised_not_compared(lines, tmp_path, counted_difflib):
    old_body, new_body = _every_tenth_line_changed(lines)
    old = {"chatmodes": [record(tmp_path / "o", "m", mode_text("A", old_body), description="A")]}
    new = {"chatmodes": [record(tmp_path / "n", "m", mode_text("A", new_body), description="A")]}
    readers = {"old_raw": raw_reader(str(tmp_path / "o")), "new_raw": raw_reader(str(tmp_path / "n"))}
    (change,) = diff_catalogs(old, new, **readers).changed
    assert change.fields == ["body"]
    assert change.details["body"] == {
        "diff": "--- a/m\n+++ b/m\n"
        f"@@ -1,{lines - 9} +1,{lines - 9} @@ body changed: {lines - 9:,} lines replaced by {lines - 9:,}, "
        "too many to compare line by line",
        "truncated": True,
    }
    assert counted_difflib == []


def test_no_comparison_is_given_more_lines_than_the_bound(counted_difflib):
    old_body, new_body = _every_tenth_line_changed(diff_module.MAX_COMPARED_LINES // 2)
    text, truncated = diff_module.unified_body_diff(old_body, new_body)
    assert "changed 10" in text and truncated  # shown, cut at MAX_DIFF_LINES
    assert counted_difflib and max(counted_difflib) <= diff_module.MAX_COMPARED_LINES


def test_a_small_change_in_a_long_body_is_still_shown_where_it_is(counted_difflib):
    """Past the bound only the changed part is compared, with whole-body line numbers: the
    same diff as comparing everything."""
    lines = [f"line {n}" for n in range(3 * diff_module.MAX_COMPARED_LINES)]
    edited = [*lines[:7000], "inserted", *lines[7000:7500], *lines[7501:]]
    old_body, new_body = "\n".join(lines), "\n".join(edited)
    text, truncated = diff_module.unified_body_diff(old_body, new_body, slug="m")
    counted = list(counted_difflib)
    expected = difflib.unified_diff(lines, edited, fromfile="a/m", tofile="b/m", lineterm="")
    assert (text, truncated) == ("\n".join(expected), False)
    assert "@@ -6998,6 +6998,7 @@" in text and "@@ -7498,7 +7499,6 @@" in text
    assert max(counted) < 1_100  # the changed part and its context, not 12,000 lines


@pytest.mark.parametrize("seed", range(40))
def test_bodies_of_ordinary_size_get_difflibs_own_diff(seed):
    rng = random.Random(seed)
    old = [rng.choice(["a", "b", "", "- item", "## Head"]) for _ in range(rng.randrange(300))]
    new = [line for line in old if rng.random() > 0.1]
    new[rng.randrange(len(new) + 1) : 0] = ["new line"] * rng.randrange(4)
    old_body, new_body = "\n".join(old), "\n".join(new)
    old, new = old_body.splitlines(), new_body.splitlines()  # a trailing blank line is no line
    for slug in ("", "mode"):
        expected = list(
            difflib.unified_diff(
                old,
                new,
                fromfile=f"a/{slug}" if slug else "old",
                tofile=f"b/{slug}" if slug else "new",
                lineterm="",
            )
        )
        text, truncated = diff_module.unified_body_diff(old_body, new_body, slug=slug)
        assert (text, truncated) == ("\n".join(expected[:400]), len(expected) > 400)


def test_fetch_raw_stays_inside_the_site(tmp_path):
    site = tmp_path / "site"
    record(site, "m", "text\n")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    assert fetch_raw(str(site), "catalog/m/m.chatmode.md") == b"text\n"
    assert fetch_raw(str(site), "../secret.txt") is None
    assert fetch_raw(str(site), str(tmp_path / "secret.txt")) is None
    assert fetch_raw(str(site), "file:///etc/passwd") is None
    assert fetch_raw("https://example.org/site/", "https://attacker.example/x") is None


def test_split_body():
    assert split_body("---\na: 1\n---\nbody\n") == "body\n"
    assert split_body("no header\n---\n") == "no header\n---\n"
    assert split_body("---\nunclosed\n") == "---\nunclosed\n"


# --------------------------------------------------------------------------------------------
# Markdown


def test_markdown_has_sections_in_order_and_a_diff_block(sites):
    result = load_diff(*sites)
    text = render_markdown(result)
    tree = parse_html(markdown_to_html(text))
    headings = [(e["tag"], e["text"].strip()) for e in tree.elements if e["tag"] in ("h2", "h3", "h4")]
    assert headings == [
        ("h2", "Chat mode changes"),
        ("h3", "New diagnostics"),
        ("h3", "Added (2)"),
        ("h3", "Removed (1)"),
        ("h3", "Changed (1)"),
        ("h4", "reviewer Reviewer"),
    ]
    blocks = [e for e in tree.find("code") if e["attrs"].get("class") == "language-diff"]
    assert len(blocks) == 1
    # Python-Markdown empties whitespace-only lines (a diff's context line for a blank line).
    shown = [line.rstrip() for line in blocks[0]["text"].rstrip("\n").split("\n")]
    expected = [line.rstrip() for line in result.changed[0].details["body"]["diff"].split("\n")]
    assert shown == expected


def test_markdown_fence_outlasts_backticks_in_the_body(tmp_path):
    old = {"chatmodes": [record(tmp_path / "o", "m", mode_text("A", "x\n"), description="A")]}
    new_body = "x\n  ````\nnot closed\n```````\n"
    new = {"chatmodes": [record(tmp_path / "n", "m", mode_text("A", new_body), description="A")]}
    result = diff_catalogs(
        old, new, old_raw=raw_reader(str(tmp_path / "o")), new_raw=raw_reader(str(tmp_path / "n"))
    )
    text = render_markdown(result)
    opening = next(line for line in text.splitlines() if line.endswith("diff") and line.startswith("`"))
    fence = opening[: -len("diff")]
    content = result.changed[0].details["body"]["diff"]
    # CommonMark closes a fence only with a run at least as long as the opening one.
    assert set(fence) == {"`"} and len(fence) > 7
    assert fence not in content
    assert md_fence("a ``` b").startswith("````\n")


def test_markdown_escapes_hostile_strings(tmp_path):
    new = {
        "chatmodes": [
            record(
                tmp_path / "n",
                "evil",
                mode_text("x", "b\n"),
                description=HOSTILE,
                name=HOSTILE,
                tools=["<script>alert(1)</script>"],
            )
        ]
    }
    text = render_markdown(diff_catalogs({"chatmodes": []}, new))
    assert "@octocat" not in text  # no mention notifications
    tree = parse_html(markdown_to_html(text))
    assert not tree.find("img") and not tree.find("script") and not tree.find("details")
    assert "bold" not in [e["text"] for e in tree.find("strong")]  # "**bold**" stayed literal
    assert [e["text"] for e in tree.find("h1")] == []
    item = next(e for e in tree.find("li") if "onerror" in e["text"])
    flattened = " ".join(HOSTILE.split())
    assert flattened in item["text"].replace("\u2060", "")


def test_markdown_for_identical_catalogs(sites):
    old_site, _ = sites
    old, _ = load_catalog_json(str(old_site))
    text = render_markdown(diff_catalogs(old, old))
    assert "No chat mode was added, removed or changed." in text


def test_markdown_stays_under_the_size_limit(tmp_path):
    old_body = "".join(f"line {n}\n" for n in range(300))
    new_body = "".join(f"line {n} edited\n" for n in range(300))
    old_records = [
        record(tmp_path / "o", f"m{i}", mode_text("A", old_body), description="A") for i in range(10)
    ]
    new_records = [
        record(tmp_path / "n", f"m{i}", mode_text("A", new_body), description="A") for i in range(10)
    ]
    result = diff_catalogs(
        {"chatmodes": old_records},
        {"chatmodes": new_records},
        old_raw=raw_reader(str(tmp_path / "o")),
        new_raw=raw_reader(str(tmp_path / "n")),
    )
    full = render_markdown(result, max_chars=10**9)
    limited = render_markdown(result, max_chars=20_000)
    assert len(full) > 20_000 >= len(limited)
    assert "```diff" not in limited and "size limit" in limited


# --------------------------------------------------------------------------------------------
# HTML


def test_html_escapes_hostile_strings_and_marks_diff_lines(tmp_path):
    old = {
        "chatmodes": [
            record(tmp_path / "o", "evil", mode_text("x", "<b>old</b>\n"), description="safe"),
        ]
    }
    new = {
        "chatmodes": [
            record(
                tmp_path / "n",
                "evil",
                mode_text("x", "<script>alert(2)</script>\n"),
                description=HOSTILE,
                tools=['"><img src=x>'],
            ),
            record(tmp_path / "n", "added", mode_text("x", "b\n"), description=HOSTILE, name=HOSTILE),
        ]
    }
    result = diff_catalogs(
        old, new, old_raw=raw_reader(str(tmp_path / "o")), new_raw=raw_reader(str(tmp_path / "n"))
    )
    fragment = render_html(result, link=lambda slug: f"../{slug}/")
    assert "\n\n" not in fragment and not any(line.strip() == "" for line in fragment.splitlines())
    tree = parse_html(fragment)
    assert not tree.find("img") and not tree.find("script") and not tree.find("b")
    added = next(e for e in tree.find("li") if e["attrs"].get("data-slug") == "added")
    assert " ".join(HOSTILE.split()) in " ".join(added["text"].split())
    assert {a["attrs"]["href"] for a in tree.find("a")} == {"../added/", "../evil/"}
    spans = {
        e["attrs"]["class"]: e["text"] for e in tree.find("span") if "diff" in e["attrs"].get("class", "")
    }
    assert spans["chatmodes-diff-removed"] == "-<b>old</b>"
    assert spans["chatmodes-diff-added"] == "+<script>alert(2)</script>"
    change = next(e for e in tree.find("section") if e["attrs"].get("data-slug") == "evil")
    assert [e["text"] for e in tree.find("dt")] == ["body", "description", "tools"]
    assert '"><img src=x>' in change["text"]


# --------------------------------------------------------------------------------------------
# CLI


def test_cli_markdown_and_json(sites, capsys):
    old_site, new_site = sites
    assert main(["diff", str(old_site), str(new_site / "catalog.json")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!-- chatmodes-diff -->") and "### Changed (1)" in out

    assert main(["diff", str(old_site), str(new_site), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["added"] == ["alpha", "zeta"] and data["removed"] == ["retired"]
    assert [(c["slug"], c["fields"]) for c in data["changed"]] == [("reviewer", ["body", "tools"])]
    assert data["changed"][0]["details"]["tools"] == {"added": ["search"], "removed": ["usages"]}


def test_cli_exits_zero_without_differences(sites, capsys):
    old_site, _ = sites
    assert main(["diff", str(old_site), str(old_site), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["added"], data["removed"], data["changed"]) == ([], [], [])


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"chatmodes": [{"name": "x"}]}', "has no 'slug'"),
        (b'{"chatmodes": [{"slug": "a", "tools": "codebase"}]}', "'tools' must be a list"),
        (b'{"schema": 99, "chatmodes": []}', "schema 99"),
    ],
)
def test_cli_load_errors_exit_2(tmp_path, capsys, sites, content, message):
    path = tmp_path / "broken.json"
    if content is not None:
        path.write_bytes(content)
    assert main(["diff", str(path), str(sites[1])]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot load the old catalog" in captured.err and message in captured.err


def test_cli_folder_without_catalog_and_usage_errors(tmp_path, capsys, sites):
    assert main(["diff", str(sites[0]), str(tmp_path / "old" / "catalog")]) == 2
    assert "no catalog.json" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["diff", str(sites[0]), str(sites[1]), "--format", "yaml"])
    assert raised.value.code == 2
    with pytest.raises(SystemExit) as raised:
        main(["diff", str(sites[0])])
    assert raised.value.code == 2


# --------------------------------------------------------------------------------------------
# HTTP


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output clean
        pass


@pytest.fixture
def http_root(tmp_path):
    """Serve tmp_path/www over HTTP on 127.0.0.1; yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_load_over_http_site_root_and_file(sites, http_root, capsys):
    old_site, new_site = sites
    root, base = http_root
    published = root / "latest"
    published.mkdir()
    for path in old_site.rglob("*"):
        target = published / path.relative_to(old_site)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())

    for location in (base + "latest", base + "latest/", base + "latest/catalog.json"):
        data, raw_base = load_catalog_json(location)
        assert raw_base == base + "latest/"
        assert [m["slug"] for m in data["chatmodes"]] == ["planner", "reviewer", "retired"]

    assert main(["diff", base + "latest/", str(new_site), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    body = data["changed"][0]["details"]["body"]["diff"]
    assert "+Read the code carefully." in body.splitlines()  # raw file fetched over HTTP


def test_http_errors(http_root, capsys, sites):
    root, base = http_root
    (root / "catalog.json").write_text("<html>not json</html>", encoding="utf-8")
    with pytest.raises(CatalogLoadError, match="HTTP 404"):
        load_catalog_json(base + "missing/catalog.json")
    with pytest.raises(CatalogLoadError, match="not valid JSON"):
        load_catalog_json(base)
    assert main(["diff", base + "missing/", str(sites[1])]) == 2
    assert "HTTP 404" in capsys.readouterr().err


def test_refused_connection(capsys, sites):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port was free a moment ago and nothing listens on it now.
    with pytest.raises(CatalogLoadError, match="cannot connect"):
        load_catalog_json(f"http://127.0.0.1:{port}/catalog.json")
    assert main(["diff", str(sites[0]), f"http://127.0.0.1:{port}/"]) == 2
    assert "cannot load the new catalog" in capsys.readouterr().err


def test_timeout(monkeypatch):
    # A listening socket that never accepts: the TCP handshake completes, no answer ever comes.
    monkeypatch.setattr(diff_module, "HTTP_TIMEOUT", 0.2)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(CatalogLoadError, match="timed out"):
            load_catalog_json(f"http://127.0.0.1:{port}/catalog.json")


def test_unsupported_scheme():
    with pytest.raises(CatalogLoadError, match="unsupported scheme"):
        load_catalog_json("ftp://example.org/catalog.json")


# --------------------------------------------------------------------------------------------
# With catalogs built from the registry's own chat modes


def build_site(source: Path, site: Path, *, history: dict | None = None) -> dict:
    """Build ``catalog.json`` and the raw files of ``source`` into ``site`` as a build would."""
    from urllib.parse import unquote

    from chatmode_registry.core.catalog import load_catalog
    from chatmode_registry.render.catalog_json import catalog_to_dict, dumps

    catalog = load_catalog(source)
    data = catalog_to_dict(catalog, site_url=None, history=history)
    site.mkdir(parents=True)
    (site / "catalog.json").write_text(dumps(data), encoding="utf-8")
    for mode in catalog.chatmodes:
        raw_path = site / unquote(data["chatmodes"][catalog.chatmodes.index(mode)]["raw_url"])
        raw_path.parent.mkdir(parents=True, exist_ok=True)
        raw_path.write_bytes(mode.raw)
    return data


def test_registry_catalogs(tmp_path):
    import shutil as _shutil

    registry = Path(__file__).resolve().parent.parent / "chatmodes"
    old_src, new_src = tmp_path / "old-src", tmp_path / "new-src"
    _shutil.copytree(registry, old_src)
    _shutil.copytree(registry, new_src)
    old = build_site(old_src, tmp_path / "old-site")
    by_slug = {record["slug"]: record for record in old["chatmodes"]}

    # Remove one chat mode; those that pointed at it now dangle.
    removed = "qa-engineer"
    pointing = {r["slug"] for r in old["chatmodes"] if any(t["target"] == removed for t in r["transitions"])}
    assert pointing, "the removed mode should be a transition target"
    (new_src / by_slug[removed]["source"]).unlink()
    # A body edit, a removed tool, and an edit the catalog only sees in the digest.
    body_slug = "backend-engineer"
    path = new_src / by_slug[body_slug]["source"]
    path.write_bytes(path.read_bytes() + b"\nExtra closing line.\n")
    tools_slug = "technical-writer"
    path = new_src / by_slug[tools_slug]["source"]
    path.write_text(path.read_text(encoding="utf-8").replace("  - web/fetch\n", ""), encoding="utf-8")
    quiet = sorted(set(by_slug) - pointing - {removed, body_slug, tools_slug})[0]
    path = new_src / by_slug[quiet]["source"]
    path.write_text(
        path.read_text(encoding="utf-8").replace("argument-hint: ", "argument-hint: Please "),
        encoding="utf-8",
    )
    # Every published digest is now history: that alone is not a change.
    history = {record["source"]: [record["sha256"]] for record in old["chatmodes"]}
    build_site(new_src, tmp_path / "new-site", history=history)

    result = load_diff(tmp_path / "old-site", tmp_path / "new-site")
    fields = {change.slug: change.fields for change in result.changed}
    assert result.added == [] and result.removed == [removed]
    assert set(fields) == pointing | {body_slug, tools_slug, quiet}
    for slug in pointing - {body_slug, tools_slug}:
        assert fields[slug] == ["diagnostics", "transitions"]
    assert "body" in fields[body_slug]
    assert "+Extra closing line." in result.changed[sorted(fields).index(body_slug)].details["body"]["diff"]
    assert "tools" in fields[tools_slug] and "body" not in fields[tools_slug]
    assert fields[quiet] == ["sha256"]
    assert {d["slug"] for d in result.new_diagnostics} == pointing
    for change in result.changed:
        if change.slug in pointing - {body_slug, tools_slug}:
            moved = change.details["transitions"]
            assert moved["added"] == [] and moved["removed"] == []
            assert {(p["old"]["target"], p["new"]["target"]) for p in moved["retargeted"]} == {
                (removed, None)
            }

    # The changes page links the new site's pages only: the removed mode has none.
    fragment = render_html(result, link=lambda slug: f"../{slug}/")
    hrefs = {a["attrs"]["href"] for a in parse_html(fragment).find("a")}
    # In-page links aside: a changed mode's new diagnostics point at the one list of them.
    assert "#new-diagnostics" in hrefs
    hrefs = {href for href in hrefs if not href.startswith("#")}
    assert f"../{removed}/" not in hrefs
    assert hrefs == {f"../{slug}/" for slug in fields}

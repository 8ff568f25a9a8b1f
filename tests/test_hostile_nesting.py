"""#14 finding 2: no input crashes a build, the CLI or the core.

Headers nested past the bound in every YAML style (:mod:`nesting`) are rejected with CM007 and
cost nothing else; headers nested exactly to the bound go through every later step (schema,
rules, catalog.json, pages); and an exception nobody foresaw on one file rejects that file
(CM009) instead of taking the build down.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from chatmode_files import chatmode, mode_by_source, write_tree
from chatmode_registry.core import catalog as catalog_module
from chatmode_registry.core import frontmatter
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.frontmatter import MAX_DEPTH, HeaderError, _plain, parse_header
from chatmode_registry.core.rules import known_keys
from chatmode_registry.render.catalog_json import catalog_to_dict, dumps
from conftest import build, write_project
from nesting import FORMS, deep_chatmode

GOOD = chatmode("# Good\n\nStill published.\n")


def _codes(catalog, source: str) -> list[str]:
    return [d.code for d in catalog.diagnostics if d.path == source]


#: Indentation grows with depth: past about 700 levels the file is over max_bytes (CM003).
_INDENTED = {"block_sequence_indented", "block_mapping_indented"}
PAST_THE_BOUND = [
    (form, depth)
    for form in sorted(FORMS)
    for depth in (MAX_DEPTH, 600, 5000)
    if not (form in _INDENTED and depth > 600)
]


@pytest.mark.parametrize(("form", "depth"), PAST_THE_BOUND)
def test_a_header_nested_past_the_bound_is_cm007(tmp_path: Path, form: str, depth: int) -> None:
    text = deep_chatmode(form, depth)
    catalog = load_catalog(write_tree(tmp_path / "src", {"deep.chatmode.md": text, "good.chatmode.md": GOOD}))
    assert [mode.source for mode in catalog.chatmodes] == ["good.chatmode.md"]
    assert _codes(catalog, "deep.chatmode.md") == ["CM007"]
    found = next(d for d in catalog.diagnostics if d.code == "CM007")
    assert found.line is not None and 2 <= found.line <= text.count("\n")
    assert str(MAX_DEPTH) in found.message


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_header_nested_to_the_bound_goes_through_every_step(tmp_path: Path, form: str) -> None:
    # The header mapping plus MAX_DEPTH - 1 levels below it: exactly the bound.
    catalog = load_catalog(
        write_tree(tmp_path / "src", {"deep.chatmode.md": deep_chatmode(form, MAX_DEPTH - 1)})
    )
    codes = _codes(catalog, "deep.chatmode.md")
    assert "CM007" not in codes and "CM009" not in codes
    if form == "explicit_keys":
        assert codes == ["CM005"]  # a mapping as a key: YAML Python cannot hold, at any depth
        return
    if form == "in_handoffs":
        assert codes == ["CM008"]  # the schema walked it and found a list where text belongs
        return
    mode = mode_by_source(catalog, "deep.chatmode.md")
    json.loads(dumps(catalog_to_dict(catalog, site_url="https://example.org/")))
    assert mode.header["description"] == "deep"


@pytest.mark.parametrize("key", sorted(known_keys()))
def test_every_schema_field_takes_the_deepest_allowed_value_without_crashing(
    tmp_path: Path, key: str
) -> None:
    value = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    text = (
        f"---\ndescription: d\n{key}: {value}\n---\nBody.\n"
        if key != "description"
        else (f"---\ndescription: {value}\n---\nBody.\n")
    )
    catalog = load_catalog(write_tree(tmp_path / "src", {"m.chatmode.md": text}))
    codes = _codes(catalog, "m.chatmode.md")
    # A list where the schema wants something else is a type error; never a crash or CM009.
    assert "CM009" not in codes and "CM007" not in codes
    assert len(catalog.chatmodes) + len(catalog.rejected) == 1


def test_building_plain_values_never_recurses() -> None:
    # The walk keeps its own stack: even far past the bound (which parsing enforces first)
    # it does not reach Python's recursion limit.
    deep: list = []
    current = deep
    for _ in range(sys.getrecursionlimit() * 5):
        current.append([])
        current = current[0]
    plain = _plain({"x": deep, 1: {"k": b"bytes"}})
    depth, node = 0, plain["x"]
    while node:
        node, depth = node[0], depth + 1
    assert depth == sys.getrecursionlimit() * 5
    assert plain["1"] == {"k": "bytes"}


@pytest.mark.parametrize("form", ["alias_chain", "flow_sequences"])
def test_reading_a_large_header_runs_no_garbage_collection(form: str) -> None:
    """A collection walks every live object, and a header being composed keeps all its nodes
    alive: collections triggered while reading a large header made it cost quadratic time.
    None may run while a header is read (one may run as the collector comes back on), and
    the collector is on again afterwards, also when the header is refused."""
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    header = _header_of(deep_chatmode(form, 40_000))
    assert gc.isenabled()
    gc.callbacks.append(count)
    try:
        gc.collect()
        collections.clear()
        with pytest.raises(HeaderError) as refused:
            parse_header(*header)
    finally:
        gc.callbacks.remove(count)
    assert refused.value.code == "CM007"
    assert len(collections) <= 1, collections
    assert gc.isenabled()
    # The same header with the collector off beforehand leaves it off.
    gc.disable()
    try:
        with pytest.raises(HeaderError):
            parse_header(*header)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _header_of(text: str) -> tuple[str, int, int]:
    parts = frontmatter.split(text)
    assert parts.header is not None
    return parts.header, 2, parts.header_offset


def test_validate_and_fix_report_every_deep_header_and_never_crash(tmp_path: Path) -> None:
    files = {
        f"{form}.chatmode.md": deep_chatmode(form, 600) for form in FORMS if form != "block_mapping_indented"
    }
    files["good.chatmode.md"] = GOOD
    source = write_tree(tmp_path / "src", files)
    completed = subprocess.run(
        [sys.executable, "-m", "chatmode_registry.cli", "validate", str(source), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    report = json.loads(completed.stdout)
    by_file = {}
    for diagnostic in report["diagnostics"]:
        by_file.setdefault(Path(diagnostic["path"]).name, []).append(diagnostic["code"])
    assert {name: codes for name, codes in by_file.items() if name != "good.chatmode.md"} == {
        name: ["CM007"] for name in files if name != "good.chatmode.md"
    }
    fixed = subprocess.run(
        [
            sys.executable,
            "-m",
            "chatmode_registry.cli",
            "fix",
            *(str(source / name) for name in sorted(files)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in fixed.stderr and fixed.returncode in (0, 1), fixed.stderr
    assert {name: (source / name).read_text("utf-8") for name in files} == files  # nothing to fix


# --- the last resort -----------------------------------------------------------------------------


def _explode_on_boom(body: str, body_line: int):
    if "BOOM" in body:
        raise RecursionError("maximum recursion depth exceeded (injected)")
    return []


def test_an_unexpected_exception_rejects_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "prose_transitions", _explode_on_boom)
    files = {"boom.chatmode.md": chatmode("# Boom\n\nBOOM\n"), "good.chatmode.md": GOOD}
    catalog = load_catalog(write_tree(tmp_path / "src", files))
    assert [mode.source for mode in catalog.chatmodes] == ["good.chatmode.md"]
    [rejected] = catalog.rejected
    assert rejected.source == "boom.chatmode.md"
    assert [(d.code, d.severity.value) for d in rejected.diagnostics] == [("CM009", "error")]
    assert "RecursionError" in rejected.diagnostics[0].message


#: A MkDocs hook (loaded in the build's own process) that breaks the core for one file, as a
#: defect nobody has found yet would.
BOOM_HOOK = """\
from chatmode_registry.core import catalog

_original = catalog.prose_transitions


def _explode(body, body_line):
    if "BOOM" in body:
        raise ValueError("injected defect")
    return _original(body, body_line)


catalog.prose_transitions = _explode
"""


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_an_unexpected_exception_in_a_build_rejects_its_file_and_the_build_goes_on(
    tmp_path: Path, strict: bool
) -> None:
    project = write_project(
        tmp_path / "p",
        {"boom.chatmode.md": chatmode("# Boom\n\nBOOM\n"), "good.chatmode.md": GOOD},
        config={"hooks": ["boom_hook.py"]},
        files={"boom_hook.py": BOOM_HOOK},
    )
    result = build(project, strict=strict)
    assert "Traceback" not in result.log
    assert result.ok is not strict, result.log
    assert result.messages() == [
        "chatmode_registry: boom.chatmode.md: CM009 error: the registry failed while checking this file "
        "(ValueError); the file is rejected: report it with the file to the registry's maintainers"
    ]
    if not strict:
        document = json.loads((result.site / "catalog.json").read_text("utf-8"))
        assert [entry["source"] for entry in document["chatmodes"]] == ["good.chatmode.md"]
        assert [entry["source"] for entry in document["rejected"]] == ["boom.chatmode.md"]


#: A MkDocs hook that breaks the rendering of one chat mode's page, as a defect would.
PAGE_BOOM_HOOK = """\
from chatmode_registry.mkdocs import structure

_original = structure.CatalogSite.mode_context


def _explode(self, mode, url):
    if mode.slug == "boom":
        raise KeyError("injected defect")
    return _original(self, mode, url)


structure.CatalogSite.mode_context = _explode
"""


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_a_page_that_fails_to_render_is_reported_and_the_build_goes_on(tmp_path: Path, strict: bool) -> None:
    project = write_project(
        tmp_path / "p",
        {"boom.chatmode.md": chatmode("# Boom\n\nBody.\n"), "good.chatmode.md": GOOD},
        config={"hooks": ["page_boom_hook.py"]},
        files={"page_boom_hook.py": PAGE_BOOM_HOOK},
    )
    result = build(project, strict=strict)
    assert "Traceback" not in result.log
    assert result.ok is not strict, result.log
    assert result.messages() == [
        "chatmode_registry: boom.chatmode.md: CM009 error: the registry failed while rendering this chat "
        "mode's page (KeyError); the page shows only that: report it with the file"
    ]
    if not strict:
        boom = (result.site / "catalog" / "boom" / "index.html").read_text("utf-8")
        assert "could not be rendered (KeyError)" in boom
        good = (result.site / "catalog" / "good" / "index.html").read_text("utf-8")
        assert "Still published." in good

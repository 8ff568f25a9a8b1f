"""#14 "Done when": the hostile fixtures plus the registry's own modes, built for real.

One source folder holds the hostile tree (:mod:`hostile`, with the nesting forms of finding 2),
a chat mode for every pathological line class (:mod:`pathological`, finding 3) and a copy of
the registry's own ``chatmodes/``. A plain build must publish every good file (with its page
and its raw bytes) and list every unreadable one under ``rejected``; ``mkdocs build --strict``
(without ``-q``: see FACTS.md) must fail and name every file that has an error or a warning.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import BuildResult, build
from hostile import HostileTree
from pathological import CLASSES, body_of
from test_hostile_build import _log_form, active_content, hostile_project

REGISTRY_MODES = Path(__file__).resolve().parent.parent / "chatmodes"

#: Repetitions of each pathological class: a few KiB each, enough to hurt a quadratic scan.
REPETITIONS = 1500


def _integration_project(root: Path) -> tuple[HostileTree, Path, dict[str, str]]:
    tree, project = hostile_project(root)
    copied = {}
    (tree.source / "registry").mkdir()
    for path in sorted(REGISTRY_MODES.iterdir()):
        if path.is_file():
            shutil.copyfile(path, tree.source / "registry" / path.name)
            copied[f"registry/{path.name}"] = path.name
    (tree.source / "pathological").mkdir()
    for kind, make in CLASSES.items():
        (tree.source / "pathological" / f"{kind}.chatmode.md").write_text(
            body_of(make(REPETITIONS)), encoding="utf-8"
        )
    return tree, project, copied


@pytest.fixture(scope="module")
def builds(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[HostileTree, dict[str, str], BuildResult, BuildResult]:
    tree, project, copied = _integration_project(tmp_path_factory.mktemp("integration"))
    plain = build(project)
    strict_project = tmp_path_factory.mktemp("integration-strict")
    shutil.copytree(project, strict_project, dirs_exist_ok=True, symlinks=True)
    shutil.rmtree(strict_project / "site", ignore_errors=True)
    strict = build(strict_project, strict=True)
    return tree, copied, plain, strict


def test_the_plain_build_publishes_every_good_file(builds) -> None:
    tree, copied, plain, _ = builds
    assert plain.ok, plain.log[-3000:]
    assert "Traceback" not in plain.log
    catalog = json.loads((plain.site / "catalog.json").read_text("utf-8"))
    entries = {entry["source"]: entry for entry in catalog["chatmodes"]}
    rejected = {entry["source"] for entry in catalog["rejected"]}
    # The registry's own modes, the hostile tree's publishable files and every pathological
    # line: each with its page and its bytes.
    expected = set(copied) | set(tree.published) | {f"pathological/{kind}.chatmode.md" for kind in CLASSES}
    assert expected <= set(entries), sorted(expected - set(entries))
    assert rejected == tree.rejected
    for source in expected:
        entry = entries[source]
        assert (plain.site / entry["url"] / "index.html").is_file(), source
        assert (plain.site / unquote(entry["raw_url"])).read_bytes() == (tree.source / source).read_bytes()
    # The registry's own modes keep their transitions to each other.
    registry = [entries[source] for source in copied]
    assert any(transition["target"] for entry in registry for transition in entry["transitions"])
    assert all(
        (not transition.get("dangling") and transition.get("target")) or transition.get("builtin")
        for entry in registry
        for transition in entry["transitions"]
    )


def test_no_page_has_active_content(builds) -> None:
    _, _, plain, _ = builds
    assert active_content(plain.site) == {}


def test_the_strict_build_fails_and_names_every_bad_file(builds) -> None:
    tree, copied, plain, strict = builds
    assert not strict.ok
    assert "Traceback" not in strict.log
    catalog = json.loads((plain.site / "catalog.json").read_text("utf-8"))
    bad = {entry["source"] for entry in catalog["rejected"]} | {
        entry["source"]
        for entry in catalog["chatmodes"]
        if any(d["severity"] in ("error", "warning") for d in entry["diagnostics"])
    }
    assert tree.flagged <= bad
    named = {
        source
        for source in {entry["source"] for entry in catalog["chatmodes"]}
        | {e["source"] for e in catalog["rejected"]}
        if f"chatmode_registry: {_log_form(source)}" in strict.log
    }
    assert bad - named == set()
    # The good ones, the registry's own modes among them, are not accused of anything.
    assert not named & (set(copied) | set(tree.good))

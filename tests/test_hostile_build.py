"""Hostile chat modes: the core keeps them contained, the built site runs none of them.

The source folder comes from :func:`hostile.write_hostile_tree`; what a correct build does
with each file is stated there, once. Sites are built with the real MkDocs plugin.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.render.catalog_json import catalog_to_dict
from hostile import HostileTree, write_hostile_tree

# --- watching which files the process opens ---------------------------------------------------
# An audit hook sees every open() the interpreter makes (io.open, os.open, Path.open ...), so
# a test can prove that the files behind the symlinks were never opened, not just never shown.
# Audit hooks cannot be removed; this one only records while a test has asked it to.
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        path = args[0].decode("utf-8", "replace") if isinstance(args[0], bytes) else str(args[0])
        _OPENED.append(path)


sys.addaudithook(_audit)


@pytest.fixture
def opened_files() -> Iterator[list[str]]:
    """The paths opened while the test runs."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileTree:
    """One hostile tree for the module (the 6 MB file is written once)."""
    return write_hostile_tree(tmp_path_factory.mktemp("hostile"))


# --- the core -------------------------------------------------------------------------------


def test_core_publishes_every_readable_file_and_rejects_the_rest(hostile: HostileTree) -> None:
    catalog = load_catalog(hostile.source)
    assert {mode.source: mode.slug for mode in catalog.chatmodes} == hostile.published
    assert {rejected.source for rejected in catalog.rejected} == hostile.rejected
    for rejected in catalog.rejected:
        # A clear error: at least one error diagnostic with a message, on this file.
        errors = [d for d in rejected.diagnostics if d.severity.value == "error"]
        assert errors and all(d.path == rejected.source and d.message for d in errors)


def test_core_gives_clean_files_no_diagnostics(hostile: HostileTree) -> None:
    catalog = load_catalog(hostile.source)
    for source in hostile.good:
        mode = next(mode for mode in catalog.chatmodes if mode.source == source)
        assert mode.diagnostics == [], source
        assert all(not transition.dangling for transition in mode.transitions)


def test_core_flags_every_bad_file(hostile: HostileTree) -> None:
    catalog = load_catalog(hostile.source)
    with_findings = {d.path for d in catalog.diagnostics if d.severity.value in {"error", "warning"}}
    assert hostile.flagged <= with_findings


def test_core_never_opens_what_lies_outside_the_source(hostile: HostileTree, opened_files: list[str]) -> None:
    catalog = load_catalog(hostile.source)
    outside = hostile.outside.resolve()
    # The hook does see the files that are read, so an empty list below means something.
    assert any(Path(path).name == "alpha.chatmode.md" for path in opened_files)
    assert not [path for path in opened_files if Path(path).resolve().is_relative_to(outside)]
    # The symlinks themselves are reported as outside the folder, by name.
    outside_codes = {r.source: [d.code for d in r.diagnostics] for r in catalog.rejected
                     if r.source in hostile.never_read}
    assert set(outside_codes) == hostile.never_read
    assert all(codes == ["CM004"] for codes in outside_codes.values())
    assert hostile.secret_marker not in json.dumps(catalog_to_dict(catalog, site_url=""))


def test_core_reads_bombs_and_huge_files_in_bounded_memory(hostile: HostileTree) -> None:
    load_catalog(hostile.source)  # imports and caches first, so only the reading is measured
    tracemalloc.start()
    try:
        load_catalog(hostile.source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The 6 MB file is never loaded and the alias bomb (9**9 values) is never expanded: the
    # whole folder is read with a small fraction of either.
    assert peak < 4 * 1024 * 1024

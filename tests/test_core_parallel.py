"""Reading a catalog in several processes gives exactly what one process gives; progress is
reported as files are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatmode_files import chatmode, write_tree
from chatmode_registry.core import catalog as catalog_module
from chatmode_registry.core.catalog import load_catalog, load_files
from chatmode_registry.render.catalog_json import catalog_to_dict
from chatmode_registry.render.diagnostics import to_json


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = {
        f"team-{index % 3}/mode-{index:02d}.chatmode.md": chatmode(
            f"# Mode {index}\n\nSwitch to **Mode {(index + 1) % 12}** chatmode to go on.\n"
            + ("Backend â€“ tools\n" if index % 4 == 0 else ""),
            description=f"Mode {index}." if index % 5 else "",
        )
        for index in range(12)
    }
    files["broken.chatmode.md"] = "---\ntools: [unclosed\n---\nbody\n"
    files["dangling.agent.md"] = chatmode("Hand off to **Nobody Here** now.\n", description="Points nowhere.")
    return write_tree(tmp_path / "chatmodes", files)


def test_parallel_reading_matches_serial_reading(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = load_catalog(tree)
    monkeypatch.setattr(catalog_module, "PARALLEL_THRESHOLD", 2)
    parallel = load_catalog(tree, jobs=2)
    assert json.dumps(catalog_to_dict(parallel, site_url=None)) == json.dumps(
        catalog_to_dict(serial, site_url=None)
    )
    assert to_json(parallel.diagnostics, parallel.files) == to_json(serial.diagnostics, serial.files)


def test_without_content_the_diagnostics_are_the_same(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = load_catalog(tree)
    monkeypatch.setattr(catalog_module, "PARALLEL_THRESHOLD", 2)
    light = load_catalog(tree, jobs=2, content=False)
    assert to_json(light.diagnostics, light.files) == to_json(full.diagnostics, full.files)
    assert [mode.name for mode in light.chatmodes] == [mode.name for mode in full.chatmodes]
    assert all(mode.raw == b"" and mode.body == "" for mode in light.chatmodes)


def test_progress_counts_every_file_read_in_one_process(tree: Path) -> None:
    calls: list[tuple[int, int]] = []
    catalog = load_catalog(tree, progress=lambda done, total: calls.append((done, total)))
    total = catalog.files
    assert total == 14
    assert calls == [(done, total) for done in range(1, total + 1)]
    files = sorted(tree.rglob("*.md"))[:3]
    calls.clear()
    assert load_files(files, progress=lambda done, total: calls.append((done, total))).files == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_progress_counts_finished_chunks_in_several_processes(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = load_catalog(tree)
    monkeypatch.setattr(catalog_module, "PARALLEL_THRESHOLD", 2)
    calls: list[tuple[int, int]] = []
    parallel = load_catalog(tree, jobs=2, progress=lambda done, total: calls.append((done, total)))
    assert {total for _, total in calls} == {parallel.files}
    done = [count for count, _ in calls]
    assert len(done) > 1 and done == sorted(set(done)) and done[-1] == parallel.files
    # Reporting progress changes nothing in what is read.
    assert to_json(parallel.diagnostics, parallel.files) == to_json(serial.diagnostics, serial.files)

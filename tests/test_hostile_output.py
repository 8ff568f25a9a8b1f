"""#14 finding 11: total output stays linear in the input.

Files that all share one slug used to get a CM301 message naming every other file: 2,000 such
files made a 196 MB site. Lists in messages are capped ("and 1,995 more"), so doubling the
files at most doubles ``catalog.json`` and the report page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.identity import MAX_NAMED_OTHERS, assign_slugs
from chatmode_registry.render.catalog_json import catalog_to_dict, dumps
from conftest import build, write_project
from pathological import complete_graph_catalog
from workcount import work_counter

BODY = "---\ndescription: d\n---\nBody.\n"


def _shared(count: int) -> dict[str, str]:
    """``count`` files in their own folders, all named so that their slug is ``same``."""
    return {f"f{index}/Same.chatmode.md": BODY for index in range(count)}


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def _catalog_bytes(folder: Path) -> int:
    return len(dumps(catalog_to_dict(load_catalog(folder), site_url="https://example.org/")).encode())


def test_shared_slug_messages_name_a_few_others_and_count_the_rest(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path / "src", _shared(2000)))
    messages = [d.message for d in catalog.diagnostics if d.code == "CM301"]
    assert len(messages) == 2000
    assert all(message.count("'Same'") == MAX_NAMED_OTHERS for message in messages)
    assert all("and 1,994 more" in message for message in messages)
    assert len({mode.slug for mode in catalog.chatmodes}) == 2000


def test_doubling_the_colliding_files_at_most_doubles_catalog_json(tmp_path: Path) -> None:
    small = _catalog_bytes(_write(tmp_path / "small", _shared(500)))
    large = _catalog_bytes(_write(tmp_path / "large", _shared(1000)))
    assert large <= 2.1 * small, (small, large)


def test_suffixes_are_unique_and_skip_taken_slugs() -> None:
    stems = ["same"] * 50 + ["same-3", "graph", "", ""]
    slugs, problems = assign_slugs(stems)
    assert len(set(slugs)) == len(slugs)
    assert slugs[:3] == ["same", "same-2", "same-4"]  # same-3 belongs to its own file
    assert slugs[-3:] == ["graph-2", "chatmode-2", "chatmode-3"]
    assert problems[0].endswith("and 44 more")  # 49 others, 5 named


def test_a_build_of_colliding_files_stays_linear(tmp_path: Path) -> None:
    sizes = {}
    for count in (150, 300):
        project = write_project(tmp_path / f"p{count}", _shared(count), plugin_options={"git_dates": False})
        result = build(project)
        assert result.ok, result.log
        catalog = json.loads((result.site / "catalog.json").read_text("utf-8"))
        assert len(catalog["chatmodes"]) == count
        report = result.site / "catalog" / "report" / "index.html"
        sizes[count] = (len((result.site / "catalog.json").read_bytes()), report.stat().st_size)
    assert sizes[300][0] <= 2.1 * sizes[150][0], sizes
    assert sizes[300][1] <= 2.1 * sizes[150][1], sizes


#: Catalog shapes whose input doubles between the two sizes (a complete graph's input grows
#: with the square of its modes: 20 and 28 modes).
CATALOG_SHAPES = {
    "files sharing one slug and agent name": (_shared, 300, 600),
    "every mode switching to every other": (complete_graph_catalog, 20, 28),
}

#: Shapes known superlinear whose fix belongs to another part of #14, with its owner.
PENDING_CATALOG: dict[str, str] = {}


@pytest.mark.parametrize("shape", sorted(CATALOG_SHAPES))
def test_doubling_a_hostile_catalog_at_most_doubles_the_work(tmp_path: Path, shape: str) -> None:
    make, small_size, large_size = CATALOG_SHAPES[shape]
    small_folder = _write(tmp_path / "small", make(small_size))
    large_folder = _write(tmp_path / "large", make(large_size))
    load_catalog(small_folder)  # imports and caches before counting
    with work_counter() as measure:
        small = measure(lambda: load_catalog(small_folder))
        large = measure(lambda: load_catalog(large_folder))
    if shape in PENDING_CATALOG and large.total > 2.5 * small.total:
        pytest.xfail(PENDING_CATALOG[shape])
    assert large.total <= 2.5 * small.total, (small.characters, small.lines, large.characters, large.lines)

"""The prose rule's nearest-folder choice: the folder tree gives what measuring every candidate
gives (chosen mode and whether it was a tie), and many referrers cost linear work."""

from __future__ import annotations

import posixpath
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from chatmode_registry.core.catalog import _NameMatches, load_catalog

FOLDERS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=4).map("/".join)


def steps_between(folder_a: str, folder_b: str) -> int:
    parts_a = [part for part in folder_a.split("/") if part]
    parts_b = [part for part in folder_b.split("/") if part]
    common = 0
    for a, b in zip(parts_a, parts_b, strict=False):
        if a != b:
            break
        common += 1
    return len(parts_a) + len(parts_b) - 2 * common


@given(st.lists(FOLDERS, min_size=2, max_size=8), FOLDERS)
def test_the_tree_agrees_with_measuring_every_candidate(candidate_folders: list[str], referrer: str) -> None:
    modes = [
        SimpleNamespace(source=posixpath.join(folder, f"m{index}.chatmode.md"))
        for index, folder in enumerate(candidate_folders)
    ]
    distances = [steps_between(referrer, posixpath.dirname(mode.source)) for mode in modes]
    nearest = min(distances)
    expected = modes[distances.index(nearest)]
    chosen, tied = _NameMatches(None, modes).nearest(referrer)  # type: ignore[arg-type]
    assert chosen is expected
    assert tied == (distances.count(nearest) > 1)


def test_many_referrers_of_a_name_many_modes_share_stay_linear(tmp_path) -> None:
    """Every file in its own folder, all named alike and all naming that name: the ambiguity
    is reported on each file once, with capped messages, and the output per file is bounded."""
    for count in (100, 200):
        root = tmp_path / str(count)
        for index in range(count):
            folder = root / f"d{index}"
            folder.mkdir(parents=True)
            (folder / f"m{index}.chatmode.md").write_text(
                "---\nname: Target\ndescription: d\n---\nSwitch to **Target** chatmode to go on.\n",
                encoding="utf-8",
            )
        catalog = load_catalog(root)
        for mode in catalog.chatmodes:
            prose = [d for d in mode.diagnostics if d.code == "CM305"]
            assert len(prose) == 2  # once as a referrer, once as a candidate
            assert all(len(d.message) < 1_000 for d in prose)

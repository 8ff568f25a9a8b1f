"""Issue 23.3: what one command fetches from a site is bounded in total, and searched bodies
are streamed, not kept.

A hostile site served on 127.0.0.1 lists N entries whose raw files are all the same valid
file of the largest size a client accepts (:data:`MAX_FILE_BYTES`, the sha256 matches).
Without a total, ``search`` held every body (989 MB at N = 200), ``install --with-transitions``
planned them all (a ``MemoryError`` traceback at N = 500) and the MCP server kept them for
its life. Now each command stops at :data:`MAX_TOTAL_BYTES` / :data:`MAX_FETCHES` with one
clear line, and a search holds one body per worker at a time.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import tracemalloc
from pathlib import Path

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from chatmode_registry.cli.mcp_server import Registry
from chatmode_registry.core import query
from chatmode_registry.core.install import plan_install
from chatmode_registry.core.site import (
    MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
    FetchBudget,
    FetchLimitError,
    SiteFileError,
    open_site,
)
from sitekit import SiteServer, answer, load_entries, sha256

#: One valid chat mode of exactly MAX_FILE_BYTES: every entry of the hostile site is this file.
#: Its words are long, so that counting them under tracemalloc stays quick.
BIG = b"---\ndescription: Big.\n---\n# Big\n\n"
BIG += (b"word" + b"x" * 995 + b" ") * ((MAX_FILE_BYTES - len(BIG)) // 1000)
BIG += b"\n" * (MAX_FILE_BYTES - len(BIG))

#: Files the total lets one command read whole.
FILES_IN_TOTAL = MAX_TOTAL_BYTES // MAX_FILE_BYTES


def hostile_catalog(template: dict, count: int) -> dict:
    """``count`` entries ``m0``..: each names its own raw file (install wants the slug in the
    name) whose size and sha256 are BIG's; ``m0`` hands off to every other."""
    entries = []
    for number in range(count):
        slug = f"m{number}"
        entry = {
            **template,
            "slug": slug,
            "name": slug,
            "source": f"{slug}.chatmode.md",
            "url": f"catalog/{slug}/",
            "raw_url": f"catalog/{slug}/{slug}.chatmode.md",
            "bytes": len(BIG),
            "sha256": sha256(BIG),
            "transitions": [],
            "diagnostics": [],
        }
        entries.append(entry)
    entries[0]["transitions"] = [
        {"target": f"m{n}", "text": f"m{n}", "label": "", "via": "handoff", "line": 2, "builtin": False}
        for n in range(1, count)
    ]
    return {"schema": 1, "site_url": None, "chatmodes": entries, "rejected": []}


@pytest.fixture(scope="module")
def template(registry_build: tuple[Path, Path]) -> dict:
    entry = dict(load_entries(registry_build[1])["loner"])
    entry.pop("history", None)
    return entry


def hostile_server(folder: Path, template: dict, count: int) -> SiteServer:
    """A site folder with only a catalog; every raw file is answered with BIG."""
    folder.mkdir(parents=True)
    (folder / "catalog.json").write_text(json.dumps(hostile_catalog(template, count)), encoding="utf-8")
    server = SiteServer(folder)
    for number in range(count):
        server.overrides[f"/catalog/m{number}/m{number}.chatmode.md"] = answer(200, BIG)
    return server


def raw_requests(server: SiteServer) -> int:
    return sum(path.endswith(".chatmode.md") for path in server.requests)


def chatmodes(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    return subprocess.run(
        ["chatmodes", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, env=environment
    )


@pytest.fixture(scope="module")
def flood(template: dict, tmp_path_factory: pytest.TempPathFactory):
    """Three times the files the total allows."""
    with hostile_server(tmp_path_factory.mktemp("flood") / "site", template, 3 * FILES_IN_TOTAL) as server:
        yield server


def test_search_stops_at_the_total_with_one_clear_line(flood, tmp_path):
    before = raw_requests(flood)
    completed = chatmodes("search", "word", "--from", flood.url, cwd=tmp_path)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    (line,) = completed.stderr.strip().splitlines()
    assert line.startswith("chatmodes search: error: stopped after") and "64 MiB" in line
    # Each fetch reserves its file's size before it asks: never a request past the total.
    assert raw_requests(flood) - before <= FILES_IN_TOTAL


def test_install_with_transitions_stops_at_the_total_and_writes_nothing(flood, tmp_path):
    before = raw_requests(flood)
    completed = chatmodes(
        "install", "m0", "--with-transitions", "--all-reachable", "--from", flood.url, cwd=tmp_path
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert "chatmodes install: error: stopped after" in completed.stderr
    assert not (tmp_path / ".github").exists()
    assert raw_requests(flood) - before <= FILES_IN_TOTAL


def test_install_plan_never_holds_more_than_the_total(flood):
    site = open_site(flood.url)
    with pytest.raises(FetchLimitError):
        plan_install(site, ["m0"], with_transitions=True, depth=None)
    assert site.budget.fetched_bytes <= MAX_TOTAL_BYTES


def scan_peak(site_url: str, files: int) -> tuple[int, int, int]:
    """(peak, retained, bodies searched) of a search over the first ``files`` entries, with a
    budget large enough for all of them (what streaming alone bounds)."""
    site = open_site(site_url)
    site.budget = FetchBudget(max_bytes=files * MAX_FILE_BYTES)
    entries = list(site.entries().values())[:files]
    gc.collect()
    tracemalloc.start()
    try:
        hits, notes = query.scan_bodies(site, entries, "word")
        gc.collect()
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert notes == [] and all(counts == {"word": query.MAX_BODY_HITS} for counts in hits.values())
    return peak, retained, len(hits)


def test_search_memory_does_not_grow_with_the_number_of_bodies(flood):
    few_peak, _, few = scan_peak(flood.url, query.FETCH_WORKERS)
    many_peak, retained, many = scan_peak(flood.url, 4 * query.FETCH_WORKERS)
    assert (few, many) == (query.FETCH_WORKERS, 4 * query.FETCH_WORKERS)
    # Four times the bodies, the same peak (at most one body in hand per worker) ...
    assert many_peak < 1.5 * few_peak, (few_peak, many_peak)
    assert many_peak < 4 * query.FETCH_WORKERS * MAX_FILE_BYTES / 2
    # ... and nothing of them is kept once the counts are made.
    assert retained < MAX_FILE_BYTES // 4


def test_the_mcp_server_keeps_no_body_between_searches(flood, tmp_path):
    registry = Registry(open_site(flood.url), tmp_path)
    with pytest.raises(ToolError, match="search stopped: stopped after"):
        registry.search("word")
    # Each call has its own budget (the first one's is not used up for the next) ...
    with pytest.raises(ToolError, match="search stopped"):
        registry.search("word")
    # ... and a search that fits keeps nothing once it has answered.
    small = Registry(open_site(flood.url), tmp_path)
    small.site.catalog["chatmodes"] = small.site.catalog["chatmodes"][:3]
    gc.collect()
    tracemalloc.start()
    try:
        assert [hit["slug"] for hit in small.search("word")["results"]] == ["m0", "m1", "m2"]
        gc.collect()
        retained, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert retained < MAX_FILE_BYTES // 4
    assert not hasattr(small, "_bodies")


def test_the_number_of_fetches_is_bounded_too(tmp_path, registry_build):
    site_folder = Path(shutil.copytree(registry_build[1], tmp_path / "site"))
    site = open_site(str(site_folder))
    site.budget = FetchBudget(max_files=2)
    entries = list(site.entries().values())
    query.fetch_verified(site, entries[0])
    query.fetch_verified(site, entries[1])
    with pytest.raises(FetchLimitError, match="the 2 files"):
        query.fetch_verified(site, entries[2])


def test_a_file_larger_than_what_is_left_is_the_limit_not_a_bad_file(tmp_path, registry_build):
    site_folder = Path(shutil.copytree(registry_build[1], tmp_path / "site"))
    site = open_site(str(site_folder))
    entry = next(iter(site.entries().values()))
    site.budget = FetchBudget(max_bytes=entry["bytes"] + 10)
    site.fetch(entry["raw_url"])  # fits; leaves 10 bytes
    with pytest.raises(FetchLimitError):
        site.fetch(entry["raw_url"])
    # A file over its own limit is still that file's problem.
    with pytest.raises(SiteFileError) as error:
        open_site(str(site_folder)).fetch(entry["raw_url"], limit=3)
    assert not isinstance(error.value, FetchLimitError)

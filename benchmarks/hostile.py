"""Hostile-input benchmark (#14): every pathological input class at two sizes, and the growth.

A script, not a test. Each class of hostile input is timed at a size and at twice that size;
the growth ratio (time at 2x / time at 1x) is about 2 for linear work and about 4 for
quadratic work. The classes:

* every pathological line of ``tests/pathological.py`` (the suite that pins the scanners by
  counted work), as a chat mode body and in every header field, through the core (read,
  parse, lint, transitions, heading), through body rendering (the plugin's
  :class:`~chatmode_registry.mkdocs.renderer.BodyRenderer` with the registry's own Markdown
  extensions, then the sanitizer) and through ``chatmodes fix``;
* YAML headers nested in every style of ``tests/nesting.py`` (rejected, CM007);
* catalogs: many files sharing one slug (quadratic messages, finding 11) and modes that all
  switch to each other (graph blow-up, finding 4), read by the core and built by MkDocs
  (time and output bytes);
* a hostile ``catalog.json`` of nested brackets given as a baseline (finding 10);
* git history that adds N files in one commit and deletes them in the next (#23, finding 2),
  read by the build's one ``git log`` (``core.git.read_source_log``, parsed as it streams;
  git's own CPU time is another process's and not counted);
* body diffs that defeat difflib (#23, finding 10): every tenth line changed (summarised past
  ``MAX_COMPARED_LINES``), one line inserted into a long body (only the changed part is
  compared), both through ``chatmodes diff``'s comparison (``diff_catalogs``), and the same
  class below the bound, where difflib's own quadratic matching runs on at most that many lines;
* a site whose entries all name one valid file (#23.3): ``search`` and ``install
  --with-transitions`` read each file (time grows with the entries, memory does not), and
  past the command's fetch total they stop at the same cost whatever the catalog lists.

Times are CPU seconds of this process (``time.process_time``; builds: user + system of the
build's own process), best of ``--repeat``. On a shared machine wall time is noise; CPU time
is steadier but still moves by a few percent. A measurement whose small size takes more
than ``--budget`` seconds is not repeated at the large size (it is reported as over budget:
that alone says the class is not linear at these sizes).

    python benchmarks/hostile.py                 # print the table
    python benchmarks/hostile.py --write         # and put it into docs/performance.md
    python benchmarks/hostile.py --quick         # small sizes, no builds (a smoke run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))  # the pathological classes live with the tests that pin them

from chatmode_registry.core.catalog import load_catalog, read_chatmode  # noqa: E402
from chatmode_registry.core.fix import fix_bytes  # noqa: E402
from chatmode_registry.core.reader import SourceFile  # noqa: E402
from chatmode_registry.render.body import render_body  # noqa: E402
from nesting import FORMS, deep_chatmode  # noqa: E402
from pathological import CLASSES, body_of, complete_graph_catalog, header_of  # noqa: E402

PERFORMANCE_PAGE = ROOT / "docs" / "performance.md"
START = "<!-- hostile benchmark: start (benchmarks/hostile.py --write) -->"
END = "<!-- hostile benchmark: end -->"


@dataclass
class Row:
    """One class at two sizes."""

    group: str
    name: str
    size: str
    small: float | None
    large: float | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.small is None or self.large is None:
            return None
        return self.large / max(self.small, 1e-6)


def best_of(repeat: int, run: Callable[[], object], budget: float = float("inf")) -> float:
    """The least CPU time of ``repeat`` runs of ``run`` (one run when it is over ``budget``)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
        if times[-1] > budget:
            break
    return min(times)


def two_sizes(
    repeat: int, budget: float, make: Callable[[int], Callable[[], object]], sizes: tuple[int, int]
):
    """Times at both sizes; the large one is skipped when the small one is over budget."""
    small = best_of(repeat, make(sizes[0]), budget)
    if small > budget:
        return small, None
    return small, best_of(repeat, make(sizes[1]))


def _prepared(run: Callable[[str], object], make: Callable[[int], str], size: int) -> Callable[[], object]:
    """``run`` bound to the input of ``size``, made before timing starts."""
    return functools.partial(run, make(size))


def _read_text(text: str) -> object:
    return read_chatmode(_source(text))


def _source(text: str) -> SourceFile:
    return SourceFile("m.chatmode.md", ".chatmode.md", text.encode("utf-8"), "0" * 64, text)


def _repetitions(kind: str, target_bytes: int) -> int:
    unit = max(len(CLASSES[kind](64).encode("utf-8")) / 64, 1)
    return max(int(target_bytes / unit), 1)


def line_classes(repeat: int, budget: float, target: int) -> list[Row]:
    """Every pathological line class through the core, the body renderer and fix."""
    stages: dict[str, Callable[[str], object]] = {
        "core (body)": lambda text: read_chatmode(_source(body_of(text))),
        "core (header)": lambda text: read_chatmode(_source(header_of(text))),
        "render body": render_body,
        "fix": lambda text: fix_bytes(body_of(text).encode("utf-8")),
    }
    rows = []
    for kind in sorted(CLASSES):
        n = _repetitions(kind, target)
        for stage, run in stages.items():
            make = functools.partial(_prepared, run, CLASSES[kind])
            small, large = two_sizes(repeat, budget, make, (n, 2 * n))
            size = f"{len(CLASSES[kind](n).encode()) // 1024} KiB"
            rows.append(Row("line", f"{kind} / {stage}", size, small, large))
            print(
                f"  {kind} / {stage}: {small:.4f} s, {large if large is None else round(large, 4)} s",
                flush=True,
            )
    return rows


def nesting_forms(repeat: int, budget: float) -> list[Row]:
    """Headers nested past the bound in every YAML style (all rejected with CM007)."""
    rows = []
    for form in sorted(FORMS):
        depth = 300 if "indented" in form else 20_000
        make = functools.partial(_prepared, _read_text, functools.partial(deep_chatmode, form))
        small, large = two_sizes(repeat, budget, make, (depth, 2 * depth))
        rows.append(Row("yaml", form, f"depth {depth:,}", small, large))
        print(f"  {form}: {small:.4f} s, {large} s", flush=True)
    return rows


def _write_modes(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def shared_slugs(count: int) -> dict[str, str]:
    """``count`` files (one per folder) whose names all give the slug ``same``."""
    return {f"f{k}/same.chatmode.md": "---\ndescription: d\n---\nBody.\n" for k in range(count)}


def _build(project: Path) -> tuple[float, int]:
    """CPU seconds of one ``mkdocs build`` (its own process) and the site's bytes."""
    site = project / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # The log goes to a file: a build of thousands of flagged files writes more than a pipe
    # holds, and a pipe nobody reads until the end would block it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=project, env=environment, stdout=log, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            raise RuntimeError(f"build failed: {log.read().decode('utf-8', 'replace')[-2000:]}")
    size = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    return usage.ru_utime + usage.ru_stime, size


def _project(root: Path, files: dict[str, str]) -> Path:
    _write_modes(root / "chatmodes", files)
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Hostile\nsite_url: https://example.org/\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - chatmodes\n",
        encoding="utf-8",
    )
    return root


def catalogs(repeat: int, budget: float, work: Path, builds: bool) -> list[Row]:
    """Shared slugs and complete graphs: the core at two sizes, and a build at two sizes."""
    rows = []
    for name, make_files, sizes in (
        ("files sharing one slug", shared_slugs, (1000, 2000)),
        # Every mode names every other: the input grows with the square of the modes, so 57
        # modes are twice the input of 40.
        ("modes all switching to each other", complete_graph_catalog, (40, 57)),
    ):
        folders = {size: _write_modes(work / f"{name[:5]}-{size}", make_files(size)) for size in sizes}
        small, large = two_sizes(
            repeat,
            budget,
            lambda size, folders=folders: functools.partial(load_catalog, folders[size]),
            sizes,
        )
        rows.append(Row("catalog", f"{name} / core", f"{sizes[0]:,} files", small, large))
        print(f"  {name} / core: {small:.3f} s, {large} s", flush=True)
        if not builds:
            continue
        results = {}
        for size in sizes:
            results[size] = _build(_project(work / f"build-{name[:5]}-{size}", make_files(size)))
        (small_time, small_bytes), (large_time, large_bytes) = results[sizes[0]], results[sizes[1]]
        rows.append(Row("catalog", f"{name} / mkdocs build", f"{sizes[0]:,} files", small_time, large_time))
        rows.append(
            Row(
                "catalog",
                f"{name} / site bytes",
                f"{sizes[0]:,} files",
                small_bytes / 1e6,
                large_bytes / 1e6,
                note="MB, not seconds",
            )
        )
        print(f"  {name} / build: {results}", flush=True)
    return rows


def hostile_baseline(repeat: int, budget: float, work: Path) -> list[Row]:
    """A ``catalog.json`` of nested brackets, read as a baseline (the diff's loader)."""
    from chatmode_registry.core.diff import CatalogLoadError, load_catalog_json

    outcomes: set[str] = set()

    def make(count: int) -> Callable[[], object]:
        path = work / f"nested-{count}.json"
        path.write_text("[" * count, encoding="utf-8")

        def run() -> None:
            try:
                load_catalog_json(str(path))
                outcomes.add("loaded")
            except CatalogLoadError:
                outcomes.add("clear error")  # the expected outcome
            except Exception as error:
                outcomes.add(f"crash: {type(error).__name__}")

        return run

    small, large = two_sizes(repeat, budget, make, (200_000, 400_000))
    print(f"  nested baseline: {small:.4f} s, {large} s, {outcomes}", flush=True)
    note = ", ".join(sorted(outcomes))
    return [
        Row("site", "catalog.json of nested '[' as baseline", "200,000 brackets", small, large, note=note)
    ]


def history_flood(repeat: int, budget: float, work: Path) -> list[Row]:
    """A flood of files added, then deleted, in git history: the build's log reading."""
    from chatmode_registry.core.git import read_source_log
    from sitekit import commit_all, flood_history, git

    def make(count: int) -> Callable[[], object]:
        repo = work / f"flood-{count}"
        _write_modes(repo / "chatmodes", {"real.agent.md": "---\ndescription: Real.\n---\n# Real\n"})
        git(repo, "init", "-q")
        commit_all(repo, "start")
        flood_history(repo, "chatmodes", count)
        return functools.partial(read_source_log, repo / "chatmodes", present=["real.agent.md"])

    small, large = two_sizes(repeat, budget, make, (20_000, 40_000))
    print(f"  history flood: {small:.3f} s, {large} s", flush=True)
    return [Row("history", "files added then deleted / read the log", "20,000 files", small, large)]


def _changed_every_tenth_line(lines: int) -> tuple[str, str]:
    old = "".join(f"line {n}\n" for n in range(lines))
    new = "".join(f"line {n}\n" if n % 10 else f"changed {n}\n" for n in range(lines))
    return old, new


def _one_line_inserted(lines: int) -> tuple[str, str]:
    old = [f"line {n}\n" for n in range(lines)]
    return "".join(old), "".join([*old[: lines // 2], "inserted\n", *old[lines // 2 :]])


def _diff_of(bodies: tuple[str, str]) -> Callable[[], object]:
    """``diff_catalogs`` of two one-mode catalogs whose raw files are the bodies (with a header)."""
    from chatmode_registry.core.diff import diff_catalogs

    raw = {name: f"---\ndescription: x\n---\n{body}".encode() for name, body in zip(("old", "new"), bodies)}
    catalogs = {
        name: {"chatmodes": [{"slug": "m", "raw_url": name, "sha256": hashlib.sha256(data).hexdigest()}]}
        for name, data in raw.items()
    }
    return functools.partial(
        diff_catalogs, catalogs["old"], catalogs["new"], old_raw=raw.get, new_raw=raw.get
    )


def body_diffs(repeat: int, budget: float) -> list[Row]:
    """Body diffs: the class that made difflib quadratic, a small change in a long body, and
    the same class below the bound (where difflib runs, on at most ``MAX_COMPARED_LINES``)."""
    from chatmode_registry.core.diff import MAX_COMPARED_LINES

    rows = []
    below = MAX_COMPARED_LINES // 4  # each side; twice that is still within the bound
    for name, make_bodies, sizes in (
        ("every tenth line changed", _changed_every_tenth_line, (20_000, 40_000)),
        ("one line inserted", _one_line_inserted, (20_000, 40_000)),
        ("every tenth line changed, below the bound", _changed_every_tenth_line, (below, 2 * below)),
    ):
        small, large = two_sizes(repeat, budget, lambda size, make=make_bodies: _diff_of(make(size)), sizes)
        print(f"  body diff / {name}: {small:.4f} s, {large} s", flush=True)
        rows.append(Row("diff", f"{name} / chatmodes diff", f"{sizes[0]:,} lines", small, large))
    return rows


def _fetch_site(work: Path, count: int, body_bytes: int) -> Path:
    """A built-site folder whose ``count`` entries each list a valid file of ``body_bytes``
    (one per slug, so install accepts the names); ``m0`` hands off to every other."""
    import hashlib
    import json

    folder = work / f"fetch-{count}-{body_bytes}"
    raw = b"---\ndescription: d\n---\n# M\n\n" + b"word " * (body_bytes // 5)
    digest = hashlib.sha256(raw).hexdigest()
    entries = []
    for number in range(count):
        slug = f"m{number}"
        (folder / "catalog" / slug).mkdir(parents=True)
        (folder / "catalog" / slug / f"{slug}.chatmode.md").write_bytes(raw)
        entries.append(
            {
                "slug": slug,
                "name": slug,
                "description": "d",
                "tools": [],
                "source": f"{slug}.chatmode.md",
                "url": f"catalog/{slug}/",
                "raw_url": f"catalog/{slug}/{slug}.chatmode.md",
                "sha256": digest,
                "bytes": len(raw),
                "transitions": [],
                "diagnostics": [],
            }
        )
    entries[0]["transitions"] = [
        {"target": f"m{n}", "text": f"m{n}", "label": "", "via": "handoff", "line": 2, "builtin": False}
        for n in range(1, count)
    ]
    document = {"schema": 1, "site_url": None, "chatmodes": entries, "rejected": []}
    (folder / "catalog.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def fetches(repeat: int, budget: float, work: Path) -> list[Row]:
    """A site whose entries all list a valid file: search and install, below and past the
    fetch total; the peak memory of the search (tracemalloc) at both sizes."""
    import tracemalloc

    from chatmode_registry.core import query
    from chatmode_registry.core.install import plan_install
    from chatmode_registry.core.site import MAX_TOTAL_BYTES, FetchLimitError, open_site

    outcomes: set[str] = set()

    def searching(folder: Path) -> Callable[[], object]:
        def run() -> None:
            site = open_site(str(folder))
            try:
                query.scan_bodies(site, list(site.entries().values()), "word")
                outcomes.add("searched")
            except FetchLimitError:
                outcomes.add("stopped at the total")

        return run

    def installing(folder: Path) -> Callable[[], object]:
        def run() -> None:
            try:
                plan_install(open_site(str(folder)), ["m0"], with_transitions=True, depth=None)
                outcomes.add("planned")
            except FetchLimitError:
                outcomes.add("stopped at the total")

        return run

    def peak(folder: Path) -> float:
        tracemalloc.start()
        try:
            searching(folder)()
            return tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()

    rows = []
    body = 256 * 1024  # the build's default max_bytes: the largest file a default site has
    below = (60, 120)  # 15 and 30 MiB: under the 64 MiB total
    past = (2 * MAX_TOTAL_BYTES // body, 4 * MAX_TOTAL_BYTES // body)  # two and four times it
    for label, sizes in (("below the total", below), ("past the total", past)):
        folders = {size: _fetch_site(work, size, body) for size in sizes}
        for name, make in (("search", searching), ("install --with-transitions", installing)):
            outcomes.clear()
            small, large = two_sizes(
                repeat, budget, lambda size, make=make, folders=folders: make(folders[size]), sizes
            )
            rows.append(
                Row(
                    "fetch",
                    f"{name}, {label}",
                    f"{sizes[0]} x 256 KiB",
                    small,
                    large,
                    ", ".join(sorted(outcomes)),
                )
            )
            print(f"  fetch {name} {label}: {small:.3f} s, {large} s, {outcomes}", flush=True)
        if label == "below the total":
            small_peak, large_peak = peak(folders[sizes[0]]), peak(folders[sizes[1]])
            rows.append(
                Row(
                    "fetch",
                    "search, peak memory",
                    f"{sizes[0]} x 256 KiB",
                    small_peak,
                    large_peak,
                    "MB, not seconds",
                )
            )
            print(f"  fetch search peak: {small_peak:.1f} MB, {large_peak:.1f} MB", flush=True)
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| class | input at 1x | 1x (s) | 2x (s) | growth (2x / 1x) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        small = "-" if row.small is None else f"{row.small:.4f}"
        large = "over budget, not run" if row.large is None else f"{row.large:.4f}"
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        note = f" ({row.note})" if row.note else ""
        lines.append(f"| {row.group}: {row.name}{note} | {row.size} | {small} | {large} | {ratio} |")
    return "\n".join(lines)


def summary(rows: list[Row], threshold: float) -> str:
    """Worst growth, and every class above ``threshold`` once the small time is measurable."""
    measured = [row for row in rows if row.ratio is not None and (row.small or 0) >= 0.005]
    worst = max(measured, key=lambda row: row.ratio or 0, default=None)
    over = [row for row in rows if row.ratio is None or (row in measured and (row.ratio or 0) > threshold)]
    text = f"{len(rows)} measurements; "
    if worst is not None:
        text += f"largest growth {worst.ratio:.2f} ({worst.group}: {worst.name}). "
    text += (
        "Above " + f"{threshold}: " + ", ".join(f"{row.group}: {row.name}" for row in over) + "."
        if over
        else f"None above {threshold}."
    )
    return text


def write_page(text: str) -> None:
    """Replace the hostile block of docs/performance.md (appended at the end the first time)."""
    page = PERFORMANCE_PAGE.read_text("utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in page and END in page:
        before, rest = page.split(START, 1)
        after = rest.split(END, 1)[1]
        page = before + block + after
    else:
        page = page.rstrip("\n") + "\n\n" + block + "\n"
    PERFORMANCE_PAGE.write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", type=int, default=64 * 1024, help="bytes of each line class at 1x")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=10.0, help="CPU seconds at 1x before 2x is skipped")
    parser.add_argument("--threshold", type=float, default=2.5, help="growth ratio reported as superlinear")
    parser.add_argument("--quick", action="store_true", help="8 KiB lines, one repeat, no builds")
    parser.add_argument("--no-builds", action="store_true")
    parser.add_argument("--write", action="store_true", help="write the table into docs/performance.md")
    parser.add_argument(
        "--only",
        choices=["lines", "yaml", "catalogs", "sites", "history", "diffs", "fetch"],
        action="append",
        help="run only these parts",
    )
    options = parser.parse_args(argv)
    if options.quick:
        options.target, options.repeat, options.no_builds = 8 * 1024, 1, True
    load = os.getloadavg()[0]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        parts = set(options.only or ["lines", "yaml", "catalogs", "sites", "history", "diffs", "fetch"])
        if "lines" in parts:
            print("pathological lines", flush=True)
            rows += line_classes(options.repeat, options.budget, options.target)
        if "yaml" in parts:
            print("YAML nesting", flush=True)
            rows += nesting_forms(options.repeat, options.budget)
        if "catalogs" in parts:
            print("catalogs", flush=True)
            rows += catalogs(options.repeat, options.budget, work, not options.no_builds)
        if "sites" in parts:
            print("hostile sites", flush=True)
            rows += hostile_baseline(options.repeat, options.budget, work)
        if "history" in parts:
            print("git history", flush=True)
            rows += history_flood(options.repeat, options.budget, work)
        if "diffs" in parts:
            print("body diffs", flush=True)
            rows += body_diffs(options.repeat, options.budget)
        if "fetch" in parts:
            print("client fetches", flush=True)
            rows += fetches(options.repeat, options.budget, work)
    text = (
        "## Hostile inputs (#14)\n\n"
        f"`python benchmarks/hostile.py` on {dt.date.today().isoformat()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores shared with other work (load average "
        f"{load:.1f} at the start): CPU seconds, best of {options.repeat}; line classes at about "
        f"{options.target // 1024} KiB and twice that. Growth is the time at 2x over the time at 1x: "
        "about 2 means linear. Very small times (a few milliseconds) carry timer noise.\n\n"
        + summary(rows, options.threshold)
        + "\n\n"
        + table(rows)
    )
    print(text)
    if options.write:
        write_page(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

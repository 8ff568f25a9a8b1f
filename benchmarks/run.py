"""Performance benchmark of the ``chatmodes`` plugin and CLI (a script, not a test).

One command measures everything the performance targets talk about and writes the table
into ``docs/performance.md``::

    python benchmarks/run.py            # N = 100 and 1,000; validate and index at 10,000
    python benchmarks/run.py --quick    # a smoke run in about a minute (N = 20 and 100)

What is measured, for each catalog size N (catalogs generated from the seed's body with
variations and transitions by ``benchmarks/generate.py``):

* a site build with the plugin vs a bare MkDocs + Material build of the same bodies as plain
  pages kept out of the navigation (Python-Markdown rendering them), alternating the two,
  each in its own process so that wall time and peak memory (``ru_maxrss`` from ``wait4``)
  belong to that build alone;
* output bytes and search index bytes per chat mode (the site of an empty catalog is
  subtracted, so the theme's fixed assets do not hide growth);
* a cold build and a warm rebuild after editing one file, in one process with the same
  plugin instance, as ``mkdocs serve`` does it (``benchmarks/rebuild.py``);

and once: ``chatmodes validate`` of a folder of ``--validate-n`` files, and the size of the
catalog index for ``--index-n`` entries (``benchmarks/index_page.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (benchmarks/ is not a package)

#: The Markdown extensions of the registry's own site (mkdocs.yml), used by both builds so
#: that the bare build renders the bodies exactly as the plugin does.
MARKDOWN_EXTENSIONS = """\
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
  - pymdownx.highlight:
      use_pygments: true
  - pymdownx.superfences
  - pymdownx.details
"""

THEME = """\
theme:
  name: material
  font: false
  features:
    - navigation.instant
    - content.code.copy
"""

#: The page the results go to.
PERFORMANCE_PAGE = ROOT / "docs" / "performance.md"

#: Everything below this line of ``docs/performance.md`` is written by people (analysis,
#: profiles) and kept when the benchmark rewrites the page.
NOTES_MARKER = "<!-- Written by hand below this line; benchmarks/run.py keeps it. -->"


# -- projects ------------------------------------------------------------------------------


def split_header(text: str) -> str:
    """The body of a generated chat mode (below its frontmatter)."""
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


#: Extra ``chatmodes`` plugin options (``--option KEY=VALUE``), written into every plugin site.
PLUGIN_OPTIONS: dict[str, str] = {}


def plugin_project(folder: Path, modes: Path) -> Path:
    """A site whose only content is the catalog of ``modes``; returns its ``mkdocs.yml``."""
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "index.md").write_text(
        "# Benchmark\n\nThe catalog is under catalog/.\n", encoding="utf-8"
    )
    config = folder / "mkdocs.yml"
    config.write_text(
        "site_name: Benchmark\n"
        "site_url: https://example.org/registry/\n" + THEME + "plugins:\n  - search\n  - chatmodes:\n"
        f"      source: {json.dumps(str(modes))}\n"
        "      prefix: catalog\n"
        + "".join(f"      {key}: {value}\n" for key, value in PLUGIN_OPTIONS.items())
        + MARKDOWN_EXTENSIONS
        + "nav:\n  - Home: index.md\n",
        encoding="utf-8",
    )
    return config


def bare_project(folder: Path, modes: Path) -> Path:
    """The same bodies as plain pages, none of them in the navigation; returns ``mkdocs.yml``."""
    docs = folder / "docs"
    (docs / "modes").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Benchmark\n\nThe pages are under modes/.\n", encoding="utf-8")
    for path in sorted(modes.rglob("*.chatmode.md")):
        target = docs / "modes" / path.relative_to(modes).with_suffix("").with_suffix(".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(split_header(path.read_text(encoding="utf-8")), encoding="utf-8")
    config = folder / "mkdocs.yml"
    config.write_text(
        "site_name: Benchmark\n"
        "site_url: https://example.org/registry/\n"
        + THEME
        + "plugins:\n  - search\n"
        + MARKDOWN_EXTENSIONS
        + "nav:\n  - Home: index.md\n"
        "not_in_nav: |\n  /modes/\n",
        encoding="utf-8",
    )
    return config


# -- measuring -----------------------------------------------------------------------------


@dataclass
class Run:
    """One process: wall seconds, peak resident memory, exit code, what it printed."""

    seconds: float
    cpu: float
    peak_mb: float
    code: int
    stdout: str = ""
    stderr: str = ""


#: Whether the page cache is emptied before each measured process (see :func:`settle`).
SETTLED = {"done": False}


def settle() -> None:
    """Write out and drop the kernel's page cache, when allowed (root on Linux).

    On the benchmark machine a build run after others that left a few hundred megabytes of
    output in the page cache took up to 30 % more CPU than the same build on an empty cache
    (the plugin build 10.3 to 13.2 s at N = 1,000, in user and system time alike; the bare
    build hardly), so the order of runs decided the ratio. Every measured process starts
    from the same state instead. Elsewhere this does nothing and the page says so.
    """
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return
    SETTLED["done"] = True


def run_process(command: list[str], *, cwd: Path | None = None) -> Run:
    """Run ``command`` and measure it alone (``wait4`` gives this child's own rusage), from a
    settled page cache (:func:`settle`)."""
    settle()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            code=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def build(config: Path, site: Path) -> Run:
    """``mkdocs build`` of one project into ``site`` (cleaned first)."""
    shutil.rmtree(site, ignore_errors=True)
    result = run_process([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)])
    if result.code != 0:
        raise SystemExit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    return result


def tree_bytes(folder: Path) -> int:
    """Total size of the files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def file_bytes(path: Path) -> int:
    """Size of ``path``, 0 if it does not exist."""
    return path.stat().st_size if path.is_file() else 0


@dataclass
class SizeResult:
    """Everything measured at one catalog size."""

    n: int
    plugin: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    site_bytes: int = 0
    search_bytes: int = 0
    bare_search_bytes: int = 0
    index_bytes: int = 0
    mode_text_bytes: float = 0.0
    cold: float = 0.0
    warm: float = 0.0

    cold_cpu: float = 0.0
    warm_cpu: float = 0.0

    @staticmethod
    def median(runs: list[Run]) -> float:
        """Median wall seconds."""
        return statistics.median(run.seconds for run in runs)

    @staticmethod
    def median_cpu(runs: list[Run]) -> float:
        """Median CPU seconds (user + system): what other load on the machine inflates least."""
        return statistics.median(run.cpu for run in runs)

    @staticmethod
    def peak(runs: list[Run]) -> float:
        return max(run.peak_mb for run in runs)


def load_average() -> str:
    """The 1/5/15-minute load averages, for the record."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')} load {load_average()}] {message}", file=sys.stderr, flush=True)


def measure_size(n: int, work: Path, repeat: int, empty: dict[str, int]) -> SizeResult:
    """Build a catalog of ``n`` chat modes with the plugin and bare, ``repeat`` times each."""
    modes = work / f"modes-{n}"
    paths = generate(n, modes)
    result = SizeResult(n)
    result.mode_text_bytes = statistics.mean(path.stat().st_size for path in paths)
    plugin_config = plugin_project(work / f"plugin-{n}", modes)
    bare_config = bare_project(work / f"bare-{n}", modes)
    plugin_site = work / f"plugin-{n}-site"
    bare_site = work / f"bare-{n}-site"
    for round_number in range(repeat):
        # Alternate which goes first, so that a change of machine load hits both alike.
        order = [("plugin", plugin_config, plugin_site), ("bare", bare_config, bare_site)]
        if round_number % 2:
            order.reverse()
        for kind, config, site in order:
            run = build(config, site)
            getattr(result, kind).append(run)
            log(
                f"N={n} {kind} build {round_number + 1}/{repeat}: {run.seconds:.1f} s wall, {run.cpu:.1f} s CPU, {run.peak_mb:.0f} MB"
            )
    result.site_bytes = tree_bytes(plugin_site) - empty["site"]
    result.search_bytes = file_bytes(plugin_site / "search" / "search_index.json") - empty["search"]
    result.index_bytes = file_bytes(plugin_site / "catalog" / "index.html") - empty["index"]
    result.bare_search_bytes = file_bytes(bare_site / "search" / "search_index.json")

    # Warm rebuild: a copy of the catalog, so the edit does not change the other builds.
    serve_modes = work / f"serve-modes-{n}"
    shutil.copytree(modes, serve_modes)
    serve_config = plugin_project(work / f"serve-{n}", serve_modes)
    edited = sorted(serve_modes.rglob("*.chatmode.md"))[n // 2]
    run = run_process(
        [
            sys.executable,
            str(HERE / "rebuild.py"),
            str(serve_config),
            str(work / f"serve-{n}-site"),
            str(edited),
        ]
    )
    if run.code != 0:
        raise SystemExit(f"warm rebuild failed:\n{run.stderr[-3000:]}")
    timings = json.loads(run.stdout.strip().splitlines()[-1])
    result.cold, result.warm = timings["cold"], timings["warm"]
    result.cold_cpu, result.warm_cpu = timings["cold_cpu"], timings["warm_cpu"]
    log(f"N={n} serve: cold {result.cold_cpu:.1f} s CPU, warm rebuild {result.warm_cpu:.2f} s CPU")
    for folder in (plugin_site, bare_site, work / f"bare-{n}", work / f"serve-{n}-site", serve_modes):
        shutil.rmtree(folder, ignore_errors=True)
    return result


def measure_empty(work: Path) -> dict[str, int]:
    """Sizes of the site of an empty catalog: the theme's fixed part, subtracted later."""
    modes = work / "modes-0"
    modes.mkdir(parents=True, exist_ok=True)
    config = plugin_project(work / "plugin-0", modes)
    site = work / "plugin-0-site"
    build(config, site)
    return {
        "site": tree_bytes(site),
        "search": file_bytes(site / "search" / "search_index.json"),
        "index": file_bytes(site / "catalog" / "index.html"),
    }


def measure_validate(n: int, work: Path, repeat: int) -> tuple[list[Run], int]:
    """``chatmodes validate`` of a folder of ``n`` files (JSON output, as CI would read it)."""
    modes = work / f"modes-{n}"
    if not modes.exists():
        generate(n, modes)
    runs = []
    for _ in range(repeat):
        run = run_process(
            [sys.executable, "-m", "chatmode_registry.cli", "validate", str(modes), "--format", "json"]
        )
        if run.code not in (0, 1):
            raise SystemExit(f"validate failed:\n{run.stderr[-3000:]}")
        files = json.loads(run.stdout)["files"]
        run.stdout = ""  # megabytes of diagnostics, not needed any more
        runs.append(run)
        log(f"validate {files} files: {run.seconds:.2f} s wall, {run.cpu:.2f} s CPU, {run.peak_mb:.0f} MB")
    return runs, files


def measure_index(n: int, work: Path) -> tuple[int, int, dict]:
    """Bytes of the catalog index content for ``n`` entries (rendered alone), and how fast
    its filter is in Chromium (``benchmarks/filter_timing.py``)."""
    modes = work / f"modes-{n}"
    if not modes.exists():
        generate(n, modes)
    config = plugin_project(work / f"index-{n}", modes)
    run = run_process(
        [sys.executable, str(HERE / "index_page.py"), str(config), str(work / f"index-{n}.html")]
    )
    if run.code != 0:
        raise SystemExit(f"index rendering failed:\n{run.stderr[-3000:]}")
    data = json.loads(run.stdout.strip().splitlines()[-1])
    log(f"index of {data['entries']} entries: {data['bytes']} bytes ({data['seconds']:.1f} s)")
    browser = run_process([sys.executable, str(HERE / "filter_timing.py"), str(work / f"index-{n}.html")])
    if browser.code != 0:
        timing = {"skipped": f"the browser run failed: {browser.stderr.strip().splitlines()[-1:]}"}
    else:
        timing = json.loads(browser.stdout.strip().splitlines()[-1])
    log(f"filter in Chromium: {timing}")
    return data["bytes"], data["entries"], timing


# -- reporting -----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
                break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores" + (f", {memory}" if memory else ""),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "material": version("mkdocs-material"),
        "markdown": version("markdown"),
    }


def mark(ok: bool) -> str:
    """A table cell saying whether a target is met."""
    return "met" if ok else "**missed**"


def table(sizes: list[SizeResult], validate: tuple[list[Run], int], index: tuple[int, int, dict]) -> str:
    """The results as a Markdown table: figure, value, target, met or not."""
    rows = [("Measure", "Value", "Target", "")]
    by_n = {result.n: result for result in sizes}
    for result in sizes:
        n = f"{result.n:,}"
        plugin, bare = result.median_cpu(result.plugin), result.median_cpu(result.bare)
        ratio = plugin / bare
        wall = f"{result.median(result.plugin):.1f} / {result.median(result.bare):.1f} s wall"
        rows.append(
            (f"Plugin build, N = {n} (median of {len(result.plugin)})", f"{plugin:.1f} s CPU", "", "")
        )
        rows.append((f"Bare MkDocs + Material build, N = {n}", f"{bare:.1f} s CPU", "", ""))
        rows.append((f"Plugin / bare, N = {n}", f"{ratio:.2f} ({wall})", "≤ 0.50", mark(ratio <= 0.50)))
        plugin_mb, bare_mb = result.peak(result.plugin), result.peak(result.bare)
        rows.append(
            (
                f"Peak memory plugin / bare, N = {n}",
                f"{plugin_mb:.0f} / {bare_mb:.0f} MB",
                "plugin ≤ bare",
                mark(plugin_mb <= bare_mb),
            )
        )
        rows.append(
            (f"Site bytes per chat mode, N = {n}", f"{result.site_bytes / result.n / 1024:.1f} KB", "", "")
        )
        search = result.search_bytes / result.n
        rows.append(
            (
                f"Search index bytes per chat mode, N = {n}",
                f"{search / 1024:.1f} KB ({search / result.mode_text_bytes:.2f} × its text; "
                f"bare pages: {result.bare_search_bytes / result.n / result.mode_text_bytes:.2f} ×)",
                "≤ 1 × the mode's text",
                mark(search <= result.mode_text_bytes),
            )
        )
        rows.append(
            (
                f"Catalog index bytes per entry, N = {n}",
                f"{result.index_bytes / result.n:.0f} B",
                "≤ 400 B",
                mark(result.index_bytes / result.n <= 400),
            )
        )
        warm = result.warm_cpu / result.cold_cpu
        rows.append(
            (
                f"Warm rebuild after a one-file edit, N = {n}",
                f"{result.warm_cpu:.1f} s CPU after a {result.cold_cpu:.1f} s cold build ({warm:.2f} ×)",
                "≤ 0.2 × cold",
                mark(warm <= 0.2),
            )
        )
    small, large = min(by_n), max(by_n)
    if small != large:
        growth = (by_n[large].site_bytes / large) / (by_n[small].site_bytes / small)
        rows.append(
            (
                f"Site bytes per mode, N = {large:,} vs N = {small:,}",
                f"{growth:.2f} ×",
                "≤ 1.15 ×",
                mark(growth <= 1.15),
            )
        )
    runs, files = validate
    seconds = statistics.median(run.seconds for run in runs)
    cpu = statistics.median(run.cpu for run in runs)
    rows.append(
        (
            f"`chatmodes validate` of {files:,} files (median of {len(runs)})",
            f"{seconds:.2f} s wall, {cpu:.2f} s CPU, {max(run.peak_mb for run in runs):.0f} MB",
            "≤ 3 s",
            mark(seconds <= 3),
        )
    )
    index_bytes, entries, timing = index
    per_entry = index_bytes / entries
    rows.append(
        (
            f"Catalog index content, {entries:,} entries",
            f"{index_bytes / 1024 / 1024:.2f} MB, {per_entry:.0f} B per entry",
            "≤ 400 B per entry",
            mark(per_entry <= 400),
        )
    )
    if "skipped" in timing:
        rows.append(
            (
                f"Catalog filter, {entries:,} entries (Chromium)",
                f"not measured: {timing['skipped']}",
                "instant",
                "",
            )
        )
    else:
        slowest = max(timing["filter_ms"], timing["clear_ms"])
        rows.append(
            (
                f"Catalog filter, {entries:,} entries (Chromium)",
                f"{timing['filter_ms']:.0f} ms to filter to {timing['shown']}, {timing['clear_ms']:.0f} ms to show all; "
                f"usable {timing['setup_ms'] / 1000:.1f} s after opening",
                "instant (≤ 100 ms)",
                mark(slowest <= 100),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = []
    for number, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |")
        if number == 0:
            lines.append("| " + " | ".join("-" * width for width in widths) + " |")
    return "\n".join(lines)


def write_page(
    text_table: str, info: dict[str, str], command: str, loads: tuple[str, str], seconds: float
) -> None:
    """Replace ``docs/performance.md`` with the table, the machine and how to rerun."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    notes = ""
    if PERFORMANCE_PAGE.exists():
        old = PERFORMANCE_PAGE.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = "\n" + NOTES_MARKER + old.split(NOTES_MARKER, 1)[1]
    PERFORMANCE_PAGE.write_text(
        f"""# Performance

Measured by `benchmarks/run.py` on {today}; the whole run took {seconds / 60:.0f} minutes.
Every figure below is from that run (this page is rewritten by it).

{text_table}

## How it is measured

- **Catalogs** are generated from the seed chat mode's body (about 13 KB): each chat mode gets
  a new role name, five tools, a model and a "Transitions" section naming two to four other
  generated chat modes, so every page has links both ways and a neighbourhood graph
  (`benchmarks/generate.py`).
- **Plugin build**: `mkdocs build` of a Material site (search on) whose only content is the
  catalog; its bodies are rendered by cmark-gfm (`render/body.py`). **Bare build**: the same
  bodies as plain Markdown pages, kept out of the navigation (MkDocs + Material +
  Python-Markdown doing nothing else). Both sites set the registry's Markdown extensions
  (which the bare pages use and the catalog's bodies do not). The two alternate, each in its
  own process; the table shows medians.
- **Peak memory** is the build process's own maximum resident set (`wait4`).
- **Bytes per chat mode** subtract the site of an empty catalog (theme assets, home page), so
  the fixed part does not hide growth. The search index is compared with the chat mode's own
  file size.
- **Warm rebuild**: one process loads the configuration, builds, appends a line to one chat
  mode and builds again with a freshly loaded configuration, as `mkdocs serve` does on a change
  (plugins with `on_startup` keep their instance between the two builds).
- **Validate** runs the `chatmodes validate FOLDER --format json` command in its own process.
- **Catalog index**: the index page's content rendered alone with the plugin's own templates
  (the theme's frame around it is the same for every size), divided by its entries. The
  filter is timed in headless Chromium on that content with the plugin's script and styles:
  from typing a query (or clearing it) until the frame after the list changed.

Times are CPU seconds (user + system) of each build's process unless marked "wall": other
work on the machine inflates wall time but hardly CPU time, and the targets are ratios.
{"Each measured process started with the kernel's page cache written out and dropped (benchmarks/run.py: settle)." if SETTLED["done"] else "The page cache could not be dropped before each process (not root): runs that follow others may be slower."}
Load average (1/5/15 min) at the start: {loads[0]}; at the end: {loads[1]}.

## Machine

| | |
| --- | --- |
| CPU | {info["cpu"]} |
| System | {info["system"]} |
| Python | {info["python"]} |
| MkDocs | {info["mkdocs"]} |
| Material for MkDocs | {info["material"]} |
| Python-Markdown | {info["markdown"]} |

## Rerun

From a clone, with the package installed (`pip install -e .`):

```sh
python benchmarks/run.py            # the full run (about 5 minutes on 2 cores)
python benchmarks/run.py --quick    # a smoke run
python benchmarks/run.py --sizes 100 1000 5000 --repeat 3 --validate-n 10000
```

This run: `{command}`. Options: `--sizes`, `--repeat`, `--validate-n`, `--index-n`,
`--option KEY=VALUE` (a plugin option, e.g. `graph_limit=300`), `--no-write` (print the table
only), `--keep` (keep the generated projects). See `benchmarks/README.md`.
"""
        + notes,
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run every measurement, print the table and write the page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small smoke run: N = 20 and 100, 1,000 files validated"
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="catalog sizes to build (default 100 1000)")
    parser.add_argument("--repeat", type=int, help="builds of each kind per size (default 3; 1 with --quick)")
    parser.add_argument("--validate-n", type=int, help="files for `chatmodes validate` (default 10000)")
    parser.add_argument("--index-n", type=int, help="entries for the catalog index size (default 10000)")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a chatmodes plugin option for the plugin builds, e.g. graph_limit=300 (repeatable)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help=f"do not rewrite {PERFORMANCE_PAGE.relative_to(ROOT)}"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated projects (their folder is printed)"
    )
    args = parser.parse_args(argv)
    for option in args.option:
        key, _, value = option.partition("=")
        PLUGIN_OPTIONS[key.strip()] = value.strip()
    sizes = args.sizes or ([20, 100] if args.quick else [100, 1000])
    repeat = args.repeat or (1 if args.quick else 3)
    validate_n = args.validate_n or (1000 if args.quick else 10000)
    index_n = args.index_n or (1000 if args.quick else 10000)

    started = time.perf_counter()
    load_start = load_average()
    work = Path(tempfile.mkdtemp(prefix="chatmodes-bench-"))
    log(f"working in {work}")
    try:
        empty = measure_empty(work)
        results = [measure_size(n, work, repeat, empty) for n in sorted(sizes)]
        validate = measure_validate(validate_n, work, repeat)
        index = measure_index(index_n, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = table(results, validate, index)
    print(text)
    command = "python benchmarks/run.py" + (
        "" if argv is None and len(sys.argv) == 1 else " " + " ".join(sys.argv[1:] if argv is None else argv)
    )
    if not args.no_write:
        write_page(text, machine(), command, (load_start, load_average()), time.perf_counter() - started)
        print(f"written to {PERFORMANCE_PAGE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

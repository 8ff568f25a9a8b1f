"""Hostile chat modes: the core keeps them contained, the built site runs none of them.

The source folder comes from :func:`hostile.write_hostile_tree`; what a correct build does
with each file is stated there, once. Sites are built with the real MkDocs plugin.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.filenames import escaped
from chatmode_registry.mkdocs.structure import FILTER_LINK_SCRIPT
from chatmode_registry.render.catalog_json import catalog_to_dict
from conftest import SITE_URL, BuildResult, build, write_project
from hostile import BODY_PAYLOADS, INLINE_PAYLOADS, HostileTree, write_hostile_tree
from html_safety import find_active_content, inline_scripts
from sitehtml import content, parse

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
    outside_codes = {
        r.source: [d.code for d in r.diagnostics] for r in catalog.rejected if r.source in hostile.never_read
    }
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


# --- the built site ---------------------------------------------------------------------------


# Material writes a few inline scripts on every page; the only thing that varies between
# pages is the relative path in ``__md_scope=new URL("../..",location)``.
_SCOPE_PATH = re.compile(r'new URL\("[^"\\]*",location\)')
# Folders of the site whose scripts are the site's own: the theme's and the plugin's assets.
_OWN_SCRIPT_FOLDERS = ("assets/", "search/")


#: The site's Markdown extensions: the usual Material set, plus snippets configured as
#: dangerously as possible (any path, from the project root) to show that chat mode bodies
#: never get it.
HOSTILE_SITE_EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "footnotes",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tasklist",
    {"pymdownx.highlight": {"use_pygments": True, "anchor_linenums": True, "line_spans": "__span"}},
    {"pymdownx.snippets": {"base_path": ["."], "restrict_base_path": False, "check_paths": False}},
]


def hostile_project(root: Path) -> tuple[HostileTree, Path]:
    """The hostile tree inside a Material project (``root/chatmodes`` is the plugin's default source)."""
    tree = write_hostile_tree(root)
    write_project(root, {}, config={"markdown_extensions": HOSTILE_SITE_EXTENSIONS})
    return tree, root


def _normalised_script(text: str) -> str:
    return _SCOPE_PATH.sub('new URL("<scope>",location)', text.strip())


def site_scripts(site: Path) -> set[str]:
    """The inline scripts the theme writes, read from the site's own home page (not from a chat
    mode), and the plugin's one (a constant: the catalog index renames an old ``?q=`` link)."""
    theme = {_normalised_script(text) for text in inline_scripts((site / "index.html").read_text("utf-8"))}
    return theme | {_normalised_script(FILTER_LINK_SCRIPT)}


def own_script(site: Path, page: Path, site_path: str) -> Callable[[str], bool]:
    """Whether a ``<script src>`` on ``page`` is one of the site's own files.

    Only same-site files under the theme's and the plugin's asset folders count: no other
    origin (``https:``, ``//host``), no ``data:``, nothing outside the site folder. Root-relative
    URLs (the 404 page uses them) are read below the ``site_url`` path.
    """

    def trusted(src: str) -> bool:
        path = urlsplit(src).path
        if urlsplit(src).scheme or urlsplit(src).netloc or not path:
            return False
        if path.startswith("/"):
            if not path.startswith(site_path):
                return False
            target = site / unquote(path[len(site_path) :])
        else:
            target = page.parent / unquote(path)
        target = target.resolve()
        relative = (
            target.relative_to(site.resolve()).as_posix() if target.is_relative_to(site.resolve()) else None
        )
        return relative is not None and relative.startswith(_OWN_SCRIPT_FOLDERS) and target.is_file()

    return trusted


def active_content(site: Path) -> dict[str, list[str]]:
    """Every HTML and SVG file of ``site`` with the active content found in it."""
    theme_scripts = site_scripts(site)
    site_path = urlsplit(SITE_URL).path
    found: dict[str, list[str]] = {}
    for page in sorted([*site.rglob("*.html"), *site.rglob("*.svg")]):
        document = page.read_text("utf-8")
        findings = [
            str(finding)
            for finding in find_active_content(
                document,
                script_src_trusted=own_script(site, page, site_path),
                trusted_inline_scripts=(),
            )
            if "untrusted inline script" not in finding.what
        ]
        findings += [
            f"inline script {text[:100]!r}"
            for text in inline_scripts(document)
            if _normalised_script(text) not in theme_scripts
        ]
        if findings:
            found[page.relative_to(site).as_posix()] = findings
    return found


@pytest.fixture(scope="module")
def plain_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[HostileTree, BuildResult]:
    """The hostile project built once, without --strict."""
    tree, project = hostile_project(tmp_path_factory.mktemp("plain"))
    return tree, build(project)


@pytest.fixture(scope="module")
def strict_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[HostileTree, BuildResult]:
    """The hostile project built once with --strict (and without -q: see FACTS.md)."""
    tree, project = hostile_project(tmp_path_factory.mktemp("strict"))
    return tree, build(project, strict=True)


def test_plain_build_succeeds_and_publishes_every_good_file(plain_build) -> None:
    tree, result = plain_build
    assert result.ok, result.log
    catalog = json.loads((result.site / "catalog.json").read_text("utf-8"))
    entries = {entry["source"]: entry for entry in catalog["chatmodes"]}
    assert {source: entry["slug"] for source, entry in entries.items()} == tree.published
    slugs = [entry["slug"] for entry in catalog["chatmodes"]]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) for slug in slugs)
    for source, slug in tree.published.items():
        entry = entries[source]
        assert entry["url"] == f"catalog/{slug}/"
        page = result.site / "catalog" / slug / "index.html"
        assert page.is_file(), source
        raw = result.site / unquote(entry["raw_url"])
        assert raw.parent == page.parent and raw.name.startswith(slug + ".")
        assert raw.read_bytes() == (tree.source / source).read_bytes()


def test_rejected_files_are_listed_and_get_no_page(plain_build) -> None:
    tree, result = plain_build
    catalog = json.loads((result.site / "catalog.json").read_text("utf-8"))
    rejected = {entry["source"]: entry for entry in catalog["rejected"]}
    assert set(rejected) == tree.rejected
    assert all(entry["diagnostics"] for entry in rejected.values())
    pages = {path.parent.name for path in (result.site / "catalog").glob("*/index.html")}
    published = set(tree.published.values())
    # Every page under catalog/ is a chat mode of the catalog or one of the catalog's own pages.
    assert pages - published <= {"graph", "tools", "models", "report", "changes"}


def test_no_page_of_the_site_contains_active_content(plain_build) -> None:
    _, result = plain_build
    assert result.ok, result.log
    pages = list(result.site.rglob("*.html"))
    assert len(pages) > len(plain_build[0].published)
    assert active_content(result.site) == {}


def test_the_checker_would_see_an_injected_script(plain_build, tmp_path: Path) -> None:
    # The scan above proves something only if it can fail on this very site.
    _, result = plain_build
    copy = tmp_path / "site"
    shutil.copytree(result.site, copy)
    page = copy / "catalog" / "alpha" / "index.html"
    page.write_text(
        page.read_text("utf-8").replace("</article>", "<img src=x onerror=alert(1)></article>", 1),
        encoding="utf-8",
    )
    other = copy / "catalog" / "beta" / "index.html"
    other.write_text(
        other.read_text("utf-8").replace("</article>", "<script>alert(2)</script></article>", 1),
        encoding="utf-8",
    )
    assert set(active_content(copy)) == {"catalog/alpha/index.html", "catalog/beta/index.html"}


def test_the_outside_secret_appears_in_no_output(plain_build) -> None:
    # Neither through the symlinks, nor through snippet includes in a body.
    tree, result = plain_build
    marker = tree.secret_marker.encode("ascii")
    leaking = [path for path in result.site.rglob("*") if path.is_file() and marker in path.read_bytes()]
    assert leaking == []
    assert tree.secret_marker not in result.log


def test_hostile_names_and_fields_are_shown_as_text(plain_build) -> None:
    tree, result = plain_build
    catalog = json.loads((result.site / "catalog.json").read_text("utf-8"))
    for entry in catalog["chatmodes"]:
        if entry["source"] not in tree.payload_sources:
            continue
        document = parse((result.site / entry["url"] / "index.html").read_text("utf-8"))
        article = content(document)
        # Escaped exactly once: the reader sees the name as written, not markup and not "&lt;".
        title = article.find(id="cmr-title")
        assert title is not None and title.text().strip() == entry["name"].strip()
        head_title = document.find("title")
        assert head_title is not None and head_title.text().startswith(entry["name"].strip())
        if entry["description"]:
            assert entry["description"] in article.text()
        assert entry["source"].rsplit("/", 1)[-1] in article.text()
        # The copy button copies the published bytes, whatever they contain.
        raw_block = article.find("script", id="cmr-raw")
        assert raw_block is not None
        raw_text = json.loads(raw_block.text())
        assert raw_text == (tree.source / entry["source"]).read_bytes().decode("utf-8")


def named_in_log(tree: HostileTree, log: str) -> set[str]:
    """The sources of ``tree`` that a log line of the plugin names."""
    return {
        source
        for source in tree.sources
        if re.search(rf"chatmode_registry: {re.escape(_log_form(source))}[:\s]", log)
    }


def test_strict_build_fails_and_names_every_bad_file(strict_build) -> None:
    tree, result = strict_build
    assert not result.ok
    named = named_in_log(tree, result.log)
    # Names with line breaks are checked with the log-forging test below.
    assert {source for source in tree.flagged if "\n" not in source} <= named
    # The clean files are not accused of anything.
    assert not named & set(tree.good)


def _log_form(source: str) -> str:
    """How a source path appears in a log line: control characters written as escapes."""
    return "".join(
        char.encode("unicode_escape").decode("ascii") if not char.isprintable() else char for char in source
    )


def test_build_log_cannot_be_forged_by_names_or_fields(strict_build) -> None:
    tree, result = strict_build
    assert "\x1b" not in result.log
    assert tree.flagged <= named_in_log(tree, result.log)
    forged = [line for line in result.log.splitlines() if line.startswith("::")]
    assert forged == []


@pytest.mark.parametrize("output_format", ["text", "github", "json"])
def test_validate_output_cannot_be_forged_by_names_or_fields(
    hostile: HostileTree, output_format: str
) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "chatmode_registry.cli",
            "validate",
            str(hostile.source),
            "--format",
            output_format,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "\x1b" not in completed.stdout + completed.stderr
    # Only the github format writes workflow commands, one per diagnostic, each for a real file.
    commands = [line for line in completed.stdout.splitlines() if line.startswith("::")]
    if output_format != "github":
        assert commands == []
    else:
        files = {re.match(r"::\w+ file=([^,]*),", line).group(1) for line in commands}
        assert all(name.startswith(str(hostile.source)) for name in files)


# --- fuzzing: random headers, bodies and names, built for real ----------------------------------

_TOKENS = [
    "<",
    ">",
    '"',
    "'",
    "&",
    "&#",
    "&#x6A;",
    "</",
    "/>",
    "<!--",
    "-->",
    "]]>",
    "`",
    "```",
    "**",
    "\\",
    "javascript:",
    "JaVaScRiPt:",
    "on",
    "error=",
    "onload=",
    "=",
    "{:",
    "}",
    "#",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\u200b",
    "\u202e",
    "\x1b[31m",
    "%3C",
    "{{",
    "}}",
    "{%",
    "|",
    "---",
    ":",
    "- ",
]
_FRAGMENTS = sorted({*INLINE_PAYLOADS, *BODY_PAYLOADS, *_TOKENS})
_KEYS = [
    "description",
    "name",
    "tools",
    "model",
    "argument-hint",
    "target",
    "handoffs",
    "agents",
    "metadata",
    "infer",
    "x-unknown",
]

hostile_text = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=6).map("".join)
header_value = st.one_of(
    hostile_text,
    st.lists(hostile_text, max_size=3),
    st.lists(
        st.fixed_dictionaries(
            {"label": hostile_text, "agent": hostile_text},
            optional={"prompt": hostile_text, "send": st.booleans()},
        ),
        max_size=2,
    ),
    st.integers(),
    st.booleans(),
    st.none(),
)
header = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(_KEYS), hostile_text), header_value, max_size=6).map(
        lambda fields: "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n"
    ),
    hostile_text.map(lambda text: f"---\n{text}\n---\n"),  # often not YAML at all
    st.just(""),
)
body_line = st.tuples(
    st.sampled_from(
        [
            "",
            "# ",
            "## ",
            "- ",
            "1. ",
            "> ",
            "    ",
            "!!! note ",
            "| ",
            "Switch to **",
            "hand off to **",
            "[x](",
            "<div>",
            "```\n",
        ]
    ),
    hostile_text,
).map("".join)
body = st.lists(body_line, max_size=8).map("\n\n".join)
file_stem = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=30,
).filter(lambda stem: len(stem.encode("utf-8")) <= 200)
chat_mode = st.tuples(file_stem, st.sampled_from([".chatmode.md", ".agent.md"]), header, body)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modes=st.lists(chat_mode, min_size=1, max_size=3, unique_by=lambda mode: mode[0] + mode[1]))
def test_random_hostile_chat_modes_never_break_the_build_or_run(modes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {stem + suffix: (head + text).encode("utf-8") for stem, suffix, head, text in modes}
        project = write_project(Path(folder) / "project", files)
        result = build(project)
        # A plain build never fails because of chat mode content, and nothing crashes.
        assert result.ok, result.log
        assert "Traceback" not in result.log
        catalog = json.loads((result.site / "catalog.json").read_text("utf-8"))
        accounted = [entry["source"] for entry in catalog["chatmodes"]] + [
            entry["source"] for entry in catalog["rejected"]
        ]
        # Every file is either published or listed as rejected (an unsafe name escaped, CM010):
        # none is silently lost.
        assert sorted(accounted) == sorted(escaped(name) for name in files)
        assert active_content(result.site) == {}

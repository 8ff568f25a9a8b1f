"""Properties over generated input: reading, linting, linking and fixing never raise, and every
file ends up either published or rejected with an error.

Runs are derandomized (the same examples every time, no example database) so that the suite's
result does not depend on the run.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatmode_files import write_tree
from chatmode_registry.core.catalog import build_catalog, load_catalog
from chatmode_registry.core.fix import fix_bytes
from chatmode_registry.core.model import Severity
from chatmode_registry.core.reader import DEFAULT_MAX_BYTES
from chatmode_registry.render.catalog_json import catalog_to_dict

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Header keys VS Code knows, mixed with arbitrary ones, so that the schema checks are reached.
KEYS = st.one_of(
    st.sampled_from(
        [
            "description",
            "name",
            "tools",
            "model",
            "handoffs",
            "argument-hint",
            "target",
            "agents",
            "infer",
            "metadata",
            "user-invocable",
            "mcp-servers",
        ]
    ),
    st.text(min_size=1, max_size=12),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
TOOL_NAMES = st.sampled_from(
    [
        "codebase",
        "runCommands",
        "search/codebase",
        "usages",
        "search",
        "findTestFiles",
        "editFiles",
        "github/*",
        "runTasks",
        "execute/runTask",
    ]
)
HEADERS = st.one_of(
    st.dictionaries(KEYS, VALUES, max_size=6),
    st.fixed_dictionaries(
        {"description": st.text(max_size=40), "tools": st.lists(TOOL_NAMES, max_size=6)},
        optional={"handoffs": st.lists(st.fixed_dictionaries({"agent": st.text(max_size=12)}), max_size=3)},
    ),
)
YAMLISH = st.text(
    alphabet=st.sampled_from(list("abz09:-[]{}&*!|>'\"#,?%@ \t\n\u00e2\u20ac\u201c\u200b")), max_size=120
)
BODY_LINES = st.sampled_from(
    [
        "# Title Mode",
        "Switch to **Other** mode to go on.",
        "hand off to **ask**",
        "- **For X**: switch to **Y** agent",
        "```",
        "~~~",
        "Backend \u00e2\u20ac\u201c technologies",
        "\u200b```",
        "plain text",
        "",
        "---",
        "description: d",
    ]
)
BODIES = st.one_of(st.text(max_size=200), st.lists(BODY_LINES, max_size=12).map("\n".join))
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def dumped_chatmodes(draw) -> bytes:
    """A chat mode whose header is ``yaml.safe_dump`` of generated values, in a random line ending."""
    header = yaml.safe_dump(draw(HEADERS), allow_unicode=draw(st.booleans()), sort_keys=False)
    text = "---\n" + header + "---\n" + draw(BODIES)
    ending = draw(ENDINGS)
    raw = text.replace("\n", ending).encode("utf-8")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + raw


@st.composite
def raw_header_chatmodes(draw) -> bytes:
    """Random YAML-looking text between ``---`` lines, then a random body."""
    return ("---\n" + draw(YAMLISH) + "\n---\n" + draw(BODIES)).encode("utf-8")


#: Scalars and syntax YAML gives meaning to: tags, anchors, merges, special floats, dates.
YAML_TOKENS = (
    "2024-05-06",
    "2024-13-45",
    "2024-02-30 10:00:00",
    "!!int abc",
    "!!float x",
    "!!bool maybe",
    "!!binary '@@'",
    "!!timestamp nope",
    "0x_",
    ".inf",
    ".nan",
    "~",
    "&a [1]",
    "*a",
    "{<<: {a: 1}}",
    "{a: 1}",
    "[a, [b]]",
    "!!set {a}",
    "!!omap [a: 1]",
    "'quoted'",
    "yes",
    "0o17",
    "1_000",
    "12:30:00",
)


ANY_FILE = st.one_of(
    st.binary(max_size=300),
    dumped_chatmodes(),
    raw_header_chatmodes(),
    BODIES.map(lambda body: body.encode("utf-8")),
)


def check_catalog(catalog, files: int) -> None:
    """The invariants every catalog keeps, whatever its input."""
    assert catalog.files == files
    assert len(catalog.chatmodes) + len(catalog.rejected) == files
    for rejected in catalog.rejected:
        assert any(d.severity is Severity.ERROR for d in rejected.diagnostics), rejected
    slugs = [mode.slug for mode in catalog.chatmodes]
    assert len(set(slugs)) == len(slugs) and all(slugs)
    document = catalog_to_dict(catalog, site_url="https://example.org/")
    json.dumps(document, allow_nan=False)  # strict JSON: no NaN/Infinity, only JSON types
    for entry in document["chatmodes"]:
        for transition in entry["transitions"]:
            assert transition["target"] in set(slugs) | {None}


def catalog_of(files: dict[str, bytes]):
    """Write ``files`` into a temporary folder and load it (hypothesis runs many examples per test,
    so each one gets its own folder instead of the function-scoped ``tmp_path``)."""
    with tempfile.TemporaryDirectory() as folder:
        return load_catalog(write_tree(Path(folder) / "src", files))


@PROPERTY_SETTINGS
@given(ANY_FILE)
def test_any_single_file_is_published_or_rejected_with_an_error(raw):
    check_catalog(catalog_of({"m.chatmode.md": raw}), 1)


@PROPERTY_SETTINGS
@given(
    st.dictionaries(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
            min_size=0,
            max_size=12,
        ),
        st.one_of(dumped_chatmodes(), raw_header_chatmodes()),
        min_size=1,
        max_size=6,
    )
)
def test_any_folder_is_linked_without_raising(named):
    files = {f"{stem}.{'agent' if len(stem) % 2 else 'chatmode'}.md": raw for stem, raw in named.items()}
    files = {name: raw for name, raw in files.items() if len(name.encode("utf-8")) < 250}
    check_catalog(catalog_of(files), len(files))


@PROPERTY_SETTINGS
@given(st.lists(ANY_FILE, min_size=1, max_size=4))
def test_build_catalog_of_single_files_never_raises(raws):
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"f{index}.chatmode.md" for index in range(len(raws))]
        for path, raw in zip(paths, raws):
            path.write_bytes(raw)
        catalog = build_catalog(
            [(path, path.name) for path in paths],
            root=None,
            max_bytes=DEFAULT_MAX_BYTES,
            dangling=Severity.INFO,
        )
    check_catalog(catalog, len(raws))


@PROPERTY_SETTINGS
@given(ANY_FILE)
def test_fix_never_raises_and_is_idempotent(raw):
    result = fix_bytes(raw)
    assert isinstance(result.content, bytes)
    if not result.changed:
        assert result.content == raw
    again = fix_bytes(result.content)
    assert again.content == result.content and not again.changed


def test_tagged_and_typed_yaml_values_never_raise():
    """Every token of YAML_TOKENS, alone under a key: the ones that make the core raise are listed.

    A plain loop rather than a hypothesis test, so that the known failures are named in the
    assertion and no failing-example patch is written."""
    raising = []
    for token in YAML_TOKENS:
        raw = f"---\ndescription: d\nx: {token}\n---\nbody\n".encode()
        try:
            check_catalog(catalog_of({"m.chatmode.md": raw}), 1)
            fix_bytes(raw)
        except Exception as error:  # any exception is the finding
            raising.append((token, type(error).__name__))
    assert raising == []


def test_well_formed_typed_yaml_values_are_read():
    """The tokens that do not hit the known bug load into a published chat mode (or a CM005/CM008
    rejection), so the loop above is not vacuous."""
    for token in ("2024-05-06", ".inf", "~", "{<<: {a: 1}}", "!!set {a}", "!!binary 'aGk='", "yes", "1_000"):
        catalog = catalog_of({"m.chatmode.md": f"---\ndescription: d\nx: {token}\n---\nbody\n".encode()})
        check_catalog(catalog, 1)
        assert catalog.chatmodes, token

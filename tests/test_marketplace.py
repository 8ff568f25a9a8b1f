"""``chatmodes marketplace``: the registry's Copilot plugin marketplace, built by the real command.

The registry's own chat modes and ``mkdocs.yml`` are copied into a temporary folder and the
command writes the marketplace there once (module fixture); the tests read that tree. Every
``marketplace.json`` and ``plugin.json`` is checked against the schemas in
``fixtures/agent-plugins``. The real Copilot CLI is driven in ``test_marketplace_copilot.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from chatmode_files import chatmode, write_tree
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.mkdocs_settings import read_settings
from marketplace_kit import (
    REPO,
    agent_names,
    copy_registry,
    handoff_agents,
    read_tree,
    run_marketplace,
    schema_errors,
)
from sitekit import snapshot

PLUGINS = "copilot-plugins"


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registry's own marketplace, written by the command into a copy of the registry."""
    registry = copy_registry(tmp_path_factory.mktemp("own") / "registry")
    completed = run_marketplace(cwd=registry)
    assert completed.returncode == 0, completed.stderr
    return registry


def manifest(root: Path) -> dict:
    return json.loads((root / ".github/plugin/marketplace.json").read_text(encoding="utf-8"))


def versions(root: Path) -> dict[str, str]:
    return {entry["name"]: entry["version"] for entry in manifest(root)["plugins"]}


def test_every_published_mode_is_a_plugin_named_by_its_slug(own):
    catalog = load_catalog(own / "chatmodes")
    document = manifest(own)
    assert document["name"] == "chatmode-registry"
    assert document["metadata"]["pluginRoot"] == f"./{PLUGINS}"
    assert [entry["name"] for entry in document["plugins"]] == sorted(mode.slug for mode in catalog.chatmodes)
    assert len(document["plugins"]) == 12
    for entry in document["plugins"]:
        assert entry["source"] == entry["name"]
        plugin = json.loads((own / PLUGINS / entry["name"] / ".github/plugin/plugin.json").read_bytes())
        assert plugin["name"] == entry["name"]
        assert plugin["version"] == entry["version"]
        assert plugin["description"] == entry["description"]
        assert plugin["license"] == "MIT"
    mode = next(mode for mode in catalog.chatmodes if mode.slug == "code-reviewer")
    keywords = json.loads((own / PLUGINS / "code-reviewer/.github/plugin/plugin.json").read_bytes())[
        "keywords"
    ]
    assert "search-codebase" in keywords and "search/codebase" in mode.tools


def test_every_manifest_validates_against_the_schemas(own):
    tree = read_tree(own)
    assert sum(path.endswith("plugin.json") for path in tree) == 12
    assert schema_errors(tree) == []
    # The check is not vacuous: a field outside the Agent Plugins schema is refused.
    path = f"{PLUGINS}/api-engineer/.github/plugin/plugin.json"
    broken = {path: json.dumps({**json.loads(tree[path]), "agents": ["./agents/"]}).encode()}
    assert schema_errors(broken) != []


def test_a_plugin_holds_its_mode_and_direct_targets_byte_for_byte(own):
    catalog = load_catalog(own / "chatmodes")
    by_slug = {mode.slug: mode for mode in catalog.chatmodes}
    for mode in catalog.chatmodes:
        targets = {t.target for t in mode.transitions if t.target} | {mode.slug}
        expected = {f"{by_slug[slug].stem}.md": by_slug[slug].raw for slug in targets}
        agents = own / PLUGINS / mode.slug / "agents"
        assert {path.name: path.read_bytes() for path in agents.iterdir()} == expected
        # Nothing else: a root plugin.json would make VS Code look for agents elsewhere.
        files = {
            path.relative_to(agents.parent).as_posix() for path in agents.parent.rglob("*") if path.is_file()
        }
        assert files == {".github/plugin/plugin.json", *(f"agents/{name}" for name in expected)}
        for slug in targets:
            assert (own / "chatmodes" / by_slug[slug].source).read_bytes() == expected[
                f"{by_slug[slug].stem}.md"
            ]


def test_every_handoff_of_a_plugin_names_one_of_its_agents(own):
    checked = 0
    for plugin in sorted((own / PLUGINS).iterdir()):
        source = next((own / "chatmodes").glob(f"{plugin.name}.*.md"))
        for agent in handoff_agents(source):
            assert agent in agent_names(plugin), (plugin.name, agent)
            checked += 1
    assert checked > 0


def test_the_same_catalog_gives_the_same_bytes(own, tmp_path):
    completed = run_marketplace("--out", tmp_path, cwd=own)
    assert completed.returncode == 0, completed.stderr
    assert read_tree(tmp_path) == read_tree(own)


def test_the_committed_marketplace_is_current():
    completed = run_marketplace("--check", cwd=REPO)
    assert completed.returncode == 0, completed.stderr
    assert "is up to date: 12 plugins" in completed.stdout


def test_check_names_every_stale_path_writes_nothing_and_a_run_makes_it_current(own, tmp_path):
    registry = tmp_path / "registry"
    shutil.copytree(own, registry)
    (registry / PLUGINS / "retired" / "agents").mkdir(parents=True)
    (registry / PLUGINS / "retired" / "agents" / "retired.md").write_text("old\n")
    (registry / PLUGINS / "qa-engineer" / ".github/plugin/plugin.json").unlink()
    (registry / ".github/plugin/notes.txt").write_text("not the command's\n")
    (registry / "README.md").write_text("kept\n")
    mode = registry / "chatmodes" / "technical-writer.chatmode.md"
    mode.write_bytes(mode.read_bytes() + b"\nOne more rule.\n")
    before = snapshot(registry)

    stale = run_marketplace("--check", cwd=registry)

    assert stale.returncode == 1
    assert snapshot(registry) == before
    assert f"  extra: {PLUGINS}/retired/agents/retired.md" in stale.stderr
    assert f"  missing: {PLUGINS}/qa-engineer/.github/plugin/plugin.json" in stale.stderr
    assert f"  changed: {PLUGINS}/technical-writer/agents/technical-writer.md" in stale.stderr
    assert "  changed: .github/plugin/marketplace.json" in stale.stderr

    written = run_marketplace(cwd=registry)
    assert written.returncode == 0, written.stderr
    assert run_marketplace("--check", cwd=registry).returncode == 0
    assert not (registry / PLUGINS / "retired").exists()
    assert (registry / ".github/plugin/notes.txt").read_text() == "not the command's\n"
    assert (registry / "README.md").read_text() == "kept\n"
    assert (
        registry / PLUGINS / "technical-writer/agents/technical-writer.md"
    ).read_bytes() == mode.read_bytes()


def test_a_version_changes_exactly_when_one_of_the_plugin_files_does(own, tmp_path):
    registry = tmp_path / "registry"
    shutil.copytree(own, registry)
    old = versions(registry)
    mode = registry / "chatmodes" / "security-engineer.chatmode.md"
    mode.write_bytes(mode.read_bytes().replace(b"\n", b"\n\n", 1))
    assert run_marketplace(cwd=registry).returncode == 0
    new = versions(registry)
    holding = {
        plugin.parent.parent.name for plugin in (registry / PLUGINS).glob("*/agents/security-engineer.md")
    }
    assert 1 < len(holding) < 12
    assert {name for name in new if new[name] != old[name]} == holding
    for version in new.values():
        assert version.startswith("0.0.0-sha256-")


def test_left_out_and_renamed_files_are_reported(tmp_path):
    """A rejected file and a slug too long for a plugin name are left out (CM401); a target
    whose file name is taken in the plugin (ignoring case) or is a Windows device name gets
    another one, and without a 'name' that changes its agent name (CM402)."""
    long_name = "a-very-long-file-name-that-makes-a-slug-longer-than-sixty-four-characters"
    write_tree(
        tmp_path / "chatmodes",
        {
            "lead.agent.md": chatmode(
                "Then Switch to **con** mode.\n",
                header="handoffs:\n  - {label: One, agent: spec, prompt: p}\n  - {label: Two, agent: Spec, prompt: p}\n",
            ),
            "a/spec.agent.md": chatmode("# Spec a\n"),
            "b/Spec.chatmode.md": chatmode("# Spec b\n"),
            "con.chatmode.md": chatmode("# Device\n"),
            f"{long_name}.agent.md": chatmode(),
            "broken.chatmode.md": b"---\ndescription: x\n---\n\xff\xfe\n",
        },
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: Odd names\nplugins:\n  - chatmodes\n")

    completed = run_marketplace(cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert "chatmodes/broken.chatmode.md: warning CM401" in completed.stderr
    assert f"chatmodes/{long_name}.agent.md: warning CM401" in completed.stderr
    assert "chatmodes/b/Spec.chatmode.md: warning CM402" in completed.stderr
    assert "chatmodes/con.chatmode.md: warning CM402" in completed.stderr
    plugins = [entry["name"] for entry in manifest(tmp_path)["plugins"]]
    assert plugins == ["con", "lead", "spec", "spec-2"]
    agents = sorted(path.name for path in (tmp_path / PLUGINS / "lead" / "agents").iterdir())
    assert agents == ["con-agent.md", "lead.md", "spec-2.md", "spec.md"]
    assert schema_errors(read_tree(tmp_path)) == []


def test_a_linked_plugin_root_is_refused_and_left_alone(own, tmp_path):
    registry = tmp_path / "registry"
    shutil.copytree(own, registry)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("mine\n")
    shutil.rmtree(registry / PLUGINS)
    os.symlink(outside, registry / PLUGINS)

    completed = run_marketplace(cwd=registry)

    assert completed.returncode == 2
    assert "symbolic link" in completed.stderr
    assert sorted(path.name for path in outside.iterdir()) == ["precious.txt"]


def test_mkdocs_settings_resolve_env_and_run_no_named_code(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: !ENV [SITE_NAME_X, Fallback]\n"
        "repo_url: !ENV REPO_URL_X\n"
        "markdown_extensions:\n"
        "  - pymdownx.superfences:\n"
        "      custom_fences:\n"
        f"        - {{name: m, format: !!python/object/apply:os.system ['touch {marker}']}}\n"
        "plugins:\n"
        "  search: {}\n"
        "  chatmodes:\n"
        "    source: modes\n"
        "    marketplace_name: !ENV [MARKET_X, fallback-name]\n"
    )
    monkeypatch.delenv("SITE_NAME_X", raising=False)
    monkeypatch.setenv("MARKET_X", "from-env")
    monkeypatch.delenv("REPO_URL_X", raising=False)

    settings = read_settings(config)

    assert not marker.exists()
    assert settings.site_name == "Fallback"
    assert settings.repo_url is None
    assert settings.option("marketplace_name") == "from-env"
    assert settings.source == tmp_path / "modes"

"""The registry's marketplace driven with the real GitHub Copilot CLI (npm ``@github/copilot``).

The CLI is found at ``$COPILOT_CLI``, else where ``.ci/run`` installs it
(``.copilot-cli/node_modules/.bin/copilot``), else on ``PATH``. Without it the tests are
skipped, except in CI (``CI`` set), where a missing CLI fails them. The CLI runs with its
own ``HOME``, offline and signed out: marketplaces and plugins need neither.

One module fixture does the whole scenario once (adding a marketplace costs a clone, and the
CLI's first start in a new ``HOME`` unpacks itself for a few seconds) and records what the
CLI printed and installed; the tests read that record:

1. the registry's own marketplace (``chatmodes marketplace`` over this repository's modes and
   ``mkdocs.yml``) committed in a git repository;
2. ``marketplace add`` of its folder (a local path, loaded live), ``browse``, ``install``,
   ``list``; then the marketplace is removed again;
3. ``marketplace add`` of its git URL, served over git's smart HTTP on 127.0.0.1
   (``tests/git_http.py``), ``browse``, ``install`` of two plugins, ``list``;
4. a mode changed in a new commit, the marketplace regenerated and committed, and
   ``plugin update`` of both plugins.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import marketplace_kit as kit
from chatmode_files import chatmode, write_tree
from git_http import GitHttpServer
from sitekit import git

pytestmark = pytest.mark.copilot_cli

MARKETPLACE = "chatmode-registry"
#: The mode changed in a new commit, and a plugin that does not hold it.
CHANGED = "technical-writer"

#: Where .ci/run installs the CLI (git-ignored).
LOCAL_INSTALL = kit.REPO / ".copilot-cli" / "node_modules" / ".bin" / "copilot"


def copilot_executable() -> str | None:
    """The Copilot CLI to drive, or ``None``."""
    configured = os.environ.get("COPILOT_CLI")
    if configured:
        return configured
    if LOCAL_INSTALL.exists():
        return str(LOCAL_INSTALL)
    return shutil.which("copilot")


@dataclass
class Copilot:
    """The real CLI with its own ``HOME``."""

    executable: str
    home: Path
    log: list[str] = field(default_factory=list)

    def run(self, *args: str) -> str:
        """Run ``copilot ARGS``; fail the test with its output unless it succeeds."""
        environment = {
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", ""),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
        }
        completed = subprocess.run(
            [self.executable, *args],
            env=environment,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        self.log.append(f"$ copilot {' '.join(args)}\n{completed.stdout}{completed.stderr}")
        assert completed.returncode == 0, "\n".join(self.log)
        return completed.stdout

    def listed(self) -> dict[str, dict]:
        """``plugin list --json`` by ``name@marketplace``."""
        return {
            f"{entry['name']}@{entry['marketplace']}": entry
            for entry in json.loads(self.run("plugin", "list", "--json"))
            if entry.get("marketplace")
        }

    def installed(self, marketplace: str, plugin: str) -> Path:
        """Where the CLI copies a plugin installed from a git marketplace (GitHub's CLI plugin
        reference, "File locations"; seen here with 1.0.102)."""
        return self.home / ".copilot" / "installed-plugins" / marketplace / plugin


def browsed(output: str) -> list[str]:
    """Plugin names of ``marketplace browse`` (lines ``  • NAME - description``)."""
    return [line.split("•", 1)[1].split(" - ", 1)[0].strip() for line in output.splitlines() if "•" in line]


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


@pytest.fixture(scope="module")
def copilot(tmp_path_factory: pytest.TempPathFactory) -> Copilot:
    executable = copilot_executable()
    if executable is None:
        message = "Copilot CLI not found: set COPILOT_CLI or run .ci/run (npm install @github/copilot)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cli = Copilot(executable, tmp_path_factory.mktemp("copilot-home"))
    assert "1.0." in cli.run("--version")
    return cli


@dataclass
class Scenario:
    """What the CLI printed and installed at each step."""

    repository: Path
    url: str = ""
    local_browse: str = ""
    local_list: dict[str, dict] = field(default_factory=dict)
    git_browse: str = ""
    kept: str = ""
    list_before: dict[str, dict] = field(default_factory=dict)
    list_after: dict[str, dict] = field(default_factory=dict)
    tree_before: dict[str, bytes] = field(default_factory=dict)
    tree_after: dict[str, bytes] = field(default_factory=dict)
    installed_before: dict[str, dict[str, bytes]] = field(default_factory=dict)
    installed_after: dict[str, dict[str, bytes]] = field(default_factory=dict)
    updates: list[str] = field(default_factory=list)


def commit_marketplace(repository: Path, message: str) -> dict[str, bytes]:
    completed = kit.run_marketplace(cwd=repository)
    assert completed.returncode == 0, completed.stderr
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", message)
    return kit.read_tree(repository)


@pytest.fixture(scope="module")
def scenario(copilot: Copilot, tmp_path_factory: pytest.TempPathFactory):
    served = tmp_path_factory.mktemp("served")
    repository = kit.copy_registry(served / "registry")
    git(repository, "init", "-q", "-b", "main")
    record = Scenario(repository)
    record.tree_before = commit_marketplace(repository, "the registry and its marketplace")
    holding = {
        path.parent.parent.name for path in (repository / "copilot-plugins").glob(f"*/agents/{CHANGED}.md")
    }
    record.kept = sorted(set(browsed_names(record.tree_before)) - holding)[0]

    # A local path: loaded live from the folder, nothing copied.
    copilot.run("plugin", "marketplace", "add", str(repository))
    record.local_browse = copilot.run("plugin", "marketplace", "browse", MARKETPLACE)
    copilot.run("plugin", "install", f"code-reviewer@{MARKETPLACE}")
    record.local_list = copilot.listed()
    copilot.run("plugin", "uninstall", f"code-reviewer@{MARKETPLACE}")
    copilot.run("plugin", "marketplace", "remove", "--force", MARKETPLACE)

    with GitHttpServer(served) as server:
        record.url = server.url("registry")
        copilot.run("plugin", "marketplace", "add", record.url)
        record.git_browse = copilot.run("plugin", "marketplace", "browse", MARKETPLACE)
        for plugin in (CHANGED, record.kept):
            copilot.run("plugin", "install", f"{plugin}@{MARKETPLACE}")
            record.installed_before[plugin] = files_of(copilot.installed(MARKETPLACE, plugin))
        record.list_before = copilot.listed()

        mode = repository / "chatmodes" / f"{CHANGED}.chatmode.md"
        mode.write_bytes(mode.read_bytes() + b"\nKeep every example runnable.\n")
        record.tree_after = commit_marketplace(repository, f"{CHANGED}: one more rule")
        for plugin in (CHANGED, record.kept):
            record.updates.append(copilot.run("plugin", "update", f"{plugin}@{MARKETPLACE}"))
            record.installed_after[plugin] = files_of(copilot.installed(MARKETPLACE, plugin))
        record.list_after = copilot.listed()
    return record


def browsed_names(tree: dict[str, bytes]) -> list[str]:
    return [entry["name"] for entry in json.loads(tree[".github/plugin/marketplace.json"])["plugins"]]


def plugin_files(tree: dict[str, bytes], plugin: str) -> dict[str, bytes]:
    prefix = f"copilot-plugins/{plugin}/"
    return {path[len(prefix) :]: data for path, data in tree.items() if path.startswith(prefix)}


def test_the_marketplace_validates_and_browse_lists_all_twelve_modes(scenario):
    assert kit.schema_errors(scenario.tree_before) == [] and kit.schema_errors(scenario.tree_after) == []
    modes = sorted(path.name.split(".", 1)[0] for path in (kit.REPO / "chatmodes").glob("*.md"))
    assert len(modes) == 12
    assert browsed(scenario.local_browse) == modes
    assert browsed(scenario.git_browse) == modes


def test_a_local_path_marketplace_is_loaded_live(scenario):
    entry = scenario.local_list[f"code-reviewer@{MARKETPLACE}"]
    assert entry["source"] == "live"
    assert Path(entry["installedFrom"]) == scenario.repository
    assert (
        entry["version"]
        == json.loads(scenario.tree_before["copilot-plugins/code-reviewer/.github/plugin/plugin.json"])[
            "version"
        ]
    )


def test_a_git_url_install_copies_the_published_bytes(scenario):
    for plugin in (CHANGED, scenario.kept):
        assert scenario.installed_before[plugin] == plugin_files(scenario.tree_before, plugin)
        entry = scenario.list_before[f"{plugin}@{MARKETPLACE}"]
        assert entry["source"] != "live" and entry["enabled"] is True
    agents = scenario.installed_before[CHANGED]
    source = (kit.REPO / "chatmodes" / f"{CHANGED}.chatmode.md").read_bytes()
    assert agents[f"agents/{CHANGED}.md"] == source


def test_update_brings_the_new_bytes_and_an_unchanged_plugin_keeps_its_version(scenario):
    changed, kept = f"{CHANGED}@{MARKETPLACE}", f"{scenario.kept}@{MARKETPLACE}"
    assert scenario.installed_after[CHANGED] == plugin_files(scenario.tree_after, CHANGED)
    assert scenario.installed_after[CHANGED] != scenario.installed_before[CHANGED]
    assert scenario.installed_after[CHANGED][f"agents/{CHANGED}.md"].endswith(
        b"Keep every example runnable.\n"
    )
    assert scenario.list_after[changed]["version"] != scenario.list_before[changed]["version"]
    assert scenario.list_after[kept]["version"] == scenario.list_before[kept]["version"]
    assert scenario.installed_after[scenario.kept] == scenario.installed_before[scenario.kept]
    assert "already at latest" in scenario.updates[1]


def test_a_held_out_style_collection_gives_a_marketplace_the_cli_browses(copilot, tmp_path):
    """Hundreds of modes with odd file names in folders, a rejected file and a mode with 30
    handoffs: the CLI lists every plugin the command wrote, and the 30-handoff plugin, once
    installed, names each of its handoffs' agents."""
    files: dict[str, str | bytes] = {}
    odd = ["Spec(2)-design", "R&D notes", "Café crème", "déjà vu 🚀", "UPPER case", "a.b.c", "x  y"]
    for number in range(300):
        stem = f"{odd[number % len(odd)]} {number}" if number % 3 == 0 else f"mode-{number}"
        files[f"team-{number % 7}/{stem}.{'agent' if number % 2 else 'chatmode'}.md"] = chatmode(
            f"# Mode {number}\n\nSwitch to **mode-{(number + 1) % 300}** mode when done.\n",
            description=f"Mode number {number}.",
        )
    targets = [f"mode-{number}" for number in range(1, 300) if number % 3][:30]
    handoffs = "".join(f"  - {{label: Go {target}, agent: {target}, prompt: go}}\n" for target in targets)
    files["lead.agent.md"] = chatmode("# Lead\n", header=f"name: Lead\nhandoffs:\n{handoffs}")
    files["binary.chatmode.md"] = b"---\ndescription: x\n---\n\xff\n"
    registry = write_tree(tmp_path / "registry" / "chatmodes", files).parent
    (registry / "mkdocs.yml").write_text(
        "site_name: Held out\nplugins:\n  - chatmodes:\n      marketplace_name: held-out\n", encoding="utf-8"
    )
    completed = kit.run_marketplace(cwd=registry)
    assert completed.returncode == 0, completed.stderr
    assert "chatmodes/binary.chatmode.md: warning CM401" in completed.stderr
    tree = kit.read_tree(registry)
    assert kit.schema_errors(tree) == []
    written = browsed_names(tree)
    assert len(written) == 301

    copilot.run("plugin", "marketplace", "add", str(registry))
    assert browsed(copilot.run("plugin", "marketplace", "browse", "held-out")) == written
    copilot.run("plugin", "install", "lead@held-out")
    assert copilot.listed()["lead@held-out"]["enabled"] is True
    lead = registry / "copilot-plugins" / "lead"
    assert len(list((lead / "agents").iterdir())) == 31
    assert set(kit.handoff_agents(registry / "chatmodes" / "lead.agent.md")) == set(targets)
    assert set(targets) <= kit.agent_names(lead)


def test_a_marketplace_on_a_branch_is_added_with_url_hash_branch(copilot, tmp_path):
    """Copilot CLI 1.0.102 takes ``SOURCE#REF`` (its changelog: 'owner/repo#ref', 1.0.55) and
    clones that branch: a marketplace kept on a branch other than the default one works too.
    The registry still commits its marketplace on the default branch (docs/publishing.md),
    since VS Code's documented marketplace references name no branch."""
    repository = tmp_path / "served" / "branchy"
    write_tree(repository / "chatmodes", {"solo.agent.md": chatmode("# Solo\n")})
    (repository / "mkdocs.yml").write_text(
        "site_name: Branchy\nplugins:\n  - chatmodes:\n      marketplace_name: branchy\n", encoding="utf-8"
    )
    git(repository, "init", "-q", "-b", "main")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "modes only")
    git(repository, "checkout", "-q", "-b", "marketplace")
    commit_marketplace(repository, "the marketplace, on its own branch")
    git(repository, "checkout", "-q", "main")
    assert not (repository / ".github").exists()

    with GitHttpServer(repository.parent) as server:
        copilot.run("plugin", "marketplace", "add", f"{server.url('branchy')}#marketplace")
        assert browsed(copilot.run("plugin", "marketplace", "browse", "branchy")) == ["solo"]
    settings = json.loads((copilot.home / ".copilot" / "settings.json").read_text(encoding="utf-8"))
    assert settings["extraKnownMarketplaces"]["branchy"]["source"]["ref"] == "marketplace"

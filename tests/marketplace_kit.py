"""Helpers for the plugin marketplace tests: run ``chatmodes marketplace``, read the tree it
wrote, check its manifests against the schemas kept in ``fixtures/agent-plugins`` and check
that every handoff of a plugin names one of the plugin's agents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from chatmode_registry.core.frontmatter import split

#: This repository (the registry whose own marketplace the tests build).
REPO = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "fixtures" / "agent-plugins"


def run_marketplace(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real ``chatmodes marketplace`` command in ``cwd``."""
    environment = {key: value for key, value in os.environ.items() if key != "CHATMODES_MARKETPLACE_SOURCE"}
    return subprocess.run(
        [sys.executable, "-m", "chatmode_registry.cli", "marketplace", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=environment,
    )


def copy_registry(destination: Path) -> Path:
    """This repository's ``mkdocs.yml`` and ``chatmodes/`` copied into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(REPO / "chatmodes", destination / "chatmodes")
    return destination


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file of the marketplace under ``root`` (its manifest and plugin folders)."""
    found = {}
    for path in sorted(
        [root / ".github" / "plugin" / "marketplace.json", *(root / "copilot-plugins").rglob("*")]
    ):
        if path.is_file():
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(tree: dict[str, bytes]) -> list[str]:
    """Every way the tree's ``marketplace.json`` and ``plugin.json`` files break their schemas."""
    problems = []
    for path, data in tree.items():
        if path.endswith("/marketplace.json") or path == ".github/plugin/marketplace.json":
            schema = "marketplace.schema.json"
        elif path.endswith("/.github/plugin/plugin.json"):
            schema = "plugin.schema.json"
        else:
            continue
        document = json.loads(data)
        problems += [f"{path}: {error.message}" for error in _validator(schema).iter_errors(document)]
    return problems


def header(path: Path) -> dict:
    """A chat mode file's header as a mapping (empty without one)."""
    found = yaml.safe_load(split(path.read_bytes().decode("utf-8-sig")).header or "")
    return found if isinstance(found, dict) else {}


def agent_names(plugin: Path) -> set[str]:
    """The names VS Code knows a plugin's agents by: ``name:`` in the header, else the file stem."""
    names = set()
    for path in (plugin / "agents").iterdir():
        name = header(path).get("name")
        names.add(name if isinstance(name, str) else path.name.removesuffix(".md"))
    return names


def handoff_agents(path: Path) -> list[str]:
    """The ``agent`` of every handoff in a chat mode file's header."""
    handoffs = header(path).get("handoffs")
    return [entry["agent"] for entry in handoffs or [] if isinstance(entry, dict) and "agent" in entry]

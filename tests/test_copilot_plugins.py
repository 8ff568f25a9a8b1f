"""Reading Copilot CLI's records of installed plugins (core/copilot_plugins.py) when they are
not what the CLI writes: malformed, oversized, or pointing out of their folders. The files the
real CLI writes are read in test_status_copilot_plugins.py; here they are written by hand in
the shapes seen there (settings.json, config.json with its ``//`` header)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatmode_registry.core.copilot_plugins import MAX_JSON_BYTES, copilot_home, plugin_installs

CONFIG_HEADER = "// User settings belong in settings.json.\n// This file is managed automatically.\n"


def write_home(home: Path, *, settings: object = None, config: str | None = None) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    if settings is not None:
        (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    if config is not None:
        (home / "config.json").write_text(config, encoding="utf-8")
    return home


def test_copied_plugins_come_from_config_json_after_its_comment_lines(tmp_path: Path) -> None:
    folder = tmp_path / "home" / "installed-plugins" / "team" / "alpha"
    (folder / "agents").mkdir(parents=True)
    (folder / "agents" / "alpha.md").write_text("x", encoding="utf-8")
    (folder / "agents" / "notes.txt").write_text("not an agent", encoding="utf-8")
    records = [
        {"name": "alpha", "marketplace": "team", "version": "1.0.0", "cache_path": str(folder)},
        {"name": "beta", "marketplace": "awesome-copilot", "version": "1.0.0", "cache_path": str(folder)},
        {"name": "../../etc", "marketplace": "team"},
        "not a record",
    ]
    home = write_home(tmp_path / "home", config=CONFIG_HEADER + json.dumps({"installedPlugins": records}))
    installs, problems = plugin_installs(home, "team")
    assert problems == []
    assert [(i.spec, i.live, i.folder) for i in installs] == [("alpha@team", False, folder)]
    assert installs[0].agent_files() == [folder / "agents" / "alpha.md"]


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ("{not json", "is not JSON Copilot CLI wrote"),
        ("[" * 100_000, "is not JSON Copilot CLI wrote"),
        (b"\xff\xfe".decode("latin-1"), "is not JSON Copilot CLI wrote"),
        (" " * (MAX_JSON_BYTES + 1), "is larger than"),
    ],
)
def test_a_malformed_record_is_a_problem_not_a_crash(tmp_path: Path, config: str, problem: str) -> None:
    home = write_home(tmp_path / "home", config=config)
    installs, problems = plugin_installs(home, "team")
    assert installs == [] and len(problems) == 1 and problem in problems[0]


def test_live_plugins_stay_inside_their_marketplace_folder(tmp_path: Path) -> None:
    market = tmp_path / "market"
    (market / ".github" / "plugin").mkdir(parents=True)
    for name in ("inside", "outside"):
        (tmp_path / name / "agents").mkdir(parents=True, exist_ok=True)
    (market / "plugins" / "alpha" / "agents").mkdir(parents=True)
    manifest = {
        "name": "team",
        "metadata": {"pluginRoot": "./plugins"},
        "plugins": [
            {"name": "alpha", "source": "alpha"},
            {"name": "escape", "source": "../../outside"},
            {"name": "gamma", "source": "missing"},
        ],
    }
    (market / ".github" / "plugin" / "marketplace.json").write_text(json.dumps(manifest), encoding="utf-8")
    settings = {
        "extraKnownMarketplaces": {"team": {"source": {"source": "directory", "path": str(market)}}},
        "enabledPlugins": {"alpha@team": True, "escape@team": True, "gamma@team": True, "off@team": False},
    }
    installs, problems = plugin_installs(write_home(tmp_path / "home", settings=settings), "team")
    assert problems == []
    assert [(i.spec, i.live, i.folder) for i in installs] == [
        ("alpha@team", True, (market / "plugins" / "alpha").resolve())
    ]


def test_the_home_is_copilot_home_else_home_dot_copilot(tmp_path: Path) -> None:
    assert copilot_home({"COPILOT_HOME": str(tmp_path / "c"), "HOME": str(tmp_path)}) == tmp_path / "c"
    assert (
        copilot_home({"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "x")}) == tmp_path / ".copilot"
    )

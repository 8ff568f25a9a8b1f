"""Shared fixtures: small MkDocs projects with chat modes, built for real.

:func:`write_project` writes ``mkdocs.yml``, ``docs/index.md`` and a ``chatmodes/`` folder;
:func:`build` runs ``python -m mkdocs build`` (or ``properdocs``) on it in a subprocess,
without ``-q`` so that ``--strict`` really counts warnings (see FACTS.md), and returns the
site folder with the exit code and the log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

#: A small, clean collection: no diagnostics at all, transitions both ways, one agent file,
#: one file in a sub-folder, one with a handoff.
CLEAN_MODES: dict[str, str | bytes] = {
    "alpha.chatmode.md": """\
---
description: Plans the work and splits it into tasks.
tools: ['search/codebase', 'edit/editFiles']
model: GPT-5.2
handoffs:
  - label: Build it
    agent: Beta
    prompt: Implement the plan.
---

# Alpha Chat Mode

Plan first.

> [!NOTE]
> Keep plans short.

Switch to **Gamma** chatmode to review the result.
""",
    "beta.agent.md": """\
---
name: Beta
description: Implements plans.
tools: ['edit/editFiles', 'search']
model: Claude Sonnet 4.5
argument-hint: What should be built?
target: vscode
---

# Beta

When done, hand off to **Alpha** for the next plan.
""",
    "sub/gamma.chatmode.md": """\
---
description: Reviews changes.
tools: ['search']
---

# Gamma

Reviews.
""",
}

SITE_URL = "https://example.org/registry/"

#: Environment variables that change a build and must not leak in from the caller (``CI``
#: makes a build a deployment, which refuses a local ``site_url``; tests that mean it set it).
_BUILD_VARIABLES = ("MIKE_DOCS_VERSION", "CHATMODES_BASELINE", "SITE_URL", "CI", "CHATMODES_LOCAL_SITE_URL")


def local_build_environment() -> dict[str, str]:
    """This process's environment without the variables that change a build (a CI run's ``CI``
    would make every test build a deployment)."""
    return {key: value for key, value in os.environ.items() if key not in _BUILD_VARIABLES}


def write_project(
    root: Path,
    modes: dict[str, str | bytes] | None = None,
    *,
    config: dict[str, Any] | None = None,
    plugin_options: dict[str, Any] | None = None,
    docs: dict[str, str] | None = None,
    files: dict[str, str | bytes] | None = None,
) -> Path:
    """Write a MkDocs project into ``root`` and return ``root``.

    ``modes`` go to ``chatmodes/`` (str is written as UTF-8 with ``\\n`` line endings, bytes
    as they are); ``config`` is merged over a default Material configuration;
    ``plugin_options`` are the ``chatmodes`` plugin's; ``docs`` are extra docs pages;
    ``files`` any other files relative to ``root``.
    """
    root.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {
        "site_name": "Test registry",
        "site_url": SITE_URL,
        "theme": {"name": "material", "font": False, "features": ["navigation.instant"]},
        "plugins": ["search", {"chatmodes": plugin_options or {}}],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            {"toc": {"permalink": True}},
            "pymdownx.superfences",
            {"pymdownx.highlight": {"use_pygments": True}},
        ],
    }
    for key, value in (config or {}).items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    (root / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    pages = {"index.md": "# Home\n\nWelcome.\n", **(docs or {})}
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    source = root / "chatmodes"
    source.mkdir(exist_ok=True)
    for name, text in (CLEAN_MODES if modes is None else modes).items():
        _write(source / name, text)
    for name, text in (files or {}).items():
        _write(root / name, text)
    return root


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="\n")


@dataclass
class BuildResult:
    """What a build left behind."""

    site: Path
    returncode: int
    log: str

    @property
    def ok(self) -> bool:
        """True when the build command succeeded."""
        return self.returncode == 0

    def warnings(self) -> list[str]:
        """The ``WARNING`` lines of the log."""
        return [line for line in self.log.splitlines() if line.startswith("WARNING")]

    def messages(self, level: str = "WARNING") -> list[str]:
        """Every message logged at ``level``, in order, without the level prefix: tests compare
        the whole list, so a new or changed message shows up as a failure."""
        prefix = f"{level:<8}-  "
        return [line[len(prefix) :] for line in self.log.splitlines() if line.startswith(prefix)]


def build(
    project: Path,
    *,
    strict: bool = False,
    env: dict[str, str] | None = None,
    command: str = "mkdocs",
) -> BuildResult:
    """Build ``project`` with the real ``mkdocs`` (or ``properdocs``) command line.

    The site goes to ``project/site``. ``env`` adds environment variables; the variables
    that steer the plugin (``MIKE_DOCS_VERSION``, ``CHATMODES_BASELINE``, ``SITE_URL``, ``CI``) are
    removed unless given there.
    """
    environment = local_build_environment()
    environment["NO_MKDOCS_2_WARNING"] = "1"
    environment.update(env or {})
    site = project / "site"
    arguments = [sys.executable, "-m", command, "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        arguments.append("--strict")
    completed = subprocess.run(
        arguments, cwd=project, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    return BuildResult(site=site, returncode=completed.returncode, log=completed.stdout + completed.stderr)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A factory: ``make_project(modes=None, **options)`` writes a project (see :func:`write_project`)."""
    counter = iter(range(1, 1000))

    def make(modes: dict[str, str | bytes] | None = None, **options: Any) -> Path:
        return write_project(tmp_path / f"project{next(counter)}", modes, **options)

    return make


@pytest.fixture(scope="session")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The clean collection, built once per session (strict: it has no diagnostics)."""
    project = write_project(tmp_path_factory.mktemp("clean"))
    result = build(project, strict=True)
    assert result.ok, result.log
    return result


@pytest.fixture(scope="session")
def registry_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(source, site)``: sitekit's small chat mode tree and the site MkDocs builds from it,
    once per session. Both are read only: a test that changes the site takes :func:`site`."""
    from sitekit import build_site, write_chatmodes

    root = tmp_path_factory.mktemp("registry")
    source = write_chatmodes(root / "chatmodes")
    build_site(source, root / "site")
    return source, root / "site"


@pytest.fixture
def site(registry_build: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of :func:`registry_build`'s site that the test may tamper with (a module with a
    site of its own defines its own ``site``)."""
    return Path(shutil.copytree(registry_build[1], tmp_path / "site"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the working directory (default destinations are relative)."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def server(site: Path):
    """The test module's ``site`` fixture served over HTTP on 127.0.0.1."""
    from sitekit import SiteServer

    with SiteServer(site) as running:
        yield running


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last. Playwright's sync API keeps an event loop running in the
    main thread once a browser has started, so tests that run their own event loop (the MCP
    client) or hold signals (install's Ctrl-C handling) must come before it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)

"""The README's quick start as a newcomer reads it: blocks that run top to bottom, and a banner
described as ``mkdocs build`` prints it today (#25)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from sitekit import chatmodes

ROOT = Path(__file__).resolve().parent.parent


def quick_start() -> str:
    """The README's "Quick start" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def commands(block: str) -> list[str]:
    """The command lines of a bash block (comments and blank lines left out)."""
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_blocking_server_runs_alone_after_the_tests() -> None:
    """``mkdocs serve`` never returns: in a block with other commands, those after it never run
    and those chained with ``&&`` wait for it; it comes last, alone in its block."""
    blocks = re.findall(r"```bash\n(.*?)```", quick_start(), flags=re.DOTALL)
    (serving,) = [index for index, block in enumerate(blocks) if "mkdocs serve" in block]
    assert commands(blocks[serving]) == ["mkdocs serve"]
    (testing,) = [index for index, block in enumerate(blocks) if "python -m pytest" in block]
    assert testing < serving


def mkdocs_build(site: Path, **extra: str) -> str:
    """Build this repository's site into ``site`` (without ``NO_MKDOCS_2_WARNING`` unless
    given); return what mkdocs printed."""
    environment = {key: value for key, value in os.environ.items() if key != "NO_MKDOCS_2_WARNING"}
    completed = subprocess.run(
        ["mkdocs", "build", "-d", str(site)],
        cwd=ROOT,
        env={**environment, **extra},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return completed.stdout + completed.stderr


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """What a plain ``mkdocs build`` of this repository prints, and the site it wrote."""
    site = tmp_path_factory.mktemp("registry") / "site"
    return mkdocs_build(site), site


def test_the_banner_is_described_as_mkdocs_prints_it(registry: tuple[str, Path], tmp_path: Path) -> None:
    banner, _ = registry
    text = quick_start()
    for fact in ("May 5, 2027", "Zensical", "ProperDocs", "NO_MKDOCS_2_WARNING"):
        assert fact in banner and fact in text, fact
    assert "MkDocs 2" not in banner.replace("MKDOCS_2", "") and "MkDocs 2" not in text
    quiet = mkdocs_build(tmp_path / "quiet", NO_MKDOCS_2_WARNING="1")
    assert "Zensical" not in quiet and "ProperDocs" not in quiet


def test_the_home_page_pastes_each_mode_where_install_puts_it(
    registry: tuple[str, Path], tmp_path: Path
) -> None:
    """The paths docs/index.md tells a reader to paste into are the published file names, in
    the folders ``chatmodes install`` writes them to."""
    _, site = registry
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    pasted = re.findall(r"`(\.github/[a-z]+/[a-z-]+\.(?:chatmode|agent)\.md)`", home)
    assert len(pasted) >= 2
    for path in pasted:
        name = path.rsplit("/", 1)[1]
        slug = name.split(".", 1)[0]
        assert (site / "catalog" / slug / name).is_file(), path
        project = tmp_path / slug
        project.mkdir()
        completed = chatmodes("install", slug, "--from", site, cwd=project)
        assert completed.returncode == 0, completed.stderr
        assert (project / path).read_bytes() == (site / "catalog" / slug / name).read_bytes()


def test_with_all_reachable_every_installed_link_leads_somewhere(
    registry: tuple[str, Path], tmp_path: Path
) -> None:
    """The home page's promise, with the real commands: install with every reachable mode, then
    validating the workspace finds no transition to a mode that is not there."""
    _, site = registry
    installed = chatmodes(
        "install", "backend-engineer", "--with-transitions", "--all-reachable", "--from", site, cwd=tmp_path
    )
    assert installed.returncode == 0, installed.stderr
    (tmp_path / ".git").mkdir()
    checked = chatmodes("validate", "--format", "json", cwd=tmp_path)
    report = json.loads(checked.stdout)
    assert report["files"] > 1 and report["errors"] == 0
    assert [d for d in report["diagnostics"] if d["code"] == "CM302"] == []

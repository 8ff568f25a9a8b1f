"""What the README and the docs promise a newcomer, checked against what the commands do (#25):
a quick start that runs top to bottom, the banner ``mkdocs build`` prints today, the home page's
paste paths and links, and previews described as the workflows make them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import local_build_environment
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
    # One command, as the quick start promises (install, then serve), ending with the server.
    assert commands(blocks[serving]) == ["pip install -e . && mkdocs serve"]
    (testing,) = [index for index, block in enumerate(blocks) if "python -m pytest" in block]
    assert testing < serving


def mkdocs_build(site: Path, **extra: str) -> str:
    """Build this repository's site into ``site`` (without ``NO_MKDOCS_2_WARNING`` unless
    given); return what mkdocs printed."""
    environment = {
        key: value for key, value in local_build_environment().items() if key != "NO_MKDOCS_2_WARNING"
    }
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


def test_contributing_and_the_readme_describe_previews_as_the_workflows_make_them() -> None:
    """preview.yml builds and hands the site over as a workflow artifact; preview-publish.yml
    publishes it as the hidden mike version pr-<N> and comments its address (its steps run for
    real in test_workflows.py). Both documents say so, and neither sends readers to download."""
    workflows = ROOT / ".github" / "workflows"
    assert "upload-artifact" in (workflows / "preview.yml").read_text(encoding="utf-8")
    publishing = (workflows / "preview-publish.yml").read_text(encoding="utf-8")
    assert "preview-pages.sh publish" in publishing and "pr-<N>" in publishing
    contributing = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    preview = contributing.split("3. **Preview.**", 1)[1].split("4. **", 1)[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (preview, readme):
        assert "pr-<N>" in " ".join(text.split())
        assert "Download it" not in text


def test_contributing_says_which_matching_rule_applies_where(tmp_path: Path) -> None:
    """Prose finds Security Engineer by any spelling of its name or slug; a handoff needs the
    exact name. The page says both, and the real command behaves as the page says."""
    contributing = " ".join((ROOT / "docs" / "contributing.md").read_text(encoding="utf-8").split())
    assert "`Security Engineer`, `security engineer` and `security-engineer` all find" in contributing
    assert "only `agent: Security Engineer` reaches it" in contributing
    modes = tmp_path / "modes"
    modes.mkdir()
    (modes / "security-engineer.agent.md").write_text(
        "---\nname: Security Engineer\ndescription: Threat models.\n---\nSecurity.\n", encoding="utf-8"
    )
    for index, spelling in enumerate(("Security Engineer", "security engineer", "security-engineer")):
        (modes / f"prose-{index}.agent.md").write_text(
            f"---\ndescription: Prose.\n---\nSwitch to **{spelling}** mode to review.\n", encoding="utf-8"
        )
    for index, spelling in enumerate(("Security Engineer", "security engineer", "security-engineer")):
        (modes / f"handoff-{index}.agent.md").write_text(
            f"---\ndescription: Handoff.\nhandoffs:\n  - label: Review\n    agent: {spelling}\n    prompt: Review.\n---\nGo.\n",
            encoding="utf-8",
        )
    report = json.loads(chatmodes("validate", "modes", "--format", "json", cwd=tmp_path).stdout)
    dangling = {d["path"]: d["message"] for d in report["diagnostics"] if d["code"] == "CM302"}
    assert sorted(dangling) == ["modes/handoff-1.agent.md", "modes/handoff-2.agent.md"]
    for message in dangling.values():
        assert "needs the agent's exact name" in message and message.endswith("so write 'Security Engineer'")
        assert message.count(". ") == 0  # one sentence

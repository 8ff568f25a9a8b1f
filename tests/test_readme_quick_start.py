"""The README's quick start as a newcomer reads it: blocks that run top to bottom, and a banner
described as ``mkdocs build`` prints it today (#25)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

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


def test_the_banner_is_described_as_mkdocs_prints_it(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "NO_MKDOCS_2_WARNING"}

    def build(**extra: str) -> str:
        completed = subprocess.run(
            ["mkdocs", "build", "-d", str(tmp_path / "site")],
            cwd=ROOT,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return completed.stdout + completed.stderr

    banner = build()
    text = quick_start()
    for fact in ("May 5, 2027", "Zensical", "ProperDocs", "NO_MKDOCS_2_WARNING"):
        assert fact in banner and fact in text, fact
    assert "MkDocs 2" not in banner.replace("MKDOCS_2", "") and "MkDocs 2" not in text
    quiet = build(NO_MKDOCS_2_WARNING="1")
    assert "Zensical" not in quiet and "ProperDocs" not in quiet

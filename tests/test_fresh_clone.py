"""A fresh clone passes: the README's test command, run in a clone with nothing beside it.

The clone is made with ``git clone`` from this checkout into an empty temporary folder, so it
has exactly the committed files (nothing ignored, nothing uncommitted) and no ``shared/`` or
other project folder next to it: a test that reads outside the repository fails there.

What runs is the pytest half of the README's quick-start test command, with the browser tests
and the Copilot CLI tests deselected (they need Chromium or the Copilot CLI, are run on their
own by the outer run, and write only below their temporary folders) and this test deselected
(the inner run must not clone again). The ``pip install -e ".[test]"`` half is not run: it would point the
current venv's editable install at the temporary clone, and a fresh venv cannot install the
dependencies without downloading them. Instead the inner run uses this venv's interpreter and
installed dependencies, with ``PYTHONPATH`` set to the clone's ``plugins/`` so that
``chatmode_registry`` (and through it the ``mkdocs`` plugin and the ``chatmodes`` command, whose
entry points name the module) is imported from the clone; the test checks that it is. Installing
the package itself from its files is covered by ``test_packaging.py``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).name


def readme_test_command() -> list[str]:
    """The pytest command of the README's quick start (the part after ``&&``), split into words."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (line,) = [line for line in quick_start.splitlines() if re.search(r"\bpython -m pytest\b", line)]
    install, _, test = line.partition("&&")
    assert install.strip() == 'pip install -e ".[test]"', line
    return shlex.split(test)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_the_readme_test_command_passes_in_a_fresh_clone(tmp_path, tmp_path_factory):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    lonely = tmp_path / "empty"
    lonely.mkdir()
    clone = lonely / "chatmode-registry"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert sorted(path.name for path in lonely.iterdir()) == ["chatmode-registry"]

    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "CHATMODES_"))
    }
    environment["PYTHONPATH"] = str(clone / "plugins")
    environment["NO_MKDOCS_2_WARNING"] = "1"

    located = subprocess.run(
        [sys.executable, "-c", "import chatmode_registry; print(chatmode_registry.__file__)"],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(clone), located.stdout

    command = readme_test_command()
    assert command[:3] == ["python", "-m", "pytest"], command
    inner = [
        sys.executable,
        *command[1:],
        "-m",
        "not browser and not copilot_cli",
        "--deselect",
        f"tests/{THIS}",
        "-p",
        "no:cacheprovider",
        "-q",
        "-x",
        f"--basetemp={tmp_path_factory.mktemp('inner')}",
    ]
    result = subprocess.run(
        inner, cwd=clone, env=environment, capture_output=True, text=True, timeout=3000, check=False
    )
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
    assert result.returncode == 0, tail
    assert re.search(r"\b\d+ passed\b", result.stdout), tail

"""A package people can install: sdist and wheel build, ``twine check`` passes, and the wheel,
installed into a fresh virtual environment, builds a catalog site from a folder of chat modes.

Nothing is downloaded:

* ``python -m build --no-isolation`` uses the build backend of this environment (the ``test``
  extra installs ``setuptools``, ``build`` and ``twine``); the wheel is built from the sdist, as
  ``python -m build`` does by default, so a file missing from the sdist breaks the wheel too.
  The sources are the repository's tracked files (``git ls-files``), copied to a temporary
  folder so the build writes nothing into the checkout.
* The fresh venv gets the *dependencies* of this environment, not its copy of the package:
  a folder of symbolic links to every entry of this environment's ``site-packages`` except
  ``chatmode_registry``'s own files is put on its path with a ``.pth`` file (the idea of
  ``--system-site-packages``, minus the package under test). Then
  ``pip install --no-index --find-links dist chatmode-registry`` installs the wheel, and pip
  finds every requirement already satisfied. The test checks that the package is then
  imported from the fresh venv's ``site-packages``, not from the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import CLEAN_MODES, write_project
from sitekit import run_ok

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "chatmode_registry"


def clean_environment() -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("PYTHONPATH", "VIRTUAL_ENV", "CI", "SITE_URL", "MIKE_DOCS_VERSION", "CHATMODES_BASELINE")
        and not key.startswith("PIP_")
    }
    environment.update(NO_MKDOCS_2_WARNING="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INDEX="1")
    return environment


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dist/`` with the sdist and the wheel built from the repository's tracked files."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = run_ok("git", "ls-files", "-z", cwd=ROOT).split("\0")
    source = tmp_path_factory.mktemp("source")
    for relative in filter(None, tracked):
        path = ROOT / relative
        if path.is_file():
            target = source / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    out = tmp_path_factory.mktemp("dist")
    run_ok(
        sys.executable,
        "-m",
        "build",
        "--no-isolation",
        "--outdir",
        out,
        source,
        cwd=source,
        env=clean_environment(),
    )
    return out


def test_build_makes_an_sdist_and_a_wheel_that_twine_accepts(dist: Path) -> None:
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    assert [path.name.split("-")[0] for path in sdists + wheels] == [DISTRIBUTION, DISTRIBUTION]
    output = run_ok(sys.executable, "-m", "twine", "check", "--strict", *sdists, *wheels, cwd=dist)
    assert output.count("PASSED") == 2, output
    names = zipfile.ZipFile(wheels[0]).namelist()
    # Package data: templates, assets and the schema files the plugin reads at run time.
    for wanted in ("templates/chatmodes/mode.html", "assets/chatmodes.js", "data/chatmode.schema.json"):
        assert f"{DISTRIBUTION}/{wanted}" in names, wanted
    entry_points = zipfile.ZipFile(wheels[0]).read(
        next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    )
    assert b"chatmodes = chatmode_registry.cli:main" in entry_points
    assert b"[mkdocs.plugins]" in entry_points and b"[properdocs.plugins]" in entry_points


def _dependencies_without_the_package(folder: Path) -> Path:
    """A folder of links to this environment's installed distributions, less this package."""
    folder.mkdir()
    site_packages = Path(sysconfig.get_paths()["purelib"])
    for entry in site_packages.iterdir():
        name = entry.name.lower()
        if name.startswith((DISTRIBUTION, "__editable__", "_chatmode_registry")) or name.endswith(".pth"):
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


def assert_imported_from(python: Path, purelib: Path, *, cwd: Path, env: dict[str, str]) -> None:
    """``python`` imports the package from the venv's ``purelib``, not from this checkout."""
    located = run_ok(
        python, "-c", "import chatmode_registry; print(chatmode_registry.__file__)", cwd=cwd, env=env
    )
    assert Path(located.strip()).is_relative_to(purelib), located


def _fresh_venv(tmp_path: Path, environment: dict[str, str]) -> tuple[Path, Path]:
    """A new venv that sees this environment's dependencies but not its chatmode_registry."""
    venv = tmp_path / "venv"
    run_ok(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=environment)
    python = venv / "bin" / "python"
    purelib = Path(
        run_ok(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).strip()
    )
    # ensurepip's own setuptools would shadow the build backend of the dependencies below.
    run_ok(python, "-m", "pip", "uninstall", "-q", "-y", "setuptools", cwd=tmp_path, env=environment)
    dependencies = _dependencies_without_the_package(tmp_path / "dependencies")
    (purelib / "dependencies.pth").write_text(f"{dependencies}\n", encoding="utf-8")
    return python, purelib


def test_the_documented_install_from_the_git_repository_works(tmp_path: Path) -> None:
    """``pip install "chatmode-registry @ git+URL"``, as the docs say until a release exists,
    here from this checkout's committed state (``git+file://localhost/...``; built without isolation)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    documented = 'pip install "chatmode-registry @ git+https://github.com/OWNER/chatmode-registry"'
    for page in ("README.md", "docs/index.md", "docs/using.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert documented in text, page
        assert "pip install chatmode-registry\n" not in text, page
    environment = clean_environment()
    python, purelib = _fresh_venv(tmp_path, environment)
    # PEP 508 wants a host in a direct URL; git reads file://localhost/path as the local path.
    requirement = f"chatmode-registry @ git+file://localhost{ROOT}"
    run_ok(python, "-m", "pip", "install", "--no-build-isolation", requirement, cwd=tmp_path, env=environment)
    assert_imported_from(python, purelib, cwd=tmp_path, env=environment)


def test_the_wheel_in_a_fresh_venv_builds_a_site_from_a_folder_of_chat_modes(
    dist: Path, tmp_path: Path
) -> None:
    environment = clean_environment()
    python, purelib = _fresh_venv(tmp_path, environment)
    venv = python.parent.parent

    run_ok(
        python,
        "-m",
        "pip",
        "install",
        "--no-index",
        "--find-links",
        dist,
        "chatmode-registry",
        cwd=tmp_path,
        env=environment,
    )
    assert_imported_from(python, purelib, cwd=tmp_path, env=environment)
    assert "chatmodes" in run_ok(venv / "bin" / "chatmodes", "--help", cwd=tmp_path, env=environment)

    project = write_project(tmp_path / "registry", CLEAN_MODES)
    run_ok(python, "-m", "mkdocs", "build", "--strict", "-d", project / "site", cwd=project, env=environment)
    catalog = json.loads((project / "site" / "catalog.json").read_text(encoding="utf-8"))
    assert sorted(entry["slug"] for entry in catalog["chatmodes"]) == ["alpha", "beta", "gamma"]
    for entry in catalog["chatmodes"]:
        assert (project / "site" / entry["url"] / "index.html").is_file()
        assert (project / "site" / entry["raw_url"]).read_bytes() == (
            project / "chatmodes" / entry["source"]
        ).read_bytes()
    assert (project / "site" / "catalog" / "graph" / "index.html").is_file()

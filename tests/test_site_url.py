"""``site_url`` is right for a published site, or the deployment build fails and says what to set.

A deployment build is ``mkdocs gh-deploy``, a build under ``mike deploy`` (``MIKE_DOCS_VERSION``
set) or any build with ``CI`` set. ``mkdocs serve`` and a plain local build keep working with the
default local address. The projects below read ``site_url`` the way the registry's own
``mkdocs.yml`` does: ``!ENV [SITE_URL, "http://127.0.0.1:8000/"]``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from mkdocs.commands.build import build as build_in_process
from mkdocs.config import load_config

from chatmode_registry.mkdocs.links import unpublishable_site_url
from conftest import CLEAN_MODES, build, write_project
from sitehtml import read_page

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = "https://example.org/registry/"
LOCAL_DEFAULT = 'site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]'


def env_project(root: Path) -> Path:
    """A project whose ``site_url`` comes from ``SITE_URL``, defaulting to ``mkdocs serve``'s address."""
    project = write_project(root)
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith("site_url:")]
    lines[index] = LOCAL_DEFAULT
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


def assert_refused(log: str, reason: str) -> None:
    assert reason in log, log
    assert "site_url" in log and "SITE_URL" in log, log
    assert "https://OWNER.github.io/REPO/" in log, log
    assert "Traceback" not in log, log


def test_a_ci_build_without_site_url_fails_and_says_what_to_set(tmp_path):
    result = build(env_project(tmp_path / "p"), env={"CI": "true"})
    assert not result.ok
    assert_refused(result.log, "CI is set")
    assert "'http://127.0.0.1:8000/', an address on this machine" in result.log
    assert not (result.site / "catalog.json").exists()


def test_a_ci_build_with_no_site_url_at_all_fails(tmp_path):
    result = build(write_project(tmp_path / "p", config={"site_url": None}), env={"CI": "1"})
    assert not result.ok
    assert_refused(result.log, "site_url is not set")


def test_the_registrys_own_configuration_refuses_a_ci_build_without_site_url(tmp_path):
    environment = {
        key: value for key, value in os.environ.items() if key not in ("SITE_URL", "MIKE_DOCS_VERSION")
    }
    environment.update(CI="true", NO_MKDOCS_2_WARNING="1")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode != 0
    assert_refused(completed.stdout + completed.stderr, "CI is set")


def test_with_site_url_every_install_link_and_raw_url_points_there(tmp_path):
    result = build(env_project(tmp_path / "p"), env={"CI": "true", "SITE_URL": PUBLISHED})
    assert result.ok, result.log
    catalog = json.loads((result.site / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["site_url"] == PUBLISHED
    assert len(catalog["chatmodes"]) == len(CLEAN_MODES)
    for entry in catalog["chatmodes"]:
        # raw_url is relative to site_url, so it resolves below the published address.
        assert not urlsplit(entry["raw_url"]).scheme and not entry["raw_url"].startswith("/")
        page = read_page(result.site, entry["url"])
        installs = [
            a.get("href") for a in page.find_all("a") if "vscode.dev/redirect" in (a.get("href") or "")
        ]
        assert len(installs) == 2, entry["slug"]
        for href in installs:
            inner = parse_qs(urlsplit(href).query)["url"][0]
            assert inner.split("install?url=", 1)[1] == PUBLISHED + entry["raw_url"]
    for path in result.site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml"):
            assert "127.0.0.1" not in path.read_text(encoding="utf-8"), path


def test_a_plain_local_build_keeps_the_local_default(tmp_path):
    result = build(env_project(tmp_path / "p"), env={"CI": "false"})
    assert result.ok, result.log
    catalog = json.loads((result.site / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["site_url"] == "http://127.0.0.1:8000/"


def test_a_build_under_mike_with_a_local_address_fails(tmp_path):
    result = build(env_project(tmp_path / "p"), env={"MIKE_DOCS_VERSION": "1.0"})
    assert not result.ok
    assert_refused(result.log, "`mike deploy` builds it")


def test_deploying_to_this_machine_on_purpose_is_allowed(tmp_path):
    env = {"MIKE_DOCS_VERSION": "1.0", "CHATMODES_LOCAL_SITE_URL": "1"}
    result = build(env_project(tmp_path / "p"), env=env)
    assert result.ok, result.log
    catalog = json.loads((result.site / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["site_url"] == "http://127.0.0.1:8000/1.0/"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_gh_deploy_with_a_local_address_fails_before_anything_is_pushed(tmp_path):
    project = env_project(tmp_path / "p")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    environment = {
        key: value for key, value in os.environ.items() if key not in ("CI", "SITE_URL", "MIKE_DOCS_VERSION")
    }
    environment["NO_MKDOCS_2_WARNING"] = "1"
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "-f", str(project / "mkdocs.yml")],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode != 0
    assert_refused(completed.stdout + completed.stderr, "`mkdocs gh-deploy` publishes it")
    branches = subprocess.run(
        ["git", "-C", str(project), "branch", "--list", "gh-pages"], capture_output=True, text=True
    )
    assert branches.stdout.strip() == ""


def test_serve_keeps_working_in_ci_with_the_local_address(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("MIKE_DOCS_VERSION", raising=False)
    project = env_project(tmp_path / "p")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    build_in_process(config, serve_url="http://127.0.0.1:8000/")
    catalog = json.loads((project / "site" / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["site_url"] == "http://127.0.0.1:8000/"


@pytest.mark.parametrize(
    ("site_url", "fit"),
    [
        ("https://example.org/registry/", True),
        ("https://owner.github.io/repo/", True),
        ("http://10.0.0.5/", True),
        (None, False),
        ("", False),
        ("http://127.0.0.1:8000/", False),
        ("http://127.5.0.1/", False),
        ("http://localhost:8000/", False),
        ("http://LOCALHOST/", False),
        ("http://app.localhost/", False),
        ("http://[::1]:8000/", False),
        ("http://0.0.0.0:8000/", False),
        ("/registry/", False),
        ("file:///tmp/site/", False),
    ],
)
def test_which_site_urls_a_published_site_can_use(site_url, fit):
    assert (unpublishable_site_url(site_url) is None) is fit

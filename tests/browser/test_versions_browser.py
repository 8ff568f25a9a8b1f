"""A versioned catalog in a real browser: two ``mike deploy`` versions served by ``mike serve``.

The project (the clean collection, ``extra.version.provider: mike``) is committed to a
temporary git repository without a remote; version 1.0 is deployed, Beta's description
changes, and 2.0 is deployed with the alias ``latest`` as the default. ``mike serve`` then
serves the ``gh-pages`` branch on 127.0.0.1 (a port picked before the builds, so that
``site_url`` is the served address) until the module ends.

Material fetches ``../versions.json`` for its version selector: here it exists, so the
console-error check stays as strict as on the unversioned sites.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import CLEAN_MODES, write_project
from sitekit import closed_port, git

pytestmark = pytest.mark.browser

VERSIONS = ("1.0", "2.0")
OLD_DESCRIPTION = "description: Implements plans."
NEW_DESCRIPTION = "description: Implements plans, now with tests."

#: How long ``mike serve`` may take to answer its first request. A readiness deadline, not
#: a measurement: the server usually answers within a second.
SERVER_START_SECONDS = 30


@dataclass
class Deployment:
    """A mike deployment being served: its root URL and its project folder."""

    base_url: str
    project: Path

    def url(self, version: str, relative: str = "") -> str:
        """The URL of a page of one version (``relative`` to that version's root)."""
        return f"{self.base_url}{version}/{relative}"


def _mike(project: Path, *args: str, env: dict[str, str]) -> None:
    mike = shutil.which("mike")
    assert mike, "the mike command is not installed (pip install mike)"
    completed = subprocess.run(
        [mike, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def _wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        assert server.poll() is None, "mike serve exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        assert time.monotonic() < deadline, f"mike serve did not answer {url}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Versions 1.0 and 2.0 (alias ``latest``, the default) deployed by mike and served."""
    port = closed_port()
    base_url = f"http://127.0.0.1:{port}/"
    project = write_project(
        tmp_path_factory.mktemp("versions") / "project",
        CLEAN_MODES,
        config={"site_url": base_url, "extra": {"version": {"provider": "mike"}}},
    )
    (project / ".gitignore").write_text("site/\n", encoding="utf-8")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MIKE_DOCS_VERSION", "CHATMODES_BASELINE", "SITE_URL", "CI")
    }
    environment.update(
        NO_MKDOCS_2_WARNING="1",
        # Deployed to be served here by `mike serve`: site_url is on this machine on purpose.
        CHATMODES_LOCAL_SITE_URL="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "registry 1.0")
    _mike(project, "deploy", VERSIONS[0], env=environment)

    beta = project / "chatmodes" / "beta.agent.md"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace(OLD_DESCRIPTION, NEW_DESCRIPTION), encoding="utf-8"
    )
    git(project, "commit", "-q", "-am", "registry 2.0")
    _mike(project, "deploy", "--update-aliases", VERSIONS[1], "latest", env=environment)
    _mike(project, "set-default", "latest", env=environment)

    log = (project.parent / "mike-serve.log").open("wb")
    server = subprocess.Popen(
        [shutil.which("mike") or "mike", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_serving(base_url + "versions.json", server)
        yield Deployment(base_url, project)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def published_versions(deployment: Deployment) -> dict[str, list[str]]:
    """What mike published: version -> aliases, read from the served ``versions.json``."""
    with urllib.request.urlopen(deployment.base_url + "versions.json", timeout=10) as response:
        return {item["version"]: item["aliases"] for item in json.load(response)}


def selector_versions(page) -> list[str]:
    """The versions Material's selector lists (the ``href`` of each of its links)."""
    return page.eval_on_selector_all(
        ".md-version__list .md-version__link",
        "links => links.map(a => new URL(a.href).pathname.split('/').filter(Boolean)[0])",
    )


def test_mike_published_both_versions(deployment: Deployment) -> None:
    assert published_versions(deployment) == {VERSIONS[1]: ["latest"], VERSIONS[0]: []}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_version_selector_lists_the_versions(page, watch, deployment: Deployment, version: str) -> None:
    page.goto(deployment.url(version, "catalog/"))
    expect(page.locator(".md-version__current")).to_have_text(version)
    # Material fills the list from versions.json once it has loaded.
    expect(page.locator(".md-version__list .md-version__link")).to_have_count(len(VERSIONS))
    assert sorted(selector_versions(page)) == sorted(VERSIONS)
    watch.assert_clean()


def test_the_root_opens_the_default_version(page, watch, deployment: Deployment) -> None:
    page.goto(deployment.base_url)
    page.wait_for_url(re.compile(re.escape(deployment.base_url) + r"(latest|2\.0)/"))
    expect(page.locator(".md-version__current")).to_have_text(VERSIONS[1])
    watch.assert_clean()


def test_switching_versions_keeps_the_chat_mode_page(page, watch, deployment: Deployment) -> None:
    page.goto(deployment.url(VERSIONS[1], "catalog/beta/"))
    expect(page.locator("article .cmr-description")).to_have_text("Implements plans, now with tests.")
    page.locator(".md-version").hover()  # the list opens on hover of the whole selector
    page.locator(".md-version__list .md-version__link", has_text=VERSIONS[0]).click()
    page.wait_for_url(deployment.url(VERSIONS[0], "catalog/beta/"))
    expect(page.locator("article .cmr-description")).to_have_text("Implements plans.")
    expect(page.locator(".md-version__current")).to_have_text(VERSIONS[0])
    watch.assert_clean()


@pytest.mark.parametrize("version", VERSIONS)
def test_install_links_point_inside_their_version(page, watch, deployment: Deployment, version: str) -> None:
    page.goto(deployment.url(version, "catalog/beta/"))
    href = page.locator("a.cmr-install").first.get_attribute("href")
    assert href.startswith("https://vscode.dev/redirect?url=")
    target = urllib.parse.unquote(href.split("?url=", 1)[1])
    raw_address = deployment.url(version, "catalog/beta/beta.agent.md")
    assert target == f"vscode:chat-agent/install?url={raw_address}"
    # That address serves this version's file, not the other's.
    text = page.evaluate("async url => (await fetch(url)).text()", raw_address)
    assert (OLD_DESCRIPTION if version == VERSIONS[0] else NEW_DESCRIPTION) in text.splitlines()
    watch.assert_clean()

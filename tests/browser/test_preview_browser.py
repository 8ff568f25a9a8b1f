"""A pull request preview published next to a release, as the workflows do it, in Chromium.

Version 1.0 is deployed by the real ``mike``; the preview is built the way ``preview.yml``
builds it (``MIKE_DOCS_VERSION=pr-7``) and published the way ``preview-publish.yml`` does
(``.github/scripts/preview-pages.sh`` against a local bare ``origin``). The ``gh-pages`` tree is
then served, and Material's version menu must leave the hidden preview out while the preview's
own pages work without a console error and install from the preview's address.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from conftest import CLEAN_MODES, write_project
from sitekit import run_ok

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("mike") is None or shutil.which("git") is None, reason="mike or git missing"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> str:
    """The served gh-pages tree with release 1.0 (default) and the hidden preview pr-7."""
    root = tmp_path_factory.mktemp("preview")
    served = root / "served"
    served.mkdir()
    base_url = serve_site_for_session(served, "registry")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "MIKE_DOCS_VERSION", "CHATMODES_BASELINE", "SITE_URL")
    }
    # Deployed to be served here: site_url is on this machine on purpose.
    environment.update(IDENTITY, NO_MKDOCS_2_WARNING="1", CHATMODES_LOCAL_SITE_URL="1", SITE_URL=base_url)
    project = write_project(
        root / "project", CLEAN_MODES, config={"extra": {"version": {"provider": "mike"}}}
    )
    config = project / "mkdocs.yml"
    lines = [
        line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("site_url:")
    ]
    config.write_text('site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]\n' + "\n".join(lines) + "\n")
    (project / ".gitignore").write_text("site/\npreview/\n", encoding="utf-8")
    remote = root / "origin.git"
    run_ok("git", "init", "-q", "--bare", "--initial-branch=main", remote, cwd=root, env=environment)
    run_ok("git", "init", "-q", "-b", "main", cwd=project, env=environment)
    run_ok("git", "add", ".", cwd=project, env=environment)
    run_ok("git", "commit", "-q", "-m", "registry", cwd=project, env=environment)
    run_ok("git", "remote", "add", "origin", remote, cwd=project, env=environment)
    run_ok("mike", "deploy", "--push", "1.0", "latest", cwd=project, env=environment)
    run_ok("mike", "set-default", "--push", "latest", cwd=project, env=environment)

    # The pull request's build (preview.yml) and its publication (preview-publish.yml).
    beta = project / "chatmodes" / "beta.agent.md"
    beta.write_text(
        beta.read_text(encoding="utf-8").replace("Implements plans.", "Implements plans, tested.")
    )
    run_ok(
        sys.executable, "-m", "mkdocs", "build", "-d", project / "preview" / "site",
        cwd=project, env={**environment, "MIKE_DOCS_VERSION": "pr-7"},
    )  # fmt: skip
    run_ok(
        "bash", ROOT / ".github" / "scripts" / "preview-pages.sh", "publish",
        cwd=project, env={**environment, "PR_NUMBER": "7", "PREVIEW_SITE": str(project / "preview" / "site")},
    )  # fmt: skip

    archive = subprocess.run(
        ["git", "archive", "gh-pages"], cwd=remote, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tree:
        tree.extractall(served, filter="data")
    # mike's "latest" alias is a symbolic link in git; git archive keeps it, the server follows it.
    return base_url


def selector_titles(page) -> list[str]:
    expect(page.locator(".md-version__list .md-version__link").first).to_be_attached()
    return page.eval_on_selector_all(
        ".md-version__list .md-version__link", "links => links.map(a => a.textContent.trim())"
    )


def test_the_release_menu_leaves_the_hidden_preview_out(page, watch, published: str) -> None:
    page.goto(published + "1.0/catalog/")
    expect(page.locator(".md-version__current")).to_have_text("1.0")
    titles = selector_titles(page)
    assert titles and all("PR" not in title for title in titles), titles
    watch.assert_clean()


def test_the_preview_pages_work_and_install_from_the_preview(page, watch, published: str) -> None:
    page.goto(published + "pr-7/catalog/beta/")
    expect(page.locator("article .cmr-description")).to_contain_text("Implements plans, tested.")
    expect(page.locator(".md-version__current")).to_contain_text("PR #7")
    install = page.locator("a.cmr-install").first.get_attribute("href")
    inner = parse_qs(urlsplit(install).query)["url"][0]
    raw = inner.split("install?url=", 1)[1]
    assert raw == published + "pr-7/catalog/beta/beta.agent.md"
    response = page.request.get(raw)
    assert response.ok and b"Implements plans, tested." in response.body()
    page.goto(published + "pr-7/")
    watch.assert_clean()

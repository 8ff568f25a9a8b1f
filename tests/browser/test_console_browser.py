"""No console error on any page of a plain build of the registry's own site.

The registry's ``mkdocs.yml`` sets ``extra.version.provider: mike`` for the version selector.
Material's selector fetches ``../versions.json``, which only a mike deployment has; the plugin
keeps the selector for builds under mike (``test_versions_browser.py``) and drops it from
plain builds, so ``mkdocs build`` / ``mkdocs serve`` pages make no request that 404s.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sitekit import run_ok

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> tuple[Path, str]:
    """The registry's own site (its mkdocs.yml, docs and chat modes), built plainly and served."""
    site = tmp_path_factory.mktemp("plain") / "site"
    site.mkdir()
    base_url = serve_site_for_session(site, "registry")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "MIKE_DOCS_VERSION", "CHATMODES_BASELINE", "CHATMODES_LOCAL_SITE_URL")
    }
    environment.update(SITE_URL=base_url, NO_MKDOCS_2_WARNING="1")
    run_ok(
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-f",
        ROOT / "mkdocs.yml",
        "-d",
        site,
        cwd=site.parent,
        env=environment,
    )
    return site, base_url


def test_no_page_of_a_plain_build_logs_a_console_error(page, watch, plain_site) -> None:
    site, base_url = plain_site
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("index.html"))
    assert "index.html" in pages and "catalog/index.html" in pages and len(pages) > 20
    for relative in pages:
        url = base_url + relative.removesuffix("index.html")
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("load")
    assert not [url for url in watch.requests if url.endswith("versions.json")]
    watch.assert_clean()

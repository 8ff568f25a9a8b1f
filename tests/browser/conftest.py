"""Shared fixtures for the browser tests: Debian's Chromium through Playwright, and a server.

Fixtures:

``browser``
    A session-wide Chromium (``/usr/bin/chromium``, headless) driven by Playwright's sync
    API. Open pages with ``browser.new_page()`` (or a context with
    ``browser.new_context()``) and close them when done. Tests in this folder are skipped
    when Chromium is not installed.

``serve_site``
    A factory: ``base_url = serve_site(path)`` serves the folder ``path`` over HTTP on
    127.0.0.1 (a ``ThreadingHTTPServer`` on a free port, in a daemon thread) and returns its
    root URL with a trailing slash. Every server is shut down when the test ends. ``.md``
    files are served as ``text/markdown`` like on GitHub Pages.

Mark browser tests with ``@pytest.mark.browser`` so that ``-m "not browser"`` skips them.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

#: Chromium flags for a sandbox-less container without network: no GPU, no background
#: fetches, no component updates, no first-run UI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without logging every request to stderr."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".md": "text/markdown; charset=utf-8",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium for the whole session (``playwright.sync_api.Browser``)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def serve_site() -> Iterator[Callable[[Path], str]]:
    """Serve folders over HTTP on 127.0.0.1 for the duration of the test."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(path: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(path))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    try:
        yield serve
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

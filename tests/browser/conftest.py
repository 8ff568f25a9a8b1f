"""Shared fixtures for the browser tests: Debian's Chromium through Playwright, and a server.

Fixtures:

``browser``
    A session-wide Chromium (``/usr/bin/chromium``, headless) driven by Playwright's sync
    API. Open pages with ``browser.new_page()`` (or a context with
    ``browser.new_context()``) and close them when done. Tests in this folder are skipped
    when Chromium is not installed, and fail instead when the ``CI`` environment variable
    is set (CI installs Chromium; a missing browser there is a broken pipeline, not a skip).

``watch`` and ``page``
    ``page`` is a fresh page in a fresh context (light colour scheme) whose every request,
    console error and uncaught exception is recorded in ``watch`` (a :class:`PageWatch`).
    Requests for any host other than 127.0.0.1 are recorded and aborted, so nothing leaves
    the machine even when a page tries. When a test using ``page`` fails, a screenshot of
    the page is saved as ``test-results/<test name>.png`` at the repository root.

``serve_site`` (and ``serve_site_for_session``)
    A factory: ``base_url = serve_site(path)`` serves the folder ``path`` over HTTP on
    127.0.0.1 (a ``ThreadingHTTPServer`` on a free port, in a daemon thread) and returns its
    root URL with a trailing slash. ``serve_site(path, "registry")`` serves it below
    ``/registry/`` instead, like a GitHub Pages project site whose ``site_url`` has that
    path. Every server is shut down when the test (or, for ``serve_site_for_session``, the
    session) ends. ``.md`` files are served as ``text/markdown`` like on GitHub Pages.

Mark browser tests with ``@pytest.mark.browser`` so that ``-m "not browser"`` skips them.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest

CHROMIUM = Path("/usr/bin/chromium")

#: The only host the browser may talk to: the tests' own servers.
LOCAL_HOST = "127.0.0.1"

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

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".md": "text/markdown; charset=utf-8",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def log_message(self, format: str, *args: object) -> None:  # stdlib name
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium for the whole session (``playwright.sync_api.Browser``)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: the pipeline must install it)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class _MountedHandler(_QuietHandler):
    """Serves a folder below a URL path (``/registry/``), as GitHub Pages serves a project
    site; everything outside that path is a 404."""

    mount = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.mount):
            return os.path.join(self.directory, "\0missing")  # never exists: a 404
        return super().translate_path("/" + path[len(self.mount) :])


def start_server(path: Path, mount: str = "") -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``path`` on 127.0.0.1 (free port) below the URL folder ``mount``.

    Returns the server (stop it with ``shutdown()`` and ``server_close()``) and the URL of
    the served folder, with a trailing slash.
    """
    mount = "/" + mount.strip("/") + "/" if mount.strip("/") else "/"
    handler_class = type("Handler", (_MountedHandler,), {"mount": mount})
    handler = functools.partial(handler_class, directory=str(path))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://{LOCAL_HOST}:{server.server_address[1]}{mount}"


def _serving(servers: list[http.server.ThreadingHTTPServer]) -> Callable[..., str]:
    def serve(path: Path, mount: str = "") -> str:
        server, url = start_server(path, mount)
        servers.append(server)
        return url

    return serve


def _stop(servers: list[http.server.ThreadingHTTPServer]) -> None:
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def serve_site() -> Iterator[Callable[..., str]]:
    """Serve folders over HTTP on 127.0.0.1 for the duration of the test."""
    servers: list[http.server.ThreadingHTTPServer] = []
    try:
        yield _serving(servers)
    finally:
        _stop(servers)


@pytest.fixture(scope="session")
def serve_site_for_session() -> Iterator[Callable[..., str]]:
    """Like ``serve_site``, for module- and session-scoped site fixtures: the servers stop
    when the session ends."""
    servers: list[http.server.ThreadingHTTPServer] = []
    try:
        yield _serving(servers)
    finally:
        _stop(servers)


# ---------------------------------------------------------------------------- pages


#: Longest wait for any page action of the ``page`` fixture.
PAGE_TIMEOUT_MS = 7_500

#: URL schemes that never leave the browser.
_LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


def is_local(url: str) -> bool:
    """True for URLs served by this machine's test servers (or not fetched at all)."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in _LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


@dataclass
class PageWatch:
    """What the pages of one browser context did: requests, console errors, exceptions."""

    requests: list[str] = field(default_factory=list)
    """Every request URL, in order (pages, scripts, styles, images, fetches, workers)."""

    blocked: list[str] = field(default_factory=list)
    """Requests for another host than 127.0.0.1 (aborted before they left)."""

    console_errors: list[str] = field(default_factory=list)
    """``console.error`` messages, failed loads included (``"<page url>: <text>"``)."""

    page_errors: list[str] = field(default_factory=list)
    """Uncaught exceptions in the pages (``"<page url>: <message>"``)."""

    def problems(self) -> dict[str, list[str]]:
        """Everything that should not have happened, by kind (empty lists when all is well)."""
        return {
            "requests outside 127.0.0.1": self.blocked,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
        }

    def assert_clean(self) -> None:
        """Fail unless no request left 127.0.0.1, nothing logged an error and nothing threw."""
        problems = self.problems()
        assert problems == {kind: [] for kind in problems}

    def attach(self, context: Any) -> None:
        """Record (and fence in) the requests of every page of ``context``."""

        def route(route: Any) -> None:
            url = route.request.url
            if is_local(url):
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self.attach_page)

    def attach_page(self, page: Any) -> None:
        """Record the console errors and uncaught exceptions of ``page``."""
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))


@pytest.fixture
def watch() -> PageWatch:
    """The record of what ``page`` (and other pages of its context) did."""
    return PageWatch()


@pytest.fixture
def page(browser: Any, watch: PageWatch) -> Iterator[Any]:
    """A new page in a new, watched browser context (light colour scheme), closed afterwards."""
    context = browser.new_context(color_scheme="light")
    # Every wait here is for something local: a quarter of Playwright's default is plenty and
    # lets a broken test fail (with its screenshot) in seconds.
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    watch.attach(context)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Save a screenshot of the test's ``page`` when the test fails (``test-results/``)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = getattr(item, "funcargs", {}).get("page")
    if page is None or page.is_closed():
        return
    folder = Path(str(item.config.rootpath)) / "test-results"
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid.split("::", 1)[-1]).strip("-")
    path = folder / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # a failed screenshot must not hide the failure
        report.sections.append(("screenshot", f"could not save {path}: {error}"))
    else:
        report.sections.append(("screenshot", str(path)))

"""Catalog sites for the install/status tests: a small chat mode tree, a built site, a server.

The site is built by ``mkdocs build`` with the project's plugin, so ``sha256``, ``bytes``,
``raw_url`` and ``history`` come from the real build, never from the test. :class:`SiteServer` serves a site folder with a real
``ThreadingHTTPServer`` on 127.0.0.1 and lets a test replace the answer for one path (404,
truncated body, slow answer, redirect, ...).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import yaml

from chatmode_files import SEED

#: A small registry: planner -> builder (prose), builder -> reviewer (handoff), reviewer ->
#: the built-in ``agent`` (no slug), loner with no transitions, and the seed.
CHATMODES = {
    "planner.chatmode.md": (
        "---\n"
        "description: Plans the work before anyone writes code.\n"
        "tools: ['codebase', 'search']\n"
        "---\n"
        "# Planner Mode\n\n"
        "Break the task into steps.\n\n"
        "Switch to **Builder** mode to implement the plan.\n"
    ),
    "team/builder.agent.md": (
        "---\n"
        "description: Builds what the planner planned.\n"
        "handoffs:\n"
        "  - label: Ask for a review\n"
        "    agent: reviewer\n"
        "    prompt: Review the change.\n"
        "---\n"
        "# Builder\n\nWrite the code, run the tests.\n"
    ),
    "team/reviewer.agent.md": (
        "---\n"
        "description: Reviews changes.\n"
        "handoffs:\n"
        "  - label: Back to work\n"
        "    agent: agent\n"
        "---\n"
        "# Reviewer\n\nRead the diff; ask questions.\n"
    ),
    "loner.chatmode.md": "---\ndescription: Works alone.\n---\n# Loner\n\nNo company.\n",
}


def write_chatmodes(source: Path, files: dict[str, str] | None = None, *, with_seed: bool = True) -> Path:
    """Write the chat mode tree into ``source`` (and the seed, from the tests' fixture)."""
    for relative, text in (CHATMODES if files is None else files).items():
        path = source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if with_seed:
        (source / SEED.name).write_bytes(SEED.read_bytes())
    return source


def build_site(
    source: Path,
    site: Path,
    *,
    site_url: str = "https://example.org/registry/",
    options: dict[str, object] | None = None,
) -> dict:
    """Build the catalog site of ``source`` into ``site`` with MkDocs and the real plugin.

    A minimal MkDocs project is written next to ``source`` (``mkdocs.yml`` and
    ``docs/index.md``); ``options`` are more options of the ``chatmodes`` plugin (e.g.
    ``marketplace_source``). ``history`` comes from git when ``source`` is in a repository,
    as in any build. Returns the built ``catalog.json`` document.
    """
    project = source.parent
    config = project / "mkdocs.yml"
    settings = {
        "site_name": "Test registry",
        "site_url": site_url,
        "theme": {"name": "material"},
        "plugins": [{"chatmodes": {"source": source.name, **(options or {})}}],
    }
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    (project / "docs").mkdir(exist_ok=True)
    (project / "docs" / "index.md").write_text("# Test registry\n", encoding="utf-8")
    # A local build: without CI, which makes a build a deployment (see test_site_url.py).
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads((site / "catalog.json").read_text(encoding="utf-8"))


def load_entries(site: Path) -> dict[str, dict]:
    """The catalog entries of a built site folder, by slug."""
    document = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    return {entry["slug"]: entry for entry in document["chatmodes"]}


def edit_catalog(site: Path, change: Callable[[dict], None]) -> None:
    """Apply ``change`` to the site's ``catalog.json`` document and write it back."""
    path = site / "catalog.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (``None`` for folders), to prove "untouched"."""
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        found[path.relative_to(folder).as_posix()] = None if path.is_dir() else path.read_bytes()
    return found


def run(
    *arguments: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in ``cwd`` (with ``env`` when given); return the finished process, whatever
    its exit code."""
    return subprocess.run(
        [str(argument) for argument in arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_ok(*arguments: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command in ``cwd`` (with ``env`` when given); fail the test with its output unless
    it succeeds; return its stdout."""
    completed = run(*arguments, cwd=cwd, env=env)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def chatmodes(
    *arguments: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``chatmodes`` command in ``cwd``, with ``env`` added to this environment
    minus ``CHATMODES_FROM`` (a default site from the caller's shell must not leak in); return
    the finished process, whatever its exit code."""
    environment = {key: value for key, value in os.environ.items() if key != "CHATMODES_FROM"}
    environment.update(env or {})
    return run("chatmodes", *arguments, cwd=cwd, env=environment)


def git(repo: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run git in ``repo`` with a fixed identity (and ``env`` added), ``input`` on its standard
    input; return stdout."""
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        **(env or {}),
    }
    completed = subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
        input=input,
    )
    return completed.stdout


def commit_all(repo: Path, message: str) -> None:
    """Stage every change under ``repo`` (additions and deletions) and commit it."""
    git(repo, "add", "-A", ".")
    git(repo, "commit", "-q", "-m", message)


def flood_history(repo: Path, folder: str, count: int, *, suffix: str = ".agent.md") -> list[str]:
    """Two commits on top of ``repo``'s HEAD: one adds ``count`` small files under ``folder``
    (relative to the repository), the next deletes them all (issue #23, finding 2). Made with
    git's plumbing into a separate index, so 80,000 files take about a second and the work tree
    is untouched. Returns the added paths, relative to ``folder``, in order."""
    names = [f"flood/f{index:06d}{suffix}" for index in range(count)]
    index = repo / ".git" / "flood-index"
    environment = {"GIT_INDEX_FILE": str(index)}
    blob = git(repo, "hash-object", "-w", "--stdin", input="flood\n").strip()
    base = git(repo, "rev-parse", "HEAD^{tree}").strip()
    git(repo, "read-tree", base, env=environment)
    entries = "".join(f"100644 {blob} 0\t{folder}/{name}\n" for name in names)
    git(repo, "update-index", "--index-info", input=entries, env=environment)
    tree = git(repo, "write-tree", env=environment).strip()
    index.unlink()
    added = git(repo, "commit-tree", tree, "-p", "HEAD", "-m", "add a flood").strip()
    deleted = git(repo, "commit-tree", base, "-p", added, "-m", "delete the flood").strip()
    git(repo, "update-ref", "HEAD", deleted)
    return names


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: A replacement answer: called with the request handler, writes the whole response.
Override = Callable[[http.server.BaseHTTPRequestHandler], None]


class SiteServer:
    """A site folder served over HTTP on 127.0.0.1 (random port) from a background thread.

    ``overrides`` maps a URL path (``/catalog.json``) to a function that answers instead of
    the file. ``release`` is set when the server stops, so slow answers end with the test.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.overrides: dict[str, Override] = {}
        self.requests: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.folder), **kwargs)

            def do_GET(self):  # http.server's naming
                server.requests.append(self.path)
                override = server.overrides.get(urllib.parse.urlsplit(self.path).path)
                if override is not None:
                    override(self)
                else:
                    super().do_GET()

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The site root URL, with a trailing slash."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def answer(
    status: int, body: bytes, *, content_length: int | None = None, headers: dict | None = None
) -> Override:
    """An override that sends ``status`` and ``body`` with the given ``Content-Length``
    (default: the real length; a larger one makes a truncated download)."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True

    return respond


def stall(server: SiteServer) -> Override:
    """An override that never answers until the server stops (for timeouts)."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        server.release.wait()
        handler.close_connection = True

    return respond

"""A hostile site against ``install``, ``status``, ``diff`` and a build's ``baseline`` (#14, finding 10).

Every case runs the real ``chatmodes`` command (or ``mkdocs build``) against a server on
127.0.0.1 that misbehaves on purpose, and checks that the command ends with a clear error
and writes nothing. Nothing here is timed: each hostile answer is a bounded loop that counts
what it sent, and a test proves the client hung up early by comparing that count with what
the server would have sent to a patient client.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
from pathlib import Path

import pytest

from chatmode_registry.core.site import MAX_CATALOG_BYTES, MAX_CATALOG_DEPTH, MAX_FILE_BYTES
from conftest import build
from sitekit import SiteServer, load_entries, snapshot


def chatmodes(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``chatmodes`` entry point."""
    return subprocess.run(
        ["chatmodes", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


class Stream:
    """A hostile answer: ``total`` bytes of ``unit`` written in ``chunk``-sized pieces, with a
    pause between pieces; it counts what the client accepted and stops when the client goes
    (or the server stops)."""

    def __init__(
        self,
        server: SiteServer,
        total: int,
        *,
        unit: bytes = b" ",
        chunk: int = 64 * 1024,
        pause: float = 0.0,
        head: bytes = b"",
        headers: dict[str, str] | None = None,
        drip_headers: bool = False,
    ) -> None:
        self.server, self.total, self.unit, self.chunk, self.pause = server, total, unit, chunk, pause
        self.head, self.headers, self.drip_headers = head, headers or {}, drip_headers
        self.sent = 0

    def __call__(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        try:
            if self.drip_headers:
                # A status line, then a header that never ends, one byte at a time.
                handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while self.sent < self.total and not self.server.release.wait(self.pause):
                    handler.wfile.write(b"a")
                    handler.wfile.flush()
                    self.sent += 1
                return
            handler.send_response(200)
            for name, value in self.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(self.head)
            piece = (self.unit * (self.chunk // len(self.unit) + 1))[: self.chunk]
            while self.sent < self.total:
                if self.pause and self.server.release.wait(self.pause):
                    return
                handler.wfile.write(piece)
                handler.wfile.flush()
                self.sent += len(piece)
        except OSError:  # the client hung up: what it refused was never sent
            return


def catalog_text(site: Path) -> str:
    return (site / "catalog.json").read_text(encoding="utf-8")


def test_raw_file_without_bytes_is_read_only_up_to_the_cap(site: Path, tmp_path: Path) -> None:
    document = json.loads(catalog_text(site))
    for entry in document["chatmodes"]:
        del entry["bytes"]
    (site / "catalog.json").write_text(json.dumps(document), encoding="utf-8")
    raw_url = load_entries(site)["planner"]["raw_url"]
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(site) as server:
        endless = Stream(server, 16 * MAX_FILE_BYTES, unit=b"x")
        server.overrides["/" + raw_url] = endless
        completed = chatmodes("install", "planner", "--from", server.url, cwd=project)
    assert completed.returncode == 1, completed.stderr
    assert f"more than the {MAX_FILE_BYTES // (1024 * 1024)} MiB accepted" in completed.stderr
    assert "nothing was written" in completed.stderr
    assert snapshot(project) == {}
    # The client hung up long before the 64 MiB were sent (socket buffers hold a few MiB).
    assert endless.sent < endless.total // 2


def test_huge_declared_size_is_refused_before_any_download(site: Path, tmp_path: Path) -> None:
    document = json.loads(catalog_text(site))
    document["chatmodes"][0]["bytes"] = 10**12
    slug, raw_url = document["chatmodes"][0]["slug"], document["chatmodes"][0]["raw_url"]
    (site / "catalog.json").write_text(json.dumps(document), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(site) as server:
        completed = chatmodes("install", slug, "--from", server.url, cwd=project)
        requested = list(server.requests)
    assert completed.returncode == 1
    assert f"the catalog says {10**12} bytes" in completed.stderr
    assert "/" + raw_url not in requested
    assert snapshot(project) == {}


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "headers"])
def test_slow_drip_ends_at_the_total_deadline(site: Path, tmp_path: Path, drip_headers: bool) -> None:
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(site) as server:
        # One byte every 50 ms: every read succeeds long before a per-read timeout of 1 s.
        drip = Stream(server, 400, chunk=1, pause=0.05, head=b'{"chatmodes": [', drip_headers=drip_headers)
        server.overrides["/catalog.json"] = drip
        completed = chatmodes("status", "--from", server.url, "--timeout", "1", cwd=project)
    assert completed.returncode == 2
    assert "timed out after 1 s" in completed.stderr
    assert "Traceback" not in completed.stderr
    # The patient client would have waited for all 400 drops (20 s); this one left early.
    assert drip.sent < drip.total


def test_slow_drip_of_a_raw_file_fails_the_install_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    raw_url = load_entries(site)["loner"]["raw_url"]
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(site) as server:
        drip = Stream(server, 400, chunk=1, pause=0.05)
        server.overrides["/" + raw_url] = drip
        completed = chatmodes(
            "install", "loner", "planner", "--from", server.url, "--timeout", "1", cwd=project
        )
    assert completed.returncode == 2
    assert "timed out" in completed.stderr
    assert snapshot(project) == {}
    assert drip.sent < drip.total


#: 200,000 nested arrays, padded with spaces so the count of containers per byte passes and
#: the nesting itself is what gets refused.
DEEP = b"[" * 200_000 + b" " * (16 * 200_000) + b"]" * 200_000


@pytest.mark.parametrize("command", ["install", "status", "diff"])
def test_deeply_nested_catalog_is_a_clear_error(site: Path, tmp_path: Path, command: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (site / "catalog.json").write_bytes(DEEP)
    with SiteServer(site) as server:
        arguments = {
            "install": ["install", "loner", "--from", server.url],
            "status": ["status", "--from", server.url],
            "diff": ["diff", server.url, server.url],
        }[command]
        completed = chatmodes(*arguments, cwd=project)
    assert completed.returncode == 2, completed.stderr
    assert f"nested more than {MAX_CATALOG_DEPTH} deep" in completed.stderr
    assert "Traceback" not in completed.stderr and "RecursionError" not in completed.stderr
    assert snapshot(project) == {}


def test_moderately_nested_catalog_below_the_recursion_limit_is_refused_too(
    site: Path, tmp_path: Path
) -> None:
    document = json.loads(catalog_text(site))
    nested: list = []
    for _ in range(500):
        nested = [nested]
    document["chatmodes"][0]["extra"] = nested
    document["padding"] = " " * 16 * 1000
    (site / "catalog.json").write_text(json.dumps(document), encoding="utf-8")
    completed = chatmodes("status", "--from", str(site), cwd=tmp_path)
    assert completed.returncode == 2
    assert f"nested more than {MAX_CATALOG_DEPTH} deep" in completed.stderr


def test_deeply_nested_baseline_does_not_crash_a_build(make_project, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes(DEEP)
    project = make_project()
    result = build(project, env={"CHATMODES_BASELINE": str(baseline)})
    assert result.ok, result.log
    assert "RecursionError" not in result.log and "Traceback" not in result.log
    assert result.messages() == [
        f"chatmode_registry: the baseline could not be read: {baseline} is not a chat mode catalog: "
        f"arrays and objects nested more than {MAX_CATALOG_DEPTH} deep"
    ]
    assert (result.site / "catalog.json").is_file()


def test_deeply_nested_baseline_over_http_does_not_crash_a_build(make_project, site: Path) -> None:
    (site / "catalog.json").write_bytes(DEEP)
    project = make_project()
    with SiteServer(site) as server:
        result = build(project, env={"CHATMODES_BASELINE": server.url})
    assert result.ok, result.log
    assert "Traceback" not in result.log
    assert result.messages() == [
        f"chatmode_registry: the baseline could not be read: {server.url}catalog.json is not a chat mode "
        f"catalog: arrays and objects nested more than {MAX_CATALOG_DEPTH} deep"
    ]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("target", ["planner", "builder"], "transitions[0].target must be a string"),
        ("via", {"x": 1}, "transitions[0].via must be a string"),
    ],
)
def test_wrong_field_types_are_a_clear_error(site: Path, tmp_path: Path, field, value, message) -> None:
    document = json.loads(catalog_text(site))
    planner = next(entry for entry in document["chatmodes"] if entry["slug"] == "planner")
    planner["transitions"][0][field] = value
    (site / "catalog.json").write_text(json.dumps(document), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(site) as server:
        for arguments in (
            ["install", "planner", "--with-transitions", "--from", server.url],
            ["status", "--from", server.url],
            ["diff", server.url, server.url],
        ):
            completed = chatmodes(*arguments, cwd=project)
            assert completed.returncode == 2, (arguments, completed.stderr)
            assert message in completed.stderr, completed.stderr
            assert "Traceback" not in completed.stderr
    assert snapshot(project) == {}


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-length"])
def test_oversized_catalog_is_cut_off_at_the_cap(site: Path, tmp_path: Path, declared: bool) -> None:
    size = 60 * 1024 * 1024
    project = tmp_path / "project"
    project.mkdir()
    with SiteServer(site) as server:
        headers = {"Content-Length": str(size)} if declared else {}
        huge = Stream(server, size, head=b'{"chatmodes": [', headers=headers)
        server.overrides["/catalog.json"] = huge
        completed = chatmodes("install", "loner", "--from", server.url, cwd=project)
    assert completed.returncode == 2
    assert f"more than the {MAX_CATALOG_BYTES // (1024 * 1024)} MiB accepted" in completed.stderr
    assert snapshot(project) == {}
    assert huge.sent < size // 2


def test_oversized_catalog_file_in_a_folder_is_refused(site: Path, tmp_path: Path) -> None:
    with (site / "catalog.json").open("ab") as handle:
        handle.truncate(MAX_CATALOG_BYTES + 1)
    completed = chatmodes("status", "--from", str(site), cwd=tmp_path)
    assert completed.returncode == 2
    assert "larger than 16 MiB" in completed.stderr


def test_catalog_of_tiny_containers_is_refused_before_parsing(site: Path, tmp_path: Path) -> None:
    (site / "catalog.json").write_bytes(b'{"chatmodes": [' + b"{}," * 300_000 + b"{}]}")
    completed = chatmodes("status", "--from", str(site), cwd=tmp_path)
    assert completed.returncode == 2
    assert "JSON objects and arrays" in completed.stderr


def test_limits_leave_a_real_catalog_alone(site: Path, tmp_path: Path) -> None:
    completed = chatmodes("install", "planner", "--with-transitions", "--from", str(site), cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert os.path.isfile(tmp_path / ".github/chatmodes/planner.chatmode.md")

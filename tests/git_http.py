"""Git repositories served over git's smart HTTP protocol on 127.0.0.1, for clients that clone.

Copilot CLI clones a marketplace shallow (``--depth``), which git's dumb HTTP cannot serve, and
takes ``file://`` URLs for local paths; so the tests run ``git http-backend`` (git's own CGI
program) behind the small HTTP server here. Each request is one CGI call: the request's
method, path and query go in as CGI variables, its body on stdin, and the program's
``Status:``/header lines and body come back as the response.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path


class GitHttpServer:
    """Every repository under ``root`` served as ``http://127.0.0.1:PORT/NAME`` (read only)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        backend = shutil.which("git")
        if backend is None:
            raise RuntimeError("git is not installed")
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # http.server's naming
                self._backend()

            def do_POST(self) -> None:  # http.server's naming
                self._backend()

            def _backend(self) -> None:
                server.requests.append(f"{self.command} {self.path}")
                parts = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                environment = {
                    "PATH": os.environ.get("PATH", ""),
                    "GIT_PROJECT_ROOT": str(server.root),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "REQUEST_METHOD": self.command,
                    "PATH_INFO": urllib.parse.unquote(parts.path),
                    "QUERY_STRING": parts.query,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)),
                    "REMOTE_ADDR": self.client_address[0],
                    "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                    "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                }
                completed = subprocess.run(
                    ["git", "http-backend"], input=body, env=environment, capture_output=True, timeout=120
                )
                head, _, payload = completed.stdout.partition(b"\r\n\r\n")
                if not _:
                    head, _, payload = completed.stdout.partition(b"\n\n")
                status, headers = 200, []
                for line in head.decode("latin-1").splitlines():
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = int(value.split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, name: str) -> str:
        """The clone URL of the repository ``root/name``."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def __enter__(self) -> GitHttpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

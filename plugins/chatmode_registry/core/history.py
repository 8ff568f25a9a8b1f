"""Earlier versions of chat mode files, from git history.

``catalog.json`` entries carry ``history``: the sha256 digests of the earlier committed
versions of the file, newest first, without the current one. ``chatmodes status`` uses them
to tell an ``outdated`` install (an earlier published version) from a ``modified`` one.

The work is done in a constant number of git processes whatever the number of files or
commits: ``git rev-parse`` (where is the repository), one ``git log --raw`` over the source
folder (which blob each commit gave each file) and one ``git cat-file --batch`` that streams
every distinct blob once.

Digests are of the committed blobs. Where a checkout converts files (``core.autocrlf``,
smudge filters) the published bytes differ from the blobs and earlier versions will not be
recognised; ``git cat-file --filters`` would fix that but fails on ``<commit>:<path>`` names
in git 2.39, so it is not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

#: Most earlier digests kept per file; older ones are dropped (newest are kept).
MAX_VERSIONS = 100

#: Seconds any one git process may take before the history is given up on.
GIT_TIMEOUT = 120

# A --raw line: ":<old mode> <new mode> <old oid> <new oid> <status>", the path follows.
_RAW_STATUS = re.compile(r":[0-7]{6} [0-7]{6} [0-9a-f]+ ([0-9a-f]+) [A-Z][0-9]*")


def published_history(
    source_dir: Path,
    files: list[str],
    *,
    current: Mapping[str, str] | None = None,
    max_versions: int = MAX_VERSIONS,
) -> dict[str, list[str]]:
    """The sha256 digests of each file's earlier committed versions, newest first.

    ``files`` are POSIX paths relative to ``source_dir``. ``current`` maps a file to the
    digest of the content being published now, which is left out (and so are repeats); for
    files it does not cover, the file on disk is hashed. Every requested file gets a list
    (empty when it has no earlier versions). Returns ``{}`` when ``source_dir`` is not in a
    git work tree, git is missing or fails; never raises.
    """
    try:
        return _published_history(Path(source_dir), files, current or {}, max_versions)
    except Exception:  # history is a nicety; a build must not fail over it
        return {}


def _published_history(
    source_dir: Path, files: list[str], current: Mapping[str, str], max_versions: int
) -> dict[str, list[str]]:
    shown_prefix = _git(source_dir, "rev-parse", "--show-prefix")
    if shown_prefix is None:
        return {}
    prefix = shown_prefix.decode("utf-8", "surrogateescape").strip("\n")
    # Paths as git prints them (relative to the repository root) back to the caller's names.
    wanted = {prefix + name: name for name in files if "\n" not in name}

    log = _git(
        source_dir,
        "-c",
        "core.quotePath=false",
        "log",
        "-z",
        "--format=%H",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--diff-merges=first-parent",
        "--",
        ".",
    )
    if log is None:
        return {}
    # For each file, the blobs its commits gave it, newest first.
    blobs_by_file: dict[str, list[str]] = {name: [] for name in files}
    tokens = log.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].decode("utf-8", "surrogateescape").lstrip("\n")
        index += 1
        status = _RAW_STATUS.fullmatch(token)
        if status is None:  # a commit hash (or the empty tail): not needed, blobs suffice
            continue
        path = tokens[index].decode("utf-8", "surrogateescape") if index < len(tokens) else ""
        index += 1
        blob = status.group(1)
        if path not in wanted or set(blob) == {"0"}:  # zeros: a deletion
            continue
        blobs_by_file[wanted[path]].append(blob)

    unique_blobs = list(dict.fromkeys(blob for blobs in blobs_by_file.values() for blob in blobs))
    digests = _blob_digests(source_dir, unique_blobs)
    if digests is None:
        return {}
    history: dict[str, list[str]] = {}
    for name, blobs in blobs_by_file.items():
        now = current.get(name) or _digest_of_file(source_dir / name)
        found: list[str] = []
        for blob in blobs:
            digest = digests.get(blob)
            if digest and digest != now and digest not in found:
                found.append(digest)
        history[name] = found[:max_versions]
    return history


def _blob_digests(source_dir: Path, order: list[str]) -> dict[str, str] | None:
    """sha256 of each blob, read through one ``git cat-file --batch``."""
    if not order:
        return {}
    try:
        process = subprocess.Popen(
            ["git", "-C", str(source_dir), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_git_env(),
        )
    except OSError:
        return None
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None and stdout is not None  # both are pipes
    # Feed requests from a thread: git answers while we write, and both pipes can fill.
    requests = "".join(f"{blob}\n" for blob in order).encode("ascii")

    def feed() -> None:
        try:
            stdin.write(requests)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    digests: dict[str, str] = {}
    try:
        for blob in order:
            header = stdout.readline()
            fields = header.split()
            if len(fields) != 3:  # "<name> missing" or an unexpected answer: skip this blob
                if not header:
                    break
                continue
            size = int(fields[2])
            content = _read_exactly(stdout, size)
            stdout.read(1)  # the newline after each object
            if content is None:
                break
            digests[blob] = hashlib.sha256(content).hexdigest()
    finally:
        stdout.close()
        writer.join(timeout=GIT_TIMEOUT)
        try:
            process.wait(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None
    return digests


def _read_exactly(stream, size: int) -> bytes | None:
    """``size`` bytes from ``stream``, or ``None`` if it ends first."""
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _digest_of_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _git_env() -> dict[str, str]:
    # No optional locks: a build must not contend with the user's own git commands.
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


def _git(source_dir: Path, *args: str) -> bytes | None:
    """Run one git command in ``source_dir``; its stdout, or ``None`` on any failure."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(source_dir), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=_git_env(),
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout if completed.returncode == 0 else None

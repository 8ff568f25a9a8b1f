"""Every git process the registry starts: one runner, one environment, one error type.

A build reads the history of the source folder once (:func:`read_source_log`): one
``git log`` gives both the last commit date of each file (shown on its page) and the blobs
its commits gave it (``core.history`` turns those into the digests of earlier versions, read
through one ``git cat-file --batch``, :func:`cat_blobs`). The number of git processes does
not grow with the number of files or commits, and the output is parsed as it streams, keeping
a bounded part of it (:class:`SourceLog`): history written to flood a catalog costs time in
proportion to its size, and memory only in proportion to the files present now.

Git is optional: callers catch :class:`GitError` (git missing, not a work tree, a broken or
slow repository) and build without dates or history.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from chatmode_registry.core.filenames import name_problem
from chatmode_registry.core.model import chatmode_suffix

#: Seconds any one git process may take before it is given up on.
GIT_TIMEOUT = 120.0

#: Starts each commit's record in :func:`read_source_log`'s output: a byte that cannot start
#: a ``--raw`` status line or a date.
_RECORD = "\x01"

# A --raw line: ":<old mode> <new mode> <old oid> <new oid> <status>", the path follows.
_RAW_STATUS = re.compile(r":[0-7]{6} [0-7]{6} [0-9a-f]+ ([0-9a-f]+) ([A-Z])[0-9]*")


class GitError(Exception):
    """A git command could not run or failed; the message says which and why."""


def git_environment() -> dict[str, str]:
    """The current environment with git's interactive and contending features switched off."""
    return {
        **os.environ,
        # Never ask for anything (credentials, pager) during a build.
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "LC_ALL": "C",
        # No optional locks: a build must not contend with the user's own git commands.
        "GIT_OPTIONAL_LOCKS": "0",
    }


def run_git(folder: Path, *args: str, timeout: float = GIT_TIMEOUT) -> bytes:
    """Run ``git -C folder ARGS``; its standard output. Raises :class:`GitError`."""
    return b"".join(stream_git(folder, *args, timeout=timeout))


#: Most distinct versions of one file kept from history, newest first: ``catalog.json``'s
#: ``history`` lists at most this many earlier versions (the rest are counted).
MAX_VERSIONS = 100

#: Most removed chat mode files kept from history (the most recently changed first): a commit
#: that adds 80,000 files and the next that deletes them must not flood ``catalog.json``.
MAX_REMOVED = 1000

_ZERO_BLOB = re.compile("0+")


@dataclass
class SourceLog:
    """What the history of a source folder says about each file (POSIX paths relative to it).

    Everything is bounded: per file at most ``max_versions + 1`` blobs (the current content
    may be one of them), at most ``max_removed`` removed files, and counts of the rest.
    """

    #: The committer date (strict ISO 8601) of the newest non-merge commit that touched a file.
    dates: dict[str, str] = field(default_factory=dict)
    #: The distinct blob ids the file's commits gave it, newest first (merges against their
    #: first parent).
    blobs: dict[str, list[str]] = field(default_factory=dict)
    #: Per file, the commits beyond its kept blobs that gave it another version (a version
    #: committed twice counts twice).
    more_versions: dict[str, int] = field(default_factory=dict)
    #: Chat mode files the history has and the folder no longer does, with their blobs as
    #: in ``blobs``: the ``max_removed`` most recently changed, newest first. Only filled when
    #: the files present now are known (:func:`read_source_log`'s ``present``).
    removed: dict[str, list[str]] = field(default_factory=dict)
    #: Removed chat mode files beyond ``removed`` (counted by their deletions).
    more_removed: int = 0
    #: Removed chat mode files left out because their names are not UTF-8 or hold control
    #: characters (``core.filenames``): such a name cannot be published (counted by deletion).
    unsafe_removed: int = 0


class _LogParser:
    """Reads :func:`read_source_log`'s output one NUL-separated token at a time, keeping only
    what :class:`SourceLog` bounds: memory does not grow with the number of files history
    names, only with the files present now."""

    def __init__(self, present: Collection[str] | None, max_versions: int, max_removed: int) -> None:
        self.log = SourceLog()
        self.present = present
        self.max_blobs = max_versions + 1
        self.max_removed = max_removed
        self.date = ""
        self.merge = False
        self.expect = ""  # "parents" or "path" when the next token is one, else ""
        self.blob = ""
        self.status = ""

    def feed(self, token: str) -> None:
        if self.expect == "parents":
            self.merge = len(token.split()) > 1
            self.expect = ""
        elif self.expect == "path":
            self.expect = ""
            if token:
                self._change(token)
        elif token.startswith(_RECORD):
            self.date = token[len(_RECORD) :].strip()
            self.expect = "parents"
        elif (status := _RAW_STATUS.fullmatch(token.lstrip("\n"))) is not None:
            self.blob, self.status = status.group(1), status.group(2)
            self.expect = "path"

    def _change(self, path: str) -> None:
        log = self.log
        deleted = _ZERO_BLOB.fullmatch(self.blob) is not None
        if self.present is None or path in self.present:
            # Dates as ``git log --name-only`` gives them: merges name no files there.
            if not self.merge:
                log.dates.setdefault(path, self.date)
            if not deleted:
                self._add_blob(log.blobs.setdefault(path, []), path)
            return
        if not chatmode_suffix(path):
            return
        if name_problem(path) is not None:
            log.unsafe_removed += self.status == "D"
        elif path in log.removed:
            if not deleted:
                self._add_blob(log.removed[path], path)
        elif len(log.removed) < self.max_removed:
            log.removed[path] = [] if deleted else [self.blob]
        else:
            log.more_removed += self.status == "D"

    def _add_blob(self, blobs: list[str], path: str) -> None:
        if self.blob in blobs:
            return
        if len(blobs) < self.max_blobs:
            blobs.append(self.blob)
        else:
            self.log.more_versions[path] = self.log.more_versions.get(path, 0) + 1


def read_source_log(
    folder: Path,
    *,
    present: Collection[str] | None = None,
    max_versions: int = MAX_VERSIONS,
    max_removed: int = MAX_REMOVED,
    timeout: float = GIT_TIMEOUT,
) -> SourceLog:
    """The history of ``folder`` in one ``git log``, read as it streams. Raises :class:`GitError`.

    ``present`` are the files in the folder now: only they get dates and blobs, and every
    other chat mode file is a removed one. Without it every file the history names gets them
    (and nothing is removed). Memory stays bounded by ``present``, ``max_versions`` and
    ``max_removed`` however many files and commits the history has.
    """
    parser = _LogParser(present if present is None else frozenset(present), max_versions, max_removed)
    arguments = (
        # -z prints paths verbatim; --relative names them relative to ``folder``, as the
        # catalog names its sources.
        "log",
        "-z",
        f"--format={_RECORD}%cI%x00%P",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--relative",
        "--diff-merges=first-parent",
        "--",
        ".",
    )
    pending = b""
    for chunk in stream_git(folder, *arguments, timeout=timeout):
        tokens = (pending + chunk).split(b"\0")
        pending = tokens.pop()
        for token in tokens:
            parser.feed(token.decode("utf-8", "surrogateescape"))
    if pending:
        parser.feed(pending.decode("utf-8", "surrogateescape"))
    return parser.log


def parse_log(output: str, *, present: Collection[str] | None = None) -> SourceLog:
    """Parse :func:`read_source_log`'s ``git log`` output (newest commit first) held in memory."""
    parser = _LogParser(present, MAX_VERSIONS, MAX_REMOVED)
    for token in output.split("\0"):
        parser.feed(token)
    return parser.log


#: Bytes read from a git process at a time.
_CHUNK = 1024 * 1024


def stream_git(folder: Path, *args: str, timeout: float = GIT_TIMEOUT) -> Iterator[bytes]:
    """Run ``git -C folder ARGS`` and yield its standard output in chunks as it comes, so
    that a long output is never held whole. Raises :class:`GitError` when git cannot start,
    fails (after its output) or takes longer than ``timeout`` in all."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                ["git", "-C", str(folder), *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=git_environment(),
            )
        except OSError as error:
            raise GitError(f"git {args[0] if args else ''}: {error}") from None
        stdout = process.stdout
        assert stdout is not None  # a pipe
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            while chunk := stdout.read(_CHUNK):
                yield chunk
            process.wait()
            if expired.is_set():
                raise GitError(f"git {args[0] if args else ''}: timed out after {timeout:g} s")
            if process.returncode != 0:
                errors.seek(max(0, errors.seek(0, os.SEEK_END) - 4096))  # its last line is enough
                message = errors.read().decode("utf-8", "replace").strip().splitlines()
                raise GitError(
                    f"git {args[0] if args else ''}: {message[-1] if message else process.returncode}"
                )
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            stdout.close()


def cat_blobs(
    folder: Path, blobs: Iterable[str], *, timeout: float = GIT_TIMEOUT
) -> Iterator[tuple[str, bytes]]:
    """The content of each blob, streamed through one ``git cat-file --batch``.

    Yields ``(blob, content)`` in the order asked; a blob git does not have is skipped.
    Raises :class:`GitError` if git cannot start or does not finish in ``timeout``.
    """
    order = list(blobs)
    if not order:
        return
    try:
        process = subprocess.Popen(
            ["git", "-C", str(folder), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_environment(),
        )
    except OSError as error:
        raise GitError(f"git cat-file: {error}") from None
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
    try:
        for blob in order:
            header = stdout.readline()
            fields = header.split()
            if len(fields) != 3:  # "<name> missing" or an unexpected answer: skip this blob
                if not header:
                    break
                continue
            content = _read_exactly(stdout, int(fields[2]))
            stdout.read(1)  # the newline after each object
            if content is None:
                break
            yield blob, content
    finally:
        stdout.close()
        writer.join(timeout=timeout)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise GitError(f"git cat-file: timed out after {timeout:g} s") from None


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
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

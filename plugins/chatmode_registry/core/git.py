"""Every git process the registry starts: one runner, one environment, one error type.

A build reads the history of the source folder once (:func:`read_source_log`): one
``git log`` gives both the last commit date of each file (shown on its page) and the blobs
its commits gave it (``core.history`` turns those into the digests of earlier versions, read
through one ``git cat-file --batch``, :func:`cat_blobs`). The number of git processes does
not grow with the number of files or commits.

Git is optional: callers catch :class:`GitError` (git missing, not a work tree, a broken or
slow repository) and build without dates or history.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

#: Seconds any one git process may take before it is given up on.
GIT_TIMEOUT = 120.0

#: Starts each commit's record in :func:`read_source_log`'s output: a byte that cannot start
#: a ``--raw`` status line or a date.
_RECORD = "\x01"

# A --raw line: ":<old mode> <new mode> <old oid> <new oid> <status>", the path follows.
_RAW_STATUS = re.compile(r":[0-7]{6} [0-7]{6} [0-9a-f]+ ([0-9a-f]+) [A-Z][0-9]*")


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
    command = ["git", "-C", str(folder), *args]
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=git_environment(),
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise GitError(f"git {args[0] if args else ''}: {error}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0] if args else ''}: {message[-1] if message else completed.returncode}")
    return completed.stdout


@dataclass
class SourceLog:
    """What the history of a source folder says about each file (POSIX paths relative to it)."""

    #: The committer date (strict ISO 8601) of the newest non-merge commit that touched a file.
    dates: dict[str, str] = field(default_factory=dict)
    #: The blob ids the file's commits gave it, newest first (merges against their first parent).
    blobs: dict[str, list[str]] = field(default_factory=dict)


def read_source_log(folder: Path, *, timeout: float = GIT_TIMEOUT) -> SourceLog:
    """The history of ``folder`` in one ``git log``. Raises :class:`GitError`."""
    output = run_git(
        folder,
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
        timeout=timeout,
    )
    return parse_log(output.decode("utf-8", "surrogateescape"))


def parse_log(output: str) -> SourceLog:
    """Parse :func:`read_source_log`'s ``git log`` output (newest commit first)."""
    log = SourceLog()
    tokens = output.split("\0")
    index = 0
    date = ""
    merge = False
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.startswith(_RECORD):
            date = token[len(_RECORD) :].strip()
            parents = tokens[index] if index < len(tokens) else ""
            index += 1
            merge = len(parents.split()) > 1
            continue
        status = _RAW_STATUS.fullmatch(token.lstrip("\n"))
        if status is None:  # the empty tail
            continue
        path = tokens[index] if index < len(tokens) else ""
        index += 1
        if not path:
            continue
        # Dates as ``git log --name-only`` gives them: merges name no files there.
        if not merge:
            log.dates.setdefault(path, date)
        blob = status.group(1)
        if set(blob) != {"0"}:  # zeros: a deletion
            log.blobs.setdefault(path, []).append(blob)
    return log


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

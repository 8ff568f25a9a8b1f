"""Last-commit dates of the chat mode files, read from git in one call.

Asking git once per file costs a process start each (10,000 files would take minutes), so
the whole history of the source folder is read in a single ``git log`` and the newest date
of each path is kept. Anything that goes wrong (no git, not a work tree, a shallow or
broken repository) means "no dates": the site is built without them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: Separates one commit's record from the next in the ``git log`` output below. A byte
#: that cannot occur in a date or, with ``-z``, be confused with a path separator.
_RECORD = "\x01"


def last_commit_dates(folder: Path, *, timeout: float = 120.0) -> dict[str, str]:
    """Map each file under ``folder`` (POSIX path relative to it) to its last commit date.

    Dates are the committer dates in strict ISO 8601 (``git log --format=%cI``). Files that
    were never committed are absent; so is everything when ``folder`` is not inside a git
    work tree or git is not installed.
    """
    command = [
        "git",
        "-C",
        str(folder),
        # Paths come back verbatim (``-z`` disables quoting of unusual names) and relative
        # to ``folder`` (``--relative``), which is how the catalog names its sources.
        "log",
        "-z",
        "--name-only",
        "--relative",
        "--no-renames",
        f"--format={_RECORD}%cI",
        "--",
        ".",
    ]
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            check=False,
            timeout=timeout,
            # Never let git ask for anything (credentials, pager) during a build.
            stdin=subprocess.DEVNULL,
            env=_quiet_git_environment(),
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if completed.returncode != 0:
        return {}
    return parse_log(completed.stdout.decode("utf-8", errors="surrogateescape"))


def parse_log(output: str) -> dict[str, str]:
    """Parse the output of the ``git log`` call above: newest date first wins per path."""
    dates: dict[str, str] = {}
    for record in output.split(_RECORD):
        if not record:
            continue
        date, _, names = record.partition("\0")
        date = date.strip()
        for name in names.split("\0"):
            name = name.strip("\n")
            if name and name not in dates:
                dates[name] = date
    return dates


def _quiet_git_environment() -> dict[str, str]:
    """The current environment with git's interactive features switched off."""
    environment = dict(os.environ)
    environment.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return environment

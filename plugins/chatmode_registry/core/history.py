"""Earlier versions of chat mode files, from git history.

``catalog.json`` entries carry ``history``: the sha256 digests of the earlier committed
versions of the file, newest first, without the current one. ``chatmodes status`` uses them
to tell an ``outdated`` install (an earlier published version) from a ``modified`` one.

The work is done in a constant number of git processes whatever the number of files or
commits (``core.git``): one ``git log`` over the source folder (which blob each commit gave
each file; a build shares it with the page dates) and one ``git cat-file --batch`` that
streams every distinct blob once.

Digests are of the committed blobs. Where a checkout converts files (``core.autocrlf``,
smudge filters) the published bytes differ from the blobs and earlier versions will not be
recognised; ``git cat-file --filters`` would fix that but fails on ``<commit>:<path>`` names
in git 2.39, so it is not used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from chatmode_registry.core.git import SourceLog, cat_blobs, read_source_log

#: Most earlier digests kept per file; older ones are dropped (newest are kept).
MAX_VERSIONS = 100


def published_history(
    source_dir: Path,
    files: list[str],
    *,
    current: Mapping[str, str] | None = None,
    max_versions: int = MAX_VERSIONS,
    log: SourceLog | None = None,
) -> dict[str, list[str]]:
    """The sha256 digests of each file's earlier committed versions, newest first.

    ``files`` are POSIX paths relative to ``source_dir``. ``current`` maps a file to the
    digest of the content being published now, which is left out (and so are repeats); for
    files it does not cover, the file on disk is hashed. ``log`` is the folder's history when
    the caller has already read it (:func:`~chatmode_registry.core.git.read_source_log`).
    Every requested file gets a list (empty when it has no earlier versions). Returns ``{}``
    when ``source_dir`` is not in a git work tree, git is missing or fails; never raises.
    """
    try:
        return _published_history(Path(source_dir), files, current or {}, max_versions, log)
    except Exception:  # history is a nicety; a build must not fail over it
        return {}


def _published_history(
    source_dir: Path,
    files: list[str],
    current: Mapping[str, str],
    max_versions: int,
    log: SourceLog | None,
) -> dict[str, list[str]]:
    if log is None:
        log = read_source_log(source_dir)
    # For each file, the blobs its commits gave it, newest first.
    blobs_by_file = {name: log.blobs.get(name, []) if "\n" not in name else [] for name in files}
    unique_blobs = list(dict.fromkeys(blob for blobs in blobs_by_file.values() for blob in blobs))
    digests = {
        blob: hashlib.sha256(content).hexdigest() for blob, content in cat_blobs(source_dir, unique_blobs)
    }
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


def _digest_of_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

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

from chatmode_registry.core.git import MAX_VERSIONS, SourceLog, cat_blobs, read_source_log

__all__ = ["MAX_VERSIONS", "history_with_counts", "published_history", "removed_history"]


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
    Every requested file gets a list (empty when it has no earlier versions), of at most
    ``max_versions``. Returns ``{}`` when ``source_dir`` is not in a git work tree, git is
    missing or fails; never raises.
    """
    return history_with_counts(source_dir, files, current=current, max_versions=max_versions, log=log)[0]


def history_with_counts(
    source_dir: Path,
    files: list[str],
    *,
    current: Mapping[str, str] | None = None,
    max_versions: int = MAX_VERSIONS,
    log: SourceLog | None = None,
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """:func:`published_history`, and for each file whose history was cut at ``max_versions``
    how many earlier versions were left out (``({}, {})`` on any failure)."""
    try:
        return _published_history(Path(source_dir), files, current or {}, max_versions, log)
    except Exception:  # history is a nicety; a build must not fail over it
        return {}, {}


def _published_history(
    source_dir: Path,
    files: list[str],
    current: Mapping[str, str],
    max_versions: int,
    log: SourceLog | None,
) -> tuple[dict[str, list[str]], dict[str, int]]:
    if log is None:
        log = read_source_log(source_dir, present=files, max_versions=max_versions)
    # For each file, the blobs its commits gave it, newest first.
    blobs_by_file = {name: log.blobs.get(name, []) if "\n" not in name else [] for name in files}
    unique_blobs = list(dict.fromkeys(blob for blobs in blobs_by_file.values() for blob in blobs))
    digests = {
        blob: hashlib.sha256(content).hexdigest() for blob, content in cat_blobs(source_dir, unique_blobs)
    }
    history: dict[str, list[str]] = {}
    omitted: dict[str, int] = {}
    for name, blobs in blobs_by_file.items():
        now = current.get(name) or _digest_of_file(source_dir / name)
        found: list[str] = []
        for blob in blobs:
            digest = digests.get(blob)
            if digest and digest != now and digest not in found:
                found.append(digest)
        history[name] = found[:max_versions]
        left_out = log.more_versions.get(name, 0) + max(0, len(found) - max_versions)
        if left_out:
            omitted[name] = left_out
    return history, omitted


def removed_history(
    source_dir: Path, current: list[str], *, log: SourceLog | None = None, max_versions: int = MAX_VERSIONS
) -> dict[str, list[str]]:
    """Chat mode files git once had in ``source_dir`` that are gone now, with their digests.

    ``current`` are the POSIX paths (relative to ``source_dir``) of the files there now. The
    result maps the removed ``*.agent.md``/``*.chatmode.md`` paths the history knows (at most
    :data:`~chatmode_registry.core.git.MAX_REMOVED`, the most recently changed, in that order;
    ``log.more_removed`` counts the rest; names that are not UTF-8 or hold control characters
    are left out and counted in ``log.unsafe_removed``) to the sha256 digests of their
    committed versions, newest first: what ``chatmodes status`` needs to call an installed copy
    ``removed`` rather than ``unknown``. ``log`` is the history read with ``present=current``;
    ``{}`` outside git or on any failure; never raises.
    """
    try:
        if log is None:
            log = read_source_log(Path(source_dir), present=current, max_versions=max_versions)
        gone = log.removed
        wanted = list(dict.fromkeys(blob for blobs in gone.values() for blob in blobs))
        digests = {
            blob: hashlib.sha256(content).hexdigest() for blob, content in cat_blobs(Path(source_dir), wanted)
        }
    except Exception:  # history is a nicety; a build must not fail over it
        return {}
    removed: dict[str, list[str]] = {}
    for name, blobs in gone.items():
        found = list(dict.fromkeys(digests[blob] for blob in blobs if blob in digests))
        if found:
            removed[name] = found[:max_versions]
    return removed


def _digest_of_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

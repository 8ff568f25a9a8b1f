"""Installing chat modes from a catalog site, and checking installed ones against it.

Installing happens in two steps so that a failure leaves the destination untouched:

1. :func:`plan_install` resolves the slugs (and, on request, every mode reachable along
   transitions), fetches each raw file, verifies its size and sha256 against the catalog and
   compares it with what is already on disk. It writes nothing.
2. :func:`apply` writes the plan only when nothing failed and, unless forced, nothing on disk
   would be overwritten with different content. Every file is first written to a temporary
   file next to its destination; only when all are staged are they moved into place with
   ``os.replace``.

:func:`status` compares local files with the catalog's current and earlier (``history``)
digests, and :func:`plugin_status` does the same for the files of modes Copilot CLI installed
as plugins. Nothing here prints; the command line turns the results into output.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import signal
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatmode_registry.core.copilot_plugins import PluginInstall
from chatmode_registry.core.filenames import case_key, escaped, portability_problem
from chatmode_registry.core.identity import close_names, slugify
from chatmode_registry.core.model import SUFFIXES, ProgressCallback, split_suffix
from chatmode_registry.core.record import CatalogRecord, ChatModeRecord
from chatmode_registry.core.site import (
    MAX_FILE_BYTES,
    Site,
    SiteFileError,
    UnsafeUrlError,
    check_relative_url,
)
from chatmode_registry.core.workspace import agent_stem, install_folders

#: Where VS Code looks for workspace custom agents and chat modes, by suffix (the workspace's
#: locations, ``core.workspace``).
DEFAULT_DIRS: dict[str, Path] = install_folders()

#: States :func:`status` gives a local file.
UP_TO_DATE, OUTDATED, MODIFIED, REMOVED, UNKNOWN = "up-to-date", "outdated", "modified", "removed", "unknown"

#: Every state, in the order reports list them.
STATES = (UP_TO_DATE, OUTDATED, MODIFIED, REMOVED, UNKNOWN)

#: What :func:`plan_install` intends for one file.
CREATE, UPDATE, UNCHANGED, CONFLICT = "create", "update", "unchanged", "conflict"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: Windows refuses device names (``con.agent.md``): there they stop an install; elsewhere they
#: are a note, since the destination may be a repository someone checks out on Windows.
_ON_WINDOWS = os.name == "nt"


def sha256_hex(data: bytes) -> str:
    """The sha256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Problem:
    """Something that stops an install. ``kind``: ``unknown-slug``, ``unsafe-name``,
    ``fetch`` (missing or truncated file), ``integrity`` (size or sha256 mismatch) or
    ``destination`` (the destination path cannot be used)."""

    slug: str
    kind: str
    message: str


@dataclass
class PlannedFile:
    """One file of an install plan: the verified ``content`` and where it goes.

    ``action`` is ``create`` (nothing there), ``unchanged`` (the same bytes are already
    there) or ``conflict`` (different content is there; :func:`apply` replaces it only when
    forced, and then marks it ``update``). ``requested``: named by the user rather than
    reached along a transition.
    """

    slug: str
    path: Path
    content: bytes
    action: str
    requested: bool = True


@dataclass
class InstallPlan:
    """What an install would do. ``files`` is in install order: the requested slugs first,
    then the modes reached along transitions, breadth first."""

    files: list[PlannedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def conflicts(self) -> list[PlannedFile]:
        """Files whose destination holds different content."""
        return [planned for planned in self.files if planned.action == CONFLICT]


@dataclass
class InstallResult:
    """What :func:`apply` did. ``written`` files were created or replaced; when ``ok`` is
    false nothing at all was written (``problems`` or ``conflicts`` say why)."""

    written: list[PlannedFile] = field(default_factory=list)
    unchanged: list[PlannedFile] = field(default_factory=list)
    conflicts: list[PlannedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the install went through (possibly with nothing to write)."""
        return not self.problems and not self.conflicts


def close_matches(name: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Known slugs that look like ``name``, best first."""
    return close_names(name, known, limit=limit)


def resolve_slugs(
    entries: dict[str, ChatModeRecord],
    requested: Iterable[str],
    *,
    with_transitions: bool = False,
    depth: int | None = 1,
) -> tuple[list[tuple[str, bool]], list[Problem], list[str]]:
    """The slugs to install, in order, each with whether it was requested by name.

    A requested name is taken as a slug, else slugified (so ``"Backend Engineer"`` works).
    With ``with_transitions`` the targets of the requested modes' transitions (handoff,
    subagent and prose; built-in agents have no target) follow, breadth first in transition
    order, ``depth`` steps away at most (1: the direct targets only; ``None``: everything
    reachable). Returns ``(slugs, problems, notes)``.
    """
    order: list[tuple[str, bool]] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    notes: list[str] = []
    for name in requested:
        slug = name if name in entries else slugify(name)
        if slug not in entries:
            suggestions = close_matches(slugify(name) or name, entries)
            hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
            problems.append(Problem(name, "unknown-slug", f"no chat mode {name!r} in the catalog{hint}"))
        elif slug not in seen:
            seen.add(slug)
            order.append((slug, True))
    if with_transitions:
        queue = deque((slug, 0) for slug, _ in order)
        while queue:
            source, distance = queue.popleft()
            if depth is not None and distance >= depth:
                continue
            for transition in entries[source].get("transitions", []):
                target = transition.get("target")
                if target is None or (isinstance(target, str) and target in seen):
                    continue
                if not isinstance(target, str) or target not in entries:
                    notes.append(f"{source}: transition target {target!r} is not in the catalog; skipped")
                    continue
                seen.add(target)
                order.append((target, False))
                queue.append((target, distance + 1))
    return order, problems, notes


def install_name(entry: ChatModeRecord) -> str:
    """The file name to install ``entry`` under: the last segment of its ``raw_url``.

    The URL must stay below the site root, and the name must be ``<slug><suffix>`` for a slug
    of the contract's form and a chat mode suffix, which also guarantees it cannot leave the
    destination folder (no ``/``, ``..``, NUL). Raises :class:`UnsafeUrlError` otherwise.
    """
    slug, raw_url = entry["slug"], entry["raw_url"]
    check_relative_url(raw_url)
    name = urllib.parse.unquote(urllib.parse.urlsplit(raw_url).path.rsplit("/", 1)[-1])
    if not _SLUG.fullmatch(slug):
        raise UnsafeUrlError(f"refusing slug {slug!r}: it is not of the form a-z0-9 and '-'")
    parts = split_suffix(name)
    if "/" in name or "\\" in name or parts is None or parts[0] != slug:
        expected = " or ".join(slug + suffix for suffix in SUFFIXES)
        raise UnsafeUrlError(f"refusing raw_url {raw_url!r}: it names {name!r}, expected {expected}")
    return name


def plan_install(
    site: Site,
    slugs: Iterable[str],
    *,
    dest: Path | None = None,
    with_transitions: bool = False,
    depth: int | None = 1,
    paths: dict[str, Path] | None = None,
    base: Path | None = None,
    progress: ProgressCallback | None = None,
) -> InstallPlan:
    """Fetch and verify everything an install needs, and compare it with the disk.

    ``dest`` overrides the default folders (:data:`DEFAULT_DIRS`, below ``base`` when given,
    else the working folder); ``paths`` gives the destination of some slugs outright
    (``update`` writes over the file it found).
    ``with_transitions`` and ``depth`` are :func:`resolve_slugs`'. ``progress(done, total)``
    is called after each file. Writes nothing. Network failures
    (:class:`~chatmode_registry.core.site.SiteUnavailable`) propagate; every other failure
    becomes a :class:`Problem` of the plan.
    """
    entries = site.entries()
    order, problems, notes = resolve_slugs(entries, slugs, with_transitions=with_transitions, depth=depth)
    plan = InstallPlan(problems=problems, notes=notes)
    names = _CaseInsensitiveNames()
    for done, (slug, requested) in enumerate(order, start=1):
        if progress is not None:
            progress(done, len(order))
        entry = entries[slug]
        try:
            name = install_name(entry)
        except UnsafeUrlError as error:
            plan.problems.append(Problem(slug, "unsafe-name", f"{slug}: {error}"))
            continue
        expected_size = entry.get("bytes")
        if expected_size is not None and expected_size > MAX_FILE_BYTES:
            plan.problems.append(
                Problem(
                    slug,
                    "fetch",
                    f"{slug}: the catalog says {expected_size} bytes, more than the "
                    f"{MAX_FILE_BYTES} a chat mode file may have; not downloaded",
                )
            )
            continue
        try:
            # No size in the catalog: the fetch is still capped (MAX_FILE_BYTES).
            content = site.fetch(entry["raw_url"], limit=expected_size)
        except SiteFileError as error:
            plan.problems.append(Problem(slug, "fetch", f"{slug}: {error}"))
            continue
        integrity = integrity_problem(entry, content)
        if integrity:
            where = site.describe(entry["raw_url"])
            plan.problems.append(Problem(slug, "integrity", f"{slug}: {where}: {integrity}; not installed"))
            continue
        if paths is not None and slug in paths:
            path = paths[slug]
        else:
            parts = split_suffix(name)
            assert parts is not None  # install_name only gives chat mode file names
            folder = dest if dest is not None else DEFAULT_DIRS[parts[1]]
            path = (base / folder if base is not None else folder) / name
        unportable = portability_problem(name)
        if unportable is not None:
            if _ON_WINDOWS:
                plan.problems.append(
                    Problem(slug, "destination", f"{slug}: {unportable}: Windows cannot create it")
                )
                continue
            plan.notes.append(
                f"{slug}: {unportable}: a folder holding it cannot be checked out on Windows (CM309)"
            )
        try:
            names.claim(path)
            action = _compare_with_disk(path, content)
        except ValueError as error:
            plan.problems.append(Problem(slug, "destination", f"{slug}: {error}"))
            continue
        plan.files.append(PlannedFile(slug, path, content, action, requested))
    return plan


class _CaseInsensitiveNames:
    """The names an install would create, checked as macOS and Windows compare them: a file
    whose name differs from an existing file's, or another planned file's, only by case would
    replace that file there (or be refused), and even on Linux it makes a folder that cannot
    be checked out elsewhere. Each folder is listed once."""

    def __init__(self) -> None:
        self.planned: dict[str, Path] = {}
        self.listed: dict[Path, dict[str, str]] = {}

    def claim(self, path: Path) -> None:
        """Take ``path`` for the plan; raises ``ValueError`` with what to do on a collision."""
        key = case_key(path.as_posix())
        other = self.planned.get(key)
        if other is not None and other != path:
            raise ValueError(
                f"{path.as_posix()} and {other.as_posix()}, both in this install, differ only by case: "
                "macOS and Windows would keep one of them; install them into different folders"
            )
        self.planned[key] = path
        existing = self._listing(path.parent).get(case_key(path.name))
        if existing is not None and existing != path.name:
            raise ValueError(
                f"{path.as_posix()} differs only by case from the existing {(path.parent / existing).as_posix()}: "
                "macOS and Windows treat them as one file; rename or remove that file, or choose "
                "another --dest (not installed, even with --force)"
            )

    def _listing(self, folder: Path) -> dict[str, str]:
        if folder not in self.listed:
            try:
                self.listed[folder] = {case_key(child.name): child.name for child in folder.iterdir()}
            except OSError:  # no folder yet: nothing to collide with
                self.listed[folder] = {}
        return self.listed[folder]


def integrity_problem(entry: ChatModeRecord, content: bytes) -> str | None:
    """Why ``content`` is not the file the catalog entry describes (its ``bytes`` and
    ``sha256``, where given), or ``None`` when it is."""
    size = entry.get("bytes")
    if isinstance(size, int) and len(content) != size:
        return f"got {len(content)} bytes, the catalog says {size}"
    expected = entry.get("sha256")
    digest = sha256_hex(content)
    if expected is not None and digest != expected:
        return f"sha256 {digest} does not match the catalog's {expected}"
    return None


def _compare_with_disk(path: Path, content: bytes) -> str:
    """``create``, ``unchanged`` or ``conflict`` for writing ``content`` to ``path``."""
    if not os.path.lexists(path):
        return CREATE
    if path.is_dir():
        raise ValueError(f"{path.as_posix()} is a folder")
    try:
        existing = path.read_bytes()
    except FileNotFoundError:  # a dangling symlink: replacing it loses nothing
        return CREATE
    except OSError as error:
        raise ValueError(f"cannot read {path.as_posix()}: {error.strerror or error}") from None
    return UNCHANGED if existing == content else CONFLICT


def apply(plan: InstallPlan, *, force: bool = False) -> InstallResult:
    """Write a plan, all or nothing.

    Nothing is written when the plan has problems, or has conflicts and ``force`` is false.
    With ``force`` conflicting files are replaced (their action becomes ``update``). A file
    that fails to stage (disk full, permissions) undoes all staging and is reported as a
    ``destination`` problem; the destination is then as it was.
    """
    result = InstallResult(
        unchanged=[planned for planned in plan.files if planned.action == UNCHANGED],
        problems=list(plan.problems),
    )
    if result.problems:
        return result
    if plan.conflicts and not force:
        result.conflicts = plan.conflicts
        return result
    to_write = [planned for planned in plan.files if planned.action in (CREATE, CONFLICT, UPDATE)]
    staged: list[tuple[Path, PlannedFile]] = []
    created_dirs: list[Path] = []
    try:
        for planned in to_write:
            created_dirs += _make_dirs(planned.path.parent)
            staged.append((_stage(planned.path, planned.content), planned))
    except OSError as error:
        for temp, _ in staged:
            _remove_quietly(temp)
        for folder in reversed(created_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        result.problems.append(Problem("", "destination", f"cannot write: {error}"))
        return result
    with _signals_held():
        for temp, planned in staged:
            os.replace(temp, planned.path)
            if planned.action == CONFLICT:
                planned.action = UPDATE
            result.written.append(planned)
    return result


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM back while the staged files are moved into place, so an
    interrupt cannot leave half an install; a held signal arrives as soon as the moves are done."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # Windows has no signal masks
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _make_dirs(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return the ones created, outermost first."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    missing.reverse()
    for created in missing:
        created.mkdir()
    return missing


def _stage(path: Path, content: bytes) -> Path:
    """Write ``content`` to a new temporary file beside ``path`` and return its path.

    ``os.open`` with mode 0o666 lets the umask decide permissions, as for any new file.
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove_quietly(temp)
        raise
    return temp


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


@dataclass
class FileStatus:
    """How one local file relates to the catalog. ``path`` is as found (POSIX), ``state`` one
    of ``up-to-date``, ``outdated``, ``modified``, ``removed``, ``unknown``. ``plugin``: the
    Copilot CLI plugin install the file belongs to (the CLI manages it, not ``update``), with
    ``update_command``, the command that updates it (``None`` for a live plugin)."""

    path: str
    slug: str
    state: str
    plugin: PluginInstall | None = None
    update_command: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape, plus what a plugin install adds."""
        data: dict[str, Any] = {"path": self.path, "slug": self.slug, "state": self.state}
        if self.plugin is not None:
            data["installed_by"] = "copilot-cli"
            data["plugin"] = self.plugin.spec
            data["live"] = self.plugin.live
            data["update_command"] = self.update_command
        return data


def find_local_files(folders: Iterable[Path]) -> list[Path]:
    """The chat mode files directly inside ``folders`` (missing folders are skipped), sorted:
    in a workspace folder every file VS Code reads there (``core.workspace``), elsewhere the
    ``*.agent.md`` and ``*.chatmode.md`` files."""
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        found += sorted(child for child in folder.iterdir() if agent_stem(child) and child.is_file())
    return found


def local_slug(path: Path) -> str:
    """The slug a local file stands for: its name without suffix, slugified."""
    stem = agent_stem(path)
    return slugify(stem if stem else path.name)


def status(site: Site, paths: Iterable[Path]) -> list[FileStatus]:
    """The state of each local file against the catalog. Reads only ``catalog.json``.

    ``up-to-date``: the file's sha256 is the catalog's; ``outdated``: it is one of the
    entry's ``history`` digests; ``modified``: the slug is known but the content is neither;
    ``removed``: the catalog lists the slug (or the file's digest) under ``removed``, the modes
    its source folder once published; ``unknown``: none of these. Raises ``OSError`` for a
    file that cannot be read.
    """
    entries = site.entries()
    removed = removed_index(site.catalog)
    results: list[FileStatus] = []
    for path in paths:
        slug = local_slug(path)
        # A local name that is not UTF-8 is shown escaped (it is printed and written as JSON).
        results.append(
            FileStatus(escaped(path.as_posix()), slug, _state(entries, removed, slug, path.read_bytes()))
        )
    return results


def _state(
    entries: dict[str, ChatModeRecord], removed: tuple[set[str], set[str]], slug: str, content: bytes
) -> str:
    """The state of ``content`` as the local copy of ``slug`` (see :func:`status`)."""
    entry = entries.get(slug)
    digest = sha256_hex(content)
    if entry is None:
        return REMOVED if slug in removed[0] or digest in removed[1] else UNKNOWN
    if digest == entry["sha256"]:
        return UP_TO_DATE
    if digest in entry.get("history", []):
        return OUTDATED
    return MODIFIED


def plugin_status(
    site: Site, installs: Iterable[PluginInstall], update_command: Callable[[str], str]
) -> list[FileStatus]:
    """The state of each agent file of Copilot CLI plugin installs, like :func:`status`.

    A plugin holds its mode and the mode's transition targets as ``agents/NAME.md``, NAME being
    the source's file name without its suffix (or the slug): a file is the copy of the mode
    whose current or earlier digest it has, else of the mode whose source or slug its name
    gives. ``update_command(plugin)`` is the command that updates a copied plugin. Raises
    ``OSError`` for a file that cannot be read.
    """
    entries = site.entries()
    removed = removed_index(site.catalog)
    by_digest: dict[str, str] = {}
    by_stem: dict[str, str] = {}
    for slug, entry in entries.items():
        for digest in [*entry.get("history", []), entry["sha256"]]:
            by_digest[digest] = slug
        source = entry.get("source")
        parts = split_suffix(source.rsplit("/", 1)[-1]) if isinstance(source, str) else None
        if parts is not None:
            by_stem.setdefault(parts[0], slug)
    results: list[FileStatus] = []
    for install in installs:
        command = None if install.live else update_command(install.plugin)
        for path in install.agent_files():
            content = path.read_bytes()
            stem = path.name.removesuffix(".md").removesuffix(".agent").removesuffix(".chatmode")
            slug = by_digest.get(sha256_hex(content)) or by_stem.get(stem) or slugify(stem)
            state = _state(entries, removed, slug, content)
            results.append(FileStatus(path.as_posix(), slug, state, install, command))
    return results


def removed_index(catalog: CatalogRecord) -> tuple[set[str], set[str]]:
    """The slugs and digests of the catalog's ``removed`` list (absent in older catalogs)."""
    slugs: set[str] = set()
    digests: set[str] = set()
    for item in catalog.get("removed", []):
        slug = item.get("slug")
        if isinstance(slug, str):
            slugs.add(slug)
        digests.update(digest for digest in item.get("history", []) if isinstance(digest, str))
    return slugs, digests

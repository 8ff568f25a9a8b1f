"""Finding chat mode files and reading them into bytes and text, safely.

Reading never raises on content: every problem becomes a :class:`Diagnostic` and the file is
rejected. Nothing outside the source folder is read: a file whose real path leaves the folder
(a symlink, a ``..`` component) is reported without being opened.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from chatmode_registry.core.model import Diagnostic, Severity, chatmode_suffix

#: Default largest file accepted, in bytes (contract: ``max_bytes`` option).
DEFAULT_MAX_BYTES = 256 * 1024

_BOM = b"\xef\xbb\xbf"


@dataclass
class SourceFile:
    """A chat mode file's bytes and decoded text.

    ``text`` has the BOM removed and every line ending turned into ``\\n``; line numbers
    counted in it are the file's line numbers.
    """

    source: str
    suffix: str
    raw: bytes
    sha256: str
    text: str
    #: The format the file is read in: VS Code's, or Claude Code's for ``.claude/agents``
    #: (``core.workspace``).
    dialect: str = "vscode"


def discover(source: Path) -> list[Path]:
    """Every chat mode file under ``source``, recursively, in POSIX path order.

    Symlinked folders are not descended into (their targets may be anywhere, and cycles are
    possible); symlinked files are listed so that reading can report them.
    """
    found: list[tuple[str, Path]] = []
    for folder, dirnames, filenames in os.walk(source):
        dirnames.sort()
        base = Path(folder)
        for name in filenames:
            if chatmode_suffix(name):
                path = base / name
                found.append((path.relative_to(source).as_posix(), path))
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: Path) -> Path:
    """A folder's real path; cached because a catalog's files share few folders."""
    return Path(os.path.realpath(folder))


def _error(source: str, code: str, message: str, line: int | None = None) -> Diagnostic:
    return Diagnostic(source, line, code, Severity.ERROR, message)


def read_source(
    path: Path,
    source: str,
    *,
    root: Path | tuple[Path, ...] | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    suffix: str | None = None,
    dialect: str = "vscode",
) -> SourceFile | Diagnostic:
    """Read one file, or say why it cannot be a chat mode.

    ``root`` is the source folder the file must stay inside, or several folders checked
    together (it must stay inside one of them); ``None`` for a file named on the command line.
    ``suffix`` and ``dialect``: how a workspace folder reads the file (``core.workspace``);
    by default the suffix is the file name's chat mode suffix. Errors are CM001 (not UTF-8),
    CM002 (cannot be read), CM003 (too large) and CM004 (outside the source folder).
    """
    suffix = suffix if suffix is not None else chatmode_suffix(path.name) or ""
    roots = (root,) if isinstance(root, Path) else root
    try:
        if roots is not None:
            real = (
                Path(os.path.realpath(path)) if path.is_symlink() else _real_folder(path.parent) / path.name
            )
            if not any(real.is_relative_to(_real_folder(folder)) for folder in roots):
                return _error(
                    source,
                    "CM004",
                    "file resolves outside the source folder (a symlink or '..'); it was not "
                    "read: put the file itself inside the folder",
                )
        size = path.stat().st_size
        if size > max_bytes:
            return _error(
                source,
                "CM003",
                f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes; split it or "
                "raise the max_bytes option",
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        return _error(source, "CM002", f"file cannot be read: {error.strerror or error}")
    if len(raw) > max_bytes:
        return _error(source, "CM003", f"file is over the limit of {max_bytes:,} bytes")
    payload = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        line = payload.count(b"\n", 0, error.start) + 1
        return _error(
            source,
            "CM001",
            f"byte 0x{payload[error.start]:02x} at offset {error.start} is not UTF-8; save the file as UTF-8",
            line,
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return _error(source, "CM001", "file contains NUL bytes: it is binary, not Markdown", line)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(source, suffix, raw, hashlib.sha256(raw).hexdigest(), text, dialect)

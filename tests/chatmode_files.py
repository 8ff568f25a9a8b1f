"""Small helpers to write chat mode files into a test's ``tmp_path`` and look at the results.

Any test module may import these. They only write files and filter diagnostics; every
result a test checks comes from the project's own code (``core.catalog``, ``core.fix``, the CLI).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from chatmode_registry.core.model import Catalog, Diagnostic

#: The seed chat mode: a real file (MIT, from bartoszwarzocha/my_name_is_claudepilot; see
#: fixtures/seed/README.md), kept byte for byte inside the repository so a fresh clone tests.
SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "backend-engineer.chatmode.md"

#: The seed's mojibake line (``Backend â€“ technologies``), 1-based.
SEED_MOJIBAKE_LINE = 68


def chatmode(
    body: str = "# Helper\n\nDo the work.\n",
    *,
    description: str | None = "Helps with tests.",
    header: str = "",
) -> str:
    """The text of a chat mode: a ``---`` header with ``description`` (when given) followed by
    the raw header lines ``header`` (each ending in a newline), then ``body``."""
    lines = "---\n"
    if description is not None:
        lines += f"description: {description}\n"
    lines += header
    lines += "---\n"
    return lines + body


def write_file(folder: Path, relative: str, content: str | bytes) -> Path:
    """Write ``content`` (text is encoded as UTF-8, bytes are written as they are) to
    ``folder / relative``, creating parent folders; returns the path."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_tree(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write every ``relative path -> content`` of ``files`` under ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        write_file(folder, relative, content)
    return folder


def link_outside(folder: Path, relative: str, outside: Path, content: str | bytes) -> Path:
    """Write ``content`` to the file ``outside`` and make ``folder / relative`` a symlink to it."""
    write_file(outside.parent, outside.name, content)
    link = folder / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, link)
    return link


def with_code(diagnostics: Iterable[Diagnostic], code: str, path: str | None = None) -> list[Diagnostic]:
    """The diagnostics of rule ``code`` (in the file ``path`` when given)."""
    return [d for d in diagnostics if d.code == code and (path is None or d.path == path)]


def codes(diagnostics: Iterable[Diagnostic]) -> set[str]:
    """The set of rule codes among ``diagnostics``."""
    return {d.code for d in diagnostics}


def mode_by_source(catalog: Catalog, source: str):
    """The published chat mode whose ``source`` is ``source`` (fails the test when absent)."""
    for mode in catalog.chatmodes:
        if mode.source == source:
            return mode
    raise AssertionError(f"{source} is not published; rejected: {[r.source for r in catalog.rejected]}")


def rejected_sources(catalog: Catalog) -> list[str]:
    """The sources of the rejected files, in catalog order."""
    return [rejected.source for rejected in catalog.rejected]

"""``chatmodes fix``: repair mojibake and legacy tool names in place, touching nothing else."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from chatmode_registry.cli.common import say
from chatmode_registry.cli.exits import EXIT_USAGE
from chatmode_registry.cli.validate_command import report_missing_paths
from chatmode_registry.core import workspace
from chatmode_registry.core.diff import bounded_unified_diff
from chatmode_registry.core.filenames import escaped, name_problem
from chatmode_registry.core.fix import fix_bytes
from chatmode_registry.core.reader import discover
from chatmode_registry.render.diagnostics import terminal_safe
from chatmode_registry.render.words import plural


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``fix``."""
    parser = subparsers.add_parser(
        "fix",
        help="repair fixable problems in place (mojibake, renamed tools)",
        description="Rewrite chat mode files in place for the fixable rules (CM202 mojibake, "
        "CM106 renamed tools). Everything else stays byte for byte.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; show the diff and exit 1 if a file needs fixing"
    )
    parser.set_defaults(handler=run)


def _files(paths: list[str]) -> list[Path]:
    """The files to fix: those named, and in each folder its chat modes, or, in a folder VS Code
    reads (``core.workspace``), every file VS Code reads there."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        location = workspace.location_of(path) if path.is_dir() else None
        if not path.is_dir():
            found.append(path)
        elif location is not None:
            found.extend(file.path for file in workspace.workspace_files([(location, path)]))
        else:
            found.extend(discover(path))
    return found


def write_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` through a temporary file in the same folder."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe_changes(changes: list[str]) -> str:
    """The changes to one file on one line: the same repair on several lines is named once,
    with its line numbers (``repaired mojibake (lines 3, 68)``)."""
    grouped: dict[str, list[str]] = {}
    for change in changes:
        match = _LINE_CHANGE.fullmatch(change)
        what, line = (match.group(2), match.group(1)) if match else (change, None)
        grouped.setdefault(what, [])
        if line is not None:
            grouped[what].append(line)
    parts = []
    for what, lines in grouped.items():
        if lines:
            parts.append(f"{what} (line{'s' if len(lines) > 1 else ''} {', '.join(lines)})")
        else:
            parts.append(what)
    return ", ".join(parts)


_LINE_CHANGE = re.compile(r"line (\d+): (.*)", re.DOTALL)


def run(args: argparse.Namespace) -> int:
    """Fix (or check) every file; one line per changed file, then a summary; returns the exit code."""
    if report_missing_paths("fix", args.paths):
        return EXIT_USAGE
    needs_fixing = False
    files = _files(args.paths)
    changed = changes = skipped = 0
    for path in files:
        unsafe = name_problem(str(path))
        if unsafe is not None:
            print(
                f"{escaped(str(path))}: skipped: the name holds a {unsafe} (CM010); rename the file",
                file=sys.stderr,
            )
            skipped += 1
            continue
        if path.is_symlink():
            # Writing would replace the link with a copy of whatever it points at, which may
            # live outside the folder: links are reported, never followed.
            say(f"{path}: skipped: a symbolic link; fix the file it points to", stream=sys.stderr)
            skipped += 1
            continue
        try:
            raw = path.read_bytes()
        except OSError as error:
            say(f"chatmodes fix: {path}: {error.strerror}", stream=sys.stderr)
            needs_fixing = True
            skipped += 1
            continue
        format_ = workspace.workspace_format(path)
        result = fix_bytes(raw, claude=format_ is not None and format_[1] == workspace.DIALECT_CLAUDE)
        if not result.changed:
            continue
        needs_fixing = True
        changed += 1
        changes += len(result.changes)
        if args.check:
            before = raw.decode("utf-8").splitlines(keepends=True)
            after = result.content.decode("utf-8").splitlines(keepends=True)
            patch = "".join(bounded_unified_diff(before, after, fromfile=str(path), tofile=str(path)))
            # Piped, the patch stays exact (it must apply); on a terminal its lines show the
            # very control characters being removed, so they are escaped like all output.
            sys.stdout.write(terminal_safe(patch, keep_line_breaks=True) if sys.stdout.isatty() else patch)
            say(f"{path}: would fix: {describe_changes(result.changes)}", stream=sys.stderr)
            continue
        write_atomically(path, result.content)
        say(f"{path}: {describe_changes(result.changes)}")
    total = len(files)
    if not changed:
        summary = f"nothing to fix in {plural(total, 'file')}"
    elif args.check:
        summary = f"{changed} of {plural(total, 'file')} need fixing ({plural(changes, 'change')})"
    else:
        summary = f"fixed {changed} of {plural(total, 'file')} ({plural(changes, 'change')})"
    if skipped:
        summary += f"; {skipped} skipped"
    # With --check, stdout is a patch; the summary goes to stderr so the patch stays applicable.
    say(summary, stream=sys.stderr if args.check else sys.stdout)
    return 1 if needs_fixing and args.check else 0

"""``chatmodes validate``: check chat mode files and folders, report every problem in one run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from chatmode_registry.cli.common import Progress, say
from chatmode_registry.cli.exits import EXIT_USAGE
from chatmode_registry.core.catalog import load_catalog, load_files
from chatmode_registry.core.model import Diagnostic, ProgressCallback, Severity
from chatmode_registry.core.reader import DEFAULT_MAX_BYTES
from chatmode_registry.render import diagnostics as report


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``validate``."""
    parser = subparsers.add_parser(
        "validate",
        help="check chat modes against the schema and the lint rules",
        description="Check chat mode files (*.chatmode.md, *.agent.md) and folders. A folder is "
        "checked as a whole catalog (a dangling transition is an error); single files are "
        "checked together (a dangling transition is only info). Exit 0: no errors; 1: errors "
        "(with --strict, warnings too); 2: usage.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        default=["chatmodes"],
        help="files or folders (default: chatmodes)",
    )
    parser.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    parser.add_argument("--strict", action="store_true", help="count warnings as errors")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="largest file accepted")
    parser.set_defaults(handler=run)


def collect(
    paths: list[str], max_bytes: int, progress: ProgressCallback | None = None
) -> tuple[list[Diagnostic], int]:
    """Diagnostics of every path (folders as catalogs, files together) and the file count.

    ``progress(done, total)`` counts the files read so far over all paths; ``total`` grows as
    each folder is found to hold more.
    """
    diagnostics: list[Diagnostic] = []
    files: list[Path] = []
    total = 0

    def counted(done: int, more: int) -> None:
        if progress is not None:
            progress(total + done, total + more)

    step = counted if progress is not None else None
    for name in paths:
        path = Path(name)
        if path.is_dir():
            catalog = load_catalog(
                path, max_bytes=max_bytes, jobs=os.cpu_count() or 1, content=False, progress=step
            )
            total += catalog.files
            prefix = path.as_posix().rstrip("/")
            diagnostics += [
                Diagnostic(f"{prefix}/{d.path}", d.line, d.code, d.severity, d.message)
                for d in catalog.diagnostics
            ]
        else:
            files.append(path)
    if files:
        catalog = load_files(files, max_bytes=max_bytes, progress=step)
        total += catalog.files
        diagnostics += catalog.diagnostics
    return diagnostics, total


def report_missing_paths(command: str, paths: list[str]) -> bool:
    """Print one line per path that does not exist; True when there was any (shared with ``fix``)."""
    missing = [name for name in paths if not Path(name).exists()]
    for name in missing:
        say(f"chatmodes {command}: {name}: no such file or folder", stream=sys.stderr)
    return bool(missing)


def run(args: argparse.Namespace) -> int:
    """Validate and print; returns the exit code."""
    if report_missing_paths("validate", args.paths):
        return EXIT_USAGE
    progress = Progress("validating")
    try:
        diagnostics, files = collect(args.paths, args.max_bytes, progress if progress.enabled else None)
    finally:
        progress.done()  # the line is cleared before any report, also on an error or Ctrl-C
    if args.format == "json":
        sys.stdout.write(report.format_json(diagnostics, files))
    elif args.format == "github":
        sys.stdout.write(report.format_github(diagnostics, files))
    else:
        sys.stdout.write(report.format_text(diagnostics, files, colour=sys.stdout.isatty()))
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return 1 if any(d.severity in failing for d in diagnostics) else 0

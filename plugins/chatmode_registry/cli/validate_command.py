"""``chatmodes validate``: check chat mode files and folders, report every problem in one run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from chatmode_registry.cli.common import Progress, say
from chatmode_registry.cli.exits import EXIT_USAGE
from chatmode_registry.core import workspace
from chatmode_registry.core.catalog import build_catalog, load_catalog, load_files, load_workspace
from chatmode_registry.core.model import Diagnostic, ProgressCallback, Severity
from chatmode_registry.core.reader import DEFAULT_MAX_BYTES, discover
from chatmode_registry.render import diagnostics as report


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``validate``."""
    parser = subparsers.add_parser(
        "validate",
        help="check chat modes against the schema and the lint rules",
        description="Check chat mode files (*.chatmode.md, *.agent.md) and folders. Folders are "
        "checked together as one whole catalog (a dangling transition is an error); single files "
        "are checked together (a dangling transition is only info). The folders VS Code reads "
        "(.github/agents, .github/chatmodes, .claude/agents: a workspace) are checked as one "
        "workspace: a transition to a mode that is not installed is info naming the install "
        "command. Without PATH: chatmodes/ if it exists, else the workspace of the current "
        "folder. Exit 0: no errors; 1: errors (with --strict, warnings too); 2: usage.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: chatmodes/, else this folder's workspace)",
    )
    parser.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    parser.add_argument("--strict", action="store_true", help="count warnings as errors")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="largest file accepted")
    parser.add_argument(
        "--user",
        action="store_true",
        help="also check your own agents (~/.copilot/agents) with the workspace",
    )
    parser.set_defaults(handler=run)


def collect(
    paths: list[str],
    max_bytes: int,
    progress: ProgressCallback | None = None,
    *,
    user: bool = False,
) -> tuple[list[Diagnostic], int]:
    """Diagnostics of every path and the file count: folders together as one catalog (or one
    workspace, when every folder is or holds a folder VS Code reads), files together.

    ``progress(done, total)`` counts the files read so far over all paths; ``total`` grows as
    each folder is found to hold more. ``user``: add the user's agent folders to a workspace.
    """
    diagnostics: list[Diagnostic] = []
    total = 0

    def counted(done: int, more: int) -> None:
        if progress is not None:
            progress(total + done, total + more)

    step = counted if progress is not None else None
    folders = [Path(name) for name in paths if Path(name).is_dir()]
    files = [Path(name) for name in paths if not Path(name).is_dir()]
    places = [workspace.locations_under(folder) for folder in folders]
    if (folders and all(places)) or (user and not folders):
        found = [place for found in places for place in found]
        if user:
            found += workspace.user_folders()
        catalog = load_workspace(
            workspace.workspace_files(_unique(found)), site=_advice_site(), max_bytes=max_bytes, progress=step
        )
        total += catalog.files
        diagnostics += catalog.diagnostics
    elif len(folders) == 1:
        catalog = load_catalog(
            folders[0], max_bytes=max_bytes, jobs=os.cpu_count() or 1, content=False, progress=step
        )
        total += catalog.files
        prefix = folders[0].as_posix().rstrip("/")
        diagnostics += [
            Diagnostic(f"{prefix}/{d.path}", d.line, d.code, d.severity, d.message)
            for d in catalog.diagnostics
        ]
    elif folders:
        catalog = build_catalog(
            [
                (path, f"{folder.as_posix().rstrip('/')}/{path.relative_to(folder).as_posix()}")
                for folder in folders
                for path in discover(folder)
            ],
            root=tuple(folders),
            max_bytes=max_bytes,
            dangling=Severity.ERROR,
            jobs=os.cpu_count() or 1,
            content=False,
            progress=step,
        )
        total += catalog.files
        diagnostics += catalog.diagnostics
    if files:
        catalog = load_files(files, max_bytes=max_bytes, progress=step)
        total += catalog.files
        diagnostics += catalog.diagnostics
    return diagnostics, total


def _unique(places: list[tuple[workspace.Location, Path]]) -> list[tuple[workspace.Location, Path]]:
    """``places`` without a folder named twice (``.github`` and ``.github/agents`` together)."""
    seen: set[str] = set()
    unique = []
    for location, folder in places:
        key = os.path.realpath(folder)
        if key not in seen:
            seen.add(key)
            unique.append((location, folder))
    return unique


def _advice_site() -> str | None:
    """The workspace's default site, named in the install commands it advises; a project file
    that cannot be read is said once and otherwise ignored (validating needs no site)."""
    try:
        default = workspace.default_site()
    except workspace.ConfigError as error:
        print(f"chatmodes validate: {error}", file=sys.stderr)
        return None
    return default.location if default is not None else None


def default_paths() -> list[str] | None:
    """What ``validate`` checks without PATH: ``chatmodes`` when that folder exists, else the
    workspace folders of the current folder; ``None`` when there is neither."""
    if Path(workspace.REGISTRY_FOLDER).is_dir():
        return [workspace.REGISTRY_FOLDER]
    folders = [folder.as_posix() for _, folder in workspace.project_folders()]
    return folders or None


def report_missing_paths(command: str, paths: list[str]) -> bool:
    """Print one line per path that does not exist; True when there was any (shared with ``fix``)."""
    missing = [name for name in paths if not Path(name).exists()]
    for name in missing:
        say(f"chatmodes {command}: {name}: no such file or folder", stream=sys.stderr)
    return bool(missing)


def run(args: argparse.Namespace) -> int:
    """Validate and print; returns the exit code."""
    paths = args.paths
    if not paths:
        paths = default_paths()
        if paths is None and not args.user:
            where = ", ".join(location.folder.as_posix() for location in workspace.WORKSPACE_LOCATIONS)
            print(
                f"chatmodes validate: nothing to check here: no chatmodes/ folder and no workspace folder "
                f"({where}); name the files or folders to check",
                file=sys.stderr,
            )
            return EXIT_USAGE
    if report_missing_paths("validate", paths or []):
        return EXIT_USAGE
    progress = Progress("validating")
    try:
        diagnostics, files = collect(
            paths or [], args.max_bytes, progress if progress.enabled else None, user=args.user
        )
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

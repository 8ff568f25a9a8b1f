"""``chatmodes marketplace [--out DIR] [--check]``: write the registry's Copilot plugin marketplace.

The chat modes and the marketplace's settings come from the registry's ``mkdocs.yml`` (read
without MkDocs, see ``core.mkdocs_settings``): the ``chatmodes`` plugin's ``source`` folder and
its ``marketplace_name``, ``marketplace_source`` and ``marketplace_license`` options, and the
site's ``site_name``, ``site_description``, ``site_author`` and ``repo_url``. The tree
(``render.marketplace``) goes to DIR, by default the folder of ``mkdocs.yml``, since a
marketplace is read from the root of its repository.

Writing replaces ``.github/plugin/marketplace.json`` and the plugin folders under
``copilot-plugins/``, and removes whatever else is inside ``copilot-plugins/``; nothing
outside those two is touched. ``--check`` writes nothing and exits 1 when the tree on disk
differs, naming each path, so CI keeps a committed marketplace current.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from chatmode_registry.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from chatmode_registry.core.catalog import load_catalog
from chatmode_registry.core.mkdocs_settings import RegistrySettings, SettingsError, read_settings
from chatmode_registry.core.reader import DEFAULT_MAX_BYTES
from chatmode_registry.render.diagnostics import terminal_safe
from chatmode_registry.render.marketplace import (
    MARKETPLACE_MANIFEST,
    PLUGIN_ROOT,
    build_marketplace,
    marketplace_info,
)
from chatmode_registry.render.words import plural

#: Most differing paths ``--check`` names one by one.
MAX_LISTED = 50


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``marketplace``."""
    parser = subparsers.add_parser(
        "marketplace",
        help="write the registry's Copilot plugin marketplace (one plugin per chat mode)",
        description="Write .github/plugin/marketplace.json and one plugin folder per published chat "
        f"mode under {PLUGIN_ROOT}/ (named by its slug, holding the mode and its direct transition "
        "targets), from the chat modes and settings of mkdocs.yml. Plugin folders no longer "
        f"generated are removed (only inside {PLUGIN_ROOT}/). With --check nothing is written: exit 1 "
        "when the tree on disk differs, 0 when it is current. Exit 2: usage.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="root of the marketplace (default: the folder of the configuration file)",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the tree on disk is not current"
    )
    parser.add_argument(
        "-f",
        "--config-file",
        dest="config_file",
        type=Path,
        metavar="FILE",
        help="the registry's mkdocs.yml (default: mkdocs.yml in the current folder)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build the marketplace, then write it or compare it with DIR; returns the exit code."""
    settings = _settings(args.config_file)
    if settings is None:
        return EXIT_USAGE
    try:
        info = marketplace_info(settings)
        max_bytes = settings.options.get("max_bytes", DEFAULT_MAX_BYTES)
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool):
            raise SettingsError("the chatmodes plugin option 'max_bytes' must be a number of bytes")
    except (SettingsError, ValueError) as error:
        return _usage(str(error))
    source = settings.source
    if not source.is_dir():
        return _usage(f"the chat mode folder {source} does not exist")
    out = args.out if args.out is not None else settings.root
    if out.exists() and not out.is_dir():
        return _usage(f"{out} is not a folder")
    catalog = load_catalog(source, max_bytes=max_bytes, jobs=os.cpu_count() or 1)
    marketplace = build_marketplace(catalog, info)
    prefix = source.as_posix().rstrip("/")
    for diagnostic in marketplace.diagnostics:
        print(
            terminal_safe(f"{prefix}/{diagnostic.path}: {diagnostic.severity.value} {diagnostic.code}: ")
            + terminal_safe(diagnostic.message),
            file=sys.stderr,
        )
    try:
        differences = compare(out, marketplace.files)
        if args.check:
            return _report_check(out, differences, len(marketplace.plugins))
        if differences:
            write(out, marketplace.files)
    except UnsafeTree as error:
        return _usage(str(error))
    except OSError as error:
        print(f"chatmodes marketplace: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    plugins = plural(len(marketplace.plugins), "plugin")
    if differences:
        print(
            f"wrote the marketplace {info.ref.name!r} to {out}: {plugins}, {plural(len(differences), 'path')} changed"
        )
    else:
        print(f"the marketplace {info.ref.name!r} in {out} is up to date: {plugins}")
    return EXIT_OK


class UnsafeTree(Exception):
    """A path the command would write or remove goes through a symbolic link."""


def compare(out: Path, files: dict[str, bytes]) -> list[tuple[str, str]]:
    """``(state, path)`` for every path where ``out`` differs from ``files``, sorted by path:
    ``missing``, ``changed`` or ``extra`` (a file inside the plugin root no longer generated)."""
    _refuse_links(out)
    found: list[tuple[str, str]] = []
    for relative, data in files.items():
        path = out / relative
        if path.is_symlink() or not path.is_file():
            found.append(("missing" if not path.exists() else "changed", relative))
        elif path.read_bytes() != data:
            found.append(("changed", relative))
    found += [("extra", relative) for relative in _existing(out) if relative not in files]
    return sorted(found, key=lambda item: item[1])


def write(out: Path, files: dict[str, bytes]) -> None:
    """Make ``out`` hold ``files``: remove what else is in the plugin root, write what differs."""
    _refuse_links(out)
    root = out / PLUGIN_ROOT
    for relative in _existing(out):
        if relative not in files:
            (out / relative).unlink()
    if root.is_dir():
        for folder, _subfolders, _names in sorted(os.walk(root), key=lambda item: -len(item[0])):
            if Path(folder) != root and not any(Path(folder).iterdir()):
                Path(folder).rmdir()
    for relative, data in files.items():
        path = out / relative
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)


def _existing(out: Path) -> list[str]:
    """Every file and symbolic link inside the plugin root, relative to ``out``; links are
    listed, never followed."""
    root = out / PLUGIN_ROOT
    if not root.is_dir():
        return []
    found = []
    for folder, subfolders, names in os.walk(root):
        base = Path(folder)
        links = [name for name in subfolders if (base / name).is_symlink()]
        for name in [*names, *links]:
            found.append((base / name).relative_to(out).as_posix())
    return sorted(found)


def _refuse_links(out: Path) -> None:
    for path in (out / PLUGIN_ROOT, out / ".github", out / MARKETPLACE_MANIFEST.rsplit("/", 1)[0]):
        if path.is_symlink():
            raise UnsafeTree(f"{path} is a symbolic link; the marketplace is only written into real folders")


def _report_check(out: Path, differences: list[tuple[str, str]], plugins: int) -> int:
    if not differences:
        print(f"the marketplace in {out} is up to date: {plural(plugins, 'plugin')}")
        return EXIT_OK
    print(
        f"chatmodes marketplace: the marketplace in {out} is not current ({plural(len(differences), 'path')} "
        "differ); run `chatmodes marketplace` and commit the result:",
        file=sys.stderr,
    )
    for state, relative in differences[:MAX_LISTED]:
        print(f"  {state}: {terminal_safe(relative)}", file=sys.stderr)
    if len(differences) > MAX_LISTED:
        print(f"  and {len(differences) - MAX_LISTED:,} more", file=sys.stderr)
    return EXIT_FAILED


def _settings(config_file: Path | None) -> RegistrySettings | None:
    """The registry's settings; without ``-f`` and without ``mkdocs.yml`` here, the defaults."""
    path = config_file if config_file is not None else Path("mkdocs.yml")
    if config_file is None and not path.exists():
        return RegistrySettings(root=Path("."))
    try:
        return read_settings(path)
    except SettingsError as error:
        _usage(str(error))
        return None


def _usage(message: str) -> int:
    print(f"chatmodes marketplace: error: {message}", file=sys.stderr)
    return EXIT_USAGE

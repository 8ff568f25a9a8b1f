"""What the ``chatmodes`` subcommands share: the site options, colour, progress and paging."""

from __future__ import annotations

import argparse
import os
import pydoc
import sys
import time
from pathlib import Path
from typing import Any, TextIO

# The exit codes (cli.exits), re-exported for the site commands that import them from here.
from chatmode_registry.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE  # noqa: F401
from chatmode_registry.core.copilot_plugins import COPILOT_HOME_VARIABLE, copilot_home, plugin_installs
from chatmode_registry.core.install import FileStatus, find_local_files, plugin_status, status
from chatmode_registry.core.marketplace import MarketplaceRef
from chatmode_registry.core.site import DEFAULT_TIMEOUT, Site, SiteUnavailable, open_site
from chatmode_registry.core.workspace import (
    CONFIG_NAME,
    FROM_ENVIRONMENT,
    WORKSPACE_LOCATIONS,
    ConfigError,
    default_site,
    user_folders,
)
from chatmode_registry.render.diagnostics import terminal_safe, terminal_safe_json

#: Seconds of work after which progress appears on a terminal; ``CHATMODES_PROGRESS_AFTER``
#: overrides it (tests set 0 to see it at once).
PROGRESS_AFTER = 2.0
#: Seconds between two redraws of a progress line: a terminal need not be written per item.
PROGRESS_REDRAW = 0.1


def say(text: str = "", *, stream: TextIO | None = None) -> None:
    """Print one line of text output, escaped for a terminal (:func:`terminal_safe`).

    The commands' text output quotes what they do not control: a site's names, descriptions
    and messages about its files, local file names. Everything they print goes through here
    (or, for coloured output, through :func:`terminal_safe` before :func:`paint`), so no
    control character of theirs reaches the terminal. JSON output is printed as it is.
    """
    print(terminal_safe(text), file=stream or sys.stdout)


def complain(command: str, message: object, *, kind: str = "error") -> None:
    """``chatmodes COMMAND: KIND: MESSAGE`` on stderr, escaped (see :func:`say`)."""
    say(f"chatmodes {command}: {kind}: {message}", stream=sys.stderr)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout, exactly (:func:`terminal_safe_json`)."""
    print(terminal_safe_json(data))


def terminal_safe_data(value: Any) -> Any:
    """``value`` (JSON-like data, e.g. a site's record) with every string escaped for one
    terminal line (:func:`terminal_safe`), keys included; other values as they are."""
    if isinstance(value, str):
        return terminal_safe(value)
    if isinstance(value, dict):
        return {terminal_safe_data(key): terminal_safe_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [terminal_safe_data(item) for item in value]
    return value


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """``--from`` and ``--timeout``, shared by every command that reads a site."""
    parser.add_argument(
        "--from",
        dest="site",
        metavar="SITE",
        help="published site URL (http/https, catalog.json at its root; a mike site's root is "
        f"followed to its default version) or a built site folder; default: ${FROM_ENVIRONMENT}, "
        f"else 'from' in {CONFIG_NAME}",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"deadline of each network request, in seconds (default {DEFAULT_TIMEOUT:g})",
    )


def add_copilot_home_argument(parser: argparse.ArgumentParser) -> None:
    """``--copilot-home``, for ``status`` and ``update``: where Copilot CLI records its plugins."""
    parser.add_argument(
        "--copilot-home",
        type=Path,
        metavar="DIR",
        help=(
            "Copilot CLI's home, where it records plugins installed from the registry's "
            f"marketplace (default: ${COPILOT_HOME_VARIABLE}, else ~/.copilot, as the CLI decides)"
        ),
    )


def positive_seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def load_site(command: str, args: argparse.Namespace) -> Site | None:
    """Open ``--from``, or its default (:func:`~chatmode_registry.core.workspace.default_site`:
    flag, then ``CHATMODES_FROM``, then ``.chatmodes.toml``), and set ``args.site`` to what was
    opened; on failure print one line and return ``None`` (the caller exits 2)."""
    origin = ""
    if args.site is None:
        try:
            default = default_site()
        except ConfigError as error:
            complain(command, error)
            return None
        if default is None:
            complain(
                command,
                f'no site: give --from SITE, set {FROM_ENVIRONMENT}, or write from = "SITE" in {CONFIG_NAME}',
            )
            return None
        args.site, origin = default.location, f" (from {default.origin})"
    try:
        site = open_site(args.site, timeout=args.timeout)
    except SiteUnavailable as error:
        complain(command, f"{error}{origin}")
        return None
    if site.note:
        say(f"chatmodes {command}: {site.note}", stream=sys.stderr)
    return site


def local_states(command: str, args: argparse.Namespace) -> tuple[Site, list[Path], list[FileStatus]] | None:
    """The site, the folders looked in and the state of each local chat mode (``--dest`` or
    the default folders, then the files of plugins Copilot CLI installed from the catalog's
    marketplace), for ``status`` and ``update``; on failure print one line and return
    ``None`` (the caller exits 2)."""
    if args.dest is not None and not args.dest.is_dir():
        complain(command, f"{args.dest} is not a folder")
        return None
    folders = [args.dest] if args.dest is not None else workspace_folders(getattr(args, "user", False))
    site = load_site(command, args)
    if site is None:
        return None
    try:
        results = status(site, find_local_files(folders))
        marketplace = MarketplaceRef.from_dict(site.catalog.get("marketplace"))
        if marketplace is not None:
            home = args.copilot_home if args.copilot_home is not None else copilot_home()
            installs, problems = plugin_installs(home, marketplace.name)
            for problem in problems:
                complain(command, problem, kind="warning")
            results += plugin_status(site, installs, marketplace.update_command)
        return site, folders, results
    except OSError as error:
        complain(command, f"cannot read {error.filename}: {error.strerror}")
        return None


def add_user_argument(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--user``: the user's own agent folder (``~/.copilot/agents``), which every workspace sees."""
    parser.add_argument(
        "--user",
        action="store_true",
        help=f"{verb} your own agents in ~/.copilot/agents as well",
    )


def workspace_folders(user: bool = False) -> list[Path]:
    """The folders ``status`` and ``update`` look in: every folder VS Code reads in this
    workspace (``core.workspace``), and the user's agent folder when ``user``."""
    folders = [Path(location.folder) for location in WORKSPACE_LOCATIONS]
    if user:
        folders += [folder for _, folder in user_folders()]
    return folders


def colour_enabled(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set to anything (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_COLOURS = {
    "green": "32",
    "yellow": "33",
    "red": "31",
    "blue": "34",
    "magenta": "35",
    "dim": "2",
    "bold": "1",
}


def paint(text: str, colour: str, enabled: bool) -> str:
    """``text`` in an ANSI ``colour`` when ``enabled``."""
    if not enabled or colour not in _COLOURS:
        return text
    return f"\033[{_COLOURS[colour]}m{text}\033[0m"


class Progress:
    """``label done/total`` on stderr, only on a terminal and only once the work has taken
    :data:`PROGRESS_AFTER` seconds; :meth:`done` clears the line again.

    Cheap enough to call after every one of thousands of items: it redraws at most every
    :data:`PROGRESS_REDRAW` seconds, except the first line and the last count (``done == total``),
    which are always drawn."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.shown = False
        self.drawn = 0.0  # when the line was last drawn
        try:
            self.after = float(os.environ.get("CHATMODES_PROGRESS_AFTER", PROGRESS_AFTER))
        except ValueError:
            self.after = PROGRESS_AFTER
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())

    def __call__(self, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` items are finished."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.after:
            return
        if self.shown and done < total and now - self.drawn < PROGRESS_REDRAW:
            return
        self.stream.write(f"\r{self.label} {done}/{total}\033[K")
        self.stream.flush()
        self.shown = True
        self.drawn = now

    def done(self) -> None:
        """Clear the progress line, if one was shown (safe to call more than once)."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def page(text: str) -> None:
    """Print ``text``, through the pager (``$PAGER``, else ``less``) when stdout is a terminal."""
    if sys.stdout.isatty():
        pydoc.pager(text)
    else:
        sys.stdout.write(text)

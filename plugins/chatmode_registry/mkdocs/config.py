"""The ``chatmodes`` plugin's options, as written under ``plugins:`` in ``mkdocs.yml``.

Example::

    plugins:
      - search
      - chatmodes:
          source: chatmodes        # folder of *.chatmode.md / *.agent.md, relative to mkdocs.yml
          prefix: catalog          # URL folder of the catalog pages
          baseline: https://example.org/registry/catalog.json   # optional: show what changed
          home: true               # optional: the catalog index is the site's home page

``CHATMODES_BASELINE`` in the environment overrides ``baseline`` (an empty value turns it off).
"""

from __future__ import annotations

import ast
import inspect
import itertools
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from chatmode_registry.render.llms_txt import DEFAULT_FULL_MAX_BYTES


class ChatmodesConfig(base.Config):
    """Options of :class:`chatmode_registry.mkdocs.plugin.ChatmodesPlugin`."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from the configuration."""

    source = c.Type(str, default="chatmodes")
    """Folder holding the chat modes, searched recursively; relative to ``mkdocs.yml``."""

    prefix = c.Type(str, default="catalog")
    """URL folder of the catalog (``catalog/``, ``catalog/<slug>/``, ...), relative to the site root."""

    baseline = c.Optional(c.Type(str))
    """A previous ``catalog.json`` (path, site folder or URL) to compare this build with."""

    max_bytes = c.Type(int, default=262144)
    """Files larger than this are rejected (not read further, not published)."""

    git_dates = c.Type(bool, default=True)
    """Show each chat mode's last commit date when the source folder is in a git work tree."""

    nav = c.Type(bool, default=True)
    """Put the catalog index, graph, tools, models and report pages first in the navigation."""

    home = c.Type(bool, default=False)
    """Make the catalog index the site's home page (it replaces the docs folder's ``index.md``)."""

    graph_limit = c.Type(int, default=300)
    """Largest catalog whose whole graph page is drawn with its arrows.

    A drawing past a few hundred boxes is no longer readable. Above the limit (or above
    ``graph_edge_limit`` transitions) the graph page shows every chat mode as a linked box
    without arrows; each chat mode's own page still draws its neighbourhood.
    """

    graph_edge_limit = c.Type(int, default=1000)
    """Largest number of transitions the whole graph page draws as arrows.

    A catalog over this limit (or over ``graph_limit`` chat modes) gets the boxes-only page.
    """

    neighbourhood_limit = c.Type(int, default=16)
    """Most boxes a chat mode page's neighbourhood drawing shows (the mode included).

    The mode's own targets come first, then the modes that switch to it; the rest are
    counted under the drawing ("and N more") and still listed in the page's sections.
    """

    neighbourhood_edge_limit = c.Type(int, default=40)
    """Most arrows a chat mode page's neighbourhood drawing shows (the mode's own first)."""

    llms_txt = c.Type(bool, default=True)
    """Write ``llms.txt`` (one line per chat mode) and ``llms-full.txt`` at the site root."""

    llms_full_max_bytes = c.Type(int, default=DEFAULT_FULL_MAX_BYTES)
    """Largest total of chat mode text put in ``llms-full.txt``; above it the file is left out
    (the build log says so) and ``llms.txt`` does not link it."""

    max_logged = c.Type(int, default=200)
    """At most this many diagnostics are printed one by one; the rest are counted in one line.

    Every diagnostic is still on the pages and in ``catalog/report/``; the cap only keeps the
    build log readable for very large collections. Strict mode fails the same either way.
    """

    marketplace_name = c.Optional(c.Type(str))
    """Name of the registry's Copilot plugin marketplace (users install ``SLUG@NAME``).
    Default: the repository's name from a GitHub ``repo_url``, else the site's name, slugified."""

    marketplace_source = c.Optional(c.Type(str))
    """What users pass to ``copilot plugin marketplace add``: ``OWNER/REPO`` or a git URL.
    Default: ``OWNER/REPO`` from a GitHub ``repo_url``; without either, pages show only the
    install command."""

    marketplace_license = c.Optional(c.Type(str))
    """Licence of the chat modes (an SPDX identifier such as ``MIT``), written as the ``license``
    of every plugin ``chatmodes marketplace`` generates; unset, plugins name none."""

    serve_reuse = c.Type(bool, default=True)
    """Under ``mkdocs serve``, write a chat mode page the previous build made unchanged when
    nothing it is built from changed (see ``chatmode_registry.mkdocs.reuse``): a rebuild after
    editing one chat mode builds that page and its neighbours' only."""


@dataclass(frozen=True)
class OptionDoc:
    """One plugin option as the docs list it: name, type, default and what it does."""

    name: str
    type: str
    default: object
    doc: str


def plugin_options() -> list[OptionDoc]:
    """Every option of :class:`ChatmodesConfig`, in order, with the docstring written under it
    here (Python keeps no attribute docstrings, so this module's own source is read)."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    docs: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == ChatmodesConfig.__name__:
            for statement, following in itertools.pairwise(node.body):
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    docs[statement.targets[0].id] = inspect.cleandoc(following.value.value)
    result = []
    for name, option in ChatmodesConfig._schema:
        inner = getattr(option, "option", option)
        kind = getattr(inner, "_type", None)
        type_name = kind.__name__ if isinstance(kind, type) else "any"
        if inner is not option:
            type_name += " (optional)"
        result.append(OptionDoc(name, type_name, option.default, docs.get(name, "")))
    return result

"""The ``chatmodes`` plugin's options, as written under ``plugins:`` in ``mkdocs.yml``.

Example::

    plugins:
      - search
      - chatmodes:
          source: chatmodes        # folder of *.chatmode.md / *.agent.md, relative to mkdocs.yml
          prefix: catalog          # URL folder of the catalog pages
          baseline: https://example.org/registry/catalog.json   # optional: show what changed

``CHATMODES_BASELINE`` in the environment overrides ``baseline`` (an empty value turns it off).
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


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
    """Put the catalog index, graph, tools and report pages in the navigation."""

    graph_limit = c.Type(int, default=300)
    """Largest catalog whose whole graph page is drawn with its arrows.

    Laying out a graph costs more than linear time (about 1 s for 300 chat modes with 900
    transitions, 7.5 s for 1,000, minutes for 10,000), and a drawing past a few hundred boxes
    is no longer readable.
    Above the limit the graph page shows every chat mode as a linked box without arrows;
    each chat mode's own page still draws its neighbourhood.
    """

    max_logged = c.Type(int, default=200)
    """At most this many diagnostics are printed one by one; the rest are counted in one line.

    Every diagnostic is still on the pages and in ``catalog/report/``; the cap only keeps the
    build log readable for very large collections. Strict mode fails the same either way.
    """

"""The transition graph, drawn as static SVG at build time (pure Python).

Inputs are plain records (:class:`GraphNode`, :class:`GraphEdge`), so this package knows
nothing about chat modes, the catalog or MkDocs. :func:`render_graph` returns one ``<svg>``
string per weakly connected component, laid out by :mod:`.layout` and written by :mod:`.svg`;
:mod:`.text` is the one place where untrusted text is cleaned and escaped and links checked.

Styling is done with CSS classes and the stylesheet ``assets/graph.css`` (:func:`graph_css`);
``assets/graph.js`` (:func:`graph_js`) adds highlighting, selection and zoom in the browser.
The stylesheet follows Material's light and dark palettes through its CSS variables; the presentation
attributes in the SVG only use ``currentColor``, so a drawing without that stylesheet is still
legible on either palette.

The output has no blank lines and no indentation, so it can be put into a page's HTML as is.
Insert it after Markdown rendering (e.g. in ``on_page_content`` or a template): Markdown
would otherwise treat parts of it as Markdown.
"""

from __future__ import annotations

from importlib.resources import files

from chatmode_registry.render.graph.model import GraphEdge, GraphNode, neighbourhood
from chatmode_registry.render.graph.svg import (
    EDGE_KINDS,
    NARROW_GRAPH_WIDTH,
    kinds_hidden_by_default,
    legend_entries,
    natural_width,
    render_graph,
)
from chatmode_registry.render.graph.text import safe_href

__all__ = [
    "EDGE_KINDS",
    "NARROW_GRAPH_WIDTH",
    "GraphEdge",
    "GraphNode",
    "graph_css",
    "graph_js",
    "kinds_hidden_by_default",
    "legend_entries",
    "natural_width",
    "neighbourhood",
    "render_graph",
    "safe_href",
]


def graph_css() -> str:
    """The drawings' stylesheet (``assets/graph.css``), using Material's palette variables."""
    return files("chatmode_registry").joinpath("assets", "graph.css").read_text("utf-8")


def graph_js() -> str:
    """The drawings' script (``assets/graph.js``): highlighting, selection, keyboard, pan and zoom."""
    return files("chatmode_registry").joinpath("assets", "graph.js").read_text("utf-8")

"""The transition graph, drawn as static SVG at build time (pure Python, no JavaScript).

Inputs are plain records (:class:`GraphNode`, :class:`GraphEdge`), so this module knows
nothing about chat modes, the catalog or MkDocs. :func:`render_graph` returns one ``<svg>``
string per weakly connected component, each laid out as a layered (Sugiyama-style) drawing:

1. cycles are broken by turning a few edges round for layering (the fewer of a greedy
   feedback-arc-set ordering and the back edges of a depth-first search); those edges are
   still drawn in their real direction, dashed, with the class ``back``;
2. nodes get layers by longest path, and sources are pulled down next to their successors;
3. edges spanning several layers get invisible bend points ("dummies");
4. a few sweeps of barycentre ordering reduce crossings (the best ordering seen is kept);
5. layers wider than ``max_width`` are folded into staggered rows, so a 300-node catalog
   stays a readable page instead of a 15,000-pixel-wide strip;
6. x coordinates come from order-preserving least squares towards neighbours (pool adjacent
   violators), so long edges run straight and nodes sit above their successors.

Everything that comes from the inputs (labels, titles, ids, hrefs, edge labels) is untrusted:
it is stripped of characters XML cannot carry and escaped; links whose scheme is not
``http``/``https`` (``javascript:``, ``data:`` ...) are dropped. Styling is done with CSS
classes (``cm-graph``, ``cm-node``, ``cm-edge``, ``back``, ``loop``, ``focus``) and the CSS
returned by :func:`graph_css`, which follows Material's light and dark palettes through its
CSS variables; the presentation attributes in the SVG only use ``currentColor``, so a drawing
without that stylesheet is still legible on either palette.

The output has no blank lines and no indentation, so it can be put into a page's HTML as is.
Insert it after Markdown rendering (e.g. in ``on_page_content`` or a template): Markdown
would otherwise treat parts of it as Markdown.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["GraphEdge", "GraphNode", "graph_css", "neighbourhood", "render_graph", "safe_href"]


@dataclass(frozen=True)
class GraphNode:
    """A node to draw: ``label`` is shown in the box, ``title`` added to its tooltip.

    ``href`` (optional) makes the box a link; ``css_class`` adds space-separated class names
    to the node's group (anything but ``[A-Za-z0-9_-]`` is dropped).
    """

    id: str
    label: str
    href: str | None = None
    title: str = ""
    css_class: str = ""


@dataclass(frozen=True)
class GraphEdge:
    """A directed edge between two node ids; ``label`` goes into the edge's tooltip.

    ``kind`` says how the source reaches the target (``handoff``, ``prose``, ``subagent``).
    """

    source: str
    target: str
    label: str = ""
    kind: str = ""


# Geometry, in CSS pixels at the SVG's natural size.
FONT_SIZE = 13
NODE_HEIGHT = 30
NODE_PADDING_X = 10
NODE_MIN_WIDTH = 56
LABEL_MAX_WIDTH = 168
NODE_GAP = 22
DUMMY_WIDTH = 8
# Bend points of different edges may run closer together than boxes.
BEND_GAP = 6
LAYER_GAP = 58
ROW_GAP = 22
MARGIN = 12
LOOP_EXTENT = 24
DEFAULT_MAX_WIDTH = 1100
ORDER_SWEEPS = 16
# Bend points per edge, on average, that a drawing may use (see ``_insert_bend_points``).
BEND_BUDGET = 3
LAYER_PASSES = 8
POSITION_PASSES = 6
# A bend point pulls harder than a real node, so long edges come out straight.
DUMMY_WEIGHT = 2.0
# A node with no neighbour on the side being looked at stays roughly where it is.
STAY_WEIGHT = 0.3
ELLIPSIS = "\u2026"


# --- text: cleaning, escaping, measuring ---------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")
# Characters XML 1.0 cannot carry even as references, plus C1 controls (legal but invisible
# junk in a label).
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Bidirectional embeddings and overrides: they could make a label read backwards.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")
_CLASS_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


def _xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry removed (lone surrogates become U+FFFD)."""
    return _NOT_XML.sub("", _SURROGATES.sub("\ufffd", text))


def _display(text: str, *, single_line: bool = True) -> str:
    """Untrusted text made fit for display: XML-safe, no bidi overrides, whitespace collapsed."""
    return _display_text(str(text), single_line)


# Cached: the same names and descriptions are cleaned again for every drawing they are in.
@lru_cache(maxsize=8192)
def _display_text(text: str, single_line: bool) -> str:
    cleaned = _BIDI_CONTROLS.sub("", _xml_chars(text))
    if single_line:
        return _WHITESPACE.sub(" ", cleaned).strip()
    lines = (_WHITESPACE.sub(" ", line).strip() for line in cleaned.splitlines())
    return "\n".join(line for line in lines if line)


def _esc(text: str) -> str:
    """Escape for XML character data (also safe for HTML's foreign-content parsing)."""
    return _xml_chars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    """Escape for a double-quoted attribute value; line breaks and tabs kept as references."""
    return (
        _esc(text)
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_EDGE_JUNK = "".join(chr(code) for code in range(0x21))  # C0 controls and space
_URL_INNER_WHITESPACE = re.compile("[\t\n\r]")
_URL_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Links are written as ``xlink:href``: Material's instant navigation rewrites every ``[href]``
# of a page by assigning ``element.href``, which is read-only on SVG links, so a plain
# ``href`` in an inline SVG makes it throw and keep the previous page on screen.
_XLINK = "http://www.w3.org/1999/xlink"


def safe_href(href: str | None) -> str | None:
    """``href`` if it is an ``http``/``https`` URL or a relative reference, else ``None``.

    Browsers strip leading and trailing controls and spaces and delete tabs and line breaks
    anywhere before they look for the scheme (``java\\tscript:`` is ``javascript:``), so the
    same is done here before deciding; whatever else still holds a control character is
    refused outright. The cleaned form is returned.
    """
    if href is None:
        return None
    cleaned = _URL_INNER_WHITESPACE.sub("", str(href).strip(_URL_EDGE_JUNK))
    if not cleaned or _URL_FORBIDDEN.search(cleaned):
        return None
    scheme = _SCHEME.match(cleaned)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    return cleaned


# Cached: a catalog's labels use few distinct characters, and every neighbourhood drawing
# measures the same names again (about half of the drawing time before caching).
@lru_cache(maxsize=8192)
def _char_em(char: str) -> float:
    """Rough advance width of one character in em, for a sans-serif text face."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.15 if unicodedata.category(char) == "So" else 1.0
    if char in "ijlI!|.,:;'`":
        return 0.28
    if char in 'frt()[]{} -"/\\':
        return 0.36
    if char in "mwMW@":
        return 0.88
    if char.isupper() or char in "%&#":
        return 0.7
    if char.isdigit():
        return 0.56
    if char.isascii():
        return 0.54
    return 0.64


def _text_width(text: str) -> float:
    """Estimated rendered width of ``text`` in pixels at :data:`FONT_SIZE`."""
    return sum(_char_em(char) for char in text) * FONT_SIZE


# Cached: a chat mode's name is fitted once per drawing it appears in (box width and label).
@lru_cache(maxsize=8192)
def _fit_label(text: str, max_width: float = LABEL_MAX_WIDTH) -> str:
    """``text`` cut to ``max_width`` pixels, with an ellipsis when something was cut."""
    if _text_width(text) <= max_width:
        return text
    budget = max_width - _text_width(ELLIPSIS)
    used = 0.0
    cut = 0
    for index, char in enumerate(text):
        used += _char_em(char) * FONT_SIZE
        if used > budget:
            break
        cut = index + 1
    kept = text[:cut]
    # Do not leave a combining mark or joiner hanging before the ellipsis.
    while kept and (kept[-1].isspace() or _char_em(kept[-1]) == 0.0):
        kept = kept[:-1]
    return kept + ELLIPSIS


def _num(value: float) -> str:
    """A coordinate, rounded to a tenth of a pixel, without a useless ``.0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


# --- public helpers -------------------------------------------------------------------------


def graph_css() -> str:
    """The stylesheet for the drawings, using Material's palette variables (light and dark).

    Classes: ``cm-graph`` (the ``<svg>``), ``cm-node`` (a node's group, plus ``focus`` for
    the highlighted node and any ``css_class`` given), ``cm-edge`` (an edge's group, plus
    ``back`` for an edge against the main direction and ``loop`` for a self-loop).
    Custom properties ``--cm-*`` on ``.cm-graph`` can be overridden by the site. Wrapping the
    drawings of one page in ``<div class="cm-graphs">`` lets small components sit side by side
    instead of one per line.
    """
    return """\
.cm-graph {
  --cm-edge: var(--md-default-fg-color--light, #757575);
  --cm-node-bg: var(--md-default-bg-color, #fff);
  --cm-node-fg: var(--md-default-fg-color, #222);
  --cm-node-border: var(--md-default-fg-color--light, #888);
  --cm-link: var(--md-typeset-a-color, #3f51b5);
  --cm-accent: var(--md-accent-fg-color, #526cfe);
  --cm-focus-bg: var(--md-primary-fg-color, #4051b5);
  --cm-focus-fg: var(--md-primary-bg-color, #fff);
  display: block;
  max-width: 100%;
  height: auto;
  margin: 0 auto 1em;
  color: var(--cm-edge);
  font-family: var(--md-text-font-family, sans-serif);
}
.cm-graphs {
  display: flex;
  flex-wrap: wrap;
  align-items: flex-start;
  justify-content: center;
  gap: 0.5em 1.5em;
}
.cm-graphs .cm-graph { margin: 0; }
.cm-graph .cm-edge path { stroke: var(--cm-edge); stroke-width: 1.3; fill: none; }
.cm-graph .cm-edge.back path { stroke-dasharray: 5 4; }
.cm-graph .cm-edge:hover path { stroke: var(--cm-accent); stroke-width: 2.2; }
.cm-graph marker path { fill: var(--cm-edge); stroke: none; }
.cm-graph .cm-node rect { fill: var(--cm-node-bg); stroke: var(--cm-node-border); stroke-width: 1.2; }
.cm-graph .cm-node text { fill: var(--cm-node-fg); stroke: none; }
.cm-graph .cm-node a text { fill: var(--cm-link); }
.cm-graph .cm-node a:hover rect,
.cm-graph .cm-node a:focus rect { stroke: var(--cm-accent); stroke-width: 2.2; }
.cm-graph .cm-node a:hover text { text-decoration: underline; }
.cm-graph .cm-node.focus rect { fill: var(--cm-focus-bg); stroke: var(--cm-focus-bg); }
.cm-graph .cm-node.focus text { fill: var(--cm-focus-fg); font-weight: 700; }
"""


def neighbourhood(
    nodes: Iterable[GraphNode], edges: Iterable[GraphEdge], center: str, depth: int = 1
) -> tuple[list[GraphNode], list[GraphEdge]]:
    """The nodes within ``depth`` steps of ``center`` (following edges both ways) and the edges
    between them, in input order. An unknown ``center`` gives two empty lists.
    """
    node_list = _unique_nodes(nodes)
    known = {node.id for node in node_list}
    if center not in known:
        return [], []
    edge_list = [edge for edge in edges if edge.source in known and edge.target in known]
    adjacent: dict[str, set[str]] = {}
    for edge in edge_list:
        adjacent.setdefault(edge.source, set()).add(edge.target)
        adjacent.setdefault(edge.target, set()).add(edge.source)
    reached = {center}
    frontier = [center]
    for _ in range(max(depth, 0)):
        frontier = [
            other
            for node_id in frontier
            for other in sorted(adjacent.get(node_id, ()))
            if other not in reached
        ]
        reached.update(frontier)
        if not frontier:
            break
    kept_nodes = [node for node in node_list if node.id in reached]
    kept_edges = [edge for edge in edge_list if edge.source in reached and edge.target in reached]
    return kept_nodes, kept_edges


def render_graph(
    nodes: Iterable[GraphNode],
    edges: Iterable[GraphEdge],
    *,
    focus: str | None = None,
    title: str = "Transition graph",
    max_width: float = DEFAULT_MAX_WIDTH,
) -> list[str]:
    """Draw the graph: one ``<svg>`` string per weakly connected component.

    Components come largest first (by node count), ties by their smallest node id; nodes
    without any edge are gathered into one last drawing. Edges with an unknown endpoint are
    ignored; several edges between the same two nodes are drawn once (their labels joined in
    the tooltip). ``focus`` names a node that gets the class ``focus``. ``max_width`` is the
    natural width (px) beyond which wide layers are folded into rows. The output is the same
    for the same input, whatever the input order.
    """
    node_by_id = {node.id: node for node in reversed(_unique_nodes(nodes))}
    ids = sorted(node_by_id)
    if not ids:
        return []
    index_of = {node_id: index for index, node_id in enumerate(ids)}
    labels: dict[tuple[int, int], list[str]] = {}
    for edge in edges:
        if edge.source in index_of and edge.target in index_of:
            found = labels.setdefault((index_of[edge.source], index_of[edge.target]), [])
            text = _display(edge.label)
            if text and text not in found:
                found.append(text)

    parent = list(range(len(ids)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for source, target in labels:
        parent[root(source)] = root(target)
    groups: dict[int, list[int]] = {}
    for index in range(len(ids)):
        groups.setdefault(root(index), []).append(index)
    connected: list[list[int]] = []
    isolated: list[int] = []
    has_edge = {index for pair in labels for index in pair}
    for members in groups.values():
        if len(members) == 1 and members[0] not in has_edge:
            isolated.extend(members)
        else:
            connected.append(members)
    connected.sort(key=lambda members: (-len(members), ids[members[0]]))

    parts = len(connected) + (1 if isolated else 0)
    drawings: list[str] = []
    for number, members in enumerate(connected, start=1):
        member_set = set(members)
        component_edges = {pair: text for pair, text in labels.items() if pair[0] in member_set}
        drawings.append(
            _draw_component(
                [node_by_id[ids[index]] for index in members],
                [(ids[s], ids[t], text) for (s, t), text in sorted(component_edges.items())],
                focus=focus,
                title=title,
                part=(number, parts),
                max_width=max_width,
            )
        )
    if isolated:
        drawings.append(
            _draw_isolated(
                [node_by_id[ids[index]] for index in sorted(isolated)],
                focus=focus,
                title=title,
                part=(parts, parts),
                max_width=max_width,
            )
        )
    return drawings


def _unique_nodes(nodes: Iterable[GraphNode]) -> list[GraphNode]:
    """``nodes`` with later duplicates of an id dropped (the first one wins)."""
    seen: set[str] = set()
    result = []
    for node in nodes:
        if node.id not in seen:
            seen.add(node.id)
            result.append(node)
    return result


# --- layout ------------------------------------------------------------------------------


class _LayeredLayout:
    """Positions for one connected component.

    Vertices ``0 .. n-1`` are the real nodes (in the given order), the ones after them are
    bend points of edges that span several layers. ``chains[k]`` lists the vertices edge ``k``
    passes through from the top layer to the bottom one; ``reversed[k]`` tells whether the edge
    really points upwards.
    """

    def __init__(
        self,
        widths: Sequence[float],
        edges: Sequence[tuple[int, int]],
        loops: set[int],
        max_width: float,
    ) -> None:
        self.count = len(widths)
        self.widths = list(widths)
        self.edges = list(edges)
        self.loops = loops
        self.max_width = max_width
        self.reversed = [False] * len(edges)
        self.layer: list[int] = []
        self.chains: list[list[int]] = []
        self.up: list[list[int]] = []
        self.down: list[list[int]] = []
        self.layers: list[list[int]] = []
        self.rows_in_layer: list[int] = []
        self.row: list[int] = []
        self.x: list[float] = []
        self.top: list[float] = []
        self.layer_top: list[float] = []
        self.layer_bottom: list[float] = []
        self.direct: list[bool] = []
        self.width = 0.0
        self.height = 0.0
        # Units of work done (a vertex or an edge segment visited once by some pass): the
        # tests pin that it stays linear in the edges drawn, without timing anything.
        self.work = 0

    def run(self) -> None:
        """Compute every coordinate."""
        self._break_cycles()
        self._assign_layers()
        self._insert_bend_points()
        self._order_layers()
        self._fold_wide_layers()
        self._assign_x()
        self._assign_y()

    # Step 1: cycles are broken by turning some edges round for layering. Two orderings are
    # tried and the one that turns fewer edges round wins (ties: the greedy one):
    # - Eades, Lin and Smyth's greedy ordering: sinks to the end, sources to the front, and
    #   otherwise the vertex with the largest surplus of outgoing over incoming edges next,
    #   the one nearest to a source on a tie (so a workflow's entry point stays on top). On a
    #   dense tangle it turns far fewer edges, and gives far fewer layers, than a search does.
    # - a depth-first search from the sources, turning its back edges round: on a pipeline
    #   with a few hand-backs it keeps the reading order of the hand-offs.
    # On an acyclic graph neither turns anything.
    def _break_cycles(self) -> None:
        successors: list[list[int]] = [[] for _ in range(self.count)]
        predecessors: list[list[int]] = [[] for _ in range(self.count)]
        for source, target in self.edges:
            successors[source].append(target)
            predecessors[target].append(source)
        for items in successors:
            items.sort()
        self.work += 2 * (self.count + len(self.edges))
        greedy = self._greedy_reversals(successors, predecessors)
        search = self._search_reversals(successors, predecessors)
        self.reversed = search if sum(search) < sum(greedy) else greedy

    def _distance_from_sources(self, successors: list[list[int]], predecessors: list[list[int]]) -> list[int]:
        """Breadth-first distance from the nearest source (vertices no source reaches: count)."""
        distance = [self.count] * self.count
        frontier = [v for v in range(self.count) if not predecessors[v]]
        for vertex in frontier:
            distance[vertex] = 0
        step = 0
        while frontier:
            step += 1
            following = []
            for vertex in frontier:
                for other in successors[vertex]:
                    if distance[other] > step:
                        distance[other] = step
                        following.append(other)
            frontier = following
        return distance

    def _greedy_reversals(self, successors: list[list[int]], predecessors: list[list[int]]) -> list[bool]:
        """Which edges point backwards in Eades, Lin and Smyth's greedy vertex ordering."""
        distance = self._distance_from_sources(successors, predecessors)
        out_degree = [len(items) for items in successors]
        in_degree = [len(items) for items in predecessors]
        alive = [True] * self.count
        sinks = [v for v in range(self.count) if out_degree[v] == 0]
        sources = [v for v in range(self.count) if in_degree[v] == 0]
        surplus = [(in_degree[v] - out_degree[v], distance[v], v) for v in range(self.count)]
        heapq.heapify(sinks)
        heapq.heapify(sources)
        heapq.heapify(surplus)
        front: list[int] = []
        back: list[int] = []

        def remove(vertex: int) -> None:
            alive[vertex] = False
            for other in predecessors[vertex]:
                if alive[other]:
                    out_degree[other] -= 1
                    if out_degree[other] == 0:
                        heapq.heappush(sinks, other)
                    heapq.heappush(surplus, (in_degree[other] - out_degree[other], distance[other], other))
            for other in successors[vertex]:
                if alive[other]:
                    in_degree[other] -= 1
                    if in_degree[other] == 0:
                        heapq.heappush(sources, other)
                    heapq.heappush(surplus, (in_degree[other] - out_degree[other], distance[other], other))

        remaining = self.count
        while remaining:
            if sinks:
                vertex = heapq.heappop(sinks)
                if alive[vertex] and out_degree[vertex] == 0:
                    back.append(vertex)
                    remove(vertex)
                    remaining -= 1
                continue
            if sources:
                vertex = heapq.heappop(sources)
                if alive[vertex] and in_degree[vertex] == 0:
                    front.append(vertex)
                    remove(vertex)
                    remaining -= 1
                continue
            negative_surplus, _, vertex = heapq.heappop(surplus)
            # Entries go stale as degrees change; only a current one counts.
            if alive[vertex] and negative_surplus == in_degree[vertex] - out_degree[vertex]:
                front.append(vertex)
                remove(vertex)
                remaining -= 1
        rank = {vertex: index for index, vertex in enumerate(front + back[::-1])}
        return [rank[source] > rank[target] for source, target in self.edges]

    def _search_reversals(self, successors: list[list[int]], predecessors: list[list[int]]) -> list[bool]:
        """Which edges are back edges of a depth-first search started at the sources."""
        state = [0] * self.count  # 0 unseen, 1 on the stack, 2 done
        back: set[tuple[int, int]] = set()
        starts = [v for v in range(self.count) if not predecessors[v]]
        starts += [v for v in range(self.count) if predecessors[v]]
        for start in starts:
            if state[start]:
                continue
            state[start] = 1
            stack = [(start, iter(successors[start]))]
            while stack:
                vertex, pending = stack[-1]
                for following in pending:
                    if state[following] == 0:
                        state[following] = 1
                        stack.append((following, iter(successors[following])))
                        break
                    if state[following] == 1:
                        back.add((vertex, following))
                else:
                    state[vertex] = 2
                    stack.pop()
        return [(source, target) in back for source, target in self.edges]

    def _oriented(self, index: int) -> tuple[int, int]:
        """Edge ``index`` as (upper vertex, lower vertex) in the acyclic orientation."""
        source, target = self.edges[index]
        return (target, source) if self.reversed[index] else (source, target)

    # Step 2: longest-path layering, then a few rounds of moving each vertex to whichever end
    # of its free range (below all predecessors, above all successors) shortens its edges:
    # sources drop next to their successors, and long edges (which cost bend points, width
    # and clutter) get shorter.
    def _assign_layers(self) -> None:
        successors: list[list[int]] = [[] for _ in range(self.count)]
        predecessors: list[list[int]] = [[] for _ in range(self.count)]
        for index in range(len(self.edges)):
            upper, lower = self._oriented(index)
            successors[upper].append(lower)
            predecessors[lower].append(upper)
        remaining = [len(items) for items in predecessors]
        ready = [v for v in range(self.count) if remaining[v] == 0]
        layer = [0] * self.count
        while ready:
            vertex = ready.pop()
            for following in successors[vertex]:
                layer[following] = max(layer[following], layer[vertex] + 1)
                remaining[following] -= 1
                if remaining[following] == 0:
                    ready.append(following)
        for _ in range(LAYER_PASSES):
            self.work += self.count + 2 * len(self.edges)
            moved = False
            for vertex in range(self.count):
                above, below = predecessors[vertex], successors[vertex]
                if len(above) > len(below):
                    wanted = max(layer[other] for other in above) + 1
                elif len(below) > len(above):
                    wanted = min(layer[other] for other in below) - 1
                else:
                    continue
                if wanted != layer[vertex]:
                    layer[vertex] = wanted
                    moved = True
            if not moved:
                break
        lowest = min(layer)
        self.layer = [value - lowest for value in layer]

    # Step 3: bend points, one per layer an edge crosses, shortest edges first, while the
    # budget of BEND_BUDGET per edge lasts. A dense tangle (every mode switching to every
    # other) has edges spanning every layer, so bend points for all of them would grow with
    # edges times layers; the edges left over are drawn as one direct curve from box to box
    # and take no part in ordering or positioning. This keeps every later step, and the
    # drawing's size, linear in the number of edges.
    def _insert_bend_points(self) -> None:
        vertices = self.count
        self.up = [[] for _ in range(vertices)]
        self.down = [[] for _ in range(vertices)]
        budget = BEND_BUDGET * len(self.edges)
        oriented = [self._oriented(index) for index in range(len(self.edges))]
        spans = [self.layer[lower] - self.layer[upper] - 1 for upper, lower in oriented]
        bent = [False] * len(self.edges)
        for index in sorted(range(len(self.edges)), key=lambda k: (spans[k], k)):
            if spans[index] > budget:
                break
            budget -= spans[index]
            bent[index] = True
        self.direct = [not flag for flag in bent]
        for index, (upper, lower) in enumerate(oriented):
            self.work += 1
            chain = [upper]
            if bent[index]:
                for level in range(self.layer[upper] + 1, self.layer[lower]):
                    chain.append(vertices)
                    vertices += 1
                    self.layer.append(level)
                    self.widths.append(DUMMY_WIDTH)
                    self.up.append([])
                    self.down.append([])
            chain.append(lower)
            if bent[index]:
                for above, below in zip(chain, chain[1:]):
                    self.down[above].append(below)
                    self.up[below].append(above)
            self.chains.append(chain)

    def is_bend(self, vertex: int) -> bool:
        """True for a bend point (not a real node)."""
        return vertex >= self.count

    # Step 4: barycentre sweeps, down then up, keeping the ordering with fewest crossings.
    def _order_layers(self) -> None:
        depth = max(self.layer) + 1
        layers: list[list[int]] = [[] for _ in range(depth)]
        for vertex in self._initial_order():
            layers[self.layer[vertex]].append(vertex)
        position = [0] * len(self.layer)
        for members in layers:
            for index, vertex in enumerate(members):
                position[vertex] = index
        best = [list(members) for members in layers]
        best_crossings = self._crossings(layers, position)
        for sweep in range(ORDER_SWEEPS):
            if best_crossings == 0:
                break
            downwards = sweep % 2 == 0
            levels = range(1, depth) if downwards else range(depth - 2, -1, -1)
            for level in levels:
                neighbours = self.up if downwards else self.down
                layers[level] = self._by_barycentre(layers[level], neighbours, position)
                for index, vertex in enumerate(layers[level]):
                    position[vertex] = index
            crossings = self._crossings(layers, position)
            if crossings < best_crossings:
                best_crossings = crossings
                best = [list(members) for members in layers]
        self.layers = best

    def _initial_order(self) -> list[int]:
        """Vertices in depth-first order from the top, so related nodes start out together."""
        seen = [False] * len(self.layer)
        result: list[int] = []
        starts = sorted(range(len(self.layer)), key=lambda v: (self.layer[v], v))
        for start in starts:
            if seen[start]:
                continue
            stack = [start]
            while stack:
                vertex = stack.pop()
                if seen[vertex]:
                    continue
                seen[vertex] = True
                result.append(vertex)
                stack.extend(sorted(self.down[vertex], reverse=True))
        return result

    def _by_barycentre(
        self, members: list[int], neighbours: list[list[int]], position: list[int]
    ) -> list[int]:
        """``members`` sorted by the mean position of their neighbours; a vertex without
        neighbours on that side keeps its slot."""
        keyed = []
        result: list[int | None] = [None] * len(members)
        for index, vertex in enumerate(members):
            linked = neighbours[vertex]
            self.work += 1 + len(linked)
            if linked:
                keyed.append((sum(position[other] for other in linked) / len(linked), index, vertex))
            else:
                result[index] = vertex
        keyed.sort()
        movable = iter(vertex for _, _, vertex in keyed)
        return [vertex if vertex is not None else next(movable) for vertex in result]

    def _crossings(self, layers: list[list[int]], position: list[int]) -> int:
        """Edge crossings between consecutive layers (inversions, counted with a Fenwick tree)."""
        total = 0
        for members, below in zip(layers, layers[1:]):
            sequence = []
            for vertex in members:
                sequence.extend(sorted(position[other] for other in self.down[vertex]))
            tree = [0] * (len(below) + 1)
            seen = 0
            # Each entry walks the tree twice, up to its depth.
            self.work += len(members) + len(sequence) * 2 * max(1, len(below).bit_length())
            for value in sequence:
                # Earlier entries strictly greater than this one cross it.
                index = value + 1
                not_greater = 0
                while index > 0:
                    not_greater += tree[index]
                    index -= index & -index
                total += seen - not_greater
                index = value + 1
                while index <= len(below):
                    tree[index] += 1
                    index += index & -index
                seen += 1
        return total

    # Step 5: a layer wider than max_width is folded into k rows, vertex i going to row i % k:
    # the layer is squeezed k times and staggered, so left-to-right order is kept and edges
    # dropping to a lower row tend to pass between the boxes of the rows above.
    def _fold_wide_layers(self) -> None:
        self.row = [0] * len(self.layer)
        self.rows_in_layer = []
        for members in self.layers:
            natural = self._row_extent(members)
            rows = max(1, math.ceil(natural / self.max_width))
            # Folding gives each row a share of the layer: never more rows than vertices.
            rows = min(rows, len(members))
            self.rows_in_layer.append(rows)
            for index, vertex in enumerate(members):
                self.row[vertex] = index % rows

    def _pad(self, vertex: int) -> float:
        """Room kept to the right of a node for its self-loop."""
        return LOOP_EXTENT if vertex in self.loops else 0.0

    def _rows(self, level: int) -> list[list[int]]:
        """The rows of one layer, each in left-to-right order."""
        rows: list[list[int]] = [[] for _ in range(self.rows_in_layer[level])]
        for vertex in self.layers[level]:
            rows[self.row[vertex]].append(vertex)
        return rows

    # Step 6: x coordinates. Each row is placed by order-preserving least squares towards
    # the mean x of each vertex's neighbours in the layer above (sweeping down), below
    # (sweeping up), then both.
    def _assign_x(self) -> None:
        self.x = [0.0] * len(self.layer)
        # Start from the squeezed packing: vertex i of a layer folded k times at 1/k of its
        # packed position.
        bound = self.max_width
        for level, members in enumerate(self.layers):
            rows = self.rows_in_layer[level]
            offset = 0.0
            for vertex, following in zip(members, members[1:] + [None]):
                self.x[vertex] = (offset + self.widths[vertex] / 2) / rows
                offset += self.widths[vertex] + self._pad(vertex)
                if following is not None:
                    offset += self._gap(vertex, following)
            for row in self._rows(level):
                bound = max(bound, self._row_extent(row))
        self.bound = bound
        # The rows stay the same from here on; computed once rather than on every pass.
        rows_of = [self._rows(level) for level in range(len(self.layers))]
        for rows in rows_of:
            for row in rows:
                self._place_row(row, [self.x[v] for v in row], [1.0] * len(row))
        # Centre every row on the drawing before pulling rows towards each other.
        for rows in rows_of:
            for row in rows:
                left = self.x[row[0]] - self.widths[row[0]] / 2
                right = self.x[row[-1]] + self.widths[row[-1]] / 2 + self._pad(row[-1])
                shift = (bound - (right - left)) / 2 - left
                for vertex in row:
                    self.x[vertex] += shift
        depth = len(self.layers)
        for _ in range(POSITION_PASSES):
            for level in range(1, depth):
                self._pull_layer(rows_of[level], self.up)
            for level in range(depth - 2, -1, -1):
                self._pull_layer(rows_of[level], self.down)
        both = [self.up[v] + self.down[v] for v in range(len(self.layer))]
        for level in range(depth):
            self._pull_layer(rows_of[level], both)
        left = min(self.x[v] - self.widths[v] / 2 for v in range(len(self.layer)))
        right = max(self.x[v] + self.widths[v] / 2 + self._pad(v) for v in range(len(self.layer)))
        for vertex in range(len(self.layer)):
            self.x[vertex] += MARGIN - left
        self.width = right - left + 2 * MARGIN

    def _row_extent(self, row: list[int]) -> float:
        """The width of a row packed tight."""
        gaps = sum(self._gap(before, after) for before, after in zip(row, row[1:]))
        return sum(self.widths[v] + self._pad(v) for v in row) + gaps

    def _gap(self, before: int, after: int) -> float:
        """The space kept between two neighbours of a row."""
        return BEND_GAP if self.is_bend(before) or self.is_bend(after) else NODE_GAP

    def _pull_layer(self, rows: list[list[int]], neighbours: list[list[int]]) -> None:
        """Move every row of a layer (``rows``) towards the mean x of the given neighbours."""
        for row in rows:
            desired = []
            weights = []
            for vertex in row:
                linked = neighbours[vertex]
                self.work += 1 + len(linked)
                if linked:
                    desired.append(sum(self.x[other] for other in linked) / len(linked))
                    weights.append(len(linked) * (DUMMY_WEIGHT if self.is_bend(vertex) else 1.0))
                else:
                    desired.append(self.x[vertex])
                    weights.append(STAY_WEIGHT)
            self._place_row(row, desired, weights)

    def _place_row(self, row: list[int], desired: list[float], weights: list[float]) -> None:
        """Place ``row`` as close as possible (weighted least squares) to ``desired`` while
        keeping its order and gaps, inside ``[0, bound]``.

        With ``offset[i]`` the packed distance from the first vertex, ``x[i] - offset[i]`` must
        not decrease: an isotonic regression, solved by pooling adjacent violators.
        """
        offsets = [0.0]
        for before, after in zip(row, row[1:]):
            step = (
                (self.widths[before] + self.widths[after]) / 2 + self._pad(before) + self._gap(before, after)
            )
            offsets.append(offsets[-1] + step)
        blocks: list[list[float]] = []  # [weight, weighted sum, size]
        for wanted, offset, weight in zip(desired, offsets, weights):
            blocks.append([weight, weight * (wanted - offset), 1])
            while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] > blocks[-1][1] / blocks[-1][0]:
                merged = blocks.pop()
                blocks[-1][0] += merged[0]
                blocks[-1][1] += merged[1]
                blocks[-1][2] += merged[2]
        levels = [block[1] / block[0] for block in blocks for _ in range(int(block[2]))]
        first_half = self.widths[row[0]] / 2
        last = row[-1]
        span = offsets[-1] + first_half + self.widths[last] / 2 + self._pad(last)
        lowest = first_half
        highest = max(self.bound - span, 0.0) + first_half
        for vertex, level, offset in zip(row, levels, offsets):
            self.x[vertex] = min(max(level, lowest), highest) + offset

    def _assign_y(self) -> None:
        """Layers top to bottom; folded rows of a layer a row gap apart."""
        self.top = [0.0] * len(self.layer)
        y = MARGIN
        for level in range(len(self.layers)):
            rows = self.rows_in_layer[level]
            self.layer_top.append(y)
            for vertex in self.layers[level]:
                self.top[vertex] = y + self.row[vertex] * (NODE_HEIGHT + ROW_GAP)
            y += rows * NODE_HEIGHT + (rows - 1) * ROW_GAP
            self.layer_bottom.append(y)
            y += LAYER_GAP
        self.height = y - LAYER_GAP + MARGIN


# --- drawing --------------------------------------------------------------------------------


def _drawing_id(kind: str, title: str, focus: str | None, nodes: Sequence[GraphNode], edges: Sequence) -> str:
    """A short id derived from what is drawn, so several drawings on one page never clash."""
    digest = hashlib.sha256()
    digest.update(
        repr((kind, title, focus, [(n.id, n.label, n.href) for n in nodes], list(edges))).encode(
            "utf-8", "surrogatepass"
        )
    )
    return "cm-arrow-" + digest.hexdigest()[:12]


def _svg_open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="{_XLINK}" class="cm-graph" role="img" aria-label="{_attr(label)}"'
        f' viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}"'
        f' font-family="sans-serif" font-size="{FONT_SIZE}">'
    )


def _node_markup(node: GraphNode, x: float, top: float, width: float, focus: str | None) -> str:
    """A node's group: box and label, wrapped in a link when its href is safe."""
    classes = ["cm-node"]
    if node.id == focus:
        classes.append("focus")
    classes += [token for token in str(node.css_class).split() if _CLASS_TOKEN.match(token)]
    label = _display(node.label) or _display(node.id) or "?"
    tooltip = label
    extra = _display(node.title, single_line=False)
    if extra:
        tooltip += "\n" + extra
    inner = (
        f"<title>{_esc(tooltip)}</title>"
        f'<rect x="{_num(x - width / 2)}" y="{_num(top)}" width="{_num(width)}" height="{NODE_HEIGHT}"'
        f' rx="5" fill="none" stroke="currentColor"/>'
        f'<text x="{_num(x)}" y="{_num(top + NODE_HEIGHT / 2)}" text-anchor="middle"'
        f' dominant-baseline="central" fill="currentColor">{_esc(_fit_label(label))}</text>'
    )
    href = safe_href(node.href)
    if href is not None:
        inner = f'<a xlink:href="{_attr(href)}">{inner}</a>'
    return f'<g class="{" ".join(dict.fromkeys(classes))}" data-node="{_attr(node.id)}">{inner}</g>'


def _node_width(node: GraphNode) -> float:
    label = _display(node.label) or _display(node.id) or "?"
    return max(NODE_MIN_WIDTH, _text_width(_fit_label(label)) + 2 * NODE_PADDING_X)


def _edge_tooltip(source: GraphNode, target: GraphNode, labels: list[str]) -> str:
    text = f"{_display(source.label) or source.id} \u2192 {_display(target.label) or target.id}"
    if labels:
        text += ": " + "; ".join(labels)
    return text


def _path(segments: list[tuple[tuple[float, float], ...]]) -> str:
    """SVG path data for a chain of segments: 2 points make a line, 4 a cubic curve."""
    first = segments[0][0]
    parts = [f"M{_num(first[0])},{_num(first[1])}"]
    for segment in segments:
        points = " ".join(f"{_num(px)},{_num(py)}" for px, py in segment[1:])
        parts.append(("L" if len(segment) == 2 else "C") + points)
    return "".join(parts)


def _draw_component(
    nodes: list[GraphNode],
    edges: list[tuple[str, str, list[str]]],
    *,
    focus: str | None,
    title: str,
    part: tuple[int, int],
    max_width: float,
) -> str:
    """One connected component as a layered drawing."""
    index_of = {node.id: index for index, node in enumerate(nodes)}
    widths = [_node_width(node) for node in nodes]
    loops = {index_of[source] for source, target, _ in edges if source == target}
    proper = [(index_of[source], index_of[target]) for source, target, _ in edges if source != target]
    proper_labels = [labels for source, target, labels in edges if source != target]
    layout = _LayeredLayout(widths, proper, loops, max_width)
    layout.run()

    # Ports: the edges leaving a box's bottom (or entering its top) are spread along it,
    # sorted by where their other end is, so parallel edges and two-way pairs stay apart.
    bottom_port: dict[tuple[int, int], float] = {}
    top_port: dict[tuple[int, int], float] = {}
    leaving: dict[int, list[tuple[float, int]]] = {}
    entering: dict[int, list[tuple[float, int]]] = {}
    for edge_index, chain in enumerate(layout.chains):
        for above, below in zip(chain, chain[1:]):
            leaving.setdefault(above, []).append((layout.x[below], edge_index))
            entering.setdefault(below, []).append((layout.x[above], edge_index))
    for side, ports in ((leaving, bottom_port), (entering, top_port)):
        for vertex, ends in side.items():
            ends.sort()
            spacing = 0.0
            if len(ends) > 1 and not layout.is_bend(vertex):
                spacing = min(10.0, layout.widths[vertex] * 0.7 / (len(ends) - 1))
            for slot, (_, edge_index) in enumerate(ends):
                ports[(edge_index, vertex)] = layout.x[vertex] + (slot - (len(ends) - 1) / 2) * spacing

    def bottom(vertex: int) -> float:
        return layout.top[vertex] + NODE_HEIGHT

    edge_markup = []
    for edge_index, chain in enumerate(layout.chains):
        segments: list[tuple[tuple[float, float], ...]] = []
        for above, below in zip(chain, chain[1:]):
            start_x = bottom_port[(edge_index, above)]
            end_x = top_port[(edge_index, below)]
            start_y = bottom(above)
            exit_y = layout.layer_bottom[layout.layer[above]]
            if layout.is_bend(above):
                start_y = layout.top[above]
            if exit_y > start_y:
                segments.append(((start_x, start_y), (start_x, exit_y)))
            entry_y = layout.layer_top[layout.layer[below]]
            middle = (exit_y + entry_y) / 2
            segments.append(((start_x, exit_y), (start_x, middle), (end_x, middle), (end_x, entry_y)))
            end_y = layout.top[below]
            if end_y > entry_y:
                segments.append(((end_x, entry_y), (end_x, end_y)))
        classes = "cm-edge"
        dash = ""
        if layout.reversed[edge_index]:
            # Drawn from the real source (the lower box) up to the real target.
            segments = [tuple(reversed(segment)) for segment in reversed(segments)]
            classes += " back"
            dash = ' stroke-dasharray="5 4"'
        source, target = proper[edge_index]
        edge_markup.append(
            f'<g class="{classes}" data-source="{_attr(nodes[source].id)}" data-target="{_attr(nodes[target].id)}">'
            f"<title>{_esc(_edge_tooltip(nodes[source], nodes[target], proper_labels[edge_index]))}</title>"
            f'<path d="{_path(segments)}"{dash}/></g>'
        )
    for source, target, labels in edges:
        if source != target:
            continue
        vertex = index_of[source]
        right = layout.x[vertex] + layout.widths[vertex] / 2
        top = layout.top[vertex]
        loop = [
            (
                (right, top + 9),
                (right + LOOP_EXTENT, top - 6),
                (right + LOOP_EXTENT, top + NODE_HEIGHT + 6),
                (right, top + NODE_HEIGHT - 9),
            ),
        ]
        edge_markup.append(
            f'<g class="cm-edge loop" data-source="{_attr(source)}" data-target="{_attr(target)}">'
            f"<title>{_esc(_edge_tooltip(nodes[vertex], nodes[vertex], labels))}</title>"
            f'<path d="{_path(loop)}"/></g>'
        )

    node_markup = [
        _node_markup(node, layout.x[index], layout.top[index], widths[index], focus)
        for index, node in enumerate(nodes)
    ]
    marker_id = _drawing_id("component", title, focus, nodes, edges)
    label = _drawing_label(title, part, f"{len(nodes)} nodes, {len(edges)} edges")
    return "\n".join(
        [
            _svg_open(layout.width, layout.height, label),
            f"<title>{_esc(label)}</title>",
            f'<defs><marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8"'
            f' markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0,0L10,5L0,10z" fill="currentColor"/></marker></defs>',
            f'<g class="cm-edges" fill="none" stroke="currentColor" stroke-width="1.3"'
            f' marker-end="url(#{marker_id})">',
            *edge_markup,
            "</g>",
            '<g class="cm-nodes">',
            *node_markup,
            "</g>",
            "</svg>",
        ]
    )


def _drawing_label(title: str, part: tuple[int, int], summary: str) -> str:
    """The accessible name of one drawing: the title, which part it is, what it holds."""
    label = _display(title) or "Graph"
    number, parts = part
    if parts > 1:
        label += f" (part {number} of {parts})"
    return f"{label}: {summary}"


def _draw_isolated(
    nodes: list[GraphNode], *, focus: str | None, title: str, part: tuple[int, int], max_width: float
) -> str:
    """Nodes without edges, as rows of boxes filling ``max_width``."""
    placed = []
    x = y = MARGIN
    widest = 0.0
    for node in nodes:
        width = _node_width(node)
        if x > MARGIN and x + width > max_width - MARGIN:
            x = MARGIN
            y += NODE_HEIGHT + ROW_GAP / 2
        placed.append(_node_markup(node, x + width / 2, y, width, focus))
        x += width + NODE_GAP / 2
        widest = max(widest, x - NODE_GAP / 2)
    label = _drawing_label(title, part, f"{len(nodes)} nodes without edges")
    return "\n".join(
        [
            _svg_open(widest + MARGIN, y + NODE_HEIGHT + MARGIN, label),
            f"<title>{_esc(label)}</title>",
            '<g class="cm-nodes">',
            *placed,
            "</g>",
            "</svg>",
        ]
    )

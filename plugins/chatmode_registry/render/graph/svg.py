"""SVG markup for the drawings: components, nodes, edges, and the accessible labels.

Every string that comes from the inputs goes through :func:`.text.esc` or :func:`.text.attr`
(and links through :func:`.text.safe_href`); nothing else is written but numbers and this
module's own constants.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chatmode_registry.core.vscode import harness_note
from chatmode_registry.render.graph.layout import (
    DEFAULT_MAX_WIDTH,
    MARGIN,
    NODE_GAP,
    NODE_HEIGHT,
    NODE_MIN_WIDTH,
    NODE_PADDING_X,
    ROW_GAP,
    LayeredLayout,
)
from chatmode_registry.render.graph.model import GraphEdge, GraphNode, unique_nodes
from chatmode_registry.render.graph.text import (
    CLASS_TOKEN,
    FONT_SIZE,
    XLINK,
    attr,
    display,
    esc,
    fit_label,
    num,
    safe_href,
    text_width,
)


def render_graph(
    nodes: Iterable[GraphNode],
    edges: Iterable[GraphEdge],
    *,
    focus: str | None = None,
    title: str = "Transition graph",
    max_width: float = DEFAULT_MAX_WIDTH,
    hidden_kinds: Iterable[str] = (),
) -> list[str]:
    """Draw the graph: one ``<svg>`` string per weakly connected component.

    Components come largest first (by node count), ties by their smallest node id; nodes
    without any edge are gathered into one last drawing. Edges with an unknown endpoint are
    ignored; several edges between the same two nodes are drawn once, their labels and kinds
    joined in the tooltip, in the style of the first of their kinds in :data:`EDGE_KINDS`
    order (a handoff is a button in VS Code, so it wins over a mention in the text). ``focus`` names a node that gets the class ``cmr-node--focus``. ``max_width`` is the
    natural width (px) beyond which wide layers are folded into rows. The output is the same
    for the same input, whatever the input order.

    Two edges in opposite directions drawn in the same style are one line with a head at
    each end (class ``cmr-edge--both``). Edges whose style is one of ``hidden_kinds`` (see
    :func:`kinds_hidden_by_default`) are drawn but left out of the layout: the boxes are
    placed for the other kinds only, and those edges run as direct curves between their
    boxes, for a page that hides them until the reader asks for them.
    """
    node_by_id = {node.id: node for node in reversed(unique_nodes(nodes))}
    ids = sorted(node_by_id)
    if not ids:
        return []
    index_of = {node_id: index for index, node_id in enumerate(ids)}
    labels: dict[tuple[int, int], list[str]] = {}
    kinds: dict[tuple[int, int], set[str]] = {}
    for edge in edges:
        if edge.source in index_of and edge.target in index_of:
            key = (index_of[edge.source], index_of[edge.target])
            found = labels.setdefault(key, [])
            kinds.setdefault(key, set()).update([edge.kind] if edge.kind in EDGE_STYLES else [])
            text = display(edge.label)
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
    by_root: dict[int, list[tuple[tuple[int, int], list[str]]]] = {}
    for key, texts in sorted(labels.items()):
        by_root.setdefault(root(key[0]), []).append((key, texts))
    drawings: list[str] = []
    for number, members in enumerate(connected, start=1):
        component_edges = by_root.get(root(members[0]), [])
        drawings.append(
            _draw_component(
                [node_by_id[ids[index]] for index in members],
                [
                    (ids[s], ids[t], tuple(k for k in EDGE_KINDS if k in kinds[(s, t)]), texts)
                    for (s, t), texts in component_edges
                ],
                focus=focus,
                title=title,
                part=(number, parts),
                max_width=max_width,
                hidden_kinds=frozenset(hidden_kinds),
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


@dataclass(frozen=True)
class EdgeStyle:
    """How one kind of edge is drawn, and the words the legend uses for it."""

    words: str
    dash: str
    """SVG dash pattern, empty for a solid line."""
    width: float


#: How far below two boxes of one row a direct curve between them dips.
DIP = 18

#: The kinds of edge (a transition's ``via``), each drawn in its own style. The stylesheet
#: (assets/graph.css) repeats these patterns for the classes ``cmr-edge--<kind>``.
EDGE_STYLES = {
    "handoff": EdgeStyle("handoff", "", 1.8),
    "subagent": EdgeStyle("subagent", "1.5 3.5", 2.0),
    "prose": EdgeStyle("named in the instructions", "6 4", 1.3),
}
EDGE_KINDS = tuple(EDGE_STYLES)


#: Kinds a whole-catalog drawing hides until asked, when it has edges of another kind. A
#: chat mode's text often names every mode it works with: on the registry's own twelve modes
#: those mentions are 50 of 61 transitions, and no ordering of boxes draws them with fewer
#: than 35 crossings, while the handoffs (the buttons VS Code shows) draw with 2 or fewer.
HIDDEN_WHEN_OTHERS = ("prose",)


def kinds_hidden_by_default(kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds of edge a whole graph hides at first, given the kinds it has: prose mentions
    when there is any handoff or subagent edge to show instead, else none (a catalog whose
    modes only name each other still shows its transitions)."""
    present = set(kinds)
    if present - set(HIDDEN_WHEN_OTHERS) & set(EDGE_KINDS):
        return tuple(kind for kind in HIDDEN_WHEN_OTHERS if kind in present)
    return ()


def legend_entries(hidden_kinds: Iterable[str] = ()) -> list[dict[str, object]]:
    """One entry per kind of edge (``kind``, ``words``, ``dash``, ``width``; ``where``: the
    harnesses that ignore this kind, empty when it applies everywhere; ``shown``: false for
    the ``hidden_kinds`` a drawing starts with hidden), for a legend."""
    hidden = set(hidden_kinds)
    return [
        {
            "kind": kind,
            "words": style.words,
            "dash": style.dash,
            "width": style.width,
            "where": harness_note(kind),
            "shown": kind not in hidden,
        }
        for kind, style in EDGE_STYLES.items()
    ]


#: The natural width (px) of a drawing folded for a phone: a 390 px screen's content column
#: less the view's padding, at the smallest scale that keeps labels 12 px tall (graph.js).
NARROW_GRAPH_WIDTH = 340

_WIDTH_ATTRIBUTE = re.compile(r'<svg [^>]*? width="([0-9.]+)"')


def natural_width(drawing: str) -> float:
    """The width (px) a drawing of :func:`render_graph` has at its natural size."""
    found = _WIDTH_ATTRIBUTE.match(drawing)
    return float(found.group(1)) if found else 0.0


# --- drawing --------------------------------------------------------------------------------


def _drawing_id(kind: str, title: str, focus: str | None, nodes: Sequence[GraphNode], edges: Sequence) -> str:
    """A short id derived from what is drawn, so several drawings on one page never clash."""
    digest = hashlib.sha256()
    digest.update(
        repr((kind, title, focus, [(n.id, n.label, n.href) for n in nodes], list(edges))).encode(
            "utf-8", "surrogatepass"
        )
    )
    return "cmr-arrow-" + digest.hexdigest()[:12]


def _svg_open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="{XLINK}" class="cmr-graph" role="group" aria-label="{attr(label)}"'
        f' viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}"'
        f' font-family="sans-serif" font-size="{FONT_SIZE}">'
    )


def _node_markup(node: GraphNode, x: float, top: float, width: float, focus: str | None) -> str:
    """A node's group: box and label, wrapped in a link when its href is safe."""
    classes = ["cmr-node"]
    if node.id == focus:
        classes.append("cmr-node--focus")
    classes += [token for token in str(node.css_class).split() if CLASS_TOKEN.match(token)]
    label = display(node.label) or display(node.id) or "?"
    tooltip = label
    extra = display(node.title, single_line=False)
    if extra:
        tooltip += "\n" + extra
    inner = (
        f"<title>{esc(tooltip)}</title>"
        f'<rect x="{num(x - width / 2)}" y="{num(top)}" width="{num(width)}" height="{NODE_HEIGHT}"'
        f' rx="5" fill="none" stroke="currentColor"/>'
        f'<text x="{num(x)}" y="{num(top + NODE_HEIGHT / 2)}" text-anchor="middle"'
        f' dominant-baseline="central" fill="currentColor">{esc(fit_label(label))}</text>'
    )
    href = safe_href(node.href)
    if href is not None:
        inner = f'<a xlink:href="{attr(href)}">{inner}</a>'
    return f'<g class="{" ".join(dict.fromkeys(classes))}" data-node="{attr(node.id)}">{inner}</g>'


def _node_width(node: GraphNode) -> float:
    label = display(node.label) or display(node.id) or "?"
    return max(NODE_MIN_WIDTH, text_width(fit_label(label)) + 2 * NODE_PADDING_X)


def _edge_tooltip(source: GraphNode, target: GraphNode, kinds: Sequence[str], labels: list[str]) -> str:
    text = f"{display(source.label) or source.id} \u2192 {display(target.label) or target.id}"
    if kinds:
        text += " (" + ", ".join(EDGE_STYLES[kind].words for kind in kinds) + ")"
    if labels:
        text += ": " + "; ".join(labels)
    return text


@dataclass
class _Line:
    """One line of a drawing: an edge, or two opposite edges drawn with a head at each end
    (``back`` then holds the second one's kinds and labels)."""

    source: int
    target: int
    kinds: tuple[str, ...]
    labels: list[str]
    back: tuple[tuple[str, ...], list[str]] | None = None


def _lines(index_of: dict[str, int], edges: list[tuple[str, str, tuple[str, ...], list[str]]]) -> list[_Line]:
    """The component's edges (no self-loops) as lines: a pair of opposite edges whose first
    kinds agree becomes one line, from the endpoint listed first."""
    by_pair = {(index_of[s], index_of[t]): (kinds, labels) for s, t, kinds, labels in edges if s != t}
    lines = []
    for (source, target), (kinds, labels) in by_pair.items():
        reverse = by_pair.get((target, source))
        if reverse is not None and reverse[0][:1] == kinds[:1]:
            if source > target:
                continue  # drawn with its partner
            lines.append(_Line(source, target, kinds, labels, back=reverse))
        else:
            lines.append(_Line(source, target, kinds, labels))
    return lines


def _edge_markup(
    source: GraphNode,
    target: GraphNode,
    kinds: Sequence[str],
    labels: list[str],
    classes: list[str],
    segments: Sequence[tuple[tuple[float, float], ...]],
    *,
    back: tuple[tuple[str, ...], list[str]] | None = None,
    marker_id: str = "",
) -> str:
    """An edge's group: its tooltip and its path, dashed by its (first) kind, so a drawing
    without the stylesheet still tells the kinds apart. With ``back`` (the opposite edge's
    kinds and labels) the line has a head at its start too (``data-two-way``)."""
    kind = kinds[0] if kinds else ""
    if kind:
        classes = [*classes, f"cmr-edge--{kind}"]
    style = EDGE_STYLES.get(kind)
    dash_attribute = ""
    if style is not None:
        dash_attribute = f' stroke-width="{num(style.width)}"'
        if style.dash:
            dash_attribute += f' stroke-dasharray="{style.dash}"'
    tooltip = _edge_tooltip(source, target, kinds, labels)
    two_way = ""
    if back is not None:
        classes = [*classes, "cmr-edge--both"]
        tooltip += "\n" + _edge_tooltip(target, source, *back)
        two_way = ' data-two-way=""'
        dash_attribute += f' marker-start="url(#{marker_id})"'

    return (
        f'<g class="{" ".join(classes)}" data-source="{attr(source.id)}" data-target="{attr(target.id)}"'
        f' data-kind="{kind}"{two_way}>'
        f"<title>{esc(tooltip)}</title>"
        f'<path d="{_path(segments)}"{dash_attribute}/></g>'
    )


def _direct_route(layout: LayeredLayout, source: int, target: int) -> list[tuple[tuple[float, float], ...]]:
    """A curve straight from one box to another, for an edge the layout did not place:
    bottom to top when the target is lower, top to bottom when higher, and a dip below the
    boxes between two of the same row."""
    sx, sy, tx, ty = layout.x[source], layout.top[source], layout.x[target], layout.top[target]
    if ty > sy:
        start, end = (sx, sy + NODE_HEIGHT), (tx, ty)
    elif ty < sy:
        start, end = (sx, sy), (tx, ty + NODE_HEIGHT)
    else:
        start, end = (sx, sy + NODE_HEIGHT), (tx, ty + NODE_HEIGHT)
        return [(start, (sx, sy + NODE_HEIGHT + DIP), (tx, ty + NODE_HEIGHT + DIP), end)]
    middle = (start[1] + end[1]) / 2
    return [(start, (start[0], middle), (end[0], middle), end)]


def _path(segments: Sequence[tuple[tuple[float, float], ...]]) -> str:
    """SVG path data for a chain of segments: 2 points make a line, 4 a cubic curve."""
    first = segments[0][0]
    parts = [f"M{num(first[0])},{num(first[1])}"]
    for segment in segments:
        points = " ".join(f"{num(px)},{num(py)}" for px, py in segment[1:])
        parts.append(("L" if len(segment) == 2 else "C") + points)
    return "".join(parts)


def _draw_component(
    nodes: list[GraphNode],
    edges: list[tuple[str, str, tuple[str, ...], list[str]]],
    *,
    focus: str | None,
    title: str,
    part: tuple[int, int],
    max_width: float,
    hidden_kinds: frozenset[str] = frozenset(),
) -> str:
    """One connected component as a layered drawing."""
    index_of = {node.id: index for index, node in enumerate(nodes)}
    widths = [_node_width(node) for node in nodes]
    loops = {index_of[source] for source, target, _, _ in edges if source == target}
    lines = _lines(index_of, edges)
    placed = [line for line in lines if line.kinds[:1] == () or line.kinds[0] not in hidden_kinds]
    unplaced = [line for line in lines if line.kinds[:1] != () and line.kinds[0] in hidden_kinds]
    layout = LayeredLayout(widths, [(line.source, line.target) for line in placed], loops, max_width)
    layout.run()
    # Two layouts of one graph on one page (wide and narrow) need their own marker ids.
    marker_id = _drawing_id(f"component-{num(max_width)}", title, focus, nodes, edges)

    # The hidden kinds first: when shown, they run under the placed ones.
    drawn = [
        (line, _direct_route(layout, line.source, line.target), ["cmr-edge", "cmr-edge--unplaced"])
        for line in unplaced
    ]
    drawn += [
        (line, segments, ["cmr-edge", "cmr-edge--back"] if turned else ["cmr-edge"])
        for line, segments, turned in zip(placed, layout.routes(), layout.reversed, strict=True)
    ]
    edge_markup = [
        _edge_markup(
            nodes[line.source],
            nodes[line.target],
            line.kinds,
            line.labels,
            classes,
            segments,
            back=line.back,
            marker_id=marker_id,
        )
        for line, segments, classes in drawn
    ]
    for loop_source, loop_target, loop_kinds, labels in edges:
        if loop_source != loop_target:
            continue
        vertex = index_of[loop_source]
        edge_markup.append(
            _edge_markup(
                nodes[vertex],
                nodes[vertex],
                loop_kinds,
                labels,
                ["cmr-edge", "cmr-edge--loop"],
                layout.loop_route(vertex),
            )
        )

    node_markup = [
        _node_markup(node, layout.x[index], layout.top[index], widths[index], focus)
        for index, node in enumerate(nodes)
    ]
    label = _drawing_label(title, part, f"{len(nodes)} nodes, {len(edges)} edges")
    # A dip between two boxes of the bottom row runs below them.
    height = layout.height + (DIP if unplaced else 0)
    return "\n".join(
        [
            _svg_open(layout.width, height, label),
            f"<title>{esc(label)}</title>",
            f'<defs><marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8"'
            f' markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0L10,5L0,10z" fill="currentColor"/></marker></defs>',
            f'<g class="cmr-edges" fill="none" stroke="currentColor" stroke-width="1.3"'
            f' marker-end="url(#{marker_id})">',
            *edge_markup,
            "</g>",
            '<g class="cmr-nodes">',
            *node_markup,
            "</g>",
            "</svg>",
        ]
    )


def _drawing_label(title: str, part: tuple[int, int], summary: str) -> str:
    """The accessible name of one drawing: the title, which part it is, what it holds."""
    label = display(title) or "Graph"
    number, parts = part
    if parts > 1:
        label += f" (part {number} of {parts})"
    return f"{label}: {summary}"


def _draw_isolated(
    nodes: list[GraphNode], *, focus: str | None, title: str, part: tuple[int, int], max_width: float
) -> str:
    """Nodes without edges, as rows of boxes filling ``max_width``."""
    placed = []
    x: float = MARGIN
    y: float = MARGIN
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
            f"<title>{esc(label)}</title>",
            '<g class="cmr-nodes">',
            *placed,
            "</g>",
            "</svg>",
        ]
    )

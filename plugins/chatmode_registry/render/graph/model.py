"""The graph package's input records: plain nodes and edges, nothing about chat modes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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


def neighbourhood(
    nodes: Iterable[GraphNode], edges: Iterable[GraphEdge], center: str, depth: int = 1
) -> tuple[list[GraphNode], list[GraphEdge]]:
    """The nodes within ``depth`` steps of ``center`` (following edges both ways) and the edges
    between them, in input order. An unknown ``center`` gives two empty lists.
    """
    node_list = unique_nodes(nodes)
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


def unique_nodes(nodes: Iterable[GraphNode]) -> list[GraphNode]:
    """``nodes`` with later duplicates of an id dropped (the first one wins)."""
    seen: set[str] = set()
    result = []
    for node in nodes:
        if node.id not in seen:
            seen.add(node.id)
            result.append(node)
    return result

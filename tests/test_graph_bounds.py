"""Every drawing is bounded, and drawing costs grow linearly (#14, finding 4).

When every chat mode switches to every other, the edges grow with the square of the modes
and a layered layout gives each edge a bend point per layer it crosses: edges times layers.
These tests pin the bounds with counted work and output sizes, never with timers: the
layout's own work counter, the bytes of SVG drawn, and the nodes and edges on each page.
"""

from __future__ import annotations

import math
import re
from typing import ClassVar

import pytest

from chatmode_registry.render.graph import GraphEdge, GraphNode, render_graph
from chatmode_registry.render.graph.layout import LayeredLayout
from conftest import build, write_project
from sitehtml import content, read_page


def complete_graph(count: int) -> tuple[list[GraphNode], list[GraphEdge]]:
    nodes = [GraphNode(f"m{index:03d}", f"Mode {index}", href=f"../m{index:03d}/") for index in range(count)]
    edges = [
        GraphEdge(source.id, target.id, f"to {target.label}", kind="prose")
        for source in nodes
        for target in nodes
        if source is not target
    ]
    return nodes, edges


class CountingLayout(LayeredLayout):
    """The real layout, remembering every instance's size and work."""

    runs: ClassVar[list[tuple[int, int, int, int]]] = []

    def run(self) -> None:
        super().run()
        bends = len(self.layer) - self.count
        CountingLayout.runs.append((self.count, len(self.edges), bends, self.work))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int, int]]:
    import chatmode_registry.render.graph.svg as svg

    CountingLayout.runs = []
    monkeypatch.setattr(svg, "LayeredLayout", CountingLayout)
    return CountingLayout.runs


@pytest.mark.parametrize("count", [10, 20, 40])
def test_layout_work_and_bend_points_stay_linear_in_the_edges(counted, count: int) -> None:
    nodes, edges = complete_graph(count)
    render_graph(nodes, edges)
    ((vertices, edge_count, bends, work),) = counted
    # Each pair of opposite transitions is one line with two heads.
    assert (vertices, edge_count) == (count, count * (count - 1) // 2)
    size = vertices + edge_count
    # Bend points are budgeted per edge; before the budget a complete graph of 40 modes had
    # about n^3 / 6 of them (tens of thousands).
    assert bends <= 3 * edge_count
    # Every pass visits each vertex and edge segment a fixed number of times; counting crossings
    # adds a logarithmic factor (a Fenwick tree).
    assert work <= 300 * size * math.log2(size)


def test_layout_work_grows_about_linearly_when_the_edges_quadruple(counted) -> None:
    for count in (20, 40):
        render_graph(*complete_graph(count))
    (_, small_edges, _, small_work), (_, large_edges, _, large_work) = counted
    assert large_edges / small_edges == pytest.approx(1560 / 380)
    # Quadratic in the edges would be a ratio near 17; edges times layers, near 8.
    assert large_work / small_work <= 1.25 * large_edges / small_edges


@pytest.mark.parametrize("count", [10, 20, 40])
def test_drawing_size_is_linear_in_nodes_and_edges(count: int) -> None:
    nodes, edges = complete_graph(count)
    size = sum(len(svg.encode("utf-8")) for svg in render_graph(nodes, edges))
    assert size <= 600 * (len(nodes) + len(edges))


# --- built sites ----------------------------------------------------------------------------


def complete_catalog(count: int) -> dict[str, str]:
    """``count`` chat modes, each of which switches to every other one in prose."""
    names = [f"Worker {index}" for index in range(count)]
    modes = {}
    for index, name in enumerate(names):
        lines = [f"Switch to **{other}** mode to go on." for other in names if other != name]
        modes[f"worker-{index}.chatmode.md"] = (
            f"---\ndescription: Worker number {index}.\nname: {name}\n---\n\n# {name}\n\n"
            + "\n\n".join(lines)
            + "\n"
        )
    return modes


LIMITS = {"neighbourhood_limit": 5, "neighbourhood_edge_limit": 8, "graph_edge_limit": 60}
SVG_ELEMENT = re.compile(r"<svg\b.*?</svg>", re.S)


def build_complete(tmp_path, count: int):
    project = write_project(tmp_path / f"complete{count}", complete_catalog(count), plugin_options=LIMITS)
    result = build(project)
    assert result.ok, result.log
    return result.site


def svg_bytes(site) -> int:
    """The bytes of every inline SVG drawing of every catalog page."""
    return sum(
        len(match.group(0).encode("utf-8"))
        for page in (site / "catalog").rglob("index.html")
        for match in SVG_ELEMENT.finditer(page.read_text(encoding="utf-8"))
    )


def test_complete_graph_catalog_draws_capped_neighbourhoods_and_linear_output(tmp_path) -> None:
    small = build_complete(tmp_path, 10)
    large = build_complete(tmp_path, 20)

    # Each page draws its mode and at most 4 neighbours, at most 8 arrows, and says what it left out.
    page = content(read_page(large, "catalog/worker-7/"))
    # Drawn once as laid out and once folded for a phone (only one of them is shown).
    drawing, folded = page.find_all("svg", cls="cmr-graph")
    drawn = [g.get("data-node") for g in drawing.find_all("g", cls="cmr-node")]
    assert len(drawn) == 5 and "worker-7" in drawn
    assert sorted(g.get("data-node") for g in folded.find_all("g", cls="cmr-node")) == sorted(drawn)
    edges = drawing.find_all("g", cls="cmr-edge")
    # The mode's own arrows come first: all 8 drawn ones touch it (4 out, 4 in), as 4 lines
    # with a head at each end.
    assert len(edges) == 4 and all(edge.get("data-two-way") == "" for edge in edges)
    assert all("worker-7" in (edge.get("data-source"), edge.get("data-target")) for edge in edges)
    (note,) = page.find_all("p", cls="cmr-graph-more")
    # 19 neighbours, 4 drawn; 4 x 3 arrows among the drawn neighbours left out.
    assert "15 more chat modes" in note.text() and "12 more transitions" in note.text()

    # 380 transitions is over graph_edge_limit: the graph page shows boxes, one per mode.
    graph = content(read_page(large, "catalog/graph/"))
    assert graph.find(cls="cmr-edge") is None
    # Once in the wide layout and once folded for a phone (only one of them is shown).
    for layout in ("cmr-graphs--wide", "cmr-graphs--narrow"):
        assert len(graph.find(cls=layout).find_all("g", cls="cmr-node")) == 20

    # Doubling the modes quadruples the transitions; the drawings only double.
    ratio = svg_bytes(large) / svg_bytes(small)
    assert 1.5 <= ratio <= 2.3, ratio

"""The SVG transition graph: well-formed, complete, safe with hostile input, deterministic.

Every drawing is parsed with a real XML parser (ElementTree); assertions are made on the
parsed tree, never on substrings of the markup.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatmode_registry.render.graph import (
    EDGE_KINDS,
    GraphEdge,
    GraphNode,
    graph_css,
    kinds_hidden_by_default,
    legend_entries,
    neighbourhood,
    render_graph,
    safe_href,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The drawing as an element tree (raises on markup that is not well-formed)."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def groups_with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter(SVG + "g") if name in classes(element)]


def node_ids(root: ET.Element) -> list[str]:
    return [group.get("data-node") for group in groups_with_class(root, "cmr-node")]


XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def hrefs(root: ET.Element) -> list[str]:
    return [anchor.get(XLINK_HREF) for anchor in root.iter(SVG + "a")]


def team(names: list[str]) -> list[GraphNode]:
    """Nodes with a slug id and a relative link each, as the catalog would give them."""
    return [
        GraphNode(name.lower().replace(" ", "-"), name, href=f"../{name.lower().replace(' ', '-')}/")
        for name in names
    ]


TWELVE = team(
    [
        "Product Manager",
        "Planner",
        "Backend Engineer",
        "Frontend Engineer",
        "API Engineer",
        "Database Architect",
        "QA Tester",
        "DevOps Engineer",
        "Security Reviewer",
        "Technical Writer",
        "Performance Tuner",
        "Site Reliability Engineer",
    ]
)
TWELVE_EDGES = [
    GraphEdge(source, target, f"to {target}")
    for source, target in [
        ("product-manager", "planner"),
        ("planner", "backend-engineer"),
        ("planner", "frontend-engineer"),
        ("backend-engineer", "api-engineer"),
        ("api-engineer", "backend-engineer"),
        ("backend-engineer", "database-architect"),
        ("frontend-engineer", "api-engineer"),
        ("backend-engineer", "qa-tester"),
        ("qa-tester", "devops-engineer"),
        ("devops-engineer", "site-reliability-engineer"),
        ("devops-engineer", "planner"),
        ("security-reviewer", "backend-engineer"),
        ("qa-tester", "technical-writer"),
        ("performance-tuner", "database-architect"),
        ("database-architect", "database-architect"),
    ]
]


def random_graph(node_count: int, edge_count: int, seed: int) -> tuple[list[GraphNode], list[GraphEdge]]:
    generator = random.Random(seed)
    nodes = [
        GraphNode(f"m{index:03d}", f"Mode {index} " + "x" * generator.randrange(30), href=f"../m{index:03d}/")
        for index in range(node_count)
    ]
    edges = [
        GraphEdge(f"m{generator.randrange(node_count):03d}", f"m{generator.randrange(node_count):03d}")
        for _ in range(edge_count)
    ]
    return nodes, edges


# --- completeness --------------------------------------------------------------------------


def test_every_linked_node_is_one_link_with_its_href():
    drawings = [parse(svg) for svg in render_graph(TWELVE, TWELVE_EDGES)]
    assert Counter(href for root in drawings for href in hrefs(root)) == Counter(node.href for node in TWELVE)
    assert Counter(node_id for root in drawings for node_id in node_ids(root)) == Counter(
        n.id for n in TWELVE
    )
    # The link wraps the node's own box and label.
    for root in drawings:
        for group in groups_with_class(root, "cmr-node"):
            anchor = group.find(SVG + "a")
            assert anchor.get(XLINK_HREF) == f"../{group.get('data-node')}/"
            assert anchor.find(SVG + "rect") is not None and anchor.find(SVG + "text") is not None


def test_nodes_without_href_are_drawn_without_link():
    nodes = [GraphNode("a", "A", href="../a/"), GraphNode("b", "B")]
    (root,) = [parse(svg) for svg in render_graph(nodes, [GraphEdge("a", "b")])]
    assert hrefs(root) == ["../a/"]
    assert sorted(node_ids(root)) == ["a", "b"]


def test_edges_drawn_once_per_pair_and_dangling_edges_ignored():
    nodes = team(["A", "B", "C"])
    edges = [
        GraphEdge("a", "b", "first"),
        GraphEdge("a", "b", "second"),
        GraphEdge("b", "c"),
        GraphEdge("c", "a"),
        GraphEdge("a", "nowhere"),
        GraphEdge("ghost", "b"),
    ]
    (root,) = [parse(svg) for svg in render_graph(nodes, edges)]
    drawn = groups_with_class(root, "cmr-edge")
    assert sorted((g.get("data-source"), g.get("data-target")) for g in drawn) == [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
    ]
    tooltip = next(g for g in drawn if g.get("data-source") == "a").find(SVG + "title").text
    assert "first" in tooltip and "second" in tooltip
    for group in drawn:
        assert group.find(SVG + "path").get("d").startswith("M")


def test_back_edges_and_self_loops_are_marked():
    nodes = team(["A", "B", "C"])
    edges = [GraphEdge("a", "b"), GraphEdge("b", "c"), GraphEdge("c", "a"), GraphEdge("b", "b")]
    (root,) = [parse(svg) for svg in render_graph(nodes, edges)]
    drawn = groups_with_class(root, "cmr-edge")
    assert len(drawn) == 4
    # A three-cycle needs exactly one edge turned round to be layered.
    assert sum("cmr-edge--back" in classes(g) for g in drawn) == 1
    loops = [g for g in drawn if "cmr-edge--loop" in classes(g)]
    assert [(g.get("data-source"), g.get("data-target")) for g in loops] == [("b", "b")]


# --- components, markers, focus ------------------------------------------------------------


def test_components_largest_first_then_by_id_isolated_last():
    nodes = team(["Zed", "Yak", "Xen", "Ann", "Bob", "Cat", "Dan", "Solo", "Alone"])
    edges = [
        GraphEdge("zed", "yak"),
        GraphEdge("yak", "xen"),  # three nodes
        GraphEdge("cat", "dan"),  # two nodes, ids after "ann"
        GraphEdge("bob", "ann"),  # two nodes, smallest id "ann"
    ]
    drawings = [parse(svg) for svg in render_graph(nodes, edges)]
    assert [sorted(node_ids(root)) for root in drawings] == [
        ["xen", "yak", "zed"],
        ["ann", "bob"],
        ["cat", "dan"],
        ["alone", "solo"],
    ]
    labels = [root.get("aria-label") for root in drawings]
    assert all(f"part {number} of 4" in label for number, label in enumerate(labels, start=1))
    assert groups_with_class(drawings[-1], "cmr-edge") == []


def test_one_arrow_marker_per_drawing_with_unique_ids():
    # Five separate pairs (one of them a two-way pair) and a lone node.
    nodes = team([f"N{index}" for index in range(11)])
    edges = [GraphEdge(f"n{index}", f"n{index + 1}") for index in range(0, 10, 2)] + [GraphEdge("n1", "n0")]
    drawings = [parse(svg) for svg in render_graph(nodes, edges)]
    with_edges = [root for root in drawings if groups_with_class(root, "cmr-edge")]
    assert len(with_edges) == 5 and len(drawings) == 6
    marker_ids = []
    for root in with_edges:
        markers = list(root.iter(SVG + "marker"))
        assert len(markers) == 1
        marker_ids.append(markers[0].get("id"))
        referenced = {element.get("marker-end") for element in root.iter() if element.get("marker-end")}
        assert referenced == {f"url(#{markers[0].get('id')})"}
    assert len(set(marker_ids)) == len(marker_ids)
    # Ids do not depend on anything but the drawing.
    again = [parse(svg) for svg in render_graph(nodes, edges)]
    assert [
        next(r.iter(SVG + "marker")).get("id") for r in again if groups_with_class(r, "cmr-edge")
    ] == marker_ids


def test_focus_marks_exactly_the_focused_node():
    drawings = [parse(svg) for svg in render_graph(TWELVE, TWELVE_EDGES, focus="qa-tester")]
    focused = [
        g.get("data-node")
        for root in drawings
        for g in groups_with_class(root, "cmr-node")
        if "cmr-node--focus" in classes(g)
    ]
    assert focused == ["qa-tester"]
    unfocused = [parse(svg) for svg in render_graph(TWELVE, TWELVE_EDGES)]
    assert not any(
        "cmr-node--focus" in classes(g) for root in unfocused for g in groups_with_class(root, "cmr-node")
    )


def test_drawing_is_an_accessible_image_with_consistent_size():
    (svg,) = render_graph(TWELVE, TWELVE_EDGES, title="Flows")
    root = parse(svg)
    # A labelled group, not an image: its links stay reachable by keyboard and screen readers.
    assert root.get("role") == "group"
    assert root.get("aria-label").startswith("Flows")
    assert root.find(SVG + "title").text == root.get("aria-label")
    assert "cmr-graph" in classes(root)
    minimum_x, minimum_y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (minimum_x, minimum_y) == (0, 0)
    assert (float(root.get("width")), float(root.get("height"))) == (width, height)
    for rect in root.iter(SVG + "rect"):
        assert float(rect.get("x")) >= 0 and float(rect.get("x")) + float(rect.get("width")) <= width
        assert float(rect.get("y")) >= 0 and float(rect.get("y")) + float(rect.get("height")) <= height


def boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    return [
        (
            float(r.get("x")),
            float(r.get("y")),
            float(r.get("x")) + float(r.get("width")),
            float(r.get("y")) + float(r.get("height")),
        )
        for r in root.iter(SVG + "rect")
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_boxes_never_overlap(seed):
    nodes, edges = random_graph(150, 300, seed=seed)
    for svg in render_graph(nodes, edges):
        placed = sorted(boxes(parse(svg)))
        for index, (_left, top, right, bottom) in enumerate(placed):
            for other_left, other_top, _other_right, other_bottom in placed[index + 1 :]:
                if other_left >= right:
                    break
                assert other_top >= bottom or top >= other_bottom, "two node boxes overlap"


def test_wide_layers_are_folded_to_the_width_limit():
    hub = GraphNode("hub", "Hub", href="../hub/")
    leaves = [GraphNode(f"leaf-{i:02d}", f"Leaf number {i}", href=f"../leaf-{i:02d}/") for i in range(80)]
    edges = [GraphEdge("hub", leaf.id) for leaf in leaves]
    (svg,) = render_graph([hub, *leaves], edges, max_width=900)
    root = parse(svg)
    assert float(root.get("width")) <= 900 + 24 + 40  # the limit, the margins, one box of slack
    assert len(hrefs(root)) == 81
    rows = {top for _, top, _, _ in boxes(root)}
    assert len(rows) > 3


def test_long_labels_are_cut_with_the_full_label_in_the_tooltip():
    label = "An Extraordinarily Long Chat Mode Name That Goes On And On Forever"
    (svg,) = render_graph([GraphNode("long", label, title="What it does")], [])
    group = groups_with_class(parse(svg), "cmr-node")[0]
    shown = group.find(SVG + "text").text
    assert shown.endswith("\u2026") and len(shown) < len(label)
    assert label.startswith(shown[:-1])
    assert group.find(SVG + "title").text == label + "\nWhat it does"


# --- neighbourhood -------------------------------------------------------------------------


def test_neighbourhood_follows_edges_both_ways():
    nodes = team(["A", "B", "C", "D", "E", "F"])
    edges = [
        GraphEdge("a", "b"),
        GraphEdge("b", "c"),
        GraphEdge("c", "d"),
        GraphEdge("e", "b"),
        GraphEdge("a", "e"),
        GraphEdge("b", "missing"),
    ]
    near, near_edges = neighbourhood(nodes, edges, "b")
    assert [node.id for node in near] == ["a", "b", "c", "e"]
    assert near_edges == [GraphEdge("a", "b"), GraphEdge("b", "c"), GraphEdge("e", "b"), GraphEdge("a", "e")]
    wider, _ = neighbourhood(nodes, edges, "b", depth=2)
    assert [node.id for node in wider] == ["a", "b", "c", "d", "e"]
    alone, alone_edges = neighbourhood(nodes, edges, "f")
    assert ([n.id for n in alone], alone_edges) == (["f"], [])
    assert neighbourhood(nodes, edges, "unknown") == ([], [])


def test_neighbourhood_drawing_has_the_focus_and_its_neighbours():
    near, near_edges = neighbourhood(TWELVE, TWELVE_EDGES, "backend-engineer")
    (svg,) = render_graph(near, near_edges, focus="backend-engineer")
    root = parse(svg)
    assert sorted(node_ids(root)) == sorted(
        [
            "backend-engineer",
            "planner",
            "api-engineer",
            "database-architect",
            "qa-tester",
            "security-reviewer",
        ]
    )


# --- hostile input -------------------------------------------------------------------------

HOSTILE = [
    '<script>alert("x")</script>',
    '" onmouseover="alert(1)',
    "' onload='alert(1)",
    "]]><foreignObject><body onload=alert(1)></foreignObject>",
    "&amp; &lt;b&gt; &#x3C;",
    "null\x00byte\x08and\x1bescape\x7f",
    "lone \ud800 surrogate \udfff",
    "bidi \u202eevil\u202c text \ufffe\uffff",
]


def assert_inert(root: ET.Element) -> None:
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("script", "foreignobject", "iframe", "style")
        for attribute in element.attrib:
            assert not attribute.rsplit("}", 1)[-1].lower().startswith("on")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped(text):
    nodes = [
        GraphNode(text, text, href="../x/?a=1&b=<2>", title=text, css_class=text),
        GraphNode("plain", "Plain"),
    ]
    drawings = [parse(svg) for svg in render_graph(nodes, [GraphEdge(text, "plain", text)], title=text)]
    for root in drawings:
        assert_inert(root)
    (root,) = drawings
    assert hrefs(root) == ["../x/?a=1&b=<2>"]
    group = next(g for g in groups_with_class(root, "cmr-node") if g.get("data-node") != "plain")
    assert classes(group) <= {"cmr-node", "cmr-node--focus"} | {
        t for t in text.split() if re.fullmatch(r"[A-Za-z0-9_-]+", t)
    }
    # Markup characters survive as text; lone surrogates become U+FFFD; nothing else leaks.
    tooltip = group.find(SVG + "a/" + SVG + "title").text
    for character in "<>&\"'":
        assert (character in tooltip) == (character in text)
    assert ("\ufffd" in tooltip) == ("\ud800" in text)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\u202a-\u202e]", tooltip)


UNSAFE_HREFS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\x01\x02javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript\r:alert(1)",
    "\x00javascript:alert(1)",
    "javascript:\x00alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "",
    "   ",
]


@pytest.mark.parametrize("href", UNSAFE_HREFS)
def test_unsafe_hrefs_lose_their_link_but_keep_their_node(href):
    nodes = [GraphNode("bad", "Bad", href=href), GraphNode("good", "Good", href="../good/")]
    (root,) = [parse(svg) for svg in render_graph(nodes, [GraphEdge("bad", "good")])]
    assert hrefs(root) == ["../good/"]
    assert sorted(node_ids(root)) == ["bad", "good"]
    assert safe_href(href) is None


@pytest.mark.parametrize(
    "href",
    [
        "../backend/",
        "backend/",
        "/catalog/x/",
        "#section",
        "?q=1",
        "https://example.org/a?b=1&c=2",
        "HTTP://EXAMPLE.ORG/",
        "./javascript:alert(1)",
    ],
)
def test_safe_hrefs_are_kept_verbatim(href):
    (svg,) = render_graph([GraphNode("n", "N", href=href)], [])
    assert hrefs(parse(svg)) == [href]


# --- determinism and styling ---------------------------------------------------------------


def test_output_does_not_depend_on_input_order():
    nodes, edges = random_graph(80, 120, seed=5)
    first = render_graph(nodes, edges, focus="m010")
    generator = random.Random(9)
    shuffled_nodes, shuffled_edges = list(nodes), list(edges)
    generator.shuffle(shuffled_nodes)
    generator.shuffle(shuffled_edges)
    assert render_graph(shuffled_nodes, shuffled_edges, focus="m010") == first
    assert render_graph(nodes, edges, focus="m010") == first


#: Classes the stylesheet styles that the drawing itself does not write: the script sets the
#: highlighting states, the templates write the view around the drawings, the catalog gives
#: nodes their state.
NOT_DRAWN = {
    "cmr-graph--lit",
    "cmr-is-lit",
    "cmr-is-selected",
    "cmr-is-panning",
    "cmr-graphs",
    "cmr-graph-view",
    "cmr-graph-toolbar",
    "cmr-graph-tool",
    "cmr-graph-kind",
    "cmr-graph-legend__where",
    "cmr-graphs--wide",
    "cmr-graphs--narrow",
    "cmr-js",
    "cmr-graph-scale",
    "cmr-graph-viewport",
    "cmr-graph-legend",
    "cmr-graph-more",
    "cmr-graph-details",
    "cmr-node--builtin",
    "cmr-node--dangling",
    "cmr-node--errors",
    "cmr-node--warnings",
    "md-typeset",  # Material's content class, to outrank its rules for svg and lists
}


def test_stylesheet_classes_are_the_ones_drawn():
    css = graph_css()
    assert "<" not in css  # safe inside a <style> element
    edges = [
        GraphEdge(e.source, e.target, e.label, kind=EDGE_KINDS[i % 3]) for i, e in enumerate(TWELVE_EDGES)
    ]
    (svg,) = render_graph(TWELVE, edges, focus="planner")
    drawn = {name for element in parse(svg).iter() for name in classes(element)}
    styled = set(re.findall(r"\.([A-Za-z][\w-]*)", re.sub(r"/\*.*?\*/", "", css, flags=re.S)))
    assert styled - NOT_DRAWN <= drawn
    assert {"cmr-graph", "cmr-node", "cmr-node--focus", "cmr-edge"} <= styled
    assert {f"cmr-edge--{kind}" for kind in EDGE_KINDS} <= styled & drawn
    assert all(name.startswith("cmr-") for name in styled - {"md-typeset"})
    assert "var(--md-" in css


def test_each_kind_of_edge_is_drawn_in_its_own_dash_pattern():
    nodes = team(["A", "B", "C", "D"])
    edges = [
        GraphEdge("a", "b", "first", kind="prose"),
        GraphEdge("a", "b", "second", kind="handoff"),
        GraphEdge("b", "c", kind="subagent"),
        GraphEdge("c", "d", kind="prose"),
        GraphEdge("d", "a", kind="something else"),
    ]
    (root,) = [parse(svg) for svg in render_graph(nodes, edges)]
    drawn = groups_with_class(root, "cmr-edge")
    by_kind = sorted((g.get("data-source"), g.get("data-target"), g.get("data-kind")) for g in drawn)
    # One arrow per pair; a handoff that is also named in the text is drawn as the handoff.
    assert by_kind == [("a", "b", "handoff"), ("b", "c", "subagent"), ("c", "d", "prose"), ("d", "a", "")]
    dashes = {g.get("data-kind"): g.find(SVG + "path").get("stroke-dasharray") for g in drawn}
    assert dashes[""] is None and dashes["handoff"] is None
    assert dashes["prose"] and dashes["subagent"] and dashes["prose"] != dashes["subagent"]
    for group in drawn:
        kind = group.get("data-kind")
        assert classes(group) & {f"cmr-edge--{k}" for k in EDGE_KINDS} == (
            {f"cmr-edge--{kind}"} if kind else set()
        )
    tooltip = next(g for g in drawn if g.get("data-kind") == "handoff").find(SVG + "title").text
    assert "first" in tooltip and "second" in tooltip
    assert "handoff" in tooltip and "named in the instructions" in tooltip
    # The legend names every kind with the dash pattern the drawing uses.
    legend = {entry["kind"]: entry["dash"] for entry in legend_entries()}
    assert set(legend) == set(EDGE_KINDS) == {"handoff", "prose", "subagent"}
    assert legend["prose"] == dashes["prose"] and legend["subagent"] == dashes["subagent"]
    assert legend["handoff"] == ""


# --- property ------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Z", "C"]), max_size=40)
UNSAFE = st.sampled_from([h for h in UNSAFE_HREFS if h.strip()])


def browser_scheme(href: str) -> str | None:
    """The scheme a browser would see in an emitted href (an independent, cruder oracle)."""
    cleaned = re.sub("[\t\n\r]", "", href).strip("".join(chr(c) for c in range(0x21)))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            ANY_TEXT,
            st.one_of(
                st.none(),
                st.builds(lambda s: f"../{s}/", st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True)),
                UNSAFE,
                ANY_TEXT,
            ),
            ANY_TEXT,
        ),
        min_size=1,
        max_size=25,
    ),
    edge_picks=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), ANY_TEXT), max_size=50),
    focus_pick=st.integers(0, 30),
)
def test_random_graphs_give_well_formed_xml_with_one_link_per_linked_node(data, edge_picks, focus_pick):
    nodes = [
        GraphNode(f"n{index}-{label}", label, href=href, title=title)
        for index, (label, href, title) in enumerate(data)
    ]
    edges = [GraphEdge(nodes[s % len(nodes)].id, nodes[t % len(nodes)].id, text) for s, t, text in edge_picks]
    focus = nodes[focus_pick % len(nodes)].id
    drawings = [parse(svg) for svg in render_graph(nodes, edges, focus=focus)]
    seen = Counter()
    emitted = Counter()
    for root in drawings:
        assert_inert(root)
        for group in groups_with_class(root, "cmr-node"):
            seen[group.get("data-node") is not None] += 1
            anchors = group.findall(SVG + "a")
            assert len(anchors) <= 1
            emitted.update(anchor.get(XLINK_HREF) for anchor in anchors)
    assert seen[True] == len(nodes)
    for href in emitted:
        assert browser_scheme(href) in (None, "http", "https")
    linked = [node for node in nodes if node.href and node.href.startswith("../") and "\n" not in node.href]
    for node in linked:
        assert emitted[node.href] >= 1
    assert sum(emitted.values()) == sum(1 for node in nodes if safe_href(node.href) is not None)
    assert (
        sum(
            1
            for root in drawings
            for g in groups_with_class(root, "cmr-node")
            if "cmr-node--focus" in classes(g)
        )
        == 1
    )


# ---------------------------------------------------------------------------- #25: reading at a glance


def test_opposite_edges_of_one_kind_are_one_line_with_a_head_at_each_end():
    nodes = team(["A", "B", "C"])
    edges = [
        GraphEdge("a", "b", "to B", kind="handoff"),
        GraphEdge("b", "a", "back to A", kind="handoff"),
        GraphEdge("b", "c", kind="handoff"),
        GraphEdge("c", "b", kind="prose"),  # another kind: its own arrow
    ]
    (root,) = [parse(svg) for svg in render_graph(nodes, edges)]
    drawn = groups_with_class(root, "cmr-edge")
    lines = sorted((g.get("data-source"), g.get("data-target"), g.get("data-two-way")) for g in drawn)
    assert lines == [("a", "b", ""), ("b", "c", None), ("c", "b", None)]
    (pair,) = [g for g in drawn if g.get("data-two-way") is not None]
    assert "cmr-edge--both" in classes(pair)
    path = pair.find(SVG + "path")
    (marker,) = root.iter(SVG + "marker")
    # The shared head turns round at the start of the line; the group gives every line its end.
    assert marker.get("orient") == "auto-start-reverse"
    assert path.get("marker-start") == f"url(#{marker.get('id')})"
    tooltip = pair.find(SVG + "title").text
    assert "A \u2192 B (handoff): to B" in tooltip and "B \u2192 A (handoff): back to A" in tooltip


def test_hidden_kinds_are_drawn_outside_the_layout():
    nodes = team(["A", "B", "C", "D"])
    edges = [
        GraphEdge("a", "b", kind="handoff"),
        GraphEdge("b", "c", kind="handoff"),
        GraphEdge("c", "a", kind="prose"),
        GraphEdge("a", "d", kind="prose"),
        GraphEdge("d", "a", kind="prose"),
    ]
    assert kinds_hidden_by_default(edge.kind for edge in edges) == ("prose",)
    assert kinds_hidden_by_default(["prose"]) == ()  # nothing else to show: prose stays
    (root,) = [parse(svg) for svg in render_graph(nodes, edges, hidden_kinds=("prose",))]
    drawn = {(g.get("data-source"), g.get("data-target")): g for g in groups_with_class(root, "cmr-edge")}
    assert set(drawn) == {("a", "b"), ("b", "c"), ("c", "a"), ("a", "d")}
    unplaced = {pair for pair, g in drawn.items() if "cmr-edge--unplaced" in classes(g)}
    assert unplaced == {("c", "a"), ("a", "d")}
    assert drawn[("a", "d")].get("data-two-way") == ""
    # The boxes are placed for the handoffs alone: a, b, c one below the other.
    tops = {
        g.get("data-node"): float(g.find(f".//{SVG}rect").get("y"))
        for g in groups_with_class(root, "cmr-node")
    }
    assert tops["a"] < tops["b"] < tops["c"]
    entries = {entry["kind"]: entry["shown"] for entry in legend_entries(("prose",))}
    assert entries == {"handoff": True, "subagent": True, "prose": False}

"""The transition graph in a real browser: highlighting, selection, keyboard, pan and zoom,
label size on a phone, accessibility (axe-core) in both palettes, and screenshots.

The site is the registry's own ``chatmodes/`` folder plus one agent that hands off to a
VS Code built-in agent (a node without a page), built with the real plugin and served on
127.0.0.1. What a node should light up is computed from the built ``catalog.json``, never
from the drawing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser.test_catalog_browser import REPO_CHATMODES, THEME
from conftest import build, write_project

pytestmark = pytest.mark.browser

HELPER = (
    "---\ndescription: Hands over to VS Code's own agent.\nhandoffs:\n"
    "  - label: Let the agent do it\n    agent: agent\n---\n# Helper\n\nSwitch to **API Engineer** mode for APIs.\n"
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture(scope="module")
def graph_site(tmp_path_factory: pytest.TempPathFactory, serve_site_for_session) -> tuple[str, dict]:
    root = tmp_path_factory.mktemp("graph")
    site = root / "project" / "site"
    site.mkdir(parents=True)
    base_url = serve_site_for_session(site, "registry")
    modes: dict[str, str | bytes] = {p.name: p.read_bytes() for p in REPO_CHATMODES.glob("*.md")}
    modes["helper.agent.md"] = HELPER
    project = write_project(root / "project", modes, config={"site_url": base_url, "theme": THEME})
    result = build(project)
    assert result.ok, result.log
    return base_url, json.loads((site / "catalog.json").read_text(encoding="utf-8"))


#: The kinds of transition the graph page shows at first (prose mentions start hidden).
SHOWN_KINDS = frozenset({"handoff", "subagent"})


def neighbours(catalog: dict, slug: str, kinds: frozenset[str] | None = None) -> tuple[set[str], set[str]]:
    """(targets, sources) of ``slug`` by node id, from catalog.json (only transitions of
    ``kinds``, when given)."""
    targets: set[str] = set()
    sources: set[str] = set()
    for mode in catalog["chatmodes"]:
        for transition in mode["transitions"]:
            if kinds is not None and transition["via"] not in kinds:
                continue
            target = transition["target"] or f"builtin:{transition['text'].strip().lower()}"
            if mode["slug"] == slug:
                targets.add(target)
            if target == slug:
                sources.add(mode["slug"])
    return targets - {slug}, sources - {slug}


LIT = """svg => ({
  lit: svg.classList.contains('cmr-graph--lit'),
  nodes: [...svg.querySelectorAll('.cmr-node.cmr-is-lit')].map(g => g.dataset.node).sort(),
  edges: [...svg.querySelectorAll('.cmr-edge.cmr-is-lit')].map(g => g.dataset.source + '>' + g.dataset.target).sort(),
  dim: [...svg.querySelectorAll('.cmr-node:not(.cmr-is-lit), .cmr-edge:not(.cmr-is-lit)')]
        .map(g => +getComputedStyle(g).opacity),
  bright: [...svg.querySelectorAll('.cmr-is-lit')].map(g => +getComputedStyle(g).opacity),
})"""


def drawing(page):
    return page.locator("article .cmr-graphs--all svg.cmr-graph").first


def expected_light(catalog: dict, slug: str, page) -> tuple[list[str], list[str]]:
    """What lighting ``slug`` lights: its neighbours by the kinds shown, and its edges drawn."""
    targets, sources = neighbours(catalog, slug, SHOWN_KINDS)
    edges = drawing(page).evaluate(
        "svg => [...svg.querySelectorAll('.cmr-edge')].filter(g => g.getClientRects().length)"
        ".map(g => g.dataset.source + '>' + g.dataset.target)"
    )
    touching = sorted(e for e in edges if slug in e.split(">"))
    return sorted({slug} | targets | sources), touching


def assert_lit(page, catalog: dict, slug: str) -> None:
    page.wait_for_function(
        "slug => document.querySelector(`.cmr-node[data-node='${slug}']`).classList.contains('cmr-is-lit')",
        arg=slug,
    )
    page.wait_for_timeout(200)  # the opacity transition
    state = drawing(page).evaluate(LIT)
    nodes, edges = expected_light(catalog, slug, page)
    assert state["lit"] and state["nodes"] == nodes and state["edges"] == edges
    assert state["dim"] and max(state["dim"]) < 0.5
    assert min(state["bright"]) == 1


def test_hover_and_focus_light_a_node_its_edges_and_neighbours(page, watch, graph_site) -> None:
    base_url, catalog = graph_site
    page.goto(base_url + "catalog/graph/")
    node = page.locator(".cmr-node[data-node='software-architect']:visible")
    node.locator("rect").hover()
    assert_lit(page, catalog, "software-architect")
    page.mouse.move(1, 1)
    page.wait_for_function("!document.querySelector('svg.cmr-graph').classList.contains('cmr-graph--lit')")
    assert drawing(page).evaluate(LIT)["nodes"] == []
    # Focus does the same, for a linked node and for a node without a page.
    node.locator("a").focus()
    assert_lit(page, catalog, "software-architect")
    page.locator(".cmr-node[data-node='builtin:agent']:visible").focus()
    assert_lit(page, catalog, "builtin:agent")
    watch.assert_clean()


def test_click_selects_a_node_lists_its_neighbourhood_and_a_second_click_opens_it(
    page, watch, graph_site
) -> None:
    base_url, catalog = graph_site
    graph = base_url + "catalog/graph/"
    page.goto(graph)
    node = page.locator(".cmr-node[data-node='api-engineer']:visible a")
    node.click()
    assert page.url == graph
    expect(page.locator(".cmr-node[data-node='api-engineer']:visible")).to_have_class(
        re.compile(r"\bcmr-is-selected\b")
    )
    details = page.locator(".cmr-graph-details")
    expect(details).to_contain_text("Selected: API Engineer")
    names = {mode["slug"]: mode["name"] for mode in catalog["chatmodes"]}
    targets, sources = neighbours(catalog, "api-engineer")
    lists = details.locator("ul")
    assert sorted(lists.nth(0).locator("li").all_text_contents()) == sorted(names[s] for s in targets)
    assert sorted(lists.nth(1).locator("li").all_text_contents()) == sorted(names[s] for s in sources)
    # The selection stays lit when the pointer leaves.
    page.mouse.move(1, 1)
    assert_lit(page, catalog, "api-engineer")
    # Clicking the selected node opens its page.
    node.click()
    page.wait_for_url(base_url + "catalog/api-engineer/")
    expect(page.locator("article h1")).to_have_text("API Engineer")
    watch.assert_clean()


def test_every_graph_node_is_one_link_and_opens_its_chat_mode(page, watch, graph_site) -> None:
    base_url, catalog = graph_site
    graph = base_url + "catalog/graph/"
    page.goto(graph)
    nodes = page.locator("article .cmr-graphs--all svg a:visible")
    targets = nodes.evaluate_all(
        "links => links.map(a => new URL(a.href.baseVal ?? a.getAttribute('href'), location.href).href)"
    )
    assert sorted(targets) == sorted(base_url + entry["url"] for entry in catalog["chatmodes"])
    by_url = {base_url + entry["url"]: entry for entry in catalog["chatmodes"]}
    for index, target in enumerate(targets):
        nodes.nth(index).click()  # selects
        nodes.nth(index).click()  # opens
        page.wait_for_url(target)
        expect(page.locator("article h1")).to_have_text(by_url[target]["name"])
        page.go_back()
        page.wait_for_url(graph)
    watch.assert_clean()


def test_every_node_is_reached_and_selected_by_keyboard(page, watch, graph_site) -> None:
    base_url, catalog = graph_site
    page.goto(base_url + "catalog/graph/")
    all_nodes = sorted(
        drawing(page).evaluate("svg => [...svg.querySelectorAll('.cmr-node')].map(g => g.dataset.node)")
    )
    assert "builtin:agent" in all_nodes and len(all_nodes) == len(catalog["chatmodes"]) + 1
    page.locator(".cmr-graph-viewport").focus()
    reached = []
    focused = "() => document.activeElement.closest('.cmr-node')?.dataset.node ?? null"
    for _ in range(len(all_nodes)):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(focused))
    assert sorted(reached) == all_nodes
    # Arrow keys walk the nodes in reading order and stay on nodes.
    first = page.evaluate(focused)
    page.keyboard.press("Home")
    start = page.evaluate(focused)
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) not in (None, start)
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(focused) == start
    assert first is not None
    # Enter selects the focused node (a built-in agent's has no page), Escape clears.
    page.locator(".cmr-node[data-node='builtin:agent']:visible").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".cmr-graph-details")).to_contain_text("Selected: agent")
    expect(page.locator(".cmr-graph-details")).to_contain_text("Helper")
    page.keyboard.press("Escape")
    expect(page.locator(".cmr-graph-details")).to_be_empty()
    # Enter on a linked node selects it, and Enter again opens its page.
    link = page.locator(".cmr-node[data-node='helper']:visible a")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".cmr-graph-details")).to_contain_text("Selected: Helper")
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + "catalog/helper/")
    watch.assert_clean()


def test_zoom_buttons_wheel_keys_and_drag_pan(page, watch, graph_site) -> None:
    base_url, _ = graph_site
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "catalog/graph/")
    svg = drawing(page)
    natural = float(svg.get_attribute("width"))

    def width() -> float:
        return svg.evaluate("s => s.getBoundingClientRect().width")

    page.get_by_role("button", name="Actual size").click()
    assert width() == pytest.approx(natural, abs=1)
    for _ in range(4):
        page.get_by_role("button", name="Zoom in").click()
    assert width() == pytest.approx(natural * 1.25**4, abs=1)
    expect(page.locator(".cmr-graph-scale")).to_have_text("244%")
    # Drag the background to pan.
    viewport = page.locator(".cmr-graph-viewport")
    before = viewport.evaluate(
        "v => { v.scrollLeft = 0; v.scrollTop = 0; return [v.scrollLeft, v.scrollTop]; }"
    )
    viewport.evaluate("v => v.scrollIntoView()")
    box = viewport.bounding_box()
    start = (box["x"] + box["width"] - 40, box["y"] + 200)
    assert page.evaluate("([x, y]) => !document.elementFromPoint(x, y).closest('.cmr-node')", list(start)), (
        "the drag must start on the background"
    )
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] - 200, start[1] - 150, steps=5)
    page.mouse.up()
    after = viewport.evaluate("v => [v.scrollLeft, v.scrollTop]")
    assert after[0] > before[0] and after[1] > before[1]
    # Ctrl + wheel zooms out; the keyboard zooms the focused viewport.
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.keyboard.down("Control")
    page.mouse.wheel(0, 300)
    page.keyboard.up("Control")
    assert width() == pytest.approx(natural * 1.25**4 / 1.1, abs=1)
    viewport.focus()
    page.keyboard.press("0")
    assert width() == pytest.approx(natural, abs=1)
    page.keyboard.press("-")
    assert width() == pytest.approx(natural / 1.25, abs=1)
    watch.assert_clean()


LABEL_SIZES = """() => [...document.querySelectorAll('svg.cmr-graph .cmr-node text')]
  .filter(t => t.getClientRects().length)
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


@pytest.mark.parametrize("url", ["catalog/graph/", "catalog/software-architect/"])
def test_labels_are_at_least_12px_on_a_phone(browser, watch, graph_site, url: str) -> None:
    base_url, _ = graph_site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    watch.attach(context)
    try:
        page = context.new_page()
        page.goto(base_url + url)
        page.locator("svg.cmr-graph:visible").first.wait_for()
        sizes = page.evaluate(LABEL_SIZES)
        assert sizes and min(sizes) >= 12, sizes
        # The drawing scrolls inside its container instead of widening the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    watch.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_graph_page_has_no_serious_axe_violations(browser, watch, graph_site, scheme: str) -> None:
    base_url, _ = graph_site
    context = browser.new_context(color_scheme=scheme)
    watch.attach(context)
    try:
        page = context.new_page()
        page.goto(base_url + "catalog/graph/")
        expect(page.locator("body")).to_have_attribute(
            "data-md-color-scheme", "slate" if scheme == "dark" else "default"
        )
        # Also with a node selected: the details panel and the dimmed drawing are content too.
        page.locator(".cmr-node[data-node='api-engineer']:visible a").click()
        expect(page.locator(".cmr-graph-details")).to_contain_text("API Engineer")
        # The content area: the theme's own header and search are the same on every page.
        results = Axe().run(page, context={"include": [[".md-content"]]})
        serious = [
            (violation["id"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == []
    finally:
        context.close()
    watch.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 900), (390, 844)])
def test_graph_screenshots(browser, watch, graph_site, scheme: str, size: tuple[int, int]) -> None:
    """Screenshots of the graph page and a mode page's neighbourhood (saved, not committed)."""
    base_url, _ = graph_site
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    watch.attach(context)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        for url, name in [("catalog/graph/", "graph"), ("catalog/software-architect/", "neighbourhood")]:
            page.goto(base_url + url)
            page.locator("svg.cmr-graph:visible").first.hover()
            target = (
                page.locator(".cmr-graph-view")
                if name == "graph"
                else page.locator("svg.cmr-graph:visible").first
            )
            target.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"))
            assert (SCREENSHOTS / f"{name}-{width}-{scheme}.png").stat().st_size > 1000
    finally:
        context.close()
    watch.assert_clean()


# ---------------------------------------------------------------------------- #25: a graph that reads at a glance

NODE_BOXES = """() => [...document.querySelectorAll('article svg.cmr-graph .cmr-node rect')]
  .filter(r => r.getClientRects().length)
  .map(r => { const b = r.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; })"""

SHOWN_EDGES = """kind => [...document.querySelectorAll(`article svg.cmr-graph:not([hidden]) .cmr-edge--${kind}`)]
  .filter(g => g.closest('svg').getClientRects().length).map(g => getComputedStyle(g).display !== 'none')"""


def test_each_kind_in_the_key_is_a_toggle(page, watch, graph_site) -> None:
    """Prose mentions start hidden (there are handoffs); each key entry is a button that shows
    or hides its kind, by mouse and by keyboard."""
    base_url, _ = graph_site
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base_url + "catalog/graph/")
    key = page.get_by_role("list", name="Kinds of transition")
    prose = key.get_by_role("button", name="Named in the instructions")
    handoff = key.get_by_role("button", name="Handoff")
    expect(prose).to_have_attribute("aria-pressed", "false")
    expect(handoff).to_have_attribute("aria-pressed", "true")
    expect(key.get_by_role("button", name="Subagent")).to_have_attribute("aria-pressed", "true")
    prose_shown = page.evaluate(SHOWN_EDGES, "prose")
    assert prose_shown and not any(prose_shown)
    assert all(page.evaluate(SHOWN_EDGES, "handoff"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "graph-key-default-1280x800.png"))
    # A selected box lights its shown edges; showing prose lights its prose edges too.
    page.locator(".cmr-node[data-node='frontend-engineer']:visible a").click()
    lit_prose = "() => document.querySelectorAll('svg.cmr-graph .cmr-edge--prose.cmr-is-lit').length"
    lit_before = page.evaluate(lit_prose)
    prose.click()
    expect(prose).to_have_attribute("aria-pressed", "true")
    assert all(page.evaluate(SHOWN_EDGES, "prose"))
    assert lit_before == 0 and page.evaluate(lit_prose) > 0
    page.screenshot(path=str(SCREENSHOTS / "graph-key-prose-shown-1280x800.png"))
    handoff.focus()
    page.keyboard.press("Space")
    expect(handoff).to_have_attribute("aria-pressed", "false")
    assert not any(page.evaluate(SHOWN_EDGES, "handoff"))
    page.keyboard.press("Enter")
    expect(handoff).to_have_attribute("aria-pressed", "true")
    assert all(page.evaluate(SHOWN_EDGES, "handoff"))
    watch.assert_clean()


def test_a_mode_pages_neighbourhood_fits_a_phone_without_scrolling_sideways(
    browser, watch, graph_site
) -> None:
    """#25: on a phone (390×844) a mode page shows its neighbourhood folded to the column:
    every box and edge is inside the drawing's container, which has nothing to scroll
    sideways, and the labels stay at least 12 px tall."""
    base_url, _ = graph_site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    watch.attach(context)
    try:
        page = context.new_page()
        page.goto(base_url + "catalog/software-architect/")
        drawing = page.locator("article svg.cmr-graph:visible")
        expect(drawing).to_have_count(1)
        drawing.scroll_into_view_if_needed()
        container = page.locator("article .cmr-graphs").first
        overflow = container.evaluate("c => [c.scrollWidth, c.clientWidth]")
        assert overflow[0] <= overflow[1], overflow
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        frame = container.bounding_box()
        assert frame is not None
        boxes = page.evaluate(NODE_BOXES)
        assert len(boxes) >= 5
        for left, _top, right, _bottom in boxes:
            assert frame["x"] <= left and right <= frame["x"] + frame["width"], (left, right, frame)
        sizes = page.evaluate(LABEL_SIZES)
        assert sizes and min(sizes) >= 12, sizes
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "mode-neighbourhood-390x844.png"))
    finally:
        context.close()
    watch.assert_clean()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["1280x800", "390x844"])
def test_the_graph_fits_without_cutting_boxes(browser, watch, graph_site, size: tuple[int, int]) -> None:
    """At 1280×800 every box is on screen without scrolling; on a phone every box is inside
    the view's width (the page scrolls down, nothing is cut off at the side)."""
    base_url, catalog = graph_site
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    watch.attach(context)
    try:
        page = context.new_page()
        page.goto(base_url + "catalog/graph/")
        page.locator("svg.cmr-graph:visible").first.wait_for()
        boxes = page.evaluate(NODE_BOXES)
        assert len(boxes) == len(catalog["chatmodes"]) + 1  # the built-in agent too
        view = page.locator(".cmr-graph-viewport").bounding_box()
        assert view is not None
        for left, top, right, bottom in boxes:
            assert view["x"] <= left and right <= view["x"] + view["width"], (left, right, view)
            assert left >= 0 and right <= width
            if width >= 1280:
                assert top >= 0 and bottom <= height, (top, bottom)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"graph-fit-{width}x{height}.png"), full_page=width < 1280)
    finally:
        context.close()
    watch.assert_clean()

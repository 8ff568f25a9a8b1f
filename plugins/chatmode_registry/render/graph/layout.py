"""Layered (Sugiyama-style) layout of one connected component, linear in the edges drawn.

1. cycles are broken by turning a few edges round for layering (the fewer of a greedy
   feedback-arc-set ordering and the back edges of a depth-first search); those edges are
   still drawn in their real direction;
2. nodes get layers by longest path, and sources are pulled down next to their successors;
3. edges spanning several layers get invisible bend points ("dummies"), within a budget per
   edge: the edges past it are drawn as one direct curve;
4. a few sweeps of barycentre ordering reduce crossings (the best ordering seen is kept),
   then swaps that change no crossing put boxes in id order, so that one mode more moves
   only the boxes its edges pull;
5. layers wider than ``max_width`` are folded into staggered rows, so a 300-node catalog
   stays a readable page instead of a 15,000-pixel-wide strip;
6. boxes sit on a grid of equal cells, each row filled from the left, so adding a mode
   moves no box outside the row it joins (and none before it there).

Each step visits every vertex and edge segment a fixed number of times (counting crossings
adds a logarithmic factor); :attr:`LayeredLayout.work` counts those visits so tests can pin it.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence

# Geometry, in CSS pixels at the SVG's natural size.
NODE_HEIGHT = 30
NODE_PADDING_X = 10
NODE_MIN_WIDTH = 56
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
# Passes of adjacent swaps after each layer is sorted in a sweep (more passes were tried:
# swapping greedily against a layer that is about to move again did worse).
TRANSPOSE_PASSES = 1
# Passes of adjacent swaps over every layer of the ordering kept at the end.
FINAL_PASSES = 2
# Passes of crossing-neutral swaps towards id order at the end (stable layouts: see
# ``LayeredLayout._settle_by_id``).
SETTLE_PASSES = 4
LAYER_PASSES = 8


class LayeredLayout:
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
        # Crossings (between consecutive layers) of the first ordering and of the one kept.
        self.initial_crossings = 0
        self.final_crossings = 0
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
                for above, below in itertools.pairwise(chain):
                    self.down[above].append(below)
                    self.up[below].append(above)
            self.chains.append(chain)

    def is_bend(self, vertex: int) -> bool:
        """True for a bend point (not a real node)."""
        return vertex >= self.count

    # Step 4: crossing reduction. Sweeps go down then up; each sorts a layer by its
    # neighbours on the side just fixed (barycentre on the first pair of sweeps, median on the
    # next, alternating, since each escapes the other's local optima), then swaps adjacent
    # vertices while that removes crossings ("transpose"). The ordering with the fewest
    # crossings seen is kept. A sweep costs about the edge segments (a sort per layer and a
    # Fenwick-tree count), whatever the graph's shape.
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
        self.initial_crossings = best_crossings
        for sweep in range(ORDER_SWEEPS):
            if best_crossings == 0:
                break
            downwards = sweep % 2 == 0
            median = (sweep // 2) % 2 == 1
            levels = range(1, depth) if downwards else range(depth - 2, -1, -1)
            neighbours = self.up if downwards else self.down
            for level in levels:
                layers[level] = self._by_neighbours(layers[level], neighbours, position, median)
                for index, vertex in enumerate(layers[level]):
                    position[vertex] = index
                self._transpose(layers[level], position, TRANSPOSE_PASSES)
            crossings = self._crossings(layers, position)
            if crossings < best_crossings:
                best_crossings = crossings
                best = [list(members) for members in layers]
        # A last round of swaps on the kept ordering: each accepted swap removes crossings.
        for members in best:
            for index, vertex in enumerate(members):
                position[vertex] = index
        for _ in range(FINAL_PASSES):
            for members in best:
                self._transpose(members, position, 1)
        for members in best:
            self._settle_by_id(members, position)
        self.layers = best
        self.final_crossings = self._crossings(best, position)

    def _transpose(self, members: list[int], position: list[int], passes: int) -> None:
        """Swap neighbouring vertices of a layer while that removes crossings (both sides).

        At most ``passes`` passes; each compares every adjacent pair once, by merging
        their sorted neighbour positions, so a pass costs about the layer's edge segments.
        """
        for _ in range(passes):
            improved = False
            for index in range(len(members) - 1):
                left, right = members[index], members[index + 1]
                kept = self._pair_crossings(left, right, position)
                swapped = self._pair_crossings(right, left, position)
                if swapped < kept:
                    members[index], members[index + 1] = right, left
                    position[left], position[right] = index + 1, index
                    improved = True
            if not improved:
                break

    def _settle_by_id(self, members: list[int], position: list[int]) -> None:
        """Swap neighbours into id order (the nodes' sorted ids) where the swap changes no
        crossing, for at most :data:`SETTLE_PASSES` passes.

        Of the many orderings with the same crossings, this picks the one nearest to id order,
        so adding a mode moves only the boxes its edges pull: the others keep their order.
        """
        for _ in range(SETTLE_PASSES):
            moved = False
            for index in range(len(members) - 1):
                left, right = members[index], members[index + 1]
                if right >= self.count or left >= self.count or right > left:
                    continue  # bend points stay where the crossings put them
                if self._pair_crossings(right, left, position) == self._pair_crossings(left, right, position):
                    members[index], members[index + 1] = right, left
                    position[left], position[right] = index + 1, index
                    moved = True
            if not moved:
                break

    def _pair_crossings(self, left: int, right: int, position: list[int]) -> int:
        """Crossings between the edges of ``left`` and ``right`` if ``left`` comes first."""
        total = 0
        for side in (self.up, self.down):
            first = sorted(position[other] for other in side[left])
            second = sorted(position[other] for other in side[right])
            self.work += 2 + len(first) + len(second)
            # For each edge of ``left``, the edges of ``right`` ending strictly before it cross.
            before = 0
            for value in first:
                while before < len(second) and second[before] < value:
                    before += 1
                total += before
        return total

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

    def _by_neighbours(
        self, members: list[int], neighbours: list[list[int]], position: list[int], median: bool
    ) -> list[int]:
        """``members`` sorted by the mean (or median) position of their neighbours; a vertex
        without neighbours on that side keeps its slot."""
        keyed = []
        result: list[int | None] = [None] * len(members)
        for index, vertex in enumerate(members):
            linked = neighbours[vertex]
            self.work += 1 + len(linked)
            if linked and median:
                ordered = sorted(position[other] for other in linked)
                middle = len(ordered) // 2
                key = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
                keyed.append((float(key), index, vertex))
            elif linked:
                keyed.append((sum(position[other] for other in linked) / len(linked), index, vertex))
            else:
                result[index] = vertex
        keyed.sort()
        movable = iter(vertex for _, _, vertex in keyed)
        return [vertex if vertex is not None else next(movable) for vertex in result]

    def _crossings(self, layers: list[list[int]], position: list[int]) -> int:
        """Edge crossings between consecutive layers (inversions, counted with a Fenwick tree)."""
        total = 0
        for members, below in itertools.pairwise(layers):
            sequence = []
            for vertex in members:
                sequence.extend(sorted(position[other] for other in self.down[vertex]))
            tree = [0] * (len(below) + 1)
            # Each entry walks the tree twice, up to its depth.
            self.work += len(members) + len(sequence) * 2 * max(1, len(below).bit_length())
            for seen, value in enumerate(sequence):
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
        return total

    # Step 5: a layer whose boxes need more than max_width on the grid (step 6) is folded into
    # k rows, its i-th box going to row i % k (a bend point to the row of the box after it):
    # left-to-right order is kept, rows are staggered, and edges dropping to a lower row tend
    # to pass between the boxes of the rows above.
    def _fold_wide_layers(self) -> None:
        self.row = [0] * len(self.layer)
        self.rows_in_layer = []
        per_row = max(1, int((self.max_width + NODE_GAP) // self.pitch))
        for members in self.layers:
            boxes = sum(1 for vertex in members if not self.is_bend(vertex))
            rows = max(1, math.ceil(boxes / per_row))
            self.rows_in_layer.append(rows)
            seen = 0
            for vertex in members:
                self.row[vertex] = seen % rows
                if not self.is_bend(vertex):
                    seen += 1

    def _pad(self, vertex: int) -> float:
        """Room kept to the right of a node for its self-loop."""
        return LOOP_EXTENT if vertex in self.loops else 0.0

    def _rows(self, level: int) -> list[list[int]]:
        """The rows of one layer, each in left-to-right order."""
        rows: list[list[int]] = [[] for _ in range(self.rows_in_layer[level])]
        for vertex in self.layers[level]:
            rows[self.row[vertex]].append(vertex)
        return rows

    # Step 6: x coordinates on a grid. Every box of a drawing gets a cell of the same width
    # (the widest box's), cells a gap apart, and each row fills its cells from the left in its
    # order; bend points run down the gap before the cell of the box that follows them. A box's
    # place thus depends only on its row, the boxes before it in that row and the widest box:
    # a mode added at the end of a row, or in a row of its own, moves no other box (#25).
    # (Least squares towards neighbours, used before, gave straighter edges but moved every
    # box of a drawing when one was added. Cells under the leftmost neighbour above kept 14 of
    # the registry's 24 one-mode additions in place, against 8, but drew it too wide for a
    # 1280 px screen.)
    def _assign_x(self) -> None:
        self.x = [0.0] * len(self.layer)
        pitch = self.pitch
        rows = [row for level in range(len(self.layers)) for row in self._rows(level)]
        columns = max(sum(1 for vertex in row if not self.is_bend(vertex)) for row in rows)
        self.width = 2 * MARGIN + max(columns, 1) * pitch - NODE_GAP
        for row in rows:
            self.work += len(row)
            slot = 0
            waiting: list[int] = []
            for vertex in row:
                if self.is_bend(vertex):
                    waiting.append(vertex)
                    continue
                self._place_bends(waiting, slot)
                waiting = []
                self.x[vertex] = MARGIN + slot * pitch + (pitch - NODE_GAP - self._pad(vertex)) / 2
                slot += 1
            self._place_bends(waiting, slot)

    @property
    def pitch(self) -> float:
        """The distance from one grid cell to the next: the widest box (with its self-loop)
        and a gap."""
        real = range(self.count)
        return max((self.widths[v] + self._pad(v) for v in real), default=NODE_MIN_WIDTH) + NODE_GAP

    def _place_bends(self, bends: list[int], slot: int) -> None:
        """Spread bend points over the gap before grid cell ``slot`` (the margin, at either end
        of the widest row)."""
        if not bends:
            return
        low = max(MARGIN + slot * self.pitch - NODE_GAP, 2.0)
        high = min(MARGIN + slot * self.pitch, self.width - 2.0)
        spacing = min(BEND_GAP, (high - low) / len(bends))
        middle = (low + high) / 2
        for index, vertex in enumerate(bends):
            self.x[vertex] = middle + (index - (len(bends) - 1) / 2) * spacing

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

    # Edge routes: drawn after positions are known.
    def routes(self) -> list[list[tuple[tuple[float, float], ...]]]:
        """Each edge's path, as segments (2 points: a line, 4: a cubic curve), from its
        real source to its real target.

        The edges leaving a box's bottom (or entering its top) are spread along it, sorted
        by where their other end is, so parallel edges and two-way pairs stay apart.
        """
        bottom_port: dict[tuple[int, int], float] = {}
        top_port: dict[tuple[int, int], float] = {}
        leaving: dict[int, list[tuple[float, int]]] = {}
        entering: dict[int, list[tuple[float, int]]] = {}
        for edge_index, chain in enumerate(self.chains):
            for above, below in itertools.pairwise(chain):
                leaving.setdefault(above, []).append((self.x[below], edge_index))
                entering.setdefault(below, []).append((self.x[above], edge_index))
        for side, ports in ((leaving, bottom_port), (entering, top_port)):
            for vertex, ends in side.items():
                ends.sort()
                spacing = 0.0
                if len(ends) > 1 and not self.is_bend(vertex):
                    spacing = min(10.0, self.widths[vertex] * 0.7 / (len(ends) - 1))
                for slot, (_, edge_index) in enumerate(ends):
                    ports[(edge_index, vertex)] = self.x[vertex] + (slot - (len(ends) - 1) / 2) * spacing

        result = []
        for edge_index, chain in enumerate(self.chains):
            segments: list[tuple[tuple[float, float], ...]] = []
            for above, below in itertools.pairwise(chain):
                start_x = bottom_port[(edge_index, above)]
                end_x = top_port[(edge_index, below)]
                start_y = self.top[above] + (0 if self.is_bend(above) else NODE_HEIGHT)
                exit_y = self.layer_bottom[self.layer[above]]
                if exit_y > start_y:
                    segments.append(((start_x, start_y), (start_x, exit_y)))
                entry_y = self.layer_top[self.layer[below]]
                middle = (exit_y + entry_y) / 2
                segments.append(((start_x, exit_y), (start_x, middle), (end_x, middle), (end_x, entry_y)))
                end_y = self.top[below]
                if end_y > entry_y:
                    segments.append(((end_x, entry_y), (end_x, end_y)))
            if self.reversed[edge_index]:
                # Drawn from the real source (the lower box) up to the real target.
                segments = [tuple(reversed(segment)) for segment in reversed(segments)]
            result.append(segments)
        return result

    def loop_route(self, vertex: int) -> list[tuple[tuple[float, float], ...]]:
        """A self-loop on the right-hand side of a box."""
        right = self.x[vertex] + self.widths[vertex] / 2
        top = self.top[vertex]
        return [
            (
                (right, top + 9),
                (right + LOOP_EXTENT, top - 6),
                (right + LOOP_EXTENT, top + NODE_HEIGHT + 6),
                (right, top + NODE_HEIGHT - 9),
            ),
        ]

"""Left-to-right layered layout of a job's task graph, in pure Python (Sugiyama-style):
node positions, and routes that keep long edges off the tasks they pass.

Why here and not in the browser: cytoscape-dagre needs 16 s and ELK 3.7 s for a 1000-task /
1500-edge job in headless Chromium, both blocking the page; this takes about 30 ms
(bench/bench_layout.py), and the canvas then only draws preset positions.

The steps, per connected part of the graph:

1. Cycles are broken by reversing the back edges of a depth-first search (the editor also shows
   invalid jobs, so a cycle must never hang or drop a task).
2. Layers: longest path from the sources, then a task with more dependents than dependencies
   moves right next to its nearest dependent (shorter edges, e.g. a setup task feeding a late
   step).
3. Edges longer than one layer get invisible "dummy" points in the layers they cross, within a
   budget, so crossing reduction and placement keep room for them.
4. Crossing reduction: a few barycenter sweeps down and up the layers; the order with the fewest
   crossings seen is kept.
5. Coordinates: x from the layer (a layer too tall for the drawing wraps into several columns),
   y by aligning each task with the median of its neighbours under "no overlap, keep the
   order" constraints (weighted isotonic regression, a few sweeps); then a task with a single
   neighbour on a side snaps level with it when there is room (no 3 px steps), and the dummies
   of each long edge are put at one height (one straight run instead of a jog per layer).
6. Routes: a long edge runs horizontally at the height of its dummies and turns only in the
   gaps between layers, so it never crosses a task.

Then the parts are packed in rows, biggest first; tasks with no dependency at all go into one
grid, so a job of 1000 independent tasks is a readable block instead of a 1000-high column.

Everything is deterministic: ties go by task_key in natural order ("t2" before "t10"), and the
input order of tasks and edges does not matter. Results are cached by graph structure.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_PARAMS",
    "Layout",
    "LayoutParams",
    "Position",
    "Route",
    "clear_cache",
    "compute_layout",
    "layered_layout",
    "layered_positions",
]

Position = tuple[float, float]
"""A point in pixels (a node's position is the centre of its box); y grows downwards."""

Route = tuple[Position, ...]
"""The bends of an edge, from its source to its target: it leaves the source horizontally, runs
through these points with horizontal and vertical segments, and enters the target horizontally.
Empty for a straight horizontal edge."""


@dataclass(frozen=True)
class Layout:
    positions: dict[str, Position]
    """The centre of every node."""
    routes: dict[tuple[str, str], Route]
    """Per drawn edge ``(upstream, downstream)``, the bends that keep it off other nodes:
    vertical segments lie in the gaps between layers, horizontal ones run at the height of the
    room kept for the edge in every layer it crosses. Edges without a route (in a wrapped layer,
    or too long for the budget) are best drawn straight."""


@dataclass(frozen=True)
class LayoutParams:
    """Sizes and spacing, in pixels."""

    node_width: float = 150.0
    """Width of a node whose width is not given."""
    node_height: float = 44.0
    layer_gap: float = 80.0
    """Horizontal space between layers: room for arrows and outcome labels."""
    node_gap: float = 20.0
    """Vertical space between two nodes of a layer."""
    column_gap: float = 40.0
    """Horizontal space between the columns of a wrapped layer, and of the independent grid."""
    part_gap: float = 60.0
    """Space between unconnected parts of the graph."""
    aspect: float = 2.0
    """Width / height aimed at when packing parts and wrapping tall layers (a notebook cell is
    wider than tall)."""
    min_rows: int = 10
    """A layer is never wrapped into columns shorter than this."""
    sweeps: int = 4
    """Rounds of crossing reduction (each one sweep down and one up)."""
    placement_rounds: int = 4
    """Rounds of y alignment (each one sweep down and one up)."""


DEFAULT_PARAMS = LayoutParams()

# Dummy points per real node at most: a 1000-task chain with edges jumping across it could
# otherwise need hundreds of thousands. Edges beyond the budget (the longest) still count for
# placement, just not for crossing reduction.
_DUMMY_BUDGET_PER_NODE = 4
_DUMMY_BUDGET_MIN = 500
# A node with no neighbour on the side looked at barely resists being moved.
_FREE_WEIGHT = 1e-3
# Dummy points pull harder than nodes: straight long edges read better than perfectly centred
# short ones.
_DUMMY_WEIGHT = 2.0

_CACHE_SIZE = 32
_cache: OrderedDict[bytes, Layout] = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the cached layouts (benchmarks use it to time the cold path)."""
    with _cache_lock:
        _cache.clear()


def _natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """ "t2" before "t10"; the text itself breaks ties such as "t01" / "t1"."""
    parts = re.split(r"(\d+)", text)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text


def layered_positions(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    widths: Mapping[str, float] | None = None,
    params: LayoutParams = DEFAULT_PARAMS,
    previous: Mapping[str, Position] | None = None,
) -> dict[str, Position]:
    """The centre of every node, laid out left to right along the edges ``(upstream,
    downstream)``: :func:`layered_layout` without the edge routes."""
    return layered_layout(nodes, edges, widths=widths, params=params, previous=previous).positions


def layered_layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    widths: Mapping[str, float] | None = None,
    params: LayoutParams = DEFAULT_PARAMS,
    previous: Mapping[str, Position] | None = None,
) -> Layout:
    """Node positions and edge routes, left to right along the edges ``(upstream,
    downstream)``.

    Duplicate nodes count once; edges to or from a node not in ``nodes``, self loops and
    duplicate edges are ignored. ``widths`` gives a node's box width (``params.node_width``
    otherwise); every box is ``params.node_height`` high. The drawing's top left corner is at
    (0, 0).

    ``previous`` (optional) holds positions from an earlier drawing: crossing reduction then
    starts from their vertical order and keeps it unless another order crosses less, so a small
    edit does not reshuffle the graph. Layouts are cached by structure (tasks, edges, widths
    and parameters), ``previous`` or not: a structure drawn before is drawn the same again, so
    an edit that changes no task or edge, or an undo, keeps the drawing and is nearly free.
    """
    keys = sorted(set(nodes), key=_natural_key)
    index = {key: i for i, key in enumerate(keys)}
    edge_set: set[tuple[int, int]] = set()
    for upstream, downstream in edges:
        u, v = index.get(upstream), index.get(downstream)
        if u is not None and v is not None and u != v:
            edge_set.add((u, v))
    edge_list = sorted(edge_set)
    width_list = [
        float(widths.get(key, params.node_width)) if widths else params.node_width for key in keys
    ]

    cache_key = _structure_key(keys, edge_list, width_list, params)
    with _cache_lock:
        hit = _cache.get(cache_key)
        if hit is not None:
            _cache.move_to_end(cache_key)
            return _copy(hit)

    prev_y = None
    if previous is not None:
        prev_y = [previous[k][1] if k in previous else None for k in keys]
    xs, ys, routes = compute_layout(len(keys), edge_list, width_list, params, prev_y)
    result = Layout(
        {key: (xs[i], ys[i]) for i, key in enumerate(keys)},
        {(keys[u], keys[v]): route for (u, v), route in routes.items()},
    )
    with _cache_lock:
        _cache[cache_key] = result
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return _copy(result)


def _copy(layout: Layout) -> Layout:
    """A copy the caller may change without changing the cache (routes are tuples)."""
    return Layout(dict(layout.positions), dict(layout.routes))


def _structure_key(
    keys: list[str], edges: list[tuple[int, int]], widths: list[float], params: LayoutParams
) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr(params).encode())
    digest.update("\0".join(keys).encode("utf-8", "surrogatepass"))
    digest.update(b"\1")
    digest.update(repr(edges).encode())
    digest.update(repr(widths).encode())
    return digest.digest()


# --- the whole graph: parts, then packing ----------------------------------------------------


@dataclass
class _Block:
    """A laid-out part: node indices with positions relative to its own top left corner."""

    members: list[int]
    xs: list[float]
    ys: list[float]
    width: float
    height: float
    routes: dict[tuple[int, int], list[Position]]
    """By (upstream, downstream) node index."""


def compute_layout(
    n: int,
    edges: list[tuple[int, int]],
    widths: list[float],
    params: LayoutParams,
    prev_y: list[float | None] | None,
) -> tuple[list[float], list[float], dict[tuple[int, int], Route]]:
    """`layered_layout` of nodes numbered 0 to n - 1, without the cache: each node's x and y,
    and the edge routes by (upstream, downstream) index."""
    # Connected parts (union-find); lowest index as the representative keeps them ordered.
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    part_edges: dict[int, list[tuple[int, int]]] = {}
    for u, v in edges:
        part_edges.setdefault(find(u), []).append((u, v))

    blocks: list[_Block] = []
    isolated: list[int] = []
    for root, members in groups.items():
        if len(members) == 1:
            isolated.append(members[0])
        else:
            blocks.append(_layout_part(members, part_edges[root], widths, params, prev_y))
    # The biggest part first (top left); equal sizes by their first task_key.
    blocks.sort(key=lambda b: (-len(b.members), b.members[0]))
    if isolated:
        widest = max((b.width for b in blocks), default=0.0)
        blocks.append(_grid(isolated, widths, params, widest))

    xs = [0.0] * n
    ys = [0.0] * n
    routes: dict[tuple[int, int], Route] = {}
    for block, (left, top) in zip(blocks, _pack(blocks, params), strict=True):
        for i, node in enumerate(block.members):
            xs[node] = left + block.xs[i]
            ys[node] = top + block.ys[i]
        for edge, points in block.routes.items():
            routes[edge] = tuple((left + x, top + y) for x, y in points)
    return xs, ys, routes


def _grid(members: list[int], widths: list[float], params: LayoutParams, widest: float) -> _Block:
    """Tasks without dependencies, row by row in task_key order, in cells of equal width."""
    cell_w = max(widths[i] for i in members)
    step_x = cell_w + params.column_gap
    step_y = params.node_height + params.node_gap
    count = len(members)
    columns = math.ceil(math.sqrt(count * params.aspect * step_y / step_x))
    # Under a wider graph, use its width rather than stacking a few tasks in a tall grid.
    columns = max(columns, int((widest + params.column_gap) // step_x))
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    xs = [(i % columns) * step_x + cell_w / 2 for i in range(count)]
    ys = [(i // columns) * step_y + params.node_height / 2 for i in range(count)]
    return _Block(
        members, xs, ys, columns * step_x - params.column_gap, rows * step_y - params.node_gap, {}
    )


def _pack(blocks: list[_Block], params: LayoutParams) -> list[Position]:
    """Top left corners of the blocks, placed in rows (shelves) of a width that gives the whole
    drawing about the wanted aspect ratio."""
    gap = params.part_gap
    area = sum((b.width + gap) * (b.height + gap) for b in blocks)
    shelf_width = max([math.sqrt(area * params.aspect)] + [b.width for b in blocks])
    corners: list[Position] = []
    left = top = shelf_height = 0.0
    for block in blocks:
        if left > 0 and left + block.width > shelf_width:
            left, top, shelf_height = 0.0, top + shelf_height + gap, 0.0
        corners.append((left, top))
        left += block.width + gap
        shelf_height = max(shelf_height, block.height)
    return corners


# --- one connected part ------------------------------------------------------------------------


def _layout_part(
    members: list[int],
    edges: list[tuple[int, int]],
    widths: list[float],
    params: LayoutParams,
    prev_y: list[float | None] | None,
) -> _Block:
    n = len(members)
    local = {node: i for i, node in enumerate(members)}  # members are ascending: order kept
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succ[local[u]].append(local[v])  # edges are sorted, so each list is ascending

    order, dag = _break_cycles(succ)
    layer = _assign_layers(n, order, dag)

    # Items: the real nodes 0..n-1, then dummy points on long edges.
    item_layer = list(layer)
    up: list[list[int]] = [[] for _ in range(n)]  # neighbours one layer to the left
    down: list[list[int]] = [[] for _ in range(n)]  # ... and one layer to the right
    far: list[tuple[int, int]] = []  # long edges over the dummy budget
    chains: dict[tuple[int, int], list[int]] = {}  # the dummies of each edge of `dag`
    budget = max(_DUMMY_BUDGET_MIN, _DUMMY_BUDGET_PER_NODE * n)
    long_edges = sorted((layer[v] - layer[u], u, v) for u in range(n) for v in dag[u])
    for span, u, v in long_edges:
        if span == 1:
            down[u].append(v)
            up[v].append(u)
            chains[u, v] = []
        elif span - 1 <= budget:
            budget -= span - 1
            chain = chains[u, v] = []
            prev = u
            for lay in range(layer[u] + 1, layer[v]):
                dummy = len(item_layer)
                chain.append(dummy)
                item_layer.append(lay)
                up.append([prev])
                down.append([])
                down[prev].append(dummy)
                prev = dummy
            down[prev].append(v)
            up[v].append(prev)
        else:
            far.append((u, v))

    layers: list[list[int]] = [[] for _ in range(max(layer) + 1)]
    for item, lay in enumerate(item_layer):
        layers[lay].append(item)
    if prev_y is not None:
        hint = [prev_y[members[i]] for i in range(n)]

        def earlier(item: int) -> tuple[int, float, int]:
            """Known nodes in their earlier order; new nodes and dummies after them."""
            y = hint[item] if item < n else None
            return (0, y, item) if y is not None else (1, 0.0, item)

        for items in layers:
            items.sort(key=earlier)
    layers = _reduce_crossings(layers, up, down, params.sweeps)

    item_width = [widths[members[i]] for i in range(n)] + [0.0] * (len(item_layer) - n)
    item_height = [params.node_height] * n + [0.0] * (len(item_layer) - n)
    long_chains = [[a, *dummies, b] for (a, b), dummies in chains.items() if dummies]
    xs, ys, gap_x, wrapped = _coordinates(
        layers, up, down, far, long_chains, item_width, item_height, n, params
    )

    # Dummies count: an edge may run above or below every task, and must stay in the box.
    top = min(ys[i] - item_height[i] / 2 for i in range(len(ys)))
    bottom = max(ys[i] + item_height[i] / 2 for i in range(len(ys)))
    right = max(xs[i] + item_width[i] / 2 for i in range(n))

    # Routes, for the edges as given (a reversed one runs its route backwards).
    routes: dict[tuple[int, int], list[Position]] = {}
    for u, v in edges:
        a, b = local[u], local[v]
        reverse = (a, b) not in chains
        if reverse:
            a, b = b, a
        dummies = chains.get((a, b))
        if dummies is None or any(wrapped[item_layer[i]] for i in (a, *dummies, b)):
            continue  # over the dummy budget, or through a wrapped layer: drawn straight
        points: list[Position] = []
        y_before = ys[a]
        for step, item in enumerate([*dummies, b]):
            # Turn in the gap before each layer whose room for the edge is at another height.
            # (Less than half a pixel is no turn: the edge stays at its level, no drift.)
            if abs(ys[item] - y_before) > 0.5:
                x = gap_x[layer[a] + step]
                points += [(x, y_before - top), (x, ys[item] - top)]
                y_before = ys[item]
        routes[u, v] = points[::-1] if reverse else points
    return _Block(members, xs[:n], [y - top for y in ys[:n]], right, bottom - top, routes)


def _break_cycles(succ: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """A topological order and the edges of an acyclic graph: ``succ`` with the back edges of an
    iterative depth-first search (in index order) reversed. Deterministic, never recursive."""
    n = len(succ)
    state = [0] * n  # 0 unseen, 1 on the stack, 2 done
    dag: list[set[int]] = [set() for _ in range(n)]
    finished: list[int] = []
    for root in range(n):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            v, successors = stack[-1]
            for w in successors:
                if state[w] == 1:
                    dag[w].add(v)  # back edge: reversed
                else:
                    dag[v].add(w)
                    if state[w] == 0:
                        state[w] = 1
                        stack.append((w, iter(succ[w])))
                        break
            else:
                state[v] = 2
                finished.append(v)
                stack.pop()
    # Reverse finishing order is topological for the kept and the reversed edges alike.
    finished.reverse()
    return finished, [sorted(s) for s in dag]


def _assign_layers(n: int, order: list[int], dag: list[list[int]]) -> list[int]:
    preds: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for v in dag[u]:
            preds[v].append(u)
    layer = [0] * n
    for v in order:  # longest path from the sources
        if preds[v]:
            layer[v] = max(layer[u] for u in preds[v]) + 1
    for v in reversed(order):
        # More dependents than dependencies: moving right shortens more edges than it stretches.
        if dag[v] and len(dag[v]) > len(preds[v]):
            layer[v] = min(layer[w] for w in dag[v]) - 1
    # Moves can empty layers: close the gaps (edges keep pointing right).
    used = sorted(set(layer))
    renumber = {lay: i for i, lay in enumerate(used)}
    return [renumber[lay] for lay in layer]


def _crossings(layers: list[list[int]], down: list[list[int]], rank: list[int]) -> int:
    """Edge crossings between consecutive layers: inversions counted with a Fenwick tree."""
    total = 0
    for lay in range(len(layers) - 1):
        size = len(layers[lay + 1])
        tree = [0] * (size + 1)
        seen = 0
        for item in layers[lay]:
            near = down[item]
            targets = [rank[near[0]]] if len(near) == 1 else sorted(rank[w] for w in near)
            for r in targets:
                # Edges seen so far that end below r cross this one.
                i = r + 1
                while i > 0:
                    total -= tree[i]
                    i -= i & -i
                total += seen
            for r in targets:
                i = r + 1
                while i <= size:
                    tree[i] += 1
                    i += i & -i
            seen += len(targets)
    return total


def _reduce_crossings(
    layers: list[list[int]], up: list[list[int]], down: list[list[int]], sweeps: int
) -> list[list[int]]:
    items = len(up)
    rank = [0] * items
    fraction = [0.0] * items  # rank scaled to (0, 1): comparable between layers of any size

    def index(lay: list[int]) -> None:
        scale = 1.0 / len(lay)
        for r, item in enumerate(lay):
            rank[item] = r
            fraction[item] = (r + 0.5) * scale

    for lay in layers:
        index(lay)
    best = [list(lay) for lay in layers]
    best_crossings = _crossings(layers, down, rank)
    if best_crossings == 0:
        return best

    def sweep(sequence: Iterable[int], neighbours: list[list[int]]) -> None:
        for lay_index in sequence:
            lay = layers[lay_index]
            keys = {}
            for item in lay:
                near = neighbours[item]
                own = fraction[item]
                centre = sum(fraction[w] for w in near) / len(near) if near else own
                keys[item] = (centre, own)
            lay.sort(key=keys.__getitem__)
            index(lay)

    depth = len(layers)
    for _ in range(sweeps):
        improved = False
        for sequence, neighbours in (
            (range(1, depth), up),
            (range(depth - 2, -1, -1), down),
        ):
            sweep(sequence, neighbours)
            crossings = _crossings(layers, down, rank)
            if crossings < best_crossings:
                best_crossings = crossings
                best = [list(lay) for lay in layers]
                improved = True
        if best_crossings == 0 or not improved:
            break
    return best


def _rows_per_column(layers: list[list[int]], widths: list[float], params: LayoutParams) -> int:
    """How many items a layer holds before it wraps into another column: the largest count that
    keeps the part no taller than wide (at least ``params.min_rows``)."""
    tallest = max(len(lay) for lay in layers)
    if tallest <= params.min_rows:
        return tallest
    step_y = params.node_height + params.node_gap
    layer_widths = [max((widths[i] for i in lay), default=0.0) for lay in layers]

    def fits(rows: int) -> bool:
        width = sum(
            math.ceil(len(lay) / rows) * (w + params.column_gap) - params.column_gap
            for lay, w in zip(layers, layer_widths, strict=True)
        ) + params.layer_gap * (len(layers) - 1)
        return min(rows, tallest) * step_y <= width

    if fits(tallest):
        return tallest
    low, high = params.min_rows, tallest  # fits(low) is assumed; fits(high) is false
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def _coordinates(
    layers: list[list[int]],
    up: list[list[int]],
    down: list[list[int]],
    far: list[tuple[int, int]],
    long_chains: list[list[int]],
    width: list[float],
    height: list[float],
    real: int,
    params: LayoutParams,
) -> tuple[list[float], list[float], list[float], list[bool]]:
    """x and y of every item; the x in the middle of the gap after each layer; whether a layer
    is wrapped into several columns."""
    # Imported by the first layout rather than with the editor: only medians need it.
    import statistics

    items = len(width)
    xs = [0.0] * items
    ys = [0.0] * items
    rows = _rows_per_column(layers, width, params)

    # x: layers left to right; a wrapped layer is several columns of `rows` items.
    left = 0.0
    wrapped = [False] * len(layers)
    gap_x = [0.0] * len(layers)
    for lay_index, lay in enumerate(layers):
        column_width = max(width[i] for i in lay)
        columns = math.ceil(len(lay) / rows)
        wrapped[lay_index] = columns > 1
        for r, item in enumerate(lay):
            xs[item] = left + (r // rows) * (column_width + params.column_gap) + column_width / 2
        left += columns * (column_width + params.column_gap) - params.column_gap
        gap_x[lay_index] = left + params.layer_gap / 2
        left += params.layer_gap

    # y: gaps between neighbours in a layer; dummies (edges) need less room than nodes.
    gap_after: list[list[float]] = []
    for lay in layers:
        gaps = []
        for a, b in itertools.pairwise(lay):
            both_real = a < real and b < real
            gap = params.node_gap if both_real else params.node_gap / 2
            gaps.append((height[a] + height[b]) / 2 + gap)
        gap_after.append(gaps)

    step_y = params.node_height + params.node_gap
    for lay_index, lay in enumerate(layers):
        if wrapped[lay_index]:
            for r, item in enumerate(lay):
                ys[item] = (r % rows) * step_y
            continue
        y = 0.0
        for r, item in enumerate(lay):
            ys[item] = y
            if r < len(lay) - 1:
                y += gap_after[lay_index][r]
        for item in lay:  # centred on 0
            ys[item] -= y / 2

    # Neighbours to align with, looking left, right and both ways. Long edges over the dummy
    # budget count too: they still pull their ends together.
    left_of = [list(near) for near in up]
    right_of = [list(near) for near in down]
    for u, v in far:
        right_of[u].append(v)
        left_of[v].append(u)
    # A task lines up with the tasks next to it, not with the long edges passing by (unless it
    # has only those): a chain stays straight and the long edge bends around it.
    for sides in (left_of, right_of):
        for item in range(real):
            tasks = [w for w in sides[item] if w < real]
            if tasks:
                sides[item] = tasks
    both = [a + b for a, b in zip(left_of, right_of, strict=True)]
    pull = [1.0] * real + [_DUMMY_WEIGHT] * (items - real)

    def align(lay_index: int, neighbours: list[list[int]]) -> None:
        lay = layers[lay_index]
        targets = []
        weights = []
        for item in lay:
            near = neighbours[item]
            if len(near) == 1:
                targets.append(ys[near[0]])
                weights.append(pull[item])
            elif near:
                values = [ys[w] for w in near]
                targets.append(
                    statistics.median(values) if len(values) > 2 else (values[0] + values[1]) / 2
                )
                weights.append(pull[item])
            else:
                targets.append(ys[item])
                weights.append(_FREE_WEIGHT)
        for item, y in zip(lay, _isotonic(targets, weights, gap_after[lay_index]), strict=True):
            ys[item] = y

    movable = [i for i in range(len(layers)) if not wrapped[i]]
    for _ in range(params.placement_rounds):
        for lay_index in movable:
            align(lay_index, left_of)
        for lay_index in reversed(movable):
            align(lay_index, right_of)
    for lay_index in movable:
        align(lay_index, both)
    item_layer = [0] * items
    for lay_index, lay in enumerate(layers):
        for item in lay:
            item_layer[item] = lay_index
    _snap(layers, movable, left_of, right_of, ys, gap_after, params.node_height / 2)
    _straighten(layers, long_chains, ys, gap_after, wrapped, item_layer)
    return xs, ys, gap_x, wrapped


def _snap(
    layers: list[list[int]],
    movable: list[int],
    left_of: list[list[int]],
    right_of: list[list[int]],
    ys: list[float],
    gap_after: list[list[float]],
    reach: float,
) -> None:
    """Moves an item level with its only neighbour on one side when that is near (within
    ``reach``) and the layer leaves room: alignment by medians leaves small offsets, and an edge
    with a 3 px step looks like a mistake. (A task between several neighbours stays centred.)"""
    for lay_index in movable:
        lay, gaps = layers[lay_index], gap_after[lay_index]
        for r, item in enumerate(lay):
            low = ys[lay[r - 1]] + gaps[r - 1] if r > 0 else -math.inf
            high = ys[lay[r + 1]] - gaps[r] if r + 1 < len(lay) else math.inf
            y = ys[item]
            # The left one first: layers go left to right, so a chain lines up from its start.
            for side in (left_of[item], right_of[item]):
                if len(side) != 1:
                    continue
                level = ys[side[0]]
                if abs(level - y) <= reach and low - 1e-9 <= level <= high + 1e-9:
                    ys[item] = level
                    break


def _straighten(
    layers: list[list[int]],
    chains: list[list[int]],
    ys: list[float],
    gap_after: list[list[float]],
    wrapped: list[bool],
    item_layer: list[int],
) -> None:
    """Puts the dummies of each long edge at one height where their layers leave room, so the
    edge runs straight through them instead of jogging in every gap: at its source's height if
    possible (one turn, just before the target), else at its target's, else as near as fits."""
    rank = [0] * len(ys)
    for lay in layers:
        for r, item in enumerate(lay):
            rank[item] = r
    # Longest first: they gain the most.
    for chain in sorted(chains, key=lambda c: (-len(c), c)):
        dummies = chain[1:-1]
        low, high = -math.inf, math.inf
        for item in dummies:
            lay_index = item_layer[item]
            if wrapped[lay_index]:
                break
            lay, r = layers[lay_index], rank[item]
            if r > 0:
                low = max(low, ys[lay[r - 1]] + gap_after[lay_index][r - 1])
            if r + 1 < len(lay):
                high = min(high, ys[lay[r + 1]] - gap_after[lay_index][r])
        else:
            if low > high + 1e-6:
                continue
            source, target = ys[chain[0]], ys[chain[-1]]
            if low <= source <= high:
                level = source
            elif low <= target <= high:
                level = target
            else:
                level = min(max(source, low), high)
            for item in dummies:
                ys[item] = level


def _isotonic(targets: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Positions closest to ``targets`` (weighted least squares) with each one at least
    ``gaps[i]`` below the one before: pool-adjacent-violators on ``target - offset``."""
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    # Blocks (weighted sum, weight, count) whose means do not decrease.
    sums: list[float] = []
    masses: list[float] = []
    counts: list[int] = []
    for target, weight, offset in zip(targets, weights, offsets, strict=True):
        total, mass, count = (target - offset) * weight, weight, 1
        while sums and sums[-1] * mass >= total * masses[-1]:  # mean before >= this mean
            total += sums.pop()
            mass += masses.pop()
            count += counts.pop()
        sums.append(total)
        masses.append(mass)
        counts.append(count)
    out: list[float] = []
    for total, mass, count in zip(sums, masses, counts, strict=True):
        level = total / mass
        for _ in range(count):
            out.append(level + offsets[len(out)])
    return out

"""The layered layout: edges point right, boxes never overlap, routes stay off the tasks, any
graph (cyclic, huge, without edges) gets a readable drawing, and fast."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loom_jobs_widget.graph import job_elements
from loom_jobs_widget.graph import layout as layout_module
from loom_jobs_widget.graph.elements import LAYOUT, node_width
from loom_jobs_widget.graph.layout import (
    DEFAULT_PARAMS,
    Layout,
    LayoutParams,
    clear_cache,
    layered_layout,
    layered_positions,
)

from ..corpus import corpus_settings

Edges = list[tuple[str, str]]

BRANCHING: Edges = [
    ("ingest", "orders_raw"),
    ("ingest", "customers_raw"),
    ("ingest", "events_raw"),
    ("orders_raw", "orders_clean"),
    ("customers_raw", "customers_clean"),
    ("events_raw", "sessionize"),
    ("orders_clean", "join_all"),
    ("customers_clean", "join_all"),
    ("sessionize", "join_all"),
    ("join_all", "quality_ok"),
    ("quality_ok", "publish_gold"),
    ("quality_ok", "alert_team"),
    ("publish_gold", "daily_report"),
    ("customers_clean", "daily_report"),  # a long edge, over four layers
]


def nodes_of(edges: Edges) -> list[str]:
    return sorted({key for edge in edges for key in edge})


def box(
    layout: Mapping[str, tuple[float, float]],
    key: str,
    widths: Mapping[str, float] | None = None,
    params: LayoutParams = DEFAULT_PARAMS,
) -> tuple[float, float, float, float]:
    """left, top, right, bottom of a node's box."""
    x, y = layout[key]
    w = (widths or {}).get(key, params.node_width)
    return x - w / 2, y - params.node_height / 2, x + w / 2, y + params.node_height / 2


def assert_no_overlap(
    positions: Mapping[str, tuple[float, float]],
    widths: Mapping[str, float] | None = None,
    params: LayoutParams = DEFAULT_PARAMS,
) -> None:
    boxes = sorted((box(positions, key, widths, params), key) for key in positions)
    # Sweep by left edge: only boxes starting before one ends can overlap it.
    for i, ((_, top, right, bottom), key) in enumerate(boxes):
        for (other_left, other_top, _, other_bottom), other in boxes[i + 1 :]:
            if other_left >= right:
                break
            if other_top < bottom and top < other_bottom:
                raise AssertionError(f"{key} overlaps {other}")


def assert_points_right(positions: Mapping[str, tuple[float, float]], edges: Edges) -> None:
    for upstream, downstream in edges:
        assert positions[upstream][0] < positions[downstream][0], (upstream, downstream)


def assert_routes_clear(
    layout: Layout,
    widths: Mapping[str, float] | None = None,
    params: LayoutParams = DEFAULT_PARAMS,
) -> None:
    """Every routed edge is made of horizontal and vertical segments that cross no task's box
    (its own two ends excepted)."""
    boxes = {key: box(layout.positions, key, widths, params) for key in layout.positions}
    for (upstream, downstream), route in layout.routes.items():
        points = [layout.positions[upstream], *route, layout.positions[downstream]]
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            # Ends less than half a pixel apart count as level (the layout draws no step).
            assert abs(x1 - x2) <= 0.5 or abs(y1 - y2) <= 0.5, f"{upstream}->{downstream} slants"
            low_x, high_x, low_y, high_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
            for key, (left, top, right, bottom) in boxes.items():
                if key in (upstream, downstream):
                    continue
                crosses = low_x < right and left < high_x and low_y < bottom and top < high_y
                if abs(x1 - x2) <= 0.5:
                    crosses = left < x1 < right and low_y < bottom and top < high_y
                elif abs(y1 - y2) <= 0.5:
                    crosses = top < y1 < bottom and low_x < right and left < high_x
                assert not crosses, f"{upstream}->{downstream} crosses {key}"


def layered_dag(n: int, extra: int, width: int, seed: int) -> Edges:
    rng = random.Random(seed)
    keys = [f"t{i:04d}" for i in range(n)]
    rows = [keys[i : i + width] for i in range(0, n, width)]
    edges = {(rng.choice(rows[r - 1]), key) for r in range(1, len(rows)) for key in rows[r]}
    while len(edges) < n - width + extra:
        r = rng.randrange(len(rows) - 1)
        to = min(len(rows) - 1, r + rng.choice((1, 1, 2, 3)))
        edges.add((rng.choice(rows[r]), rng.choice(rows[to])))
    return sorted(edges)


# --- examples ----------------------------------------------------------------------------------


def test_a_chain_is_one_straight_row() -> None:
    positions = layered_positions(["c", "a", "b"], [("a", "b"), ("b", "c")])
    assert positions["a"][0] < positions["b"][0] < positions["c"][0]
    assert positions["a"][1] == positions["b"][1] == positions["c"][1]
    # The drawing starts at (0, 0).
    assert positions["a"] == (DEFAULT_PARAMS.node_width / 2, DEFAULT_PARAMS.node_height / 2)


def test_a_diamond_is_symmetric() -> None:
    edges = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
    positions = layered_positions(nodes_of(edges), edges)
    assert_points_right(positions, edges)
    assert positions["b"][0] == positions["c"][0]
    assert positions["b"][1] < positions["c"][1]  # ties by task_key
    assert positions["a"][1] == positions["d"][1] == (positions["b"][1] + positions["c"][1]) / 2


def test_branching_job() -> None:
    layout = layered_layout(nodes_of(BRANCHING), BRANCHING)
    assert_points_right(layout.positions, BRANCHING)
    assert_no_overlap(layout.positions)
    assert_routes_clear(layout)
    # The long edge is routed around the tasks between its ends, straight along its room.
    route = layout.routes["customers_clean", "daily_report"]
    assert len(route) == 2
    assert layout.positions["customers_clean"][1] == route[0][1]
    # Straight edges need no bends.
    assert layout.routes["orders_raw", "orders_clean"] == ()


def test_condition_branches_fan_out_from_the_condition() -> None:
    settings = corpus_settings("bundle-examples__conditional_execution.json")
    elements = job_elements(settings)
    position = {n["data"]["id"]: n["position"] for n in elements["nodes"]}
    assert position["check_quality"]["x"] < position["branch"]["x"]
    assert position["branch"]["x"] < position["fix_path"]["x"] == position["skip_path"]["x"]
    assert position["check_quality"]["y"] == position["branch"]["y"]
    middle = (position["fix_path"]["y"] + position["skip_path"]["y"]) / 2
    assert position["branch"]["y"] == pytest.approx(middle)


def test_input_order_does_not_matter() -> None:
    nodes = nodes_of(BRANCHING)
    expected = layered_layout(nodes, BRANCHING)
    rng = random.Random(3)
    for _ in range(5):
        shuffled_nodes = nodes + nodes[:3]  # duplicates count once
        rng.shuffle(shuffled_nodes)
        shuffled_edges = [*BRANCHING, *BRANCHING[:2]]
        rng.shuffle(shuffled_edges)
        clear_cache()
        assert layered_layout(shuffled_nodes, shuffled_edges) == expected


def test_ties_go_by_task_key_in_natural_order() -> None:
    edges = [("root", f"step_{i}") for i in (10, 2, 1)]
    positions = layered_positions(nodes_of(edges), edges)
    ys = sorted(["step_1", "step_2", "step_10"], key=lambda key: positions[key][1])
    assert ys == ["step_1", "step_2", "step_10"]


def test_cycles_are_drawn_not_fatal() -> None:
    for edges in (
        [("a", "b"), ("b", "a")],
        [("a", "b"), ("b", "c"), ("c", "a")],
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "b"), ("x", "a")],
    ):
        layout = layered_layout(nodes_of(edges), edges)
        assert set(layout.positions) == set(nodes_of(edges))
        assert_no_overlap(layout.positions)
        assert_routes_clear(layout)
        # Every edge that does not close a cycle still points right.
        assert layout.positions["a"][0] < layout.positions["b"][0]


def test_a_big_random_cyclic_graph_is_fast() -> None:
    rng = random.Random(5)
    keys = [f"t{i}" for i in range(1000)]
    edges = [(rng.choice(keys), rng.choice(keys)) for _ in range(1500)]
    start = time.perf_counter()
    layout = layered_layout(keys, edges)
    assert time.perf_counter() - start < 2.0  # about 0.1 s; generous for loaded CI machines
    assert set(layout.positions) == set(keys)
    assert all(math.isfinite(c) for p in layout.positions.values() for c in p)
    assert_no_overlap(layout.positions)


def test_self_loops_and_unknown_tasks_are_ignored() -> None:
    edges = [("a", "b"), ("b", "c")]
    noisy = [*edges, ("a", "a"), ("b", "ghost"), ("ghost", "c"), ("ghost", "phantom")]
    clear_cache()
    layout = layered_layout(["a", "b", "c"], noisy)
    assert layout == layered_layout(["a", "b", "c"], edges)
    assert set(layout.positions) == {"a", "b", "c"}
    assert set(layout.routes) == {("a", "b"), ("b", "c")}


def test_empty_graph() -> None:
    assert layered_layout([], []) == Layout({}, {})
    assert layered_positions(["only"], []) == {
        "only": (DEFAULT_PARAMS.node_width / 2, DEFAULT_PARAMS.node_height / 2)
    }


def test_widths_are_respected() -> None:
    edges = [("a", "b"), ("a", "c"), ("b", "d")]
    widths = {"a": 300.0, "b": 100.0, "c": 240.0, "d": 96.0}
    layout = layered_layout(nodes_of(edges), edges, widths=widths)
    assert_no_overlap(layout.positions, widths)
    assert_routes_clear(layout, widths)
    # The next layer starts a layer gap after the widest box of the one before.
    a_right = layout.positions["a"][0] + widths["a"] / 2
    c_left = layout.positions["c"][0] - widths["c"] / 2
    assert c_left - a_right == DEFAULT_PARAMS.layer_gap


def test_independent_tasks_make_a_grid_not_a_column() -> None:
    keys = [f"task_{i:04d}" for i in range(1000)]
    positions = layered_positions(keys, [])
    assert_no_overlap(positions)
    columns = {x for x, _ in positions.values()}
    rows = {y for _, y in positions.values()}
    assert len(columns) * len(rows) >= 1000
    assert 10 <= len(columns) <= 100 and 10 <= len(rows) <= 100
    width = max(columns) - min(columns) + DEFAULT_PARAMS.node_width
    height = max(rows) - min(rows) + DEFAULT_PARAMS.node_height
    assert 1 <= width / height <= 4  # wider than tall, like a notebook cell
    # Reading order: task_0000, task_0001, ... along the first row.
    assert positions["task_0000"][1] == positions["task_0001"][1]
    assert positions["task_0000"][0] < positions["task_0001"][0]


def test_the_corpus_job_of_1000_independent_tasks() -> None:
    elements = job_elements(corpus_settings("cli__pydabs_1000_tasks.json"))
    xs = {n["position"]["x"] for n in elements["nodes"]}
    ys = {n["position"]["y"] for n in elements["nodes"]}
    assert len(elements["nodes"]) == 1000
    assert len(xs) > 10 and len(ys) > 10


def test_independent_tasks_go_under_the_graph() -> None:
    edges = [("a", "b"), ("b", "c"), ("b", "d")]
    positions = layered_positions(["lonely", "alone", *nodes_of(edges)], edges)
    assert_no_overlap(positions)
    graph_bottom = max(positions[k][1] for k in "abcd")
    assert positions["alone"][1] > graph_bottom
    assert positions["alone"][1] == positions["lonely"][1]  # one row, side by side
    assert positions["alone"][0] < positions["lonely"][0]


def test_unconnected_parts_do_not_interleave() -> None:
    edges = [("a1", "a2"), ("a2", "a3"), ("a1", "a4"), ("b1", "b2"), ("b2", "b3")]
    positions = layered_positions(nodes_of(edges), edges)
    assert_no_overlap(positions)
    a = [positions[k] for k in ("a1", "a2", "a3", "a4")]
    b = [positions[k] for k in ("b1", "b2", "b3")]
    a_box = (min(x for x, _ in a), min(y for _, y in a), max(x for x, _ in a), max(y for _, y in a))
    assert all(not (a_box[0] <= x <= a_box[2] and a_box[1] <= y <= a_box[3]) for x, y in b), (
        "the smaller part is drawn inside the bigger one"
    )


def test_a_huge_fan_out_wraps_into_columns() -> None:
    edges = [("start", f"load_{i:03d}") for i in range(300)]
    edges += [(f"load_{i:03d}", "merge") for i in range(300)]
    layout = layered_layout(nodes_of(edges), edges)
    positions = layout.positions
    assert_points_right(positions, edges)
    assert_no_overlap(positions)
    loads = [positions[f"load_{i:03d}"] for i in range(300)]
    assert len({x for x, _ in loads}) > 1
    height = max(y for _, y in loads) - min(y for _, y in loads)
    width = positions["merge"][0] - positions["start"][0]
    assert height <= width  # not a 300-high column
    assert_routes_clear(layout)


def test_previous_positions_keep_the_order() -> None:
    edges = [("a", "b"), ("a", "c"), ("a", "d")]
    fresh = layered_positions(nodes_of(edges), edges)
    assert fresh["b"][1] < fresh["c"][1] < fresh["d"][1]
    # An earlier drawing had them the other way up (any order is as good here): kept, and a
    # new task goes after them.
    previous = {"a": (0.0, 50.0), "b": (200.0, 90.0), "c": (200.0, 50.0), "d": (200.0, 10.0)}
    kept = layered_positions([*nodes_of(edges), "e"], [*edges, ("a", "e")], previous=previous)
    assert kept["d"][1] < kept["c"][1] < kept["b"][1] < kept["e"][1]


def test_cache_is_by_structure_and_safe_to_modify(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    nodes, edges = nodes_of(BRANCHING), BRANCHING
    calls: list[tuple[Any, ...]] = []
    real_layout = layout_module.compute_layout

    def counting(*args: Any) -> Any:
        calls.append(args)
        return real_layout(*args)

    monkeypatch.setattr(layout_module, "compute_layout", counting)
    first = layered_layout(nodes, edges)
    assert layered_layout(nodes, edges) == first
    assert len(calls) == 1  # the second one came from the cache
    first.positions["ingest"] = (-1.0, -1.0)
    again = layered_layout(list(reversed(nodes)), list(reversed(edges)))
    assert again.positions["ingest"] != (-1.0, -1.0)
    other = layered_layout(nodes, edges, widths={"ingest": 250.0})
    assert other.positions != again.positions


@pytest.mark.parametrize(
    "edges",
    [
        [(f"t{i:04d}", f"t{i + 1:04d}") for i in range(999)],
        layered_dag(1000, 500, width=25, seed=1),
    ],
    ids=["chain", "layered"],
)
def test_1000_tasks_in_well_under_a_second(edges: Edges) -> None:
    nodes = nodes_of(edges)
    clear_cache()
    start = time.perf_counter()
    layout = layered_layout(nodes, edges)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0  # about 30 ms here: bench/bench_layout.py has the real figures
    assert_points_right(layout.positions, edges)
    assert_no_overlap(layout.positions)
    assert_routes_clear(layout)


def test_job_elements_node_boxes_do_not_overlap() -> None:
    long_key = "a_very_long_task_key_that_needs_a_wide_box_to_be_read"
    tasks: list[dict[str, Any]] = [
        {"task_key": long_key, "notebook_task": {}},
        {"task_key": "b", "depends_on": [{"task_key": long_key}]},
        {"task_key": "c", "depends_on": [{"task_key": "b"}], "spark_python_task": {}},
        {"task_key": "d", "depends_on": [{"task_key": "b"}], "sql_task": {}},
    ]
    elements = job_elements({"tasks": tasks})
    positions = {
        n["data"]["id"]: (n["position"]["x"], n["position"]["y"]) for n in elements["nodes"]
    }
    widths = {n["data"]["id"]: n["data"]["width"] for n in elements["nodes"]}
    assert widths["b"] == node_width("b", None) < widths[long_key]
    assert_no_overlap(positions, widths, LAYOUT)


# --- properties --------------------------------------------------------------------------------


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[str], Edges, dict[str, float]]:
    """Random DAGs (edges go from a lower to a higher index) with random box widths."""
    n = draw(st.integers(1, 40))
    keys = [f"k{i}" for i in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=80)) if pairs else []
    widths = {k: draw(st.floats(60, 260)) for k in keys}
    return keys, [(keys[i], keys[j]) for i, j in chosen], widths


@settings(max_examples=150, deadline=None)
@given(dags())
def test_any_dag_points_right_without_overlaps(
    graph: tuple[list[str], Edges, dict[str, float]],
) -> None:
    nodes, edges, widths = graph
    layout = layered_layout(nodes, edges, widths=widths)
    assert set(layout.positions) == set(nodes)
    assert_points_right(layout.positions, edges)
    assert_no_overlap(layout.positions, widths)
    assert_routes_clear(layout, widths)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60),
        )
    )
)
def test_any_graph_gets_every_task_placed(graph: tuple[int, Sequence[tuple[int, int]]]) -> None:
    n, pairs = graph
    keys = [f"k{i}" for i in range(n)]
    layout = layered_layout(keys, [(keys[a], keys[b]) for a, b in pairs])
    assert set(layout.positions) == set(keys)
    assert_no_overlap(layout.positions)
    assert_routes_clear(layout)

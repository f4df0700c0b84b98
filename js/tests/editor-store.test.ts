import { describe, expect, it } from "vitest";
import type { GraphEdge, GraphNode } from "../src/editor/protocol";
import {
  GraphStore,
  dependencyOf,
  edgeId,
  neighbourhood,
  parseEdgeId,
  searchTasks,
} from "../src/editor/store";

function node(id: string, x = 0, y = 0, extra: Partial<GraphNode["data"]> = {}): GraphNode {
  return {
    data: { id, label: id, task_type: "notebook_task", compute_kind: null, width: 120, ...extra },
    position: { x, y },
  };
}

function edge(source: string, target: string, outcome: string | null = null, run_if = "ALL_SUCCESS"): GraphEdge {
  return { data: { id: edgeId(source, target, outcome), source, target, outcome, run_if } };
}

function loaded(): GraphStore {
  const store = new GraphStore();
  store.requestGraph();
  const result = store.apply({
    kind: "graph",
    rev: 3,
    nodes: [node("a"), node("b", 200), node("c", 400)],
    edges: [edge("a", "b"), edge("b", "c")],
  });
  expect(result).toEqual({ action: "reset" });
  return store;
}

describe("edge ids", () => {
  it("follow the protocol's form", () => {
    expect(edgeId("a", "b")).toBe("a->b");
    expect(edgeId("a", "b", "true")).toBe("a->b:true");
    expect(edgeId("a", "b", null)).toBe("a->b");
  });

  it("parse back", () => {
    expect(parseEdgeId("a->b")).toEqual({ source: "a", target: "b", outcome: null });
    expect(parseEdgeId("check->next:false")).toEqual({ source: "check", target: "next", outcome: "false" });
    expect(parseEdgeId("no arrow")).toBeNull();
    expect(parseEdgeId("->b")).toBeNull();
  });

  it("give the remove_dependency arguments", () => {
    expect(dependencyOf(edge("a", "b", "true").data)).toEqual({ upstream: "a", downstream: "b", outcome: "true" });
  });
});

describe("GraphStore", () => {
  it("ignores patches until the whole graph came", () => {
    const store = new GraphStore();
    store.requestGraph();
    expect(store.apply({ kind: "patch", rev: 1, base: 0, nodes: [node("x")] })).toEqual({ action: "none" });
    expect(store.nodes.size).toBe(0);
  });

  it("assembles a chunked graph", () => {
    const store = new GraphStore();
    store.requestGraph();
    expect(store.apply({ kind: "graph", rev: 7, nodes: [node("a")], edges: [], more: true })).toEqual({ action: "none" });
    expect(store.nodes.size).toBe(0);
    expect(
      store.apply({ kind: "graph_more", rev: 7, nodes: [node("b")], edges: [edge("a", "b")], more: true }),
    ).toEqual({ action: "none" });
    expect(store.apply({ kind: "graph_more", rev: 7, nodes: [node("c")], edges: [edge("b", "c")], more: false })).toEqual({
      action: "reset",
    });
    expect(store.rev).toBe(7);
    expect(store.taskKeys()).toEqual(["a", "b", "c"]);
    expect([...store.edges.keys()]).toEqual(["a->b", "b->c"]);
    expect(store.awaitingGraph).toBe(false);
  });

  it("asks again for a chunk without its start", () => {
    const store = new GraphStore();
    const result = store.apply({ kind: "graph_more", rev: 2, nodes: [], edges: [], more: false });
    expect(result.action).toBe("resync");
  });

  it("drops edges to unknown tasks and duplicate ids", () => {
    const store = new GraphStore();
    store.apply({
      kind: "graph",
      rev: 1,
      nodes: [node("a"), node("a"), node("b")],
      edges: [edge("a", "b"), edge("a", "b"), edge("a", "ghost")],
    });
    expect(store.nodes.size).toBe(2);
    expect(store.edges.size).toBe(1);
  });

  it("applies a patch as a diff", () => {
    const store = loaded();
    const result = store.apply({
      kind: "patch",
      rev: 4,
      base: 3,
      nodes: [node("d", 600), node("b", 200, 0, { errors: 1 })],
      edges: [edge("c", "d"), edge("b", "c", null, "ALL_DONE")],
      remove_edges: ["a->b"],
      positions: { c: [400, 80], d: [600, 80] },
    });
    expect(result.action).toBe("patch");
    if (result.action !== "patch") return;
    const { diff } = result;
    expect(diff.added.map((n) => n.data.id)).toEqual(["d"]);
    expect(diff.changed.map((n) => n.data.id)).toEqual(["b"]);
    expect(diff.addedEdges.map((e) => e.data.id)).toEqual(["c->d"]);
    expect(diff.changedEdges.map((e) => e.data.id)).toEqual(["b->c"]);
    expect(diff.removedEdges).toEqual(["a->b"]);
    // A new node's position is its own (no animation), a moved one's is in `positions`.
    expect(diff.positions).toEqual({ c: { x: 400, y: 80 } });
    expect(store.nodes.get("d")?.position).toEqual({ x: 600, y: 80 });
    expect(store.nodes.get("c")?.position).toEqual({ x: 400, y: 80 });
    expect(store.edges.get("b->c")?.data.run_if).toBe("ALL_DONE");
    expect(store.rev).toBe(4);
  });

  it("removes a node's edges with it", () => {
    const store = loaded();
    const result = store.apply({ kind: "patch", rev: 4, base: 3, remove_nodes: ["b"] });
    expect(result.action).toBe("patch");
    if (result.action !== "patch") return;
    expect(result.diff.removed).toEqual(["b"]);
    expect(result.diff.removedEdges.sort()).toEqual(["a->b", "b->c"]);
    expect(store.edges.size).toBe(0);
  });

  it("a node that came again at a new position moved", () => {
    const store = loaded();
    const result = store.apply({ kind: "patch", rev: 4, base: 3, nodes: [node("a", 10, 20)] });
    if (result.action !== "patch") throw new Error(result.action);
    expect(result.diff.positions).toEqual({ a: { x: 10, y: 20 } });
  });

  it("an edge removed and added in one patch is a change", () => {
    const store = loaded();
    const result = store.apply({
      kind: "patch",
      rev: 4,
      base: 3,
      remove_edges: ["a->b"],
      edges: [edge("a", "b", null, "ALL_DONE")],
    });
    if (result.action !== "patch") throw new Error(result.action);
    expect(result.diff.removedEdges).toEqual([]);
    expect(result.diff.changedEdges.map((e) => e.data.run_if)).toEqual(["ALL_DONE"]);
  });

  it("detects a rev gap and asks for the whole graph", () => {
    const store = loaded();
    const result = store.apply({ kind: "patch", rev: 6, base: 5, nodes: [node("z")] });
    expect(result.action).toBe("resync");
    expect(store.nodes.has("z")).toBe(false);
    expect(store.rev).toBe(3);
  });

  it("ignores a stale patch", () => {
    const store = loaded();
    expect(store.apply({ kind: "patch", rev: 3, base: 2, nodes: [node("z")] })).toEqual({ action: "none" });
    expect(store.nodes.has("z")).toBe(false);
  });

  it("after a resync, patches wait for the graph", () => {
    const store = loaded();
    store.requestGraph();
    expect(store.apply({ kind: "patch", rev: 4, base: 3, nodes: [node("z")] })).toEqual({ action: "none" });
    store.apply({ kind: "graph", rev: 9, nodes: [node("z")], edges: [] });
    expect(store.rev).toBe(9);
    expect(store.apply({ kind: "patch", rev: 10, base: 9, remove_nodes: ["z"] }).action).toBe("patch");
    expect(store.nodes.size).toBe(0);
  });
});

describe("neighbourhood", () => {
  const edges = [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
    { source: "c", target: "d" },
    { source: "x", target: "c" },
    { source: "e", target: "f" },
  ];

  it("walks both directions, hop by hop", () => {
    expect([...neighbourhood(["b"], edges, 1)].sort()).toEqual(["a", "b", "c"]);
    expect([...neighbourhood(["b"], edges, 2)].sort()).toEqual(["a", "b", "c", "d", "x"]);
    expect([...neighbourhood(["b"], edges, 5)].sort()).toEqual(["a", "b", "c", "d", "x"]);
  });

  it("starts from several tasks; zero hops is the tasks themselves", () => {
    expect([...neighbourhood(["a", "f"], edges, 1)].sort()).toEqual(["a", "b", "e", "f"]);
    expect([...neighbourhood(["a"], edges, 0)]).toEqual(["a"]);
  });

  it("keeps a lonely task", () => {
    expect([...neighbourhood(["lonely"], edges, 3)]).toEqual(["lonely"]);
  });
});

describe("searchTasks", () => {
  const nodes = [
    node("ingest_orders"),
    node("clean_orders", 0, 0, { task_type: "sql_task" }),
    node("report", 0, 0, { compute_label: "orders_cluster" }),
    node("load", 0, 0, { task_type: "pipeline_task" }),
  ];

  it("matches keys first, then types and compute", () => {
    expect(searchTasks(nodes, "ORDERS")).toEqual(["ingest_orders", "clean_orders", "report"]);
    expect(searchTasks(nodes, "pipeline")).toEqual(["load"]);
    expect(searchTasks(nodes, "  ")).toEqual([]);
  });
});

// The view's copy of the job graph: nodes and edges by id, at revision `rev`.
//
// Pure (no DOM, no cytoscape): `apply` takes a `graph`, `graph_more` or `patch` message from
// Python and says what the canvas has to do: rebuild everything (a whole graph arrived), apply a
// diff (a patch), ask for the whole graph again (a patch not based on our rev), or nothing (a
// chunk of a graph still arriving, a stale message).
import type { EdgeData, FromPython, GraphEdge, GraphNode } from "./protocol";

export type GraphMessage = Extract<FromPython, { kind: "graph" | "graph_more" | "patch" }>;

export interface GraphDiff {
  /** Nodes that were not there before. */
  added: GraphNode[];
  /** Nodes that were there and came again (their data may have changed). */
  changed: GraphNode[];
  removed: string[];
  addedEdges: GraphEdge[];
  /** Edges replaced by one with the same id (run_if changed...). */
  changedEdges: GraphEdge[];
  removedEdges: string[];
  /** New positions of nodes that moved (changed nodes included when their position differs). */
  positions: Record<string, { x: number; y: number }>;
}

export type ApplyResult =
  | { action: "reset" }
  | { action: "patch"; diff: GraphDiff }
  /** The patch was not based on our rev: send `ready` and wait for the whole graph. */
  | { action: "resync"; reason: string }
  | { action: "none" };

/** `${source}->${target}` plus `:${outcome}` when there is one (EdgeData.id in protocol.ts). */
export function edgeId(source: string, target: string, outcome?: string | null): string {
  return `${source}->${target}${outcome ? `:${outcome}` : ""}`;
}

/** The parts of an edge id; null when it is not one. Task keys cannot contain "->" or ":"... mostly. */
export function parseEdgeId(
  id: string,
): { source: string; target: string; outcome: string | null } | null {
  const arrow = id.indexOf("->");
  if (arrow <= 0) return null;
  const source = id.slice(0, arrow);
  const rest = id.slice(arrow + 2);
  const colon = rest.lastIndexOf(":");
  const target = colon >= 0 ? rest.slice(0, colon) : rest;
  const outcome = colon >= 0 ? rest.slice(colon + 1) : null;
  if (target === "") return null;
  return { source, target, outcome: outcome === "" ? null : outcome };
}

/** The `remove_dependency` arguments of an edge. */
export function dependencyOf(edge: EdgeData): {
  upstream: string;
  downstream: string;
  outcome: string | null;
} {
  return { upstream: edge.source, downstream: edge.target, outcome: edge.outcome ?? null };
}

function samePosition(a: { x: number; y: number } | undefined, b: { x: number; y: number }) {
  return a !== undefined && Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01;
}

export class GraphStore {
  /** -1 until the first whole graph arrived. */
  rev = -1;
  nodes = new Map<string, GraphNode>();
  edges = new Map<string, GraphEdge>();
  /** A whole graph arriving in chunks. */
  private incoming: { rev: number; nodes: GraphNode[]; edges: GraphEdge[] } | null = null;
  /** We asked for the whole graph: patches until it comes are covered by it. */
  awaitingGraph = true;

  /** Call when sending `ready`. */
  requestGraph(): void {
    this.awaitingGraph = true;
  }

  taskKeys(): string[] {
    return [...this.nodes.keys()];
  }

  apply(message: GraphMessage): ApplyResult {
    switch (message.kind) {
      case "graph": {
        this.incoming = { rev: message.rev, nodes: [...message.nodes], edges: [...message.edges] };
        if (message.more) return { action: "none" };
        return this.finishGraph();
      }
      case "graph_more": {
        if (!this.incoming || this.incoming.rev !== message.rev) {
          // A chunk of a graph we did not see start (or of an older one): start over.
          this.incoming = null;
          return { action: "resync", reason: `graph_more of rev ${message.rev} without its start` };
        }
        this.incoming.nodes.push(...message.nodes);
        this.incoming.edges.push(...message.edges);
        if (message.more) return { action: "none" };
        return this.finishGraph();
      }
      case "patch": {
        if (this.awaitingGraph || this.incoming) return { action: "none" };
        if (message.rev <= this.rev && message.base < this.rev) return { action: "none" }; // stale
        if (message.base !== this.rev) {
          return {
            action: "resync",
            reason: `patch based on rev ${message.base}, view at rev ${this.rev}`,
          };
        }
        const diff = this.applyPatch(message);
        this.rev = message.rev;
        return { action: "patch", diff };
      }
    }
  }

  private finishGraph(): ApplyResult {
    const incoming = this.incoming;
    this.incoming = null;
    if (!incoming) return { action: "none" };
    this.nodes = new Map();
    this.edges = new Map();
    for (const node of incoming.nodes) {
      if (typeof node?.data?.id === "string" && !this.nodes.has(node.data.id)) {
        this.nodes.set(node.data.id, node);
      }
    }
    for (const edge of incoming.edges) this.addEdge(edge);
    this.rev = incoming.rev;
    this.awaitingGraph = false;
    return { action: "reset" };
  }

  /** Keeps an edge whose ends are known and whose id is new; returns whether it was kept. */
  private addEdge(edge: GraphEdge): boolean {
    const data = edge?.data;
    if (!data || !this.nodes.has(data.source) || !this.nodes.has(data.target)) return false;
    if (this.edges.has(data.id) || this.nodes.has(data.id)) return false;
    this.edges.set(data.id, edge);
    return true;
  }

  private applyPatch(patch: Extract<GraphMessage, { kind: "patch" }>): GraphDiff {
    const diff: GraphDiff = {
      added: [],
      changed: [],
      removed: [],
      addedEdges: [],
      changedEdges: [],
      removedEdges: [],
      positions: {},
    };
    const removedEdges = new Set<string>();
    const removeEdge = (id: string) => {
      if (this.edges.delete(id)) removedEdges.add(id);
    };
    for (const id of patch.remove_edges ?? []) removeEdge(id);
    for (const id of patch.remove_nodes ?? []) {
      if (!this.nodes.delete(id)) continue;
      diff.removed.push(id);
      // Its edges go with it (Python lists them too, usually).
      for (const [edgeKey, edge] of this.edges) {
        if (edge.data.source === id || edge.data.target === id) removeEdge(edgeKey);
      }
    }
    for (const node of patch.nodes ?? []) {
      const id = node?.data?.id;
      if (typeof id !== "string") continue;
      const before = this.nodes.get(id);
      this.nodes.set(id, node);
      if (before) {
        diff.changed.push(node);
        if (node.position && !samePosition(before.position, node.position)) {
          diff.positions[id] = { x: node.position.x, y: node.position.y };
        }
      } else {
        diff.added.push(node);
      }
    }
    for (const edge of patch.edges ?? []) {
      const data = edge?.data;
      if (!data || !this.nodes.has(data.source) || !this.nodes.has(data.target)) continue;
      if (this.edges.has(data.id)) {
        this.edges.set(data.id, edge);
        if (removedEdges.has(data.id)) removedEdges.delete(data.id);
        diff.changedEdges.push(edge);
      } else if (removedEdges.has(data.id)) {
        // Removed and added again in the same patch: a change for the canvas.
        removedEdges.delete(data.id);
        this.edges.set(data.id, edge);
        diff.changedEdges.push(edge);
      } else if (this.addEdge(edge)) {
        diff.addedEdges.push(edge);
      }
    }
    const added = new Set(diff.added.map((node) => node.data.id));
    for (const [id, [x, y]] of Object.entries(patch.positions ?? {})) {
      const node = this.nodes.get(id);
      if (!node || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      this.nodes.set(id, { ...node, position: { x, y } });
      if (!added.has(id)) diff.positions[id] = { x, y };
      else node.position = { x, y };
    }
    diff.removedEdges = [...removedEdges];
    return diff;
  }
}

/**
 * The tasks within `hops` dependency steps of `start` (both directions), `start` included:
 * what focus mode shows.
 */
export function neighbourhood(
  start: Iterable<string>,
  edges: Iterable<{ source: string; target: string }>,
  hops: number,
): Set<string> {
  const adjacent = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    let list = adjacent.get(a);
    if (!list) {
      list = [];
      adjacent.set(a, list);
    }
    list.push(b);
  };
  for (const edge of edges) {
    link(edge.source, edge.target);
    link(edge.target, edge.source);
  }
  const seen = new Set<string>(start);
  let frontier = [...seen];
  for (let hop = 0; hop < hops && frontier.length > 0; hop += 1) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const other of adjacent.get(id) ?? []) {
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** Task keys matching a search (case-insensitive substring of the key, then of the type), in order. */
export function searchTasks(nodes: Iterable<GraphNode>, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const byKey: string[] = [];
  const byOther: string[] = [];
  for (const node of nodes) {
    const d = node.data;
    if (d.id.toLowerCase().includes(q) || d.label.toLowerCase().includes(q)) byKey.push(d.id);
    else if (
      (d.task_type ?? "").toLowerCase().includes(q) ||
      (d.compute_label ?? "").toLowerCase().includes(q)
    ) {
      byOther.push(d.id);
    }
  }
  return [...byKey, ...byOther];
}

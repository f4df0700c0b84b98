// A dependency's route around the tasks it does not connect: the layout (graph/layout.py) sends
// the bends of every edge that is not a plain step to the next layer, in model coordinates; both
// views draw them as a cytoscape "round-segments" edge. Without them a dependency that skips a
// layer (ingest → publish beside ingest → transform → publish) is drawn straight through the
// tasks between its ends and reads like a plain chain.
import type { Css, EdgeSingular } from "cytoscape";

export interface Point {
  x: number;
  y: number;
}

/** Segment data of a routed edge: what the `routedEdgeStyle` reads. */
export interface Segments {
  weights: number[];
  distances: number[];
}

function isPoint(value: unknown): value is Point {
  const p = value as Point | null | undefined;
  return typeof p?.x === "number" && Number.isFinite(p.x) && typeof p.y === "number" &&
    Number.isFinite(p.y);
}

/**
 * Cytoscape places the bends of a "segments" edge relative to the line between its nodes'
 * centres: a weight along it (0 at the source, 1 at the target) and a distance across it.
 * Null when the route is empty or malformed, or the ends coincide (then it is drawn unrouted).
 */
export function toSegments(source: Point, target: Point, route: unknown): Segments | null {
  if (!Array.isArray(route) || route.length === 0) return null;
  if (!isPoint(source) || !isPoint(target)) return null;
  const dx = target.x - source.x;
  const dy = target.y - source.y;
  const length2 = dx * dx + dy * dy;
  if (length2 < 1) return null;
  const length = Math.sqrt(length2);
  const weights: number[] = [];
  const distances: number[] = [];
  for (const point of route) {
    if (!Array.isArray(point) || !isPoint({ x: point[0], y: point[1] })) return null;
    const px = Number(point[0]) - source.x;
    const py = Number(point[1]) - source.y;
    weights.push((px * dx + py * dy) / length2);
    // Along the normal (-dy, dx) / length, as cytoscape measures it.
    distances.push((py * dx - px * dy) / length);
  }
  return { weights, distances };
}

/** The inverse of `toSegments`: the bends, in model coordinates (tests check them). */
export function fromSegments(source: Point, target: Point, segments: Segments): Point[] {
  const dx = target.x - source.x;
  const dy = target.y - source.y;
  const length = Math.sqrt(dx * dx + dy * dy);
  return segments.weights.map((w, i) => {
    const d = segments.distances[i] ?? 0;
    return { x: source.x + w * dx - (d * dy) / length, y: source.y + w * dy + (d * dx) / length };
  });
}

/**
 * The style of an edge with segment data (selector `edge[distances]`): through the room the
 * layout kept for it, turning only in the gaps between layers, so it crosses no task.
 */
export function routedEdgeStyle(): Css.Edge {
  return {
    "curve-style": "round-segments",
    "edge-distances": "node-position",
    "segment-weights": (edge: EdgeSingular) => edge.data("weights"),
    "segment-distances": (edge: EdgeSingular) => edge.data("distances"),
    "segment-radii": [8],
  } as Css.Edge;
}

// The first frame of a large graph: where the view will be once the graph is fitted, worked out
// from the tasks' positions and widths alone, and which elements that view shows. A view draws
// those first and adds the rest (all off-screen) after that frame: cytoscape styles, measures and
// bounds every element it holds before drawing any, and the view of a large job shows only its
// start (see fitElements).
import { NODE_HEIGHT } from "./stylesheet";
import { clamp } from "./viewport";

/** A rectangle in model coordinates. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Viewport {
  zoom: number;
  pan: { x: number; y: number };
}

/** A task's box: its centre and width (its height is NODE_HEIGHT). */
export interface NodeBox {
  id: string;
  x: number;
  y: number;
  width: number;
}

/** Room for a task's border outside its box, in model pixels. */
const BORDER = 2;

/** The box around these tasks (null when there are none). */
export function boxOf(nodes: Iterable<NodeBox>): Box | null {
  let box: Box | null = null;
  for (const node of nodes) {
    const x1 = node.x - node.width / 2 - BORDER;
    const x2 = node.x + node.width / 2 + BORDER;
    const y1 = node.y - NODE_HEIGHT / 2 - BORDER;
    const y2 = node.y + NODE_HEIGHT / 2 + BORDER;
    if (!box) box = { x1, y1, x2, y2 };
    else {
      box.x1 = Math.min(box.x1, x1);
      box.y1 = Math.min(box.y1, y1);
      box.x2 = Math.max(box.x2, x2);
      box.y2 = Math.max(box.y2, y2);
    }
  }
  return box;
}

/**
 * The viewport `fitElements` gives a drawing bounded by `box` in a `width` x `height` view: the
 * whole drawing within `padding`, zoomed in no further than `maxZoom`; when that would zoom out
 * below `minZoom`, its start at `minZoom` (left edge, centred vertically when it is short).
 */
export function fitViewport(
  box: Box,
  width: number,
  height: number,
  padding: number,
  minZoom: number,
  maxZoom: number,
): Viewport {
  const w = Math.max(box.x2 - box.x1, 1);
  const h = Math.max(box.y2 - box.y1, 1);
  let zoom = Math.min((width - 2 * padding) / w, (height - 2 * padding) / h);
  if (zoom < minZoom) {
    return {
      zoom: minZoom,
      pan: {
        x: padding - box.x1 * minZoom,
        y: Math.max(padding, (height - h * minZoom) / 2) - box.y1 * minZoom,
      },
    };
  }
  zoom = clamp(zoom, minZoom, maxZoom);
  return {
    zoom,
    pan: { x: (width - zoom * (box.x1 + box.x2)) / 2, y: (height - zoom * (box.y1 + box.y2)) / 2 },
  };
}

/** What a `width` x `height` view at `viewport` shows, in model coordinates, `margin` screen
 * pixels wider on each side. */
export function extentOf(viewport: Viewport, width: number, height: number, margin = 40): Box {
  const { zoom, pan } = viewport;
  return {
    x1: (-margin - pan.x) / zoom,
    y1: (-margin - pan.y) / zoom,
    x2: (width + margin - pan.x) / zoom,
    y2: (height + margin - pan.y) / zoom,
  };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x1 <= b.x2 && b.x1 <= a.x2 && a.y1 <= b.y2 && b.y1 <= a.y2;
}

/**
 * The tasks and dependencies a view of `extent` shows: tasks whose box meets it, dependencies
 * whose straight line may cross it (both ends of those, seen or not, since an edge needs them).
 * A large graph's dependencies are straight lines between the tasks' centres (no routes).
 */
export function shownIn(
  extent: Box,
  nodes: Iterable<NodeBox>,
  edges: Iterable<{ id: string; source: string; target: string }>,
): { nodes: Set<string>; edges: Set<string> } {
  const where = new Map<string, NodeBox>();
  const shownNodes = new Set<string>();
  for (const node of nodes) {
    where.set(node.id, node);
    const half = node.width / 2 + BORDER;
    const box = {
      x1: node.x - half,
      x2: node.x + half,
      y1: node.y - NODE_HEIGHT / 2 - BORDER,
      y2: node.y + NODE_HEIGHT / 2 + BORDER,
    };
    if (overlaps(box, extent)) shownNodes.add(node.id);
  }
  const shownEdges = new Set<string>();
  const ends: string[] = [];
  for (const edge of edges) {
    const source = where.get(edge.source);
    const target = where.get(edge.target);
    if (!source || !target) continue;
    const line = {
      x1: Math.min(source.x, target.x),
      x2: Math.max(source.x, target.x),
      y1: Math.min(source.y, target.y),
      y2: Math.max(source.y, target.y),
    };
    if (shownNodes.has(edge.source) || shownNodes.has(edge.target) || overlaps(line, extent)) {
      shownEdges.add(edge.id);
      ends.push(edge.source, edge.target);
    }
  }
  for (const id of ends) shownNodes.add(id);
  return { nodes: shownNodes, edges: shownEdges };
}

import { describe, expect, it } from "vitest";
import { type NodeBox, NODE_HEIGHT, boxOf, extentOf, fitViewport, shownIn } from "../src/graph";

/** A grid of tasks, `columns` layers of `rows`, 200 px apart, as a layered layout puts them. */
function grid(columns: number, rows: number): NodeBox[] {
  const nodes: NodeBox[] = [];
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) nodes.push({ id: `t${c}_${r}`, x: c * 200, y: r * 70, width: 120 });
  }
  return nodes;
}

describe("the first view of a large graph", () => {
  it("fits a small drawing whole, zoomed in no further than the limit", () => {
    const box = boxOf(grid(2, 2));
    expect(box).not.toBeNull();
    if (!box) return;
    const view = fitViewport(box, 800, 500, 28, 0.45, 1.1);
    expect(view.zoom).toBe(1.1);
    // Centred: the box's middle is the view's middle.
    expect(((box.x1 + box.x2) / 2) * view.zoom + view.pan.x).toBeCloseTo(400);
    expect(((box.y1 + box.y2) / 2) * view.zoom + view.pan.y).toBeCloseTo(250);
  });

  it("shows the start of a drawing too big to read whole", () => {
    const box = boxOf(grid(40, 25));
    if (!box) throw new Error("no box");
    const view = fitViewport(box, 800, 500, 28, 0.45, 1.1);
    expect(view.zoom).toBe(0.45);
    // The left edge at the padding, the top at the padding (the drawing is taller than the view).
    expect(box.x1 * view.zoom + view.pan.x).toBeCloseTo(28);
    expect(box.y1 * view.zoom + view.pan.y).toBeCloseTo(28);
  });

  it("holds the tasks the view shows and no task far off it", () => {
    const nodes = grid(40, 25);
    const box = boxOf(nodes);
    if (!box) throw new Error("no box");
    const view = fitViewport(box, 800, 500, 28, 0.45, 1.1);
    const extent = extentOf(view, 800, 500, 0);
    const shown = shownIn(extent, nodes, []);
    const onScreen = nodes.filter((n) => {
      const left = (n.x - n.width / 2) * view.zoom + view.pan.x;
      const right = (n.x + n.width / 2) * view.zoom + view.pan.x;
      const top = (n.y - NODE_HEIGHT / 2) * view.zoom + view.pan.y;
      const bottom = (n.y + NODE_HEIGHT / 2) * view.zoom + view.pan.y;
      return right >= 0 && left <= 800 && bottom >= 0 && top <= 500;
    });
    expect(onScreen.length).toBeGreaterThan(0);
    for (const node of onScreen) expect(shown.nodes.has(node.id)).toBe(true);
    expect(shown.nodes.has("t39_24")).toBe(false);
    expect(shown.nodes.size).toBeLessThan(nodes.length / 4);
  });

  it("holds a dependency crossing the view between two tasks off it, with both its ends", () => {
    const nodes: NodeBox[] = [
      { id: "above", x: 100, y: -1000, width: 100 },
      { id: "below", x: 110, y: 1000, width: 100 },
      { id: "far", x: 5000, y: -1000, width: 100 },
      { id: "inside", x: 100, y: 100, width: 100 },
    ];
    const edges = [
      { id: "above->below", source: "above", target: "below" },
      { id: "above->far", source: "above", target: "far" },
      { id: "inside->far", source: "inside", target: "far" },
    ];
    const extent = { x1: 0, y1: 0, x2: 400, y2: 300 };
    const shown = shownIn(extent, nodes, edges);
    expect([...shown.edges].sort()).toEqual(["above->below", "inside->far"]);
    expect([...shown.nodes].sort()).toEqual(["above", "below", "far", "inside"]);
    expect(shownIn(extent, nodes, edges.slice(1, 2)).nodes).toEqual(new Set(["inside"]));
  });
});

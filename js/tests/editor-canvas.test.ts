import { describe, expect, it } from "vitest";
import { RUN_IF_LABELS, edgeElementData, edgeLabel, nodeSubtitle } from "../src/editor/canvas-nodes";
import { type Point, type Segments, fromSegments, toSegments } from "../src/graph";

describe("edge labels", () => {
  it("show the outcome and a run_if other than the default", () => {
    expect(edgeLabel(null, "ALL_SUCCESS")).toBe("");
    expect(edgeLabel("true", "ALL_SUCCESS")).toBe("true");
    expect(edgeLabel(null, "ALL_DONE")).toBe("all done");
    expect(edgeLabel("false", "AT_LEAST_ONE_FAILED")).toBe("false · at least one failed");
    expect(edgeLabel(null, "SOMETHING_NEW")).toBe("something new");
  });

  it("name every documented run_if", () => {
    expect(Object.keys(RUN_IF_LABELS).sort()).toEqual(
      ["ALL_DONE", "ALL_FAILED", "ALL_SUCCESS", "AT_LEAST_ONE_FAILED", "AT_LEAST_ONE_SUCCESS", "NONE_FAILED"].sort(),
    );
  });

  it("edge data keeps what the style selects on", () => {
    const data = edgeElementData({
      data: { id: "a->b:true", source: "a", target: "b", outcome: "true", run_if: "ALL_DONE" },
    });
    expect(data).toEqual({
      id: "a->b:true",
      source: "a",
      target: "b",
      outcome: "true",
      run_if: "ALL_DONE",
      elabel: "true · all done",
    });
    const plain = edgeElementData({ data: { id: "a->b", source: "a", target: "b", outcome: null, run_if: "" } });
    expect(plain).toEqual({ id: "a->b", source: "a", target: "b", run_if: "ALL_SUCCESS" });
  });
});

describe("node subtitles", () => {
  const base = { id: "t", label: "t", compute_kind: null, width: 100 };

  it("show the type and the compute", () => {
    expect(nodeSubtitle({ ...base, task_type: "notebook_task", compute_label: "main" })).toBe("notebook · main");
    expect(nodeSubtitle({ ...base, task_type: "sql_task" })).toBe("sql");
    expect(nodeSubtitle({ ...base, task_type: null })).toBe("task");
  });

  it("show a for_each task's nested type", () => {
    expect(nodeSubtitle({ ...base, task_type: "for_each_task", nested_type: "notebook_task" })).toBe(
      "for each → notebook",
    );
    expect(nodeSubtitle({ ...base, task_type: "for_each_task" })).toBe("for each → task");
  });

  it("say when a task is disabled", () => {
    expect(nodeSubtitle({ ...base, task_type: "dbt_task", disabled: true })).toBe("disabled · dbt");
  });
});

describe("routed edges", () => {
  // ingest → transform → publish, plus ingest → publish, as graph/layout.py lays them out: the
  // long edge runs below transform, turning in the gaps between layers.
  const positions: Record<string, Point> = {
    ingest: { x: 75, y: 22 },
    transform: { x: 305, y: 22 },
    publish: { x: 535, y: 22 },
  };
  const route = [
    [190, 22],
    [190, 54],
    [420, 54],
    [420, 22],
  ];
  const box = { left: 305 - 75, top: 22 - 23, right: 305 + 75, bottom: 22 + 23 };

  function crossesBox(points: Point[]): boolean {
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      // Sampled: the segments are axis-parallel, a few pixels' step is plenty.
      for (let t = 0; t <= 1; t += 0.01) {
        const x = a.x + (b.x - a.x) * t;
        const y = a.y + (b.y - a.y) * t;
        if (x > box.left && x < box.right && y > box.top && y < box.bottom) return true;
      }
    }
    return false;
  }

  it("go around the task between their ends", () => {
    const data = edgeElementData(
      { data: { id: "ingest->publish", source: "ingest", target: "publish", outcome: null, run_if: "", route } },
      (key) => positions[key],
    );
    expect(data.weights).toBeDefined();
    const bends = fromSegments(positions.ingest, positions.publish, data as unknown as Segments);
    bends.forEach((p, i) => {
      expect(p.x).toBeCloseTo(route[i][0], 6);
      expect(p.y).toBeCloseTo(route[i][1], 6);
    });
    expect(crossesBox([positions.ingest, ...bends, positions.publish])).toBe(false);
    // Drawn straight, the same edge would run through transform: what the test guards against.
    expect(crossesBox([positions.ingest, positions.publish])).toBe(true);
  });

  it("are drawn plain without a route or without their ends' positions", () => {
    const edge = { data: { id: "a->b", source: "a", target: "b", outcome: null, run_if: "" } };
    expect(edgeElementData(edge, (key) => positions[key])).not.toHaveProperty("distances");
    const routed = { data: { ...edge.data, route } };
    expect(edgeElementData(routed)).not.toHaveProperty("distances");
    expect(toSegments({ x: 1, y: 1 }, { x: 1, y: 1 }, route)).toBeNull();
    expect(toSegments({ x: 0, y: 0 }, { x: 10, y: 0 }, [["x", 1]])).toBeNull();
  });
});

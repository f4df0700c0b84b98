import { describe, expect, it } from "vitest";
import { formatDuration, outcomeText, progressText } from "../src/editor/runs/format";
import { ganttGeometry } from "../src/editor/runs/gantt";
import { cellRect, hitTest, layoutMatrix, visibleRange } from "../src/editor/runs/matrix-layout";
import { historyRequest, nextOffset, previousOffset, runNowMessage } from "../src/editor/runs/requests";

describe("history requests", () => {
  const now = 1_750_000_000_000;
  it("builds the runs message from the filters", () => {
    expect(historyRequest({ status: "all", range: "all", offset: 0 }, 1, now)).toEqual({ kind: "runs", request_id: 1, offset: 0, limit: 25 });
    expect(historyRequest({ status: "active", range: "24h", offset: 0 }, 2, now)).toEqual({ kind: "runs", request_id: 2, offset: 0, limit: 25, active_only: true, start_time_from: now - 86_400_000 });
    expect(historyRequest({ status: "completed", range: "7d", offset: 50 }, 3, now)).toMatchObject({ completed_only: true, offset: 50, start_time_from: now - 7 * 86_400_000 });
    expect(historyRequest({ status: "completed", range: "30d", offset: 0 }, 3, now).start_time_from).toBe(now - 30 * 86_400_000);
  });
  it("pages by the limit", () => {
    expect(nextOffset(0)).toBe(25);
    expect(previousOffset(25)).toBe(0);
    expect(previousOffset(10)).toBe(0);
  });
});

describe("run now", () => {
  it("sends only the overrides, the chosen tasks and a target", () => {
    expect(runNowMessage({ values: { env: "prod" }, defaults: { env: "prod" }, only: [], performanceTarget: "default" })).toEqual({ kind: "run_now" });
    expect(runNowMessage({ values: { env: "dev", d: "1" }, defaults: { env: "prod", d: "1" }, only: ["load"], performanceTarget: "STANDARD" })).toEqual({
      kind: "run_now",
      job_parameters: { env: "dev" },
      only: ["load"],
      performance_target: "STANDARD",
    });
  });
});

describe("texts", () => {
  it("formats durations and progress", () => {
    expect(formatDuration(65_000)).toBe("1m 05s");
    expect(formatDuration(3_725_000)).toBe("1h 02m 05s");
    expect(formatDuration(5_000)).toBe("5s");
    expect(formatDuration(null)).toBe("—");
    expect(progressText(3, 5, 42_000, "RUNNING")).toBe("3 of 5 tasks · 00:42 elapsed · RUNNING");
  });
  it("names the root causes of a failure", () => {
    expect(outcomeText({ state: "FAILED", state_message: "" }, ["load"], 2)).toBe("Failed: load (2 tasks failed upstream)");
    expect(outcomeText({ state: "SUCCESS", state_message: "" }, [], 0)).toBe("Succeeded");
    expect(outcomeText({ state: "CANCELED", state_message: "Canceled by ada@example.com" }, [], 1)).toBe("Canceled by ada@example.com");
    expect(outcomeText({ state: "CANCELED", state_message: "Run cancelled." }, [], 1)).toBe("Canceled");
  });
});

describe("gantt geometry", () => {
  const t = (key: string, start: number | null, end: number | null, q = 0, s = 0, e = 0, c = 0) => ({
    task_key: key,
    start_time: start,
    end_time: end,
    queue_duration: q,
    setup_duration: s,
    execution_duration: e,
    cleanup_duration: c,
  });
  it("places bars and segments from the times", () => {
    const g = ganttGeometry([t("a", 1000, 11_000, 1000, 2000, 6000, 1000), t("b", 6000, 11_000, 0, 0, 5000, 0), t("c", null, null)], { width: 1000, runStart: 1000, runEnd: 11_000 });
    expect(g.t0).toBe(1000);
    expect(g.t1).toBe(11_000);
    const [a, b, c] = g.bars;
    expect(a.x).toBe(0);
    expect(a.width).toBe(1000);
    expect(a.segments.map((s) => [s.kind, s.x, s.width])).toEqual([
      ["queue", 0, 100],
      ["setup", 100, 200],
      ["execution", 300, 600],
      ["cleanup", 900, 100],
    ]);
    expect(b.x).toBe(500);
    expect(b.width).toBe(500);
    expect(c.start).toBeNull();
    expect(c.segments).toEqual([]);
    expect(g.ticks[0]).toMatchObject({ x: 0, label: "0s" });
  });
  it("draws a running task to now", () => {
    const g = ganttGeometry([t("a", 0, null)], { width: 100, now: 10_000, runStart: 0 });
    expect(g.bars[0].segments).toEqual([{ kind: "running", start: 0, end: 10_000, x: 0, width: 100 }]);
  });
});

describe("matrix layout", () => {
  const rows = (runs: number, tasks: number) =>
    Array.from({ length: runs }, (_, r) => ({ cells: Array.from({ length: tasks }, (_, k) => (k % 5 === 0 ? null : (r + k) % 2 ? "SUCCESS" : "FAILED")) }));
  it("lays out cells and finds them back", () => {
    const layout = layoutMatrix(rows(3, 4), 4, { labelWidth: 100, headerHeight: 50, cellWidth: 20, cellHeight: 10, gap: 2 });
    expect(cellRect(layout, 1, 2)).toEqual({ x: 120, y: 70, w: 18, h: 8 });
    expect(layout.width).toBe(100 + 60 + 2);
    expect(layout.palette[layout.colors[0]]).toBe(""); // task 0 did not run
    expect(layout.palette[layout.colors[1]]).toBe("#16a34a");
    expect(hitTest(layout, 125, 75)).toEqual({ kind: "cell", run: 1, task: 2 });
    expect(hitTest(layout, 139, 75)).toBeNull(); // the gap
    expect(hitTest(layout, 125, 10)).toEqual({ kind: "run", run: 1 });
    expect(hitTest(layout, 10, 75)).toEqual({ kind: "task", task: 2 });
    expect(hitTest(layout, 10, 10)).toBeNull();
    // scrolled: the header stays, the cells move
    expect(hitTest(layout, 105, 55, 20, 10)).toEqual({ kind: "cell", run: 1, task: 1 });
    expect(visibleRange(layout, 140, 80, 0, 0)).toEqual({ run0: 0, run1: 3, task0: 0, task1: 4 });
  });
  it("lays out 100 runs x 500 tasks fast", () => {
    const data = rows(100, 500);
    const t0 = performance.now();
    const layout = layoutMatrix(data, 500);
    const ms = performance.now() - t0;
    expect(layout.rects.length).toBe(100 * 500 * 4);
    expect(ms).toBeLessThan(200);
  });
});

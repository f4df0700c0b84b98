import { describe, expect, it } from "vitest";
import { RUN_IF_LABELS, edgeElementData, edgeLabel, nodeSubtitle } from "../src/editor/canvas-nodes";

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

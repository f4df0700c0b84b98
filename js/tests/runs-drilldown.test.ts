import { describe, expect, it } from "vitest";
import type { RunDetail, TaskRunView } from "../src/editor/protocol";
import { attemptsText, inputText, pageText } from "../src/editor/runs/iterations";
import { repairRounds, rerunText, roundState, roundTitle } from "../src/editor/runs/repairs";

function taskRun(task_key: string, run_id: number, state: string, repair_id: number | null = null): TaskRunView {
  return {
    task_key, run_id, state, repair_id, attempt_number: 0, state_message: "", start_time: 1_000, end_time: 3_000,
    queue_duration: null, setup_duration: null, execution_duration: null, cleanup_duration: null, upstream_only: false,
    root_cause: false, run_page_url: null, spark_ui_url: null, resolved_parameters: null, child_run_id: null, iterations: null, attempts: 1,
  };
}

describe("repair history", () => {
  const run: Pick<RunDetail, "repair_history" | "attempts"> = {
    attempts: [taskRun("prep", 3, "SUCCESS"), taskRun("loop", 4, "FAILED"), taskRun("loop", 11, "SUCCESS", 10), taskRun("after", 12, "SUCCESS", 10)],
    repair_history: [
      { type: "ORIGINAL", start_time: 100, end_time: 900, state: { life_cycle_state: "INTERNAL_ERROR", result_state: "FAILED", state_message: "Task loop failed" }, task_run_ids: [3, 4] },
      { type: "REPAIR", id: 10, start_time: 1_000, end_time: 4_000, state: { life_cycle_state: "TERMINATED", result_state: "SUCCESS" }, task_run_ids: [11, 12, 99] },
    ],
  };
  it("lists each round with what it ran and how it ended", () => {
    const rounds = repairRounds(run);
    expect(rounds.map((r) => [r.type, r.id, r.state, rerunText(r)])).toEqual([
      ["ORIGINAL", null, "FAILED", "prep, loop"],
      ["REPAIR", 10, "SUCCESS", "loop, after"],
    ]);
    expect(rounds[0].stateMessage).toBe("Task loop failed");
    expect(rounds[1].taskRuns.map((t) => t.run_id)).toEqual([11, 12]); // 99: not in the attempts read
    expect(roundTitle(rounds[0], 0)).toBe("Original run");
    expect(roundTitle(rounds[1], 1)).toBe("Repair 1 (id 10)");
  });
  it("reads a round still running by its life cycle", () => {
    expect(roundState({ state: { life_cycle_state: "RUNNING" } })).toBe("RUNNING");
    expect(roundState({ status: { state: "QUEUED" } })).toBe("QUEUED");
    expect(rerunText({ type: "REPAIR", id: 1, startTime: null, endTime: null, state: "PENDING", stateMessage: "", taskRuns: [] })).toBe("—");
  });
});

describe("iterations", () => {
  it("says which page of how many", () => {
    const iterations = new Array(50).fill(null).map((_, index) => ({ index, attempts: [] }));
    expect(pageText({ offset: 50, total: 230, started: 230, iterations } as never)).toBe("Showing 51–100 of 230");
    expect(pageText({ offset: 0, total: 230, started: 120, iterations } as never)).toBe("Showing 1–50 of 230 (120 started)");
    expect(pageText({ offset: 0, total: 5, started: 0, iterations: [] })).toBe("None of 5 started yet");
  });
  it("clips a long input and marks an unknown one", () => {
    expect(inputText("a")).toBe("a");
    expect(inputText(null)).toBe("—");
    expect(inputText("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
    expect(attemptsText({ attempts: [{}, {}] as never })).toBe("2 attempts");
    expect(attemptsText({ attempts: [{}] as never })).toBe("");
  });
});

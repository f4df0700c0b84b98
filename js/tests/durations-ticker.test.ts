// @vitest-environment jsdom
// A run still going: every shown duration ticks from one clock without a new read, stops at the
// server's figure once the run ended, and the clock stops with the tab.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunDetail, RunSummary, TaskRunView, ToPython } from "../src/editor/protocol";
import { RunsTab } from "../src/editor/runs-tab";
import { DurationTicker, durationText } from "../src/editor/runs/ticker";
import type { RunsTabContext } from "../src/editor/tab-types";

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const START = 1_750_000_000_000;

function summary(runId: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    run_id: runId, number_in_job: runId, start_time: START, end_time: null, duration_ms: 7_000,
    state: "RUNNING", state_message: "", ended: false, trigger: "ONE_TIME", triggered_by: "ada@example.com",
    job_parameters: {}, run_page_url: null, ...extra,
  };
}

function taskRun(key: string, extra: Partial<TaskRunView> = {}): TaskRunView {
  return {
    task_key: key, run_id: 100 + key.length, attempt_number: 0, state: "RUNNING", state_message: "", start_time: START, end_time: null,
    queue_duration: null, setup_duration: null, execution_duration: null, cleanup_duration: null,
    upstream_only: false, root_cause: false, run_page_url: null, spark_ui_url: null, resolved_parameters: null,
    child_run_id: null, iterations: null, attempts: 1, repair_id: null, ...extra,
  };
}

function makeCtx(runs: () => RunSummary[], run: () => RunDetail) {
  let id = 0;
  const requests: ToPython[] = [];
  const ctx: RunsTabContext = {
    edit: vi.fn(),
    setJobField: vi.fn(),
    notify: vi.fn(),
    showTasks: vi.fn(),
    nextId: () => ++id,
    send: vi.fn(),
    request: <T,>(m: ToPython & { request_id: number }) => {
      requests.push(m);
      const reply = m.kind === "runs" ? { kind: "runs", request_id: m.request_id, runs: runs(), has_more: false } : m.kind === "run" ? { kind: "run", request_id: m.request_id, run: run() } : { kind: m.kind, request_id: m.request_id };
      return Promise.resolve(reply as T);
    },
  };
  return { ctx, requests };
}

let tab: RunsTab;
let requests: ToPython[];
const cell = (runId: number) => tab.element.querySelector(`tr[data-run-id="${runId}"] [data-role=duration]`)?.textContent;

beforeEach(async () => {
  vi.useFakeTimers();
  vi.setSystemTime(START + 7_000);
  document.body.innerHTML = "";
  const detail = (): RunDetail => ({ ...summary(5), tasks: [taskRun("load")], attempts: [taskRun("load")], repair_history: [], latest_repair_id: null });
  const fake = makeCtx(() => [summary(5), summary(4, { state: "SUCCESS", ended: true, end_time: START + 3_000, duration_ms: 3_000 })], detail);
  requests = fake.requests;
  tab = new RunsTab(fake.ctx);
  document.body.append(tab.element);
  tab.shown();
  await flush();
});

afterEach(() => {
  tab.destroy();
  vi.useRealTimers();
});

describe("durations that tick", () => {
  it("ticks a running run's history Duration every second without a new read", () => {
    expect(cell(5)).toBe("7s");
    const reads = requests.length;
    vi.advanceTimersByTime(2_000);
    expect(cell(5)).toBe("9s");
    expect(requests.length).toBe(reads);
    expect(cell(4)).toBe("3s");
  });

  it("stops at the server's figure once the run ended", () => {
    vi.advanceTimersByTime(3_000);
    const ended = summary(5, { state: "SUCCESS", ended: true, end_time: START + 9_500, duration_ms: 9_500 });
    tab.onProgress({ kind: "run_progress", run: ended, done: 1, total: 1, finished: true, root_causes: [] });
    expect(cell(5)).toBe("9s");
    vi.advanceTimersByTime(5_000);
    expect(cell(5)).toBe("9s");
  });

  it("ticks the strip, the history and the detail from the same clock", async () => {
    tab.onProgress({ kind: "run_progress", run: summary(5), done: 0, total: 1, finished: false, root_causes: [] });
    tab.openRun(5);
    await flush();
    vi.advanceTimersByTime(4_000);
    const strip = tab.element.querySelector("[data-role=progress-text]")?.textContent ?? "";
    const fact = [...tab.element.querySelectorAll(".loom-runs-fact")].find((f) => f.querySelector("dt")?.textContent === "Duration");
    const taskDuration = tab.element.querySelector("[data-role=task-duration]")?.textContent;
    expect(strip).toContain("00:11 elapsed");
    expect(cell(5)).toBe("11s");
    expect(fact?.querySelector("dd")?.textContent).toBe("11s so far");
    expect(taskDuration).toBe("11s");
  });

  it("has one timer, stopped when the tab goes", () => {
    expect(tab.clock.running).toBe(true);
    const timers = vi.getTimerCount();
    tab.onProgress({ kind: "run_progress", run: summary(5), done: 0, total: 1, finished: false, root_causes: [] });
    // The strip rides the tab's clock: no timer of its own (the tab's refresh timer aside).
    expect(vi.getTimerCount()).toBe(timers);
    tab.destroy();
    expect(tab.clock.running).toBe(false);
  });
});

describe("DurationTicker", () => {
  it("lets go of elements no longer on the page and then stops", () => {
    const clock = new DurationTicker();
    const el = document.createElement("span");
    document.body.append(el);
    clock.show(el, Date.now() - 1_000);
    expect(el.textContent).toBe("1s");
    vi.advanceTimersByTime(1_000);
    expect(el.textContent).toBe("2s");
    el.remove();
    vi.advanceTimersByTime(1_000);
    expect(clock.size).toBe(0);
    expect(clock.running).toBe(false);
  });

  it("never shows a duration below zero (a clock behind the server's)", () => {
    expect(durationText(START + 5_000, START, " so far")).toBe("0s so far");
  });
});

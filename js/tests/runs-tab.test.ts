// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunDetail, RunSummary, TaskOutput, TaskRunView, ToPython } from "../src/editor/protocol";
import { RunsTab } from "../src/editor/runs-tab";
import type { JobMessage, RunsTabContext } from "../src/editor/tab-types";

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function summary(runId: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    run_id: runId, number_in_job: runId, start_time: 1_750_000_000_000, end_time: 1_750_000_065_000, duration_ms: 65_000,
    state: "SUCCESS", state_message: "", ended: true, trigger: "ONE_TIME", triggered_by: "ada@example.com",
    job_parameters: { env: "prod" }, run_page_url: null, ...extra,
  };
}

function taskRun(key: string, state: string, extra: Partial<TaskRunView> = {}): TaskRunView {
  return {
    task_key: key, run_id: 100 + key.length, attempt_number: 0, state, state_message: "", start_time: 1_750_000_000_000, end_time: 1_750_000_010_000,
    queue_duration: 1000, setup_duration: 2000, execution_duration: 6000, cleanup_duration: 1000,
    upstream_only: state === "UPSTREAM_FAILED", root_cause: state === "FAILED", run_page_url: null, spark_ui_url: null, resolved_parameters: null,
    child_run_id: null, iterations: null, attempts: 1, repair_id: null, ...extra,
  };
}

/** A TaskOutput as Python's run_views.task_output makes it. */
function taskOutput(extra: Partial<TaskOutput> = {}): TaskOutput {
  return {
    run_id: 104, task_key: "load", task_type: "spark_python_task", state: "FAILED", ended: true, notebook_result: null, notebook_result_truncated: false,
    error: "boom", error_trace: "Traceback...", logs: null, logs_truncated: false, other: {}, exported_views: null, export_error: null, export_local: true, ...extra,
  };
}

function failedRun(): RunDetail {
  const tasks = [taskRun("ingest", "SUCCESS"), taskRun("load", "FAILED"), taskRun("aggregate", "UPSTREAM_FAILED", { start_time: null, end_time: null }), taskRun("report", "UPSTREAM_FAILED", { start_time: null, end_time: null })];
  return { ...summary(7, { state: "FAILED" }), tasks, attempts: tasks, repair_history: [], latest_repair_id: null };
}

/** A request the fake answers, with the fields its replies read. */
type Request = ToPython & { request_id: number; offset?: number; rerun_tasks?: string[]; run_id?: number; active_only?: boolean };

function makeCtx() {
  const sent: ToPython[] = [];
  const requests: Request[] = [];
  let id = 0;
  const replies: Record<string, (m: Request) => unknown> = {
    runs: (m) => ({ kind: "runs", request_id: m.request_id, runs: Array.from({ length: 25 }, (_, i) => summary(1000 - i - Number(m.offset))), has_more: true }),
    run: (m) => ({ kind: "run", request_id: m.request_id, run: failedRun() }),
    task_output: (m) => ({ kind: "task_output", request_id: m.request_id, output: taskOutput({ run_id: m.run_id ?? null }) }),
    repair_preview: (m) => ({ kind: "repair_preview", request_id: m.request_id, plan: { rerun: m.rerun_tasks ?? ["load", "aggregate", "report"], reused: ["ingest"], request: {} }, root_causes: ["load"] }),
    matrix: (m) => ({ kind: "matrix", request_id: m.request_id, task_keys: ["a"], runs: [] }),
  };
  const ctx: RunsTabContext = {
    edit: vi.fn(),
    setJobField: vi.fn(),
    notify: vi.fn(),
    showTasks: vi.fn(),
    nextId: () => ++id,
    send: (m) => void sent.push(m),
    request: <T,>(m: ToPython & { request_id: number }) => {
      requests.push(m);
      return Promise.resolve(replies[m.kind](m) as T);
    },
  };
  return { ctx, sent, requests, replies };
}

const job: JobMessage = {
  kind: "job",
  settings: { parameters: [{ name: "env", default: "prod" }, { name: "date", default: "2025-06-01" }] },
  trigger: { kind: "none", pause_status: null, spec: null, note: null },
  task_keys: ["ingest", "load", "aggregate", "report"],
  job_clusters_in_use: {},
  environments_in_use: {},
};

let fake: ReturnType<typeof makeCtx>;
let tab: RunsTab;
afterEach(() => tab.destroy());
const q = <T extends Element = HTMLElement>(sel: string) => tab.element.querySelector(sel) as T;

beforeEach(async () => {
  document.body.innerHTML = "";
  fake = makeCtx();
  tab = new RunsTab(fake.ctx);
  document.body.append(tab.element);
  tab.update(job);
  tab.shown();
  await flush();
});

describe("history", () => {
  it("loads the first page, then with the filters", async () => {
    expect(fake.requests[0]).toEqual({ kind: "runs", request_id: 1, offset: 0, limit: 25 });
    expect(tab.element.querySelectorAll("tr[data-run-id]").length).toBe(25);
    q<HTMLButtonElement>("[data-filter=active]").click();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ kind: "runs", active_only: true, offset: 0 });
    const range = q<HTMLSelectElement>("[data-role=time-range]");
    range.value = "24h";
    range.dispatchEvent(new Event("change"));
    await flush();
    const last = fake.requests.at(-1) as Request & { start_time_from: number };
    expect(last.active_only).toBe(true);
    expect(Date.now() - last.start_time_from).toBeGreaterThanOrEqual(86_400_000 - 1000);
  });
  it("pages with Next and Previous", async () => {
    q<HTMLButtonElement>("[data-role=pager] [data-action=previous]");
    expect(q<HTMLButtonElement>("[data-action=previous]").disabled).toBe(true);
    q<HTMLButtonElement>("[data-action=next]").click();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ offset: 25, limit: 25 });
    expect(q("[data-role=page-range]").textContent).toBe("Runs 26–50");
    q<HTMLButtonElement>("[data-action=previous]").click();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ offset: 0 });
  });
  it("shows a run on the canvas, clears it, cancels", async () => {
    q<HTMLButtonElement>("tr[data-run-id='999'] [data-action=show-on-canvas]").click();
    expect(fake.sent.at(-1)).toEqual({ kind: "show_run", run_id: 999 });
    tab.clearCanvas();
    expect(fake.sent.at(-1)).toEqual({ kind: "show_run", run_id: null });
  });
  it("shows a request's error", async () => {
    fake.replies.runs = (m) => ({ kind: "runs", request_id: m.request_id, runs: [], has_more: false, error: "Save the job first" });
    tab.refresh();
    expect(q("[data-role=spinner]")).not.toBeNull();
    await flush();
    expect(q("[data-role=error]").textContent).toContain("Save the job first");
  });
});

describe("run now", () => {
  it("sends the overrides and the chosen tasks", () => {
    tab.openRunNow();
    const env = q<HTMLInputElement>("[data-role=run-now-parameters] input[data-param=env]");
    expect(env.value).toBe("prod");
    env.value = "dev";
    env.dispatchEvent(new Event("input"));
    const load = q<HTMLInputElement>("[data-role=only-tasks] input[data-task=load]");
    load.checked = true;
    load.dispatchEvent(new Event("change"));
    const target = q<HTMLSelectElement>("[data-role=performance-target]");
    target.value = "PERFORMANCE_OPTIMIZED";
    q<HTMLButtonElement>("[data-action=confirm-run-now]").click();
    expect(fake.sent.at(-1)).toEqual({ kind: "run_now", job_parameters: { env: "dev" }, only: ["load"], performance_target: "PERFORMANCE_OPTIMIZED" });
    expect(q("[data-dialog=run-now]")).toBeNull();
    expect(q<HTMLElement>("[data-role=progress]").hidden).toBe(false);
  });
});

describe("progress", () => {
  it("shows tasks done, elapsed and state, then the outcome", async () => {
    tab.onProgress({ kind: "run_progress", run: summary(5, { state: "RUNNING", ended: false, start_time: Date.now() - 42_000, duration_ms: 42_000 }), done: 3, total: 5, finished: false, root_causes: [] });
    expect(q("[data-role=progress-text]").textContent).toBe("3 of 5 tasks · 00:42 elapsed · RUNNING");
    expect(q("[data-role=progress] [data-action=cancel-followed]")).not.toBeNull();
    tab.onProgress({ kind: "run_progress", run: summary(5, { state: "FAILED", ended: true, duration_ms: 65_000 }), done: 5, total: 5, finished: true, root_causes: ["load"] });
    await flush();
    expect(q("[data-role=progress-text]").textContent).toBe("Failed: load (2 tasks failed upstream) · 5 of 5 tasks · 1m 05s");
    expect(fake.requests.some((r) => r.kind === "run" && (r as Request).run_id === 5)).toBe(true);
    expect(fake.requests.filter((r) => r.kind === "runs").length).toBeGreaterThan(1); // the history refreshed
    tab.destroy();
  });
});

describe("one read, shown everywhere", () => {
  const running = (runId: number, extra: Partial<RunSummary> = {}) =>
    summary(runId, { state: "RUNNING", ended: false, start_time: Date.now() - 7_000, end_time: null, duration_ms: 7_000, ...extra });
  it("ticks the elapsed clock from start_time between two reads", () => {
    vi.useFakeTimers();
    try {
      const start = Date.now() - 7_000;
      tab.progress.update({ kind: "run_progress", run: running(5, { start_time: start, duration_ms: 0 }), done: 0, total: 1, finished: false, root_causes: [] });
      expect(q("[data-role=progress-text]").textContent).toBe("0 of 1 task · 00:07 elapsed · RUNNING");
      vi.advanceTimersByTime(3_000);
      expect(q("[data-role=progress-text]").textContent).toBe("0 of 1 task · 00:10 elapsed · RUNNING");
    } finally {
      vi.useRealTimers();
    }
  });
  it("puts a new run on top of the history and updates its row with each read", () => {
    tab.onProgress({ kind: "run_progress", run: running(2000), done: 0, total: 1, finished: false, root_causes: [] });
    const first = q("tbody tr");
    expect(first.dataset.runId).toBe("2000");
    expect(first.dataset.state).toBe("RUNNING");
    tab.onProgress({ kind: "run_progress", run: running(2000, { state: "TERMINATING" }), done: 0, total: 1, finished: false, root_causes: [] });
    expect(q("tr[data-run-id='2000']").dataset.state).toBe("TERMINATING");
    expect(tab.element.querySelectorAll("tr[data-run-id='2000']").length).toBe(1);
  });
  it("says a cancel is a cancel, not tasks that failed upstream", async () => {
    tab.onProgress({ kind: "run_progress", run: running(2001), done: 0, total: 2, finished: false, root_causes: [] });
    const canceled = summary(2001, { state: "CANCELED", state_message: "Canceled", ended: true });
    fake.replies.run = (m) => ({ kind: "run", request_id: m.request_id, run: { ...canceled, tasks: [taskRun("a", "CANCELED"), taskRun("b", "UPSTREAM_CANCELED", { upstream_only: true })], attempts: [], repair_history: [], latest_repair_id: null } });
    tab.onProgress({ kind: "run_progress", run: canceled, done: 2, total: 2, finished: true, root_causes: [] });
    // The row says it with the strip, before any read of the page.
    expect(q("tr[data-run-id='2001']").dataset.state).toBe("CANCELED");
    await flush();
    const text = q("[data-role=progress-text]").textContent ?? "";
    expect(text.startsWith("Canceled · 2 of 2 tasks")).toBe(true);
    expect(text).not.toContain("upstream");
  });
  it("cancelling the followed run waits for its read rather than reading the history itself", async () => {
    vi.useFakeTimers();
    try {
      tab.onProgress({ kind: "run_progress", run: running(2002), done: 0, total: 1, finished: false, root_causes: [] });
      const before = fake.requests.filter((r) => r.kind === "runs").length;
      tab.cancelRun(2002);
      expect(fake.sent.at(-1)).toEqual({ kind: "cancel_run", run_id: 2002 });
      vi.advanceTimersByTime(2_000);
      expect(fake.requests.filter((r) => r.kind === "runs").length).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("run detail", () => {
  it("marks the root cause apart from the upstream failures and loads a task's output", async () => {
    tab.openRun(7);
    await flush();
    const root = q(".loom-runs-gantt-row[data-task=load]");
    expect(root.dataset.rootCause).toBe("true");
    expect(root.classList.contains("loom-runs-root-cause")).toBe(true);
    expect(root.querySelector("[data-role=root-cause-mark]")).not.toBeNull();
    const upstream = q(".loom-runs-gantt-row[data-task=aggregate]");
    expect(upstream.dataset.upstreamOnly).toBe("true");
    expect(upstream.classList.contains("loom-runs-upstream-only")).toBe(true);
    expect(upstream.querySelector("[data-role=root-cause-mark]")).toBeNull();
    expect(tab.element.querySelectorAll("[data-role=gantt-bar]").length).toBe(2);
    q<HTMLButtonElement>("[data-action=show-root-causes]").click();
    expect(fake.ctx.showTasks).toHaveBeenCalledWith(["load"]);
    root.click();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ kind: "task_output", run_id: 104 });
    expect(q("[data-output=error_trace] pre").textContent).toBe("Traceback...");
  });
  it("repairs: a preview, then the chosen tasks", async () => {
    tab.openRun(7);
    await flush();
    q<HTMLButtonElement>("[data-action=repair]").click();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ kind: "repair_preview", run_id: 7, rerun_dependent_tasks: true });
    expect((fake.requests.at(-1) as Request).rerun_tasks).toBeUndefined();
    expect([...tab.element.querySelectorAll("[data-role=will-rerun] li")].map((li) => li.textContent)).toEqual(["load", "aggregate", "report"]);
    expect([...tab.element.querySelectorAll("[data-role=kept] li")].map((li) => li.textContent)).toEqual(["ingest"]);
    // only load, without dependents
    vi.useFakeTimers();
    for (const key of ["aggregate", "report"]) {
      const box = q<HTMLInputElement>(`[data-role=repair-tasks] input[data-task=${key}]`);
      box.checked = false;
      box.dispatchEvent(new Event("change"));
    }
    const deps = q<HTMLInputElement>("[data-role=rerun-dependents]");
    deps.checked = false;
    deps.dispatchEvent(new Event("change"));
    expect(q<HTMLButtonElement>("[data-action=confirm-repair]").disabled).toBe(true);
    vi.advanceTimersByTime(200);
    vi.useRealTimers();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ kind: "repair_preview", rerun_tasks: ["load"], rerun_dependent_tasks: false });
    const confirm = q<HTMLButtonElement>("[data-action=confirm-repair]");
    expect(confirm.disabled).toBe(false);
    confirm.click();
    expect(fake.sent.at(-1)).toEqual({ kind: "repair", run_id: 7, rerun_tasks: ["load"], rerun_dependent_tasks: false });
  });

  it("shows each task once after retries and repairs, and every task run on demand", async () => {
    const run = failedRun();
    run.state = "SUCCESS";
    const first = taskRun("load", "FAILED", { run_id: 201, attempt_number: 0, attempts: 3 });
    const retry = taskRun("load", "FAILED", { run_id: 202, attempt_number: 1, attempts: 3 });
    const repaired = taskRun("load", "SUCCESS", { run_id: 301, attempt_number: 0, attempts: 3, repair_id: 900, root_cause: false });
    run.tasks = run.tasks.map((t) => (t.task_key === "load" ? repaired : t));
    run.attempts = [first, retry, ...run.tasks];
    run.latest_repair_id = 900;
    fake.replies.run = (m) => ({ kind: "run", request_id: m.request_id, run });
    tab.openRun(7);
    await flush();
    expect(tab.element.querySelectorAll(".loom-runs-gantt-row[data-task=load]").length).toBe(1);
    const row = q(".loom-runs-gantt-row[data-task=load]");
    expect(row.dataset.state).toBe("SUCCESS");
    expect(row.textContent).toContain("×3");
    row.click();
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ kind: "task_output", run_id: 301 });
    const attempts = [...tab.element.querySelectorAll<HTMLElement>("[data-role=attempts] tr[data-run-id]")];
    expect(attempts.map((a) => a.dataset.runId)).toEqual(["201", "202", "301"]);
    expect(attempts[2].querySelector("[data-role=repair-tag]")?.textContent).toBe("repair 900");
    expect(attempts[2].getAttribute("aria-current")).toBe("true");
    attempts[0].click(); // the first, failed attempt's output
    await flush();
    expect(fake.requests.at(-1)).toMatchObject({ kind: "task_output", run_id: 201 });
    expect(attempts[0].getAttribute("aria-current")).toBe("true");
    expect(q("[data-output=error] pre").textContent).toBe("boom");
  });
  it("links out only where a tab can open the page", async () => {
    const page = "https://adb-1.2.azuredatabricks.net/?o=1#job/5/run/7";
    const spark = "https://adb-1.2.azuredatabricks.net/#setting/sparkui/0929-1/driver-26";
    const run = failedRun();
    run.run_page_url = page;
    run.tasks[1] = taskRun("load", "FAILED", { run_page_url: `${page}1`, spark_ui_url: spark });
    run.tasks[0] = taskRun("ingest", "SUCCESS", { run_page_url: "http://127.0.0.1:8123/?o=1#job/5/run/9", spark_ui_url: "#" });
    fake.replies.run = (m) => ({ kind: "run", request_id: m.request_id, run });
    tab.openRun(7);
    await flush();
    expect(q<HTMLAnchorElement>("[data-action=run-page]").href).toBe(page);
    q(".loom-runs-gantt-row[data-task=load]").click();
    await flush();
    expect(q<HTMLAnchorElement>("[data-action=task-run-page]").getAttribute("href")).toBe(`${page}1`);
    expect(q<HTMLAnchorElement>("[data-action=spark-ui]").getAttribute("href")).toBe(spark);
    q(".loom-runs-gantt-row[data-task=ingest]").click();
    await flush();
    expect(q("[data-role=task-pane] [data-action=task-run-page]")).toBeNull();
    expect(q("[data-role=task-pane] [data-action=spark-ui]")).toBeNull();
    // A local workspace's run: no link at all (this view is its page).
    run.run_page_url = "http://127.0.0.1:8123/?o=1#job/5/run/7";
    tab.openRun(8);
    await flush();
    expect(q("[data-action=run-page]")).toBeNull();
    expect([...tab.element.querySelectorAll("a")].filter((a) => !a.getAttribute("href") || a.getAttribute("href") === "#")).toEqual([]);
  });
  it("shows what a notebook printed, its exit value and its error", async () => {
    const notebook = taskOutput({
      task_type: "notebook_task",
      notebook_result: "done",
      notebook_result_truncated: true,
      exported_views: [{ name: "nb", type: "NOTEBOOK", content: "<pre class='loom-cell-output'>rows 42</pre>" }],
    });
    fake.replies.task_output = (m) => ({ kind: "task_output", request_id: m.request_id, output: notebook });
    tab.openRun(7);
    await flush();
    q(".loom-runs-gantt-row[data-task=load]").click();
    await flush();
    expect(q("[data-output=result] pre").textContent).toBe("done");
    expect(q("[data-output=result]").textContent).toContain("truncated");
    expect(q("[data-output=error] pre").textContent).toBe("boom");
    const frame = q<HTMLIFrameElement>("[data-output=printed] iframe[data-role=notebook-export]");
    expect(frame.getAttribute("srcdoc")).toContain("rows 42");
    expect(frame.getAttribute("sandbox")).toBe(""); // the local page runs nothing
    expect(q("[data-role=no-output]")).toBeNull();
  });
});

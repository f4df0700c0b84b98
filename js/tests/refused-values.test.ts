// @vitest-environment jsdom
// A value refused (by Python's edit_error, or by the field itself) stays as typed, marked with its
// message, through redraws, until the user changes it: task forms, the job tabs' forms, the task
// key, the trigger fields.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderSections, taskSections } from "../src/editor/forms";
import "../src/editor/forms/job-kinds";
import type { FormContext, FormHandle, SectionSpec } from "../src/editor/forms";
import { TaskPanel, taskFieldPath } from "../src/editor/panel";
import type { EditOp, JsonPath, ToPython } from "../src/editor/protocol";
import { ScheduleTab } from "../src/editor/schedule-tab";
import { JobTabs, fieldPath } from "../src/editor/tabs";
import type { JobMessage, JobTab, JobTabContext } from "../src/editor/tab-types";

type Change = [JsonPath, unknown];

function mount(task: Record<string, unknown>, sections?: SectionSpec[], usage: Record<string, string[]> = {}) {
  const changes: Change[] = [];
  const edits: EditOp[] = [];
  const container = document.createElement("div");
  document.body.append(container);
  const ctx: FormContext = {
    change: (path, value) => changes.push([path, value]),
    pick: async () => [],
    references: async () => [],
    taskKeys: () => ["a", "b"],
    usage: () => usage,
    edit: (op) => edits.push(op),
  };
  const handle: FormHandle = renderSections(container, sections ?? taskSections(task), task, ctx);
  const field = (path: string): HTMLElement => {
    const el = container.querySelector<HTMLElement>(`[data-path="${path}"]`);
    if (!el) throw new Error(`no ${path}`);
    return el;
  };
  return { container, handle, changes, edits, field };
}

function type(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.focus();
  el.value = text;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

beforeEach(() => document.body.replaceChildren());
afterEach(() => vi.useRealTimers());

describe("a field Python refused", () => {
  const NB = { task_key: "b", notebook_task: { notebook_path: "/b" }, max_retries: 1 };

  it("keeps the text typed, marked with Python's message, through an update", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const input = m.field("notebook_task.notebook_path").querySelector("input")!;
    type(input, "/refused");
    input.blur();
    m.handle.flush();
    expect(m.changes).toEqual([[["notebook_task", "notebook_path"], "/refused"]]);
    expect(m.handle.refuse(["notebook_task", "notebook_path"], "notebook_path: not here")).toBe(true);
    // Leaving the field typed in before the refusal came is no change.
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.blur();
    m.handle.update({ ...NB, max_retries: 2 });
    expect(input.value).toBe("/refused");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(m.field("notebook_task.notebook_path").textContent).toContain("notebook_path: not here");
    // The user changes it: the mark goes, and the value is sent again.
    type(input, "/b2");
    expect(input.getAttribute("aria-invalid")).toBeNull();
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["notebook_task", "notebook_path"], "/b2"]);
    m.handle.update({ ...NB, notebook_task: { notebook_path: "/b2" } });
    expect(input.value).toBe("/b2");
  });

  it("puts the forms' copy back: the same value typed again is sent again", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const input = m.field("notebook_task.notebook_path").querySelector("input")!;
    type(input, "/refused");
    m.handle.flush();
    m.handle.refuse(["notebook_task", "notebook_path"], "refused");
    type(input, "/b");
    m.handle.flush();
    expect(m.changes).toEqual([[["notebook_task", "notebook_path"], "/refused"]]);
    type(input, "/refused");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["notebook_task", "notebook_path"], "/refused"]);
  });

  it("a select keeps the option chosen", () => {
    const m = mount({ task_key: "b", notebook_task: { notebook_path: "/b", source: "WORKSPACE" } });
    const select = m.field("notebook_task.source").querySelector("select")!;
    select.value = "GIT";
    select.dispatchEvent(new Event("input", { bubbles: true }));
    select.dispatchEvent(new Event("change", { bubbles: true }));
    m.handle.refuse(["notebook_task", "source"], "source: refused");
    m.handle.update({ task_key: "b", notebook_task: { notebook_path: "/b", source: "WORKSPACE" } });
    expect(select.value).toBe("GIT");
    expect(select.getAttribute("aria-invalid")).toBe("true");
  });

  it("a path no field shows is not placed", () => {
    const m = mount(NB);
    expect(m.handle.refuse(["nowhere_at_all"], "x")).toBe(false);
  });
});

describe("a job cluster key Python refused", () => {
  const CLUSTER = { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 1 };
  const SETTINGS = {
    job_clusters: [
      { job_cluster_key: "small", new_cluster: CLUSTER },
      { job_cluster_key: "large", new_cluster: CLUSTER },
    ],
  };
  const SECTIONS: SectionSpec[] = [{ id: "clusters", title: "Job clusters", fields: [{ path: ["job_clusters"], label: "Job clusters", kind: "job_clusters" }] }];

  it("stays typed in its card, which keeps its tasks; no swap is sent for a taken key", () => {
    const m = mount(SETTINGS, SECTIONS, { small: ["a"], large: ["b"] });
    const key = () => m.container.querySelector<HTMLInputElement>('.loom-f-card[data-index="0"] [data-part="key"]')!;
    key().value = "large";
    key().dispatchEvent(new Event("change", { bubbles: true }));
    expect(m.changes).toHaveLength(1);
    expect(m.edits).toEqual([]);
    expect(m.handle.refuse(["job_clusters", 0, "job_cluster_key"], "Another job cluster of the job has the key 'large'")).toBe(true);
    const card = m.container.querySelector<HTMLElement>('.loom-f-card[data-index="0"]')!;
    expect(card.dataset.key).toBe("small");
    expect(key().value).toBe("large");
    expect(key().getAttribute("aria-invalid")).toBe("true");
    expect(card.textContent).toContain("has the key 'large'");
    // Python's settings again (an undo of something else), and problems shown: still there.
    m.handle.update(structuredClone(SETTINGS));
    m.handle.showProblems([]);
    expect(key().value).toBe("large");
    expect(key().getAttribute("aria-invalid")).toBe("true");
    expect(m.container.querySelector('.loom-f-card[data-index="0"]')!.textContent).toContain("has the key 'large'");
    // Changed by the user: the mark goes.
    type(key(), "medium");
    expect(key().getAttribute("aria-invalid")).toBeNull();
    expect(m.container.querySelector('.loom-f-card[data-index="0"] .loom-f-refused')).toBeNull();
  });
});

describe("the task key", () => {
  function panel() {
    const sent: [string, string][] = [];
    const p = new TaskPanel({
      setField: () => undefined,
      rename: (key, next) => sent.push([key, next]),
      setType: () => undefined,
      pick: async () => [],
      references: async () => [],
      taskKeys: () => ["a", "b"],
      taskType: () => null,
      close: () => undefined,
    });
    document.body.append(p.element);
    return { p, sent };
  }

  it("a refused rename keeps the name typed through a redraw, until it is changed", () => {
    const { p, sent } = panel();
    p.open("b");
    p.setTask("b", { task_key: "b", notebook_task: { notebook_path: "/b" } });
    const key = p.element.querySelector<HTMLInputElement>('[data-field="task_key"]')!;
    key.focus();
    key.value = "a";
    key.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    expect(sent).toEqual([["b", "a"]]);
    expect(p.showEditError("There is already a task 'a'", "tasks[b].task_key")).toBe(true);
    key.blur();
    expect(sent).toHaveLength(1); // leaving the field does not ask again
    p.setTask("b", { task_key: "b", notebook_task: { notebook_path: "/b2" } });
    expect(key.value).toBe("a");
    expect(key.getAttribute("aria-invalid")).toBe("true");
    expect(p.element.querySelector('[data-role="rename-error"]')!.textContent).toContain("already a task 'a'");
    key.focus();
    key.value = "c";
    key.dispatchEvent(new Event("input"));
    expect(key.getAttribute("aria-invalid")).toBeNull();
    expect(p.element.querySelector('[data-role="rename-error"]')!.textContent).toBe("");
  });

  it("reads the field of a task's edit as a path inside the task", () => {
    expect(taskFieldPath("tasks[b].depends_on")).toEqual(["depends_on"]);
    expect(taskFieldPath("tasks[b].notebook_task.base_parameters")).toEqual(["notebook_task", "base_parameters"]);
    expect(taskFieldPath("task_key")).toEqual(["task_key"]);
    expect(taskFieldPath(null)).toBeNull();
    expect(fieldPath("job_clusters[0].job_cluster_key")).toEqual(["job_clusters", 0, "job_cluster_key"]);
  });
});

describe("the job tabs", () => {
  it("route a refused job-level edit to the tab showing its field", () => {
    const shown: [string, JsonPath][] = [];
    const tab = (id: "details" | "parameters"): JobTab => ({
      id,
      element: document.createElement("div"),
      update: () => undefined,
      showProblems: () => undefined,
      flush: () => undefined,
      destroy: () => undefined,
      showEditError: (message, path) => {
        shown.push([`${id}: ${message}`, path]);
        return { name: "j", job_clusters: [{ job_cluster_key: "small" }] };
      },
    });
    const tabs = new JobTabs({ send: (_: ToPython) => undefined, flushTasks: () => undefined, changed: () => undefined }, [tab("details"), tab("parameters")], document.createElement("div"));
    tabs.lastJob = { kind: "job", settings: { name: "j2", job_clusters: [{ job_cluster_key: "large" }] }, trigger: { kind: "none", pause_status: null, spec: null, note: null }, task_keys: [], job_clusters_in_use: {}, environments_in_use: {} };
    expect(tabs.showEditError("taken", "job_clusters[1].job_cluster_key")).toBe(true);
    // The shell's copy is Python's again at the refused field, and keeps the other edits.
    expect(tabs.lastJob.settings).toEqual({ name: "j2", job_clusters: [{ job_cluster_key: "small" }] });
    expect(tabs.showEditError("twice", "parameters[0].name")).toBe(true);
    expect(tabs.showEditError("nowhere", null)).toBe(false);
    expect(shown).toEqual([
      ["details: taken", ["job_clusters", 1, "job_cluster_key"]],
      ["parameters: twice", ["parameters", 0, "name"]],
    ]);
  });
});

describe("the trigger fields", () => {
  function scheduleTab() {
    const fields: [JsonPath, unknown][] = [];
    const ctx: JobTabContext = {
      edit: () => undefined,
      setJobField: (path, value) => fields.push([path, value]),
      request: () => new Promise(() => undefined),
      send: () => undefined,
      nextId: () => 1,
      notify: () => undefined,
    };
    const tab = new ScheduleTab(ctx);
    document.body.append(tab.element);
    return { tab, fields };
  }
  const periodic = (interval: number): JobMessage => ({
    kind: "job",
    settings: { trigger: { pause_status: "UNPAUSED", periodic: { interval, unit: "DAYS" } } },
    trigger: { kind: "periodic", pause_status: "UNPAUSED", spec: { interval, unit: "DAYS" }, note: null },
    task_keys: [],
    job_clusters_in_use: {},
    environments_in_use: {},
  });
  const none: JobMessage = { kind: "job", settings: {}, trigger: { kind: "none", pause_status: null, spec: null, note: null }, task_keys: [], job_clusters_in_use: {}, environments_in_use: {} };

  it("an interval that is not a whole number stays, marked and named, through redraws and kinds", () => {
    vi.useFakeTimers();
    const { tab, fields } = scheduleTab();
    tab.update(periodic(1));
    const input = () => tab.element.querySelector<HTMLInputElement>('[data-field="trigger.periodic.interval"]')!;
    type(input(), "1.5");
    input().blur();
    vi.advanceTimersByTime(400);
    expect(fields).toEqual([]);
    const message = () => tab.element.querySelector('[data-role="local-error"]')!.textContent;
    expect(message()).toContain("trigger.periodic.interval");
    tab.update(periodic(1));
    expect(input().value).toBe("1.5");
    expect(input().getAttribute("aria-invalid")).toBe("true");
    // Another kind and back: the form is drawn again, with the text refused.
    tab.update(none);
    tab.update(periodic(1));
    expect(input().value).toBe("1.5");
    expect(message()).toContain("not “1.5”");
    type(input(), "2");
    vi.advanceTimersByTime(400);
    expect(fields).toEqual([[["trigger", "periodic", "interval"], 2]]);
    expect(input().getAttribute("aria-invalid")).toBeNull();
    input().blur();
    tab.update(periodic(2));
    expect(input().value).toBe("2");
  });

  it("an unknown time zone is marked at its input and named", () => {
    const { tab } = scheduleTab();
    const schedule = { quartz_cron_expression: "0 0 6 * * ?", timezone_id: "Mars/Olympus", pause_status: "UNPAUSED" };
    tab.update({ kind: "job", settings: { schedule }, trigger: { kind: "scheduled", pause_status: "UNPAUSED", spec: schedule, note: null }, task_keys: [], job_clusters_in_use: {}, environments_in_use: {} });
    const zone = tab.element.querySelector<HTMLInputElement>('[data-role="tz-input"]')!;
    expect(zone.getAttribute("aria-invalid")).toBeNull(); // the zones are not known yet
    // @ts-expect-error: the zones arrive through the tab's request; set them as it would
    tab.sched.setZones([{ id: "UTC", label: "UTC", offset: "+00:00", alias_of: null, note: null }]);
    expect(zone.value).toBe("Mars/Olympus");
    expect(zone.getAttribute("aria-invalid")).toBe("true");
    expect(tab.element.querySelector('[data-role="tz-unknown"]')!.textContent).toContain("schedule.timezone_id");
  });
});

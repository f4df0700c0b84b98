// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderSections, taskSections } from "../src/editor/forms";
import type { FormContext, FormHandle } from "../src/editor/forms";
import type { Choice, JsonPath, PickerKind, Problem } from "../src/editor/protocol";

type Change = [JsonPath, unknown];

function mount(task: Record<string, unknown>, opts: { keys?: string[]; pick?: (what: PickerKind, o?: { path?: string; query?: string }) => Promise<Choice[]> } = {}) {
  const changes: Change[] = [];
  const container = document.createElement("div");
  document.body.append(container);
  const ctx: FormContext = {
    change: (path, value) => changes.push([path, value]),
    pick: opts.pick ?? (async () => []),
    references: async () => [
      { reference: "{{job.id}}", description: "The job ID" },
      { reference: "{{job.parameters.env}}", description: "Job parameter env" },
    ],
    taskKeys: () => opts.keys ?? ["ingest", "check", "load"],
  };
  const handle: FormHandle = renderSections(container, taskSections(task), task, ctx);
  const q = <T extends Element = HTMLElement>(sel: string): T => {
    const el = container.querySelector<T>(sel);
    if (!el) throw new Error(`no ${sel}`);
    return el;
  };
  const field = (path: string): HTMLElement => q(`[data-path="${path}"]`);
  const input = (path: string): HTMLInputElement => field(path).querySelector("input, textarea, select") as HTMLInputElement;
  return { container, handle, changes, ctx, q, field, input };
}

function type(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.focus();
  el.value = text;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}
function choose(el: HTMLSelectElement | HTMLInputElement, value: string | boolean): void {
  if (typeof value === "boolean") (el as HTMLInputElement).checked = value;
  else el.value = value;
  el.dispatchEvent(new Event("change", { bubbles: true }));
}
const flushMicro = () => new Promise((r) => setTimeout(r, 0));

const NB = { task_key: "etl", notebook_task: { notebook_path: "/Users/me/etl", base_parameters: { env: "dev", n: "1" } }, job_cluster_key: "main", max_retries: 2 };

beforeEach(() => {
  document.body.replaceChildren();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("text fields", () => {
  it("sends after the debounce, with the right path", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const el = m.input("notebook_task.notebook_path");
    expect(el.value).toBe("/Users/me/etl");
    type(el, "/Users/me/load");
    vi.advanceTimersByTime(100);
    expect(m.changes).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(m.changes).toEqual([[["notebook_task", "notebook_path"], "/Users/me/load"]]);
  });

  it("handle.flush() sends at once, and only once", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    type(m.input("notebook_task.notebook_path"), "/x");
    m.handle.flush();
    expect(m.changes).toEqual([[["notebook_task", "notebook_path"], "/x"]]);
    vi.advanceTimersByTime(1000);
    expect(m.changes).toHaveLength(1);
  });

  it("blur and Enter flush", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const el = m.input("notebook_task.notebook_path");
    type(el, "/a");
    el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(m.changes.at(-1)).toEqual([["notebook_task", "notebook_path"], "/a"]);
    type(el, "/b");
    el.blur();
    expect(m.changes.at(-1)).toEqual([["notebook_task", "notebook_path"], "/b"]);
  });

  it("empty optional text deletes, empty required text sends an empty string", () => {
    vi.useFakeTimers();
    const m = mount({ ...NB, description: "hello", notebook_task: { ...NB.notebook_task, warehouse_id: "w1" } });
    type(m.input("notebook_task.warehouse_id"), "");
    type(m.input("notebook_task.notebook_path"), "");
    type(m.input("description"), "");
    m.handle.flush();
    expect(m.changes).toContainEqual([["notebook_task", "warehouse_id"], undefined]);
    expect(m.changes).toContainEqual([["notebook_task", "notebook_path"], ""]);
    expect(m.changes).toContainEqual([["description"], undefined]);
  });

  it("does not send a value that did not change", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    type(m.input("notebook_task.notebook_path"), "/Users/me/etl");
    m.handle.flush();
    expect(m.changes).toEqual([]);
  });

  it("labels every control", () => {
    const m = mount({ ...NB, depends_on: [{ task_key: "ingest" }], libraries: [{ pypi: { package: "x" } }], email_notifications: { on_failure: ["a@b.c"] } });
    const controls = Array.from(m.container.querySelectorAll<HTMLElement>("input, select, textarea"));
    expect(controls.length).toBeGreaterThan(20);
    for (const c of controls) {
      const labelled = (c.id && m.container.querySelector(`label[for="${c.id}"]`)) || c.getAttribute("aria-label") || c.getAttribute("aria-labelledby");
      expect(labelled, c.outerHTML).toBeTruthy();
    }
    expect(m.field("notebook_task.notebook_path").dataset.kind).toBe("picker");
  });
});

describe("numbers and conversions", () => {
  it("an invalid number is shown inline and not sent", () => {
    vi.useFakeTimers();
    const m = mount({ task_key: "loop", for_each_task: { inputs: "[1]", concurrency: 2, task: { task_key: "i", notebook_task: { notebook_path: "/n" } } } });
    const el = m.input("for_each_task.concurrency");
    type(el, "abc");
    m.handle.flush();
    expect(m.changes).toEqual([]);
    expect(m.field("for_each_task.concurrency").textContent).toContain("Enter a whole number");
    expect(el.getAttribute("aria-invalid")).toBe("true");
    type(el, "500");
    m.handle.flush();
    expect(m.changes).toEqual([]);
    type(el, "8");
    m.handle.flush();
    expect(m.changes).toEqual([[["for_each_task", "concurrency"], 8]]);
    expect(el.getAttribute("aria-invalid")).toBeNull();
    type(el, "");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["for_each_task", "concurrency"], undefined]);
  });

  it("run_job_task.job_id is sent as a number", () => {
    vi.useFakeTimers();
    const m = mount({ task_key: "r", run_job_task: { job_id: 12 } });
    const el = m.input("run_job_task.job_id");
    expect(el.value).toBe("12");
    type(el, "875307392109044");
    m.handle.flush();
    expect(m.changes).toEqual([[["run_job_task", "job_id"], 875307392109044]]);
  });

  it("min_retry_interval_millis is shown in minutes and stored in ms", () => {
    vi.useFakeTimers();
    const m = mount({ ...NB, min_retry_interval_millis: 120000 });
    const f = m.field("min_retry_interval_millis");
    const amount = f.querySelector("input") as HTMLInputElement;
    const unit = f.querySelector("select") as HTMLSelectElement;
    expect([amount.value, unit.value]).toEqual(["2", "min"]);
    type(amount, "5");
    m.handle.flush();
    expect(m.changes).toEqual([[["min_retry_interval_millis"], 300000]]);
    choose(unit, "s");
    expect(m.changes.at(-1)).toEqual([["min_retry_interval_millis"], 5000]);
  });

  it("max_retries: retry indefinitely is -1", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const f = m.field("max_retries");
    const [count, forever] = Array.from(f.querySelectorAll("input"));
    expect(count.value).toBe("2");
    choose(forever, true);
    expect(m.changes.at(-1)).toEqual([["max_retries"], -1]);
    expect(count.disabled).toBe(true);
    choose(forever, false);
    expect(m.changes.at(-1)).toEqual([["max_retries"], undefined]);
  });

  it("health: the duration rule is merged, other rules kept", () => {
    vi.useFakeTimers();
    const other = { metric: "STREAMING_BACKLOG_SECONDS", op: "GREATER_THAN", value: 60 };
    const m = mount({ ...NB, health: { rules: [other] } });
    const f = m.field("health");
    const amount = f.querySelector("input") as HTMLInputElement;
    choose(f.querySelector("select") as HTMLSelectElement, "min");
    type(amount, "30");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["health"], { rules: [other, { metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: 1800 }] }]);
    expect(f.textContent).toContain("streaming backlog seconds > 60");
    type(amount, "");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["health"], { rules: [other] }]);
  });
});

describe("selects and booleans", () => {
  it("run_if: the default deletes the field", () => {
    const m = mount({ ...NB, run_if: "ALL_DONE" });
    const sel = m.input("run_if") as unknown as HTMLSelectElement;
    expect(sel.value).toBe("ALL_DONE");
    expect(Array.from(sel.options).map((o) => o.textContent)).toContain("At least one failed");
    choose(sel, "ALL_SUCCESS");
    expect(m.changes).toEqual([[["run_if"], undefined]]);
    choose(sel, "NONE_FAILED");
    expect(m.changes.at(-1)).toEqual([["run_if"], "NONE_FAILED"]);
  });
  it("an unknown enum value is kept visible", () => {
    const m = mount({ ...NB, run_if: "SOMETHING_NEW" });
    expect((m.input("run_if") as unknown as HTMLSelectElement).value).toBe("SOMETHING_NEW");
  });
  it("unchecking a boolean deletes it", () => {
    const m = mount({ pipeline_task: { pipeline_id: "p", full_refresh: true } });
    const box = m.input("pipeline_task.full_refresh");
    expect(box.checked).toBe(true);
    choose(box, false);
    expect(m.changes).toEqual([[["pipeline_task", "full_refresh"], undefined]]);
    choose(box, true);
    expect(m.changes.at(-1)).toEqual([["pipeline_task", "full_refresh"], true]);
  });
});

describe("lists and maps send whole values", () => {
  it("key_value: edit, add, rename, remove", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const f = m.field("notebook_task.base_parameters");
    const rows = () => Array.from(f.querySelectorAll<HTMLElement>(".loom-f-row"));
    expect(rows()).toHaveLength(2);
    const val = rows()[0].querySelector('[data-part="value"]') as HTMLInputElement;
    type(val, "prod");
    vi.advanceTimersByTime(300);
    expect(m.changes.at(-1)).toEqual([["notebook_task", "base_parameters"], { env: "prod", n: "1" }]);
    const key = rows()[1].querySelector('[data-part="key"]') as HTMLInputElement;
    type(key, "count");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["notebook_task", "base_parameters"], { env: "prod", count: "1" }]);
    (f.querySelector(".loom-f-add") as HTMLButtonElement).click();
    expect(rows()).toHaveLength(3);
    type(rows()[2].querySelector('[data-part="key"]') as HTMLInputElement, "day");
    type(rows()[2].querySelector('[data-part="value"]') as HTMLInputElement, "{{job.start_time.iso_date}}");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["notebook_task", "base_parameters"], { env: "prod", count: "1", day: "{{job.start_time.iso_date}}" }]);
    (rows()[0].querySelector(".loom-f-remove") as HTMLButtonElement).click();
    expect(m.changes.at(-1)).toEqual([["notebook_task", "base_parameters"], { count: "1", day: "{{job.start_time.iso_date}}" }]);
  });

  it("key_value: a duplicate key is an inline error, not sent", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const f = m.field("notebook_task.base_parameters");
    type(f.querySelectorAll<HTMLInputElement>('[data-part="key"]')[1], "env");
    m.handle.flush();
    expect(m.changes).toEqual([]);
    expect(f.textContent).toContain('The key "env" is there twice');
  });

  it("key_value: removing the last row deletes the map", () => {
    const m = mount({ notebook_task: { notebook_path: "/n", base_parameters: { a: "1" } } });
    (m.field("notebook_task.base_parameters").querySelector(".loom-f-remove") as HTMLButtonElement).click();
    expect(m.changes).toEqual([[["notebook_task", "base_parameters"], undefined]]);
  });

  it("string_list sends the whole list", () => {
    vi.useFakeTimers();
    const m = mount({ spark_python_task: { python_file: "/a.py", parameters: ["--x", "1"] } });
    const f = m.field("spark_python_task.parameters");
    type(f.querySelectorAll<HTMLInputElement>("input")[1], "2");
    m.handle.flush();
    expect(m.changes).toEqual([[["spark_python_task", "parameters"], ["--x", "2"]]]);
    (f.querySelector(".loom-f-add") as HTMLButtonElement).click();
    type(f.querySelectorAll<HTMLInputElement>("input")[2], "--y");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["spark_python_task", "parameters"], ["--x", "2", "--y"]]);
  });

  it("depends_on: add, change outcome, remove; keeps unknown keys", () => {
    const m = mount({ ...NB, depends_on: [{ task_key: "ingest", extra: 1 }] });
    const f = m.field("depends_on");
    (f.querySelector(".loom-f-add") as HTMLButtonElement).click();
    expect(m.changes.at(-1)).toEqual([["depends_on"], [{ task_key: "ingest", extra: 1 }, { task_key: "check" }]]);
    choose(f.querySelectorAll<HTMLSelectElement>('[data-part="outcome"]')[1], "true");
    expect(m.changes.at(-1)).toEqual([["depends_on"], [{ task_key: "ingest", extra: 1 }, { task_key: "check", outcome: "true" }]]);
    choose(f.querySelectorAll<HTMLSelectElement>('[data-part="task"]')[0], "load");
    expect(m.changes.at(-1)).toEqual([["depends_on"], [{ task_key: "load", extra: 1 }, { task_key: "check", outcome: "true" }]]);
    for (const b of Array.from(f.querySelectorAll<HTMLButtonElement>(".loom-f-remove"))) b.click();
    expect(m.changes.at(-1)).toEqual([["depends_on"], undefined]);
  });

  it("depends_on offers an outcome only after a condition task", () => {
    const m = mount({ ...NB, depends_on: [{ task_key: "ingest" }, { task_key: "check" }] });
    m.handle.destroy();
    m.container.replaceChildren();
    const task = { ...NB, depends_on: [{ task_key: "ingest" }, { task_key: "check" }] };
    const types: Record<string, string> = { ingest: "notebook_task", check: "condition_task", load: "sql_task" };
    renderSections(m.container, taskSections(task), task, { ...m.ctx, taskType: (key) => types[key] ?? null });
    const outcomes = () => Array.from(m.container.querySelectorAll<HTMLSelectElement>('[data-part="outcome"]'));
    expect(outcomes().map((o) => o.hidden)).toEqual([true, false]);
    // Switching the condition row to a task that is no condition drops its outcome.
    choose(outcomes()[1], "true");
    const rows = m.container.querySelectorAll<HTMLSelectElement>('[data-part="task"]');
    choose(rows[1], "load");
    expect(outcomes()[1].hidden).toBe(true);
    expect(m.changes.at(-1)).toEqual([["depends_on"], [{ task_key: "ingest" }, { task_key: "load" }]]);
  });

  it("depends_on shows a task that is not in the job", () => {
    const m = mount({ ...NB, depends_on: [{ task_key: "gone" }] });
    const sel = m.field("depends_on").querySelector('[data-part="task"]') as HTMLSelectElement;
    expect(sel.value).toBe("gone");
    expect(sel.selectedOptions[0].textContent).toContain("missing");
  });

  it("webhooks: lists of {id}, at most 3", () => {
    vi.useFakeTimers();
    const m = mount({ ...NB, webhook_notifications: { on_failure: [{ id: "a" }, { id: "b" }] } });
    const f = m.field("webhook_notifications.on_failure");
    const add = f.querySelector(".loom-f-add") as HTMLButtonElement;
    expect(f.textContent).toContain("2 / 3");
    add.click();
    expect(add.disabled).toBe(true);
    type(f.querySelectorAll<HTMLInputElement>("input")[2], "c");
    m.handle.flush();
    expect(m.changes).toEqual([[["webhook_notifications", "on_failure"], [{ id: "a" }, { id: "b" }, { id: "c" }]]]);
  });

  it("emails per event and notification settings", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const f = m.field("email_notifications.on_failure");
    (f.querySelector(".loom-f-add") as HTMLButtonElement).click();
    type(f.querySelector("input") as HTMLInputElement, "me@example.com");
    m.handle.flush();
    expect(m.changes).toEqual([[["email_notifications", "on_failure"], ["me@example.com"]]]);
    choose(m.input("notification_settings.alert_on_last_attempt"), true);
    expect(m.changes.at(-1)).toEqual([["notification_settings", "alert_on_last_attempt"], true]);
  });

  it("libraries: edit a row, change its type, unknown rows kept as JSON", () => {
    vi.useFakeTimers();
    const odd = { pypi: { package: "x", weird: true } };
    const m = mount({ ...NB, libraries: [{ pypi: { package: "requests" } }, odd] });
    const f = m.field("libraries");
    const rows = () => Array.from(f.querySelectorAll<HTMLElement>(".loom-f-row"));
    expect(rows()[1].dataset.kind).toBe("");
    type(rows()[0].querySelector('[data-part="main"]') as HTMLInputElement, "requests==2.32.0");
    m.handle.flush();
    expect(m.changes.at(-1)).toEqual([["libraries"], [{ pypi: { package: "requests==2.32.0" } }, odd]]);
    choose(rows()[0].querySelector('[data-part="kind"]') as HTMLSelectElement, "whl");
    expect(m.changes.at(-1)).toEqual([["libraries"], [{ whl: "requests==2.32.0" }, odd]]);
  });
});

describe("compute", () => {
  it("switching deletes the other compute fields", () => {
    const m = mount({ ...NB, environment_key: "x" });
    const f = m.field("");
    expect(f.dataset.kind).toBe("compute");
    const radio = (v: string) => f.querySelector<HTMLInputElement>(`input[value="${v}"]`)!;
    expect(radio("job_cluster").checked).toBe(true);
    choose(radio("serverless"), true);
    expect(m.changes).toEqual([[["job_cluster_key"], undefined]]);
    expect(m.container.querySelector('[data-path="environment_key"]')).not.toBeNull();
    choose(radio("existing_cluster"), true);
    expect(m.changes.slice(1)).toEqual([
      [["environment_key"], undefined],
      [["existing_cluster_id"], ""],
    ]);
    expect(m.container.querySelector('[data-path="existing_cluster_id"]')).not.toBeNull();
    choose(radio("new_cluster"), true);
    expect(m.changes.slice(3)).toEqual([
      [["existing_cluster_id"], undefined],
      [["new_cluster"], {}],
    ]);
    expect(m.container.querySelector('[data-path="new_cluster.spark_version"]')).not.toBeNull();
  });

  it("new cluster: fixed workers to autoscale", () => {
    const m = mount({ notebook_task: { notebook_path: "/n" }, new_cluster: { spark_version: "15.4.x", num_workers: 2, aws_attributes: {} } });
    expect(m.input("new_cluster.num_workers").value).toBe("2");
    expect(m.container.textContent).toContain("Also kept as they are: aws_attributes");
    const auto = m.container.querySelector<HTMLInputElement>('input[value="autoscale"]')!;
    choose(auto, true);
    expect(m.changes).toEqual([
      [["new_cluster", "num_workers"], undefined],
      [["new_cluster", "autoscale"], { min_workers: 2, max_workers: 4 }],
    ]);
    expect(m.input("new_cluster.autoscale.max_workers").value).toBe("4");
  });

  it("nested for_each compute uses prefixed paths", () => {
    const m = mount({ task_key: "loop", for_each_task: { inputs: "[1]", task: { task_key: "i", notebook_task: { notebook_path: "/n" }, existing_cluster_id: "c1" } } });
    expect(m.input("for_each_task.task.existing_cluster_id").value).toBe("c1");
    const f = m.field("for_each_task.task");
    expect(f).toBeTruthy();
    const compute = m.container.querySelector<HTMLElement>('[data-kind="compute"]')!;
    choose(compute.querySelector<HTMLInputElement>('input[value="job_cluster"]')!, true);
    expect(m.changes).toEqual([
      [["for_each_task", "task", "existing_cluster_id"], undefined],
      [["for_each_task", "task", "job_cluster_key"], ""],
    ]);
  });

  it("no compute for a condition task", () => {
    const m = mount({ condition_task: { op: "EQUAL_TO", left: "a", right: "b" } });
    expect(m.container.querySelector('[data-kind="compute"]')).toBeNull();
  });
});

describe("variants and JSON", () => {
  it("sql_task: switching the kind replaces the sub-object", () => {
    const m = mount({ sql_task: { warehouse_id: "w", query: { query_id: "q1" } } });
    expect(m.input("sql_task.query.query_id").value).toBe("q1");
    const file = m.container.querySelector<HTMLInputElement>('[data-path="sql_task"] input[value="file"]')!;
    choose(file, true);
    expect(m.changes).toEqual([
      [["sql_task", "query"], undefined],
      [["sql_task", "file"], {}],
    ]);
    expect(m.container.querySelector('[data-path="sql_task.file.path"]')).not.toBeNull();
    expect(m.container.querySelector('[data-path="sql_task.query.query_id"]')).toBeNull();
  });

  it("unknown type: JSON editing its body, parse errors inline and not sent", () => {
    vi.useFakeTimers();
    const m = mount({ task_key: "x", future_task: { a: 1 } });
    const area = m.input("future_task") as unknown as HTMLTextAreaElement;
    expect(JSON.parse(area.value)).toEqual({ a: 1 });
    type(area, "{ broken");
    m.handle.flush();
    expect(m.changes).toEqual([]);
    expect(m.field("future_task").textContent).toContain("Not valid JSON");
    type(area, '{"a": 2, "b": [1]}');
    m.handle.flush();
    expect(m.changes).toEqual([[["future_task"], { a: 2, b: [1] }]]);
  });

  it("nested task type change redraws the nested form", async () => {
    const m = mount({ task_key: "loop", for_each_task: { inputs: "[1]", task: { task_key: "i", notebook_task: { notebook_path: "/n" } } } });
    const sel = m.field("for_each_task.task").querySelector("select") as HTMLSelectElement;
    choose(sel, "sql_task");
    expect(m.changes).toEqual([
      [["for_each_task", "task", "notebook_task"], undefined],
      [["for_each_task", "task", "sql_task"], {}],
    ]);
    await flushMicro();
    expect(m.container.querySelector('[data-path="for_each_task.task.sql_task.warehouse_id"]')).not.toBeNull();
    expect(m.container.querySelector('[data-path="for_each_task.task.notebook_task.notebook_path"]')).toBeNull();
  });
});

describe("refused values", () => {
  it("a JSON field keeps the text it refused, marked, through an update from Python", () => {
    vi.useFakeTimers();
    const m = mount({ task_key: "x", future_task: { a: 1 } });
    const area = m.input("future_task") as unknown as HTMLTextAreaElement;
    type(area, "{ broken");
    area.blur();
    m.handle.flush();
    m.handle.update({ task_key: "x", future_task: { a: 1 }, max_retries: 3 });
    expect(area.value).toBe("{ broken");
    expect(m.field("future_task").classList.contains("loom-f-invalid")).toBe(true);
    expect(area.getAttribute("aria-invalid")).toBe("true");
    expect(m.field("future_task").textContent).toContain("Not valid JSON");
    expect(m.changes).toEqual([]);
    // Fixed by the user: sent, and updates show Python's value again.
    type(area, '{"a": 2}');
    m.handle.flush();
    expect(m.changes).toEqual([[["future_task"], { a: 2 }]]);
    expect(m.field("future_task").classList.contains("loom-f-invalid")).toBe(false);
  });

  it("a number and a key/value list keep what they refused through an update", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const retries = m.field("max_retries").querySelector("input")!;
    type(retries, "two");
    m.handle.flush();
    const f = m.field("notebook_task.base_parameters");
    const key = f.querySelector<HTMLInputElement>('[data-part="key"]')!;
    type(key, "");
    m.handle.flush();
    m.handle.update({ ...NB, timeout_seconds: 60 });
    expect(retries.value).toBe("two");
    expect(m.field("max_retries").classList.contains("loom-f-invalid")).toBe(true);
    expect(f.querySelector<HTMLInputElement>('[data-part="key"]')!.value).toBe("");
    expect(f.textContent).toContain("Every value needs a key");
    expect(m.changes).toEqual([]);
  });
});

describe("update", () => {
  it("redraws values", () => {
    const m = mount(NB);
    m.handle.update({ ...NB, notebook_task: { notebook_path: "/new", base_parameters: { z: "9" } }, max_retries: 5 });
    expect(m.input("notebook_task.notebook_path").value).toBe("/new");
    expect(m.field("notebook_task.base_parameters").querySelector<HTMLInputElement>('[data-part="key"]')!.value).toBe("z");
    expect(m.field("max_retries").querySelector("input")!.value).toBe("5");
  });

  it("does not clobber a focused field whose edit is pending", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const el = m.input("notebook_task.notebook_path");
    type(el, "/typing");
    expect(document.activeElement).toBe(el);
    m.handle.update({ ...NB, notebook_task: { ...NB.notebook_task, notebook_path: "/from-python" }, max_retries: 7 });
    expect(el.value).toBe("/typing");
    expect(document.activeElement).toBe(el);
    expect(m.field("max_retries").querySelector("input")!.value).toBe("7");
    vi.advanceTimersByTime(300);
    expect(m.changes).toEqual([[["notebook_task", "notebook_path"], "/typing"]]);
  });

  it("does not clobber a focused key_value row being typed in", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    const f = m.field("notebook_task.base_parameters");
    const val = f.querySelector<HTMLInputElement>('[data-part="value"]')!;
    type(val, "pending");
    m.handle.update({ ...NB, notebook_task: { ...NB.notebook_task, base_parameters: { other: "x" } } });
    expect(val.isConnected).toBe(true);
    expect(val.value).toBe("pending");
  });

  it("restructures when the type changes", () => {
    const m = mount(NB);
    m.handle.update({ task_key: "etl", sql_task: { warehouse_id: "w" } });
    expect(m.container.querySelector('[data-path="sql_task.warehouse_id"]')).not.toBeNull();
    expect(m.container.querySelector('[data-kind="compute"]')).toBeNull();
  });
});

describe("showProblems", () => {
  const problem = (path: JsonPath | null, message: string, severity: "error" | "warning" = "error"): Problem => ({ code: "x", severity, message, task_key: "etl", field: null, path });

  it("puts a message at its field and marks it invalid", () => {
    const m = mount(NB);
    m.handle.showProblems([problem(["notebook_task", "notebook_path"], "The notebook does not exist")]);
    const f = m.field("notebook_task.notebook_path");
    expect(f.textContent).toContain("The notebook does not exist");
    expect(f.classList.contains("loom-f-invalid")).toBe(true);
    expect(m.input("notebook_task.notebook_path").getAttribute("aria-invalid")).toBe("true");
    m.handle.showProblems([]);
    expect(f.textContent).not.toContain("The notebook does not exist");
    expect(m.input("notebook_task.notebook_path").getAttribute("aria-invalid")).toBeNull();
  });

  it("uses the nearest field whose path is a prefix; marks list rows", () => {
    const m = mount({ ...NB, depends_on: [{ task_key: "ingest" }, { task_key: "nope" }] });
    m.handle.showProblems([problem(["depends_on", 1, "task_key"], "No task named nope"), problem(["notebook_task", "base_parameters", "env"], "Bad env", "warning")]);
    const deps = m.field("depends_on");
    expect(deps.textContent).toContain("No task named nope");
    const rows = deps.querySelectorAll(".loom-f-row");
    expect(rows[1].classList.contains("loom-f-row-invalid")).toBe(true);
    expect(rows[1].querySelector("select")!.getAttribute("aria-invalid")).toBe("true");
    expect(rows[0].querySelector("select")!.getAttribute("aria-invalid")).toBeNull();
    const params = m.field("notebook_task.base_parameters");
    expect(params.textContent).toContain("Bad env");
    expect(params.querySelector(".loom-f-row")!.classList.contains("loom-f-row-warned")).toBe(true);
    m.handle.showProblems([]);
    expect(rows[1].querySelector("select")!.getAttribute("aria-invalid")).toBeNull();
    expect(deps.querySelector(".loom-f-row-invalid")).toBeNull();
  });

  it("lists problems without a field at the top; counts in section headers", () => {
    const m = mount(NB);
    m.handle.showProblems([problem(null, "Job-wide problem"), problem(["not_a_field"], "Unknown place"), problem(["timeout_seconds"], "Too long")]);
    const top = m.q(".loom-f-top-problems");
    expect(top.hidden).toBe(false);
    expect(top.textContent).toContain("Job-wide problem");
    expect(top.textContent).toContain("Unknown place");
    expect(top.textContent).not.toContain("Too long");
    const badge = m.q('[data-section="retries"] .loom-f-badge');
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe("1");
  });

  it("compute problems go to the compute sub-field", () => {
    const m = mount(NB);
    m.handle.showProblems([problem(["job_cluster_key"], "No job cluster main")]);
    expect(m.field("job_cluster_key").textContent).toContain("No job cluster main");
  });
});

describe("pickers and references", () => {
  it("Browse lists folders, browses into them, and a file sets the value", async () => {
    const calls: unknown[] = [];
    const m = mount(NB, {
      pick: async (what, o) => {
        calls.push([what, o]);
        if (o?.path === "/Users/me/sub") return [{ value: "/Users/me/sub/nb", label: "nb" }];
        return [
          { value: "/Users/me/sub", label: "sub", is_dir: true },
          { value: "/Users/me/etl", label: "etl" },
        ];
      },
    });
    const f = m.field("notebook_task.notebook_path");
    (f.querySelector(".loom-f-browse") as HTMLButtonElement).click();
    await flushMicro();
    expect(calls[0]).toEqual(["notebook", { path: "/Users/me" }]);
    const items = () => Array.from(f.querySelectorAll<HTMLElement>(".loom-f-popup-item"));
    items().find((li) => li.textContent?.includes("sub"))!.click();
    await flushMicro();
    expect(calls[1]).toEqual(["notebook", { path: "/Users/me/sub" }]);
    items().find((li) => li.textContent?.includes("nb"))!.click();
    expect(m.changes).toEqual([[["notebook_task", "notebook_path"], "/Users/me/sub/nb"]]);
    expect(f.querySelector(".loom-f-popup")).toBeNull();
  });

  it("a job picker filters by query and keyboard picks", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const calls: unknown[] = [];
    const m = mount({ run_job_task: { job_id: 1 } }, {
      pick: async (what, o) => {
        calls.push([what, o]);
        return [{ value: "42", label: "Nightly", detail: "42" }];
      },
    });
    const f = m.field("run_job_task.job_id");
    (f.querySelector(".loom-f-browse") as HTMLButtonElement).click();
    const filter = f.querySelector<HTMLInputElement>(".loom-f-popup-filter")!;
    expect(document.activeElement).toBe(filter);
    type(filter, "night");
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.at(-1)).toEqual(["job", { query: "night" }]);
    filter.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(m.changes).toEqual([[["run_job_task", "job_id"], 42]]);
  });

  it("{ } inserts the reference at the caret", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const m = mount({ condition_task: { op: "EQUAL_TO", left: "ab", right: "x" } });
    const f = m.field("condition_task.left");
    const input = m.input("condition_task.left");
    input.focus();
    input.setSelectionRange(1, 1);
    (f.querySelector(".loom-f-ref-btn") as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(0);
    const filter = f.querySelector<HTMLInputElement>(".loom-f-popup-filter")!;
    type(filter, "env");
    expect(f.querySelectorAll(".loom-f-popup-item")).toHaveLength(1);
    filter.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(input.value).toBe("a{{job.parameters.env}}b");
    expect(document.activeElement).toBe(input);
    await vi.advanceTimersByTimeAsync(300);
    expect(m.changes).toEqual([[["condition_task", "left"], "a{{job.parameters.env}}b"]]);
  });

  it("Escape closes the list and returns focus", async () => {
    const m = mount(NB);
    const f = m.field("notebook_task.notebook_path");
    (f.querySelector(".loom-f-browse") as HTMLButtonElement).click();
    const filter = f.querySelector<HTMLInputElement>(".loom-f-popup-filter")!;
    filter.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(f.querySelector(".loom-f-popup")).toBeNull();
    expect(document.activeElement).toBe(m.input("notebook_task.notebook_path"));
  });
});

describe("destroy", () => {
  it("removes the form and sends nothing afterwards", () => {
    vi.useFakeTimers();
    const m = mount(NB);
    type(m.input("notebook_task.notebook_path"), "/x");
    m.handle.destroy();
    vi.advanceTimersByTime(1000);
    expect(m.changes).toEqual([]);
    expect(m.container.children).toHaveLength(0);
  });
});

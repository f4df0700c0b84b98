// @vitest-environment jsdom
// The Dashboard task's form (dashboard_task) beside the SQL task's legacy dashboard, and the field
// names listed under the JSON box of a task type without a form.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { KNOWN_TASK_TYPES, renderSections, taskSections, DEBOUNCE_MS } from "../src/editor/forms";
import type { FieldSpec, FormContext, SectionSpec } from "../src/editor/forms";
import type { JsonPath, PickerKind } from "../src/editor/protocol";
import { TASK_FIELDS } from "../src/generated/task-types";

type Change = [JsonPath, unknown];

function mount(task: Record<string, unknown>) {
  const changes: Change[] = [];
  const picked: PickerKind[] = [];
  const container = document.createElement("div");
  document.body.append(container);
  const ctx: FormContext = {
    change: (path, value) => changes.push([path, value]),
    pick: async (what) => {
      picked.push(what);
      return [];
    },
    references: async () => [],
    taskKeys: () => [],
  };
  const handle = renderSections(container, taskSections(task), task, ctx);
  const field = (path: string): HTMLElement => {
    const el = container.querySelector<HTMLElement>(`[data-path="${path}"]`);
    if (!el) throw new Error(`no field ${path}`);
    return el;
  };
  return { container, handle, changes, picked, field };
}

function allFields(sections: SectionSpec[]): FieldSpec[] {
  return sections.flatMap((s) => s.fields.flatMap((f) => [f, ...(f.variants ?? []).flatMap((v) => v.fields)]));
}

beforeEach(() => {
  document.body.replaceChildren();
});

describe("the Dashboard task", () => {
  it("is in the type picker as the Jobs UI names it, the SQL task's one stays Legacy dashboard", () => {
    expect(KNOWN_TASK_TYPES.find((t) => t.value === "dashboard_task")?.label).toBe("Dashboard");
    const sql = allFields(taskSections({ task_key: "s", sql_task: { warehouse_id: "w" } }));
    const variant = sql.find((f) => f.kind === "variant");
    expect(variant?.variants?.map((v) => v.label)).toContain("Legacy dashboard");
  });

  it("has a form: dashboard picker, warehouse, subscription and filters, and no compute", () => {
    const sections = taskSections({ task_key: "d", dashboard_task: { dashboard_id: "" } });
    expect(sections[0].title).toBe("Dashboard");
    expect(sections.map((s) => s.id)).not.toContain("compute");
    const byPath = new Map(allFields(sections).map((f) => [f.path.join("."), f]));
    expect(byPath.get("dashboard_task.dashboard_id")).toMatchObject({ label: "Dashboard", kind: "picker", picker: "lakeview_dashboard", required: true });
    expect(byPath.get("dashboard_task.warehouse_id")).toMatchObject({ label: "SQL warehouse", kind: "picker", picker: "warehouse" });
    expect(byPath.get("dashboard_task.subscription.subscribers")).toMatchObject({ label: "Subscribers", kind: "json" });
    expect(byPath.get("dashboard_task.subscription.custom_subject")).toMatchObject({ kind: "text" });
    expect(byPath.get("dashboard_task.subscription.paused")).toMatchObject({ kind: "boolean" });
    expect(byPath.get("dashboard_task.filters")).toMatchObject({ label: "Dashboard filters", kind: "key_value" });
    expect(allFields(sections).some((f) => f.kind === "json" && f.path.join(".") === "dashboard_task")).toBe(false);
  });

  it("sends what is typed at the dashboard_task's paths; Browse asks for Lakeview dashboards", async () => {
    vi.useFakeTimers();
    try {
      const m = mount({ task_key: "d", dashboard_task: { dashboard_id: "" } });
      const id = m.field("dashboard_task.dashboard_id").querySelector("input") as HTMLInputElement;
      id.focus();
      id.value = "01ef0cb45e2a1da4a61950e9b8789ce9";
      id.dispatchEvent(new Event("input", { bubbles: true }));
      const subject = m.field("dashboard_task.subscription.custom_subject").querySelector("input") as HTMLInputElement;
      subject.focus();
      subject.value = "Daily sales";
      subject.dispatchEvent(new Event("input", { bubbles: true }));
      const paused = m.field("dashboard_task.subscription.paused").querySelector("input") as HTMLInputElement;
      paused.checked = true;
      paused.dispatchEvent(new Event("change", { bubbles: true }));
      vi.advanceTimersByTime(DEBOUNCE_MS + 10);
      m.handle.flush();
      expect(m.changes).toEqual(
        expect.arrayContaining([
          [["dashboard_task", "dashboard_id"], "01ef0cb45e2a1da4a61950e9b8789ce9"],
          [["dashboard_task", "subscription", "custom_subject"], "Daily sales"],
          [["dashboard_task", "subscription", "paused"], true],
        ]),
      );
      const browse = m.field("dashboard_task.dashboard_id").querySelector("button");
      browse?.click();
      await vi.runAllTimersAsync();
      expect(m.picked).toEqual(["lakeview_dashboard"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a task type without a form", () => {
  it("names the SDK's fields of the type under its JSON box", () => {
    const m = mount({ task_key: "a", clean_rooms_notebook_task: { clean_room_name: "x" } });
    const hints = m.container.querySelector<HTMLElement>('ul[aria-label="Fields of clean_rooms_notebook_task"]');
    expect(hints).not.toBeNull();
    const names = [...(hints?.querySelectorAll("code") ?? [])].map((c) => c.textContent);
    expect(names).toEqual(TASK_FIELDS.clean_rooms_notebook_task.map((f) => f.name));
    expect(names).toContain("notebook_base_parameters");
  });
  it("a nested for-each task of such a type lists them too; a form's own JSON field does not", () => {
    const m = mount({ task_key: "f", for_each_task: { inputs: "[1]", task: { task_key: "n", power_bi_task: {} } } });
    expect(m.container.querySelector('ul[aria-label="Fields of power_bi_task"]')).not.toBeNull();
    const d = mount({ task_key: "d", dashboard_task: { dashboard_id: "x" } });
    expect(d.container.querySelector("ul.loom-f-hints")).toBeNull();
  });
});

describe("the Alert and dbt platform tasks", () => {
  it("an alert is named by its ID or its file, one of the two", () => {
    const m = mount({ task_key: "a", alert_task: { alert_id: "" } });
    const byFile = [...m.container.querySelectorAll<HTMLLabelElement>(".loom-f-seg-label")].find((l) => l.textContent === "By file");
    expect(byFile).toBeDefined();
    const radio = m.container.querySelector<HTMLInputElement>(`#${byFile?.htmlFor}`);
    radio?.click();
    expect(m.changes).toEqual([
      [["alert_task", "alert_id"], undefined],
      [["alert_task", "workspace_path"], ""],
    ]);
  });
  it("dbt platform: the connection and the job, both required", () => {
    const fields = allFields(taskSections({ task_key: "d", dbt_platform_task: {} }));
    const required = fields.filter((f) => f.required).map((f) => f.path.join("."));
    expect(required).toEqual(["dbt_platform_task.connection_resource_name", "dbt_platform_task.dbt_platform_job_id"]);
  });
});

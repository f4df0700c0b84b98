// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DetailsTab } from "../src/editor/details-tab";
import { NotificationsTab } from "../src/editor/notifications-tab";
import { ParametersTab } from "../src/editor/parameters-tab";
import type { EditOp, JsonPath, Problem, ToPython } from "../src/editor/protocol";
import type { JobMessage, JobTab, JobTabId, PermissionsMessage } from "../src/editor/tab-types";
import { JobTabs, type JobTabShell } from "../src/editor/tabs";

function job(settings: Record<string, unknown>, extra: Partial<JobMessage> = {}): JobMessage {
  return {
    kind: "job",
    settings,
    trigger: { kind: "none", pause_status: null, spec: null, note: null },
    task_keys: ["a", "b", "c"],
    job_clusters_in_use: {},
    environments_in_use: {},
    task_notifications: {},
    deployment_warning: null,
    ...extra,
  };
}

function problem(path: JsonPath, message = "bad", severity: "error" | "warning" = "error"): Problem {
  return { code: "x", severity, message, task_key: null, field: path.join("."), path };
}

class FakeTab implements JobTab {
  readonly element = document.createElement("div");
  updates: JobMessage[] = [];
  problems: Problem[][] = [];
  permissions: PermissionsMessage[] = [];
  flushed = 0;
  shownCount = 0;
  constructor(readonly id: JobTabId) {}
  update(j: JobMessage) {
    this.updates.push(j);
  }
  showProblems(p: Problem[]) {
    this.problems.push(p);
  }
  shown() {
    this.shownCount += 1;
  }
  updatePermissions(m: PermissionsMessage) {
    this.permissions.push(m);
  }
  flush() {
    this.flushed += 1;
  }
  destroy() {}
}

function mountTabs() {
  const sent: ToPython[] = [];
  const changes: JobTabId[] = [];
  let tasksFlushed = 0;
  const fakes = (["details", "schedule", "notifications", "parameters", "permissions"] as const).map((id) => new FakeTab(id));
  const main = document.createElement("div");
  const tabs = new JobTabs({ send: (m) => sent.push(m), flushTasks: () => (tasksFlushed += 1), changed: (id) => changes.push(id) }, fakes, main);
  document.body.append(tabs.bar, main, tabs.panels);
  const button = (id: string) => tabs.bar.querySelector<HTMLButtonElement>(`[data-tab="${id}"]`)!;
  return { tabs, sent, changes, fakes, main, button, tasksFlushed: () => tasksFlushed, fake: (id: string) => fakes.find((f) => f.id === id)! };
}

beforeEach(() => {
  document.body.replaceChildren();
});

describe("the tab bar", () => {
  it("is a tablist with Tasks first and selected", () => {
    const m = mountTabs();
    const tabs = Array.from(m.tabs.bar.querySelectorAll('[role="tab"]'));
    expect(m.tabs.bar.getAttribute("role")).toBe("tablist");
    expect(tabs.map((t) => t.textContent)).toEqual(["Tasks", "Runs", "Details", "Schedules & triggers", "Notifications", "Parameters", "Permissions"]);
    expect(m.button("tasks").getAttribute("aria-selected")).toBe("true");
    expect(m.main.getAttribute("role")).toBe("tabpanel");
    expect(m.main.getAttribute("aria-labelledby")).toBe(m.button("tasks").id);
    const panel = document.getElementById(m.button("details").getAttribute("aria-controls")!)!;
    expect(panel.getAttribute("role")).toBe("tabpanel");
    expect(panel.contains(m.fake("details").element)).toBe(true);
    expect(panel.hidden).toBe(true);
  });

  it("asks Python for the job once, the first time a job tab opens", () => {
    const m = mountTabs();
    m.button("details").click();
    expect(m.sent).toEqual([{ kind: "job" }]);
    expect(m.changes).toEqual(["details"]);
    expect(m.fake("details").shownCount).toBe(1);
    m.button("tasks").click();
    m.button("parameters").click();
    m.button("notifications").click();
    expect(m.sent).toEqual([{ kind: "job" }]);
    expect(m.tabs.active).toBe("notifications");
    expect(m.button("notifications").getAttribute("aria-selected")).toBe("true");
    expect(m.button("details").getAttribute("aria-selected")).toBe("false");
    expect(m.button("notifications").tabIndex).toBe(0);
    expect(m.button("details").tabIndex).toBe(-1);
  });

  it("flushes the tab it leaves", () => {
    const m = mountTabs();
    m.button("details").click();
    expect(m.tasksFlushed()).toBe(1);
    m.button("parameters").click();
    expect(m.fake("details").flushed).toBe(1);
    m.tabs.flushActive();
    expect(m.fake("parameters").flushed).toBe(1);
  });

  it("moves with the arrow keys, Home and End", () => {
    const m = mountTabs();
    const key = (k: string) => m.tabs.bar.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowRight");
    expect(m.tabs.active).toBe("runs");
    expect(document.activeElement).toBe(m.button("runs"));
    key("ArrowLeft");
    key("ArrowLeft");
    expect(m.tabs.active).toBe("permissions");
    key("Home");
    expect(m.tabs.active).toBe("tasks");
    key("End");
    expect(m.tabs.active).toBe("permissions");
  });
});

describe("routing", () => {
  it("sends `job` to every tab", () => {
    const m = mountTabs();
    const j = job({ name: "x" });
    expect(m.tabs.handle(j)).toBe(true);
    for (const f of m.fakes) expect(f.updates).toEqual([j]);
    expect(m.tabs.lastJob).toBe(j);
  });

  it("gives every tab the job-level problems and counts them on their tab", () => {
    const m = mountTabs();
    const list = [problem(["parameters", 0, "name"]), problem(["parameters", 1, "name"], "w", "warning"), problem(["tags"]), problem(["schedule", "quartz_cron_expression"], "w", "warning")];
    expect(m.tabs.handle({ kind: "problems", task_key: null, problems: [], job: list })).toBe(false);
    for (const f of m.fakes) expect(f.problems.at(-1)).toEqual(list);
    expect(m.tabs.badgeCount("parameters")).toBe(2);
    expect(m.tabs.badgeCount("details")).toBe(1);
    expect(m.tabs.badgeCount("schedule")).toBe(1);
    expect(m.tabs.badgeCount("notifications")).toBe(0);
    const badge = m.button("parameters").querySelector<HTMLElement>(".loom-je-tab-badge")!;
    expect(badge.dataset.severity).toBe("error");
    expect(badge.title).toBe("1 error, 1 warning");
    expect(m.button("schedule").querySelector<HTMLElement>(".loom-je-tab-badge")!.dataset.severity).toBe("warning");
    m.tabs.handle({ kind: "problems", task_key: null, problems: [], job: [] });
    expect(m.tabs.badgeCount("parameters")).toBe(0);
  });

  it("sends `permissions` to the Permissions tab, its problems on its badge", () => {
    const m = mountTabs();
    const msg: PermissionsMessage = { kind: "permissions", loaded: null, grants: [], problems: [problem(["grants", 0])], levels: { user_name: [], group_name: [], service_principal_name: [] } };
    expect(m.tabs.handle(msg)).toBe(true);
    expect(m.fake("permissions").permissions).toEqual([msg]);
    expect(m.tabs.badgeCount("permissions")).toBe(1);
  });

  it("leaves the other messages to the shell", () => {
    const m = mountTabs();
    expect(m.tabs.handle({ kind: "saved", job_id: 1, message: "ok" })).toBe(false);
  });
});

// ---- the forms-based tabs -----------------------------------------------------------------

function shell() {
  const fields: [JsonPath, unknown][] = [];
  const edits: EditOp[] = [];
  const opened: string[] = [];
  let id = 0;
  const ctx: JobTabShell = {
    edit: (op) => edits.push(op),
    setJobField: (path, value) => fields.push([path, value]),
    request: vi.fn(async () => {
      throw new Error("no requests here");
    }) as unknown as JobTabShell["request"],
    send: () => undefined,
    nextId: () => ++id,
    notify: () => undefined,
    openTask: (key) => opened.push(key),
  };
  return { ctx, fields, edits, opened };
}

function mountTab<T extends JobTab>(make: (ctx: JobTabShell) => T, message: JobMessage) {
  const s = shell();
  const tab = make(s.ctx);
  document.body.append(tab.element);
  tab.update(message);
  const q = <E extends Element = HTMLElement>(sel: string) => {
    const el = tab.element.querySelector<E>(sel);
    if (!el) throw new Error(`no ${sel}`);
    return el;
  };
  return { ...s, tab, q };
}

const PARAMS = [
  { name: "env", default: "prod" },
  { name: "run_date", default: "{{job.start_time.iso_date}}" },
  { name: "region", default: "eu", x_note: "kept" },
];

describe("the Parameters tab", () => {
  it("shows the list in order", () => {
    const m = mountTab((c) => new ParametersTab(c), job({ parameters: PARAMS }));
    const names = Array.from(m.tab.element.querySelectorAll<HTMLInputElement>('[data-part="name"]')).map((i) => i.value);
    expect(names).toEqual(["env", "run_date", "region"]);
    expect(m.q<HTMLButtonElement>('.loom-f-param[data-index="0"] [data-part="up"]').disabled).toBe(true);
    expect(m.q<HTMLButtonElement>('.loom-f-param[data-index="2"] [data-part="down"]').disabled).toBe(true);
  });

  it("reorders: the whole list is sent, unknown keys kept", () => {
    const m = mountTab((c) => new ParametersTab(c), job({ parameters: PARAMS }));
    m.q<HTMLButtonElement>('.loom-f-param[data-index="2"] [data-part="up"]').click();
    expect(m.fields).toEqual([
      [
        ["parameters"],
        [
          { name: "env", default: "prod" },
          { name: "region", default: "eu", x_note: "kept" },
          { name: "run_date", default: "{{job.start_time.iso_date}}" },
        ],
      ],
    ]);
    m.q<HTMLButtonElement>('.loom-f-param[data-index="0"] [data-part="down"]').click();
    expect(m.fields[1][1]).toEqual([
      { name: "region", default: "eu", x_note: "kept" },
      { name: "env", default: "prod" },
      { name: "run_date", default: "{{job.start_time.iso_date}}" },
    ]);
  });

  it("renames and edits a default (debounced), adds and removes", () => {
    vi.useFakeTimers();
    try {
      const m = mountTab((c) => new ParametersTab(c), job({ parameters: PARAMS }));
      const name = m.q<HTMLInputElement>('.loom-f-param[data-index="2"] [data-part="name"]');
      name.focus();
      name.value = "zone";
      name.dispatchEvent(new Event("input", { bubbles: true }));
      expect(m.fields).toEqual([]);
      vi.advanceTimersByTime(400);
      expect(m.fields[0][1]).toEqual([PARAMS[0], PARAMS[1], { name: "zone", default: "eu", x_note: "kept" }]);
      m.q<HTMLButtonElement>('.loom-f-param[data-index="0"] .loom-f-remove').click();
      expect(m.fields[1][1]).toEqual([PARAMS[1], { name: "zone", default: "eu", x_note: "kept" }]);
      (Array.from(m.tab.element.querySelectorAll<HTMLButtonElement>(".loom-f-add")).find((b) => b.textContent?.includes("Add parameter")) as HTMLButtonElement).click();
      const fresh = m.q<HTMLInputElement>('.loom-f-param[data-index="2"] [data-part="name"]');
      expect(document.activeElement).toBe(fresh);
      fresh.value = "new";
      fresh.dispatchEvent(new Event("input", { bubbles: true }));
      m.tab.flush();
      expect(m.fields[2][1]).toEqual([PARAMS[1], { name: "zone", default: "eu", x_note: "kept" }, { name: "new", default: "" }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows a problem of parameters[i].name under its row", () => {
    const m = mountTab((c) => new ParametersTab(c), job({ parameters: PARAMS }));
    m.tab.showProblems([problem(["parameters", 1, "name"], "Job parameter 'run_date' is defined twice."), problem(["tags"], "elsewhere")]);
    const row = m.q('.loom-f-param[data-index="1"]');
    expect(row.classList.contains("loom-f-row-invalid")).toBe(true);
    expect(row.querySelector(".loom-f-param-msgs")?.textContent).toContain("defined twice");
    expect(row.querySelector('[data-part="name"]')?.getAttribute("aria-invalid")).toBe("true");
    expect(m.tab.element.textContent).not.toContain("elsewhere");
    m.tab.showProblems([]);
    expect(row.classList.contains("loom-f-row-invalid")).toBe(false);
    expect(row.querySelector(".loom-f-param-msgs")?.textContent).toBe("");
  });
});

const CLUSTERS = [
  { job_cluster_key: "main", new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "i3.xlarge", num_workers: 2 } },
  { job_cluster_key: "small", new_cluster: { spark_version: "15.4.x-scala2.12", node_type_id: "m5d.large", num_workers: 1 }, x_extra: 1 },
];

describe("the Details tab: job clusters", () => {
  const message = () => job({ job_clusters: CLUSTERS }, { job_clusters_in_use: { main: ["a", "b"] } });

  it("lists the clusters with the tasks using them", () => {
    const m = mountTab((c) => new DetailsTab(c), message());
    const main = m.q('.loom-f-card[data-key="main"]');
    expect(main.querySelector(".loom-f-card-usage")?.textContent).toContain("a");
    expect(main.querySelector<HTMLButtonElement>('[data-action="remove"]')?.disabled).toBe(true);
    expect(m.q('.loom-f-card[data-key="small"] .loom-f-card-usage').textContent).toContain("Not used");
    expect(m.q<HTMLButtonElement>('.loom-f-card[data-key="small"] [data-action="swap"]').disabled).toBe(true);
    main.querySelector<HTMLButtonElement>('.loom-f-task-link[data-task="b"]')!.click();
    expect(m.opened).toEqual(["b"]);
  });

  it("swaps: every task on one cluster moves to another", () => {
    const m = mountTab((c) => new DetailsTab(c), message());
    const card = m.q('.loom-f-card[data-key="main"]');
    const swap = card.querySelector<HTMLButtonElement>('[data-action="swap"]')!;
    expect(swap.disabled).toBe(false);
    swap.click();
    const panel = card.querySelector<HTMLElement>(".loom-f-swap")!;
    expect(panel.hidden).toBe(false);
    const target = panel.querySelector<HTMLSelectElement>("select")!;
    expect(Array.from(target.options).map((o) => o.value)).toEqual(["small"]);
    panel.querySelector<HTMLButtonElement>('[data-action="swap-confirm"]')!.click();
    expect(m.edits).toEqual([{ op: "swap_job_cluster", from: "main", to: "small" }]);
    expect(m.fields).toEqual([]);
  });

  it("renames a cluster in use: the list, then its tasks follow", () => {
    const m = mountTab((c) => new DetailsTab(c), message());
    const key = m.q<HTMLInputElement>('.loom-f-card[data-key="main"] .loom-f-card-key');
    key.value = "shared";
    key.dispatchEvent(new Event("change"));
    expect(m.fields).toEqual([[["job_clusters"], [{ ...CLUSTERS[0], job_cluster_key: "shared" }, CLUSTERS[1]]]]);
    expect(m.edits).toEqual([{ op: "swap_job_cluster", from: "main", to: "shared" }]);
  });

  it("shows a cluster's problem at its field", () => {
    const m = mountTab((c) => new DetailsTab(c), message());
    m.tab.showProblems([problem(["job_clusters", 1, "new_cluster", "spark_version"], "no runtime"), problem(["job_clusters", 0, "job_cluster_key"], "dup key")]);
    const field = m.q('[data-path="job_clusters.1.new_cluster.spark_version"]');
    expect(field.textContent).toContain("no runtime");
    expect(m.q('.loom-f-card[data-key="main"] .loom-f-card-msgs').textContent).toContain("dup key");
    expect(m.tab.element.dataset.problems).toBe("2");
  });
});

describe("the Details tab", () => {
  it("edits job fields at their paths", () => {
    const m = mountTab((c) => new DetailsTab(c), job({ name: "etl", max_concurrent_runs: 1 }));
    const runs = m.q<HTMLInputElement>('[data-path="max_concurrent_runs"] input');
    expect(runs.value).toBe("1");
    runs.value = "4";
    runs.dispatchEvent(new Event("input"));
    m.tab.flush();
    const queue = m.q<HTMLInputElement>('[data-path="queue.enabled"] input');
    queue.checked = true;
    queue.dispatchEvent(new Event("change"));
    expect(m.fields).toEqual([
      [["max_concurrent_runs"], 4],
      [["queue", "enabled"], true],
    ]);
  });

  it("warns before editing a job a bundle deploys", () => {
    const plain = mountTab((c) => new DetailsTab(c), job({ name: "etl" }));
    expect(plain.q(".loom-je-bundle-banner").hidden).toBe(true);
    // Python says what to warn of (job_tabs.deployment_warning); the tab shows it.
    const warning = "This job is deployed by a bundle: edits here are overwritten by the next `databricks bundle deploy`.";
    const bundle = mountTab((c) => new DetailsTab(c), job({ name: "etl", deployment: { kind: "BUNDLE", metadata_file_path: "/x" }, edit_mode: "UI_LOCKED" }, { deployment_warning: warning }));
    const banner = bundle.q(".loom-je-bundle-banner");
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("databricks bundle deploy");
    expect(bundle.q('[data-path="edit_mode"]').textContent).toContain("UI_LOCKED");
  });

  it("tags show their limit", () => {
    const tags = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, "v"]));
    const m = mountTab((c) => new DetailsTab(c), job({ tags }));
    const field = m.q('[data-path="tags"]');
    expect(field.querySelector(".loom-f-limit")?.textContent).toBe("25 / 25");
    expect(field.querySelector<HTMLButtonElement>(".loom-f-add")?.disabled).toBe(true);
  });
});

describe("the Notifications tab", () => {
  it("edits the job's notifications at the root, without alert_on_last_attempt", () => {
    const m = mountTab((c) => new NotificationsTab(c), job({ email_notifications: { on_failure: ["a@example.com"] } }));
    expect(m.q('[data-path="email_notifications.on_failure"]').querySelector("input")?.value).toBe("a@example.com");
    expect(m.tab.element.querySelector('[data-path="notification_settings.alert_on_last_attempt"]')).toBeNull();
    const skipped = m.q<HTMLInputElement>('[data-path="notification_settings.no_alert_for_skipped_runs"] input');
    skipped.checked = true;
    skipped.dispatchEvent(new Event("change"));
    expect(m.fields).toEqual([[["notification_settings", "no_alert_for_skipped_runs"], true]]);
    expect(m.q('[data-role="task-notifications"]').textContent).toContain("Task notifications");
  });
});

// The editor's tab bar: Tasks (the canvas and the task panel) and the job-level tabs.
// It owns which tab is shown, asks Python for the job once (the first time a job tab opens), and
// routes the job-level messages to the tabs: `job` to every tab, the job-level problems (each
// tab shows its own; a badge on the tab counts them), `permissions` to the Permissions tab.
import { TRIGGER_FIELDS } from "../generated/limits";
import { h } from "./dom";
import { setPath } from "./forms/paths";
import type { FromPython, JsonPath, Problem, ToPython } from "./protocol";
import type { JobMessage, JobTab, JobTabContext, JobTabId, PermissionsMessage } from "./tab-types";

export const TABS: { id: JobTabId; label: string }[] = [
  { id: "tasks", label: "Tasks" },
  { id: "runs", label: "Runs" },
  { id: "details", label: "Details" },
  { id: "schedule", label: "Schedules & triggers" },
  { id: "notifications", label: "Notifications" },
  { id: "parameters", label: "Parameters" },
  { id: "permissions", label: "Permissions" },
];

/** What the shell gives the job tabs it draws itself (a JobTabContext and a little more). */
export interface JobTabShell extends JobTabContext {
  /** Show a task on the Tasks tab, selected (the "used by" links). */
  openTask(taskKey: string): void;
}

/** A tab that also shows the permissions (the Permissions tab). */
export interface PermissionsTabLike extends JobTab {
  updatePermissions(message: PermissionsMessage): void;
}

const NOTIFICATION_KEYS = ["email_notifications", "webhook_notifications", "notification_settings"];
const TRIGGER_KEYS: ReadonlySet<string> = new Set(TRIGGER_FIELDS);

/** The tab a job-level problem belongs to, by the first key of its path from the settings' root. */
export function tabOfPath(path: JsonPath | null | undefined): Exclude<JobTabId, "tasks" | "runs"> {
  const head = path?.length ? String(path[0]) : "";
  if (head === "parameters") return "parameters";
  if (NOTIFICATION_KEYS.includes(head)) return "notifications";
  if (TRIGGER_KEYS.has(head)) return "schedule";
  if (["access_control_list", "permissions", "grants"].includes(head)) return "permissions";
  return "details";
}

/** A problem's path: `path` as Python sent it, else read from `field` (`parameters[2].name`). */
export function problemPath(problem: Problem): JsonPath | null {
  if (problem.path?.length) return problem.path;
  return fieldPath(problem.field);
}

/** The path a `field` of Python's names (`parameters[2].name`, `tasks[ingest].depends_on`). */
export function fieldPath(field: string | null | undefined): JsonPath | null {
  if (!field) return null;
  const path: JsonPath = [];
  for (const m of field.matchAll(/([A-Za-z_][\w]*)|\[(\d+)\]|\[([^\]]+)\]/g)) {
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else if (m[3] !== undefined) path.push(m[3]);
  }
  return path.length ? path : null;
}

export interface TabsHost {
  send(message: ToPython): void;
  /** Send the Tasks tab's pending edit (the task panel) before leaving it. */
  flushTasks(): void;
  /** The active tab changed: the shell sets its attributes, hides the canvas tools... */
  changed(id: JobTabId): void;
}

export class JobTabs {
  readonly bar: HTMLElement;
  /** The job tabs' panels (the Tasks panel is the shell's own). */
  readonly panels: HTMLElement;
  active: JobTabId = "tasks";
  lastJob: JobMessage | null = null;
  private jobRequested = false;
  private readonly buttons = new Map<JobTabId, HTMLButtonElement>();
  private readonly badges = new Map<JobTabId, HTMLElement>();
  private readonly panelOf = new Map<JobTabId, HTMLElement>();
  private readonly tabs = new Map<JobTabId, JobTab>();
  private problems: Problem[] = [];
  private permissionProblems: Problem[] = [];

  constructor(
    private readonly host: TabsHost,
    tabs: JobTab[],
    tasksPanel: HTMLElement,
    idPrefix = `loom-je-tab-${Math.random().toString(36).slice(2, 8)}`,
  ) {
    for (const tab of tabs) this.tabs.set(tab.id, tab);
    this.bar = h("div", { class: "loom-je-tabbar", role: "tablist", "aria-label": "Job" });
    this.panels = h("div", { class: "loom-je-jobpanels" });
    for (const { id, label } of TABS) {
      const tabId = `${idPrefix}-${id}`;
      const panelId = `${idPrefix}-${id}-panel`;
      const badge = h("span", { class: "loom-je-tab-badge", hidden: true });
      const button = h(
        "button",
        { type: "button", role: "tab", id: tabId, class: "loom-je-tab", "data-tab": id, "aria-controls": panelId, "aria-selected": String(id === "tasks"), tabindex: id === "tasks" ? 0 : -1 },
        h("span", { class: "loom-je-tab-label", text: label, "data-text": label }),
        badge,
      );
      button.addEventListener("click", () => this.select(id));
      this.buttons.set(id, button);
      this.badges.set(id, badge);
      this.bar.append(button);
      let panel: HTMLElement;
      if (id === "tasks") {
        panel = tasksPanel;
      } else {
        const tab = this.tabs.get(id);
        panel = h("div", { class: "loom-je-jobpanel", "data-tab": id, hidden: true }, tab ? tab.element : null);
        this.panels.append(panel);
      }
      panel.id = panelId;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tabId);
      this.panelOf.set(id, panel);
    }
    this.bar.addEventListener("keydown", (event) => this.onKey(event));
  }

  tab(id: JobTabId): JobTab | undefined {
    return this.tabs.get(id);
  }

  private onKey(event: KeyboardEvent): void {
    const order = TABS.map((t) => t.id);
    const at = order.indexOf(this.active);
    let next: number | null = null;
    if (event.key === "ArrowRight") next = (at + 1) % order.length;
    else if (event.key === "ArrowLeft") next = (at - 1 + order.length) % order.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = order.length - 1;
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    this.select(order[next], { focus: true });
  }

  /** Send the active tab's pending edit now (before undo, redo, review, save, another tab). */
  flushActive(): void {
    if (this.active === "tasks") this.host.flushTasks();
    else this.tabs.get(this.active)?.flush();
  }

  select(id: JobTabId, options: { focus?: boolean } = {}): void {
    if (id !== this.active) {
      this.flushActive();
      this.active = id;
      for (const [tabId, button] of this.buttons) {
        const on = tabId === id;
        button.setAttribute("aria-selected", String(on));
        button.tabIndex = on ? 0 : -1;
        const panel = this.panelOf.get(tabId);
        if (panel && tabId !== "tasks") panel.hidden = !on;
      }
      this.panels.hidden = id === "tasks";
      if (id !== "tasks" && !this.jobRequested) {
        this.jobRequested = true;
        this.host.send({ kind: "job" });
      }
      this.host.changed(id);
      if (id !== "tasks") this.tabs.get(id)?.shown?.();
    }
    if (options.focus) this.buttons.get(id)?.focus();
  }

  /** Route a message from Python; true when it was a job-tab message. */
  handle(message: FromPython): boolean {
    switch (message.kind) {
      case "job":
        this.lastJob = message;
        for (const tab of this.tabs.values()) tab.update(message);
        return true;
      case "permissions": {
        const tab = this.tabs.get("permissions") as PermissionsTabLike | undefined;
        tab?.updatePermissions?.(message);
        this.permissionProblems = message.problems ?? [];
        this.setBadge("permissions", this.permissionProblems, this.problems.filter((p) => tabOfPath(problemPath(p)) === "permissions"));
        return true;
      }
      case "problems":
        this.showProblems(message.job ?? []);
        return false;
      default:
        return false;
    }
  }

  /** Python refused a job-level edit: the tab showing `field` keeps what was typed there, marked. */
  showEditError(message: string, field: string | null): boolean {
    const path = fieldPath(field);
    if (!path) return false;
    const tab = this.tabs.get(tabOfPath(path));
    const settings = tab?.showEditError?.(message, path) ?? null;
    if (settings === null) return false;
    // The shell's copy of the settings took the refused value too: Python's again there.
    if (this.lastJob) {
      const head = String(path[0]);
      this.lastJob = { ...this.lastJob, settings: setPath(this.lastJob.settings, [head], settings[head]) as Record<string, unknown> };
    }
    return true;
  }

  /** The job-level problems (of every `problems` message): to every tab, and counted on theirs. */
  showProblems(problems: Problem[]): void {
    this.problems = problems;
    for (const tab of this.tabs.values()) tab.showProblems(problems);
    for (const { id } of TABS) {
      if (id === "tasks" || id === "runs") continue;
      this.setBadge(id, problems.filter((p) => tabOfPath(problemPath(p)) === id), id === "permissions" ? this.permissionProblems : []);
    }
  }

  private setBadge(id: JobTabId, ...lists: Problem[][]): void {
    const badge = this.badges.get(id);
    if (!badge) return;
    const all = lists.flat();
    const errors = all.filter((p) => p.severity !== "warning").length;
    const warnings = all.length - errors;
    badge.hidden = all.length === 0;
    badge.textContent = all.length ? String(all.length) : "";
    badge.dataset.severity = errors ? "error" : "warning";
    const text = [errors ? `${errors} ${errors === 1 ? "error" : "errors"}` : "", warnings ? `${warnings} ${warnings === 1 ? "warning" : "warnings"}` : ""].filter(Boolean).join(", ");
    badge.title = text;
    badge.setAttribute("aria-label", text);
    this.buttons.get(id)?.toggleAttribute("data-problems", all.length > 0);
  }

  /** The problems counted on a tab's badge (for tests and the e2e). */
  badgeCount(id: JobTabId): number {
    const badge = this.badges.get(id);
    return badge && !badge.hidden ? Number(badge.textContent) : 0;
  }

  destroy(): void {
    for (const tab of this.tabs.values()) {
      tab.flush();
      tab.destroy();
    }
  }
}

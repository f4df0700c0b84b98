// The Runs tab's dialogs: Run now (parameter overrides, only these tasks, performance target),
// Repair (tasks, dependents, a preview of what reruns and what is kept, overrides), Cancel all.
import type { FromPython, RepairPlan, RunDetail, ToPython } from "../protocol";
import type { RunsTabContext } from "../tab-types";
import { overrides, runNowMessage } from "./requests";
import { ask, errorBox, h, runsButton, type RunsDialogHost, spinner, stateBadge } from "./ui";

type PreviewReply = Extract<FromPython, { kind: "repair_preview" }>;
type RepairMessage = Extract<ToPython, { kind: "repair" }>;

export const PERFORMANCE_TARGETS: { value: string; label: string; detail: string }[] = [
  { value: "default", label: "Default", detail: "The job's setting" },
  { value: "PERFORMANCE_OPTIMIZED", label: "Performance optimized", detail: "Serverless: start fast, run fast" },
  { value: "STANDARD", label: "Standard", detail: "Serverless: cost optimized, may start slower" },
];

/** Parameter inputs: name, value (prefilled), a reset when changed. */
function parameterInputs(params: { name: string; value: string; default: string }[], values: Record<string, string>, role: string): HTMLElement {
  if (!params.length) return h("div", { class: "loom-runs-muted", text: "This job has no job parameters." });
  return h(
    "div",
    { class: "loom-runs-param-grid", "data-role": role },
    params.flatMap((p) => {
      const input = h("input", { class: "loom-runs-input", "data-param": p.name, value: p.value, spellcheck: "false", autocomplete: "off", "aria-label": p.name });
      input.value = p.value;
      values[p.name] = p.value;
      const label = h("label", { class: "loom-runs-param-name", text: p.name, title: p.name });
      const changed = h("span", { class: "loom-runs-param-changed", text: "changed", hidden: true });
      input.addEventListener("input", () => {
        values[p.name] = input.value;
        changed.hidden = input.value === p.default;
      });
      changed.hidden = p.value === p.default;
      return [label, h("div", { class: "loom-runs-param-value" }, input, changed)];
    }),
  );
}

/** A checklist of task keys with a filter (jobs have up to 1000 tasks). */
export class TaskChecklist {
  readonly element: HTMLElement;
  readonly chosen: Set<string>;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private filter = "";

  constructor(
    private readonly keys: string[],
    chosen: Iterable<string>,
    private readonly onChange: () => void,
    private readonly decorate?: (key: string) => (Node | null)[],
  ) {
    this.chosen = new Set(chosen);
    const search = h("input", { class: "loom-runs-input loom-runs-filter", type: "search", placeholder: "Filter tasks", "aria-label": "Filter tasks" });
    search.addEventListener("input", () => {
      this.filter = search.value.trim().toLowerCase();
      this.renderList();
    });
    const all = runsButton("All shown", { action: "check-all" });
    const none = runsButton("None", { action: "check-none" });
    all.addEventListener("click", () => {
      for (const key of this.shown()) this.chosen.add(key);
      this.changed();
    });
    none.addEventListener("click", () => {
      this.chosen.clear();
      this.changed();
    });
    this.count = h("span", { class: "loom-runs-muted" });
    this.list = h("div", { class: "loom-runs-checklist", role: "group" });
    this.element = h("div", { class: "loom-runs-checkbox-panel" }, h("div", { class: "loom-runs-checklist-tools" }, search, all, none, h("span", { class: "loom-runs-spacer" }), this.count), this.list);
    this.renderList();
  }

  private shown(): string[] {
    return this.filter ? this.keys.filter((k) => k.toLowerCase().includes(this.filter)) : this.keys;
  }

  set(keys: Iterable<string>): void {
    this.chosen.clear();
    for (const k of keys) this.chosen.add(k);
    this.renderList();
  }

  private changed(): void {
    this.renderList();
    this.onChange();
  }

  private renderList(): void {
    const shown = this.shown();
    const most = 400;
    const items: (Node | null)[] = [
      ...shown.slice(0, most).map((key) => {
        const box = h("input", { type: "checkbox", "data-task": key, checked: this.chosen.has(key) });
        box.checked = this.chosen.has(key);
        box.addEventListener("change", () => {
          if (box.checked) this.chosen.add(key);
          else this.chosen.delete(key);
          this.count.textContent = `${this.chosen.size} selected`;
          this.onChange();
        });
        return h("label", { class: "loom-runs-check", title: key }, box, h("span", { class: "loom-runs-check-key", text: key }), ...(this.decorate?.(key) ?? []));
      }),
      shown.length > most ? h("div", { class: "loom-runs-muted", text: `${shown.length - most} more: filter to find them` }) : null,
      !shown.length ? h("div", { class: "loom-runs-muted", text: "No task matches." }) : null,
    ];
    this.list.replaceChildren(...items.filter((c): c is Node => c !== null));
    this.count.textContent = `${this.chosen.size} selected`;
  }
}

/** Run now: overrides of the job parameters, only these tasks, performance target. */
export function openRunNowDialog(
  host: RunsDialogHost,
  ctx: Pick<RunsTabContext, "send">,
  job: { parameters: { name: string; default: string }[]; taskKeys: string[] },
  onSent: () => void,
): HTMLElement {
  const values: Record<string, string> = {};
  const defaults = Object.fromEntries(job.parameters.map((p) => [p.name, p.default]));
  const params = parameterInputs(
    job.parameters.map((p) => ({ ...p, value: p.default })),
    values,
    "run-now-parameters",
  );
  const onlyNote = h("div", { class: "loom-runs-help" });
  const checklist = new TaskChecklist(job.taskKeys, [], () => updateNote());
  const updateNote = () => {
    onlyNote.textContent = checklist.chosen.size ? `Runs ${checklist.chosen.size} of ${job.taskKeys.length} tasks (the others are skipped).` : `None chosen: every task runs.`;
  };
  updateNote();
  const target = h("select", { class: "loom-runs-select", "data-role": "performance-target", "aria-label": "Performance target" });
  for (const t of PERFORMANCE_TARGETS) target.append(h("option", { value: t.value, text: `${t.label} — ${t.detail}` }));
  const body = h(
    "div",
    { class: "loom-runs-form" },
    h("section", {}, h("h4", { text: "Job parameters" }), h("div", { class: "loom-runs-help", text: "Prefilled with the defaults; a changed value applies to this run only." }), params),
    h("section", { "data-role": "only-tasks" }, h("h4", { text: "Only these tasks" }), checklist.element, onlyNote),
    h("section", {}, h("h4", { text: "Performance target" }), target),
  );
  const cancel = runsButton("Cancel", { action: "cancel", variant: "outline" });
  const run = runsButton("Run now", { icon: "play", action: "confirm-run-now", variant: "primary" });
  const foot = h("div", { class: "loom-runs-foot" }, h("span", { class: "loom-runs-spacer" }), cancel, run);
  cancel.addEventListener("click", () => host.close());
  run.addEventListener("click", () => {
    ctx.send(runNowMessage({ values, defaults, only: job.taskKeys.filter((k) => checklist.chosen.has(k)), performanceTarget: target.value }));
    host.close();
    onSent();
  });
  return host.show("run-now", "Run now", body, foot, { wide: true });
}

const SUCCEEDED = new Set(["SUCCESS", "SUCCESS_WITH_FAILURES", "EXCLUDED", "DISABLED"]);

/** The tasks a repair takes by default: every task that did not succeed (as runs.repair_plan). */
export function defaultRepairTasks(run: Pick<RunDetail, "tasks">): string[] {
  return run.tasks.filter((t) => !SUCCEEDED.has(t.state)).map((t) => t.task_key);
}

export interface RepairChoice {
  rerunTasks: string[] | undefined; // undefined: all failed tasks (the default)
  dependents: boolean;
}

/** The `repair_preview` and `repair` messages of a choice. */
export function repairPreviewMessage(runId: number, choice: RepairChoice, requestId: number): Extract<ToPython, { kind: "repair_preview" }> {
  const message: Extract<ToPython, { kind: "repair_preview" }> = { kind: "repair_preview", request_id: requestId, run_id: runId, rerun_dependent_tasks: choice.dependents };
  if (choice.rerunTasks) message.rerun_tasks = choice.rerunTasks;
  return message;
}

export function repairMessage(runId: number, choice: RepairChoice, parameters: Record<string, string> | null): RepairMessage {
  const message: RepairMessage = { kind: "repair", run_id: runId, rerun_dependent_tasks: choice.dependents };
  if (choice.rerunTasks) message.rerun_tasks = choice.rerunTasks;
  if (parameters && Object.keys(parameters).length) message.job_parameters = parameters;
  return message;
}

/** Repair: tasks to rerun, their dependents, a preview, parameter overrides, then `repair`. */
export class RepairDialog {
  readonly element: HTMLElement;
  plan: RepairPlan | null = null;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly checklist: TaskChecklist;
  private readonly dependents: HTMLInputElement;
  private readonly preview: HTMLElement;
  private readonly confirm: HTMLButtonElement;
  private readonly defaults: string[];
  private readonly values: Record<string, string> = {};
  private previewFor = "";

  constructor(
    private readonly host: RunsDialogHost,
    private readonly ctx: Pick<RunsTabContext, "send" | "request" | "nextId">,
    private readonly run: RunDetail,
    private readonly onSent: () => void,
  ) {
    this.defaults = defaultRepairTasks(run);
    const byKey = new Map(run.tasks.map((t) => [t.task_key, t]));
    this.checklist = new TaskChecklist(
      run.tasks.map((t) => t.task_key),
      this.defaults,
      () => this.schedule(),
      (key) => {
        const task = byKey.get(key);
        return [
          task ? stateBadge(task.state) : null,
          task?.root_cause ? h("span", { class: "loom-runs-tag loom-runs-tag-root", text: "root cause" }) : null,
        ];
      },
    );
    this.dependents = h("input", { type: "checkbox", "data-role": "rerun-dependents", checked: true });
    this.dependents.checked = true;
    this.dependents.addEventListener("change", () => this.schedule());
    const reset = runsButton("All failed tasks", { action: "reset-tasks", title: "Back to the default: every task that did not succeed" });
    reset.addEventListener("click", () => {
      this.checklist.set(this.defaults);
      this.schedule();
    });
    const params = Object.entries(run.job_parameters ?? {}).map(([name, value]) => ({ name, value, default: value }));
    this.preview = h("div", { class: "loom-runs-preview", "data-role": "repair-preview" });
    const body = h(
      "div",
      { class: "loom-runs-form loom-runs-repair" },
      h(
        "div",
        { class: "loom-runs-repair-cols" },
        h(
          "section",
          { "data-role": "repair-tasks" },
          h("h4", {}, "Tasks to rerun ", reset),
          this.checklist.element,
          h("label", { class: "loom-runs-check loom-runs-check-strong" }, this.dependents, h("span", { text: "Rerun dependent tasks" }), h("span", { class: "loom-runs-faint", text: " (their downstream tasks too)" })),
        ),
        h("section", {}, h("h4", { text: "Preview" }), this.preview),
      ),
      h("section", {}, h("h4", { text: "Job parameters" }), h("div", { class: "loom-runs-help", text: "The run's values; a changed value applies to the repair." }), parameterInputs(params, this.values, "repair-parameters")),
    );
    const cancel = runsButton("Cancel", { action: "cancel", variant: "outline" });
    this.confirm = runsButton("Repair run", { icon: "repair", action: "confirm-repair", variant: "primary" });
    this.confirm.disabled = true;
    cancel.addEventListener("click", () => host.close());
    this.confirm.addEventListener("click", () => this.send());
    const foot = h("div", { class: "loom-runs-foot" }, h("span", { class: "loom-runs-note", text: run.latest_repair_id !== null ? `Repairs on top of repair ${run.latest_repair_id}.` : "" }), h("span", { class: "loom-runs-spacer" }), cancel, this.confirm);
    this.element = host.show("repair", `Repair run ${run.run_id}`, body, foot, {
      wide: true,
      onClose: () => {
        if (this.timer) clearTimeout(this.timer);
        this.generation++;
      },
    });
    void this.loadPreview();
  }

  /** The choice as the dialog shows it (the default set means "all failed tasks"). */
  choice(): RepairChoice {
    const chosen = this.run.tasks.map((t) => t.task_key).filter((k) => this.checklist.chosen.has(k));
    const isDefault = chosen.length === this.defaults.length && chosen.every((k, i) => k === this.defaults[i]);
    return { rerunTasks: isDefault ? undefined : chosen, dependents: this.dependents.checked };
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.confirm.disabled = true;
    this.timer = setTimeout(() => void this.loadPreview(), 150);
  }

  async loadPreview(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const choice = this.choice();
    const key = JSON.stringify(choice);
    const generation = ++this.generation;
    this.confirm.disabled = true;
    this.plan = null;
    if (choice.rerunTasks && !choice.rerunTasks.length) {
      this.preview.replaceChildren(h("div", { class: "loom-runs-muted", text: "Choose at least one task to rerun." }));
      return;
    }
    this.preview.replaceChildren(spinner("Working out the repair…"));
    const reply = await ask<PreviewReply>(() => this.ctx.request<PreviewReply>(repairPreviewMessage(this.run.run_id, choice, this.ctx.nextId())));
    if (generation !== this.generation) return;
    if (reply.error || !reply.plan) {
      this.preview.replaceChildren(errorBox(reply.error ?? "No preview came back.", () => void this.loadPreview()));
      return;
    }
    this.plan = reply.plan;
    this.previewFor = key;
    const list = (role: string, title: string, note: string, keys: string[]) =>
      h(
        "div",
        { class: "loom-runs-preview-list", "data-role": role },
        h("div", { class: "loom-runs-preview-title" }, h("b", { text: `${title} (${keys.length})` }), h("span", { class: "loom-runs-faint", text: ` ${note}` })),
        keys.length ? h("ul", {}, keys.map((k) => h("li", { "data-task": k, text: k }))) : h("div", { class: "loom-runs-muted", text: "None" }),
      );
    this.preview.replaceChildren(
      list("will-rerun", "Will rerun", "", reply.plan.rerun),
      list("kept", "Kept from the run", "results and task values reused", reply.plan.reused),
    );
    this.confirm.disabled = !reply.plan.rerun.length;
  }

  send(): void {
    const choice = this.choice();
    if (!this.plan || JSON.stringify(choice) !== this.previewFor) return;
    const defaults = Object.fromEntries(Object.entries(this.run.job_parameters ?? {}));
    const changed = overrides(this.values, defaults);
    this.ctx.send(repairMessage(this.run.run_id, choice, Object.keys(changed).length ? { ...defaults, ...changed } : null));
    this.host.close();
    this.onSent();
  }
}

/** Cancel all runs of the job (queued ones too when checked). */
export function openCancelAllDialog(host: RunsDialogHost, ctx: Pick<RunsTabContext, "send">, onSent: () => void): HTMLElement {
  const queued = h("input", { type: "checkbox", "data-role": "cancel-queued" });
  const body = h(
    "div",
    { class: "loom-runs-form" },
    h("p", { text: "Cancel every active run of this job? Runs already ended are not touched." }),
    h("label", { class: "loom-runs-check loom-runs-check-strong" }, queued, h("span", { text: "Queued runs too" })),
  );
  const keep = runsButton("Keep them", { action: "cancel", variant: "outline" });
  const confirm = runsButton("Cancel all runs", { icon: "stop", action: "confirm-cancel-all", variant: "primary" });
  confirm.classList.add("loom-runs-btn-danger");
  keep.addEventListener("click", () => host.close());
  confirm.addEventListener("click", () => {
    ctx.send({ kind: "cancel_all", all_queued_runs: queued.checked });
    host.close();
    onSent();
  });
  return host.show("cancel-all", "Cancel all runs", body, h("div", { class: "loom-runs-foot" }, h("span", { class: "loom-runs-spacer" }), keep, confirm));
}

// The Schedules & triggers tab: the job's trigger as one of six kinds, each a sub-form; a cron
// schedule has its own form (schedule/cron-form.ts). Python is the truth: this view sends edits and
// requests and shows answers.
//
// The tab brings its own CSS (schedule/css.ts). It also uses the forms' controls (loom-f-input,
// loom-f-select...), whose CSS the shell injects.
import { TRIGGER_FIELDS } from "../generated/limits";
import { h, icon } from "./dom";
import { isObject } from "./forms/paths";
import type { EditableTriggerKind, JsonPath, Problem, TimeZoneOption, TriggerKind, TriggerView } from "./protocol";
import { ScheduleForm } from "./schedule/cron-form";
import { SCHEDULE_TAB_CSS } from "./schedule/css";
import { isCronSchedulePath } from "./schedule/quartz-editor";
import { viewerTimeZone } from "./schedule/times";
import { TriggerFields, card, renderMessages, type RefusedTexts } from "./schedule/trigger-fields";
import { problemPath } from "./tabs";
import type { JobMessage, JobTab, JobTabContext } from "./tab-types";

const KINDS: { kind: EditableTriggerKind; label: string; help: string }[] = [
  { kind: "none", label: "None", help: "The job runs only when started by hand, by the API or by another job." },
  { kind: "scheduled", label: "Scheduled", help: "Runs at the times of a Quartz cron expression, in a time zone." },
  { kind: "periodic", label: "Periodic", help: "Runs every N minutes, hours, days or weeks, counted from the last run's start." },
  { kind: "continuous", label: "Continuous", help: "Always keeps one run going: a new run starts when the last one ends." },
  { kind: "file_arrival", label: "File arrival", help: "Runs when new files arrive in a storage location (a Unity Catalog volume or external location)." },
  { kind: "table_update", label: "Table update", help: "Runs when Unity Catalog tables are updated." },
];

const PERIODIC_UNITS = ["MINUTES", "HOURS", "DAYS", "WEEKS"];
const TRIGGER_ROOTS = new Set<string>(TRIGGER_FIELDS);

export class ScheduleTab implements JobTab {
  readonly id = "schedule" as const;
  readonly element: HTMLElement;

  private job: JobMessage | null = null;
  private jobProblems: Problem[] = [];
  private renderedKind: TriggerKind | null = null;
  private renderedTypeKey: string | null = null;
  private fields: TriggerFields;
  /** Text the trigger fields refused, kept across their forms (a kind switched away and back). */
  private readonly refused: RefusedTexts = new Map();
  private pendingKind: EditableTriggerKind | null = null;
  /** Kind changes sent and not answered yet. */
  private kindsAsked = 0;

  private readonly topProblems: HTMLUListElement;
  private readonly kindBar: HTMLElement;
  private readonly kindHelp: HTMLElement;
  private readonly kindLabel: HTMLElement;
  private readonly pauseBox: HTMLElement;
  private readonly pauseState: HTMLElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly body: HTMLElement;

  // scheduled
  private sched: ScheduleForm | null = null;
  private zones: TimeZoneOption[] | null = null;
  private zonesRequested = false;

  constructor(private readonly ctx: JobTabContext) {
    this.fields = new TriggerFields(ctx, this.refused);
    const style = h("style", { text: SCHEDULE_TAB_CSS });
    this.topProblems = h("ul", { class: "loom-st-top-problems", "data-role": "top-problems", hidden: true });
    this.kindLabel = h("div", { class: "loom-st-kind-label", text: "Trigger" });
    this.kindBar = h(
      "div",
      { class: "loom-st-kinds", role: "radiogroup", "aria-label": "Trigger kind", "data-role": "trigger-kind" },
      KINDS.map(({ kind, label, help }) =>
        h("button", { type: "button", class: "loom-st-kind", role: "radio", "aria-checked": "false", "data-kind": kind, title: help, text: label }),
      ),
    );
    this.kindHelp = h("div", { class: "loom-st-kind-help" });
    this.pauseState = h("span", { class: "loom-st-pause-state", "data-role": "pause-state" });
    this.pauseButton = h("button", { type: "button", class: "loom-f-btn loom-st-pause-btn", "data-role": "pause-toggle" });
    this.pauseBox = h("div", { class: "loom-st-pause", hidden: true }, this.pauseState, this.pauseButton);
    this.body = h("div", { class: "loom-st-body", "data-role": "trigger-body" });
    const kindRow = h("div", { class: "loom-st-kind-row" }, this.kindLabel, this.kindBar, h("span", { class: "loom-st-spacer" }), this.pauseBox);
    const inner = h("div", { class: "loom-st-inner" }, kindRow, this.kindHelp, this.topProblems, this.body);
    this.element = h("div", { class: "loom-f-form loom-st", "data-tab": "schedule" }, style, inner);

    this.kindBar.addEventListener("click", (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>("[data-kind]");
      if (!button) return;
      this.chooseKind(button.dataset.kind as EditableTriggerKind);
    });
    this.kindBar.addEventListener("keydown", (event) => {
      if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(event.key)) return;
      const buttons = Array.from(this.kindBar.querySelectorAll<HTMLButtonElement>("[data-kind]"));
      const index = buttons.indexOf(event.target as HTMLButtonElement);
      if (index < 0) return;
      event.preventDefault();
      const next = buttons[(index + (event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 1) + buttons.length) % buttons.length];
      next.focus();
    });
    this.pauseButton.addEventListener("click", () => {
      const status = this.job?.trigger.pause_status;
      if (!status) return;
      this.ctx.edit({ op: "set_pause_status", status: status === "PAUSED" ? "UNPAUSED" : "PAUSED" });
    });
    this.renderKindBar(null);
  }

  // ---- JobTab ----

  update(job: JobMessage): void {
    this.job = job;
    // An answer to an earlier kind leaves a later one asked for in place until its own answer.
    this.kindsAsked = Math.max(0, this.kindsAsked - 1);
    if (this.kindsAsked === 0 || this.pendingKind === job.trigger.kind) {
      this.pendingKind = null;
      this.kindsAsked = 0;
    }
    const trigger = job.trigger;
    const typeKey = this.typeKey(trigger.kind);
    if (trigger.kind !== this.renderedKind || typeKey !== this.renderedTypeKey) {
      this.renderBody(trigger, typeKey);
    }
    this.renderKindBar(trigger);
    this.renderPause(trigger);
    this.fillValues(trigger);
    this.renderProblems();
  }

  showProblems(problems: Problem[]): void {
    this.jobProblems = problems;
    this.renderProblems();
  }

  shown(): void {
    if (this.renderedKind === "scheduled") this.ensureZones();
  }

  flush(): void {
    this.fields.flush();
    this.sched?.flush();
  }

  destroy(): void {
    this.fields.cancel();
    this.sched?.destroy();
    this.element.remove();
  }

  // ---- kind ----

  private chooseKind(kind: EditableTriggerKind): void {
    // The kind asked for last counts, not the one Python answered last: a second click before
    // the first answer (Periodic, then back to Scheduled) is a change too, never dropped.
    const current = this.pendingKind ?? this.job?.trigger.kind ?? null;
    if (kind === current) return;
    this.flush();
    this.pendingKind = kind;
    this.kindsAsked += 1;
    this.renderKindBar(this.job?.trigger ?? null);
    this.ctx.edit({ op: "set_trigger_kind", trigger_kind: kind, timezone_id: viewerTimeZone() });
  }

  private renderKindBar(trigger: TriggerView | null): void {
    const kind = this.pendingKind ?? trigger?.kind ?? null;
    const other = trigger?.kind === "other" && this.pendingKind === null;
    this.kindLabel.textContent = other ? "Replace with…" : "Trigger";
    this.kindBar.classList.toggle("loom-st-kinds--other", other);
    for (const button of Array.from(this.kindBar.querySelectorAll<HTMLButtonElement>("[data-kind]"))) {
      const checked = button.dataset.kind === kind;
      button.setAttribute("aria-checked", checked ? "true" : "false");
      button.tabIndex = checked || (kind === null || other ? button.dataset.kind === "none" : false) ? 0 : -1;
    }
    const info = KINDS.find((k) => k.kind === kind);
    this.kindHelp.textContent = other ? "This job's trigger cannot be edited as a form here." : (info?.help ?? "");
  }

  private renderPause(trigger: TriggerView): void {
    const status = trigger.pause_status;
    this.pauseBox.hidden = trigger.kind === "none" || status === null;
    if (this.pauseBox.hidden) return;
    const paused = status === "PAUSED";
    this.pauseBox.dataset.status = status ?? "";
    this.pauseState.replaceChildren(h("span", { class: "loom-st-dot" }), paused ? "Paused" : "Active");
    this.pauseState.title = paused ? "No runs start from this trigger until it is resumed." : "Runs start from this trigger.";
    this.pauseButton.replaceChildren(icon(paused ? "play" : "pause", "loom-st-icon"), paused ? "Resume" : "Pause");
    this.pauseButton.title = paused ? "Unpause: runs start again (saved with the job)" : "Pause: no runs start until resumed (saved with the job)";
  }

  /** The key inside `trigger` the kind lives under (table_update or its legacy twin `table`). */
  private typeKey(kind: TriggerKind): string | null {
    if (kind === "periodic" || kind === "file_arrival") return kind;
    if (kind === "table_update") {
      const trigger = this.job?.settings.trigger;
      return isObject(trigger) && trigger.table_update == null && trigger.table != null ? "table" : "table_update";
    }
    return null;
  }

  // ---- bodies ----

  private renderBody(trigger: TriggerView, typeKey: string | null): void {
    this.fields.cancel();
    this.fields = new TriggerFields(this.ctx, this.refused);
    const fields = this.fields;
    this.sched?.destroy();
    this.sched = null;
    this.renderedKind = trigger.kind;
    this.renderedTypeKey = typeKey;
    const body = this.body;
    body.replaceChildren();
    body.dataset.kind = trigger.kind;
    switch (trigger.kind) {
      case "none":
        body.append(
          h(
            "div",
            { class: "loom-st-empty" },
            icon("clock", "loom-st-icon"),
            h("div", {}, h("strong", { text: "No trigger." }), " Runs start only by hand (Run now), through the API, or from another job's Run job task. Pick a kind above to run it automatically."),
          ),
        );
        break;
      case "other":
        body.append(this.otherBody(trigger));
        break;
      case "scheduled":
        this.sched = new ScheduleForm(this.ctx, () => this.ensureZones());
        if (this.zones) this.sched.setZones(this.zones);
        body.append(this.sched.element);
        this.ensureZones();
        break;
      case "periodic": {
        const base: JsonPath = ["trigger", typeKey ?? "periodic"];
        const interval = fields.int([...base, "interval"], { min: 1, placeholder: "1" });
        const unit = fields.select([...base, "unit"], PERIODIC_UNITS.map((u) => [u, u.toLowerCase()]));
        unit.control.setAttribute("aria-label", "Interval unit");
        const row = h("div", { class: "loom-st-inline" }, h("span", { class: "loom-st-word", text: "Every" }), interval.control, unit.control);
        body.append(
          card(
            "Periodic",
            fields.row("Interval", row, [interval, unit], "Counted from the start of the last run; a run that would overlap waits (max concurrent runs)."),
          ),
        );
        break;
      }
      case "continuous": {
        const retry = fields.select(["continuous", "task_retry_mode"], [
          ["", "Default (never)"],
          ["NEVER", "Never: a failed task fails the run"],
          ["ON_FAILURE", "On failure: retry failed tasks"],
        ]);
        body.append(
          card(
            "Continuous",
            h("p", { class: "loom-st-p", text: "A new run starts as soon as the last one ends; failed runs are retried with exponential backoff. Pause stops it." }),
            fields.row("Task retry mode", retry.control, [retry], "Whether a failed task is retried within the run, before the run fails."),
          ),
        );
        break;
      }
      case "file_arrival": {
        const base: JsonPath = ["trigger", "file_arrival"];
        const url = fields.text([...base, "url"], { placeholder: "/Volumes/catalog/schema/volume/path/ or s3://bucket/path/", mono: true });
        const min = fields.int([...base, "min_time_between_triggers_seconds"], { min: 0, placeholder: "0", seconds: true });
        const wait = fields.int([...base, "wait_after_last_change_seconds"], { min: 0, placeholder: "0", seconds: true });
        body.append(
          card(
            "File arrival",
            fields.row("Storage location", url.control, [url], "A Unity Catalog volume or external location (the root or a folder in it); required.", true),
            fields.row("Min. time between triggers", min.control, [min], "Seconds; a trigger waits at least this long after the last one."),
            fields.row("Wait after last change", wait.control, [wait], "Seconds without new files before the run starts (a batch of files starts one run)."),
          ),
        );
        break;
      }
      case "table_update": {
        const base: JsonPath = ["trigger", typeKey ?? "table_update"];
        const tables = fields.lines([...base, "table_names"]);
        const condition = fields.select([...base, "condition"], [
          ["", "Default (any updated)"],
          ["ANY_UPDATED", "Any table is updated"],
          ["ALL_UPDATED", "All tables are updated"],
        ]);
        const min = fields.int([...base, "min_time_between_triggers_seconds"], { min: 0, placeholder: "0", seconds: true });
        const wait = fields.int([...base, "wait_after_last_change_seconds"], { min: 0, placeholder: "0", seconds: true });
        body.append(
          card(
            "Table update",
            fields.row("Tables", tables.control, [tables], "One table per line, catalog.schema.table; required.", true),
            fields.row("Condition", condition.control, [condition]),
            fields.row("Min. time between triggers", min.control, [min], "Seconds; a trigger waits at least this long after the last one."),
            fields.row("Wait after last change", wait.control, [wait], "Seconds without updates before the run starts."),
          ),
        );
        break;
      }
    }
  }

  private otherBody(trigger: TriggerView): HTMLElement {
    const settings = this.job?.settings ?? {};
    const shown: Record<string, unknown> = {};
    for (const key of TRIGGER_FIELDS) if (settings[key] != null) shown[key] = settings[key];
    return card(
      "Other trigger",
      h("div", { class: "loom-st-other-note", "data-role": "other-note" }, icon("warn", "loom-st-icon"), h("span", { text: trigger.note ?? "This trigger cannot be shown as a form." })),
      h("pre", { class: "loom-st-json", "data-role": "other-json", text: JSON.stringify(shown, null, 2) }),
      h("p", { class: "loom-st-p loom-st-muted", text: "Kept as it is unless you pick a kind above (Undo brings it back)." }),
    );
  }

  private fillValues(trigger: TriggerView): void {
    const settings = this.job?.settings ?? {};
    this.fields.fill(settings);
    if (this.sched) {
      const schedule = isObject(settings.schedule) ? settings.schedule : isObject(trigger.spec) ? trigger.spec : {};
      this.sched.setSchedule(
        typeof schedule.quartz_cron_expression === "string" ? schedule.quartz_cron_expression : "",
        typeof schedule.timezone_id === "string" ? schedule.timezone_id : "UTC",
      );
    }
  }

  // ---- zones ----

  private ensureZones(): void {
    if (this.zonesRequested) return;
    this.zonesRequested = true;
    const id = this.ctx.nextId();
    this.ctx
      .request<{ kind: "time_zones"; request_id: number; zones: TimeZoneOption[] }>({ kind: "time_zones", request_id: id })
      .then((reply) => {
        this.zones = reply.zones ?? [];
        this.sched?.setZones(this.zones);
      })
      .catch(() => {
        this.zonesRequested = false; // ask again next time
      });
  }

  // ---- problems ----

  /** Problems of this tab (schedule / trigger / continuous), placed at their fields. */
  renderProblems(): void {
    const relevant = this.jobProblems.filter((p) => {
      const path = problemPath(p);
      return path !== null && TRIGGER_ROOTS.has(String(path[0]));
    });
    const schedProblems: Problem[] = [];
    const others: Problem[] = [];
    for (const p of relevant) {
      if (this.sched && isCronSchedulePath(problemPath(p) as JsonPath)) schedProblems.push(p);
      else others.push(p);
    }
    const unmatched = this.fields.showProblems(others, (p) => problemPath(p) as JsonPath);
    this.sched?.showJobProblems(schedProblems);
    renderMessages(this.topProblems, unmatched, true);
    this.topProblems.hidden = unmatched.length === 0;
  }
}

// The Schedules & triggers tab (issue 6): the job's trigger as one of six kinds, each a sub-form;
// for a cron schedule a simple mode, the Quartz expression, a Java time-zone picker, "paste a unix
// cron", and a preview of the next fire times in the job's zone and the viewer's with what daylight
// saving does to them. Python is the truth: this view sends edits and requests and shows answers.
//
// The tab brings its own CSS (SCHEDULE_TAB_CSS): a <style> inside its element, so it works in a
// shadow root too. It also uses the forms' controls (loom-f-input, loom-f-select...), whose CSS the
// shell injects.
import { bindText, Debouncer, hasFocus } from "./forms/dom";
import { h, icon, type Child } from "./dom";
import type {
  EditableTriggerKind,
  FireTime,
  JsonPath,
  Problem,
  SchedulePreview,
  SimpleSchedule,
  TimeZoneOption,
  TriggerKind,
  TriggerView,
} from "./protocol";
import { problemPath } from "./tabs";
import type { JobMessage, JobTab, JobTabContext } from "./tab-types";






function pathKey(path: JsonPath): string {
  return path.map(String).join(".");
}

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => String(part) === String(path[i]));
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The viewer's IANA time zone ("UTC" when the browser does not say). */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export interface WallTime {
  date: string; // "Mon 9 Mar 2026"
  time: string; // "02:30" or "02:30:15"
  offset: string; // "-04:00" ("" when the ISO text has none)
  ymd: string; // "2026-03-09"
}

/** The wall-clock parts of an ISO 8601 time as written (no conversion through the browser's zone). */
export function wallTime(iso: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?/.exec(iso);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, off] = m;
  const weekday = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay();
  const seconds = ss && ss !== "00" ? `:${ss}` : "";
  return {
    date: `${WEEKDAY_NAMES[weekday]} ${Number(d)} ${MONTHS[Number(mo) - 1]} ${y}`,
    time: `${hh}:${mi}${seconds}`,
    offset: off === "Z" ? "+00:00" : (off ?? ""),
    ymd: `${y}-${mo}-${d}`,
  };
}

// ---- constants of the forms --------------------------------------------------------------------

const KINDS: { kind: EditableTriggerKind; label: string; help: string }[] = [
  { kind: "none", label: "None", help: "The job runs only when started by hand, by the API or by another job." },
  { kind: "scheduled", label: "Scheduled", help: "Runs at the times of a Quartz cron expression, in a time zone." },
  { kind: "periodic", label: "Periodic", help: "Runs every N minutes, hours, days or weeks, counted from the last run's start." },
  { kind: "continuous", label: "Continuous", help: "Always keeps one run going: a new run starts when the last one ends." },
  { kind: "file_arrival", label: "File arrival", help: "Runs when new files arrive in a storage location (a Unity Catalog volume or external location)." },
  { kind: "table_update", label: "Table update", help: "Runs when Unity Catalog tables are updated." },
];

const SIMPLE_INTERVALS: Record<SimpleSchedule["unit"], number[]> = {
  minutes: [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30],
  hours: [1, 2, 3, 4, 6, 8, 12],
  days: [1],
  weeks: [1],
};
const WEEKDAYS: SimpleSchedule["weekdays"] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const PERIODIC_UNITS = ["MINUTES", "HOURS", "DAYS", "WEEKS"];
const TRIGGER_ROOTS = new Set(["schedule", "trigger", "triggers", "continuous"]);
const CRON_PATH: JsonPath = ["schedule", "quartz_cron_expression"];
const ZONE_PATH: JsonPath = ["schedule", "timezone_id"];
export const CRON_DEBOUNCE_MS = 300;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "90" → "1 min 30 s", for the seconds fields. */
export function humanSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return `${seconds} s`;
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  const units: [number, string][] = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]];
  for (const [size, name] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${name}`);
      rest %= size;
    }
  }
  return parts.join(" ");
}

// ---- a field: label, control, messages at a path ------------------------------------------------

interface FieldHandle {
  path: JsonPath;
  wrap: HTMLElement;
  msgs: HTMLElement;
  set(value: unknown): void;
  flush(): void;
  cancel(): void;
}

// ---- the time-zone picker ------------------------------------------------------------------------

class ZonePicker {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly popup: HTMLElement;
  private readonly status: HTMLElement;
  private readonly offsetBadge: HTMLElement;
  readonly note: HTMLElement;
  private zones: TimeZoneOption[] | null = null;
  private shownItems: TimeZoneOption[] = [];
  private active = -1;
  private value = "";
  private closeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly choose: (id: string) => void,
    private readonly wantZones: () => void,
  ) {
    const listId = `loom-st-tz-list-${Math.random().toString(36).slice(2, 8)}`;
    this.input = h("input", {
      class: "loom-f-input loom-st-tz-input",
      "data-role": "tz-input",
      role: "combobox",
      "aria-label": "Time zone",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": listId,
      spellcheck: "false",
      autocomplete: "off",
      placeholder: "Search: city, region, UTC+05:30…",
    });
    this.offsetBadge = h("span", { class: "loom-st-tz-offset", "data-role": "tz-offset" });
    this.list = h("ul", { class: "loom-st-tz-list", id: listId, role: "listbox" });
    this.status = h("div", { class: "loom-st-tz-status" });
    this.popup = h("div", { class: "loom-st-tz-popup", hidden: true, "data-role": "tz-list" }, this.list, this.status);
    this.note = h("div", { class: "loom-st-tz-note", "data-role": "tz-note" });
    const field = h("div", { class: "loom-st-tz-field" }, icon("globe", "loom-st-icon"), this.input, this.offsetBadge);
    this.element = h("div", { class: "loom-st-tz", "data-role": "tz-picker" }, field, this.popup);

    this.input.addEventListener("focus", () => {
      this.wantZones();
      this.input.select();
      this.open("");
    });
    this.input.addEventListener("input", () => this.open(this.input.value));
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () => {
      this.closeTimer = setTimeout(() => this.close(true), 120);
    });
    this.list.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the focus in the input
      const item = (event.target as Element).closest<HTMLElement>("[data-zone-id]");
      if (item?.dataset.zoneId) this.pick(item.dataset.zoneId);
    });
  }

  setZones(zones: TimeZoneOption[]): void {
    this.zones = zones;
    this.refreshValue();
    if (!this.popup.hidden) this.open(this.input.value === this.value ? "" : this.input.value);
  }

  /** The job's zone id (not while the user is choosing). */
  set(id: string): void {
    this.value = id;
    if (!hasFocus(this.input)) this.input.value = id;
    this.refreshValue();
  }

  private refreshValue(): void {
    const zone = this.zones?.find((z) => z.id === this.value) ?? null;
    this.offsetBadge.textContent = zone ? `UTC${zone.offset}` : "";
    this.offsetBadge.hidden = !zone;
    const parts: Node[] = [];
    if (zone?.alias_of) parts.push(h("span", { class: "loom-st-tz-alias", text: `An alias of ${zone.alias_of}. ` }));
    if (zone?.note) parts.push(h("span", { class: "loom-st-tz-warn", text: zone.note.charAt(0).toUpperCase() + zone.note.slice(1) + "." }));
    if (this.zones && !zone && this.value) parts.push(h("span", { class: "loom-st-tz-warn", text: `${this.value} is not among the Java time zones offered here.` }));
    this.note.replaceChildren(...parts);
    this.note.hidden = parts.length === 0;
  }

  private filter(query: string): TimeZoneOption[] {
    const zones = this.zones ?? [];
    const q = query.trim().toLowerCase().replace(/\s+/g, " ");
    if (!q) return zones;
    const compact = q.replace(/^(utc|gmt)\s*/, "");
    const rank = (z: TimeZoneOption): number => {
      const id = z.id.toLowerCase();
      if (id === q) return 0;
      const city = id.slice(id.lastIndexOf("/") + 1);
      if (city.startsWith(q) || city.replace(/_/g, " ").startsWith(q)) return 1;
      if (id.includes(q) || id.replace(/_/g, " ").includes(q)) return 2;
      return 3; // by its label (offset) or the zone it is an alias of
    };
    return zones.filter((z) => {
      const hay = `${z.id} ${z.label} ${z.alias_of ?? ""}`.toLowerCase();
      if (hay.includes(q) || hay.replace(/_/g, " ").includes(q)) return true;
      // "utc+5", "+05:30", "-4"
      if (/^[+-]\d/.test(compact)) {
        const sign = compact[0];
        const digits = compact.slice(1).replace(":", "");
        const offset = z.offset.replace(":", "");
        return offset.startsWith(sign + digits.padStart(2, "0")) || offset.startsWith(sign + digits);
      }
      return false;
    }).map((z, i) => [rank(z), i, z] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , z]) => z);
  }

  private open(query: string): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.popup.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    if (!this.zones) {
      this.list.replaceChildren();
      this.status.textContent = "Loading time zones…";
      return;
    }
    const found = this.filter(query);
    const limit = 300;
    this.shownItems = found.slice(0, limit);
    this.active = this.shownItems.findIndex((z) => z.id === this.value);
    if (query && this.active < 0) this.active = this.shownItems.length ? 0 : -1;
    this.list.replaceChildren(
      ...this.shownItems.map((z, i) =>
        h(
          "li",
          {
            class: `loom-st-tz-item${i === this.active ? " loom-st-active" : ""}${z.id === this.value ? " loom-st-current" : ""}`,
            role: "option",
            "aria-selected": i === this.active ? "true" : "false",
            "data-zone-id": z.id,
          },
          h("span", { class: "loom-st-tz-item-offset", text: `UTC${z.offset}` }),
          h("span", { class: "loom-st-tz-item-id", text: z.id }),
          z.alias_of ? h("span", { class: "loom-st-tz-item-alias", text: `→ ${z.alias_of}` }) : null,
          z.note ? h("span", { class: "loom-st-tz-item-note", title: z.note, text: z.note }) : null,
        ),
      ),
    );
    const more = found.length - this.shownItems.length;
    this.status.textContent = found.length === 0
      ? (query.trim() ? `No Java time zone matches “${query.trim()}”. Enter uses it as typed.` : "No time zones.")
      : more > 0 ? `${more} more: type to narrow the list.` : `${found.length} time zone${found.length === 1 ? "" : "s"}`;
    this.scrollToActive();
  }

  private scrollToActive(): void {
    const item = this.list.children[this.active] as HTMLElement | undefined;
    if (item && typeof item.scrollIntoView === "function") item.scrollIntoView({ block: "nearest" });
  }

  private moveActive(step: number): void {
    if (!this.shownItems.length) return;
    const items = this.list.children;
    items[this.active]?.classList.remove("loom-st-active");
    items[this.active]?.setAttribute("aria-selected", "false");
    this.active = Math.max(0, Math.min(this.shownItems.length - 1, this.active + step));
    items[this.active]?.classList.add("loom-st-active");
    items[this.active]?.setAttribute("aria-selected", "true");
    this.scrollToActive();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.popup.hidden) this.open("");
      else this.moveActive(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = this.shownItems[this.active];
      const typed = this.input.value.trim();
      if (chosen && (this.input.value !== this.value || !typed)) this.pick(chosen.id);
      else if (typed) this.pick(typed);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close(true);
      this.input.blur();
    }
  }

  private pick(id: string): void {
    this.close(false);
    this.input.value = id;
    if (id !== this.value) {
      this.value = id;
      this.refreshValue();
      this.choose(id);
    }
  }

  private close(restore: boolean): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.popup.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    if (restore) this.input.value = this.value;
  }

  destroy(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
  }
}

// ---- the tab -------------------------------------------------------------------------------------

type Mode = "simple" | "advanced";

export class ScheduleTab implements JobTab {
  readonly id = "schedule" as const;
  readonly element: HTMLElement;

  private job: JobMessage | null = null;
  private jobProblems: Problem[] = [];
  private renderedKind: TriggerKind | null = null;
  private renderedTypeKey: string | null = null;
  private fields: FieldHandle[] = [];
  private pendingKind: EditableTriggerKind | null = null;

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
    this.pendingKind = null;
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
    for (const f of this.fields) f.flush();
    this.sched?.flush();
  }

  destroy(): void {
    for (const f of this.fields) f.cancel();
    this.sched?.destroy();
    this.element.remove();
  }

  // ---- kind ----

  private chooseKind(kind: EditableTriggerKind): void {
    const current = this.job?.trigger.kind ?? null;
    if (kind === current || kind === this.pendingKind) return;
    this.flush();
    this.pendingKind = kind;
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
      const trigger = asRecord(this.job?.settings.trigger);
      return trigger && trigger.table_update == null && trigger.table != null ? "table" : "table_update";
    }
    return null;
  }

  // ---- bodies ----

  private renderBody(trigger: TriggerView, typeKey: string | null): void {
    for (const f of this.fields) f.cancel();
    this.fields = [];
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
        const interval = this.intField([...base, "interval"], { min: 1, placeholder: "1" });
        const unit = this.selectField([...base, "unit"], PERIODIC_UNITS.map((u) => [u, u.toLowerCase()]));
        const row = h("div", { class: "loom-st-inline" }, h("span", { class: "loom-st-word", text: "Every" }), interval.control, unit.control);
        body.append(
          this.card(
            "Periodic",
            this.fieldRow("Interval", row, [interval, unit], "Counted from the start of the last run; a run that would overlap waits (max concurrent runs)."),
          ),
        );
        break;
      }
      case "continuous": {
        const retry = this.selectField(["continuous", "task_retry_mode"], [
          ["", "Default (never)"],
          ["NEVER", "Never: a failed task fails the run"],
          ["ON_FAILURE", "On failure: retry failed tasks"],
        ]);
        body.append(
          this.card(
            "Continuous",
            h("p", { class: "loom-st-p", text: "A new run starts as soon as the last one ends; failed runs are retried with exponential backoff. Pause stops it." }),
            this.fieldRow("Task retry mode", retry.control, [retry], "Whether a failed task is retried within the run, before the run fails."),
          ),
        );
        break;
      }
      case "file_arrival": {
        const base: JsonPath = ["trigger", "file_arrival"];
        const url = this.textField([...base, "url"], { placeholder: "/Volumes/catalog/schema/volume/path/ or s3://bucket/path/", mono: true });
        const min = this.intField([...base, "min_time_between_triggers_seconds"], { min: 0, placeholder: "0", seconds: true });
        const wait = this.intField([...base, "wait_after_last_change_seconds"], { min: 0, placeholder: "0", seconds: true });
        body.append(
          this.card(
            "File arrival",
            this.fieldRow("Storage location", url.control, [url], "A Unity Catalog volume or external location (the root or a folder in it); required.", true),
            this.fieldRow("Min. time between triggers", min.control, [min], "Seconds; a trigger waits at least this long after the last one."),
            this.fieldRow("Wait after last change", wait.control, [wait], "Seconds without new files before the run starts (a batch of files starts one run)."),
          ),
        );
        break;
      }
      case "table_update": {
        const base: JsonPath = ["trigger", typeKey ?? "table_update"];
        const tables = this.linesField([...base, "table_names"]);
        const condition = this.selectField([...base, "condition"], [
          ["", "Default (any updated)"],
          ["ANY_UPDATED", "Any table is updated"],
          ["ALL_UPDATED", "All tables are updated"],
        ]);
        const min = this.intField([...base, "min_time_between_triggers_seconds"], { min: 0, placeholder: "0", seconds: true });
        const wait = this.intField([...base, "wait_after_last_change_seconds"], { min: 0, placeholder: "0", seconds: true });
        body.append(
          this.card(
            "Table update",
            this.fieldRow("Tables", tables.control, [tables], "One table per line, catalog.schema.table; required.", true),
            this.fieldRow("Condition", condition.control, [condition]),
            this.fieldRow("Min. time between triggers", min.control, [min], "Seconds; a trigger waits at least this long after the last one."),
            this.fieldRow("Wait after last change", wait.control, [wait], "Seconds without updates before the run starts."),
          ),
        );
        break;
      }
    }
  }

  private otherBody(trigger: TriggerView): HTMLElement {
    const settings = this.job?.settings ?? {};
    const shown: Record<string, unknown> = {};
    for (const key of ["schedule", "trigger", "triggers", "continuous"]) if (settings[key] != null) shown[key] = settings[key];
    return this.card(
      "Other trigger",
      h("div", { class: "loom-st-other-note", "data-role": "other-note" }, icon("warn", "loom-st-icon"), h("span", { text: trigger.note ?? "This trigger cannot be shown as a form." })),
      h("pre", { class: "loom-st-json", "data-role": "other-json", text: JSON.stringify(shown, null, 2) }),
      h("p", { class: "loom-st-p loom-st-muted", text: "Kept as it is unless you pick a kind above (Undo brings it back)." }),
    );
  }

  private card(title: string, ...children: Child[]): HTMLElement {
    return h("section", { class: "loom-st-card" }, h("h4", { class: "loom-st-card-title", text: title }), ...children);
  }

  private fieldRow(label: string, control: HTMLElement, handles: FieldHandle[], help?: string, wide = false): HTMLElement {
    const msgs = h("div", { class: "loom-st-msgs" });
    for (const handle of handles) {
      handle.msgs = msgs;
      handle.wrap = h("div"); // replaced below
    }
    const wrap = h(
      "div",
      { class: `loom-st-field${wide ? " loom-st-field--wide" : ""}`, "data-path": handles.map((f) => pathKey(f.path)).join(" ") },
      h("div", { class: "loom-st-label", text: label }),
      h("div", { class: "loom-st-control" }, control, help ? h("div", { class: "loom-st-help", text: help }) : null, msgs),
    );
    for (const handle of handles) handle.wrap = wrap;
    return wrap;
  }

  private register(handle: Omit<FieldHandle, "wrap" | "msgs">): FieldHandle {
    const full = { ...handle, wrap: h("div"), msgs: h("div") } as FieldHandle;
    this.fields.push(full);
    return full;
  }

  private textField(path: JsonPath, opts: { placeholder?: string; mono?: boolean }): FieldHandle & { control: HTMLElement } {
    const input = h("input", { class: `loom-f-input${opts.mono ? " loom-st-mono" : ""}`, placeholder: opts.placeholder, spellcheck: "false", "data-field": pathKey(path) });
    const deb = new Debouncer(() => this.ctx.setJobField(path, input.value), CRON_DEBOUNCE_MS);
    bindText(input, deb);
    const handle = this.register({
      path,
      set: (value) => {
        if (hasFocus(input) || deb.pending) return;
        input.value = typeof value === "string" ? value : value == null ? "" : JSON.stringify(value);
      },
      flush: () => deb.flush(),
      cancel: () => deb.cancel(),
    });
    return Object.assign(handle, { control: input });
  }

  private intField(path: JsonPath, opts: { min?: number; placeholder?: string; seconds?: boolean }): FieldHandle & { control: HTMLElement } {
    const input = h("input", { class: "loom-f-input loom-st-num", type: "number", min: opts.min, step: 1, placeholder: opts.placeholder, inputmode: "numeric", "data-field": pathKey(path) });
    const readout = h("span", { class: "loom-st-readout" });
    const local = h("span", { class: "loom-st-local-error" });
    const show = () => {
      const n = Number(input.value);
      readout.textContent = opts.seconds && input.value.trim() !== "" && Number.isInteger(n) && n >= 60 ? `= ${humanSeconds(n)}` : "";
    };
    const deb = new Debouncer(() => {
      const text = input.value.trim();
      if (text === "") {
        local.textContent = "";
        this.ctx.setJobField(path, undefined);
        return;
      }
      const n = Number(text);
      if (!Number.isInteger(n)) {
        local.textContent = "A whole number";
        return;
      }
      local.textContent = "";
      this.ctx.setJobField(path, n);
    }, CRON_DEBOUNCE_MS);
    bindText(input, deb);
    input.addEventListener("input", show);
    input.addEventListener("change", () => deb.flush());
    const handle = this.register({
      path,
      set: (value) => {
        if (hasFocus(input) || deb.pending) return;
        input.value = typeof value === "number" || typeof value === "string" ? String(value) : "";
        show();
      },
      flush: () => deb.flush(),
      cancel: () => deb.cancel(),
    });
    return Object.assign(handle, { control: h("span", { class: "loom-st-num-wrap" }, input, readout, local) });
  }

  private selectField(path: JsonPath, options: [string, string][]): FieldHandle & { control: HTMLSelectElement } {
    const select = h("select", { class: "loom-f-select loom-st-select", "data-field": pathKey(path) }, options.map(([value, label]) => h("option", { value, text: label })));
    select.addEventListener("change", () => this.ctx.setJobField(path, select.value === "" ? undefined : select.value));
    const handle = this.register({
      path,
      set: (value) => {
        const text = typeof value === "string" ? value : "";
        if (text && !options.some(([v]) => v === text)) select.append(h("option", { value: text, text }));
        select.value = text;
      },
      flush: () => undefined,
      cancel: () => undefined,
    });
    return Object.assign(handle, { control: select });
  }

  private linesField(path: JsonPath): FieldHandle & { control: HTMLElement } {
    const area = h("textarea", { class: "loom-f-input loom-st-mono loom-st-lines", rows: 3, spellcheck: "false", placeholder: "main.sales.orders\nmain.sales.customers", "data-field": pathKey(path) });
    const count = h("span", { class: "loom-st-readout" });
    const lines = () => area.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
    const showCount = () => {
      const n = lines().length;
      count.textContent = n ? `${n} table${n === 1 ? "" : "s"}` : "";
    };
    const deb = new Debouncer(() => this.ctx.setJobField(path, lines()), CRON_DEBOUNCE_MS);
    bindText(area, deb);
    area.addEventListener("input", showCount);
    const handle = this.register({
      path,
      set: (value) => {
        if (hasFocus(area) || deb.pending) return;
        area.value = Array.isArray(value) ? value.map(String).join("\n") : "";
        area.rows = Math.min(8, Math.max(3, (Array.isArray(value) ? value.length : 0) + 1));
        showCount();
      },
      flush: () => deb.flush(),
      cancel: () => deb.cancel(),
    });
    return Object.assign(handle, { control: h("div", { class: "loom-st-lines-wrap" }, area, count) });
  }

  private fillValues(trigger: TriggerView): void {
    const settings = this.job?.settings ?? {};
    for (const f of this.fields) {
      let value: unknown = settings;
      for (const part of f.path) value = asRecord(value)?.[String(part)];
      f.set(value);
    }
    if (this.sched) {
      const schedule = asRecord(settings.schedule) ?? asRecord(trigger.spec) ?? {};
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
    const unmatched: Problem[] = [];
    const byField = new Map<FieldHandle, Problem[]>();
    const schedProblems: Problem[] = [];
    for (const p of relevant) {
      const path = problemPath(p) as JsonPath;
      if (this.sched && (isPrefix(CRON_PATH, path) || isPrefix(ZONE_PATH, path))) {
        schedProblems.push(p);
        continue;
      }
      let best: FieldHandle | null = null;
      for (const f of this.fields) if (isPrefix(f.path, path) && (!best || f.path.length > best.path.length)) best = f;
      if (best) byField.set(best, [...(byField.get(best) ?? []), p]);
      else unmatched.push(p);
    }
    const seenMsgs = new Set<HTMLElement>();
    for (const f of this.fields) {
      if (seenMsgs.has(f.msgs)) continue;
      seenMsgs.add(f.msgs);
      const mine = this.fields.filter((g) => g.msgs === f.msgs).flatMap((g) => byField.get(g) ?? []);
      renderMessages(f.msgs, mine);
      f.wrap.classList.toggle("loom-st-invalid", mine.some((p) => p.severity === "error"));
      f.wrap.classList.toggle("loom-st-warned", mine.length > 0 && !mine.some((p) => p.severity === "error"));
    }
    this.sched?.showJobProblems(schedProblems);
    renderMessages(this.topProblems, unmatched, true);
    this.topProblems.hidden = unmatched.length === 0;
  }
}

function renderMessages(box: HTMLElement, problems: Problem[], asList = false): void {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.severity}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  box.replaceChildren(
    ...unique.map((p) =>
      h(
        asList ? "li" : "div",
        { class: `loom-st-msg loom-st-msg--${p.severity}`, "data-code": p.code, "data-severity": p.severity },
        icon(p.severity === "error" ? "error" : "warn", "loom-st-icon"),
        h("span", { text: p.message }),
      ),
    ),
  );
}

// ---- the cron schedule form ----------------------------------------------------------------------

class ScheduleForm {
  readonly element: HTMLElement;
  private expression = "";
  private zone = "UTC";
  private mode: Mode | null = null; // null: automatic (simple when the expression has a form)
  private simpleAvailable: boolean | null = null;
  private preview: SchedulePreview | null = null;
  private latestPreview = 0;
  private latestSimple = 0;
  private latestUnix = 0;
  private lastPreviewKey = "";
  private jobProblems: Problem[] = [];
  private simple: SimpleSchedule = { every: 1, unit: "days", hour: 0, minute: 0, weekdays: [] };

  private readonly modeBar: HTMLElement;
  private readonly modeNote: HTMLElement;
  private readonly simpleBox: HTMLElement;
  private readonly simpleRow: HTMLElement;
  private readonly simpleError: HTMLElement;
  private readonly simpleQuartz: HTMLElement;
  private readonly advancedBox: HTMLElement;
  private readonly cronInput: HTMLInputElement;
  private readonly cronMsgs: HTMLElement;
  private readonly cronWrap: HTMLElement;
  private readonly cronDeb: Debouncer;
  private readonly cronParts: HTMLElement;
  private readonly unixBox: HTMLElement;
  private readonly unixInput: HTMLInputElement;
  private readonly unixMsg: HTMLElement;
  private readonly picker: ZonePicker;
  private readonly zoneMsgs: HTMLElement;
  private readonly zoneWrap: HTMLElement;
  private readonly description: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly jobZoneHead: HTMLElement;
  private readonly viewerZoneHead: HTMLElement;
  private readonly previewBox: HTMLElement;
  private readonly previewStatus: HTMLElement;
  private readonly previewFrom: HTMLInputElement;
  private readonly ends: HTMLElement;

  constructor(
    private readonly ctx: JobTabContext,
    wantZones: () => void,
  ) {
    // mode
    this.modeBar = h(
      "div",
      { class: "loom-st-seg", role: "radiogroup", "aria-label": "Schedule editor mode", "data-role": "schedule-mode" },
      h("button", { type: "button", class: "loom-st-seg-btn", role: "radio", "data-mode": "simple", text: "Simple" }),
      h("button", { type: "button", class: "loom-st-seg-btn", role: "radio", "data-mode": "advanced", text: "Advanced (Quartz cron)" }),
    );
    this.modeNote = h("span", { class: "loom-st-mode-note", "data-role": "mode-note", hidden: true });
    this.modeBar.addEventListener("click", (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>("[data-mode]");
      if (!button || button.disabled) return;
      this.mode = button.dataset.mode as Mode;
      this.renderMode();
    });

    // simple
    this.simpleRow = h("div", { class: "loom-st-simple-row" });
    this.simpleError = h("div", { class: "loom-st-msgs", "data-role": "simple-error" });
    this.simpleQuartz = h("div", { class: "loom-st-quartz-readout" });
    this.simpleBox = h("div", { class: "loom-st-simple", "data-role": "simple-form" }, this.simpleRow, this.simpleError, this.simpleQuartz);

    // advanced
    this.cronInput = h("input", {
      class: "loom-f-input loom-st-mono loom-st-cron",
      "data-role": "cron-input",
      "aria-label": "Quartz cron expression",
      spellcheck: "false",
      autocomplete: "off",
      placeholder: "0 30 2 * * ?",
    });
    this.cronDeb = new Debouncer(() => this.commitExpression(this.cronInput.value.trim()), CRON_DEBOUNCE_MS);
    bindText(this.cronInput, this.cronDeb);
    this.cronMsgs = h("div", { class: "loom-st-msgs", "data-role": "cron-problems" });
    this.cronParts = h("div", { class: "loom-st-cron-parts", "data-role": "cron-parts", "aria-hidden": "true" });
    this.cronInput.addEventListener("input", () => this.renderCronParts(this.cronInput.value));
    const legend = this.cronParts;
    const unixToggle = h("button", { type: "button", class: "loom-st-link", "data-role": "unix-toggle", text: "Paste a unix cron…" });
    this.unixInput = h("input", { class: "loom-f-input loom-st-mono loom-st-unix-input", "data-role": "unix-input", placeholder: "*/15 9-17 * * 1-5", spellcheck: "false", "aria-label": "Unix cron expression" });
    const unixConvert = h("button", { type: "button", class: "loom-f-btn", "data-role": "unix-convert", text: "Convert" });
    this.unixMsg = h("div", { class: "loom-st-msgs", "data-role": "unix-message" });
    this.unixBox = h(
      "div",
      { class: "loom-st-unix", hidden: true },
      h("div", { class: "loom-st-inline" }, this.unixInput, unixConvert),
      h("div", { class: "loom-st-help", text: "Five fields: minute hour day-of-month month day-of-week (as crontab). Converted to Quartz and set as the expression." }),
      this.unixMsg,
    );
    unixToggle.addEventListener("click", () => {
      this.unixBox.hidden = !this.unixBox.hidden;
      if (!this.unixBox.hidden) this.unixInput.focus();
    });
    unixConvert.addEventListener("click", () => this.convertUnix());
    this.unixInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.convertUnix();
      }
    });
    this.cronWrap = h(
      "div",
      { class: "loom-st-field loom-st-field--wide", "data-path": pathKey(CRON_PATH) },
      h("div", { class: "loom-st-label", text: "Quartz cron expression" }),
      h("div", { class: "loom-st-control" }, this.cronInput, legend, this.cronMsgs, h("div", { class: "loom-st-unix-row" }, unixToggle), this.unixBox),
    );
    this.advancedBox = h("div", { class: "loom-st-advanced", "data-role": "advanced-form" }, this.cronWrap);

    // zone
    this.picker = new ZonePicker((id) => this.commitZone(id), wantZones);
    this.zoneMsgs = h("div", { class: "loom-st-msgs", "data-role": "zone-problems" });
    this.zoneWrap = h(
      "div",
      { class: "loom-st-field loom-st-field--wide", "data-path": pathKey(ZONE_PATH) },
      h("div", { class: "loom-st-label", text: "Time zone" }),
      h("div", { class: "loom-st-control" }, this.picker.element, this.picker.note, this.zoneMsgs),
    );

    // preview
    this.description = h("div", { class: "loom-st-description", "data-role": "schedule-description" });
    this.previewStatus = h("span", { class: "loom-st-preview-status", "data-role": "preview-status" });
    // "Next runs after …": a wall time in the job's zone (Python reads it so); empty is now. To
    // check a date ahead, such as next March's clock change.
    this.previewFrom = h("input", {
      class: "loom-f-input loom-st-from",
      type: "datetime-local",
      step: "1",
      "data-role": "preview-from",
      "aria-label": "Show the runs after this time (the job's time zone; empty: now)",
      title: "Show the runs after this time, in the job's time zone (empty: from now)",
    }) as HTMLInputElement;
    this.previewFrom.addEventListener("change", () => this.requestPreview(this.expression, this.zone, true));
    this.warnings = h("ul", { class: "loom-st-warnings", "data-role": "dst-warnings", hidden: true });
    this.jobZoneHead = h("th", { scope: "col" });
    this.viewerZoneHead = h("th", { scope: "col" });
    this.tableBody = h("tbody", {});
    const table = h(
      "table",
      { class: "loom-st-fires", "data-role": "fire-times" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "loom-st-n", text: "#" }), this.jobZoneHead, this.viewerZoneHead, h("th", { scope: "col", text: "Daylight saving" }))),
      this.tableBody,
    );
    this.ends = h("div", { class: "loom-st-help", "data-role": "preview-ends", hidden: true });
    this.previewBox = h(
      "section",
      { class: "loom-st-card loom-st-preview", "data-role": "schedule-preview" },
      h(
        "div",
        { class: "loom-st-preview-head" },
        h("h4", { class: "loom-st-card-title", text: "Next runs" }),
        h("label", { class: "loom-st-from-label" }, "after ", this.previewFrom),
        this.previewStatus,
      ),
      this.description,
      this.warnings,
      h("div", { class: "loom-st-table-wrap" }, table),
      this.ends,
    );

    const editor = h(
      "section",
      { class: "loom-st-card loom-st-editor" },
      h("div", { class: "loom-st-mode-row" }, h("h4", { class: "loom-st-card-title", text: "Schedule" }), this.modeBar, this.modeNote),
      this.simpleBox,
      this.advancedBox,
      this.zoneWrap,
    );
    this.element = h("div", { class: "loom-st-scheduled" }, editor, this.previewBox);
    this.renderSimple();
    this.renderMode();
  }

  setZones(zones: TimeZoneOption[]): void {
    this.picker.setZones(zones);
  }

  /** The job's schedule (from Python): fill in without clobbering typing; preview when it changed. */
  setSchedule(expression: string, zone: string): void {
    if (!hasFocus(this.cronInput) && !this.cronDeb.pending) {
      this.cronInput.value = expression;
      this.expression = expression;
      this.renderCronParts(expression);
    }
    this.zone = zone;
    this.picker.set(zone);
    this.simpleQuartz.replaceChildren("Quartz: ", h("code", { text: this.expression }));
    this.requestPreview(this.expression, this.zone);
  }

  showJobProblems(problems: Problem[]): void {
    this.jobProblems = problems;
    this.renderFieldProblems();
  }

  flush(): void {
    this.cronDeb.flush();
  }

  destroy(): void {
    this.cronDeb.cancel();
    this.picker.destroy();
  }

  /** The expression's fields under the input, each named: "0 30 2 * * ?" → second 0, minute 30... */
  private renderCronParts(expression: string): void {
    const names = ["second", "minute", "hour", "day of month", "month", "day of week", "year"];
    const tokens = expression.trim() ? expression.trim().split(/\s+/) : [];
    const shown = tokens.length ? tokens : ["", "", "", "", "", ""];
    this.cronParts.replaceChildren(
      ...shown.map((token, i) =>
        h(
          "span",
          { class: `loom-st-cron-part${i >= names.length ? " loom-st-cron-part--extra" : ""}` },
          h("code", { text: token || "·" }),
          h("span", { text: names[i] ?? "extra?" }),
        ),
      ),
      ...(tokens.length === 6 ? [h("span", { class: "loom-st-cron-part loom-st-cron-part--opt" }, h("code", { text: "" }), h("span", { text: "[year]" }))] : []),
    );
  }

  // ---- edits ----

  private commitExpression(expression: string): void {
    if (
      expression === this.expression &&
      this.lastPreviewKey === `${expression}\u0000${this.zone}\u0000${this.previewFrom.value}`
    )
      return;
    this.expression = expression;
    this.ctx.setJobField(CRON_PATH, expression);
    this.simpleQuartz.replaceChildren("Quartz: ", h("code", { text: expression }));
    this.requestPreview(expression, this.zone);
  }

  private commitZone(zone: string): void {
    this.cronDeb.flush();
    this.zone = zone;
    this.ctx.setJobField(ZONE_PATH, zone);
    this.requestPreview(this.expression, zone);
  }

  private setExpressionFromPython(expression: string): void {
    this.cronDeb.cancel();
    this.cronInput.value = expression;
    this.renderCronParts(expression);
    this.commitExpression(expression);
  }

  // ---- preview ----

  private requestPreview(expression: string, zone: string, force = false): void {
    const from = this.previewFrom.value;
    const key = `${expression}\u0000${zone}\u0000${from}`;
    if (key === this.lastPreviewKey && !force) return;
    this.lastPreviewKey = key;
    const id = this.ctx.nextId();
    this.latestPreview = id;
    this.previewBox.classList.add("loom-st-pending");
    this.previewStatus.textContent = "Updating…";
    this.ctx
      .request<{ kind: "schedule_preview"; request_id: number; preview: SchedulePreview }>({
        kind: "schedule_preview",
        request_id: id,
        quartz_cron_expression: expression,
        timezone_id: zone,
        viewer_timezone: viewerTimeZone(),
        count: 10,
        ...(from ? { start: from } : {}),
      })
      .then((reply) => {
        if (id !== this.latestPreview) return; // an older request: a newer one is on its way
        this.showPreview(reply.preview);
      })
      .catch((error: unknown) => {
        if (id !== this.latestPreview) return;
        this.previewBox.classList.remove("loom-st-pending");
        this.previewStatus.textContent = `Preview failed: ${error instanceof Error ? error.message : String(error)}`;
        this.lastPreviewKey = "";
      });
  }

  private showPreview(preview: SchedulePreview): void {
    this.preview = preview;
    this.previewBox.classList.remove("loom-st-pending");
    this.previewStatus.textContent = "";
    this.previewBox.dataset.valid = String(preview.valid);
    this.simpleAvailable = preview.simple !== null;
    if (preview.simple) {
      this.simple = { ...preview.simple, weekdays: [...preview.simple.weekdays] };
      this.renderSimple();
    }
    this.renderMode();
    this.renderFieldProblems();

    this.description.replaceChildren();
    if (preview.description) this.description.append(icon("clock", "loom-st-icon"), h("span", { text: preview.description }));
    this.description.hidden = !preview.description;

    const warnings = preview.warnings;
    this.warnings.replaceChildren(
      ...warnings.map((w) =>
        h(
          "li",
          { class: `loom-st-warning loom-st-warning--${w.kind}`, "data-kind": w.kind, "data-date": w.date ?? undefined },
          icon(w.kind === "repeated" ? "repeat" : w.kind === "skipped" ? "skip" : "warn", "loom-st-icon"),
          h("span", {}, w.kind === "skipped" ? h("strong", { text: "Skipped run. " }) : w.kind === "repeated" ? h("strong", { text: "Repeated hour. " }) : null, w.message),
        ),
      ),
    );
    this.warnings.hidden = warnings.length === 0;

    const viewerName = preview.viewer_timezone;
    this.jobZoneHead.replaceChildren("Job time ", h("span", { class: "loom-st-th-zone", text: preview.timezone_id }));
    this.jobZoneHead.title = `In the job's time zone, ${preview.timezone_id}`;
    this.viewerZoneHead.replaceChildren("Your time ", h("span", { class: "loom-st-th-zone", text: viewerName }));
    this.viewerZoneHead.title = `In your browser's time zone, ${viewerName}`;
    this.tableBody.replaceChildren(...this.rows(preview));
    const anyNotes = preview.fire_times.some((f) => f.dst.length > 0) || preview.skipped.length > 0;
    this.previewBox.classList.toggle("loom-st-no-notes", !anyNotes);

    const n = preview.fire_times.length;
    this.ends.hidden = !preview.valid || !preview.ends;
    this.ends.textContent = n === 0 ? "This schedule never fires again." : `The schedule stops firing after ${n === 1 ? "this run" : `these ${n} runs`}.`;
  }

  private rows(preview: SchedulePreview): HTMLTableRowElement[] {
    if (!preview.valid) {
      return [h("tr", { class: "loom-st-empty-row" }, h("td", { colspan: 4, text: "No runs to show: the schedule is not valid (see the problem above)." }))];
    }
    if (!preview.fire_times.length) return [h("tr", { class: "loom-st-empty-row" }, h("td", { colspan: 4, text: "No future runs." }))];
    const rows: HTMLTableRowElement[] = [];
    const skipped = [...preview.skipped].sort((a, b) => a.wall_time.localeCompare(b.wall_time));
    let s = 0;
    preview.fire_times.forEach((fire, i) => {
      const wallText = fire.job_time.slice(0, 19);
      while (s < skipped.length && skipped[s].wall_time.slice(0, 19) < wallText) {
        rows.push(this.skippedRow(skipped[s], preview.timezone_id));
        s += 1;
      }
      rows.push(this.fireRow(fire, i));
    });
    return rows;
  }

  private skippedRow(skip: SchedulePreview["skipped"][number], zone: string): HTMLTableRowElement {
    const wall = wallTime(skip.wall_time);
    const reason =
      skip.reason === "nonexistent"
        ? `Not run: ${wall?.time ?? skip.wall_time} does not exist that day (clocks go forward in ${zone}).`
        : `Not run: Quartz 2.3.2 (and so Databricks) jumps past this time after the clocks go forward.`;
    return h(
      "tr",
      { class: "loom-st-row loom-st-row--skipped", "data-role": "skipped-run", "data-wall-time": skip.wall_time, "data-reason": skip.reason },
      h("td", { class: "loom-st-n", title: "Skipped", text: "✕" }),
      h("td", {}, this.timeCell(wall, skip.wall_time, "", true)),
      h("td", { class: "loom-st-muted", text: "—" }),
      h("td", { class: "loom-st-dst-notes" }, h("div", { class: "loom-st-dst-note", "data-kind": "skipped" }, icon("skip", "loom-st-icon"), h("span", { text: reason }))),
    );
  }

  private fireRow(fire: FireTime, index: number): HTMLTableRowElement {
    const kinds = fire.dst.map((d) => d.kind);
    const job = wallTime(fire.job_time);
    const viewer = wallTime(fire.viewer_time);
    const sameAsJob = fire.viewer_time === fire.job_time && fire.viewer_zone_name === fire.job_zone_name;
    return h(
      "tr",
      {
        class: `loom-st-row${kinds.length ? " loom-st-row--dst" : ""}`,
        "data-role": "fire-time",
        "data-index": index,
        "data-utc": fire.utc,
        "data-job-time": fire.job_time,
        "data-viewer-time": fire.viewer_time,
        "data-dst": kinds.length ? kinds.join(" ") : undefined,
      },
      h("td", { class: "loom-st-n", text: String(index + 1) }),
      h("td", { class: "loom-st-job-time" }, this.timeCell(job, fire.job_time, fire.job_zone_name)),
      h("td", { class: `loom-st-viewer-time${sameAsJob ? " loom-st-same" : ""}` }, this.timeCell(viewer, fire.viewer_time, fire.viewer_zone_name)),
      h("td", { class: "loom-st-dst-notes" }, fire.dst.map((d) => h("div", { class: `loom-st-dst-note loom-st-dst-note--${d.kind}`, "data-kind": d.kind }, icon(d.kind === "repeated" ? "repeat" : "warn", "loom-st-icon"), h("span", { text: d.message })))),
    );
  }

  private timeCell(wall: WallTime | null, iso: string, zoneName: string, struck = false): HTMLElement {
    if (!wall) return h("span", { text: iso });
    return h(
      "span",
      { class: `loom-st-when${struck ? " loom-st-struck" : ""}`, title: wall.offset ? `${iso} (UTC${wall.offset})` : iso },
      h("span", { class: "loom-st-date", text: wall.date }),
      h("span", { class: "loom-st-time", text: wall.time }),
      zoneName ? h("span", { class: "loom-st-zone", text: zoneName }) : null,
    );
  }

  private renderFieldProblems(): void {
    const cronProblems: Problem[] = [];
    const zoneProblems: Problem[] = [];
    const previewProblems = this.preview && this.preview.expression === this.expression && this.preview.timezone_id === this.zone ? this.preview.problems : [];
    for (const p of [...previewProblems, ...this.jobProblems]) {
      const path = problemPath(p) ?? [];
      if (isPrefix(ZONE_PATH, path)) zoneProblems.push(p);
      else cronProblems.push(p);
    }
    renderMessages(this.cronMsgs, cronProblems);
    renderMessages(this.zoneMsgs, zoneProblems);
    this.cronWrap.classList.toggle("loom-st-invalid", cronProblems.some((p) => p.severity === "error"));
    this.zoneWrap.classList.toggle("loom-st-invalid", zoneProblems.some((p) => p.severity === "error"));
    this.cronInput.setAttribute("aria-invalid", String(cronProblems.some((p) => p.severity === "error")));
    // In simple mode the expression field is hidden: show its errors there too.
    renderMessages(this.simpleError, this.effectiveMode() === "simple" ? cronProblems : []);
  }

  // ---- mode ----

  private effectiveMode(): Mode {
    if (this.mode === "advanced") return "advanced";
    if (this.simpleAvailable === true) return "simple";
    return "advanced";
  }

  private renderMode(): void {
    const mode = this.effectiveMode();
    for (const button of Array.from(this.modeBar.querySelectorAll<HTMLButtonElement>("[data-mode]"))) {
      const on = button.dataset.mode === mode;
      button.setAttribute("aria-checked", on ? "true" : "false");
      if (button.dataset.mode === "simple") {
        button.disabled = this.simpleAvailable === false;
        button.title = this.simpleAvailable === false ? "This expression has no simple form: edit it as Quartz" : "Every N minutes, hours, days or weeks at a time of day";
      }
    }
    this.element.dataset.scheduleMode = mode;
    this.simpleBox.hidden = mode !== "simple";
    this.advancedBox.hidden = mode !== "advanced";
    const forced = this.simpleAvailable === false && this.preview?.valid === true;
    this.modeNote.hidden = !forced;
    this.modeNote.textContent = forced ? "Simple mode cannot state this schedule exactly, so it is edited as Quartz." : "";
  }

  // ---- simple mode ----

  private renderSimple(): void {
    const s = this.simple;
    const select = (role: string, options: [string | number, string][], value: string | number, label: string): HTMLSelectElement => {
      const el = h("select", { class: "loom-f-select loom-st-select", "data-simple": role, "aria-label": label }, options.map(([v, text]) => h("option", { value: String(v), text })));
      el.value = String(value);
      el.addEventListener("change", () => this.onSimpleChange());
      return el;
    };
    const unitOptions: [string, string][] = [
      ["minutes", s.every === 1 ? "minute" : "minutes"],
      ["hours", s.every === 1 ? "hour" : "hours"],
      ["days", "day"],
      ["weeks", "week"],
    ];
    const parts: Child[] = [h("span", { class: "loom-st-word", text: "Every" })];
    const intervals = SIMPLE_INTERVALS[s.unit];
    if (intervals.length > 1) parts.push(select("every", intervals.map((n) => [n, String(n)]), s.every, "Every"));
    parts.push(select("unit", unitOptions, s.unit, "Unit"));
    const hours = (n: number) => Array.from({ length: n }, (_, i) => [i, pad2(i)] as [number, string]);
    const minutes = (n: number) => Array.from({ length: n }, (_, i) => [i, pad2(i)] as [number, string]);
    if (s.unit === "minutes") {
      if (s.every > 1) parts.push(h("span", { class: "loom-st-word", text: "from minute" }), select("minute", minutes(s.every), s.minute, "Starting minute"), h("span", { class: "loom-st-word loom-st-muted", text: "of each hour" }));
    } else if (s.unit === "hours") {
      parts.push(h("span", { class: "loom-st-word", text: "at minute" }), select("minute", minutes(60), s.minute, "Minute"));
      if (s.every > 1) parts.push(h("span", { class: "loom-st-word", text: "from" }), select("hour", hours(s.every).map(([v]) => [v, `${pad2(v)}:${pad2(s.minute)}`]), s.hour, "First run of the day"));
    } else {
      if (s.unit === "weeks") {
        const days = h("div", { class: "loom-st-days", role: "group", "aria-label": "Weekdays", "data-simple": "weekdays" });
        for (const day of WEEKDAYS) {
          const on = s.weekdays.includes(day);
          const b = h("button", { type: "button", class: "loom-st-day", "aria-pressed": on ? "true" : "false", "data-day": day, text: day.charAt(0) + day.slice(1).toLowerCase() });
          b.addEventListener("click", () => {
            b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
            this.onSimpleChange();
          });
          days.append(b);
        }
        parts.push(h("span", { class: "loom-st-word", text: "on" }), days);
      }
      parts.push(h("span", { class: "loom-st-word", text: "at" }), h("span", { class: "loom-st-hm" }, select("hour", hours(24), s.hour, "Hour"), h("span", { text: ":" }), select("minute", minutes(60), s.minute, "Minute")));
    }
    this.simpleRow.replaceChildren(...parts.filter((p): p is Node | string => !!p));
  }

  private readSimple(): SimpleSchedule {
    const get = (role: string): string | null => this.simpleRow.querySelector<HTMLSelectElement>(`select[data-simple="${role}"]`)?.value ?? null;
    const prev = this.simple;
    const unit = (get("unit") ?? prev.unit) as SimpleSchedule["unit"];
    const intervals = SIMPLE_INTERVALS[unit];
    let every = unit === prev.unit ? Number(get("every") ?? prev.every) : prev.every;
    if (!intervals.includes(every)) every = intervals[0];
    let hour = get("hour") !== null ? Number(get("hour")) : prev.hour;
    let minute = get("minute") !== null ? Number(get("minute")) : prev.minute;
    if (unit !== prev.unit) {
      // Keep the time of day when it means something in the new unit.
      if (unit === "minutes") {
        hour = 0;
        minute = 0;
      }
    }
    let weekdays: SimpleSchedule["weekdays"] = [];
    if (unit === "weeks") {
      const pressed = Array.from(this.simpleRow.querySelectorAll<HTMLButtonElement>('[data-day][aria-pressed="true"]')).map((b) => b.dataset.day as SimpleSchedule["weekdays"][number]);
      weekdays = prev.unit === "weeks" ? pressed : prev.weekdays.length ? prev.weekdays : ["MON"];
    }
    if (unit === "minutes") minute = every > 1 ? minute % every : 0;
    if (unit === "hours") hour = every > 1 ? hour % every : 0;
    return { every, unit, hour, minute, weekdays };
  }

  private onSimpleChange(): void {
    const simple = this.readSimple();
    this.simple = simple;
    this.renderSimple();
    if (simple.unit === "weeks" && simple.weekdays.length === 0) {
      renderMessages(this.simpleError, [{ code: "simple", severity: "error", message: "Pick at least one weekday.", task_key: null, field: null }]);
      return;
    }
    const id = this.ctx.nextId();
    this.latestSimple = id;
    this.ctx
      .request<{ kind: "simple_schedule"; request_id: number; expression?: string; error?: string }>({ kind: "simple_schedule", request_id: id, simple })
      .then((reply) => {
        if (id !== this.latestSimple) return;
        if (reply.error || !reply.expression) {
          renderMessages(this.simpleError, [{ code: "simple", severity: "error", message: reply.error ?? "Could not convert the schedule.", task_key: null, field: null }]);
          return;
        }
        renderMessages(this.simpleError, []);
        this.setExpressionFromPython(reply.expression);
      })
      .catch((error: unknown) => {
        if (id === this.latestSimple) this.ctx.notify("error", `Could not convert the schedule: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  // ---- unix cron ----

  private convertUnix(): void {
    const text = this.unixInput.value.trim();
    if (!text) {
      this.unixInput.focus();
      return;
    }
    const id = this.ctx.nextId();
    this.latestUnix = id;
    this.unixMsg.replaceChildren(h("div", { class: "loom-st-msg loom-st-muted", text: "Converting…" }));
    this.ctx
      .request<{ kind: "from_unix"; request_id: number; expression?: string; error?: string }>({ kind: "from_unix", request_id: id, expression: text })
      .then((reply) => {
        if (id !== this.latestUnix) return;
        if (reply.error || !reply.expression) {
          renderMessages(this.unixMsg, [{ code: "from-unix", severity: "error", message: reply.error ?? "Could not convert it.", task_key: null, field: null }]);
          return;
        }
        this.unixMsg.replaceChildren(h("div", { class: "loom-st-msg loom-st-msg--ok", "data-role": "unix-result" }, `${text} → `, h("code", { text: reply.expression }), " (set as the expression)"));
        this.setExpressionFromPython(reply.expression);
      })
      .catch((error: unknown) => {
        if (id === this.latestUnix) renderMessages(this.unixMsg, [{ code: "from-unix", severity: "error", message: String(error), task_key: null, field: null }]);
      });
  }
}

// ---- CSS -------------------------------------------------------------------------------------------

export const SCHEDULE_TAB_CSS = `
.loom-st {
  --loom-st-amber: var(--jp-warn-color1, #b45309);
  --loom-st-amber-bg: color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 13%, var(--loom-f-bg));
  --loom-st-amber-line: color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 55%, var(--loom-f-bg));
  --loom-st-ok: var(--jp-success-color1, #2e7d32);
  --loom-st-muted: var(--jp-ui-font-color2, #5f6b7a);
  --loom-st-faint: var(--jp-ui-font-color3, #8a94a3);
  min-height: 100%;
  font-size: 13px;
  background: transparent;
  container-type: inline-size;
}
.loom-st-inner { padding: 16px 20px 40px; display: flex; flex-direction: column; gap: 12px; max-width: 880px; margin: 0 auto; }
.loom-st-icon { width: 14px; height: 14px; flex: none; vertical-align: -2px; }
.loom-st-kind-help { margin: -4px 0 0; color: var(--loom-st-muted); font-size: 12.5px; }
.loom-st-spacer { flex: 1 1 auto; }
.loom-st-kind-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.loom-st-kind-label { color: var(--loom-st-muted); font-size: 12px; }
.loom-st-kinds { display: inline-flex; border: 1px solid var(--loom-f-border); border-radius: 6px; overflow: hidden; background: var(--loom-f-bg); max-width: 100%; flex-wrap: wrap; }
.loom-st-kind { all: unset; box-sizing: border-box; padding: 6px 14px; cursor: pointer; font-size: 12.5px; color: var(--loom-f-fg2);
  border-right: 1px solid var(--loom-f-border); white-space: nowrap; font-family: var(--loom-f-font); }
.loom-st-kind:last-child { border-right: none; }
.loom-st-kind:hover { color: var(--loom-f-fg); background: var(--loom-f-bg2); }
.loom-st-kind:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-st-kind[aria-checked="true"] { color: var(--loom-f-brand); font-weight: 600; background: color-mix(in srgb, var(--loom-f-brand) 13%, var(--loom-f-bg));
  box-shadow: inset 0 -2px 0 var(--loom-f-brand); }
.loom-st-kinds--other { border-style: dashed; }

.loom-st-pause { display: flex; align-items: center; gap: 8px; flex: none; }
.loom-st-pause-state { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; font-weight: 600; padding: 2px 10px; border-radius: 999px;
  color: var(--loom-st-ok); background: color-mix(in srgb, var(--loom-st-ok) 12%, var(--loom-f-bg)); }
.loom-st-dot { width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.loom-st-pause[data-status="PAUSED"] .loom-st-pause-state { color: var(--loom-st-amber); background: var(--loom-st-amber-bg); }
.loom-st-pause-btn { display: inline-flex; align-items: center; gap: 5px; }

.loom-st-top-problems { list-style: none; margin: 0; padding: 6px 10px; border: 1px solid var(--loom-f-error); border-left-width: 3px; border-radius: 5px;
  background: color-mix(in srgb, var(--loom-f-error) 7%, var(--loom-f-bg)); display: flex; flex-direction: column; gap: 3px; }
.loom-st-top-problems[hidden] { display: none; }

.loom-st-body { display: flex; flex-direction: column; gap: 12px; }
.loom-st-card { border: 1px solid var(--je-border, var(--loom-f-border)); border-radius: 8px; padding: 14px 16px; background: var(--je-bg, var(--loom-f-bg));
  box-shadow: 0 1px 2px rgba(0, 0, 0, .04); display: flex; flex-direction: column; gap: 10px; min-width: 0; }
.loom-st-card-title { margin: 0; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; color: var(--loom-st-muted); }
.loom-st-p { margin: 0; color: var(--loom-f-fg); }
.loom-st-muted { color: var(--loom-st-muted); }
.loom-st-empty { display: flex; gap: 10px; align-items: flex-start; padding: 14px; border: 1px dashed var(--loom-f-border); border-radius: 8px; color: var(--loom-st-muted); }
.loom-st-empty .loom-st-icon { width: 18px; height: 18px; margin-top: 1px; }
.loom-st-empty strong { color: var(--loom-f-fg); }

.loom-st-field { display: grid; grid-template-columns: minmax(120px, 200px) minmax(0, 1fr); column-gap: 14px; align-items: start; }
.loom-st-field--wide { grid-template-columns: minmax(0, 1fr); row-gap: 4px; }
.loom-st-label { padding-top: 6px; color: var(--loom-st-muted); font-size: 12.5px; }
.loom-st-field--wide > .loom-st-label { padding-top: 0; font-weight: 600; color: var(--loom-f-fg); font-size: 12.5px; }
.loom-st-control { min-width: 0; display: flex; flex-direction: column; gap: 4px; }
.loom-st-control > select { align-self: flex-start; max-width: 100%; }
.loom-st-help { font-size: 11.5px; color: var(--loom-st-muted); }
.loom-st-inline { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.loom-st-word { color: var(--loom-f-fg); }
.loom-st-num-wrap { display: inline-flex; align-items: center; gap: 8px; }
.loom-st .loom-st-num { width: 110px; }
.loom-st .loom-st-select { width: auto; min-width: 70px; }
.loom-st-readout { color: var(--loom-st-muted); font-size: 12px; }
.loom-st-local-error { color: var(--loom-f-error); font-size: 12px; }
.loom-st-mono { font-family: var(--loom-f-mono); }
.loom-st-lines-wrap { display: flex; flex-direction: column; gap: 2px; }
.loom-st-lines { resize: vertical; min-height: 60px; }
.loom-st-invalid .loom-f-input, .loom-st-invalid .loom-f-select { border-color: var(--loom-f-error); }
.loom-st-warned .loom-f-input { border-color: var(--loom-f-warn); }
.loom-st-msgs { display: flex; flex-direction: column; gap: 2px; }
.loom-st-msgs:empty { display: none; }
.loom-st-msg { display: flex; gap: 6px; align-items: flex-start; font-size: 12px; }
.loom-st-msg .loom-st-icon { margin-top: 1px; }
.loom-st-msg--error { color: var(--loom-f-error); }
.loom-st-msg--warning { color: var(--loom-st-amber); }
.loom-st-msg--ok { color: var(--loom-st-ok); display: block; }
.loom-st-msg code { font-family: var(--loom-f-mono); }
.loom-st-other-note { display: flex; gap: 8px; align-items: flex-start; padding: 8px 10px; border-radius: 6px; background: var(--loom-st-amber-bg); color: var(--loom-f-fg);
  border-left: 3px solid var(--loom-st-amber); }
.loom-st-other-note .loom-st-icon { color: var(--loom-st-amber); margin-top: 2px; }
.loom-st-json { margin: 0; padding: 8px 10px; border-radius: 6px; background: var(--loom-f-bg2); font-family: var(--loom-f-mono); font-size: 12px; max-height: 260px; overflow: auto; white-space: pre; }

/* scheduled: editor and preview side by side when there is room */
.loom-st-scheduled { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; align-items: start; }

.loom-st-mode-row { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.loom-st-mode-row .loom-st-card-title { margin-right: auto; }
.loom-st-mode-note { flex-basis: 100%; font-size: 12px; color: var(--loom-st-muted); font-style: italic; }
.loom-st-seg { display: inline-flex; border: 1px solid var(--loom-f-border); border-radius: 5px; overflow: hidden; }
.loom-st-seg-btn { all: unset; box-sizing: border-box; padding: 3px 10px; font-size: 12px; cursor: pointer; color: var(--loom-f-fg2); border-right: 1px solid var(--loom-f-border);
  font-family: var(--loom-f-font); }
.loom-st-seg-btn:last-child { border-right: none; }
.loom-st-seg-btn:hover:not(:disabled) { background: var(--loom-f-bg2); color: var(--loom-f-fg); }
.loom-st-seg-btn[aria-checked="true"] { color: var(--loom-f-brand); font-weight: 600; background: color-mix(in srgb, var(--loom-f-brand) 13%, var(--loom-f-bg)); }
.loom-st-seg-btn:disabled { opacity: 0.45; cursor: not-allowed; }
.loom-st-seg-btn:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-st-simple, .loom-st-advanced { display: flex; flex-direction: column; gap: 6px; }
.loom-st-simple[hidden], .loom-st-advanced[hidden] { display: none; }
.loom-st-simple-row { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; min-height: 30px; }
.loom-st-hm { display: inline-flex; align-items: center; gap: 3px; }
.loom-st-days { display: inline-flex; border: 1px solid var(--loom-f-border); border-radius: 5px; overflow: hidden; }
.loom-st-day { all: unset; box-sizing: border-box; padding: 4px 8px; font-size: 12px; cursor: pointer; color: var(--loom-f-fg2); border-right: 1px solid var(--loom-f-border); font-family: var(--loom-f-font); }
.loom-st-day:last-child { border-right: none; }
.loom-st-day:hover { background: var(--loom-f-bg2); }
.loom-st-day[aria-pressed="true"] { background: var(--loom-f-brand); color: var(--jp-ui-inverse-font-color1, #fff); font-weight: 600; }
.loom-st-day:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-st-quartz-readout { font-size: 12px; color: var(--loom-st-muted); }
.loom-st-quartz-readout code { font-family: var(--loom-f-mono); color: var(--loom-f-fg); background: var(--loom-f-bg2); padding: 1px 5px; border-radius: 3px; }
.loom-st .loom-st-cron { font-size: 14px; min-height: 32px; letter-spacing: 0.02em; }
.loom-st-cron-parts { display: flex; flex-wrap: wrap; gap: 2px 4px; }
.loom-st-cron-part { display: inline-flex; flex-direction: column; align-items: center; min-width: 44px; padding: 1px 4px; border-radius: 4px; background: var(--loom-f-bg2); }
.loom-st-cron-part code { font-family: var(--loom-f-mono); font-size: 12px; color: var(--loom-f-fg); min-height: 16px; }
.loom-st-cron-part span { font-size: 10px; color: var(--loom-st-faint); white-space: nowrap; }
.loom-st-cron-part--opt { background: transparent; border: 1px dashed var(--loom-f-border); }
.loom-st-cron-part--opt code { display: none; }
.loom-st-cron-part--opt { justify-content: center; }
.loom-st-cron-part--extra { background: color-mix(in srgb, var(--loom-f-error) 12%, var(--loom-f-bg)); }
.loom-st-invalid .loom-st-cron { border-color: var(--loom-f-error); }
.loom-st-unix-row { display: flex; }
.loom-st-link { all: unset; cursor: pointer; color: var(--loom-f-brand); font-size: 12px; font-family: var(--loom-f-font); }
.loom-st-link:hover { text-decoration: underline; }
.loom-st-link:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: 1px; border-radius: 2px; }
.loom-st-unix { display: flex; flex-direction: column; gap: 4px; padding: 8px 10px; border-radius: 6px; background: var(--loom-f-bg2); }
.loom-st-unix[hidden] { display: none; }
.loom-st-unix .loom-st-inline > .loom-f-input { flex: 1 1 auto; width: auto; }

/* time zone picker */
.loom-st-tz { position: relative; }
.loom-st-tz-field { position: relative; display: flex; align-items: center; }
.loom-st-tz-field > .loom-st-icon { position: absolute; left: 8px; color: var(--loom-st-muted); pointer-events: none; }
.loom-st .loom-st-tz-input { padding-left: 28px; padding-right: 96px; }
.loom-st-tz-offset { position: absolute; right: 8px; font-size: 11.5px; color: var(--loom-st-muted); font-variant-numeric: tabular-nums; pointer-events: none; }
.loom-st-tz-popup { position: absolute; z-index: 30; left: 0; right: 0; top: calc(100% + 3px); background: var(--loom-f-bg); border: 1px solid var(--loom-f-border);
  border-radius: 6px; box-shadow: 0 8px 24px rgba(0, 0, 0, 0.2); padding: 4px; }
.loom-st-tz-popup[hidden] { display: none; }
.loom-st-tz-list { list-style: none; margin: 0; padding: 0; max-height: 260px; overflow: auto; }
.loom-st-tz-item { display: flex; gap: 8px; align-items: baseline; padding: 4px 6px; border-radius: 4px; cursor: pointer; min-width: 0; }
.loom-st-tz-item:hover { background: var(--loom-f-bg2); }
.loom-st-tz-item.loom-st-active { background: color-mix(in srgb, var(--loom-f-brand) 16%, var(--loom-f-bg)); }
.loom-st-tz-item.loom-st-current .loom-st-tz-item-id { font-weight: 600; }
.loom-st-tz-item-offset { flex: 0 0 78px; font-size: 11.5px; color: var(--loom-st-muted); font-variant-numeric: tabular-nums; }
.loom-st-tz-item-id { flex: 0 0 auto; }
.loom-st-tz-item-alias { flex: 0 0 auto; font-size: 11.5px; color: var(--loom-st-muted); }
.loom-st-tz-item-note { flex: 1 1 auto; min-width: 0; font-size: 11px; color: var(--loom-st-amber); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: right; }
.loom-st-tz-status { font-size: 11.5px; color: var(--loom-st-muted); padding: 4px 6px 2px; }
.loom-st-tz-status:empty { display: none; }
.loom-st-tz-note { font-size: 12px; color: var(--loom-st-muted); }
.loom-st-tz-warn { color: var(--loom-st-amber); }
.loom-st-tz-note[hidden] { display: none; }

/* preview */
.loom-st-preview { transition: opacity 0.12s; }
.loom-st-preview.loom-st-pending .loom-st-table-wrap { opacity: 0.55; }
.loom-st-preview-head { display: flex; align-items: baseline; gap: 10px; }
.loom-st-preview-status { font-size: 12px; color: var(--loom-st-muted); }
.loom-st-description { display: flex; align-items: center; gap: 8px; font-size: 15px; font-weight: 600; }
.loom-st-description[hidden] { display: none; }
.loom-st-description .loom-st-icon { width: 16px; height: 16px; color: var(--loom-f-brand); }
.loom-st-warnings { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.loom-st-warnings[hidden] { display: none; }
.loom-st-warning { display: flex; gap: 8px; align-items: flex-start; padding: 8px 10px; border-radius: 6px; background: var(--loom-st-amber-bg);
  border: 1px solid var(--loom-st-amber-line); border-left: 4px solid var(--loom-st-amber); font-size: 12.5px; }
.loom-st-warning .loom-st-icon { color: var(--loom-st-amber); width: 16px; height: 16px; margin-top: 1px; }
.loom-st-warning strong { color: var(--loom-st-amber); }
.loom-st-warning--viewer_timezone { background: var(--loom-f-bg2); border-color: var(--loom-f-border); border-left-color: var(--loom-st-muted); }
.loom-st-table-wrap { overflow-x: auto; }
.loom-st-fires { width: 100%; border-collapse: separate; border-spacing: 0; font-size: 12.5px; }
.loom-st-fires th { text-align: left; font-weight: 600; font-size: 11.5px; color: var(--loom-st-muted); padding: 4px 8px; border-bottom: 1px solid var(--loom-f-border); white-space: nowrap; }
.loom-st-th-zone { font-weight: normal; color: var(--loom-st-faint); margin-left: 4px; }
.loom-st-fires td { padding: 5px 8px; border-bottom: 1px solid color-mix(in srgb, var(--loom-f-border) 60%, transparent); vertical-align: top; }
.loom-st-fires tbody tr:last-child td { border-bottom: none; }
.loom-st-n { width: 30px; text-align: right; color: var(--loom-st-faint); font-variant-numeric: tabular-nums; }
.loom-st-when { display: inline-flex; align-items: baseline; gap: 6px; white-space: nowrap; }
.loom-st-date { color: var(--loom-st-muted); }
.loom-st-time { font-weight: 600; font-variant-numeric: tabular-nums; font-family: var(--loom-f-mono); font-size: 12.5px; }
.loom-st-zone { font-size: 11px; color: var(--loom-st-muted); border: 1px solid var(--loom-f-border); border-radius: 3px; padding: 0 4px; line-height: 16px; }
.loom-st-same .loom-st-when { opacity: 0.6; }
.loom-st-struck .loom-st-time, .loom-st-struck .loom-st-date { text-decoration: line-through; }
.loom-st-dst-notes { font-size: 12px; min-width: 180px; width: 40%; }
.loom-st-no-notes .loom-st-fires th:last-child, .loom-st-no-notes .loom-st-fires td.loom-st-dst-notes { display: none; }
.loom-st-dst-note { display: flex; gap: 6px; align-items: flex-start; }
.loom-st-dst-note .loom-st-icon { margin-top: 1px; }
.loom-st-dst-note + .loom-st-dst-note { margin-top: 3px; }
.loom-st-row--dst td { background: var(--loom-st-amber-bg); }
.loom-st-row--dst td:first-child { box-shadow: inset 4px 0 0 var(--loom-st-amber); }
.loom-st-row--dst .loom-st-n { color: var(--loom-st-amber); font-weight: 600; }
.loom-st-row--dst .loom-st-dst-notes, .loom-st-row--skipped .loom-st-dst-notes { color: color-mix(in srgb, var(--loom-st-amber) 75%, var(--loom-f-fg)); }
.loom-st-dst-notes .loom-st-icon { color: var(--loom-st-amber); }
.loom-st-row--skipped td { background: repeating-linear-gradient(135deg, var(--loom-st-amber-bg) 0 8px, color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 20%, var(--loom-f-bg)) 8px 16px); }
.loom-st-row--skipped td:first-child { box-shadow: inset 4px 0 0 var(--loom-st-amber); }
.loom-st-row--skipped .loom-st-n { color: var(--loom-st-amber); font-weight: 700; }
.loom-st-row--skipped .loom-st-dst-note { font-weight: 600; }
.loom-st-empty-row td { color: var(--loom-st-muted); font-style: italic; padding: 10px 8px; }
`;

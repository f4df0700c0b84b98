// The simple mode of a cron schedule: every N minutes, hours, days or weeks at a time of day,
// as selects; Python turns it into the Quartz expression.
import { type Child, h } from "../dom";
import type { Problem, SimpleSchedule } from "../protocol";
import type { JobTabContext } from "../tab-types";
import { pad2 } from "./times";
import { renderMessages } from "./trigger-fields";

const SIMPLE_INTERVALS: Record<SimpleSchedule["unit"], number[]> = {
  minutes: [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30],
  hours: [1, 2, 3, 4, 6, 8, 12],
  days: [1],
  weeks: [1],
};
const WEEKDAYS: SimpleSchedule["weekdays"] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

export class SimpleEditor {
  readonly element: HTMLElement;
  private simple: SimpleSchedule = { every: 1, unit: "days", hour: 0, minute: 0, weekdays: [] };
  private latest = 0;
  private readonly row: HTMLElement;
  private readonly error: HTMLElement;
  private readonly quartz: HTMLElement;

  constructor(
    private readonly ctx: JobTabContext,
    /** The expression Python made of the simple schedule, to set as the job's. */
    private readonly converted: (expression: string) => void,
  ) {
    this.row = h("div", { class: "loom-st-simple-row" });
    this.error = h("div", { class: "loom-st-msgs", "data-role": "simple-error" });
    this.quartz = h("div", { class: "loom-st-quartz-readout" });
    this.element = h("div", { class: "loom-st-simple", "data-role": "simple-form" }, this.row, this.error, this.quartz);
    this.render();
  }

  /** The Quartz expression below the selects. */
  showQuartz(expression: string): void {
    this.quartz.replaceChildren("Quartz: ", h("code", { text: expression }));
  }

  /** The schedule's simple form (from Python's preview). */
  set(simple: SimpleSchedule): void {
    this.simple = { ...simple, weekdays: [...simple.weekdays] };
    this.render();
  }

  /** The expression's problems (its field is hidden in simple mode). */
  showProblems(problems: Problem[]): void {
    renderMessages(this.error, problems);
  }

  private render(): void {
    const s = this.simple;
    const select = (role: string, options: [string | number, string][], value: string | number, label: string): HTMLSelectElement => {
      const el = h("select", { class: "loom-f-select loom-st-select", "data-simple": role, "aria-label": label }, options.map(([v, text]) => h("option", { value: String(v), text })));
      el.value = String(value);
      el.addEventListener("change", () => this.onChange());
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
            this.onChange();
          });
          days.append(b);
        }
        parts.push(h("span", { class: "loom-st-word", text: "on" }), days);
      }
      parts.push(h("span", { class: "loom-st-word", text: "at" }), h("span", { class: "loom-st-hm" }, select("hour", hours(24), s.hour, "Hour"), h("span", { text: ":" }), select("minute", minutes(60), s.minute, "Minute")));
    }
    this.row.replaceChildren(...parts.filter((p): p is Node | string => !!p));
  }

  private read(): SimpleSchedule {
    const get = (role: string): string | null => this.row.querySelector<HTMLSelectElement>(`select[data-simple="${role}"]`)?.value ?? null;
    const prev = this.simple;
    const unit = (get("unit") ?? prev.unit) as SimpleSchedule["unit"];
    const intervals = SIMPLE_INTERVALS[unit];
    let every = unit === prev.unit ? Number(get("every") ?? prev.every) : prev.every;
    if (!intervals.includes(every)) every = intervals[0];
    let hour = get("hour") !== null ? Number(get("hour")) : prev.hour;
    let minute = get("minute") !== null ? Number(get("minute")) : prev.minute;
    // Keep the time of day when it means something in the new unit.
    if (unit !== prev.unit && unit === "minutes") {
      hour = 0;
      minute = 0;
    }
    let weekdays: SimpleSchedule["weekdays"] = [];
    if (unit === "weeks") {
      const pressed = Array.from(this.row.querySelectorAll<HTMLButtonElement>('[data-day][aria-pressed="true"]')).map((b) => b.dataset.day as SimpleSchedule["weekdays"][number]);
      weekdays = prev.unit === "weeks" ? pressed : prev.weekdays.length ? prev.weekdays : ["MON"];
    }
    if (unit === "minutes") minute = every > 1 ? minute % every : 0;
    if (unit === "hours") hour = every > 1 ? hour % every : 0;
    return { every, unit, hour, minute, weekdays };
  }

  private onChange(): void {
    const simple = this.read();
    this.simple = simple;
    this.render();
    if (simple.unit === "weeks" && simple.weekdays.length === 0) {
      renderMessages(this.error, [{ code: "simple", severity: "error", message: "Pick at least one weekday.", task_key: null, field: null }]);
      return;
    }
    const id = this.ctx.nextId();
    this.latest = id;
    this.ctx
      .request<{ kind: "simple_schedule"; request_id: number; expression?: string; error?: string }>({ kind: "simple_schedule", request_id: id, simple })
      .then((reply) => {
        if (id !== this.latest) return;
        if (reply.error || !reply.expression) {
          renderMessages(this.error, [{ code: "simple", severity: "error", message: reply.error ?? "Could not convert the schedule.", task_key: null, field: null }]);
          return;
        }
        renderMessages(this.error, []);
        this.converted(reply.expression);
      })
      .catch((error: unknown) => {
        if (id === this.latest) this.ctx.notify("error", `Could not convert the schedule: ${error instanceof Error ? error.message : String(error)}`);
      });
  }
}

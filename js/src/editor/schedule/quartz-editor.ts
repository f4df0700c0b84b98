// The advanced mode of a cron schedule: the Quartz expression as typed, each of its fields named
// below it, and "Paste a unix cron" (Python converts a crontab line to Quartz).
import { h } from "../dom";
import { isPrefix, pathKey } from "../forms/paths";
import { Debouncer, bindText, hasFocus } from "../forms/text-input";
import type { JsonPath, Problem } from "../protocol";
import type { JobTabContext } from "../tab-types";
import { CRON_DEBOUNCE_MS, renderMessages } from "./trigger-fields";

export const CRON_PATH: JsonPath = ["schedule", "quartz_cron_expression"];
export const ZONE_PATH: JsonPath = ["schedule", "timezone_id"];

/** The fields of a Quartz expression, in order (the year is optional). */
const FIELD_NAMES = ["second", "minute", "hour", "day of month", "month", "day of week", "year"];

/** Whether a problem at `path` is about the cron schedule (its expression or its zone). */
export function isCronSchedulePath(path: JsonPath): boolean {
  return isPrefix(CRON_PATH, path) || isPrefix(ZONE_PATH, path);
}

export class QuartzEditor {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly deb: Debouncer;
  private readonly parts: HTMLElement;
  private readonly msgs: HTMLElement;
  private readonly wrap: HTMLElement;
  private readonly unixBox: HTMLElement;
  private readonly unixInput: HTMLInputElement;
  private readonly unixMsg: HTMLElement;
  private latestUnix = 0;

  constructor(
    private readonly ctx: JobTabContext,
    /** The expression typed (debounced) or converted, to set as the job's. */
    private readonly commit: (expression: string) => void,
  ) {
    this.input = h("input", {
      class: "loom-f-input loom-st-mono loom-st-cron",
      "data-role": "cron-input",
      "aria-label": "Quartz cron expression",
      spellcheck: "false",
      autocomplete: "off",
      placeholder: "0 30 2 * * ?",
    });
    this.deb = new Debouncer(() => this.commit(this.input.value.trim()), CRON_DEBOUNCE_MS);
    bindText(this.input, this.deb);
    this.msgs = h("div", { class: "loom-st-msgs", "data-role": "cron-problems", id: `loom-st-cron-msgs-${Math.random().toString(36).slice(2, 10)}` });
    this.input.setAttribute("aria-describedby", this.msgs.id);
    this.parts = h("div", { class: "loom-st-cron-parts", "data-role": "cron-parts", "aria-hidden": "true" });
    this.input.addEventListener("input", () => this.renderParts(this.input.value));
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
    this.wrap = h(
      "div",
      { class: "loom-st-field loom-st-field--wide", "data-path": pathKey(CRON_PATH) },
      h("div", { class: "loom-st-label", text: "Quartz cron expression" }),
      h("div", { class: "loom-st-control" }, this.input, this.parts, this.msgs, h("div", { class: "loom-st-unix-row" }, unixToggle), this.unixBox),
    );
    this.element = h("div", { class: "loom-st-advanced", "data-role": "advanced-form" }, this.wrap);
  }

  /** The job's expression, unless the user is typing one: whether it was shown. */
  setFromJob(expression: string): boolean {
    if (hasFocus(this.input) || this.deb.pending) return false;
    this.input.value = expression;
    this.renderParts(expression);
    return true;
  }

  /** Replace what is typed with an expression Python made, and commit it. */
  replace(expression: string): void {
    this.deb.cancel();
    this.input.value = expression;
    this.renderParts(expression);
    this.commit(expression);
  }

  showProblems(problems: Problem[]): void {
    const invalid = problems.some((p) => p.severity === "error");
    renderMessages(this.msgs, problems);
    this.wrap.classList.toggle("loom-st-invalid", invalid);
    this.input.setAttribute("aria-invalid", String(invalid));
  }

  flush(): void {
    this.deb.flush();
  }

  cancel(): void {
    this.deb.cancel();
  }

  /** The expression's fields under the input, each named: "0 30 2 * * ?" → second 0, minute 30... */
  private renderParts(expression: string): void {
    const tokens = expression.trim() ? expression.trim().split(/\s+/) : [];
    const shown = tokens.length ? tokens : ["", "", "", "", "", ""];
    this.parts.replaceChildren(
      ...shown.map((token, i) =>
        h(
          "span",
          { class: `loom-st-cron-part${i >= FIELD_NAMES.length ? " loom-st-cron-part--extra" : ""}` },
          h("code", { text: token || "·" }),
          h("span", { text: FIELD_NAMES[i] ?? "extra?" }),
        ),
      ),
      ...(tokens.length === 6 ? [h("span", { class: "loom-st-cron-part loom-st-cron-part--opt" }, h("code", { text: "" }), h("span", { text: "[year]" }))] : []),
    );
  }

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
        this.replace(reply.expression);
      })
      .catch((error: unknown) => {
        if (id === this.latestUnix) renderMessages(this.unixMsg, [{ code: "from-unix", severity: "error", message: String(error), task_key: null, field: null }]);
      });
  }
}

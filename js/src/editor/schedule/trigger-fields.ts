// The fields of the trigger kinds' forms (periodic, continuous, file arrival, table update): a
// control at a JSON path of the job's settings, its label and help, and the problems at that path.
import { h, icon, type Child } from "../dom";
import { getPath, isPrefix, pathKey } from "../forms/paths";
import { Debouncer, bindText, hasFocus } from "../forms/text-input";
import type { JsonPath, Problem } from "../protocol";
import type { JobTabContext } from "../tab-types";
import { humanSeconds } from "./times";

/** How long typing waits before the edit is sent (the cron expression's field too). */
export const CRON_DEBOUNCE_MS = 300;

interface FieldHandle {
  path: JsonPath;
  /** The form control itself (named by its row's label). */
  input: HTMLElement;
  /** Why the control refused what was typed (under the row's controls). */
  local?: HTMLElement;
  wrap: HTMLElement;
  msgs: HTMLElement;
  set(value: unknown): void;
  flush(): void;
  cancel(): void;
}

type Field<T extends HTMLElement = HTMLElement> = FieldHandle & { control: T };

/** A card of the tab: a titled section. */
export function card(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "loom-st-card" }, h("h4", { class: "loom-st-card-title", text: title }), ...children);
}

/** The problems as messages in `box` (each severity and message once). */
export function renderMessages(box: HTMLElement, problems: Problem[], asList = false): void {
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

/** What a field refused (text that is not a value of its kind), by path key: kept by the tab, so
 * a form drawn again (another trigger kind and back) shows it again, until the user changes it. */
export type RefusedTexts = Map<string, { text: string; message: string }>;

/** The fields of one trigger kind's form: made, filled from the settings, flushed, shown problems. */
export class TriggerFields {
  private readonly fields: FieldHandle[] = [];

  constructor(
    private readonly ctx: JobTabContext,
    private readonly refused: RefusedTexts = new Map(),
  ) {}

  /** A labelled row of one control (or several: they share its messages). */
  row(label: string, control: HTMLElement, handles: FieldHandle[], help?: string, wide = false): HTMLElement {
    const msgs = h("div", { class: "loom-st-msgs" });
    const labelEl = h("div", { class: "loom-st-label", text: label });
    // The row's label names its controls (a control with a name of its own keeps it).
    for (const handle of handles) {
      if (!handle.input.hasAttribute("aria-label")) handle.input.setAttribute("aria-label", label);
    }
    const wrap = h(
      "div",
      { class: `loom-st-field${wide ? " loom-st-field--wide" : ""}`, "data-path": handles.map((f) => pathKey(f.path)).join(" ") },
      labelEl,
      h("div", { class: "loom-st-control" }, control, ...handles.map((f) => f.local ?? null), help ? h("div", { class: "loom-st-help", text: help }) : null, msgs),
    );
    for (const handle of handles) {
      handle.msgs = msgs;
      handle.wrap = wrap;
    }
    return wrap;
  }

  private register(handle: Omit<FieldHandle, "wrap" | "msgs">): FieldHandle {
    const full = { ...handle, wrap: h("div"), msgs: h("div") } as FieldHandle;
    this.fields.push(full);
    return full;
  }

  text(path: JsonPath, opts: { placeholder?: string; mono?: boolean }): Field {
    const input = h("input", { class: `loom-f-input${opts.mono ? " loom-st-mono" : ""}`, placeholder: opts.placeholder, spellcheck: "false", "data-field": pathKey(path) });
    const deb = new Debouncer(() => this.ctx.setJobField(path, input.value), CRON_DEBOUNCE_MS);
    bindText(input, deb);
    const handle = this.register({
      path,
      input,
      set: (value) => {
        if (hasFocus(input) || deb.pending) return;
        input.value = typeof value === "string" ? value : value == null ? "" : JSON.stringify(value);
      },
      flush: () => deb.flush(),
      cancel: () => deb.cancel(),
    });
    return Object.assign(handle, { control: input });
  }

  int(path: JsonPath, opts: { min?: number; placeholder?: string; seconds?: boolean }): Field {
    const key = pathKey(path);
    const input = h("input", { class: "loom-f-input loom-st-num", type: "text", inputmode: "numeric", placeholder: opts.placeholder, "data-field": key, spellcheck: "false", autocomplete: "off" });
    const readout = h("span", { class: "loom-st-readout" });
    const local = h("span", { class: "loom-st-local-error", id: `loom-st-local-${Math.random().toString(36).slice(2, 10)}`, "data-role": "local-error" });
    input.setAttribute("aria-describedby", local.id);
    const show = () => {
      const n = Number(input.value);
      readout.textContent = opts.seconds && input.value.trim() !== "" && Number.isInteger(n) && n >= 60 ? `= ${humanSeconds(n)}` : "";
    };
    // A refusal stays (text, message, mark) through redraws until the user changes the text.
    const mark = (message: string | null) => {
      local.textContent = message ?? "";
      if (message === null) {
        this.refused.delete(key);
        input.removeAttribute("aria-invalid");
      } else {
        this.refused.set(key, { text: input.value, message });
        input.setAttribute("aria-invalid", "true");
      }
    };
    const deb = new Debouncer(() => {
      const text = input.value.trim();
      if (text === "") {
        mark(null);
        this.ctx.setJobField(path, undefined);
        return;
      }
      const n = Number(text);
      if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(n)) {
        mark(`${key} is a whole number, not “${text}”.`);
        return;
      }
      if (opts.min !== undefined && n < opts.min) {
        mark(`${key} is at least ${opts.min}, not ${n}.`);
        return;
      }
      mark(null);
      this.ctx.setJobField(path, n);
    }, CRON_DEBOUNCE_MS);
    bindText(input, deb);
    input.addEventListener("input", show);
    input.addEventListener("change", () => deb.flush());
    const kept = this.refused.get(key);
    if (kept) {
      input.value = kept.text;
      mark(kept.message);
      show();
    }
    const handle = this.register({
      path,
      input,
      local,
      set: (value) => {
        if (hasFocus(input) || deb.pending || this.refused.has(key)) return;
        input.value = typeof value === "number" || typeof value === "string" ? String(value) : "";
        show();
      },
      flush: () => deb.flush(),
      cancel: () => deb.cancel(),
    });
    return Object.assign(handle, { control: h("span", { class: "loom-st-num-wrap" }, input, readout) });
  }

  select(path: JsonPath, options: [string, string][]): Field<HTMLSelectElement> {
    const select = h("select", { class: "loom-f-select loom-st-select", "data-field": pathKey(path) }, options.map(([value, label]) => h("option", { value, text: label })));
    select.addEventListener("change", () => this.ctx.setJobField(path, select.value === "" ? undefined : select.value));
    const handle = this.register({
      path,
      input: select,
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

  /** A list of strings, one per line (or comma-separated when pasted so). */
  lines(path: JsonPath): Field {
    const area = h("textarea", { class: "loom-f-input loom-st-mono loom-st-lines", rows: 3, spellcheck: "false", placeholder: "main.sales.orders\nmain.sales.customers", "data-field": pathKey(path) });
    const count = h("span", { class: "loom-st-readout" });
    const lines = () =>
      area.value
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean);
    const showCount = () => {
      const n = lines().length;
      count.textContent = n ? `${n} table${n === 1 ? "" : "s"}` : "";
    };
    const deb = new Debouncer(() => this.ctx.setJobField(path, lines()), CRON_DEBOUNCE_MS);
    bindText(area, deb);
    area.addEventListener("input", showCount);
    const handle = this.register({
      path,
      input: area,
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

  /** Each field shows its value in the job's settings (not while it is being typed in). */
  fill(settings: Record<string, unknown>): void {
    for (const f of this.fields) f.set(getPath(settings, f.path));
  }

  flush(): void {
    for (const f of this.fields) f.flush();
  }

  cancel(): void {
    for (const f of this.fields) f.cancel();
  }

  /** Shows each problem at the field with the longest path above it; returns the others. */
  showProblems(problems: Problem[], pathOf: (p: Problem) => JsonPath): Problem[] {
    const unmatched: Problem[] = [];
    const byField = new Map<FieldHandle, Problem[]>();
    for (const p of problems) {
      const path = pathOf(p);
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
    return unmatched;
  }
}

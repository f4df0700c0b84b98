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

/** The fields of one trigger kind's form: made, filled from the settings, flushed, shown problems. */
export class TriggerFields {
  private readonly fields: FieldHandle[] = [];

  constructor(private readonly ctx: JobTabContext) {}

  /** A labelled row of one control (or several: they share its messages). */
  row(label: string, control: HTMLElement, handles: FieldHandle[], help?: string, wide = false): HTMLElement {
    const msgs = h("div", { class: "loom-st-msgs" });
    const wrap = h(
      "div",
      { class: `loom-st-field${wide ? " loom-st-field--wide" : ""}`, "data-path": handles.map((f) => pathKey(f.path)).join(" ") },
      h("div", { class: "loom-st-label", text: label }),
      h("div", { class: "loom-st-control" }, control, help ? h("div", { class: "loom-st-help", text: help }) : null, msgs),
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

  select(path: JsonPath, options: [string, string][]): Field<HTMLSelectElement> {
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

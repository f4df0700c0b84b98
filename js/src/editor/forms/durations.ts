// The fields of a duration or a count: a duration with its unit (timeout-like), the task's
// run-duration health rule, and retries (a count or "indefinitely").
import { h, uid } from "../dom";
import type { FieldSpec } from "./types";
import { durationUnits, formatAmount, joinDuration, parseInteger, splitDuration } from "./convert";
import { getPath, isObject } from "./paths";
import { Debouncer, bindText, hasFocus } from "./text-input";
import { Base, display, type Env } from "./view";

export class DurationView extends Base {
  protected readonly amount: HTMLInputElement;
  protected readonly unit: HTMLSelectElement;
  protected readonly deb: Debouncer;
  protected readonly stored: "s" | "ms";

  constructor(env: Env, spec: FieldSpec, stored: "s" | "ms" = spec.unit ?? "s") {
    super(env, spec);
    this.stored = stored;
    this.amount = this.wire(h("input", { class: "loom-f-input loom-f-num", type: "text", inputmode: "decimal", placeholder: spec.placeholder, autocomplete: "off" }), true);
    this.unit = this.wire(h("select", { class: "loom-f-select loom-f-unit", "aria-label": `${spec.label}: unit` }));
    this.unit.append(...durationUnits(stored).map((u) => h("option", { value: u.value }, u.label)));
    this.deb = new Debouncer(() => this.commit());
    bindText(this.amount, this.deb);
    this.unit.addEventListener("change", () => {
      this.deb.cancel();
      this.commit();
    });
    this.body.append(h("div", { class: "loom-f-inline" }, this.amount, this.unit));
  }

  protected current(): number | undefined {
    const v = this.value();
    return typeof v === "number" ? v : undefined;
  }

  protected commit(): void {
    const parsed = joinDuration(this.amount.value, this.unit.value, this.stored);
    if (!parsed.ok) {
      this.setLocalError(parsed.error);
      return;
    }
    this.setLocalError(null);
    this.write(parsed.value);
  }

  protected write(value: number | undefined): void {
    this.env.send(this.spec.path, value);
  }

  update(): void {
    if (this.deb.pending && hasFocus(this.amount)) return;
    if (this.keepsRefused()) return;
    const v = this.current();
    if (v === undefined) {
      if (this.value() !== undefined && this.value() !== null) this.amount.value = display(this.value());
      else this.amount.value = "";
      return;
    }
    const factor = durationUnits(this.stored).find((u) => u.value === this.unit.value)?.factor ?? 1;
    if (v % factor === 0 && this.amount.value !== "") {
      // keep the unit the user chose when the value is whole in it
      this.amount.value = formatAmount(v / factor);
    } else {
      const { amount, unit } = splitDuration(v, this.stored);
      this.unit.value = unit;
      this.amount.value = formatAmount(amount);
    }
  }

  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

/** The RUN_DURATION_SECONDS rule of `health`; other rules are kept and listed. */
export class HealthView extends DurationView {
  private readonly others: HTMLElement;
  constructor(env: Env, spec: FieldSpec) {
    super(env, { ...spec, placeholder: spec.placeholder ?? "No warning" }, "s");
    this.body.querySelector(".loom-f-inline")?.prepend(h("span", { class: "loom-f-muted" }, "Longer than"));
    this.others = h("div", { class: "loom-f-note" });
    this.body.append(this.others);
    this.update();
  }
  private rules(): unknown[] {
    const rules = getPath(this.value(), ["rules"]);
    return Array.isArray(rules) ? rules : [];
  }
  private isDuration(rule: unknown): boolean {
    return isObject(rule) && rule.metric === "RUN_DURATION_SECONDS";
  }
  protected override current(): number | undefined {
    const rule = this.rules().find((r) => this.isDuration(r));
    const v = isObject(rule) ? rule.value : undefined;
    return typeof v === "number" ? v : undefined;
  }
  protected override write(value: number | undefined): void {
    const health = isObject(this.value()) ? (this.value() as Record<string, unknown>) : {};
    const rules = this.rules();
    const at = rules.findIndex((r) => this.isDuration(r));
    const next = rules.slice();
    if (value === undefined) {
      if (at >= 0) next.splice(at, 1);
    } else {
      const rule = { ...(at >= 0 ? (rules[at] as Record<string, unknown>) : {}), metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value };
      if (at >= 0) next[at] = rule;
      else next.push(rule);
    }
    const rest = Object.keys(health).filter((k) => k !== "rules");
    this.env.send(this.spec.path, next.length === 0 && rest.length === 0 ? undefined : { ...health, rules: next });
  }
  override update(): void {
    if (!this.others) return; // during construction
    super.update();
    const others = this.rules().filter((r) => !this.isDuration(r));
    this.others.textContent = others.length
      ? `Also kept: ${others.map((r) => (isObject(r) ? `${String(r.metric).toLowerCase().replace(/_/g, " ")} > ${String(r.value)}` : JSON.stringify(r))).join("; ")}`
      : "";
    this.others.hidden = others.length === 0;
  }
}

export class RetriesView extends Base {
  private readonly count: HTMLInputElement;
  private readonly forever: HTMLInputElement;
  private readonly deb: Debouncer;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec);
    this.count = this.wire(h("input", { class: "loom-f-input loom-f-num", type: "text", inputmode: "numeric", placeholder: "0", autocomplete: "off" }), true);
    const foreverId = uid();
    this.forever = this.wire(h("input", { type: "checkbox", class: "loom-f-check", id: foreverId }));
    this.deb = new Debouncer(() => this.commit());
    bindText(this.count, this.deb);
    this.forever.addEventListener("change", () => {
      this.deb.cancel();
      this.setLocalError(null);
      if (this.forever.checked) env.send(spec.path, -1);
      else {
        env.send(spec.path, undefined);
        this.count.focus();
      }
      this.update();
    });
    this.body.append(
      h("div", { class: "loom-f-inline" }, this.count, h("label", { class: "loom-f-check-label", for: foreverId }, this.forever, h("span", null, "Retry indefinitely"))),
    );
    this.update();
  }
  private commit(): void {
    const parsed = parseInteger(this.count.value, this.spec.min ?? 0, this.spec.max);
    if (!parsed.ok) {
      this.setLocalError(parsed.error);
      return;
    }
    this.setLocalError(null);
    this.env.send(this.spec.path, parsed.value);
  }
  update(): void {
    const v = this.value();
    const forever = v === -1;
    this.forever.checked = forever;
    this.count.disabled = forever;
    if (this.deb.pending && hasFocus(this.count)) return;
    if (this.keepsRefused()) return;
    this.count.value = forever ? "" : display(v);
  }
  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

// The "health_rules" field kind: the job's health.rules, one row per rule (metric > value).
// Unknown keys of a rule and of `health` are kept.
import type { JsonPath } from "../protocol";
import type { FieldSpec } from "./types";
import { RowsView } from "./rows";
import { addButton, display, removeButton, type Env } from "./view";
import { h } from "../dom";
import { bindText } from "./text-input";
import { getPath, isObject } from "./paths";

export const HEALTH_METRICS = [
  { value: "RUN_DURATION_SECONDS", label: "Run duration", unit: "seconds", help: "Sends the Duration warning notifications" },
  { value: "STREAMING_BACKLOG_BYTES", label: "Streaming backlog bytes", unit: "bytes", help: "Sends the Streaming backlog notifications" },
  { value: "STREAMING_BACKLOG_RECORDS", label: "Streaming backlog records", unit: "records", help: "Sends the Streaming backlog notifications" },
  { value: "STREAMING_BACKLOG_SECONDS", label: "Streaming backlog seconds", unit: "seconds", help: "Sends the Streaming backlog notifications" },
  { value: "STREAMING_BACKLOG_FILES", label: "Streaming backlog files", unit: "files", help: "Sends the Streaming backlog notifications" },
];

interface RuleRow {
  metric: string;
  op: string;
  value: string;
  orig: Record<string, unknown>;
}

export class HealthRulesView extends RowsView<RuleRow> {
  private readonly add: HTMLButtonElement;

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { wide: false });
    this.claims = [spec.path];
    this.add = addButton(spec.addLabel ?? "Add rule", () => {
      const used = new Set(this.rows.map((r) => (r.el.querySelector('[data-part="metric"]') as HTMLSelectElement).value));
      const free = HEALTH_METRICS.find((m) => !used.has(m.value));
      if (!free) return;
      this.addRow({ metric: free.value, op: "GREATER_THAN", value: "", orig: {} });
    });
    this.footer.append(this.add);
    this.update();
  }

  private rules(value: unknown): unknown[] {
    const rules = getPath(value, ["rules"]);
    return Array.isArray(rules) ? rules : [];
  }

  protected rowsFor(value: unknown): RuleRow[] {
    return this.rules(value).map((r) =>
      isObject(r) ? { metric: display(r.metric), op: display(r.op) || "GREATER_THAN", value: display(r.value), orig: r } : { metric: "", op: "GREATER_THAN", value: "", orig: {} },
    );
  }

  protected drawRow(row: RuleRow, index: number): HTMLElement {
    const metric = this.wire(h("select", { class: "loom-f-select loom-f-health-metric", "aria-label": `Rule ${index + 1}: metric`, "data-part": "metric" }), index === 0);
    const options = HEALTH_METRICS.map((m) => ({ value: m.value, label: m.label }));
    if (!options.some((o) => o.value === row.metric)) options.push({ value: row.metric, label: `${row.metric || "Choose…"}${row.metric ? " (not known)" : ""}` });
    metric.append(...options.map((o) => h("option", { value: o.value }, o.label)));
    metric.value = row.metric;
    const op = this.wire(h("select", { class: "loom-f-select loom-f-health-op", "aria-label": `Rule ${index + 1}: comparison`, "data-part": "op" }));
    const ops = [{ value: "GREATER_THAN", label: "greater than" }];
    if (row.op !== "GREATER_THAN") ops.push({ value: row.op, label: row.op });
    op.append(...ops.map((o) => h("option", { value: o.value }, o.label)));
    op.value = row.op;
    const value = this.wire(h("input", { class: "loom-f-input loom-f-num", type: "text", inputmode: "numeric", "aria-label": `Rule ${index + 1}: value`, "data-part": "value", placeholder: "0", autocomplete: "off" }));
    value.value = row.value;
    bindText(value, this.deb);
    const unit = h("span", { class: "loom-f-muted loom-f-health-unit" });
    const showUnit = () => {
      unit.textContent = HEALTH_METRICS.find((m) => m.value === metric.value)?.unit ?? "";
    };
    showUnit();
    metric.addEventListener("change", () => {
      showUnit();
      this.deb.cancel();
      this.commit();
    });
    op.addEventListener("change", () => this.commit());
    const el = h("div", { class: "loom-f-row loom-f-health-row", role: "listitem" }, metric, op, value, unit);
    el.append(removeButton(`Remove rule ${index + 1}`, () => this.removeRow(el)));
    return el;
  }

  protected collect(): { value: unknown } | null {
    const rules: unknown[] = [];
    const seen = new Set<string>();
    for (const r of this.rows) {
      const get = (part: string) => (r.el.querySelector(`[data-part="${part}"]`) as HTMLInputElement).value;
      const metric = get("metric");
      const text = get("value").trim();
      if (text === "") continue; // a rule is sent once it has a value
      if (!/^\d+$/.test(text)) {
        this.setLocalError("A rule's value is a whole number");
        return null;
      }
      if (seen.has(metric)) {
        this.setLocalError(`Two rules for ${HEALTH_METRICS.find((m) => m.value === metric)?.label ?? metric}`);
        return null;
      }
      seen.add(metric);
      rules.push({ ...r.data.orig, metric, op: get("op"), value: Number(text) });
    }
    const health = isObject(this.value()) ? (this.value() as Record<string, unknown>) : {};
    const rest = Object.keys(health).filter((k) => k !== "rules");
    if (rules.length === 0 && rest.length === 0) return { value: undefined };
    return { value: { ...health, rules } };
  }

  protected override afterRows(): void {
    this.add.disabled = this.rows.length >= HEALTH_METRICS.length;
  }

  protected override markPart(rest: JsonPath, warning: boolean): HTMLElement | null {
    return super.markPart(rest[0] === "rules" ? rest.slice(1) : rest, warning);
  }
}

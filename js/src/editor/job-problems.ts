// The job's problems under the editor (a click opens the task, or the tab, the problem is about),
// and the values a form refused by itself, which block a save like Python's errors.
import { pluralize } from "../graph";
import { h } from "./dom";
import type { Problem } from "./protocol";
import type { JobTabId } from "./tab-types";
import { problemPath, tabOfPath } from "./tabs";

export class JobProblemsBox {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;

  constructor(
    private readonly openTask: (taskKey: string) => void,
    private readonly showTab: (tab: JobTabId) => void,
  ) {
    this.summary = h("summary", {});
    this.list = h("ul", { class: "loom-je-problem-list" });
    this.element = h("details", { class: "loom-je-problems", hidden: true, "data-role": "job-problems" }, this.summary, this.list);
  }

  show(problems: Problem[]): void {
    this.element.hidden = problems.length === 0;
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    const parts: string[] = [];
    if (errors) parts.push(pluralize(errors, "error", "errors"));
    if (warnings) parts.push(pluralize(warnings, "warning", "warnings"));
    this.summary.textContent = `Job problems: ${parts.join(", ")}`;
    this.list.replaceChildren(
      ...problems.map((p) => {
        const item = h(
          "li",
          { class: "loom-je-problem", "data-severity": p.severity, "data-task": p.task_key ?? undefined },
          h("span", { class: `loom-je-sev loom-je-sev-${p.severity}`, text: p.severity }),
          p.task_key ? h("span", { class: "loom-je-problem-task", text: p.task_key }) : null,
          h("span", { text: p.message }),
          p.field ? h("span", { class: "loom-je-problem-code", text: p.field }) : null,
        );
        const taskKey = p.task_key;
        if (taskKey) {
          item.title = "Select this task";
          item.addEventListener("click", () => this.openTask(taskKey));
        } else {
          const tab = tabOfPath(problemPath(p));
          item.dataset.tab = tab;
          item.title = "Show it on its tab";
          item.addEventListener("click", () => this.showTab(tab));
        }
        return item;
      }),
    );
  }
}

/**
 * Values a form refused by itself (a number out of range, text that is no number) in `root`: they
 * were never sent, so Python cannot list them; saving now would keep the old value while the field
 * shows another. `panelTask` is the task open in the panel.
 */
export function refusedInputs(root: HTMLElement, panelTask: string | null): Problem[] {
  const found: Problem[] = [];
  for (const message of Array.from(root.querySelectorAll<HTMLElement>(".loom-f-local"))) {
    if (message.hidden || !message.textContent) continue;
    const field = message.closest<HTMLElement>(".loom-f-field");
    const label = field?.querySelector("label")?.textContent?.replace(/\s*\*$/, "") ?? "A field";
    const where = message.closest<HTMLElement>("[data-tab]")?.dataset.tab;
    const taskKey = where === "tasks" || !where ? panelTask : null;
    found.push({
      code: "value-not-accepted",
      severity: "error",
      message: `${label}: ${message.textContent} (the value shown was not applied)`,
      task_key: taskKey,
      field: field?.dataset.path ?? null,
    });
  }
  return found;
}

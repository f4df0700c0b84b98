// The JobEditor's header: the job's name (renamed in place), its id and workspace, the unsaved
// dot, the task and problem counts. Status messages are toasts (index.ts), never a line here: a
// line that comes and goes would move the canvas under the user's pointer.
import type { AnyModel } from "@anywidget/types";
import { pluralize } from "../graph";
import { h } from "./dom";
import type { JobEditorModel } from "./protocol";

export class JobHeader {
  readonly element: HTMLElement;
  readonly titleInput: HTMLInputElement;
  /** Sizes the title to its text (an input does not): the input fills it, and only when the
   * header has no room left does it shrink and the input show an ellipsis. */
  private readonly titleBox: HTMLElement;
  private readonly jobChip: HTMLElement;
  private readonly workspaceChip: HTMLElement;
  private readonly dirtyDot: HTMLElement;
  private readonly counts: HTMLElement;

  constructor(
    private readonly model: AnyModel<JobEditorModel>,
    /** A new name typed (not empty, not the current one). */
    rename: (name: string) => void,
  ) {
    this.titleInput = h("input", {
      class: "loom-je-title",
      "aria-label": "Job name",
      title: "Job name: click to rename",
      spellcheck: "false",
      autocomplete: "off",
    });
    this.titleBox = h("span", { class: "loom-je-title-box" }, this.titleInput);
    this.jobChip = h("span", { class: "loom-je-chip loom-je-job-id" });
    this.workspaceChip = h("span", { class: "loom-je-chip loom-je-workspace", title: "Workspace" });
    this.dirtyDot = h("span", { class: "loom-je-dirty", title: "Unsaved changes", hidden: true });
    this.counts = h("span", { class: "loom-je-counts" });
    this.element = h(
      "div",
      { class: "loom-je-header" },
      this.titleBox,
      this.dirtyDot,
      this.jobChip,
      this.workspaceChip,
      h("span", { class: "loom-je-spacer" }),
      this.counts,
    );

    const titleInput = this.titleInput;
    const commitTitle = () => {
      const value = titleInput.value.trim();
      const title = model.get("title") ?? "";
      if (value === "") {
        titleInput.value = title;
        return;
      }
      if (value !== title) rename(value);
    };
    titleInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        titleInput.blur();
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        titleInput.value = model.get("title") ?? "";
        titleInput.blur();
      }
    });
    titleInput.addEventListener("input", () => this.fitTitle());
    titleInput.addEventListener("blur", commitTitle);
  }

  /** From the traits; `root` gets data-dirty, `taskCount` is used until Python counted the tasks. */
  update(root: HTMLElement, taskCount: number): void {
    const model = this.model;
    const titleInput = this.titleInput;
    const title = model.get("title") ?? "";
    if (document.activeElement !== titleInput) titleInput.value = title;
    titleInput.placeholder = "Untitled job";
    this.fitTitle();
    const jobId = model.get("job_id");
    this.jobChip.textContent = jobId === null || jobId === undefined ? "New job · not saved" : `Job ${jobId}`;
    const label = model.get("workspace_label") ?? "";
    this.workspaceChip.textContent = label;
    this.workspaceChip.hidden = label === "";
    const dirty = Boolean(model.get("dirty"));
    this.dirtyDot.hidden = !dirty;
    root.dataset.dirty = String(dirty);
    const c = model.get("counts") ?? { tasks: 0, errors: 0, warnings: 0 };
    const tasks = c.tasks ?? taskCount;
    const parts: (HTMLElement | string)[] = [h("span", { class: "loom-je-n-tasks", text: pluralize(tasks, "task", "tasks") })];
    if (c.errors) {
      parts.push(" · ", h("span", { class: "loom-je-n-errors", text: pluralize(c.errors, "error", "errors") }));
    }
    if (c.warnings) {
      parts.push(" · ", h("span", { class: "loom-je-n-warnings", text: pluralize(c.warnings, "warning", "warnings") }));
    }
    if (!c.errors && !c.warnings && tasks > 0) parts.push(" · ", h("span", { class: "loom-je-n-ok", text: "no problems" }));
    this.counts.replaceChildren(...parts);
  }

  /** The box takes the text's width (CSS, from `data-value`); the tooltip shows the whole name
   * when the box had to cut it. */
  private fitTitle(): void {
    const value = this.titleInput.value;
    this.titleBox.dataset.value = value || this.titleInput.placeholder || "Untitled job";
    this.titleInput.title = value ? `${value} (click to rename)` : "Job name: click to rename";
  }
}

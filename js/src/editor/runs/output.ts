// A task run's output in the run detail's task pane: a notebook's exit value, its error and
// trace, what it printed (its exported page, runs/export, in a sandboxed frame), the logs of
// Python / wheel / JAR tasks, and any other output (sql_output, run_job_output...) as JSON.
import type { ExportedView, TaskOutput } from "../protocol";
import { h, runsButton } from "./ui";

/** The frame's sandbox: the local workspace's page is plain HTML (no scripts at all); a
 * workspace's own page draws the notebook with its scripts, which run without the notebook
 * page's origin (no cookies, no reach into the page around it). */
export function frameSandbox(local: boolean): string {
  return local ? "" : "allow-scripts";
}

/** The exported page in a frame of its own (`srcdoc`): nothing of it runs in the widget. */
export function exportFrame(view: ExportedView, local: boolean): HTMLIFrameElement {
  return h("iframe", {
    class: "loom-runs-export-frame",
    "data-role": "notebook-export",
    title: view.name ? `The notebook ${view.name} as it ran` : "The notebook as it ran",
    sandbox: frameSandbox(local),
    referrerpolicy: "no-referrer",
    srcdoc: view.content,
  });
}

function block(label: string, text: string, kind: string, note?: string): HTMLElement {
  return h(
    "div",
    { class: "loom-runs-out-block", "data-output": kind },
    h("div", { class: "loom-runs-out-label" }, label, note ? h("span", { class: "loom-runs-faint", text: ` · ${note}` }) : null),
    h("pre", { class: `loom-runs-pre${kind.startsWith("error") ? " loom-runs-pre-error" : ""}`, text }),
  );
}

/** What the notebook printed: its exported page, or why there is none. */
function printedOutput(output: TaskOutput): HTMLElement | null {
  if (output.task_type !== "notebook_task") return null;
  const section = h("div", { class: "loom-runs-out-block", "data-output": "printed" }, h("div", { class: "loom-runs-out-label", text: "Printed output" }));
  const views = (output.exported_views ?? []).filter((v) => v.type !== "DASHBOARD");
  if (views.length) {
    const frames = h("div", { class: "loom-runs-export" });
    const show = () => frames.replaceChildren(...views.map((v) => exportFrame(v, output.export_local)));
    if (output.export_local) {
      show();
      section.append(frames);
    } else {
      // Databricks' page loads its scripts and draws the notebook: drawn on demand.
      const open = runsButton("Show the notebook as it ran", { icon: "chevron", action: "show-notebook-export", variant: "outline" });
      open.addEventListener("click", () => {
        open.remove();
        show();
      });
      section.append(h("div", { class: "loom-runs-help", text: "Its cells with what each printed, from the exported notebook (runs/export)." }), open, frames);
    }
    return section;
  }
  let why: string;
  if (output.export_error) why = `The notebook's exported page could not be read: ${output.export_error}`;
  else if (!output.ended) why = "What the notebook prints shows here once the task run has ended.";
  else why = "The notebook did not run, so it printed nothing.";
  section.append(h("div", { class: "loom-runs-muted", "data-role": "printed-missing", text: why }));
  return section;
}

/** The output's parts, in reading order; a message when there are none. */
export function outputParts(output: TaskOutput): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (output.error) parts.push(block("Error", output.error, "error"));
  if (output.error_trace) parts.push(block("Error trace", output.error_trace, "error_trace"));
  if (output.notebook_result !== null) parts.push(block("Notebook exit value", output.notebook_result, "result", output.notebook_result_truncated ? "truncated to its first 5 MB" : undefined));
  const printed = printedOutput(output);
  if (printed) parts.push(printed);
  if (output.logs) parts.push(block("Logs", output.logs, "logs", output.logs_truncated ? "truncated: the last 5 MB" : undefined));
  if (Object.keys(output.other).length) parts.push(block("Other output", JSON.stringify(output.other, null, 2), "other"));
  if (!parts.length) parts.push(h("div", { class: "loom-runs-muted", "data-role": "no-output", text: output.ended ? "No output." : "No output yet: the task run has not ended." }));
  return parts;
}

/** Show `output` in `box`. */
export function renderOutput(box: HTMLElement, output: TaskOutput): void {
  box.replaceChildren(...outputParts(output));
}

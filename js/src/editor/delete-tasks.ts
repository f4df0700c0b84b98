// Deleting tasks from the canvas: several tasks, or tasks others depend on, are confirmed first
// (the dependents' dependencies go with them).
import { pluralize } from "../graph";
import { type DialogHost, confirmDialog } from "./dialogs";
import { h } from "./dom";
import type { GraphEdge } from "./protocol";

/** Whether the user wants these tasks deleted (asked when it takes more than one task with it). */
export async function confirmDeleteTasks(dialogs: DialogHost, tasks: string[], edges: Iterable<GraphEdge>): Promise<boolean> {
  const chosen = new Set(tasks);
  const dependents = new Set<string>();
  for (const edge of edges) {
    if (chosen.has(edge.data.source) && !chosen.has(edge.data.target)) dependents.add(edge.data.target);
  }
  if (tasks.length <= 1 && dependents.size === 0) return true;
  const what = tasks.length === 1 ? `the task “${tasks[0]}”` : `${tasks.length} tasks`;
  const message = h("div", {});
  message.append(h("p", { style: "margin:0 0 8px", text: `Delete ${what}?` }));
  if (dependents.size > 0) {
    const list = [...dependents].slice(0, 8).join(", ") + (dependents.size > 8 ? ", …" : "");
    message.append(
      h("p", {
        class: "loom-je-muted",
        style: "margin:0",
        text: `${pluralize(dependents.size, "task depends", "tasks depend")} on ${tasks.length === 1 ? "it" : "them"} (${list}); ${dependents.size === 1 ? "its dependency is" : "their dependencies are"} removed too.`,
      }),
    );
  }
  message.append(h("p", { class: "loom-je-muted", style: "margin:8px 0 0", text: "You can undo this." }));
  return confirmDialog(dialogs, { title: "Delete tasks", message, confirm: "Delete", danger: true });
}

// The buttons beside a text field that open a list popup: { } inserts a dynamic value reference
// at the caret, Browse picks a workspace path or object.
import { h } from "../dom";
import type { Choice, PickerKind } from "../protocol";
import type { FieldSpec } from "./types";
import { openList, parentFolder, type ListItem } from "./popup";
import { insertAtCaret } from "./text-input";
import type { Env } from "./view";

/** The { } button: lists ctx.references() and inserts the chosen one at the caret of `input`. */
export function referencesButton(env: Env, host: HTMLElement, input: HTMLInputElement | HTMLTextAreaElement, after: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "loom-f-btn loom-f-ref-btn", "aria-label": "Insert a dynamic value reference", title: "Insert a dynamic value reference", "aria-haspopup": "listbox" }, "{ }");
  b.addEventListener("click", () => {
    const wasOpen = env.popup?.el.dataset.popup === "Dynamic values" && host.contains(env.popup.el);
    env.popup?.close(false);
    if (wasOpen) return;
    // Remember the caret: the filter box takes focus.
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    env.popup = openList(
      host,
      {
        title: "Dynamic values",
        serverFilter: false,
        emptyText: "No references",
        load: async () => (await env.ctx.references()).map((r) => ({ value: r.reference, label: r.reference, detail: r.description })),
      },
      (item) => {
        input.focus();
        try {
          input.setSelectionRange(start, end);
        } catch {
          /* ignore */
        }
        insertAtCaret(input, item.value);
        after();
      },
      input,
      () => (env.popup = null),
    );
  });
  return b;
}

const FOLDER_PICKERS = new Set(["notebook", "file", "directory"]);

/** What a workspace picker lists, in the words of "No … in this workspace." */
const NOUNS: Partial<Record<PickerKind, string>> = {
  notebook: "notebooks",
  file: "files",
  directory: "folders",
  cluster: "all-purpose clusters",
  warehouse: "SQL warehouses",
  job: "jobs",
  pipeline: "pipelines",
  spark_version: "Databricks runtime versions",
  node_type: "node types",
  policy: "cluster policies",
  notification_destination: "notification destinations",
  sql_query: "SQL queries",
  sql_alert: "SQL alerts",
  sql_dashboard: "legacy SQL dashboards",
  lakeview_dashboard: "dashboards",
};

/** The items of a picker's answer as the popup lists them. */
export function listItems(choices: Choice[]): ListItem[] {
  return choices.map((c): ListItem => ({ value: c.value, label: c.label, detail: c.detail, isDir: c.is_dir, more: c.more }));
}

/** The Browse button of a picker field. */
export function browseButton(env: Env, spec: FieldSpec, host: HTMLElement, input: HTMLInputElement, chosen: (value: string, item: ListItem) => void): HTMLButtonElement {
  const what = spec.picker ?? "file";
  const noun = NOUNS[what];
  const b = h("button", { type: "button", class: "loom-f-btn loom-f-browse", "aria-haspopup": "listbox", "aria-label": `Browse: ${spec.label}` }, "Browse");
  b.addEventListener("click", () => {
    const wasOpen = env.popup !== null && host.contains(env.popup.el);
    env.popup?.close(false);
    if (wasOpen) return;
    const folders = FOLDER_PICKERS.has(what);
    const current = input.value.trim();
    env.popup = openList(
      host,
      {
        title: `Choose ${spec.label.toLowerCase()}`,
        serverFilter: !folders,
        browse: folders,
        initialPath: folders && current.startsWith("/") ? parentFolder(current) : undefined,
        emptyText: noun ? (folders ? `No ${noun} here.` : `No ${noun} in this workspace.`) : undefined,
        noMatchText: noun ? (q) => `No ${noun} match “${q}”.` : undefined,
        // The next page's start travels as `path` (a picker that lists no folder has none).
        load: async ({ path, query, page }) =>
          listItems(await env.ctx.pick(what, folders ? (path !== undefined ? { path } : {}) : { ...(query ? { query } : {}), ...(page !== undefined ? { path: page } : {}) })),
      },
      (item) => chosen(item.value, item),
      input,
      () => (env.popup = null),
    );
  });
  return b;
}

// The buttons beside a text field that open a list popup: { } inserts a dynamic value reference
// at the caret, Browse picks a workspace path or object.
import { h } from "../dom";
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

/** The Browse button of a picker field. */
export function browseButton(env: Env, spec: FieldSpec, host: HTMLElement, input: HTMLInputElement, chosen: (value: string) => void): HTMLButtonElement {
  const what = spec.picker ?? "file";
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
        load: async ({ path, query }) =>
          (await env.ctx.pick(what, folders ? (path !== undefined ? { path } : {}) : query ? { query } : {})).map(
            (c): ListItem => ({ value: c.value, label: c.label, detail: c.detail, isDir: c.is_dir }),
          ),
      },
      (item) => chosen(item.value),
      input,
      () => (env.popup = null),
    );
  });
  return b;
}

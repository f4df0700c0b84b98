// The list popup of the "Browse" (picker) and "{ }" (references) buttons: a filter box and a
// listbox, keyboard usable (arrows, Enter, Escape), folders browse in place, a long list goes on
// with its "More…" entry.
import { h, uid } from "../dom";

export interface ListItem {
  value: string;
  label: string;
  detail?: string;
  isDir?: boolean;
  /** The last item of a list the workspace has more of: choosing it loads the next page (its
   * `value` says where that page starts) below the items shown. */
  more?: boolean;
}

export interface ListSource {
  title: string;
  /** Load the items of a folder (`path`) or for a query (`query`, when `serverFilter`), from the
   * start of the list or from `page` (a "more" item's value). */
  load(state: { path?: string; query: string; page?: string }): Promise<ListItem[]>;
  /** Re-load on every (debounced) change of the filter text; else filter the loaded items locally. */
  serverFilter: boolean;
  /**
   * Folders (isDir) open in place. The source lists the way up itself (a ".." folder item): it
   * alone knows which folder it listed (the nearest existing one of `initialPath`).
   */
  browse?: boolean;
  initialPath?: string;
  emptyText?: string;
  /** What nothing matching the typed `query` says ("No SQL queries match “x”."). */
  noMatchText?(query: string): string;
}

export interface OpenList {
  close(returnFocus?: boolean): void;
  readonly el: HTMLElement;
}

export function parentFolder(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i <= 0 ? "/" : trimmed.slice(0, i);
}

/**
 * The folder a browse listing shows: the folder of its entries; of an empty folder, the one
 * below its ".." on the way to the folder asked for; "/" when there is no way up.
 */
export function listedFolder(items: ListItem[], asked: string | undefined): string | undefined {
  const entry = items.find((it) => it.label !== "..");
  if (entry) return parentFolder(entry.value);
  const up = items.find((it) => it.label === "..");
  if (!up) return asked === undefined ? undefined : "/";
  const base = up.value.replace(/\/+$/, "");
  if (asked?.startsWith(`${base}/`)) {
    const next = asked.slice(base.length + 1).split("/")[0];
    if (next) return `${base}/${next}`;
  }
  return asked;
}

/**
 * Open the list inside `host` (positioned relatively). `onChoose` gets a non-folder item; the
 * popup closes and focus returns to `returnTo`.
 */
export function openList(host: HTMLElement, source: ListSource, onChoose: (item: ListItem) => void, returnTo: HTMLElement, onClosed: () => void): OpenList {
  const listId = uid();
  const filter = h("input", {
    class: "loom-f-input loom-f-popup-filter",
    type: "text",
    role: "combobox",
    "aria-expanded": "true",
    "aria-controls": listId,
    "aria-autocomplete": "list",
    "aria-label": `Filter ${source.title.toLowerCase()}`,
    placeholder: source.serverFilter ? "Search…" : "Filter…",
    autocomplete: "off",
    spellcheck: "false",
  });
  const where = h("div", { class: "loom-f-popup-where" });
  const list = h("ul", { class: "loom-f-popup-list", role: "listbox", id: listId, "aria-label": source.title });
  const status = h("div", { class: "loom-f-popup-status", role: "status" });
  const el = h("div", { class: "loom-f-popup", "data-popup": source.title }, h("div", { class: "loom-f-popup-title" }, source.title), filter, where, list, status);
  host.append(el);

  let path = source.initialPath;
  let items: ListItem[] = [];
  let shown: ListItem[] = [];
  let active = -1;
  let request = 0;
  let queryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  function draw(): void {
    const q = filter.value.trim().toLowerCase();
    shown = source.serverFilter || !q ? items : items.filter((it) => it.label === ".." || `${it.label} ${it.value} ${it.detail ?? ""}`.toLowerCase().includes(q));
    if (active >= shown.length) active = shown.length - 1;
    if (active < 0 && shown.length) active = 0;
    list.replaceChildren(
      ...shown.map((it, i) => {
        const li = h(
          "li",
          { class: `loom-f-popup-item${i === active ? " loom-f-active" : ""}`, role: "option", id: `${listId}-${i}`, "aria-selected": i === active ? "true" : "false", title: it.more ? "Load more" : it.value },
          h("span", { class: "loom-f-popup-icon", "aria-hidden": "true" }, it.isDir ? "▸" : it.more ? "…" : ""),
          h("span", { class: "loom-f-popup-label" }, it.label),
          it.detail ? h("span", { class: "loom-f-popup-detail" }, it.detail) : null,
        );
        li.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep focus in the filter
        li.addEventListener("click", () => choose(i));
        return li;
      }),
    );
    if (active >= 0) {
      filter.setAttribute("aria-activedescendant", `${listId}-${active}`);
      const node = list.children[active] as HTMLElement | undefined;
      node?.scrollIntoView?.({ block: "nearest" });
    } else filter.removeAttribute("aria-activedescendant");
    where.textContent = source.browse && path ? path : "";
    where.hidden = !(source.browse && path);
    if (!status.dataset.busy) status.textContent = shown.length === 0 ? emptyText() : "";
  }

  function emptyText(): string {
    const q = filter.value.trim();
    if (q && source.noMatchText) return source.noMatchText(q);
    return source.emptyText ?? "Nothing found";
  }

  async function load(page?: string): Promise<void> {
    const mine = ++request;
    status.dataset.busy = "1";
    status.textContent = "Loading…";
    try {
      const got = await source.load({ path, query: source.serverFilter ? filter.value.trim() : "", page });
      if (closed || mine !== request) return;
      // The next page goes below the items shown, in place of their "More…".
      const kept = page === undefined ? [] : items.filter((it) => !it.more);
      items = [...kept, ...got];
      if (source.browse) path = listedFolder(got, path);
      delete status.dataset.busy;
      active = page === undefined ? -1 : kept.length;
      draw();
    } catch (err) {
      if (closed || mine !== request) return;
      delete status.dataset.busy;
      items = [];
      draw();
      const reason = err instanceof Error ? err.message : String(err);
      // Python's answer is already a sentence ("Could not list the SQL alerts of …: …").
      status.textContent = reason.startsWith("Could not") ? reason : `Could not load the list: ${reason}`;
    }
  }

  function choose(i: number): void {
    const item = shown[i];
    if (!item) return;
    if (item.more) {
      void load(item.value);
      filter.focus();
      return;
    }
    if (item.isDir && source.browse) {
      path = item.value;
      filter.value = "";
      void load();
      filter.focus();
      return;
    }
    close(true);
    onChoose(item);
  }

  function close(returnFocus = false): void {
    if (closed) return;
    closed = true;
    if (queryTimer !== null) clearTimeout(queryTimer);
    el.remove();
    document.removeEventListener("mousedown", outside, true);
    if (returnFocus) returnTo.focus();
    onClosed();
  }

  function outside(ev: Event): void {
    if (!el.contains(ev.target as Node) && !host.contains(ev.target as Node)) close(false);
  }

  filter.addEventListener("input", () => {
    if (source.serverFilter) {
      if (queryTimer !== null) clearTimeout(queryTimer);
      queryTimer = setTimeout(() => void load(), 200);
    } else {
      active = 0;
      draw();
    }
  });
  filter.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (!shown.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
      draw();
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (active >= 0) choose(active);
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      close(true);
    } else if (ev.key === "Tab") {
      close(false);
    }
  });
  document.addEventListener("mousedown", outside, true);
  draw();
  void load();
  filter.focus();
  return { close, el };
}

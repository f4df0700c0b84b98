// The anywidget view of loom_jobs_widget.JobsBrowser: the Jobs list page of a workspace.
//
// Python reads the jobs (a page at a time) and does the row actions; this view draws the table,
// the search box and the filters, and asks for pages. Every message is in protocol.ts.
//
// Test hooks: the root `.loom-jb` has data-ready, data-loading, data-shown, data-row-count,
// data-offset, data-total; a row is `tr[data-job-id]` (data-paused, data-run-state); every button has a
// data-action (create, refresh, prev, next, run_now, pause, resume, menu, then in the row's menu
// open, permissions, delete; in the dialogs confirm-delete, cancel, open-permissions; the name is
// an `open` too; a local workspace's last run is an `open_run` with data-run-id, another
// workspace's a `run-page` link); the inputs have data-role (search, owner, tag, state,
// page-size).
import { PAGE_SIZES } from "../generated/limits";
import type { RenderProps } from "@anywidget/types";
import { button, h, icon, iconFromPaths } from "../editor/dom";
import { openableHref } from "../editor/runs/links";
import { ago, rangeText, tagFilter, tagText, when } from "./format";
import type { Action, FromPython, Grant, JobRow, JobsBrowserModel, Query, ToPython } from "./protocol";
import { CSS } from "./styles";

const SEARCH_DEBOUNCE_MS = 250;

const EXTRA_ICONS: Record<string, string> = {
  play: '<path d="M5 3.5v9l7.5-4.5z"/>',
  pause: '<circle cx="8" cy="8" r="6.5"/><path d="M6.5 5.5v5M9.5 5.5v5"/>',
  resume: '<circle cx="8" cy="8" r="6.5"/><path d="M6.5 5.3v5.4L10.8 8z"/>',
  edit: '<path d="M10.5 2.8l2.7 2.7-7.7 7.7H2.8v-2.7z"/><path d="M9 4.3l2.7 2.7"/>',
  lock: '<rect x="3.5" y="7" width="9" height="6.5" rx="1"/><path d="M5.5 7V5a2.5 2.5 0 015 0v2"/>',
  refresh: '<path d="M13 8a5 5 0 11-1.5-3.6"/><path d="M13 2.5v3h-3"/>',
  chevronLeft: '<path d="M10 3.5L5.5 8l4.5 4.5"/>',
  chevronRight: '<path d="M6 3.5L10.5 8 6 12.5"/>',
  more: '<circle cx="8" cy="3.5" r=".9" fill="currentColor"/><circle cx="8" cy="8" r=".9" fill="currentColor"/><circle cx="8" cy="12.5" r=".9" fill="currentColor"/>',
};

function svgIcon(name: string): SVGSVGElement {
  return name in EXTRA_ICONS ? iconFromPaths(EXTRA_ICONS[name]) : icon(name);
}

function iconButton(label: string, iconName: string, action: string, variant?: "danger"): HTMLButtonElement {
  const b = button(label, { action, iconOnly: true, variant });
  b.prepend(svgIcon(iconName));
  return b;
}

function withIcon(b: HTMLButtonElement, iconName: string): HTMLButtonElement {
  b.prepend(svgIcon(iconName));
  return b;
}

function render({ model, el }: RenderProps<JobsBrowserModel>) {
  let nextRequest = 1;
  let lastListRequest = 0;
  let rows: JobRow[] = [];
  let page: Extract<FromPython, { kind: "page" }> | null = null;
  const busy = new Set<number>();

  // ---- skeleton ----
  const root = h("div", { class: "loom-jb", "data-ready": "false", "data-loading": "true" });
  const style = h("style", { text: CSS });

  const workspaceChip = h("span", { class: "loom-jb-chip", title: "Workspace" });
  const createButton = withIcon(button("Create job", { action: "create", variant: "primary" }), "plus");
  const refreshButton = iconButton("Refresh", "refresh", "refresh");
  const header = h(
    "div",
    { class: "loom-jb-header" },
    h("span", { class: "loom-jb-title", text: "Jobs" }),
    workspaceChip,
    h("span", { class: "loom-jb-spacer" }),
    refreshButton,
    createButton,
  );

  const searchInput = h("input", {
    class: "loom-jb-input",
    type: "search",
    placeholder: "Search jobs by name",
    "aria-label": "Search jobs by name",
    "data-role": "search",
  });
  const ownerList = h("datalist", { id: `loom-jb-owners-${Math.random().toString(36).slice(2)}` });
  const ownerInput = h("input", {
    class: "loom-jb-input",
    type: "text",
    placeholder: "Any",
    list: ownerList.id,
    "aria-label": "Created by",
    "data-role": "owner",
  });
  const meButton = button("Me", { action: "me", title: "Only the jobs I created", variant: "outline" });
  const tagInput = h("input", {
    class: "loom-jb-input loom-jb-tag-input",
    type: "text",
    placeholder: "key or key=value",
    "aria-label": "Tag",
    "data-role": "tag",
  });
  const stateSelect = h(
    "select",
    { class: "loom-jb-select", "aria-label": "Trigger state", "data-role": "state" },
    h("option", { value: "", text: "Any state" }),
    h("option", { value: "active", text: "Active" }),
    h("option", { value: "paused", text: "Paused" }),
    h("option", { value: "none", text: "No trigger" }),
  );
  const filters = h(
    "div",
    { class: "loom-jb-filters" },
    h("label", { class: "loom-jb-search" }, svgIcon("search"), searchInput),
    h("label", { class: "loom-jb-filter" }, "Created by", ownerInput, ownerList, meButton),
    h("label", { class: "loom-jb-filter" }, "Tag", tagInput),
    h("label", { class: "loom-jb-filter" }, "Trigger", stateSelect),
  );
  const statusLine = h("div", { class: "loom-jb-status", role: "status", "aria-live": "polite" });

  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "loom-jb-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { text: "Name" }),
        h("th", { class: "loom-jb-num", text: "Tasks" }),
        h("th", { text: "Last run" }),
        h("th", { text: "Trigger" }),
        h("th", { text: "Created by" }),
        h("th", { text: "Tags" }),
        h("th", { class: "loom-jb-actions" }, h("span", { class: "loom-jb-sr-only", text: "Actions" })),
      ),
    ),
    tbody,
  );
  const empty = h("div", { class: "loom-jb-empty", hidden: true });
  const tableWrap = h("div", { class: "loom-jb-table-wrap" }, h("div", { class: "loom-jb-loading-bar" }), table, empty);

  const pageSizeSelect = h(
    "select",
    { class: "loom-jb-select", "aria-label": "Jobs per page", "data-role": "page-size" },
    ...PAGE_SIZES.map((n) => h("option", { value: String(n), text: `${n} per page` })),
  );
  const rangeLabel = h("span", { class: "loom-jb-range" });
  const prevButton = withIcon(button("Previous", { action: "prev", variant: "outline" }), "chevronLeft");
  const nextButton = button("Next", { action: "next", variant: "outline" });
  nextButton.append(svgIcon("chevronRight"));
  const footer = h(
    "div",
    { class: "loom-jb-footer" },
    pageSizeSelect,
    h("span", { class: "loom-jb-spacer" }),
    rangeLabel,
    prevButton,
    nextButton,
  );

  root.append(style, header, filters, statusLine, tableWrap, footer);
  el.append(root);

  // ---- talking to Python ----
  function send(message: ToPython): number {
    const request_id = nextRequest++;
    model.send({ ...message, request_id });
    return request_id;
  }

  function currentQuery(): Query {
    return {
      search: searchInput.value.trim(),
      owner: ownerInput.value.trim(),
      tag: tagInput.value.trim(),
      state: stateSelect.value as Query["state"],
    };
  }

  function requestList(options: { offset?: number; limit?: number; refresh?: boolean } = {}): void {
    root.dataset.loading = "true";
    lastListRequest = send({ kind: "list", query: currentQuery(), ...options });
  }

  function act(action: Action, jobId: number | null, runId?: number): void {
    if (jobId !== null) {
      busy.add(jobId);
      rowElement(jobId)?.setAttribute("data-busy", "true");
      for (const b of rowElement(jobId)?.querySelectorAll("button") ?? []) b.disabled = true;
    }
    send(runId === undefined ? { kind: "action", action, job_id: jobId } : { kind: "action", action, job_id: jobId, run_id: runId });
  }

  function rowElement(jobId: number): HTMLTableRowElement | null {
    return tbody.querySelector(`tr[data-job-id="${jobId}"]`);
  }

  function setStatus(level: string, text: string): void {
    statusLine.dataset.level = level;
    statusLine.textContent = text;
  }

  // ---- drawing ----
  function drawRow(row: JobRow): HTMLTableRowElement {
    const run = row.last_run;
    const trigger = row.trigger;
    const runCell = h("td", {});
    if (run) {
      const badge = h("span", { class: "loom-jb-badge", "data-state": run.state, text: run.label });
      const time = h("span", {
        class: "loom-jb-muted",
        title: when(run.start_time),
        text: ago(run.start_time),
      });
      // A local workspace's run opens in the editor's run view, its only page; another
      // workspace's, on its own page in a new tab when a browser tab can open it.
      const page = run.opens_in_editor ? null : openableHref(run.url);
      if (run.opens_in_editor && run.run_id !== null) {
        runCell.append(h("button", { type: "button", class: "loom-jb-run loom-jb-run-link", "data-action": "open_run", "data-run-id": run.run_id, title: `Open run ${run.run_id} in the editor below` }, badge, time));
      } else if (page) {
        runCell.append(h("a", { class: "loom-jb-run loom-jb-run-link", href: page, target: "_blank", rel: "noopener noreferrer", "data-action": "run-page", title: `Open run ${run.run_id ?? ""} in Databricks` }, badge, time));
      } else {
        runCell.append(h("span", { class: "loom-jb-run", title: run.run_id !== null ? `Run ${run.run_id}` : "" }, badge, time));
      }
    } else {
      runCell.append(h("span", { class: "loom-jb-faint", text: "Never run" }));
    }
    const triggerCell = h(
      "td",
      {},
      h(
        "div",
        { class: "loom-jb-trigger" },
        h("span", {
          class: `loom-jb-trigger-text${trigger.kind === "none" ? " loom-jb-faint" : ""}`,
          title: trigger.text,
          text: trigger.text,
        }),
        trigger.paused && h("span", { class: "loom-jb-paused", text: "Paused" }),
      ),
    );
    const tags = h("div", { class: "loom-jb-tags" });
    for (const [key, value] of Object.entries(row.tags)) {
      const chip = h("button", {
        type: "button",
        class: "loom-jb-tag",
        title: `Filter by ${tagText(key, value)}`,
        "data-tag": tagFilter(key, value),
        text: tagText(key, value),
      });
      tags.append(chip);
    }
    const actions = h("td", { class: "loom-jb-actions" });
    actions.append(iconButton("Run now", "play", "run_now"));
    if (trigger.pausable) {
      actions.append(
        trigger.paused
          ? iconButton("Resume trigger", "resume", "resume")
          : iconButton("Pause trigger", "pause", "pause"),
      );
      actions.lastElementChild?.classList.add("loom-jb-pause-toggle");
    } else {
      actions.append(h("span", { class: "loom-jb-slot", "aria-hidden": "true" })); // keeps the columns of buttons
    }
    const more = iconButton("More actions", "more", "menu");
    more.setAttribute("aria-haspopup", "menu");
    actions.append(more);
    // Run now gets a different icon from Resume: a filled triangle.
    const runIcon = actions.querySelector('[data-action="run_now"] svg');
    runIcon?.setAttribute("fill", "currentColor");
    return h(
      "tr",
      {
        "data-job-id": row.job_id,
        "data-paused": trigger.paused ? "true" : "false",
        "data-trigger": trigger.kind,
        "data-run-state": run?.state ?? "",
        "data-busy": busy.has(row.job_id) ? "true" : undefined,
      },
      h(
        "td",
        { class: "loom-jb-name" },
        h("button", { type: "button", class: "loom-jb-name-link", "data-action": "open", title: row.name, text: row.name }),
        h("span", { class: "loom-jb-id", text: `ID ${row.job_id}` }),
      ),
      h("td", { class: "loom-jb-num", text: row.tasks === null ? "–" : String(row.tasks) }),
      runCell,
      triggerCell,
      h("td", {}, h("div", { class: "loom-jb-creator", title: row.creator ?? "", text: row.creator ?? "" })),
      h("td", {}, tags),
      actions,
    );
  }

  function drawRows(): void {
    tbody.replaceChildren(...rows.map(drawRow));
    root.dataset.rowCount = String(rows.length);
    const filtered = page !== null && Object.values(page.query).some((v) => v !== "");
    empty.hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    if (rows.length === 0) {
      empty.replaceChildren(
        h("div", { text: filtered ? "No jobs match these filters." : "No jobs in this workspace yet." }),
        filtered
          ? button("Clear filters", { action: "clear", variant: "outline" })
          : withIcon(button("Create job", { action: "create", variant: "primary" }), "plus"),
      );
    }
  }

  function drawFooter(): void {
    if (!page) return;
    rangeLabel.textContent = rangeText(page.offset, rows.length, page.total, page.known, page.has_more);
    prevButton.disabled = page.offset === 0;
    nextButton.disabled = !page.has_more;
    pageSizeSelect.value = String(page.limit);
    root.dataset.offset = String(page.offset);
    root.dataset.total = page.total === null ? "" : String(page.total);
  }

  function showPage(message: Extract<FromPython, { kind: "page" }>): void {
    page = message;
    rows = message.rows;
    // A page pushed by Python (.search(), .refresh()) brings its query into the inputs; the
    // user's own typing is not overwritten by the answer to an older request.
    const active = root.ownerDocument.activeElement;
    const q = message.query;
    if (active !== searchInput) searchInput.value = q.search;
    if (active !== ownerInput) ownerInput.value = q.owner;
    if (active !== tagInput) tagInput.value = q.tag;
    stateSelect.value = q.state;
    ownerList.replaceChildren(...message.owners.map((o) => h("option", { value: o })));
    meButton.hidden = !message.me;
    meButton.dataset.me = message.me ?? "";
    drawRows();
    drawFooter();
    root.dataset.loading = "false";
    root.dataset.ready = "true";
  }

  function replaceRow(row: JobRow): void {
    busy.delete(row.job_id);
    rows = rows.map((known) => (known.job_id === row.job_id ? row : known));
    const element = rowElement(row.job_id);
    if (element) element.replaceWith(drawRow(row));
  }

  // ---- the row menu (Edit, Permissions, Delete) ----
  let menu: HTMLElement | null = null;
  function closeMenu(): void {
    menu?.remove();
    menu = null;
  }
  function openMenu(anchor: HTMLElement, jobId: number): void {
    closeMenu();
    const item = (label: string, iconName: string, action: string, danger = false) => {
      const b = h("button", { type: "button", role: "menuitem", class: `loom-jb-menu-item${danger ? " loom-jb-danger" : ""}`, "data-action": action, "data-job-id": jobId });
      b.append(svgIcon(iconName), h("span", { text: label }));
      return b;
    };
    menu = h(
      "div",
      { class: "loom-jb-menu", role: "menu", "data-job-id": jobId },
      item("Edit", "edit", "open"),
      item("Permissions", "lock", "permissions"),
      item("Delete", "trash", "delete", true),
    );
    root.append(menu);
    const box = anchor.getBoundingClientRect();
    const base = root.getBoundingClientRect();
    menu.style.top = `${box.bottom - base.top + 2}px`;
    menu.style.right = `${Math.max(4, base.right - box.right)}px`;
    menu.querySelector("button")?.focus();
  }
  root.ownerDocument.addEventListener("mousedown", onOutside, true);
  function onOutside(event: Event): void {
    if (menu && !menu.contains(event.target as Node)) {
      const opener = (event.target as HTMLElement).closest?.('[data-action="menu"]');
      if (!opener) closeMenu();
    }
  }

  // ---- dialogs ----
  let overlay: HTMLElement | null = null;
  function closeDialog(): void {
    overlay?.remove();
    overlay = null;
  }
  function openDialog(title: string, body: Node[], buttons: HTMLButtonElement[]): HTMLElement {
    closeDialog();
    const dialog = h(
      "div",
      { class: "loom-jb-dialog", role: "dialog", "aria-modal": "true", "aria-label": title },
      h("h3", { text: title }),
      ...body,
      h("div", { class: "loom-jb-dialog-buttons" }, ...buttons),
    );
    overlay = h("div", { class: "loom-jb-overlay" }, dialog);
    overlay.addEventListener("click", (event) => {
      if (event.target === overlay) closeDialog();
    });
    overlay.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeDialog();
    });
    root.append(overlay);
    buttons[buttons.length - 1]?.focus();
    return dialog;
  }

  function confirmDelete(row: JobRow): void {
    const cancel = button("Cancel", { action: "cancel", variant: "outline" });
    const confirm = button("Delete", { action: "confirm-delete", variant: "danger" });
    confirm.classList.add("loom-je-btn-primary");
    cancel.addEventListener("click", closeDialog);
    confirm.addEventListener("click", () => {
      closeDialog();
      act("delete", row.job_id);
    });
    openDialog(
      "Delete job?",
      [
        h("p", {}, "Delete ", h("strong", { text: row.name }), ` (ID ${row.job_id})?`),
        h("p", { class: "loom-jb-muted", text: "Its runs are deleted with it. This cannot be undone." }),
      ],
      [cancel, confirm],
    );
  }

  function showPermissions(jobId: number, grants: Grant[]): void {
    const row = rows.find((r) => r.job_id === jobId);
    const close = button("Close", { action: "cancel", variant: "outline" });
    const edit = button("Edit in the editor", { action: "open-permissions", variant: "primary" });
    close.addEventListener("click", closeDialog);
    edit.addEventListener("click", () => {
      closeDialog();
      act("open_permissions", jobId);
    });
    const list = h(
      "table",
      { class: "loom-jb-grants" },
      h(
        "tbody",
        {},
        ...grants.map((g) =>
          h(
            "tr",
            { "data-principal": g.principal },
            h("td", { text: g.principal }),
            h("td", { class: "loom-jb-muted", text: g.levels.map((l) => l.replace(/_/g, " ")).join(", ") }),
            h("td", { class: "loom-jb-faint", text: g.inherited ? "inherited" : "" }),
          ),
        ),
      ),
    );
    openDialog(
      `Permissions: ${row?.name ?? `job ${jobId}`}`,
      grants.length ? [list] : [h("p", { class: "loom-jb-muted", text: "No grants." })],
      [close, edit],
    );
  }

  // ---- events ----
  let searchTimer: number | undefined;
  function debounced(): void {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => requestList({ offset: 0 }), SEARCH_DEBOUNCE_MS);
  }
  searchInput.addEventListener("input", debounced);
  ownerInput.addEventListener("input", debounced);
  tagInput.addEventListener("input", debounced);
  for (const input of [searchInput, ownerInput, tagInput]) {
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        window.clearTimeout(searchTimer);
        requestList({ offset: 0 });
      }
    });
  }
  stateSelect.addEventListener("change", () => requestList({ offset: 0 }));
  pageSizeSelect.addEventListener("change", () => requestList({ offset: 0, limit: Number(pageSizeSelect.value) }));

  root.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    const tag = target.closest<HTMLElement>("[data-tag]");
    if (tag && root.contains(tag)) {
      tagInput.value = tag.dataset.tag ?? "";
      requestList({ offset: 0 });
      return;
    }
    const actionButton = target.closest<HTMLButtonElement>("button[data-action]");
    if (!actionButton || actionButton.disabled || overlay?.contains(actionButton)) return;
    const action = actionButton.dataset.action ?? "";
    const holder = actionButton.closest<HTMLElement>("[data-job-id]");
    const jobId = holder ? Number(holder.dataset.jobId) : null;
    if (action === "menu") {
      if (menu && menu.dataset.jobId === String(jobId)) closeMenu();
      else if (jobId !== null) openMenu(actionButton, jobId);
      return;
    }
    closeMenu();
    const row = jobId !== null ? rows.find((r) => r.job_id === jobId) : undefined;
    const size = page?.limit ?? 25;
    switch (action) {
      case "create":
        act("create", null);
        break;
      case "refresh":
        requestList({ offset: page?.offset ?? 0, refresh: true });
        break;
      case "prev":
        requestList({ offset: Math.max(0, (page?.offset ?? 0) - size) });
        break;
      case "next":
        requestList({ offset: (page?.offset ?? 0) + size });
        break;
      case "me":
        ownerInput.value = meButton.dataset.me ?? "";
        requestList({ offset: 0 });
        break;
      case "clear":
        searchInput.value = ownerInput.value = tagInput.value = "";
        stateSelect.value = "";
        requestList({ offset: 0 });
        break;
      case "delete":
        if (row) confirmDelete(row);
        break;
      case "run_now":
      case "pause":
      case "resume":
      case "open":
      case "permissions":
        if (jobId !== null) act(action, jobId);
        break;
      case "open_run": {
        const runId = Number(actionButton.dataset.runId);
        if (jobId !== null && Number.isInteger(runId)) act("open_run", jobId, runId);
        break;
      }
    }
  });

  function onMessage(message: FromPython): void {
    switch (message.kind) {
      case "page":
        if (message.request_id !== null && message.request_id < lastListRequest) return; // stale
        showPage(message);
        break;
      case "rows":
        // Changed by themselves (a run ended) or elsewhere in this kernel; a row waiting for
        // its own action's answer gets that answer instead.
        for (const row of message.rows) if (!busy.has(row.job_id)) replaceRow(row);
        break;
      case "action_done":
        if (message.row) replaceRow(message.row);
        else if (message.job_id !== null) {
          busy.delete(message.job_id);
          const element = rowElement(message.job_id);
          element?.removeAttribute("data-busy");
          for (const b of element?.querySelectorAll("button") ?? []) b.disabled = false;
        }
        break;
      case "permissions":
        if (message.job_id !== null) {
          busy.delete(message.job_id);
          const row = rows.find((r) => r.job_id === message.job_id);
          if (row) replaceRow(row);
        }
        showPermissions(message.job_id, message.access_control_list);
        break;
      case "error":
        root.dataset.loading = "false";
        root.dataset.ready = "true";
        if (message.job_id !== null) {
          const row = rows.find((r) => r.job_id === message.job_id);
          busy.delete(message.job_id);
          if (row) replaceRow(row);
        }
        break;
    }
  }

  // The same words said again (a new `serial`) are emptied and put back on the next frame, so a
  // screen reader announces them again and the line is seen to change.
  let statusSerial = model.get("status")?.serial ?? 0;
  function onStatus(): void {
    const status = model.get("status") ?? { level: "", text: "" };
    const serial = status.serial ?? 0;
    const repeated = serial !== statusSerial && status.text !== "" && statusLine.textContent === status.text;
    statusSerial = serial;
    if (!repeated) {
      setStatus(status.level, status.text);
      return;
    }
    setStatus(status.level, "");
    requestAnimationFrame(() => {
      if ((model.get("status")?.serial ?? 0) === serial) setStatus(status.level, status.text);
    });
  }
  function onLabel(): void {
    workspaceChip.textContent = model.get("workspace_label") || "workspace";
  }

  const handler = (message: unknown) => onMessage(message as FromPython);
  model.on("msg:custom", handler);
  model.on("change:status", onStatus);
  model.on("change:workspace_label", onLabel);
  onStatus();
  onLabel();
  send({ kind: "ready" });

  // Python follows active runs only while a view is seen: on screen, in a visible tab.
  const viewId = Math.random().toString(36).slice(2);
  let onScreen = true;
  let shown: boolean | null = null;
  function reportShown(): void {
    const now = onScreen && root.ownerDocument.visibilityState !== "hidden";
    if (now === shown) return;
    shown = now;
    root.dataset.shown = String(now);
    send({ kind: "visibility", view_id: viewId, visible: now });
  }
  const observer =
    typeof IntersectionObserver === "undefined"
      ? null
      : new IntersectionObserver((entries) => {
          const last = entries[entries.length - 1];
          if (last) onScreen = last.isIntersecting;
          reportShown();
        });
  observer?.observe(root);
  if (!observer) reportShown(); // an observer reports at once; without one the page is taken as seen
  root.ownerDocument.addEventListener("visibilitychange", reportShown);

  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeMenu();
  });

  return () => {
    observer?.disconnect();
    root.ownerDocument.removeEventListener("visibilitychange", reportShown);
    onScreen = false;
    reportShown();
    window.clearTimeout(searchTimer);
    root.ownerDocument.removeEventListener("mousedown", onOutside, true);
    model.off("msg:custom", handler);
    model.off("change:status", onStatus);
    model.off("change:workspace_label", onLabel);
  };
}

export default { render };

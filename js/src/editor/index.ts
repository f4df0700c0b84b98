// The anywidget view of loom_jobs_widget.JobEditor: a Lakeflow Job as an editable DAG.
//
// Python holds the job; this view keeps the graph (store.ts), draws it (canvas.ts), and the
// one open task (panel.ts + forms/). Every message is in protocol.ts.
import type { RenderProps } from "@anywidget/types";
import { pluralize, readTheme, type Theme } from "../canvas-style";
import { EditorCanvas, type CanvasContainer } from "./canvas";
import { DetailsTab } from "./details-tab";
import { DialogHost, DocumentDialog, ReviewDialog, Toasts, confirmDialog } from "./dialogs";
import { button, h } from "./dom";
import { FORMS_CSS, setPath } from "./forms/index";
import { JOB_FORMS_CSS } from "./forms/job-css";
import { SHORTCUTS, isTypingTarget, keyAction, type KeyAction } from "./keyboard";
import { NotificationsTab } from "./notifications-tab";
import { TaskPanel } from "./panel";
import { ParametersTab } from "./parameters-tab";
import { PermissionsTab } from "./permissions-tab";
import type {
  Choice,
  EditOp,
  FromPython,
  JobEditorModel,
  JsonPath,
  PickerKind,
  Problem,
  ReferenceChoice,
  Status,
  ToPython,
} from "./protocol";
import { ScheduleTab } from "./schedule-tab";
import { GraphStore, searchTasks } from "./store";
import { CSS } from "./styles";
import type { JobTab, JobTabContext, JobTabId } from "./tab-types";
import { JobTabs, TABS, problemPath, tabOfPath, type JobTabShell } from "./tabs";
import { RUNS_CSS, RunsTab } from "./runs-tab";
import { ProgressStrip } from "./runs/progress";
import { Toolbar, type ToolbarAction } from "./toolbar";

const REQUEST_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: number;
  /** A job tab's request: resolved with Python's whole reply (else with its items). */
  raw?: boolean;
}

/** Replies to a job tab's request, matched by request_id. */
const REPLY_KINDS = new Set([
  "schedule_preview",
  "simple_schedule",
  "from_unix",
  "time_zones",
  // the Runs tab's (issue 8)
  "runs",
  "run",
  "task_output",
  "repair_preview",
  "matrix",
]);

/** Keyboard shortcuts that act on a job tab too (the others are the canvas's). */
const JOB_TAB_KEYS = new Set(["undo", "redo", "help", "escape"]);

/** A CSS colour as `rgb(r, g, b)` (cytoscape reads no `color(srgb ...)` from color-mix); null if transparent. */
function toRgb(color: string): string | null {
  if (!color || color === "transparent" || color === "rgba(0, 0, 0, 0)") return null;
  if (/^(#|rgb)/.test(color)) return color;
  const context = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!context) return null;
  context.fillStyle = color;
  context.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
  return a === 0 ? null : `rgb(${r}, ${g}, ${b})`;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function render({ model, el }: RenderProps<JobEditorModel>) {
  // ---- DOM ----
  const root = h("div", { class: "loom-je", tabindex: 0, "data-rev": -1 });
  const style = h("style", { text: CSS + FORMS_CSS + JOB_FORMS_CSS + RUNS_CSS });

  const titleInput = h("input", {
    class: "loom-je-title",
    "aria-label": "Job name",
    title: "Job name: click to rename",
    spellcheck: "false",
    autocomplete: "off",
  });
  const jobChip = h("span", { class: "loom-je-chip loom-je-job-id" });
  const workspaceChip = h("span", { class: "loom-je-chip loom-je-workspace", title: "Workspace" });
  const dirtyDot = h("span", { class: "loom-je-dirty", title: "Unsaved changes", hidden: true });
  const counts = h("span", { class: "loom-je-counts" });
  const statusLine = h("div", { class: "loom-je-status", role: "status", "aria-live": "polite" });
  const header = h(
    "div",
    { class: "loom-je-header" },
    titleInput,
    dirtyDot,
    jobChip,
    workspaceChip,
    h("span", { class: "loom-je-spacer" }),
    counts,
  );

  const container = h("div", { class: "loom-je-canvas" }) as CanvasContainer;
  const addFirst = button("Add a task", { icon: "plus", variant: "outline", action: "add-first" });
  const empty = h(
    "div",
    { class: "loom-je-empty", hidden: true },
    h("div", { text: "This job has no tasks yet." }),
    addFirst,
  );
  const loading = h(
    "div",
    { class: "loom-je-empty loom-je-loading" },
    h("div", {}, h("span", { class: "loom-je-spinner" }), " Loading the job…"),
  );
  const zoomIn = button("Zoom in", { icon: "zoomIn", iconOnly: true, action: "zoom-in" });
  const zoomOut = button("Zoom out", { icon: "zoomOut", iconOnly: true, action: "zoom-out" });
  const zoomFit = button("Zoom to fit", { icon: "fit", iconOnly: true, action: "zoom-fit" });
  const zoom = h("div", { class: "loom-je-zoom" }, zoomIn, zoomOut, zoomFit);
  const focusText = h("span", { class: "loom-je-focus-text" });
  const focusExit = button("Show all", { action: "focus-exit", variant: "outline" });
  const focusBanner = h("div", { class: "loom-je-focus-banner", hidden: true }, focusText, focusExit);
  const toasts = new Toasts();
  // The followed run on the canvas (issue 8): the nodes take their task's state (Python's
  // patches), this strip says how far the run is.
  const canvasProgress = new ProgressStrip({
    open: (runId) => {
      tabs.select("runs");
      runsTab.openRun(runId);
    },
    cancel: (runId) => send({ kind: "cancel_run", run_id: runId }),
    clear: () => {
      send({ kind: "show_run", run_id: null });
      canvasProgress.hide();
    },
  });
  canvasProgress.element.classList.add("loom-je-run-strip");
  const canvasWrap = h(
    "div",
    { class: "loom-je-canvas-wrap" },
    container,
    loading,
    empty,
    focusBanner,
    canvasProgress.element,
    zoom,
  );

  const problemsSummary = h("summary", {});
  const problemsList = h("ul", { class: "loom-je-problem-list" });
  const problemsBox = h(
    "details",
    { class: "loom-je-problems", hidden: true, "data-role": "job-problems" },
    problemsSummary,
    problemsList,
  );

  const help = h(
    "div",
    { class: "loom-je-help", hidden: true, role: "dialog", "aria-label": "Keyboard shortcuts" },
    h("h4", { text: "Keyboard shortcuts" }),
    h(
      "table",
      {},
      SHORTCUTS.map((s) =>
        h(
          "tr",
          {},
          h("td", {}, s.keys.split(", ").flatMap((k, i) => [i > 0 ? " " : "", h("span", { class: "loom-je-kbd", text: k })])),
          h("td", { text: s.action }),
        ),
      ),
    ),
  );

  // ---- state ----
  const store = new GraphStore();
  let theme: Theme = readTheme(document.body);
  const toolbar = new Toolbar({
    action: (action) => void onAction(action),
    search: (query) => runSearch(query),
    searchNext: (step) => {
      const found = canvas.nextMatch(step);
      if (found) toolbar.setSearchCount(`${found.index + 1}/${searchMatches.length}`);
    },
    hops: (n) => {
      hops = n;
      if (canvas.focusActive) enterFocus();
    },
  });
  const panel = new TaskPanel({
    setField: (taskKey, path, value) => {
      const op: EditOp =
        value === undefined
          ? { op: "set_field", task_key: taskKey, path, delete: true }
          : { op: "set_field", task_key: taskKey, path, value };
      if (roundtripStart === null) roundtripStart = performance.now();
      edit(op);
    },
    rename: (taskKey, newKey) => edit({ op: "rename_task", task_key: taskKey, new_key: newKey }),
    setType: (taskKey, taskType) => edit({ op: "set_task_type", task_key: taskKey, task_type: taskType }),
    pick: (what, options) => pick(what, options),
    references: (taskKey) => references(taskKey),
    taskKeys: () => store.taskKeys(),
    taskType: (key) => store.nodes.get(key)?.data.task_type ?? null,
    close: () => {
      canvas.clearSelection();
      root.focus({ preventScroll: true });
    },
  });
  const main = h("div", { class: "loom-je-main" }, canvasWrap, panel.element);

  // ---- job tabs (issue 6) ----
  /** A context per tab (the tab's edits are its own). */
  const tabContext = (): JobTabShell => ({
    edit: (op) => edit(op),
    setJobField: (path, value) => setJobField(path, value),
    request: <T extends FromPython>(message: ToPython & { request_id: number }) => request<T>(message, true),
    send: (message) => send(message),
    nextId: () => ++requestId,
    notify: (level, text) => void toasts.show(level, text),
    openTask: (taskKey) => openTask(taskKey),
  });
  const runsTab = new RunsTab({
    ...tabContext(),
    showTasks: (taskKeys) => {
      tabs.select("tasks");
      const known = taskKeys.filter((key) => store.nodes.has(key));
      if (known.length) selectFromView(known, known.length === 1);
    },
  });
  const runsJobTab: JobTab = {
    id: "runs",
    element: runsTab.element,
    update: (job) => runsTab.update(job),
    showProblems: () => undefined,
    shown: () => runsTab.shown(),
    flush: () => undefined,
    destroy: () => runsTab.destroy(),
  };
  const jobTabs: JobTab[] = [
    runsJobTab,
    new DetailsTab(tabContext()),
    new ScheduleTab(tabContext() as JobTabContext),
    new NotificationsTab(tabContext()),
    new ParametersTab(tabContext()),
    new PermissionsTab(tabContext() as JobTabContext),
  ];
  const tabs = new JobTabs(
    {
      send: (message) => send(message),
      flushTasks: () => panel.flush(),
      changed: (id) => onTabChanged(id),
    },
    jobTabs,
    main,
  );
  tabs.panels.hidden = true;
  const stage = h("div", { class: "loom-je-stage" }, main, tabs.panels, toasts.element);
  root.dataset.tab = "tasks";
  root.append(style, header, statusLine, tabs.bar, toolbar.element, stage, problemsBox, help);
  el.append(root);

  const dialogs = new DialogHost(root);
  const review = new ReviewDialog(dialogs, {
    save: () => {
      tabs.flushActive();
      send({ kind: "save" });
    },
    selectTask: (key) => selectFromView([key], true),
  });
  const documents = new DocumentDialog(dialogs, (format) => send({ kind: "view_as", format }));

  // Read the theme where the widget is (JupyterLab sets the variables on body).
  theme = withCanvasBackground(readTheme(root));
  const canvas = new EditorCanvas(container, theme, store, {
    select: (taskKeys) => {
      onUserSelection(taskKeys);
    },
    connect: (upstream, downstream) => edit({ op: "add_dependency", upstream, downstream }),
    open: (taskKey) => {
      if (!sameKeys(canvas.selectedTasks(), [taskKey])) selectFromView([taskKey], false);
    },
    pointer: () => {
      root.focus({ preventScroll: true });
      help.hidden = true;
    },
  });
  canvas.onDrawn = (built) => {
    // For the bench: from the first chunk of a whole graph to the first frame showing it.
    const now = performance.now();
    root.dataset.drawnAt = now.toFixed(1);
    root.dataset.graphMs = (now - graphStart).toFixed(1);
    root.dataset.drawMs = (now - built).toFixed(1);
    root.dataset.buildMs = `${canvas.timings.definitions.toFixed(1)}+${canvas.timings.add.toFixed(1)}`;
  };
  canvas.onRendered = () => {
    updateGraphAttributes();
    syncSelectionFromTrait();
  };

  let requestId = 0;
  const pending = new Map<number, Pending>();
  let hops = 1;
  let focusRoots: string[] = [];
  let searchMatches: string[] = [];
  let roundtripStart: number | null = null;
  let graphStart = 0;
  /** The last task JSON and problems Python sent (they may come before the `selected` trait). */
  let lastTask: Extract<FromPython, { kind: "task" }> | null = null;
  let lastProblems: { task_key: string; problems: Problem[] } | null = null;
  let jobProblems: Problem[] = [];
  /** Selections we sent and whose echo in the `selected` trait has not come back yet. */
  const sentSelections: { keys: string; at: number }[] = [];
  /** Forget echoes that did not come (Python leaves an unchanged trait alone) after 3 s. */
  function pendingSelections(): { keys: string; at: number }[] {
    const now = performance.now();
    while (sentSelections.length > 0 && now - sentSelections[0].at > 3000) sentSelections.shift();
    return sentSelections;
  }

  function withCanvasBackground(t: Theme): Theme {
    const canvasBg = toRgb(getComputedStyle(canvasWrap).backgroundColor);
    return canvasBg ? { ...t, background: canvasBg } : t;
  }

  function send(message: ToPython): void {
    model.send(message);
  }

  function edit(op: EditOp): void {
    send({ kind: "edit", request_id: ++requestId, ...op } as ToPython);
  }

  /** A job-level field (set, or deleted when `value` is undefined); the last `job` follows it. */
  function setJobField(path: JsonPath, value: unknown): void {
    edit(value === undefined ? { op: "set_job_field", path, delete: true } : { op: "set_job_field", path, value });
    // Python sends no `job` back for a typed field: keep the last one in step.
    if (tabs.lastJob) tabs.lastJob = { ...tabs.lastJob, settings: setPath(tabs.lastJob.settings, path, value) as Record<string, unknown> };
  }

  /**
   * Values a form refused by itself (a number out of range, text that is no number): they were
   * never sent, so Python cannot list them; saving now would keep the old value while the field
   * shows another. They block the save like Python's errors.
   */
  function refusedInputs(): Problem[] {
    const found: Problem[] = [];
    for (const message of Array.from(root.querySelectorAll<HTMLElement>(".loom-f-local"))) {
      if (message.hidden || !message.textContent) continue;
      const field = message.closest<HTMLElement>(".loom-f-field");
      const label = field?.querySelector("label")?.textContent?.replace(/\s*\*$/, "") ?? "A field";
      const where = message.closest<HTMLElement>("[data-tab]")?.dataset.tab;
      const taskKey = where === "tasks" || !where ? panel.taskKey : null;
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

  function onTabChanged(id: JobTabId): void {
    root.dataset.tab = id;
    main.inert = id !== "tasks";
    help.hidden = true;
    if (id !== "tasks") {
      // The canvas stays laid out under the job tab (its viewport is kept); only its tools go.
      toolbar.searchInput.blur();
    }
  }

  function openTask(taskKey: string): void {
    tabs.select("tasks");
    if (store.nodes.has(taskKey)) selectFromView([taskKey], true);
  }

  /** Send the active tab's pending edit (the task panel, or a job tab's field). */
  function flushActive(): void {
    tabs.flushActive();
  }

  function request<T>(message: ToPython & { request_id: number }, raw = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        pending.delete(message.request_id);
        reject(new Error("No answer from Python (is the kernel running?)"));
      }, REQUEST_TIMEOUT_MS);
      pending.set(message.request_id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
        raw,
      });
      send(message);
    });
  }

  function pick(what: PickerKind, options: { path?: string; query?: string } = {}): Promise<Choice[]> {
    const message: ToPython & { request_id: number } = { kind: "pick", request_id: ++requestId, what };
    if (options.path !== undefined) message.path = options.path;
    if (options.query !== undefined) message.query = options.query;
    return request<Choice[]>(message);
  }

  function references(taskKey: string): Promise<ReferenceChoice[]> {
    return request<ReferenceChoice[]>({ kind: "references", request_id: ++requestId, task_key: taskKey });
  }

  function settle(id: number, value: unknown, error?: string, message?: FromPython): void {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    // A job tab reads the whole reply (its error included).
    if (entry.raw && message) entry.resolve(message);
    else if (error) entry.reject(new Error(error));
    else entry.resolve(value);
  }

  // ---- selection ----

  function showTask(message: Extract<FromPython, { kind: "task" }>): void {
    if (panel.pendingRename() === message.task_key) panel.adoptRename(message.task_key);
    panel.setTask(message.task_key, message.task);
    root.dataset.panelTask = message.task_key;
    root.dataset.panelLoaded = message.task_key;
  }

  function applySelection(keys: string[]): void {
    root.dataset.selected = keys.join(",");
    if (keys.length === 1) {
      const renamed = panel.pendingRename();
      if (panel.taskKey && renamed === keys[0]) panel.adoptRename(keys[0]);
      else if (panel.taskKey !== keys[0]) {
        panel.open(keys[0]);
        // Python's `task` (and `problems`) may have come before the `selected` trait.
        if (lastTask && lastTask.task_key === keys[0]) showTask(lastTask);
        if (lastProblems && lastProblems.task_key === keys[0]) panel.showProblems(lastProblems.problems);
      }
      root.dataset.panelTask = keys[0];
    } else if (panel.isOpen) {
      panel.close();
      delete root.dataset.panelTask;
    }
    if (canvas.focusActive && keys.length > 0 && !keys.every((k) => focusRoots.includes(k))) {
      // Focus follows the selection only when asked (the Focus button); keep the view.
    }
    updateToolbar();
  }

  function onUserSelection(keys: string[]): void {
    const current = panel.taskKey;
    if (current && !(keys.length === 1 && keys[0] === current)) panel.flush();
    const signature = keys.join("\n");
    // No echo comes when the trait already holds this selection.
    if (signature !== (model.get("selected") ?? []).join("\n") || pendingSelections().length > 0) {
      sentSelections.push({ keys: signature, at: performance.now() });
      if (sentSelections.length > 20) sentSelections.shift();
    }
    send({ kind: "select", task_keys: keys });
    applySelection(keys);
  }

  /** Select from the view's own controls (problem list, review dialog, search). */
  function selectFromView(keys: string[], reveal: boolean): void {
    canvas.setSelection(keys, { reveal });
    onUserSelection(keys);
  }

  function syncSelectionFromTrait(): void {
    // A selection of ours is on its way to Python: the trait is behind, the canvas is right.
    if (pendingSelections().length > 0) return;
    const keys = (model.get("selected") ?? []).filter((key) => store.nodes.has(key));
    if (!sameKeys(keys, canvas.selectedTasks())) canvas.setSelection(keys, { reveal: true });
    applySelection(canvas.selectedTasks());
  }

  function onSelectedTrait(): void {
    const keys = model.get("selected") ?? [];
    const signature = keys.join("\n");
    const pending = pendingSelections();
    const index = pending.findIndex((entry) => entry.keys === signature);
    if (index >= 0) {
      pending.splice(0, index + 1);
      // An echo of an older selection of ours: newer ones are on their way.
      if (pending.length > 0) return;
      if (sameKeys(keys, canvas.selectedTasks())) return;
    }
    // Applied once the graph is drawn (onRendered): a task Python just added or renamed comes
    // in a patch that may follow the trait.
    if (canvas.pendingReset || keys.some((key) => !store.nodes.has(key))) return;
    canvas.setSelection(
      keys.filter((key) => store.nodes.has(key)),
      { reveal: true },
    );
    applySelection(canvas.selectedTasks());
  }

  // ---- header, toolbar, attributes ----

  function updateHeader(): void {
    const title = model.get("title") ?? "";
    if (document.activeElement !== titleInput) titleInput.value = title;
    titleInput.placeholder = "Untitled job";
    titleInput.style.width = `${Math.min(520, Math.max(120, (titleInput.value.length || 12) * 9.6 + 20))}px`;
    const jobId = model.get("job_id");
    jobChip.textContent = jobId === null || jobId === undefined ? "New job · not saved" : `Job ${jobId}`;
    const label = model.get("workspace_label") ?? "";
    workspaceChip.textContent = label;
    workspaceChip.hidden = label === "";
    const dirty = Boolean(model.get("dirty"));
    dirtyDot.hidden = !dirty;
    root.dataset.dirty = String(dirty);
    const c = model.get("counts") ?? { tasks: 0, errors: 0, warnings: 0 };
    const tasks = c.tasks ?? store.nodes.size;
    const parts: (HTMLElement | string)[] = [h("span", { class: "loom-je-n-tasks", text: pluralize(tasks, "task", "tasks") })];
    if (c.errors) {
      parts.push(" · ", h("span", { class: "loom-je-n-errors", text: pluralize(c.errors, "error", "errors") }));
    }
    if (c.warnings) {
      parts.push(" · ", h("span", { class: "loom-je-n-warnings", text: pluralize(c.warnings, "warning", "warnings") }));
    }
    if (!c.errors && !c.warnings && tasks > 0) parts.push(" · ", h("span", { class: "loom-je-n-ok", text: "no problems" }));
    counts.replaceChildren(...parts);
    const status = (model.get("status") ?? { level: "", text: "" }) as Status;
    statusLine.textContent = status.text ?? "";
    statusLine.dataset.level = status.level ?? "";
  }

  function updateToolbar(): void {
    toolbar.update({
      selectedTasks: canvas.selectedTasks().length,
      selectedEdges: canvas.selectedEdges().length,
      canUndo: Boolean(model.get("can_undo")),
      canRedo: Boolean(model.get("can_redo")),
      undoLabel: model.get("undo_label") ?? "",
      redoLabel: model.get("redo_label") ?? "",
      focusActive: canvas.focusActive,
      hasTasks: store.nodes.size > 0,
    });
  }

  function updateGraphAttributes(): void {
    root.dataset.rev = String(store.rev);
    root.dataset.nodeCount = String(store.nodes.size);
    root.dataset.edgeCount = String(store.edges.size);
    root.dataset.ready = "true";
    loading.hidden = true;
    empty.hidden = store.nodes.size > 0;
    zoom.hidden = store.nodes.size === 0;
    if (canvas.focusActive) {
      focusRoots = focusRoots.filter((key) => store.nodes.has(key));
      if (focusRoots.length === 0) exitFocus();
      else updateFocusBanner();
    }
    updateToolbar();
  }

  // ---- problems ----

  function renderJobProblems(): void {
    problemsBox.hidden = jobProblems.length === 0;
    const errors = jobProblems.filter((p) => p.severity === "error").length;
    const warnings = jobProblems.length - errors;
    const parts: string[] = [];
    if (errors) parts.push(pluralize(errors, "error", "errors"));
    if (warnings) parts.push(pluralize(warnings, "warning", "warnings"));
    problemsSummary.textContent = `Job problems: ${parts.join(", ")}`;
    problemsList.replaceChildren(
      ...jobProblems.map((p) => {
        const item = h(
          "li",
          { class: "loom-je-problem", "data-severity": p.severity, "data-task": p.task_key ?? undefined },
          h("span", { class: `loom-je-sev loom-je-sev-${p.severity}`, text: p.severity }),
          p.task_key ? h("span", { class: "loom-je-problem-task", text: p.task_key }) : null,
          h("span", { text: p.message }),
          p.field ? h("span", { class: "loom-je-problem-code", text: p.field }) : null,
        );
        if (p.task_key) {
          item.title = "Select this task";
          item.addEventListener("click", () => openTask(p.task_key as string));
        } else {
          const tab = tabOfPath(problemPath(p));
          item.dataset.tab = tab;
          item.title = "Show it on its tab";
          item.addEventListener("click", () => tabs.select(tab));
        }
        return item;
      }),
    );
  }

  // ---- search & focus ----

  function runSearch(query: string): void {
    searchMatches = searchTasks(store.nodes.values(), query);
    canvas.search(searchMatches);
    toolbar.setSearchCount(query.trim() === "" ? "" : searchMatches.length === 0 ? "none" : String(searchMatches.length));
    if (searchMatches.length > 0) {
      const found = canvas.nextMatch(1);
      if (found) toolbar.setSearchCount(`${found.index + 1}/${searchMatches.length}`);
    }
  }

  function enterFocus(): void {
    const selected = canvas.selectedTasks();
    if (selected.length > 0) focusRoots = selected;
    if (focusRoots.length === 0) return;
    canvas.setFocus(focusRoots, hops);
    root.dataset.focus = String(hops);
    updateFocusBanner();
    updateToolbar();
  }

  function updateFocusBanner(): void {
    const shown = container.__cy?.nodes(":visible").length ?? 0;
    focusBanner.hidden = false;
    const around = focusRoots.length === 1 ? focusRoots[0] : `${focusRoots.length} tasks`;
    focusText.textContent = `Showing ${shown} of ${store.nodes.size} tasks within ${pluralize(hops, "hop", "hops")} of ${around}`;
  }

  function exitFocus(): void {
    focusRoots = [];
    canvas.setFocus(null);
    focusBanner.hidden = true;
    delete root.dataset.focus;
    updateToolbar();
  }

  // ---- actions ----

  async function deleteSelection(): Promise<void> {
    const tasks = canvas.selectedTasks();
    if (tasks.length > 0) {
      const chosen = new Set(tasks);
      const dependents = new Set<string>();
      for (const edge of store.edges.values()) {
        if (chosen.has(edge.data.source) && !chosen.has(edge.data.target)) dependents.add(edge.data.target);
      }
      if (tasks.length > 1 || dependents.size > 0) {
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
        const ok = await confirmDialog(dialogs, { title: "Delete tasks", message, confirm: "Delete", danger: true });
        if (!ok) return;
      }
      panel.flush();
      edit({ op: "remove_tasks", task_keys: tasks });
      return;
    }
    const edges = canvas.selectedEdges();
    for (const id of edges) {
      const edge = store.edges.get(id);
      if (!edge) continue;
      edit({
        op: "remove_dependency",
        upstream: edge.data.source,
        downstream: edge.data.target,
        outcome: edge.data.outcome ?? null,
      });
    }
  }

  async function onAction(action: ToolbarAction | KeyAction): Promise<void> {
    // On a job tab only the job-wide actions apply (not the canvas's: add, delete, fit...).
    if (tabs.active !== "tasks" && !JOB_TAB_KEYS.has(action) && !["json", "yaml", "review"].includes(action)) return;
    switch (action) {
      case "add":
        panel.flush();
        edit({ op: "add_task", after: canvas.selectedTasks() });
        break;
      case "clone": {
        const tasks = canvas.selectedTasks();
        if (tasks.length !== 1) {
          toasts.show("info", "Select one task to clone it.");
          return;
        }
        panel.flush();
        edit({ op: "clone_task", task_key: tasks[0] });
        break;
      }
      case "delete":
        await deleteSelection();
        break;
      case "undo":
        flushActive();
        send({ kind: "undo" });
        break;
      case "redo":
        flushActive();
        send({ kind: "redo" });
        break;
      case "fit":
        canvas.zoomToFit();
        break;
      case "focus":
        if (canvas.focusActive) exitFocus();
        else enterFocus();
        break;
      case "json":
      case "yaml":
        flushActive();
        documents.open(action);
        break;
      case "review":
        flushActive();
        review.openLoading();
        send({ kind: "review" });
        break;
      case "help":
        help.hidden = !help.hidden;
        break;
      case "search":
        toolbar.searchInput.focus();
        toolbar.searchInput.select();
        break;
      case "escape":
        if (!help.hidden) help.hidden = true;
        else if (tabs.active !== "tasks") return;
        else if (canvas.selectedTasks().length || canvas.selectedEdges().length) canvas.clearSelection();
        else if (canvas.focusActive) exitFocus();
        break;
    }
  }

  // ---- events ----

  addFirst.addEventListener("click", () => void onAction("add"));
  zoomIn.addEventListener("click", () => canvas.zoomBy(1.25));
  zoomOut.addEventListener("click", () => canvas.zoomBy(0.8));
  zoomFit.addEventListener("click", () => canvas.zoomToFit());
  focusExit.addEventListener("click", exitFocus);
  problemsSummary.addEventListener("click", () => undefined);

  const commitTitle = () => {
    const value = titleInput.value.trim();
    const title = model.get("title") ?? "";
    if (value === "" ) {
      titleInput.value = title;
      return;
    }
    if (value !== title) {
      setJobField(["name"], value);
      // The Details tab shows the name too.
      if (tabs.lastJob) for (const tab of jobTabs) tab.update(tabs.lastJob);
    }
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
  titleInput.addEventListener("input", () => {
    titleInput.style.width = `${Math.min(520, Math.max(120, titleInput.value.length * 9.6 + 20))}px`;
  });
  titleInput.addEventListener("blur", commitTitle);

  root.addEventListener("keydown", (event: KeyboardEvent) => {
    if (dialogs.isOpen) return;
    if (isTypingTarget(event.target)) return;
    const action = keyAction(event);
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    void onAction(action);
  });

  const onMessage = (message: FromPython) => {
    if (!message || typeof message !== "object") return;
    if (REPLY_KINDS.has(message.kind)) {
      const reply = message as FromPython & { request_id: number; error?: string };
      settle(reply.request_id, reply, reply.error, reply);
      return;
    }
    if (tabs.handle(message)) return;
    switch (message.kind) {
      case "run_progress":
        runsTab.onProgress(message);
        canvasProgress.update(message);
        break;
      case "run_error":
        toasts.show("error", message.message);
        break;
      case "graph":
      case "graph_more":
      case "patch": {
        if (message.kind === "graph") graphStart = performance.now();
        const result = store.apply(message);
        if (result.action === "reset") {
          canvas.reset();

        }
        else if (result.action === "patch") canvas.applyDiff(result.diff);
        else if (result.action === "resync") {
          store.requestGraph();
          send({ kind: "ready" });
        }
        if (searchMatches.length && toolbar.searchInput.value) {
          searchMatches = searchTasks(store.nodes.values(), toolbar.searchInput.value);
          canvas.search(searchMatches);
        }
        break;
      }
      case "task": {
        lastTask = message;
        lastProblems = null;
        if (panel.taskKey === message.task_key || panel.pendingRename() === message.task_key) {
          showTask(message);
        }
        break;
      }
      case "problems": {
        lastProblems = message.task_key !== null ? { task_key: message.task_key, problems: message.problems ?? [] } : null;
        if (message.task_key !== null && message.task_key === panel.taskKey) {
          panel.showProblems(message.problems ?? []);
        }
        jobProblems = message.job ?? [];
        renderJobProblems();
        if (roundtripStart !== null) {
          root.dataset.lastRoundtripMs = (performance.now() - roundtripStart).toFixed(1);
          root.dataset.roundtrips = String(Number(root.dataset.roundtrips ?? "0") + 1);
          roundtripStart = null;
        }
        break;
      }
      case "edit_error": {
        if (message.request_id !== undefined) settle(message.request_id, undefined);
        const shownAtField =
          message.task_key !== null && message.task_key === panel.taskKey && panel.showEditError(message.message, message.field);
        toasts.show("error", message.message);
        void shownAtField;
        roundtripStart = null;
        break;
      }
      case "choices":
        settle(message.request_id, message.items ?? [], message.error, message);
        break;
      case "references":
        settle(message.request_id, message.items ?? [], undefined, message);
        break;
      case "review":
        review.show({ ...message, errors: [...message.errors, ...refusedInputs()] });
        break;
      case "document":
        documents.show(message.format, message.text);
        break;
      case "saved":
        review.saved(message.message);
        toasts.show("success", message.message || "Saved.");
        break;
      case "save_failed":
        if (review.isOpen) review.failed(message.message, message.conflict);
        else toasts.show("error", message.message);
        break;
    }
  };

  model.on("msg:custom", onMessage);
  model.on("change:selected", onSelectedTrait);
  // JobEditor.show_run / RunView: open that run in the Runs tab.
  const onShownRun = () => {
    const runId = model.get("shown_run");
    if (typeof runId !== "number") return;
    tabs.select("runs");
    runsTab.openRun(runId);
  };
  model.on("change:shown_run", onShownRun);
  requestAnimationFrame(onShownRun);
  // JobEditor.show_tab: switch to that tab.
  const onShownTab = () => {
    const tab = model.get("shown_tab");
    if (tab && TABS.some((t) => t.id === tab)) tabs.select(tab as JobTabId);
  };
  model.on("change:shown_tab", onShownTab);
  requestAnimationFrame(onShownTab);
  for (const name of ["title", "job_id", "workspace_label", "dirty", "counts", "status"] as const) {
    model.on(`change:${name}`, updateHeader);
  }
  for (const name of ["can_undo", "can_redo", "undo_label", "redo_label"] as const) {
    model.on(`change:${name}`, updateToolbar);
  }
  updateHeader();
  updateToolbar();

  // A JupyterLab theme switch changes the variables: redraw the canvas in the new colours.
  const checkTheme = () => {
    const next = withCanvasBackground(readTheme(root));
    if (JSON.stringify(next) !== JSON.stringify(theme)) {
      theme = next;
      canvas.setTheme(theme);
    }
  };
  const themeTimers: number[] = [];
  const themeObserver = new MutationObserver(() => {
    // The new theme's style sheet may load after the attribute changed: look again a bit later.
    for (const ms of [0, 300, 1200]) themeTimers.push(window.setTimeout(checkTheme, ms));
    while (themeTimers.length > 6) themeTimers.shift();
  });
  themeObserver.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-name", "data-jp-theme-light", "class", "style"] });

  store.requestGraph();
  send({ kind: "ready" });

  return () => {
    panel.flush();
    panel.destroy();
    tabs.destroy();
    themeObserver.disconnect();
    for (const timer of themeTimers) clearTimeout(timer);
    model.off("msg:custom", onMessage);
    model.off("change:selected", onSelectedTrait);
    model.off("change:shown_run", onShownRun);
    model.off("change:shown_tab", onShownTab);
    for (const name of ["title", "job_id", "workspace_label", "dirty", "counts", "status"] as const) {
      model.off(`change:${name}`, updateHeader);
    }
    for (const name of ["can_undo", "can_redo", "undo_label", "redo_label"] as const) {
      model.off(`change:${name}`, updateToolbar);
    }
    for (const entry of pending.values()) clearTimeout(entry.timer);
    pending.clear();
    canvas.destroy();
    root.remove();
  };
}

export default { render };

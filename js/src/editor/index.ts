// The anywidget view of loom_jobs_widget.JobEditor: a Lakeflow Job as an editable DAG.
//
// Python holds the job; this view keeps the graph (store.ts), draws it (canvas.ts), and the
// one open task (panel.ts + forms/). Every message is in protocol.ts. This module wires the parts
// to the model; layout.ts lays the view out.
import type { RenderProps } from "@anywidget/types";
import { EditorCanvas } from "./canvas";
import { canvasTheme, watchTheme } from "./canvas-theme";
import { confirmDeleteTasks } from "./delete-tasks";
import { DetailsTab } from "./details-tab";
import { DialogHost, DocumentDialog, NoticeBar, ReviewDialog, Toasts, unsavedDialog } from "./dialogs";
import { h } from "./dom";
import { FocusMode } from "./focus-mode";
import { FORMS_CSS, setPath } from "./forms/index";
import { JOB_FORMS_CSS } from "./forms/job-css";
import { JobHeader } from "./header";
import { JobProblemsBox, refusedInputs } from "./job-problems";
import { isTypingTarget, keyAction, type KeyAction } from "./keyboard";
import { layoutView } from "./layout";
import { NotificationsTab } from "./notifications-tab";
import { TaskPanel } from "./panel";
import { ParametersTab } from "./parameters-tab";
import { PermissionsTab } from "./permissions-tab";
import type { EditOp, FromPython, JobEditorModel, JsonPath, Problem, ToPython } from "./protocol";
import { PythonRequests } from "./requests";
import { RUNS_CSS, RunsTab } from "./runs-tab";
import { ProgressStrip } from "./runs/progress";
import { ScheduleTab } from "./schedule-tab";
import { SelectionSync, sameKeys } from "./selection";
import { GraphStore, searchTasks } from "./store";
import { CSS } from "./styles";
import type { JobTab, JobTabContext, JobTabId } from "./tab-types";
import { JobTabs, TABS, type JobTabShell } from "./tabs";
import { Toolbar, type ToolbarAction } from "./toolbar";

/** Keyboard shortcuts that act on a job tab too (the others are the canvas's). */
const JOB_TAB_KEYS = new Set(["undo", "redo", "help", "escape"]);

/** The messages of the `first_view` trait; null when there are none or they do not read. */
export function readFirstView(value: string | undefined): FromPython[] | null {
  if (!value) return null;
  try {
    const messages: unknown = JSON.parse(value);
    return Array.isArray(messages) && messages.length > 0 ? (messages as FromPython[]) : null;
  } catch {
    return null;
  }
}

function render({ model, el }: RenderProps<JobEditorModel>) {
  const renderAt = performance.now();
  const store = new GraphStore();
  const requests = new PythonRequests((message) => send(message));
  const toasts = new Toasts();
  const notices = new NoticeBar((choice) => {
    tabs.flushActive();
    // The review opens at once; Python's `review` fills it.
    if (choice === "review") review.openLoading();
    send({ kind: "notice_answer", choice });
  });
  const header = new JobHeader(model, (name) => {
    setJobField(["name"], name);
    // The Details tab shows the name too.
    if (tabs.lastJob) for (const tab of jobTabs) tab.update(tabs.lastJob);
  });
  // The followed run on the canvas: the nodes take their task's state (Python's patches), this
  // strip says how far the run is.
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
  const view = layoutView(canvasProgress.element);
  const problems = new JobProblemsBox(
    (taskKey) => openTask(taskKey),
    (tab) => tabs.select(tab),
  );
  const root = h("div", { class: "loom-je", tabindex: 0, "data-rev": -1 });
  const style = h("style", { text: CSS + FORMS_CSS + JOB_FORMS_CSS + RUNS_CSS });

  const toolbar = new Toolbar({
    action: (action) => void onAction(action),
    search: (query) => runSearch(query),
    searchNext: (step) => {
      const found = canvas.nextMatch(step);
      if (found) toolbar.setSearchCount(`${found.index + 1}/${searchMatches.length}`);
    },
    hops: (n) => {
      focus.hops = n;
      if (canvas.focusActive) focus.enter();
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
    pick: (what, options) => requests.pick(what, options),
    references: (taskKey) => requests.references(taskKey),
    taskKeys: () => store.taskKeys(),
    taskType: (key) => store.nodes.get(key)?.data.task_type ?? null,
    close: () => {
      canvas.clearSelection();
      root.focus({ preventScroll: true });
    },
  });
  const main = h("div", { class: "loom-je-main" }, view.canvasWrap, panel.element);

  // ---- job tabs ----
  /** A context per tab (the tab's edits are its own). */
  const tabContext = (): JobTabShell => ({
    edit: (op) => edit(op),
    setJobField: (path, value) => setJobField(path, value),
    request: <T extends FromPython>(message: ToPython & { request_id: number }) => requests.request<T>(message, true),
    send: (message) => send(message),
    nextId: () => requests.nextId(),
    notify: (level, text) => void toasts.show(level, text),
    openTask: (taskKey) => openTask(taskKey),
  });
  const runsTab = new RunsTab({
    ...tabContext(),
    showTasks: (taskKeys) => {
      tabs.select("tasks");
      const known = taskKeys.filter((key) => store.nodes.has(key));
      if (known.length) selection.fromView(known, known.length === 1);
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
  const stage = h("div", { class: "loom-je-stage" }, main, tabs.panels, notices.element, toasts.element);
  root.dataset.tab = "tasks";
  // For the bench: when the view began (its module loaded, the widget's state in).
  root.dataset.renderAt = renderAt.toFixed(1);
  root.append(style, header.element, tabs.bar, toolbar.element, stage, problems.element, view.help);
  el.append(root);

  const dialogs = new DialogHost(root);
  const review = new ReviewDialog(dialogs, {
    save: () => {
      tabs.flushActive();
      send({ kind: "save" });
    },
    selectTask: (key) => selection.fromView([key], true),
    review: () => send({ kind: "review" }),
  });
  const documents = new DocumentDialog(dialogs, {
    view: (format, taskKey) => send({ kind: "view_as", format, task_key: taskKey }),
    apply: (format, text, taskKey) => send({ kind: "apply_document", format, text, task_key: taskKey }),
    selectTask: (key) => selection.fromView([key], true),
  });

  const theme = canvasTheme(root, view.canvasWrap);
  const canvas = new EditorCanvas(view.container, theme, store, {
    select: (taskKeys) => {
      selection.onUser(taskKeys);
    },
    connect: (upstream, downstream) => edit({ op: "add_dependency", upstream, downstream }),
    open: (taskKey) => {
      if (!sameKeys(canvas.selectedTasks(), [taskKey])) selection.fromView([taskKey], false);
    },
    pointer: () => {
      root.focus({ preventScroll: true });
      view.help.hidden = true;
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
    selection.syncFromTrait();
  };
  const focus = new FocusMode(canvas, store, root, { element: view.focusBanner, text: view.focusText }, () => updateToolbar());
  const selection = new SelectionSync({
    model,
    canvas,
    hasTask: (key) => store.nodes.has(key),
    send: (message) => send(message),
    selecting: (keys) => {
      const current = panel.taskKey;
      if (current && !(keys.length === 1 && keys[0] === current)) panel.flush();
    },
    apply: (keys) => applySelection(keys),
  });

  let searchMatches: string[] = [];
  let roundtripStart: number | null = null;
  let graphStart = 0;
  /** The last task JSON and problems Python sent (they may come before the `selected` trait). */
  let lastTask: Extract<FromPython, { kind: "task" }> | null = null;
  let lastProblems: { task_key: string; problems: Problem[] } | null = null;

  function send(message: ToPython): void {
    model.send(message);
  }

  function edit(op: EditOp): void {
    send({ kind: "edit", request_id: requests.nextId(), ...op } as ToPython);
  }

  /** A job-level field (set, or deleted when `value` is undefined); the last `job` follows it. */
  function setJobField(path: JsonPath, value: unknown): void {
    edit(value === undefined ? { op: "set_job_field", path, delete: true } : { op: "set_job_field", path, value });
    // Python sends no `job` back for a typed field: keep the last one in step.
    if (tabs.lastJob) tabs.lastJob = { ...tabs.lastJob, settings: setPath(tabs.lastJob.settings, path, value) as Record<string, unknown> };
  }

  function onTabChanged(id: JobTabId): void {
    root.dataset.tab = id;
    main.inert = id !== "tasks";
    view.help.hidden = true;
    if (id !== "tasks") {
      // The canvas stays laid out under the job tab (its viewport is kept); only its tools go.
      toolbar.searchInput.blur();
    }
  }

  function openTask(taskKey: string): void {
    tabs.select("tasks");
    if (store.nodes.has(taskKey)) selection.fromView([taskKey], true);
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
    updateToolbar();
  }

  // ---- toolbar, attributes ----

  function updateHeader(): void {
    header.update(root, store.nodes.size);
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
    view.loading.hidden = true;
    view.empty.hidden = store.nodes.size > 0;
    view.zoom.hidden = store.nodes.size === 0;
    focus.graphChanged();
    updateToolbar();
  }

  // ---- search ----

  function runSearch(query: string): void {
    searchMatches = searchTasks(store.nodes.values(), query);
    canvas.search(searchMatches);
    toolbar.setSearchCount(query.trim() === "" ? "" : searchMatches.length === 0 ? "none" : String(searchMatches.length));
    if (searchMatches.length > 0) {
      const found = canvas.nextMatch(1);
      if (found) toolbar.setSearchCount(`${found.index + 1}/${searchMatches.length}`);
    }
  }

  // ---- actions ----

  async function deleteSelection(): Promise<void> {
    const tasks = canvas.selectedTasks();
    if (tasks.length > 0) {
      if (!(await confirmDeleteTasks(dialogs, tasks, store.edges.values()))) return;
      panel.flush();
      edit({ op: "remove_tasks", task_keys: tasks });
      return;
    }
    for (const id of canvas.selectedEdges()) {
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
        tabs.flushActive();
        send({ kind: "undo" });
        break;
      case "redo":
        tabs.flushActive();
        send({ kind: "redo" });
        break;
      case "fit":
        canvas.zoomToFit();
        break;
      case "focus":
        if (canvas.focusActive) focus.exit();
        else focus.enter();
        break;
      case "json":
      case "yaml":
        tabs.flushActive();
        documents.open(action);
        break;
      case "review":
        tabs.flushActive();
        review.openLoading();
        send({ kind: "review" });
        break;
      case "help":
        view.help.hidden = !view.help.hidden;
        break;
      case "search":
        toolbar.searchInput.focus();
        toolbar.searchInput.select();
        break;
      case "escape":
        if (!view.help.hidden) view.help.hidden = true;
        else if (tabs.active !== "tasks") return;
        else if (canvas.selectedTasks().length || canvas.selectedEdges().length) canvas.clearSelection();
        else if (canvas.focusActive) focus.exit();
        break;
    }
  }

  // ---- events ----

  view.addFirst.addEventListener("click", () => void onAction("add"));
  view.zoomIn.addEventListener("click", () => canvas.zoomBy(1.25));
  view.zoomOut.addEventListener("click", () => canvas.zoomBy(0.8));
  view.zoomFit.addEventListener("click", () => canvas.zoomToFit());
  view.focusExit.addEventListener("click", () => focus.exit());

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
    if (requests.settleReply(message)) return;
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
        if (result.action === "reset") canvas.reset();
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
        problems.show(message.job ?? []);
        if (roundtripStart !== null) {
          root.dataset.lastRoundtripMs = (performance.now() - roundtripStart).toFixed(1);
          root.dataset.roundtrips = String(Number(root.dataset.roundtrips ?? "0") + 1);
          roundtripStart = null;
        }
        break;
      }
      case "edit_error": {
        if (message.request_id !== undefined) requests.settle(message.request_id, undefined);
        if (message.task_key !== null && message.task_key === panel.taskKey) panel.showEditError(message.message, message.field);
        else if (message.task_key === null) tabs.showEditError(message.message, message.field);
        toasts.show("error", message.message);
        roundtripStart = null;
        break;
      }
      case "choices":
        requests.settle(message.request_id, message.items ?? [], message.error, message);
        break;
      case "references":
        requests.settle(message.request_id, message.items ?? [], undefined, message);
        break;
      case "review":
        review.show({ ...message, errors: [...message.errors, ...refusedInputs(root, panel.taskKey)] });
        break;
      case "document":
        documents.show(message.format, message.text, message.task_key ?? null);
        break;
      case "document_result":
        documents.result(message);
        break;
      case "saved":
        review.saved(message.message);
        toasts.show("success", message.message || "Saved.");
        break;
      case "save_failed":
        if (review.isOpen) review.failed(message.message, message.conflict);
        else toasts.show("error", message.message);
        break;
      case "unsaved_changes":
        // What was typed and not sent yet counts as unsaved too: send it before answering.
        tabs.flushActive();
        void unsavedDialog(dialogs, message.message).then((choice) => {
          tabs.flushActive();
          send({ kind: "unsaved_answer", choice });
        });
        break;
    }
  };

  const onSelectedTrait = () => selection.onTrait();
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
  // Python's `status`, each one shown once, as a toast: the same words said again are a new
  // status (its `serial` changed), shown again. One that came as its own message just before
  // (edit_error, saved, save_failed, run_error: sent ahead of the status) is not shown twice.
  let toastsBeforeStatus = 0;
  const onStatus = () => {
    const status = model.get("status") ?? { level: "", text: "", serial: 0 };
    const text = status.text ?? "";
    const since = toastsBeforeStatus;
    toastsBeforeStatus = toasts.count;
    if (!text || toasts.shownSince(since, text)) return;
    toasts.show(status.level === "error" || status.level === "success" ? status.level : "info", text);
    toastsBeforeStatus = toasts.count;
  };
  model.on("change:status", onStatus);
  // Python's `notice`: stays until the user acts on it or Python takes it away.
  const onNotice = () => {
    const notice = model.get("notice") ?? { kind: "", text: "" };
    notices.show(notice.kind ?? "", notice.text ?? "");
  };
  model.on("change:notice", onNotice);
  onNotice();
  // A status from before this view (a save's "Saved job 6.") is old news; a warning is not.
  if (model.get("status")?.level !== "success") onStatus();
  const headerTraits = ["title", "job_id", "workspace_label", "dirty", "counts"] as const;
  const toolbarTraits = ["can_undo", "can_redo", "undo_label", "redo_label"] as const;
  for (const name of headerTraits) model.on(`change:${name}`, updateHeader);
  for (const name of toolbarTraits) model.on(`change:${name}`, updateToolbar);
  updateHeader();
  updateToolbar();

  // A JupyterLab theme switch changes the variables: redraw the canvas in the new colours.
  const stopWatchingTheme = watchTheme(root, view.canvasWrap, theme, (next) => canvas.setTheme(next));

  store.requestGraph();
  // Python's answer to `ready` may have come in the widget's state already (while nothing
  // changed since the widget was built): draw from it without waiting for the round trip.
  const firstView = readFirstView(model.get("first_view"));
  if (firstView) for (const message of firstView) onMessage(message);
  else send({ kind: "ready" });

  return () => {
    panel.flush();
    panel.destroy();
    tabs.destroy();
    stopWatchingTheme();
    model.off("msg:custom", onMessage);
    model.off("change:selected", onSelectedTrait);
    model.off("change:shown_run", onShownRun);
    model.off("change:shown_tab", onShownTab);
    model.off("change:status", onStatus);
    model.off("change:notice", onNotice);
    for (const name of headerTraits) model.off(`change:${name}`, updateHeader);
    for (const name of toolbarTraits) model.off(`change:${name}`, updateToolbar);
    requests.destroy();
    canvas.destroy();
    root.remove();
  };
}

export default { render };

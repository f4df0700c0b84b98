// The contract between the editor's shell (index.ts, which owns the tab bar and the messages)
// and the job-level tabs: each tab is a class with an element the shell shows when the
// tab is active, fed with Python's messages, and sending edits through the context.
import type { EditOp, FromPython, JsonPath, Problem, ToPython } from "./protocol";

export type JobTabId = "tasks" | "runs" | "details" | "schedule" | "notifications" | "parameters" | "permissions";

export type JobMessage = Extract<FromPython, { kind: "job" }>;
export type PermissionsMessage = Extract<FromPython, { kind: "permissions" }>;

export interface JobTabContext {
  /** One edit (undoable); Python answers with `job` / `problems` (or `edit_error`). */
  edit(op: EditOp): void;
  /** Set (value) or delete (undefined) a job-level field: `set_job_field`. Debounce typing before calling. */
  setJobField(path: JsonPath, value: unknown): void;
  /** A message with a request_id, resolved with Python's reply of the same kind and id. */
  request<T extends FromPython>(message: ToPython & { request_id: number }): Promise<T>;
  /** A message without reply matching (`permissions`, `set_grants`, `job`). */
  send(message: ToPython): void;
  /** A fresh request id. */
  nextId(): number;
  /** Show a message as a toast (errors Python did not already show). */
  notify(level: "error" | "success" | "info", text: string): void;
}

export interface JobTab {
  readonly id: JobTabId;
  readonly element: HTMLElement;
  /** The job's settings changed (or were loaded): redraw, without clobbering a field being typed in. */
  update(job: JobMessage): void;
  /** Job-level problems (task_key null; `path` from the settings' root): show them at their fields. */
  showProblems(problems: Problem[]): void;
  /** Python refused an edit at `path` (from the settings' root): the field keeps what the user
   * typed, marked with the message, until they change it. Answers the settings as the tab holds
   * them now (Python's at that path again), or null when no field of the tab shows it. */
  showEditError?(message: string, path: JsonPath): Record<string, unknown> | null;
  /** The tab became visible (load lazily, e.g. the time zone list or the permissions). */
  shown?(): void;
  /** Send any debounced edit now. */
  flush(): void;
  destroy(): void;
}

/**
 * The Runs tab, mounted by the shell beside the job tabs: it sends its own messages
 * (`runs`, `run`, `run_now`...) and receives every message of the run kinds (`runs`, `run`,
 * `task_output`, `repair_preview`, `matrix` through `request`; `run_progress` through
 * `onProgress`), and the `job` messages (for the job parameters of the Run now dialog).
 */
export interface RunsTabContext extends JobTabContext {
  /** Select these tasks on the canvas (and switch to the Tasks tab). */
  showTasks(taskKeys: string[]): void;
}

export interface RunsTabApi {
  readonly element: HTMLElement;
  /** The tab became visible: load the history. */
  shown(): void;
  update(job: JobMessage): void;
  /** A followed run's progress (run now, repair, show_run). */
  onProgress(message: Extract<FromPython, { kind: "run_progress" }>): void;
  destroy(): void;
}

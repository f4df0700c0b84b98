// The contract between the task panel (../panel.ts) and the task forms (./index.ts).
//
// The forms are data: for a task's JSON, `taskSections` says which sections and fields the panel
// shows (per task type, compute, dependencies, retries, notifications...). `renderSections`
// draws them, reads values by path from the task JSON, and reports every edit as (path, value)
// or (path, deleted): the panel turns those into `set_field` edits for Python. The forms never
// hold state of their own beyond the DOM: Python's answer is the truth.
import type { Choice, EditOp, JsonPath, PickerKind, Problem, ReferenceChoice } from "../protocol";

export type FieldKind =
  | "text" // one line; `references: true` adds the { } helper
  | "textarea" // several lines (SQL, a description)
  | "number" // an integer; empty deletes the field
  | "boolean" // a checkbox; unchecked deletes the field unless `keepFalse`
  | "select" // one of `options`
  | "picker" // text with a "Browse…" list from the workspace (`picker` kind)
  | "string_list" // one string per line or chips (parameters, emails)
  | "key_value" // a map of strings (base_parameters, job_parameters, named_parameters)
  | "depends_on" // the list of {task_key, outcome?} with a task picker
  | "compute" // existing cluster / job cluster / new_cluster / serverless environment
  | "health" // the RUN_DURATION_SECONDS rule
  | "notifications" // email_notifications + webhook_notifications per event
  | "libraries" // pypi / whl / jar / maven / requirements
  | "json" // any JSON value (the body of a task type we do not know)
  // Added by the forms (compatible extensions):
  | "duration" // a number of seconds or milliseconds (`unit`), shown in s / min / h
  | "retries" // max_retries with "retry indefinitely" (-1)
  | "variant" // one of several sub-objects / keys under `path` (sql_task query / file...)
  | "task_type" // the type of the nested task of a for_each task
  // Job-level kinds (the job tabs; drawn by their own modules, see job-spec.ts):
  | "optional" // an object that is there or not (git_source): a switch, and its `fields` when there
  | "health_rules" // health.rules: metric, op, value per rule
  | "job_clusters" // the job's shared clusters, with "used by" and a swap action
  | "environments" // the job's serverless environments, with their dependencies
  | "job_parameters" // the job's ordered parameters [{name, default}]
  | "readonly"; // a value shown, not edited (edit_mode, deployment)

export interface FieldSpec {
  /** Path of the value inside the task JSON. For "compute" and "notifications": [] (the task). */
  path: JsonPath;
  label: string;
  kind: FieldKind;
  help?: string;
  placeholder?: string;
  options?: { value: string; label: string }[];
  picker?: PickerKind;
  references?: boolean; // show the { } dynamic value helper
  required?: boolean;
  keepFalse?: boolean;
  min?: number;
  max?: number;
  // Added by the forms (compatible extensions):
  /** "select": the value shown when the field is absent; choosing it deletes the field. */
  default?: string;
  /** "picker" / "text": the stored value is a number (run_job_task.job_id): digits are converted. */
  numeric?: boolean;
  /** "duration": the stored unit ("s" for timeout_seconds, "ms" for min_retry_interval_millis). */
  unit?: "s" | "ms";
  /** "string_list": at most this many entries (webhooks: 3 per event). */
  maxItems?: number;
  /** "string_list" / "key_value": the text of the add button ("Add parameter"). */
  addLabel?: string;
  /** "variant": the choices; each is a key under `path` with its own fields (paths are absolute). */
  variants?: VariantSpec[];
  /** "notifications": notification_settings keys not shown (alert_on_last_attempt at job level). */
  hide?: string[];
  /** "optional": the fields shown while the object is there (paths are absolute). */
  fields?: FieldSpec[];
  /** "optional": the object sent when the switch is turned on. */
  init?: unknown;
}

export interface VariantSpec {
  /** The key under the field's path that holds this variant (`query`, `file`...). */
  value: string;
  label: string;
  fields: FieldSpec[];
  /** Sent for the key when the user switches to this variant (e.g. {} for sql_task.file); none: only the DOM switches. */
  init?: unknown;
}

export interface SectionSpec {
  id: string; // "type", "compute", "dependencies", "retries", "notifications", "libraries", ...
  title: string;
  fields: FieldSpec[];
  collapsed?: boolean; // drawn closed at first
}

/** What the forms need from the panel. */
export interface FormContext {
  /** An edit of one field: `value` undefined means delete the field. Text input is debounced by the forms. */
  change(path: JsonPath, value: unknown): void;
  /** Lists from the workspace for a picker (Python answers). */
  pick(what: PickerKind, options?: { path?: string; query?: string }): Promise<Choice[]>;
  /** The dynamic value references valid in this task (the { } helper). */
  references(): Promise<ReferenceChoice[]>;
  /** The other tasks of the job (for depends_on). */
  taskKeys(): string[];
  /** A task's type ("condition_task"...), when the panel knows it: depends_on shows an outcome only after a condition task. */
  taskType?(taskKey: string): string | null;
  // Job-level forms (the job tabs) only:
  /** Which tasks use each job cluster / environment (the `job` message's *_in_use). */
  usage?(what: "job_cluster" | "environment"): Record<string, string[]>;
  /** An edit that is not one field (swap_job_cluster). */
  edit?(op: EditOp): void;
  /** Show a task on the Tasks tab (the "used by" links). */
  openTask?(taskKey: string): void;
}

export interface FormHandle {
  /** New task JSON (after undo, a rename, a change from Python): redraw values, keep focus. */
  update(task: Record<string, unknown>): void;
  /** Show these problems at their fields (their `path`), and clear the others. */
  showProblems(problems: Problem[]): void;
  /** Python refused an edit at `path`: the field showing it keeps what the user typed, marked
   * with `message`, until they change it. False when no field shows that path. */
  refuse(path: JsonPath, message: string): boolean;
  /** The value the forms hold now (Python's, but for what was typed and not answered yet). */
  current(): Record<string, unknown>;
  /** Send any debounced edit now (before save, undo, closing the panel). */
  flush(): void;
  destroy(): void;
}

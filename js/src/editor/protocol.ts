// The messages between the JobEditor view and Python (loom_jobs_widget/editor_session.py).
//
// Python holds the job (its pydantic models are the truth); the view holds a compact graph and
// the JSON of the one task whose panel is open. Nothing big travels per keystroke: the view
// sends one edit, Python answers with a patch of the nodes that changed and the problems of the
// open task. Every message stays far below the 5 MB Databricks limit (a full graph of a large
// job is sent in chunks: `graph` with `more: true`, then `graph_more` until `more` is false).
//
// Small state is in traits (see JobEditorModel); everything else goes through custom messages
// (model.send / model.on("msg:custom")).

/** A path inside a task (or, for job fields, inside the settings): ["notebook_task", "base_parameters", "x"]. */
export type JsonPath = (string | number)[];

export interface Problem {
  code: string;
  severity: "error" | "warning";
  message: string;
  task_key: string | null;
  /** Path into the settings, as validation.py writes it: `tasks[etl].depends_on[0].task_key`. */
  field: string | null;
  /** `field` relative to the task, as a JsonPath, when the problem is inside a task: ["depends_on", 0, "task_key"]. */
  path?: JsonPath | null;
}

export interface NodeData {
  id: string; // the task_key
  label: string;
  task_type: string | null; // "notebook_task"; an unknown "*_task" as it is; null when none
  /** For a for_each task: the type of its nested task. */
  nested_type?: string | null;
  compute_kind: string | null; // "job_cluster" | "existing_cluster" | "new_cluster" | "environment" | null
  /** What the compute badge shows: the job_cluster_key, environment_key, cluster id, "new cluster". */
  compute_label?: string | null;
  width: number; // the node box's width in px, kept by the layout
  disabled?: boolean;
  errors?: number; // problem counts of the task
  warnings?: number;
  /** The task's state in the run shown on the canvas (issue 8): "SUCCESS", "FAILED", "RUNNING"... */
  state?: string | null;
}

export interface GraphNode {
  data: NodeData;
  position: { x: number; y: number };
}

export interface EdgeData {
  id: string; // `${source}->${target}` plus `:${outcome}` when there is one
  source: string; // upstream task_key
  target: string; // dependent task_key
  outcome: string | null; // "true" | "false" after a condition task
  /** The run_if of the dependent task ("ALL_SUCCESS" when unset): styles the edge. */
  run_if: string;
}

export interface GraphEdge {
  data: EdgeData;
}

export interface Choice {
  value: string;
  label: string;
  detail?: string;
  /** A folder in a workspace listing: choosing it lists it. */
  is_dir?: boolean;
}

export interface ReferenceChoice {
  reference: string; // "{{job.parameters.env}}"
  description: string;
}

export interface Change {
  kind: "added" | "removed" | "changed";
  path: string;
  text: string; // one line for a person: "tasks[etl].notebook_task.notebook_path: '/a' → '/b'"
  before?: unknown;
  after?: unknown;
}

// ---- Python -> view -----------------------------------------------------------------------

export type FromPython =
  /** The whole graph (on `ready`, after a reload, or when the view fell behind). */
  | { kind: "graph"; rev: number; nodes: GraphNode[]; edges: GraphEdge[]; more?: boolean }
  | { kind: "graph_more"; rev: number; nodes: GraphNode[]; edges: GraphEdge[]; more: boolean }
  /**
   * What changed since `base`: nodes added or changed (whole node), nodes and edges removed (by
   * id), edges added, new positions of nodes that moved. A view whose rev is not `base` asks
   * for the whole graph (`ready`).
   */
  | {
      kind: "patch";
      rev: number;
      base: number;
      nodes?: GraphNode[];
      remove_nodes?: string[];
      edges?: GraphEdge[];
      remove_edges?: string[];
      positions?: Record<string, [number, number]>;
    }
  /** The full JSON of a task, for its panel; sent when it opens and when it changed other than by typing in it. */
  | { kind: "task"; task_key: string; task: Record<string, unknown>; task_keys: string[] }
  /** The open task's problems and the job-level ones (no task_key), after every edit. */
  | { kind: "problems"; task_key: string | null; problems: Problem[]; job: Problem[] }
  /** An edit that was refused: nothing changed. */
  | { kind: "edit_error"; request_id?: number; message: string; task_key: string | null; field: string | null }
  | { kind: "choices"; request_id: number; what: PickerKind; items: Choice[]; error?: string }
  | { kind: "references"; request_id: number; task_key: string; items: ReferenceChoice[] }
  | { kind: "review"; changes: Change[]; summary: string; errors: Problem[] }
  | { kind: "document"; format: "json" | "yaml"; text: string }
  | { kind: "saved"; job_id: number; message: string }
  | { kind: "save_failed"; message: string; conflict: boolean }
  // ---- job-level tabs (issue 6) ----
  /**
   * The job's own settings (everything but `tasks`) for the job tabs; sent on `job` and after
   * every edit that changed them other than by typing in a job tab's field.
   */
  | {
      kind: "job";
      settings: Record<string, unknown>;
      trigger: TriggerView;
      task_keys: string[];
      /** job_cluster_key -> the tasks using it (for the swap action and "used by"). */
      job_clusters_in_use: Record<string, string[]>;
      /** environment_key -> the tasks using it. */
      environments_in_use: Record<string, string[]>;
      /** task_key -> the events it notifies of by itself (email or webhook), when any. */
      task_notifications: Record<string, string[]>;
      /** Set for a job a bundle deploys (or UI_LOCKED): what to tell before editing it. */
      deployment_warning: string | null;
    }
  | { kind: "schedule_preview"; request_id: number; preview: SchedulePreview }
  | { kind: "simple_schedule"; request_id: number; expression?: string; error?: string }
  | { kind: "from_unix"; request_id: number; expression?: string; error?: string }
  | { kind: "time_zones"; request_id: number; zones: TimeZoneOption[] }
  /**
   * The Permissions tab: the grants as loaded (`loaded`, null for a job not saved yet or when
   * they could not be read: `error`), as edited (`grants`), their problems, and the levels each
   * kind of principal may get. Edited grants are saved with the job (Review & save).
   */
  | {
      kind: "permissions";
      loaded: Grant[] | null;
      grants: Grant[];
      problems: Problem[];
      levels: Record<PrincipalKind, string[]>;
      error?: string;
    }
  // ---- runs (issue 8) ----
  | { kind: "runs"; request_id: number; runs: RunSummary[]; has_more: boolean; error?: string }
  | { kind: "run"; request_id: number; run?: RunDetail; error?: string }
  | { kind: "task_output"; request_id: number; output?: Record<string, unknown>; error?: string }
  | { kind: "repair_preview"; request_id: number; plan?: RepairPlan; root_causes: string[]; error?: string }
  | { kind: "matrix"; request_id: number; task_keys: string[]; runs: MatrixRow[]; error?: string }
  /** A run message without a reply (run_now, repair, cancel...) failed: why. */
  | { kind: "run_error"; message: string }
  /** The run followed live (run now, repair, or one chosen with `show_run`), after each read. */
  | { kind: "run_progress"; run: RunSummary; done: number; total: number; finished: boolean; root_causes: string[] };

export type PickerKind =
  | "notebook" // workspace notebooks (and folders to browse)
  | "file" // workspace files (and folders)
  | "directory"
  | "cluster"
  | "warehouse"
  | "job"
  | "pipeline"
  | "job_cluster" // job_cluster_key of this job
  | "environment" // environment_key of this job
  | "task"; // task keys of this job

// ---- view -> Python -----------------------------------------------------------------------

export type EditOp =
  | { op: "set_field"; task_key: string; path: JsonPath; value?: unknown; delete?: boolean }
  | { op: "set_job_field"; path: JsonPath; value?: unknown; delete?: boolean }
  | { op: "add_task"; after?: string[]; task_type?: string }
  | { op: "remove_tasks"; task_keys: string[] }
  | { op: "clone_task"; task_key: string }
  | { op: "rename_task"; task_key: string; new_key: string }
  | { op: "set_task_type"; task_key: string; task_type: string }
  /** Replace a task's whole JSON (the JSON editor of an unknown task type). */
  | { op: "replace_task"; task_key: string; task: Record<string, unknown> }
  | { op: "add_dependency"; upstream: string; downstream: string; outcome?: string | null }
  | { op: "remove_dependency"; upstream: string; downstream: string; outcome?: string | null }
  /** Schedules & triggers: make the job's trigger this kind (and no other); see TriggerView. */
  | { op: "set_trigger_kind"; trigger_kind: EditableTriggerKind; timezone_id?: string }
  | { op: "set_pause_status"; status: "PAUSED" | "UNPAUSED" }
  /** Every task using job cluster `from` uses `to` instead. */
  | { op: "swap_job_cluster"; from: string; to: string };

export type ToPython =
  | { kind: "ready" }
  | { kind: "select"; task_keys: string[] }
  | ({ kind: "edit"; request_id?: number } & EditOp)
  | { kind: "undo" }
  | { kind: "redo" }
  | { kind: "review" }
  | { kind: "save" }
  | { kind: "view_as"; format: "json" | "yaml" }
  | { kind: "pick"; request_id: number; what: PickerKind; path?: string; query?: string }
  | { kind: "references"; request_id: number; task_key: string }
  // ---- job-level tabs (issue 6) ----
  | { kind: "job" }
  | {
      kind: "schedule_preview";
      request_id: number;
      quartz_cron_expression: string;
      timezone_id: string;
      /** The viewer's IANA zone (Intl.DateTimeFormat().resolvedOptions().timeZone). */
      viewer_timezone?: string;
      count?: number;
      /** Fire times after this time: ISO 8601 with an offset (or Z), or a wall time without
       *  one, read in the job's time zone (timezone_id); now when absent. */
      start?: string;
    }
  | { kind: "simple_schedule"; request_id: number; simple: SimpleSchedule }
  | { kind: "from_unix"; request_id: number; expression: string }
  | { kind: "time_zones"; request_id: number }
  | { kind: "permissions" }
  /** The Permissions tab's rows as edited (inherited rows included, unchanged). */
  | { kind: "set_grants"; grants: Grant[] }
  // ---- runs (issue 8) ----
  /** Run history of this job, newest first: `offset`/`limit` page it; filters as runs/list. */
  | {
      kind: "runs";
      request_id: number;
      offset?: number;
      limit?: number;
      active_only?: boolean;
      completed_only?: boolean;
      start_time_from?: number; // epoch ms
      start_time_to?: number;
    }
  | { kind: "run"; request_id: number; run_id: number }
  /** The output of one task run (notebook exit value, logs, error and trace). */
  | { kind: "task_output"; request_id: number; run_id: number }
  /** Run the saved job now; Python follows it (run_progress) and colours the canvas. */
  | { kind: "run_now"; job_parameters?: Record<string, string>; only?: string[]; performance_target?: string }
  /** Colour the canvas by this run and follow it while it runs; null clears the overlay. */
  | { kind: "show_run"; run_id: number | null }
  | { kind: "cancel_run"; run_id: number }
  | { kind: "cancel_all"; all_queued_runs: boolean }
  /** What a repair would rerun and reuse (all failed tasks and their dependents by default). */
  | { kind: "repair_preview"; request_id: number; run_id: number; rerun_tasks?: string[]; rerun_dependent_tasks?: boolean }
  | { kind: "repair"; run_id: number; rerun_tasks?: string[]; rerun_dependent_tasks?: boolean; job_parameters?: Record<string, string> }
  | { kind: "matrix"; request_id: number; limit?: number };

// ---- job-level tabs: the shapes of loom_jobs_widget.schedule.triggers, schedule_forms, permissions ----

export type TriggerKind =
  | "none"
  | "scheduled"
  | "periodic"
  | "continuous"
  | "file_arrival"
  | "table_update"
  /** Something the tab cannot show as a form (a model trigger, several at once...): `note` says what. */
  | "other";
export type EditableTriggerKind = Exclude<TriggerKind, "other">;

export interface TriggerView {
  kind: TriggerKind;
  pause_status: "PAUSED" | "UNPAUSED" | null; // null: nothing to pause
  /** A copy of the kind's object (`schedule`, `trigger.periodic`, `continuous`...), null for none. */
  spec: Record<string, unknown> | null;
  note: string | null;
}

export interface SimpleSchedule {
  every: number;
  unit: "minutes" | "hours" | "days" | "weeks";
  hour: number;
  minute: number;
  weekdays: ("MON" | "TUE" | "WED" | "THU" | "FRI" | "SAT" | "SUN")[];
}

export interface FireTime {
  utc: string;
  job_time: string; // ISO 8601 with the job zone's offset
  job_zone_name: string; // "EDT"
  viewer_time: string;
  viewer_zone_name: string;
  dst: { kind: "repeated" | "after_skipped"; message: string }[];
}

export interface SchedulePreview {
  expression: string;
  timezone_id: string;
  viewer_timezone: string;
  valid: boolean;
  problems: Problem[];
  description: string | null; // "At 02:30 every day"
  simple: SimpleSchedule | null; // the simple-mode form of the expression, when there is one
  fire_times: FireTime[];
  ends: boolean; // fewer fire times than asked: the schedule stops firing
  skipped: { wall_time: string; reason: "nonexistent" | "quartz_gap_search" }[];
  warnings: { kind: "skipped" | "repeated" | "viewer_timezone"; date: string | null; message: string }[];
}

export interface TimeZoneOption {
  id: string;
  offset: string; // "+05:30"
  offset_minutes: number;
  label: string; // "(UTC+05:30) Asia/Kolkata"
  alias_of: string | null;
  note: string | null;
}

export type PrincipalKind = "user_name" | "group_name" | "service_principal_name";

export interface Grant {
  kind: PrincipalKind | string;
  name: string;
  level: string; // IS_OWNER, CAN_MANAGE, CAN_MANAGE_RUN, CAN_VIEW
  inherited: boolean; // read only
  inherited_from: string[];
  display_name: string | null;
}

// ---- runs (issue 8): the shapes of loom_jobs_widget.client.runs ----------------------------------

export interface RunSummary {
  run_id: number;
  number_in_job: number | null;
  start_time: number | null; // epoch ms
  end_time: number | null;
  duration_ms: number | null; // so far, for a run still going
  state: string; // a result once ended (SUCCESS, FAILED...), else QUEUED / PENDING / RUNNING...
  state_message: string;
  ended: boolean;
  trigger: string | null; // ONE_TIME, PERIODIC, FILE_ARRIVAL, RUN_JOB_TASK, RETRY...
  triggered_by: string | null; // the user who started it, when known
  job_parameters: Record<string, string>;
  run_page_url: string | null;
}

export interface TaskRunView {
  task_key: string;
  run_id: number | null;
  attempt_number: number;
  state: string;
  state_message: string;
  start_time: number | null;
  end_time: number | null;
  queue_duration: number | null; // ms
  setup_duration: number | null;
  execution_duration: number | null;
  cleanup_duration: number | null;
  /** The task ended so because another one failed (UPSTREAM_FAILED / UPSTREAM_CANCELED). */
  upstream_only: boolean;
  root_cause: boolean;
  run_page_url: string | null;
  resolved_parameters: Record<string, unknown> | null;
  child_run_id: number | null; // run_job_task: the child run
  iterations: { done: number; total: number; failed: number } | null; // for_each
  attempts: number; // task runs of this key (retries and repairs)
}

export interface RunDetail extends RunSummary {
  tasks: TaskRunView[]; // the latest task run of each task, in the job's order
  attempts: TaskRunView[]; // every task run, oldest first (retries, repairs)
  repair_history: Record<string, unknown>[];
  latest_repair_id: number | null;
}

export interface RepairPlan {
  rerun: string[];
  reused: string[];
  request: Record<string, unknown>;
}

export interface MatrixRow {
  run: RunSummary;
  /** One state per task of `task_keys` (null: the task did not run in that run). */
  cells: (string | null)[];
}

// ---- traits -------------------------------------------------------------------------------

export interface Status {
  level: "info" | "success" | "error" | "";
  text: string;
}

export interface JobEditorModel {
  title: string; // the job's name
  job_id: number | null;
  /** Where the job lives: "local workspace" or the host; never a credential. */
  workspace_label: string;
  selected: string[]; // task keys selected on the canvas (Python's .select sets it too)
  dirty: boolean; // unsaved edits
  can_undo: boolean;
  can_redo: boolean;
  undo_label: string; // "Undo rename etl → load"
  redo_label: string;
  counts: { errors: number; warnings: number; tasks: number };
  status: Status;
  /** A run to open in the Runs tab (JobEditor.show_run, RunView); null: none. */
  shown_run: number | null;
  /** A tab to switch to (JobEditor.show_tab); "": none. */
  shown_tab: string;
}

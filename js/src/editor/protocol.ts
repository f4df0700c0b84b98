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
  | { kind: "save_failed"; message: string; conflict: boolean };

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
  | { op: "remove_dependency"; upstream: string; downstream: string; outcome?: string | null };

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
  | { kind: "references"; request_id: number; task_key: string };

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
}

// The messages between the JobsBrowser view and Python (loom_jobs_widget/browser_session.py).
//
// Small state is in traits (see JobsBrowserModel); the pages of jobs and the row actions go
// through custom messages (model.send / model.on("msg:custom")). Python answers every request
// with a message carrying the same request_id; errors come back as an `error` message (never a
// traceback).

/** What the list shows. `tag` is `key` or `key=value`; `state` filters on the trigger. */
export interface Query {
  search: string;
  owner: string;
  tag: string;
  /** "": any; "active": a trigger that starts runs; "paused": paused; "none": no trigger. */
  state: "" | "active" | "paused" | "none";
}

export type TriggerKind =
  | "none"
  | "scheduled"
  | "periodic"
  | "continuous"
  | "file_arrival"
  | "table_update"
  | "other";

export interface TriggerSummary {
  kind: TriggerKind;
  paused: boolean;
  /** Whether the job has something to pause (a schedule, trigger or continuous). */
  pausable: boolean;
  /** "At 10:15, Monday through Friday", "Every 2 hours", "File arrival", "None". */
  text: string;
}

export type RunBadge = "succeeded" | "failed" | "running" | "pending" | "canceled" | "skipped" | "other";

export interface RunSummary {
  run_id: number | null;
  state: RunBadge;
  label: string; // "Succeeded", "Failed", "Running"...
  start_time: number | null; // epoch ms
  end_time: number | null;
  url: string | null;
}

export interface JobRow {
  job_id: number;
  name: string;
  tasks: number | null;
  creator: string | null;
  created_time: number | null;
  tags: Record<string, string>; // a tag with no value has ""
  trigger: TriggerSummary;
  last_run: RunSummary | null;
}

export type RowAction = "run_now" | "pause" | "resume" | "open" | "open_permissions" | "delete" | "permissions";
export type Action = RowAction | "create";

/** The view → Python. */
export type ToPython =
  | { kind: "ready"; request_id?: number }
  | {
      kind: "list";
      request_id?: number;
      /** Omitted: the current query. A changed query starts at offset 0. */
      query?: Query;
      offset?: number;
      limit?: number;
      /** Read the jobs again from the workspace. */
      refresh?: boolean;
    }
  | { kind: "action"; request_id?: number; action: Action; job_id?: number | null };

export interface Grant {
  principal: string;
  kind: "user_name" | "group_name" | "service_principal_name" | "unknown";
  levels: string[]; // "IS_OWNER", "CAN_MANAGE"...
  inherited: boolean;
}

/** Python → the view. */
export type FromPython =
  | {
      kind: "page";
      request_id: number | null;
      query: Query;
      offset: number;
      limit: number;
      rows: JobRow[];
      /** More jobs match after this page. */
      has_more: boolean;
      /** How many jobs match, once the listing reached its end; null: not known yet. */
      total: number | null;
      /** How many matching jobs were read so far. */
      known: number;
      /** Creators seen so far (suggestions for the owner filter). */
      owners: string[];
      /** The connected user, for "Created by me". */
      me: string | null;
    }
  | {
      kind: "action_done";
      request_id: number | null;
      action: Action;
      job_id: number | null;
      text: string;
      /** The job's row after the action (pause, resume, run now). */
      row?: JobRow;
      run_id?: number;
    }
  | { kind: "permissions"; request_id: number | null; job_id: number; access_control_list: Grant[] }
  | { kind: "error"; request_id: number | null; text: string; job_id: number | null };

export interface Status {
  level: "" | "info" | "success" | "error";
  text: string;
}

export interface JobsBrowserModel {
  /** "local workspace" or the host; never a credential. */
  workspace_label: string;
  query: Query;
  offset: number;
  page_size: number;
  status: Status;
  /** The job open in the editor below the list (null: none, or a new job). */
  opened_job_id: number | null;
}

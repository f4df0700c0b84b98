// Which sections and fields a task's panel shows: pure data, from the task JSON.
import { TASK_FIELDS, TASK_TYPES, type TaskField } from "../../generated/task-types";
import type { JsonPath } from "../protocol";
import type { FieldSpec, SectionSpec } from "./types";
import { getPath, isObject } from "./paths";

/** The task types with a form, in the Jobs UI's order (the panel's type picker). */
export const KNOWN_TASK_TYPES: { value: string; label: string }[] = TASK_TYPES.filter(
  (t) => t.form !== null,
)
  .sort((a, b) => (a.form ?? 0) - (b.form ?? 0))
  .map((t) => ({ value: t.key, label: t.label }));

/** Every task type the Jobs API documents; those without a form are edited as JSON. */
export const ALL_TASK_TYPES: string[] = TASK_TYPES.map((t) => t.key);

/** Task types that run on no cluster of their own. */
export const NO_COMPUTE_TASK_TYPES: ReadonlySet<string> = new Set(
  TASK_TYPES.filter((t) => !t.compute).map((t) => t.key),
);

const LABELS: ReadonlyMap<string, string> = new Map(TASK_TYPES.map((t) => [t.key, t.label]));
const FORM_TYPES = new Set(KNOWN_TASK_TYPES.map((t) => t.value));
const DOCUMENTED = new Set(ALL_TASK_TYPES);

/** The fields named under the JSON box of a task type without a form, when `path` is the body
 * of such a type (`["alert_task"]`, or a nested task's `[..., "task", "alert_task"]`). */
export function taskFieldsAt(path: JsonPath): readonly TaskField[] | null {
  const key = path[path.length - 1];
  if (typeof key !== "string" || FORM_TYPES.has(key)) return null;
  if (path.length > 1 && path[path.length - 2] !== "task") return null;
  return TASK_FIELDS[key] ?? null;
}

/** "Notebook", "Dashboard", or the key itself for a type this package does not know. */
export function taskTypeLabel(type: string): string {
  return LABELS.get(type) ?? type;
}

/** True when the forms have a real form (not JSON) for this type. */
export function hasForm(type: string): boolean {
  return FORM_TYPES.has(type);
}

/**
 * The task's type: the documented `*_task` key present (non-null), else the first unknown
 * `*_task` key holding an object (mirrors models.task_types_of); null when none.
 */
export function taskTypeOf(task: Record<string, unknown>): string | null {
  if (!isObject(task)) return null;
  let unknown: string | null = null;
  for (const [key, value] of Object.entries(task)) {
    if (DOCUMENTED.has(key)) {
      if (value !== null && value !== undefined) return key;
    } else if (unknown === null && key.endsWith("_task") && isObject(value)) {
      unknown = key;
    }
  }
  return unknown;
}

export const RUN_IF_OPTIONS = [
  { value: "ALL_SUCCESS", label: "All succeeded" },
  { value: "AT_LEAST_ONE_SUCCESS", label: "At least one succeeded" },
  { value: "NONE_FAILED", label: "None failed" },
  { value: "ALL_DONE", label: "All done" },
  { value: "AT_LEAST_ONE_FAILED", label: "At least one failed" },
  { value: "ALL_FAILED", label: "All failed" },
];

export const CONDITION_OPS = [
  { value: "EQUAL_TO", label: "==  equal to" },
  { value: "NOT_EQUAL", label: "!=  not equal to" },
  { value: "GREATER_THAN", label: ">  greater than" },
  { value: "GREATER_THAN_OR_EQUAL", label: ">=  greater than or equal to" },
  { value: "LESS_THAN", label: "<  less than" },
  { value: "LESS_THAN_OR_EQUAL", label: "<=  less than or equal to" },
];

const SOURCE_OPTIONS = [
  { value: "WORKSPACE", label: "Workspace" },
  { value: "GIT", label: "Git provider" },
];

function source(path: JsonPath): FieldSpec {
  return {
    path,
    label: "Source",
    kind: "select",
    options: [{ value: "", label: "Default" }, ...SOURCE_OPTIONS],
    default: "",
  };
}

/** The fields of a task type's own sub-form; `base` is the path of the type's body. */
function typeFields(type: string, base: JsonPath, task: Record<string, unknown>): FieldSpec[] {
  const at = (...rest: (string | number)[]): JsonPath => [...base, ...rest];
  switch (type) {
    case "notebook_task":
      return [
        { path: at("notebook_path"), label: "Path", kind: "picker", picker: "notebook", required: true, placeholder: "/Workspace/Users/me@example.com/etl" },
        source(at("source")),
        { path: at("base_parameters"), label: "Parameters", kind: "key_value", references: true },
        { path: at("warehouse_id"), label: "SQL warehouse", kind: "picker", picker: "warehouse", help: "Runs the notebook's SQL cells on a warehouse instead of the cluster." },
      ];
    case "spark_python_task":
      return [
        { path: at("python_file"), label: "Path", kind: "picker", picker: "file", required: true, placeholder: "/Workspace/…/main.py or a cloud URI" },
        source(at("source")),
        { path: at("parameters"), label: "Parameters", kind: "string_list", references: true, placeholder: "--flag", addLabel: "Add parameter" },
      ];
    case "python_wheel_task":
      return [
        { path: at("package_name"), label: "Package name", kind: "text", required: true },
        { path: at("entry_point"), label: "Entry point", kind: "text", required: true },
        {
          path: base,
          label: "Parameters",
          kind: "variant",
          variants: [
            { value: "parameters", label: "Positional", fields: [{ path: at("parameters"), label: "Arguments", kind: "string_list", references: true, addLabel: "Add argument" }] },
            { value: "named_parameters", label: "Keyword", fields: [{ path: at("named_parameters"), label: "Arguments", kind: "key_value", references: true, addLabel: "Add argument" }] },
          ],
        },
      ];
    case "spark_jar_task": {
      const fields: FieldSpec[] = [
        { path: at("main_class_name"), label: "Main class", kind: "text", required: true, placeholder: "com.example.Main" },
        { path: at("parameters"), label: "Parameters", kind: "string_list", references: true, addLabel: "Add parameter" },
      ];
      if (getPath(task, at("jar_uri")) !== undefined)
        fields.push({ path: at("jar_uri"), label: "JAR URI (deprecated)", kind: "text", help: "Deprecated: add the JAR under Dependent libraries instead." });
      return fields;
    }
    case "spark_submit_task":
      return [{ path: at("parameters"), label: "Parameters", kind: "string_list", references: true, placeholder: "--class", addLabel: "Add parameter" }];
    case "sql_task":
      return [
        {
          path: base,
          label: "Type",
          kind: "variant",
          variants: [
            { value: "query", label: "Query", init: {}, fields: [{ path: at("query", "query_id"), label: "Query", kind: "picker", picker: "sql_query", required: true, placeholder: "Query ID" }] },
            {
              value: "dashboard",
              label: "Legacy dashboard",
              init: {},
              fields: [
                { path: at("dashboard", "dashboard_id"), label: "Dashboard", kind: "picker", picker: "sql_dashboard", required: true, placeholder: "Dashboard ID" },
                { path: at("dashboard", "custom_subject"), label: "Subject", kind: "text" },
                { path: at("dashboard", "subscriptions"), label: "Subscriptions", kind: "json", help: 'A list of {"user_name": …} or {"destination_id": …}.' },
                { path: at("dashboard", "pause_subscriptions"), label: "Pause subscriptions", kind: "boolean" },
              ],
            },
            {
              value: "alert",
              label: "Alert",
              init: {},
              fields: [
                { path: at("alert", "alert_id"), label: "Alert", kind: "picker", picker: "sql_alert", required: true, placeholder: "Alert ID" },
                { path: at("alert", "subscriptions"), label: "Subscriptions", kind: "json", help: 'A list of {"user_name": …} or {"destination_id": …}.' },
                { path: at("alert", "pause_subscriptions"), label: "Pause subscriptions", kind: "boolean" },
              ],
            },
            {
              value: "file",
              label: "File",
              init: {},
              fields: [
                { path: at("file", "path"), label: "Path", kind: "picker", picker: "file", required: true, placeholder: "/Workspace/…/query.sql" },
                source(at("file", "source")),
              ],
            },
          ],
        },
        { path: at("warehouse_id"), label: "SQL warehouse", kind: "picker", picker: "warehouse", required: true },
        { path: at("parameters"), label: "Parameters", kind: "key_value", references: true, help: "Not used by alerts." },
      ];
    case "pipeline_task":
      return [
        { path: at("pipeline_id"), label: "Pipeline", kind: "picker", picker: "pipeline", required: true },
        { path: at("full_refresh"), label: "Full refresh", kind: "boolean", help: "Recompute all tables from scratch." },
        { path: at("refresh_selection"), label: "Tables to refresh", kind: "string_list", placeholder: "catalog.schema.table", addLabel: "Add table", help: "Only these tables are updated (none: all)." },
        { path: at("full_refresh_selection"), label: "Tables to fully refresh", kind: "string_list", placeholder: "catalog.schema.table", addLabel: "Add table" },
        { path: at("refresh_flow_selection"), label: "Flows to refresh", kind: "string_list", addLabel: "Add flow" },
        { path: at("reset_checkpoint_selection"), label: "Flows to reset checkpoints", kind: "string_list", addLabel: "Add flow", help: "Streaming flows whose checkpoints are reset; their data is kept." },
        { path: at("parameters"), label: "Parameters", kind: "key_value", references: true },
      ];
    case "run_job_task":
      return [
        { path: at("job_id"), label: "Job", kind: "picker", picker: "job", required: true, numeric: true, placeholder: "Job ID" },
        { path: at("job_parameters"), label: "Job parameters", kind: "key_value", references: true },
      ];
    case "condition_task":
      return [
        { path: at("left"), label: "Left operand", kind: "text", references: true, required: true, placeholder: "{{tasks.check.values.count}}" },
        { path: at("op"), label: "Operator", kind: "select", required: true, options: CONDITION_OPS, help: "== and != compare text; the others compare numbers." },
        { path: at("right"), label: "Right operand", kind: "text", references: true, required: true },
      ];
    case "for_each_task":
      return [
        { path: at("inputs"), label: "Inputs", kind: "textarea", references: true, required: true, placeholder: '["a", "b"] or {{tasks.list.values.items}}', help: "A JSON array, or a reference to one. Each item runs the nested task once ({{input}})." },
        { path: at("concurrency"), label: "Concurrency", kind: "number", min: 1, max: 100, placeholder: "1", help: "How many iterations run at the same time." },
      ];
    case "dbt_task":
      return [
        { path: at("commands"), label: "dbt commands", kind: "string_list", required: true, placeholder: "dbt run", maxItems: 10, addLabel: "Add command" },
        { path: at("project_directory"), label: "Project directory", kind: "text", placeholder: "Repository root" },
        { path: at("profiles_directory"), label: "Profiles directory", kind: "text" },
        { path: at("catalog"), label: "Catalog", kind: "text" },
        { path: at("schema"), label: "Schema", kind: "text" },
        { path: at("warehouse_id"), label: "SQL warehouse", kind: "picker", picker: "warehouse" },
        source(at("source")),
      ];
    case "dashboard_task":
      // Labels as the Jobs UI's Dashboard task names them (docs.databricks.com: jobs/dashboard).
      return [
        { path: at("dashboard_id"), label: "Dashboard", kind: "picker", picker: "lakeview_dashboard", required: true, placeholder: "Dashboard ID" },
        { path: at("warehouse_id"), label: "SQL warehouse", kind: "picker", picker: "warehouse", help: "Empty: the dashboard's default warehouse. A serverless or pro warehouse." },
        { path: at("subscription", "subscribers"), label: "Subscribers", kind: "json", placeholder: '[{"user_name": "me@example.com"}]', help: 'Who gets the snapshot: a list of {"user_name": …} or {"destination_id": …}.' },
        { path: at("subscription", "custom_subject"), label: "Subject", kind: "text", placeholder: "The email's subject" },
        { path: at("subscription", "paused"), label: "Pause subscription", kind: "boolean", help: "No emails are sent while paused." },
        { path: at("filters"), label: "Dashboard filters", kind: "key_value", references: true, addLabel: "Add filter", help: "A filter's URL identifier and its value." },
      ];
    case "alert_task":
      return [
        {
          path: base,
          label: "Alert",
          kind: "variant",
          variants: [
            { value: "alert_id", label: "By ID", init: "", fields: [{ path: at("alert_id"), label: "Alert ID", kind: "text", required: true }] },
            { value: "workspace_path", label: "By file", init: "", fields: [{ path: at("workspace_path"), label: "Alert file", kind: "picker", picker: "file", required: true, placeholder: "/Workspace/…/alert" }] },
          ],
        },
        { path: at("warehouse_id"), label: "SQL warehouse", kind: "picker", picker: "warehouse" },
        { path: at("parameters"), label: "Parameters", kind: "key_value", references: true, help: "Override the alert query's parameters for this run." },
        { path: at("subscribers"), label: "Subscribers", kind: "json", placeholder: '[{"user_name": "me@example.com"}]', help: 'Who gets the result: a list of {"user_name": …} or {"destination_id": …}.' },
      ];
    case "dbt_platform_task":
      return [
        { path: at("connection_resource_name"), label: "Connection", kind: "text", required: true, help: "The Unity Catalog connection to the dbt platform." },
        { path: at("dbt_platform_job_id"), label: "dbt platform job ID", kind: "text", required: true },
      ];
    default:
      return [
        {
          path: base,
          label: "Settings (JSON)",
          kind: "json",
          required: true,
          help: `The editor has no form for ${type}: its settings are edited as JSON and kept as they are.`,
        },
      ];
  }
}

function hasAny(task: Record<string, unknown>, prefix: JsonPath, keys: string[]): boolean {
  return keys.some((key) => {
    const v = getPath(task, [...prefix, key]);
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) return v.length > 0;
    if (isObject(v)) return Object.keys(v).length > 0;
    return true;
  });
}

function sectionsAt(task: Record<string, unknown>, prefix: JsonPath, nested: boolean): SectionSpec[] {
  const body = (prefix.length ? getPath(task, prefix) : task) as Record<string, unknown>;
  const type = isObject(body) ? taskTypeOf(body) : null;
  const at = (...rest: (string | number)[]): JsonPath => [...prefix, ...rest];
  const id = (name: string): string => (nested ? `nested-${name}` : name);
  const sections: SectionSpec[] = [];

  if (nested) {
    sections.push({
      id: "nested",
      title: "Nested task",
      fields: [
        { path: at("task_key"), label: "Task name", kind: "text", required: true },
        { path: prefix, label: "Type", kind: "task_type", required: true },
        { path: at("description"), label: "Description", kind: "textarea" },
      ],
    });
  }

  if (type !== null) {
    sections.push({
      id: id("type"),
      title: (nested ? "Nested task: " : "") + taskTypeLabel(type),
      fields: typeFields(type, at(type), isObject(body) ? task : {}),
    });
  }

  if (type === "for_each_task" && !nested && isObject(getPath(task, at("for_each_task", "task")))) {
    sections.push(...sectionsAt(task, at("for_each_task", "task"), true));
  } else if (type === "for_each_task" && !nested) {
    sections.push({
      id: "nested",
      title: "Nested task",
      fields: [{ path: at("for_each_task", "task"), label: "Type", kind: "task_type", required: true }],
    });
  }

  const compute = type === null || !NO_COMPUTE_TASK_TYPES.has(type);
  if (compute) {
    sections.push({ id: id("compute"), title: "Compute", fields: [{ path: prefix, label: "Compute", kind: "compute" }] });
    sections.push({
      id: id("libraries"),
      title: "Dependent libraries",
      fields: [{ path: at("libraries"), label: "Libraries", kind: "libraries" }],
      collapsed: !hasAny(task, prefix, ["libraries"]),
    });
  }

  if (!nested) {
    sections.push({
      id: "dependencies",
      title: "Dependencies",
      fields: [
        { path: at("depends_on"), label: "Depends on", kind: "depends_on" },
        { path: at("run_if"), label: "Run if dependencies", kind: "select", options: RUN_IF_OPTIONS, default: "ALL_SUCCESS" },
      ],
    });
  }

  sections.push({
    id: id("retries"),
    title: "Retries & timeout",
    fields: [
      { path: at("max_retries"), label: "Retries", kind: "retries", min: 0, help: "How many times a failed run is retried." },
      { path: at("min_retry_interval_millis"), label: "Wait between retries", kind: "duration", unit: "ms", placeholder: "0" },
      { path: at("retry_on_timeout"), label: "Retry on timeout", kind: "boolean" },
      { path: at("timeout_seconds"), label: "Timeout", kind: "duration", unit: "s", placeholder: "None", help: "Empty or 0: no timeout." },
      { path: at("health"), label: "Duration warning", kind: "health", help: "Sends the Duration warning notifications when a run takes longer." },
    ],
    collapsed: !hasAny(task, prefix, ["max_retries", "min_retry_interval_millis", "retry_on_timeout", "timeout_seconds", "health"]),
  });

  sections.push({
    id: id("notifications"),
    title: "Notifications",
    fields: [{ path: prefix, label: "Notifications", kind: "notifications" }],
    collapsed: !hasAny(task, prefix, ["email_notifications", "webhook_notifications", "notification_settings"]),
  });

  if (!nested) {
    sections.push({
      id: "other",
      title: "Description & state",
      fields: [
        { path: at("description"), label: "Description", kind: "textarea", placeholder: "What this task does" },
        { path: at("disabled"), label: "Disabled", kind: "boolean", help: "A disabled task is skipped in runs (its dependents still run)." },
      ],
      collapsed: !hasAny(task, prefix, ["description", "disabled"]),
    });
  }
  return sections;
}

/** The sections of a task's panel, by its type (a for_each task adds its nested task's sections). */
export function taskSections(task: Record<string, unknown>): SectionSpec[] {
  return sectionsAt(isObject(task) ? task : {}, [], false);
}

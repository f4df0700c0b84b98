import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KNOWN_TASK_TYPES, NO_COMPUTE_TASK_TYPES, taskSections, taskTypeOf } from "../src/editor/forms";
import type { FieldSpec, SectionSpec } from "../src/editor/forms";
import { TASK_TYPES } from "../src/generated/task-types";

function fields(sections: SectionSpec[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  const walk = (list: FieldSpec[]): void => {
    for (const f of list) {
      out.push(f);
      for (const v of f.variants ?? []) walk(v.fields);
    }
  };
  for (const s of sections) walk(s.fields);
  return out;
}
function field(sections: SectionSpec[], path: string): FieldSpec | undefined {
  return fields(sections).find((f) => f.path.join(".") === path);
}
const ids = (sections: SectionSpec[]): string[] => sections.map((s) => s.id);

describe("taskTypeOf", () => {
  it("finds the documented type key", () => {
    expect(taskTypeOf({ task_key: "a", notebook_task: { notebook_path: "/x" } })).toBe("notebook_task");
    expect(taskTypeOf({ task_key: "a", dashboard_task: {} })).toBe("dashboard_task");
  });
  it("prefers a known type over an unknown *_task, ignores null", () => {
    expect(taskTypeOf({ future_task: { a: 1 }, sql_task: { warehouse_id: "w" } })).toBe("sql_task");
    expect(taskTypeOf({ notebook_task: null, future_task: { a: 1 } })).toBe("future_task");
  });
  it("is null without a type; an unknown *_task must hold an object", () => {
    expect(taskTypeOf({ task_key: "a" })).toBeNull();
    expect(taskTypeOf({ weird_task: "nope" })).toBeNull();
  });
});

describe("KNOWN_TASK_TYPES", () => {
  it("lists the fourteen types with a form, labelled like the Jobs UI", () => {
    const values = KNOWN_TASK_TYPES.map((t) => t.value);
    expect(values).toHaveLength(14);
    expect(values).toContain("for_each_task");
    expect(KNOWN_TASK_TYPES.find((t) => t.value === "condition_task")?.label).toBe("If/else condition");
  });
  it("mirrors models.NO_COMPUTE_TASK_TYPES", () => {
    // Python's: the task types of core/task_types.py without compute of their own (generated).
    const names = TASK_TYPES.filter((t) => !t.compute).map((t) => t.key);
    expect(new Set(names)).toEqual(new Set(NO_COMPUTE_TASK_TYPES));
  });
});

describe("taskSections", () => {
  it("notebook_task: path picker (required), source, parameters, warehouse", () => {
    const s = taskSections({ task_key: "a", notebook_task: { notebook_path: "/n" } });
    expect(ids(s)).toEqual(["type", "compute", "libraries", "dependencies", "retries", "notifications", "other"]);
    expect(s[0].title).toBe("Notebook");
    expect(field(s, "notebook_task.notebook_path")).toMatchObject({ kind: "picker", picker: "notebook", required: true });
    expect(field(s, "notebook_task.source")).toMatchObject({ kind: "select" });
    expect(field(s, "notebook_task.base_parameters")).toMatchObject({ kind: "key_value", references: true });
    expect(field(s, "notebook_task.warehouse_id")).toMatchObject({ kind: "picker", picker: "warehouse" });
    expect(fields(s).find((f) => f.kind === "compute")?.path).toEqual([]);
    expect(fields(s).find((f) => f.kind === "notifications")?.path).toEqual([]);
  });

  it("spark_python_task, spark_submit_task, spark_jar_task", () => {
    const py = taskSections({ spark_python_task: { python_file: "a.py" } });
    expect(field(py, "spark_python_task.python_file")).toMatchObject({ kind: "picker", picker: "file" });
    expect(field(py, "spark_python_task.parameters")).toMatchObject({ kind: "string_list", references: true });
    expect(field(py, "spark_python_task.source")).toBeDefined();
    expect(field(taskSections({ spark_submit_task: {} }), "spark_submit_task.parameters")?.kind).toBe("string_list");
    const jar = taskSections({ spark_jar_task: { main_class_name: "M" } });
    expect(field(jar, "spark_jar_task.main_class_name")).toBeDefined();
    expect(field(jar, "spark_jar_task.jar_uri")).toBeUndefined();
    expect(field(taskSections({ spark_jar_task: { jar_uri: "dbfs:/x.jar" } }), "spark_jar_task.jar_uri")).toBeDefined();
  });

  it("python_wheel_task: positional OR keyword parameters", () => {
    const s = taskSections({ python_wheel_task: { package_name: "p", entry_point: "e" } });
    const v = field(s, "python_wheel_task");
    expect(v?.kind).toBe("variant");
    expect(v?.variants?.map((x) => x.value)).toEqual(["parameters", "named_parameters"]);
    expect(field(s, "python_wheel_task.parameters")?.kind).toBe("string_list");
    expect(field(s, "python_wheel_task.named_parameters")?.kind).toBe("key_value");
  });

  it("sql_task: query / dashboard / alert / file, warehouse required, no compute", () => {
    const s = taskSections({ sql_task: { warehouse_id: "w", file: { path: "/q.sql" } } });
    expect(ids(s)).not.toContain("compute");
    expect(ids(s)).not.toContain("libraries");
    const v = field(s, "sql_task");
    expect(v?.variants?.map((x) => x.value)).toEqual(["query", "dashboard", "alert", "file"]);
    expect(field(s, "sql_task.query.query_id")).toBeDefined();
    expect(field(s, "sql_task.dashboard.dashboard_id")).toBeDefined();
    expect(field(s, "sql_task.dashboard.subscriptions")?.kind).toBe("json");
    expect(field(s, "sql_task.dashboard.pause_subscriptions")?.kind).toBe("boolean");
    expect(field(s, "sql_task.alert.alert_id")).toBeDefined();
    expect(field(s, "sql_task.file.path")).toMatchObject({ kind: "picker", picker: "file" });
    expect(field(s, "sql_task.file.source")).toBeDefined();
    expect(field(s, "sql_task.warehouse_id")).toMatchObject({ picker: "warehouse", required: true });
    expect(field(s, "sql_task.parameters")?.kind).toBe("key_value");
  });

  it("pipeline_task, run_job_task (numeric job id)", () => {
    const p = taskSections({ pipeline_task: { pipeline_id: "x" } });
    expect(field(p, "pipeline_task.pipeline_id")).toMatchObject({ picker: "pipeline" });
    expect(field(p, "pipeline_task.full_refresh")?.kind).toBe("boolean");
    expect(ids(p)).not.toContain("compute");
    const r = taskSections({ run_job_task: { job_id: 1 } });
    expect(field(r, "run_job_task.job_id")).toMatchObject({ kind: "picker", picker: "job", numeric: true });
    expect(field(r, "run_job_task.job_parameters")?.kind).toBe("key_value");
  });

  it("condition_task: left / op / right, no compute", () => {
    const s = taskSections({ condition_task: { op: "EQUAL_TO", left: "a", right: "b" } });
    expect(ids(s)).not.toContain("compute");
    expect(field(s, "condition_task.left")).toMatchObject({ references: true });
    expect(field(s, "condition_task.right")).toMatchObject({ references: true });
    expect(field(s, "condition_task.op")?.options?.map((o) => o.value)).toEqual([
      "EQUAL_TO",
      "NOT_EQUAL",
      "GREATER_THAN",
      "GREATER_THAN_OR_EQUAL",
      "LESS_THAN",
      "LESS_THAN_OR_EQUAL",
    ]);
  });

  it("dbt_task: commands, directories, warehouse AND compute", () => {
    const s = taskSections({ dbt_task: { commands: ["dbt run"] } });
    expect(ids(s)).toContain("compute");
    for (const k of ["commands", "project_directory", "profiles_directory", "schema", "catalog", "warehouse_id", "source"]) expect(field(s, `dbt_task.${k}`)).toBeDefined();
    expect(field(s, "dbt_task.commands")?.kind).toBe("string_list");
  });

  it("for_each_task: inputs, concurrency 1..100 and the nested task's sections, prefixed", () => {
    const s = taskSections({ task_key: "loop", for_each_task: { inputs: "[1,2]", task: { task_key: "inner", notebook_task: { notebook_path: "/n" }, job_cluster_key: "c" } } });
    expect(ids(s)).toEqual([
      "type",
      "nested",
      "nested-type",
      "nested-compute",
      "nested-libraries",
      "nested-retries",
      "nested-notifications",
      "dependencies",
      "retries",
      "notifications",
      "other",
    ]);
    expect(field(s, "for_each_task.inputs")).toMatchObject({ references: true, required: true });
    expect(field(s, "for_each_task.concurrency")).toMatchObject({ kind: "number", min: 1, max: 100 });
    expect(field(s, "for_each_task.task.task_key")).toMatchObject({ kind: "text", required: true });
    expect(field(s, "for_each_task.task")?.kind).toBe("task_type");
    expect(field(s, "for_each_task.task.notebook_task.notebook_path")).toMatchObject({ picker: "notebook" });
    expect(s.find((x) => x.id === "nested-compute")?.fields[0].path).toEqual(["for_each_task", "task"]);
    expect(field(s, "for_each_task.task.max_retries")).toBeDefined();
    expect(field(s, "for_each_task.task.libraries")?.kind).toBe("libraries");
    // the outer for_each runs no compute of its own
    expect(ids(s)).not.toContain("compute");
    // no dependencies inside the nested task
    expect(field(s, "for_each_task.task.depends_on")).toBeUndefined();
  });

  it("for_each_task without a nested task offers its type", () => {
    const s = taskSections({ for_each_task: { inputs: "[]" } });
    expect(field(s, "for_each_task.task")?.kind).toBe("task_type");
  });

  it("an unknown or form-less type is a json field over its whole body", () => {
    const s = taskSections({ task_key: "x", future_task: { a: 1 } });
    expect(field(s, "future_task")).toMatchObject({ kind: "json", required: true });
    expect(ids(s)).toContain("compute"); // unknown: may need compute
    const d = taskSections({ power_bi_task: { warehouse_id: "w" } });
    expect(field(d, "power_bi_task")?.kind).toBe("json");
    expect(d[0].title).toBe("Power BI");
    expect(ids(d)).not.toContain("compute");
  });

  it("no type: no type section, compute shown", () => {
    const s = taskSections({ task_key: "x" });
    expect(ids(s)[0]).toBe("compute");
  });

  it("dependencies, retries, notifications, other", () => {
    const s = taskSections({ notebook_task: {}, max_retries: 2 });
    expect(field(s, "depends_on")?.kind).toBe("depends_on");
    expect(field(s, "run_if")).toMatchObject({ kind: "select", default: "ALL_SUCCESS" });
    expect(field(s, "run_if")?.options?.map((o) => o.label)).toEqual(["All succeeded", "At least one succeeded", "None failed", "All done", "At least one failed", "All failed"]);
    expect(field(s, "max_retries")?.kind).toBe("retries");
    expect(field(s, "min_retry_interval_millis")).toMatchObject({ kind: "duration", unit: "ms" });
    expect(field(s, "retry_on_timeout")?.kind).toBe("boolean");
    expect(field(s, "timeout_seconds")).toMatchObject({ kind: "duration", unit: "s" });
    expect(field(s, "health")?.kind).toBe("health");
    expect(field(s, "description")?.kind).toBe("textarea");
    expect(field(s, "disabled")?.kind).toBe("boolean");
    expect(s.find((x) => x.id === "retries")?.collapsed).toBe(false);
    expect(s.find((x) => x.id === "notifications")?.collapsed).toBe(true);
  });

  it("builds sections for every task of the corpus", () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "../../tests/data/jobs_corpus");
    let n = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const doc = JSON.parse(readFileSync(`${dir}/${name}`, "utf8"));
      for (const task of doc.settings?.tasks ?? []) {
        const s = taskSections(task);
        expect(s.length).toBeGreaterThan(3);
        const type = taskTypeOf(task);
        if (type) expect(s.some((x) => x.id === "type")).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});

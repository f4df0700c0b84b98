// The forms' factory: which view draws which field kind (the job-level kinds are registered by
// job-kinds.ts).
import type { FieldKind, FieldSpec } from "./types";
import { ComputeView } from "./compute";
import { DependsOnView } from "./depends-on";
import { DurationView, HealthView, RetriesView } from "./durations";
import { LibrariesView } from "./libraries";
import { NotificationsView } from "./notifications";
import { KeyValueView, StringListView } from "./rows";
import { BooleanView, JsonView, SelectView, TextView } from "./scalars";
import { TaskTypeView } from "./task-type";
import { VariantView } from "./variants";
import type { Env, View } from "./view";

/** Field kinds drawn by other modules (the job-level kinds: job_clusters, environments...). */
const EXTRA_KINDS = new Map<string, (env: Env, spec: FieldSpec) => View>();

/** Add a field kind drawn by another module (which builds on Base / RowsView from here). */
export function registerFieldKind(kind: FieldKind, factory: (env: Env, spec: FieldSpec) => View): void {
  EXTRA_KINDS.set(kind, factory);
}

export function createView(env: Env, spec: FieldSpec): View {
  const extra = EXTRA_KINDS.get(spec.kind);
  if (extra) return extra(env, spec);
  switch (spec.kind) {
    case "text":
    case "textarea":
    case "number":
    case "picker":
      return new TextView(env, spec);
    case "boolean":
      return new BooleanView(env, spec);
    case "select":
      return new SelectView(env, spec);
    case "duration": {
      const v = new DurationView(env, spec);
      v.update();
      return v;
    }
    case "retries":
      return new RetriesView(env, spec);
    case "health":
      return new HealthView(env, spec);
    case "string_list":
      return new StringListView(env, spec);
    case "key_value":
      return new KeyValueView(env, spec);
    case "depends_on":
      return new DependsOnView(env, spec);
    case "libraries":
      return new LibrariesView(env, spec);
    case "json":
      return new JsonView(env, spec);
    case "variant":
      return new VariantView(env, spec);
    case "compute":
      return new ComputeView(env, spec);
    case "notifications":
      return new NotificationsView(env, spec);
    case "task_type":
      return new TaskTypeView(env, spec);
    default:
      // A registered kind whose module was not loaded: the value as JSON, kept as it is.
      return new JsonView(env, { ...spec, kind: "json" });
  }
}

// The new_cluster form, in a task's compute and in the job's job clusters: the runtime, the worker
// and driver types and the policy, each picked from the workspace's lists, and fixed or
// autoscaling workers. The cluster's other keys are kept as they are.
import { h, uid } from "../dom";
import type { JsonPath } from "../protocol";
import type { FieldSpec } from "./types";
import { getPath, isObject, pathKey } from "./paths";
import { Branch, segmented } from "./variants";
import type { Env, View } from "./view";

/** The keys of a new_cluster this form shows. */
const NEW_CLUSTER_KEYS = new Set(["spark_version", "node_type_id", "driver_node_type_id", "policy_id", "num_workers", "autoscale"]);

/** The keys of `cluster` that neither this form nor the caller's `shown` fields show. */
export function keptKeys(cluster: unknown, shown: string[] = []): string[] {
  return isObject(cluster) ? Object.keys(cluster).filter((k) => !NEW_CLUSTER_KEYS.has(k) && !shown.includes(k)) : [];
}

/** The runtime, the node types and the policy of the new_cluster at `path`. */
export function newClusterFields(path: JsonPath): FieldSpec[] {
  return [
    { path: [...path, "spark_version"], label: "Databricks runtime version", kind: "picker", picker: "spark_version", required: true, placeholder: "15.4.x-scala2.12" },
    { path: [...path, "node_type_id"], label: "Worker type", kind: "picker", picker: "node_type", required: true, placeholder: "i3.xlarge", help: "Not needed when an instance pool or the policy gives it." },
    { path: [...path, "driver_node_type_id"], label: "Driver type", kind: "picker", picker: "node_type", placeholder: "Same as worker" },
    { path: [...path, "policy_id"], label: "Policy", kind: "picker", picker: "policy", placeholder: "Unrestricted" },
  ];
}

/** What the workers' other kind held (fixed or autoscaling) when the user switched away from
 * it: switching back restores it while the form lives, as the trigger kinds do. Per form
 * context, per cluster path. */
const STASHED = new WeakMap<object, Map<string, { num_workers?: unknown; autoscale?: unknown }>>();

function stashOf(env: Env, path: JsonPath): { num_workers?: unknown; autoscale?: unknown } {
  let byPath = STASHED.get(env.ctx);
  if (!byPath) {
    byPath = new Map();
    STASHED.set(env.ctx, byPath);
  }
  const key = pathKey(path);
  let stash = byPath.get(key);
  if (!stash) {
    stash = {};
    byPath.set(key, stash);
  }
  return stash;
}

export interface WorkersOptions {
  /** The label of the number of workers. */
  countLabel: string;
  /**
   * A switch between fixed and autoscaling workers is sent as one edit of the whole cluster (one
   * undo step), instead of one edit per key.
   */
  oneEdit: boolean;
}

/**
 * The workers of the new_cluster at `path`: fixed or autoscaling, then the number of workers or
 * their range. `el` is the choice's row, `branchEl` the fields below it.
 */
export class WorkersView implements View {
  readonly claims: JsonPath[] = [];
  readonly el: HTMLElement;
  readonly branchEl: HTMLElement;
  private readonly seg: ReturnType<typeof segmented>;
  private readonly branch: Branch;

  constructor(
    private readonly env: Env,
    readonly path: JsonPath,
    private readonly opts: WorkersOptions,
  ) {
    const labelId = uid();
    this.seg = segmented(
      uid(),
      "Workers",
      [
        { value: "fixed", label: "Fixed" },
        { value: "autoscale", label: "Autoscaling" },
      ],
      (v) => this.pick(v),
      labelId,
    );
    this.branchEl = h("div", { class: "loom-f-branch loom-f-branch--inner" });
    this.branch = new Branch(this.branchEl, env);
    this.el = h(
      "div",
      { class: "loom-f-field loom-f-kind-variant", "data-path": pathKey(path), "data-kind": "workers" },
      h("div", { class: "loom-f-label", id: labelId }, "Workers"),
      h("div", { class: "loom-f-control" }, h("div", { class: "loom-f-body" }, this.seg.el)),
    );
  }

  private autoscale(): boolean {
    return getPath(this.env.task, [...this.path, "autoscale"]) !== undefined;
  }

  private pick(v: string): void {
    const cluster = getPath(this.env.task, this.path);
    const c = isObject(cluster) ? cluster : {};
    const stash = stashOf(this.env, this.path);
    if (v === "autoscale" && !this.autoscale()) {
      const n = typeof c.num_workers === "number" ? c.num_workers : 1;
      stash.num_workers = c.num_workers;
      const autoscale = isObject(stash.autoscale) ? stash.autoscale : { min_workers: Math.max(1, n), max_workers: Math.max(2, n * 2) };
      if (this.opts.oneEdit) this.env.send(this.path, { ...without(c, "num_workers"), autoscale });
      else {
        this.env.send([...this.path, "num_workers"], undefined);
        this.env.send([...this.path, "autoscale"], autoscale);
      }
    } else if (v === "fixed" && this.autoscale()) {
      const a = isObject(c.autoscale) ? c.autoscale : {};
      stash.autoscale = c.autoscale;
      const count = typeof stash.num_workers === "number" ? stash.num_workers : typeof a.min_workers === "number" ? a.min_workers : 1;
      if (this.opts.oneEdit) this.env.send(this.path, { ...without(c, "autoscale"), num_workers: count });
      else {
        this.env.send([...this.path, "autoscale"], undefined);
        this.env.send([...this.path, "num_workers"], count);
      }
    }
    this.update();
  }

  update(): void {
    const auto = this.autoscale();
    this.seg.set(auto ? "autoscale" : "fixed");
    this.branch.show(
      auto ? "autoscale" : "fixed",
      auto
        ? [
            { path: [...this.path, "autoscale", "min_workers"], label: "Min workers", kind: "number", min: 0, required: true },
            { path: [...this.path, "autoscale", "max_workers"], label: "Max workers", kind: "number", min: 1, required: true },
          ]
        : [{ path: [...this.path, "num_workers"], label: this.opts.countLabel, kind: "number", min: 0, placeholder: "0 = single node" }],
    );
  }

  children(): View[] {
    return this.branch.views;
  }
  flush(): void {
    for (const v of this.branch.views) v.flush();
  }
  destroy(): void {
    this.branch.clear();
  }
  addProblem(): void {}
  clearProblems(): void {}
  refuse(): void {}
}

function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

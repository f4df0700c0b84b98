// The compute field of a task: a job cluster, a new cluster, an all-purpose cluster or
// serverless (an environment), as a segmented choice with the chosen kind's fields.
import { h, uid } from "../dom";
import type { JsonPath } from "../protocol";
import type { FieldSpec } from "./types";
import { getPath } from "./paths";
import { keptKeys, newClusterFields, WorkersView } from "./new-cluster";
import { Branch, segmented, type Segment } from "./variants";
import { Base, type Env, type View } from "./view";

const COMPUTE_KEYS = ["job_cluster_key", "new_cluster", "existing_cluster_id", "environment_key"];
const COMPUTE_MODES: Segment[] = [
  { value: "job_cluster", label: "Job cluster" },
  { value: "new_cluster", label: "New cluster" },
  { value: "existing_cluster", label: "All-purpose" },
  { value: "serverless", label: "Serverless" },
];
/** The keys of a task's new_cluster shown after its workers. */
const NEW_CLUSTER_TAIL = ["spark_conf"];

export class ComputeView extends Base {
  private readonly seg: ReturnType<typeof segmented>;
  private readonly branch: Branch;
  private readonly extra: HTMLElement;
  private readonly tail: Branch;
  private readonly note: HTMLElement;
  private workers: WorkersView | null = null;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.claims = COMPUTE_KEYS.map((k) => [...spec.path, k]);
    this.seg = segmented(uid(), "Compute", COMPUTE_MODES, (mode) => this.pick(mode));
    for (const r of this.seg.el.querySelectorAll("input")) this.wire(r);
    this.branch = new Branch(h("div", { class: "loom-f-branch" }), env);
    this.extra = h("div", { class: "loom-f-branch-extra" });
    this.tail = new Branch(h("div", { class: "loom-f-branch" }), env);
    this.note = h("div", { class: "loom-f-note loom-f-branch-extra", hidden: true });
    this.body.append(this.seg.el);
    this.el.append(this.branch.el, this.extra, this.tail.el, this.note);
    this.el.classList.add("loom-f-has-branch");
    this.update();
  }
  private at(...rest: string[]): JsonPath {
    return [...this.spec.path, ...rest];
  }
  private mode(): string {
    const t = this.env.task;
    if (getPath(t, this.at("existing_cluster_id")) != null) return "existing_cluster";
    if (getPath(t, this.at("job_cluster_key")) != null) return "job_cluster";
    if (getPath(t, this.at("new_cluster")) != null) return "new_cluster";
    return "serverless";
  }
  private pick(mode: string): void {
    if (mode === this.mode()) return;
    const keep: Record<string, string> = { existing_cluster: "existing_cluster_id", job_cluster: "job_cluster_key", new_cluster: "new_cluster", serverless: "environment_key" };
    for (const view of this.branch.views) view.destroy();
    for (const key of COMPUTE_KEYS) {
      if (key !== keep[mode] && getPath(this.env.task, this.at(key)) !== undefined) this.env.send(this.at(key), undefined);
    }
    if (mode === "existing_cluster" || mode === "job_cluster") this.env.send(this.at(keep[mode]), "");
    if (mode === "new_cluster") this.env.send(this.at("new_cluster"), {});
    this.update();
  }
  private fields(mode: string): FieldSpec[] {
    switch (mode) {
      case "job_cluster":
        return [{ path: this.at("job_cluster_key"), label: "Job cluster", kind: "picker", picker: "job_cluster", required: true, help: "A cluster defined in the job's job_clusters, shared by its tasks." }];
      case "existing_cluster":
        return [{ path: this.at("existing_cluster_id"), label: "Cluster", kind: "picker", picker: "cluster", required: true, help: "An all-purpose cluster (billed at the all-purpose rate)." }];
      case "new_cluster":
        return newClusterFields(this.at("new_cluster"));
      default:
        return [
          {
            path: this.at("environment_key"),
            label: "Environment",
            kind: "picker",
            picker: "environment",
            placeholder: "Default",
            help: "Python script, wheel and dbt tasks need an environment (its dependencies); notebooks can use their own.",
          },
        ];
    }
  }
  update(): void {
    const mode = this.mode();
    this.seg.set(mode);
    const keyBefore = this.branch.key;
    this.branch.show(mode, this.fields(mode));
    if (mode === "new_cluster") {
      if (keyBefore !== mode || !this.workers) {
        this.workers = new WorkersView(this.env, this.at("new_cluster"), { countLabel: "Workers", oneEdit: false });
        this.extra.replaceChildren(this.workers.el, this.workers.branchEl);
      }
      this.workers.update();
      this.tail.show("new_cluster", [
        { path: this.at("new_cluster", "spark_conf"), label: "Spark config", kind: "key_value", addLabel: "Add setting" },
      ]);
      const others = keptKeys(getPath(this.env.task, this.at("new_cluster")), NEW_CLUSTER_TAIL);
      this.note.textContent = others.length ? `Also kept as they are: ${others.join(", ")}` : "";
      this.note.hidden = others.length === 0;
    } else {
      this.tail.clear();
      this.note.hidden = true;
      this.workers?.destroy();
      this.workers = null;
      this.extra.replaceChildren();
    }
  }
  override children(): View[] {
    return [...this.branch.views, ...(this.workers ? [this.workers] : []), ...this.tail.views];
  }
  override flush(): void {
    for (const v of this.children()) v.flush();
  }
  override destroy(): void {
    this.branch.clear();
    this.workers?.destroy();
    this.tail.clear();
  }
}

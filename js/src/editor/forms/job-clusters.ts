// The "job_clusters" field kind: the job's shared cluster specs, as cards. Each shows the tasks
// using it; "Swap…" moves them all to another job cluster (the `swap_job_cluster` edit), and a
// rename of a cluster in use moves its tasks along with it.
import type { FieldSpec } from "./types";
import { Branch, segmented, type Env, type View } from "./fields";
import { CardsView, type Card } from "./cards";
import { h, uid } from "./dom";
import { getPath, isObject, pathKey } from "./paths";

const SHOWN = new Set(["job_cluster_key", "new_cluster"]);
const NEW_CLUSTER_SHOWN = new Set(["spark_version", "node_type_id", "driver_node_type_id", "num_workers", "autoscale"]);

export class JobClustersView extends CardsView {
  protected readonly keyName = "job_cluster_key";
  protected readonly usageKind = "job_cluster" as const;
  protected readonly noun = "job cluster";

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec);
    this.el.classList.add("loom-f-job-clusters");
    this.update();
  }

  protected emptyText(): string {
    return "No job clusters. Tasks on a job cluster share it for the run; tasks without compute run on serverless.";
  }

  protected shownKeys(): Set<string> {
    return SHOWN;
  }

  protected fields(index: number): FieldSpec[] {
    const at = (...rest: string[]) => this.at(index, "new_cluster", ...rest);
    return [
      { path: at("spark_version"), label: "Runtime version", kind: "text", required: true, placeholder: "15.4.x-scala2.12" },
      { path: at("node_type_id"), label: "Worker type", kind: "text", required: true, placeholder: "i3.xlarge" },
      { path: at("driver_node_type_id"), label: "Driver type", kind: "text", placeholder: "Same as worker" },
    ];
  }

  protected newItem(key: string): Record<string, unknown> {
    // A copy of the first cluster's spec is a better start than nothing.
    const first = this.items()[0];
    const spec = isObject(first?.new_cluster) ? JSON.parse(JSON.stringify(first.new_cluster)) : { spark_version: "", node_type_id: "", num_workers: 1 };
    return { job_cluster_key: key, new_cluster: spec };
  }

  protected override itemSig(item: Record<string, unknown>): string {
    const cluster = item.new_cluster;
    const extra = isObject(cluster) ? Object.keys(cluster).filter((k) => !NEW_CLUSTER_SHOWN.has(k)) : [];
    return `${isObject(cluster) && cluster.autoscale !== undefined ? "auto" : "fixed"}|${extra.join(",")}`;
  }

  protected rename(index: number, from: string, to: string): void {
    const using = this.usedBy(from).length > 0;
    this.env.send(this.spec.path, this.renamed(index, to));
    // Its tasks follow (one more edit, undone separately).
    if (using && this.env.ctx.edit) this.env.ctx.edit({ op: "swap_job_cluster", from, to });
    this.update();
  }

  protected override decorate(card: Card, item: Record<string, unknown>, head: HTMLElement): View[] {
    const views: View[] = [];
    // Workers: fixed or autoscaling.
    const clusterPath = this.at(card.index, "new_cluster");
    const autoscale = () => getPath(this.env.task, [...clusterPath, "autoscale"]) !== undefined;
    const labelId = uid();
    const branch = new Branch(h("div", { class: "loom-f-branch loom-f-branch--inner" }), this.env);
    const showWorkers = () => {
      const auto = autoscale();
      seg.set(auto ? "autoscale" : "fixed");
      branch.show(
        auto ? "autoscale" : "fixed",
        auto
          ? [
              { path: [...clusterPath, "autoscale", "min_workers"], label: "Min workers", kind: "number", min: 0, required: true },
              { path: [...clusterPath, "autoscale", "max_workers"], label: "Max workers", kind: "number", min: 1, required: true },
            ]
          : [{ path: [...clusterPath, "num_workers"], label: "Number of workers", kind: "number", min: 0, placeholder: "0 = single node" }],
      );
    };
    const seg = segmented(uid(), "Workers", [
      { value: "fixed", label: "Fixed" },
      { value: "autoscale", label: "Autoscaling" },
    ], (v) => {
      const cluster = getPath(this.env.task, clusterPath);
      const c = isObject(cluster) ? cluster : {};
      if (v === "autoscale" && !autoscale()) {
        const n = typeof c.num_workers === "number" ? c.num_workers : 1;
        const { num_workers: _drop, ...rest } = c;
        void _drop;
        this.env.send(clusterPath, { ...rest, autoscale: { min_workers: Math.max(1, n), max_workers: Math.max(2, n * 2) } });
      } else if (v === "fixed" && autoscale()) {
        const a = isObject(c.autoscale) ? c.autoscale : {};
        const { autoscale: _drop, ...rest } = c;
        void _drop;
        this.env.send(clusterPath, { ...rest, num_workers: typeof a.min_workers === "number" ? a.min_workers : 1 });
      }
    }, labelId);
    const row = h(
      "div",
      { class: "loom-f-field loom-f-kind-variant", "data-path": pathKey(clusterPath), "data-kind": "workers" },
      h("div", { class: "loom-f-label", id: labelId }, "Workers"),
      h("div", { class: "loom-f-control" }, h("div", { class: "loom-f-body" }, seg.el)),
    );
    card.body.append(row, branch.el);
    showWorkers();
    const cluster = item.new_cluster;
    const others = isObject(cluster) ? Object.keys(cluster).filter((k) => !NEW_CLUSTER_SHOWN.has(k)) : [];
    if (others.length) card.body.append(h("div", { class: "loom-f-note" }, `Cluster settings kept as they are: ${others.join(", ")}`));
    views.push({
      path: clusterPath,
      claims: [],
      el: row,
      update: showWorkers,
      flush: () => branch.views.forEach((v) => v.flush()),
      destroy: () => branch.clear(),
      children: () => branch.views,
      addProblem: () => undefined,
      clearProblems: () => undefined,
    });

    // Swap…: move every task of this cluster to another one.
    const users = this.usedBy(card.key);
    const others2 = this.items().map((i) => String(i.job_cluster_key ?? "")).filter((k) => k && k !== card.key);
    const swap = h("button", { type: "button", class: "loom-f-btn loom-f-card-swap", "data-action": "swap", "aria-expanded": "false" }, "Swap…");
    swap.disabled = users.length === 0 || others2.length === 0;
    swap.title =
      users.length === 0 ? "No task uses this job cluster" : others2.length === 0 ? "Add another job cluster to move the tasks to" : `Move the ${users.length === 1 ? "task" : `${users.length} tasks`} using ${card.key} to another job cluster`;
    const panel = h("div", { class: "loom-f-swap", hidden: true, role: "group", "aria-label": `Swap job cluster ${card.key}` });
    const target = h("select", { class: "loom-f-select loom-f-swap-target", "aria-label": "Move to job cluster" }, ...others2.map((k) => h("option", { value: k }, k)));
    const go = h("button", { type: "button", class: "loom-f-btn loom-f-btn-primary", "data-action": "swap-confirm" }, "Move tasks");
    const cancel = h("button", { type: "button", class: "loom-f-link-btn", "data-action": "swap-cancel" }, "Cancel");
    panel.append(
      h("span", null, `Move ${users.length === 1 ? "the task" : `the ${users.length} tasks`} on `, h("code", null, card.key), " to "),
      target,
      go,
      cancel,
    );
    const close = () => {
      panel.hidden = true;
      swap.setAttribute("aria-expanded", "false");
    };
    swap.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      swap.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) target.focus();
    });
    cancel.addEventListener("click", () => {
      close();
      swap.focus();
    });
    panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        close();
        swap.focus();
      }
    });
    go.addEventListener("click", () => {
      const to = target.value;
      if (!to) return;
      this.flush();
      this.env.ctx.edit?.({ op: "swap_job_cluster", from: card.key, to });
      close();
    });
    head.append(swap);
    card.msgs.after(panel);
    return views;
  }
}

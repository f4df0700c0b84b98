// The "job_clusters" field kind: the job's shared cluster specs, as cards. Each shows the tasks
// using it; "Swap…" moves them all to another job cluster (the `swap_job_cluster` edit), and a
// rename of a cluster in use moves its tasks along with it.
import { h } from "../dom";
import type { FieldSpec } from "./types";
import { CardsView, type Card } from "./cards";
import { keptKeys, newClusterFields, WorkersView } from "./new-cluster";
import { isObject } from "./paths";
import type { Env, View } from "./view";

const SHOWN = new Set(["job_cluster_key", "new_cluster"]);

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
    return newClusterFields(this.at(index, "new_cluster"));
  }

  protected newItem(key: string): Record<string, unknown> {
    // A copy of the first cluster's spec is a better start than nothing.
    const first = this.items()[0];
    const spec = isObject(first?.new_cluster) ? JSON.parse(JSON.stringify(first.new_cluster)) : { spark_version: "", node_type_id: "", num_workers: 1 };
    return { job_cluster_key: key, new_cluster: spec };
  }

  protected override itemSig(item: Record<string, unknown>): string {
    const cluster = item.new_cluster;
    return `${isObject(cluster) && cluster.autoscale !== undefined ? "auto" : "fixed"}|${keptKeys(cluster).join(",")}`;
  }

  protected rename(index: number, from: string, to: string): void {
    // A key another job cluster has is refused by Python: its tasks must not move to that one.
    const taken = this.items().some((item, i) => i !== index && item.job_cluster_key === to);
    const using = this.usedBy(from).length > 0 && !taken;
    this.env.send(this.spec.path, this.renamed(index, to));
    // Its tasks follow (one more edit, undone separately).
    if (using && this.env.ctx.edit) this.env.ctx.edit({ op: "swap_job_cluster", from, to });
    this.update();
  }

  protected override decorate(card: Card, item: Record<string, unknown>, head: HTMLElement): View[] {
    // Workers: fixed or autoscaling.
    const workers = new WorkersView(this.env, this.at(card.index, "new_cluster"), { countLabel: "Number of workers", oneEdit: true });
    card.body.append(workers.el, workers.branchEl);
    workers.update();
    const others = keptKeys(item.new_cluster);
    if (others.length) card.body.append(h("div", { class: "loom-f-note" }, `Cluster settings kept as they are: ${others.join(", ")}`));
    const views: View[] = [workers];

    // Swap…: move every task of this cluster to another one.
    const users = this.usedBy(card.key);
    const otherClusters = this.items().map((i) => String(i.job_cluster_key ?? "")).filter((k) => k && k !== card.key);
    const swap = h("button", { type: "button", class: "loom-f-btn loom-f-card-swap", "data-action": "swap", "aria-expanded": "false" }, "Swap…");
    swap.disabled = users.length === 0 || otherClusters.length === 0;
    swap.title =
      users.length === 0 ? "No task uses this job cluster" : otherClusters.length === 0 ? "Add another job cluster to move the tasks to" : `Move the ${users.length === 1 ? "task" : `${users.length} tasks`} using ${card.key} to another job cluster`;
    const panel = h("div", { class: "loom-f-swap", hidden: true, role: "group", "aria-label": `Swap job cluster ${card.key}` });
    const target = h("select", { class: "loom-f-select loom-f-swap-target", "aria-label": "Move to job cluster" }, ...otherClusters.map((k) => h("option", { value: k }, k)));
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

// The Notifications tab: the job's own email and webhook notifications per event and its
// notification settings (the forms' "notifications" kind at the settings' root), and a summary
// of the tasks that send notifications of their own.
import { MAX_WEBHOOKS_PER_EVENT } from "../generated/limits";
import { h } from "./dom";
import { FormTab } from "./form-tab";
import { notificationSections } from "./forms/job-spec";
import type { SectionSpec } from "./forms/types";
import type { JobMessage } from "./tab-types";

const EVENT_LABELS: Record<string, string> = {
  on_start: "Start",
  on_success: "Success",
  on_failure: "Failure",
  on_duration_warning_threshold_exceeded: "Duration warning",
  on_streaming_backlog_exceeded: "Streaming backlog",
};

/** Which tasks have notifications of their own, and for which events. */
function taskNotifications(job: JobMessage): Record<string, string[]> | null {
  const value = job.task_notifications as unknown;
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  return value as Record<string, string[]>;
}

export class NotificationsTab extends FormTab {
  readonly id = "notifications" as const;
  private readonly summary: HTMLElement;

  constructor(ctx: ConstructorParameters<typeof FormTab>[0]) {
    super(ctx);
    this.element.dataset.tab = "notifications";
    this.intro.append(h("p", { text: `Who hears about every run of the job. Emails go to people; webhooks to the workspace's notification destinations (at most ${MAX_WEBHOOKS_PER_EVENT} per event).` }));
    this.summary = h("section", { class: "loom-je-task-notifications", "data-role": "task-notifications" });
    this.extra.append(this.summary);
  }

  protected sections(): SectionSpec[] {
    return notificationSections();
  }

  protected override afterUpdate(job: JobMessage): void {
    const perTask = taskNotifications(job);
    const title = h("h3", { class: "loom-je-subhead", text: "Task notifications" });
    if (perTask === null) {
      this.summary.replaceChildren(
        title,
        h("p", { class: "loom-je-muted", text: "Tasks can send notifications of their own, besides these: set them in a task's panel on the Tasks tab (Notifications section)." }),
      );
      return;
    }
    const keys = Object.keys(perTask).filter((k) => (perTask[k] ?? []).length > 0);
    if (keys.length === 0) {
      this.summary.replaceChildren(title, h("p", { class: "loom-je-muted", text: "No task sends notifications of its own." }));
      return;
    }
    const table = h(
      "table",
      { class: "loom-je-table" },
      h("thead", {}, h("tr", {}, h("th", { text: "Task" }), h("th", { text: "Notifies on" }))),
      h(
        "tbody",
        {},
        keys.map((key) => {
          const link = h("button", { type: "button", class: "loom-je-linkish", text: key, title: `Show ${key} on the Tasks tab`, "data-task": key });
          link.addEventListener("click", () => this.ctx.openTask(key));
          return h("tr", { "data-task": key }, h("td", {}, link), h("td", { text: perTask[key].map((e) => EVENT_LABELS[e] ?? e).join(", ") }));
        }),
      ),
    );
    this.summary.replaceChildren(title, table);
  }
}

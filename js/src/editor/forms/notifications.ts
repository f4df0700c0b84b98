// The notifications field: emails and webhooks per run event, and the mute settings.
import { MAX_WEBHOOKS_PER_EVENT } from "../../generated/limits";
import { h } from "../dom";
import type { FieldSpec } from "./types";
import { isObject } from "./paths";
import { StringListView } from "./rows";
import { BooleanView } from "./scalars";
import { Base, display, type Env, type View } from "./view";

const EVENTS = [
  { value: "on_start", label: "Start" },
  { value: "on_success", label: "Success" },
  { value: "on_failure", label: "Failure" },
  { value: "on_duration_warning_threshold_exceeded", label: "Duration warning" },
  { value: "on_streaming_backlog_exceeded", label: "Streaming backlog" },
];

export class NotificationsView extends Base {
  private readonly views: View[] = [];
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    const p = spec.path;
    this.claims = [[...p, "email_notifications"], [...p, "webhook_notifications"], [...p, "notification_settings"]];
    const table = h("div", { class: "loom-f-events", role: "group", "aria-label": "Notifications per event" });
    for (const ev of EVENTS) {
      const emails = new StringListView(env, { path: [...p, "email_notifications", ev.value], label: `Emails on ${ev.label.toLowerCase()}`, kind: "string_list", placeholder: "name@example.com" }, { bare: true, addLabel: "Email", rowLabel: `Email on ${ev.label.toLowerCase()}`, prefix: "mail" });
      const hooks = new StringListView(
        env,
        { path: [...p, "webhook_notifications", ev.value], label: `Webhooks on ${ev.label.toLowerCase()}`, kind: "string_list", placeholder: "Destination ID", maxItems: MAX_WEBHOOKS_PER_EVENT },
        {
          bare: true,
          addLabel: "Webhook",
          rowLabel: `Webhook on ${ev.label.toLowerCase()}`,
          prefix: "hook",
          decode: (value) => (Array.isArray(value) ? value.map((w) => ({ text: isObject(w) ? display(w.id) : display(w), orig: w })) : []),
          encode: (text, orig) => ({ ...(isObject(orig) ? orig : {}), id: text }),
        },
      );
      this.views.push(emails, hooks);
      table.append(h("div", { class: "loom-f-event", "data-event": ev.value }, h("div", { class: "loom-f-event-name" }, ev.label), h("div", { class: "loom-f-event-lists" }, emails.el, hooks.el)));
    }
    const hidden = new Set(spec.hide ?? []);
    const settings = [
      { key: "no_alert_for_skipped_runs", label: "Mute notifications for skipped runs" },
      { key: "no_alert_for_canceled_runs", label: "Mute notifications for canceled runs" },
      { key: "alert_on_last_attempt", label: "Mute notifications until the last retry" },
    ].filter((s) => !hidden.has(s.key)).map((s) => new BooleanView(env, { path: [...p, "notification_settings", s.key], label: s.label, kind: "boolean" }));
    this.views.push(...settings);
    this.body.append(table, h("div", { class: "loom-f-note" }, `Webhooks: system notification destinations, at most ${MAX_WEBHOOKS_PER_EVENT} per event.`), h("div", { class: "loom-f-settings" }, ...settings.map((v) => v.el)));
  }
  update(): void {
    for (const v of this.views ?? []) v.update();
  }
  override children(): View[] {
    return this.views;
  }
  override flush(): void {
    for (const v of this.views) v.flush();
  }
  override destroy(): void {
    for (const v of this.views) v.destroy();
  }
}

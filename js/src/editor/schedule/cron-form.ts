// The form of a cron schedule: simple or advanced (Quartz) mode, the time zone, and the preview of
// the next runs. It keeps the expression and zone being edited and sends them to the job.
import { h } from "../dom";
import { pathKey, isPrefix } from "../forms/paths";
import type { Problem, SchedulePreview, TimeZoneOption } from "../protocol";
import { problemPath } from "../tabs";
import type { JobTabContext } from "../tab-types";
import { PreviewCard } from "./preview";
import { CRON_PATH, QuartzEditor, ZONE_PATH } from "./quartz-editor";
import { SimpleEditor } from "./simple-editor";
import { renderMessages } from "./trigger-fields";
import { ZonePicker } from "./zone-picker";

type Mode = "simple" | "advanced";

export class ScheduleForm {
  readonly element: HTMLElement;
  private expression = "";
  private zone = "UTC";
  private mode: Mode | null = null; // null: automatic (simple when the expression has a form)
  private simpleAvailable: boolean | null = null;
  private preview: SchedulePreview | null = null;
  private jobProblems: Problem[] = [];

  private readonly modeBar: HTMLElement;
  private readonly modeNote: HTMLElement;
  private readonly simple: SimpleEditor;
  private readonly quartz: QuartzEditor;
  private readonly picker: ZonePicker;
  private readonly zoneMsgs: HTMLElement;
  private readonly zoneWrap: HTMLElement;
  private readonly previewCard: PreviewCard;

  constructor(
    private readonly ctx: JobTabContext,
    wantZones: () => void,
  ) {
    this.modeBar = h(
      "div",
      { class: "loom-st-seg", role: "radiogroup", "aria-label": "Schedule editor mode", "data-role": "schedule-mode" },
      h("button", { type: "button", class: "loom-st-seg-btn", role: "radio", "data-mode": "simple", text: "Simple" }),
      h("button", { type: "button", class: "loom-st-seg-btn", role: "radio", "data-mode": "advanced", text: "Advanced (Quartz cron)" }),
    );
    this.modeNote = h("span", { class: "loom-st-mode-note", "data-role": "mode-note", hidden: true });
    this.modeBar.addEventListener("click", (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>("[data-mode]");
      if (!button || button.disabled) return;
      this.mode = button.dataset.mode as Mode;
      this.renderMode();
    });

    this.simple = new SimpleEditor(ctx, (expression) => this.quartz.replace(expression));
    this.quartz = new QuartzEditor(ctx, (expression) => this.commitExpression(expression));

    this.picker = new ZonePicker((id) => this.commitZone(id), wantZones);
    this.zoneMsgs = h("div", { class: "loom-st-msgs", "data-role": "zone-problems" });
    this.zoneWrap = h(
      "div",
      { class: "loom-st-field loom-st-field--wide", "data-path": pathKey(ZONE_PATH) },
      h("div", { class: "loom-st-label", text: "Time zone" }),
      h("div", { class: "loom-st-control" }, this.picker.element, this.picker.note, this.zoneMsgs),
    );

    this.previewCard = new PreviewCard(ctx, (preview) => this.onPreview(preview));

    const editor = h(
      "section",
      { class: "loom-st-card loom-st-editor" },
      h("div", { class: "loom-st-mode-row" }, h("h4", { class: "loom-st-card-title", text: "Schedule" }), this.modeBar, this.modeNote),
      this.simple.element,
      this.quartz.element,
      this.zoneWrap,
    );
    this.element = h("div", { class: "loom-st-scheduled" }, editor, this.previewCard.element);
    this.renderMode();
  }

  setZones(zones: TimeZoneOption[]): void {
    this.picker.setZones(zones);
  }

  /** The job's schedule (from Python): fill in without clobbering typing; preview when it changed. */
  setSchedule(expression: string, zone: string): void {
    if (this.quartz.setFromJob(expression)) this.expression = expression;
    this.zone = zone;
    this.picker.set(zone);
    this.simple.showQuartz(this.expression);
    this.previewCard.request(this.expression, this.zone);
  }

  showJobProblems(problems: Problem[]): void {
    this.jobProblems = problems;
    this.renderFieldProblems();
  }

  flush(): void {
    this.quartz.flush();
  }

  destroy(): void {
    this.quartz.cancel();
    this.picker.destroy();
  }

  private commitExpression(expression: string): void {
    if (expression === this.expression && this.previewCard.isOf(expression, this.zone)) return;
    this.expression = expression;
    this.ctx.setJobField(CRON_PATH, expression);
    this.simple.showQuartz(expression);
    this.previewCard.request(expression, this.zone);
  }

  private commitZone(zone: string): void {
    this.quartz.flush();
    this.zone = zone;
    this.ctx.setJobField(ZONE_PATH, zone);
    this.previewCard.request(this.expression, zone);
  }

  private onPreview(preview: SchedulePreview): void {
    this.preview = preview;
    this.simpleAvailable = preview.simple !== null;
    if (preview.simple) this.simple.set(preview.simple);
    this.renderMode();
    this.renderFieldProblems();
  }

  private renderFieldProblems(): void {
    const cronProblems: Problem[] = [];
    const zoneProblems: Problem[] = [];
    const previewProblems = this.preview && this.preview.expression === this.expression && this.preview.timezone_id === this.zone ? this.preview.problems : [];
    for (const p of [...previewProblems, ...this.jobProblems]) {
      const path = problemPath(p) ?? [];
      if (isPrefix(ZONE_PATH, path)) zoneProblems.push(p);
      else cronProblems.push(p);
    }
    this.quartz.showProblems(cronProblems);
    renderMessages(this.zoneMsgs, zoneProblems);
    const zoneInvalid = zoneProblems.some((p) => p.severity === "error");
    this.zoneWrap.classList.toggle("loom-st-invalid", zoneInvalid);
    this.picker.markProblem(zoneInvalid, this.zoneMsgs);
    // In simple mode the expression field is hidden: show its errors there too.
    this.simple.showProblems(this.effectiveMode() === "simple" ? cronProblems : []);
  }

  private effectiveMode(): Mode {
    if (this.mode === "advanced") return "advanced";
    if (this.simpleAvailable === true) return "simple";
    return "advanced";
  }

  private renderMode(): void {
    const mode = this.effectiveMode();
    for (const button of Array.from(this.modeBar.querySelectorAll<HTMLButtonElement>("[data-mode]"))) {
      const on = button.dataset.mode === mode;
      button.setAttribute("aria-checked", on ? "true" : "false");
      if (button.dataset.mode === "simple") {
        button.disabled = this.simpleAvailable === false;
        button.title = this.simpleAvailable === false ? "This expression has no simple form: edit it as Quartz" : "Every N minutes, hours, days or weeks at a time of day";
      }
    }
    this.element.dataset.scheduleMode = mode;
    this.simple.element.hidden = mode !== "simple";
    this.quartz.element.hidden = mode !== "advanced";
    const forced = this.simpleAvailable === false && this.preview?.valid === true;
    this.modeNote.hidden = !forced;
    this.modeNote.textContent = forced ? "Simple mode cannot state this schedule exactly, so it is edited as Quartz." : "";
  }
}

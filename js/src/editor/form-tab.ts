// What the forms-based job tabs (Details, Notifications, Parameters) share: a page of sections
// drawn with the forms' renderSections from the job's settings, edits sent as set_job_field,
// the job-level problems of this tab shown at their fields, and the bundle warning.
import { h } from "./dom";
import { renderSections } from "./forms/render";
import { getPath, jsonEqual } from "./forms/paths";
import type { FormContext, FormHandle, SectionSpec } from "./forms/types";
import type { Choice, FromPython, JsonPath, PickerKind, Problem, ReferenceChoice } from "./protocol";
import type { JobMessage, JobTab, JobTabId } from "./tab-types";
import { problemPath, tabOfPath, type JobTabShell } from "./tabs";

function signature(sections: SectionSpec[]): string {
  return JSON.stringify(sections.map((s) => [s.id, s.title, s.fields.map((f) => [f.kind, f.path, f.label, (f.fields ?? []).length])]));
}

export abstract class FormTab implements JobTab {
  abstract readonly id: Exclude<JobTabId, "tasks">;
  readonly element: HTMLElement;
  protected readonly intro: HTMLElement;
  protected readonly banner: HTMLElement;
  protected readonly body: HTMLElement;
  protected readonly extra: HTMLElement;
  protected job: JobMessage | null = null;
  protected handle: FormHandle | null = null;
  private sig = "";
  private problems: Problem[] = [];
  private readonly loading: HTMLElement;

  constructor(protected readonly ctx: JobTabShell) {
    this.intro = h("div", { class: "loom-je-jobtab-intro" });
    this.banner = h("div", { class: "loom-je-bundle-banner", role: "note", hidden: true });
    this.body = h("div", { class: "loom-je-jobtab-body" });
    this.extra = h("div", { class: "loom-je-jobtab-extra" });
    this.loading = h("div", { class: "loom-je-jobtab-loading" }, h("span", { class: "loom-je-spinner" }), " Loading the job…");
    this.element = h("div", { class: "loom-je-jobtab" }, h("div", { class: "loom-je-jobtab-page" }, this.banner, this.intro, this.loading, this.body, this.extra));
  }

  /** The sections of this tab for these settings. */
  protected abstract sections(settings: Record<string, unknown>): SectionSpec[];

  /** The { } helper's list (none by default). */
  protected references(): Promise<ReferenceChoice[]> {
    return Promise.resolve([]);
  }

  /** After the forms were updated (the tab's own extras). */
  protected afterUpdate(_job: JobMessage): void {}

  private context(): FormContext {
    return {
      change: (path: JsonPath, value: unknown) => this.change(path, value),
      pick: (what: PickerKind, options?: { path?: string; query?: string }) => this.pick(what, options),
      references: () => this.references(),
      taskKeys: () => this.job?.task_keys ?? [],
      usage: (what) => (what === "job_cluster" ? this.job?.job_clusters_in_use : this.job?.environments_in_use) ?? {},
      edit: (op) => this.ctx.edit(op),
      openTask: (key) => this.ctx.openTask(key),
    };
  }

  protected change(path: JsonPath, value: unknown): void {
    // The forms keep their copy of the settings in step (Python sends no `job` back for it).
    this.ctx.setJobField(path, value);
  }

  private async pick(what: PickerKind, options: { path?: string; query?: string } = {}): Promise<Choice[]> {
    const message: { kind: "pick"; request_id: number; what: PickerKind; path?: string; query?: string } = { kind: "pick", request_id: this.ctx.nextId(), what };
    if (options.path !== undefined) message.path = options.path;
    if (options.query !== undefined) message.query = options.query;
    const reply = await this.ctx.request<Extract<FromPython, { kind: "choices" }>>(message);
    if (reply.error) throw new Error(reply.error);
    return reply.items ?? [];
  }

  update(job: JobMessage): void {
    this.job = job;
    const settings = job.settings ?? {};
    this.loading.hidden = true;
    const warning = job.deployment_warning ?? null;
    this.banner.hidden = warning === null;
    if (warning !== null && this.banner.dataset.text !== warning) {
      this.banner.dataset.text = warning;
      const [first, ...rest] = warning.split(": ");
      this.banner.replaceChildren(
        h("span", { class: "loom-je-bundle-icon", "aria-hidden": "true", text: "!" }),
        h("div", {}, h("strong", { text: rest.length ? `${first}:` : first }), " ", ...formatTicks(rest.join(": "))),
      );
    }
    const sections = this.sections(settings);
    const sig = signature(sections);
    if (this.handle && sig === this.sig) {
      this.handle.update(settings);
    } else {
      // First time, or another structure (a field appeared): draw again, keeping the scroll.
      const scroller = this.element.parentElement;
      const scroll = scroller?.scrollTop ?? 0;
      if (this.handle) {
        this.handle.flush();
        this.handle.destroy();
      }
      this.sig = sig;
      this.body.replaceChildren();
      this.handle = renderSections(this.body, sections, settings, this.context());
      this.handle.showProblems(this.mine(this.problems));
      if (scroller) scroller.scrollTop = scroll;
    }
    this.afterUpdate(job);
  }

  /** This tab's problems among the job-level ones, with their path. */
  protected mine(problems: Problem[]): Problem[] {
    return problems.filter((p) => tabOfPath(problemPath(p)) === this.id).map((p) => ({ ...p, path: problemPath(p) }));
  }

  showProblems(problems: Problem[]): void {
    this.problems = problems;
    this.handle?.showProblems(this.mine(problems));
    this.element.dataset.problems = String(this.mine(problems).length);
  }

  showEditError(message: string, path: JsonPath): Record<string, unknown> | null {
    const handle = this.handle;
    return handle?.refuse(path, message) ? handle.current() : null;
  }

  /** The current value of a settings path (as this tab last saw or set it). */
  protected valueAt(path: JsonPath): unknown {
    return getPath(this.job?.settings, path);
  }

  protected same(a: unknown, b: unknown): boolean {
    return jsonEqual(a, b);
  }

  flush(): void {
    this.handle?.flush();
  }

  destroy(): void {
    this.handle?.destroy();
    this.handle = null;
  }
}

/** `code` spans for the text between backticks. */
export function formatTicks(text: string): (string | HTMLElement)[] {
  return text.split("`").map((part, i) => (i % 2 === 1 ? h("code", { text: part }) : part));
}

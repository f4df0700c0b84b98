// The Details tab: the job's own settings (name, description, tags, runs, run as, Git source,
// health rules, job clusters, environments, deployment), drawn from forms/job-spec.ts.
import { FormTab } from "./form-tab";
import { jobSections } from "./forms/job-spec";
import type { SectionSpec } from "./forms/types";

export class DetailsTab extends FormTab {
  readonly id = "details" as const;

  constructor(ctx: ConstructorParameters<typeof FormTab>[0]) {
    super(ctx);
    this.element.dataset.tab = "details";
  }

  protected sections(settings: Record<string, unknown>): SectionSpec[] {
    return jobSections(settings);
  }
}

// The Parameters tab: the job's parameters [{name, default}] as an ordered list (add, remove,
// rename, edit the default, reorder). Python checks the names live.
import { h } from "./dom";
import { FormTab, formatTicks } from "./form-tab";
import { parameterSections } from "./forms/job-spec";
import type { SectionSpec } from "./forms/types";
import type { ReferenceChoice } from "./protocol";

/** The dynamic value references a job parameter's default may hold (job-level ones only). */
export const JOB_REFERENCES: ReferenceChoice[] = [
  { reference: "{{job.id}}", description: "The job's ID" },
  { reference: "{{job.name}}", description: "The job's name" },
  { reference: "{{job.run_id}}", description: "The run's ID" },
  { reference: "{{job.repair_count}}", description: "The repair attempt (0 for the first run)" },
  { reference: "{{job.start_time.iso_date}}", description: "The run's start date (UTC)" },
  { reference: "{{job.start_time.iso_datetime}}", description: "The run's start date and time (UTC)" },
  { reference: "{{job.start_time.timestamp_ms}}", description: "The run's start, ms since the epoch" },
  { reference: "{{job.trigger.type}}", description: "What started the run (PERIODIC, ONE_TIME, FILE_ARRIVAL…)" },
  { reference: "{{job.trigger.time.iso_datetime}}", description: "The trigger's time (a schedule's fire time)" },
  { reference: "{{job.trigger.file_arrival.location}}", description: "The file arrival trigger's location" },
  { reference: "{{workspace.id}}", description: "The workspace's ID" },
  { reference: "{{workspace.url}}", description: "The workspace's URL" },
];

export class ParametersTab extends FormTab {
  readonly id = "parameters" as const;

  constructor(ctx: ConstructorParameters<typeof FormTab>[0]) {
    super(ctx);
    this.element.dataset.tab = "parameters";
    this.intro.append(
      h(
        "p",
        {},
        ...formatTicks("Parameters of every run of the job, in this order. Tasks read them as `{{job.parameters.<name>}}`; a run can override their defaults. Drag a row by its handle, or use the arrows, to reorder."),
      ),
    );
  }

  protected sections(): SectionSpec[] {
    return parameterSections();
  }

  protected override references(): Promise<ReferenceChoice[]> {
    return Promise.resolve(JOB_REFERENCES);
  }
}

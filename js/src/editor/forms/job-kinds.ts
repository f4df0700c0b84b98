// Registers the job-level field kinds with the forms' factory (factory.ts createView). Imported
// by job-spec.ts, so whoever draws jobSections has them.
import { registerFieldKind } from "./factory";
import { EnvironmentsView } from "./environments";
import { HealthRulesView } from "./health-rules";
import { JobClustersView } from "./job-clusters";
import { JobParametersView } from "./job-parameters";
import { OptionalView } from "./optional";
import { ReadonlyView } from "./readonly";

registerFieldKind("optional", (env, spec) => new OptionalView(env, spec));
registerFieldKind("readonly", (env, spec) => new ReadonlyView(env, spec));
registerFieldKind("health_rules", (env, spec) => new HealthRulesView(env, spec));
registerFieldKind("job_parameters", (env, spec) => new JobParametersView(env, spec));
registerFieldKind("job_clusters", (env, spec) => new JobClustersView(env, spec));
registerFieldKind("environments", (env, spec) => new EnvironmentsView(env, spec));

export const JOB_KINDS = ["optional", "readonly", "health_rules", "job_parameters", "job_clusters", "environments"] as const;

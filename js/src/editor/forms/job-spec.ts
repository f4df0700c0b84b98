// Which sections and fields the job-level tabs show: pure data, from the job's settings (paths
// from the settings' root). Drawn with renderSections like the task forms.
import { MAX_CONCURRENT_RUNS, MAX_TAGS } from "../../generated/limits";
import type { FieldSpec, SectionSpec } from "./types";
import { getPath, isObject } from "./paths";
import "./job-kinds";

/** At most this many tags on a job (the Jobs API's limit). */
export { MAX_TAGS };

export const GIT_PROVIDERS = [
  { value: "gitHub", label: "GitHub" },
  { value: "gitHubEnterprise", label: "GitHub Enterprise" },
  { value: "bitbucketCloud", label: "Bitbucket Cloud" },
  { value: "bitbucketServer", label: "Bitbucket Server" },
  { value: "gitLab", label: "GitLab" },
  { value: "gitLabEnterpriseEdition", label: "GitLab Enterprise Edition" },
  { value: "azureDevOpsServices", label: "Azure DevOps Services" },
  { value: "awsCodeCommit", label: "AWS CodeCommit" },
];

export const PERFORMANCE_TARGETS = [
  { value: "", label: "Default" },
  { value: "PERFORMANCE_OPTIMIZED", label: "Performance optimized" },
  { value: "STANDARD", label: "Standard (cost optimized)" },
];

export const EDIT_MODES = [
  { value: "EDITABLE", label: "Editable" },
  { value: "UI_LOCKED", label: "Locked in the UI" },
];

function present(settings: Record<string, unknown>, keys: string[]): boolean {
  return keys.some((k) => {
    const v = settings[k];
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) return v.length > 0;
    if (isObject(v)) return Object.keys(v).length > 0;
    return true;
  });
}

/** The Details tab: general, run settings, run as, Git, health, job clusters, environments, deployment. */
export function jobSections(settings: Record<string, unknown>): SectionSpec[] {
  const s = isObject(settings) ? settings : {};
  const gitRef: FieldSpec = {
    path: ["git_source"],
    label: "Reference",
    kind: "variant",
    variants: [
      { value: "git_branch", label: "Branch", fields: [{ path: ["git_source", "git_branch"], label: "Branch", kind: "text", required: true, placeholder: "main" }] },
      { value: "git_tag", label: "Tag", fields: [{ path: ["git_source", "git_tag"], label: "Tag", kind: "text", required: true, placeholder: "v1.0.0" }] },
      { value: "git_commit", label: "Commit", fields: [{ path: ["git_source", "git_commit"], label: "Commit", kind: "text", required: true, placeholder: "e0056d01…" }] },
    ],
  };
  return [
    {
      id: "general",
      title: "General",
      fields: [
        { path: ["name"], label: "Name", kind: "text", required: true, placeholder: "Untitled job" },
        { path: ["description"], label: "Description", kind: "textarea", placeholder: "What this job does (Markdown)" },
        { path: ["tags"], label: "Tags", kind: "key_value", maxItems: MAX_TAGS, addLabel: "Add tag", help: `Key and optional value; at most ${MAX_TAGS} tags. Tags also label the job's clusters.` },
      ],
    },
    {
      id: "run",
      title: "Runs",
      fields: [
        { path: ["max_concurrent_runs"], label: "Maximum concurrent runs", kind: "number", min: 0, max: MAX_CONCURRENT_RUNS, placeholder: "1", help: "Runs beyond it are queued (if queueing is on) or skipped; 0 skips every new run." },
        { path: ["queue", "enabled"], label: "Queue runs that cannot start yet", kind: "boolean", keepFalse: true },
        { path: ["timeout_seconds"], label: "Timeout", kind: "duration", unit: "s", placeholder: "None", help: "A run taking longer is canceled. Empty or 0: no timeout." },
        { path: ["performance_target"], label: "Performance target", kind: "select", options: PERFORMANCE_TARGETS, default: "", help: "Serverless tasks: fast start and run, or lower cost." },
        { path: ["budget_policy_id"], label: "Budget policy", kind: "text", placeholder: "Budget policy ID", help: "Attributes serverless usage to a budget policy." },
      ],
    },
    {
      id: "run_as",
      title: "Run as",
      fields: [
        {
          path: ["run_as"],
          label: "Identity",
          kind: "variant",
          variants: [
            { value: "user_name", label: "User", fields: [{ path: ["run_as", "user_name"], label: "User", kind: "text", placeholder: "The job's owner", help: "An email address; empty: the job runs as its owner." }] },
            { value: "service_principal_name", label: "Service principal", fields: [{ path: ["run_as", "service_principal_name"], label: "Application ID", kind: "text", required: true, placeholder: "9f0621ee-b52b-…" }] },
          ],
        },
      ],
    },
    {
      id: "git",
      title: "Git source",
      collapsed: !present(s, ["git_source"]),
      fields: [
        {
          path: ["git_source"],
          label: "Tasks run code from a Git repository",
          kind: "optional",
          init: { git_provider: "gitHub" },
          fields: [
            { path: ["git_source", "git_provider"], label: "Provider", kind: "select", required: true, options: GIT_PROVIDERS },
            { path: ["git_source", "git_url"], label: "Repository URL", kind: "text", required: true, placeholder: "https://github.com/org/repo" },
            gitRef,
          ],
        },
      ],
    },
    {
      id: "health",
      title: "Health rules",
      collapsed: !present(s, ["health"]),
      fields: [{ path: ["health"], label: "Rules", kind: "health_rules", help: "A run breaking a rule sends the Duration warning or Streaming backlog notifications." }],
    },
    {
      id: "job_clusters",
      title: "Job clusters",
      fields: [{ path: ["job_clusters"], label: "Job clusters", kind: "job_clusters", addLabel: "Add job cluster" }],
    },
    {
      id: "environments",
      title: "Environments",
      collapsed: !present(s, ["environments"]),
      fields: [{ path: ["environments"], label: "Environments", kind: "environments", addLabel: "Add environment" }],
    },
    {
      id: "deployment",
      title: "Deployment",
      collapsed: !present(s, ["deployment"]) && getPath(s, ["edit_mode"]) !== "UI_LOCKED",
      fields: [
        { path: ["edit_mode"], label: "Edit mode", kind: "readonly", options: EDIT_MODES, placeholder: "Editable" },
        { path: ["deployment"], label: "Deployment", kind: "readonly", placeholder: "Not deployed by a bundle" },
      ],
    },
  ];
}

/** The Notifications tab: the job's own notifications (alert_on_last_attempt is per task only). */
export function notificationSections(): SectionSpec[] {
  return [
    {
      id: "notifications",
      title: "Job notifications",
      fields: [{ path: [], label: "Notifications", kind: "notifications", hide: ["alert_on_last_attempt"] }],
    },
  ];
}

/** The Parameters tab. */
export function parameterSections(): SectionSpec[] {
  return [
    {
      id: "parameters",
      title: "Job parameters",
      fields: [{ path: ["parameters"], label: "Job parameters", kind: "job_parameters", references: true, addLabel: "Add parameter" }],
    },
  ];
}

/**
 * The warning a job deployed by a bundle (or locked in the UI) shows before it is edited; null
 * for a job edited here.
 */

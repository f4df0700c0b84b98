// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { GIT_PROVIDERS, MAX_TAGS, jobSections, notificationSections, parameterSections } from "../src/editor/forms/job-spec";
import type { FieldSpec, SectionSpec } from "../src/editor/forms/types";
import { problemPath, tabOfPath } from "../src/editor/tabs";

function allFields(sections: SectionSpec[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  const walk = (fields: FieldSpec[]) => {
    for (const f of fields) {
      out.push(f);
      walk(f.fields ?? []);
      for (const v of f.variants ?? []) walk(v.fields);
    }
  };
  for (const s of sections) walk(s.fields);
  return out;
}

/** The first field at each path (a composite comes before its children). */
function byPath(sections: SectionSpec[]): Map<string, FieldSpec> {
  const map = new Map<string, FieldSpec>();
  for (const f of allFields(sections)) if (!map.has(f.path.join("."))) map.set(f.path.join("."), f);
  return map;
}

describe("jobSections", () => {
  const fields = byPath(jobSections({}));

  it("puts every documented job field at its path from the settings' root", () => {
    for (const path of [
      "name",
      "description",
      "tags",
      "max_concurrent_runs",
      "queue.enabled",
      "timeout_seconds",
      "performance_target",
      "budget_policy_id",
      "run_as",
      "run_as.user_name",
      "run_as.service_principal_name",
      "git_source",
      "git_source.git_provider",
      "git_source.git_url",
      "git_source.git_branch",
      "git_source.git_tag",
      "git_source.git_commit",
      "health",
      "job_clusters",
      "environments",
      "edit_mode",
      "deployment",
    ]) {
      expect(fields.has(path), path).toBe(true);
    }
  });

  it("uses the job-level kinds", () => {
    expect(fields.get("tags")).toMatchObject({ kind: "key_value", maxItems: MAX_TAGS });
    expect(MAX_TAGS).toBe(25);
    expect(fields.get("timeout_seconds")).toMatchObject({ kind: "duration", unit: "s" });
    expect(fields.get("queue.enabled")).toMatchObject({ kind: "boolean", keepFalse: true });
    expect(fields.get("health")?.kind).toBe("health_rules");
    expect(fields.get("job_clusters")?.kind).toBe("job_clusters");
    expect(fields.get("environments")?.kind).toBe("environments");
    expect(fields.get("git_source")?.kind).toBe("optional");
    expect(fields.get("edit_mode")?.kind).toBe("readonly");
    expect(fields.get("deployment")?.kind).toBe("readonly");
    expect(fields.get("run_as")?.variants?.map((v) => v.value)).toEqual(["user_name", "service_principal_name"]);
  });

  it("offers the documented git providers and performance targets", () => {
    expect(GIT_PROVIDERS.map((p) => p.value).sort()).toEqual(
      ["gitHub", "bitbucketCloud", "gitLab", "azureDevOpsServices", "gitHubEnterprise", "bitbucketServer", "gitLabEnterpriseEdition", "awsCodeCommit"].sort(),
    );
    expect(fields.get("performance_target")?.options?.map((o) => o.value)).toEqual(["", "PERFORMANCE_OPTIMIZED", "STANDARD"]);
  });

  it("opens the sections that hold something", () => {
    const closed = (settings: Record<string, unknown>, id: string) => jobSections(settings).find((s) => s.id === id)?.collapsed;
    expect(closed({}, "git")).toBe(true);
    expect(closed({ git_source: { git_provider: "gitHub" } }, "git")).toBe(false);
    expect(closed({ deployment: { kind: "BUNDLE" } }, "deployment")).toBe(false);
  });

  it("notifications at the root without alert_on_last_attempt; parameters as one list", () => {
    const n = allFields(notificationSections());
    expect(n).toHaveLength(1);
    expect(n[0]).toMatchObject({ path: [], kind: "notifications", hide: ["alert_on_last_attempt"] });
    expect(allFields(parameterSections())[0]).toMatchObject({ path: ["parameters"], kind: "job_parameters" });
  });
});

describe("problems to tabs", () => {
  it("route by the path's first key", () => {
    expect(tabOfPath(["parameters", 2, "name"])).toBe("parameters");
    expect(tabOfPath(["email_notifications", "on_failure", 0])).toBe("notifications");
    expect(tabOfPath(["schedule", "quartz_cron_expression"])).toBe("schedule");
    expect(tabOfPath(["trigger", "file_arrival", "url"])).toBe("schedule");
    // `triggers` is a trigger field too (the list comes from the Python side, generated).
    expect(tabOfPath(["triggers", 0, "periodic"])).toBe("schedule");
    expect(tabOfPath(["job_clusters", 0, "new_cluster", "spark_version"])).toBe("details");
    expect(tabOfPath(null)).toBe("details");
  });

  it("read a path from `field` when Python sent none", () => {
    const p = { code: "x", severity: "error" as const, message: "m", task_key: null, field: "parameters[2].name" };
    expect(problemPath(p)).toEqual(["parameters", 2, "name"]);
    expect(problemPath({ ...p, path: ["tags"] })).toEqual(["tags"]);
    expect(problemPath({ ...p, field: null })).toBeNull();
  });
});

// The "environments" field kind: the job's serverless environments (environment_key + spec:
// environment_version or the older client, dependencies), as cards with the tasks using each.
import type { FieldSpec } from "./types";
import type { Env } from "./view";
import { CardsView, type Card } from "./cards";
import { getPath } from "./paths";

const SHOWN = new Set(["environment_key", "spec"]);

export class EnvironmentsView extends CardsView {
  protected readonly keyName = "environment_key";
  protected readonly usageKind = "environment" as const;
  protected readonly noun = "environment";

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec);
    this.el.classList.add("loom-f-environments");
    this.update();
  }

  protected emptyText(): string {
    return "No environments. Python script, wheel and dbt tasks on serverless compute need one (their dependencies).";
  }

  protected shownKeys(): Set<string> {
    return SHOWN;
  }

  protected fields(index: number, item: Record<string, unknown>): FieldSpec[] {
    const at = (...rest: string[]) => this.at(index, "spec", ...rest);
    const fields: FieldSpec[] = [
      { path: at("environment_version"), label: "Environment version", kind: "text", placeholder: "2", help: "The serverless environment version: its Python and system libraries." },
    ];
    if (getPath(item, ["spec", "client"]) !== undefined) fields.push({ path: at("client"), label: "Client (deprecated)", kind: "text", help: "Use the environment version instead." });
    fields.push({ path: at("dependencies"), label: "Dependencies", kind: "string_list", placeholder: "pandas==2.2.2, or /Volumes/…/my.whl", addLabel: "Add dependency", help: "pip requirements: a package, a wheel or requirements file path." });
    return fields;
  }

  protected newItem(key: string): Record<string, unknown> {
    return { environment_key: key, spec: { environment_version: "2" } };
  }

  protected override itemSig(item: Record<string, unknown>): string {
    return getPath(item, ["spec", "client"]) !== undefined ? "client" : "";
  }

  protected rename(index: number, _from: string, to: string): void {
    this.env.send(this.spec.path, this.renamed(index, to));
    this.update();
  }

  protected override decorate(card: Card): [] {
    // No edit moves tasks to another environment yet: an environment in use keeps its key.
    const users = this.usedBy(card.key);
    if (users.length > 0) {
      card.keyInput.readOnly = true;
      card.keyInput.title = `Used by ${users.length === 1 ? "a task" : `${users.length} tasks`}: renaming it would leave ${users.length === 1 ? "it" : "them"} on a missing environment`;
    }
    return [];
  }
}

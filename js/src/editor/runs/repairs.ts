// The repair history of a run: the original run and each repair (`repair_history`), when it ran,
// which task runs it made (by task key) and how it ended; choosing one lists the task runs of
// that round. Read from the run detail alone: each attempt already carries its repair.
import type { RunDetail, TaskRunView } from "../protocol";
import { formatDuration, formatTime, stateLabel } from "./format";
import { h, stateBadge } from "./ui";

export interface RepairRound {
  /** "ORIGINAL" or "REPAIR" */
  type: string;
  /** the repair's id; null for the original run */
  id: number | null;
  startTime: number | null;
  endTime: number | null;
  /** its result once it ended, else where it is in its life cycle */
  state: string;
  stateMessage: string;
  /** the task runs it made, in the order of the run's attempts */
  taskRuns: TaskRunView[];
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : null;
}

/** The state word of a `repair_history` item: its result once terminated, else its life cycle. */
export function roundState(item: Record<string, unknown>): string {
  const state = (item.state ?? {}) as Record<string, unknown>;
  const life = typeof state.life_cycle_state === "string" ? state.life_cycle_state : null;
  const result = typeof state.result_state === "string" ? state.result_state : null;
  if (result && (life === "TERMINATED" || life === "INTERNAL_ERROR" || life === "SKIPPED")) return result;
  if (life) return life;
  const status = (item.status ?? {}) as Record<string, unknown>;
  return typeof status.state === "string" ? status.state : "UNKNOWN";
}

/** Each round of a run (the original, then its repairs), oldest first; empty without a history. */
export function repairRounds(run: Pick<RunDetail, "repair_history" | "attempts">): RepairRound[] {
  const byId = new Map<number, TaskRunView>();
  for (const attempt of run.attempts) if (attempt.run_id !== null) byId.set(attempt.run_id, attempt);
  return run.repair_history.map((item) => {
    const ids = Array.isArray(item.task_run_ids) ? (item.task_run_ids as unknown[]) : [];
    const taskRuns = ids.map((id) => (typeof id === "number" ? byId.get(id) : undefined)).filter((t): t is TaskRunView => t !== undefined);
    const message = ((item.state ?? {}) as Record<string, unknown>).state_message;
    return {
      type: typeof item.type === "string" ? item.type : "REPAIR",
      id: item.type === "REPAIR" ? num(item.id) : null,
      startTime: num(item.start_time),
      endTime: num(item.end_time),
      state: roundState(item),
      stateMessage: typeof message === "string" ? message : "",
      taskRuns,
    };
  });
}

/** "Original run" or "Repair 2 (id 123)": repairs numbered from 1 in their order. */
export function roundTitle(round: RepairRound, position: number): string {
  if (round.type !== "REPAIR") return "Original run";
  return round.id !== null ? `Repair ${position} (id ${round.id})` : `Repair ${position}`;
}

/** The task keys a round ran, each once, in order: "ingest, load". */
export function rerunText(round: RepairRound): string {
  const keys = [...new Set(round.taskRuns.map((t) => t.task_key))];
  return keys.length ? keys.join(", ") : "—";
}

/**
 * The repair history section: one row per round; choosing a row (click, Enter) opens the list of
 * its task runs below it, `onTask` opens one of them (its task key and task run id). Null for a
 * run never repaired.
 */
export function repairSection(run: RunDetail, onTask: (taskKey: string, runId: number | null) => void): HTMLElement | null {
  const rounds = repairRounds(run);
  if (!rounds.some((r) => r.type === "REPAIR")) return null;
  let repairs = 0;
  const items = rounds.map((round) => {
    const position = round.type === "REPAIR" ? ++repairs : 0;
    const title = roundTitle(round, position);
    const duration = round.startTime && round.endTime ? formatDuration(round.endTime - round.startTime) : "—";
    const tasks = h(
      "ul",
      { class: "loom-runs-round-tasks", "data-role": "round-tasks" },
      round.taskRuns.map((t) => {
        const open = h("button", { type: "button", class: "loom-runs-link", "data-action": "open-round-task", "data-task": t.task_key, title: `Show task run ${t.run_id ?? ""}`, text: t.task_key });
        open.addEventListener("click", () => onTask(t.task_key, t.run_id));
        return h(
          "li",
          { "data-run-id": t.run_id ?? "", "data-state": t.state },
          open,
          stateBadge(t.state),
          h("span", { class: "loom-runs-muted", text: `task run ${t.run_id ?? "—"} · ${formatDuration(t.start_time && t.end_time ? t.end_time - t.start_time : null)}` }),
        );
      }),
    );
    return h(
      "details",
      { class: "loom-runs-round", "data-role": "repair-round", "data-type": round.type, "data-repair-id": round.id ?? "", "data-state": round.state },
      h(
        "summary",
        { title: round.stateMessage || stateLabel(round.state) },
        h("span", { class: "loom-runs-round-title", text: title }),
        stateBadge(round.state),
        h("span", { class: "loom-runs-time", text: formatTime(round.startTime) }),
        h("span", { class: "loom-runs-num", text: duration }),
        h("span", { class: "loom-runs-round-rerun", "data-role": "reran", text: `${round.type === "REPAIR" ? "Reran" : "Ran"}: ${rerunText(round)}` }),
      ),
      tasks,
    );
  });
  return h(
    "section",
    { class: "loom-runs-repairs", "data-role": "repair-history", "aria-label": "Repair history" },
    h("div", { class: "loom-runs-section-title", text: `Repair history (${repairs} repair${repairs === 1 ? "" : "s"})` }),
    h("div", { class: "loom-runs-muted", text: "The Jobs API does not return the parameters of a repair: each round shows the task runs it made." }),
    items,
  );
}

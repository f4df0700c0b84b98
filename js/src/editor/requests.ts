// Requests to Python answered by request_id (pickers, references, the job tabs' questions): each
// a promise, settled by the reply or rejected when none comes.
import type { Choice, FromPython, PickerKind, ReferenceChoice, ToPython } from "./protocol";

const REQUEST_TIMEOUT_MS = 30_000;

/** Replies to a job tab's request, matched by request_id. */
const REPLY_KINDS = new Set([
  "schedule_preview",
  "simple_schedule",
  "from_unix",
  "time_zones",
  // the Runs tab's
  "runs",
  "run",
  "task_output",
  "iterations",
  "repair_preview",
  "matrix",
]);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: number;
  /** A job tab's request: resolved with Python's whole reply (else with its items). */
  raw?: boolean;
}

export class PythonRequests {
  private lastId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly send: (message: ToPython) => void) {}

  /** A new request_id (edits carry one too). */
  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  request<T>(message: ToPython & { request_id: number }, raw = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(message.request_id);
        reject(new Error("No answer from Python (is the kernel running?)"));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(message.request_id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
        raw,
      });
      this.send(message);
    });
  }

  pick(what: PickerKind, options: { path?: string; query?: string } = {}): Promise<Choice[]> {
    const message: ToPython & { request_id: number } = { kind: "pick", request_id: this.nextId(), what };
    if (options.path !== undefined) message.path = options.path;
    if (options.query !== undefined) message.query = options.query;
    return this.request<Choice[]>(message);
  }

  references(taskKey: string): Promise<ReferenceChoice[]> {
    return this.request<ReferenceChoice[]>({ kind: "references", request_id: this.nextId(), task_key: taskKey });
  }

  settle(id: number, value: unknown, error?: string, message?: FromPython): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    // A job tab reads the whole reply (its error included).
    if (entry.raw && message) entry.resolve(message);
    else if (error) entry.reject(new Error(error));
    else entry.resolve(value);
  }

  /** Settles the request a job tab's reply answers; false when `message` is no such reply. */
  settleReply(message: FromPython): boolean {
    if (!REPLY_KINDS.has(message.kind)) return false;
    const reply = message as FromPython & { request_id: number; error?: string };
    this.settle(reply.request_id, reply, reply.error, reply);
    return true;
  }

  destroy(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }
}

// In-memory fakes of the runs' ports: the checkpoint store (ETags, conditional
// writes, another writer on cue), the log source, the notifier.
import { decodeCheckpoint, type Checkpoint } from "../../handler/core/checkpoint.js";
import type { LogEvent } from "../../handler/core/log-event.js";
import type { TimeWindow } from "../../handler/core/plan.js";
import type { SlackMessage } from "../../handler/core/render.js";
import type { Notifier } from "../../handler/io/notifier.js";
import { SlackError } from "../../handler/io/slack.js";
import type { CheckpointStore, StoredObject, WriteCondition, WriteResult } from "../../handler/io/state-store.js";
import type { LogSource } from "../../handler/scheduled-run.js";
import { pixLine, WATCHED } from "../support/pix-lines.js";

export { WATCHED };
export const GROUP = "/aws/lambda/pix-payload";

/** An S3 object with ETags and conditional writes; `onWrite` lets a test play another writer just before a write lands. */
export class MemoryStore implements CheckpointStore {
  readonly where = "s3://state/lastId.txt";
  private object: StoredObject | null = null;
  private version = 0;
  readonly writes: string[] = [];
  onWrite: ((store: MemoryStore, n: number) => void) | undefined;

  constructor(body?: string) {
    if (body !== undefined) this.put(body);
  }

  /** Another writer replaces the object (unconditionally). */
  put(body: string): void {
    this.version++;
    this.object = { body, etag: `"v${this.version}"` };
  }

  get body(): string | null {
    return this.object?.body ?? null;
  }

  get checkpoint(): Checkpoint | null {
    const d = decodeCheckpoint(this.body, this.where);
    return d.kind === "current" ? d.checkpoint : null;
  }

  async read(): Promise<StoredObject | null> {
    return this.object;
  }

  async write(body: string, condition: WriteCondition): Promise<WriteResult> {
    const hook = this.onWrite;
    if (hook !== undefined) hook(this, this.writes.length + 1);
    const matches = "ifMatch" in condition ? this.object?.etag === condition.ifMatch : this.object === null;
    if (!matches) return { ok: false };
    this.put(body);
    this.writes.push(body);
    return { ok: true, etag: this.object?.etag ?? "" };
  }
}

/** Log events by group; pages of two events, as FilterLogEvents pages them, both window ends inclusive. */
export class MemoryLogs implements LogSource {
  readonly events: LogEvent[] = [];
  readonly reads: Array<{ group: string; window: TimeWindow }> = [];
  private serial = 0;

  cashOut(tx: string, amount: number, timestamp: number, account = WATCHED): void {
    this.serial++;
    this.events.push({ logGroup: GROUP, logStream: "s1", id: String(this.serial), timestamp, message: pixLine({ account, amount, transactionId: tx }) });
  }

  async *read(group: string, window: TimeWindow): AsyncIterable<readonly LogEvent[]> {
    this.reads.push({ group, window });
    const inWindow = this.events.filter((e) => e.logGroup === group && e.timestamp >= window.start && e.timestamp <= window.end);
    for (let i = 0; i < inWindow.length; i += 2) yield inWindow.slice(i, i + 2);
    if (inWindow.length === 0) yield [];
  }
}

/** Records what it was given; `refuseFrom` makes the nth send (1-based) and every later one fail as Slack would. */
export class MemoryNotifier implements Notifier {
  readonly sent: SlackMessage[] = [];
  refuseFrom = Infinity;
  private calls = 0;

  async send(messages: readonly SlackMessage[]): Promise<void> {
    for (const m of messages) {
      this.calls++;
      if (this.calls >= this.refuseFrom) throw new SlackError("Slack answered 503: down", 503, 3);
      this.sent.push(m);
    }
  }

  /** CashOuts the accepted messages report. */
  get reported(): number {
    return this.sent.reduce((n, m) => n + m.count, 0);
  }
}

// The one owner of the checkpoint object while a run works: its lease, its ETag,
// what a failed run gives back, and every compare-and-swap write. The runs say
// what changed (acquire, record-sent, advance, release, abandon); this module
// says how it reaches S3 without losing anyone else's write.
import type { CashOut } from "../core/cash-out.js";
import { advance, decodeCheckpoint, encodeCheckpoint, leasedByOther, startingPoint, withLease, withReported, type Checkpoint } from "../core/checkpoint.js";
import type { CheckpointStore, WriteCondition } from "./state-store.js";

/** The checkpoint as a run sees it: both the S3-backed owner and its dry-run twin. */
export interface RunCheckpoint {
  /** The checkpoint as last read or written by this run. */
  readonly state: Checkpoint;
  readonly holdsLease: boolean;
  /** Reads the stored object (a corrupt one throws, untouched). */
  open(): Promise<Checkpoint>;
  /** Takes the lease until `expiresAt`: "lost" when another run holds it or wrote first. */
  acquire(expiresAt: number): Promise<"acquired" | "lost" | "dry-run">;
  /** Slack accepted these CashOuts: record them before anything else is sent. Needs the lease. */
  recordSent(cashOuts: readonly CashOut[]): Promise<void>;
  /**
   * Slack accepted every message of a window: move the cursor to its end and keep
   * the keys a later overlap can read again. False when another run holds the lease
   * (this run held none: it read a quiet window and leaves without writing).
   */
  advance(windowEnd: number, reportedNow: readonly CashOut[], overlapMs: number): Promise<boolean>;
  /** Gives the lease back after a successful run. */
  release(): Promise<void>;
  /** After a failure: gives the lease back keeping only what Slack's answers justify. Never throws. */
  abandon(): Promise<void>;
}

/** Another run took over this run's lease while it held it (it outlived the lease's expiry). */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

// A write conflicts only when another run wrote in between; a handful of re-reads settles any real contention.
const MAX_WRITE_ATTEMPTS = 8;

function conditionFor(etag: string | null): WriteCondition {
  return etag === null ? { ifNoneMatch: "*" } : { ifMatch: etag };
}

export interface LeasedCheckpointOptions {
  /** This invocation's id: the lease's owner. */
  readonly owner: string;
  readonly now: () => number;
  /** Where a warning goes (a lease that could not be given back). */
  readonly warn: (line: string) => void;
}

/**
 * The S3-backed checkpoint of one run. Every write is a compare-and-swap on the
 * ETag last seen; on a conflict it re-reads and re-applies the same change to what
 * it finds, unless another run now holds the lease.
 */
export class LeasedCheckpoint implements RunCheckpoint {
  private cp: Checkpoint = startingPoint({ kind: "missing" });
  private etag: string | null = null;
  private holding = false;

  constructor(
    private readonly store: CheckpointStore,
    private readonly opts: LeasedCheckpointOptions,
  ) {}

  get state(): Checkpoint {
    return this.cp;
  }

  get holdsLease(): boolean {
    return this.holding;
  }

  async open(): Promise<Checkpoint> {
    const stored = await this.store.read();
    this.cp = startingPoint(decodeCheckpoint(stored?.body ?? null, this.store.where));
    this.etag = stored?.etag ?? null;
    return this.cp;
  }

  async acquire(expiresAt: number): Promise<"acquired" | "lost"> {
    if (leasedByOther(this.cp, this.opts.owner, this.opts.now())) return "lost";
    const ok = await this.update((cp) => withLease(cp, { owner: this.opts.owner, expiresAt }));
    if (ok) this.holding = true;
    return ok ? "acquired" : "lost";
  }

  async recordSent(cashOuts: readonly CashOut[]): Promise<void> {
    if (cashOuts.length === 0) return;
    if (!(await this.update((cp) => withReported(cp, cashOuts)))) throw this.leaseLost();
  }

  async advance(windowEnd: number, reportedNow: readonly CashOut[], overlapMs: number): Promise<boolean> {
    const ok = await this.update((cp) => advance(cp, windowEnd, reportedNow, overlapMs));
    if (!ok && this.holding) throw this.leaseLost();
    return ok;
  }

  async release(): Promise<void> {
    if (!this.holding) return;
    if (!(await this.update((cp) => withLease(cp, null)))) throw new Error(`Could not release the lease on ${this.store.where}: another run took it over`);
    this.holding = false;
  }

  async abandon(): Promise<void> {
    if (!this.holding) return;
    try {
      // What this run recorded was accepted by Slack; only the lease is taken back.
      await this.update((cp) => withLease(cp, null));
    } catch (err) {
      // The lease expires by itself; the run's own error is the one to report.
      this.opts.warn(JSON.stringify({ level: "WARN", message: "could not release the checkpoint lease", error: String(err) }));
    } finally {
      this.holding = false;
    }
  }

  private leaseLost(): LeaseLostError {
    return new LeaseLostError(
      `The checkpoint ${this.store.where} changed while this run held its lease (a run outlived its lease?). ` +
        "Slack accepted the messages above; the next run may repeat some of them.",
    );
  }

  /**
   * Writes `change(current)`. On a conflict, re-reads and tries again on what it
   * finds; false when another run now holds the lease (or took ours).
   */
  private async update(change: (cp: Checkpoint) => Checkpoint): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const next = change(this.cp);
      const res = await this.store.write(encodeCheckpoint(next), conditionFor(this.etag));
      if (res.ok) {
        this.cp = next;
        this.etag = res.etag;
        return true;
      }
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error(`The checkpoint ${this.store.where} kept changing under this run (${attempt} conflicting writes)`);
      await this.open();
      const lease = this.cp.lease;
      if (this.holding ? lease?.owner !== this.opts.owner : leasedByOther(this.cp, this.opts.owner, this.opts.now())) return false;
    }
  }
}

/** The dry run's twin: keeps the checkpoint in memory for the run's own de-duplication and writes nothing. */
export class DryRunCheckpoint implements RunCheckpoint {
  private cp: Checkpoint = startingPoint({ kind: "missing" });

  constructor(private readonly store: Pick<CheckpointStore, "read" | "where">) {}

  get state(): Checkpoint {
    return this.cp;
  }

  get holdsLease(): boolean {
    return false;
  }

  async open(): Promise<Checkpoint> {
    const stored = await this.store.read();
    this.cp = startingPoint(decodeCheckpoint(stored?.body ?? null, this.store.where));
    return this.cp;
  }

  async acquire(): Promise<"dry-run"> {
    return "dry-run";
  }

  async recordSent(cashOuts: readonly CashOut[]): Promise<void> {
    this.cp = withReported(this.cp, cashOuts);
  }

  // The cursor stays where the stored object has it (the summary's lag is the real one); only the keys matter here.
  async advance(_windowEnd: number, reportedNow: readonly CashOut[]): Promise<boolean> {
    this.cp = withReported(this.cp, reportedNow);
    return true;
  }

  async release(): Promise<void> {}

  async abandon(): Promise<void> {}
}

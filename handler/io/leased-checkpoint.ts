// The one owner of the checkpoint object while a run works: its lease, its ETag,
// claims, held-back CashOuts, what a failed run gives back, and every
// compare-and-swap write. The runs say what changed (acquire, claim, record-sent,
// advance, release, abandon); this module says how it reaches S3 without losing
// anyone else's write: on a conflict it re-reads and re-applies the same change.
import type { CashOut } from "../core/cash-out.js";
import {
  advance,
  decodeCheckpoint,
  EMPTY_CHECKPOINT,
  encodeCheckpoint,
  leasedByOther,
  startingPoint,
  unavailableKeys,
  withClaim,
  withFirstWindowStart,
  withHeld,
  withLease,
  withoutClaim,
  withReported,
  type Checkpoint,
  type RulesUpdate,
} from "../core/checkpoint.js";
import type { CheckpointStore, WriteCondition } from "./state-store.js";

/** What claim() decided: post `mine` now, or (push coalescing) `held` CashOuts wait for a later run. */
export interface ClaimOutcome {
  readonly mine: readonly CashOut[];
  readonly held: number;
}

export interface ClaimOptions {
  /** Also take the held-back CashOuts nobody is posting (they go out with this run). */
  readonly withHeld: boolean;
  /** Push coalescing: hold the CashOuts back instead when a message went out (any run's) less than this long ago. */
  readonly coalesceMs?: number;
}

/** The checkpoint as a run sees it: the S3-backed owner and its in-memory twin. */
export interface RunCheckpoint {
  /** The checkpoint as last read or written by this run. */
  readonly state: Checkpoint;
  readonly holdsLease: boolean;
  /** Reads the stored object (a corrupt one throws, untouched). */
  open(): Promise<Checkpoint>;
  /** Keys this run must not post (reported, held, or claimed by another live run). */
  unavailable(): Set<string>;
  /** Takes the lease until `expiresAt` (scheduled runs): "lost" when another run holds it or wrote first. */
  acquire(expiresAt: number, firstWindowStart: number | null): Promise<"acquired" | "lost" | "dry-run">;
  /** Takes the CashOuts nobody else reported, holds or claims, before posting them: only this run posts what it claimed. */
  claim(cashOuts: readonly CashOut[], expiresAt: number, opts: ClaimOptions): Promise<ClaimOutcome>;
  /** Slack accepted these CashOuts: record them (and the rule state that goes with them) before anything else is sent. */
  recordSent(cashOuts: readonly CashOut[], rules?: RulesUpdate): Promise<void>;
  /**
   * Slack accepted every message of a window: move the cursor to its end, record
   * the last message's CashOuts. False when another run holds the lease (this run
   * held none: it read a quiet window and leaves without writing).
   */
  advance(windowEnd: number, reportedNow: readonly CashOut[], overlapMs: number, rules?: RulesUpdate): Promise<boolean>;
  /** Gives the lease back after a successful run. */
  release(): Promise<void>;
  /**
   * After a failure: drops this run's claim (`hold`: its CashOuts go to `held`, for
   * the next run), gives the lease back, and on a first run remembers where its
   * window began. Keeps what Slack's answers justify. Never throws.
   */
  abandon(opts: { readonly hold?: readonly CashOut[]; readonly firstWindowStart?: number | null }): Promise<void>;
}

/** Another run took over this run's lease while it held it (it outlived the lease's expiry). */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

// A write conflicts only when another run wrote in between; a burst of push runs can
// conflict a few times in a row, so allow a few more re-reads than writers a burst has.
const MAX_WRITE_ATTEMPTS = 50;

function conditionFor(etag: string | null): WriteCondition {
  return etag === null ? { ifNoneMatch: "*" } : { ifMatch: etag };
}

export interface LeasedCheckpointOptions {
  /** This invocation's id: the lease's and the claims' owner. */
  readonly owner: string;
  readonly now: () => number;
  /** Where a warning goes (a claim or lease that could not be given back). */
  readonly warn: (line: string) => void;
  /**
   * "scheduled" runs respect each other's lease (a write that finds another live
   * lease gives up); "push" runs never take the lease and write through it.
   */
  readonly role: "scheduled" | "push";
  /** Waits a little between conflicting writes (jittered), so a burst of push runs spreads out. */
  readonly pause?: (attempt: number) => Promise<void>;
}

const jitterPause = (attempt: number): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));

/** The S3-backed checkpoint of one run. */
export class LeasedCheckpoint implements RunCheckpoint {
  private cp: Checkpoint = EMPTY_CHECKPOINT;
  private etag: string | null = null;
  private holding = false;
  private opened = false;

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
    this.opened = true;
    return this.cp;
  }

  unavailable(): Set<string> {
    return unavailableKeys(this.cp, this.opts.owner, this.opts.now());
  }

  async acquire(expiresAt: number, firstWindowStart: number | null): Promise<"acquired" | "lost"> {
    if (leasedByOther(this.cp, this.opts.owner, this.opts.now())) return "lost";
    // A first run writes where its window began with the lease: a run killed later still leaves it.
    const ok = await this.update((cp) => ({
      next: withFirstWindowStart(withLease(cp, { owner: this.opts.owner, expiresAt }), firstWindowStart),
      result: true,
    }));
    if (ok === undefined) return "lost";
    this.holding = true;
    return "acquired";
  }

  async claim(cashOuts: readonly CashOut[], expiresAt: number, opts: ClaimOptions): Promise<ClaimOutcome> {
    const { owner } = this.opts;
    const outcome = await this.update((cp): { next: Checkpoint; result: ClaimOutcome } => {
      const now = this.opts.now();
      const coalesce = opts.coalesceMs ?? 0;
      if (coalesce > 0 && cp.lastPostAt !== null && now - cp.lastPostAt < coalesce) {
        const { next, added } = withHeld(cp, owner, cashOuts, now);
        return { next, result: { mine: [], held: added } };
      }
      const { next, mine } = withClaim(cp, owner, cashOuts, expiresAt, now, opts.withHeld);
      // Taking the turn is what makes the push runs of a burst after this one hold back.
      const turn = opts.coalesceMs !== undefined && mine.length > 0 ? { ...next, lastPostAt: now } : next;
      return { next: turn, result: { mine, held: 0 } };
    }, true);
    if (outcome === undefined) throw this.leaseLost();
    return outcome;
  }

  async recordSent(cashOuts: readonly CashOut[], rules?: RulesUpdate): Promise<void> {
    if (cashOuts.length === 0 && rules === undefined) return;
    // A push run keeps its keys at least until the reach passes now: a delivery that comes again is still known.
    const keptUntil = this.opts.role === "push" ? this.opts.now() : undefined;
    const ok = await this.update((cp) => ({ next: this.posted(withReported(cp, cashOuts, this.opts.owner, keptUntil, rules), cashOuts), result: true }));
    if (ok === undefined) throw this.leaseLost();
  }

  async advance(windowEnd: number, reportedNow: readonly CashOut[], overlapMs: number, rules?: RulesUpdate): Promise<boolean> {
    const ok = await this.update((cp) => ({
      next: this.posted(advance(cp, windowEnd, reportedNow, overlapMs, this.opts.owner, rules), reportedNow),
      result: true,
    }));
    if (ok === undefined && this.holding) throw this.leaseLost();
    return ok !== undefined;
  }

  /** Slack accepted these CashOuts just now: push runs coalescing after any run's message wait for it (the channel just had one). */
  private posted(cp: Checkpoint, sent: readonly CashOut[]): Checkpoint {
    if (sent.length === 0) return cp;
    return { ...cp, lastPostAt: Math.max(cp.lastPostAt ?? 0, this.opts.now()) };
  }

  async release(): Promise<void> {
    if (!this.holding) return;
    const ok = await this.update((cp) => ({ next: withoutClaim(withLease(cp, null), this.opts.owner), result: true }));
    if (ok === undefined) throw new Error(`Could not release the lease on ${this.store.where}: another run took it over`);
    this.holding = false;
  }

  async abandon(opts: { readonly hold?: readonly CashOut[]; readonly firstWindowStart?: number | null }): Promise<void> {
    // Nothing was read (or the object is corrupt): nothing of this run's is in it.
    if (!this.opened) return;
    const { owner } = this.opts;
    const first = opts.firstWindowStart ?? null;
    const mustWrite = this.holding || owner in this.cp.claims || (opts.hold?.length ?? 0) > 0 || withFirstWindowStart(this.cp, first) !== this.cp;
    if (!mustWrite) return;
    try {
      await this.update((cp) => {
        const released = withoutClaim(this.holding ? withLease(cp, null) : cp, owner, opts.hold);
        return { next: withFirstWindowStart(released, first), result: true };
      }, true);
    } catch (err) {
      // Claims and the lease expire by themselves; the run's own error is the one to report.
      this.opts.warn(JSON.stringify({ level: "WARN", message: "could not give back this run's lease or claims in the checkpoint", error: String(err) }));
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
   * Writes `change(current).next`. On a conflict, re-reads and applies the change
   * again to what it finds. Undefined when another run now holds the lease (or
   * took ours); `throughLease`: a change that stands whoever holds it (a push
   * run's claims, giving back a claim).
   */
  private async update<T>(change: (cp: Checkpoint) => { next: Checkpoint; result: T }, throughLease = false): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const { next, result } = change(this.cp);
      // Nothing changed: nothing to write (a push run whose CashOuts were all taken).
      if (next === this.cp) return result;
      const res = await this.store.write(encodeCheckpoint(next), conditionFor(this.etag));
      if (res.ok) {
        this.cp = next;
        this.etag = res.etag;
        return result;
      }
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error(`The checkpoint ${this.store.where} kept changing under this run (${attempt} conflicting writes)`);
      await (this.opts.pause ?? jitterPause)(attempt);
      await this.open();
      if (this.holding) {
        if (this.cp.lease?.owner !== this.opts.owner) return undefined;
      } else if (this.opts.role === "scheduled" && !throughLease && leasedByOther(this.cp, this.opts.owner, this.opts.now())) {
        return undefined;
      }
    }
  }
}

/**
 * The in-memory twin: a dry run (it reads the stored checkpoint for de-duplication
 * and writes nothing) or a push run without a state bucket (nothing stored at all).
 */
export class DryRunCheckpoint implements RunCheckpoint {
  private cp: Checkpoint = EMPTY_CHECKPOINT;
  /**
   * Reported since `cp` was last built: recorded when the checkpoint is next read,
   * all in one withReported (one copy of the keys, not one per message; a push
   * run never reads it again, so never).
   */
  private unrecorded: CashOut[] = [];

  constructor(private readonly store: Pick<CheckpointStore, "read" | "where"> | null) {}

  private get current(): Checkpoint {
    if (this.unrecorded.length > 0) {
      this.cp = withReported(this.cp, this.unrecorded);
      this.unrecorded = [];
    }
    return this.cp;
  }

  get state(): Checkpoint {
    return this.current;
  }

  get holdsLease(): boolean {
    return false;
  }

  async open(): Promise<Checkpoint> {
    const stored = this.store === null ? null : await this.store.read();
    this.cp = startingPoint(decodeCheckpoint(stored?.body ?? null, this.store?.where ?? "(none)"));
    this.unrecorded = [];
    return this.cp;
  }

  unavailable(): Set<string> {
    return unavailableKeys(this.current, "", Number.POSITIVE_INFINITY);
  }

  async acquire(): Promise<"dry-run"> {
    return "dry-run";
  }

  async claim(cashOuts: readonly CashOut[], _expiresAt: number, opts: ClaimOptions): Promise<ClaimOutcome> {
    const { mine } = withClaim(this.current, "", cashOuts, 0, Number.POSITIVE_INFINITY, opts.withHeld);
    return { mine, held: 0 };
  }

  async recordSent(cashOuts: readonly CashOut[]): Promise<void> {
    for (const c of cashOuts) this.unrecorded.push(c);
  }

  // The cursor stays where the stored object has it (the summary's lag is the real one); only the keys matter here.
  async advance(_windowEnd: number, reportedNow: readonly CashOut[]): Promise<boolean> {
    // Recording them in turn equals recording them at once: a later key's time replaces an earlier's, as withReported does.
    for (const c of reportedNow) this.unrecorded.push(c);
    return true;
  }

  async release(): Promise<void> {}

  async abandon(): Promise<void> {}
}

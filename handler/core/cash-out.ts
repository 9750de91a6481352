/** A Pix CashOut read from a log line. Amounts are integer centavos. */
export interface CashOut {
  /** Identifies the log event for de-duplication: log group, stream and eventId (see eventKey). */
  readonly key: string;
  readonly timestamp: number;
  readonly logGroup: string;
  readonly account: string;
  readonly amount: number;
  readonly transactionId: string;
  readonly receiverKey: string | undefined;
  /** Set when only the masked key exists (a CashOut held in the checkpoint never stores the key in clear); wins over receiverKey. */
  readonly receiverKeyMasked?: string;
  readonly requestId: string | undefined;
  /**
   * Why the rules report it (core/rules.ts), once they matched it: carried through
   * the checkpoint's held CashOuts, so the run that posts one later still names its
   * rules and calls their mentions.
   */
  readonly matched?: { readonly rules: readonly string[]; readonly mentions: readonly string[] };
}

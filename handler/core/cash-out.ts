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
  readonly requestId: string | undefined;
}

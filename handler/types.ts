/** One CloudWatch Logs event, as either trigger delivers it. */
export interface LogEvent {
  readonly logGroup: string;
  readonly logStream: string;
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** A Pix CashOut read from a log line. Amounts are integer centavos. */
export interface CashOut {
  /** Identifies the log event for de-duplication: log group, stream and eventId. */
  readonly key: string;
  readonly timestamp: number;
  readonly logGroup: string;
  readonly account: string;
  readonly amount: number;
  readonly transactionId: string;
  readonly receiverKey: string | undefined;
  readonly requestId: string | undefined;
}

/** The time window a scheduled run covers, epoch ms, both ends inclusive. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

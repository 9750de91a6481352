/** One CloudWatch Logs event, as either trigger delivers it. */
export interface LogEvent {
  readonly logGroup: string;
  readonly logStream: string;
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** Identifies a log event for de-duplication: log group, stream and eventId (eventIds are unique only within a group). */
export function eventKey(event: Pick<LogEvent, "logGroup" | "logStream" | "id">): string {
  return `${event.logGroup}|${event.logStream}|${event.id}`;
}

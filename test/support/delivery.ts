// The one encoder of CloudWatch Logs subscription deliveries, for unit and integration tests.
import { gzipSync } from "node:zlib";

/** What Lambda receives from a subscription filter (the handler's SubscriptionEvent). */
export interface EncodedDelivery {
  readonly awslogs: { readonly data: string };
}

export interface DeliveredEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

export const DELIVERY_STREAM = "2026/11/27/[$LATEST]abc";

/** Any delivery body (DATA_MESSAGE, CONTROL_MESSAGE, a broken one), gzipped and base64-encoded as CloudWatch Logs sends it. */
export function encodeDelivery(body: unknown): EncodedDelivery {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(body))).toString("base64") } };
}

/** A DATA_MESSAGE delivery of these events from one log group; `extra` overrides or adds body fields. */
export function subscriptionEvent(logGroup: string, logEvents: readonly DeliveredEvent[], extra: Record<string, unknown> = {}): EncodedDelivery {
  return encodeDelivery({
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup,
    logStream: DELIVERY_STREAM,
    subscriptionFilters: ["pxstream"],
    logEvents,
    ...extra,
  });
}

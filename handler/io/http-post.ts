// POSTs JSON over node:http(s) with kept-alive connections. fetch (undici)
// costs about four times as much per request and ~20 ms to load on a cold start.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | null;
  /** A redirect's target (3xx answers); callers must not log its path. */
  readonly location: string | null;
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** The whole exchange (connect, send, answer) must finish within `timeoutMs`, or it fails with a TimeoutError. */
export function postJson(url: string, body: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: "POST",
        agent: secure ? httpsAgent : httpAgent,
        headers: { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) },
      },
      (res: IncomingMessage) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          clearTimeout(timer);
          const retryAfter = res.headers["retry-after"];
          const location = res.headers.location;
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            retryAfter: typeof retryAfter === "string" ? retryAfter : null,
            location: typeof location === "string" ? location : null,
          });
        });
        res.on("error", fail);
      },
    );
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    const timer = setTimeout(() => {
      const err = new Error(`no answer within ${timeoutMs} ms`);
      err.name = "TimeoutError";
      req.destroy(err);
    }, timeoutMs);
    req.on("error", fail);
    req.end(body);
  });
}

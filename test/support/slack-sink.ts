import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** What the sink answers to one request. */
export interface SinkReply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Never answer (the client must time out). */
  readonly hang?: boolean;
  /** Destroy the socket without an answer (a network error). */
  readonly reset?: boolean;
}

export interface SlackRequest {
  readonly path: string;
  readonly receivedAt: number;
  readonly contentType: string | undefined;
  readonly body: string;
  /** The parsed JSON body, when it is JSON. */
  readonly json: SlackPayload | undefined;
  /** The reply the sink gave. */
  readonly reply: SinkReply;
}

export interface SlackPayload {
  readonly text: string;
  readonly blocks: ReadonlyArray<Record<string, unknown>>;
}

/**
 * A real HTTP server standing in for a Slack incoming webhook. It records every
 * request and answers from a queue of scripted replies, then with `fallback`.
 */
export class SlackSink {
  readonly requests: SlackRequest[] = [];
  private readonly queue: SinkReply[] = [];
  fallback: SinkReply = { status: 200, body: "ok" };
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  port = 0;

  /** The webhook path the tests use; its secret part must never show up in logs. */
  readonly secretPath = "/services/T00000000/B00000000/XXXXsecretXXXXtokenXXXX";

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.secretPath}`;
  }

  /** Requests Slack accepted (2xx). */
  get accepted(): SlackRequest[] {
    return this.requests.filter((r) => r.reply.status >= 200 && r.reply.status < 300 && !r.reply.hang && !r.reply.reset);
  }

  enqueue(...replies: SinkReply[]): void {
    this.queue.push(...replies);
  }

  clear(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.fallback = { status: 200, body: "ok" };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", () => r()));
    const addr = this.server.address();
    if (addr === null || typeof addr === "string") throw new Error("sink has no port");
    this.port = addr.port;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const reply = this.queue.shift() ?? this.fallback;
      let json: SlackPayload | undefined;
      try {
        json = JSON.parse(body) as SlackPayload;
      } catch {
        json = undefined;
      }
      this.requests.push({
        path: req.url ?? "",
        receivedAt: Date.now(),
        contentType: req.headers["content-type"],
        body,
        json,
        reply,
      });
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      if (reply.hang) {
        this.hanging.add(res);
        return;
      }
      const send = (): void => {
        res.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
        res.end(reply.body ?? "");
      };
      if (reply.delayMs !== undefined) setTimeout(send, reply.delayMs);
      else send();
    });
  }
}

import { AwsFixtures } from "./aws-fixtures.js";
import { lambdaContext, loadDistHandler, withEnv, type DistHandler, type InvokeContext, type RunSummary } from "./dist-handler.js";
import { startMoto, type Moto } from "./moto.js";
import { WATCHED } from "./pix-lines.js";
import { SlackSink, type SlackRequest } from "./slack-sink.js";

// The push suites encode deliveries with the one encoder in delivery.ts.
export { subscriptionEvent } from "./delivery.js";

/** moto_server, a Slack sink and the built handler: everything one integration test file needs. */
export interface World {
  readonly moto: Moto;
  readonly aws: AwsFixtures;
  readonly sink: SlackSink;
  readonly handler: DistHandler;
}

export async function startWorld(): Promise<World> {
  const moto = await startMoto();
  const sink = new SlackSink();
  await sink.start();
  return { moto, aws: new AwsFixtures(moto), sink, handler: await loadDistHandler() };
}

export async function stopWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.sink.stop();
  await w.moto.stop();
}

let serial = 0;
/** A name no other test in this moto has used. */
export function unique(prefix: string): string {
  serial += 1;
  return `${prefix}-${process.pid}-${serial}`;
}

export interface Scenario {
  readonly groups: string[];
  readonly bucket: string;
  readonly key: string;
  readonly env: Record<string, string>;
}

/** Creates log groups and a state bucket, and the environment a scheduled run against them needs. */
export async function scenario(w: World, opts: { groups?: number; accounts?: string; extraEnv?: Record<string, string> } = {}): Promise<Scenario> {
  const groups: string[] = [];
  for (let i = 0; i < (opts.groups ?? 1); i++) {
    const g = `/aws/lambda/${unique("pix-payload")}`;
    await w.aws.logGroup(g);
    groups.push(g);
  }
  const bucket = unique("state").toLowerCase();
  await w.aws.bucket(bucket);
  const key = "lastId.txt";
  const env = {
    ...w.aws.awsEnv(),
    PXSTREAM_LOG_GROUPS: groups.join(","),
    PXSTREAM_WATCHED_ACCOUNTS: opts.accounts ?? WATCHED,
    PXSTREAM_STATE_BUCKET: bucket,
    SLACK_WEBHOOK: w.sink.url,
    PXSTREAM_LOOKBACK_MINUTES: "60",
    ...opts.extraEnv,
  };
  return { groups, bucket, key, env };
}

/** Invokes the built handler with exactly this environment. */
export function invoke(w: World, env: Record<string, string>, event: unknown = {}, ctx: InvokeContext = lambdaContext()): Promise<RunSummary> {
  return withEnv(env, () => w.handler(event, ctx));
}

// The contract's shape, after the mentions a rule's message begins with (`<!here> `, `<@U…> `…).
const TEXT = /^(?:<[^>\s]+> )*Pix CashOut: (\d+) eventos?, R\$[\u00a0 ]([\d.]+),(\d{2})/;

/** Counts and total (centavos) that Slack messages' top-level texts state, summed. */
export function statedTotals(requests: readonly SlackRequest[]): { count: number; centavos: bigint } {
  let count = 0;
  let centavos = 0n;
  for (const r of requests) {
    const m = TEXT.exec(r.json?.text ?? "");
    if (!m) throw new Error(`message text not in the shape README "The Slack message" gives: ${JSON.stringify(r.json?.text)}`);
    count += Number(m[1]);
    centavos += BigInt(`${(m[2] ?? "").replace(/\./g, "")}${m[3] ?? ""}`);
  }
  return { count, centavos };
}

export interface StoredCheckpoint {
  readonly version: number;
  readonly scannedUntil: number | null;
  readonly reported: Record<string, number>;
  readonly lease: { owner: string; expiresAt: number } | null;
}

export async function checkpointOf(w: World, s: Scenario): Promise<StoredCheckpoint | null> {
  const o = await w.aws.getObject(s.bucket, s.key);
  return o === null ? null : (JSON.parse(o.body) as StoredCheckpoint);
}

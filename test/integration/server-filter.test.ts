// PXSTREAM_SERVER_FILTER: scheduled runs ask FilterLogEvents for the lines that hold
// `transactionId` only. moto_server applies a quoted term as a substring match, as
// CloudWatch Logs does for this term (README, Performance), so what crosses the
// wire and what the run reports can both be checked here.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Seed } from "../support/aws-fixtures.js";
import { cashOut, FaultProxy, MIN, WATCHED } from "../support/faults.js";
import { NOISE } from "../support/pix-lines.js";
import { styledLine } from "../support/styled-lines.js";
import { invoke, scenario, startWorld, stopWorld, type World } from "../support/world.js";

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

const FILTER = "Logs_20140328.FilterLogEvents";

function seeds(now: number): Seed[] {
  const at = (i: number): number => now - 20 * MIN + i * 1000;
  return [
    cashOut("SF1", 1_000, at(0)),
    ...NOISE.map((message, i) => ({ timestamp: at(1 + i), message })),
    cashOut("SF2", 2_000, at(10), WATCHED, { format: "lambda-json-string" }),
    // json.dumps inside the Lambda JSON log format: the account escaped twice, the term as plain as ever.
    { timestamp: at(11), message: styledLine({ account: "João", amount: 3_000, transactionId: "SF3" }, "lambda-json-string", "python") },
    cashOut("SF4", 4_000, at(12), "99988877766655"),
    { timestamp: at(13), message: `2026-11-27T12:00:00.000Z\treq\tERROR\tfalha ao registrar transactionId=SF5 conta ${WATCHED}` },
    { timestamp: at(14), message: `${WATCHED} fez login` },
  ];
}

async function run(extraEnv: Record<string, string>): Promise<{ summary: Awaited<ReturnType<typeof invoke>>; filterBodies: string[] }> {
  const s = await scenario(w, { accounts: `${WATCHED},João`, extraEnv });
  await w.aws.put(s.groups[0] ?? "", "s", seeds(Date.now()));
  const proxy = new FaultProxy(w.moto.endpoint, () => undefined);
  await proxy.start();
  try {
    const summary = await invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint });
    return { summary, filterBodies: proxy.seen.filter((r) => r.target === FILTER).map((r) => r.body) };
  } finally {
    await proxy.stop();
  }
}

describe("server-side filter pattern", () => {
  it('by default FilterLogEvents asks for "transactionId": only the CashOut lines are read, the same ones reported', async () => {
    const { summary, filterBodies } = await run({});
    expect(filterBodies.length).toBeGreaterThan(0);
    for (const body of filterBodies) expect((JSON.parse(body) as { filterPattern?: string }).filterPattern).toBe('"transactionId"');
    // 4 CashOut lines and the broken one that names transactionId; the 5 noise lines and the login stay in CloudWatch.
    expect(summary).toMatchObject({ scanned: 5, matched: 3, malformed: 1, totalCentavos: "6000" });
  });

  it("PXSTREAM_SERVER_FILTER=false reads every event and reports the same", async () => {
    const { summary, filterBodies } = await run({ PXSTREAM_SERVER_FILTER: "false" });
    expect(filterBodies.length).toBeGreaterThan(0);
    for (const body of filterBodies) expect(JSON.parse(body)).not.toHaveProperty("filterPattern");
    expect(summary).toMatchObject({ scanned: 5 + NOISE.length + 1, matched: 3, malformed: 1, totalCentavos: "6000" });
  });
});

/**
 * `make build && terraform apply`, proven against moto_server: the basic and
 * push examples are planned, applied, exercised and destroyed by terraform
 * with the real AWS provider, in a copy of terraform/ with a test-only
 * override file that points the provider at moto. Then the built zip runs
 * with the configuration the apply deployed (the environment read back from
 * the Lambda function in moto, the webhook from the SSM parameter) against
 * the Slack sink. Checked on the way: neither the saved plan nor the state
 * holds the webhook (nor the push example's receiver HMAC key), a second plan
 * changes nothing, the deployed policy lets the function list its own keys
 * (s3:ListBucket: real S3 answers 403 for a missing checkpoint without it),
 * and `terraform destroy` leaves nothing behind.
 *
 * moto differences this test works around (the first in the override file):
 * - moto evaluates a bucket policy's conditions without any request context,
 *   so the state bucket's TLS-only Deny (aws:SecureTransport = false) refuses
 *   every object request, https or not; the copy drops that one resource.
 * - the Slack stand-in is plain HTTP on loopback, which the module refuses
 *   as a webhook (https only): terraform gets an https canary URL, the test
 *   checks SSM holds exactly it, then points the parameter at the sink.
 * - moto does not store a function's LoggingConfig, so a second plan shows
 *   that one block as a change; the test allows that one and nothing else.
 *
 * Figures of each apply (resources added, seconds) go to
 * dist/terraform-e2e.json.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteLogStreamCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { DeleteObjectCommand, ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGION } from "../support/aws-fixtures.js";
import { lambdaContext, loadDistHandler, readZip, withEnv, zipPath, type RunSummary } from "../support/dist-handler.js";
import { motoAvailable } from "../support/moto.js";
import { encodeDelivery } from "../support/delivery.js";
import { pixLine, WATCHED } from "../support/pix-lines.js";
import type { SlackRequest } from "../support/slack-sink.js";
import { startWorld, stopWorld, type World } from "../support/world.js";
import { repoRoot } from "./hcl.js";
import { copyModule, terraform, terraformAvailability, titled, type Availability } from "./terraform.js";

const tf = terraformAvailability();
const availability: Availability = !tf.ok ? tf : motoAvailable() ? { ok: true, reason: "" } : { ok: false, reason: "moto_server is not installed" };

const GROUP = "/aws/lambda/pix-payload"; // the examples' log group
const CANARY = `https://hooks.slack.com/services/T0E2E/B0E2E/canary${randomBytes(12).toString("hex")}`;
const STEP_TIMEOUT = 600_000;

interface Example {
  readonly name: "basic" | "push";
  readonly functionName: string;
  readonly bucket: string;
  /** The module creates the bucket (push) or it exists (basic). */
  readonly createsBucket: boolean;
}

const EXAMPLES: readonly Example[] = [
  { name: "basic", functionName: "pxstream", bucket: "pxstream-e2e-basic", createsBucket: false },
  { name: "push", functionName: "pxstream-push", bucket: "pxstream-e2e-push", createsBucket: true },
];

let world: World;
let copy: string;
const figures: Record<string, unknown> = {};

/**
 * What the built handler supports, from the variable names its bundle reads:
 * the configuration document (PXSTREAM_CONFIG_KEY, the rules issue) and push
 * runs sharing the checkpoint (PXSTREAM_PUSH_COALESCE_SECONDS, the exactly-once
 * issue). Until the handler reads them, the runs that need them are skipped,
 * and their titles say so.
 */
const bundle = existsSync(zipPath) ? ((await readZip(zipPath)).get("index.mjs")?.toString("utf8") ?? "") : "";
const readsConfigKey = bundle.includes("PXSTREAM_CONFIG_KEY");
const sharesCheckpoint = bundle.includes("PXSTREAM_PUSH_COALESCE_SECONDS");
const pending = (title: string, supported: boolean, what: string): string =>
  supported ? title : `${title} [skipped: the built handler does not read ${what} yet]`;

const TEXT = /^(?:<[^>]+>\s*)*Pix CashOut: (\d+) eventos?, R\$[\u00a0 ]([\d.]+),(\d{2})/u;

/** Counts and total (centavos) the messages' texts state, after any leading mentions, summed. */
function statedTotals(requests: readonly SlackRequest[]): { count: number; centavos: bigint } {
  let count = 0;
  let centavos = 0n;
  for (const r of requests) {
    const m = TEXT.exec(r.json?.text ?? "");
    if (!m) throw new Error(`message text not in the contract's shape: ${JSON.stringify(r.json?.text)}`);
    count += Number(m[1]);
    centavos += BigInt(`${(m[2] ?? "").replace(/\./gu, "")}${m[3] ?? ""}`);
  }
  return { count, centavos };
}

function overrideFile(endpoint: string): string {
  const services = ["cloudwatch", "iam", "kms", "lambda", "logs", "s3", "scheduler", "sns", "ssm", "sts"];
  return [
    "# Test-only (deploy.test.ts): the provider talks to moto_server.",
    'provider "aws" {',
    '  access_key                  = "testing"',
    '  secret_key                  = "testing"',
    "  skip_credentials_validation = true",
    "  skip_metadata_api_check     = true",
    "  skip_requesting_account_id  = true",
    "  s3_use_path_style           = true",
    "  endpoints {",
    ...services.map((s) => `    ${s} = ${JSON.stringify(endpoint)}`),
    "  }",
    "}",
    "",
  ].join("\n");
}

function tfVars(ex: Example): Record<string, string> {
  return { TF_VAR_region: REGION, TF_VAR_state_bucket: ex.bucket, TF_VAR_slack_webhook_url: CANARY };
}

type Inventory = Record<string, string[]>;

function inventory(): Inventory {
  const res = spawnSync("python3", [join(import.meta.dirname, "support", "moto_inventory.py"), world.moto.endpoint, REGION, "inventory"], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`moto_inventory.py failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Inventory;
}

function functionEnvironment(name: string): Record<string, string> {
  const res = spawnSync("python3", [join(import.meta.dirname, "support", "moto_inventory.py"), world.moto.endpoint, REGION, "function", name], {
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`moto_inventory.py failed: ${res.stderr}`);
  return (JSON.parse(res.stdout) as { Environment: { Variables: Record<string, string> } }).Environment.Variables;
}

/** The built zip, in a fresh container, with the deployed environment (plus what reaches moto). */
async function run(functionName: string, env: Record<string, string>, event: unknown): Promise<RunSummary> {
  const handler = await loadDistHandler();
  return withEnv({ ...env, ...world.aws.awsEnv() }, () => handler(event, lambdaContext(60_000, functionName)));
}

beforeAll(async () => {
  if (!availability.ok) return;
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make build\` first (make test does it for you).`);
  world = await startWorld();
  copy = copyModule(true);
  writeFileSync(
    join(copy, "moto_override.tf"),
    [
      "# Test-only (deploy.test.ts): moto evaluates the TLS-only Deny of this policy without request",
      "# context and refuses every object request; real S3 sees aws:SecureTransport = true.",
      'resource "aws_s3_bucket_policy" "state" {',
      "  count = 0",
      "}",
      "",
    ].join("\n"),
  );
  for (const ex of EXAMPLES) writeFileSync(join(copy, "examples", ex.name, "moto_override.tf"), overrideFile(world.moto.endpoint));
  await world.aws.logGroup(GROUP);
}, STEP_TIMEOUT);

afterAll(async () => {
  if (availability.ok) {
    mkdirSync(join(repoRoot, "dist"), { recursive: true });
    writeFileSync(join(repoRoot, "dist", "terraform-e2e.json"), `${JSON.stringify(figures, null, 2)}\n`);
  }
  await stopWorld(world);
});

for (const ex of EXAMPLES)
  describe.skipIf(!availability.ok)(titled(`examples/${ex.name} applied to moto_server`, availability), () => {
    const dir = (): string => join(copy, "examples", ex.name);
    let baseline: Inventory;
    let env: Record<string, string>;
    let parameterName = "";

    it(
      "plans and applies; neither the saved plan nor the state holds the webhook",
      async () => {
        if (!ex.createsBucket) await world.aws.bucket(ex.bucket);
        baseline = inventory();
        const init = await terraform(["init", "-input=false", "-no-color"], dir());
        expect(init.code, init.output).toBe(0);

        const started = Date.now();
        const plan = await terraform(["plan", "-out=plan.tfplan", "-input=false", "-no-color"], dir(), tfVars(ex));
        expect(plan.code, plan.output).toBe(0);
        const shown = await terraform(["show", "-json", "plan.tfplan"], dir());
        expect(shown.code, shown.output).toBe(0);
        expect(shown.stdout).toContain("aws_ssm_parameter");
        expect(shown.stdout.includes(CANARY), "terraform show -json of the saved plan holds the webhook").toBe(false);
        expect(readFileSync(join(dir(), "plan.tfplan")).includes(CANARY), "the saved plan file holds the webhook").toBe(false);

        // A saved plan does not hold the ephemeral webhook: apply is given it again.
        const apply = await terraform(["apply", "-input=false", "-no-color", "plan.tfplan"], dir(), tfVars(ex));
        expect(apply.code, apply.output).toBe(0);
        const added = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/u.exec(apply.stdout);
        expect(added, apply.stdout.slice(-2000)).not.toBeNull();
        figures[ex.name] = { resourcesAdded: Number(added?.[1]), applySeconds: (Date.now() - started) / 1000 };

        const state = readFileSync(join(dir(), "terraform.tfstate"), "utf8");
        expect(state).toContain("aws_lambda_function");
        expect(state.includes(CANARY), "terraform.tfstate holds the webhook").toBe(false);
        const shownState = await terraform(["show", "-json"], dir());
        expect(shownState.stdout.includes(CANARY), "terraform show -json of the state holds the webhook").toBe(false);

        // A second plan changes nothing: the write-only values (the webhook, the uuid() HMAC key) cause
        // no diff. Only the function's logging_config shows, because moto does not store LoggingConfig.
        const again = await terraform(["plan", "-out=again.tfplan", "-input=false", "-no-color"], dir(), tfVars(ex));
        expect(again.code, again.output.slice(-3000)).toBe(0);
        const changes = JSON.parse((await terraform(["show", "-json", "again.tfplan"], dir())).stdout) as {
          resource_changes?: {
            address: string;
            change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
          }[];
        };
        const changed = (changes.resource_changes ?? [])
          .filter((c) => c.change.actions.join() !== "no-op" && c.change.actions.join() !== "read")
          .map((c) => ({
            address: c.address,
            attributes: Object.keys({ ...c.change.before, ...c.change.after }).filter(
              (k) => JSON.stringify(c.change.before?.[k]) !== JSON.stringify(c.change.after?.[k]),
            ),
          }));
        expect(changed).toEqual([{ address: "module.pxstream.aws_lambda_function.this", attributes: ["logging_config"] }]);

        const outputs = await terraform(["output", "-json"], dir());
        const out = JSON.parse(outputs.stdout) as Record<string, { value: unknown }>;
        expect(out.lambda_function_name?.value).toBe(ex.functionName);
      },
      STEP_TIMEOUT,
    );

    it("wrote the webhook to SSM through the write-only argument, and deployed an environment without the watch list", async () => {
      env = functionEnvironment(ex.functionName);
      parameterName = env.PXSTREAM_SLACK_WEBHOOK_PARAMETER ?? "";
      expect(parameterName).toBe(`/${ex.functionName}/slack-webhook-url`);
      const stored = await world.aws.ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
      expect(stored.Parameter?.Type).toBe("SecureString");
      expect(stored.Parameter?.Value === CANARY, "the SecureString does not hold the webhook given to terraform").toBe(true);
      expect(env).toMatchObject({
        PXSTREAM_LOG_GROUPS: GROUP,
        PXSTREAM_STATE_BUCKET: ex.bucket,
        PXSTREAM_CONFIG_KEY: `${ex.functionName}/config.json`,
        PXSTREAM_SERVER_FILTER: "true",
        PXSTREAM_PUSH_COALESCE_SECONDS: ex.name === "push" ? "60" : "0",
      });
      expect(Object.keys(env)).not.toContain("PXSTREAM_WATCHED_ACCOUNTS");
      const config = await world.aws.getObject(ex.bucket, `${ex.functionName}/config.json`);
      expect(JSON.parse(config?.body ?? "null")).toMatchObject({ accounts: { [WATCHED]: "Tesouraria" } });
      if (ex.name === "push") {
        // The chave nova rule's HMAC key: created by the module, random, and in neither the state nor the plan.
        expect(env.PXSTREAM_RECEIVER_KEY_PARAMETER).toBe("/pxstream-push/receiver-key");
        const key = await world.aws.ssm.send(new GetParameterCommand({ Name: env.PXSTREAM_RECEIVER_KEY_PARAMETER, WithDecryption: true }));
        expect(key.Parameter?.Type).toBe("SecureString");
        const secret = key.Parameter?.Value ?? "";
        expect(secret).toMatch(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){2}$/u);
        expect(readFileSync(join(dir(), "terraform.tfstate"), "utf8").includes(secret), "terraform.tfstate holds the receiver key").toBe(false);
        expect(readFileSync(join(dir(), "plan.tfplan")).includes(secret), "the saved plan holds the receiver key").toBe(false);
      } else {
        expect(Object.keys(env)).not.toContain("PXSTREAM_RECEIVER_KEY_PARAMETER");
      }
      // The sink is plain HTTP, which the module refuses as a webhook (see the top of this file).
      await world.aws.secureString(parameterName, world.sink.url);
    });

    it("holds s3:ListBucket on the state bucket, limited to its own keys", async () => {
      const iam = new IAMClient({ endpoint: world.moto.endpoint, region: REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
      const res = await iam.send(new GetRolePolicyCommand({ RoleName: `${ex.functionName}-lambda`, PolicyName: `${ex.functionName}-lambda` }));
      const doc = JSON.parse(decodeURIComponent(res.PolicyDocument ?? "")) as { Statement: { Action: string[]; Resource: string; Condition?: unknown }[] };
      const list = doc.Statement.filter((s) => [s.Action].flat().includes("s3:ListBucket"));
      expect(list).toEqual([
        expect.objectContaining({
          Resource: `arn:aws:s3:::${ex.bucket}`,
          Condition: { StringEquals: { "s3:prefix": ["lastId.txt", `${ex.functionName}/config.json`] } },
        }),
      ]);
    });

    const lines = (): { timestamp: number; message: string }[] => {
      const now = Date.now();
      const tx = `E2E${ex.name.toUpperCase()}`;
      return [
        { timestamp: now - 120_000, message: pixLine({ account: WATCHED, amount: 12_345, transactionId: `${tx}1` }) },
        { timestamp: now - 110_000, message: pixLine({ account: WATCHED, amount: 100_000, transactionId: `${tx}2` }, "lambda-json") },
        { timestamp: now - 100_000, message: pixLine({ account: WATCHED, amount: 5, transactionId: `${tx}3` }, "python") },
        // Not watched; above R$ 50 mil, which the push example's second rule reports.
        { timestamp: now - 90_000, message: pixLine({ account: "99999999999999", amount: 6_000_000, transactionId: `${tx}4` }) },
        { timestamp: now - 80_000, message: "REPORT RequestId: 6f1c2b7e Duration: 12.34 ms" },
      ];
    };
    const expected = ex.name === "push" ? { count: 4, centavos: 6_112_350n } : { count: 3, centavos: 112_350n };
    const stream = `e2e-${ex.name}`;

    it.runIf(readsConfigKey)(
      pending(
        ex.name === "push"
          ? "reports the CashOuts of a delivery, run with the deployed configuration"
          : "reports the CashOuts put in the log group, run with the deployed configuration",
        readsConfigKey,
        "PXSTREAM_CONFIG_KEY",
      ),
      async () => {
        world.sink.clear();
        await world.aws.put(GROUP, stream, lines());
        if (ex.name === "push") {
          // One delivery, built from what moto holds, as CloudWatch Logs builds it.
          const found = await world.aws.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [stream], interleaved: true }));
          const delivery = {
            messageType: "DATA_MESSAGE",
            owner: "123456789012",
            logGroup: GROUP,
            logStream: stream,
            subscriptionFilters: [ex.functionName],
            logEvents: (found.events ?? []).map((e) => ({ id: e.eventId ?? "", timestamp: e.timestamp ?? 0, message: e.message ?? "" })),
          };
          expect(delivery.logEvents).toHaveLength(5);
          const pushed = await run(ex.functionName, env, encodeDelivery(delivery));
          expect(pushed).toMatchObject({ matched: expected.count });
        } else {
          const scheduled = await run(ex.functionName, env, { source: "pxstream.schedule" });
          expect(scheduled).toMatchObject({ matched: expected.count });
          expect(await world.aws.getObject(ex.bucket, "lastId.txt")).not.toBeNull();
        }
        expect(statedTotals(world.sink.accepted)).toEqual(expected);
        expect(world.sink.accepted.map((r) => JSON.stringify(r.json)).join("\n")).not.toContain("canary");
      },
      STEP_TIMEOUT,
    );

    if (ex.name === "push") {
      it.runIf(readsConfigKey && sharesCheckpoint)(
        pending(
          "the schedule, its safety net, then reports none of them again",
          readsConfigKey && sharesCheckpoint,
          "PXSTREAM_CONFIG_KEY and PXSTREAM_PUSH_COALESCE_SECONDS",
        ),
        async () => {
          const scheduled = await run(ex.functionName, env, { source: "pxstream.schedule" });
          expect(scheduled).toMatchObject({ matched: 0 });
          expect(statedTotals(world.sink.accepted)).toEqual(expected);
          expect(await world.aws.getObject(ex.bucket, "lastId.txt")).not.toBeNull();
        },
        STEP_TIMEOUT,
      );
    }

    it(
      "destroys everything it created",
      async () => {
        if (ex.createsBucket) {
          // The checkpoint is the function's data, not terraform's: an operator empties the bucket first.
          const versions = await world.aws.s3.send(new ListObjectVersionsCommand({ Bucket: ex.bucket }));
          for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
            if (v.Key !== `${ex.functionName}/config.json`)
              await world.aws.s3.send(new DeleteObjectCommand({ Bucket: ex.bucket, Key: v.Key, VersionId: v.VersionId }));
          }
        }
        // This example's log lines go too: the next example's scheduled run reads the same group.
        if (readsConfigKey) await world.aws.logs.send(new DeleteLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
        const destroy = await terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], dir(), tfVars(ex));
        expect(destroy.code, destroy.output).toBe(0);
        expect(destroy.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/u);
        const after = inventory();
        const left = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.filter((x) => !(baseline[k] ?? []).includes(x))]));
        // Beyond what the test arranged, at most the checkpoint the function wrote in a bucket terraform does not own.
        const checkpoint = ex.createsBucket ? [] : [`${ex.bucket}/lastId.txt`];
        expect(
          left.s3_objects?.filter((o) => !checkpoint.includes(o)),
          "objects left",
        ).toEqual([]);
        expect(Object.fromEntries(Object.entries(left).filter(([k]) => k !== "s3_objects"))).toEqual(
          Object.fromEntries(
            Object.keys(after)
              .filter((k) => k !== "s3_objects")
              .map((k) => [k, []]),
          ),
        );
        const state = readFileSync(join(dir(), "terraform.tfstate"), "utf8");
        expect(state.includes(CANARY)).toBe(false);
      },
      STEP_TIMEOUT,
    );
  });

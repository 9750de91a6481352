/**
 * The policy is enough and no more: moto_server with IAM enforcement on,
 * IAM users holding the policy terraform renders from the module's policy
 * submodule (policy.ts), and the
 * built handler's scheduled run with each user's keys. With the whole policy
 * the run reads the logs, the webhook (from SSM) and the checkpoint, posts to
 * Slack and moves the checkpoint; without any one of the handler's statements
 * (CloudWatch Logs, S3, SSM) it fails with an access error.
 *
 * moto evaluates S3 requests against the object's ARN, but CloudWatch Logs and
 * SSM requests against the resource "*", where an ARN-scoped statement never
 * matches (tried: with the exact ARNs moto refuses even the full policy's
 * ssm:GetParameter). So moto gets the rendered policy with the Resource of its logs and
 * ssm statements set to "*" (the statements, actions and S3 ARN untouched):
 * that tests that the actions are enough and each statement is needed;
 * policy.test.ts tests the exact ARNs.
 */
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsFixtures, REGION } from "../support/aws-fixtures.js";
import { lambdaContext, loadDistHandler, withEnv } from "../support/dist-handler.js";
import { motoAvailable, startMoto, type Moto } from "../support/moto.js";
import { pixLine, WATCHED } from "../support/pix-lines.js";
import { SlackSink } from "../support/slack-sink.js";
import { basicInputs, renderPolicy, type PolicyDocument, type Statement } from "./policy.js";
import { terraformAvailability, titled } from "./terraform.js";

const ACCOUNT = "123456789012"; // moto's default account
const GROUP = "/aws/lambda/pix-payload";
const BUCKET = "infosec-workloads-info";
const KEY = "lastId.txt";
const PARAMETER = "/pxstream/slack-webhook-url";

/** The users the test creates, by the statement (Sid) their policy lacks. */
const USERS = {
  full: null,
  "no-logs": "ReadWatchedLogGroups",
  "no-s3": "ReadWriteCheckpoint",
  "no-ssm": "ReadParameters",
} as const;
type UserName = keyof typeof USERS;

/**
 * Every call the setup makes before moto starts enforcing IAM: log group,
 * stream, events, bucket, parameter (5), then CreateUser, PutUserPolicy and
 * CreateAccessKey for each user (3 each).
 */
const SETUP_CALLS = 5 + 3 * Object.keys(USERS).length;

let policy: PolicyDocument;

function actions(s: Statement): readonly string[] {
  return typeof s.Action === "string" ? [s.Action] : s.Action;
}

/** The policy as moto can evaluate it (see the top of this file), less the statement `without`. */
function policyForMoto(without: string | null): PolicyDocument {
  return {
    ...policy,
    Statement: policy.Statement.filter((s) => without === null || s.Sid !== without).map((s) =>
      actions(s).some((a) => a.startsWith("logs:") || a.startsWith("ssm:")) ? { ...s, Resource: "*" } : s,
    ),
  };
}

const terraformHere = terraformAvailability();
const available = motoAvailable() && terraformHere.ok;
const unavailable = !motoAvailable() ? "moto_server is not installed" : terraformHere.reason;
let moto: Moto;
let sink: SlackSink;
const keys = new Map<UserName, { accessKeyId: string; secretAccessKey: string }>();

beforeAll(async () => {
  if (!available) return;
  policy = await renderPolicy(
    basicInputs({
      region: REGION,
      account_id: ACCOUNT,
      log_group_names: [GROUP],
      state_bucket: BUCKET,
      state_object_key: KEY,
      ssm_parameter_arns: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${PARAMETER}`],
    }),
  );
  moto = await startMoto({ initialNoAuthActionCount: SETUP_CALLS });
  sink = new SlackSink();
  await sink.start();
  const aws = new AwsFixtures(moto);
  const now = Date.now();
  // 1-3: a watched CashOut in the log group
  await aws.logGroup(GROUP);
  await aws.put(GROUP, "s1", [{ timestamp: now - 60_000, message: pixLine({ account: WATCHED, amount: 12345, transactionId: "IAM-1" }) }]);
  // 4: the state bucket, 5: the webhook as a SecureString
  await aws.bucket(BUCKET);
  await aws.ssm.send(new PutParameterCommand({ Name: PARAMETER, Type: "SecureString", Value: sink.url }));
  // 3 per user
  const iam = new IAMClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  for (const [user, without] of Object.entries(USERS) as [UserName, string | null][]) {
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: "pxstream", PolicyDocument: JSON.stringify(policyForMoto(without)) }));
    const created = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    const k = created.AccessKey;
    if (!k?.AccessKeyId || !k.SecretAccessKey) throw new Error(`no access key for ${user}`);
    keys.set(user, { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey });
  }
});

afterAll(async () => {
  await sink?.stop();
  await moto?.stop();
});

/** What the handler's error names when each statement is missing. */
const FAILING_CALL: Readonly<Record<Exclude<UserName, "full">, RegExp>> = {
  "no-logs": /FilterLogEvents on log group/u,
  "no-s3": /checkpoint s3:\/\/infosec-workloads-info\/lastId\.txt/u,
  "no-ssm": /Slack webhook from SSM parameter/u,
};

/**
 * The HTTP statuses along an error's cause chain. moto answers a refused
 * CloudWatch Logs or SSM call with 403 and an XML body the JSON client cannot
 * read, so the status, not the error's name, tells an access error here.
 */
function httpStatuses(err: unknown): number[] {
  const out: number[] = [];
  for (let e = err, depth = 0; typeof e === "object" && e !== null && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined) out.push(status);
  }
  return out;
}

async function scheduledRun(user: UserName): Promise<unknown> {
  const k = keys.get(user);
  if (!k) throw new Error(`no keys for ${user}`);
  const handler = await loadDistHandler(); // a fresh container: no cached webhook or clients
  return withEnv(
    {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: k.accessKeyId,
      AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
      AWS_MAX_ATTEMPTS: "1",
      PXSTREAM_LOG_GROUPS: GROUP,
      PXSTREAM_WATCHED_ACCOUNTS: WATCHED,
      PXSTREAM_STATE_BUCKET: BUCKET,
      PXSTREAM_STATE_KEY: KEY,
      PXSTREAM_SLACK_WEBHOOK_PARAMETER: PARAMETER,
      PXSTREAM_LOOKBACK_MINUTES: "60",
    },
    () => handler({ source: "pxstream.schedule" }, lambdaContext()),
  );
}

describe.skipIf(!available)(titled("the rendered policy against moto_server with IAM enforcement", { ok: available, reason: unavailable }), () => {
  it("is enforced: a request with keys moto does not know is refused", async () => {
    const stranger = new S3Client({
      endpoint: moto.endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" },
    });
    await expect(stranger.send(new ListBucketsCommand({}))).rejects.toThrow(/InvalidAccessKeyId|AWS Access Key Id/u);
  });

  it("grants only the actions of the template and the added statements, on no '*' resource", () => {
    expect(policy.Statement.flatMap((s) => actions(s)).sort()).toEqual(
      [
        "logs:CreateLogStream",
        "logs:FilterLogEvents",
        "logs:PutLogEvents",
        "s3:GetObject",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
        "ssm:GetParameter",
      ].sort(),
    );
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });

  it.each(["no-logs", "no-s3", "no-ssm"] as const)("without its %s statement, the scheduled run fails with an access error and posts nothing", async (user) => {
    const err: unknown = await scheduledRun(user).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, "the run succeeded").toBeInstanceOf(Error);
    expect(String(err)).toMatch(FAILING_CALL[user]);
    expect(httpStatuses(err), String(err)).toContain(403);
    expect(sink.requests).toHaveLength(0);
  });

  it("with the whole policy, the scheduled run reads the logs, the webhook and the checkpoint, posts, and moves the checkpoint", async () => {
    const summary = await scheduledRun("full");
    expect(summary).toMatchObject({ scanned: 1, matched: 1, notified: 1 });
    expect(sink.accepted).toHaveLength(1);
    expect(sink.accepted[0]?.json?.text).toMatch(/^Pix CashOut: 1 evento, R\$[\u00a0 ]123,45$/u);
    const k = keys.get("full");
    if (!k) throw new Error("no keys");
    const s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true, credentials: k });
    const checkpoint = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(await checkpoint.Body?.transformToString()).toMatch(/^\{/u);
  });
});

/**
 * The function's policy, rendered by terraform from the module's policy
 * submodule, is the documented IAM policy template (terraform/tests/fixtures/
 * documented-iam-policy.json, the original px_stream README's) with its
 * placeholders filled in, less the two read actions the handler never calls,
 * plus the statements the function needs besides it, and nothing else.
 * Where terraform is not installed these tests are skipped, and say so.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readZip, zipPath } from "../support/dist-handler.js";
import { basicInputs, documentedPolicyPath, renderPolicies, type PolicyDocument, type PolicyInputs, type Statement } from "./policy.js";
import { terraformAvailability, titled } from "./terraform.js";

const availability = terraformAvailability();

const SSM_KEY = "arn:aws:kms:sa-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd";
const S3_KEY = "arn:aws:kms:sa-east-1:123456789012:key/5555eeee-6666-ffff-7777-000088889999";
const GROUPS = ["/aws/lambda/pix-payload", "/ecs/pix-gateway", "pix#legacy"];

const CASES: Readonly<Record<string, PolicyInputs>> = {
  basic: basicInputs(),
  everything: basicInputs({
    log_group_names: GROUPS,
    state_object_key: "pxstream/lastId.txt",
    config_object_key: "pxstream/rules.json",
    ssm_parameter_arns: [
      "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url",
      "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/receiver-key",
    ],
    ssm_kms_key_arn: SSM_KEY,
    state_bucket_kms_key_arn: S3_KEY,
    on_failure_destination_arn: "arn:aws:sqs:sa-east-1:123456789012:pxstream-failed",
  }),
  sns: basicInputs({ on_failure_destination_arn: "arn:aws:sns:sa-east-1:123456789012:pxstream-failed" }),
  china: basicInputs({ partition: "aws-cn", region: "cn-north-1" }),
};

const rendered = new Map<string, PolicyDocument>();

beforeAll(async () => {
  if (!availability.ok) return;
  const names = Object.keys(CASES);
  const docs = await renderPolicies(names.map((n) => CASES[n] as PolicyInputs));
  for (const [i, n] of names.entries()) rendered.set(n, docs[i] as PolicyDocument);
}, 180_000);

function policy(name: string): PolicyDocument {
  const doc = rendered.get(name);
  if (!doc) throw new Error(`no rendered policy ${name}`);
  return doc;
}

/** The documented template with its placeholders replaced, one log-group ARN per watched group, less the actions the handler never calls. */
function documentedStatements(region: string, account: string, groups: readonly string[], bucket: string, key: string): Statement[] {
  const doc = JSON.parse(readFileSync(documentedPolicyPath, "utf8")) as PolicyDocument;
  const [logs, s3] = doc.Statement;
  if (!logs || !s3) throw new Error("the documented template changed");
  const logsResource = String(logs.Resource);
  return [
    {
      ...logs,
      Sid: "ReadWatchedLogGroups",
      Action: [logs.Action].flat().filter((a) => a === "logs:FilterLogEvents"),
      Resource: groups.map((g) => logsResource.replace("REGION", region).replace("ACCOUNT_ID", account).replace("LOG_GROUP_NAME", g)),
    },
    { ...s3, Sid: "ReadWriteCheckpoint", Resource: String(s3.Resource).replace("bucket-name-here", bucket).replace("lastId.txt", key) },
  ];
}

/** IAM reads "x" and ["x"] alike: compare Action and Resource as sorted lists. */
function normalise(statements: readonly Statement[]): unknown[] {
  const list = (v: string | readonly string[]): string[] => [v].flat().sort();
  return statements.map((s) => ({ ...s, Action: list(s.Action), Resource: list(s.Resource) }));
}

const resources = (doc: PolicyDocument): string[] => doc.Statement.flatMap((s) => [s.Resource].flat());
const actions = (doc: PolicyDocument): string[] => doc.Statement.flatMap((s) => [s.Action].flat());

describe("the documented template fixture", () => {
  it("is the px_stream README's policy: two statements, logs read and the lastId.txt object", () => {
    const doc = JSON.parse(readFileSync(documentedPolicyPath, "utf8")) as PolicyDocument;
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement.map((s) => s.Action)).toEqual([
      ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
      ["s3:GetObject", "s3:PutObject"],
    ]);
    expect(doc.Statement.map((s) => s.Resource)).toEqual([
      "arn:aws:logs:REGION:ACCOUNT_ID:log-group:LOG_GROUP_NAME:*",
      "arn:aws:s3:::bucket-name-here/lastId.txt",
    ]);
  });

  it("lists two actions the handler never calls, which the module leaves out", async () => {
    const bundle = (await readZip(zipPath)).get("index.mjs")?.toString("utf8") ?? "";
    expect(bundle).toContain("FilterLogEvents");
    expect(bundle).not.toContain("DescribeLogStreams");
    expect(bundle).not.toContain("GetLogEvents");
  });
});

describe.skipIf(!availability.ok)(titled("the policy rendered by terraform", availability), () => {
  it("for the basic example: the documented statements, ListBucket on the own keys, the configuration, SSM and the own log group, nothing else", () => {
    expect(policy("basic").Version).toBe("2012-10-17");
    expect(normalise(policy("basic").Statement)).toEqual(
      normalise([
        ...documentedStatements("sa-east-1", "123456789012", ["/aws/lambda/pix-payload"], "infosec-workloads-info", "lastId.txt"),
        {
          Sid: "ListOwnKeysOnly",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: "arn:aws:s3:::infosec-workloads-info",
          Condition: { StringEquals: { "s3:prefix": ["lastId.txt", "pxstream/config.json"] } },
        },
        { Sid: "ReadConfiguration", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::infosec-workloads-info/pxstream/config.json" },
        {
          Sid: "ReadParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: ["arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url"],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: "arn:aws:logs:sa-east-1:123456789012:log-group:/aws/lambda/pxstream:*",
        },
      ]),
    );
  });

  it("covers every watched group, and adds the customer keys and the failure destination only when given", () => {
    const doc = policy("everything");
    expect(normalise(doc.Statement)).toEqual(
      normalise([
        ...documentedStatements("sa-east-1", "123456789012", GROUPS, "infosec-workloads-info", "pxstream/lastId.txt"),
        {
          Sid: "ListOwnKeysOnly",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: "arn:aws:s3:::infosec-workloads-info",
          Condition: { StringEquals: { "s3:prefix": ["pxstream/lastId.txt", "pxstream/rules.json"] } },
        },
        { Sid: "ReadConfiguration", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::infosec-workloads-info/pxstream/rules.json" },
        {
          Sid: "ReadParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: [
            "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url",
            "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/receiver-key",
          ],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: "arn:aws:logs:sa-east-1:123456789012:log-group:/aws/lambda/pxstream:*",
        },
        {
          Sid: "DecryptParameters",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: SSM_KEY,
          Condition: { StringEquals: { "kms:ViaService": "ssm.sa-east-1.amazonaws.com" } },
        },
        {
          Sid: "EncryptStateObjects",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: S3_KEY,
          Condition: { StringEquals: { "kms:ViaService": "s3.sa-east-1.amazonaws.com" } },
        },
        { Sid: "SendFailedInvocations", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:sa-east-1:123456789012:pxstream-failed" },
      ]),
    );
    expect(policy("sns").Statement.find((s) => s.Sid === "SendFailedInvocations")?.Action).toEqual(["sns:Publish"]);
  });

  it("never grants a '*' resource or a wildcard action, and only Allow", () => {
    for (const name of Object.keys(CASES)) {
      const doc = policy(name);
      for (const r of resources(doc)) {
        expect(r).not.toBe("*");
        expect(r).toMatch(/^arn:aws(-cn)?:(logs|s3|ssm|kms|sqs|sns):/u);
      }
      for (const s of doc.Statement) expect(s.Effect).toBe("Allow");
      for (const a of actions(doc)) expect(a).not.toContain("*");
    }
  });

  it("uses the partition it is given (China, GovCloud)", () => {
    for (const r of resources(policy("china")).filter((x) => !x.includes(":ssm:"))) expect(r).toMatch(/^arn:aws-cn:/u);
  });
});

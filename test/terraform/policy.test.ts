/**
 * The function's policy, rendered from terraform/templates/lambda-policy.json.tftpl
 * the way templatefile() renders it, is the documented template of the brief
 * with its placeholders filled in, plus the statements the brief says it
 * lacks, and nothing else.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./hcl.js";
import { basicInputs, policyTemplatePath, renderPolicy, renderPolicyText, type PolicyDocument, type Statement } from "./policy.js";
import { evaluate, renderTemplate, TemplateError } from "./templatefile.js";

/** The documented IAM policy template, as the brief (shared/brief.md) gives it. */
const DOCUMENTED_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
      "Resource": "arn:aws:logs:REGION:ACCOUNT_ID:log-group:LOG_GROUP_NAME:*"
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::bucket-name-here/lastId.txt"
    }
  ]
}`;

/** The documented template with its placeholders replaced; one log-group ARN per watched group. */
function documentedStatements(region: string, account: string, groups: readonly string[], bucket: string, key: string): Statement[] {
  const doc = JSON.parse(DOCUMENTED_TEMPLATE) as PolicyDocument;
  const [logs, s3] = doc.Statement;
  if (!logs || !s3) throw new Error("documented template changed");
  const logsResource = String(logs.Resource);
  return [
    {
      ...logs,
      Resource: groups.map((g) => logsResource.replace("REGION", region).replace("ACCOUNT_ID", account).replace("LOG_GROUP_NAME", g)),
    },
    { ...s3, Resource: String(s3.Resource).replace("bucket-name-here", bucket).replace("lastId.txt", key) },
  ];
}

/** IAM reads "x" and ["x"] alike: compare statements with Action and Resource as sorted lists. */
function normalise(statements: readonly Statement[]): unknown[] {
  const list = (v: string | readonly string[]): string[] => (typeof v === "string" ? [v] : [...v]).sort();
  return statements.map((s) => ({ ...s, Action: list(s.Action), Resource: list(s.Resource) }));
}

function resources(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => (typeof s.Resource === "string" ? [s.Resource] : [...s.Resource]));
}

describe("the policy template", () => {
  it("quotes the brief's documented template exactly", () => {
    const brief = join(repoRoot, "..", "shared", "brief.md");
    if (!existsSync(brief)) return; // shared/ lies beside the repository on the project's machines and in CI
    const block = /## The documented IAM policy template[\s\S]*?```json\n([\s\S]*?)```/u.exec(readFileSync(brief, "utf8"));
    expect(JSON.parse(block?.[1] ?? "null")).toEqual(JSON.parse(DOCUMENTED_TEMPLATE));
  });

  it("renders, for the basic example, the documented statements plus SSM and the function's own log group, nothing else", () => {
    const inputs = basicInputs();
    const policy = renderPolicy(inputs);
    expect(policy.Version).toBe("2012-10-17");
    expect(normalise(policy.Statement)).toEqual(
      normalise([
        ...documentedStatements("sa-east-1", "123456789012", ["/aws/lambda/pix-payload"], "infosec-workloads-info", "lastId.txt"),
        {
          Effect: "Allow",
          Action: ["ssm:GetParameter"],
          Resource: "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url",
        },
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: "arn:aws:logs:sa-east-1:123456789012:log-group:/aws/lambda/pxstream:*",
        },
      ]),
    );
  });

  it("covers every watched log group, and adds kms:Decrypt for customer keys only when they are given", () => {
    const groups = ["/aws/lambda/pix-payload", "/ecs/pix-gateway", "pix#legacy"];
    const ssmKey = "arn:aws:kms:sa-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd";
    const s3Key = "arn:aws:kms:sa-east-1:123456789012:key/5555eeee-6666-ffff-7777-000088889999";
    const policy = renderPolicy(
      basicInputs({ log_group_names: groups, slack_webhook_kms_key_arn: ssmKey, state_bucket_kms_key_arn: s3Key, state_object_key: "pxstream/lastId.txt" }),
    );
    expect(normalise(policy.Statement)).toEqual(
      normalise([
        ...documentedStatements("sa-east-1", "123456789012", groups, "infosec-workloads-info", "pxstream/lastId.txt"),
        { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url" },
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:sa-east-1:123456789012:log-group:/aws/lambda/pxstream:*" },
        { Effect: "Allow", Action: ["kms:Decrypt"], Resource: ssmKey, Condition: { StringEquals: { "kms:ViaService": "ssm.sa-east-1.amazonaws.com" } } },
        {
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: s3Key,
          Condition: { StringEquals: { "kms:ViaService": "s3.sa-east-1.amazonaws.com" } },
        },
      ]),
    );
  });

  it("never grants a '*' resource or a wildcard action, and only Allow", () => {
    for (const doc of [
      renderPolicy(basicInputs()),
      renderPolicy(basicInputs({ slack_webhook_kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/abc", state_bucket_kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/def" })),
    ]) {
      for (const r of resources(doc)) {
        expect(r).not.toBe("*");
        expect(r).toMatch(/^arn:aws:(logs|s3|ssm|kms):/u);
      }
      for (const s of doc.Statement) {
        expect(s.Effect).toBe("Allow");
        for (const a of typeof s.Action === "string" ? [s.Action] : s.Action) expect(a).not.toContain("*");
      }
    }
  });

  it("uses the partition it is given (GovCloud, China)", () => {
    const doc = renderPolicy(basicInputs({ partition: "aws-cn", region: "cn-north-1" }));
    for (const r of resources(doc).filter((x) => !x.includes(":ssm:"))) expect(r).toMatch(/^arn:aws-cn:/u);
  });

  it("matches terraform's own templatefile() byte for byte, where terraform is installed", (ctx) => {
    const probe = spawnSync("terraform", ["version"], { encoding: "utf8" });
    if (probe.error !== undefined || probe.status !== 0) {
      ctx.skip();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "pxstream-templatefile-"));
    const cases = [basicInputs(), basicInputs({ log_group_names: ["/a", "/b", "/c"], slack_webhook_kms_key_arn: "arn:aws:kms:sa-east-1:123456789012:key/k" })];
    cases.forEach((vars, i) => writeFileSync(join(dir, `vars${i}.json`), JSON.stringify(vars)));
    writeFileSync(
      join(dir, "main.tf"),
      cases
        .map(
          (_, i) =>
            `output "rendered${i}" {\n  value = templatefile(${JSON.stringify(policyTemplatePath)}, jsondecode(file("\${path.module}/vars${i}.json")))\n}\n`,
        )
        .join(""),
    );
    const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" };
    const apply = spawnSync("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: dir, encoding: "utf8", env });
    expect(apply.status, apply.stderr).toBe(0);
    cases.forEach((vars, i) => {
      const out = spawnSync("terraform", ["output", "-raw", `rendered${i}`], { cwd: dir, encoding: "utf8", env });
      expect(out.status, out.stderr).toBe(0);
      expect(renderPolicyText(vars)).toBe(out.stdout);
    });
  });
});

describe("the templatefile() renderer", () => {
  it("interpolates, loops with an index, branches and strips whitespace as Terraform does", () => {
    const tpl = '[\n%{ for i, x in xs ~}\n  "${x}"%{ if i < length(xs) - 1 },%{ endif }\n%{ endfor ~}\n]%{ if flag } yes%{ else } no%{ endif } $${literal} %%{ literal }';
    expect(renderTemplate(tpl, { xs: ["a", "b"], flag: false })).toBe('[\n  "a",\n  "b"\n] no ${literal} %{ literal }');
    // Outputs of terraform 1.11's templatefile(): a strip marker trims one line fragment only.
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["x\n  %{~ if true }y%{ endif }", "x\ny"],
      ["x  \n%{~ if true }y%{ endif }", "xy"],
      ["%{ if true ~}\n\n  y%{ endif }", "\n  y"],
      ['a ${"b"} \n ${~ "c"}', "a b \nc"],
      ["A  %{~ if true ~}  B  %{~ endif ~}  C", "ABC"],
    ];
    for (const [src, want] of cases) expect(renderTemplate(src, {})).toBe(want);
  });

  it("refuses what Terraform refuses: unknown variables and lists in an interpolation", () => {
    expect(() => renderTemplate("${missing}", {})).toThrow(TemplateError);
    expect(() => renderTemplate("${xs}", { xs: ["a"] })).toThrow(/string required/u);
    expect(() => renderTemplate("%{ if x }", { x: true })).toThrow(/endif/u);
  });

  it("evaluates the operators the templates use", () => {
    expect(evaluate('a != "" && !(n + 1 < 2 * 3 % 4) || false', { a: "x", n: 5 })).toBe(true);
    expect(evaluate("m.k[1]", { m: { k: [1, 2] } })).toBe(2);
  });
});

/**
 * The function's IAM policy, rendered by terraform itself: the module's
 * policy submodule (terraform/modules/lambda-policy, no provider, no
 * resources) applied in a temporary root with the given inputs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleDir } from "./hcl.js";
import { terraform } from "./terraform.js";

export const documentedPolicyPath = join(moduleDir, "tests", "fixtures", "documented-iam-policy.json");

/** The submodule's inputs (terraform/modules/lambda-policy/variables.tf). */
export interface PolicyInputs {
  readonly partition: string;
  readonly region: string;
  readonly account_id: string;
  readonly log_group_names: readonly string[];
  readonly function_log_group_name: string;
  readonly state_bucket: string;
  readonly state_object_key: string;
  readonly config_object_key: string | null;
  readonly ssm_parameter_arns: readonly string[];
  readonly ssm_kms_key_arn: string | null;
  readonly state_bucket_kms_key_arn: string | null;
  readonly on_failure_destination_arn: string | null;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Statement[];
}

/** What the module passes for the basic example (account 123456789012, sa-east-1, name pxstream). */
export function basicInputs(overrides: Partial<PolicyInputs> = {}): PolicyInputs {
  return {
    partition: "aws",
    region: "sa-east-1",
    account_id: "123456789012",
    log_group_names: ["/aws/lambda/pix-payload"],
    function_log_group_name: "/aws/lambda/pxstream",
    state_bucket: "infosec-workloads-info",
    state_object_key: "lastId.txt",
    config_object_key: "pxstream/config.json",
    ssm_parameter_arns: ["arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url"],
    ssm_kms_key_arn: null,
    state_bucket_kms_key_arn: null,
    on_failure_destination_arn: null,
    ...overrides,
  };
}

/** Renders one policy per input set, in one terraform apply. */
export async function renderPolicies(cases: readonly PolicyInputs[]): Promise<PolicyDocument[]> {
  const dir = mkdtempSync(join(tmpdir(), "pxstream-policy-"));
  writeFileSync(join(dir, "cases.auto.tfvars.json"), JSON.stringify({ cases }));
  writeFileSync(
    join(dir, "main.tf"),
    [
      'variable "cases" {\n  type = any\n}\n',
      ...cases.map(
        (_, i) =>
          `module "policy${i}" {\n  source = ${JSON.stringify(join(moduleDir, "modules", "lambda-policy"))}\n` +
          Object.keys(cases[0] ?? {})
            .map((k) => `  ${k} = var.cases[${i}].${k}\n`)
            .join("") +
          "}\n",
      ),
      `output "policies" {\n  value = [${cases.map((_, i) => `module.policy${i}.json`).join(", ")}]\n}\n`,
    ].join("\n"),
  );
  for (const args of [
    ["init", "-backend=false", "-input=false", "-no-color"],
    ["apply", "-auto-approve", "-input=false", "-no-color"],
  ]) {
    const res = await terraform(args, dir);
    if (res.code !== 0) throw new Error(`terraform ${args[0]} failed: ${res.output}`);
  }
  const out = await terraform(["output", "-json", "policies"], dir);
  if (out.code !== 0) throw new Error(`terraform output failed: ${out.output}`);
  return (JSON.parse(out.stdout) as string[]).map((p) => JSON.parse(p) as PolicyDocument);
}

export async function renderPolicy(inputs: PolicyInputs): Promise<PolicyDocument> {
  const [doc] = await renderPolicies([inputs]);
  if (!doc) throw new Error("no policy rendered");
  return doc;
}

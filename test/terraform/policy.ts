/** The function's IAM policy: the module's template, rendered as templatefile() would. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { moduleDir } from "./hcl.js";
import { renderTemplate, type TplValue } from "./templatefile.js";

export const policyTemplatePath = join(moduleDir, "templates", "lambda-policy.json.tftpl");

export interface PolicyInputs {
  readonly partition: string;
  readonly region: string;
  readonly account_id: string;
  readonly log_group_names: readonly string[];
  readonly state_bucket: string;
  readonly state_object_key: string;
  readonly slack_webhook_parameter_arn: string;
  readonly slack_webhook_kms_key_arn: string;
  readonly state_bucket_kms_key_arn: string;
  readonly function_log_group_name: string;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Statement[];
}

/** The inputs iam.tf passes for a module instance (`name` its var.name), as in the basic example. */
export function basicInputs(overrides: Partial<PolicyInputs> = {}): PolicyInputs {
  return {
    partition: "aws",
    region: "sa-east-1",
    account_id: "123456789012",
    log_group_names: ["/aws/lambda/pix-payload"],
    state_bucket: "infosec-workloads-info",
    state_object_key: "lastId.txt",
    slack_webhook_parameter_arn: "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url",
    slack_webhook_kms_key_arn: "",
    state_bucket_kms_key_arn: "",
    function_log_group_name: "/aws/lambda/pxstream",
    ...overrides,
  };
}

export function renderPolicyText(inputs: PolicyInputs): string {
  return renderTemplate(readFileSync(policyTemplatePath, "utf8"), inputs as unknown as Record<string, TplValue>);
}

export function renderPolicy(inputs: PolicyInputs): PolicyDocument {
  return JSON.parse(renderPolicyText(inputs)) as PolicyDocument;
}

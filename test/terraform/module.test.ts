/**
 * The module's conventions, checked statically (no terraform needed): its
 * shape, descriptions, validations, tags and name prefixes, and the
 * examples' calls. What the module plans is tested by terraform itself in
 * terraform/tests/*.tftest.hcl (terraform-test.test.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkCallers,
  checkNamePrefix,
  checkOutputs,
  checkReferences,
  checkTags,
  checkVariables,
  declarations,
  exampleDirs,
  moduleDir,
  parseConfig,
  tfFiles,
  type Config,
} from "./hcl.js";

const EXAMPLES = ["basic", "existing-resources", "multi-account", "push"];

let mod: Config;
let policyModule: Config;
const examples = new Map<string, Config>();

beforeAll(async () => {
  mod = await parseConfig(moduleDir);
  policyModule = await parseConfig(join(moduleDir, "modules", "lambda-policy"));
  for (const dir of exampleDirs()) examples.set(basename(dir), await parseConfig(dir));
});

function example(name: string): Config {
  const ex = examples.get(name);
  if (!ex) throw new Error(`no example ${name}`);
  return ex;
}

describe("the pxstream module", () => {
  it("is split by concern, terraform-aws-modules style", () => {
    expect(tfFiles(moduleDir)).toEqual([
      "alarms.tf",
      "iam.tf",
      "lambda.tf",
      "logs.tf",
      "main.tf",
      "outputs.tf",
      "push.tf",
      "s3.tf",
      "schedule.tf",
      "ssm.tf",
      "variables.tf",
      "versions.tf",
    ]);
  });

  it("requires terraform >= 1.11 (ephemeral variables, write-only arguments) and an AWS provider admitting 5.100 and 6.x", () => {
    const text = JSON.stringify(mod.files.find((f) => f.path.endsWith("versions.tf"))?.body);
    expect(text).toContain('"required_version":">= 1.11"');
    expect(text).toContain('"source":"hashicorp/aws","version":">= 5.100, < 7.0"');
    for (const name of EXAMPLES) {
      const ex = JSON.stringify(example(name).files.find((f) => f.path.endsWith("versions.tf"))?.body);
      expect(ex, name).toContain('"required_version":">= 1.11"');
      expect(ex, name).toContain('"version":">= 5.100, < 7.0"');
    }
  });

  it("resolves every var., local., module., data and resource reference", () => {
    expect(checkReferences(mod)).toEqual([]);
    expect(checkReferences(policyModule)).toEqual([]);
  });

  it("types and describes every variable, and validates every input that has a shape", () => {
    expect(checkVariables(mod)).toEqual([]);
    // The policy submodule's only caller is the module, which validates every input.
    expect(checkVariables(policyModule, {}, true)).toEqual([]);
  });

  it("keeps the webhook ephemeral and sensitive, and never in a value argument", () => {
    const url = declarations(mod).variables.get("slack_webhook_url");
    expect(url?.ephemeral).toBe(true);
    expect(url?.sensitive).toBe(true);
    const param = declarations(mod).resources.get("aws_ssm_parameter.slack_webhook");
    expect(param?.value_wo).toBe("${var.slack_webhook_url}");
    expect(param?.value).toBeUndefined();
    expect(param?.value_wo_version).toBe("${var.slack_webhook_url_version}");
  });

  it("describes every output, and has the outputs operators look for", () => {
    expect(checkOutputs(mod)).toEqual([]);
    const outputs = [...declarations(mod).outputs.keys()];
    for (const o of [
      "lambda_function_name",
      "lambda_function_arn",
      "lambda_role_arn",
      "cloudwatch_log_group_name",
      "schedule_name",
      "schedule_arn",
      "state_bucket_name",
      "state_bucket_arn",
      "config_object_key",
      "slack_webhook_parameter_name",
      "lambda_function_source_code_hash",
      "alarm_arns",
    ]) {
      expect(outputs).toContain(o);
    }
  });

  it("tags every resource that takes tags", () => {
    expect(checkTags(mod)).toEqual([]);
  });

  it("derives every resource name from var.name", () => {
    expect(checkNamePrefix(mod)).toEqual([]);
  });

  it("does not check push against the schedule any more: together they are the recommended mode", () => {
    const text = mod.files.map((f) => readFileSync(f.path, "utf8")).join("\n");
    expect(text).not.toMatch(/check\s+"push_and_schedule/u);
  });

  it("carries the reason of every checkov skip next to the resource", () => {
    for (const f of mod.files) {
      for (const line of readFileSync(f.path, "utf8").split("\n")) {
        const m = /#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?$/u.exec(line.trim());
        if (m) expect((m[2] ?? "").trim().length, `${f.path}: ${m[1]} has no reason`).toBeGreaterThan(20);
      }
    }
  });
});

describe("the examples", () => {
  it("are basic, existing-resources, multi-account and push", () => {
    expect([...examples.keys()]).toEqual(EXAMPLES);
  });

  it.each(EXAMPLES)("%s is a complete root module with a README and a terraform.tfvars.example", (name) => {
    const ex = example(name);
    expect(tfFiles(ex.dir)).toEqual(expect.arrayContaining(["main.tf", "outputs.tf", "variables.tf", "versions.tf"]));
    expect(JSON.stringify(ex.files.map((f) => f.body.provider ?? null))).toContain('"aws"');
    expect(checkReferences(ex)).toEqual([]);
    expect(checkVariables(ex, {}, true)).toEqual([]);
    expect(checkOutputs(ex)).toEqual([]);
    expect(existsSync(join(ex.dir, "README.md"))).toBe(true);
    const tfvars = readFileSync(join(ex.dir, "terraform.tfvars.example"), "utf8");
    // Every variable without a default is in the example values (the webhook is given in the environment).
    for (const [v, body] of declarations(ex).variables) {
      if (!("default" in body) && body.ephemeral !== true) expect(tfvars, `${name}: ${v}`).toMatch(new RegExp(`^${v}\\s*=`, "mu"));
    }
    expect(tfvars).not.toMatch(/hooks\.slack\.com\/services\/T/u);
  });

  it.each(EXAMPLES)("%s passes only declared variables and every required one", (name) => {
    expect(checkCallers(example(name), mod)).toEqual([]);
  });

  it.each(EXAMPLES)("%s keeps any webhook it takes ephemeral", (name) => {
    const url = declarations(example(name)).variables.get("slack_webhook_url");
    if (url !== undefined) expect(url.ephemeral, name).toBe(true);
  });

  it("multi-account deploys two instances through two provider aliases", () => {
    const ex = example("multi-account");
    const modules = [...declarations(ex).modules.values()];
    expect(modules).toHaveLength(2);
    const aliases = modules.map((m) => JSON.stringify(m.providers));
    expect(new Set(aliases).size).toBe(2);
    const providerBlocks = ex.files.flatMap((f) => (Array.isArray(f.body.provider) ? [] : Object.values(f.body.provider ?? {})));
    expect(JSON.stringify(providerBlocks).match(/"alias"/gu)).toHaveLength(2);
  });

  it("push keeps the schedule as the safety net and encrypts its alarm topic with a key CloudWatch may use", () => {
    const ex = example("push");
    const d = declarations(ex);
    const call = d.modules.get("pxstream");
    expect(call?.create_subscription_filters).toBe(true);
    expect(call?.create_schedule).toBeUndefined();
    expect(call?.schedule).toBe("rate(15 minutes)");
    expect(d.resources.get("aws_sns_topic.alarms")?.kms_master_key_id).toBe("${aws_kms_key.alarms[0].arn}");
    expect(String(d.resources.get("aws_kms_key.alarms")?.policy)).toContain("cloudwatch.amazonaws.com");
    expect(readFileSync(join(ex.dir, "main.tf"), "utf8")).not.toContain('alias/aws/sns"');
  });
});

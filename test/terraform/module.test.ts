import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkCallers,
  checkNamePrefix,
  checkOutputs,
  checkReferences,
  checkTags,
  checkTemplateCalls,
  checkVariables,
  declarations,
  exampleDirs,
  moduleDir,
  parseConfig,
  tfFiles,
  type Config,
} from "./hcl.js";

let mod: Config;
const examples = new Map<string, Config>();

beforeAll(async () => {
  mod = await parseConfig(moduleDir);
  for (const dir of exampleDirs()) examples.set(basename(dir), await parseConfig(dir));
});

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

  it("requires terraform >= 1.5 and the aws provider 5.x or later", () => {
    const versions = mod.files.find((f) => f.path.endsWith("versions.tf"))?.body;
    const text = JSON.stringify(versions);
    expect(text).toContain('"required_version":">= 1.5"');
    expect(text).toMatch(/"source":"hashicorp\/aws","version":">= 5\.\d+"/u);
  });

  it("resolves every var., local., module., data and resource reference", () => {
    expect(checkReferences(mod)).toEqual([]);
  });

  it("types and describes every variable, and validates every input that has a shape", () => {
    expect(checkVariables(mod)).toEqual([]);
  });

  it("describes every output", () => {
    expect(checkOutputs(mod)).toEqual([]);
  });

  it("has the outputs operators look for", () => {
    const outputs = [...declarations(mod).outputs.keys()];
    for (const o of [
      "lambda_function_name",
      "lambda_function_arn",
      "lambda_role_arn",
      "cloudwatch_log_group_name",
      "schedule_arn",
      "slack_webhook_parameter_name",
      "lambda_function_source_code_hash",
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

  it("passes each template exactly the variables it reads", () => {
    expect(checkTemplateCalls(mod)).toEqual([]);
  });

  it("gives the function the contract's environment, the documented defaults and JSON logs", () => {
    const d = declarations(mod);
    const env = d.locals.get("environment");
    expect(typeof env).toBe("string");
    for (const k of [
      "PXSTREAM_LOG_GROUPS",
      "PXSTREAM_WATCHED_ACCOUNTS",
      "PXSTREAM_STATE_BUCKET",
      "PXSTREAM_STATE_KEY",
      "PXSTREAM_SLACK_WEBHOOK_PARAMETER",
      "PXSTREAM_LOOKBACK_MINUTES",
      "PXSTREAM_DRY_RUN",
      "PXSTREAM_OVERLAP_MINUTES",
      "PXSTREAM_SLICE_MINUTES",
      "PXSTREAM_MAX_CATCHUP_HOURS",
      "PXSTREAM_SLACK_TIMEOUT_SECONDS",
    ]) {
      expect(env).toContain(`${k} `);
    }
    const defaults = Object.fromEntries([...d.variables].map(([k, v]) => [k, v.default]));
    expect(defaults).toMatchObject({
      runtime: "nodejs22.x",
      architecture: "arm64",
      memory_size: 256,
      timeout: 120,
      reserved_concurrent_executions: 1,
      cloudwatch_logs_retention_in_days: 365,
      schedule: "rate(5 minutes)",
      state_object_key: "lastId.txt",
      lookback_minutes: 5,
      dry_run: false,
      overlap_minutes: 15,
      slice_minutes: 60,
      max_catchup_hours: 72,
      slack_timeout_seconds: 10,
      create_schedule: true,
      create_subscription_filters: false,
    });
    const fn = d.resources.get("aws_lambda_function.this");
    expect(fn?.handler).toBe("index.handler");
    expect(JSON.stringify(fn?.logging_config)).toContain('"log_format":"JSON"');
    expect(fn?.source_code_hash).toBe("${local.source_code_hash}");
    expect(d.locals.get("source_code_hash")).toContain("filebase64sha256(local.package_path)");
    expect(d.locals.get("package_path")).toContain('"${path.module}/../dist/pxstream.zip"');
    expect(JSON.stringify(fn?.depends_on)).toContain("aws_cloudwatch_log_group.this");
  });

  it("runs the schedule at exact times with a retry policy, through a role that may invoke only this function", () => {
    const d = declarations(mod);
    const s = JSON.stringify(d.resources.get("aws_scheduler_schedule.this"));
    expect(s).toContain('"mode":"OFF"');
    expect(s).toContain("retry_policy");
    expect(s).toContain("${var.schedule_timezone}");
    const policy = JSON.stringify(d.resources.get("aws_iam_role_policy.scheduler"));
    expect(policy).toContain('Action   = \\"lambda:InvokeFunction\\"');
    expect(policy).toContain("Resource = aws_lambda_function.this.arn");
  });

  it("scopes the push-mode permission by source_arn", () => {
    const perm = declarations(mod).resources.get("aws_lambda_permission.logs");
    expect(perm?.source_arn).toMatch(/log-group:\$\{each\.value\}:\*$/u);
    expect(perm?.principal).toBe("logs.amazonaws.com");
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
  it("are basic, existing-resources, push and multi-account", () => {
    expect([...examples.keys()]).toEqual(["basic", "existing-resources", "multi-account", "push"]);
  });

  it.each(["basic", "existing-resources", "multi-account", "push"])("%s is a complete root module whose references resolve", (name) => {
    const ex = examples.get(name);
    if (!ex) throw new Error(`no example ${name}`);
    const files = tfFiles(ex.dir);
    expect(files).toEqual(expect.arrayContaining(["main.tf", "outputs.tf", "variables.tf", "versions.tf"]));
    expect(JSON.stringify(ex.files.map((f) => f.body.provider ?? null))).toContain('"aws"');
    expect(checkReferences(ex)).toEqual([]);
    expect(checkVariables(ex, {}, true)).toEqual([]);
    expect(checkOutputs(ex)).toEqual([]);
  });

  it.each(["basic", "existing-resources", "multi-account", "push"])("%s passes only declared variables and every required one", (name) => {
    const ex = examples.get(name);
    if (!ex) throw new Error(`no example ${name}`);
    expect(checkCallers(ex, mod)).toEqual([]);
  });

  it("multi-account deploys two instances through two provider aliases", () => {
    const ex = examples.get("multi-account");
    if (!ex) throw new Error("no multi-account example");
    const modules = [...declarations(ex).modules.values()];
    expect(modules).toHaveLength(2);
    const aliases = modules.map((m) => JSON.stringify(m.providers));
    expect(new Set(aliases).size).toBe(2);
    const providerBlocks = ex.files.flatMap((f) => (Array.isArray(f.body.provider) ? [] : Object.values(f.body.provider ?? {})));
    expect(JSON.stringify(providerBlocks).match(/"alias"/gu)).toHaveLength(2);
  });

  it("push turns the schedule off, and says why", () => {
    const ex = examples.get("push");
    if (!ex) throw new Error("no push example");
    const call = declarations(ex).modules.get("pxstream");
    expect(call?.create_schedule).toBe(false);
    expect(call?.create_subscription_filters).toBe(true);
    expect(readFileSync(join(ex.dir, "main.tf"), "utf8")).toMatch(/twice/u);
  });
});

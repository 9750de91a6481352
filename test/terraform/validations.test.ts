/**
 * The module's validation blocks, run by terraform itself where it is
 * installed: variables.tf alone is a root module that needs no provider, so
 * `terraform plan` evaluates every validation (RE2 regexes included) against
 * the values given. Good values plan; each bad value is refused with its
 * variable's error message. Skipped where terraform is not installed.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declarations, moduleDir, parseConfig } from "./hcl.js";

const hasTerraform = ((): boolean => {
  const probe = spawnSync("terraform", ["version"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
})();

const REQUIRED = {
  log_group_names: ["/aws/lambda/pix-payload"],
  watched_accounts: ["23463567342345"],
  state_bucket: "infosec-workloads-info",
};

type Vars = Readonly<Record<string, unknown>>;

function plan(vars: Vars): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "pxstream-validations-"));
  copyFileSync(join(moduleDir, "variables.tf"), join(dir, "variables.tf"));
  writeFileSync(join(dir, "values.auto.tfvars.json"), JSON.stringify({ ...REQUIRED, ...vars }));
  const cliConfig = join(dir, "cli.tfrc");
  writeFileSync(cliConfig, "");
  const res = spawnSync("terraform", ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig },
  });
  return { ok: res.status === 0, output: `${res.stdout}\n${res.stderr}`.replace(/\s+/gu, " ") };
}

const GOOD: readonly Vars[] = [
  {},
  {
    name: "pxstream-payments_2",
    watched_accounts: ["*"],
    schedule: "rate(1 minute)",
    schedule_timezone: "America/Sao_Paulo",
    cloudwatch_logs_retention_in_days: 0,
    reserved_concurrent_executions: -1,
    role_path: "/pxstream/",
    role_permissions_boundary: "arn:aws:iam::123456789012:policy/boundary",
    slack_webhook_url: "https://hooks.slack.com/services/T0/B0/x",
    slack_webhook_kms_key_arn: "arn:aws:kms:sa-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    alarm_sns_topic_arns: ["arn:aws:sns:sa-east-1:123456789012:oncall"],
    package_s3_bucket: "artifacts.example",
    package_s3_key: "pxstream/pxstream.zip",
    package_source_code_hash: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    subscription_filter_log_group_names: ["/ecs/pix-gateway"],
    state_object_key: "pxstream/lastId.txt",
  },
  { schedule: "cron(0/5 * * * ? *)", runtime: "nodejs24.x", architecture: "x86_64", environment_variables: { NODE_OPTIONS: "--enable-source-maps" } },
  { schedule: "at(2026-12-01T09:00:00)", schedule_timezone: "UTC", alarm_no_success_minutes: 60 },
];

/** Each bad value, by variable; every round plans one bad value per variable. */
const BAD: Readonly<Record<string, readonly unknown[]>> = {
  name: ["pxstream with spaces", "x".repeat(41)],
  log_group_names: [[], ["/a", "/a"]],
  watched_accounts: [[], ["a,b"], ["*", "23463567342345"]],
  runtime: ["nodejs20.x"],
  architecture: ["arm"],
  memory_size: [64],
  timeout: [901],
  reserved_concurrent_executions: [0],
  kms_key_arn: ["alias/aws/lambda"],
  package_path: ["dist/pxstream.tar.gz"],
  package_s3_bucket: ["Bad_Bucket"],
  package_s3_key: ["/pxstream.zip", "pxstream.tar"],
  package_source_code_hash: ["not-a-hash"],
  lookback_minutes: [0],
  overlap_minutes: [1.5],
  slice_minutes: [0],
  max_catchup_hours: [337],
  slack_timeout_seconds: [0],
  environment_variables: [{ PXSTREAM_DRY_RUN: "true" }],
  cloudwatch_logs_retention_in_days: [366],
  cloudwatch_logs_kms_key_arn: ["arn:aws:kms:sa-east-1:123456789012:alias/logs"],
  application_log_level: ["VERBOSE"],
  role_path: ["pxstream"],
  role_permissions_boundary: ["boundary"],
  state_bucket: ["Infosec_Workloads"],
  state_object_key: ["/lastId.txt", "a".repeat(1025), "last id.txt"],
  state_bucket_kms_key_arn: ["arn:aws:s3:::bucket"],
  state_bucket_noncurrent_version_expiration_days: [0],
  slack_webhook_url: ["http://hooks.slack.com/x"],
  slack_webhook_parameter_name: ["bad name", `/${"a".repeat(1100)}`],
  slack_webhook_kms_key_arn: ["alias/aws/ssm"],
  schedule: ["rate(5 minute)", "every 5 minutes", "cron(0/5 * * * ?)"],
  schedule_timezone: ["Sao Paulo"],
  schedule_group_name: ["bad group"],
  schedule_retry_maximum_attempts: [186],
  schedule_retry_maximum_event_age_in_seconds: [59],
  schedule_kms_key_arn: ["key"],
  subscription_filter_log_group_names: [[]],
  subscription_filter_pattern: ["x".repeat(1025)],
  alarm_sns_topic_arns: [["arn:aws:sqs:sa-east-1:123456789012:q"]],
  alarm_no_success_minutes: [12],
};

describe.skipIf(!hasTerraform)("the module's validations, run by terraform", () => {
  it("cover every variable that has a validation block", async () => {
    const declared = declarations(await parseConfig(moduleDir)).variables;
    const validated = [...declared].filter(([, v]) => v.validation !== undefined).map(([k]) => k);
    expect(Object.keys(BAD).sort()).toEqual(validated.sort());
  });

  it.each(GOOD.map((v, i) => [i, v] as const))("accept good values (set %i)", (_, vars) => {
    const res = plan(vars);
    expect(res.ok, res.output).toBe(true);
  });

  const rounds = Math.max(...Object.values(BAD).map((v) => v.length));
  it.each([...Array(rounds).keys()])("refuse each bad value with its variable's message (round %i)", async (round) => {
    const declared = declarations(await parseConfig(moduleDir)).variables;
    const vars: Record<string, unknown> = {};
    for (const [k, values] of Object.entries(BAD)) if (values[round] !== undefined) vars[k] = values[round];
    const res = plan(vars);
    expect(res.ok).toBe(false);
    for (const k of Object.keys(vars)) {
      const messages = [declared.get(k)?.validation].flat().map((v) => (v && typeof v === "object" && !Array.isArray(v) ? String(v.error_message) : ""));
      expect(
        messages.some((m) => res.output.includes(m.replace(/\s+/gu, " "))),
        `${k} = ${JSON.stringify(vars[k])} was not refused: ${res.output.slice(0, 3000)}`,
      ).toBe(true);
    }
  });
});

/**
 * The module's native tests (terraform/tests/*.tftest.hcl: plan-only against
 * a mock AWS provider, for the variable validations, the preconditions, the
 * rendered policy, the configuration and the alarms), run by `terraform test`
 * in a copy of terraform/. Each .tftest.hcl file is one test here, which fails
 * naming the runs that failed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { declarations, moduleDir, parseConfig } from "./hcl.js";
import { copyModule, terraform, terraformAvailability, titled } from "./terraform.js";

const availability = terraformAvailability();
const testsDir = join(moduleDir, "tests");
const FILES = readdirSync(testsDir)
  .filter((f) => f.endsWith(".tftest.hcl"))
  .sort();

let copy: string;

beforeAll(async () => {
  if (!availability.ok) return;
  copy = copyModule();
  const init = await terraform(["init", "-backend=false", "-input=false", "-no-color"], copy);
  if (init.code !== 0) throw new Error(`terraform init failed: ${init.output}`);
});

interface TestLine {
  readonly type: string;
  readonly "@message"?: string;
  readonly test_run?: { readonly path: string; readonly run: string; readonly progress: string; readonly status?: string };
}

describe("the native tests", () => {
  it("exist for the validations, preconditions, policy, configuration and alarms", () => {
    expect(FILES).toEqual(["alarms.tftest.hcl", "configuration.tftest.hcl", "policy.tftest.hcl", "preconditions.tftest.hcl", "variables.tftest.hcl"]);
  });

  it("refuse a bad value of every variable that has a validation block", async () => {
    const text = readFileSync(join(testsDir, "variables.tftest.hcl"), "utf8");
    const expected = new Set(
      [...text.matchAll(/expect_failures\s*=\s*\[([^\]]*)\]/gu)].flatMap((m) => [...(m[1] ?? "").matchAll(/var\.(\w+)/gu)].map((v) => v[1])),
    );
    const validated = [...declarations(await parseConfig(moduleDir)).variables].filter(([, v]) => v.validation !== undefined).map(([k]) => k);
    expect([...expected].sort()).toEqual(validated.sort());
  });
});

describe.skipIf(!availability.ok)(titled("terraform test", availability), () => {
  it.each(FILES)("%s passes", async (file) => {
    const res = await terraform(["test", "-no-color", "-json", `-filter=tests/${file}`], copy);
    const lines = res.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as TestLine);
    const runs = lines.filter((l) => l.type === "test_run" && l.test_run?.progress === "complete");
    const failed = runs.filter((l) => l.test_run?.status !== "pass").map((l) => `${l.test_run?.run}: ${l.test_run?.status}`);
    const errors = lines.filter((l) => l.type === "diagnostic").map((l) => l["@message"]);
    expect(failed, `${failed.join(", ")}\n${errors.join("\n")}\n${res.stderr}`).toEqual([]);
    expect(runs.length, res.output).toBeGreaterThan(0);
    expect(res.code, res.output).toBe(0);
  });
});

/**
 * `terraform init` + `terraform validate` of the module, its submodule and
 * every example, as `make tf-validate` runs them (scripts/tf-validate.sh), in
 * a copy of terraform/ so the checkout gets no .terraform folders. Providers
 * come from the filesystem mirror where there is one (terraform.ts).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { moduleDir } from "./hcl.js";
import { copyModule, terraform, terraformAvailability, titled } from "./terraform.js";

const availability = terraformAvailability();
const DIRS = [
  ".",
  ...readdirSync(join(moduleDir, "modules")).map((d) => `modules/${d}`),
  ...readdirSync(join(moduleDir, "examples")).map((d) => `examples/${d}`),
].sort();

let copy: string;

beforeAll(() => {
  if (availability.ok) copy = copyModule();
});

describe.skipIf(!availability.ok)(titled("terraform validate", availability), () => {
  it.each(DIRS)("%s initialises and validates", async (dir) => {
    const cwd = join(copy, dir);
    const init = await terraform(["init", "-backend=false", "-input=false", "-no-color"], cwd);
    expect(init.code, init.output).toBe(0);
    const validate = await terraform(["validate", "-no-color", "-json"], cwd);
    const result = JSON.parse(validate.stdout) as { valid: boolean; warning_count: number; diagnostics: unknown[] };
    expect(result.valid, validate.output).toBe(true);
    // A deprecated attribute or argument shows as a warning: none allowed.
    expect(result.diagnostics, validate.output).toEqual([]);
  });
});

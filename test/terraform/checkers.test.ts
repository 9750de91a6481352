/**
 * The static checks of module.test.ts can fail: each is fed a small broken
 * configuration and must name the problem (and stay quiet on the fixed one).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCallers, checkNamePrefix, checkOutputs, checkReferences, checkTags, checkVariables, parseConfig } from "./hcl.js";

function fixture(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), "pxstream-tf-fixture-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const typedVar = (name: string, extra = ""): string => `
variable "${name}" {
  description = "A variable for the fixture."
  type        = string
${extra}
}
`;

describe("the HCL checks fail on broken configurations", () => {
  it("the parser rejects invalid HCL", async () => {
    await expect(parseConfig("/nowhere", { "main.tf": 'resource "aws_x" "y" { a = }' })).rejects.toThrow();
  });

  it("checkReferences names undeclared variables, locals, resources, data sources and modules", async () => {
    const main = `
locals {
  known = var.declared
}
resource "aws_iam_role" "this" {
  name = "\${var.undeclared}-\${local.known}-\${local.missing}"
  path = data.aws_partition.missing.partition
  tags = { a = aws_lambda_function.nope.arn, b = module.gone.x, c = aws_iam_role.this.id }
}
`;
    const dir = fixture({});
    const broken = await parseConfig(dir, { "main.tf": main, "variables.tf": typedVar("declared") });
    expect(checkReferences(broken).map((p) => p.split(": ")[1])).toEqual([
      "var.undeclared is not declared",
      "local.missing is not declared",
      "data.aws_partition.missing is not declared",
      "aws_lambda_function.nope is not declared",
      "module.gone is not declared",
    ]);
    const fixed = await parseConfig(dir, { "main.tf": 'resource "aws_iam_role" "this" {\n  name = var.declared\n}\n', "variables.tf": typedVar("declared") });
    expect(checkReferences(fixed)).toEqual([]);
  });

  it("checkVariables names untyped, undescribed and unvalidated variables", async () => {
    const text = `
variable "no_type" {
  description = "Has no type at all."
}
variable "no_description" {
  type = bool
}
variable "shaped_without_validation" {
  description = "A list that should be checked."
  type        = list(string)
}
variable "some_kms_key_arn" {
  description = "An ARN checked only for length."
  type        = string
  validation {
    condition     = length(var.some_kms_key_arn) > 3
    error_message = "Too short for an ARN."
  }
}
variable "validates_the_wrong_thing" {
  description = "Its validation reads another variable."
  type        = number
  validation {
    condition     = var.no_type != null
    error_message = "This tests something else."
  }
}
variable "slack_webhook_url" {
  description = "A secret that is not marked sensitive."
  type        = bool
}
`;
    const problems = checkVariables(await parseConfig("/x", { "variables.tf": text }));
    expect(problems.sort()).toEqual(
      [
        "variable no_type has no type",
        "variable no_type has a shape but no validation block",
        "variable no_description has no description",
        "variable shaped_without_validation has a shape but no validation block",
        "variable some_kms_key_arn takes an ARN but no validation checks its form",
        "variable validates_the_wrong_thing: a validation does not test var.validates_the_wrong_thing",
        "variable slack_webhook_url looks secret but is not sensitive",
      ].sort(),
    );
  });

  it("checkOutputs names undescribed outputs", async () => {
    const text = 'output "a" {\n  value = 1\n}\noutput "b" {\n  description = "Described well enough."\n  value       = 2\n}\n';
    expect(checkOutputs(await parseConfig("/x", { "outputs.tf": text }))).toEqual(["output a has no description"]);
  });

  it("checkCallers names undeclared and missing module arguments", async () => {
    const dir = fixture({
      "mod/variables.tf": typedVar("required_one") + typedVar("optional_one", '  default = "x"'),
      "root/main.tf": 'module "m" {\n  source       = "../mod"\n  optional_one = "y"\n  typo_arg     = "z"\n}\n',
    });
    const mod = await parseConfig(join(dir, "mod"));
    const root = await parseConfig(join(dir, "root"));
    const problems = checkCallers(root, mod).map((p) => p.split(": ")[1]);
    expect(problems).toEqual(["passes typo_arg, which the module does not declare", "does not pass the required variable required_one"]);
    const none = await parseConfig(join(dir, "root"), { "main.tf": 'module "m" {\n  source = "../elsewhere"\n}\n' });
    expect(checkCallers(none, mod)[0]).toMatch(/calls no instance of the module/u);
  });

  it("checkTags names taggable resources without var.tags, and unknown resource types", async () => {
    const text =
      'resource "aws_s3_bucket" "a" {\n  bucket = "b"\n}\nresource "aws_new_thing" "b" {\n  x = 1\n}\nresource "aws_iam_role" "c" {\n  tags = var.tags\n}\n';
    expect(checkTags(await parseConfig("/x", { "main.tf": text })).sort()).toEqual([
      "aws_new_thing.b: aws_new_thing is in neither TAGGABLE nor UNTAGGABLE; decide whether it takes tags",
      "aws_s3_bucket.a does not apply var.tags",
    ]);
  });

  it("checkNamePrefix names resources whose names would collide between two instances", async () => {
    const text = `
locals {
  prefixed = "\${var.name}-x"
}
resource "aws_iam_role" "fixed" {
  name = "pxstream-lambda"
}
resource "aws_iam_role" "via_local" {
  name = local.prefixed
}
resource "aws_lambda_function" "f" {
  function_name = var.other
}
`;
    expect(checkNamePrefix(await parseConfig("/x", { "main.tf": text }))).toEqual([
      "aws_iam_role.fixed.name does not derive from var.name",
      "aws_lambda_function.f.function_name does not derive from var.name",
    ]);
  });
});

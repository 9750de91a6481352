/**
 * Static checks of Terraform configurations, without terraform: every .tf
 * file is parsed by HashiCorp's HCL parser (@cdktf/hcl2json), then the
 * checks below look at the parsed blocks for the conventions terraform
 * validate does not check (descriptions, validations, tags, name prefixes,
 * example callers); terraform itself checks the rest where it is installed
 * (validate.test.ts, terraform-test.test.ts). Each check returns a list of
 * problems (empty: passed), so tests can also feed it a broken fixture and
 * expect a complaint.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "@cdktf/hcl2json";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const moduleDir = join(repoRoot, "terraform");
export const examplesDir = join(moduleDir, "examples");

/** A JSON value as hcl2json gives it: expressions are strings wrapped in ${...}. */
export type Hcl = string | number | boolean | null | Hcl[] | { [k: string]: Hcl };
export type HclObject = { [k: string]: Hcl };

export interface TfFile {
  readonly path: string;
  readonly body: HclObject;
}

export interface Config {
  readonly dir: string;
  readonly files: readonly TfFile[];
}

export function isObject(v: Hcl | undefined): v is HclObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** hcl2json gives every block as an array of bodies; this flattens label → bodies. */
function bodies(v: Hcl | undefined): HclObject[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

export async function parseConfig(dir: string, sources?: Readonly<Record<string, string>>): Promise<Config> {
  const files: TfFile[] = [];
  const entries = sources ?? Object.fromEntries(tfFiles(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  for (const [name, text] of Object.entries(entries)) {
    const body = (await parse(name, text)) as HclObject;
    files.push({ path: join(dir, name), body });
  }
  return { dir, files };
}

export function tfFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".tf"))
    .sort();
}

export function exampleDirs(): string[] {
  return readdirSync(examplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(examplesDir, d.name))
    .sort();
}

// ------------------------------------------------------------- declarations

export interface Declarations {
  readonly variables: Map<string, HclObject>;
  readonly outputs: Map<string, HclObject>;
  readonly locals: Map<string, Hcl>;
  /** "type.name" → body */
  readonly resources: Map<string, HclObject>;
  /** "type.name" (without "data.") → body */
  readonly data: Map<string, HclObject>;
  readonly modules: Map<string, HclObject>;
}

/** Two-level labelled blocks (resource "type" "name"), as hcl2json nests them. */
function labelled2(v: Hcl | undefined, into: Map<string, HclObject>): void {
  if (!isObject(v)) return;
  for (const [type, byName] of Object.entries(v)) {
    if (!isObject(byName)) continue;
    for (const [name, b] of Object.entries(byName)) {
      for (const body of bodies(b)) into.set(`${type}.${name}`, body);
    }
  }
}

function labelled1(v: Hcl | undefined, into: Map<string, HclObject>): void {
  if (!isObject(v)) return;
  for (const [name, b] of Object.entries(v)) {
    for (const body of bodies(b)) into.set(name, body);
  }
}

export function declarations(config: Config): Declarations {
  const d: Declarations = {
    variables: new Map(),
    outputs: new Map(),
    locals: new Map(),
    resources: new Map(),
    data: new Map(),
    modules: new Map(),
  };
  for (const { body } of config.files) {
    labelled1(body.variable, d.variables);
    labelled1(body.output, d.outputs);
    labelled1(body.module, d.modules);
    labelled2(body.resource, d.resources);
    labelled2(body.data, d.data);
    for (const l of bodies(body.locals)) for (const [k, v] of Object.entries(l)) d.locals.set(k, v);
  }
  return d;
}

// --------------------------------------------------------------- references

export interface Reference {
  readonly file: string;
  readonly ref: string;
}

/** Every string of a parsed file that holds an expression, with its place. */
function expressions(v: Hcl, out: string[]): void {
  if (typeof v === "string") {
    if (v.includes("${")) out.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) expressions(x, out);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      // hcl2json keeps object keys that are expressions as "${...}" too.
      if (k.includes("${")) out.push(k);
      expressions(x, out);
    }
  }
}

const REF_PATTERNS: readonly RegExp[] = [
  /(?<![\w.-])(var|local|module)\.([A-Za-z_][\w-]*)/gu,
  /(?<![\w.-])data\.([a-z][a-z0-9]*_[\w]+)\.([A-Za-z_][\w-]*)/gu,
  // a managed resource: <provider>_<type>.<name>, not preceded by "data." or a dot
  /(?<![\w.-])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/gu,
];

export function references(config: Config): Reference[] {
  const out: Reference[] = [];
  for (const f of config.files) {
    const exprs: string[] = [];
    expressions(f.body, exprs);
    for (const e of exprs) {
      for (const [i, re] of REF_PATTERNS.entries()) {
        for (const m of e.matchAll(re)) {
          if (i === 0) out.push({ file: f.path, ref: `${m[1]}.${m[2]}` });
          else if (i === 1) out.push({ file: f.path, ref: `data.${m[1]}.${m[2]}` });
          else out.push({ file: f.path, ref: `${m[1]}.${m[2]}` });
        }
      }
    }
  }
  return out;
}

/** Every var./local./module./data./resource reference names something declared. */
export function checkReferences(config: Config): string[] {
  const d = declarations(config);
  const problems: string[] = [];
  for (const { file, ref } of references(config)) {
    const [kind, a, b] = ref.split(".");
    let ok: boolean;
    if (kind === "var") ok = a !== undefined && d.variables.has(a);
    else if (kind === "local") ok = a !== undefined && d.locals.has(a);
    else if (kind === "module") ok = a !== undefined && d.modules.has(a);
    else if (kind === "data") ok = d.data.has(`${a}.${b}`);
    else ok = d.resources.has(ref);
    if (!ok) problems.push(`${file}: ${ref} is not declared`);
  }
  return [...new Set(problems)];
}

// ---------------------------------------------------------------- variables

/** Inputs without a shape to validate, each with the reason. */
export const SHAPELESS_VARIABLES: Readonly<Record<string, string>> = {
  tags: "any map of strings is a valid set of tags",
  description: "free text",
  package_s3_object_version: "an opaque S3 version id",
};

/**
 * Every variable is typed and described; unless `typedAndDescribedOnly` (a
 * root module's own inputs), every variable that is not a bool and not in
 * `shapeless` has a validation block, and every *_arn(s) one checks the form.
 */
export function checkVariables(config: Config, shapeless: Readonly<Record<string, string>> = SHAPELESS_VARIABLES, typedAndDescribedOnly = false): string[] {
  const problems: string[] = [];
  for (const [name, v] of declarations(config).variables) {
    const type = v.type;
    if (typeof type !== "string" || type === "") problems.push(`variable ${name} has no type`);
    const description = v.description;
    if (typeof description !== "string" || description.trim().length < 10) problems.push(`variable ${name} has no description`);
    if (typedAndDescribedOnly) continue;
    const validations = bodies(v.validation);
    const isBool = type === "${bool}";
    if (!isBool && !(name in shapeless) && validations.length === 0) problems.push(`variable ${name} has a shape but no validation block`);
    for (const val of validations) {
      const cond = val.condition;
      if (typeof cond !== "string" || !cond.includes(`var.${name}`)) problems.push(`variable ${name}: a validation does not test var.${name}`);
      if (typeof val.error_message !== "string" || val.error_message.length < 10) problems.push(`variable ${name}: a validation has no error message`);
    }
    if (/_arns?$/u.test(name) && !validations.some((val) => typeof val.condition === "string" && val.condition.includes("arn:"))) {
      problems.push(`variable ${name} takes an ARN but no validation checks its form`);
    }
    if (v.sensitive === undefined && /(webhook_url|secret|password|token)$/u.test(name)) problems.push(`variable ${name} looks secret but is not sensitive`);
  }
  return problems;
}

export function checkOutputs(config: Config): string[] {
  const problems: string[] = [];
  for (const [name, o] of declarations(config).outputs) {
    if (typeof o.description !== "string" || o.description.trim().length < 10) problems.push(`output ${name} has no description`);
    if (o.value === undefined) problems.push(`output ${name} has no value`);
  }
  return problems;
}

// ---------------------------------------------------------- module callers

/** Arguments of a module block that are meta-arguments, not variables. */
const META_ARGUMENTS = new Set(["source", "version", "providers", "count", "for_each", "depends_on"]);

/** A module call passes only declared variables, and every variable without a default. */
export function checkModuleCall(call: HclObject, module: Config, where: string): string[] {
  const vars = declarations(module).variables;
  const problems: string[] = [];
  const passed = Object.keys(call).filter((k) => !META_ARGUMENTS.has(k));
  for (const arg of passed) if (!vars.has(arg)) problems.push(`${where}: passes ${arg}, which the module does not declare`);
  for (const [name, v] of vars) {
    if (!("default" in v) && !passed.includes(name)) problems.push(`${where}: does not pass the required variable ${name}`);
  }
  return problems;
}

/** Every module block of `config` whose source is `module.dir` (relative). */
export function checkCallers(config: Config, module: Config): string[] {
  const problems: string[] = [];
  let calls = 0;
  for (const [name, call] of declarations(config).modules) {
    const source = call.source;
    if (typeof source !== "string" || resolve(config.dir, source) !== resolve(module.dir)) continue;
    calls++;
    problems.push(...checkModuleCall(call, module, `${config.dir} module.${name}`));
  }
  if (calls === 0) problems.push(`${config.dir}: calls no instance of the module`);
  return problems;
}

// ------------------------------------------------------------------- tags

/** Resource types the module uses that take tags. */
export const TAGGABLE = new Set([
  "aws_lambda_function",
  "aws_cloudwatch_log_group",
  "aws_iam_role",
  "aws_iam_policy",
  "aws_ssm_parameter",
  "aws_s3_bucket",
  "aws_cloudwatch_metric_alarm",
  "aws_sns_topic",
  "aws_kms_key",
  "aws_scheduler_schedule_group",
  "aws_sqs_queue",
  "aws_s3_object",
]);

/** Resource types the module uses that have no tags argument. */
export const UNTAGGABLE = new Set([
  "aws_iam_role_policy",
  "aws_scheduler_schedule",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_policy",
  "aws_lambda_permission",
  "aws_cloudwatch_log_subscription_filter",
  "aws_lambda_function_event_invoke_config",
]);

export function checkTags(config: Config): string[] {
  const problems: string[] = [];
  for (const [addr, r] of declarations(config).resources) {
    const type = addr.split(".")[0] ?? "";
    if (TAGGABLE.has(type)) {
      if (typeof r.tags !== "string" || !r.tags.includes("var.tags")) problems.push(`${addr} does not apply var.tags`);
    } else if (!UNTAGGABLE.has(type)) problems.push(`${addr}: ${type} is in neither TAGGABLE nor UNTAGGABLE; decide whether it takes tags`);
  }
  return problems;
}

// ------------------------------------------------------------ name prefix

const NAME_ARGUMENTS = ["name", "function_name", "alarm_name", "name_prefix"];

/** Every name the module gives a resource derives from var.name, so two instances never collide. */
export function checkNamePrefix(config: Config): string[] {
  const d = declarations(config);
  const derivesFromName = (expr: string, seen: Set<string> = new Set()): boolean => {
    if (/var\.name(?![\w-])/u.test(expr)) return true;
    for (const m of expr.matchAll(/local\.([\w-]+)/gu)) {
      const l = m[1];
      if (l === undefined || seen.has(l)) continue;
      seen.add(l);
      const v = d.locals.get(l);
      if (typeof v === "string" && derivesFromName(v, seen)) return true;
    }
    // another resource's name (e.g. aws_lambda_function.this.function_name) is already checked on its own
    return /aws_[\w]+\.[\w-]+(\[\d+\])?\.(name|id|function_name)/u.test(expr);
  };
  const problems: string[] = [];
  for (const [addr, r] of d.resources) {
    for (const arg of NAME_ARGUMENTS) {
      const v = r[arg];
      if (v === undefined) continue;
      if (typeof v !== "string" || !derivesFromName(v)) problems.push(`${addr}.${arg} does not derive from var.name`);
    }
  }
  return problems;
}

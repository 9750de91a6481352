/**
 * Running terraform from the tests: the same provider rule as
 * scripts/lib/terraform-env.sh (a filesystem mirror where one exists, e.g.
 * /opt/tf-plugins on machines without registry access; the registry
 * elsewhere; a TF_CLI_CONFIG_FILE that exists always wins), copies of the
 * module in temporary folders so that tests never write into the checkout,
 * and one probe that says plainly why terraform tests are skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { moduleDir, repoRoot } from "./hcl.js";

export const pluginMirror = process.env.PXSTREAM_TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";

let cachedEnv: NodeJS.ProcessEnv | undefined;

/** The environment terraform runs with in the tests. */
export function terraformEnv(): NodeJS.ProcessEnv {
  if (cachedEnv) return cachedEnv;
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  for (const k of Object.keys(env)) if (k.startsWith("TF_VAR_")) delete env[k];
  const given = process.env.TF_CLI_CONFIG_FILE;
  if (given === undefined || !existsSync(given)) {
    const rc = join(mkdtempSync(join(tmpdir(), "pxstream-tfrc-")), "terraform.rc");
    if (existsSync(pluginMirror)) {
      writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(pluginMirror)}\n  }\n}\n`);
    } else {
      // The registry; one download shared by every init of the run.
      const cache = join(tmpdir(), "pxstream-tf-plugin-cache");
      mkdirSync(cache, { recursive: true });
      writeFileSync(rc, `plugin_cache_dir = ${JSON.stringify(cache)}\n`);
    }
    env.TF_CLI_CONFIG_FILE = rc;
  }
  cachedEnv = env;
  return env;
}

export interface TfResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, for assertion messages. */
  readonly output: string;
}

/** Runs terraform asynchronously (the test's own servers keep answering meanwhile). */
export function terraform(args: readonly string[], cwd: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<TfResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [`-chdir=${cwd}`, ...args], { env: { ...terraformEnv(), ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

export interface Availability {
  readonly ok: boolean;
  /** Why terraform tests cannot run here (shown in the skipped tests' names). */
  readonly reason: string;
}

let cachedAvailability: Availability | undefined;

/**
 * Whether terraform and the AWS provider can be used here: terraform on PATH,
 * and `terraform init` of a configuration requiring the module's provider
 * version succeeds (from the mirror, or the registry when reachable).
 */
export function terraformAvailability(): Availability {
  if (cachedAvailability) return cachedAvailability;
  const version = spawnSync("terraform", ["version"], { encoding: "utf8", env: terraformEnv() });
  if (version.error !== undefined || version.status !== 0) {
    cachedAvailability = { ok: false, reason: "terraform is not installed" };
    return cachedAvailability;
  }
  const dir = mkdtempSync(join(tmpdir(), "pxstream-tf-probe-"));
  writeFileSync(
    join(dir, "main.tf"),
    'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 5.100, < 7.0"\n    }\n  }\n}\n',
  );
  const init = spawnSync("terraform", [`-chdir=${dir}`, "init", "-backend=false", "-input=false", "-no-color"], { encoding: "utf8", env: terraformEnv() });
  cachedAvailability =
    init.status === 0
      ? { ok: true, reason: "" }
      : {
          ok: false,
          reason: `the AWS provider cannot be installed (no mirror at ${pluginMirror}, registry unreachable): ${`${init.stderr}`.replace(/\s+/gu, " ").trim().slice(0, 200)}`,
        };
  return cachedAvailability;
}

/** A test title that says why it was skipped, when it is. */
export function titled(title: string, availability: Availability): string {
  return availability.ok ? title : `${title} [skipped: ${availability.reason}]`;
}

/**
 * Copies terraform/ (module, submodules, examples, tests) into a fresh
 * temporary folder, without any .terraform, lock or state file, and returns
 * the copy's terraform/ folder. With `withPackage`, dist/pxstream.zip goes
 * beside it, where the module's default package_path looks.
 */
export function copyModule(withPackage = false): string {
  const root = mkdtempSync(join(tmpdir(), "pxstream-tf-"));
  const target = join(root, "terraform");
  cpSync(moduleDir, target, {
    recursive: true,
    filter: (src) => {
      const name = basename(src);
      return name !== ".terraform" && name !== ".terraform.lock.hcl" && !name.endsWith(".tfstate") && !name.includes(".tfstate.") && !name.endsWith(".tfplan");
    },
  });
  if (withPackage) {
    const zip = join(repoRoot, "dist", "pxstream.zip");
    if (!existsSync(zip)) throw new Error(`${zip} is missing: run \`make build\` first (make test does it for you).`);
    mkdirSync(join(root, "dist"));
    cpSync(zip, join(root, "dist", "pxstream.zip"));
  }
  return target;
}

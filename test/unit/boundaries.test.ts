// The functional core stays pure: nothing under handler/core/ may reach the
// network or AWS, directly or through the adapters in handler/io/.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const CORE = resolve(import.meta.dirname, "..", "..", "handler", "core");

/** Module specifiers a core module may not import. */
const FORBIDDEN: readonly RegExp[] = [/^@aws-sdk\//, /^@smithy\//, /^(node:)?(http|https|net|tls|dgram|dns|http2)$/, /(^|\/)io(\/|$)/, /^\.\.\//];

/** Every module specifier of a TypeScript source: static imports, re-exports and dynamic import(). */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/\b(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\bimport\s+["']([^"']+)["']/g)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec !== undefined) specs.push(spec);
  }
  return specs;
}

function violations(files: ReadonlyArray<{ name: string; source: string }>): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const spec of importsOf(f.source)) {
      if (FORBIDDEN.some((re) => re.test(spec))) out.push(`${f.name} imports ${spec}`);
    }
  }
  return out;
}

describe("import boundaries", () => {
  test("no module under handler/core/ imports the AWS SDK, the network or handler/io", () => {
    const files = readdirSync(CORE)
      .filter((n) => n.endsWith(".ts"))
      .map((name) => ({ name, source: readFileSync(join(CORE, name), "utf8") }));
    expect(files.length).toBeGreaterThan(10);
    expect(violations(files)).toEqual([]);
  });

  test("the check catches each kind of forbidden import", () => {
    const bad = [
      'import { S3Client } from "@aws-sdk/client-s3";',
      'import { request } from "node:https";',
      'import * as net from "net";',
      'import type { StateStore } from "../io/state-store.js";',
      'export { postJson } from "../io/http-post.js";',
      'const m = await import("@aws-sdk/client-ssm");',
    ].map((source, i) => ({ name: `bad${i}.ts`, source }));
    expect(violations(bad)).toHaveLength(bad.length);
    const fine = [{ name: "ok.ts", source: 'import { gunzipSync } from "node:zlib";\nimport type { CashOut } from "./cash-out.js";' }];
    expect(violations(fine)).toEqual([]);
  });
});

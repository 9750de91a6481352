// The artifact: index.mjs at the root of a reproducible zip.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readZip, repoRoot, zipPath } from "../support/dist-handler.js";

function copyOfSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "pxstream-build-"));
  for (const entry of ["handler", "scripts", "package.json", "package-lock.json", "tsconfig.json"]) {
    cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function buildIn(dir: string): Buffer {
  execFileSync(process.execPath, [join(dir, "scripts", "build.mjs")], { cwd: dir, stdio: "pipe" });
  return readFileSync(join(dir, "dist", "pxstream.zip"));
}

describe("dist/pxstream.zip", () => {
  it("holds index.mjs at its root and nothing else", async () => {
    const entries = await readZip(zipPath);
    expect([...entries.keys()]).toEqual(["index.mjs"]);
    expect(entries.get("index.mjs")?.toString("utf8")).toMatch(/export\s*\{[^}]*as handler/);
  });

  it("is byte-identical when the same source is built in two different folders", () => {
    const a = buildIn(copyOfSource());
    const b = buildIn(copyOfSource());
    expect(a.length).toBeGreaterThan(1000);
    const sha = (x: Buffer) => createHash("sha256").update(x).digest("hex");
    expect(sha(a)).toBe(sha(b));
    // And equal to the tree's own build, which `make test` made from this same source.
    expect(sha(a)).toBe(sha(readFileSync(zipPath)));
  });

  it("writes the base64 SHA-256 Terraform's source_code_hash expects", () => {
    const expected = createHash("sha256").update(readFileSync(zipPath)).digest("base64");
    expect(readFileSync(`${zipPath}.sha256`, "utf8").trim()).toBe(expected);
  });
});
